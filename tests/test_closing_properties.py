"""The closing invariant on random small ledgers: after the closing vouchers every
voucher balances, the result accounts 3000–8999 sum to zero, 2099 receives
exactly årets resultat, and the tax rules hold (tens-rounding, rate, 25 % cap,
no fund older than six years left)."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from closing import AssetInputs, ClosingSettings, apply, close, trial_balance
from closing.settings import AccountRange
from tests.closing_support import dec, ledger

RESULT = AccountRange("3000", "8999")
COSTS = ("4010", "5010", "6072", "6110", "6992", "7010", "7632", "8423")
INCOMES = ("3001", "3740", "8314")

amounts = st.integers(min_value=0, max_value=2_000_000_00).map(lambda c: Decimal(c) / 100)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[object, ClosingSettings, AssetInputs | None, int]:
    year = draw(st.sampled_from([2024, 2025, 2026]))
    ib: dict[str, Decimal] = {"1930": Decimal(0), "2091": Decimal(0)}
    entries = []
    for account in draw(st.lists(st.sampled_from(INCOMES), max_size=4)):
        amount = draw(amounts)
        entries.append(("Intäkt", [("1930", amount), (account, -amount)]))
    for account in draw(st.lists(st.sampled_from(COSTS), max_size=6)):
        amount = draw(amounts)
        entries.append(("Kostnad", [(account, amount), ("1930", -amount)]))
    # Existing funds, one to seven years old (seven = overdue).
    for age in draw(st.lists(st.integers(1, 7), unique=True, max_size=4)):
        amount = Decimal(draw(st.integers(1, 300_000)))
        account = f"212{(year - age) % 10}"
        ib[account] = -amount
        ib["2091"] += amount
    assets = None
    if draw(st.booleans()):
        book = Decimal(draw(st.integers(0, 500_000)))
        reserve = Decimal(draw(st.integers(0, int(book))))
        bought = Decimal(draw(st.integers(0, 200_000)))
        planned = Decimal(draw(st.integers(0, int(book + bought))))
        ib["1220"] = book
        ib["2153"] = -reserve
        ib["2091"] -= book - reserve
        if bought:
            entries.append(("Inköp", [("1220", bought), ("1930", -bought)]))
        if planned:
            entries.append(("Avskrivning", [("7832", planned), ("1229", -planned)]))
        history = draw(st.booleans())
        acquisitions = {year: bought}
        if history:
            acquisitions |= {year - i: Decimal(draw(st.integers(0, 100_000))) for i in (1, 2, 3)}
        assets = AssetInputs(acquisitions=acquisitions)
    if draw(st.booleans()):
        amount = draw(amounts)
        entries.append(("Skatt bokad", [("8910", amount), ("2512", -amount)]))
    ib["1930"] = -sum((v for k, v in ib.items() if k != "1930"), Decimal(0))
    pfond = draw(st.sampled_from(["max", "none", "amount"]))
    choice: object = pfond if pfond != "amount" else Decimal(draw(st.integers(0, 400_000)))
    reverse = draw(
        st.none() | st.sampled_from(["all", "cover-loss"]) | st.integers(1, 300_000).map(Decimal)
    )
    cfg = ClosingSettings(
        pfond=choice,  # type: ignore[arg-type]
        reverse_pfond=reverse,
        previous_deficit=Decimal(draw(st.integers(0, 200_000) | st.just(0))),
        deficit_before_pfond=draw(st.booleans()),
        tax_rounding=draw(st.sampled_from(["krona", "ore"])),
    )
    model = ledger(year, ib={k: v for k, v in ib.items() if v}, entries=entries)
    return model, cfg, assets, year


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_closing_invariant(
    scenario: tuple[object, ClosingSettings, AssetInputs | None, int],
) -> None:
    model, cfg, assets, year = scenario
    result = close(model, cfg, assets)  # type: ignore[arg-type]
    assert result.closed, [str(f) for f in result.findings]
    closed = apply(model, result)  # type: ignore[arg-type]

    assert all(v.balance == 0 for v in closed.vouchers)
    after = trial_balance(closed)
    assert sum((x.ub for x in after.lines if x.account in RESULT), Decimal(0)) == 0
    assert after.booked_year_result == result.arets_resultat
    equity = sum((r.amount for v in result.vouchers for r in v.rows if r.account == "2099"), dec(0))
    assert -equity == result.arets_resultat
    assert after.ub("2099") == -result.arets_resultat
    # The closed file stays consistent with its own #UB/#RES.
    assert not [f for f in after.findings if f.code == "closing-ub-differs"]
    assert after.ub("8910") == result.tax.tax

    # Tax rules.
    assert result.tax.taxable_income >= 0
    assert result.tax.taxable_income % 10 == 0
    assert result.tax.taxable_income <= max(result.tax.taxable_income_exact, dec(0))
    assert (
        result.tax.taxable_income_exact - result.tax.taxable_income < 10
        or result.tax.taxable_income == 0
    )
    raw = result.tax.taxable_income * Decimal("0.206")
    expected = raw.quantize(Decimal("1"), ROUND_FLOOR) if cfg.tax_rounding == "krona" else raw
    assert result.tax.tax == expected.quantize(Decimal("0.01"), ROUND_FLOOR)
    assert 0 <= result.tax.pfond_allocation <= result.tax.pfond_max
    if cfg.pfond == "max":
        assert result.tax.pfond_allocation == max(
            min(result.tax.pfond_max, result.tax.surplus - result.tax.previous_deficit), dec(0)
        ).quantize(Decimal("0.01"))
    assert result.tax.pfond_max <= max(result.tax.pfond_base, dec(0)) * Decimal("0.25")
    if result.tax.deficit_carried_forward:
        assert result.tax.tax == 0 and result.tax.taxable_income == 0
    # Register: no fund of the sixth year or older survives; none goes negative.
    for fund in result.pfond.funds:
        assert fund.closing >= 0
        if fund.year is not None and fund.year <= year - 6:
            assert fund.closing == 0
    register_total = sum((f.closing for f in result.pfond.funds), dec(0))
    funds_after = -sum((x.ub for x in after.in_range(AccountRange("2110", "2139"))), dec(0))
    assert register_total == funds_after
    # cover-loss reverses just enough (to the öre) to bring the taxable result to zero,
    # or everything when the funds do not suffice; it then allocates nothing.
    voluntary = [r for r in result.pfond.reversals if not r.forced]
    if cfg.reverse_pfond == "cover-loss" and voluntary:
        emptied = all(f.closing == 0 for f in result.pfond.funds if f.year and f.year < year)
        assert emptied or dec(0) <= result.tax.taxable_income_exact <= dec("0.05")
        assert result.tax.pfond_allocation == 0
    # Överavskrivningar: the tax value never goes below the lowest allowed value.
    over = result.overavskrivning
    if over is not None:
        assert over.reserve_after >= 0
        assert over.tax_value >= min(over.lowest_tax_value, over.book_value)
        assert -after.ub("2153") == over.reserve_after
