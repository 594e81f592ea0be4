"""Skattekonto: the year's income tax (2512) against the preliminary tax paid
(2518) and the balance of the skattekonto (1630), after the closing, and what
the company will owe or get back when the final tax is settled.

Every amount is the account's balance after closing as a formula (Råbalans UB
plus the closing vouchers), so it follows a changed allocation or tax.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from closing.settings import AccountRange
from closing.workbook import page
from closing.workbook import styles as st
from closing.workbook.cells import Book, text
from closing.workbook.layout import PRELIMINARY_TAX, TAX_ACCOUNT, TAX_ACCOUNT_NAMES
from sie import amounts
from sie.amounts import ZERO

SHEET = "Skattekonto"


def _accounts(book: Book, accounts: AccountRange, default: str) -> list[str]:
    """The ledger's accounts in ``accounts`` (the default one when it has none)."""
    used = [x.account for x in book.result.trial_balance.lines if x.account in accounts]
    used += [
        row.account
        for v in book.result.vouchers
        for row in v.rows
        if row.account in accounts and row.account not in used
    ]
    return sorted(set(used)) or [default]


def _liability_accounts(book: Book) -> list[str]:
    own = book.result.settings.accounts.tax_liability
    return _accounts(book, AccountRange(own, own), own)


def net_after_final_tax(book: Book) -> Decimal:
    """The skattekonto's balance once the final tax is settled (credit + , owed −):
    1630 + 2518 − the tax owed on 2512, all after closing."""

    def total(accounts: Sequence[str]) -> Decimal:
        return sum((book.ub_after(a) for a in accounts), ZERO)

    owed = -total(_liability_accounts(book))
    paid = total(_accounts(book, PRELIMINARY_TAX, PRELIMINARY_TAX.first))
    on_account = total(_accounts(book, TAX_ACCOUNT, TAX_ACCOUNT.first))
    return on_account - (owed - paid)


def write(book: Book) -> None:
    r = book.result
    ws = page.start(
        book,
        SHEET,
        "Skattekonto: årets inkomstskatt mot inbetald preliminärskatt",
        "Saldon efter bokslut (Råbalans + bokslutsverifikationer), som positiva belopp.",
        ["Konto", "Text", "Belopp", "Källa / kommentar"],
        right=(3,),
    )
    head = page.HEAD
    row = head + 1

    def accounts_block(accounts: Sequence[str], sign: int, key: str, note: str) -> tuple[int, int]:
        """One row per account (balance after closing × ``sign``); returns its rows."""
        nonlocal row
        first = row
        minus = "-" if sign < 0 else ""
        for account in accounts:
            text(ws, row, 1, account)
            name = book.account_name(account) or TAX_ACCOUNT_NAMES.get(account[:4], "")
            text(ws, row, 2, name or f"Konto {account}")
            formula = book.ub_after_formula(account, f"$A{row}")
            book.formula(
                ws,
                row,
                3,
                f"={minus}({formula[1:]})",
                key=f"{key}:{account}",
                expected=sign * book.ub_after(account),
            )
            text(ws, row, 4, note, st.NOTE_FONT).alignment = st.INDENT
            row += 1
        return first, row - 1

    def total(label: str, formula: str, key: str, expected: Decimal, bold: bool = True) -> int:
        nonlocal row
        text(ws, row, 2, label, st.BOLD if bold else None)
        book.formula(
            ws,
            row,
            3,
            formula,
            key=key,
            expected=expected,
            font=st.BOLD if bold else None,
        )
        if bold:
            page.style_row(ws, row, 1, 3)
        row += 1
        return row - 1

    page.group_row(ws, row, "Årets inkomstskatt", 4)
    row += 1
    liability = _liability_accounts(book)
    first, last = accounts_block(liability, -1, "tk:liability", "skuld, kredit (UB efter bokslut)")
    booked = -sum((book.ub_after(a) for a in liability), ZERO)
    tax_row = total("Skatteskuld enligt bokföringen", f"=SUM(C{first}:C{last})", "tk:tax", booked)
    if r.tax is not None:
        text(ws, row, 2, "Skatt på årets resultat enligt skatteberäkningen")
        book.formula(ws, row, 3, "={tax_tax}")
        text(ws, row, 4, "Skatteberäkning", st.NOTE_FONT).alignment = st.INDENT
        row += 1
        text(ws, row, 2, "Skuld utöver årets skatt (t.ex. obetald skatt från tidigare år)")
        book.formula(ws, row, 3, f"=C{tax_row}-C{row - 1}")
        page.flag_differences(ws, f"C{row}:C{row}")
        row += 1
    row += 1
    page.group_row(ws, row, "Inbetald preliminärskatt", 4)
    row += 1
    paid_accounts = _accounts(book, PRELIMINARY_TAX, PRELIMINARY_TAX.first)
    first, last = accounts_block(paid_accounts, 1, "tk:paid", "fordran, debet (UB efter bokslut)")
    paid = sum((book.ub_after(a) for a in paid_accounts), ZERO)
    paid_row = total("Inbetald preliminärskatt", f"=SUM(C{first}:C{last})", "tk:paid", paid)
    row += 1
    remaining_row = total(
        "Kvarskatt (+) eller överskjutande skatt (−)",
        f"=C{tax_row}-C{paid_row}",
        "tk:remaining",
        booked - paid,
    )
    text(
        ws, remaining_row, 4, "skatteskuld − inbetald preliminärskatt", st.NOTE_FONT
    ).alignment = st.INDENT
    row += 1
    page.group_row(ws, row, "Skattekontot", 4)
    row += 1
    account_rows = _accounts(book, TAX_ACCOUNT, TAX_ACCOUNT.first)
    first, last = accounts_block(
        account_rows, 1, "tk:account", "tillgodo +, skuld − (UB efter bokslut)"
    )
    on_account = sum((book.ub_after(a) for a in account_rows), ZERO)
    balance_row = total(
        "Saldo på skattekontot enligt bokföringen", f"=SUM(C{first}:C{last})", "tk:on", on_account
    )
    net = net_after_final_tax(book)
    assert net == on_account - (booked - paid)
    net_row = total(
        "Saldo när den slutliga skatten är avräknad",
        f"=C{balance_row}-C{remaining_row}",
        "tk:net",
        net,
    )
    text(ws, net_row, 4, "tillgodo +, att betala −", st.NOTE_FONT).alignment = st.INDENT
    book.name("tk_net", ws, net_row, 3)
    row += 1
    tol = st.TOLERANCE
    verdict = (
        f'=IF(C{net_row}<-{tol},"Att betala",IF(C{net_row}>{tol},"Att få tillbaka",'
        '"Inget att betala eller få tillbaka"))'
    )
    book.formula(ws, row, 2, verdict, "General", font=st.BOLD)
    book.formula(ws, row, 3, f"=ABS(C{net_row})", key="tk:outcome", expected=abs(net), font=st.BOLD)
    page.style_row(ws, row, 1, 4, st.RESULT_ROW)
    row += 2
    outcome = "att betala" if net < 0 else "att få tillbaka"
    notes = (
        f"Enligt bokslutet: {amounts.format(abs(net))} kr {outcome} när den slutliga "
        "skatten har debiterats skattekontot."
        if net
        else "Enligt bokslutet går skattekontot jämnt ut när den slutliga skatten debiteras.",
        "Den slutliga skatten debiteras på skattekontot och den inbetalda preliminärskatten "
        "räknas av mot den.",
        "Kvarskatt kan ge kostnadsränta; en fyllnadsinbetalning i tid minskar den. "
        "Saldot på 1630 kan också avse moms och arbetsgivaravgifter som ännu inte dragits.",
    )
    for note in notes:
        text(ws, row, 2, note, st.NOTE_FONT).alignment = st.WRAP
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        ws.row_dimensions[row].height = 15 * (len(note) // 110 + 1)
        row += 1
    page.finish(ws, r, head, "A5", (10, 62, 17, 42))
