"""Översikt: company, key figures, checks, the sheets and the findings."""

from __future__ import annotations

from decimal import Decimal

from openpyxl.worksheet.hyperlink import Hyperlink

from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, Value, text
from closing.workbook.layout import SHEETS, period
from closing.workbook.sheets.tax_account import net_after_final_tax

SHEET = "Översikt"


def write(book: Book) -> None:
    r = book.result
    ws = book.sheet("Översikt")
    text(ws, 1, 1, f"Bokslut {period(r)}", st.TITLE_FONT)
    text(ws, 2, 1, "Blå celler är indata och val, svarta är formler.", st.NOTE_FONT)
    row = 4
    facts: list[tuple[str, Value]] = [
        ("Företag", r.company),
        ("Organisationsnummer", r.orgnr),
        ("Räkenskapsår", period(r)),
        ("Skattetabell (beskattningsår)", str(r.rates.year) if r.rates else "saknas"),
        ("Bokslutet", "Beräknat" if r.closed else "Inte gjort: se iakttagelserna nedan"),
        ("Verifikationsserie", r.settings.series),
        ("Upprättat av", ""),
        ("Datum", ""),
        ("Granskat av", ""),
    ]
    for name, value in facts:
        text(ws, row, 1, name, st.BOLD)
        if isinstance(value, str) and value:
            text(ws, row, 2, value)
        row += 1
    row += 1
    page.group_row(ws, row, "Resultat och skatt", 4)
    row += 1
    figures: list[tuple[str, str, str, Decimal]] = [
        (
            "Resultat före bokslutsdispositioner och skatt",
            "={rr_rba}",
            "overview:rba",
            r.result_before_appropriations,
        ),
    ]
    if r.tax is not None and r.pfond is not None:
        t, p = r.tax, r.pfond
        figures += [
            (
                "Återföring av periodiseringsfonder",
                "={pf_reversal}",
                "overview:reversal",
                p.reversal_total,
            ),
            (
                "Avsättning till periodiseringsfond",
                "={tax_alloc}",
                "overview:allocation",
                t.pfond_allocation,
            ),
            (
                "Schablonintäkt på periodiseringsfonder",
                "={pf_schablon}",
                "overview:schablonintakt",
                p.schablonintakt,
            ),
            ("Beskattningsbar inkomst", "={tax_taxable}", "overview:taxable", t.taxable_income),
            ("Skatt på årets resultat", "={tax_tax}", "overview:tax", t.tax),
            ("Årets resultat", "={tax_arets}", "overview:arets", r.arets_resultat),
            (
                "Skattekontot efter slutlig skatt (tillgodo +, att betala −)",
                "={tk_net}",
                "overview:tax_account",
                net_after_final_tax(book),
            ),
        ]
        if r.overavskrivning is not None:
            figures.insert(
                2,
                (
                    "Förändring av överavskrivningar",
                    "={oa_change}",
                    "overview:overavskrivning",
                    t.overavskrivning,
                ),
            )
    for name, template, key, expected in figures:
        text(ws, row, 1, name)
        book.formula(ws, row, 2, template, key=key, expected=expected)
        row += 1
    row += 1
    text(ws, row, 1, "Kontroller", st.BOLD, st.GROUP_FILL)
    text(ws, row, 2, "Värde", st.BOLD, st.GROUP_FILL)
    text(ws, row, 3, "Status", st.BOLD, st.GROUP_FILL)
    page.style_row(ws, row, 4, 4, st.GROUP_ROW)
    ws.cell(row=row, column=2).alignment = st.RIGHT
    row += 1
    first_check = row
    checks: list[tuple[str, str, str]] = [
        ("Råbalansen summerar till noll", "={rb_total}", "zero"),
        ("Balansräkningen efter bokslut balanserar", "={br_diff_after}", "zero"),
        ("Resultatkonton efter bokslut summerar till noll", "={rr_open_after}", "zero"),
        ("Bokslutsverifikationerna balanserar (debet − kredit)", "={ver_total}", "zero"),
    ]
    for kind, name in (("customers", "Kundreskontra"), ("suppliers", "Leverantörsreskontra")):
        if f"{kind}_difference" in book.refs:
            checks.append((f"{name}: differens mot bokföringen", f"={{{kind}_difference}}", "zero"))
    checks += [
        ("Avstämning: konton med differens", '=COUNTIF({recon_status},"Differens")', "zero"),
        (
            "Avstämning: konton att stämma av",
            '=COUNTIF({recon_status},"Att stämma av")',
            "open",
        ),
    ]
    for name, template, kind in checks:
        text(ws, row, 1, name)
        count = template.startswith("=COUNTIF")
        book.formula(ws, row, 2, template, "0" if count else st.AMOUNT)
        if kind == "zero":
            status = f'=IF(ABS(B{row})<{st.TOLERANCE},"OK","Avvikelse")'
        else:
            status = f'=IF(B{row}=0,"OK","Öppen")'
        book.formula(ws, row, 3, status, "General")
        row += 1
    page.flag_status(ws, f"C{first_check}:C{row - 1}")
    row += 1
    page.group_row(ws, row, "Blad", 4)
    row += 1
    for name, about in SHEETS[1:]:
        cell = text(ws, row, 1, name)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{name}'!A1", display=name)
        cell.font = st.LINK_FONT
        text(ws, row, 2, about)
        row += 1
    row += 1
    page.group_row(ws, row, "Iakttagelser", 4)
    row += 1
    severity = {"error": "Fel", "warning": "Varning", "info": "Info"}
    if not r.findings:
        text(ws, row, 1, "Inga iakttagelser.", st.NOTE_FONT)
    for f in r.findings:
        text(ws, row, 1, f"{severity.get(f.severity, f.severity)}: {f.code}")
        cell = text(ws, row, 2, f.message)
        cell.alignment = st.WRAP
        ws.cell(row=row, column=1).alignment = st.WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        lines = max(1, len(f.message) // 100 + 1)
        ws.row_dimensions[row].height = 15 * lines
        row += 1
    page.finish(ws, r, 0, None, (50, 18, 12, 64))
