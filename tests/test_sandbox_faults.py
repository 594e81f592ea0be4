"""The rate limit and every injected fault, each deterministic with its seed."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sandbox_support import client, login, sandbox, token_request

from fortnox_bridge.sandbox import Faults, FaultSpecError, ManualClock
from fortnox_bridge.sandbox.ratelimit import parse as parse_rate


def closing_voucher(text: str = "Bokslut") -> dict:
    return {
        "Voucher": {
            "Description": text,
            "TransactionDate": "2025-12-31",
            "VoucherSeries": "I",
            "VoucherRows": [{"Account": 8910, "Debit": 10}, {"Account": 2512, "Credit": 10}],
        }
    }


def posted(sb) -> int:
    return len(sb.tenant().years[1].vouchers)


def test_the_rate_limit_is_25_requests_per_5_seconds_per_token_tenant():
    clock = ManualClock()
    sb = sandbox(rate_limit=(25, 5.0), now=clock)
    http = client(sb)
    tokens = login(http)
    statuses = [
        http.get("/3/financialyears", headers=tokens.headers).status_code for _ in range(26)
    ]
    assert statuses == [200] * 25 + [429]
    limited = http.get("/3/financialyears", headers=tokens.headers)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "5"
    clock.advance(2.5)
    assert http.get("/3/financialyears", headers=tokens.headers).status_code == 429
    clock.advance(2.5)
    assert http.get("/3/financialyears", headers=tokens.headers).status_code == 200
    assert sb.limiter is not None and sb.limiter.rejected == 3
    # The OAuth endpoints are not counted, and limiting can be switched off.
    assert (
        token_request(http, grant_type="refresh_token", refresh_token=tokens.refresh).status_code
        == 200
    )
    sb.rate_limit = None
    assert all(
        http.get("/3/financialyears", headers=tokens.headers).status_code == 200 for _ in range(40)
    )


def test_rate_limit_syntax():
    assert parse_rate("25/5") == (25, 5.0)
    assert parse_rate("10/1.5s") == (10, 1.5)
    assert parse_rate("off") is None
    for bad in ("25", "0/5", "a/b", "25/0"):
        with pytest.raises(ValueError, match="N/SECONDS"):
            parse_rate(bad)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("explode:0.1", "unknown kind"),
        ("500:2", "between 0 and 1"),
        ("500:often", "no probability"),
        ("slow:0.1:fast", "no duration"),
        ("429-storm:0.1:0", "count from 1"),
        ("drop-after-commit:0.1:sideways", "drop target"),
        ("500:0.1:3", "takes no third part"),
        ("expire-token:@0", "from 1"),
        ("seed=x", "whole number"),
    ],
)
def test_fault_spec_errors_say_what_is_wrong(spec, words):
    with pytest.raises(FaultSpecError, match=words):
        Faults.parse(spec)


def test_drop_after_commit_posts_but_the_client_sees_a_broken_connection():
    sb = sandbox(faults="drop-after-commit:@2")
    http = client(sb)
    tokens = login(http)
    assert (
        http.post("/3/vouchers", json=closing_voucher("1"), headers=tokens.headers).status_code
        == 201
    )
    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/3/vouchers", json=closing_voucher("2"), headers=tokens.headers)
    assert posted(sb) == 274  # both were committed
    listed = http.get("/3/vouchers/sublist/I?financialyear=2", headers=tokens.headers).json()
    assert [v["Description"] for v in listed["Vouchers"]] == ["1", "2"]
    assert sb.faults.count("drop-after-commit") == 1


def test_drop_after_commit_on_the_token_endpoint_loses_the_rotation():
    sb = sandbox(faults="drop-after-commit:always:token")
    http = client(sb)
    code = sb.authorize(["bookkeeping"])
    with pytest.raises(httpx.RemoteProtocolError):
        token_request(http, grant_type="authorization_code", code=code)
    again = token_request(http, grant_type="authorization_code", code=code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_500_answers_without_doing_anything():
    sb = sandbox(faults="500:@1")
    http = client(sb)
    tokens = login(http)
    failed = http.post("/3/vouchers", json=closing_voucher(), headers=tokens.headers)
    assert failed.status_code == 500
    assert failed.json()["ErrorInformation"]["code"] == 1000003
    assert posted(sb) == 272
    assert (
        http.post("/3/vouchers", json=closing_voucher(), headers=tokens.headers).status_code == 201
    )


def test_slow_waits_on_the_clock_it_is_given():
    clock = ManualClock()
    sb = sandbox(faults="slow:always:2500ms", now=clock, sleep=clock.advance)
    http = client(sb)
    tokens = login(http)
    start = clock()
    assert http.get("/3/financialyears", headers=tokens.headers).status_code == 200
    assert clock() - start == 2.5


def test_a_429_storm_answers_n_requests_without_retry_after():
    sb = sandbox(faults="429-storm:@2:3")
    http = client(sb)
    tokens = login(http)
    statuses = [http.get("/3/financialyears", headers=tokens.headers) for _ in range(6)]
    assert [r.status_code for r in statuses] == [200, 429, 429, 429, 200, 200]
    assert all("Retry-After" not in r.headers for r in statuses[1:4])


def test_expire_token_makes_the_access_token_die_until_refreshed():
    sb = sandbox(faults="expire-token:@2")
    http = client(sb)
    tokens = login(http)
    assert http.get("/3/financialyears", headers=tokens.headers).status_code == 200
    died = http.get("/3/financialyears", headers=tokens.headers)
    assert died.status_code == 401 and died.json() == {"message": "unauthorized"}
    assert http.get("/3/financialyears", headers=tokens.headers).status_code == 401
    fresh = token_request(http, grant_type="refresh_token", refresh_token=tokens.refresh).json()
    headers = {"Authorization": f"Bearer {fresh['access_token']}"}
    assert http.get("/3/financialyears", headers=headers).status_code == 200


def test_refresh_twice_breaks_the_chain_the_client_was_handed():
    sb = sandbox(faults="refresh-twice:@1")
    http = client(sb)
    tokens = login(http)
    answer = token_request(http, grant_type="refresh_token", refresh_token=tokens.refresh)
    assert answer.status_code == 200
    handed = answer.json()
    headers = {"Authorization": f"Bearer {handed['access_token']}"}
    assert http.get("/3/financialyears", headers=headers).status_code == 200  # AT still good
    dead = token_request(http, grant_type="refresh_token", refresh_token=handed["refresh_token"])
    assert dead.status_code == 400 and dead.json()["error"] == "invalid_grant"


def test_the_same_seed_fires_on_the_same_requests():
    def run(seed: int) -> list[int]:
        sb = sandbox(faults=f"500:0.3,429-storm:0.1:2,seed={seed}")
        http = client(sb)
        tokens = login(http)
        return [
            http.get("/3/financialyears", headers=tokens.headers).status_code for _ in range(40)
        ]

    first = run(7)
    assert first == run(7)
    assert first != run(8)
    assert {500, 429, 200} <= set(first)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    drop=st.sampled_from([0.0, 0.2, 0.5]),
    fail=st.sampled_from([0.0, 0.2]),
    storm=st.sampled_from([0.0, 0.1]),
    posts=st.integers(1, 12),
)
def test_random_fault_schedules_never_lose_or_double_a_commit(seed, drop, fail, storm, posts):
    """Under any schedule, the books hold exactly the vouchers the server committed —
    the answered 201s plus the dropped answers — numbered without gaps from 1."""
    spec = f"drop-after-commit:{drop},500:{fail},429-storm:{storm}:3,seed={seed}"
    sb = sandbox(faults=spec)
    http = client(sb)
    tokens = login(http)
    created = dropped = 0
    for n in range(posts):
        try:
            response = http.post(
                "/3/vouchers", json=closing_voucher(str(n)), headers=tokens.headers
            )
        except httpx.RemoteProtocolError:
            dropped += 1
            continue
        assert response.status_code in (201, 429, 500)
        created += response.status_code == 201
    numbers = sorted(n for (s, n) in sb.tenant().years[1].vouchers if s == "I")
    assert numbers == list(range(1, created + dropped + 1))
    assert sb.faults.count("drop-after-commit") == dropped


def test_each_company_has_its_own_rate_budget():
    from sandbox_support import ORGNR_B, sample_model, second_company

    clock = ManualClock()
    sb = sandbox([sample_model(), second_company()], rate_limit=(25, 5.0), now=clock)
    http = client(sb)
    token_a, token_b = login(http), login(http, tenant=ORGNR_B)
    for _ in range(25):
        assert http.get("/3/financialyears", headers=token_a.headers).status_code == 200
    assert http.get("/3/financialyears", headers=token_a.headers).status_code == 429
    assert http.get("/3/financialyears", headers=token_b.headers).status_code == 200
    # A second token of the same company shares the company's budget.
    assert http.get("/3/financialyears", headers=login(http).headers).status_code == 429
