"""Generate the bundled sample SIE files, byte for byte the same on every run.

The samples are fixtures for tests, demos and manual trials, so they must be
reproducible and reviewable: everything is derived here from fixed tables and
a seeded ``random.Random``; no clock, no environment. Standard library only, so
the script runs without the project installed::

    python samples/make_samples.py            # rewrite the files next to this script
    python samples/make_samples.py --out DIR  # write them somewhere else

The company is fictitious. Its 4E file is built as a small double-entry
simulation (invoices, payments, payroll, VAT and tax account) so that every
balance in the file follows from the vouchers, and it is left *unclosed*:
no depreciation beyond the booked plan, no appropriations, no tax and no
year-result voucher for 2025 — the closing engine books those.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20250101
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
VAT_RATE = Decimal("0.25")
SOCIAL_FEE_RATE = Decimal("0.3142")  # arbetsgivaravgifter 2025
WITHHOLDING_RATE = Decimal("0.30")  # simplified preliminary tax on salaries
CORPORATE_TAX_RATE = Decimal("0.206")
SLR_FOR_2024 = Decimal("0.0262")  # statslåneränta 30 Nov 2023 (schablonintäkt 2024)

YEAR_START = dt.date(2025, 1, 1)
YEAR_END = dt.date(2025, 12, 31)
PREV_START = dt.date(2024, 1, 1)
PREV_END = dt.date(2024, 12, 31)
GENERATED = dt.date(2026, 1, 15)

COMPANY = "Norrsken Konsult & Bygg AB"
ORGNR_BASE = "556742318"  # nine digits; the tenth is the Luhn check digit
FNR = "NORRSKEN01"
CONTACT = ("Lisa Öberg", "Storgatan 12", "972 31 Luleå", "0920-123 45")
BOOKKEEPER = "Lisa Öberg"

# --------------------------------------------------------------------------- tables

#: (account, name, SRU code). Names follow BAS; Swedish letters on purpose.
ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("1220", "Inventarier och verktyg", "7215"),
    ("1229", "Ackumulerade avskrivningar på inventarier och verktyg", "7215"),
    ("1510", "Kundfordringar", "7251"),
    ("1630", "Avräkning för skatter och avgifter (skattekonto)", "7261"),
    ("1710", "Förutbetalda hyreskostnader", "7263"),
    ("1930", "Företagskonto/checkkonto/affärskonto", "7281"),
    ("2081", "Aktiekapital", "7301"),
    ("2091", "Balanserad vinst eller förlust", "7302"),
    ("2098", "Vinst eller förlust från föregående år", "7302"),
    ("2099", "Årets resultat", "7302"),
    ("2123", "Periodiseringsfond 2023", "7321"),
    ("2124", "Periodiseringsfond 2024", "7321"),
    ("2125", "Periodiseringsfond 2025", "7321"),
    ("2129", "Periodiseringsfond 2019", "7321"),
    ("2150", "Ackumulerade överavskrivningar", "7322"),
    ("2440", "Leverantörsskulder", "7365"),
    ("2510", "Skatteskulder", "7368"),
    ("2512", "Beräknad inkomstskatt", "7368"),
    ("2518", "Betald F-skatt", "7368"),
    ("2610", "Utgående moms, 25 %", "7369"),
    ("2640", "Ingående moms", "7369"),
    ("2650", "Redovisningskonto för moms", "7369"),
    ("2710", "Personalskatt", "7369"),
    ("2730", "Lagstadgade sociala avgifter och särskild löneskatt", "7369"),
    ("2898", "Outtagen vinstutdelning", "7369"),
    ("2920", "Upplupna semesterlöner", "7370"),
    ("2940", "Upplupna lagstadgade sociala och andra avgifter", "7370"),
    ("3001", "Försäljning inom Sverige, 25 % moms", "7410"),
    ("3041", "Försäljning tjänster inom Sverige, 25 % moms", "7410"),
    ("4010", "Inköp material och varor", "7511"),
    ("5010", "Lokalhyra", "7513"),
    ("5220", "Hyra av inventarier och verktyg", "7513"),
    ("5410", "Förbrukningsinventarier", "7513"),
    ("5611", "Drivmedel för personbilar", "7513"),
    ("6071", "Representation, avdragsgill", "7513"),
    ("6072", "Representation, ej avdragsgill", "7513"),
    ("6212", "Mobiltelefon", "7513"),
    ("6310", "Företagsförsäkringar", "7513"),
    ("6530", "Redovisningstjänster", "7513"),
    ("6570", "Bankkostnader", "7513"),
    ("6992", "Övriga externa kostnader, ej avdragsgilla", "7513"),
    ("7010", "Löner till kollektivanställda", "7514"),
    ("7210", "Löner till tjänstemän", "7514"),
    ("7510", "Lagstadgade sociala avgifter", "7514"),
    ("7832", "Avskrivningar på inventarier och verktyg", "7515"),
    ("8310", "Ränteintäkter från omsättningstillgångar", "7417"),
    ("8314", "Skattefria ränteintäkter", "7417"),
    ("8423", "Räntekostnader för skatter och avgifter", "7522"),
    ("8811", "Avsättning till periodiseringsfond", "7525"),
    ("8819", "Återföring från periodiseringsfond", "7420"),
    ("8850", "Förändring av överavskrivningar", "7526"),
    ("8910", "Skatt som belastar årets resultat", "7528"),
    ("8999", "Årets resultat", "7450"),
)

DIMENSIONS: tuple[tuple[int, str], ...] = (
    (1, "Kostnadsställe"),
    (6, "Projekt"),
    (8, "Kund"),
    (9, "Leverantör"),
    (10, "Faktura"),
)

COST_CENTRES: tuple[tuple[str, str], ...] = (
    ("10", "Ledning och administration"),
    ("20", "Byggavdelningen"),
    ("30", "Konsultavdelningen"),
)

PROJECTS: tuple[tuple[str, str], ...] = (
    ("P2401", "Ombyggnad Café Polstjärnan"),
    ("P2501", "Stambyte Brf Solgläntan"),
    ("P2502", "Tillbyggnad Kiruna Fjällstugor"),
    ("P2503", "Energiutredning Piteå hamn"),
    ("P2504", "Fönsterbyte Brf Älvsbacka"),
    ("P2505", "Takomläggning Öbergs Snickeri"),
)


@dataclass(frozen=True)
class Customer:
    id: str
    name: str
    project: str
    kind: str  # "bygg" (hours + material) or "konsult" (hours only)
    pay_delay: tuple[int, int]  # days after the due date the customer pays (min, max)


CUSTOMERS: tuple[Customer, ...] = (
    Customer("101", "Brf Solgläntan", "P2501", "bygg", (0, 20)),
    Customer("102", "Kiruna Fjällstugor AB", "P2502", "bygg", (-5, 6)),
    Customer("103", "Café Polstjärnan", "P2401", "bygg", (-2, 10)),
    Customer("104", "Piteå Hamnbyggnad AB", "P2503", "konsult", (-3, 4)),
    Customer("105", "Brf Älvsbacka", "P2504", "bygg", (0, 12)),
    Customer("106", "Öbergs Snickeri HB", "P2505", "bygg", (2, 25)),
)

SUPPLIERS: tuple[tuple[str, str], ...] = (
    ("201", "Bygghandeln i Norr AB"),
    ("202", "Fastighets AB Nordstjärnan"),
    ("203", "Norrtele Mobil AB"),
    ("204", "Ek & Ström Redovisning AB"),
    ("205", "Maskinuthyrning Östra AB"),
    ("206", "Trygg Norr Försäkring AB"),
    ("207", "Verktygsboden i Luleå AB"),
)


@dataclass(frozen=True)
class Employee:
    name: str
    account: str  # 7010 kollektiv / 7210 tjänsteman
    cost_centre: str
    monthly: Decimal  # monthly salary before the April raise


EMPLOYEES: tuple[Employee, ...] = (
    Employee("Erik Lindqvist", "7010", "20", Decimal("34500")),
    Employee("Jonas Åström", "7010", "20", Decimal("33000")),
    Employee("Sara Ekström", "7210", "30", Decimal("41000")),
    Employee("Lisa Öberg", "7210", "10", Decimal("38000")),
)
RAISE_FROM_MONTH = 4
RAISE = Decimal("1.03")

#: Closing balances 2024 (= opening balances 2025) that do not follow from a
#: ledger below. 1510, 2440, 2710/2730, 2512/2518 and the plug 2091 are computed.
OPENING_FIXED: dict[str, Decimal] = {
    "1220": Decimal("320000.00"),
    "1229": Decimal("-110000.00"),
    "1630": Decimal("1850.00"),
    "1710": Decimal("30000.00"),
    "1930": Decimal("684212.40"),
    "2081": Decimal("-50000.00"),
    "2123": Decimal("-45000.00"),
    "2124": Decimal("-72000.00"),
    "2129": Decimal("-60000.00"),
    "2150": Decimal("-38000.00"),
    "2650": Decimal("-98420.00"),
    "2920": Decimal("-64000.00"),
    "2940": Decimal("-20108.80"),
}

#: Income statement 2024 before appropriations and tax (credit negative).
RESULT_2024: dict[str, Decimal] = {
    "3001": Decimal("-612400.00"),
    "3041": Decimal("-2884350.00"),
    "4010": Decimal("498760.50"),
    "5010": Decimal("118000.00"),
    "5220": Decimal("76500.00"),
    "5410": Decimal("14200.00"),
    "5611": Decimal("28450.00"),
    "6071": Decimal("3200.00"),
    "6072": Decimal("7900.00"),
    "6212": Decimal("14280.00"),
    "6310": Decimal("17600.00"),
    "6530": Decimal("36000.00"),
    "6570": Decimal("1500.00"),
    "6992": Decimal("1200.00"),
    "7010": Decimal("792000.00"),
    "7210": Decimal("924000.00"),
    "7510": Decimal("539167.20"),
    "7832": Decimal("58000.00"),
    "8310": Decimal("-2140.00"),
    "8314": Decimal("-310.00"),
    "8423": Decimal("95.00"),
}
ALLOCATION_2024 = Decimal("72000.00")  # booked 8811 / 2124
OVERDEPRECIATION_2024 = Decimal("12000.00")  # booked 8850 / 2150
FUNDS_AT_START_2024 = Decimal("105000.00")  # 2129 + 2123 at 2024-01-01
NON_DEDUCTIBLE = ("6072", "6992", "8423")
NON_TAXABLE = ("8314",)
F_TAX_2024_MONTHLY = Decimal("6800.00")
DIVIDEND = Decimal("150000.00")

#: Customer invoices still open at the end of 2024: number, customer, date, total.
OPEN_AR_2024: tuple[tuple[str, str, dt.date, Decimal], ...] = (
    ("0987", "101", dt.date(2024, 10, 28), Decimal("62500.00")),  # disputed, stays open
    ("0995", "102", dt.date(2024, 12, 2), Decimal("87500.00")),
    ("0998", "103", dt.date(2024, 12, 16), Decimal("43750.00")),
)
#: Supplier invoices open at the end of 2024: number, supplier, date, total.
OPEN_AP_2024: tuple[tuple[str, str, dt.date, Decimal], ...] = (
    ("88012", "201", dt.date(2024, 12, 9), Decimal("31250.00")),
    ("44117", "205", dt.date(2024, 12, 18), Decimal("9687.50")),
    ("24118", "204", dt.date(2024, 12, 20), Decimal("11875.00")),
)

#: Fixed assets bought in 2025: date, supplier, invoice number, text, net amount.
ASSET_PURCHASES: tuple[tuple[dt.date, str, str, str, Decimal], ...] = (
    (dt.date(2025, 3, 11), "207", "77310", "Byggställning och fallskydd", Decimal("86000.00")),
    (dt.date(2025, 9, 23), "207", "78122", "Laserinstrument och borrmaskiner", Decimal("48500.00")),
)
DEPRECIATION_YEARS = 5
OPENING_ASSET_DEPRECIATION_PER_QUARTER = Decimal("16000.00")


# --------------------------------------------------------------------------- helpers


def luhn_digit(digits: str) -> int:
    """The Luhn check digit Swedish organisation numbers end with."""
    total = 0
    for i, ch in enumerate(digits):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def orgnr(base: str = ORGNR_BASE, *, wrong: bool = False) -> str:
    """``NNNNNN-NNNC`` with the correct (or a deliberately wrong) check digit."""
    check = luhn_digit(base)
    if wrong:
        check = (check + 1) % 10
    return f"{base[:6]}-{base[6:]}{check}"


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_amount(value: Decimal) -> str:
    value = money(value)
    if value == 0:
        value = ZERO
    return f"{value:.2f}"


def fmt_date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def quote(text: str) -> str:
    """A quoted SIE text field (``"`` escaped as ``\\"``, no control characters)."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ValueError(f"control character in SIE text: {text!r}")
    text.encode("cp437")  # raises for characters the format cannot carry
    return '"' + text.replace('"', '\\"') + '"'


def fmt_objects(objects: Iterable[tuple[int, str]]) -> str:
    return "{" + " ".join(f"{dim} {quote(obj)}" for dim, obj in objects) + "}"


#: Swedish bank holidays 2025 (weekdays only): no payments or invoices on these.
_HOLIDAY_DAYS = (
    (1, 1), (1, 6), (4, 18), (4, 21), (5, 1), (5, 29),
    (6, 6), (6, 20), (12, 24), (12, 25), (12, 26), (12, 31),
)  # fmt: skip
HOLIDAYS = frozenset(dt.date(2025, m, d) for m, d in _HOLIDAY_DAYS)


def weekday(day: dt.date) -> dt.date:
    """The same day, or the next banking day when it is a weekend or a holiday."""
    while day.weekday() >= 5 or day in HOLIDAYS:
        day += dt.timedelta(days=1)
    return day


def encode(lines: Sequence[str]) -> bytes:
    """CP437 bytes with CRLF line ends and a final line end."""
    return ("\r\n".join(lines) + "\r\n").encode("cp437")


# --------------------------------------------------------------------------- the books


@dataclass
class Row:
    account: str
    amount: Decimal
    objects: tuple[tuple[int, str], ...] = ()
    text: str = ""


@dataclass
class Ver:
    series: str
    date: dt.date
    text: str
    rows: list[Row]
    sign: str = BOOKKEEPER
    reg: dt.date | None = None
    number: str = ""
    seq: int = 0


@dataclass
class Invoice:
    number: str
    party: str  # customer or supplier id
    date: dt.date
    total: Decimal
    paid: Decimal = ZERO


@dataclass
class Books:
    vouchers: list[Ver] = field(default_factory=list)
    objects: dict[tuple[int, str], str] = field(default_factory=dict)

    def add(self, ver: Ver) -> Ver:
        total = sum((r.amount for r in ver.rows), ZERO)
        if total != 0:
            raise AssertionError(f"unbalanced voucher {ver.text!r}: {total}")
        if not YEAR_START <= ver.date <= YEAR_END:
            raise AssertionError(f"voucher outside the year: {ver.text!r} {ver.date}")
        for row in ver.rows:
            row.amount = money(row.amount)
        ver.seq = len(self.vouchers)
        self.vouchers.append(ver)
        return ver

    def movements(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for ver in self.vouchers:
            for row in ver.rows:
                totals[row.account] += row.amount
        return totals


def customer(cid: str) -> Customer:
    return next(c for c in CUSTOMERS if c.id == cid)


def supplier_name(sid: str) -> str:
    return dict(SUPPLIERS)[sid]


def ar_objects(inv: Invoice) -> tuple[tuple[int, str], ...]:
    return ((8, inv.party), (10, inv.number))


def ap_objects(inv: Invoice) -> tuple[tuple[int, str], ...]:
    return ((9, inv.party), (10, inv.number))


class Simulation:
    """A year of bookkeeping for the sample company, driven by a seeded RNG."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.books = Books()
        self.ar: list[Invoice] = []
        self.ap: list[Invoice] = []
        self.payroll: dict[int, tuple[Decimal, Decimal]] = {}  # month -> (tax, fees)
        self.vat_due: dict[int, Decimal] = {}  # quarter -> VAT to pay
        self.due: dict[str, dt.date] = {}  # supplier invoice -> due date
        self.result_2024 = self._result_2024()
        self.opening = self._opening()

    # -- the previous year ------------------------------------------------------------

    def _tax_2024(self) -> Decimal:
        pre = -sum(RESULT_2024.values(), ZERO)
        base = pre - OVERDEPRECIATION_2024
        base += sum((RESULT_2024[a] for a in NON_DEDUCTIBLE), ZERO)
        base += sum((RESULT_2024[a] for a in NON_TAXABLE), ZERO)  # credit, so this subtracts
        base += money(FUNDS_AT_START_2024 * SLR_FOR_2024)
        if base / 4 < ALLOCATION_2024:
            raise AssertionError("2024 allocation above 25 % of the base")
        taxable = ((base - ALLOCATION_2024) / 10).to_integral_value(ROUND_DOWN) * 10
        return (taxable * CORPORATE_TAX_RATE).to_integral_value(ROUND_DOWN)

    def _result_2024(self) -> dict[str, Decimal]:
        result = dict(RESULT_2024)
        result["8811"] = ALLOCATION_2024
        result["8850"] = OVERDEPRECIATION_2024
        result["8910"] = money(self._tax_2024())
        result["8999"] = -sum(result.values(), ZERO)
        if result["8999"] <= 0:
            raise AssertionError("the 2024 sample year should show a profit")
        return result

    def _opening(self) -> dict[str, Decimal]:
        opening = dict(OPENING_FIXED)
        for number, cid, day, total in OPEN_AR_2024:
            self.ar.append(Invoice(number, cid, day, total))
            opening["1510"] = opening.get("1510", ZERO) + total
        for number, sid, day, total in OPEN_AP_2024:
            self.ap.append(Invoice(number, sid, day, total))
            opening["2440"] = opening.get("2440", ZERO) - total
        tax, fees = self._salary_totals(raised=False)
        opening["2710"] = -tax
        opening["2730"] = -fees
        opening["2512"] = -self.result_2024["8910"]
        opening["2518"] = F_TAX_2024_MONTHLY * 12
        opening["2099"] = -self.result_2024["8999"]
        opening["2091"] = -sum(opening.values(), ZERO)
        if opening["2091"] >= 0:
            raise AssertionError("retained earnings should be a credit balance")
        return opening

    # -- helpers ---------------------------------------------------------------------

    def _salary(self, emp: Employee, raised: bool) -> Decimal:
        if not raised:
            return emp.monthly
        return (emp.monthly * RAISE / 100).to_integral_value(ROUND_HALF_UP) * 100

    def _salary_totals(self, raised: bool) -> tuple[Decimal, Decimal]:
        tax = fees = ZERO
        for emp in EMPLOYEES:
            gross = self._salary(emp, raised)
            tax += (gross * WITHHOLDING_RATE).to_integral_value(ROUND_HALF_UP)
            fees += money(gross * SOCIAL_FEE_RATE)
        return tax, fees

    def _register(self, dim: int, obj: str, name: str) -> None:
        if (dim, obj) in self.books.objects:
            raise AssertionError(f"object {dim} {obj} registered twice")
        self.books.objects[(dim, obj)] = name

    # -- events ----------------------------------------------------------------------

    def run(self) -> Books:
        for number, cid, _day, _total in OPEN_AR_2024:
            self._register(10, number, f"Kundfaktura {number} {customer(cid).name}")
        for number, sid, _day, _total in OPEN_AP_2024:
            self._register(10, number, f"Leverantörsfaktura {number} {supplier_name(sid)}")
        self._opening_entries()
        self._customer_invoices()
        self._supplier_invoices()
        self._payroll()
        self._everyday_costs()
        self._depreciation()
        self._equity_and_tax_2024()
        self._customer_payments()
        self._supplier_payments()
        self._empty_series()
        self._vat_periods()
        self._tax_account()
        return self.books

    def _opening_entries(self) -> None:
        self.books.add(
            Ver(
                "A",
                dt.date(2025, 1, 2),
                "Hyra jan-mars, förutbetald i december",
                [
                    Row("5010", self.opening["1710"], ((1, "10"),)),
                    Row("1710", -self.opening["1710"]),
                ],
            )
        )

    def _customer_invoices(self) -> None:
        rng = self.rng
        number = 1001
        weights = (5, 4, 3, 3, 4, 2)
        for month in range(1, 13):
            for slot in range(4):
                cust = rng.choices(CUSTOMERS, weights=weights)[0]
                day = weekday(dt.date(2025, month, 3 + slot * 7 + rng.randrange(0, 5)))
                if cust.kind == "konsult":
                    hours = Decimal(rng.randrange(45, 120))
                    service, material = hours * 1050, ZERO
                    centre = "30"
                    text = f"{hours} timmar konsultarbete, energiutredning"
                else:
                    hours = Decimal(rng.randrange(35, 110))
                    service = hours * 695
                    material = Decimal(rng.randrange(800, 4600)) * 10
                    centre = "20"
                    text = f"{hours} timmar arbete samt material enligt följesedel"
                net = service + material
                vat = money(net * VAT_RATE)
                inv = Invoice(str(number), cust.id, day, net + vat)
                self.ar.append(inv)
                label = f"Kundfaktura {inv.number} {cust.name}"
                self._register(10, inv.number, label)
                rows = [Row("1510", inv.total, ar_objects(inv), cust.name)]
                result_objects = ((1, centre), (6, cust.project))
                rows.append(Row("3041", -service, result_objects, text))
                if material:
                    rows.append(Row("3001", -material, result_objects, "Material"))
                rows.append(Row("2610", -vat))
                self.books.add(Ver("B", day, label, rows, sign="Fakturering", reg=day))
                number += 1

    def _supplier_invoice(
        self,
        sid: str,
        number: str,
        day: dt.date,
        text: str,
        debit: Sequence[Row],
        vat: Decimal | None = None,
        due_days: int = 30,
    ) -> Invoice:
        net = sum((r.amount for r in debit), ZERO)
        if vat is None:
            vat = money(net * VAT_RATE)
        inv = Invoice(number, sid, day, net + vat)
        self.ap.append(inv)
        label = f"Leverantörsfaktura {number} {supplier_name(sid)}"
        self._register(10, number, label)
        rows = list(debit)
        if vat:
            rows.append(Row("2640", vat))
        rows.append(Row("2440", -inv.total, ap_objects(inv), text))
        reg = day + dt.timedelta(days=2)
        head = f"{supplier_name(sid)}, faktura {number}"
        self.books.add(Ver("C", day, head, rows, sign="Leverantörsreskontra", reg=reg))
        inv_due = weekday(day + dt.timedelta(days=due_days))
        self.due[number] = inv_due
        return inv

    def _supplier_invoices(self) -> None:
        rng = self.rng
        for number, _sid, day, _total in OPEN_AP_2024:
            self.due[number] = weekday(day + dt.timedelta(days=30))
        serial = {"201": 88100, "202": 5201, "203": 310400, "204": 25001, "205": 44200}
        serial["206"], serial["207"] = 90120, 77300

        def next_no(sid: str) -> str:
            serial[sid] += rng.randrange(1, 40) if sid in ("201", "203", "207") else 1
            return str(serial[sid])

        # Rent, invoiced quarterly in advance; the December invoice concerns 2026.
        for month in (3, 6, 9, 12):
            day = dt.date(2025, month, 15)
            account = "1710" if month == 12 else "5010"
            period = "jan-mars 2026" if month == 12 else f"kvartal {month // 3 + 1} 2025"
            rent = Row(account, Decimal("30000.00"), ((1, "10"),) if account == "5010" else ())
            self._supplier_invoice("202", next_no("202"), day, f"Lokalhyra {period}", [rent])
        # Mobile phones, monthly.
        for month in range(1, 13):
            day = weekday(dt.date(2025, month, 6))
            amount = Decimal("1190.00") + Decimal(rng.randrange(0, 300))
            row = Row("6212", amount, ((1, "10"),))
            self._supplier_invoice(
                "203", next_no("203"), day, "Mobilabonnemang", [row], due_days=20
            )
        # Accounting firm, quarterly.
        for month in (1, 4, 7, 10):
            day = weekday(dt.date(2025, month, 20))
            row = Row("6530", Decimal("9500.00"), ((1, "10"),))
            self._supplier_invoice("204", next_no("204"), day, "Redovisning och löner", [row])
        # Insurance, once a year, no VAT.
        row = Row("6310", Decimal("18400.00"), ((1, "10"),))
        self._supplier_invoice(
            "206", next_no("206"), dt.date(2025, 1, 14), "Företagsförsäkring 2025", [row], ZERO
        )
        # Building material for the projects, and machine hire.
        bygg = [c for c in CUSTOMERS if c.kind == "bygg"]
        for month in range(1, 13):
            for _ in range(2):
                cust = rng.choice(bygg)
                day = weekday(dt.date(2025, month, rng.randrange(1, 28)))
                amount = Decimal(rng.randrange(80000, 520000)) / 20
                sid = rng.choice(("201", "201", "207"))
                row = Row("4010", amount, ((1, "20"), (6, cust.project)), "Material")
                text = "Virke, fästelement och isolering"
                if sid == "207":
                    text = "Verktyg och förbrukningsmaterial"
                self._supplier_invoice(sid, next_no(sid), day, text, [row])
            if month not in (7, 12):
                cust = rng.choice(bygg)
                day = weekday(dt.date(2025, month, 26))
                amount = Decimal(rng.randrange(350, 1100)) * 10
                row = Row("5220", amount, ((1, "20"), (6, cust.project)))
                self._supplier_invoice("205", next_no("205"), day, "Hyra av lift och släp", [row])
        for day, sid, number, text, amount in ASSET_PURCHASES:
            serial[sid] = int(number)
            self._supplier_invoice(sid, number, day, text, [Row("1220", amount)])

    def _payroll(self) -> None:
        for month in range(1, 13):
            raised = month >= RAISE_FROM_MONTH
            rows: list[Row] = []
            tax_total = fee_total = net_total = ZERO
            fees_by_centre: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
            for emp in EMPLOYEES:
                gross = self._salary(emp, raised)
                tax = (gross * WITHHOLDING_RATE).to_integral_value(ROUND_HALF_UP)
                rows.append(Row(emp.account, gross, ((1, emp.cost_centre),), emp.name))
                tax_total += tax
                net_total += gross - tax
                fees_by_centre[(emp.cost_centre, emp.account)] += money(gross * SOCIAL_FEE_RATE)
            for (centre, _account), fee in sorted(fees_by_centre.items()):
                rows.append(Row("7510", fee, ((1, centre),)))
                fee_total += fee
            rows += [
                Row("2710", -tax_total),
                Row("2730", -fee_total),
                Row("1930", -net_total),
            ]
            month_name = MONTHS[month - 1]
            day = weekday(dt.date(2025, month, 25))
            self.books.add(Ver("L", day, f"Lön {month_name} 2025", rows, reg=day))
            self.payroll[month] = (tax_total, fee_total)

    def _everyday_costs(self) -> None:
        rng = self.rng
        for month in range(1, 13):
            day = weekday(dt.date(2025, month, 28))
            fee = Decimal("125.00")
            self.books.add(
                Ver(
                    "A",
                    day,
                    f"Bankavgift {MONTHS[month - 1]}",
                    [Row("6570", fee, ((1, "10"),)), Row("1930", -fee)],
                )
            )
            if month % 2 == 0:
                fuel = Decimal(rng.randrange(180000, 420000)) / 100
                vat = money(fuel * Decimal("0.2"))
                self.books.add(
                    Ver(
                        "A",
                        weekday(dt.date(2025, month, 10)),
                        "Drivmedel, kortköp Preem Luleå",
                        [
                            Row("5611", fuel - vat, ((1, "20"),)),
                            Row("2640", vat),
                            Row("1930", -fuel),
                        ],
                    )
                )
        tools = Decimal("4790.00")
        self.books.add(
            Ver(
                "A",
                dt.date(2025, 4, 7),
                "Skruvdragare och handverktyg, kortköp",
                [
                    Row("5410", tools, ((1, "20"),)),
                    Row("2640", money(tools * VAT_RATE)),
                    Row("1930", -money(tools * Decimal("1.25"))),
                ],
            )
        )
        self.books.add(
            Ver(
                "A",
                dt.date(2025, 6, 13),
                "Kundträff med fika, Café Polstjärnan",
                [
                    Row("6071", Decimal("480.00"), ((1, "10"),)),
                    Row("2640", Decimal("57.60")),
                    Row("1930", Decimal("-537.60")),
                ],
            )
        )
        self.books.add(
            Ver(
                "A",
                dt.date(2025, 12, 12),
                "Julbord med kunder, Restaurang Norrsken",
                [Row("6072", Decimal("9450.00"), ((1, "10"),)), Row("1930", Decimal("-9450.00"))],
            )
        )
        for day, amount in ((dt.date(2025, 6, 30), "612.37"), (dt.date(2025, 12, 30), "845.12")):
            self.books.add(
                Ver(
                    "A",
                    day,
                    "Ränta på företagskontot",
                    [Row("1930", Decimal(amount)), Row("8310", -Decimal(amount))],
                )
            )
        for day, amount in ((dt.date(2025, 3, 8), "38"), (dt.date(2025, 9, 6), "41")):
            self.books.add(
                Ver(
                    "A",
                    weekday(day),
                    "Intäktsränta skattekonto",
                    [Row("1630", Decimal(amount)), Row("8314", -Decimal(amount))],
                )
            )
        self.books.add(
            Ver(
                "A",
                dt.date(2025, 12, 6),
                "Kostnadsränta skattekonto",
                [Row("8423", Decimal("112.00")), Row("1630", Decimal("-112.00"))],
            )
        )

    def _depreciation(self) -> None:
        per_quarter_rate = Decimal(1) / (DEPRECIATION_YEARS * 4)
        for quarter in range(1, 5):
            end = QUARTER_ENDS[quarter - 1]
            amount = OPENING_ASSET_DEPRECIATION_PER_QUARTER
            for day, _sid, _no, _text, cost in ASSET_PURCHASES:
                if day <= end - dt.timedelta(days=80):  # bought in an earlier quarter
                    amount += money(cost * per_quarter_rate)
            self.books.add(
                Ver(
                    "A",
                    end,
                    f"Avskrivning inventarier kvartal {quarter} enligt plan",
                    [Row("7832", amount, ((1, "20"),)), Row("1229", -amount)],
                )
            )

    def _equity_and_tax_2024(self) -> None:
        profit = -self.opening["2099"]
        self.books.add(
            Ver(
                "A",
                dt.date(2025, 1, 2),
                "Omföring av föregående års resultat",
                [Row("2099", profit), Row("2098", -profit)],
            )
        )
        self.books.add(
            Ver(
                "A",
                dt.date(2025, 5, 22),
                "Vinstdisposition enligt årsstämma 2025-05-22",
                [Row("2098", profit), Row("2898", -DIVIDEND), Row("2091", DIVIDEND - profit)],
            )
        )
        self.books.add(
            Ver(
                "A",
                dt.date(2025, 5, 30),
                "Utbetalning av utdelning till aktieägare",
                [Row("2898", DIVIDEND), Row("1930", -DIVIDEND)],
            )
        )
        tax = -self.opening["2512"]
        paid = self.opening["2518"]
        self.books.add(
            Ver(
                "A",
                dt.date(2025, 11, 18),
                "Slutskattebesked inkomstår 2024",
                [Row("2512", tax), Row("2518", -paid), Row("2510", paid - tax)],
            )
        )

    def _customer_payments(self) -> None:
        rng = self.rng
        partial_done = False
        for inv in list(self.ar):
            cust = customer(inv.party)
            if inv.number == OPEN_AR_2024[0][0]:
                continue  # disputed: never paid
            due = inv.date + dt.timedelta(days=30)
            pay = weekday(due + dt.timedelta(days=rng.randint(*cust.pay_delay)))
            amount = inv.total
            if not partial_done and cust.id == "106" and inv.date.month == 10:
                partial_done = True
                amount = money(inv.total / 2)
                text = f"Delbetalning faktura {inv.number} {cust.name}"
            else:
                text = f"Inbetalning faktura {inv.number} {cust.name}"
            if pay > YEAR_END:
                continue
            inv.paid += amount
            self.books.add(
                Ver(
                    "D",
                    pay,
                    text,
                    [Row("1930", amount), Row("1510", -amount, ar_objects(inv), cust.name)],
                    sign="Bankfil",
                    reg=pay,
                )
            )

    def _supplier_payments(self) -> None:
        for inv in self.ap:
            pay = self.due[inv.number]
            if pay > YEAR_END:
                continue
            inv.paid = inv.total
            name = supplier_name(inv.party)
            self.books.add(
                Ver(
                    "D",
                    pay,
                    f"Betalning faktura {inv.number} {name}",
                    [Row("2440", inv.total, ap_objects(inv), name), Row("1930", -inv.total)],
                    sign="Bankfil",
                    reg=pay,
                )
            )

    def _vat_periods(self) -> None:
        for quarter in range(1, 5):
            end = QUARTER_ENDS[quarter - 1]
            start = dt.date(2025, quarter * 3 - 2, 1)
            out = inp = ZERO
            for ver in self.books.vouchers:
                if start <= ver.date <= end:
                    for row in ver.rows:
                        if row.account == "2610":
                            out += row.amount
                        elif row.account == "2640":
                            inp += row.amount
            rows = [Row("2610", -out), Row("2640", -inp), Row("2650", out + inp)]
            self.books.add(Ver("A", end, f"Momsredovisning kvartal {quarter} 2025", rows))
            self.vat_due[quarter] = -(out + inp)

    def _tax_account(self) -> None:
        """Monthly tax-account payment: last month's payroll taxes, F-skatt and VAT when due."""
        f_tax = (-self.opening["2512"] / 12 / 100).to_integral_value(ROUND_HALF_UP) * 100
        vat_months = {2: None, 5: 1, 8: 2, 11: 3}  # month -> quarter whose VAT is due
        for month in range(1, 13):
            day = weekday(dt.date(2025, month, 12))
            if month == 1:
                tax, fees = -self.opening["2710"], -self.opening["2730"]
            else:
                tax, fees = self.payroll[month - 1]
            rows = [Row("2710", tax), Row("2730", fees), Row("2518", f_tax)]
            if month in vat_months:
                quarter = vat_months[month]
                vat = -self.opening["2650"] if quarter is None else self.vat_due[quarter]
                rows.append(Row("2650", vat))
            if month == 12:  # what the final assessment left on 2510
                rows.append(Row("2510", -self.opening["2512"] - self.opening["2518"]))
            total = sum((r.amount for r in rows), ZERO)
            rows += [Row("1630", -total), Row("1630", total, (), "Inbetalning till skattekontot")]
            rows.append(Row("1930", -total))
            name = MONTHS[month - 2] if month > 1 else "december 2024"
            self.books.add(Ver("A", day, f"Skattekonto, deklaration {name}", rows))

    def _empty_series(self) -> None:
        """Two vouchers without series and number: the import must fill them in."""
        day = dt.date(2025, 3, 15)
        lunch = [
            Row("6072", Decimal("1744.00"), ((1, "10"), (6, "P2401"))),
            Row("2640", Decimal("144.00")),
            Row("1930", Decimal("-1888.00")),
        ]
        fine = [Row("6992", Decimal("700.00"), ((1, "20"),)), Row("1930", Decimal("-700.00"))]
        self.books.add(Ver("", day, "Lunch med kund, Café Polstjärnan", lunch, reg=day))
        self.books.add(Ver("", day, "Parkeringsbot, Luleå centrum", fine, reg=day))


MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
QUARTER_ENDS = (
    dt.date(2025, 3, 31),
    dt.date(2025, 6, 30),
    dt.date(2025, 9, 30),
    dt.date(2025, 12, 31),
)


# --------------------------------------------------------------------------- writers


def header_lines(program: str, version: str, generated: dt.date, sign: str) -> list[str]:
    return [
        "#FLAGGA 0",
        f"#PROGRAM {quote(program)} {version}",
        "#FORMAT PC8",
        f"#GEN {fmt_date(generated)} {quote(sign)}",
        "#SIETYP 4",
    ]


def company_lines(org: str) -> list[str]:
    return [
        f"#FNR {quote(FNR)}",
        f"#ORGNR {org}",
        f"#FNAMN {quote(COMPANY)}",
    ]


def number_vouchers(vouchers: list[Ver]) -> list[Ver]:
    """Number each series 1, 2, … in date order; empty-series vouchers stay unnumbered, last."""
    by_series: dict[str, list[Ver]] = defaultdict(list)
    for ver in vouchers:
        by_series[ver.series].append(ver)
    ordered: list[Ver] = []
    for series in sorted(s for s in by_series if s):
        for n, ver in enumerate(sorted(by_series[series], key=lambda v: (v.date, v.seq)), 1):
            ver.number = str(n)
            ordered.append(ver)
    ordered += sorted(by_series.get("", []), key=lambda v: (v.date, v.seq))
    return ordered


#: Longest voucher/row text we write: Fortnox truncates at 50 characters.
MAX_TEXT = 50


def voucher_lines(ver: Ver) -> list[str]:
    for text in (ver.text, *(r.text for r in ver.rows)):
        if len(text) > MAX_TEXT:
            raise AssertionError(f"text longer than {MAX_TEXT} characters: {text!r}")
    series = ver.series or '""'
    number = ver.number or '""'
    head = f"#VER {series} {number} {fmt_date(ver.date)} {quote(ver.text)}"
    if ver.reg is not None or ver.sign:
        head += f" {fmt_date(ver.reg or ver.date)}"
    if ver.sign:
        head += f" {quote(ver.sign)}"
    lines = [head, "{"]
    for row in ver.rows:
        line = f"#TRANS {row.account} {fmt_objects(row.objects)} {fmt_amount(row.amount)}"
        if row.text:
            line += f" {fmt_date(ver.date)} {quote(row.text)}"
        lines.append(line)
    lines.append("}")
    return lines


def is_balance_account(account: str) -> bool:
    return account[0] in "12"


def sample_4e() -> tuple[bytes, Simulation]:
    """The full-year 4E export of the sample company (unclosed 2025)."""
    sim = Simulation()
    books = sim.run()
    vouchers = number_vouchers(books.vouchers)
    names = {a: n for a, n, _sru in ACCOUNTS}
    moves = books.movements()
    used = set(moves) | set(sim.opening) | set(sim.result_2024)
    missing = used - set(names)
    if missing:
        raise AssertionError(f"accounts used but not declared: {sorted(missing)}")
    objects_used = {o for v in vouchers for r in v.rows for o in r.objects}
    declared = (
        {(1, c) for c, _ in COST_CENTRES}
        | {(6, p) for p, _ in PROJECTS}
        | {(8, c.id) for c in CUSTOMERS}
        | {(9, s) for s, _ in SUPPLIERS}
        | set(books.objects)
    )
    if objects_used - declared:
        raise AssertionError(f"objects used but not declared: {objects_used - declared}")

    lines = header_lines("sie-bokslut samples", "1.0", GENERATED, BOOKKEEPER)
    lines.append(
        quote_record("#PROSA", "Fiktivt exempelföretag, skapat av samples/make_samples.py")
    )
    lines.append("#FTYP AB")
    lines += company_lines(orgnr())[:2]
    lines.append("#ADRESS " + " ".join(quote(part) for part in CONTACT))
    lines.append(f"#FNAMN {quote(COMPANY)}")
    lines += [
        f"#RAR 0 {fmt_date(YEAR_START)} {fmt_date(YEAR_END)}",
        f"#RAR -1 {fmt_date(PREV_START)} {fmt_date(PREV_END)}",
        "#TAXAR 2026",
        f"#OMFATTN {fmt_date(YEAR_END)}",
        "#KPTYP EUBAS97",
        "#VALUTA SEK",
    ]
    for account, name, _sru in ACCOUNTS:
        lines.append(f"#KONTO {account} {quote(name)}")
    for account, _name, sru in ACCOUNTS:
        lines.append(f"#SRU {account} {sru}")
    for dim, name in DIMENSIONS:
        lines.append(f"#DIM {dim} {quote(name)}")
    for cid, name in COST_CENTRES:
        lines.append(f"#OBJEKT 1 {quote(cid)} {quote(name)}")
    for pid, name in PROJECTS:
        lines.append(f"#OBJEKT 6 {quote(pid)} {quote(name)}")
    for cust in CUSTOMERS:
        lines.append(f"#OBJEKT 8 {quote(cust.id)} {quote(cust.name)}")
    for sid, name in SUPPLIERS:
        lines.append(f"#OBJEKT 9 {quote(sid)} {quote(name)}")
    for (dim, obj), name in sorted(books.objects.items()):
        lines.append(f"#OBJEKT {dim} {quote(obj)} {quote(name)}")

    balance_accounts = [a for a, _n, _s in ACCOUNTS if is_balance_account(a)]
    balance_accounts = [a for a in balance_accounts if a in sim.opening or a in moves]
    closing = {a: sim.opening.get(a, ZERO) + moves.get(a, ZERO) for a in balance_accounts}
    for account in balance_accounts:
        lines.append(f"#IB 0 {account} {fmt_amount(sim.opening.get(account, ZERO))}")
    for account in balance_accounts:
        lines.append(f"#UB 0 {account} {fmt_amount(closing[account])}")
    for account in balance_accounts:
        if account in sim.opening:
            lines.append(f"#UB -1 {account} {fmt_amount(sim.opening[account])}")
    lines += object_balance_lines(sim, vouchers)
    for account, _name, _sru in ACCOUNTS:
        if not is_balance_account(account) and moves.get(account, ZERO) != 0:
            lines.append(f"#RES 0 {account} {fmt_amount(moves[account])}")
    for account, _name, _sru in ACCOUNTS:
        if account in sim.result_2024:
            lines.append(f"#RES -1 {account} {fmt_amount(sim.result_2024[account])}")
    lines += period_balance_lines(vouchers)
    for ver in vouchers:
        lines += voucher_lines(ver)
    return encode(lines), sim


def quote_record(label: str, text: str) -> str:
    return f"{label} {quote(text)}"


def object_balance_lines(sim: Simulation, vouchers: list[Ver]) -> list[str]:
    """#OIB/#OUB per customer and invoice on 1510, per supplier and invoice on 2440."""
    opening: dict[tuple[str, int, str], Decimal] = defaultdict(lambda: ZERO)
    for number, cid, _day, total in OPEN_AR_2024:
        opening[("1510", 8, cid)] += total
        opening[("1510", 10, number)] += total
    for number, sid, _day, total in OPEN_AP_2024:
        opening[("2440", 9, sid)] -= total
        opening[("2440", 10, number)] -= total
    closing = defaultdict(lambda: ZERO, opening)
    for ver in vouchers:
        for row in ver.rows:
            if row.account in ("1510", "2440"):
                for dim, obj in row.objects:
                    closing[(row.account, dim, obj)] += row.amount
    lines: list[str] = []
    keys = sorted(closing, key=lambda k: (k[0], k[1], k[2]))
    for kind, values in (("OIB", opening), ("OUB", closing)):
        for key in keys:
            if opening.get(key, ZERO) == 0 and (kind == "OIB" or closing[key] == 0):
                continue
            account, dim, obj = key
            amount = fmt_amount(values.get(key, ZERO))
            lines.append(f"#{kind} 0 {account} {fmt_objects([(dim, obj)])} {amount}")
    return lines


def period_balance_lines(vouchers: list[Ver]) -> list[str]:
    """#PSALDO (monthly change) for the bank and sales accounts, in total and per cost centre."""
    totals: dict[tuple[str, int, tuple[tuple[int, str], ...]], Decimal] = defaultdict(lambda: ZERO)
    for ver in vouchers:
        for row in ver.rows:
            if row.account in ("1930", "3001", "3041"):
                totals[(row.account, ver.date.month, ())] += row.amount
            if row.account == "3041":
                for dim, obj in row.objects:
                    if dim == 1:
                        totals[(row.account, ver.date.month, ((1, obj),))] += row.amount
    lines = []
    for (account, month, objects), amount in sorted(totals.items()):
        if amount != 0:
            period = f"2025{month:02d}"
            lines.append(
                f"#PSALDO 0 {period} {account} {fmt_objects(objects)} {fmt_amount(amount)}"
            )
    return lines


#: The invoicing program's later invoices, for the 4I sample: customer, row text,
#: service, material, and "*" for a credit note (which credits the second invoice).
LATE_INVOICES: tuple[tuple[str, str, Decimal, Decimal, str], ...] = (
    ("103", "Arbete kök och servering", Decimal("14190.00"), Decimal("8350.00"), ""),
    ("104", "Energiutredning, slutrapport", Decimal("38000.00"), ZERO, ""),
    ("105", "Fönsterbyte etapp 3, Älvsbacka", Decimal("25800.00"), Decimal("31200.00"), ""),
    ("104", "Kreditering, för många debiterade timmar", Decimal("-4750.00"), ZERO, "*"),
)


def sample_4i(first_number: int) -> bytes:
    """A few customer invoices from an invoicing program, for import (4I, no balances)."""
    lines = header_lines("Norrsken Fakturering", "2.3", dt.date(2025, 12, 31), "Fakturering")
    lines.append(quote_record("#PROSA", "Kundfakturor att läsa in i bokföringen"))
    lines += company_lines(orgnr())
    lines += [
        f"#RAR 0 {fmt_date(YEAR_START)} {fmt_date(YEAR_END)}",
        "#KPTYP EUBAS97",
        "#VALUTA SEK",
    ]
    names = {a: n for a, n, _sru in ACCOUNTS}
    for account in ("1510", "2610", "3001", "3041"):
        lines.append(f"#KONTO {account} {quote(names[account])}")
    for dim, name in DIMENSIONS:
        if dim != 9:
            lines.append(f"#DIM {dim} {quote(name)}")
    for cid, name in COST_CENTRES[1:]:
        lines.append(f"#OBJEKT 1 {quote(cid)} {quote(name)}")
    used = sorted({cid for cid, *_ in LATE_INVOICES})
    for cid in used:
        lines.append(f"#OBJEKT 6 {quote(customer(cid).project)} {quote(project_name(cid))}")
    for cid in used:
        lines.append(f"#OBJEKT 8 {quote(cid)} {quote(customer(cid).name)}")
    vouchers: list[str] = []
    for n, (cid, text, service, material, credit) in enumerate(LATE_INVOICES):
        number = str(first_number + n)
        cust = customer(cid)
        kind = "Kreditfaktura" if credit else "Kundfaktura"
        label = f"{kind} {number} {cust.name}"
        object_name = label + (f", avser faktura {first_number + 1}" if credit else "")
        lines.append(f"#OBJEKT 10 {quote(number)} {quote(object_name)}")
        net = service + material
        vat = money(net * VAT_RATE)
        centre = "30" if cust.kind == "konsult" else "20"
        objs = ((1, centre), (6, cust.project))
        day = dt.date(2025, 12, 29 + min(n, 2))
        ver = Ver("", day, label, [], sign="Fakturering", reg=day)
        ver.rows = [Row("1510", net + vat, ((8, cid), (10, number)), cust.name)]
        ver.rows.append(Row("3041", -service, objs, text))
        if material:
            ver.rows.append(Row("3001", -material, objs, "Material"))
        ver.rows.append(Row("2610", -vat))
        if sum((r.amount for r in ver.rows), ZERO) != 0:
            raise AssertionError("unbalanced 4I voucher")
        vouchers += voucher_lines(ver)
    return encode(lines + vouchers)


def project_name(cid: str) -> str:
    return dict(PROJECTS)[customer(cid).project]


# --------------------------------------------------------------------------- broken files


def tiny_file(
    *,
    org: str | None = None,
    extra_chart: Sequence[str] = (),
    ver_head: str | None = None,
    rows: Sequence[tuple[str, str]] = (
        ("1930", "1250.00"),
        ("3041", "-1000.00"),
        ("2610", "-250.00"),
    ),
    day: dt.date = dt.date(2025, 6, 10),
) -> bytes:
    """A minimal, otherwise correct 4I file with exactly one planted defect."""
    lines = header_lines("sie-bokslut samples", "1.0", GENERATED, BOOKKEEPER)
    lines += company_lines(org or orgnr())
    lines += [f"#RAR 0 {fmt_date(YEAR_START)} {fmt_date(YEAR_END)}", "#KPTYP EUBAS97"]
    names = {a: n for a, n, _sru in ACCOUNTS}
    for account in sorted({a for a, _ in rows}):
        lines.append(f"#KONTO {account} {quote(names[account])}")
    lines += extra_chart
    text = quote("Kontantförsäljning, Luleå marknad")
    lines.append(ver_head or f'#VER "" "" {fmt_date(day)} {text} {fmt_date(day)}')
    lines.append("{")
    lines += [f"#TRANS {account} {{}} {amount}" for account, amount in rows]
    lines.append("}")
    return encode(lines)


def broken_examples() -> dict[str, bytes]:
    return {
        "unbalanced_voucher.si": tiny_file(
            rows=(("1930", "1250.00"), ("3041", "-1000.00"), ("2610", "-200.00"))
        ),
        "wrong_orgnr_check_digit.si": tiny_file(org=orgnr(wrong=True)),
        "voucher_outside_year.si": tiny_file(day=dt.date(2026, 1, 5)),
        "unknown_label.si": tiny_file(extra_chart=["#MOMSKOD 2610 10"]),
        "unterminated_quote.si": tiny_file(
            ver_head='#VER "" "" 20250610 "Kontantförsäljning, Luleå marknad'
        ),
    }


# --------------------------------------------------------------------------- main


def build() -> dict[str, bytes]:
    """Every generated file, by path relative to the samples directory."""
    data_4e, sim = sample_4e()
    files = {
        "norrsken_ab_2025.se": data_4e,
        "norrsken_ab_2025_fakturor.si": sample_4i(max(int(i.number) for i in sim.ar) + 1),
    }
    for name, data in broken_examples().items():
        files[f"broken_examples/{name}"] = data
    return files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="directory to write into")
    args = parser.parse_args(argv)
    for name, data in build().items():
        path = args.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"{path} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
