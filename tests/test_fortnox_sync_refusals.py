"""Pushes that must be refused before anything is posted, against the sandbox in-process:
a file that is no closing (a whole year's ledger), amounts Fortnox cannot take."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from fortnox_bridge.client import FortnoxClient
from fortnox_bridge.roundtrip import closing_vouchers, pull, roundtrip
from fortnox_bridge.sandbox import Sandbox
from fortnox_bridge.sync import push
from tests.test_fortnox_sync_roundtrip import (
    ASSETS,
    TODAY,
    Time,
    _closing_vouchers,
    closing_year,
    connect,
    make_sandbox,
    series_vouchers,
)

ORGNR = "556742-3180"


@pytest.fixture
def time() -> Time:
    return Time()


@pytest.fixture
def sb(time: Time) -> Sandbox:
    return make_sandbox(time, rate_limit=None)


@pytest.fixture
def client(sb: Sandbox, time: Time, tmp_path: Path) -> FortnoxClient:
    return connect(sb, time, tmp_path / "tokens.json")


def test_a_whole_years_ledger_is_refused_by_push_and_nothing_is_posted(
    client: FortnoxClient, sb: Sandbox, tmp_path: Path
) -> None:
    held = len(closing_year(sb).vouchers)
    pulled = pull(client, today=TODAY, out=tmp_path / "pulled.se")
    assert pulled.ok and pulled.model is not None and len(pulled.model.vouchers) > 100
    result = push(client, pulled.model.vouchers, orgnr=ORGNR)
    assert not result.ok and not result.vouchers
    codes = {p.code for p in result.problems}
    assert "fortnox-not-closing" in codes
    assert any("no closing" in p.message for p in result.problems)
    assert len(closing_year(sb).vouchers) == held
    # the command line's reader refuses the file itself, under any name
    with pytest.raises(ValueError, match="not another SIE file"):
        closing_vouchers(tmp_path / "pulled.se")
    disguised = tmp_path / "x_bokslut.si"
    shutil.copy(tmp_path / "pulled.se", disguised)
    with pytest.raises(ValueError, match="a closing has at most"):
        closing_vouchers(disguised)


def test_a_closing_file_with_a_voucher_off_the_year_end_is_refused(
    client: FortnoxClient, sb: Sandbox, tmp_path: Path
) -> None:
    vouchers = list(_closing_vouchers())
    vouchers[1] = vouchers[1]._replace(date=dt.date(2025, 6, 30))
    result = push(client, vouchers, orgnr=ORGNR)
    errors = [(p.code, p.voucher) for p in result.problems if p.severity == "error"]
    assert errors == [("fortnox-not-closing", 2)]
    assert not series_vouchers(sb)


BAD_CLOSING = """#FLAGGA 0
#PROGRAM "test" "1"
#FORMAT PC8
#SIETYP 4
#ORGNR 556742-3180
#FNAMN "Norrsken Konsult & Bygg AB"
#RAR 0 20250101 20251231
#KONTO 5010 "Lokalhyra"
#KONTO 1930 "Bank"
#VER "I" "" 20251231 "Obalanserad"
{
#TRANS 5010 {} 100.00
#TRANS 1930 {} -90.00
}
#VER "I" "" 20251231 "Tre decimaler"
{
#TRANS 5010 {} 100.005
#TRANS 1930 {} -100.005
}
"""


def test_amounts_with_three_decimals_are_problems_per_voucher_and_row(
    client: FortnoxClient, sb: Sandbox, tmp_path: Path
) -> None:
    path = tmp_path / "556742-3180_2025_bokslut.si"
    path.write_text(BAD_CLOSING, encoding="cp437")
    vouchers, orgnr, _ = closing_vouchers(path)
    result = push(client, vouchers, orgnr=orgnr)
    errors = [(p.code, p.voucher, p.row) for p in result.problems if p.severity == "error"]
    assert errors == [
        ("fortnox-unbalanced", 1, None),
        ("fortnox-amount", 2, 1),
        ("fortnox-amount", 2, 2),
    ]
    amount = next(p for p in result.problems if p.code == "fortnox-amount")
    assert "100.005" in amount.message and amount.voucher_text == "Tre decimaler"
    assert not series_vouchers(sb)


# ------------------------------------- Fortnox's open invoices reach the closing's attachments

INVOICE_SCOPES = ("bookkeeping", "companyinformation", "settings", "invoice", "supplierinvoice")


@pytest.mark.parametrize("payment", [True, False])
def test_the_round_trip_attaches_fortnoxs_open_invoices(
    payment: bool, sb: Sandbox, time: Time, tmp_path: Path
) -> None:
    scopes = INVOICE_SCOPES + (("payment",) if payment else ())
    with connect(sb, time, tmp_path / "tokens.json", scopes) as c:
        result = roundtrip(c, assets=ASSETS, today=TODAY)
    assert result.ok, result.to_json()
    assert result.closing is not None
    by_kind = {a.kind: a for a in result.closing.attachments}
    customers, suppliers = by_kind["customers"], by_kind["suppliers"]
    assert customers.source == suppliers.source == "supplied"
    assert customers.specified == Decimal("519365.62") == customers.book_balance
    assert suppliers.specified == Decimal("-81821.44") == suppliers.book_balance
    assert customers.difference == suppliers.difference == 0
    if payment:  # exact: nothing approximated
        assert not any("approximated" in n for n in result.notes), result.notes
    else:
        assert any("approximated" in n for n in result.notes), result.notes
    assert result.to_json()["notes"] == list(result.notes)


def test_without_the_invoice_scopes_the_attachments_come_from_the_sie_and_say_so(
    client: FortnoxClient,
) -> None:
    result = roundtrip(client, assets=ASSETS, today=TODAY)
    assert result.ok and result.closing is not None
    # Fortnox's SIE export carries no invoice objects: nothing to specify the balances with
    assert {a.source for a in result.closing.attachments} <= {"sie", "none"}
    (note,) = result.notes
    assert "not readable" in note and "SIE file's objects" in note


# ------------------------------------------------- a round trip run again does not re-close


def test_a_round_trip_run_again_does_not_close_the_closed_books(
    client: FortnoxClient, sb: Sandbox, tmp_path: Path
) -> None:
    first = roundtrip(client, assets=ASSETS, today=TODAY, out=tmp_path / "out")
    assert first.ok
    again = roundtrip(client, assets=ASSETS, today=TODAY, out=tmp_path / "out")
    assert again.stage == "pull" and again.closing is None and again.pushed is None
    (problem,) = again.pulled.problems
    assert problem.code == "fortnox-already-closed"
    assert "I 1, I 2, I 3, I 4, I 5" in problem.message
    assert f"bokslut fortnox push {tmp_path / 'out'}" in problem.message
    assert len(series_vouchers(sb)) == 5


def test_an_interrupted_round_trip_is_finished_by_push_not_by_a_second_round_trip(
    client: FortnoxClient, sb: Sandbox, tmp_path: Path
) -> None:
    vouchers = _closing_vouchers()
    assert push(client, vouchers[:2], orgnr=ORGNR).ok  # a run that stopped after two
    again = roundtrip(client, assets=ASSETS, today=TODAY)
    assert again.stage == "pull" and again.pushed is None
    (problem,) = again.pulled.problems
    assert problem.code == "fortnox-already-closed" and "(I 1, I 2)" in problem.message
    assert len(series_vouchers(sb)) == 2  # no reversal advised, nothing posted
    finished = push(client, vouchers, orgnr=ORGNR)
    assert finished.ok
    assert [v.status for v in finished.vouchers] == ["existing"] * 2 + ["posted"] * 3
    assert len(series_vouchers(sb)) == 5


def test_post_of_a_mapping_writes_decimals_exactly_and_refuses_floats(
    client: FortnoxClient, sb: Sandbox
) -> None:
    rows = [
        {"Account": 1930, "Debit": Decimal("0.10"), "Credit": Decimal("0")},
        {"Account": 2099, "Debit": Decimal("0"), "Credit": Decimal("0.10")},
    ]
    body = {
        "Voucher": {
            "Description": "Decimal",
            "TransactionDate": "2025-12-31",
            "VoucherSeries": "I",
            "VoucherRows": rows,
        }
    }
    answer = client.post("/3/vouchers", body, {"financialyear": 2})
    got = answer["Voucher"]["VoucherRows"][0]["Debit"]
    assert got == Decimal("0.10") and isinstance(got, Decimal)
    rows[0]["Debit"] = 0.1
    with pytest.raises(TypeError, match="float"):
        client.post("/3/vouchers", body, {"financialyear": 2})
    assert len(series_vouchers(sb)) == 1


def test_a_year_the_sandbox_has_only_closing_balances_of_is_refused_clearly(
    client: FortnoxClient,
) -> None:
    from fortnox_bridge.errors import RequestError

    with pytest.raises(RequestError) as caught:
        pull(client, financial_year_date=dt.date(2024, 6, 30), today=TODAY)
    assert caught.value.status == 400 and caught.value.code == 2000454
    assert "saknar bokföring" in caught.value.message and "2024-01-01" in caught.value.message
