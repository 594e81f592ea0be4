"""Kundreskontra and Leverantörsreskontra: open items per counterparty against
the balance of the receivables or payables accounts."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from openpyxl.styles import Alignment

from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, input_cell, text
from sie import dates


def write(book: Book, kind: Literal["customers", "suppliers"]) -> None:
    """The open items of customers or suppliers, reconciled with the ledger."""
    r = book.result
    acc = r.settings.accounts
    att = next((a for a in r.attachments if a.kind == kind), None)
    customers = kind == "customers"
    sheet = "Kundreskontra" if customers else "Leverantörsreskontra"
    who = "kund" if customers else "leverantör"
    dim = acc.customer_dimension if customers else acc.supplier_dimension
    accounts = acc.customers if customers else acc.suppliers
    end = r.year.end if r.year else None
    ws = page.start(
        book,
        sheet,
        f"{sheet} {accounts}",
        f"Öppna poster per {dates.iso(end) or 'balansdagen'}, med bokföringens "
        "tecken (kundfordran debet +, leverantörsskuld kredit −).",
    )
    head = 5
    if att is None:
        text(ws, 4, 1, "Ingen specifikation togs fram.", st.NOTE_FONT)
        page.finish(ws, r, head, "A6", (60,))
        return
    source = {
        "sie": f"Källa: {who}objekt (dimension {dim}) på SIE-filens transaktioner och #OIB.",
        "supplied": f"Källa: {who}reskontrans öppna poster (extern källa).",
        "none": f"SIE-filen saknar {who}objekt (dimension {dim}) på {accounts}; de "
        "öppna posterna kan inte tas fram ur filen. Bokfört saldo visas; lämna "
        f"{who}reskontrans öppna poster för att stämma av.",
    }[att.source]
    text(ws, 4, 1, source, st.NOTE_FONT)
    number = "Kundnr" if customers else "Leverantörsnr"
    page.header(
        ws,
        head,
        [number, "Namn", "Faktura", "Datum", "Konto", "Öppet belopp", "Ålder (dagar)"],
        right=(4, 6, 7),
    )
    unknown = f"({who} okänd)"
    row = head + 1
    first_data = row
    subtotal_rows: list[int] = []

    def subtotal(label: str, first: int, last: int, key: str, expected: Decimal) -> None:
        """A bold SUBTOTAL of the open amounts in rows ``first``–``last``."""
        template = f"=SUBTOTAL(9,F{first}:F{last})"
        book.figure(ws, row, (2, label), 6, template, key=f"{kind}:{key}", expected=expected)

    for party in att.counterparties:
        first = row
        for item in party.items:
            text(ws, row, 1, item.counterparty_id)
            name = item.counterparty_name or party.counterparty_name
            text(ws, row, 2, name or ("" if item.counterparty_id else unknown))
            text(ws, row, 3, item.invoice)
            if item.date is not None:
                input_cell(ws, row, 4, item.date, font=None)
                if end is not None:
                    book.formula(
                        ws,
                        row,
                        7,
                        f'=IF(D{row}="","",DATE({end.year},{end.month},{end.day})-D{row})',
                        "0",
                    )
            text(ws, row, 5, item.account).alignment = Alignment(horizontal="center")
            input_cell(ws, row, 6, item.amount)
            row += 1
        text(ws, row, 1, party.counterparty_id, st.BOLD)
        shown = party.counterparty_name or party.counterparty_id or unknown
        subtotal(f"Summa {shown}", first, row - 1, f"party:{party.counterparty_id}", party.total)
        page.style_row(ws, row, 1, 7)
        subtotal_rows.append(row)
        row += 1
    if not att.counterparties:
        text(ws, row, 2, "Inga öppna poster.", st.NOTE_FONT)
        row += 1
    last_data = max(first_data, row - 1)
    book.name_range(f"{kind}_accounts", ws, 5, first_data, last_data)
    book.name_range(f"{kind}_amounts", ws, 6, first_data, last_data)
    subtotal(f"Summa {sheet.lower()}", first_data, last_data, "specified", att.specified)
    page.style_row(ws, row, 1, 7, st.TOTAL_ROW)
    spec_row = row
    row += 2
    text(ws, row, 1, "Avstämning mot bokföringen", st.BOLD)
    row += 1
    book_formula = book.tb_sum(att.accounts)
    text(ws, row, 2, f"Saldo enligt bokföringen (UB {att.accounts})")
    if book_formula is not None:
        book.formula(ws, row, 6, book_formula, key=f"{kind}:book", expected=att.book_balance)
    else:
        input_cell(ws, row, 6, att.book_balance)
    book_row = row
    row += 1
    text(ws, row, 2, f"Summa {sheet.lower()}")
    book.formula(ws, row, 6, f"=F{spec_row}")
    row += 1
    book.figure(
        ws,
        row,
        (2, "Differens"),
        6,
        f"=F{book_row}-F{spec_row}",
        key=f"{kind}:difference",
        expected=att.difference,
    )
    book.formula(
        ws,
        row,
        7,
        f'=IF(ABS(F{row})<{st.TOLERANCE},"OK","Differens")',
        "General",
        font=st.BOLD,
    )
    book.name(f"{kind}_difference", ws, row, 6)
    page.style_row(ws, row, 2, 6, st.TOTAL_ROW)
    page.flag_differences(ws, f"F{row}:F{row}")
    page.flag_status(ws, f"G{row}:G{row}")
    row += 1
    if att.unassigned:
        text(ws, row, 2, f"varav transaktioner utan {who}objekt")
        input_cell(ws, row, 6, att.unassigned)
        row += 1
    if att.unspecified_opening:
        text(ws, row, 2, f"varav ingående saldo utan #OIB per {who}")
        input_cell(ws, row, 6, att.unspecified_opening)
        row += 1
    names = [p.counterparty_name for p in att.counterparties]
    width = min(max((len(n) for n in names), default=20) + 10, 45)
    page.finish(ws, r, head, "A6", (14, max(width, 44), 12, 12, 8, 17, 10))
