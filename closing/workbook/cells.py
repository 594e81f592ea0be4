"""Cells: text that stays text, inputs, and formulas that name other sheets' cells.

A formula names another cell as ``{key}``; the :class:`Book` resolves every
name once all sheets are laid out, so a sheet can refer to one written later.
A formula written with a ``key`` is also a :class:`Check`: a figure the engine
knows, to compare with a spreadsheet program's recalculation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal

import attrs
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from closing.appropriations import AssetInputs
from closing.engine import ClosingResult
from closing.settings import ACCOUNT_NAMES, AccountRange
from closing.taxreturn import TaxReturn
from closing.workbook.layout import SHEETS, fund_title
from closing.workbook.styles import AMOUNT, BOLD, DATE, INPUT_FONT
from closing.workbook.text import FORMULA_LEADS, safe_text
from sie.amounts import ZERO

Value = Decimal | int | str | dt.date | None
_REF = re.compile(r"\{([A-Za-z0-9_:.\-]+)\}")


@attrs.frozen(slots=True)
class Check:
    """A formula cell holding a figure that can be verified after recalculation.

    ``expected`` is the engine's figure; ``None`` when the engine has none (the
    balances after closing, checked against the ledger with the vouchers
    applied). ``sign`` turns the shown figure into the ledger's sign (−1 where
    a sheet shows credits as positive).
    """

    key: str
    sheet: str
    cell: str
    expected: Decimal | None
    sign: int = 1


@attrs.frozen(slots=True)
class BuiltWorkbook:
    """The workbook, its checkable figures, and where its named cells are:
    key -> (sheet, cell), e.g. ``"tax_choice"`` -> ``("Skatteberäkning", "C9")``."""

    workbook: Workbook
    checks: tuple[Check, ...]
    cells: Mapping[str, tuple[str, str]]


def text(
    ws: Worksheet,
    row: int,
    col: int,
    value: str,
    font: Font | None = None,
    fill: PatternFill | None = None,
) -> Cell:
    """Text that stays text: cleaned by :func:`safe_text`, and a leading ``=``,
    ``+``, ``-`` or ``@`` never makes a formula."""
    cell = ws.cell(row=row, column=col)
    shown = safe_text(value)
    cell.value = shown
    cell.data_type = "s"
    if shown.startswith(FORMULA_LEADS):
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def input_cell(
    ws: Worksheet,
    row: int,
    col: int,
    value: Value,
    fmt: str = AMOUNT,
    font: Font | None = INPUT_FONT,
) -> Cell:
    """An input: an amount, rate, date or choice the formulas work from."""
    if isinstance(value, float):  # pragma: no cover - guarded by the type
        raise TypeError("amounts are Decimal, never float")
    if isinstance(value, str):
        return text(ws, row, col, value, font)
    cell = ws.cell(row=row, column=col)
    cell.value = value
    cell.number_format = DATE if isinstance(value, dt.date) else fmt
    if font is not None:
        cell.font = font
    return cell


def ref(sheet: str, row: int, col: int) -> str:
    """An absolute reference to a cell of another sheet."""
    return f"'{sheet}'!${get_column_letter(col)}${row}"


def col_range(sheet: str, col: int, first: int, last: int) -> str:
    """An absolute reference to rows ``first``–``last`` of one column of a sheet."""
    letter = get_column_letter(col)
    return f"'{sheet}'!${letter}${first}:${letter}${max(first, last)}"


class Book:
    """The workbook being written and what its sheets share: the closing, the
    named cells, the checks, and the row of each account on Råbalans."""

    def __init__(
        self,
        result: ClosingResult,
        assets: AssetInputs | None,
        tax_return: TaxReturn | None = None,
    ) -> None:
        self.result = result
        self.assets = assets
        #: The tax return of the closing (``None``: the INK2 sheet says it was not made).
        self.tax_return = tax_return
        self.workbook = Workbook()
        self.refs: dict[str, str] = {}
        self.cells: dict[str, tuple[str, str]] = {}
        self.pending: list[tuple[Cell, str]] = []
        self.checks: list[Check] = []
        #: Account -> its row on Råbalans (filled by that sheet, read by the others).
        self.tb_row: dict[str, int] = {}
        self.names: dict[str, str] = {x.account: x.name for x in result.trial_balance.lines}
        #: The periodiseringsfond register after closing (empty when refused).
        self.funds = result.pfond.funds if result.pfond is not None else ()
        for fund in self.funds:
            self.names.setdefault(fund.account, fund_title(fund))
        for account in result.new_accounts:
            self.names.setdefault(account.number, account.name)
        for number, name in ACCOUNT_NAMES.items():
            self.names.setdefault(number, name)
        first = self.workbook.active
        assert first is not None
        first.title = SHEETS[0][0]
        for name, _ in SHEETS[1:]:
            self.workbook.create_sheet(name)

    def sheet(self, name: str) -> Worksheet:
        return self.workbook[name]

    def formula(
        self,
        ws: Worksheet,
        row: int,
        col: int,
        template: str,
        fmt: str = AMOUNT,
        *,
        key: str = "",
        expected: Decimal | None = None,
        sign: int = 1,
        font: Font | None = None,
    ) -> Cell:
        """A formula; ``{name}`` parts are other cells, resolved at the end.
        With ``key`` the cell is listed as a :class:`Check`."""
        cell = ws.cell(row=row, column=col)
        self.pending.append((cell, template))
        cell.number_format = fmt
        if font is not None:
            cell.font = font
        if key:
            self.checks.append(Check(key, ws.title, cell.coordinate, expected, sign))
        return cell

    def figure(
        self,
        ws: Worksheet,
        row: int,
        label: tuple[int, str],
        col: int,
        template: str,
        *,
        key: str = "",
        expected: Decimal | None = None,
    ) -> Cell:
        """A bold labelled figure: ``label`` is (column, text), the formula goes in ``col``."""
        text(ws, row, label[0], label[1], BOLD)
        return self.formula(ws, row, col, template, key=key, expected=expected, font=BOLD)

    def name(self, key: str, ws: Worksheet, row: int, col: int) -> None:
        """Let formulas on any sheet refer to this cell as ``{key}``."""
        self.refs[key] = ref(ws.title, row, col)
        self.cells[key] = (ws.title, f"{get_column_letter(col)}{row}")

    def name_range(self, key: str, ws: Worksheet, col: int, first: int, last: int) -> None:
        """Let formulas refer to rows ``first``–``last`` of column ``col`` as ``{key}``."""
        self.refs[key] = col_range(ws.title, col, first, last)

    def account_name(self, account: str) -> str:
        return self.names.get(account, "")

    def tb_sum(self, accounts: AccountRange) -> str | None:
        """A formula summing the Råbalans UB of the accounts in ``accounts`` (``None`` if none)."""
        rows = sorted(row for account, row in self.tb_row.items() if account in accounts)
        if not rows:
            return None
        return "=" + "+".join(f"'Råbalans'!G{row}" for row in rows)

    def ub_after(self, account: str) -> Decimal:
        """An account's balance after closing: the trial balance's UB plus the vouchers."""
        line = next((x for x in self.result.trial_balance.lines if x.account == account), None)
        booked = sum(
            (row.amount for v in self.result.vouchers for row in v.rows if row.account == account),
            ZERO,
        )
        return (line.ub if line is not None else ZERO) + booked

    def ub_after_formula(self, account: str, account_cell: str) -> str:
        """``=`` the Råbalans UB of ``account`` plus the closing vouchers on the account
        named in ``account_cell`` (debit positive)."""
        row = self.tb_row.get(account)
        before = f"'Råbalans'!G{row}+" if row is not None else ""
        return f"={before}{self.closing_sum(account_cell)}"

    def closing_sum(self, account_cell: str) -> str:
        """The closing vouchers' net amount on the account named in ``account_cell``."""
        return f"SUMIF({{ver_accounts}},{account_cell},{{ver_amounts}})"

    def build(self) -> BuiltWorkbook:
        """Resolve every ``{key}`` and hand over the finished workbook."""

        def sub(match: re.Match[str]) -> str:
            return self.refs[match.group(1)]

        for cell, template in self.pending:
            cell.value = _REF.sub(sub, template)
        return BuiltWorkbook(self.workbook, tuple(self.checks), dict(self.cells))
