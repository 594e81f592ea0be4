"""Överavskrivningar: the 30 % and 20 % rules for inventarier and the change in
accumulated överavskrivningar the closing books."""

from __future__ import annotations

from decimal import Decimal

from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, Value, input_cell, text
from sie.amounts import ZERO

SHEET = "Överavskrivningar"


def write(book: Book) -> None:
    r = book.result
    acc = r.settings.accounts
    over = r.overavskrivning
    ws = page.start(
        book,
        "Överavskrivningar",
        "Överavskrivningar på inventarier (räkenskapsenlig avskrivning)",
        f"Inventarier {acc.inventarier}; ackumulerade överavskrivningar "
        f"{', '.join(str(x) for x in acc.overavskrivning_reserves)}; "
        f"förändringen bokas {r.overavskrivning_accounts[0]}/"
        f"{r.overavskrivning_accounts[1]}.",
        ["", "Post", "Belopp", "Andel", "Underlag", "Kommentar"],
        right=(3, 4, 5),
    )
    head = page.HEAD
    if not r.closed or over is None:
        why = (
            "Bokslutet är inte gjort: se Översikt."
            if not r.closed
            else "Inga uppgifter om inventarierna lämnades, så överavskrivningar "
            "beräknades inte. Lämna ingående skattemässigt värde, årets "
            "anskaffningar och avyttringar (bokslut close --assets) för att beräkna dem."
        )
        text(ws, head + 1, 2, why, st.NOTE_FONT)
        page.finish(ws, r, head, "A5", (3, 70, 17, 8, 17, 30))
        return
    rates = r.rates
    assert rates is not None
    row = head + 1

    def line(label: str, value: Value | None = None, note: str = "") -> int:
        nonlocal row
        text(ws, row, 2, label)
        if value is not None:
            input_cell(ws, row, 3, value)
        if note:
            text(ws, row, 6, note, st.NOTE_FONT)
        row += 1
        return row - 1

    def computed(label: str, template: str, key: str, expected: Decimal | None) -> int:
        """A figure the sheet computes in column C, checked against the engine's."""
        nonlocal row
        text(ws, row, 2, label)
        book.formula(ws, row, 3, template, key=key, expected=expected)
        row += 1
        return row - 1

    line(f"Bokfört värde vid årets ingång ({acc.inventarier})", over.opening_book_value)
    line("Ackumulerade överavskrivningar vid årets ingång", over.opening_reserve)
    given = book.assets is not None and book.assets.opening_tax_value is not None
    tax_row = line(
        "Skattemässigt värde vid årets ingång",
        over.opening_tax_value,
        "enligt uppgift" if given else "bokfört värde − överavskrivningar",
    )
    acq_row = line("+ Årets anskaffningar", over.acquisitions)
    disp_row = line("− Ersättning för sålda inventarier", over.disposals)
    book.figure(
        ws,
        row,
        (2, "Underlag enligt 30-regeln"),
        3,
        f"=C{tax_row}+C{acq_row}-C{disp_row}",
        key="oa_main_base",
        expected=over.main_rule_base,
    )
    base_row = row
    row += 1
    text(ws, row, 2, "Lägsta värde enligt 30-regeln (huvudregeln)")
    input_cell(ws, row, 4, over.main_rule_residual, "0%")
    book.formula(ws, row, 5, f"=C{base_row}")
    book.formula(
        ws,
        row,
        3,
        f"=MAX(ROUNDDOWN(ROUND(E{row}*D{row},6),2),0)",
        key="oa_main_value",
        expected=over.main_rule_value,
    )
    main_row = row
    row += 2
    text(ws, row, 2, "20-regeln (kompletteringsregeln)", st.BOLD)
    row += 1
    comp_ref = ""
    acquisitions = book.assets.acquisitions if book.assets is not None else None
    year = r.tax_year or 0
    history = [year - i for i in range(len(rates.complementary_rule))]
    if over.complementary_rule_value is not None and acquisitions is not None:
        first = row
        for y, share in zip(history, rates.complementary_rule, strict=True):
            text(ws, row, 2, f"Anskaffade {y} och kvar vid årets slut")
            input_cell(ws, row, 5, Decimal(acquisitions.get(y, ZERO)))
            input_cell(ws, row, 4, share, "0%")
            book.formula(ws, row, 3, f"=E{row}*D{row}")
            row += 1
        comp_row = computed(
            "Lägsta värde enligt 20-regeln",
            f"=ROUNDDOWN(ROUND(SUM(C{first}:C{row - 1}),6),2)",
            "oa_comp_value",
            over.complementary_rule_value,
        )
        comp_ref = f"C{comp_row}"
    elif over.complementary_rule_value is not None:
        text(ws, row, 2, "Lägsta värde enligt 20-regeln")
        input_cell(ws, row, 3, over.complementary_rule_value)
        comp_ref = f"C{row}"
        row += 1
    else:
        text(
            ws,
            row,
            2,
            f"Ej beräknad: kräver anskaffningar per år {history[-1]}–{history[0]}.",
            st.NOTE_FONT,
        )
        row += 1
    row += 1
    text(ws, row, 2, "Lägsta tillåtna skattemässiga värde", st.BOLD)
    lowest = f"MIN(C{main_row},{comp_ref})" if comp_ref else f"C{main_row}"
    book.formula(
        ws, row, 3, f"={lowest}", key="oa_lowest", expected=over.lowest_tax_value, font=st.BOLD
    )
    rule = f'=IF({comp_ref}<C{main_row},"20-regeln","30-regeln")' if comp_ref else "30-regeln"
    if comp_ref:
        book.formula(ws, row, 6, rule, "General")
    else:
        text(ws, row, 6, rule)
    lowest_row = row
    row += 1
    book_row = line(f"Bokfört värde vid årets slut ({acc.inventarier})", over.book_value)
    after_row = computed(
        "Ackumulerade överavskrivningar efter bokslut",
        f"=MAX(C{book_row}-C{lowest_row},0)",
        "oa_reserve_after",
        over.reserve_after,
    )
    before_row = line("Ackumulerade överavskrivningar före bokslut", over.reserve_before)
    book.figure(
        ws,
        row,
        (2, "Förändring att boka (ökning = kostnad)"),
        3,
        f"=C{after_row}-C{before_row}",
        key="oa_change",
        expected=over.change,
    )
    page.style_row(ws, row, 2, 3, st.RESULT_ROW)
    book.name("oa_change", ws, row, 3)
    row += 2
    computed(
        "Skattemässigt värde vid årets slut",
        f"=C{book_row}-C{after_row}",
        "oa_tax_value",
        over.tax_value,
    )
    computed(
        "Största skattemässiga avskrivning",
        f"=C{base_row}-C{lowest_row}",
        "oa_max_depreciation",
        over.max_tax_depreciation,
    )
    page.finish(ws, r, head, "A5", (3, 52, 17, 8, 17, 34))
