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
from closing.workbook.statements import BALANCE_COLUMNS, Statement, is_claim

SHEET = "Balansräkning"


def write(book: Book) -> None:
    r = book.result
    note = "Tillgångar med bokföringens tecken; eget kapital och skulder som positiva belopp."
    s = Statement(book, SHEET, note, BALANCE_COLUMNS, result_side=False)
    ws = s.ws
    sums: dict[Side, list[int]] = {"assets": [], "claims": []}

    def section(heading: str, chosen: Sequence[TrialBalanceLine], side: Side) -> None:
        sums[side].append(s.section(heading, chosen, negate=side == "claims"))

    sides: tuple[Side, ...] = ("assets", "claims")
    assets_total = 0
    for side in sides:
        for sec in BALANCE_SECTIONS:
            chosen = s.accounts.take(sec.range(r.settings.accounts)) if sec.side == side else []
            if chosen:
                section(sec.title, chosen, side)
        rest = s.accounts.rest() if side == "claims" else s.accounts.rest(_not_claim)
        if rest:
            section(BALANCE_REST[side], rest, side)
        if side == "assets":
            if not sums["assets"]:
                section("Tillgångar", [], "assets")
            assets_total = s.total("Summa tillgångar", sums["assets"])
    # The year's result before it is booked to equity keeps the sheet in balance.
    row = s.row
    text(ws, row, 2, "Resultat ej överfört till eget kapital", st.BOLD)
    book.formula(ws, row, 4, "={rr_open_before}")
    book.formula(ws, row, 6, "={rr_open_after}")
    book.formula(ws, row, 5, f"=F{row}-D{row}")
    page.style_row(ws, row, 1, 6)
    sums["claims"].append(row)
    s.row += 2
    claims_total = s.total("Summa eget kapital och skulder", sums["claims"])
    row = s.row
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
    s.finish()


def _not_claim(account: str) -> bool:
    return not is_claim(account)
