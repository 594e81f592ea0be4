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
from closing.workbook.statements import INCOME_COLUMNS, Statement, sum_of

SHEET = "Resultaträkning"


def write(book: Book) -> None:
    r = book.result
    acc = r.settings.accounts
    note = (
        "Intäkter positiva, kostnader negativa. Bokslutsposter från bladet Bokslutsverifikationer."
    )
    s = Statement(book, SHEET, note, INCOME_COLUMNS, result_side=True)
    ws = s.ws
    rows: dict[str, int] = {}

    def section(key: str, heading: str, chosen: Sequence[TrialBalanceLine]) -> None:
        rows[key] = s.section(heading, chosen, negate=True)

    def result_row(key: str, label: str, parts: Sequence[str], expected: Decimal) -> None:
        """A result checked against the engine before (column 3) and after (5) closing."""
        checks = {3: (f"rr:{key}:before", expected), 5: (f"rr:{key}:after", expected)}
        rows[key] = s.total(label, (rows[p] for p in parts), checks)

    operating = []
    for sec in OPERATING_SECTIONS:
        section(sec.key, sec.title, s.accounts.take(sec.range(acc), acc.operating))
        operating.append(sec.key)
    rest = s.accounts.take(acc.operating)
    if rest:
        section(OPERATING_REST.key, OPERATING_REST.title, rest)
        operating.append(OPERATING_REST.key)
    label = f"Resultat före bokslutsdispositioner och skatt ({acc.operating})"
    result_row("rba", label, operating, r.result_before_appropriations)
    book.name("rr_rba", ws, rows["rba"], 3)
    for sec in (APPROPRIATIONS, TAXES):
        rng = sec.range(acc)
        section(sec.key, f"{sec.title} ({rng})", s.accounts.take(rng))
    # Årets resultat is the engine's after closing only (before, it lacks the tax).
    arets = {5: ("rr:arets:after", r.arets_resultat)} if r.closed else {}
    parts = ["rba", APPROPRIATIONS.key, TAXES.key]
    rows["arets"] = s.total("Årets resultat", (rows[p] for p in parts), arets)
    book.name("rr_arets", ws, rows["arets"], 5)
    rng = TRANSFER.range(acc)
    section(TRANSFER.key, f"{TRANSFER.title} ({rng})", s.accounts.take(rng))
    parts = ["arets", TRANSFER.key]
    others = s.accounts.rest()
    if others:
        section(RESULT_REST.key, RESULT_REST.title, others)
        parts.append(RESULT_REST.key)
    row = s.row
    text(ws, row, 2, "Resultat ej överfört till balansräkningen (0 efter bokslut)", st.BOLD)
    for col in range(3, 7):
        book.formula(ws, row, col, sum_of((rows[p] for p in parts), get_column_letter(col)))
    page.style_row(ws, row, 2, 6, st.TOTAL_ROW)
    book.name("rr_open_before", ws, row, 3)
    book.name("rr_open_after", ws, row, 5)
    page.flag_differences(ws, f"E{row}:E{row}")
    s.finish()
