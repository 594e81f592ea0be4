"""Bokslutsdispositioner: the periodiseringsfond register and överavskrivningar.

Both work from the trial balance of the year (fund and reserve balances, book
value of inventarier) plus what the user decides or supplies; neither books
anything itself — :mod:`closing.vouchers` turns the figures into vouchers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal

import attrs

from closing.findings import Finding, finding
from closing.rates import TaxYearRates
from closing.settings import ClosingAccounts, ClosingSettings
from closing.trial_balance import TrialBalance, TrialBalanceLine
from sie.amounts import CENT, ZERO, cents
from sie.model import FinancialYear

# --- periodiseringsfonder ---------------------------------------------------------------


@attrs.frozen(slots=True)
class Fund:
    """One periodiseringsfond in the register. Amounts are positive for a fund
    (the SIE credit balance with the sign turned)."""

    account: str
    #: Allocation year: the calendar year in which the allocation's tax year ended;
    #: ``None`` when the account does not tell (set ``ClosingSettings.pfond_years``).
    year: int | None
    #: A second fund ending in the same calendar year (BAS 2130–2139, "– nr 2").
    second: bool
    #: At the start of the financial year (IB).
    opening: Decimal
    #: Change already booked during the year (positive = increase).
    booked: Decimal = ZERO
    #: Reversed by the closing.
    reversal: Decimal = ZERO
    #: The reversal was forced (sixth year or overdue) rather than chosen.
    forced: bool = False
    #: Allocated by the closing (only on the current year's fund).
    allocation: Decimal = ZERO
    #: Uppräkning factor for a reversal of this fund (1 when none applies).
    upprakning_factor: Decimal = Decimal("1")

    @property
    def before_closing(self) -> Decimal:
        return self.opening + self.booked

    @property
    def closing(self) -> Decimal:
        return self.before_closing + self.allocation - self.reversal

    @property
    def reversed_in_year(self) -> Decimal:
        """Everything reversed during the year: already booked plus the closing's."""
        return max(-self.booked, ZERO) + self.reversal

    @property
    def upprakning(self) -> Decimal:
        return cents(self.reversed_in_year * (self.upprakning_factor - 1))

    def latest_reversal_year(self, rates: TaxYearRates) -> int | None:
        return None if self.year is None else self.year + rates.pfond_reversal_after


@attrs.frozen(slots=True)
class PfondReversal:
    """A reversal booked by the closing."""

    account: str
    year: int | None
    amount: Decimal
    forced: bool
    upprakning_factor: Decimal
    upprakning: Decimal


@attrs.frozen(slots=True)
class PfondPlan:
    """The register with this year's reversals, and the non-booked tax items."""

    funds: tuple[Fund, ...]
    #: Σ funds at the start of the tax year, the schablonintäkt base.
    funds_at_start: Decimal
    schablon_rate: Decimal
    #: Months in the financial year; the schablonintäkt is pro-rated for ≠ 12.
    months: int
    schablonintakt: Decimal
    findings: tuple[Finding, ...] = ()
    #: The account of this year's new fund ("" before the allocation is decided).
    allocation_account: str = ""

    @property
    def allocation(self) -> Decimal:
        """The new allocation booked by the closing (on this year's fund)."""
        return sum((f.allocation for f in self.funds), ZERO)

    @property
    def reversals(self) -> tuple[PfondReversal, ...]:
        return tuple(
            PfondReversal(
                f.account,
                f.year,
                f.reversal,
                f.forced,
                f.upprakning_factor,
                cents(f.reversal * (f.upprakning_factor - 1)),
            )
            for f in self.funds
            if f.reversal
        )

    @property
    def reversal_total(self) -> Decimal:
        return sum((f.reversal for f in self.funds), ZERO)

    @property
    def upprakning(self) -> Decimal:
        """INK2S 4.6d: the uppräkning on everything reversed during the year."""
        return sum((f.upprakning for f in self.funds), ZERO)


def fund_year(
    account: str,
    tax_year: int,
    accounts: ClosingAccounts,
    overrides: Mapping[str, int] | None = None,
) -> tuple[int | None, bool]:
    """Allocation year and "nr 2" flag of a fund account.

    BAS re-uses 2120–2129 (and 2130–2139) with the last digit equal to the
    allocation year's last digit; the year is the one among the ten years up
    to the current tax year that ends in that digit.
    """
    second = account in accounts.pfond_second
    if overrides and account in overrides:
        return overrides[account], second
    if account in accounts.pfond_first or second:
        digit = int(account[3])
        return tax_year - ((tax_year - digit) % 10), second
    return None, False


def months_in(year: FinancialYear) -> int:
    start, end = fy_start(year), year.end
    assert end is not None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def fy_start(year: FinancialYear) -> dt.date:
    """The start of the financial year; a twelve-month year when the file omits it."""
    if year.start is not None:
        return year.start
    assert year.end is not None
    end = year.end
    return (dt.date(end.year - 1, end.month, 1) + dt.timedelta(days=32)).replace(day=1)


def _fund_tax_year_start(fund_year_: int, current_start: dt.date) -> dt.date:
    """Start of the tax year a fund was allocated in, assuming the company kept
    the same financial year (the fund year is the year its tax year ended)."""
    if current_start.month == 1 and current_start.day == 1:
        return dt.date(fund_year_, 1, 1)
    return dt.date(fund_year_ - 1, current_start.month, current_start.day)


def pfond_plan(
    tb: TrialBalance,
    year: FinancialYear,
    tax_year: int,
    rates: TaxYearRates,
    settings: ClosingSettings,
) -> PfondPlan:
    """Build the register from the fund accounts' balances and decide the
    reversals: every fund in (or past) its sixth year, then the voluntary ones."""
    accounts = settings.accounts
    start = fy_start(year)
    findings: list[Finding] = []
    funds: list[Fund] = []
    for line in tb.in_range(accounts.pfond):
        fy, second = fund_year(line.account, tax_year, accounts, settings.pfond_years)
        factor = (
            rates.upprakning_factor(_fund_tax_year_start(fy, start), start)
            if fy is not None
            else Decimal("1")
        )
        fund = Fund(
            account=line.account,
            year=fy,
            second=second,
            opening=-line.ib,
            booked=-line.movement,
            upprakning_factor=factor,
        )
        if fy is None and fund.before_closing:
            findings.append(
                finding(
                    "closing-pfond-unknown-year",
                    f"Account {line.account} holds periodiseringsfonder of {fund.before_closing} "
                    "but its allocation year is unknown, so it is neither reversed nor "
                    "checked against the six-year limit. Give the year in "
                    "ClosingSettings.pfond_years or move the fund to its per-year account.",
                )
            )
        if fund.before_closing < 0:
            findings.append(
                finding(
                    "closing-pfond-negative",
                    f"Periodiseringsfond account {line.account} has a debit balance "
                    f"({-fund.before_closing}); more was reversed than allocated. Correct the "
                    "booking before closing.",
                )
            )
        funds.append(fund)

    limit = tax_year - rates.pfond_reversal_after
    for i, fund in enumerate(funds):
        if fund.year is None or fund.year > limit or fund.before_closing <= 0:
            continue
        if fund.year < limit:
            findings.append(
                finding(
                    "closing-pfond-overdue",
                    f"Periodiseringsfond {fund.year} on {fund.account} ({fund.before_closing}) "
                    f"should have been reversed by {fund.year + rates.pfond_reversal_after}; "
                    "the closing reverses it now. Check the previous years' tax returns.",
                )
            )
        funds[i] = attrs.evolve(fund, reversal=fund.before_closing, forced=True)

    choice = settings.reverse_pfond
    if choice == "all":
        findings.extend(reverse_oldest_first(funds, None))
    elif isinstance(choice, Decimal):
        findings.extend(reverse_oldest_first(funds, choice))

    funds.sort(key=lambda f: (f.year is None, f.year or 0, f.second, f.account))
    at_start = sum((f.opening for f in funds), ZERO)
    months = months_in(year)
    rate = rates.effective_schablon_rate()
    schablon = cents(max(at_start, ZERO) * rate * months / 12)
    return PfondPlan(
        funds=tuple(funds),
        funds_at_start=at_start,
        schablon_rate=rate,
        months=months,
        schablonintakt=schablon,
        findings=tuple(findings),
    )


def _left(fund: Fund) -> Decimal:
    """What a voluntary reversal may still take from ``fund``."""
    return max(fund.before_closing - fund.reversal, ZERO) if fund.year is not None else ZERO


def _oldest_first(funds: list[Fund]) -> list[int]:
    return sorted(
        (i for i, f in enumerate(funds) if _left(f) > 0),
        key=lambda i: (funds[i].year, funds[i].second, funds[i].account),
    )


def reverse_oldest_first(funds: list[Fund], amount: Decimal | None) -> list[Finding]:
    """Reverse ``amount`` kronor (``None`` = everything left) from the oldest funds
    first (30 kap. 7 § IL), in place, after the forced reversals; capped at what is left."""
    order = _oldest_first(funds)
    available = sum((_left(funds[i]) for i in order), ZERO)
    if amount is not None and amount <= 0:
        return [
            finding(
                "closing-reversal-invalid",
                f"The requested reversal {amount} is not a positive amount; nothing is "
                "reversed voluntarily. Give an amount in kronor, 'all' or 'cover-loss'.",
            )
        ]
    if available <= 0:
        return [
            finding(
                "closing-reversal-invalid",
                "There is no periodiseringsfond left to reverse after the forced reversals; "
                "the requested reversal is ignored.",
            )
        ]
    wanted = available if amount is None else cents(amount)
    out: list[Finding] = []
    if wanted > available:
        out.append(
            finding(
                "closing-reversal-invalid",
                f"The requested reversal {wanted} exceeds what the funds hold after the forced "
                f"reversals ({available}); {available} is reversed, oldest fund first.",
            )
        )
        wanted = available
    for i in order:
        take = min(_left(funds[i]), wanted)
        if take <= 0:
            break
        funds[i] = attrs.evolve(funds[i], reversal=funds[i].reversal + take)
        wanted -= take
    return out


def cover_loss(plan: PfondPlan, need: Decimal) -> PfondPlan:
    """``plan`` with just enough voluntary reversal, oldest fund first, to raise the
    taxable result by ``need`` (a reversed krona counts with its uppräkning factor);
    a finding when the funds cannot cover it all. ``need`` ≤ 0 reverses nothing."""
    if need <= 0:
        return plan
    funds = list(plan.funds)
    findings = list(plan.findings)
    for i in _oldest_first(funds):
        if need <= 0:
            break
        fund = funds[i]
        room = _left(fund)
        take = min(room, _covering(need, fund.upprakning_factor))
        funds[i] = attrs.evolve(fund, reversal=fund.reversal + take)
        need -= take + cents(take * (fund.upprakning_factor - 1))
    if need > 0:
        findings.append(
            finding(
                "closing-reversal-invalid",
                "Every periodiseringsfond is reversed to cover the loss, and a taxable deficit "
                f"of {need} remains; it is carried forward.",
            )
        )
    return attrs.evolve(plan, funds=tuple(funds), findings=tuple(findings))


def _covering(need: Decimal, factor: Decimal) -> Decimal:
    """The least amount in öre whose reversal with uppräkning (öre dropped) reaches ``need``."""
    take = (need / factor).quantize(CENT, rounding=ROUND_CEILING)
    while take > CENT and take - CENT + cents((take - CENT) * (factor - 1)) >= need:
        take -= CENT
    return take


def allocation_account(
    funds: tuple[Fund, ...], tax_year: int, accounts: ClosingAccounts
) -> tuple[str, bool]:
    """The account for this year's new fund: 212x for the year, or 213x ("nr 2")
    when 212x already held a fund at the start of the year (a second financial
    year ending in the same calendar year)."""
    digit = str(tax_year % 10)
    first = accounts.pfond_first.first[:3] + digit
    second = accounts.pfond_second.first[:3] + digit
    held = next((f for f in funds if f.account == first), None)
    if held is not None and held.opening > 0:
        return second, True
    return first, False


def with_allocation(
    funds: tuple[Fund, ...], account: str, tax_year: int, second: bool, amount: Decimal
) -> tuple[Fund, ...]:
    """The register after the closing's allocation."""
    if not amount:
        return funds
    out = list(funds)
    for i, f in enumerate(out):
        if f.account == account:
            out[i] = attrs.evolve(f, allocation=f.allocation + amount, year=tax_year)
            return tuple(out)
    out.append(Fund(account=account, year=tax_year, second=second, opening=ZERO, allocation=amount))
    return tuple(out)


def allocate(
    plan: PfondPlan, tax_year: int, accounts: ClosingAccounts, amount: Decimal
) -> PfondPlan:
    """The plan after the closing's allocation: the register gains this year's fund
    and the plan names its account (also when nothing is allocated)."""
    account, second = allocation_account(plan.funds, tax_year, accounts)
    funds = with_allocation(plan.funds, account, tax_year, second, amount)
    return attrs.evolve(plan, funds=funds, allocation_account=account)


# --- överavskrivningar ------------------------------------------------------------------


@attrs.frozen(slots=True)
class AssetInputs:
    """What the user knows about the inventarier for räkenskapsenlig avskrivning.

    ``acquisitions`` maps a tax year to the acquisition cost of items bought
    that year and still held; the current year's entry feeds the 30-rule, the
    current and three previous years' entries the 20-rule (which is only
    computed when all four are given, zero allowed). ``disposals`` is the
    compensation received for items sold this year. ``None`` figures default
    to the ledger: book value = UB of the inventarier accounts (1210–1259, or
    those coded #SRU 7215), opening tax value = their IB minus the accumulated
    överavskrivningar.
    """

    opening_tax_value: Decimal | None = None
    acquisitions: Mapping[int, Decimal] = attrs.field(factory=dict)
    disposals: Decimal = Decimal("0")
    book_value: Decimal | None = None


@attrs.frozen(slots=True)
class Overavskrivning:
    """The överavskrivning computation on inventarier, every step kept."""

    opening_book_value: Decimal
    #: Accumulated överavskrivningar at the start of the year and before closing.
    opening_reserve: Decimal
    reserve_before: Decimal
    opening_tax_value: Decimal
    acquisitions: Decimal
    disposals: Decimal
    #: 30-rule: residual share × (opening tax value + acquisitions − disposals).
    main_rule_base: Decimal
    main_rule_value: Decimal
    #: 20-rule value, ``None`` when the acquisition history was not given.
    complementary_rule_value: Decimal | None
    lowest_tax_value: Decimal
    rule: str
    book_value: Decimal
    #: Accumulated överavskrivningar after closing and the change the closing books.
    reserve_after: Decimal
    change: Decimal
    #: Length of the financial year; the 30-rule's 30 % is taken in proportion to it.
    months: int = 12
    #: Share of the 30-rule base the tax value keeps (0.70 for twelve months).
    main_rule_residual: Decimal = Decimal("0.70")

    @property
    def tax_value(self) -> Decimal:
        return self.book_value - self.reserve_after

    @property
    def max_tax_depreciation(self) -> Decimal:
        return self.main_rule_base - self.lowest_tax_value


def inventarier_lines(tb: TrialBalance, accounts: ClosingAccounts) -> list[TrialBalanceLine]:
    """The inventarier accounts (incl. accumulated planned depreciation). An account
    that carries #SRU codes counts when one of them is INK2R 2.4 (7215), wherever it
    lies; an account without codes counts when it lies in the configured range."""
    return [
        x
        for x in tb.lines
        if (accounts.inventarier_sru in x.sru if x.sru else x.account in accounts.inventarier)
    ]


def main_rule_residual(rates: TaxYearRates, months: int) -> Decimal:
    """Share of the 30-rule base the tax value must keep: the 30 % depreciation is
    taken in proportion to the financial year's length (18 kap. 13 § IL), so 15 %
    for six months, 45 % for eighteen."""
    depreciation = (1 - rates.main_rule_residual) * months / 12
    return max(1 - depreciation, ZERO)


def overavskrivning(
    tb: TrialBalance,
    tax_year: int,
    rates: TaxYearRates,
    accounts: ClosingAccounts,
    assets: AssetInputs,
    months: int = 12,
) -> tuple[Overavskrivning, list[Finding]]:
    """The lower tax value of the 30- and 20-rule and the change in the
    accumulated överavskrivningar needed to reach it (negative = dissolve).
    Impossible inputs (a reserve above the book value, a book value already below
    the lowest tax value) are findings; the figures are still computed."""
    findings: list[Finding] = []
    lines = inventarier_lines(tb, accounts)
    opening_book = sum((x.ib for x in lines), ZERO)
    book = assets.book_value if assets.book_value is not None else sum((x.ub for x in lines), ZERO)
    reserves = list(tb.in_range(*accounts.overavskrivning_reserves))
    opening_reserve = -sum((x.ib for x in reserves), ZERO)
    reserve_before = -sum((x.ub for x in reserves), ZERO)
    opening_tax = (
        assets.opening_tax_value
        if assets.opening_tax_value is not None
        else opening_book - opening_reserve
    )
    acquired = Decimal(assets.acquisitions.get(tax_year, ZERO))
    main_base = opening_tax + acquired - assets.disposals
    residual = main_rule_residual(rates, months)
    main_value = max(cents(main_base * residual), ZERO)
    history = [tax_year - i for i in range(len(rates.complementary_rule))]
    comp_value: Decimal | None = None
    if all(y in assets.acquisitions for y in history):
        comp_value = cents(
            sum(
                (
                    Decimal(assets.acquisitions[y]) * share
                    for y, share in zip(history, rates.complementary_rule, strict=True)
                ),
                ZERO,
            )
        )
    else:
        findings.append(
            finding(
                "closing-rule20-skipped",
                "The 20-rule (kompletteringsregeln) was not computed: it needs the cost of "
                f"inventarier still held bought in each of {history[-1]}–{history[0]} "
                "(zero allowed). Only the 30-rule limits the tax value.",
            )
        )
    if comp_value is not None and comp_value < main_value:
        lowest, rule = comp_value, "20"
    else:
        lowest, rule = main_value, "30"
    findings.extend(_impossible(book, reserve_before, lowest, lines, accounts))
    target = max(book - lowest, ZERO)
    change = target - reserve_before
    return (
        Overavskrivning(
            opening_book_value=opening_book,
            opening_reserve=opening_reserve,
            reserve_before=reserve_before,
            opening_tax_value=opening_tax,
            acquisitions=acquired,
            disposals=Decimal(assets.disposals),
            main_rule_base=main_base,
            main_rule_value=main_value,
            complementary_rule_value=comp_value,
            lowest_tax_value=lowest,
            rule=rule,
            book_value=book,
            reserve_after=target,
            change=cents(change),
            months=months,
            main_rule_residual=residual,
        ),
        findings,
    )


def _impossible(
    book: Decimal,
    reserve: Decimal,
    lowest: Decimal,
    lines: list[TrialBalanceLine],
    accounts: ClosingAccounts,
) -> list[Finding]:
    where = ", ".join(x.account for x in lines) or f"none in {accounts.inventarier}"
    out: list[Finding] = []
    if reserve > book:
        out.append(
            finding(
                "closing-reserve-exceeds-book",
                f"The accumulated överavskrivningar ({reserve}) exceed the book value of the "
                f"inventarier ({book}; accounts {where}), so the tax value would be negative. "
                "Check that every inventarier account is included (ClosingAccounts.inventarier "
                "or the accounts' #SRU 7215) and the reserve accounts' balances.",
            )
        )
    if book < lowest:
        out.append(
            finding(
                "closing-tax-value-below-floor",
                f"The book value of the inventarier ({book}) is already below the lowest tax "
                f"value the law allows ({lowest}): the planned depreciation exceeds what is "
                "deductible, and the excess must be added back in the tax return. Check the "
                "opening tax value, acquisitions and disposals given in AssetInputs.",
            )
        )
    return out


__all__ = [
    "AssetInputs",
    "Fund",
    "Overavskrivning",
    "PfondPlan",
    "PfondReversal",
    "allocate",
    "allocation_account",
    "cover_loss",
    "fund_year",
    "inventarier_lines",
    "main_rule_residual",
    "overavskrivning",
    "pfond_plan",
    "reverse_oldest_first",
    "with_allocation",
]
