"""The sandbox's REST API: every endpoint's answer fits Fortnox's OpenAPI document (with the
overlay), envelopes and pagination behave as the reference describes, and filters work on
the seeded company's real books."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sandbox_support import (
    ORGNR_A,
    SAMPLE,
    assert_valid,
    client,
    login,
    sandbox,
    schema_errors,
)

import sie

#: (path as the document names it, URL to call) for every GET the sandbox serves.
ENDPOINTS = [
    ("/3/companyinformation", "/3/companyinformation"),
    ("/3/settings/company", "/3/settings/company"),
    ("/3/settings/lockedperiod", "/3/settings/lockedperiod"),
    ("/3/financialyears", "/3/financialyears"),
    ("/3/financialyears", "/3/financialyears?date=2025-06-30"),
    ("/3/financialyears/{Id}", "/3/financialyears/2"),
    ("/3/accounts", "/3/accounts?financialyear=2"),
    ("/3/accounts/{Number}", "/3/accounts/1930?financialyear=2"),
    ("/3/voucherseries", "/3/voucherseries?financialyear=2"),
    ("/3/voucherseries/{Code}", "/3/voucherseries/A?financialyear=2"),
    ("/3/vouchers", "/3/vouchers?financialyear=2"),
    ("/3/vouchers/sublist", "/3/vouchers/sublist"),
    ("/3/vouchers/sublist/{VoucherSeries}", "/3/vouchers/sublist/B?financialyear=2"),
    ("/3/vouchers/{VoucherSeries}/{VoucherNumber}", "/3/vouchers/L/3?financialyear=2"),
    ("/3/invoices", "/3/invoices"),
    ("/3/invoices/{DocumentNumber}", "/3/invoices/1001"),
    ("/3/invoices/{DocumentNumber}", "/3/invoices/0987"),
    ("/3/invoicepayments", "/3/invoicepayments"),
    ("/3/supplierinvoices", "/3/supplierinvoices"),
    ("/3/supplierinvoices/{GivenNumber}", "/3/supplierinvoices/1"),
    ("/3/supplierinvoicepayments", "/3/supplierinvoicepayments"),
    ("/3/costcenters", "/3/costcenters"),
    ("/3/projects", "/3/projects"),
    ("/3/customers", "/3/customers"),
    ("/3/suppliers", "/3/suppliers"),
    ("/3/sie/{Type}", "/3/sie/4?financialyear=2"),
]


@pytest.fixture(scope="module")
def api():
    sb = sandbox()
    http = client(sb)
    return sb, http, login(http)


@pytest.mark.parametrize(("path", "url"), ENDPOINTS, ids=[u for _, u in ENDPOINTS])
def test_every_endpoint_fits_the_openapi_document(api, path, url):
    _, http, tokens = api
    response = http.get(url, headers=tokens.headers)
    assert response.status_code == 200, response.text
    assert_valid(path, "get", response)


def test_error_answers_fit_the_document_in_both_casings(api):
    _, http, tokens = api
    missing = http.get("/3/vouchers/A/9999?financialyear=2", headers=tokens.headers)
    assert missing.status_code == 404
    assert set(missing.json(parse_float=Decimal)["ErrorInformation"]) == {
        "Error",
        "Message",
        "Code",
    }
    bad_filter = http.get("/3/invoices?filter=nonsense", headers=tokens.headers)
    assert bad_filter.status_code == 400
    assert bad_filter.json(parse_float=Decimal) == {
        "ErrorInformation": {
            "error": 1,
            "message": "Ett ogiltigt filter har använts.",
            "code": 2000587,
        }
    }
    assert_valid("/3/vouchers/{VoucherSeries}/{VoucherNumber}", "get", missing)
    assert_valid("/3/invoices", "get", bad_filter)


def test_the_overlay_is_needed_for_what_the_document_gets_wrong(api):
    """Each kind of overlay entry corrects a real mismatch: without it, the answer fails."""
    import json

    from sandbox_support import OPENAPI, openapi

    openapi()  # skips, saying why, where the shared document is absent
    raw = json.loads(OPENAPI.read_text(encoding="utf-8"))
    _, http, tokens = api
    unpaid = http.get("/3/invoices?filter=unpaid", headers=tokens.headers).json(parse_float=Decimal)
    assert schema_errors("fortnox_InvoiceListItem_Wrap", unpaid, raw), "null FinalPayDate"
    error = http.get("/3/invoices?filter=x", headers=tokens.headers).json(parse_float=Decimal)
    assert schema_errors("fortnox_ErrorInformationWrap", error, raw) == [], (
        "the document does not forbid other keys, so the lowercase form passes it unchecked"
    )
    posted = {
        "Description": "Bokslut",
        "TransactionDate": "2025-12-31",
        "VoucherSeries": "I",
        "VoucherRows": [{"Account": 8910, "Debit": 1}, {"Account": 2512, "Credit": 1}],
    }
    assert schema_errors("fortnox_Voucher", posted, raw), "Year is required in the document"
    assert schema_errors("fortnox_Voucher", posted) == []


def test_lists_page_with_meta_information(api):
    _, http, tokens = api
    seen: list[int] = []
    page = 1
    while True:
        body = http.get(
            f"/3/vouchers/sublist/D?financialyear=2&limit=25&page={page}", headers=tokens.headers
        ).json(parse_float=Decimal)
        meta = body["MetaInformation"]
        assert meta["@CurrentPage"] == page
        seen += [v["VoucherNumber"] for v in body["Vouchers"]]
        if meta["@CurrentPage"] >= meta["@TotalPages"]:
            break
        page += 1
    assert meta["@TotalResources"] == 102 and meta["@TotalPages"] == 5
    assert seen == list(range(1, 103))
    too_big = http.get("/3/accounts?limit=501", headers=tokens.headers)
    assert (
        too_big.status_code == 400
        and too_big.json(parse_float=Decimal)["ErrorInformation"]["code"] == 2000588
    )
    most = http.get("/3/vouchers?financialyear=2&limit=500", headers=tokens.headers).json(
        parse_float=Decimal
    )
    assert len(most["Vouchers"]) == 272 and most["MetaInformation"]["@TotalPages"] == 1


def test_financial_years_by_date_and_the_current_year(api):
    _, http, tokens = api
    years = http.get("/3/financialyears", headers=tokens.headers).json(parse_float=Decimal)[
        "FinancialYears"
    ]
    assert [(y["Id"], y["FromDate"], y["ToDate"]) for y in years] == [
        (1, "2024-01-01", "2024-12-31"),
        (2, "2025-01-01", "2025-12-31"),
    ]
    none = http.get("/3/financialyears?date=2026-02-01", headers=tokens.headers).json(
        parse_float=Decimal
    )
    assert none["FinancialYears"] == [] and none["MetaInformation"]["@TotalResources"] == 0
    # No year holds today (the clock says 2026): the current year is the latest, 2025.
    current = http.get("/3/vouchers/sublist", headers=tokens.headers).json(parse_float=Decimal)
    assert {v["Year"] for v in current["Vouchers"]} == {2}
    outside = http.get("/3/vouchers?financialyear=2&fromdate=2024-06-01", headers=tokens.headers)
    assert outside.status_code == 400
    assert outside.json(parse_float=Decimal)["ErrorInformation"]["code"] == 2002363


def test_accounts_of_a_year_with_balances(api):
    _, http, tokens = api
    bank = http.get("/3/accounts/1930?financialyear=2", headers=tokens.headers).json(
        parse_float=Decimal
    )["Account"]
    assert bank["BalanceBroughtForward"] == Decimal("684212.40")
    assert bank["BalanceCarriedForward"] == Decimal("657803.41")  # the file's #UB 0
    assert bank["Year"] == 2 and bank["Active"] is True and bank["SRU"] == 7281
    earlier = http.get("/3/accounts/1930?financialyear=1", headers=tokens.headers).json(
        parse_float=Decimal
    )
    assert earlier["Account"]["BalanceCarriedForward"] == Decimal("684212.40")
    unknown = http.get("/3/accounts/1999?financialyear=2", headers=tokens.headers)
    assert unknown.status_code == 404
    assert unknown.json(parse_float=Decimal)["ErrorInformation"] == {
        "Error": 1,
        "Message": "Kan inte hitta kontot.",
        "Code": 2000423,
    }


def test_voucher_series_say_which_are_manual(api):
    _, http, tokens = api
    series = http.get("/3/voucherseries?financialyear=2", headers=tokens.headers).json(
        parse_float=Decimal
    )
    manual = {s["Code"]: s["Manual"] for s in series["VoucherSeriesCollection"]}
    assert manual == {"A": True, "B": False, "C": False, "D": False, "I": True, "L": True}
    closing = http.get("/3/voucherseries/I?financialyear=2", headers=tokens.headers).json(
        parse_float=Decimal
    )
    assert closing["VoucherSeries"]["Description"] == "Ej låsbar serie"
    assert closing["VoucherSeries"]["NextVoucherNumber"] == 1


def test_invoices_follow_the_books(api):
    """Open customer invoices add up to 1510's UB and open supplier invoices to 2440's,
    as the sample's #OUB per invoice says; paid ones carry their final pay date."""
    _sb, http, tokens = api
    model = sie.read(SAMPLE).model
    ledger = model.ledger()
    unpaid = http.get("/3/invoices?filter=unpaid&limit=500", headers=tokens.headers).json(
        parse_float=Decimal
    )
    assert sum(i["Balance"] for i in unpaid["Invoices"]) == ledger.balance("1510", "UB")
    for item in unpaid["Invoices"]:
        oub = ledger.object_balance("1510", (10, item["DocumentNumber"]))
        assert oub == item["Balance"], item["DocumentNumber"]
        assert item["CustomerNumber"], "every invoice knows its customer"
    ap = http.get("/3/supplierinvoices?filter=unpaid&limit=500", headers=tokens.headers).json(
        parse_float=Decimal
    )
    open_ap = sum(Decimal(i["Balance"]) for i in ap["SupplierInvoices"])
    assert open_ap == -ledger.balance("2440", "UB")
    paid = http.get("/3/invoices?filter=fullypaid&limit=500", headers=tokens.headers).json(
        parse_float=Decimal
    )
    assert paid["Invoices"] and all(i["FinalPayDate"] for i in paid["Invoices"])
    first = http.get("/3/invoices/1001", headers=tokens.headers).json(parse_float=Decimal)[
        "Invoice"
    ]
    assert (first["VoucherSeries"], first["VoucherNumber"], first["VoucherYear"]) == ("B", 1, 2)
    assert (
        first["Total"] == Decimal("120750.00") and first["CustomerName"] == "Piteå Hamnbyggnad AB"
    )
    payments = http.get("/3/invoicepayments?invoicenumber=1001", headers=tokens.headers).json(
        parse_float=Decimal
    )
    assert (
        sum(p["Amount"] for p in payments["InvoicePayments"]) == first["Total"] - first["Balance"]
    )
    bad = http.get("/3/supplierinvoices?filter=paid", headers=tokens.headers)
    assert (
        bad.status_code == 400
        and bad.json(parse_float=Decimal)["ErrorInformation"]["code"] == 2000587
    )


def test_company_information_is_the_seeded_company(api):
    sb, http, tokens = api
    info = http.get("/3/companyinformation", headers=tokens.headers).json(parse_float=Decimal)[
        "CompanyInformation"
    ]
    assert info["OrganizationNumber"] == ORGNR_A
    assert info["CompanyName"] == "Norrsken Konsult & Bygg AB"
    assert info["DatabaseNumber"] == sb.tenant().database_number
    settings = http.get("/3/settings/company", headers=tokens.headers).json(parse_float=Decimal)[
        "CompanySettings"
    ]
    assert settings["DatabaseNumber"] == str(info["DatabaseNumber"])
    locked = http.get("/3/settings/lockedperiod", headers=tokens.headers).json(parse_float=Decimal)
    assert locked == {"LockedPeriod": {"EndDate": "2025-11-30"}}


def test_json_writes_exact_decimals_and_escapes_like_fortnox(api):
    _, http, tokens = api
    raw = http.get("/3/accounts/1930?financialyear=2", headers=tokens.headers).text
    assert '"BalanceCarriedForward":657803.41' in raw
    assert "https:\\/\\/api.fortnox.se\\/3\\/accounts\\/1930" in raw
    assert "F\\u00f6retagskonto" in raw


def test_wrong_paths_accept_and_content_types(api):
    _, http, tokens = api
    assert http.get("/3/nothing", headers=tokens.headers).status_code == 404
    octet = http.get("/3/sie/4", headers={**tokens.headers, "Accept": "application/octet-stream"})
    assert octet.status_code == 400
    assert octet.json(parse_float=Decimal)["ErrorInformation"]["code"] == 1000030
    form = http.post(
        "/3/vouchers",
        headers=tokens.headers,
        content=b"a=b",
    )
    assert (
        form.status_code == 400
        and form.json(parse_float=Decimal)["ErrorInformation"]["code"] == 1000031
    )
