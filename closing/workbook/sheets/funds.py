"""Periodiseringsfonder: the fund register, reversals with uppräkning, the new
allocation and the schablonintäkt."""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, input_cell, text
from closing.workbook.layout import fund_title
from sie.amounts import ZERO

SHEET = "Periodiseringsfonder"


def write(book: Book) -> None:
    r = book.result
    rates = r.rates
    after = rates.pfond_reversal_after if rates else 6
    ws = page.start(
        book,
        "Periodiseringsfonder",
        "Periodiseringsfonder",
        f"Belopp som positiva fonder. En fond återförs senast det {after}:e "
        "beskattningsåret efter avsättningsåret, äldsta först.",
    )
    if r.pfond is None:
        text(ws, 5, 1, "Bokslutet är inte gjort: se Översikt.", st.NOTE_FONT)
        page.finish(ws, r, 4, "A5", (60,))
        return
    p = r.pfond
    head = 4
    page.header(
        ws,
        head,
        [
            "Konto",
            "Fond",
            "Avsättningsår",
            "Återförs senast",
            "IB",
            "Bokfört under året",
            "Återföring i bokslutet",
            "Tvingande",
            "Uppräkning, faktor",
            "Uppräknat belopp (4.6d)",
            "Avsättning i bokslutet",
            "UB efter bokslut",
        ],
        right=(3, 4, 5, 6, 7, 9, 10, 11, 12),
    )
    row = head + 1
    first = row
    for fund in p.funds:
        text(ws, row, 1, fund.account)
        text(ws, row, 2, fund_title(fund))
        if fund.year is not None:
            input_cell(ws, row, 3, fund.year, "0", font=None)
            input_cell(ws, row, 4, fund.year + after, "0", font=None)
        tb_row = book.tb_row.get(fund.account)
        if tb_row is not None:
            book.formula(ws, row, 5, f"=-'Råbalans'!E{tb_row}")
            book.formula(ws, row, 6, f"=-'Råbalans'!F{tb_row}")
        else:
            input_cell(ws, row, 5, fund.opening)
            input_cell(ws, row, 6, fund.booked)
        input_cell(ws, row, 7, fund.reversal)
        book.name(f"pf_rev:{fund.account}", ws, row, 7)
        forced = text(ws, row, 8, "Ja" if fund.forced else "")
        forced.alignment = Alignment(horizontal="center")
        input_cell(ws, row, 9, fund.upprakning_factor, "0.00")
        book.formula(
            ws,
            row,
            10,
            f"=ROUNDDOWN(ROUND((MAX(-F{row},0)+G{row})*(I{row}-1),6),2)",
            key=f"pf_upp:{fund.account}",
            expected=fund.upprakning,
        )
        if fund.account == p.allocation_account:
            book.formula(ws, row, 11, "={tax_alloc}", key="pf_alloc", expected=fund.allocation)
        else:
            input_cell(ws, row, 11, ZERO, font=None)
        book.formula(
            ws,
            row,
            12,
            f"=E{row}+F{row}-G{row}+K{row}",
            key=f"pf_ub:{fund.account}",
            expected=fund.closing,
        )
        book.name(f"pf_ub:{fund.account}", ws, row, 12)
        row += 1
    if not p.funds:
        text(ws, row, 2, "Inga periodiseringsfonder.", st.NOTE_FONT)
        row += 1
    last = row - 1
    text(ws, row, 2, "Summa", st.BOLD)
    totals = {
        5: ("pf_opening", p.funds_at_start),
        7: ("pf_reversal", p.reversal_total),
        10: ("pf_upprakning", p.upprakning),
    }
    for col in (5, 6, 7, 10, 11, 12):
        letter = get_column_letter(col)
        key, expected = totals.get(col, ("", None))
        book.formula(
            ws, row, col, f"=SUM({letter}{first}:{letter}{last})", key=key, expected=expected
        )
    page.style_row(ws, row, 1, 12, st.TOTAL_ROW)
    book.name("pf_reversal", ws, row, 7)
    book.name("pf_upprakning", ws, row, 10)
    total_row = row
    row += 2
    text(ws, row, 1, "Schablonintäkt (INK2S 4.6a)", st.BOLD)
    row += 1
    text(ws, row, 2, "Fonder vid beskattningsårets ingång")
    book.formula(ws, row, 5, f"=E{total_row}", key="pf_funds_at_start", expected=p.funds_at_start)
    funds_row = row
    row += 1
    slr = "Statslåneränta 30 nov. året före (lägst 0,50 %)"
    text(ws, row, 2, slr)
    input_cell(ws, row, 5, p.schablon_rate, st.PERCENT)
    rate_row = row
    row += 1
    text(ws, row, 2, "Månader i räkenskapsåret")
    input_cell(ws, row, 5, p.months, "0")
    months_row = row
    row += 1
    book.figure(
        ws,
        row,
        (2, "Schablonintäkt"),
        5,
        f"=ROUNDDOWN(ROUND(MAX(E{funds_row},0)*E{rate_row}*E{months_row}/12,6),2)",
        key="schablonintakt",
        expected=p.schablonintakt,
    )
    book.name("pf_schablon", ws, row, 5)
    page.finish(
        ws,
        r,
        head,
        "C5",
        (8, 26, 14, 11, 14, 14, 14, 11, 14, 14, 14, 14),
    )
