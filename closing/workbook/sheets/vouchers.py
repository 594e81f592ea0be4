"""Bokslutsverifikationer: the closing vouchers, whose amounts point at the cells
of the computation sheets that decide them."""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, input_cell, text
from sie import dates
from sie.amounts import ZERO
from sie.model import Voucher

SHEET = "Bokslutsverifikationer"


def _voucher_links(book: Book) -> dict[tuple[str, str], str]:
    """(debit account, credit account) of each kind of closing voucher -> the
    cell that decides its amount."""
    r = book.result
    acc = r.settings.accounts
    links: dict[tuple[str, str], str] = {}
    for fund in book.funds:
        if fund.reversal:
            links[(fund.account, acc.pfond_reversal)] = f"pf_rev:{fund.account}"
    links[r.overavskrivning_accounts] = "oa_change"
    if r.pfond is not None and r.pfond.allocation_account:
        links[(acc.pfond_allocation, r.pfond.allocation_account)] = "tax_alloc"
    links[(acc.tax_cost, acc.tax_liability)] = "tax_to_book"
    links[(acc.result_transfer, acc.result_equity)] = "tax_arets"
    return links


def _linked(book: Book, v: Voucher) -> dict[str, tuple[str, str]] | None:
    """Row account -> (debit formula, credit formula) for a two-row closing
    voucher whose amount comes from another sheet; ``None`` for any other shape."""
    r = book.result
    if len(v.rows) != 2 or not r.closed:
        return None
    accounts = {line.account for line in v.rows}
    for (debit, credit), key in _voucher_links(book).items():
        if accounts == {debit, credit} and debit != credit:
            if key == "oa_change" and r.overavskrivning is None:
                return None
            plus, minus = f"=MAX({{{key}}},0)", f"=MAX(-{{{key}}},0)"
            return {debit: (plus, minus), credit: (minus, plus)}
    return None


def write(book: Book) -> None:
    r = book.result
    series = r.settings.series
    end = r.year.end if r.year else None
    note = f"Serie {series}, daterade {dates.iso(end) or dates.UNKNOWN}. " + (
        "Beloppen hämtas från beräkningsbladen; status Ej överförd tills de bokats."
    )
    ws = page.start(
        book,
        "Bokslutsverifikationer",
        "Bokslutsverifikationer",
        note,
        ["Ver.nr", "Datum", "Konto", "Kontonamn / text", "Debet", "Kredit", "Belopp", "Status"],
        right=(5, 6, 7),
    )
    head = page.HEAD
    row = head + 1
    first_data = row
    sum_rows: list[int] = []
    if not r.vouchers:
        reason = (
            "Bokslutet bokar inga verifikationer."
            if r.closed
            else "Bokslutet är inte gjort: se Översikt."
        )
        text(ws, row, 4, reason, st.NOTE_FONT)
        row += 1
    for v in r.vouchers:
        text(ws, row, 1, f"{v.series} {v.number}".strip(), st.BOLD)
        input_cell(ws, row, 2, v.date, font=None)
        text(ws, row, 4, v.text, st.BOLD)
        text(ws, row, 8, "Ej överförd")
        row += 1
        first = row
        linked = _linked(book, v)
        for i, line in enumerate(v.rows):
            text(ws, row, 3, line.account)
            text(ws, row, 4, book.account_name(line.account))
            key = f"ver:{v.series}{v.number}:{i}"
            debit, credit = max(line.amount, ZERO), max(-line.amount, ZERO)
            if linked is not None:
                to_debit, to_credit = linked[line.account]
                book.formula(ws, row, 5, to_debit, key=f"{key}:d", expected=debit)
                book.formula(ws, row, 6, to_credit, key=f"{key}:k", expected=credit)
            else:
                input_cell(ws, row, 5, debit)
                input_cell(ws, row, 6, credit)
            book.formula(ws, row, 7, f"=E{row}-F{row}", key=key, expected=line.amount)
            row += 1
        last = row - 1
        text(ws, row, 4, "Summa")
        book.formula(ws, row, 5, f"=SUM(E{first}:E{last})")
        book.formula(ws, row, 6, f"=SUM(F{first}:F{last})")
        book.formula(ws, row, 7, f"=E{row}-F{row}", key=f"ver:{v.series}{v.number}", expected=ZERO)
        page.style_row(ws, row, 4, 7)
        sum_rows.append(row)
        row += 2
    last_data = max(first_data, row - 1)
    book.name_range("ver_accounts", ws, 3, first_data, last_data)
    book.name_range("ver_amounts", ws, 7, first_data, last_data)
    text(ws, row, 4, "Summa samtliga verifikationer", st.BOLD)
    if sum_rows:
        for col in (5, 6):
            letter = get_column_letter(col)
            book.formula(ws, row, col, "=" + "+".join(f"{letter}{s}" for s in sum_rows))
    else:
        input_cell(ws, row, 5, ZERO, font=None)
        input_cell(ws, row, 6, ZERO, font=None)
    book.formula(ws, row, 7, f"=E{row}-F{row}", key="ver_total", expected=ZERO)
    page.style_row(ws, row, 4, 7, st.TOTAL_ROW)
    book.name("ver_total", ws, row, 7)
    page.flag_differences(ws, f"G{row}:G{row}")
    for s in sum_rows:
        page.flag_differences(ws, f"G{s}:G{s}")
    names = [book.account_name(x.account) for v in r.vouchers for x in v.rows]
    names += [v.text for v in r.vouchers]
    width = min(max((len(n) for n in names), default=30) + 2, 60)
    page.finish(ws, r, head, "A5", (10, 12, 9, max(width, 30), 16, 16, 16, 13))


def _closing_sum(book: Book, account_cell: str) -> str:
    return f"SUMIF({{ver_accounts}},{account_cell},{{ver_amounts}})"
