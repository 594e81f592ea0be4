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

#: The labels of the ladder's rows, by the engine's figure each row shows
#: (``{tax_cost}``, ``{tax_liability}``, ``{pfond_account}``: the closing's accounts).
_LABELS = {
    "booked_appropriations": "Bokslutsdispositioner bokförda under året (utom avsättning)",
    "booked_result_before_allocation": "Bokfört resultat före avsättning och skatt",
    "surplus": "Överskott före avsättning till periodiseringsfond",
    "previous_deficit": "− Outnyttjat underskott från föregående år",
    "pfond_base": "Underlag för avsättning till periodiseringsfond",
    "pfond_max": "Högsta avsättning (andel av underlaget, hela kronor)",
    "booked_allocation": "Avsättning bokförd under året",
    "pfond_allocation": "Avsättning till periodiseringsfond i bokslutet (konto {pfond_account})",
    "taxable_income_exact": "Skattemässigt resultat (överskott +, underskott −)",
    "taxable_income": "Beskattningsbar inkomst, avrundad nedåt till hela tiotal kronor",
    "deficit_carried_forward": "Underskott att föra vidare till nästa år (hela kronor)",
    "tax": "Skatt på årets resultat",
    "booked_tax": "Skatt bokförd under året ({tax_cost})",
    "tax_to_book": "Skatt att boka i bokslutet ({tax_cost}/{tax_liability})",
}


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
        page.finish(ws, r, 4, "A5", (8, 70, 17, 40))
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
    choice_value: Value = {"max": "max", "none": "ingen"}.get(str(pfond), pfond)
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
            page.style_row(ws, row, 1, 3)
        row += 1
        return f"C{row - 1}"

    accounts = {
        "tax_cost": acc.tax_cost,
        "tax_liability": acc.tax_liability,
        "pfond_account": p.allocation_account,
    }

    def computed(
        key: str, template: str, expected: Decimal, *, bold: bool = False, note: str = ""
    ) -> str:
        """A ladder row the sheet computes, checked as ``key`` against the engine's figure."""
        label = _LABELS[key].format(**accounts)
        return step_row("", label, template, key=key, expected=expected, bold=bold, note=note)

    def given(key: str, value: Decimal, *, field: str = "", note: str = "") -> str:
        """A ladder row the closing gives as an input (what the books hold already)."""
        return step_row(field, _LABELS[key].format(**accounts), None, value=value, note=note)

    rba = step_row(
        "",
        f"Resultat före bokslutsdispositioner och skatt ({acc.operating})",
        "={rr_rba}",
        key="tax:rba",
        expected=r.result_before_appropriations,
        note="Resultaträkning",
    )
    booked = given(
        "booked_appropriations",
        t.booked_appropriations,
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
    booked_result = computed(
        "booked_result_before_allocation",
        f"={rba}+{booked}+{reversal}+{over}",
        t.booked_result_before_allocation,
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
    surplus = computed("surplus", "=" + "+".join(parts), t.surplus, bold=True)
    deficit = given("previous_deficit", t.previous_deficit, field="4.14a")
    book.name("tax_deficit", ws, int(deficit[1:]), 3)
    base = computed("pfond_base", f"={surplus}-{deficit}*{flag}", t.pfond_base)
    highest = f"=IF({base}>0,ROUNDDOWN(ROUND({base}*{share},6),0),0)"
    pfond_max = computed("pfond_max", highest, t.pfond_max)
    booked_alloc = given("booked_allocation", t.booked_allocation)
    room = f"MAX(MIN({pfond_max},{surplus}-{deficit})-{booked_alloc},0)"
    allocation = f'=IF({choice}="max",{room},IF({choice}="ingen",0,MAX(0,MIN({choice},{room}))))'
    alloc = computed("pfond_allocation", allocation, t.pfond_allocation, bold=True)
    book.name("tax_alloc", ws, int(alloc[1:]), 3)
    exact = computed(
        "taxable_income_exact",
        f"={surplus}-{deficit}-{booked_alloc}-{alloc}",
        t.taxable_income_exact,
        note="INK2S 4.15/4.16 i hela kronor: bladet INK2",
    )
    rounded = f"=IF({exact}>0,ROUNDDOWN(ROUND({exact}/{step},6),0)*{step},0)"
    taxable = computed("taxable_income", rounded, t.taxable_income, bold=True)
    carried = f"=IF({exact}<0,ROUNDDOWN(-{exact},0),0)"
    computed("deficit_carried_forward", carried, t.deficit_carried_forward)
    on_result = f"=ROUNDDOWN(ROUND({taxable}*{rate},6),{decimals})"
    tax = computed("tax", on_result, t.tax, bold=True)
    booked_tax = given("booked_tax", t.booked_tax)
    to_book = computed("tax_to_book", f"={tax}-{booked_tax}", t.tax_to_book)
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
    page.style_row(ws, row_no, 1, 3, st.RESULT_ROW)
    book.name("tax_arets", ws, row_no, 3)
    book.name("tax_taxable", ws, int(taxable[1:]), 3)
    book.name("tax_tax", ws, int(tax[1:]), 3)
    page.finish(ws, r, head, "A5", (8, 66, 17, 36))
