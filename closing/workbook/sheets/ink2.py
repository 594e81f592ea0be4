"""INK2: the tax return field by field (INK2, INK2R, INK2S), with each field's
SRU code, the amount filed (as in BLANKETTER.SRU and ``--json``) and the same
figure recomputed by the workbook from where it comes from.

The filed amount is the tax return's own value, written as a number so the
sheet shows exactly what is filed. Beside it a formula recomputes it: an
INK2R field from its accounts' balances after closing (one row per account,
with the form's sign, öre dropped per field as on the form); an INK2S field
from the INK2R field it carries, the adjusted accounts, or the cell of the
computation sheet that holds it; 4.15/4.16 and årets resultat as the form sums
them. A difference between the two is coloured red.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from openpyxl.worksheet.worksheet import Worksheet

from closing.taxreturn import Field, FieldDef, TaxReturn, form_fields
from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, input_cell, text

SHEET = "INK2"
#: Form titles as Skatteverket names them.
FORM_TITLES = {
    "INK2": "Inkomstdeklaration 2 (huvudblankett)",
    "INK2R": "Räkenskapsschema",
    "INK2S": "Skattemässiga justeringar",
}
#: INK2S fields computed on another sheet: the named cell that holds each.
COMPUTED = {
    "4.6a": ("pf_schablon", "Schablonintäkt: bladet Periodiseringsfonder"),
    "4.6d": ("pf_upprakning", "Uppräknat belopp: bladet Periodiseringsfonder"),
    "4.14a": ("tax_deficit", "Underskott från föregående år: bladet Skatteberäkning"),
}
#: Årets resultat on INK2R, and INK2S's result fields.
ARETS = ("3.26", "3.27")
RESULT_LINES = ("4.15", "4.16")
_CARRY = re.compile(r"^(INK2|INK2R|INK2S) (\S+)$")


def _key(form: str, id: str) -> str:
    """The named cell of a field's recomputed figure (``+``/``-`` rows spelled out)."""
    return f"ink2_{form}_{id}".replace("+", "plus").replace("-", "minus")


def write(book: Book) -> None:
    r = book.result
    tr = book.tax_return
    ws = page.start(
        book,
        SHEET,
        "Inkomstdeklaration 2: INK2, INK2R och INK2S",
        "Deklarerat = beloppet i SRU-filen (hela kronor, blankettens tecken). Enligt "
        "arbetsboken = samma fält räknat från kontona och beräkningsbladen.",
        [
            "Fält",
            "SRU-kod",
            "Konto",
            "Benämning",
            "Deklarerat (kr)",
            "Enligt arbetsboken",
            "Differens",
            "Källa",
        ],
        right=(5, 6, 7),
    )
    head = page.HEAD
    widths = (8, 9, 8, 68, 15, 15, 10, 62)
    row = head + 1
    if tr is None or tr.tax_year is None or not tr.form_names:
        why = (
            "Bokslutet är inte gjort: se Översikt."
            if not r.closed
            else "Deklarationen togs inte fram för den här arbetsboken."
        )
        text(ws, row, 4, why, st.NOTE_FONT)
        row += 2
    else:
        for form, fields in tr.forms().items():
            row = _form(book, ws, row, tr, form, fields)
    if tr is not None and tr.findings:
        page.group_row(ws, row, "Iakttagelser om deklarationen", 8)
        row += 1
        for f in tr.findings:
            text(ws, row, 1, f.code).alignment = st.WRAP
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
            text(ws, row, 4, f.message).alignment = st.WRAP
            ws.merge_cells(start_row=row, start_column=4, end_row=row, end_column=8)
            ws.row_dimensions[row].height = 15 * (len(f.message) // 170 + 1)
            row += 1
    page.finish(ws, r, head, "E5", widths)


def _form(
    book: Book, ws: Worksheet, row: int, tr: TaxReturn, form: str, fields: Mapping[str, Field]
) -> int:
    """One form's filled fields; returns the next free row."""
    assert tr.tax_year is not None
    defs = {d.id: d for d in form_fields(tr.tax_year, form)}
    name = tr.form_names.get(form, form)
    page.group_row(ws, row, f"{form} – {FORM_TITLES.get(form, '')} ({name})", 8)
    row += 1
    if not fields:
        text(ws, row, 4, "Inga ifyllda fält.", st.NOTE_FONT)
        return row + 2
    for field in fields.values():
        row = _field(book, ws, row, form, field, defs, fields)
    return row + 1


def _field(
    book: Book,
    ws: Worksheet,
    row: int,
    form: str,
    field: Field,
    defs: Mapping[str, FieldDef],
    fields: Mapping[str, Field],
) -> int:
    """A field row (id, code, label, filed amount, recomputed figure, difference,
    source) and, for fields read from accounts, one row per account under it."""
    definition = defs.get(field.id)
    text(ws, row, 1, field.id, st.BOLD)
    text(ws, row, 2, field.sru_code)
    text(ws, row, 4, field.label, st.BOLD)
    input_cell(ws, row, 5, Decimal(field.amount), st.WHOLE, font=st.BOLD)
    field_row = row
    carried = _CARRY.match(field.source)
    formula, source = "", field.source
    if carried is not None:
        formula = "={" + _key(*carried.groups()) + "}"
        source = f"Från {carried.group(1)} {carried.group(2)}"
    elif form == "INK2R" and field.id in ARETS:
        formula, source = _arets(field.id, fields, defs)
    elif form == "INK2S" and field.id in RESULT_LINES:
        formula, source = _sum_ink2s(fields, defs)
    elif form == "INK2S" and field.id in COMPUTED:
        cell, source = COMPUTED[field.id]
        formula = f"=TRUNC({{{cell}}})"
    elif field.accounts and definition is not None:
        row += 1
        first = row
        for account in field.accounts:
            _account_row(book, ws, row, form, account, definition)
            row += 1
        sign = definition.sign if form == "INK2S" else 1
        formula = f"=TRUNC({'-' if sign < 0 else ''}SUM(F{first}:F{row - 1}))"
        source = _account_source(form, definition)
        row -= 1
    if formula:
        book.formula(
            ws,
            field_row,
            6,
            formula,
            st.WHOLE,
            key=f"ink2:{form}:{field.id}",
            expected=Decimal(field.amount),
            font=st.BOLD,
        )
        book.name(_key(form, field.id), ws, field_row, 6)
        book.formula(ws, field_row, 7, f"=E{field_row}-F{field_row}", st.WHOLE)
        page.flag_differences(ws, f"G{field_row}:G{field_row}")
    text(ws, field_row, 8, source, st.NOTE_FONT).alignment = st.INDENT
    page.style_row(ws, field_row, 1, 8, st.RULED_ROW)
    return row + 1


def _account_row(
    book: Book, ws: Worksheet, row: int, form: str, account: str, definition: FieldDef
) -> None:
    """One account behind a field: its balance in the form's sign (INK2R: after
    closing, credit fields turned; INK2S adjustments: the booked balance, debit +)."""
    text(ws, row, 3, account)
    text(ws, row, 4, book.account_name(account)).alignment = st.INDENT
    if form == "INK2R":
        formula = book.ub_after_formula(account, f"$C{row}")
        if definition.side == "C":
            formula = f"=-({formula[1:]})"
    else:
        tb_row = book.tb_row.get(account)
        formula = f"='Råbalans'!G{tb_row}" if tb_row is not None else "=0"
    book.formula(ws, row, 6, formula, st.AMOUNT)


def _account_source(form: str, definition: FieldDef) -> str:
    if form == "INK2S":
        sign = "läggs till" if definition.sign > 0 else "dras av"
        return f"Kontona: bokfört saldo, debet + ({sign}); bladet Skatteberäkning"
    side = "debet" if definition.side == "D" else "kredit"
    return f"Kontona: UB efter bokslut, {side} som positivt; öre stryks"


def _arets(id: str, fields: Mapping[str, Field], defs: Mapping[str, FieldDef]) -> tuple[str, str]:
    """Årets resultat as the form computes it: income (credit) fields less cost fields."""
    parts: dict[str, list[str]] = {"C": [], "D": []}
    for f in fields.values():
        d = defs.get(f.id)
        if f.id.startswith("3.") and f.id not in ARETS and d is not None:
            parts[d.side].append("{" + _key("INK2R", f.id) + "}")
    income = "+".join(parts["C"]) or "0"
    costs = "+".join(parts["D"]) or "0"
    sign = "" if id == ARETS[0] else "-"
    return f"={sign}(({income})-({costs}))", "Intäktsfälten minus kostnadsfälten (3.1–3.25)"


def _sum_ink2s(fields: Mapping[str, Field], defs: Mapping[str, FieldDef]) -> tuple[str, str]:
    """4.15 / 4.16: the signed sum of INK2S's fields above it, as a positive amount."""
    terms = []
    for f in fields.values():
        d = defs.get(f.id)
        if f.id in RESULT_LINES or d is None or not d.sign:
            continue
        terms.append(("+" if d.sign > 0 else "-") + "{" + _key("INK2S", f.id) + "}")
    total = "".join(terms).lstrip("+") or "0"
    return f"=ABS({total})", "Summan av fälten ovan (hela kronor, inte avrundad till tiotal)"
