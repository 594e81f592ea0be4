"""What the workbook holds, as data: its sheets in order, and the BAS groupings
of the balance sheet and the income statement.

The statements' sections are BAS account groups (``AccountRange``); a section
whose range is ``None`` takes its range from the closing's own settings
(:class:`~closing.settings.ClosingAccounts`, by the section's key), so a
company with another chart moves the sections with its settings.
"""

from __future__ import annotations

from typing import Literal

import attrs

from closing.appropriations import Fund
from closing.engine import ClosingResult
from closing.settings import PFOND_NAME, PFOND_SECOND_NAME, AccountRange, ClosingAccounts
from sie import dates

#: Sheet names in workbook order, with what each holds (listed on the overview).
SHEETS: tuple[tuple[str, str], ...] = (
    ("Översikt", "Företag, nyckeltal, kontroller och iakttagelser"),
    ("Råbalans", "IB, förändring och UB per konto, grupperat per kontoklass"),
    ("Balansräkning", "Balansräkningen före och efter bokslutsposterna"),
    ("Resultaträkning", "Resultaträkningen före och efter bokslutsposterna"),
    ("Skatteberäkning", "Från resultat till beskattningsbar inkomst och skatt (INK2S)"),
    ("Skattekonto", "Årets skatt mot inbetald preliminärskatt: att betala eller få tillbaka"),
    ("Periodiseringsfonder", "Fonder per avsättningsår, återföring, schablonintäkt"),
    ("Överavskrivningar", "30- och 20-regeln för inventarier, förändring att boka"),
    ("Bokslutsverifikationer", "Verifikationerna som bokslutet bokar"),
    ("Kundreskontra", "Öppna kundfakturor mot kundfordringarnas saldo"),
    ("Leverantörsreskontra", "Öppna leverantörsfakturor mot leverantörsskuldernas saldo"),
    ("Avstämning", "Varje balanskonto: bokfört saldo, specifikation, differens"),
    ("INK2", "Deklarationen (INK2, INK2R, INK2S): fält, SRU-kod, belopp och varifrån det kommer"),
)

Side = Literal["assets", "claims"]


@attrs.frozen(slots=True)
class Section:
    """A block of the balance sheet or income statement: a title and its accounts.

    ``accounts`` ``None`` means the range of the same name in the closing's
    :class:`ClosingAccounts` (``key`` names it)."""

    key: str
    title: str
    accounts: AccountRange | None = None
    side: Side = "assets"

    def range(self, accounts: ClosingAccounts) -> AccountRange:
        if self.accounts is not None:
            return self.accounts
        found = getattr(accounts, self.key)
        assert isinstance(found, AccountRange), self.key
        return found


#: Balance sheet blocks (BAS account groups). Assets keep the ledger's sign;
#: equity and liabilities are shown with the sign turned, as on a balance sheet.
BALANCE_SECTIONS: tuple[Section, ...] = (
    Section("fixed", "Anläggningstillgångar", AccountRange("1000", "1399")),
    Section("current", "Omsättningstillgångar", AccountRange("1400", "1999")),
    Section("equity", "Eget kapital", AccountRange("2000", "2099"), "claims"),
    Section("reserves", "Obeskattade reserver", AccountRange("2100", "2199"), "claims"),
    Section("provisions", "Avsättningar", AccountRange("2200", "2299"), "claims"),
    Section("long", "Långfristiga skulder", AccountRange("2300", "2399"), "claims"),
    Section("short", "Kortfristiga skulder", AccountRange("2400", "2999"), "claims"),
)
#: Left-over balance accounts on each side (accounts outside every block above).
BALANCE_REST: dict[Side, str] = {"assets": "Övriga balanskonton", "claims": "Övriga skuldkonton"}

#: Income statement blocks inside the operating range (``ClosingAccounts.operating``).
OPERATING_SECTIONS: tuple[Section, ...] = (
    Section("op0", "Rörelsens intäkter", AccountRange("3000", "3999")),
    Section("op1", "Rörelsens kostnader", AccountRange("4000", "7999")),
    Section("op2", "Finansiella poster", AccountRange("8000", "8799")),
)
#: Operating accounts outside the blocks above.
OPERATING_REST = Section("op_rest", "Övriga rörelseposter")
#: The blocks after the result before appropriations, ranges from the settings.
APPROPRIATIONS = Section("appropriations", "Bokslutsdispositioner")
TAXES = Section("taxes", "Skatter")
TRANSFER = Section("transfer", "Årets resultat överfört till balansräkningen")
RESULT_REST = Section("others", "Övriga resultatkonton")


def fund_title(fund: Fund) -> str:
    """A periodiseringsfond's name as BAS gives it ("Periodiseringsfond 2023")."""
    if fund.year is None:
        return f"Periodiseringsfond (konto {fund.account})"
    return (PFOND_SECOND_NAME if fund.second else PFOND_NAME).format(year=fund.year)


def period(result: ClosingResult) -> str:
    """The financial year as text: ``2025-01-01 – 2025-12-31``."""
    if result.year is None:
        return "räkenskapsår saknas"
    return dates.span_text(result.year)


#: The Skattekonto sheet: BAS 2518 Betald F-skatt (preliminary tax paid) and 1630
#: Avräkning för skatter och avgifter (the skattekonto); sub-accounts belong to them.
#: The booked tax is the closing's own ``ClosingAccounts.tax_liability`` (2512).
PRELIMINARY_TAX = AccountRange("2518", "2518")
TAX_ACCOUNT = AccountRange("1630", "1630")
#: BAS names for those accounts, for a ledger that does not use them.
TAX_ACCOUNT_NAMES = {
    "2518": "Betald F-skatt",
    "1630": "Avräkning för skatter och avgifter (skattekonto)",
}
