"""Råbalans: IB, movement and UB per account by BAS class, next to the previous
year and the file's own UB; the other sheets take their balances from here."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from closing.trial_balance import TrialBalanceLine
from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, input_cell, text

SHEET = "Råbalans"


def write(book: Book) -> None:
    r = book.result
    tb = r.trial_balance
    source = (
        "Beräknad från årets transaktioner."
        if tb.source == "transactions"
        else "Filen saknar transaktioner: filens #IB/#UB/#RES visas."
    )
    ws = page.start(
        book,
        "Råbalans",
        "Råbalans (saldobalans)",
        f"{source} Debet positivt, kredit negativt.",
        [
            "Konto",
            "Kontonamn",
            "Typ",
            "SRU",
            "IB",
            "Förändring",
            "UB",
            "Föregående år UB",
            "Förändring mot föreg. år",
            "UB enligt filen",
            "Differens mot filen",
        ],
        right=range(5, 12),
    )
    head = page.HEAD
    row = head + 1
    first_data = row
    for group in tb.groups:
        page.group_row(ws, row, f"Klass {group.klass} – {group.title}", 11)
        row += 1
        first = row
        for x in group.lines:
            _line(book, ws, row, x)
            row += 1
        last = row - 1
        text(ws, row, 2, f"Summa klass {group.klass}")
        sums = ((5, group.ib, "ib"), (6, group.movement, "movement"), (7, group.ub, "ub"))
        for col, expected, what in sums:
            letter = get_column_letter(col)
            book.formula(
                ws,
                row,
                col,
                f"=SUM({letter}{first}:{letter}{last})",
                key=f"class{group.klass}:{what}",
                expected=expected,
            )
        book.formula(
            ws,
            row,
            8,
            f"=SUM(H{first}:H{last})",
            key=f"class{group.klass}:prev_ub",
            expected=group.prev_ub,
        )
        book.formula(ws, row, 10, f"=SUM(J{first}:J{last})")
        book.formula(ws, row, 11, f"=SUM(K{first}:K{last})")
        page.style_row(ws, row, 1, 11)
        row += 2
    if not tb.lines:
        text(ws, row, 2, "Inga konton med saldo.", st.NOTE_FONT)
        row += 2
    last_data = max(first_data, row - 1)
    types = f"$C${first_data}:$C${last_data}"
    totals = (
        ("Summa balanskonton", "BR", "balance_sum", tb.balance_sum),
        ("Summa resultatkonton", "RR", "result_sum", tb.result_sum),
    )
    for label, kind, key, expected in totals:
        book.figure(
            ws,
            row,
            (2, label),
            7,
            f'=SUMIF({types},"{kind}",G${first_data}:G${last_data})',
            key=key,
            expected=expected,
        )
        row += 1
    text(ws, row, 2, "Totalt (ska vara 0)", st.BOLD)
    book.formula(ws, row, 7, f"=G{row - 2}+G{row - 1}", key="total", expected=tb.total)
    page.style_row(ws, row, 2, 7, st.TOTAL_ROW)
    book.name("rb_total", ws, row, 7)
    page.flag_differences(ws, f"G{row}:G{row}")
    page.flag_differences(ws, f"K{first_data}:K{last_data}")
    name = page.name_width(tb.lines, book.names)
    page.finish(ws, r, head, "C5", (10, name, 6, 7, *[16] * 7))


def _line(book: Book, ws: Worksheet, row: int, x: TrialBalanceLine) -> None:
    book.tb_row[x.account] = row
    text(ws, row, 1, x.account)
    text(ws, row, 2, x.name)
    text(ws, row, 3, "RR" if x.is_result else "BR")
    text(ws, row, 4, " ".join(x.sru))
    input_cell(ws, row, 5, x.ib)
    input_cell(ws, row, 6, x.movement)
    book.formula(ws, row, 7, f"=E{row}+F{row}", key=f"ub:{x.account}", expected=x.ub)
    if x.prev_ub is not None:
        input_cell(ws, row, 8, x.prev_ub)
    book.formula(
        ws,
        row,
        9,
        f'=IF(OR(H{row}="",H{row}=0),"",(G{row}-H{row})/ABS(H{row}))',
        st.CHANGE_PERCENT,
    )
    if x.file_ub is not None:
        input_cell(ws, row, 10, x.file_ub)
    book.formula(
        ws,
        row,
        11,
        f'=IF(J{row}="","",G{row}-J{row})',
        key=f"diff:{x.account}" if x.difference is not None else "",
        expected=x.difference,
    )
