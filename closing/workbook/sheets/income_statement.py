"""Resultaträkning: the income statement before and after the closing entries,
down to the result left untransferred (zero after closing)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from openpyxl.utils import get_column_letter

from closing.trial_balance import TrialBalanceLine
from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, text
from closing.workbook.layout import (
    APPROPRIATIONS,
    OPERATING_REST,
    OPERATING_SECTIONS,
    RESULT_REST,
    TAXES,
    TRANSFER,
)
from closing.workbook.statements import INCOME_COLUMNS, Placement, sum_of, write_section

SHEET = "Resultaträkning"


def write(book: Book) -> None:
    r = book.result
    acc = r.settings.accounts
    ws = page.start(
        book,
        SHEET,
        "Resultaträkning",
        "Intäkter positiva, kostnader negativa. Bokslutsposter från bladet Bokslutsverifikationer.",
    )
    head = 4
    page.header(
        ws,
        head,
        ["Konto", "Kontonamn", "Före bokslut", "Bokslutsposter", "Efter bokslut", "Föreg. år"],
        right=range(3, 7),
    )
    accounts = Placement(book, result_side=True)
    row = head + 1
    rows: dict[str, int] = {}

    def section(key: str, heading: str, chosen: Sequence[TrialBalanceLine]) -> None:
        nonlocal row
        rows[key], row = write_section(
            book, ws, row, heading, chosen, negate=True, columns=INCOME_COLUMNS
        )

    def result_row(
        label: str, parts: Sequence[str], key: str, expected: Decimal, checked: bool
    ) -> None:
        nonlocal row
        text(ws, row, 2, label, st.BOLD)
        for col in range(3, 7):
            check = {3: f"rr:{key}:before", 5: f"rr:{key}:after"}.get(col, "")
            if not checked or (key == "arets" and col == 3):
                check = ""
            formula = sum_of((rows[p] for p in parts), get_column_letter(col))
            book.formula(ws, row, col, formula, key=check, expected=expected if check else None)
        page.style_row(ws, row, 1, 6, border=st.TOTAL_BORDER, fill=st.RESULT_FILL)
        rows[key] = row
        row += 2

    operating = []
    for s in OPERATING_SECTIONS:
        section(s.key, s.title, accounts.take(s.range(acc), acc.operating))
        operating.append(s.key)
    rest = accounts.take(acc.operating)
    if rest:
        section(OPERATING_REST.key, OPERATING_REST.title, rest)
        operating.append(OPERATING_REST.key)
    result_row(
        f"Resultat före bokslutsdispositioner och skatt ({acc.operating})",
        operating,
        "rba",
        r.result_before_appropriations,
        True,
    )
    book.name("rr_rba", ws, rows["rba"], 3)
    for s in (APPROPRIATIONS, TAXES):
        rng = s.range(acc)
        section(s.key, f"{s.title} ({rng})", accounts.take(rng))
    result_row(
        "Årets resultat",
        ["rba", APPROPRIATIONS.key, TAXES.key],
        "arets",
        r.arets_resultat,
        r.closed,
    )
    book.name("rr_arets", ws, rows["arets"], 5)
    rng = TRANSFER.range(acc)
    section(TRANSFER.key, f"{TRANSFER.title} ({rng})", accounts.take(rng))
    parts = ["arets", TRANSFER.key]
    others = accounts.rest()
    if others:
        section(RESULT_REST.key, RESULT_REST.title, others)
        parts.append(RESULT_REST.key)
    text(ws, row, 2, "Resultat ej överfört till balansräkningen (0 efter bokslut)", st.BOLD)
    for col in range(3, 7):
        book.formula(ws, row, col, sum_of((rows[p] for p in parts), get_column_letter(col)))
    page.style_row(ws, row, 2, 6, border=st.TOTAL_BORDER)
    book.name("rr_open_before", ws, row, 3)
    book.name("rr_open_after", ws, row, 5)
    page.flag_differences(ws, f"E{row}:E{row}")
    page.finish(ws, r, head, "C5", {1: 10, 2: 62, 3: 17, 4: 17, 5: 17, 6: 17})
