"""The round trip against the sandbox, in-process: pull → validate → close → push →
pull again; reruns post nothing; refused pushes post nothing and say why; faults
lose and duplicate nothing. One injected clock drives the sandbox, the client's
pacing and its backoff, so nothing here really sleeps."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from closing.assets import read_assets
from closing.settings import ClosingSettings
from closing.trial_balance import trial_balance
from fortnox_bridge.client import FortnoxClient
from fortnox_bridge.config import FortnoxConfig
from fortnox_bridge.errors import ScopeError
from fortnox_bridge.markers import marker_of
from fortnox_bridge.ratelimit import SlidingWindow
from fortnox_bridge.roundtrip import RoundtripResult, pull, roundtrip
from fortnox_bridge.sandbox import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    ManualClock,
    Sandbox,
)
from fortnox_bridge.sync import push

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "norrsken_ab_2025.se"
ASSETS = read_assets(str(ROOT / "samples" / "norrsken_ab_2025_inventarier.json"))
ALL_SCOPES = ("bookkeeping", "companyinformation", "settings")
YEAR_END = dt.date(2025, 12, 31)
TODAY = dt.date(2026, 3, 1)


class Time:
    """One clock for sandbox and client; sleeping advances it instead of waiting."""

    def __init__(self) -> None:
        self.clock = ManualClock(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))
        self.slept = 0.0

    def sleep(self, seconds: float) -> None:
        self.slept += max(0.0, seconds)
        self.clock.advance(max(0.0, seconds))

    def monotonic(self) -> float:
        return self.clock()

    def utcnow(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.clock(), dt.UTC)


def make_sandbox(time: Time, **options: Any) -> Sandbox:
    options.setdefault("rate_limit", (25, 5.0))
    return Sandbox.from_sie_files([str(SAMPLE)], now=time.clock, sleep=time.sleep, **options)


def connect(
    sb: Sandbox, time: Time, store: Path, scopes: tuple[str, ...] = ALL_SCOPES
) -> FortnoxClient:
    config = FortnoxConfig(
        client_id=DEFAULT_CLIENT_ID,
        client_secret=DEFAULT_CLIENT_SECRET,
        redirect_uri="http://127.0.0.1:8765/callback",
        scopes=scopes,
        api_url="http://sandbox.invalid",
        auth_url="http://sandbox.invalid",
        token_store=store,
    )
    code = sb.authorize(scopes=list(scopes), redirect_uri=config.redirect_uri)
    return FortnoxClient.login(
        config,
        code,
        transport=sb.transport(),
        limiter=SlidingWindow(clock=time.monotonic, sleep=time.sleep),
        sleep=time.sleep,
        now=time.utcnow,
    )


def tenant_of(sb: Sandbox) -> Any:
    return sb.tenant()


def closing_year(sb: Sandbox) -> Any:
    return tenant_of(sb).year_for(YEAR_END)


def series_vouchers(sb: Sandbox, series: str = "I") -> list[Any]:
    return [v for v in closing_year(sb).vouchers.values() if v.series == series]


@pytest.fixture
def time() -> Time:
    return Time()


@pytest.fixture
def sb(time: Time) -> Sandbox:
    return make_sandbox(time)


@pytest.fixture
def client(sb: Sandbox, time: Time, tmp_path: Path) -> Iterator[FortnoxClient]:
    with connect(sb, time, tmp_path / "tokens.json") as c:
        yield c


def run_roundtrip(client: FortnoxClient, **options: Any) -> RoundtripResult:
    return roundtrip(client, assets=ASSETS, today=TODAY, **options)


# ----------------------------------------------------------------------------- round trip


def test_round_trip_posts_verifies_and_a_rerun_posts_nothing(
    client: FortnoxClient, sb: Sandbox, tmp_path: Path
) -> None:
    result = run_roundtrip(client, out=tmp_path / "out")
    assert result.stage == "done", result.to_json()
    assert result.ok and result.verification is not None and result.verification.held
    closing = result.closing
    assert closing is not None and len(closing.vouchers) == 5
    pushed = result.pushed
    assert pushed is not None
    assert [(v.series, v.number, v.status) for v in pushed.vouchers] == [
        ("I", n, "posted") for n in range(1, 6)
    ]
    # the SIE pulled again holds them under Fortnox's numbers, with the closing's rows
    after = result.pulled_again
    assert after is not None and after.model is not None
    held = {(v.series, v.number): v for v in after.model.vouchers}
    for posted, want in zip(pushed.vouchers, closing.vouchers, strict=True):
        got = held[("I", str(posted.number))]
        assert Counter((r.account, r.amount) for r in got.trans) == Counter(
            (r.account, r.amount) for r in want.trans
        )
        assert marker_of(got.text) == posted.marker
    # balances per account to the öre, computed independently of verify()
    before = result.pulled.model
    assert before is not None
    expected = {x.account: x.ub for x in trial_balance(before).lines}
    for v in closing.vouchers:
        for r in v.trans:
            expected[r.account] = expected.get(r.account, Decimal(0)) + r.amount
    got_ub = {x.account: x.ub for x in trial_balance(after.model).lines}
    assert {a: b for a, b in expected.items() if b} == {a: b for a, b in got_ub.items() if b}
    assert got_ub["2099"] == Decimal("-294586.51") + expected["2099"] - Decimal("-294586.51")
    assert {p.name for p in result.written} >= {"556742-3180_2025_bokslut.si"}

    # push again: nothing posted, the same numbers reported
    count = len(series_vouchers(sb))
    again = push(client, closing.vouchers, series="I", orgnr="556742-3180")
    assert again.ok and not again.posted
    assert [(v.number, v.status) for v in again.vouchers] == [(n, "existing") for n in range(1, 6)]
    assert len(series_vouchers(sb)) == count == 5


def test_push_from_the_closing_file_finds_what_the_round_trip_posted(
    client: FortnoxClient, sb: Sandbox, tmp_path: Path
) -> None:
    from fortnox_bridge.roundtrip import closing_vouchers

    first = run_roundtrip(client, out=tmp_path / "out")
    assert first.ok
    vouchers, orgnr, _ = closing_vouchers(tmp_path / "out")
    again = push(client, vouchers, orgnr=orgnr)
    assert again.ok and [v.status for v in again.vouchers] == ["existing"] * 5
    assert len(series_vouchers(sb)) == 5


def test_clean_push_makes_one_listing_then_one_post_per_voucher(client: FortnoxClient) -> None:
    pulled = pull(client, today=TODAY)
    assert pulled.ok and pulled.model is not None
    from closing import close

    result = close(pulled.model, ClosingSettings(series="I"), ASSETS)
    before = client.stats.requests
    pushed = push(client, result.vouchers, orgnr=pulled.orgnr)
    assert pushed.ok and len(pushed.posted) == 5
    # company, year, series, accounts, locked period, one listing, five POSTs
    assert client.stats.requests - before == pushed.requests == 5 + 6


def test_changed_closing_stops_and_asks_for_a_reversal(client: FortnoxClient, sb: Sandbox) -> None:
    from closing import close

    pulled = pull(client, today=TODAY)
    assert pulled.model is not None
    first = close(pulled.model, ClosingSettings(series="I"), ASSETS)
    assert push(client, first.vouchers, orgnr=pulled.orgnr).ok
    count = len(series_vouchers(sb))
    # the same year closed again with other choices: other amounts in the same slots
    changed = close(pulled.model, ClosingSettings(series="I", pfond="none"), ASSETS)
    refused = push(client, changed.vouchers, orgnr=pulled.orgnr)
    assert not refused.ok and not refused.posted
    assert {p.code for p in refused.problems} == {"fortnox-posted"}
    assert all("reversal" in p.message for p in refused.problems)
    assert len(series_vouchers(sb)) == count
    # after reversing in Fortnox, a new revision posts the corrected closing
    revised = push(client, changed.vouchers, orgnr=pulled.orgnr, revision=2)
    assert revised.ok and len(revised.posted) == len(changed.vouchers)


# ----------------------------------------------------------------------------- refusals


def _refused(client: FortnoxClient, sb: Sandbox, **options: Any) -> Any:
    count = len(list(tenant_of(sb).all_vouchers()))
    result = run_roundtrip(client, **options)
    assert result.stage == "push", result.to_json()
    assert result.pushed is not None and not result.pushed.ok
    assert not result.pushed.vouchers
    assert len(list(tenant_of(sb).all_vouchers())) == count  # nothing posted
    return result.pushed.problems


def test_inactive_account_is_named_per_voucher_and_row(client: FortnoxClient, sb: Sandbox) -> None:
    closing_year(sb).accounts[8910].active = False
    closing_year(sb).accounts[2099].active = False
    problems = _refused(client, sb)
    where = {(p.code, p.voucher, p.row) for p in problems}
    assert ("fortnox-account-inactive", 4, 1) in where  # 8910 Beräknad inkomstskatt
    assert ("fortnox-account-inactive", 5, 2) in where  # 2099 Årets resultat
    text = "\n".join(str(p) for p in problems)
    assert "voucher 4" in text and "row 1" in text and "8910" in text


def test_missing_account_and_missing_series(client: FortnoxClient, sb: Sandbox) -> None:
    del closing_year(sb).accounts[2125]
    problems = _refused(client, sb, series="Q")
    codes = {p.code for p in problems}
    assert {"fortnox-series-missing", "fortnox-account-missing"} <= codes


def test_series_that_is_not_manual(client: FortnoxClient, sb: Sandbox) -> None:
    problems = _refused(client, sb, series="B")
    assert [p.code for p in problems if p.severity == "error"] == ["fortnox-series-not-manual"]


def test_no_financial_year(client: FortnoxClient, sb: Sandbox) -> None:
    pulled = pull(client, today=TODAY)
    assert pulled.model is not None
    from closing import close

    result = close(pulled.model, ClosingSettings(series="I"), ASSETS)
    tenant = tenant_of(sb)
    tenant.years = [y for y in tenant.years if not y.contains(YEAR_END)]
    count = len(list(tenant.all_vouchers()))
    pushed = push(client, result.vouchers, orgnr=pulled.orgnr)
    assert not pushed.ok and [p.code for p in pushed.problems] == ["fortnox-no-year"]
    assert "2025-12-31" in pushed.problems[0].message
    assert len(list(tenant.all_vouchers())) == count


def test_locked_period_is_a_warning_for_the_closing_series(
    client: FortnoxClient, sb: Sandbox
) -> None:
    tenant_of(sb).locked_through = YEAR_END
    fine = run_roundtrip(client)  # series I is exempt from the lock: Fortnox takes it
    assert fine.ok and fine.pushed is not None
    (warning,) = fine.pushed.problems  # once for the closing, not once per voucher
    assert warning.code == "fortnox-locked-period" and warning.voucher is None
    assert len(fine.pushed.posted) == 5


def test_locked_period_with_a_lockable_series_is_refused_by_fortnox(
    client: FortnoxClient, sb: Sandbox
) -> None:
    tenant = tenant_of(sb)
    tenant.locked_through = YEAR_END
    count = len(list(tenant.all_vouchers()))
    refused = run_roundtrip(client, series="A")
    assert refused.stage == "push" and refused.pushed is not None
    assert not refused.pushed.vouchers
    fortnox = [p for p in refused.pushed.problems if p.code == "fortnox-refused"]
    assert len(fortnox) == 1 and fortnox[0].voucher == 1
    assert "code" in fortnox[0].message
    assert "fortnox-locked-period" in {p.code for p in refused.pushed.problems}
    assert len(list(tenant.all_vouchers())) == count


def test_vouchers_of_another_company_are_refused(client: FortnoxClient, sb: Sandbox) -> None:
    pushed = push(client, _closing_vouchers(), orgnr="556036-0793")
    assert not pushed.ok and "fortnox-orgnr" in {p.code for p in pushed.problems}
    assert not series_vouchers(sb)


def test_token_without_bookkeeping_cannot_post(sb: Sandbox, time: Time, tmp_path: Path) -> None:
    with connect(sb, time, tmp_path / "t.json", scopes=("companyinformation",)) as c:
        pulled_vouchers = _closing_vouchers()
        with pytest.raises(ScopeError) as caught:
            push(c, pulled_vouchers, orgnr="556742-3180")
    assert caught.value.scope == "bookkeeping"
    assert "bookkeeping" in str(caught.value)
    assert not series_vouchers(sb)


def _closing_vouchers() -> Any:
    import sie
    from closing import close

    model = sie.load(SAMPLE).model
    assert model is not None
    return close(model, ClosingSettings(series="I"), ASSETS).vouchers


# ----------------------------------------------------------------------------- faults


def _no_duplicates(sb: Sandbox, expected: int) -> None:
    vouchers = series_vouchers(sb)
    markers = [marker_of(v.description) for v in vouchers]
    assert len(markers) == len(set(markers)) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "drop-after-commit:@2",
        "drop-after-commit:always",
        "500:@9,500:@10",
        "429-storm:@3",
        "429-storm:@12:5",
        "expire-token:@4",
        "drop-after-commit:0.5,500:0.2,429-storm:0.1:4,expire-token:@7,seed=3",
    ],
)
def test_faults_lose_and_duplicate_nothing(spec: str, time: Time, tmp_path: Path) -> None:
    sb = make_sandbox(time, faults=spec)
    with connect(sb, time, tmp_path / "tokens.json") as c:
        _finish(c, run_roundtrip(c))
        _no_duplicates(sb, 5)
        fired = {f.kind for f in sb.faults.fired}
        assert fired >= {item.split(":")[0] for item in spec.split(",") if ":" in item}
        if "drop-after-commit" in fired:  # a voucher was stored, its answer lost: found again
            assert any(f.path.startswith("/3/vouchers") for f in sb.faults.fired)
        again = push(c, _closing_vouchers(), orgnr="556742-3180")
        assert again.ok and not again.posted
    _no_duplicates(sb, 5)


def test_two_processes_refresh_the_same_token_at_once(
    sb: Sandbox, time: Time, tmp_path: Path
) -> None:
    store = tmp_path / "tokens.json"
    first = connect(sb, time, store)
    second = FortnoxClient(
        first.config,
        first.tenant,
        transport=sb.transport(),
        limiter=SlidingWindow(clock=time.monotonic, sleep=time.sleep),
        sleep=time.sleep,
        now=time.utcnow,
    )
    time.clock.advance(2 * 3600)  # both access tokens expired: both must refresh
    results: list[Any] = []
    errors: list[BaseException] = []

    def work(c: FortnoxClient) -> None:
        try:
            results.append(pull(c, today=TODAY))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(c,)) for c in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and all(r.ok for r in results)
    # the chain is unbroken: a later refresh still works, and the round trip completes
    time.clock.advance(2 * 3600)
    result = run_roundtrip(second)
    assert result.ok
    _no_duplicates(sb, 5)
    first.close()
    second.close()


#: ``slow`` here outlasts the client's 30 s timeout: the client gives up, the sandbox still
#: carries the request out 10 s later (as a server does whose client left).
KINDS = st.sampled_from(["drop-after-commit", "500", "429-storm", "expire-token", "slow"])
SPEC_ARG = {"slow": ":40s"}


def _finish(c: FortnoxClient, result: RoundtripResult) -> None:
    """A run stopped by a POST that may have committed (and was not found) is finished by
    pushing the same closing again — never by a second POST in the stopped run."""
    if result.ok:
        return
    assert result.pushed is not None and result.closing is not None, result.to_json()
    pushed = result.pushed
    for _run in range(6):  # each run posts at least the voucher it stopped at, or finds it
        assert {p.code for p in pushed.problems} == {"fortnox-unconfirmed"}, pushed.to_json()
        pushed = push(c, result.closing.vouchers, orgnr="556742-3180")
        if pushed.ok:
            return
    raise AssertionError(pushed.to_json())


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    schedule=st.lists(st.tuples(KINDS, st.integers(1, 20)), min_size=1, max_size=5).filter(
        # one storm of 5 at a time (the client tries a GET six times), and one expiry:
        # a token refused right after its renewal is an error by design
        lambda s: all(sum(k == kind for k, _ in s) <= 1 for kind in ("429-storm", "expire-token"))
    ),
    seed=st.integers(0, 1000),
)
def test_random_fault_schedules(
    schedule: list[tuple[str, int]], seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    time = Time()
    spec = ",".join(f"{kind}:@{n}{SPEC_ARG.get(kind, '')}" for kind, n in schedule)
    sb = make_sandbox(time, faults=f"{spec},seed={seed}")
    with connect(sb, time, tmp_path_factory.mktemp("t") / "tokens.json") as c:
        _finish(c, run_roundtrip(c))
        time.sleep(60)  # anything still being carried out has landed
        c.get("/3/companyinformation")
    _no_duplicates(sb, 5)


# ------------------------------------------------- a POST that outlasts the client's timeout

#: company, financial year, series, chart, locked period, the listing: request 7 is the
#: first voucher POST.
FIRST_POST = 7


def _slow_client(sb: Sandbox, time: Time, store: Path) -> FortnoxClient:
    client = connect(sb, time, store)
    client.http.timeout = httpx.Timeout(1.0)
    return client


def test_a_post_still_running_when_the_client_gave_up_is_found_not_posted_again(
    time: Time, tmp_path: Path
) -> None:
    sb = make_sandbox(time)
    vouchers = _closing_vouchers()
    with _slow_client(sb, time, tmp_path / "tokens.json") as c:
        sb.faults = f"slow:@{FIRST_POST}:3s"  # the server finishes 2 s after the client left
        pushed = push(c, vouchers, orgnr="556742-3180")
        assert [f.method for f in sb.faults.fired] == ["POST"]
        assert pushed.ok, pushed.to_json()
        assert [(v.number, v.status) for v in pushed.vouchers] == [
            (n, "posted") for n in range(1, 6)
        ]
    _no_duplicates(sb, 5)


def test_a_post_not_found_after_waiting_stops_the_run_and_a_later_run_finishes(
    time: Time, tmp_path: Path
) -> None:
    sb = make_sandbox(time)
    vouchers = _closing_vouchers()
    with _slow_client(sb, time, tmp_path / "tokens.json") as c:
        sb.faults = f"slow:@{FIRST_POST}:600s"  # still working after every look
        posts = Counter[str]()
        pushed = push(c, vouchers, orgnr="556742-3180")
        assert not pushed.ok and not pushed.vouchers
        (problem,) = pushed.problems
        assert problem.code == "fortnox-unconfirmed" and problem.voucher == 1
        assert "NOT posted again" in problem.message and "push again later" in problem.message
        assert not series_vouchers(sb)  # nothing posted twice, the first still under way
        time.sleep(600)
        again = push(c, vouchers, orgnr="556742-3180")
        assert again.ok, again.to_json()
        posts.update(v.status for v in again.vouchers)
        assert posts == {"existing": 1, "posted": 4}
    _no_duplicates(sb, 5)


@pytest.mark.parametrize("fault", ["500", "drop-after-commit"])
def test_every_post_that_may_have_committed_is_sent_once_per_run(
    fault: str, time: Time, tmp_path: Path
) -> None:
    sb = make_sandbox(time)
    vouchers = _closing_vouchers()
    with connect(sb, time, tmp_path / "tokens.json") as c:
        sb.faults = f"{fault}:@{FIRST_POST}" if fault == "500" else f"{fault}:@1"
        pushed = push(c, vouchers, orgnr="556742-3180")
        if fault == "500":  # nothing was stored: the run stops instead of posting again
            assert [p.code for p in pushed.problems] == ["fortnox-unconfirmed"]
            assert not series_vouchers(sb)
            pushed = push(c, vouchers, orgnr="556742-3180")
        assert pushed.ok and len(pushed.vouchers) == 5
    _no_duplicates(sb, 5)
