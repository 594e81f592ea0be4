"""Avstämning: every balance account after closing against its specification."""

from __future__ import annotations

from collections.abc import Mapping

from closing.attachments import Attachment
from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, text
from closing.workbook.layout import PRELIMINARY_TAX, TAX_ACCOUNT
from closing.workbook.statements import Placement

SHEET = "Avstämning"


def write(book: Book) -> None:
    r = book.result
    ws = page.start(
        book,
        "Avstämning",
        "Avstämning av balanskonton",
        "UB efter bokslut med bokföringens tecken. Fyll i avstämt belopp (blått) för "
        "de konton som saknar specifikation.",
        [
            "Konto",
            "Kontonamn",
            "UB efter bokslut",
            "Specifikation",
            "Differens",
            "Underlag",
            "Status",
            "Kommentar",
        ],
        right=(3, 4, 5),
    )
    head = page.HEAD
    lines = Placement(book, result_side=False).lines
    attachments: dict[str, Attachment] = {a.kind: a for a in r.attachments}
    funds = {f.account for f in book.funds}
    row = head + 1
    first = row
    for x in lines:
        text(ws, row, 1, x.account)
        text(ws, row, 2, x.name or book.account_name(x.account))
        tb_row = book.tb_row.get(x.account)
        before = f"'Råbalans'!G{tb_row}+" if tb_row is not None else ""
        book.formula(
            ws, row, 3, f"={before}{book.closing_sum(f'$A{row}')}", key=f"after:{x.account}"
        )
        spec, basis = _specification(book, x.account, row, attachments, funds)
        if spec is not None:
            book.formula(ws, row, 4, spec)
        else:
            ws.cell(row=row, column=4).font = st.INPUT_FONT
            ws.cell(row=row, column=4).number_format = st.AMOUNT
        if basis:
            text(ws, row, 6, basis).alignment = st.INDENT
        book.formula(ws, row, 5, f'=IF(D{row}="","",C{row}-D{row})')
        book.formula(
            ws,
            row,
            7,
            f'=IF(D{row}="","Att stämma av",IF(ABS(E{row})<{st.TOLERANCE},"OK","Differens"))',
            "General",
        )
        row += 1
    if not lines:
        text(ws, row, 2, "Inga balanskonton.", st.NOTE_FONT)
        row += 1
    last = max(first, row - 1)
    book.name_range("recon_status", ws, 7, first, last)
    page.flag_differences(ws, f"E{first}:E{last}")
    page.flag_status(ws, f"G{first}:G{last}")
    name = max(page.name_width(lines, book.names), 36)
    page.finish(ws, r, head, "C5", (10, name, 17, 17, 15, 22, 14, 30))


def _specification(
    book: Book, account: str, row: int, attachments: Mapping[str, Attachment], funds: set[str]
) -> tuple[str | None, str]:
    """The specification formula for a balance account, where the workbook has one."""
    r = book.result
    acc = r.settings.accounts
    for kind, label in (("customers", "Kundreskontra"), ("suppliers", "Leverantörsreskontra")):
        att = attachments.get(kind)
        if att is not None and account in att.accounts and att.source != "none":
            sumif = f"SUMIF({{{kind}_accounts}},$A{row},{{{kind}_amounts}})"
            return f"={sumif}", label
    if account in funds:
        return f"=-{{pf_ub:{account}}}", "Periodiseringsfonder"
    if any(account in rng for rng in acc.overavskrivning_reserves) or (
        account == r.overavskrivning_accounts[1]
    ):
        return None, "Överavskrivningar"
    if account == acc.tax_liability or account in PRELIMINARY_TAX or account in TAX_ACCOUNT:
        return None, "Skattekonto"
    return None, ""
