"""What the bridge reads from Fortnox, as plain values (``Decimal`` amounts, ``date`` dates).

Everything that belongs to a financial year is read *of that year*: Fortnox keeps a chart of
accounts and the voucher series per year and, without ``financialyear``, silently answers for
the current one. The year's id (Fortnox's ``Year`` / ``financialyear``) travels in every value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import attrs

import sie
from closing.attachments import OpenItem
from fortnox_bridge.client import FortnoxClient, Progress
from fortnox_bridge.errors import (
    FortnoxError,
    NoFinancialYear,
    NotFound,
    OrgnrMismatch,
    ScopeError,
    ServerError,
)
from sie import amounts, orgnr


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ServerError(f"Fortnox sent a date that is not YYYY-MM-DD: {value!r}") from None


def _need_date(value: Any, what: str) -> dt.date:
    found = _date(value)
    if found is None:
        raise ServerError(f"Fortnox sent no {what}")
    return found


def _decimal(value: Any, what: str) -> Decimal:
    """A Fortnox number (JSON number or, on some lists, a string) — never defaulted to 0."""
    if isinstance(value, bool) or value is None or value == "":
        raise ServerError(f"Fortnox sent no number for {what}")
    if isinstance(value, float):  # only if someone parsed without parse_float=Decimal
        raise TypeError(f"{what} was parsed as float; parse Fortnox JSON with loads()")
    try:
        return Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise ServerError(f"Fortnox sent {value!r} for {what}, not a number") from None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


@attrs.frozen(slots=True)
class CompanyInfo:
    name: str
    organisation_number: str
    #: The tenant id (``DatabaseNumber``) as text; Fortnox types it int or string.
    database_number: str


@attrs.frozen(slots=True)
class FinancialYear:
    #: Fortnox's id of the year: ``Year`` on vouchers, ``financialyear=`` in queries.
    id: int
    start: dt.date
    end: dt.date
    chart_type: str = ""
    accounting_method: str = ""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


@attrs.frozen(slots=True)
class Account:
    number: str
    description: str
    active: bool
    sru: str
    year: int


@attrs.frozen(slots=True)
class VoucherSeries:
    code: str
    description: str
    manual: bool
    next_number: int | None
    year: int


@attrs.frozen(slots=True)
class VoucherSummary:
    """A voucher as the list shows it (no rows): enough to find an idempotency marker."""

    series: str
    number: int
    year: int
    date: dt.date
    description: str
    comments: str
    reference_type: str


def _year_id(year: FinancialYear | int) -> int:
    return year.id if isinstance(year, FinancialYear) else int(year)


# -- company ----------------------------------------------------------------------------------
def company_information(client: FortnoxClient) -> CompanyInfo:
    info = client.get("/3/companyinformation").get("CompanyInformation") or {}
    return CompanyInfo(
        name=_text(info.get("CompanyName")),
        organisation_number=_text(info.get("OrganizationNumber")),
        database_number=_text(info.get("DatabaseNumber")),
    )


def check_organisation_number(company: CompanyInfo, sie_orgnr: str | None, file: str = "") -> None:
    """Refuse the import unless the SIE file's ``#ORGNR`` is the Fortnox company's number."""
    where = f"{file}: " if file else ""
    ours = orgnr.compact(sie_orgnr or "")
    theirs = orgnr.compact(company.organisation_number or "")
    if not ours or not theirs:
        missing = (
            "the SIE file has no #ORGNR" if not ours else "Fortnox gives no OrganizationNumber"
        )
        raise OrgnrMismatch(
            f"{where}{missing}; cannot prove the file belongs to {company.name!r}",
            hint="the import is refused; check the company in Fortnox and the file",
        )
    if ours != theirs:
        raise OrgnrMismatch(
            f"{where}the SIE file is for organisation number {sie_orgnr} but the Fortnox company "
            f"{company.name!r} has {company.organisation_number}",
            hint="the import is refused: connect to the right company or pick the right file",
        )


# -- financial years --------------------------------------------------------------------------
def _financial_year(item: Mapping[str, Any]) -> FinancialYear:
    return FinancialYear(
        id=int(item["Id"]),
        start=_need_date(item.get("FromDate"), "FromDate"),
        end=_need_date(item.get("ToDate"), "ToDate"),
        chart_type=_text(item.get("AccountChartType")),
        accounting_method=_text(item.get("AccountingMethod")),
    )


def financial_years(client: FortnoxClient) -> list[FinancialYear]:
    items = client.list_all("/3/financialyears", "FinancialYears")
    return sorted((_financial_year(i) for i in items), key=lambda y: y.start)


def financial_year_for(client: FortnoxClient, day: dt.date) -> FinancialYear:
    """The financial year containing ``day`` (Fortnox's ``?date=``); refuses when there is none."""
    items = client.get("/3/financialyears", {"date": day.isoformat()}).get("FinancialYears") or []
    years = [y for y in (_financial_year(i) for i in items) if day in y]
    if not years:
        raise NoFinancialYear(
            f"no financial year in Fortnox contains {day.isoformat()}",
            method="GET",
            path="/3/financialyears",
            hint="create the financial year in Fortnox first (Inställningar → Räkenskapsår)",
        )
    return years[0]


def financial_year(client: FortnoxClient, year_id: int) -> FinancialYear:
    return _financial_year(
        client.get(f"/3/financialyears/{int(year_id)}").get("FinancialYear") or {}
    )


# -- chart, series, lock ----------------------------------------------------------------------
def accounts(client: FortnoxClient, year: FinancialYear | int) -> list[Account]:
    """The chart of accounts of that financial year (active and inactive)."""
    year_id = _year_id(year)
    items = client.list_all("/3/accounts", "Accounts", {"financialyear": year_id})
    return [
        Account(
            number=str(i["Number"]),
            description=_text(i.get("Description")),
            active=bool(i.get("Active", True)),
            sru=_text(i.get("SRU") or ""),
            year=int(i.get("Year") or year_id),
        )
        for i in items
    ]


def voucher_series(client: FortnoxClient, year: FinancialYear | int) -> list[VoucherSeries]:
    year_id = _year_id(year)
    items = client.list_all(
        "/3/voucherseries", "VoucherSeriesCollection", {"financialyear": year_id}
    )
    return [
        VoucherSeries(
            code=str(i["Code"]),
            description=_text(i.get("Description")),
            manual=bool(i.get("Manual", False)),
            next_number=None if i.get("NextVoucherNumber") is None else int(i["NextVoucherNumber"]),
            year=int(i.get("Year") or year_id),
        )
        for i in items
    ]


def locked_period(client: FortnoxClient) -> dt.date | None:
    """The last locked day, or None when no period is locked (Fortnox sends "" or null)."""
    data = client.get("/3/settings/lockedperiod").get("LockedPeriod") or {}
    return _date(data.get("EndDate"))


# -- vouchers ---------------------------------------------------------------------------------
def _summary(item: Mapping[str, Any], year_id: int) -> VoucherSummary:
    return VoucherSummary(
        series=str(item["VoucherSeries"]),
        number=int(item["VoucherNumber"]),
        year=int(item.get("Year") or year_id),
        date=_need_date(item.get("TransactionDate"), "TransactionDate"),
        description=_text(item.get("Description")),
        comments=_text(item.get("Comments")),
        reference_type=_text(item.get("ReferenceType")),
    )


def vouchers_on(
    client: FortnoxClient, year: FinancialYear | int, series: str, day: dt.date
) -> list[VoucherSummary]:
    """The vouchers of ``series`` dated ``day`` in that financial year (all pages)."""
    year_id = _year_id(year)
    params: dict[str, str | int] = {
        "financialyear": year_id,
        "fromdate": day.isoformat(),
        "todate": day.isoformat(),
    }
    items = client.list_all(f"/3/vouchers/sublist/{series}", "Vouchers", params)
    found = [_summary(i, year_id) for i in items]
    return [v for v in found if v.date == day and v.series == series]


def voucher(
    client: FortnoxClient, year: FinancialYear | int, series: str, number: int
) -> dict[str, Any]:
    """One voucher with its rows, as Fortnox's JSON object (Decimal amounts)."""
    data = client.get(f"/3/vouchers/{series}/{int(number)}", {"financialyear": _year_id(year)})
    return dict(data.get("Voucher") or {})


# -- SIE --------------------------------------------------------------------------------------
def sie_export(client: FortnoxClient, year: FinancialYear | int, sie_type: int = 4) -> bytes:
    """The raw SIE bytes of a financial year: never decoded here (CP437 or UTF-8, sie decides)."""
    if sie_type not in (1, 2, 3, 4):
        raise ValueError("SIE type must be 1, 2, 3 or 4")
    return client.get_bytes(f"/3/sie/{sie_type}", {"financialyear": _year_id(year)})


def read_sie(client: FortnoxClient, year: FinancialYear | int, sie_type: int = 4) -> sie.ReadResult:
    """Pull the SIE export and read it with ``sie.read`` (which detects the encoding)."""
    data = sie_export(client, year, sie_type)
    return sie.read(data, name=f"fortnox:{client.tenant}:year-{_year_id(year)}.se")


# -- unpaid invoices at the year end ----------------------------------------------------------
@attrs.frozen(slots=True)
class Invoice:
    """A customer or supplier invoice as the list shows it, amounts in the invoice currency."""

    number: str
    counterparty_id: str
    counterparty_name: str
    date: dt.date | None
    total: Decimal
    balance: Decimal
    final_pay_date: dt.date | None
    cancelled: bool = False
    booked: bool = True
    currency: str = "SEK"
    rate: Decimal = Decimal(1)
    #: The number payments refer to (a supplier invoice's ``GivenNumber``); ``number`` if empty.
    payment_key: str = ""


@attrs.frozen(slots=True)
class OpenInvoices:
    """Open items at the year end for ``closing``'s AR/AP attachment, and how they were found."""

    kind: Literal["customers", "suppliers"]
    year_end: dt.date
    items: tuple[OpenItem, ...]
    #: What was skipped or approximated, in words (nothing is dropped silently).
    notes: tuple[str, ...]
    #: True when every amount came from payments dated up to the year end (no approximation).
    exact: bool


Payments = Mapping[str, list[tuple[dt.date, Decimal]]]


def open_at_year_end(
    invoices: Iterable[Invoice],
    year_end: dt.date,
    *,
    kind: Literal["customers", "suppliers"],
    account: str,
    payments: Payments | None = None,
) -> OpenInvoices:
    """Which invoices were unpaid on ``year_end``, and by how much (the rule, pure).

    An invoice counts when it is dated on or before the year end (an older invoice still unpaid
    is still on the ledger account), is not cancelled, is booked, and was not fully settled by
    the year end (``FinalPayDate`` empty or later). Its open amount is the total less the
    payments dated up to the year end when ``payments`` are known (exact). Without them
    Fortnox offers only today's state, so: an invoice fully paid after the year end counts
    with its whole total (a part-payment made before the year end is not visible), and one
    still unpaid today counts with today's balance (a part-payment made after the year end is
    missing). Foreign
    currency amounts are converted at the invoice's rate (the booked value).
    """
    sign = Decimal(1) if kind == "customers" else Decimal(-1)
    items: list[OpenItem] = []
    skipped = {"cancelled": 0, "unbooked": 0, "undated": 0}
    approx_total = approx_balance = converted = 0
    exact = payments is not None
    for inv in invoices:
        if inv.cancelled:
            skipped["cancelled"] += 1
            continue
        if inv.date is None:
            skipped["undated"] += 1
            continue
        if inv.date > year_end:
            continue
        if not inv.booked:
            skipped["unbooked"] += 1
            continue
        foreign = bool(inv.currency) and inv.currency.upper() != "SEK"
        if inv.final_pay_date is not None and inv.final_pay_date <= year_end:
            continue
        if payments is not None and not foreign:
            paid = sum(
                (a for d, a in payments.get(inv.payment_key or inv.number, []) if d <= year_end),
                Decimal(0),
            )
            open_amount = inv.total - paid
        elif inv.final_pay_date is not None:
            open_amount = inv.total
            approx_total += 1
        else:
            open_amount = inv.balance
            if inv.balance != inv.total:
                approx_balance += 1
        if open_amount == 0:
            continue
        if foreign:
            open_amount = (open_amount * inv.rate).quantize(amounts.CENT)
            converted += 1
        items.append(
            OpenItem(
                counterparty_id=inv.counterparty_id,
                counterparty_name=inv.counterparty_name,
                invoice=inv.number,
                date=inv.date,
                amount=sign * open_amount,
                account=account,
            )
        )
    notes: list[str] = []
    who = "customer" if kind == "customers" else "supplier"
    for reason, count in skipped.items():
        if count:
            notes.append(f"{count} {reason} {who} invoice(s) left out")
    if approx_total:
        notes.append(
            f"{approx_total} invoice(s) paid in full after {year_end.isoformat()} counted with "
            "their whole total (part-payments made by the year end are not visible in the list)"
        )
    if approx_balance:
        notes.append(
            f"{approx_balance} invoice(s) still partly unpaid today counted with today's balance "
            "(part-payments made after the year end are not visible in the list)"
        )
    if converted:
        notes.append(f"{converted} foreign-currency invoice(s) converted at the invoice rate")
    exact = exact and not (approx_total or approx_balance or converted)
    return OpenInvoices(kind, year_end, tuple(items), tuple(notes), exact)


def _rate(item: Mapping[str, Any]) -> Decimal:
    if item.get("CurrencyRate") in (None, ""):
        return Decimal(1)
    rate = _decimal(item["CurrencyRate"], "CurrencyRate")
    unit = item.get("CurrencyUnit")
    if unit not in (None, "", 0):
        rate = rate / _decimal(unit, "CurrencyUnit")
    return rate


def _customer_invoice(item: Mapping[str, Any]) -> Invoice:
    number = _text(item.get("DocumentNumber"))
    return Invoice(
        number=number,
        counterparty_id=_text(item.get("CustomerNumber")),
        counterparty_name=_text(item.get("CustomerName")),
        date=_date(item.get("InvoiceDate")),
        total=_decimal(item.get("Total"), f"Total of invoice {number}"),
        balance=_decimal(item.get("Balance"), f"Balance of invoice {number}"),
        final_pay_date=_date(item.get("FinalPayDate")),
        cancelled=bool(item.get("Cancelled", False)),
        booked=bool(item.get("Booked", True)),
        currency=_text(item.get("Currency") or "SEK"),
        rate=_rate(item),
    )


def _supplier_invoice(item: Mapping[str, Any]) -> Invoice:
    """The supplier's own invoice number names the item (what the accountant sees on paper);
    Fortnox's ``GivenNumber`` is what payments refer to."""
    given = _text(item.get("GivenNumber"))
    number = _text(item.get("InvoiceNumber")) or given
    total = _decimal(item.get("Total"), f"Total of supplier invoice {number}")
    balance = _decimal(item.get("Balance"), f"Balance of supplier invoice {number}")
    if item.get("Credit") in (True, "true") and total > 0:  # a credit note reduces the debt
        total, balance = -total, -balance
    return Invoice(
        number=number,
        counterparty_id=_text(item.get("SupplierNumber")),
        counterparty_name=_text(item.get("SupplierName")),
        date=_date(item.get("InvoiceDate")),
        total=total,
        balance=balance,
        final_pay_date=_date(item.get("FinalPayDate")),
        cancelled=bool(item.get("Cancel", item.get("Cancelled", False))),
        booked=bool(item.get("Booked", True)),
        currency=_text(item.get("Currency") or "SEK"),
        rate=_rate(item),
        payment_key=given,
    )


def _payments(
    client: FortnoxClient, path: str, key: str, progress: Progress | None
) -> tuple[Payments | None, str]:
    """Payments per invoice number, or None with the reason when they cannot be read."""
    try:
        items = client.list_all(path, key, progress=progress)
    except (ScopeError, NotFound) as exc:
        return (
            None,
            f"payments not readable ({exc.message}); amounts approximated from today's state",
        )
    found: dict[str, list[tuple[dt.date, Decimal]]] = {}
    for p in items:
        day = _date(p.get("PaymentDate"))
        if day is None:
            continue
        amount = _decimal(p.get("Amount"), f"payment {p.get('Number')}")
        found.setdefault(_text(p.get("InvoiceNumber")), []).append((day, amount))
    return found, ""


def _open(
    client: FortnoxClient,
    year: FinancialYear,
    kind: Literal["customers", "suppliers"],
    account: str,
    use_payments: bool,
    progress: Progress | None,
) -> OpenInvoices:
    if kind == "customers":
        raw = client.list_all("/3/invoices", "Invoices", progress=progress)
        invoices = [_customer_invoice(i) for i in raw]
        pay_path, pay_key = "/3/invoicepayments", "InvoicePayments"
    else:
        raw = client.list_all("/3/supplierinvoices", "SupplierInvoices", progress=progress)
        invoices = [_supplier_invoice(i) for i in raw]
        pay_path, pay_key = "/3/supplierinvoicepayments", "SupplierInvoicePayments"
    payments: Payments | None = None
    why = ""
    if use_payments:
        payments, why = _payments(client, pay_path, pay_key, progress)
    result = open_at_year_end(invoices, year.end, kind=kind, account=account, payments=payments)
    if why:
        result = attrs.evolve(result, notes=(why, *result.notes))
    return result


def open_customer_invoices(
    client: FortnoxClient,
    year: FinancialYear,
    *,
    account: str = "1510",
    use_payments: bool = True,
    progress: Progress | None = None,
) -> OpenInvoices:
    """Customer invoices unpaid at ``year.end`` (AR), positive amounts, on ``account``.

    Fortnox's ``filter=unpaid`` is today's state, so every invoice is read and judged by
    :func:`open_at_year_end`; with the ``payment`` scope the payments make it exact.
    """
    return _open(client, year, "customers", account, use_payments, progress)


def open_supplier_invoices(
    client: FortnoxClient,
    year: FinancialYear,
    *,
    account: str = "2440",
    use_payments: bool = True,
    progress: Progress | None = None,
) -> OpenInvoices:
    """Supplier invoices unpaid at ``year.end`` (AP), negative (SIE sign), on ``account``."""
    return _open(client, year, "suppliers", account, use_payments, progress)


__all__ = [
    "Account",
    "CompanyInfo",
    "FinancialYear",
    "FortnoxError",
    "Invoice",
    "OpenInvoices",
    "VoucherSeries",
    "VoucherSummary",
    "accounts",
    "check_organisation_number",
    "company_information",
    "financial_year",
    "financial_year_for",
    "financial_years",
    "locked_period",
    "open_at_year_end",
    "open_customer_invoices",
    "open_supplier_invoices",
    "read_sie",
    "sie_export",
    "voucher",
    "voucher_series",
    "vouchers_on",
]
