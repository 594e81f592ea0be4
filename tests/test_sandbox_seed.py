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
