"""Pushes that must be refused before anything is posted, against the sandbox in-process:
a file that is no closing (a whole year's ledger), amounts Fortnox cannot take."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import attrs
import pytest

from fortnox_bridge.client import FortnoxClient
from fortnox_bridge.roundtrip import closing_vouchers, pull
from fortnox_bridge.sandbox import Sandbox
from fortnox_bridge.sync import push
from tests.test_fortnox_sync_roundtrip import (
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
    vouchers[1] = attrs.evolve(vouchers[1], date=dt.date(2025, 6, 30))
    result = push(client, vouchers, orgnr=ORGNR)
    errors = [(p.code, p.voucher) for p in result.problems if p.severity == "error"]
    assert errors == [("fortnox-not-closing", 2)]
    assert not series_vouchers(sb)
