"""The four worked examples of the closing domain brief (§4), to the krona.

Each ledger is built from the example's own figures; the engine must give the
brief's base, allocation, taxable income, tax, årets resultat and vouchers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from closing import AssetInputs, ClosingSettings, apply, close, trial_balance
from closing.settings import AccountRange
from tests.closing_support import dec, ledger, rows_of


def d(value: int | str) -> Decimal:
    return dec(value)


def voucher_rows(result) -> list[tuple[str, list[tuple[str, Decimal]]]]:  # type: ignore[no-untyped-def]
    return [(v.text, rows_of(v)) for v in result.vouchers]


def example_1():  # type: ignore[no-untyped-def]
    """2026, no funds, full allocation: pre-result 800 000."""
    return ledger(
        2026,
        ib={"1930": 100_000, "2081": -25_000, "2091": -75_000},
        entries=[
            ("Försäljning", [("1930", 1_000_000), ("3001", -1_000_000)]),
            ("Hyra", [("5010", 194_000), ("1930", -194_000)]),
            ("Representation", [("6072", 4_000), ("1930", -4_000)]),
            ("Ej avdragsgilla kostnader", [("6992", 2_300), ("1930", -2_300)]),
            ("Ränta skattekonto", [("1930", 300), ("8314", -300)]),
        ],
    )


def test_example_1_full_allocation() -> None:
    result = close(example_1())
    assert result.closed
    assert result.result_before_appropriations == d(800_000)
    assert result.tax.non_deductible == d(6_300)
    assert result.tax.non_taxable == d(300)
    assert result.pfond.schablonintakt == 0
    assert result.tax.pfond_base == d(806_000)
    assert result.tax.pfond_allocation == d(201_500)
    assert result.pfond.allocation_account == "2126"
    assert result.tax.taxable_income == d(604_500)
    assert result.tax.tax == d(124_527)
    assert result.arets_resultat == d(473_973)
    assert all(v.date == dt.date(2026, 12, 31) for v in result.vouchers)
    assert voucher_rows(result) == [
        ("Avsättning till periodiseringsfond 2026", [("8811", d(201_500)), ("2126", d(-201_500))]),
        ("Beräknad inkomstskatt 2026", [("8910", d(124_527)), ("2512", d(-124_527))]),
        ("Årets resultat 2026", [("8999", d(473_973)), ("2099", d(-473_973))]),
    ]
    # INK2S 4.15 = 4.1 + 4.3a + 4.3c − 4.5c, as the brief checks it.
    assert (
        result.arets_resultat + result.tax.tax + result.tax.non_deductible - result.tax.non_taxable
        == d(604_500)
    )


def example_2():  # type: ignore[no-untyped-def]
    """2025, three funds (2019 forced out), inventarier with överavskrivningar."""
    return ledger(
        2025,
        ib={
            "1220": 300_000,
            "1930": 500_000,
            "2153": -50_000,
            "2129": -60_000,
            "2122": -100_000,
            "2124": -40_000,
            "2091": -550_000,
        },
        entries=[
            ("Försäljning", [("1930", 442_680), ("3001", -442_680)]),
            ("Inköp inventarier", [("1220", 100_000), ("1930", -100_000)]),
            ("Avskrivning enligt plan", [("7832", 80_000), ("1229", -80_000)]),
            ("Representation", [("6072", 11_800), ("1930", -11_800)]),
            ("Kostnadsränta skattekonto", [("8423", 1_080), ("1930", -1_080)]),
            ("Intäktsränta skattekonto", [("1930", 200), ("8314", -200)]),
        ],
    )


def test_example_2_reversal_upprakning_overavskrivning() -> None:
    model = example_2()
    result = close(model, assets=AssetInputs(acquisitions={2025: Decimal(100_000)}))
    assert result.closed
    assert result.result_before_appropriations == d(350_000)
    [reversal] = result.pfond.reversals
    assert (reversal.account, reversal.year, reversal.amount, reversal.forced) == (
        "2129",
        2019,
        d(60_000),
        True,
    )
    assert result.pfond.upprakning == d(2_400)
    over = result.overavskrivning
    assert over is not None
    assert over.opening_tax_value == d(250_000)
    assert over.main_rule_value == d(245_000)
    assert over.max_tax_depreciation == d(105_000)
    assert result.tax.overavskrivning == d(25_000)
    assert result.tax.booked_result_before_allocation == d(385_000)
    assert result.tax.non_deductible == d(12_880)
    assert result.tax.non_taxable == d(200)
    assert result.pfond.funds_at_start == d(200_000)
    assert result.pfond.schablonintakt == d(3_920)
    assert result.tax.pfond_base == d(404_000)
    assert result.tax.pfond_allocation == d(101_000)
    assert result.pfond.allocation_account == "2125"
    assert result.tax.taxable_income == d(303_000)
    assert result.tax.tax == d(62_418)
    assert result.arets_resultat == d(221_582)
    assert voucher_rows(result) == [
        ("Återföring av periodiseringsfond 2019", [("2129", d(60_000)), ("8819", d(-60_000))]),
        (
            "Förändring av överavskrivningar på inventarier 2025",
            [("8853", d(25_000)), ("2153", d(-25_000))],
        ),
        ("Avsättning till periodiseringsfond 2025", [("8811", d(101_000)), ("2125", d(-101_000))]),
        ("Beräknad inkomstskatt 2025", [("8910", d(62_418)), ("2512", d(-62_418))]),
        ("Årets resultat 2025", [("8999", d(221_582)), ("2099", d(-221_582))]),
    ]
    # Closing balances: funds 241 000, 2153 75 000, tax value 245 000.
    register = {f.account: f.closing for f in result.pfond.funds}
    assert register == {"2122": d(100_000), "2124": d(40_000), "2125": d(101_000), "2129": 0}
    assert over.reserve_after == d(75_000)
    assert over.tax_value == d(245_000)
    after = trial_balance(apply(model, result))
    assert -sum((x.ub for x in after.in_range(AccountRange("2110", "2139"))), d(0)) == d(241_000)
    assert after.ub("2153") == d(-75_000)


def test_example_2_explicit_opening_tax_value_gives_the_same() -> None:
    assets = AssetInputs(opening_tax_value=Decimal(250_000), acquisitions={2025: Decimal(100_000)})
    result = close(example_2(), assets=assets)
    assert (result.tax.overavskrivning, result.tax.tax, result.arets_resultat) == (
        d(25_000),
        d(62_418),
        d(221_582),
    )


def example_3():  # type: ignore[no-untyped-def]
    """2024, loss absorbed by a voluntary reversal, tens-rounding visible."""
    return ledger(
        2024,
        ib={"1930": 200_000, "2123": -80_000, "2091": -120_000},
        entries=[
            ("Försäljning", [("1930", 100_000), ("3001", -100_000)]),
            ("Hyra", [("5010", 147_000), ("1930", -147_000)]),
            ("Representation", [("6072", 3_000), ("1930", -3_000)]),
        ],
    )


def test_example_3_voluntary_reversal_and_rounding() -> None:
    settings = ClosingSettings(pfond="none", reverse_pfond=Decimal(50_000))
    result = close(example_3(), settings)
    assert result.closed
    assert result.result_before_appropriations == d(-50_000)
    [reversal] = result.pfond.reversals
    assert (reversal.account, reversal.amount, reversal.forced) == ("2123", d(50_000), False)
    assert result.pfond.schablonintakt == d(2_096)
    assert result.tax.pfond_base == d(5_096)
    assert result.tax.pfond_max == d(1_274)
    assert result.tax.pfond_allocation == 0
    assert result.tax.taxable_income_exact == d(5_096)
    assert result.tax.taxable_income == d(5_090)
    assert result.tax.tax == d(1_048)
    assert result.arets_resultat == d(-1_048)
    assert voucher_rows(result) == [
        ("Återföring av periodiseringsfond 2023", [("2123", d(50_000)), ("8819", d(-50_000))]),
        ("Beräknad inkomstskatt 2024", [("8910", d(1_048)), ("2512", d(-1_048))]),
        ("Årets resultat 2024", [("2099", d(1_048)), ("8999", d(-1_048))]),
    ]
    assert {f.account: f.closing for f in result.pfond.funds} == {"2123": d(30_000)}


def example_4():  # type: ignore[no-untyped-def]
    """Example 4, the loss year: 80 000 sales, 200 000 rent, a 120 000 deficit."""
    return ledger(
        2025,
        ib={"1930": 300_000, "2091": -300_000},
        entries=[
            ("Försäljning", [("1930", 80_000), ("3001", -80_000)]),
            ("Hyra", [("5010", 200_000), ("1930", -200_000)]),
        ],
    )


def example_4_next_year():  # type: ignore[no-untyped-def]
    """Example 4, the year after: a 150 000 profit against last year's deficit."""
    return ledger(
        2026,
        ib={"1930": 300_000, "2091": -300_000},
        entries=[("Försäljning", [("1930", 150_000), ("3001", -150_000)])],
    )


def test_example_4_plain_loss() -> None:
    model = example_4()
    result = close(model)
    assert result.closed
    assert result.result_before_appropriations == d(-120_000)
    assert result.tax.tax == 0
    assert result.tax.taxable_income == 0
    assert result.tax.pfond_allocation == 0
    assert result.arets_resultat == d(-120_000)
    assert result.tax.deficit_carried_forward == d(120_000)
    assert voucher_rows(result) == [
        ("Årets resultat 2025", [("2099", d(120_000)), ("8999", d(-120_000))]),
    ]
    assert "closing-deficit" in {f.code for f in result.findings}


def test_example_4_deficit_is_deducted_next_year() -> None:
    """Next year 4.14a = 120 000: a 150 000 profit leaves 30 000, and by default
    the periodiseringsfond base is taken after the deficit."""
    model = example_4_next_year()
    result = close(model, ClosingSettings(previous_deficit=Decimal(120_000)))
    assert result.tax.pfond_base == d(30_000)
    assert result.tax.pfond_allocation == d(7_500)
    assert result.tax.taxable_income == d(22_500)
    assert result.tax.tax == d(4_635)
    before = close(
        model, ClosingSettings(previous_deficit=Decimal(120_000), deficit_before_pfond=False)
    )
    assert before.tax.pfond_base == d(150_000)
    assert before.tax.pfond_allocation == d(30_000)
    assert before.tax.taxable_income == 0
    assert before.tax.deficit_carried_forward == 0
