"""Customer and supplier invoices, with payments, recovered from a SIE file's objects.

Choice: invoices come from the invoicing dimensions the file already carries, not from
guessing. SIE's dimension 10 (faktura) names an invoice, 8 (kund) its customer and 9
(leverantör) its supplier. An account whose rows carry a customer object is a receivables
account, one with supplier objects a payables account. On those accounts:

* an ``#OIB`` with a dimension-10 object is an invoice left open from an earlier year
  (dated the day before the year starts: the file does not say when it was issued; its
  party is the customer or supplier whose name ends the object's name);
* the first row with a new dimension-10 object books the invoice (its voucher becomes
  ``INVOICE``/``SUPPLIERINVOICE``), further rows on the opposite side are payments
  (``INVOICEPAYMENT``/``SUPPLIERPAYMENT``), rows on the same side add to the invoice.

A file without dimension-10 objects seeds a company without invoices. Terms of payment
are 30 days throughout. Numbering (Fortnox's given numbers, payment numbers) is the
seeding's last step, over every file of the company.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import attrs

from fortnox_bridge.sandbox.state import Invoice, Payment
from sie.model import ObjectBalance, SieFile, Voucher

CUSTOMER_DIM = 8
SUPPLIER_DIM = 9
INVOICE_DIM = 10
TERMS_DAYS = 30


@attrs.define
class DerivedInvoices:
    invoices: list[Invoice] = attrs.field(factory=list)
    supplier_invoices: list[Invoice] = attrs.field(factory=list)
    #: (series, number) of a seeded voucher -> (ReferenceType, ReferenceNumber)
    references: dict[tuple[str, int], tuple[str, str]] = attrs.field(factory=dict)


def derive(
    model: SieFile,
    vouchers: Iterable[tuple[Voucher, str, int]],
    year_id: int,
    year_start: dt.date,
) -> DerivedInvoices:
    """Invoices of year 0 of ``model``; ``vouchers`` pairs each voucher with the series
    and number the sandbox gave it."""
    names = {(o.dimension, o.id): o.name for o in model.objects}
    sides = _account_sides(model)
    found: dict[tuple[bool, str], Invoice] = {}
    out = DerivedInvoices()

    for ob in model.object_balances:
        if ob.kind == "OIB" and ob.year == 0 and ob.account in sides:
            _opening(ob, sides[ob.account], year_start, found)

    for voucher, series, number in vouchers:
        for row in voucher.trans:
            supplier = sides.get(row.account)
            objects = dict(row.objects)
            if supplier is None or INVOICE_DIM not in objects:
                continue
            signed = -row.amount if supplier else row.amount
            key = (supplier, objects[INVOICE_DIM])
            party_dim = SUPPLIER_DIM if supplier else CUSTOMER_DIM
            party = objects.get(party_dim, "")
            invoice = found.get(key)
            ref = (series, number, year_id)
            if invoice is None:
                found[key] = Invoice(
                    number=key[1],
                    party_number=party,
                    party_name=names.get((party_dim, party), ""),
                    invoice_date=voucher.date,
                    due_date=voucher.date + dt.timedelta(days=TERMS_DAYS),
                    total=signed,
                    supplier=supplier,
                    voucher=ref,
                )
                kind = "SUPPLIERINVOICE" if supplier else "INVOICE"
                out.references[(series, number)] = (kind, key[1])
                continue
            if party and not invoice.party_number:
                invoice.party_number = party
                invoice.party_name = names.get((party_dim, party), "")
            if not invoice.payments and _same_side(invoice.total, signed):
                invoice.total += signed
                continue
            invoice.payments.append(
                Payment(number=0, amount=-signed, date=voucher.date, voucher=ref)
            )
            kind = "SUPPLIERPAYMENT" if supplier else "INVOICEPAYMENT"
            out.references.setdefault((series, number), (kind, key[1]))

    for (_, ident), invoice in found.items():
        if not invoice.party_number:
            _party_from_name(invoice, names, names.get((INVOICE_DIM, ident), ""))
    for invoice in found.values():
        (out.supplier_invoices if invoice.supplier else out.invoices).append(invoice)
    return out


def _account_sides(model: SieFile) -> dict[str, bool]:
    """Account -> True for payables (supplier objects), False for receivables."""
    sides: dict[str, bool] = {}
    refs = [(r.account, r.objects) for v in model.vouchers for r in v.trans if r.objects]
    refs += [(b.account, (b.object,)) for b in model.object_balances]
    for account, objects in refs:
        dims = {d for d, _ in objects}
        if CUSTOMER_DIM in dims:
            sides.setdefault(account, False)
        elif SUPPLIER_DIM in dims:
            sides.setdefault(account, True)
    return sides


def _opening(
    ob: ObjectBalance, supplier: bool, year_start: dt.date, found: dict[tuple[bool, str], Invoice]
) -> None:
    dim, ident = ob.object
    if dim != INVOICE_DIM:
        return
    day = year_start - dt.timedelta(days=1)
    found[(supplier, ident)] = Invoice(
        number=ident,
        party_number="",
        party_name="",
        invoice_date=day,
        due_date=day + dt.timedelta(days=TERMS_DAYS),
        total=-ob.amount if supplier else ob.amount,
        supplier=supplier,
    )


def _party_from_name(invoice: Invoice, names: dict[tuple[int, str], str], title: str) -> None:
    """An invoice seen only in an ``#OIB`` names no party; its object's name usually ends
    with the customer's or supplier's name ("Kundfaktura 0987 Brf Solgläntan")."""
    dim = SUPPLIER_DIM if invoice.supplier else CUSTOMER_DIM
    matches = [
        (len(name), ident, name)
        for (d, ident), name in names.items()
        if d == dim and name and title.endswith(name)
    ]
    if matches:
        _, invoice.party_number, invoice.party_name = max(matches)


def _same_side(total: Decimal, amount: Decimal) -> bool:
    return (total >= 0) == (amount >= 0)


def number_key(number: str) -> tuple[int, str]:
    """Invoice numbers in numeric order where they are numbers."""
    return (int(number), number) if number.isdigit() else (10**12, number)
