"""The bundled samples: reproducible byte for byte, and as consistent as the README says."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

import sie
from sie import orgnr
from sie.model import ZERO, ObjectRef, SieFile
from sie.validation import load

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
GENERATOR = SAMPLES / "make_samples.py"
SAMPLE_4E = SAMPLES / "norrsken_ab_2025.se"
SAMPLE_4I = SAMPLES / "norrsken_ab_2025_fakturor.si"
NOT_GENERATED = {"make_samples.py", "README.md", "norrsken_ab_2025_inventarier.json"}

#: Each broken example and the one finding (above "info") it is made to show.
BROKEN = {
    "unbalanced_voucher.si": "voucher-unbalanced",
    "wrong_orgnr_check_digit.si": "orgnr-invalid",
    "voucher_outside_year.si": "date-outside-year",
    "unknown_label.si": "unknown-label",
    "unterminated_quote.si": "unterminated-quote",
}


def committed_files() -> dict[str, bytes]:
    return {
        p.relative_to(SAMPLES).as_posix(): p.read_bytes()
        for p in sorted(SAMPLES.rglob("*"))
        if p.is_file() and p.name not in NOT_GENERATED and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def model() -> SieFile:
    result = sie.read(SAMPLE_4E)
    assert not [f for f in result.findings if f.severity == "error"], result.findings
    return result.model


def is_balance(account: str) -> bool:
    return account[0] in "12"


# --------------------------------------------------------------------------- reproducibility


def test_generator_recreates_every_committed_file_byte_for_byte(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    generated = {
        p.relative_to(tmp_path).as_posix(): p.read_bytes()
        for p in sorted(tmp_path.rglob("*"))
        if p.is_file()
    }
    committed = committed_files()
    assert sorted(generated) == sorted(committed)
    for name, data in generated.items():
        assert data == committed[name], f"{name} differs: run python samples/make_samples.py"


def test_every_sample_is_cp437_with_crlf_and_described_in_the_readme() -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for name, data in committed_files().items():
        assert data.endswith(b"\r\n")
        assert data.count(b"\n") == data.count(b"\r\n"), name
        assert data.decode("cp437").encode("cp437") == data
        assert Path(name).name in readme, f"{name} is not described in samples/README.md"


# --------------------------------------------------------------------------- the 4E sample


def test_4e_sample_header(model: SieFile) -> None:
    h = model.header
    assert model.sie_type == "4E"
    assert h.flag == 0
    assert h.format == "PC8"
    assert h.program == "sie-bokslut samples"
    assert h.company_name == "Norrsken Konsult & Bygg AB"
    assert h.company_type == "AB"
    assert h.tax_year == 2026
    assert h.chart_type == "EUBAS97"
    assert h.currency == "SEK"
    assert h.covered_until == dt.date(2025, 12, 31)
    assert orgnr.is_valid(h.orgnr)
    assert h.orgnr.startswith("55") and int(h.orgnr[2]) >= 2
    assert h.address is not None and "Luleå" in h.address[2]
    year0, prev = model.year(0), model.year(-1)
    assert year0 is not None and (year0.start, year0.end) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
    )
    assert prev is not None and (prev.start, prev.end) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
    )
    text = SAMPLE_4E.read_bytes().decode("cp437")
    assert all(letter in text for letter in "åäöÅÄÖé")


def test_4e_sample_validates_without_errors() -> None:
    result = load(SAMPLE_4E)
    assert result.model is not None
    assert not [f for f in result.findings if f.severity == "error"], result.findings
    # The two vouchers without series and number are numbered on import.
    filled = [v for v in result.model.vouchers if v.source_series == ""]
    assert len(filled) == 2
    assert all(v.series and v.number and v.date == dt.date(2025, 3, 15) for v in filled)


def test_4e_sample_has_vouchers_in_every_series(model: SieFile) -> None:
    count: dict[str, int] = defaultdict(int)
    for v in model.vouchers:
        count[v.series] += 1
    assert set(count) == {"A", "B", "C", "D", "L", ""}
    assert count[""] == 2
    assert 150 <= len(model.vouchers) <= 300
    for series in "ABCDL":
        numbers = [int(v.number) for v in model.vouchers if v.series == series]
        assert numbers == list(range(1, len(numbers) + 1))
        dates = [v.date for v in model.vouchers if v.series == series]
        assert dates == sorted(dates)


def test_every_voucher_balances_and_lies_in_the_year(model: SieFile) -> None:
    year = model.year(0)
    assert year is not None
    for v in model.vouchers:
        assert v.balance == 0, (v.series, v.number)
        assert year.contains(v.date), (v.series, v.number)


def test_balances_follow_from_the_vouchers(model: SieFile) -> None:
    ledger = model.ledger()
    accounts = {b.account for b in model.balances} | set(ledger.movements())
    assert {a.number for a in model.accounts} >= accounts
    for account in sorted(accounts):
        movement = ledger.movement(account)
        if is_balance(account):
            ib = ledger.balance(account, "IB", 0) or ZERO
            ub = ledger.balance(account, "UB", 0) or ZERO
            assert ib + movement == ub, account
            assert ib == (ledger.balance(account, "UB", -1) or ZERO), account
        else:
            assert movement == (ledger.balance(account, "RES", 0) or ZERO), account
    ib_total = sum((b.amount for b in model.balances if b.kind == "IB"), ZERO)
    ub_prev = sum((b.amount for b in model.balances if b.kind == "UB" and b.year == -1), ZERO)
    res_prev = sum((b.amount for b in model.balances if b.kind == "RES" and b.year == -1), ZERO)
    assert ib_total == ub_prev == res_prev == 0  # 2024 is closed, its result is in equity


def test_period_balances_add_up_to_the_movements(model: SieFile) -> None:
    ledger = model.ledger()
    totals: dict[tuple[str, ObjectRef | None], Decimal] = defaultdict(lambda: ZERO)
    for p in model.period_balances:
        assert p.kind == "PSALDO" and p.year == 0 and p.period[0] == 2025
        totals[(p.account, p.object)] += p.amount
    assert totals
    for (account, obj), total in totals.items():
        if obj is None:
            assert total == ledger.movement(account), account
        else:
            expected = sum(
                (
                    r.amount
                    for v in model.vouchers
                    for r in v.trans
                    if r.account == account and obj in r.objects
                ),
                ZERO,
            )
            assert total == expected, (account, obj)


@pytest.mark.parametrize(("account", "party_dim"), [("1510", 8), ("2440", 9)])
def test_open_items_per_party_and_invoice_add_up_to_the_ledger(
    model: SieFile, account: str, party_dim: int
) -> None:
    ledger = model.ledger()
    ub = ledger.balance(account, "UB", 0)
    assert ub is not None and ub != 0
    for dim in (party_dim, 10):
        open_items: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for ob in model.object_balances:
            if ob.kind == "OIB" and ob.account == account and ob.object[0] == dim:
                open_items[ob.object[1]] += ob.amount
        for v in model.vouchers:
            for r in v.trans:
                if r.account == account:
                    ids = [obj for d, obj in r.objects if d == dim]
                    assert len(ids) == 1, (v.series, v.number, r.objects)
                    open_items[ids[0]] += r.amount
        assert sum(open_items.values(), ZERO) == ub
        for obj, amount in open_items.items():
            assert (ledger.object_balance(account, (dim, obj), "OUB") or ZERO) == amount
        assert sum(1 for a in open_items.values() if a) >= 2  # several items open at year end
    declared = {(o.dimension, o.id) for o in model.objects}
    used = {o for v in model.vouchers for r in v.rows for o in r.objects}
    assert used <= declared


def test_the_year_is_unclosed_and_has_what_a_closing_needs(model: SieFile) -> None:
    ledger = model.ledger()
    for account in ("8999", "8910", "8811", "8819", "8850", "2125"):
        assert ledger.movement(account) == 0, account
    pre_result = -sum(
        (b.amount for b in model.balances if b.kind == "RES" and b.year == 0),
        ZERO,
    )
    assert all(
        3000 <= int(b.account) <= 8799 for b in model.balances if b.kind == "RES" and b.year == 0
    )
    assert Decimal("100000") < pre_result < Decimal("1000000")
    names = {a.number: a.name for a in model.accounts}
    assert names["2129"].endswith("2019")
    assert (ledger.balance("2129", "IB") or ZERO) < 0  # the 2019 reserve, reversed in 2025
    assert (ledger.balance("2123", "IB") or ZERO) < 0
    assert (ledger.balance("2150", "IB") or ZERO) < 0
    acquisitions = [r for v in model.vouchers for r in v.trans if r.account == "1220"]
    assert len(acquisitions) == 2 and all(r.amount > 0 for r in acquisitions)
    assert ledger.movement("7832") > 0
    for account in ("6072", "6992", "8423"):
        assert ledger.movement(account) > 0, account
    assert ledger.movement("8314") < 0
    for dim in (1, 6, 8, 9, 10):
        assert any(d.number == dim for d in model.dimensions), dim
    result_rows = [r for v in model.vouchers for r in v.trans if r.account[0] in "34567"]
    assert any(d == 1 for r in result_rows for d, _ in r.objects)
    assert any(d == 6 for r in result_rows for d, _ in r.objects)


# --------------------------------------------------------------------------- 4I and broken files


def test_4i_sample_reads_as_an_import_file() -> None:
    result = load(SAMPLE_4I)
    assert result.model is not None
    assert not [f for f in result.findings if f.severity == "error"], result.findings
    read_model = sie.read(SAMPLE_4I).model
    assert read_model.sie_type == "4I"
    assert not read_model.balances
    assert len(read_model.vouchers) == 4
    for v in read_model.vouchers:
        assert (v.series, v.number) == ("", "")
        assert v.balance == 0
    assert any(r.amount < 0 for v in read_model.vouchers for r in v.trans if r.account == "1510")


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_example_shows_exactly_its_one_finding(name: str) -> None:
    result = load(SAMPLES / "broken_examples" / name)
    shown = [f.code for f in result.findings if f.severity != "info"]
    assert shown == [BROKEN[name]], result.findings
