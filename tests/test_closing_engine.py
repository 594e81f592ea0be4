"""The closing engine beyond the worked examples: refusals, already-booked
amounts, the fund register's edge cases, the two depreciation rules, voucher
numbering, ``apply`` and the JSON shape."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import attrs
import pytest

import sie
from closing import (
    RATES,
    AccountRange,
    AssetInputs,
    ClosingAccounts,
    ClosingSettings,
    apply,
    close,
    trial_balance,
)
from sie import amounts
from sie.model import Account, Balance, Row, Voucher
from tests.closing_support import dec, ledger, rows_of
from tests.conftest import corpus_params
from tests.test_closing_examples import example_1


def codes(result) -> set[str]:  # type: ignore[no-untyped-def]
    return {f.code for f in result.findings}


def profit(year: int, amount: int = 100_000, **kwargs):  # type: ignore[no-untyped-def]
    ib = kwargs.pop("ib", {})
    ib = {"1930": 1_000_000, **ib}
    ib["2091"] = -sum(Decimal(v) for v in ib.values())
    return ledger(
        year,
        ib=ib,
        entries=[
            ("Försäljning", [("1930", amount), ("3001", -amount)]),
            *kwargs.pop("entries", []),
        ],
        **kwargs,
    )


# --- refusals ---------------------------------------------------------------------------


def test_refuses_without_financial_year() -> None:
    model = attrs.evolve(example_1(), years=())
    result = close(model)
    assert not result.closed
    assert "closing-no-year" in codes(result)
    assert result.vouchers == ()
    assert result.result_before_appropriations == dec(800_000)
    assert apply(model, result) is model


def test_refuses_when_year_result_is_booked() -> None:
    model = profit(2025, entries=[("Årets resultat", [("8999", 100_000), ("2099", -100_000)])])
    result = close(model)
    assert not result.closed
    assert {"closing-result-booked", "closing-refused"} <= codes(result)
    assert result.vouchers == ()
    assert json.loads(json.dumps(result.to_json()))["closed"] is False


def test_year_without_rates_is_refused_or_simulated() -> None:
    model = profit(2031)
    refused = close(model)
    assert not refused.closed and "closing-no-rates" in codes(refused)
    simulated = close(model, ClosingSettings(rates_year=2026))
    assert simulated.closed and "closing-rates-substituted" in codes(simulated)
    assert simulated.tax_year == 2031 and simulated.rates == RATES[2026]
    own = attrs.evolve(RATES[2026], year=2031, income_tax_rate=Decimal("0.25"))
    given = close(model, ClosingSettings(rates=own, pfond="none"))
    assert given.closed and "closing-rates-substituted" not in codes(given)
    assert given.tax.tax == dec(25_000)


# --- amounts already booked -------------------------------------------------------------


def test_tax_already_booked_books_only_the_difference() -> None:
    base = example_1()
    extra = Voucher(
        "V",
        "90",
        dt.date(2026, 6, 30),
        "Prel skatt",
        rows=(Row("8910", dec(100_000)), Row("2512", dec(-100_000))),
    )
    model = attrs.evolve(base, vouchers=(*base.vouchers, extra))
    result = close(model)
    assert "closing-tax-booked" in codes(result)
    assert (result.tax.tax, result.tax.booked_tax, result.arets_resultat) == (
        dec(124_527),
        dec(100_000),
        dec(473_973),
    )
    [tax] = [v for v in result.vouchers if "inkomstskatt" in v.text]
    assert tax.text == "Justering av beräknad inkomstskatt 2026"
    assert rows_of(tax) == [("8910", dec(24_527)), ("2512", dec(-24_527))]
    assert trial_balance(apply(model, result)).ub("8910") == dec(124_527)


def test_appropriations_booked_during_the_year_are_taken_as_given() -> None:
    """A reversal already booked counts in the base and for the uppräkning; the
    closing does not reverse the same fund again."""
    model = profit(
        2025,
        200_000,
        ib={"2129": -60_000},
        entries=[("Återföring", [("2129", 60_000), ("8819", -60_000)])],
    )
    result = close(model)
    assert "closing-appropriations-booked" in codes(result)
    assert result.pfond.reversals == ()
    assert result.tax.booked_appropriations == dec(60_000)
    assert result.pfond.upprakning == dec(2_400)  # 4 % on the 2019 fund
    assert result.pfond.schablonintakt == dec(1_176)  # 60 000 × 1.96 %
    assert result.tax.pfond_base == dec(263_576)


# --- periodiseringsfonder ---------------------------------------------------------------


def test_2018_fund_reversed_in_2024_with_six_percent() -> None:
    result = close(profit(2024, ib={"2128": -50_000}), ClosingSettings(pfond="none"))
    [rev] = result.pfond.reversals
    assert (rev.account, rev.year, rev.forced, rev.upprakning_factor) == (
        "2128",
        2018,
        True,
        Decimal("1.06"),
    )
    assert result.pfond.upprakning == dec(3_000)
    assert result.pfond.schablonintakt == dec(1_310)  # 50 000 × 2.62 %


def test_broken_year_maps_funds_and_uppräkning_by_start_date() -> None:
    """Year 2024-07-01 – 2025-06-30: fund 2019 began 2018-07-01, so 6 %."""
    model = profit(2025, ib={"2129": -10_000}, start_month=7)
    result = close(model, ClosingSettings(pfond="none"))
    [rev] = result.pfond.reversals
    assert rev.year == 2019 and rev.upprakning_factor == Decimal("1.06")
    assert result.vouchers[0].date == dt.date(2025, 6, 30)
    assert result.vouchers[-1].text == "Årets resultat 2024/2025"


def test_short_year_prorates_the_schablonintakt() -> None:
    model = profit(2025, ib={"2124": -100_000})
    model = attrs.evolve(
        model,
        years=(sie.FinancialYear(0, dt.date(2025, 7, 1), dt.date(2025, 12, 31)),),
        vouchers=tuple(v._replace(date=dt.date(2025, 9, 1)) for v in model.vouchers),
    )
    result = close(model)
    assert result.pfond.schablonintakt == dec(980)  # 100 000 × 1.96 % × 6/12


def test_schablon_rate_floor() -> None:
    low = attrs.evolve(RATES[2025], schablon_rate=Decimal("0.001"))
    result = close(profit(2025, ib={"2124": -100_000}), ClosingSettings(rates=low))
    assert result.pfond.schablon_rate == Decimal("0.005")
    assert result.pfond.schablonintakt == dec(500)


def test_second_fund_in_the_same_calendar_year() -> None:
    """A fund on 2126 at the start of 2026 came from an earlier year ending in
    2026, so this year's allocation goes to 2136 ("nr 2")."""
    result = close(profit(2026, ib={"2126": -10_000}), ClosingSettings(pfond=Decimal(5_000)))
    assert result.pfond.allocation_account == "2136"
    [alloc] = [v for v in result.vouchers if v.text.startswith("Avsättning")]
    assert alloc.text == "Avsättning till periodiseringsfond 2026 – nr 2"
    assert rows_of(alloc) == [("8811", dec(5_000)), ("2136", dec(-5_000))]
    assert {a.number: a.name for a in result.new_accounts}["2136"] == (
        "Periodiseringsfond 2026 – nr 2"
    )


def test_unknown_year_needs_an_override() -> None:
    model = profit(2025, ib={"2110": -30_000})
    plain = close(model)
    assert "closing-pfond-unknown-year" in codes(plain)
    assert plain.pfond.reversals == ()
    assert plain.pfond.funds_at_start == dec(30_000)  # still a fund for the schablonintäkt
    told = close(model, ClosingSettings(pfond_years={"2110": 2019}))
    [rev] = told.pfond.reversals
    assert (rev.account, rev.year, rev.amount) == ("2110", 2019, dec(30_000))
    assert told.vouchers[0].text == "Återföring av periodiseringsfond 2019"


def test_overdue_fund_is_reversed_with_a_warning() -> None:
    result = close(profit(2025, ib={"2128": -20_000}))  # 2018: due in 2024
    [rev] = result.pfond.reversals
    assert rev.year == 2018 and rev.forced
    assert "closing-pfond-overdue" in codes(result)


def test_voluntary_reversals_oldest_first_and_capped() -> None:
    model = profit(2025, ib={"2121": -10_000, "2123": -20_000})
    result = close(model, ClosingSettings(reverse_pfond=Decimal(15_000)))
    assert [(r.year, r.amount) for r in result.pfond.reversals] == [
        (2021, dec(10_000)),
        (2023, dec(5_000)),
    ]
    capped = close(model, ClosingSettings(reverse_pfond=Decimal(99_000)))
    assert [(r.year, r.amount) for r in capped.pfond.reversals] == [
        (2021, dec(10_000)),
        (2023, dec(20_000)),
    ]
    assert [f.code for f in capped.findings].count("closing-reversal-invalid") == 1


def test_requested_allocation_is_capped_at_the_maximum() -> None:
    result = close(profit(2025), ClosingSettings(pfond=Decimal(90_000)))
    assert result.tax.pfond_max == dec(25_000)
    assert result.tax.pfond_allocation == dec(25_000)
    assert "closing-pfond-capped" in codes(result)
    smaller = close(profit(2025), ClosingSettings(pfond="10000"))
    assert smaller.tax.pfond_allocation == dec(10_000)
    assert smaller.tax.taxable_income == dec(90_000)


def test_tax_in_ore_when_chosen() -> None:
    model = profit(2025, 5_099)
    assert close(model, ClosingSettings(pfond="none")).tax.tax == dec(1_048)
    assert close(model, ClosingSettings(pfond="none", tax_rounding="ore")).tax.tax == Decimal(
        "1048.54"
    )


# --- överavskrivningar ------------------------------------------------------------------


def test_twenty_rule_wins_when_the_history_is_given() -> None:
    """Old items only: the 30-rule stops at 70 %, the 20-rule allows zero."""
    model = profit(2025, ib={"1220": 100_000})
    history = {2025: Decimal(0), 2024: Decimal(0), 2023: Decimal(0), 2022: Decimal(0)}
    result = close(model, assets=AssetInputs(acquisitions=history))
    over = result.overavskrivning
    assert over is not None
    assert (over.main_rule_value, over.complementary_rule_value, over.rule) == (
        dec(70_000),
        dec(0),
        "20",
    )
    assert result.tax.overavskrivning == dec(100_000)
    only_30 = close(model, assets=AssetInputs())
    assert only_30.tax.overavskrivning == dec(30_000)
    assert "closing-rule20-skipped" in codes(only_30)


def test_reserve_above_the_allowed_maximum_is_dissolved() -> None:
    """Book value 100 000 with a reserve of 60 000, but an opening tax value of
    120 000 puts the 30-rule floor at 84 000: the reserve may be at most 16 000,
    so 44 000 is dissolved (D 2153 / K 8853)."""
    model = profit(2025, ib={"1220": 100_000, "2153": -60_000})
    result = close(model, assets=AssetInputs(opening_tax_value=Decimal(120_000)))
    assert result.tax.overavskrivning == dec(-44_000)
    [v] = [v for v in result.vouchers if "överavskrivningar" in v.text]
    assert rows_of(v) == [("2153", dec(44_000)), ("8853", dec(-44_000))]


# --- vouchers, apply, JSON --------------------------------------------------------------


def test_vouchers_are_numbered_after_the_series_and_applied() -> None:
    base = example_1()
    mine = [
        Voucher("A", str(n), dt.date(2026, 3, 1), rows=(Row("1930", dec(1)), Row("3001", dec(-1))))
        for n in (1, 2, 7)
    ]
    model = attrs.evolve(base, vouchers=(*base.vouchers, *mine))
    result = close(model)
    assert [(v.series, v.number) for v in result.vouchers] == [("A", "8"), ("A", "9"), ("A", "10")]
    other = close(model, ClosingSettings(series="B", sign="bokslut"))
    assert [(v.series, v.number, v.sign) for v in other.vouchers] == [
        ("B", str(n), "bokslut") for n in (1, 2, 3)
    ]
    closed = apply(model, result)
    assert closed.vouchers[-3:] == result.vouchers
    names = {a.number: a.name for a in closed.accounts}
    assert names["2126"] == "Periodiseringsfond 2026"
    assert names["8811"] == "Avsättning till periodiseringsfond"
    ub = {(b.kind, b.account): b.amount for b in closed.balances if b.year == 0}
    assert ub[("UB", "2126")] == dec(-201_500)  # the file's own #UB now includes it
    assert ub[("RES", "8999")] == result.arets_resultat


def test_to_json_shape() -> None:
    data = close(example_1()).to_json()
    required = {
        "result_before_appropriations",
        "pfond_allocation",
        "pfond_reversals",
        "schablonintakt",
        "overavskrivning",
        "taxable_income",
        "tax",
        "arets_resultat",
        "vouchers",
        "attachments",
    }
    assert required <= set(data)
    assert data["tax"] == "124527.00"
    assert data["vouchers"][0] == {
        "series": "A",
        "number": "1",
        "date": "2026-12-31",
        "text": "Avsättning till periodiseringsfond 2026",
        "rows": [
            {"account": "8811", "amount": "201500.00"},
            {"account": "2126", "amount": "-201500.00"},
        ],
    }
    assert set(data["attachments"][0]) >= {"account", "book_balance", "specified", "difference"}
    json.dumps(data)


# --- issue 7 §1: voluntary reversal, oldest fund first ------------------------------------


def test_voluntary_amount_is_taken_after_the_forced_reversal_oldest_first() -> None:
    """2025; funds 2019 60 000 (sixth year: forced), 2021 10 000, 2023 20 000; 15 000 asked.

    forced 2129 60 000; voluntary 2121 10 000 + 2123 5 000 = 15 000
    schablonintäkt 90 000 × 1.96 % = 1 764; uppräkning 4 % × 60 000 (2019 fund) = 2 400
    surplus 100 000 + 75 000 + 1 764 + 2 400 = 179 164 → taxable 179 160
    tax 179 160 × 0.206 = 36 906.96 → 36 906; årets resultat 175 000 − 36 906 = 138 094
    """
    model = profit(2025, ib={"2129": -60_000, "2121": -10_000, "2123": -20_000})
    result = close(model, ClosingSettings(pfond="none", reverse_pfond=Decimal(15_000)))
    assert [(r.account, r.amount, r.forced) for r in result.pfond.reversals] == [
        ("2129", dec(60_000), True),
        ("2121", dec(10_000), False),
        ("2123", dec(5_000), False),
    ]
    assert (result.pfond.schablonintakt, result.pfond.upprakning) == (dec(1_764), dec(2_400))
    assert result.tax.surplus == dec(179_164)
    assert (result.tax.taxable_income, result.tax.tax) == (dec(179_160), dec(36_906))
    assert result.arets_resultat == dec(138_094)
    everything = close(model, ClosingSettings(pfond="none", reverse_pfond="all"))
    assert everything.pfond.reversal_total == dec(90_000)
    assert all(f.closing == 0 for f in everything.pfond.funds)


def loss_year(fund: int = 80_000):  # type: ignore[no-untyped-def]
    """2024 (worked example 3's ledger): pre-result −50 000, 6072 3 000, fund 2023."""
    return ledger(
        2024,
        ib={"1930": 200_000, "2123": -fund, "2091": -(200_000 - fund)},
        entries=[
            ("Försäljning", [("1930", 100_000), ("3001", -100_000)]),
            ("Hyra", [("5010", 147_000), ("1930", -147_000)]),
            ("Representation", [("6072", 3_000), ("1930", -3_000)]),
        ],
    )


def test_cover_loss_reverses_just_enough_and_allocates_nothing() -> None:
    """−50 000 + 3 000 (6072) + 80 000 × 2.62 % (2 096) = −44 904 before any reversal,
    so 44 904 is reversed: taxable 0, tax 0, årets resultat −50 000 + 44 904 = −5 096."""
    result = close(loss_year(), ClosingSettings(reverse_pfond="cover-loss"))
    assert result.closed
    [reversal] = result.pfond.reversals
    assert (reversal.account, reversal.amount, reversal.forced) == ("2123", dec(44_904), False)
    assert result.tax.taxable_income_exact == 0
    assert (result.tax.tax, result.tax.pfond_allocation) == (0, 0)
    assert result.arets_resultat == dec(-5_096)
    assert [(v.text, rows_of(v)) for v in result.vouchers] == [
        ("Återföring av periodiseringsfond 2023", [("2123", dec(44_904)), ("8819", dec(-44_904))]),
        ("Årets resultat 2024", [("2099", dec(5_096)), ("8999", dec(-5_096))]),
    ]
    # A previous deficit of 10 000 is covered too: 44 904 + 10 000 = 54 904.
    deficit = close(
        loss_year(), ClosingSettings(reverse_pfond="cover-loss", previous_deficit=Decimal(10_000))
    )
    assert deficit.pfond.reversal_total == dec(54_904)
    assert deficit.tax.taxable_income_exact == deficit.tax.deficit_carried_forward == 0


def test_cover_loss_with_too_little_fund_reverses_all_and_says_so() -> None:
    """Fund 20 000: schablon 20 000 × 2.62 % = 524; −50 000 + 3 000 + 524 + 20 000 = −26 476."""
    result = close(loss_year(20_000), ClosingSettings(reverse_pfond="cover-loss"))
    assert result.pfond.reversal_total == dec(20_000)
    assert result.tax.deficit_carried_forward == dec(26_476)
    [warning] = [f for f in result.findings if f.code == "closing-reversal-invalid"]
    assert "26 476,00 remains" in warning.message


def test_cover_loss_counts_the_upprakning_of_the_reversed_fund() -> None:
    """2025, a 2020 fund of 200 000 (×1.04 on reversal), a loss of 100 000.
    −100 000 + 200 000 × 1.96 % (3 920) = −96 080; 96 080 / 1.04 = 92 384.615… → 92 384.62,
    uppräkning 92 384.62 × 0.04 = 3 695.38; 92 384.62 + 3 695.38 = 96 080.00."""
    model = ledger(
        2025,
        ib={"1930": 300_000, "2120": -200_000, "2091": -100_000},
        entries=[("Hyra", [("5010", 100_000), ("1930", -100_000)])],
    )
    result = close(model, ClosingSettings(reverse_pfond="cover-loss"))
    [reversal] = result.pfond.reversals
    assert (reversal.amount, reversal.upprakning) == (Decimal("92384.62"), Decimal("3695.38"))
    assert result.tax.taxable_income_exact == 0 and result.tax.tax == 0


def test_cover_loss_in_a_profitable_year_reverses_nothing() -> None:
    result = close(profit(2025, ib={"2123": -20_000}), ClosingSettings(reverse_pfond="cover-loss"))
    assert result.pfond.reversals == ()
    assert result.tax.pfond_allocation > 0


# --- issue 7 §1: inventarier 1210–1259 and #SRU 7215 --------------------------------------


def computers():  # type: ignore[no-untyped-def]
    """Datorer on 1250/1259: book 260 000 − 60 000 = 200 000, 2153 50 000 → tax value 150 000."""
    return ledger(
        2025,
        ib={"1250": 260_000, "1259": -60_000, "2153": -50_000, "1930": 500_000, "2091": -650_000},
        entries=[
            ("Försäljning", [("1930", 405_000), ("3001", -405_000)]),
            ("Avskrivning datorer", [("7835", 25_000), ("1259", -25_000)]),
        ],
    )


def test_inventarier_on_1250_keep_their_reserve() -> None:
    """Pre-result 405 000 − 25 000 = 380 000.
    30-rule: 70 % × 150 000 = 105 000; book at year end 175 000 → reserve 70 000, +20 000.
    surplus 380 000 − 20 000 = 360 000; allocation 90 000; taxable 270 000;
    tax 270 000 × 0.206 = 55 620; årets resultat 380 000 − 20 000 − 90 000 − 55 620 = 214 380.
    Read as 1220–1229 only (the old default), the book value is 0 and the whole reserve of
    50 000 is dissolved: surplus 430 000, allocation 107 500, taxable 322 500, tax 66 435."""
    model = computers()
    result = close(model, assets=AssetInputs())
    over = result.overavskrivning
    assert over is not None
    assert (over.opening_book_value, over.opening_tax_value) == (dec(200_000), dec(150_000))
    assert (over.lowest_tax_value, over.book_value) == (dec(105_000), dec(175_000))
    assert (over.reserve_after, over.change) == (dec(70_000), dec(20_000))
    assert (result.tax.surplus, result.tax.pfond_allocation) == (dec(360_000), dec(90_000))
    assert (result.tax.taxable_income, result.tax.tax) == (dec(270_000), dec(55_620))
    assert result.arets_resultat == dec(214_380)
    old = ClosingSettings(accounts=ClosingAccounts(inventarier=AccountRange("1220", "1229")))
    wrong = close(model, old, assets=AssetInputs())
    assert wrong.tax.overavskrivning == dec(-50_000)
    assert (wrong.tax.taxable_income, wrong.tax.tax) == (dec(322_500), dec(66_435))
    assert "closing-reserve-exceeds-book" in codes(wrong)


def test_sru_7215_decides_which_accounts_are_inventarier() -> None:
    """The same assets on 1290 (outside the range) coded 7215, and a 1240 coded 7214
    (byggnader): the SRU codes win, so the result is the one above."""
    base = computers()
    moved = {"1250": "1290", "1259": "1299"}

    def move(x):  # type: ignore[no-untyped-def]
        return attrs.evolve(x, account=moved.get(x.account, x.account))

    million = dec(1_000_000)
    balances = tuple(
        attrs.evolve(b, amount=b.amount - million) if b.account == "2091" else move(b)
        for b in base.balances
    )
    balances += (Balance("IB", 0, "1240", million), Balance("UB", 0, "1240", million))
    vouchers = tuple(
        v._replace(rows=tuple(r._replace(account=moved.get(r.account, r.account)) for r in v.rows))
        for v in base.vouchers
    )
    accounts = (
        *(
            Account(moved[a.number], a.name, sru=("7215",))
            for a in base.accounts
            if a.number in moved
        ),
        *(a for a in base.accounts if a.number not in moved),
        Account("1240", "Byggnad", sru=("7214",)),
    )
    model = attrs.evolve(base, accounts=accounts, balances=balances, vouchers=vouchers)
    result = close(model, assets=AssetInputs())
    assert result.closed, [str(f) for f in result.findings]
    over = result.overavskrivning
    assert over is not None and over.book_value == dec(175_000)
    assert result.tax.tax == dec(55_620)


# --- issue 7 §1: non-deductible and non-taxable defaults ----------------------------------


def test_bas_non_deductible_and_non_taxable_accounts_adjust_the_tax() -> None:
    """Profit 100 000 before the items below (2026, pfond none).
    4.3b 8270 nedskrivning 10 000; 4.3c 6342 2 000 + 6993 1 500 + 7623 700 = 4 200;
    4.5b 8012 utdelning −6 000; 4.5c 8314 −300. Pre-result 100 000 − 10 000 − 4 200 + 6 000
    + 300 = 92 100; surplus 92 100 + 10 000 + 4 200 − 6 000 − 300 = 100 000 → tax 20 600.
    6999 "Övriga kostnader, ej avdragsgilla" (800) is not in the map: deducted, but warned."""
    model = profit(
        2026,
        entries=[
            ("Nedskrivning aktier", [("8270", 10_000), ("1930", -10_000)]),
            ("Skadestånd", [("6342", 2_000), ("1930", -2_000)]),
            ("Gåva", [("6993", 1_500), ("1930", -1_500)]),
            ("Sjukvårdsförsäkring", [("7623", 700), ("1930", -700)]),
            ("Utdelning dotterbolag", [("1930", 6_000), ("8012", -6_000)]),
            ("Ränta skattekonto", [("1930", 300), ("8314", -300)]),
        ],
    )
    result = close(model, ClosingSettings(pfond="none"))
    tax = result.tax
    assert result.result_before_appropriations == dec(92_100)
    assert {f: tax.adjustment_sum(f) for f in ("4.3b", "4.3c", "4.5b", "4.5c")} == {
        "4.3b": dec(10_000),
        "4.3c": dec(4_200),
        "4.5b": dec(-6_000),
        "4.5c": dec(-300),
    }
    assert (tax.surplus, tax.taxable_income, tax.tax) == (dec(100_000), dec(100_000), dec(20_600))
    assert "closing-adjustment-unmapped" not in codes(result)

    named = attrs.evolve(
        profit(2026, entries=[("Böter", [("6999", 800), ("1930", -800)])]),
        accounts=(Account("6999", "Övriga kostnader, EJ AVDRAGSGILLA"),),
    )
    warned = close(named, ClosingSettings(pfond="none"))
    [warning] = [f for f in warned.findings if f.code == "closing-adjustment-unmapped"]
    assert "6999" in warning.message and "ClosingSettings.adjustments" in warning.message
    assert warned.tax.surplus == dec(99_200)
    mapped = close(named, ClosingSettings(pfond="none", adjustments={"6999": "4.3c"}))
    assert mapped.tax.surplus == dec(100_000)
    assert "closing-adjustment-unmapped" not in codes(mapped)


# --- issue 7 §1: a råbalans that does not sum to zero -----------------------------------


def test_unbalanced_trial_balance_is_refused_unless_forced() -> None:
    """IB 1930 1 000 without a counterpart: balance accounts sum to 1 000 + 100 000 and
    result accounts to −100 000, a difference of 1 000."""
    base = profit(2025)
    balances = tuple(
        attrs.evolve(b, amount=b.amount + 1_000) if b.account == "1930" else b
        for b in base.balances
    )
    model = attrs.evolve(base, balances=balances)
    refused = close(model)
    assert not refused.closed and refused.vouchers == () and refused.tax is None
    [error] = [f for f in refused.findings if f.code == "closing-unbalanced"]
    assert error.severity == "error" and "1 000,00" in error.message
    assert "closing-refused" in codes(refused)
    forced = close(model, ClosingSettings(force=True))
    assert forced.closed and "closing-forced" in codes(forced)
    assert forced.tax.taxable_income == dec(75_000)  # 100 000 − 25 000 allocation


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_closes_or_refuses_with_a_reason(path) -> None:  # type: ignore[no-untyped-def]
    try:
        model = sie.read(path).model
    except sie.NotSie:
        pytest.skip("not a SIE file")
    result = close(model, ClosingSettings(rates_year=2025))
    if not result.closed:
        assert codes(result) & {"closing-no-year", "closing-no-rates", "closing-refused"}
        assert result.vouchers == ()
        if result.trial_balance.total:
            [why] = [f for f in result.findings if f.code == "closing-unbalanced"]
            assert amounts.format(result.trial_balance.total) in why.message
            forced = close(model, ClosingSettings(rates_year=2025, force=True))
            assert forced.closed or "closing-result-booked" in codes(forced)
        return
    assert result.trial_balance.total == 0
    closed = apply(model, result)
    assert all(v.balance == 0 for v in closed.vouchers[len(model.vouchers) :])
    after = trial_balance(closed)
    assert after.booked_year_result == result.arets_resultat
    # Balances-only files (SIE 1–3) stay balances: the vouchers moved their #UB/#RES.
    assert after.source == result.trial_balance.source
    assert after.total == 0
    assert (
        after.ub(result.settings.accounts.result_equity)
        == result.trial_balance.ub(result.settings.accounts.result_equity) - result.arets_resultat
    )
    before_differs = {
        f.message for f in result.trial_balance.findings if f.code == "closing-ub-differs"
    }
    after_differs = {f.message for f in after.findings if f.code == "closing-ub-differs"}
    if result.trial_balance.source == "transactions":
        assert len(after_differs) == len(before_differs)


def test_settings_reject_a_bad_allocation_choice() -> None:
    assert ClosingSettings(pfond="1500.50").pfond == Decimal("1500.50")
    assert ClosingSettings(reverse_pfond="5").reverse_pfond == Decimal(5)
    assert ClosingSettings(reverse_pfond="cover-loss").reverse_pfond == "cover-loss"
    with pytest.raises(ValueError, match="reverse_pfond must be"):
        ClosingSettings(reverse_pfond="2024:5000")
    with pytest.raises(ValueError, match="pfond must be"):
        ClosingSettings(pfond="maximum")


@pytest.mark.parametrize("field", ["pfond", "reverse_pfond", "previous_deficit"])
def test_settings_refuse_amounts_finer_than_ore(field: str) -> None:
    """100 000,123 kr would be booked as 100 000,12: refused instead of cut."""
    with pytest.raises(ValueError, match="more than two decimals"):
        ClosingSettings(**{field: "100000.123"})
    with pytest.raises(ValueError, match="more than two decimals"):
        ClosingSettings(**{field: Decimal("100.129")})
    # Trailing zeros are still whole öre.
    assert getattr(ClosingSettings(**{field: "100000.120"}), field) == Decimal("100000.12")


def test_a_result_account_outside_the_bas_result_ranges_is_a_warning() -> None:
    """0999 (no class) holding 5 kr counts on the result side of the råbalans, but the
    closing books only 3000–8999: it stays after closing, and the warning says so."""
    model = ledger(
        2025,
        ib={"1930": 10_000, "2091": -10_000},
        entries=[
            ("Försäljning", [("1930", 40_000), ("3001", -40_000)]),
            ("Konstigt", [("0999", 5), ("1930", -5)]),
        ],
        closing_balances=False,
        names={"0999": "Konstigt"},
    )
    result = close(model, ClosingSettings(pfond="none"))
    assert result.closed
    [outside] = [f for f in result.findings if f.code == "closing-result-outside"]
    assert outside.severity == "warning"
    assert "Account 0999 'Konstigt' holds 5,00" in outside.message
    assert "3000–8999" in outside.message and "Move the amount" in outside.message
    # Årets resultat is 40 000 − tax 8 240 = 31 760: the 5 kr are not in it.
    assert result.tax is not None and result.tax.tax == dec(8_240)
    assert result.arets_resultat == dec(31_760)
    after = trial_balance(apply(model, result)).line("0999")
    assert after is not None and after.ub == dec(5)
