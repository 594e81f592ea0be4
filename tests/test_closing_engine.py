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
    AssetInputs,
    ClosingSettings,
    apply,
    close,
    trial_balance,
)
from sie.model import Row, Voucher
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
        vouchers=tuple(attrs.evolve(v, date=dt.date(2025, 9, 1)) for v in model.vouchers),
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
    assert close(model, ClosingSettings(pfond="none", tax_rounding="ore")).tax.tax == Decimal("1048.54")


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
        return
    closed = apply(model, result)
    assert all(v.balance == 0 for v in closed.vouchers[len(model.vouchers) :])
    after = trial_balance(closed)
    assert after.booked_year_result == result.arets_resultat
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
