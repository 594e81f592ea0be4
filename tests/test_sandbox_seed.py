"""Seeding: up to 30 companies, what a seed file must be, and the invoicing feed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sandbox_support import SAMPLE, client, login, sample_model, sandbox

import sie
from fortnox_bridge.sandbox import SeedError
from sie import orgnr

ROOT = SAMPLE.parent


def company(number: int) -> sie.SieFile:
    """A small company of its own: a valid organisation number, a year, two accounts."""
    nine = f"55{number:07d}"
    header = sie.Header(
        program="test",
        sie_type=4,
        orgnr=f"{nine[:6]}-{nine[6:]}{orgnr.luhn_digit(nine)}",
        company_name=f"Bolag {number} AB",
    )
    return sie.SieFile(
        header=header,
        years=(sie.FinancialYear(0, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),),
        accounts=(sie.Account("1930", "Bank"), sie.Account("2081", "Aktiekapital")),
        balances=(
            sie.Balance("IB", 0, "1930", Decimal("25000.00")),
            sie.Balance("IB", 0, "2081", Decimal("-25000.00")),
            sie.Balance("UB", 0, "1930", Decimal("25000.00")),
            sie.Balance("UB", 0, "2081", Decimal("-25000.00")),
        ),
    )


def test_thirty_companies_each_with_its_own_tenant_and_not_one_more():
    sb = sandbox([company(n) for n in range(30)])
    assert len(sb.tenants) == 30
    assert len({t.database_number for t in sb.tenants}) == 30
    http = client(sb)
    last = sb.tenants[-1].company.orgnr
    tokens = login(http, tenant=last)
    info = http.get("/3/companyinformation", headers=tokens.headers).json()["CompanyInformation"]
    assert info["OrganizationNumber"] == last and info["CompanyName"] == "Bolag 29 AB"
    with pytest.raises(SeedError, match="at most 30"):
        sandbox([company(n) for n in range(31)])


def test_seed_files_must_be_sie_with_a_company_and_balanced_books(tmp_path):
    html = tmp_path / "page.se"
    html.write_bytes(b"<!DOCTYPE html><html><body>404</body></html>")
    with pytest.raises(SeedError, match="not a SIE file"):
        sandbox([html])
    with pytest.raises(SeedError, match="cannot be read"):
        sandbox([tmp_path / "missing.se"])
    with pytest.raises(SeedError, match="balanced books") as refused:
        sandbox([ROOT / "broken_examples" / "unbalanced_voucher.si"])
    assert "unbalanced_voucher.si:" in str(refused.value)
    nameless = sie.SieFile(
        header=sie.Header(sie_type=4, company_name="Utan nummer AB"),
        years=(sie.FinancialYear(0, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),),
    )
    with pytest.raises(SeedError, match="no #ORGNR"):
        sandbox([nameless])
    with pytest.raises(SeedError, match="seeded twice"):
        sandbox([sample_model(), sample_model()])


def test_unnumbered_vouchers_are_numbered_on_in_series_a_and_said_so():
    sb = sandbox()
    assert len(sb.notes) == 2 and all("seeded as A 5" in note for note in sb.notes)
    year = sb.tenant().years[1]
    assert year.vouchers[("A", 52)].description == "Lunch med kund, Café Polstjärnan"
    assert year.series["A"].next_number == 54


def test_an_invoicing_feed_adds_unbooked_invoices():
    """The sample's 4I file from its invoicing program: four invoices Fortnox holds but has
    not booked — listed by filter=unbooked, absent from the vouchers."""
    sb = sandbox([sample_model(), ROOT / "norrsken_ab_2025_fakturor.si"])
    assert "4 unbooked invoice(s)" in sb.notes[-1]
    http = client(sb)
    tokens = login(http)
    unbooked = http.get("/3/invoices?filter=unbooked", headers=tokens.headers).json()["Invoices"]
    assert [i["DocumentNumber"] for i in unbooked] == ["1049", "1050", "1051", "1052"]
    assert all(i["Booked"] is False and i["VoucherNumber"] is None for i in unbooked)
    credit = http.get("/3/invoices/1052", headers=tokens.headers).json()["Invoice"]
    assert credit["Credit"] == "true" and credit["CustomerNumber"] == "104"
    vouchers = http.get("/3/vouchers?financialyear=2&limit=500", headers=tokens.headers).json()
    assert vouchers["MetaInformation"]["@TotalResources"] == 272


def next_year() -> sie.SieFile:
    """The sample company's 2026 as its own SIE file: opening balances from 2025's closing
    ones, invoice 0987 still open, and one voucher in January that pays it."""
    model = sample_model()
    ledger = model.ledger()
    ub = {b.account: b.amount for b in model.balances if b.kind == "UB" and b.year == 0}
    res = [b for b in model.balances if b.kind == "RES" and b.year == 0]
    paid = Decimal("62500.00")
    payment = sie.Voucher(
        "D",
        "1",
        dt.date(2026, 1, 10),
        "Inbetalning faktura 0987 Brf Solgläntan",
        rows=(
            sie.Row("1930", paid),
            sie.Row("1510", -paid, objects=((8, "101"), (10, "0987"))),
        ),
    )
    closing = dict(ub)
    closing["1930"] += paid
    closing["1510"] -= paid
    balances = (
        [sie.Balance("IB", 0, a, v) for a, v in ub.items()]
        + [sie.Balance("UB", 0, a, v) for a, v in closing.items()]
        + [sie.Balance("UB", -1, a, v) for a, v in ub.items()]
        + [sie.Balance("RES", -1, b.account, b.amount) for b in res]
    )
    assert ledger.object_balance("1510", (10, "0987")) == paid
    return sie.SieFile(
        header=model.header,
        years=(
            sie.FinancialYear(0, dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
            sie.FinancialYear(-1, dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ),
        accounts=model.accounts,
        dimensions=model.dimensions,
        objects=model.objects,
        balances=tuple(balances),
        object_balances=(sie.ObjectBalance("OIB", 0, "1510", paid, object=(10, "0987")),),
        vouchers=(payment,),
    )


@pytest.mark.parametrize("later_first", [False, True])
def test_two_years_of_one_company_make_one_tenant_and_one_invoice(later_first):
    files = [sample_model(), next_year()]
    sb = sandbox(files[::-1] if later_first else files)
    (tenant,) = sb.tenants
    assert [(y.id, y.start.year, len(y.vouchers)) for y in tenant.years] == [
        (1, 2024, 0),
        (2, 2025, 272),
        (3, 2026, 1),
    ]
    http = client(sb)
    tokens = login(http)
    invoice = http.get("/3/invoices/0987", headers=tokens.headers).json()["Invoice"]
    assert invoice["Balance"] == 0 and invoice["FinalPayDate"] == "2026-01-10"
    assert invoice["CustomerNumber"] == "101"
    (carried,) = [i for i in tenant.invoices if i.number == "0987"]
    assert carried.invoice_date == dt.date(2024, 12, 31) and carried.total == Decimal("62500.00")
    unpaid = http.get("/3/invoices?filter=unpaid&limit=500", headers=tokens.headers).json()
    assert "0987" not in {i["DocumentNumber"] for i in unpaid["Invoices"]}
    payments = http.get("/3/invoicepayments?limit=500", headers=tokens.headers).json()
    numbers = [p["Number"] for p in payments["InvoicePayments"]]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    days = [p["PaymentDate"] for p in payments["InvoicePayments"]]
    assert days == sorted(days) and days[-1] == "2026-01-10"
    exported = http.get("/3/sie/4?financialyear=3", headers=tokens.headers).content
    checked = sie.validate(sie.read(exported))
    assert [f.code for f in checked.findings] == ["encoding"]
    assert checked.model is not None
    assert checked.model.ledger().balance("1930", "UB", -1) == Decimal("657803.41")
