"""The periodiseringsfond register (30 kap. IL): funds per allocation year, the
forced sixth-year reversal, voluntary reversals oldest first, "cover the loss",
the schablonintäkt and uppräkning, and the account of this year's new fund.

Works from the trial balance's fund accounts plus what the user decides; books
nothing itself — :mod:`closing.vouchers` turns the figures into vouchers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal

import attrs

from closing.findings import Finding, finding
from closing.rates import TaxYearRates
from closing.settings import ClosingAccounts, ClosingSettings
from closing.trial_balance import TrialBalance
from sie import amounts, dates
from sie.amounts import CENT, ZERO, cents
from sie.model import FinancialYear


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
    start = dates.start_of(year)
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
                    f"Account {line.account} holds periodiseringsfonder of "
                    f"{amounts.format(fund.before_closing)} but its allocation year is unknown, "
                    "so it is neither reversed nor checked against the six-year limit. Give the "
                    "year in ClosingSettings.pfond_years or move the fund to its per-year "
                    "account.",
                )
            )
        if fund.before_closing < 0:
            findings.append(
                finding(
                    "closing-pfond-negative",
                    f"Periodiseringsfond account {line.account} has a debit balance "
                    f"({amounts.format(-fund.before_closing)}); more was reversed than "
                    "allocated. Correct the booking before closing.",
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
                    f"Periodiseringsfond {fund.year} on {fund.account} "
                    f"({amounts.format(fund.before_closing)}) should have been reversed by "
                    f"{fund.year + rates.pfond_reversal_after}; the closing reverses it now. "
                    "Check the previous years' tax returns.",
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
    months = dates.months_of(year)
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
                f"The requested reversal {amounts.format(amount)} is not a positive amount; "
                "nothing is reversed voluntarily. Give an amount in kronor, 'all' or "
                "'cover-loss'.",
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
                f"The requested reversal {amounts.format(wanted)} exceeds what the funds hold "
                f"after the forced reversals ({amounts.format(available)}); "
                f"{amounts.format(available)} is reversed, oldest fund first.",
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
                f"of {amounts.format(need)} remains; it is carried forward.",
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


__all__ = [
    "Fund",
    "PfondPlan",
    "PfondReversal",
    "allocate",
    "allocation_account",
    "cover_loss",
    "fund_year",
    "pfond_plan",
    "reverse_oldest_first",
    "with_allocation",
]
