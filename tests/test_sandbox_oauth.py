"""OAuth2 as Fortnox runs it, and the rule that the token is the tenant."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from sandbox_support import (
    ALL_SCOPES,
    ORGNR_A,
    ORGNR_B,
    REDIRECT,
    SAMPLE,
    Tokens,
    auth_code,
    client,
    code_from,
    login,
    sandbox,
    second_company,
    token_request,
)

from fortnox_bridge.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, ManualClock


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def sb(clock):
    return sandbox(now=clock)


def test_code_exchange_answers_as_fortnox_does(sb):
    http = client(sb)
    code = code_from(auth_code(http))
    answer = token_request(http, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert answer.status_code == 200
    assert list(answer.json()) == [
        "access_token",
        "expires_in",
        "token_type",
        "scope",
        "refresh_token",
    ]
    body = answer.json()
    assert body["expires_in"] == 3600 and body["token_type"] == "bearer"
    assert set(body["scope"].split()) == set(ALL_SCOPES.split())
    assert answer.headers["Cache-Control"] == "no-store"
    claims = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[1] + "=="))
    assert claims["tenantId"] == sb.tenant().database_number


def test_codes_are_single_use_and_live_ten_minutes(sb, clock):
    http = client(sb)
    code = code_from(auth_code(http))
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    assert token_request(http, **form).status_code == 200
    reused = token_request(http, **form)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    late = code_from(auth_code(http))
    clock.advance(601)
    expired = token_request(http, **{**form, "code": late})
    assert expired.status_code == 400 and expired.json()["error"] == "invalid_grant"
    assert expired.headers["Content-Type"].startswith("text/html")  # sic, as recorded
    other = code_from(auth_code(http))
    wrong_uri = token_request(
        http, **{**form, "code": other, "redirect_uri": "http://127.0.0.1:1/x"}
    )
    assert wrong_uri.status_code == 400


def test_refresh_tokens_rotate_and_are_single_use(sb, clock):
    http = client(sb)
    first = login(http)
    answer = token_request(http, grant_type="refresh_token", refresh_token=first.refresh)
    assert answer.status_code == 200
    second = Tokens(answer.json()["access_token"], answer.json()["refresh_token"])
    assert second.refresh != first.refresh and second.access != first.access
    again = token_request(http, grant_type="refresh_token", refresh_token=first.refresh)
    assert again.status_code == 400
    assert again.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}
    clock.advance(45 * 86400 + 1)
    stale = token_request(http, grant_type="refresh_token", refresh_token=second.refresh)
    assert stale.status_code == 400 and stale.json()["error"] == "invalid_grant"


def test_access_tokens_expire_after_an_hour(sb, clock):
    http = client(sb)
    tokens = login(http)
    assert http.get("/3/companyinformation", headers=tokens.headers).status_code == 200
    clock.advance(3599)
    assert http.get("/3/companyinformation", headers=tokens.headers).status_code == 200
    clock.advance(2)
    expired = http.get("/3/companyinformation", headers=tokens.headers)
    assert expired.status_code == 401 and expired.json() == {"message": "unauthorized"}
    assert http.get("/3/companyinformation").status_code == 401
    bad = http.get("/3/companyinformation", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401


def test_bad_client_credentials(sb):
    http = client(sb)
    answer = http.post(
        "/oauth-v1/token",
        data={"grant_type": "refresh_token", "refresh_token": "x"},
        auth=(DEFAULT_CLIENT_ID, "wrong"),
    )
    assert answer.status_code == 401
    assert answer.headers["Content-Type"].startswith("text/plain")
    assert json.loads(answer.text) == {
        "error": "invalid_client",
        "error_description": "The client credentials are invalid",
    }
    assert DEFAULT_CLIENT_SECRET not in repr(sb) + repr(sb.oauth) + repr(sb.oauth.clients)


def test_consent_refused_unknown_client_and_bad_scope(sb):
    http = client(sb)
    sb.refuse_consent = True
    refused = parse_qs(urlsplit(auth_code(http).headers["Location"]).query)
    assert refused["error"] == ["access_denied"] and refused["state"] == ["xyz"]
    sb.refuse_consent = False
    scope = parse_qs(
        urlsplit(auth_code(http, scopes="bookkeeping ledger").headers["Location"]).query
    )
    assert scope["error"] == ["invalid_scope"]
    unknown = http.get("/oauth-v1/auth", params={"client_id": "nobody", "response_type": "code"})
    assert unknown.status_code == 400 and "ClientID supplied is invalid" in unknown.text
    elsewhere = auth_code(http, redirect_uri="https://evil.example/cb")
    assert elsewhere.status_code == 400


def test_client_credentials_for_a_service_account(sb):
    http = client(sb)
    tenant = str(sb.tenant().database_number)
    before = token_request(http, {"TenantId": tenant}, grant_type="client_credentials")
    assert before.status_code == 400 and before.json()["error"] == "invalid_grant"
    code_from(auth_code(http, account_type="service"))  # the administrator consents
    answer = token_request(http, {"TenantId": tenant}, grant_type="client_credentials")
    assert answer.status_code == 200 and "refresh_token" not in answer.json()
    tokens = Tokens(answer.json()["access_token"], None)
    info = http.get("/3/companyinformation", headers=tokens.headers).json()
    assert info["CompanyInformation"]["OrganizationNumber"] == ORGNR_A
    missing = token_request(http, grant_type="client_credentials")
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"


def test_revoke_kills_the_refresh_token(sb):
    http = client(sb)
    tokens = login(http)
    answer = http.post(
        "/oauth-v1/revoke",
        data={"token_type_hint": "refresh_token", "token": tokens.refresh},
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
    )
    assert answer.json() == {"revoked": True}
    after = token_request(http, grant_type="refresh_token", refresh_token=tokens.refresh)
    assert after.status_code == 400


def test_a_missing_scope_is_named_and_a_missing_licence_says_so(clock):
    sb = sandbox(now=clock, licences=["bookkeeping", "companyinformation"])
    http = client(sb)
    tokens = login(http, scopes="companyinformation invoice")
    denied = http.post(
        "/3/vouchers",
        json={"Voucher": {"Description": "x"}},
        headers=tokens.headers,
    )
    assert denied.status_code == 403
    info = denied.json()["ErrorInformation"]
    assert info["code"] == 2000663 and "bookkeeping" in info["message"]
    assert sum(len(y.vouchers) for y in sb.tenant().years) == 272
    unlicensed = http.get("/3/invoices", headers=tokens.headers)
    assert unlicensed.status_code == 400
    assert unlicensed.json()["ErrorInformation"] == {
        "error": 1,
        "message": "Det finns ingen aktiv licens för önskat scope",
        "code": 2001101,
    }


# ------------------------------------------------------------------ tenant isolation

A_ONLY_VOUCHER = ("/3/vouchers/B/1?financialyear=2", 404)

READS = [
    "/3/companyinformation",
    "/3/settings/company",
    "/3/settings/lockedperiod",
    "/3/financialyears",
    "/3/financialyears/2",
    "/3/accounts?financialyear=2",
    "/3/accounts/1930?financialyear=2",
    "/3/voucherseries?financialyear=2",
    "/3/voucherseries/A?financialyear=2",
    "/3/vouchers?financialyear=2&limit=500",
    "/3/vouchers/sublist",
    "/3/vouchers/sublist/A?financialyear=2",
    "/3/vouchers/A/1?financialyear=2",
    "/3/vouchers/B/1?financialyear=2",
    "/3/sie/4?financialyear=2",
    "/3/invoices?limit=500",
    "/3/invoices/1001",
    "/3/invoicepayments",
    "/3/supplierinvoices",
    "/3/supplierinvoices/1",
    "/3/supplierinvoicepayments",
    "/3/costcenters",
    "/3/projects",
    "/3/customers",
    "/3/suppliers",
]


def test_a_token_of_company_a_never_sees_or_changes_company_b(clock):
    """Seed A and then B; every endpoint with A's token answers A's data (or A's 404),
    never B's, and a posted voucher lands in A only — and the other way round."""
    sb = sandbox([SAMPLE, second_company()], now=clock)
    assert [t.company.orgnr for t in sb.tenants] == [ORGNR_A, ORGNR_B]
    http = client(sb)
    token_a = login(http)  # the first company by default
    token_b = login(http, tenant=ORGNR_B)
    answers = {}
    for url in READS:
        a = http.get(url, headers=token_a.headers)
        b = http.get(url, headers=token_b.headers)
        answers[url] = (a, b)
        assert a.status_code == 200, (url, a.text)
    a_info = answers["/3/companyinformation"][0].json()["CompanyInformation"]
    b_info = answers["/3/companyinformation"][1].json()["CompanyInformation"]
    assert a_info["OrganizationNumber"] == ORGNR_A and b_info["OrganizationNumber"] == ORGNR_B
    assert a_info["DatabaseNumber"] != b_info["DatabaseNumber"]
    a_list = answers["/3/vouchers?financialyear=2&limit=500"][0].json()
    b_list = answers["/3/vouchers?financialyear=2&limit=500"][1].json()
    assert a_list["MetaInformation"]["@TotalResources"] == 272
    assert b_list["MetaInformation"]["@TotalResources"] == 51
    assert answers["/3/vouchers/B/1?financialyear=2"][1].status_code == 404
    assert answers["/3/invoices/1001"][1].status_code == 404
    assert b"556742-3180" in answers["/3/sie/4?financialyear=2"][0].content
    assert b"556742-3180" not in answers["/3/sie/4?financialyear=2"][1].content
    for url, (a, _) in answers.items():
        assert ORGNR_B.encode() not in a.content, url
        assert b"Isoleringstest" not in a.content, url

    body = {
        "Voucher": {
            "Description": "Endast A",
            "TransactionDate": "2025-12-31",
            "VoucherSeries": "I",
            "VoucherRows": [{"Account": 1930, "Debit": 5}, {"Account": 6570, "Credit": 5}],
        }
    }
    posted = http.post("/3/vouchers?financialyear=2", json=body, headers=token_a.headers)
    assert posted.status_code == 201
    a_series = http.get("/3/vouchers/sublist/I?financialyear=2", headers=token_a.headers).json()
    b_series = http.get("/3/vouchers/sublist/I?financialyear=2", headers=token_b.headers).json()
    assert len(a_series["Vouchers"]) == 1 and b_series["Vouchers"] == []
    assert http.get("/3/vouchers/I/1?financialyear=2", headers=token_b.headers).status_code == 404
    b_posted = http.post("/3/vouchers?financialyear=2", json=body, headers=token_b.headers)
    assert b_posted.json()["Voucher"]["VoucherNumber"] == 1  # B's own numbering
    assert len(sb.tenant(ORGNR_A).years[1].vouchers) == 273
    assert len(sb.tenant(ORGNR_B).years[1].vouchers) == 52


def test_the_tenant_parameter_must_name_a_seeded_company(sb):
    http = client(sb)
    answer = auth_code(http, tenant="559123-4561")
    assert parse_qs(urlsplit(answer.headers["Location"]).query)["error"] == ["invalid_request"]
