"""Skatteberäkning: from the result before appropriations to the taxable income,
the tax and the year's result, with the settings as inputs a user can change."""

from __future__ import annotations

from decimal import Decimal

from closing.rates import INK2S_FIELDS
from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, Value, input_cell, text
from sie import amounts
from sie.amounts import ZERO


def _percent(rate: Decimal) -> str:
    """A rate as Swedish text: ``0,5 %``."""
    shown = f"{(rate * 100).normalize():f}".replace(".", ",")
    return f"{shown} %"


SHEET = "Skatteberäkning"


def write(book: Book) -> None:
    r = book.result
    acc = r.settings.accounts
    ws = page.start(
        book,
        "Skatteberäkning",
        "Skatteberäkning (INK2S)",
        "Blå celler är indata och val; ändra dem så räknas skatten och "
        "bokslutsverifikationerna om.",
    )
    if r.tax is None or r.pfond is None or r.rates is None:
        text(ws, 5, 2, "Bokslutet är inte gjort: se Översikt.", st.NOTE_FONT)
        page.finish(ws, r, 4, "A5", {1: 8, 2: 70, 3: 17, 4: 40})
        return
    rates = r.rates
    t, p = r.tax, r.pfond
    settings = r.settings
    head = 4
    page.header(ws, head, ["INK2S", "Post", "Belopp", "Källa / kommentar"], right=(3,))
    row = head + 1
    page.group_row(ws, row, "Inställningar", 4, col=2)
    row += 1

    def setting(label: str, value: Value, fmt: str, note: str = "") -> str:
        nonlocal row
        text(ws, row, 2, label)
        input_cell(ws, row, 3, value, fmt).alignment = st.RIGHT
        if note:
            text(ws, row, 4, note, st.NOTE_FONT).alignment = st.INDENT
        row += 1
        return f"$C${row - 1}"

    rate = setting(
        f"Skattesats, beskattningsår {rates.year}",
        rates.income_tax_rate,
        "0.0%",
        "65 kap. 10 § IL",
    )
    step = setting(
        "Beskattningsbar inkomst avrundas nedåt till hela",
        rates.taxable_rounding,
        "0",
        "kronor (1 kap. 7 § IL)",
    )
    share = setting(
        "Högsta avsättning till periodiseringsfond, andel av underlaget",
        rates.pfond_max_share,
        "0%",
    )
    pfond = settings.pfond
    choice_value: Value = {"max": "max", "none": "ingen"}.get(str(pfond), pfond)  # type: ignore[arg-type]
    choice = setting(
        "Avsättning: max, ingen eller belopp", choice_value, st.AMOUNT, "högst maxbeloppet"
    )
    book.name("tax_choice", ws, row - 1, 3)
    flag = setting(
        "Underskott från föregående år dras före avsättningen (1 = ja, 0 = nej)",
        1 if settings.deficit_before_pfond else 0,
        "0",
    )
    decimals = setting(
        "Skatten avrundas nedåt till (0 = hela kronor, 2 = öre)",
        0 if settings.tax_rounding == "krona" else 2,
        "0",
    )
    row += 1
    page.group_row(ws, row, "Beräkning", 4, col=2)
    row += 1

    def step_row(
        field: str,
        label: str,
        template: str | None,
        *,
        key: str = "",
        expected: Decimal | None = None,
        value: Value = None,
        note: str = "",
        bold: bool = False,
        fmt: str = st.AMOUNT,
    ) -> str:
        nonlocal row
        font = st.BOLD if bold else None
        if field:
            text(ws, row, 1, field)
        text(ws, row, 2, label, font)
        if template is not None:
            book.formula(ws, row, 3, template, fmt, key=key, expected=expected, font=font)
        else:
            input_cell(ws, row, 3, value, fmt)
        if note:
            text(ws, row, 4, note, st.NOTE_FONT).alignment = st.INDENT
        if bold:
            page.style_row(ws, row, 1, 3, border=st.SUM_BORDER)
        row += 1
        return f"C{row - 1}"

    rba = step_row(
        "",
        f"Resultat före bokslutsdispositioner och skatt ({acc.operating})",
        "={rr_rba}",
        key="tax:rba",
        expected=r.result_before_appropriations,
        note="Resultaträkning",
    )
    booked = step_row(
        "",
        "Bokslutsdispositioner bokförda under året (utom avsättning)",
        None,
        value=t.booked_appropriations,
        note=f"{acc.appropriations}, vinst positiv",
    )
    reversal = step_row(
        "",
        "+ Återföring av periodiseringsfonder",
        "={pf_reversal}",
        key="tax:reversal",
        expected=p.reversal_total,
        note="Periodiseringsfonder",
    )
    over_template = "=-{oa_change}" if r.overavskrivning is not None else None
    over = step_row(
        "",
        "− Förändring av överavskrivningar",
        over_template,
        key="tax:overavskrivning" if over_template else "",
        expected=-t.overavskrivning if over_template else None,
        value=-t.overavskrivning,
        note="Överavskrivningar",
    )
    booked_result = step_row(
        "",
        "Bokfört resultat före avsättning och skatt",
        f"={rba}+{booked}+{reversal}+{over}",
        key="booked_result_before_allocation",
        expected=t.booked_result_before_allocation,
        bold=True,
    )
    adjustment_cells: list[str] = []
    fields = list(dict.fromkeys(a.field for a in t.adjustments))
    for field in fields:
        chosen = [a for a in t.adjustments if a.field == field]
        heading = INK2S_FIELDS.get(field, field)
        text(ws, row, 1, field)
        text(ws, row, 2, heading)
        row += 1
        first = row
        for a in chosen:
            label = f"   {a.account} {a.name}".rstrip()
            tb_row = book.tb_row.get(a.account)
            if tb_row is not None:
                text(ws, row, 2, label)
                book.formula(ws, row, 3, f"='Råbalans'!G{tb_row}")
                text(ws, row, 4, "Råbalans, UB (debet +)", st.NOTE_FONT).alignment = st.INDENT
                row += 1
            else:
                step_row("", label, None, value=a.amount)
        expected = {"4.3c": t.non_deductible, "4.5c": -t.non_taxable}.get(field)
        cell = step_row(
            field,
            f"Summa {heading.lower()}",
            f"=SUM(C{first}:C{row - 1})",
            key=f"adj:{field}" if expected is not None else "",
            expected=expected,
        )
        adjustment_cells.append(cell)
    schablon = step_row(
        "4.6a",
        "+ Schablonintäkt på periodiseringsfonder",
        "={pf_schablon}",
        key="tax:schablonintakt",
        expected=p.schablonintakt,
        note=f"{amounts.format(p.funds_at_start)} × {_percent(p.schablon_rate)}",
    )
    upp = step_row(
        "4.6d",
        "+ Uppräknat belopp vid återföring av periodiseringsfond",
        "={pf_upprakning}",
        key="tax:upprakning",
        expected=p.upprakning,
        note="Periodiseringsfonder",
    )
    parts = [booked_result, *adjustment_cells, schablon, upp]
    surplus = step_row(
        "",
        "Överskott före avsättning till periodiseringsfond",
        "=" + "+".join(parts),
        key="surplus",
        expected=t.surplus,
        bold=True,
    )
    deficit = step_row(
        "4.14a",
        "− Outnyttjat underskott från föregående år",
        None,
        value=t.previous_deficit,
    )
    book.name("tax_deficit", ws, int(deficit[1:]), 3)
    base = step_row(
        "",
        "Underlag för avsättning till periodiseringsfond",
        f"={surplus}-{deficit}*{flag}",
        key="pfond_base",
        expected=t.pfond_base,
    )
    pfond_max = step_row(
        "",
        "Högsta avsättning (andel av underlaget, hela kronor)",
        f"=IF({base}>0,ROUNDDOWN(ROUND({base}*{share},6),0),0)",
        key="pfond_max",
        expected=t.pfond_max,
    )
    booked_alloc = step_row("", "Avsättning bokförd under året", None, value=t.booked_allocation)
    room = f"MAX(MIN({pfond_max},{surplus}-{deficit})-{booked_alloc},0)"
    account = p.allocation_account
    alloc = step_row(
        "",
        f"Avsättning till periodiseringsfond i bokslutet (konto {account})",
        f'=IF({choice}="max",{room},IF({choice}="ingen",0,MAX(0,MIN({choice},{room}))))',
        key="pfond_allocation",
        expected=t.pfond_allocation,
        bold=True,
    )
    book.name("tax_alloc", ws, int(alloc[1:]), 3)
    exact = step_row(
        "",
        "Skattemässigt resultat (överskott +, underskott −)",
        f"={surplus}-{deficit}-{booked_alloc}-{alloc}",
        key="taxable_income_exact",
        expected=t.taxable_income_exact,
        note="INK2S 4.15/4.16 i hela kronor: bladet INK2",
    )
    taxable = step_row(
        "",
        "Beskattningsbar inkomst, avrundad nedåt till hela tiotal kronor",
        f"=IF({exact}>0,ROUNDDOWN(ROUND({exact}/{step},6),0)*{step},0)",
        key="taxable_income",
        expected=t.taxable_income,
        bold=True,
    )
    step_row(
        "",
        "Underskott att föra vidare till nästa år (hela kronor)",
        f"=IF({exact}<0,ROUNDDOWN(-{exact},0),0)",
        key="deficit_carried_forward",
        expected=t.deficit_carried_forward,
    )
    tax = step_row(
        "",
        "Skatt på årets resultat",
        f"=ROUNDDOWN(ROUND({taxable}*{rate},6),{decimals})",
        key="tax",
        expected=t.tax,
        bold=True,
    )
    booked_tax = step_row(
        "", f"Skatt bokförd under året ({acc.tax_cost})", None, value=t.booked_tax
    )
    to_book = step_row(
        "",
        f"Skatt att boka i bokslutet ({acc.tax_cost}/{acc.tax_liability})",
        f"={tax}-{booked_tax}",
        key="tax_to_book",
        expected=t.tax_to_book,
    )
    book.name("tax_to_book", ws, int(to_book[1:]), 3)
    taxes_row = book.tb_sum(acc.taxes)
    other_taxes = step_row(
        "",
        f"Skatter bokförda under året ({acc.taxes})",
        taxes_row,
        value=ZERO,
        note="Råbalans, UB (debet +)",
    )
    arets = step_row(
        "",
        "Årets resultat",
        f"={booked_result}-{booked_alloc}-{alloc}-{other_taxes}-{to_book}",
        key="arets_resultat",
        expected=r.arets_resultat,
        bold=True,
    )
    row_no = int(arets[1:])
    page.style_row(ws, row_no, 1, 3, border=st.TOTAL_BORDER, fill=st.RESULT_FILL)
    book.name("tax_arets", ws, row_no, 3)
    book.name("tax_taxable", ws, int(taxable[1:]), 3)
    book.name("tax_tax", ws, int(tax[1:]), 3)
    page.finish(ws, r, head, "A5", {1: 8, 2: 66, 3: 17, 4: 36})
