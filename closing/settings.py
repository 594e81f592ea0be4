"""Choices and account numbers for a closing, each with a documented default.

The uncertain points of the domain brief ([U]) are settings here, never
literals in the computation: the voucher series, the öre handling of the tax,
whether a previous deficit reduces the periodiseringsfond base, and the
mapping of fund accounts to allocation years.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Literal

import attrs

from closing.rates import DEFAULT_ADJUSTMENTS, TaxYearRates
from sie import amounts, bas


@attrs.frozen(slots=True)
class AccountRange:
    """An inclusive range of BAS accounts, compared on their first four digits.

    Longer sub-accounts (``15101``) belong to the range of their four-digit
    parent; non-numeric account ids (``DIFF``) belong to no range.
    """

    first: str
    last: str

    def __contains__(self, account: object) -> bool:
        return isinstance(account, str) and account.isdigit() and bas.in_range(account, *self)

    def __iter__(self) -> Iterator[str]:
        return iter((self.first, self.last))

    def __str__(self) -> str:
        return self.first if self.first == self.last else f"{self.first}–{self.last}"


#: Default account ranges (BAS), referenced by :class:`ClosingAccounts`.
OPERATING = AccountRange(*bas.OPERATING)
APPROPRIATIONS = AccountRange(*bas.APPROPRIATIONS)
TAXES = AccountRange(*bas.TAXES)
TRANSFER = AccountRange(*bas.TRANSFER)
PFOND = AccountRange("2110", "2139")
PFOND_FIRST = AccountRange("2120", "2129")
PFOND_SECOND = AccountRange("2130", "2139")
#: Maskiner, inventarier, installationer, bilar, datorer: all inventarier under 18 kap. IL.
INVENTARIER = AccountRange("1210", "1259")
#: INK2R 2.4 "Maskiner, inventarier och övriga materiella anläggningstillgångar".
INVENTARIER_SRU = "7215"
CUSTOMERS = AccountRange("1510", "1519")
SUPPLIERS = AccountRange("2440", "2449")
OVERAVSKRIVNING_RESERVES = (AccountRange("2150", "2150"), AccountRange("2153", "2153"))


@attrs.frozen(slots=True)
class ClosingAccounts:
    """BAS accounts the closing reads and books (defaults per the domain brief §2, §5)."""

    #: Result before appropriations and tax (Fortnox Bokslut & Skatt uses exactly this).
    operating: AccountRange = OPERATING
    appropriations: AccountRange = APPROPRIATIONS
    taxes: AccountRange = TAXES
    #: Result-transfer accounts; movement here means a year result is already booked.
    transfer: AccountRange = TRANSFER
    pfond_allocation: str = "8811"
    pfond_reversal: str = "8819"
    #: All periodiseringsfond accounts (group account 2110 and per-year accounts).
    pfond: AccountRange = PFOND
    #: Per-year fund accounts: last digit = allocation year's last digit.
    pfond_first: AccountRange = PFOND_FIRST
    #: Second fund ending in the same calendar year ("– nr 2").
    pfond_second: AccountRange = PFOND_SECOND
    overavskrivning_change: str = "8853"
    overavskrivning_reserve: str = "2153"
    #: Accounts holding accumulated överavskrivningar on inventarier.
    overavskrivning_reserves: tuple[AccountRange, ...] = OVERAVSKRIVNING_RESERVES
    #: Inventarier incl. accumulated planned depreciation: the book value. Where the
    #: file carries #SRU codes, the accounts coded ``inventarier_sru`` are used instead.
    inventarier: AccountRange = INVENTARIER
    inventarier_sru: str = INVENTARIER_SRU
    tax_cost: str = "8910"
    #: Beräknad inkomstskatt (some tools credit 2510 directly).
    tax_liability: str = "2512"
    result_transfer: str = "8999"
    result_equity: str = "2099"
    customers: AccountRange = CUSTOMERS
    suppliers: AccountRange = SUPPLIERS
    #: SIE reserved dimensions: 8 kund, 9 leverantör, 10 faktura.
    customer_dimension: int = 8
    supplier_dimension: int = 9
    invoice_dimension: int = 10


PfondChoice = Literal["max", "none"] | Decimal
ReverseChoice = Literal["all", "cover-loss"] | Decimal | None


def _amount(value: str | int | Decimal, what: str) -> Decimal:
    """An amount in kronor and öre within :mod:`sie.amounts`' range, else a ``ValueError``
    saying what ``what`` accepts (``1e30``, ``NaN`` and ``100.129`` are no such amounts)."""
    try:
        amount = amounts.check_range(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        raise ValueError(f"{what}, not {value!r} ({amounts.RANGE_TEXT})") from None
    try:
        return amounts.check_ore(amount)
    except amounts.InvalidAmount as exc:
        raise ValueError(f"{what}, not {value!r}: {exc}") from None


def _pfond(value: str | int | Decimal) -> PfondChoice:
    if value in ("max", "none"):
        return value  # type: ignore[return-value]
    return _amount(value, "pfond must be 'max', 'none' or an amount in kronor")


def _reverse_pfond(value: str | int | Decimal | None) -> ReverseChoice:
    if value is None or value in ("all", "cover-loss"):
        return value  # type: ignore[return-value]
    return _amount(value, "reverse_pfond must be 'all', 'cover-loss' or an amount in kronor")


def _deficit(value: str | int | Decimal) -> Decimal:
    return _amount(value, "previous_deficit must be an amount in kronor")


def parse_amount(text: str) -> Decimal:
    """A non-negative amount in kronor and öre as a user types it (``1 234,50``); a
    ``ValueError`` says what is wrong (a command line shows it as the usage error)."""
    try:
        amount = amounts.check_ore(amounts.validate(text))
    except amounts.InvalidAmount as exc:
        raise ValueError(f"{exc}; give kronor, e.g. 100000 or 1 234,50") from None
    if amount < 0:
        raise ValueError(f"{text!r}: give the amount without a minus sign")
    return amount


def parse_pfond(text: str) -> PfondChoice:
    """``max``, ``none`` (or ``ingen``) or an amount, as a user types it."""
    choice = text.strip().lower()
    if choice in ("max", "none", "ingen"):
        return "none" if choice == "ingen" else choice  # type: ignore[return-value]
    try:
        return parse_amount(text)
    except ValueError as exc:
        raise ValueError(f"use max, none or an amount. {exc}") from None


def parse_reverse_pfond(text: str) -> ReverseChoice:
    """An amount (oldest fund first), ``all`` or ``cover-loss``, as a user types it."""
    choice = text.strip().lower()
    if choice in ("all", "cover-loss"):
        return choice  # type: ignore[return-value]
    try:
        return parse_amount(text)
    except ValueError as exc:
        raise ValueError(
            f"use an amount (taken from the oldest fund first), all or cover-loss. {exc}"
        ) from None


@attrs.frozen(slots=True)
class ClosingSettings:
    """How to close: choices, limits and accounts. ``ClosingSettings()`` closes the
    way an accountant would by default: maximum allocation, maximum
    överavskrivning, no voluntary reversal."""

    #: Voucher series for the closing vouchers. [U] Fortnox's first (manual) series
    #: is normally A; pick a dedicated closing series when the company has one.
    series: str = "A"
    #: New periodiseringsfond: "max" (25 % of the base), "none", or an amount capped at the max.
    pfond: PfondChoice = attrs.field(default="max", converter=_pfond)
    #: Voluntary periodiseringsfond reversal on top of the forced sixth-year one, taken
    #: from the oldest fund first (30 kap. 7 § IL): an amount in kronor, "all" (every
    #: fund), "cover-loss" (just enough to bring the taxable result to zero; no new
    #: allocation that year) or ``None``.
    reverse_pfond: ReverseChoice = attrs.field(default=None, converter=_reverse_pfond)
    #: Close even when the råbalans does not sum to zero (reported as closing-forced).
    force: bool = False
    #: "max" books överavskrivningar up to the lowest allowed tax value; "none" books none.
    overavskrivning: Literal["max", "none"] = "max"
    #: Unused deficit (underskott) from the previous year, INK2S 4.14a, as a positive amount.
    previous_deficit: Decimal = attrs.field(default=Decimal("0"), converter=_deficit)
    #: [U] Whether the 25 % periodiseringsfond base is taken after deducting the previous
    #: deficit (most tools do; the law's wording leaves it open).
    deficit_before_pfond: bool = True
    #: [U] Öre handling of the booked tax: "krona" drops öre (engine convention), "ore" keeps them.
    tax_rounding: Literal["krona", "ore"] = "krona"
    #: Tax-year table to use; ``None`` = the calendar year in which the financial year ends.
    rates_year: int | None = None
    #: A complete table row, overriding ``rates_year`` (for years the project has no figures for).
    rates: TaxYearRates | None = None
    #: Account -> INK2S field ("4.3c" add back, "4.5c" deduct) for tax adjustments.
    adjustments: Mapping[str, str] = attrs.field(factory=lambda: dict(DEFAULT_ADJUSTMENTS))
    #: Fund account -> allocation year, for accounts whose year the digit rule cannot tell
    #: (the 2110 group account, older charts). [U] broken years map to the year they end.
    pfond_years: Mapping[str, int] = attrs.field(factory=dict)
    accounts: ClosingAccounts = attrs.field(factory=ClosingAccounts)
    #: Signature written on the closing vouchers (#VER sign).
    sign: str = ""


#: Names for accounts the closing books, used when the file's chart lacks them.
#: ``{year}`` is the allocation year of a fund account.
ACCOUNT_NAMES: dict[str, str] = {
    "8810": "Förändring av periodiseringsfond",
    "8811": "Avsättning till periodiseringsfond",
    "8819": "Återföring från periodiseringsfond",
    "8850": "Förändring av överavskrivningar",
    "8853": "Förändring av överavskrivningar, maskiner och inventarier",
    "2150": "Ackumulerade överavskrivningar",
    "2153": "Ackumulerade överavskrivningar på maskiner och inventarier",
    "8910": "Skatt som belastar årets resultat",
    "2512": "Beräknad inkomstskatt",
    "8999": "Årets resultat",
    "2099": "Årets resultat",
    "2110": "Periodiseringsfonder",
    # A fund account whose allocation year is unknown (a known year names it by the year).
    **{str(n): "Periodiseringsfond" for n in range(2111, 2140)},
}
PFOND_NAME = "Periodiseringsfond {year}"
PFOND_SECOND_NAME = "Periodiseringsfond {year} – nr 2"
