"""Fortnox client parts that need no server: error shapes, configuration, pacing, token store,
and the year-end rule for unpaid invoices."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fortnox_bridge import errors, reads
from fortnox_bridge.auth import TokenSet, jwt_tenant
from fortnox_bridge.config import DEFAULT_API_URL, DEFAULT_SCOPES, load_config
from fortnox_bridge.ratelimit import SlidingWindow
from fortnox_bridge.reads import Invoice, open_at_year_end
from fortnox_bridge.tokens import TokenStore


def _response(status: int, body: bytes | str, *, path: str = "/3/vouchers", **headers: str):
    content = body.encode("utf-8") if isinstance(body, str) else body
    request = httpx.Request("GET", f"https://api.fortnox.se{path}?financialyear=1")
    return httpx.Response(status, content=content, headers=headers, request=request)


# -- error shapes ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "body", "kind", "code", "message"),
    [
        # not-found style, capitalised keys (recorded live)
        (
            404,
            '{"ErrorInformation":{"Error":1,"Message":"Kan inte hitta fakturan.","Code":2000434}}',
            errors.NotFound,
            2000434,
            "Kan inte hitta fakturan.",
        ),
        # validation style, lower-case keys, \\u escapes
        (
            400,
            '{"ErrorInformation":{"error":1,"message":"Ett ogiltigt filter har anv\\u00e4nts.",'
            '"code":2000587}}',
            errors.RequestError,
            2000587,
            "Ett ogiltigt filter har använts.",
        ),
        # code as a string
        (
            400,
            '{"ErrorInformation":{"error":1,"message":"Kunde inte hitta konto","code":"2001304"}}',
            errors.RequestError,
            2001304,
            "Kunde inte hitta konto",
        ),
        # gateway
        (401, '{"message":"unauthorized"}', errors.FortnoxAuthError, None, "unauthorized"),
        # OAuth, with a wrong content type
        (
            401,
            '{"error":"invalid_client","error_description":"The client credentials are invalid"}',
            errors.FortnoxAuthError,
            None,
            "invalid_client: The client credentials are invalid",
        ),
        (429, "", errors.RateLimited, None, "Too Many Requests"),
        (503, "<html><body>Down for maintenance</body></html>", errors.ServerError, None, "HTML"),
    ],
)
def test_every_error_shape_becomes_one_typed_error(status, body, kind, code, message):
    error = errors.error_from_response(_response(status, body, **{"Content-Type": "text/html"}))
    assert type(error) is kind
    assert isinstance(error, errors.FortnoxError)
    assert error.status == status
    assert error.code == code
    assert message in error.message
    text = str(error)
    assert f"HTTP {status}" in text and "/3/vouchers" in text
    assert error.to_json()["status"] == status


def test_missing_scope_403_names_the_scope_from_the_path():
    body = '{"ErrorInformation":{"error":1,"message":"Saknar behörighet","code":2000663}}'
    error = errors.error_from_response(_response(403, body, path="/3/supplierinvoices"))
    assert isinstance(error, errors.ScopeError)
    assert error.scope == "supplierinvoice"
    assert "add the scope 'supplierinvoice' to FORTNOX_SCOPES" in str(error)


def test_missing_licence_400_2001101_is_a_scope_error():
    body = (
        '{"ErrorInformation":{"error":1,"message":"Det finns ingen aktiv licens för önskat scope",'
        '"code":2001101}}'
    )
    error = errors.error_from_response(_response(400, body, path="/3/vouchers"))
    assert isinstance(error, errors.ScopeError)
    assert error.scope == "bookkeeping" and error.code == 2001101
    assert "licence" in str(error) and "'bookkeeping'" in str(error)


def test_a_behorighet_message_without_a_known_code_is_a_scope_error():
    body = '{"ErrorInformation":{"error":1,"message":"Saknar behörighet för leverantörsregister."}}'
    error = errors.error_from_response(_response(400, body, path="/3/suppliers"))
    assert isinstance(error, errors.ScopeError) and error.scope == "supplier"


def test_invalid_grant_after_refresh_says_connect_again():
    body = '{"error":"invalid_grant","error_description":"Invalid refresh token"}'
    resp = _response(400, body, path="/oauth-v1/token")
    error = errors.error_from_response(resp, after_refresh=True)
    assert isinstance(error, errors.ReconnectRequired)
    assert "must connect again" in str(error) and "bokslut fortnox login" in str(error)
    # the same answer to a code exchange is not a broken chain
    assert not isinstance(errors.error_from_response(resp), errors.ReconnectRequired)


def test_error_body_inside_a_2xx_is_detected():
    body = b'{"ErrorInformation":{"Error":1,"Message":"Ogiltig parameter","Code":2000588}}'
    assert errors.has_error_body(body)
    assert not errors.has_error_body(b"#FLAGGA 0\r\n#FORMAT PC8\r\n")
    assert not errors.has_error_body(b'{"Vouchers": []}')


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([400, 401, 403, 404, 429, 500, 502]))
def test_any_error_body_gives_a_fortnox_error(body, status):
    error = errors.error_from_response(_response(status, body))
    assert isinstance(error, errors.FortnoxError)
    assert error.status == status
    assert str(error) and all(ch.isprintable() for ch in error.message)


# -- configuration -----------------------------------------------------------------------------
def test_config_from_environment_with_defaults():
    cfg = load_config(env={"FORTNOX_CLIENT_ID": "cid", "FORTNOX_CLIENT_SECRET": "s3cr3t-value"})
    assert cfg.client_id == "cid" and cfg.client_secret == "s3cr3t-value"
    assert cfg.api_url == DEFAULT_API_URL and cfg.auth_url == "https://apps.fortnox.se"
    assert cfg.scopes == DEFAULT_SCOPES
    assert "s3cr3t-value" not in repr(cfg) and "s3cr3t-value" not in json.dumps(cfg.to_json())


def test_config_toml_keys_lower_case_win_over_environment(tmp_path: Path):
    path = tmp_path / "fortnox.toml"
    path.write_text(
        'fortnox_client_id = "from-file"\n'
        'fortnox_scopes = "bookkeeping companyinformation"\n'
        'fortnox_api_url = "http://127.0.0.1:8123/"\n'
        f'fortnox_token_store = "{tmp_path / "t.json"}"\n',
        encoding="utf-8",
    )
    env = {"FORTNOX_CLIENT_ID": "from-env", "FORTNOX_CLIENT_SECRET": "env-secret"}
    cfg = load_config(path, env=env)
    assert cfg.client_id == "from-file"  # the file named on the command line wins
    assert cfg.client_secret == "env-secret"  # keys the file leaves out come from the env
    assert cfg.scopes == ("bookkeeping", "companyinformation")
    assert cfg.api_url == "http://127.0.0.1:8123"
    assert cfg.token_store == tmp_path / "t.json"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('fortnox_clientid = "x"\n', "unknown key(s) fortnox_clientid"),
        ("fortnox_client_id = [\n", "not valid TOML"),
        ('fortnox_api_url = "api.fortnox.se"\n', "must be an http(s) URL"),
        ("fortnox_client_id = 5\n", "must be a string"),
    ],
)
def test_config_errors_are_clear(tmp_path: Path, text: str, needle: str):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(errors.ConfigError) as info:
        load_config(path, env={})
    assert needle in str(info.value)


def test_missing_client_credentials_are_named():
    cfg = load_config(env={})
    with pytest.raises(errors.ConfigError, match="FORTNOX_CLIENT_ID and FORTNOX_CLIENT_SECRET"):
        cfg.require_client()


# -- sliding window ----------------------------------------------------------------------------
class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_sliding_window_allows_25_then_waits_for_the_oldest():
    clock = FakeClock()
    window = SlidingWindow(25, 5.0, clock=clock, sleep=clock.sleep)
    for i in range(25):
        window.acquire(("cid", "t1"))
        clock.now += 0.01 * (i < 24)
    assert clock.sleeps == []
    # 25 sent within 0.24 s: the 26th waits until the first leaves the window
    window.acquire(("cid", "t1"))
    assert clock.sleeps == [pytest.approx(5.0 - 0.24)]
    # another tenant has its own budget
    window.acquire(("cid", "t2"))
    assert len(clock.sleeps) == 1


def test_sliding_window_counts_a_request_from_its_answer():
    clock = FakeClock()
    window = SlidingWindow(2, 5.0, clock=clock, sleep=clock.sleep)
    first = window.acquire("k")
    clock.now += 0.8  # a slow answer: Fortnox may have counted it as late as this
    window.complete("k", first)
    window.acquire("k")
    window.acquire("k")  # waits until 5 s after the first ANSWER, not its send
    assert clock.now == pytest.approx(1000.0 + 0.8 + 5.0)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=0.5), min_size=1, max_size=120))
def test_sliding_window_never_has_more_than_25_in_any_5_seconds(gaps):
    clock = FakeClock()
    window = SlidingWindow(25, 5.0, clock=clock, sleep=clock.sleep)
    sent: list[float] = []
    for gap in gaps:
        clock.now += gap
        window.acquire("k")
        sent.append(clock.now)
    for i, t in enumerate(sent):
        assert sum(1 for u in sent[i:] if u < t + 5.0) <= 25


# -- token store -------------------------------------------------------------------------------
def _tokens(access: str = "at-SECRET-1", refresh: str | None = "rt-SECRET-1") -> TokenSet:
    return TokenSet(
        access_token=access,
        refresh_token=refresh,
        expires_at=dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC),
        scopes=("bookkeeping",),
        tenant_id="42",
    )


def test_store_is_written_0600_atomically_and_reads_back(tmp_path: Path):
    store = TokenStore(tmp_path / "sub" / "tokens.json")
    store.put("42", _tokens())
    store.put("43", _tokens("at-other", "rt-other"))
    mode = stat.S_IMODE(os.stat(store.path).st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(os.stat(store.path.parent).st_mode) & 0o077 == 0
    assert store.get("42") == _tokens()
    assert store.tenants() == ["42", "43"]
    assert not [p for p in store.path.parent.iterdir() if p.suffix == ".tmp"]
    assert "at-SECRET-1" not in repr(store.get("42")) and "rt-SECRET-1" not in repr(store)


def test_store_readable_by_others_is_refused_with_the_chmod_to_run(tmp_path: Path):
    store = TokenStore(tmp_path / "tokens.json")
    store.put("42", _tokens())
    os.chmod(store.path, 0o644)
    with pytest.raises(errors.TokenStoreError) as info:
        store.get("42")
    text = str(info.value)
    assert "readable by group or others" in text and f"chmod 600 {store.path}" in text
    assert "SECRET" not in text and "SECRET" not in repr(info.value)


def test_store_damaged_or_missing_tenant(tmp_path: Path):
    path = tmp_path / "tokens.json"
    path.write_text("{not json", encoding="utf-8")
    os.chmod(path, 0o600)
    with pytest.raises(errors.TokenStoreError, match="not valid JSON"):
        TokenStore(path).get("1")
    assert TokenStore(tmp_path / "none.json").get("1") is None


def test_jwt_tenant_claim_is_read_without_verifying():
    import base64

    payload = base64.urlsafe_b64encode(b'{"tenantId": 1234567, "userId": 1}').rstrip(b"=")
    assert jwt_tenant(f"eyJhbGciOiJIUzI1NiJ9.{payload.decode()}.sig") == "1234567"
    assert jwt_tenant("opaque-token") is None


# -- unpaid invoices at the year end -----------------------------------------------------------
YEAR_END = dt.date(2025, 12, 31)


def _inv(number, date, total, balance, final_pay=None, **kw):
    return Invoice(
        number=number,
        counterparty_id=kw.pop("cid", "10"),
        counterparty_name="Kund AB",
        date=date,
        total=Decimal(total),
        balance=Decimal(balance),
        final_pay_date=final_pay,
        **kw,
    )


def test_year_end_rule_without_payments_uses_final_pay_date():
    d = dt.date
    invoices = [
        _inv("1", d(2025, 11, 3), "1000.00", "0", d(2025, 12, 20)),  # paid before YE: out
        _inv("2", d(2025, 12, 15), "2500.00", "0", d(2026, 1, 10)),  # paid after YE: whole total
        _inv("3", d(2025, 12, 28), "800.00", "800.00"),  # unpaid today: balance
        _inv("4", d(2025, 10, 1), "600.00", "200.00"),  # partly paid, still open: balance
        _inv("5", d(2026, 1, 5), "900.00", "900.00"),  # after YE: not yet an invoice then
        _inv("6", d(2025, 12, 1), "700.00", "700.00", cancelled=True),  # cancelled: out, noted
        _inv("7", d(2025, 12, 2), "300.00", "300.00", booked=False),  # unbooked: out, noted
        _inv("8", d(2024, 12, 30), "450.00", "0", d(2026, 2, 1)),  # older year, open at YE: in
        _inv("9", d(2025, 12, 31), "100.00", "100.00", currency="EUR", rate=Decimal("11.4567")),
    ]
    result = open_at_year_end(invoices, YEAR_END, kind="customers", account="1510")
    got = {i.invoice: i.amount for i in result.items}
    assert got == {
        "2": Decimal("2500.00"),
        "3": Decimal("800.00"),
        "4": Decimal("200.00"),
        "8": Decimal("450.00"),
        "9": Decimal("1145.67"),
    }
    assert all(i.account == "1510" for i in result.items)
    assert not result.exact
    notes = " | ".join(result.notes)
    assert "1 cancelled" in notes and "1 unbooked" in notes
    assert "2 invoice(s) paid in full after 2025-12-31" in notes
    assert "1 invoice(s) still partly unpaid today" in notes
    assert "converted at the invoice rate" in notes


def test_year_end_rule_with_payments_is_exact_and_supplier_sign_is_negative():
    d = dt.date
    invoices = [
        _inv("11", d(2025, 12, 1), "1000.00", "0", d(2026, 1, 15)),
        _inv("12", d(2025, 11, 1), "500.00", "0", d(2025, 12, 30)),
        _inv("13", d(2025, 12, 20), "300.00", "100.00"),
    ]
    payments = {
        "11": [(d(2025, 12, 10), Decimal("400.00")), (d(2026, 1, 15), Decimal("600.00"))],
        "12": [(d(2025, 12, 30), Decimal("500.00"))],
        "13": [(d(2026, 1, 5), Decimal("200.00"))],
    }
    result = open_at_year_end(
        invoices, YEAR_END, kind="suppliers", account="2440", payments=payments
    )
    assert {i.invoice: i.amount for i in result.items} == {
        "11": Decimal("-600.00"),  # 1000 less the 400 paid by the year end
        "13": Decimal("-300.00"),  # nothing paid by the year end
    }
    assert result.exact and result.notes == ()


# -- organisation number check -----------------------------------------------------------------
@pytest.mark.parametrize(
    "sie_orgnr", ["556742-3180", "5567423180", "16556742-3180", " 556742-3180"]
)
def test_the_same_organisation_number_in_any_form_passes(sie_orgnr: str):
    company = reads.CompanyInfo("Norrsken Konsult & Bygg AB", "556742-3180", "500001")
    reads.check_organisation_number(company, sie_orgnr)


@pytest.mark.parametrize(
    ("sie_orgnr", "fortnox_orgnr", "needle"),
    [
        ("556036-0793", "556742-3180", "is for organisation number 556036-0793"),
        ("", "556742-3180", "the SIE file has no #ORGNR"),
        ("556742-3180", "", "Fortnox gives no OrganizationNumber"),
    ],
)
def test_a_different_or_missing_organisation_number_refuses_the_import(
    sie_orgnr: str, fortnox_orgnr: str, needle: str
):
    company = reads.CompanyInfo("Norrsken Konsult & Bygg AB", fortnox_orgnr, "500001")
    with pytest.raises(errors.OrgnrMismatch) as info:
        reads.check_organisation_number(company, sie_orgnr, file="pulled.se")
    assert needle in str(info.value) and "refused" in str(info.value)
    assert str(info.value).startswith("Fortnox: pulled.se: ")
