"""AR/AP attachments (kund- och leverantörsreskontra) reconciled to the ledger.

Open items come either from the SIE rows themselves, where the rows on the
receivable/payable accounts carry customer (dimension 8) or supplier (9)
objects and optionally an invoice (10), or from another source such as the
Fortnox bridge's unpaid invoices, through the same :class:`OpenItem` type.
Either way the attachment sums the items per counterparty and compares the
grand total with the accounts' UB; a difference is a finding, and an account
range that cannot be specified says so instead of showing an empty list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, Literal

import attrs

from closing.findings import Finding, finding
from closing.settings import AccountRange, ClosingAccounts
from closing.trial_balance import TrialBalance
from sie import amounts, dates
from sie.amounts import ZERO
from sie.model import SieFile

AttachmentKind = Literal["customers", "suppliers"]
ItemSource = Literal["sie", "supplied", "none"]


@attrs.frozen(slots=True)
class OpenItem:
    """One open (unpaid) invoice at the balance date.

    ``amount`` follows the SIE sign: a customer invoice is positive (debit on
    1510), a supplier invoice negative (credit on 2440). ``invoice`` is empty
    when only the counterparty is known.
    """

    counterparty_id: str
    counterparty_name: str
    invoice: str
    date: dt.date | None
    amount: Decimal
    account: str


@attrs.frozen(slots=True)
class CounterpartyTotal:
    """The open items of one customer or supplier; its name and sum follow from them."""

    #: The SIE object (dimension 8 kund, 9 leverantör).
    counterparty_id: str
    items: tuple[OpenItem, ...]

    @property
    def counterparty_name(self) -> str:
        """The first name an item gives (empty when none does)."""
        return next((i.counterparty_name for i in self.items if i.counterparty_name), "")

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.items), ZERO)


@attrs.frozen(slots=True)
class Attachment:
    """A reskontra specification reconciled to the book balance of its accounts."""

    kind: AttachmentKind
    accounts: AccountRange
    #: Σ UB of the range in the trial balance.
    book_balance: Decimal
    #: The open items, by counterparty, date and invoice.
    items: tuple[OpenItem, ...]
    #: Where the items come from: SIE objects, another source, or none at all.
    source: ItemSource
    #: Σ of rows on the range that carry no counterparty object (unexplained postings).
    unassigned: Decimal
    #: Opening balance of the range that the file does not specify (no #OIB per object).
    unspecified_opening: Decimal

    @property
    def title(self) -> str:
        return _TITLES[self.kind]

    @property
    def account(self) -> str:
        """Main account shown in summaries (the first of the range, 1510 / 2440)."""
        return self.accounts.first

    @property
    def note(self) -> str:
        """What the specification rests on, in a sentence or two."""
        who = _WHO[self.kind]
        if self.source == "none":
            return (
                f"The file carries no {who} objects on {self.accounts}; the open items cannot be "
                f"derived from it. Book balance {amounts.format(self.book_balance)}; supply the "
                f"{who} ledger's open items to reconcile."
            )
        note = f"{len(self.items)} open item(s), {len(self.counterparties)} {who}(s)."
        if self.unspecified_opening:
            note += (
                f" The opening balance {amounts.format(self.unspecified_opening)} is not "
                f"specified per {who} (the file has no #OIB for these accounts)."
            )
        return note

    @property
    def counterparties(self) -> tuple[CounterpartyTotal, ...]:
        """The items grouped per counterparty, in the items' order."""
        groups: dict[str, list[OpenItem]] = {}
        for item in self.items:
            groups.setdefault(item.counterparty_id, []).append(item)
        return tuple(CounterpartyTotal(cid, tuple(its)) for cid, its in groups.items())

    @property
    def specified(self) -> Decimal:
        return sum((i.amount for i in self.items), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.book_balance - self.specified

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "account": self.account,
            "accounts": str(self.accounts),
            "source": self.source,
            "book_balance": amounts.to_json(self.book_balance),
            "specified": amounts.to_json(self.specified),
            "difference": amounts.to_json(self.difference),
            "unassigned": amounts.to_json(self.unassigned),
            "unspecified_opening": amounts.to_json(self.unspecified_opening),
            "note": self.note,
            "counterparties": [
                {
                    "id": c.counterparty_id,
                    "name": c.counterparty_name,
                    "total": amounts.to_json(c.total),
                    "items": [
                        {
                            "invoice": i.invoice,
                            "date": dates.iso(i.date),
                            "amount": amounts.to_json(i.amount),
                            "account": i.account,
                        }
                        for i in c.items
                    ],
                }
                for c in self.counterparties
            ],
        }


_TITLES: dict[AttachmentKind, str] = {
    "customers": "Kundreskontra",
    "suppliers": "Leverantörsreskontra",
}
_WHO: dict[AttachmentKind, str] = {"customers": "customer", "suppliers": "supplier"}


def open_items_from_sie(
    model: SieFile, accounts: AccountRange, dimension: int, invoice_dimension: int = 10
) -> tuple[list[OpenItem], Decimal, bool, bool]:
    """Open items per (counterparty, invoice) on ``accounts`` from SIE objects.

    Returns the non-zero items, the sum of rows without a counterparty object,
    whether the file uses the dimension on these accounts at all, and whether
    it gives opening items. Opening items come from ``#OIB`` (by invoice when
    the file gives them per invoice, else by counterparty).
    """
    year = model.year(0)
    start = year.start if year else None
    names = {(o.dimension, o.id): o.name for o in model.objects}
    sums: dict[tuple[str, str], Decimal] = {}
    first: dict[tuple[str, str], tuple[dt.date | None, str]] = {}
    invoice_owner: dict[str, str] = {}
    unassigned = ZERO
    used = False

    def add(key: tuple[str, str], amount: Decimal, day: dt.date | None, account: str) -> None:
        sums[key] = sums.get(key, ZERO) + amount
        seen = first.get(key)
        if seen is None:
            first[key] = (day, account)
        elif day is not None and (seen[0] is None or day < seen[0]):
            first[key] = (day, seen[1])

    for v in model.vouchers:
        if year is not None and not year.contains(v.date):
            continue
        for r in v.trans:
            if r.account not in accounts:
                continue
            objs = dict(r.objects)
            party = objs.get(dimension)
            if party is None:
                unassigned += r.amount
                continue
            used = True
            invoice = objs.get(invoice_dimension, "")
            if invoice:
                invoice_owner.setdefault(invoice, party)
            add((party, invoice), r.amount, r.date or v.date, r.account)

    opening = [
        ob
        for ob in model.object_balances
        if ob.kind == "OIB" and ob.year == 0 and ob.account in accounts
    ]
    by_invoice = [ob for ob in opening if ob.object[0] == invoice_dimension]
    chosen = by_invoice or [ob for ob in opening if ob.object[0] == dimension]
    for ob in chosen:
        used = True
        if ob.object[0] == invoice_dimension:
            key = (invoice_owner.get(ob.object[1], ""), ob.object[1])
        else:
            key = (ob.object[1], "")
        add(key, ob.amount, start, ob.account)

    items = [
        OpenItem(
            counterparty_id=party,
            counterparty_name=names.get((dimension, party), ""),
            invoice=invoice,
            date=first[(party, invoice)][0],
            amount=amount,
            account=first[(party, invoice)][1],
        )
        for (party, invoice), amount in sums.items()
        if amount != 0
    ]
    return items, unassigned, used, bool(chosen)


def _item_order(item: OpenItem) -> tuple[str, dt.date, str]:
    """Items by counterparty, date (undated first) and invoice."""
    return (item.counterparty_id, item.date or dt.date.min, item.invoice)


def build_attachment(
    kind: AttachmentKind,
    accounts: AccountRange,
    tb: TrialBalance,
    items: Iterable[OpenItem],
    source: ItemSource,
    unassigned: Decimal = ZERO,
    opening_given: bool = True,
) -> tuple[Attachment, list[Finding]]:
    """The items as the attachment of ``accounts``, reconciled with their book balance."""
    lines = list(tb.in_range(accounts))
    attachment = Attachment(
        kind=kind,
        accounts=accounts,
        book_balance=sum((x.ub for x in lines), ZERO),
        items=tuple(sorted(items, key=_item_order)),
        source=source,
        unassigned=unassigned,
        unspecified_opening=ZERO if opening_given else sum((x.ib for x in lines), ZERO),
    )
    title, who = attachment.title, _WHO[kind]
    book, opening = attachment.book_balance, attachment.unspecified_opening
    findings: list[Finding] = []
    if source == "none" and book:
        findings.append(finding("closing-attachment-unspecified", f"{title}: {attachment.note}"))
    if source != "none" and attachment.difference:
        extra = (
            f"; rows without a {who} object sum to {amounts.format(unassigned)}"
            if unassigned
            else ""
        )
        if opening:
            extra += f"; the opening balance {amounts.format(opening)} has no #OIB per {who}"
        findings.append(
            finding(
                "closing-attachment-difference",
                f"{title}: book balance of {accounts} is {amounts.format(book)}, the open items "
                f"sum to {amounts.format(attachment.specified)}, difference "
                f"{amounts.format(attachment.difference)}{extra}. Find the unmatched invoice or "
                "payment before closing.",
            )
        )
    return attachment, findings


def attachments(
    model: SieFile,
    tb: TrialBalance,
    accounts: ClosingAccounts,
    supplied: Iterable[OpenItem] | None = None,
) -> tuple[tuple[Attachment, ...], list[Finding]]:
    """The customer and supplier attachments: from ``supplied`` items when given
    (they replace the SIE objects for both ranges), else from the SIE objects."""
    given = list(supplied) if supplied is not None else None
    findings: list[Finding] = []
    if given:
        stray = [
            i
            for i in given
            if i.account not in accounts.customers and i.account not in accounts.suppliers
        ]
        for i in stray:
            findings.append(
                finding(
                    "closing-item-account",
                    f"Open item {i.invoice or '-'} of {i.counterparty_id} is on account "
                    f"{i.account}, outside {accounts.customers} and {accounts.suppliers}; "
                    "it is left out. Give the receivable or payable account.",
                )
            )
    out: list[Attachment] = []
    specs: tuple[tuple[AttachmentKind, AccountRange, int], ...] = (
        ("customers", accounts.customers, accounts.customer_dimension),
        ("suppliers", accounts.suppliers, accounts.supplier_dimension),
    )
    for kind, rng, dim in specs:
        if given is not None:
            mine = [i for i in given if i.account in rng]
            att, fs = build_attachment(kind, rng, tb, mine, "supplied")
        else:
            items, unassigned, used, opening_given = open_items_from_sie(
                model, rng, dim, accounts.invoice_dimension
            )
            source: ItemSource = "sie" if used else "none"
            att, fs = build_attachment(kind, rng, tb, items, source, unassigned, opening_given)
        out.append(att)
        findings.extend(fs)
    return tuple(out), findings
