"""Closing vouchers (bokslutsverifikationer) as ``sie.model.Voucher`` values.

One voucher per closing entry, dated the last day of the financial year, in
the configured series, debit rows first, with the texts an accountant expects
to see in the ledger (domain brief §5.1): fund reversals, the överavskrivning,
the allocation, the tax and årets resultat, numbered after the ledger's own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from closing.pfond import Fund, PfondPlan
from closing.settings import (
    ACCOUNT_NAMES,
    PFOND_NAME,
    PFOND_SECOND_NAME,
    ClosingAccounts,
    ClosingSettings,
)
from closing.tax import TaxComputation
from closing.trial_balance import TrialBalance
from sie import dates
from sie.amounts import ZERO, cents
from sie.model import Account, FinancialYear, Row, SieFile, Voucher


def make_voucher(
    series: str,
    day: dt.date,
    text: str,
    rows: Iterable[tuple[str, Decimal]],
    sign: str = "",
) -> Voucher | None:
    """A balanced voucher, debit rows first; ``None`` when every amount is zero."""
    kept = [(account, cents(amount)) for account, amount in rows if cents(amount)]
    if not kept:
        return None
    if sum((a for _, a in kept), ZERO) != 0:
        raise ValueError(f"closing voucher {text!r} does not balance: {kept}")
    kept.sort(key=lambda r: r[1] < 0)
    return Voucher(
        series=series,
        number="",
        date=day,
        text=text,
        sign=sign,
        rows=tuple(Row(account=account, amount=amount) for account, amount in kept),
    )


def transfer(
    series: str, day: dt.date, text: str, debit: str, credit: str, amount: Decimal, sign: str = ""
) -> Voucher | None:
    """Debit one account and credit another by ``amount`` (a negative amount turns them)."""
    return make_voucher(series, day, text, [(debit, amount), (credit, -amount)], sign)


def highest_number(vouchers: Iterable[Voucher], series: str) -> int:
    """The highest numeric voucher number in ``series`` (0 when none is numeric)."""
    numbers = [int(v.number) for v in vouchers if v.series == series and v.number.isdigit()]
    return max(numbers, default=0)


def number(vouchers: Iterable[Voucher], existing: Iterable[Voucher]) -> tuple[Voucher, ...]:
    """Number ``vouchers`` after the highest number of their series in ``existing``."""
    existing = list(existing)
    next_no: dict[str, int] = {}
    out = []
    for v in vouchers:
        if v.series not in next_no:
            next_no[v.series] = highest_number(existing, v.series) + 1
        out.append(
            Voucher(
                series=v.series,
                number=str(next_no[v.series]),
                date=v.date,
                text=v.text,
                reg_date=v.reg_date,
                sign=v.sign,
                rows=v.rows,
            )
        )
        next_no[v.series] += 1
    return tuple(out)


# --- the closing's entries (domain brief §5.1) ----------------------------------------


def closing_entries(
    year: FinancialYear,
    settings: ClosingSettings,
    plan: PfondPlan,
    over_change: Decimal,
    over_accounts: tuple[str, str],
    comp: TaxComputation,
    tb: TrialBalance,
) -> list[Voucher]:
    """The closing vouchers before the year result: reversals, överavskrivning,
    allocation, tax (§5.1 order)."""
    acc, series, sign = settings.accounts, settings.series, settings.sign
    assert year.end is not None
    day, tax_year = year.end, year.end.year
    label = dates.year_label(dates.start_of(year), day)
    made: list[Voucher | None] = [
        transfer(
            series,
            day,
            f"Återföring av {_fund_name(f.year, f.second, f.account)}",
            f.account,
            acc.pfond_reversal,
            f.reversal,
            sign,
        )
        for f in plan.funds
        if f.reversal
    ]
    made.append(
        transfer(
            series,
            day,
            f"Förändring av överavskrivningar på inventarier {label}",
            *over_accounts,
            over_change,
            sign,
        )
    )
    second = next((f.second for f in plan.funds if f.account == plan.allocation_account), False)
    made.append(
        transfer(
            series,
            day,
            f"Avsättning till {_fund_name(tax_year, second, plan.allocation_account).lower()}",
            acc.pfond_allocation,
            plan.allocation_account,
            comp.pfond_allocation,
            sign,
        )
    )
    tax_text = "Justering av beräknad inkomstskatt" if tb.booked_tax else "Beräknad inkomstskatt"
    made.append(
        transfer(
            series,
            day,
            f"{tax_text} {label}",
            acc.tax_cost,
            acc.tax_liability,
            comp.tax_to_book,
            sign,
        )
    )
    return [v for v in made if v is not None]


def overavskrivning_accounts(tb: TrialBalance, acc: ClosingAccounts) -> tuple[str, str]:
    """(change, reserve) accounts: the configured pair, unless the ledger keeps its
    accumulated överavskrivningar on another reserve account of the range — then
    that account and its BAS partner (2150 → 8850, 2153 → 8853) keep it in one place."""
    used = [x.account for x in tb.in_range(*acc.overavskrivning_reserves) if x.ub or x.ib]
    if acc.overavskrivning_reserve in used or len(used) != 1:
        return acc.overavskrivning_change, acc.overavskrivning_reserve
    reserve = used[0]
    return "88" + reserve[2:], reserve


def _fund_name(year: int | None, second: bool, account: str) -> str:
    if year is None:
        return f"periodiseringsfond på {account}"
    return (
        (PFOND_SECOND_NAME if second else PFOND_NAME)
        .format(year=year)
        .replace("Periodiseringsfond", "periodiseringsfond")
    )


def year_result(tb: TrialBalance, vouchers: list[Voucher], acc: ClosingAccounts) -> Decimal:
    """Årets resultat: the net of every result account up to the taxes, after the
    closing vouchers, profit positive — the amount that zeroes the P&L."""
    ranges = (acc.operating, acc.appropriations, acc.taxes)
    booked = sum((x.ub for x in tb.in_range(*ranges)), ZERO)
    closing = sum(
        (r.amount for v in vouchers for r in v.rows if any(r.account in g for g in ranges)),
        ZERO,
    )
    return -(booked + closing)


def new_accounts(
    model: SieFile, vouchers: tuple[Voucher, ...], register: tuple[Fund, ...]
) -> tuple[Account, ...]:
    """Accounts the vouchers use that the file's chart lacks, named by BAS (a fund by its year)."""
    known = {a.number for a in model.accounts}
    funds = {f.account: f for f in register}
    out: dict[str, Account] = {}
    for v in vouchers:
        for r in v.rows:
            if r.account in known or r.account in out:
                continue
            fund = funds.get(r.account)
            if fund is not None and fund.year is not None:
                name = (PFOND_SECOND_NAME if fund.second else PFOND_NAME).format(year=fund.year)
            else:
                name = ACCOUNT_NAMES.get(r.account, "")
            out[r.account] = Account(number=r.account, name=name)
    return tuple(sorted(out.values(), key=lambda a: a.number))


def year_result_voucher(
    year: FinancialYear, settings: ClosingSettings, arets: Decimal
) -> Voucher | None:
    """Årets resultat to equity: D 8999 / K 2099 for a profit, turned for a loss."""
    assert year.end is not None
    acc = settings.accounts
    return transfer(
        settings.series,
        year.end,
        f"Årets resultat {dates.year_label(dates.start_of(year), year.end)}",
        acc.result_transfer,
        acc.result_equity,
        arets,
        settings.sign,
    )


__all__ = [
    "closing_entries",
    "highest_number",
    "make_voucher",
    "new_accounts",
    "number",
    "overavskrivning_accounts",
    "transfer",
    "year_result",
    "year_result_voucher",
]
