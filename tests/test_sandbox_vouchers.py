"""Posting vouchers to the sandbox: Fortnox's numbering, its refusals with their codes and
Swedish messages, and vouchers that can be neither changed nor deleted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sandbox_support import assert_valid, client, login, sandbox


def voucher(series: str = "I", day: str = "2025-12-31", rows: Any = None, **extra: Any) -> dict:
    body = {
        "Description": "Skatt på årets resultat",
        "TransactionDate": day,
        "VoucherSeries": series,
        "VoucherRows": rows
        or [
            {"Account": 8910, "Debit": "88476.00", "Credit": 0, "TransactionInformation": "Skatt"},
            {"Account": 2512, "Debit": 0, "Credit": "88476.00"},
        ],
        **extra,
    }
    return {"Voucher": body}


@pytest.fixture
def api():
    sb = sandbox(inactive_accounts=["6992"])
    http = client(sb)
    return sb, http, login(http)


def post(api: Any, body: Any, query: str = "?financialyear=2"):
    _, http, tokens = api
    return http.post(f"/3/vouchers{query}", json=body, headers=tokens.headers)


def code(response) -> int:
    info = response.json(parse_float=Decimal)["ErrorInformation"]
    return info.get("code", info.get("Code"))


def test_a_posted_voucher_gets_the_next_number_and_shows_up(api):
    sb, http, tokens = api
    first = post(api, voucher())
    assert first.status_code == 201, first.text
    assert_valid("/3/vouchers", "post", first)
    body = first.json(parse_float=Decimal)["Voucher"]
    assert (body["VoucherSeries"], body["VoucherNumber"], body["Year"]) == ("I", 1, 2)
    assert body["VoucherRows"][0]["Debit"] == Decimal("88476.00")
    assert body["VoucherRows"][0]["Description"] == "Skatt som belastar årets resultat"
    assert body["@url"].endswith("/3/vouchers/I/1?financialyear=2")
    second = post(api, voucher(), query="")  # no financialyear: the current year (2025)
    assert second.json(parse_float=Decimal)["Voucher"]["VoucherNumber"] == 2
    a = post(api, voucher("A", "2025-12-15"))
    assert a.json(parse_float=Decimal)["Voucher"]["VoucherNumber"] == 54  # after A 1–53
    listed = http.get("/3/vouchers/sublist/I?financialyear=2", headers=tokens.headers)
    assert [v["VoucherNumber"] for v in listed.json()["Vouchers"]] == [1, 2]
    again = http.get("/3/vouchers/I/2?financialyear=2", headers=tokens.headers)
    assert again.status_code == 200
    assert again.json(parse_float=Decimal)["Voucher"]["VoucherRows"] == body["VoucherRows"]
    series = http.get("/3/voucherseries/I?financialyear=2", headers=tokens.headers).json()
    assert series["VoucherSeries"]["NextVoucherNumber"] == 3
    assert sb.tenant().years[1].vouchers[("I", 1)].reg_date == dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("body", "status", "fortnox_code", "words"),
    [
        (voucher("Z"), 400, 2000414, 'Verifikationsserien "Z" finns inte'),
        (voucher("B"), 400, 2000415, "Verifikationsserien är inte manuell"),
        (voucher("A", "2025-11-30"), 400, 2002141, "Perioden är låst till och med 2025-11-30"),
        (voucher("A", "2024-06-30"), 400, 2003097, "utanför valt räkenskapsår"),
        (voucher("I", "2026-01-31"), 400, 2003096, "inget räkenskapsår"),
        (
            voucher(rows=[{"Account": 9999, "Debit": 1}, {"Account": 2512, "Credit": 1}]),
            400,
            2001304,
            "Kunde inte hitta konto",
        ),
        (
            voucher(rows=[{"Account": 6992, "Debit": 1}, {"Account": 1930, "Credit": 1}]),
            400,
            2001305,
            'Konto "6992" är inte aktivt',
        ),
        (
            voucher(rows=[{"Account": 8910, "Debit": 100}, {"Account": 2512, "Credit": 99.99}]),
            400,
            2000557,
            "inte i balans (debet 100.00, kredit 99.99)",
        ),
        (voucher(rows=[{"Account": 8910, "Debit": 0}]), 400, 2000588, "minst två rader"),
        (voucher(Description=""), 400, 2000588, "Description"),
        (voucher(Foo=1), 400, 2001399, "Felaktigt fältnamn (Foo)"),
        (
            voucher(rows=[{"Account": 8910, "Debit": "1.005"}, {"Account": 2512, "Credit": 1}]),
            400,
            2000588,
            "två decimaler",
        ),
        (
            voucher(
                rows=[
                    {"Account": 8910, "Debit": 1, "TransactionInformation": "x" * 101},
                    {"Account": 2512, "Credit": 1},
                ]
            ),
            400,
            2000588,
            "TransactionInformation",
        ),
        (
            voucher(
                rows=[
                    {"Account": 8910, "Debit": 1, "CostCenter": "99"},
                    {"Account": 2512, "Credit": 1},
                ]
            ),
            400,
            2000451,
            "kostnadsstället",
        ),
        ({"Vouchers": []}, 400, 2001392, "Ingen eller felaktig typ av data."),
    ],
    ids=[
        "series-missing",
        "series-not-manual",
        "locked-period",
        "outside-chosen-year",
        "no-financial-year",
        "account-missing",
        "account-inactive",
        "unbalanced",
        "one-row",
        "empty-description",
        "unknown-field",
        "three-decimals",
        "row-text-too-long",
        "unknown-cost-center",
        "no-voucher",
    ],
)
def test_refusals_carry_fortnox_codes_and_swedish_messages(api, body, status, fortnox_code, words):
    sb, _http, _tokens = api
    before = sum(len(y.vouchers) for y in sb.tenant().years)
    response = post(api, body)
    assert response.status_code == status, response.text
    assert code(response) == fortnox_code
    assert words in response.json()["ErrorInformation"]["message"]
    assert response.json()["ErrorInformation"]["error"] == 1
    assert sum(len(y.vouchers) for y in sb.tenant().years) == before, "nothing was posted"


def test_the_closing_series_posts_into_the_locked_period_others_do_not(api):
    """Series I ("Ej låsbar serie") is exempt from the lock; A is not. A lock that covers
    the whole year answers the year-locked code."""
    sb, _, _ = api
    assert post(api, voucher("I", "2025-11-15")).status_code == 201
    assert code(post(api, voucher("A", "2025-11-15"))) == 2002141
    assert post(api, voucher("A", "2025-12-01")).status_code == 201
    sb.tenant().locked_through = dt.date(2025, 12, 31)
    assert code(post(api, voucher("A", "2025-12-31"))) == 2000401
    assert post(api, voucher("I", "2025-12-31")).status_code == 201
    sb.tenant().locked_through = None
    assert post(api, voucher("A", "2025-01-01")).status_code == 201


def test_malformed_json_and_body_year(api):
    _, http, tokens = api
    broken = http.post(
        "/3/vouchers",
        content=b'{"Voucher": {',
        headers={**tokens.headers, "Content-Type": "application/json"},
    )
    assert broken.status_code == 400 and code(broken) == 2002115
    with_year = post(api, voucher("A", "2024-12-31", Year=1), query="")
    assert with_year.status_code == 400 and code(with_year) == 2000401  # 2024 is locked whole
    unknown_year = post(api, voucher(Year=7), query="")
    assert unknown_year.status_code == 404 and code(unknown_year) == 2000448


def test_vouchers_cannot_be_changed_or_deleted(api):
    sb, http, tokens = api
    before = sb.tenant().years[1].vouchers[("A", 1)].description
    for method in ("PUT", "DELETE"):
        response = http.request(
            method, "/3/vouchers/A/1?financialyear=2", json=voucher("A"), headers=tokens.headers
        )
        assert response.status_code == 405
        assert code(response) == 2000447
        assert "rättelseverifikation" in response.json()["ErrorInformation"]["message"]
    assert sb.tenant().years[1].vouchers[("A", 1)].description == before
    assert ("A", 1) in sb.tenant().years[1].vouchers


def test_voucher_filters(api):
    _, http, tokens = api
    march = http.get(
        "/3/vouchers?financialyear=2&fromdate=2025-03-01&todate=2025-03-31&voucherseries=A",
        headers=tokens.headers,
    ).json()["Vouchers"]
    assert march and all(v["TransactionDate"].startswith("2025-03") for v in march)
    assert {v["VoucherSeries"] for v in march} == {"A"}
    by_cost_center = http.get(
        "/3/vouchers?financialyear=2&costcenter=30&limit=500", headers=tokens.headers
    ).json()["Vouchers"]
    assert by_cost_center and len(by_cost_center) < 272
    newest = http.get(
        "/3/vouchers/sublist/A?financialyear=2&sortby=vouchernumber&sortorder=descending",
        headers=tokens.headers,
    ).json()["Vouchers"]
    assert newest[0]["VoucherNumber"] == 53
