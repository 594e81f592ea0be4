"""Trial balance (råbalans): IB, movement and UB per account, computed from the
transactions, next to the file's own figures so that any disagreement shows.

A balance account's UB is its IB plus the year's ``#TRANS``; a result account's
UB is the movement alone. Files without transactions (types 1–3, or a 4E that
carries only balances) fall back to the file's ``#IB``/``#UB``/``#RES``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, Literal

import attrs

from closing.findings import Finding, finding
from closing.settings import AccountRange, ClosingAccounts
from sie import amounts, bas, dates
from sie.amounts import ZERO
from sie.model import FinancialYear, SieFile

#: BAS account classes (kontoklasser) as an accountant reads them; 0 and 9 share
#: the title for accounts outside BAS classes 1–8 (see :mod:`sie.bas`).
CLASS_TITLES: dict[int, str] = {
    0: bas.OTHER_TITLE,
    **bas.CLASS_TITLES,
    9: bas.OTHER_TITLE,
}

Source = Literal["transactions", "balances"]
#: SIE types that carry balances only.
SIE_BALANCE_TYPES = frozenset({"1", "2", "3"})

#: Re-exported for callers of the trial balance; the rule lives in :mod:`sie.bas`.
account_class = bas.account_class


@attrs.frozen(slots=True)
class TrialBalanceLine:
    """One account of the råbalans. ``file_ub`` is the file's own ``#UB 0`` (balance
    accounts) or ``#RES 0`` (result accounts), ``None`` when the file gives none."""

    account: str
    name: str
    klass: int
    is_result: bool
    ib: Decimal
    movement: Decimal
    ub: Decimal
    prev_ub: Decimal | None
    file_ub: Decimal | None
    sru: tuple[str, ...] = ()

    @property
    def difference(self) -> Decimal | None:
        """Computed UB minus the file's; ``None`` when the file gives no figure."""
        return None if self.file_ub is None else self.ub - self.file_ub


@attrs.frozen(slots=True)
class TrialBalanceGroup:
    """The accounts of one BAS class with their sums."""

    klass: int
    title: str
    lines: tuple[TrialBalanceLine, ...]
    #: Sums over the lines (``prev_ub`` counts a missing figure as zero).
    ib: Decimal
    movement: Decimal
    ub: Decimal
    prev_ub: Decimal


@attrs.frozen(slots=True)
class TrialBalance:
    """The råbalans of financial year 0 plus the checks that precede a closing."""

    company: str
    orgnr: str
    year: FinancialYear | None
    previous_year: FinancialYear | None
    source: Source
    lines: tuple[TrialBalanceLine, ...]
    #: Net of the operating range (3000–8799), a profit positive.
    result_before_appropriations: Decimal
    #: Σ UB of balance accounts and of result accounts; together zero in a consistent file.
    balance_sum: Decimal
    result_sum: Decimal
    #: Movement on the result-transfer accounts (8990–8999): a year result already booked.
    booked_year_result: Decimal
    #: Movement on the income-tax account (8910): a tax already booked.
    booked_tax: Decimal
    findings: tuple[Finding, ...] = ()
    #: Whether the file writes #UB 0 / #RES 0 at all (then an account it omits means zero).
    file_has_ub: bool = False
    file_has_res: bool = False

    @property
    def total(self) -> Decimal:
        return self.balance_sum + self.result_sum

    @property
    def groups(self) -> tuple[TrialBalanceGroup, ...]:
        by_class: dict[int, list[TrialBalanceLine]] = {}
        for line in self.lines:
            by_class.setdefault(line.klass, []).append(line)
        return tuple(
            TrialBalanceGroup(
                klass=k,
                title=CLASS_TITLES.get(k, CLASS_TITLES[0]),
                lines=tuple(ls),
                ib=sum((x.ib for x in ls), ZERO),
                movement=sum((x.movement for x in ls), ZERO),
                ub=sum((x.ub for x in ls), ZERO),
                prev_ub=sum((x.prev_ub or ZERO for x in ls), ZERO),
            )
            for k, ls in sorted(by_class.items())
        )

    def compared(self) -> tuple[TrialBalanceLine, ...]:
        """The lines checked against the file's own #UB/#RES (none without transactions)."""
        if self.source != "transactions":
            return ()
        return tuple(_compared(self.lines, has_ub=self.file_has_ub, has_res=self.file_has_res))

    def differences(self) -> tuple[TrialBalanceLine, ...]:
        """Accounts whose computed UB differs from the file's own #UB/#RES: the same rule
        as the ``closing-ub-differs`` findings, for renderers and programs."""
        return tuple(x for x in self.compared() if x.ub != (x.file_ub or ZERO))

    def line(self, account: str) -> TrialBalanceLine | None:
        return next((x for x in self.lines if x.account == account), None)

    def ub(self, account: str) -> Decimal:
        found = self.line(account)
        return found.ub if found else ZERO

    def ib(self, account: str) -> Decimal:
        found = self.line(account)
        return found.ib if found else ZERO

    def movement(self, account: str) -> Decimal:
        found = self.line(account)
        return found.movement if found else ZERO

    def in_range(self, *ranges: AccountRange) -> Iterator[TrialBalanceLine]:
        for x in self.lines:
            if any(x.account in r for r in ranges):
                yield x

    def to_json(self) -> dict[str, Any]:
        """The råbalans as JSON-ready values, amounts as strings."""
        return {
            "company": self.company,
            "orgnr": self.orgnr,
            "year": dates.span_json(self.year),
            "source": self.source,
            "accounts": [
                {
                    "account": x.account,
                    "name": x.name,
                    "class": x.klass,
                    "ib": amounts.to_json(x.ib),
                    "movement": amounts.to_json(x.movement),
                    "ub": amounts.to_json(x.ub),
                    "prev_ub": amounts.to_json(x.prev_ub),
                    "file_ub": amounts.to_json(x.file_ub),
                }
                for x in self.lines
            ],
            "result_before_appropriations": amounts.to_json(self.result_before_appropriations),
            "balance_sum": amounts.to_json(self.balance_sum),
            "result_sum": amounts.to_json(self.result_sum),
            "findings": [f.to_json() for f in self.findings],
        }


def trial_balance(model: SieFile, accounts: ClosingAccounts | None = None) -> TrialBalance:
    """Compute the råbalans of financial year 0 from ``model``."""
    accounts = accounts or ClosingAccounts()
    year = model.year(0)
    findings: list[Finding] = []

    kinds: dict[tuple[str, int], dict[str, Decimal]] = {}
    for b in model.balances:
        kinds.setdefault((b.kind, b.year), {})[b.account] = b.amount
    ib0 = kinds.get(("IB", 0))
    if ib0 is None:
        ib0 = kinds.get(("UB", -1), {})
    ub0 = kinds.get(("UB", 0))
    res0 = kinds.get(("RES", 0))
    ub_prev = kinds.get(("UB", -1), {})
    res_prev = kinds.get(("RES", -1), {})

    movements: dict[str, Decimal] = {}
    outside = 0
    rows = 0
    for v in model.vouchers:
        if year is not None and not year.contains(v.date):
            outside += 1
            continue
        for r in v.trans:
            rows += 1
            movements[r.account] = movements.get(r.account, ZERO) + r.amount
    if outside:
        findings.append(
            finding(
                "closing-outside-year",
                f"{outside} voucher(s) are dated outside financial year 0 "
                f"({dates.span_text(year)}) and are left out of the trial balance; "
                "export the file for one financial year, or move them to the right year.",
            )
        )
    # SIE 1–3 carry no transactions by definition: their balances stand even when
    # vouchers were appended (closing.apply moves #UB/#RES with the closing vouchers).
    source: Source = (
        "transactions" if rows and model.sie_type not in SIE_BALANCE_TYPES else "balances"
    )
    if source == "balances":
        findings.append(
            finding(
                "closing-balances-only",
                "The file has no transactions for the year; the trial balance shows the "
                "file's own #IB/#UB/#RES. Export a SIE 4E file to see the movements.",
            )
        )

    names = {a.number: a for a in model.accounts}
    used: set[str] = set(movements)
    for table in (ib0, ub0 or {}, res0 or {}, ub_prev, res_prev):
        used.update(table)

    lines: list[TrialBalanceLine] = []
    for number in sorted(used, key=bas.sort_key):
        acc = names.get(number)
        is_result = (
            bas.kind_from_records(
                number,
                acc.type if acc else "",
                has_balance_record=number in ib0 or number in (ub0 or {}) or number in ub_prev,
            )
            == "result"
        )
        prev = (res_prev if is_result else ub_prev).get(number)
        file_ub = (res0 if is_result else ub0) or {}
        file_value = file_ub.get(number)
        ib = ZERO if is_result else ib0.get(number, ZERO)
        if source == "transactions":
            movement = movements.get(number, ZERO)
        elif is_result:
            movement = file_value if file_value is not None else ZERO
        elif file_value is not None or ub0 is not None:
            # SIE 1–3 carry no transactions: an account the file gives no #UB 0 has UB 0.
            movement = (file_value or ZERO) - ib
        else:
            movement = ZERO
        ub = movement if is_result else ib + movement
        if not any((ib, movement, ub, prev or ZERO, file_value or ZERO)):
            continue
        lines.append(
            TrialBalanceLine(
                account=number,
                name=acc.name if acc else "",
                klass=account_class(number),
                is_result=is_result,
                ib=ib,
                movement=movement,
                ub=ub,
                prev_ub=prev,
                file_ub=file_value,
                sru=acc.sru if acc else (),
            )
        )

    if source == "transactions":
        findings.extend(_compare_with_file(lines, has_ub=ub0 is not None, has_res=res0 is not None))

    balance_sum = sum((x.ub for x in lines if not x.is_result), ZERO)
    result_sum = sum((x.ub for x in lines if x.is_result), ZERO)
    if balance_sum + result_sum != 0:
        findings.append(
            finding(
                "closing-not-balanced",
                f"Balance accounts sum to {amounts.format(balance_sum)} and result accounts to "
                f"{amounts.format(result_sum)}: together "
                f"{amounts.format(balance_sum + result_sum)}, not zero. Check the opening "
                "balances and unbalanced vouchers before closing.",
            )
        )
    operating = sum((x.ub for x in lines if x.account in accounts.operating), ZERO)
    booked_result = sum((x.movement for x in lines if x.account in accounts.transfer), ZERO)
    booked_tax = next((x.movement for x in lines if x.account == accounts.tax_cost), ZERO)
    equity = next((x.ub for x in lines if x.account == accounts.result_equity), ZERO)
    if equity:
        findings.append(
            finding(
                "closing-equity-result",
                f"{accounts.result_equity} holds {amounts.format(equity)} "
                f"({'a debit: a loss' if equity > 0 else 'a credit: a profit'}, as in the "
                "råbalans) before closing: last year's result not yet moved to balanserat "
                "resultat (2091), or a year result booked without "
                f"{accounts.result_transfer}. After closing it holds that plus "
                "this year's result; move last year's result once the AGM has decided.",
            )
        )
    if booked_result:
        findings.append(
            finding(
                "closing-result-booked",
                "A year result is already booked: the result-transfer accounts "
                f"({accounts.transfer}) move by {amounts.format(booked_result)}. Closing would "
                "book it twice; export the ledger before the year-end closing entries, or "
                "remove them.",
            )
        )
    if booked_tax:
        findings.append(
            finding(
                "closing-tax-booked",
                f"Income tax is already booked: {accounts.tax_cost} moves by "
                f"{amounts.format(booked_tax)}. The closing books only the difference to the "
                "computed tax; check that the booked amount is this year's tax.",
            )
        )
    return TrialBalance(
        company=model.header.company_name,
        orgnr=model.header.orgnr,
        year=year,
        previous_year=model.year(-1),
        source=source,
        lines=tuple(lines),
        result_before_appropriations=-operating,
        balance_sum=balance_sum,
        result_sum=result_sum,
        booked_year_result=booked_result,
        booked_tax=booked_tax,
        findings=tuple(findings),
        file_has_ub=ub0 is not None,
        file_has_res=res0 is not None,
    )


def _compare_with_file(
    lines: list[TrialBalanceLine], *, has_ub: bool, has_res: bool
) -> list[Finding]:
    """One finding per account whose computed UB disagrees with the file's figure.

    A file that writes balance records at all is taken to mean zero where it
    omits an account.
    """
    out: list[Finding] = []
    for x in _compared(lines, has_ub=has_ub, has_res=has_res):
        given = x.file_ub if x.file_ub is not None else ZERO
        if x.ub != given:
            label = "#RES" if x.is_result else "#UB"
            basis = "the transactions" if x.is_result else "#IB + the transactions"
            out.append(
                finding(
                    "closing-ub-differs",
                    f"Account {x.account}: {basis} give {amounts.format(x.ub)}, the file's "
                    f"{label} says {amounts.format(given)} (difference "
                    f"{amounts.format(x.ub - given)}). Find the missing or changed voucher "
                    "before closing.",
                )
            )
    return out


def _compared(
    lines: Iterable[TrialBalanceLine], *, has_ub: bool, has_res: bool
) -> Iterator[TrialBalanceLine]:
    """The lines the file gives a figure for: where it writes #UB (#RES) at all."""
    for x in lines:
        if has_res if x.is_result else has_ub:
            yield x
