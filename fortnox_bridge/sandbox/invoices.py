"""Customer invoices (``/3/invoices``), supplier invoices (``/3/supplierinvoices``) and their
payments, as Fortnox lists them.

``filter`` takes Fortnox's names (anything else answers 400 / 2000587). ``unpaid`` is
today's state, as on Fortnox: an invoice paid after the year end is not unpaid any more;
the payments lists (with their dates) let a client reconstruct an earlier day. Supplier
invoices carry ``Balance``/``Total``/``VAT`` as strings, as the spec types them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from werkzeug.wrappers import Response

from fortnox_bridge.sandbox.context import Ctx, Refusal, date_arg, listing, sort_items
from fortnox_bridge.sandbox.errors import json_response
from fortnox_bridge.sandbox.state import Invoice
from sie import dates

Filter = Callable[[Invoice, dt.date], bool]


def _unpaid(i: Invoice, today: dt.date) -> bool:
    return not i.cancelled and i.balance != 0


FILTERS: dict[str, Filter] = {
    "cancelled": lambda i, today: i.cancelled,
    "fullypaid": lambda i, today: not i.cancelled and i.balance == 0,
    "unpaid": _unpaid,
    "unpaidoverdue": lambda i, today: _unpaid(i, today) and i.due_date < today,
    "unbooked": lambda i, today: not i.booked,
}
SUPPLIER_FILTERS: dict[str, Filter] = {
    **FILTERS,
    "pendingpayment": lambda i, today: False,
    "authorizepending": lambda i, today: False,
}


def _chosen(ctx: Ctx, invoices: list[Invoice], filters: dict[str, Filter]) -> list[Invoice]:
    name = ctx.args.get("filter")
    if name is not None and name not in filters:
        raise Refusal(ctx.error("invalid_filter"))
    start, end = date_arg(ctx, "fromdate"), date_arg(ctx, "todate")
    party = ctx.args.get("customernumber") or ctx.args.get("suppliernumber")
    number = ctx.args.get("documentnumber")
    return [
        i
        for i in invoices
        if (name is None or filters[name](i, ctx.today))
        and (start is None or i.invoice_date >= start)
        and (end is None or i.invoice_date <= end)
        and (party is None or i.party_number == party)
        and (number is None or i.number == number)
    ]


def _voucher(i: Invoice) -> tuple[str, int | None, int | None]:
    return (i.voucher[0], i.voucher[1], i.voucher[2]) if i.voucher else ("", None, None)


def _customer_item(ctx: Ctx, i: Invoice) -> dict[str, Any]:
    series, number, year = _voucher(i)
    item: dict[str, Any] = {
        "@url": ctx.url(f"/3/invoices/{i.number}"),
        "Balance": i.balance,
        "Booked": i.booked,
        "Cancelled": i.cancelled,
        "CostCenter": i.cost_center,
        "Currency": "SEK",
        "CurrencyRate": Decimal(1),
        "CurrencyUnit": Decimal(1),
        "CustomerName": i.party_name,
        "CustomerNumber": i.party_number,
        "DocumentNumber": i.number,
        "DueDate": i.due_date.isoformat(),
        "ExternalInvoiceReference1": "",
        "ExternalInvoiceReference2": "",
        "FinalPayDate": dates.iso(i.final_pay_date),
        "InvoiceDate": i.invoice_date.isoformat(),
        "InvoiceType": "INVOICE",
        "NoxFinans": False,
        "OCR": i.number,
        "Project": i.project,
        "Sent": True,
        "TermsOfPayment": "30",
        "Total": i.total,
        "VoucherNumber": number,
        "VoucherSeries": series,
        "VoucherYear": year,
        "WayOfDelivery": "",
    }
    return item


def _supplier_item(ctx: Ctx, i: Invoice) -> dict[str, Any]:
    vouchers = [
        {"Number": v[1], "ReferenceType": kind, "Series": v[0], "Year": v[2]}
        for v, kind in [(i.voucher, "SUPPLIERINVOICE")]
        + [(p.voucher, "SUPPLIERPAYMENT") for p in i.payments]
        if v is not None
    ]
    return {
        "@url": ctx.url(f"/3/supplierinvoices/{i.given_number}"),
        "AuthorizerName": "",
        "Balance": str(i.balance),
        "Booked": i.booked,
        "Cancel": i.cancelled,
        "CostCenter": i.cost_center,
        "Credit": i.total < 0,
        "Currency": "SEK",
        "CurrencyRate": "1",
        "CurrencyUnit": Decimal(1),
        "DueDate": i.due_date.isoformat(),
        "ExternalInvoiceNumber": "",
        "ExternalInvoiceSeries": "",
        "FinalPayDate": dates.iso(i.final_pay_date),
        "GivenNumber": i.given_number,
        "InvoiceDate": i.invoice_date.isoformat(),
        "InvoiceNumber": i.number,
        "Project": i.project,
        "SupplierName": i.party_name,
        "SupplierNumber": i.party_number,
        "Total": str(i.total),
        "Vouchers": vouchers,
    }


INVOICE_SORT = {
    "customername": "CustomerName",
    "customernumber": "CustomerNumber",
    "documentnumber": "DocumentNumber",
    "invoicedate": "InvoiceDate",
    "ocr": "OCR",
    "total": "Total",
}


def invoices(ctx: Ctx) -> Response:
    items = [_customer_item(ctx, i) for i in _chosen(ctx, ctx.tenant.invoices, FILTERS)]
    sort_items(ctx, items, INVOICE_SORT)
    return listing(ctx, "Invoices", items)


def invoice(ctx: Ctx, number: str) -> Response:
    found = next((i for i in ctx.tenant.invoices if i.number == number), None)
    if found is None:
        raise Refusal(ctx.error("invoice_not_found"))
    item = _customer_item(ctx, found)
    item.update(
        {
            "AccountingMethod": "ACCRUAL",
            "Credit": "true" if found.total < 0 else "false",
            "InvoiceRows": [],
            "TotalToPay": found.balance,
        }
    )
    return json_response({"Invoice": item})


def supplier_invoices(ctx: Ctx) -> Response:
    chosen = _chosen(ctx, ctx.tenant.supplier_invoices, SUPPLIER_FILTERS)
    items = [_supplier_item(ctx, i) for i in chosen]
    return listing(ctx, "SupplierInvoices", items)


def supplier_invoice(ctx: Ctx, given: str) -> Response:
    found = next((i for i in ctx.tenant.supplier_invoices if i.given_number == given), None)
    if found is None:
        raise Refusal(ctx.error("supplier_invoice_not_found"))
    item = _supplier_item(ctx, found)
    item["Cancelled"] = item.pop("Cancel")
    for key in ("AuthorizerName",):
        item.pop(key)
    item.update({"SupplierInvoiceRows": [], "VAT": "0"})
    series, number, year = _voucher(found)
    item.update({"VoucherNumber": number, "VoucherSeries": series, "VoucherYear": year})
    return json_response({"SupplierInvoice": item})


def invoice_payments(ctx: Ctx) -> Response:
    return _payments(
        ctx,
        "invoicepayments",
        "InvoicePayments",
        [
            (i.number, int(i.number) if i.number.isdigit() else 0, str(p.number), p)
            for i in ctx.tenant.invoices
            for p in i.payments
        ],
    )


def supplier_invoice_payments(ctx: Ctx) -> Response:
    return _payments(
        ctx,
        "supplierinvoicepayments",
        "SupplierInvoicePayments",
        [
            (i.given_number, i.given_number, p.number, p)
            for i in ctx.tenant.supplier_invoices
            for p in i.payments
        ],
    )


def _payments(ctx: Ctx, path: str, key: str, payments: list[tuple[str, Any, Any, Any]]) -> Response:
    """The payment list both registers share: (invoice key, its InvoiceNumber, the
    payment's Number, the payment), filtered by ``?invoicenumber=`` and sorted by Number."""
    wanted = ctx.args.get("invoicenumber")
    items = [
        {
            "@url": ctx.url(f"/3/{path}/{p.number}"),
            "Amount": p.amount,
            "Booked": True,
            "Currency": "SEK",
            "CurrencyRate": Decimal(1),
            "CurrencyUnit": Decimal(1),
            "InvoiceNumber": invoice_number,
            "Number": number,
            "PaymentDate": p.date.isoformat(),
            "Source": "manual",
            "WriteOffExist": False,
        }
        for invoice, invoice_number, number, p in payments
        if wanted is None or invoice == wanted
    ]
    items.sort(key=lambda item: int(str(item["Number"])))
    return listing(ctx, key, items)
