"""Closing vouchers (bokslutsverifikationer) as ``sie.model.Voucher`` values.

One voucher per closing entry, dated the last day of the financial year, in
the configured series, debit rows first, with the texts an accountant expects
to see in the ledger (domain brief §5.1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from sie.amounts import ZERO, cents
from sie.model import Row, Voucher


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


__all__ = ["highest_number", "make_voucher", "number", "transfer"]
