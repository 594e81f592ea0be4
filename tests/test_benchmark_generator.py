"""The benchmark generator writes a file the reader accepts and whose balances hold."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import sie
from sie import orgnr
from sie.model import ZERO
from sie.validation import load

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"


@cache
def generator() -> ModuleType:
    """``benchmarks/generate.py``, which is a script, not a package module."""
    spec = importlib.util.spec_from_file_location("bench_generate", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    path = tmp_path_factory.mktemp("bench") / "small_4e.se"
    stats = generator().generate(path, mb=1.0)
    return path, stats


def test_generated_file_has_the_requested_size_and_shape(small: tuple[Path, Any]) -> None:
    path, stats = small
    data = path.read_bytes()
    assert stats.bytes == len(data)
    assert 0.9e6 < len(data) < 1.1e6
    assert data.count(b"\n") == data.count(b"\r\n")
    assert data.decode("cp437").encode("cp437") == data
    assert data.count(b"#VER ") == stats.vouchers
    assert data.count(b"#TRANS ") == stats.rows
    assert 3.5 < stats.rows / stats.vouchers < 4.5


def test_generated_file_reads_and_validates_without_errors(small: tuple[Path, Any]) -> None:
    path, stats = small
    result = load(path)
    assert result.model is not None
    assert [f for f in result.findings if f.severity != "info"] == []
    model = result.model
    assert model.sie_type == "4E"
    assert orgnr.is_valid(model.header.orgnr)
    assert len(model.vouchers) == stats.vouchers
    assert 250 <= len(model.accounts) <= 350
    per_dim = Counter(o.dimension for o in model.objects)
    assert set(per_dim) == {1, 6, 8, 9}
    assert 300 <= sum(per_dim.values()) <= 1000


def test_every_voucher_balances_and_numbers_ascend(small: tuple[Path, Any]) -> None:
    path, _stats = small
    model = sie.read(path).model
    last: dict[str, int] = {}
    year = model.year(0)
    assert year is not None
    for v in model.vouchers:
        assert v.balance == 0, (v.series, v.number)
        assert year.contains(v.date)
        assert int(v.number) == last.get(v.series, 0) + 1
        last[v.series] = int(v.number)
        assert 2 <= len(v.rows) <= 12
    assert set(last) == set("ABCDE")


def test_balances_agree_with_the_transactions(small: tuple[Path, Any]) -> None:
    path, _stats = small
    model = sie.read(path).model
    ledger = model.ledger()
    accounts = {b.account for b in model.balances} | set(ledger.movements())
    for account in accounts:
        movement = ledger.movement(account)
        if int(account) < 3000:
            ib = ledger.balance(account, "IB", 0)
            ub = ledger.balance(account, "UB", 0)
            assert ib is not None and ub is not None, account
            assert ib + movement == ub, account
            assert ledger.balance(account, "UB", -1) == ib, account
        else:
            assert movement == (ledger.balance(account, "RES", 0) or ZERO), account
    assert sum((b.amount for b in model.balances if b.kind == "IB"), ZERO) == 0
    assert sum((b.amount for b in model.balances if b.kind == "RES" and b.year == -1), ZERO) == 0


def test_same_seed_same_bytes_and_streaming_sees_the_same_vouchers(
    small: tuple[Path, Any], tmp_path: Path
) -> None:
    path, _stats = small
    again = tmp_path / "again.se"
    generator().generate(again, mb=1.0)
    assert again.read_bytes() == path.read_bytes()
    other = tmp_path / "other.se"
    generator().generate(other, mb=1.0, seed=1)
    assert other.read_bytes() != path.read_bytes()
    streamed = list(sie.iter_vouchers(path))
    assert streamed == list(sie.read(path).model.vouchers)


def test_the_checksummed_variant_is_the_same_file_with_a_ksumma_that_verifies(
    small: tuple[Path, Any], tmp_path: Path
) -> None:
    path, stats = small
    checked = tmp_path / "checked.se"
    written = generator().generate(checked, mb=1.0, ksumma=True)
    lines = checked.read_bytes().split(b"\r\n")
    assert lines[:2] == [b"#FLAGGA 0", b"#KSUMMA"]
    assert lines[-2].startswith(b"#KSUMMA ") and lines[-1] == b""
    assert b"\r\n".join(lines[:1] + lines[2:-2] + [b""]) == path.read_bytes()
    assert (written.vouchers, written.rows) == (stats.vouchers, stats.rows)
    result = sie.read(checked)
    verified = [f for f in result.findings if f.code.startswith("ksumma")]
    assert [f.code for f in verified] == ["ksumma-ok"]
    assert result.model.checksum == int(lines[-2].split()[1])
    assert result.model.vouchers == sie.read(path).model.vouchers
    # One öre more on one row (of a voucher that no longer balances) is caught.
    data = checked.read_bytes()
    row = re.search(rb"#TRANS 1930 \{\} -?[0-9]+\.[0-9]([0-8])", data)
    assert row is not None
    damaged = data[: row.start(1)] + bytes([row.group(1)[0] + 1]) + data[row.end(1) :]
    codes = [f.code for f in sie.read(damaged).findings if f.code.startswith("ksumma")]
    assert codes == ["ksumma-mismatch"]
