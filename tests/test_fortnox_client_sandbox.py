"""The Fortnox client against the local sandbox (in-process through its WSGI transport).

OAuth, refresh (single use), reads of one financial year, pagination, the SIE export read by
``sie.read``, unpaid invoices at the year end, retries and the POST rule under the sandbox's
fault injection, and that no token or secret reaches a log, an exception or a repr.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import stat
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

import sie
from closing.attachments import open_items_from_sie
from closing.settings import AccountRange
from fortnox_bridge import errors, reads
from fortnox_bridge.auth import OAuth, TokenSet
from fortnox_bridge.client import FortnoxClient
from fortnox_bridge.config import FortnoxConfig
from fortnox_bridge.ratelimit import SlidingWindow
from fortnox_bridge.tokens import TokenStore

sandbox = pytest.importorskip("fortnox_bridge.sandbox")

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "norrsken_ab_2025.se"
ORGNR = "556742-3180"
#: Never contacted: the transport is the sandbox's WSGI app (loopback only, should it leak).
BASE = "http://127.0.0.1:9"
SCOPES = ("bookkeeping", "companyinformation", "settings", "invoice", "supplierinvoice", "payment")


class Env:
    """A seeded sandbox, a shared manual clock, and everything a client needs around it."""

    def __init__(self, tmp_path: Path, real_clock: bool = False, **sandbox_kw: object) -> None:
        self.clock = sandbox.ManualClock(dt.datetime(2026, 2, 15, 9, tzinfo=dt.UTC))
        self.sleeps: list[float] = []
        kw: dict[str, object] = {"rate_limit": None}
        if not real_clock:
            kw.update(now=self.clock, sleep=self.clock.sleep)
        kw.update(sandbox_kw)
        self.sb = sandbox.Sandbox.from_sie_files([SAMPLE], **kw)
        self.config = FortnoxConfig(
            client_id=sandbox.DEFAULT_CLIENT_ID,
            client_secret=sandbox.DEFAULT_CLIENT_SECRET,
            redirect_uri="http://127.0.0.1:8765/callback",
            scopes=SCOPES,
            api_url=BASE,
            auth_url=BASE,
            token_store=tmp_path / "tokens.json",
        )
        self.store = TokenStore(self.config.token_store)
        self.limiter = SlidingWindow(25, 5.0, clock=self.clock, sleep=self.clock.sleep)

    def now(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.advance(seconds)

    def code(self, scopes: tuple[str, ...] = SCOPES) -> str:
        return self.sb.authorize(scopes=list(scopes))

    def client(self, scopes: tuple[str, ...] = SCOPES, **kw: object) -> FortnoxClient:
        args: dict[str, object] = {
            "transport": self.sb.transport(),
            "store": self.store,
            "limiter": self.limiter,
            "sleep": self.sleep,
            "now": self.now,
        }
        args.update(kw)
        return FortnoxClient.login(self.config, self.code(scopes), **args)  # type: ignore[arg-type]


@pytest.fixture
def env(tmp_path: Path) -> Env:
    return Env(tmp_path)


@pytest.fixture
def model() -> sie.SieFile:
    return sie.read(SAMPLE).model


# -- OAuth -------------------------------------------------------------------------------------
def test_authorization_url_carries_what_fortnox_needs_and_the_sandbox_consents(env: Env):
    with httpx.Client(transport=env.sb.transport()) as http:
        oauth = OAuth(env.config, http, now=env.now)
        url = oauth.authorization_url("st-123", extra={"tenant": ORGNR})
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{BASE}/oauth-v1/auth"
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert query == {
            "client_id": sandbox.DEFAULT_CLIENT_ID,
            "scope": " ".join(SCOPES),
            "state": "st-123",
            "access_type": "offline",
            "response_type": "code",
            "redirect_uri": "http://127.0.0.1:8765/callback",
            "tenant": ORGNR,
        }
        service = parse_qs(urlsplit(oauth.authorization_url("s", service_account=True)).query)
        assert service["account_type"] == ["service"]

        answer = http.get(url, follow_redirects=False)
        assert answer.status_code == 302
        back = parse_qs(urlsplit(answer.headers["Location"]).query)
        assert back["state"] == ["st-123"]
        tokens = oauth.exchange_code(back["code"][0])
        assert tokens.refresh_token and tokens.access_token
        assert set(SCOPES) <= set(tokens.scopes)
        assert tokens.expires_at - env.now() == dt.timedelta(hours=1)
        # codes are single use
        with pytest.raises(errors.FortnoxAuthError) as info:
            oauth.exchange_code(back["code"][0])
        assert not isinstance(info.value, errors.ReconnectRequired)
        assert "start the login again" in str(info.value)


def test_login_stores_tokens_0600_under_the_tenant(env: Env):
    with env.client() as client:
        info = reads.company_information(client)
    assert client.tenant == info.database_number
    assert env.store.tenants() == [client.tenant]
    assert stat.S_IMODE(os.stat(env.store.path).st_mode) == 0o600


def test_wrong_client_secret_is_named(env: Env):
    bad = FortnoxConfig(
        client_id=env.config.client_id,
        client_secret="not-the-secret",
        redirect_uri=env.config.redirect_uri,
        api_url=BASE,
        auth_url=BASE,
        token_store=env.config.token_store,
    )
    with pytest.raises(errors.FortnoxAuthError, match="FORTNOX_CLIENT_SECRET"):
        FortnoxClient.login(bad, env.code(), transport=env.sb.transport(), store=env.store)


def test_refresh_on_expiry_is_single_use_and_the_old_token_means_connect_again(env: Env):
    with env.client() as client:
        before = env.store.get(client.tenant)
        assert before is not None and before.refresh_token
        env.clock.advance(3601)  # the access token is now expired
        calls = client.oauth.token_requests
        reads.company_information(client)
        assert client.oauth.token_requests == calls + 1  # exactly one refresh
        after = env.store.get(client.tenant)
        assert after is not None and after.refresh_token != before.refresh_token
        reads.company_information(client)  # the new token works, no further refresh
        assert client.oauth.token_requests == calls + 1
        with pytest.raises(errors.ReconnectRequired) as info:
            client.oauth.refresh(before.refresh_token)  # spent: single use
        assert "must connect again" in str(info.value)
        assert before.refresh_token not in str(info.value)


# -- reads -------------------------------------------------------------------------------------
def test_reads_of_one_financial_year(env: Env, model: sie.SieFile):
    with env.client() as client:
        company = reads.company_information(client)
        reads.check_organisation_number(company, model.header.orgnr)
        with pytest.raises(errors.OrgnrMismatch, match="556036-0793"):
            reads.check_organisation_number(company, "556036-0793", file="other.se")

        year = reads.financial_year_for(client, dt.date(2025, 6, 30))
        assert (year.start, year.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        assert year in reads.financial_years(client)
        with pytest.raises(errors.NoFinancialYear, match="2031-01-01"):
            reads.financial_year_for(client, dt.date(2031, 1, 1))

        chart = reads.accounts(client, year)
        assert {a.number for a in chart} >= {a.number for a in model.accounts}
        assert all(a.year == year.id for a in chart)
        series = {s.code: s for s in reads.voucher_series(client, year)}
        assert series["I"].manual and series["A"].manual and not series["B"].manual
        assert all(s.year == year.id for s in series.values())
        assert reads.locked_period(client) == dt.date(2025, 11, 30)

        first = next(v for v in model.vouchers if v.series == "A")
        on_day = reads.vouchers_on(client, year, "A", first.date)
        assert on_day and all(v.date == first.date and v.series == "A" for v in on_day)
        assert all(v.year == year.id for v in on_day)
        expected = sorted(
            int(v.number) for v in model.vouchers if v.series == "A" and v.date == first.date
        )
        assert sorted(v.number for v in on_day) == expected


def test_sie_export_is_raw_bytes_read_by_sie_with_no_errors(env: Env, model: sie.SieFile):
    with env.client() as client:
        year = reads.financial_year_for(client, dt.date(2025, 12, 31))
        data = reads.sie_export(client, year)
        assert isinstance(data, bytes) and b"#SIETYP 4" in data
        result = reads.read_sie(client, year)
    assert result.encoding == "cp437"
    assert not [f for f in result.findings if f.severity == "error"]
    pulled = result.model.ledger()
    original = model.ledger()
    for account in ("1930", "1510", "2440", "3001"):
        assert pulled.balance(account, "UB") == original.balance(account, "UB")


def test_pagination_reads_every_page_and_reports_progress(env: Env):
    with env.client() as client:
        year = reads.financial_year_for(client, dt.date(2025, 6, 30))
        whole = client.list_all("/3/accounts", "Accounts", {"financialyear": year.id})
        seen: list[tuple[int, int, int]] = []
        before = client.stats.requests
        paged = client.list_all(
            "/3/accounts",
            "Accounts",
            {"financialyear": year.id},
            limit=7,
            progress=lambda page, pages, n: seen.append((page, pages, n)),
        )
    pages = -(-len(whole) // 7)
    assert pages >= 3
    assert paged == whole
    assert client.stats.requests - before == pages
    assert [s[0] for s in seen] == list(range(1, pages + 1))
    assert all(s[1] == pages for s in seen) and seen[-1][2] == len(whole)


def test_unpaid_invoices_at_year_end_match_the_ledger_objects(env: Env, model: sie.SieFile):
    with env.client() as client:
        year = reads.financial_year_for(client, dt.date(2025, 12, 31))
        customers = reads.open_customer_invoices(client, year)
        suppliers = reads.open_supplier_invoices(client, year)
        approx = reads.open_customer_invoices(client, year, use_payments=False)
    assert customers.exact and suppliers.exact
    for result, accounts, dim in (
        (customers, AccountRange("1500", "1599"), 8),
        (suppliers, AccountRange("2440", "2449"), 9),
    ):
        from_sie, *_ = open_items_from_sie(model, accounts, dim)
        total = sum((i.amount for i in result.items), Decimal(0))
        assert total == sum((i.amount for i in from_sie), Decimal(0))
        # the same invoices with the same open amounts (the SIE's #OIB invoice names no
        # customer; Fortnox knows it, so counterparties are compared where the SIE has one)
        assert {i.invoice: i.amount for i in result.items} == {
            i.invoice: i.amount for i in from_sie
        }
        sie_parties = {i.invoice: i.counterparty_id for i in from_sie if i.counterparty_id}
        assert all(i.counterparty_id == sie_parties.get(i.invoice, i.counterparty_id)
                   for i in result.items)  # fmt: skip
        assert all(isinstance(i.amount, Decimal) for i in result.items)
    assert all(i.amount > 0 for i in customers.items if i.invoice)
    # without payments (no 'payment' scope) the list is today's state, which the notes say
    assert {i.invoice for i in approx.items} >= {i.invoice for i in customers.items}


def test_missing_scope_names_the_scope_to_add(env: Env):
    with env.client(scopes=("companyinformation",)) as client:
        with pytest.raises(errors.ScopeError) as info:
            reads.financial_year_for(client, dt.date(2025, 6, 30))
        assert info.value.scope == "bookkeeping"
        assert "'bookkeeping'" in str(info.value) and "FORTNOX_SCOPES" in str(info.value)
        before = client.stats.requests
        with pytest.raises(errors.ScopeError):
            reads.accounts(client, 1)
        assert client.stats.requests == before + 1  # a 403 is not retried
        # without the payment scope the year-end lists fall back to today's state, saying so
        year = reads.FinancialYear(1, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        with pytest.raises(errors.ScopeError):
            reads.open_customer_invoices(client, year)


def test_a_404_is_not_retried(env: Env):
    with env.client() as client:
        year = reads.financial_year_for(client, dt.date(2025, 6, 30))
        before = client.stats.requests
        with pytest.raises(errors.NotFound):
            reads.voucher(client, year, "A", 99999)
        assert client.stats.requests == before + 1


# -- secrets -----------------------------------------------------------------------------------
def test_no_token_or_secret_in_logs_errors_reprs_or_json(
    env: Env, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    with env.client() as client:
        year = reads.financial_year_for(client, dt.date(2025, 6, 30))
        reads.accounts(client, year)
        env.clock.advance(3601)
        reads.company_information(client)  # refresh
        stored = env.store.get(client.tenant)
        assert stored is not None
        for failing in (
            lambda: reads.voucher(client, year, "A", 99999),
            lambda: client.oauth.refresh("rt-not-valid"),
            lambda: client.post("/3/vouchers", {"Voucher": {}}, {"financialyear": year.id}),
        ):
            try:
                failing()
            except errors.FortnoxError as exc:
                texts += [str(exc), repr(exc), str(exc.to_json())]
        texts += [repr(client), repr(client.oauth), repr(client.tokens), repr(env.store)]
        texts += [repr(stored), repr(env.config), str(env.config.to_json())]
    texts += [r.getMessage() for r in caplog.records]
    assert any("/3/accounts" in t for t in texts)  # the log did record the requests
    secrets = [stored.access_token, stored.refresh_token or "", env.config.client_secret]
    for text in texts:
        for secret in secrets:
            assert secret not in text
    # the store file is the one place they live
    assert stored.access_token in env.store.path.read_text(encoding="utf-8")


def test_without_the_payment_scope_invoices_are_approximated_and_say_so(env: Env):
    scopes = tuple(s for s in SCOPES if s != "payment")
    with env.client(scopes=scopes) as client:
        year = reads.financial_year_for(client, dt.date(2025, 12, 31))
        result = reads.open_customer_invoices(client, year)
    assert not result.exact
    assert "payments not readable" in result.notes[0] and "approximated" in result.notes[0]
    assert result.items  # still the open invoices, from today's state


# -- service accounts, revoke, a refresh answered twice ----------------------------------------
def test_service_account_uses_client_credentials_and_no_refresh_token(env: Env):
    tenant = str(env.sb.tenant(ORGNR).database_number)
    env.sb.authorize(scopes=list(SCOPES), tenant=ORGNR, service=True)  # the admin consents
    with FortnoxClient.service_account(
        env.config,
        tenant,
        transport=env.sb.transport(),
        store=env.store,
        limiter=env.limiter,
        now=env.now,
    ) as client:
        stored = env.store.get(tenant)
        assert stored is not None and stored.refresh_token is None and stored.service_account
        assert reads.company_information(client).organisation_number == ORGNR
        env.clock.advance(3601)
        calls = client.oauth.token_requests
        assert reads.company_information(client).database_number == tenant
        assert client.oauth.token_requests == calls + 1  # client credentials again
        renewed = env.store.get(tenant)
        assert renewed is not None and renewed.refresh_token is None
        assert renewed.access_token != stored.access_token


def test_service_account_without_consent_is_refused_clearly(env: Env):
    tenant = str(env.sb.tenant(ORGNR).database_number)
    with pytest.raises(errors.FortnoxAuthError) as info:
        FortnoxClient.service_account(
            env.config, tenant, transport=env.sb.transport(), store=env.store
        )
    assert "service account" in str(info.value).lower()


def test_disconnect_revokes_the_refresh_token(env: Env):
    client = env.client()
    stored = env.store.get(client.tenant)
    assert stored is not None and stored.refresh_token
    client.disconnect()
    assert env.store.get(client.tenant) is None
    with pytest.raises(errors.ReconnectRequired):
        client.oauth.refresh(stored.refresh_token)
    with pytest.raises(errors.TokenStoreError, match="bokslut fortnox login"):
        reads.company_information(client)
    client.close()


def test_a_refresh_answered_twice_ends_in_connect_again(tmp_path: Path):
    env = Env(tmp_path, faults="refresh-twice:@1")
    with env.client() as client:
        env.clock.advance(3601)
        reads.company_information(client)  # refreshed; the token we got is already spent
        env.clock.advance(3601)
        with pytest.raises(errors.ReconnectRequired) as info:
            reads.company_information(client)
    assert "customer must connect again" in str(info.value)


def test_a_company_without_the_module_licence_gets_a_scope_error_naming_it(tmp_path: Path):
    env = Env(tmp_path, licences=("bookkeeping", "companyinformation", "settings"))
    with env.client() as client:
        year = reads.financial_year_for(client, dt.date(2025, 12, 31))
        with pytest.raises(errors.ScopeError) as info:
            reads.open_supplier_invoices(client, year)
    assert info.value.code == 2001101 and info.value.status == 400
    assert info.value.scope == "supplierinvoice"
    assert "lacks the licence for the 'supplierinvoice' module" in str(info.value)


def test_sie_export_in_utf8_under_format_pc8_is_detected(tmp_path: Path, model: sie.SieFile):
    env = Env(tmp_path, sie_encoding="utf-8")
    with env.client() as client:
        year = reads.financial_year_for(client, dt.date(2025, 12, 31))
        data = reads.sie_export(client, year)
        result = reads.read_sie(client, year)
    assert b"#FORMAT PC8" in data and "Öbergs".encode() in data  # UTF-8 bytes, as some send
    assert result.encoding.replace("-", "").lower().startswith("utf")
    assert result.model.header.company_name == model.header.company_name
    assert not [f for f in result.findings if f.severity == "error"]


def test_login_refuses_an_unsafe_store_before_spending_the_code(env: Env):
    env.store.put("999", reads_free_tokens())
    os.chmod(env.store.path, 0o644)
    code = env.code()
    with pytest.raises(errors.TokenStoreError, match="chmod 600"):
        FortnoxClient.login(env.config, code, transport=env.sb.transport(), store=env.store)
    os.chmod(env.store.path, 0o600)
    with FortnoxClient.login(
        env.config, code, transport=env.sb.transport(), store=env.store, now=env.now
    ) as client:  # the code was not spent
        assert reads.company_information(client).organisation_number == ORGNR


def reads_free_tokens() -> TokenSet:
    return TokenSet("at", "rt", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
