"""closing.tax on its own: the ladder from the booked result to the tax, the
allocation's limit, the previous deficit, öre handling and the adjustments."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from closing import RATES, ClosingSettings, trial_balance
from closing.tax import (
    Adjustment,
    adjustments,
    compute_tax,
    parse_adjustment,
    unmapped_adjustments,
)
from sie.model import Account
from tests.closing_support import dec, ledger

R2025 = RATES[2025]


def ladder(settings: ClosingSettings | None = None, **figures: Decimal):  # type: ignore[no-untyped-def]
    given_ = {
        "result_before_appropriations": dec(0),
        "booked_appropriations": dec(0),
        "booked_allocation": dec(0),
        "pfond_reversal": dec(0),
        "overavskrivning": dec(0),
        "adjustments": (),
        "schablonintakt": dec(0),
        "upprakning": dec(0),
        **figures,
    }
    return compute_tax(rates=R2025, settings=settings or ClosingSettings(), **given_)  # type: ignore[arg-type]


def test_worked_example_2_ladder() -> None:
    """350 000 + 60 000 − 25 000 + 12 880 − 200 + 3 920 + 2 400 = 404 000;
    25 % = 101 000; taxable 303 000; tax 303 000 × 0.206 = 62 418."""
    adj = (
        Adjustment("6072", "Representation", "4.3c", dec(11_800)),
        Adjustment("8423", "Kostnadsränta", "4.3c", dec(1_080)),
        Adjustment("8314", "Intäktsränta", "4.5c", dec(-200)),
    )
    comp = ladder(
        result_before_appropriations=dec(350_000),
        pfond_reversal=dec(60_000),
        overavskrivning=dec(25_000),
        adjustments=adj,
        schablonintakt=dec(3_920),
        upprakning=dec(2_400),
    )
    assert comp.booked_result_before_allocation == dec(385_000)
    assert (comp.non_deductible, comp.non_taxable) == (dec(12_880), dec(200))
    assert comp.adjustment_total == dec(12_680)
    assert (comp.surplus, comp.pfond_base, comp.pfond_max) == (
        dec(404_000),
        dec(404_000),
        dec(101_000),
    )
    assert (comp.pfond_allocation, comp.taxable_income, comp.tax) == (
        dec(101_000),
        dec(303_000),
        dec(62_418),
    )
    assert comp.rate == Decimal("0.206") and comp.deficit_carried_forward == 0
    assert comp.findings == ()


def test_previous_deficit_and_the_allocation_base() -> None:
    """Surplus 100 000, deficit 40 000. Base after the deficit: 60 000 → max 15 000,
    taxable 60 000 − 15 000 = 45 000. Base before it: 100 000 → max 25 000, still ≤ the
    60 000 the deficit leaves; taxable 35 000."""
    after = ladder(
        ClosingSettings(previous_deficit=Decimal(40_000)),
        **{"result_before_appropriations": dec(100_000)},
    )
    assert (after.pfond_base, after.pfond_max, after.taxable_income) == (
        dec(60_000),
        dec(15_000),
        dec(45_000),
    )
    before = ladder(
        ClosingSettings(previous_deficit=Decimal(40_000), deficit_before_pfond=False),
        result_before_appropriations=dec(100_000),
    )
    assert (before.pfond_base, before.pfond_allocation, before.taxable_income) == (
        dec(100_000),
        dec(25_000),
        dec(35_000),
    )
    # A deficit larger than the surplus: nothing allocated, 30 000 carried forward.
    deep = ladder(
        ClosingSettings(previous_deficit=Decimal(130_000), deficit_before_pfond=False),
        result_before_appropriations=dec(100_000),
    )
    assert (deep.pfond_allocation, deep.taxable_income, deep.deficit_carried_forward) == (
        0,
        0,
        dec(30_000),
    )
    assert [f.code for f in deep.findings] == ["closing-deficit"]


def test_requested_allocation_is_capped_and_a_booked_one_counts() -> None:
    """Max 25 % of 80 000 = 20 000; 5 000 already booked leaves room for 15 000."""
    capped = ladder(
        ClosingSettings(pfond=Decimal(30_000)),
        result_before_appropriations=dec(80_000),
        booked_allocation=dec(5_000),
    )
    assert (capped.pfond_max, capped.pfond_allocation) == (dec(20_000), dec(15_000))
    assert [f.code for f in capped.findings] == ["closing-pfond-capped"]
    # taxable 80 000 − 5 000 − 15 000 = 60 000
    assert capped.taxable_income == dec(60_000)
    negative = ladder(ClosingSettings(pfond=Decimal(-1)), result_before_appropriations=dec(1))
    assert negative.pfond_allocation == 0 and negative.findings[0].code == "closing-pfond-capped"
    none = ladder(ClosingSettings(pfond="none"), result_before_appropriations=dec(80_000))
    assert none.pfond_allocation == 0 and none.taxable_income == dec(80_000)


def test_tens_rounding_and_ore_choice() -> None:
    """5 099 → 5 090; 5 090 × 0.206 = 1 048.54 → 1 048 (krona) or 1 048.54 (öre)."""
    krona = ladder(ClosingSettings(pfond="none"), result_before_appropriations=dec(5_099))
    ore = ladder(
        ClosingSettings(pfond="none", tax_rounding="ore"), result_before_appropriations=dec(5_099)
    )
    assert (krona.taxable_income, krona.tax, ore.tax) == (dec(5_090), dec(1_048), dec("1048.54"))


def test_booked_tax_leaves_the_difference_to_book() -> None:
    comp = ladder(
        ClosingSettings(pfond="none"),
        result_before_appropriations=dec(100_000),
        booked_tax=dec(15_000),
    )
    assert (comp.tax, comp.booked_tax, comp.tax_to_book) == (dec(20_600), dec(15_000), dec(5_600))


@given(st.integers(-1_000_000, 5_000_000), st.integers(0, 500_000))
def test_ladder_invariants(result: int, deficit: int) -> None:
    comp = ladder(
        ClosingSettings(previous_deficit=Decimal(deficit)),
        result_before_appropriations=dec(result),
    )
    assert comp.taxable_income >= 0 and comp.taxable_income % 10 == 0
    assert 0 <= comp.pfond_allocation <= comp.pfond_max
    assert comp.taxable_income <= max(comp.taxable_income_exact, dec(0))
    assert comp.tax == (comp.taxable_income * Decimal("0.206")).to_integral_value(
        rounding="ROUND_FLOOR"
    )
    if comp.deficit_carried_forward:
        assert comp.taxable_income == 0 and comp.taxable_income_exact < 0


def test_adjustments_from_the_trial_balance_and_unmapped_names() -> None:
    model = ledger(
        2025,
        ib={"1930": 10_000, "2091": -10_000},
        entries=[
            ("Representation", [("6072", 1_000), ("1930", -1_000)]),
            ("Böter", [("6998", 500), ("1930", -500)]),
            ("Skattefri intäkt", [("1930", 250), ("3999", -250)]),
            ("Ränta skattekonto", [("1930", 40), ("8314", -40)]),
        ],
    )
    names = {
        "6072": "Representation, ej avdragsgill",
        "6998": "Böter och viten, Ej avdragsgilla",
        "3999": "Övriga intäkter, ej skattepliktiga",
        "8314": "Skattefria ränteintäkter",
        "1930": "Bank",
    }
    model = attrs.evolve(model, accounts=tuple(Account(a, n) for a, n in names.items()))
    tb = trial_balance(model)
    mapping = {"6072": "4.3c", "8314": "4.5c", "7632": "4.3c"}
    assert adjustments(tb, mapping) == (
        Adjustment("6072", "Representation, ej avdragsgill", "4.3c", dec(1_000)),
        Adjustment("8314", "Skattefria ränteintäkter", "4.5c", dec(-40)),
    )
    warned = unmapped_adjustments(tb, mapping)
    assert [f.code for f in warned] == ["closing-adjustment-unmapped"] * 2
    # In account order; each names its account and the setting to change.
    assert ["3999" in warned[0].message, "6998" in warned[1].message] == [True, True]
    assert all("ClosingSettings.adjustments" in f.message for f in warned)
    assert unmapped_adjustments(tb, {**mapping, "6998": "4.3c", "3999": "4.5c"}) == []
    assert Adjustment("6072", "", "4.3c", dec(1)).field_title.startswith("Andra bokförda kostnader")


def test_sub_accounts_map_by_their_parent_and_skattefri_names_are_noticed() -> None:
    """60721 follows 6072 (4.3c), 8271 its group account 8270 (4.3b), 8254 is a default
    (4.5c); 8256 'Skattefria …' is named so but unmapped: a warning with --adjust."""
    model = ledger(
        2025,
        ib={"1930": 10_000, "2091": -10_000},
        entries=[
            ("Representation", [("60721", 1_200), ("1930", -1_200)]),
            ("Nedskrivning", [("8271", 3_000), ("1930", -3_000)]),
            ("Ränta", [("1930", 75), ("8254", -75)]),
            ("Ränta", [("1930", 1_234.5), ("8256", -1_234.5)]),
        ],
    )
    names = {
        "60721": "Representation kunder",
        "8271": "Nedskrivningar av andelar",
        "8254": "Skattefria ränteintäkter, långfristiga tillgångar",
        "8256": "Skattefria räntor, övrigt",
        "1930": "Bank",
    }
    model = attrs.evolve(model, accounts=tuple(Account(a, n) for a, n in names.items()))
    tb = trial_balance(model)
    mapping = ClosingSettings().adjustments
    assert [(a.account, a.field, a.amount) for a in adjustments(tb, mapping)] == [
        ("60721", "4.3c", dec(1_200)),
        ("8254", "4.5c", dec(-75)),
        ("8271", "4.3b", dec(3_000)),
    ]
    [warned] = unmapped_adjustments(tb, mapping)
    assert "8256" in warned.message and "-1 234,50" in warned.message
    assert (
        "--adjust 8256=4.5c" in warned.message and "ClosingSettings.adjustments" in warned.message
    )
    # 'none' drops a default and silences the warning; an own entry beats the parent's.
    dropped = {**mapping, "8254": "none", "8256": "none", "60721": "4.5c"}
    assert [(a.account, a.field) for a in adjustments(tb, dropped)] == [
        ("60721", "4.5c"),
        ("8271", "4.3b"),
    ]
    assert unmapped_adjustments(tb, dropped) == []


def test_parse_adjustment() -> None:
    assert parse_adjustment("6072=4.3C") == ("6072", "4.3c")
    assert parse_adjustment(" 60721 = none ") == ("60721", "none")
    for bad in ("6072", "6072=4.4", "DIFF=4.3c", "=4.3c", "607=4.3c"):
        with pytest.raises(ValueError, match=r"6072=4\.3c|must be one of"):
            parse_adjustment(bad)
