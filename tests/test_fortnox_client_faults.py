"""The client under the sandbox's injected faults, and two real processes refreshing at once.

Reads are retried on 429 (with and without ``Retry-After``) and 500; a POST is never repeated
when it may have committed; a token that expires mid-run is renewed once; two processes that
refresh the same tenant at the same moment spend exactly one refresh token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import random
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fortnox_bridge import errors, reads
from fortnox_bridge.auth import OAuth
from fortnox_bridge.client import FortnoxClient
from fortnox_bridge.config import FortnoxConfig
from fortnox_bridge.ratelimit import SlidingWindow
from fortnox_bridge.tokens import TokenManager, TokenStore

sandbox = pytest.importorskip("fortnox_bridge.sandbox")

from test_fortnox_client_sandbox import BASE, SCOPES, Env  # noqa: E402

VOUCHER = {
    "Voucher": {
        "Description": "Test av klienten",
        "VoucherSeries": "A",
        "TransactionDate": "2025-12-31",
        "VoucherRows": [
            {"Account": 2710, "Debit": "100.00", "Credit": "0"},
            {"Account": 6570, "Debit": "0", "Credit": "100.00"},
        ],
    }
}


def _faulty(tmp_path: Path, spec: str, **kw: object) -> Env:
    return Env(tmp_path, False, faults=spec, **kw)


def _year(client: FortnoxClient) -> reads.FinancialYear:
    return reads.financial_year_for(client, dt.date(2025, 6, 30))


def test_get_is_retried_through_a_429_storm_without_retry_after(tmp_path: Path):
    env = _faulty(tmp_path, "429-storm:@3:3")
    with env.client(rng=random.Random(1)) as client:
        year = _year(client)  # request 1 (the tenant comes from the JWT at login)
        chart = reads.accounts(client, year)  # request 2; 3-5 are the storm
        chart_again = reads.accounts(client, year)
    assert chart == chart_again and chart
    assert client.stats.rate_limited == 3 and client.stats.retries == 3
    # exponential backoff with jitter: each wait within [base/2, base], base = 0.5 * 2^n
    waits = env.sleeps[-3:]
    for n, wait in enumerate(waits):
        assert 0.25 * 2**n <= wait <= 0.5 * 2**n
    assert env.limiter.waited == 0  # the wait after a 429 is served once, not again by the window


def test_get_honours_retry_after_from_the_sandbox_rate_limit(tmp_path: Path):
    env = Env(tmp_path, rate_limit=(25, 5.0))
    hinted: list[float] = []

    def note(response: httpx.Response) -> None:
        if response.status_code == 429 and "Retry-After" in response.headers:
            hinted.append(float(response.headers["Retry-After"]))

    http = httpx.Client(transport=env.sb.transport(), event_hooks={"response": [note]})
    # our own window switched off so that the sandbox's 429 (with Retry-After) is met
    own = SlidingWindow(1000, 5.0, clock=env.clock, sleep=env.clock.sleep)
    with env.client(limiter=own, http=http) as client:
        for _ in range(30):
            reads.locked_period(client)
    assert client.stats.rate_limited >= 1 and hinted
    assert len(env.sleeps) == len(hinted)
    for wait, asked in zip(env.sleeps, hinted, strict=True):
        assert asked <= wait <= asked + 1.0


def test_client_window_keeps_under_the_sandbox_limit(tmp_path: Path):
    env = Env(tmp_path, rate_limit=(25, 5.0))
    with env.client() as client:
        for _ in range(60):
            reads.locked_period(client)
    assert client.stats.rate_limited == 0
    assert sum(env.sleeps) == pytest.approx(0) and env.limiter.waited >= 5.0


def test_get_is_retried_on_500_and_gives_up_with_a_server_error(tmp_path: Path):
    env = _faulty(tmp_path, "500:@2")
    with env.client() as client:
        year = _year(client)
        assert reads.locked_period(client) is not None  # 2nd request fails once, then works
        assert client.stats.server_errors == 1 and client.stats.retries == 1
    env = _faulty(tmp_path / "b", "500:always")
    with env.client(max_retries=2) as client, pytest.raises(errors.ServerError) as info:
        reads.locked_period(client)
    assert client.stats.requests == 3
    assert "after 3 attempts" in str(info.value)
    assert year.id >= 1


def test_post_that_got_a_500_is_not_retried(tmp_path: Path):
    env = _faulty(tmp_path, "500:@2")
    with env.client() as client:
        year = _year(client)
        before = client.stats.requests
        with pytest.raises(errors.MayHaveCommitted) as info:
            client.post("/3/vouchers", VOUCHER, {"financialyear": year.id})
        assert client.stats.requests == before + 1
        assert "look for the record before posting again" in str(info.value)


def test_post_whose_answer_was_lost_is_not_retried_and_did_commit(tmp_path: Path):
    env = _faulty(tmp_path, "drop-after-commit:@1")
    with env.client() as client:
        year = _year(client)
        before = reads.vouchers_on(client, year, "A", dt.date(2025, 12, 31))
        sent = client.stats.requests
        with pytest.raises(errors.MayHaveCommitted):
            client.post("/3/vouchers", VOUCHER, {"financialyear": year.id})
        assert client.stats.requests == sent + 1
        after = reads.vouchers_on(client, year, "A", dt.date(2025, 12, 31))
    assert len(after) == len(before) + 1  # it was stored: posting again would duplicate it


def test_token_expiring_mid_run_is_renewed_once(tmp_path: Path):
    env = _faulty(tmp_path, "expire-token:@2")
    with env.client() as client:
        _year(client)
        calls = client.oauth.token_requests
        assert reads.locked_period(client) is not None
        assert client.stats.auth_renewals == 1
        assert client.oauth.token_requests == calls + 1


def test_401s_after_successful_refreshes_are_an_error_that_does_not_ask_to_log_in(
    tmp_path: Path,
):
    env = _faulty(tmp_path, "expire-token:always")
    with env.client() as client, pytest.raises(errors.FortnoxAuthError) as info:
        reads.locked_period(client)
    assert client.stats.auth_renewals == 2
    assert "freshly renewed" in str(info.value) and "log in" not in str(info.value)


def test_a_token_expiring_right_after_its_renewal_is_renewed_once_more(tmp_path: Path):
    env = _faulty(tmp_path, "expire-token:@2,expire-token:@3")
    with env.client() as client:
        _year(client)
        assert reads.locked_period(client) is not None
        assert client.stats.auth_renewals == 2


def test_post_is_repeated_after_a_refused_token_only(tmp_path: Path):
    env = _faulty(tmp_path, "expire-token:@2")
    with env.client() as client:
        year = _year(client)
        answer = client.post("/3/vouchers", VOUCHER, {"financialyear": year.id})
        posted = reads.vouchers_on(client, year, "A", dt.date(2025, 12, 31))
    number = answer["Voucher"]["VoucherNumber"]
    assert [v.number for v in posted].count(number) == 1
    assert client.stats.auth_renewals == 1


def test_post_rejects_floats():
    cfg = FortnoxConfig(client_id="c", client_secret="s", api_url=BASE, auth_url=BASE)
    client = FortnoxClient(cfg, "1", store=TokenStore("/nonexistent/tokens.json"))
    with pytest.raises(TypeError, match="float"):
        client.post("/3/vouchers", {"Voucher": {"VoucherRows": [{"Debit": 1.5}]}})


# -- two processes refreshing at once ----------------------------------------------------------
def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def _refresh_in_child(config: FortnoxConfig, tenant: str, barrier, queue) -> None:  # type: ignore[no-untyped-def]
    """A separate process: wake up with an expired token and ask for a valid one."""
    try:
        late = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)  # our clock: token expired
        with httpx.Client() as http:
            oauth = OAuth(config, http, now=lambda: late)
            manager = TokenManager(TokenStore(config.token_store), oauth, tenant, now=lambda: late)
            stale = manager.current()
            barrier.wait(timeout=30)
            token = manager.access_token()
            check = http.get(
                f"{config.api_url}/3/companyinformation",
                headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            )
            queue.put(
                {
                    "token": _digest(token),  # no live token in a failure message
                    "stale": _digest(stale.access_token),
                    "requests": oauth.token_requests,
                    "refreshes": manager.refreshes,
                    "adopted": manager.adopted,
                    "status": check.status_code,
                }
            )
    except BaseException as exc:  # report, do not hang the parent
        queue.put({"error": repr(exc)})


def test_two_processes_refreshing_at_once_spend_one_refresh_token(tmp_path: Path):
    env = Env(tmp_path, real_clock=True)  # the server runs for real
    with sandbox.serve(env.sb, host="127.0.0.1", port=0) as server:
        url = server.url.rstrip("/")
        config = FortnoxConfig(
            client_id=env.config.client_id,
            client_secret=env.config.client_secret,
            redirect_uri=env.config.redirect_uri,
            scopes=SCOPES,
            api_url=url,
            auth_url=url,
            token_store=env.config.token_store,
        )
        client = FortnoxClient.login(config, env.code(), store=env.store)
        tenant = client.tenant
        client.close()
        first = env.store.get(tenant)
        assert first is not None and first.refresh_token

        ctx = multiprocessing.get_context("fork")
        barrier = ctx.Barrier(2)
        queue = ctx.Queue()
        procs = [
            ctx.Process(target=_refresh_in_child, args=(config, tenant, barrier, queue))
            for _ in range(2)
        ]
        for p in procs:
            p.start()
        results = [queue.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(timeout=30)
        assert not [r for r in results if "error" in r], results

        # exactly one refresh request between them; the other adopted the new token
        assert sum(r["requests"] for r in results) == 1
        assert sorted((r["refreshes"], r["adopted"]) for r in results) == [(0, 1), (1, 0)]
        assert results[0]["token"] == results[1]["token"] != _digest(first.access_token)
        assert all(r["stale"] == _digest(first.access_token) for r in results)
        assert all(r["status"] == 200 for r in results)

        # the chain is unbroken: the stored refresh token is the new one and it works
        stored = env.store.get(tenant)
        assert stored is not None and _digest(stored.access_token) == results[0]["token"]
        assert stored.refresh_token != first.refresh_token
        with httpx.Client() as http:
            oauth = OAuth(config, http)
            assert first.refresh_token and stored.refresh_token
            with pytest.raises(errors.ReconnectRequired):
                oauth.refresh(first.refresh_token)
            assert oauth.refresh(stored.refresh_token).refresh_token


def test_post_refused_by_a_429_is_sent_again_and_stored_once(tmp_path: Path):
    env = _faulty(tmp_path, "429-storm:@2:2")
    with env.client() as client:
        year = _year(client)
        answer = client.post("/3/vouchers", VOUCHER, {"financialyear": year.id})
        posted = reads.vouchers_on(client, year, "A", dt.date(2025, 12, 31))
    assert client.stats.rate_limited == 2
    assert [v.number for v in posted].count(answer["Voucher"]["VoucherNumber"]) == 1
    assert len([v for v in posted if v.description == "Test av klienten"]) == 1


class LosesAnswers(httpx.BaseTransport):
    """Wraps the sandbox transport; the listed request numbers time out on the way back.

    The sandbox's drop-after-commit fault applies to writes only; this is a lost GET."""

    def __init__(self, inner: httpx.BaseTransport, lose: set[int]) -> None:
        self.inner = inner
        self.lose = lose
        self.seen = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/3/"):
            self.seen += 1
            if self.seen in self.lose:
                self.inner.handle_request(request)  # the server did the work ...
                raise httpx.ReadTimeout("timed out", request=request)  # ... the answer is lost
        return self.inner.handle_request(request)


def test_get_whose_answer_was_lost_is_retried(tmp_path: Path):
    env = Env(tmp_path)
    transport = LosesAnswers(env.sb.transport(), {2, 3})
    with env.client(transport=transport) as client:
        year = _year(client)
        assert reads.locked_period(client) == dt.date(2025, 11, 30)
    assert client.stats.transport_errors == 2 and client.stats.retries == 2
    assert year.id >= 1
    env = Env(tmp_path / "b")
    transport = LosesAnswers(env.sb.transport(), set(range(1, 10)))
    with (
        env.client(transport=transport, max_retries=3) as client,
        pytest.raises(errors.TransportError, match="no answer after 4 attempts"),
    ):
        _year(client)


_CLEAN: list[tuple[list[reads.Account], list[reads.VoucherSeries]]] = []


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    p500=st.sampled_from([0.0, 0.1, 0.2]),
    storm=st.sampled_from(["", ",429-storm:0.1:3", ",429-storm:@2:4"]),
    expire=st.integers(min_value=1, max_value=6),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_reads_under_random_fault_schedules_give_the_clean_answer(
    tmp_path_factory: pytest.TempPathFactory, p500: float, storm: str, expire: int, seed: int
):
    if not _CLEAN:
        clean_env = Env(tmp_path_factory.mktemp("clean"))
        with clean_env.client() as clean:
            year = _year(clean)
            _CLEAN.append((reads.accounts(clean, year), reads.voucher_series(clean, year)))
    expected = _CLEAN[0]
    spec = f"500:{p500}{storm},expire-token:@{expire},seed={seed}"
    env = _faulty(tmp_path_factory.mktemp("faulty"), spec)
    with env.client(max_retries=10, rng=random.Random(seed)) as client:
        year = _year(client)
        got = (reads.accounts(client, year), reads.voucher_series(client, year))
        got_pages = client.list_all("/3/accounts", "Accounts", {"financialyear": year.id}, limit=50)
    assert got == expected
    assert [a["Number"] for a in got_pages] == [int(a.number) for a in expected[0]]
    fired = env.sb.faults
    assert client.stats.server_errors == fired.count("500")
    assert client.stats.rate_limited == fired.count("429-storm")
    assert client.stats.auth_renewals == fired.count("expire-token")


def test_a_long_429_storm_is_ridden_out_by_time_not_by_a_retry_count(tmp_path: Path):
    env = _faulty(tmp_path, "429-storm:@2:12")
    with env.client(max_retries=2) as client:
        _year(client)
        assert reads.locked_period(client) == dt.date(2025, 11, 30)
    assert client.stats.rate_limited == 12
    assert max(env.sleeps) <= 5.0  # never longer than Fortnox's window without Retry-After
    assert env.limiter.waited == 0
    env = _faulty(tmp_path / "b", "429-storm:always:1")
    with (
        env.client(rate_budget=20.0) as client,
        pytest.raises(errors.RateLimited, match=r"after \d+ attempts"),
    ):
        _year(client)
    assert 20.0 <= sum(env.sleeps) <= 25.0


def test_a_refresh_whose_answer_is_lost_says_what_happened(tmp_path: Path):
    env = _faulty(tmp_path, "drop-after-commit:@2:token")  # @1 is the login's code exchange
    with env.client() as client:
        env.clock.advance(3601)
        with pytest.raises(errors.TransportError) as lost:
            reads.locked_period(client)
        assert "may have been spent" in str(lost.value)
        with pytest.raises(errors.ReconnectRequired, match="must connect again"):
            reads.locked_period(client)
