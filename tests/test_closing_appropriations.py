"""closing.appropriations on its own: the fund register (years, forced and voluntary
reversals oldest first, cover-loss, the new fund's account) and the överavskrivning
(30- and 20-rule, years shorter or longer than twelve months, impossible inputs)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from closing import RATES, AssetInputs, ClosingAccounts, ClosingSettings, close, trial_balance
from closing.appropriations import (
    Fund,
    PfondPlan,
    allocate,
    cover_loss,
    fund_year,
    inventarier_lines,
    main_rule_residual,
    overavskrivning,
    pfond_plan,
    reverse_oldest_first,
)
from sie import dates
from sie.model import Account, FinancialYear
from tests.closing_support import dec, ledger

ACC = ClosingAccounts()
R2025 = RATES[2025]


def codes(findings) -> list[str]:  # type: ignore[no-untyped-def]
    return [f.code for f in findings]


# --- the register -----------------------------------------------------------------------


def test_fund_year_follows_the_last_digit() -> None:
    assert fund_year("2125", 2025, ACC) == (2025, False)
    assert fund_year("2129", 2025, ACC) == (2019, False)  # 2019 is the latest year ending in 9
    assert fund_year("2120", 2025, ACC) == (2020, False)
    assert fund_year("2131", 2025, ACC) == (2021, True)
    assert fund_year("2110", 2025, ACC) == (None, False)
    assert fund_year("2110", 2025, ACC, {"2110": 2022}) == (2022, False)


def test_months_and_start_of_broken_and_extended_years() -> None:
    calendar = FinancialYear(0, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    extended = FinancialYear(0, dt.date(2024, 7, 1), dt.date(2025, 12, 31))
    short = FinancialYear(0, dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    no_start = FinancialYear(0, None, dt.date(2025, 6, 30))
    assert [dates.months_of(y) for y in (calendar, extended, short)] == [12, 18, 6]
    assert dates.start_of(no_start) == dt.date(2024, 7, 1) and dates.months_of(no_start) == 12
    assert [dates.year_label(dates.start_of(y), y.end) for y in (calendar, extended)] == [  # type: ignore[arg-type]
        "2025",
        "2024/2025",
    ]
    assert dates.span_text(FinancialYear(0, None, None)) == "? – ?"
    assert dates.span_json(short) == {"start": "2025-07-01", "end": "2025-12-31"}


def funds_2025():  # type: ignore[no-untyped-def]
    """Funds at 2025-01-01: 2019 60 000 (sixth year), 2021 10 000, 2023 20 000."""
    return ledger(
        2025,
        ib={"1930": 190_000, "2129": -60_000, "2121": -10_000, "2123": -20_000, "2091": -100_000},
    )


def test_plan_forces_the_sixth_year_and_computes_the_schablonintakt() -> None:
    """Schablonintäkt 90 000 × 1.96 % = 1 764; uppräkning 60 000 × 4 % = 2 400."""
    model = funds_2025()
    plan = pfond_plan(trial_balance(model), model.year(0), 2025, R2025, ClosingSettings())
    assert [(f.account, f.year, f.reversal, f.forced) for f in plan.funds] == [
        ("2129", 2019, dec(60_000), True),
        ("2121", 2021, 0, False),
        ("2123", 2023, 0, False),
    ]
    assert (plan.funds_at_start, plan.schablon_rate, plan.months) == (
        dec(90_000),
        Decimal("0.0196"),
        12,
    )
    assert (plan.schablonintakt, plan.upprakning) == (dec(1_764), dec(2_400))
    [reversal] = plan.reversals
    assert (reversal.upprakning_factor, reversal.upprakning) == (Decimal("1.04"), dec(2_400))


def test_voluntary_amount_is_taken_oldest_first_and_capped() -> None:
    model = funds_2025()
    asked = ClosingSettings(reverse_pfond=Decimal(15_000))
    plan = pfond_plan(trial_balance(model), model.year(0), 2025, R2025, asked)
    # forced 60 000 from 2019 first; then 10 000 (2021) + 5 000 (2023) = 15 000.
    assert [(f.year, f.reversal) for f in plan.funds] == [
        (2019, dec(60_000)),
        (2021, dec(10_000)),
        (2023, dec(5_000)),
    ]
    assert plan.reversal_total == dec(75_000)
    funds = list(plan.funds)
    # 15 000 left in 2023; asking 40 000 reverses 15 000 and says so.
    [capped] = reverse_oldest_first(funds, Decimal(40_000))
    assert capped.code == "closing-reversal-invalid" and "(15 000,00)" in capped.message
    assert funds[2].reversal == dec(20_000) and funds[2].closing == 0
    [nothing] = reverse_oldest_first(funds, Decimal(1))
    assert "no periodiseringsfond left" in nothing.message
    [negative] = reverse_oldest_first(list(plan.funds), Decimal(-5))
    assert "not a positive amount" in negative.message


def test_all_reverses_every_fund() -> None:
    model = funds_2025()
    plan = pfond_plan(
        trial_balance(model), model.year(0), 2025, R2025, ClosingSettings(reverse_pfond="all")
    )
    assert plan.reversal_total == dec(90_000)
    assert [f.closing for f in plan.funds] == [0, 0, 0]


def test_cover_loss_takes_the_uppraknade_amount_into_account() -> None:
    """Need 10 400 from a fund taxed at 104 %: 10 000 reversed + 400 uppräkning."""
    plan = PfondPlan(
        funds=(
            Fund("2120", 2020, False, dec(50_000), upprakning_factor=Decimal("1.04")),
            Fund("2122", 2022, False, dec(50_000)),
        ),
        funds_at_start=dec(100_000),
        schablon_rate=Decimal("0.0196"),
        months=12,
        schablonintakt=dec(1_960),
    )
    covered = cover_loss(plan, dec(10_400))
    assert [f.reversal for f in covered.funds] == [dec(10_000), 0]
    assert covered.upprakning == dec(400)
    # 52 000 + 2 000 from 2120 (all of it) and 8 000 from 2122 cover 60 000.
    more = cover_loss(plan, dec(60_000))
    assert [f.reversal for f in more.funds] == [dec(50_000), dec(8_000)]
    assert cover_loss(plan, dec(-5)) is plan
    short = cover_loss(plan, dec(200_000))
    assert short.reversal_total == dec(100_000)
    assert codes(short.findings) == ["closing-reversal-invalid"]


def test_allocate_names_this_years_fund_or_the_second_one() -> None:
    model = funds_2025()
    plan = pfond_plan(trial_balance(model), model.year(0), 2025, R2025, ClosingSettings())
    after = allocate(plan, 2025, ACC, dec(5_000))
    assert after.allocation_account == "2125" and after.allocation == dec(5_000)
    assert after.funds[-1] == Fund("2125", 2025, False, 0, allocation=dec(5_000))
    # A fund already on 2125 at the start (an earlier year ending in 2025): "nr 2" on 2135.
    twice = ledger(2025, ib={"1930": 1_000, "2125": -1_000})
    held = pfond_plan(trial_balance(twice), twice.year(0), 2025, R2025, ClosingSettings())
    second = allocate(held, 2025, ACC, dec(700))
    assert second.allocation_account == "2135"
    assert [(f.account, f.second, f.closing) for f in second.funds] == [
        ("2125", False, dec(1_000)),
        ("2135", True, dec(700)),
    ]
    nothing = allocate(plan, 2025, ACC, dec(0))
    assert nothing.allocation_account == "2125" and nothing.funds == plan.funds


# --- överavskrivningar ------------------------------------------------------------------


def inventarier(opening: int, planned: int, reserve: int = 0, end_year: int = 2025, start=1):  # type: ignore[no-untyped-def]
    ib = {"1220": opening, "1930": 100_000, "2153": -reserve}
    ib["2091"] = -(opening + 100_000 - reserve)
    return ledger(
        end_year,
        ib={k: v for k, v in ib.items() if v},
        entries=[("Avskrivning", [("7832", planned), ("1229", -planned)])],
        start_month=start,
    )


def test_thirty_rule_over_twelve_months() -> None:
    """Worked example 2: tax value 250 000 + 100 000 bought → floor 70 % = 245 000;
    book 300 000 + 100 000 − 80 000 = 320 000 → reserve 75 000, +25 000 on 50 000."""
    model = ledger(
        2025,
        ib={"1220": 300_000, "2153": -50_000, "1930": 50_000, "2091": -300_000},
        entries=[
            ("Inköp", [("1220", 100_000), ("1930", -100_000)]),
            ("Avskrivning", [("7832", 80_000), ("1229", -80_000)]),
        ],
    )
    over, findings = overavskrivning(
        trial_balance(model), 2025, R2025, ACC, AssetInputs(acquisitions={2025: dec(100_000)})
    )
    assert (over.opening_tax_value, over.main_rule_base) == (dec(250_000), dec(350_000))
    assert (over.main_rule_residual, over.lowest_tax_value) == (Decimal("0.70"), dec(245_000))
    assert (over.book_value, over.reserve_after, over.change) == (
        dec(320_000),
        dec(75_000),
        dec(25_000),
    )
    assert over.tax_value == dec(245_000) and over.max_tax_depreciation == dec(105_000)
    assert codes(findings) == ["closing-rule20-skipped"]


def test_thirty_rule_in_proportion_to_the_years_length() -> None:
    """18 kap. 13 § IL: 30 % × 18/12 = 45 %, so the floor is 55 % of 100 000 = 55 000
    (book 100 000 − 20 000 = 80 000 → reserve 25 000); over six months 30 % × 6/12 = 15 %,
    floor 85 000 (book 95 000 → reserve 10 000)."""
    assert main_rule_residual(R2025, 12) == Decimal("0.70")
    assert main_rule_residual(R2025, 18) == Decimal("0.55")
    assert main_rule_residual(R2025, 6) == Decimal("0.85")
    long_tb = trial_balance(inventarier(100_000, 20_000))
    over, _ = overavskrivning(long_tb, 2025, R2025, ACC, AssetInputs(), months=18)
    assert (over.months, over.lowest_tax_value, over.change) == (18, dec(55_000), dec(25_000))
    short_tb = trial_balance(inventarier(100_000, 5_000))
    over, _ = overavskrivning(short_tb, 2025, R2025, ACC, AssetInputs(), months=6)
    assert (over.lowest_tax_value, over.change) == (dec(85_000), dec(10_000))


def test_the_engine_passes_the_years_length() -> None:
    """An extended first year 2024-07-01 – 2025-12-31 (18 months): floor 55 000, +25 000."""
    model = inventarier(100_000, 20_000)
    extended = (FinancialYear(0, dt.date(2024, 7, 1), dt.date(2025, 12, 31)),)
    result = close(attrs.evolve(model, years=extended), assets=AssetInputs())
    over = result.overavskrivning
    assert over is not None and (over.months, over.change) == (18, dec(25_000))
    assert result.pfond is not None and result.pfond.months == 18


def test_twenty_rule_counts_tax_years_not_months() -> None:
    """The 20-rule uses the cost of items bought this and the three previous tax years
    (80/60/40/20 %), whatever their length: 40 000 × 80 % + 50 000 × 40 % = 52 000."""
    history = {2025: dec(40_000), 2024: dec(0), 2023: dec(50_000), 2022: dec(0)}
    tb = trial_balance(inventarier(100_000, 20_000))
    for months in (6, 12, 18):
        over, findings = overavskrivning(
            tb, 2025, R2025, ACC, AssetInputs(acquisitions=history), months
        )
        assert over.complementary_rule_value == dec(52_000)
        assert "closing-rule20-skipped" not in codes(findings)
    # 30-rule over 12 months: 70 % × (100 000 + 40 000) = 98 000 → the 20-rule wins.
    over, _ = overavskrivning(tb, 2025, R2025, ACC, AssetInputs(acquisitions=history))
    assert (over.rule, over.lowest_tax_value) == ("20", dec(52_000))


def test_impossible_inputs_are_findings() -> None:
    """A reserve of 30 000 on a book value of 10 000; a book value (100 000 − 50 000 =
    50 000) under the lowest tax value 70 000 (planned depreciation above the 30-rule)."""
    over, findings = overavskrivning(
        trial_balance(inventarier(10_000, 0, reserve=30_000)), 2025, R2025, ACC, AssetInputs()
    )
    assert "closing-reserve-exceeds-book" in codes(findings)
    # Opening tax value 10 000 − 30 000 < 0 → floor 0; the reserve is cut to the book value.
    assert (over.reserve_after, over.change, over.tax_value) == (dec(10_000), dec(-20_000), 0)
    over, findings = overavskrivning(
        trial_balance(inventarier(100_000, 50_000)), 2025, R2025, ACC, AssetInputs()
    )
    assert "closing-tax-value-below-floor" in codes(findings)
    assert (over.book_value, over.lowest_tax_value, over.reserve_after) == (
        dec(50_000),
        dec(70_000),
        0,
    )


def test_inventarier_lines_range_and_sru() -> None:
    model = ledger(
        2025,
        ib={"1210": 1, "1240": 2, "1259": -1, "1260": 5, "1290": 7, "1930": 0, "2091": -14},
    )
    tb = trial_balance(model)
    assert [x.account for x in inventarier_lines(tb, ACC)] == ["1210", "1240", "1259"]
    coded = attrs.evolve(
        model,
        accounts=(
            Account("1240", "Bilar", sru=("7214",)),
            Account("1290", "Övriga inventarier", sru=("7215",)),
        ),
    )
    # Coded accounts go by their code; uncoded ones (1210, 1259) by the range.
    assert [x.account for x in inventarier_lines(trial_balance(coded), ACC)] == [
        "1210",
        "1259",
        "1290",
    ]


def bought_this_year():  # type: ignore[no-untyped-def]
    """Worked example 2 plus a corrected depreciation: 1220 debited 100 000 (bought),
    1229 debited 5 000 (a correction, no purchase); book 300 000 + 100 000 − 75 000."""
    return ledger(
        2025,
        ib={"1220": 300_000, "2153": -50_000, "1930": 50_000, "2091": -300_000},
        entries=[
            ("Inköp", [("1220", 100_000), ("1930", -100_000)]),
            ("Avskrivning", [("7832", 80_000), ("1229", -80_000)]),
            ("Rättelse", [("1229", 5_000), ("7832", -5_000)]),
        ],
    )


def test_missing_acquisitions_for_the_year_are_the_ledgers_debits_with_a_warning() -> None:
    """No acquisitions in the inputs: the 30-rule takes the 100 000 debited on 1220 (not
    the 5 000 on 1229): floor 70 % × (250 000 + 100 000) = 245 000; book 325 000 →
    reserve 80 000, +30 000 on 50 000. Before, 0 was used: floor 175 000, +100 000."""
    result = close(bought_this_year(), assets=AssetInputs())
    over = result.overavskrivning
    assert over is not None and over.acquisitions_from_ledger
    assert (over.acquisitions, over.lowest_tax_value, over.book_value) == (
        dec(100_000),
        dec(245_000),
        dec(325_000),
    )
    assert (over.reserve_after, over.change) == (dec(80_000), dec(30_000))
    (warning,) = [f for f in result.findings if f.code == "closing-acquisitions-from-ledger"]
    assert warning.severity == "warning"
    assert "1220 100 000,00" in warning.message and "1229" not in warning.message
    # Given for the year, the inputs win and nothing is said.
    given = close(bought_this_year(), assets=AssetInputs(acquisitions={2025: dec(60_000)}))
    assert given.overavskrivning is not None and not given.overavskrivning.acquisitions_from_ledger
    assert given.overavskrivning.lowest_tax_value == dec(217_000)  # 70 % × 310 000
    assert "closing-acquisitions-from-ledger" not in codes(given.findings)


def test_acquisition_years_no_rule_uses_are_a_finding() -> None:
    history = {2025: dec(100_000), 2026: dec(1), 2021: dec(2), 2023: dec(0)}
    over, findings = overavskrivning(
        trial_balance(bought_this_year()), 2025, R2025, ACC, AssetInputs(acquisitions=history)
    )
    (unused,) = [f for f in findings if f.code == "closing-acquisitions-unused"]
    assert "2021, 2026" in unused.message and "2022–2025" in unused.message
    assert over.acquisitions == dec(100_000)
    _over, findings = overavskrivning(
        trial_balance(bought_this_year()), 2025, R2025, ACC, AssetInputs(acquisitions={2025: 0})
    )
    assert "closing-acquisitions-unused" not in codes(findings)
