"""The one section writer of the balance sheet and the income statement.

Both statements are BAS sections of account rows (before closing from
Råbalans, the closing vouchers' entries, after closing) with a sum under each;
they differ only in their columns and in the sign they show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal

import attrs
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from closing.settings import AccountRange
from closing.trial_balance import TrialBalanceLine
from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, text
from sie import bas
from sie.amounts import ZERO


@attrs.frozen(slots=True)
class Columns:
    """A statement's column titles and where it puts each figure; ``ib``/``prev``
    ``None`` when it has none."""

    titles: tuple[str, ...]
    before: int
    closing: int
    after: int
    ib: int | None = None
    prev: int | None = None

    @classmethod
    def named(cls, **titles: str) -> Columns:
        """After account and name, one amount column per ``figure=title``, in that order."""
        places = {figure: col for col, figure in enumerate(titles, start=3)}
        return cls(("Konto", "Kontonamn", *titles.values()), **places)

    @property
    def last(self) -> int:
        return max(c for c in (self.before, self.closing, self.after, self.ib, self.prev) if c)


#: Balance sheet: IB, UB before closing, closing entries, UB after closing.
BALANCE_COLUMNS = Columns.named(
    ib="IB", before="UB före bokslut", closing="Bokslutsposter", after="UB efter bokslut"
)
#: Income statement: before closing, closing entries, after closing, previous year.
INCOME_COLUMNS = Columns.named(
    before="Före bokslut", closing="Bokslutsposter", after="Efter bokslut", prev="Föreg. år"
)


def is_result_account(account: str) -> bool:
    """Result (income statement) rather than balance account, for accounts the
    closing vouchers add that the trial balance does not have (BAS decides; the
    closing books no class-9 accounts, which BAS leaves open)."""
    return bas.kind_from_records(account) == "result"


def is_claim(account: str) -> bool:
    """An account of the equity-and-liabilities side of the balance sheet (BAS class 2)."""
    return bas.account_class(account) == 2


class Placement:
    """The statement's accounts in BAS order, each placed in one section only."""

    def __init__(self, book: Book, result_side: bool) -> None:
        tb = book.result.trial_balance
        lines = [x for x in tb.lines if x.is_result == result_side]
        lines += extra_lines(book, result_side)
        self.lines = sorted(lines, key=lambda x: x.account)
        self.used: set[str] = set()

    def take(self, *ranges: AccountRange) -> list[TrialBalanceLine]:
        """The unplaced accounts inside every one of ``ranges``, now placed."""
        out = [
            x
            for x in self.lines
            if x.account not in self.used and all(x.account in r for r in ranges)
        ]
        self.used.update(x.account for x in out)
        return out

    def rest(self, where: Callable[[str], bool] = lambda _: True) -> list[TrialBalanceLine]:
        """The unplaced accounts (those ``where`` accepts), now placed."""
        out = [x for x in self.lines if x.account not in self.used and where(x.account)]
        self.used.update(x.account for x in out)
        return out


class Statement:
    """A statement sheet being written top to bottom: its columns, its accounts
    (each placed in one section) and the next free row."""

    def __init__(
        self, book: Book, sheet: str, note: str, columns: Columns, *, result_side: bool
    ) -> None:
        self.book = book
        self.columns = columns
        amounts = range(3, columns.last + 1)
        self.ws = page.start(book, sheet, sheet, note, columns.titles, amounts)
        self.accounts = Placement(book, result_side)
        self.row = page.HEAD + 1

    def section(self, heading: str, lines: Sequence[TrialBalanceLine], *, negate: bool) -> int:
        """A section (see :func:`write_section`); returns its sum row."""
        total, self.row = write_section(
            self.book, self.ws, self.row, heading, lines, negate=negate, columns=self.columns
        )
        return total

    def total(
        self, label: str, rows: Iterable[int], checks: Mapping[int, tuple[str, Decimal]] = {}
    ) -> int:
        """A result row summing ``rows`` in every amount column; ``checks`` maps a
        column to the (key, engine figure) it is checked against. Returns its row."""
        row, ws, parts = self.row, self.ws, list(rows)
        text(ws, row, 2, label, st.BOLD)
        for col in range(3, self.columns.last + 1):
            key, expected = checks.get(col, ("", None))
            formula = sum_of(parts, get_column_letter(col))
            self.book.formula(ws, row, col, formula, key=key, expected=expected)
        page.style_row(ws, row, 1, self.columns.last, st.RESULT_ROW)
        self.row += 2
        return row

    def finish(self) -> None:
        """Widths (account, name, 17 for each amount), frozen below the titles."""
        widths = (10, 62, *[17] * (self.columns.last - 2))
        page.finish(self.ws, self.book.result, page.HEAD, "C5", widths)


def extra_lines(book: Book, result_side: bool) -> list[TrialBalanceLine]:
    """Accounts the vouchers use that are not in the trial balance, as empty lines."""
    known = {x.account for x in book.result.trial_balance.lines}
    out: dict[str, TrialBalanceLine] = {}
    for v in book.result.vouchers:
        for row in v.rows:
            if row.account in known or row.account in out:
                continue
            is_result = is_result_account(row.account)
            if is_result != result_side:
                continue
            out[row.account] = TrialBalanceLine(
                account=row.account,
                name=book.account_name(row.account),
                klass=bas.account_class(row.account),
                is_result=is_result,
                ib=ZERO,
                movement=ZERO,
                ub=ZERO,
                prev_ub=None,
                file_ub=None,
            )
    return sorted(out.values(), key=lambda x: x.account)


def write_section(
    book: Book,
    ws: Worksheet,
    row: int,
    heading: str,
    lines: Sequence[TrialBalanceLine],
    *,
    negate: bool,
    columns: Columns,
) -> tuple[int, int]:
    """A titled group of account rows with a SUM row under it. ``negate`` shows
    credits as positive (equity, liabilities, income). Returns (sum row, next free row)."""
    last_col = columns.last
    page.group_row(ws, row, heading, last_col)
    row += 1
    first = row
    for x in lines:
        write_line(book, ws, row, x, negate=negate, columns=columns)
        row += 1
    if not lines:
        text(ws, row, 2, "Inga konton", st.NOTE_FONT)
        row += 1
    text(ws, row, 2, f"Summa {heading[:1].lower()}{heading[1:]}")
    for col in range(3, last_col + 1):
        letter = get_column_letter(col)
        book.formula(ws, row, col, f"=SUM({letter}{first}:{letter}{row - 1})")
    page.style_row(ws, row, 1, last_col)
    return row, row + 2


def write_line(
    book: Book, ws: Worksheet, row: int, x: TrialBalanceLine, *, negate: bool, columns: Columns
) -> None:
    """One account: its figures from Råbalans, the closing entries, the sum after."""
    sign = "-" if negate else ""
    text(ws, row, 1, x.account)
    text(ws, row, 2, x.name or book.account_name(x.account))
    tb_row = book.tb_row.get(x.account)
    if tb_row is not None:
        rb = "'Råbalans'!"
        book.formula(ws, row, columns.before, f"={sign}{rb}G{tb_row}")
        if columns.ib is not None:
            book.formula(ws, row, columns.ib, f"={sign}{rb}E{tb_row}")
        if columns.prev is not None and x.prev_ub is not None:
            book.formula(ws, row, columns.prev, f"={sign}{rb}H{tb_row}")
    before = get_column_letter(columns.before)
    closing = get_column_letter(columns.closing)
    book.formula(
        ws, row, columns.closing, f"={sign}{book.closing_sum(f'$A{row}')}", st.AMOUNT_BLANK_ZERO
    )
    book.formula(
        ws,
        row,
        columns.after,
        f"=N({before}{row})+{closing}{row}",
        key=f"after:{x.account}",
        sign=-1 if negate else 1,
    )


def sum_of(rows: Iterable[int], letter: str) -> str:
    """``=C12+C20+…``: the sum of a column over the given rows."""
    return "=" + "+".join(f"{letter}{r}" for r in rows)
