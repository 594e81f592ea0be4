"""Balansräkning: the balance sheet before and after the closing entries, with
the year's result not yet booked to equity keeping it in balance."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.utils import get_column_letter

from closing.trial_balance import TrialBalanceLine
from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, text
from closing.workbook.layout import BALANCE_REST, BALANCE_SECTIONS, Side
from closing.workbook.statements import (
    BALANCE_COLUMNS,
    Placement,
    is_claim,
    sum_of,
    write_section,
)

SHEET = "Balansräkning"


def write(book: Book) -> None:
    r = book.result
    ws = page.start(
        book,
        SHEET,
        "Balansräkning",
        "Tillgångar med bokföringens tecken; eget kapital och skulder som positiva belopp.",
    )
    head = 4
    page.header(
        ws,
        head,
        ["Konto", "Kontonamn", "IB", "UB före bokslut", "Bokslutsposter", "UB efter bokslut"],
        right=range(3, 7),
    )
    accounts = Placement(book, result_side=False)
    row = head + 1
    sums: dict[Side, list[int]] = {"assets": [], "claims": []}

    def section(heading: str, chosen: Sequence[TrialBalanceLine], side: Side) -> None:
        nonlocal row
        negate = side == "claims"
        total_row, row = write_section(
            book, ws, row, heading, chosen, negate=negate, columns=BALANCE_COLUMNS
        )
        sums[side].append(total_row)

    def total(label: str, side: Side) -> int:
        nonlocal row
        text(ws, row, 2, label, st.BOLD)
        for col in range(3, 7):
            book.formula(ws, row, col, sum_of(sums[side], get_column_letter(col)))
        page.style_row(ws, row, 1, 6, border=st.TOTAL_BORDER, fill=st.RESULT_FILL)
        row += 2
        return row - 2

    sides: tuple[Side, ...] = ("assets", "claims")
    assets_total = 0
    for side in sides:
        for s in BALANCE_SECTIONS:
            chosen = accounts.take(s.range(r.settings.accounts)) if s.side == side else []
            if chosen:
                section(s.title, chosen, side)
        rest = accounts.rest() if side == "claims" else accounts.rest(_not_claim)
        if rest:
            section(BALANCE_REST[side], rest, side)
        if side == "assets":
            if not sums["assets"]:
                section("Tillgångar", [], "assets")
            assets_total = total("Summa tillgångar", "assets")
    # The year's result before it is booked to equity keeps the sheet in balance.
    text(ws, row, 2, "Resultat ej överfört till eget kapital", st.BOLD)
    book.formula(ws, row, 4, "={rr_open_before}")
    book.formula(ws, row, 6, "={rr_open_after}")
    book.formula(ws, row, 5, f"=F{row}-D{row}")
    page.style_row(ws, row, 1, 6)
    sums["claims"].append(row)
    row += 2
    claims_total = total("Summa eget kapital och skulder", "claims")
    text(ws, row, 2, "Differens (ska vara 0)", st.BOLD)
    for col in (3, 4, 6):
        letter = get_column_letter(col)
        key = {4: "br_diff_before", 6: "br_diff_after"}.get(col, "")
        book.formula(
            ws,
            row,
            col,
            f"={letter}{assets_total}-{letter}{claims_total}",
            key=key,
            expected=r.trial_balance.total if key else None,
            font=st.BOLD,
        )
    book.name("br_diff_after", ws, row, 6)
    page.flag_differences(ws, f"C{row}:F{row}")
    page.finish(ws, r, head, "C5", {1: 10, 2: 62, 3: 17, 4: 17, 5: 17, 6: 17})


def _not_claim(account: str) -> bool:
    return not is_claim(account)
