"""AR/AP attachments: open items from SIE objects or another source, reconciled
to the book balance, and an honest attachment when nothing can be specified."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sie
from closing import ClosingSettings, OpenItem, close
from sie import amounts
from sie.model import Object, ObjectBalance
from tests.closing_support import dec, ledger
from tests.conftest import corpus_file

CUSTOMER = 8
SUPPLIER = 9
INVOICE = 10


def with_objects():  # type: ignore[no-untyped-def]
    import attrs

    model = ledger(
        2025,
        ib={"1510": 1_000, "1930": 9_000, "2091": -10_000},
        entries=[
            ("Faktura 101", [("1510", 500, ((8, "K1"), (10, "101"))), ("3001", -500)]),
            ("Faktura 102", [("1510", 300, ((8, "K1"), (10, "102"))), ("3001", -300)]),
            ("Faktura 201", [("1510", 250, ((8, "K2"), (10, "201"))), ("3001", -250)]),
            ("Betalning 101", [("1930", 500), ("1510", -500, ((8, "K1"), (10, "101")))]),
            ("Betalning 99", [("1930", 1_000), ("1510", -1_000, ((8, "K2"), (10, "99")))]),
            ("Leverantörsfaktura", [("5010", 800), ("2440", -800, ((9, "L1"), (10, "A-7")))]),
            ("Okopplad", [("1510", 40), ("3001", -40)]),
        ],
        objects=[Object(8, "K1", "Kund Ett AB"), Object(9, "L1", "Leverantör Ett AB")],
    )
    # The opening 1 000 is invoice 99 of customer K2.
    opening = (ObjectBalance("OIB", 0, "1510", dec(1_000), object=(INVOICE, "99")),)
    return attrs.evolve(model, object_balances=opening)


def test_items_from_dimensions_reconcile() -> None:
    result = close(with_objects())
    customers, suppliers = result.attachments
    assert customers.source == "sie"
    items = {(i.counterparty_id, i.invoice): i.amount for i in customers.items}
    # 101 is paid, 99 (from #OIB) is paid; the unlinked 40 stays unassigned.
    assert items == {("K1", "102"): dec(300), ("K2", "201"): dec(250)}
    assert [
        (c.counterparty_id, c.counterparty_name, c.total) for c in customers.counterparties
    ] == [
        ("K1", "Kund Ett AB", dec(300)),
        ("K2", "", dec(250)),
    ]
    assert customers.book_balance == dec(590)
    assert customers.specified == dec(550)
    assert customers.unassigned == dec(40)
    assert customers.difference == dec(40)
    [diff] = [f for f in result.findings if f.code == "closing-attachment-difference"]
    assert "Kundreskontra" in diff.message and "difference 40,00" in diff.message
    assert suppliers.source == "sie"
    assert suppliers.difference == 0
    [item] = suppliers.items
    assert (item.counterparty_name, item.invoice, item.amount) == (
        "Leverantör Ett AB",
        "A-7",
        dec(-800),
    )
    assert result.to_json()["attachments"][1] == {
        "account": "2440",
        "title": "Leverantörsreskontra",
        "source": "sie",
        "book_balance": "-800.00",
        "specified": "-800.00",
        "difference": "0.00",
    }


def test_supplied_items_replace_sie_objects() -> None:
    items = [
        OpenItem("K1", "Kund Ett AB", "102", dt.date(2025, 5, 1), Decimal("300"), "1510"),
        OpenItem("K2", "Kund Två AB", "201", dt.date(2025, 6, 1), Decimal("290"), "1510"),
        OpenItem("L1", "Leverantör Ett AB", "A-7", None, Decimal("-800"), "2440"),
        OpenItem("X", "Fel konto", "1", None, Decimal("5"), "1930"),
    ]
    result = close(with_objects(), counterparty_items=items)
    customers, suppliers = result.attachments
    assert customers.source == suppliers.source == "supplied"
    assert customers.difference == 0 and suppliers.difference == 0
    assert "closing-item-account" in {f.code for f in result.findings}
    assert "closing-attachment-difference" not in {f.code for f in result.findings}


def test_file_without_dimensions_says_so() -> None:
    model = ledger(
        2025,
        ib={"1510": 700, "2440": -200, "2091": -500},
        entries=[("Faktura", [("1510", 100), ("3001", -100)])],
    )
    result = close(model)
    for att, book in zip(result.attachments, (dec(800), dec(-200)), strict=True):
        assert att.source == "none"
        assert att.items == ()
        assert att.book_balance == book
        assert "no " in att.note and amounts.format(book) in att.note
    assert [f.code for f in result.findings].count("closing-attachment-unspecified") == 2


def test_mamut_export_specifies_customers_and_suppliers() -> None:
    """A real export with dimensions 8/9/10: suppliers reconcile to zero; the
    customers differ by exactly the opening balance the file does not specify."""
    model = sie.read(corpus_file("MAMUT_SIE4_EXPORT.SE")).model
    result = close(model, ClosingSettings(rates_year=2025))
    customers, suppliers = result.attachments
    assert suppliers.source == "sie" and suppliers.items
    assert suppliers.difference == 0
    assert suppliers.book_balance == suppliers.specified == Decimal("-312465.79")
    assert customers.source == "sie" and len(customers.counterparties) > 1
    assert customers.unspecified_opening == result.trial_balance.ib("1510") != 0
    assert customers.difference == customers.unspecified_opening
    assert all(i.amount != 0 for a in result.attachments for i in a.items)
    names = {c.counterparty_name for c in customers.counterparties}
    assert "Hemsons Hotel" in names
