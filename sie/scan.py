"""One pass over a ledger's rows: what the import rules and integrity checks need.

Large files have millions of rows; walking them once instead of once per check is
what keeps validation of a 100 MB file within seconds. Also the small facts about
vouchers both use: a voucher's name in messages and its number as a count.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from sie import amounts
from sie.amounts import ZERO
from sie.model import FinancialYear, ObjectRef, Row, SieFile, Voucher


@attrs.frozen
class LedgerScan:
    """What the checks need from every row, gathered in one pass over the vouchers.

    Large files have millions of rows; walking them once instead of once per
    check is what keeps validation of a 100 MB file within seconds.
    """

    movements: dict[str, Decimal]  # Σ #TRANS per account
    first_use: dict[str, int]  # account -> first row line using it
    row_objects: dict[int, set[str]]  # dimension -> object ids used on rows
    unbalanced: list[tuple[int, Decimal]]  # (voucher index, #TRANS sum)
    rows_outside: list[tuple[int, list[Row]]]  # (voucher index, #TRANS rows dated outside)
    vouchers_outside: list[int]  # indexes of vouchers dated outside year 0


@amounts.exact
def scan_ledger(model: SieFile) -> LedgerScan:
    """One pass over all rows (see :class:`LedgerScan`)."""
    year = dated_year(model)
    start = year.start if year else None
    end = year.end if year else None
    movements: dict[str, Decimal] = {}
    first_use: dict[str, int] = {}
    row_objects: dict[int, set[str]] = {}
    seen_lists: set[tuple[ObjectRef, ...]] = set()
    unbalanced: list[tuple[int, Decimal]] = []
    rows_outside: list[tuple[int, list[Row]]] = []
    vouchers_outside: list[int] = []
    # Rows and vouchers are named tuples: unpacking them is much faster than reading
    # their fields one by one, which counts at a million rows.
    for index, (_, _, v_date, _, _, _, rows, _, _, _) in enumerate(model.vouchers):
        if start is not None and not start <= v_date <= end:  # type: ignore[operator]
            vouchers_outside.append(index)
        total = ZERO
        outside: list[Row] | None = None
        for r in rows:
            account, amount, refs, day, _, _, _, kind, _, base, offset = r
            if account not in first_use:
                first_use[account] = base + offset
            if refs and refs not in seen_lists:
                seen_lists.add(refs)
                for dim, obj in refs:
                    row_objects.setdefault(dim, set()).add(obj)
            if kind == "TRANS":
                total += amount
                movements[account] = movements.get(account, ZERO) + amount
                if day is not None and start is not None and not start <= day <= end:  # type: ignore[operator]
                    if outside is None:
                        outside = []
                    outside.append(r)
        if total:
            unbalanced.append((index, total))
        if outside:
            rows_outside.append((index, outside))
    return LedgerScan(movements, first_use, row_objects, unbalanced, rows_outside, vouchers_outside)


def dated_year(model: SieFile) -> FinancialYear | None:
    year = model.year(0)
    if year is None or year.start is None or year.end is None:
        return None
    return year


def shown(value: str) -> str:
    """A series or number as SIE writes it, ``""`` when empty."""
    return value or '""'


def serial(number: str) -> int | None:
    """A voucher number as an integer when it is one of at most 18 ASCII digits (a longer
    run is an id, not a count; Python's ``int`` refuses texts of over 4 300 digits)."""
    short = len(number) <= 18 or len(number.lstrip("0")) <= 18
    if short and number.isdigit() and number.isascii():
        return int(number)
    return None


def voucher_name(v: Voucher) -> str:
    return f"{shown(v.series)} {shown(v.number)}"


__all__ = ["LedgerScan", "dated_year", "scan_ledger", "serial", "shown", "voucher_name"]
