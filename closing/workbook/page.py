"""A sheet's frame: title lines, column headings, row styles, status colours,
column widths and the print setup with its header and footer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from closing.engine import ClosingResult
from closing.trial_balance import TrialBalanceLine
from closing.workbook.cells import Book, text
from closing.workbook.layout import period
from closing.workbook.styles import (
    BAD_FILL,
    BAD_FONT,
    BOLD,
    GOOD_FILL,
    GOOD_FONT,
    GROUP_FILL,
    GROUP_ROW,
    HEADER_BORDER,
    HEADER_FILL,
    NOTE_FONT,
    SUBTITLE_FONT,
    SUM_ROW,
    TITLE_FONT,
    TOLERANCE,
    RowStyle,
)
from closing.workbook.text import header_text


def title(ws: Worksheet, result: ClosingResult, heading: str, note: str = "") -> None:
    """Rows 1–3: the sheet's title, the company and year, and a note on reading it."""
    text(ws, 1, 1, heading, TITLE_FONT)
    who = f"{result.company or '(företagsnamn saknas)'} · {result.orgnr or 'org.nr saknas'}"
    text(ws, 2, 1, f"{who} · Räkenskapsår {period(result)}", SUBTITLE_FONT)
    if note:
        text(ws, 3, 1, note, NOTE_FONT)


#: The row of a sheet's column titles, under the title rows.
HEAD = 4


def start(
    book: Book,
    sheet: str,
    heading: str,
    note: str = "",
    columns: Sequence[str] = (),
    right: Iterable[int] = (),
) -> Worksheet:
    """The sheet named ``sheet`` with its title rows written (see :func:`title`)
    and, given ``columns``, their titles on row :data:`HEAD` (see :func:`header`)."""
    ws = book.sheet(sheet)
    title(ws, book.result, heading, note)
    if columns:
        header(ws, HEAD, columns, right)
    return ws


def header(ws: Worksheet, row: int, titles: Sequence[str], right: Iterable[int] = ()) -> None:
    """Column titles; ``right`` are the amount columns, titled flush right."""
    flush = set(right)
    for col, heading in enumerate(titles, start=1):
        cell = text(ws, row, col, heading, BOLD, HEADER_FILL)
        cell.border = HEADER_BORDER
        # A left-aligned title after a right-aligned one keeps a little distance.
        cell.alignment = Alignment(
            wrap_text=True,
            vertical="center",
            horizontal="right" if col in flush else "left",
            indent=1 if col - 1 in flush and col not in flush else 0,
        )
    ws.row_dimensions[row].height = 30


def group_row(ws: Worksheet, row: int, heading: str, last: int, col: int = 1) -> None:
    """A shaded group heading (in column ``col``) across columns 1–``last``."""
    style_row(ws, row, 1, last, GROUP_ROW)
    text(ws, row, col, heading, BOLD, GROUP_FILL)


def style_row(ws: Worksheet, row: int, first: int, last: int, style: RowStyle = SUM_ROW) -> None:
    """Dress columns ``first``–``last`` of a row (a sum row unless ``style`` says otherwise)."""
    for col in range(first, last + 1):
        cell = ws.cell(row=row, column=col)
        if style.font is not None:
            cell.font = style.font
        if style.border is not None:
            cell.border = style.border
        if style.fill is not None:
            cell.fill = style.fill


def flag_differences(ws: Worksheet, cells: str) -> None:
    """Colour non-zero differences red in ``cells`` (e.g. ``K5:K90``)."""
    top_left = cells.split(":")[0]
    rule = FormulaRule(
        formula=[f"AND(ISNUMBER({top_left}),ABS({top_left})>={TOLERANCE})"],
        font=BAD_FONT,
        fill=BAD_FILL,
    )
    ws.conditional_formatting.add(cells, rule)


def flag_status(ws: Worksheet, cells: str) -> None:
    """Colour "OK" green and "Avvikelse"/"Differens" red in ``cells``."""
    top_left = cells.split(":")[0]
    ws.conditional_formatting.add(
        cells, FormulaRule(formula=[f'{top_left}="OK"'], font=GOOD_FONT, fill=GOOD_FILL)
    )
    ws.conditional_formatting.add(
        cells,
        FormulaRule(
            formula=[f'OR({top_left}="Avvikelse",{top_left}="Differens")'],
            font=BAD_FONT,
            fill=BAD_FILL,
        ),
    )


def name_width(lines: Iterable[TrialBalanceLine], names: dict[str, str]) -> int:
    """A column width that shows the longest account name (within bounds)."""
    longest = max((len(x.name or names.get(x.account, "")) for x in lines), default=20)
    return min(max(longest + 2, 24), 48)


def finish(
    ws: Worksheet,
    result: ClosingResult,
    head: int,
    freeze: str | None,
    widths: Sequence[int],
) -> None:
    """Widths of columns 1, 2, …, frozen header, and a printout that fits the page
    width, with the company in the print header (cleaned as any text from the file)."""
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = freeze
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.page_margins.header = ws.page_margins.footer = 0.3
    if head:
        ws.print_title_rows = f"{head}:{head}"
    # An empty section is left unset: "&L&R…" is valid but misread by some readers.
    if result.company:
        ws.oddHeader.left.text = header_text(result.company)
    ws.oddHeader.right.text = header_text(f"{ws.title} · {period(result)}")
    if result.orgnr:
        ws.oddFooter.left.text = header_text(result.orgnr)
    ws.oddFooter.right.text = "Sida &P av &N"
