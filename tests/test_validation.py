"""Import rules and ledger integrity (sie.validation), on built models and the real corpus."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sie.validation as validation
from sie import orgnr
from sie.findings import CATALOGUE, Finding
from sie.integrity import Facts
from sie.model import (
    Account,
    Balance,
    FinancialYear,
    Header,
    Object,
    ObjectBalance,
    PeriodBalance,
    Row,
    SieFile,
    Voucher,
)
from sie.reader import read
from sie.validation import (
    ImportSettings,
    apply_import_rules,
    cap_objects,
    check_integrity,
    check_records,
    check_size,
    fill_voucher_ids,
    format_amount,
    labels_in,
    load,
    objects_per_dimension,
)

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "sie-corpus"
D = Decimal
YEAR = FinancialYear(0, dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def corpus_file(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"corpus file {name} not available")
    return path


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in {".se", ".si"})


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared SIE corpus not available")


def codes(findings: tuple[Finding, ...] | list[Finding]) -> Counter[str]:
    return Counter(f.code for f in findings)


def voucher(series: str, number: str, *amounts: tuple[str, str], day: int = 10) -> Voucher:
    rows = tuple(Row(account, D(amount)) for account, amount in amounts)
    return Voucher(series, number, dt.date(2024, 3, day), rows=rows)


def model(sie_type: int = 4, **kwargs: object) -> SieFile:
    header = kwargs.pop("header", Header(sie_type=sie_type, orgnr="556334-3689"))
    return SieFile(header=header, years=(YEAR,), **kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("-12771", "-12 771.00"),
        ("0", "0.00"),
        ("1234567.891", "1 234 567.89"),
        ("-0.5", "-0.50"),
        ("999", "999.00"),
    ],
)
def test_format_amount(value: str, shown: str) -> None:
    assert format_amount(D(value)) == shown


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False))
def test_format_amount_reads_back(value: Decimal) -> None:
    shown = format_amount(value)
    assert D(shown.replace(" ", "")) == value
    whole = shown.lstrip("-").split(".")[0]
    assert all(len(group) == 3 for group in whole.split(" ")[1:])


# --------------------------------------------------------------------------- size


def test_check_size_refuses_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.se"
    with big.open("wb") as handle:  # sparse: 150 MB on paper, nothing on disk
        handle.truncate(150 * 1024 * 1024)
    found = check_size(big, ImportSettings())
    assert found is not None and found.code == "too-large" and found.severity == "error"
    assert "150.0 MB" in found.message and "100 MB" in found.message

    def no_reading(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a refused file must not be read")

    monkeypatch.setattr(validation, "read", no_reading)
    result = load(big)
    assert result.refused and not result.ok
    assert [f.code for f in result.findings] == ["too-large"]


def test_check_size_limits(tmp_path: Path) -> None:
    small = tmp_path / "small.se"
    small.write_bytes(b"#FLAGGA 0\n" * 200)  # 2000 bytes
    assert check_size(small, ImportSettings()) is None
    assert check_size(small, ImportSettings(max_size_mb=0.001)) is not None
    assert check_size(small.read_bytes(), ImportSettings(max_size_mb=0.001)) is not None
    assert check_size(tmp_path / "missing.se", ImportSettings()) is None  # reading reports it


# --------------------------------------------------------------------------- org number


def orgnr_findings(written: str, expected: str | None = None) -> list[Finding]:
    m = model(header=Header(sie_type=4, orgnr=written))
    _, found = apply_import_rules(m, ImportSettings(expected_orgnr=expected))
    return [f for f in found if f.code.startswith("orgnr")]


@pytest.mark.parametrize(
    ("written", "expected", "code", "severity"),
    [
        ("", None, "orgnr-missing", "warning"),
        ("000000-0000", None, "orgnr-missing", "warning"),
        ("", "556334-3689", "orgnr-unconfirmed", "error"),
        ("556334-3688", None, "orgnr-invalid", "error"),
        ("5563", None, "orgnr-invalid", "error"),
        ("55633A-3689", None, "orgnr-invalid", "error"),
        ("811218-9876", None, "orgnr-person", "info"),
        ("556334-3689", "202100-5489", "orgnr-mismatch", "error"),
    ],
)
def test_orgnr_rules(written: str, expected: str | None, code: str, severity: str) -> None:
    found = orgnr_findings(written, expected)
    assert [(f.code, f.severity) for f in found] == [(code, severity)]
    assert CATALOGUE[code][0] == severity


def test_orgnr_mismatch_message() -> None:
    (found,) = orgnr_findings("5563343689", "202100-5489")
    assert "this file belongs to another company (file: 556334-3689, expected: 202100-5489)" in (
        found.message
    )


@pytest.mark.parametrize("written", ["556334-3689", "5563343689", "165563343689", "16556334-3689"])
@pytest.mark.parametrize("expected", ["556334-3689", "5563343689", "165563343689"])
def test_orgnr_forms_are_equivalent(written: str, expected: str) -> None:
    assert orgnr_findings(written, expected) == []


@pytest.mark.parametrize(
    "line",
    [
        '#ORGNR "556334-3689"',
        "#ORGNR 5563343689",
        "#ORGNR 556334-3689 1",
        '#ORGNR "165563343689" 2',
    ],
)
def test_orgnr_as_written_in_files(line: str) -> None:
    data = f'#FLAGGA 0\n#PROGRAM "T" 1\n#FORMAT PC8\n#GEN 20240101\n#SIETYP 4\n{line}\n'
    result = validation.validate(read(data.encode("cp437")), ImportSettings("556334-3689"))
    assert not [f for f in result.findings if f.code.startswith("orgnr")]


def test_expected_orgnr_is_checked() -> None:
    with pytest.raises(orgnr.InvalidOrgnr):
        ImportSettings(expected_orgnr="556334-3688")


@needs_corpus
def test_orgnr_in_the_corpus() -> None:
    """What the vendors wrote: hyphenless, quoted, placeholder, empty, personnummer, fake."""
    seen = {}
    for path in corpus_files():
        result = load(path)
        if result.model is None:
            continue
        seen[path.name] = sorted(f.code for f in result.findings if f.code.startswith("orgnr"))
    assert seen["arsaldo_ovnbolag.se"] == []  # 5555555555, no hyphen
    assert seen["MAMUT_SIE1_EXPORT.SE"] == []  # quoted
    assert seen["typ4.se"] == ["orgnr-missing"]  # 000000-0000 1
    assert seen["Sie4.si"] == ["orgnr-missing"]  # ""
    assert seen["Test3.SE"] == ["orgnr-person"]
    assert seen["magenta_bokföring_SIE1.se"] == ["orgnr-invalid"]  # 112233-4567: bad check digit
    assert seen["Exempelbolaget_SIE_110322_B_33.si"] == ["orgnr-person"]  # 111111-1116


# --------------------------------------------------------------------------- series fill


def test_fill_series_and_numbers_in_file_order() -> None:
    m = model(
        vouchers=(
            voucher("A", "3", ("1930", "-10"), ("6110", "10")),
            voucher("", "", ("1930", "-20"), ("6110", "20")),
            voucher("A", "7", ("1930", "-30"), ("6110", "30")),
            voucher("A", "", ("1930", "-40"), ("6110", "40")),
            voucher("B", "", ("1930", "-50"), ("6110", "50")),
            voucher("", "2", ("1930", "-60"), ("6110", "60")),
        )
    )
    m = attrs.evolve(
        m, vouchers=tuple(v._replace(line=10 * i) for i, v in enumerate(m.vouchers, 1))
    )
    filled, found = fill_voucher_ids(m, "A")
    assert [v.key for v in filled.vouchers] == [
        ("A", "3"),
        ("A", "8"),
        ("A", "7"),
        ("A", "9"),
        ("B", "1"),
        ("A", "2"),
    ]
    assert [(v.source_series, v.source_number) for v in filled.vouchers] == [
        (None, None),
        ("", ""),
        (None, None),
        (None, ""),
        (None, ""),
        ("", None),
    ]
    assert [f.line for f in found] == [20, 40, 50, 60]
    assert {f.code for f in found} == {"voucher-id-assigned"}  # a 4I file: normal
    assert "imported as A 8" in found[0].message
    assert [v.balance for v in filled.vouchers] == [0] * 6
    assert [v.rows for v in filled.vouchers] == [v.rows for v in m.vouchers]


def test_fill_in_an_export_file_is_a_warning() -> None:
    m = model(
        balances=(Balance("UB", 0, "1930", D("0")),),
        vouchers=(voucher("", "1", ("1930", "-1"), ("6110", "1")),),
    )
    _, found = fill_voucher_ids(m, "V")
    assert [(f.code, f.severity) for f in found] == [("voucher-id-missing", "warning")]


def test_fill_leaves_complete_files_alone() -> None:
    m = model(vouchers=(voucher("A", "1", ("1930", "-1"), ("6110", "1")),))
    assert fill_voucher_ids(m, "A") == (m, [])


@needs_corpus
@pytest.mark.parametrize(
    ("name", "series", "numbers"),
    [
        ("Exempelbolaget_SIE_110322_B_33.si", "B", [str(n) for n in range(1, 14)]),
        ("Lön.si", "A", ["1"]),
        ("FAKT.SI", "B", ["1"]),  # #VER B "": the series stays, the number is new
        ("BL0001_typ4I.SI", "A", ["0"]),  # #VER "" 0: the number 0 is kept
    ],
)
def test_fill_on_corpus(name: str, series: str, numbers: list[str]) -> None:
    raw = read(corpus_file(name)).model
    result = load(corpus_file(name), ImportSettings(default_series="A"))
    assert result.model is not None
    assert [v.series for v in result.model.vouchers] == [series] * len(numbers)
    assert [v.number for v in result.model.vouchers] == numbers
    assert [v.rows for v in result.model.vouchers] == [v.rows for v in raw.vouchers]
    assert codes(result.findings)["voucher-id-assigned"] == len(numbers)


# --------------------------------------------------------------------------- object cap


def movements(m: SieFile) -> dict[str, Decimal]:
    return dict(m.ledger().movements())


def test_cap_objects_on_a_built_model() -> None:
    objects = tuple(Object(6, f"P{i}", f"Project {i}") for i in range(4))
    rows = (
        Row("3010", D("-100"), objects=((1, "K1"), (6, "P1"))),
        Row("1930", D("100"), objects=((6, "P2"),)),
    )
    m = model(
        objects=(*objects, Object(1, "K1")),
        vouchers=(Voucher("A", "1", dt.date(2024, 2, 1), rows=rows),),
        object_balances=(ObjectBalance("OUB", 0, "1930", D("5"), object=(6, "P3")),),
        period_balances=(
            PeriodBalance("PSALDO", 0, "3010", D("-100"), period=(2024, 2)),
            PeriodBalance("PSALDO", 0, "3010", D("-100"), object=(6, "P1"), period=(2024, 2)),
            PeriodBalance("PSALDO", 0, "3010", D("-100"), object=(1, "K1"), period=(2024, 2)),
        ),
    )
    assert cap_objects(m, 4) == (m, [])  # exactly at the limit: kept
    capped, found = cap_objects(m, 3)
    assert [o.dimension for o in capped.objects] == [1]
    assert [r.objects for r in capped.vouchers[0].rows] == [((1, "K1"),), ()]
    assert [r.amount for r in capped.vouchers[0].rows] == [r.amount for r in rows]
    assert capped.object_balances == ()
    assert [p.object for p in capped.period_balances] == [None, (1, "K1")]
    (f,) = found
    assert f.code == "objects-capped" and f.severity == "warning"
    assert "dimension 6 has 4 objects" in f.message and "all 4 were skipped" in f.message


@needs_corpus
@pytest.mark.parametrize(
    ("name", "limit"),
    [
        ("transaktioner_ovnbolag.se", 5),
        ("transaktioner_ovnbolag.se", 1),
        ("objektsaldo_ovnbolag.se", 4),
        ("MAMUT_SIE4_EXPORT.SE", 20),
    ],
)
def test_cap_objects_keeps_every_amount(name: str, limit: int) -> None:
    before = read(corpus_file(name)).model
    per_dim = objects_per_dimension(before)
    over = {d for d, ids in per_dim.items() if len(ids) > limit}
    assert over, "the limit must cut something for this test to mean anything"
    result = load(corpus_file(name), ImportSettings(max_objects=limit))
    after = result.model
    assert after is not None
    capped = [f for f in result.findings if f.code == "objects-capped"]
    assert len(capped) == len(over)
    for f in capped:
        dim = int(f.message.split()[1])
        assert dim in over and f"has {len(per_dim[dim])} objects" in f.message
    # Money is untouched: per account, per voucher, and the file's own balances.
    assert movements(after) == movements(before)
    assert [v.balance for v in after.vouchers] == [v.balance for v in before.vouchers]
    assert after.balances == before.balances
    account_periods = [p for p in before.period_balances if p.object is None]
    assert [p for p in after.period_balances if p.object is None] == account_periods
    # Only the capped dimensions are gone.
    left = objects_per_dimension(after)
    assert not (set(left) & over)
    assert {d: ids for d, ids in per_dim.items() if d not in over} == left


@needs_corpus
def test_cap_at_five_on_transaktioner_ovnbolag() -> None:
    """Dimension 6 has 7 projects (cut), 7 has exactly 5 employees (kept), 1 has 2."""
    result = load(corpus_file("transaktioner_ovnbolag.se"), ImportSettings(max_objects=5))
    assert result.model is not None
    dims = {d for v in result.model.vouchers for r in v.rows for d, _ in r.objects}
    assert 6 not in dims and 7 in dims
    assert codes(result.findings)["objects-capped"] == 1


# --------------------------------------------------------------------------- integrity: vouchers


def test_unbalanced_voucher() -> None:
    bad = voucher("B", "1", ("1910", "-12899"), ("4010", "128"))._replace(line=42)
    m = model(vouchers=(voucher("A", "1", ("1930", "-5"), ("6110", "5")), bad))
    found = [f for f in check_integrity(m) if f.code == "voucher-unbalanced"]
    assert len(found) == 1
    assert found[0].line == 42 and found[0].severity == "error"
    assert "B 1" in found[0].message and "-12 771.00" in found[0].message
    assert "export again" in found[0].message


def test_history_rows_do_not_count_towards_the_balance() -> None:
    rows = (
        Row("1910", D("-1000")),
        Row("2640", D("200")),
        Row("6110", D("800"), kind="BTRANS"),
        Row("6250", D("800"), kind="RTRANS"),
        Row("6250", D("800"), added=True),
    )
    m = model(vouchers=(Voucher("A", "1", dt.date(2024, 5, 1), rows=rows),))
    assert not [f for f in check_integrity(m) if f.code == "voucher-unbalanced"]


def test_numbering() -> None:
    m = model(
        vouchers=tuple(
            voucher(s, n, ("1930", "-1"), ("6110", "1"))._replace(line=i)
            for i, (s, n) in enumerate(
                [("A", "1"), ("A", "2"), ("A", "2"), ("A", "1"), ("B", "5"), ("B", "4"), ("C", "")],
                1,
            )
        )
    )
    found = check_integrity(m)
    dup = [f for f in found if f.code == "voucher-duplicate"]
    assert sorted((f.line, f.severity) for f in dup) == [(3, "warning"), (4, "warning")]
    order = [f for f in found if f.code == "voucher-order"]
    assert [(f.line, f.severity) for f in order] == [(4, "info"), (6, "info")]


def test_dates_outside_the_year() -> None:
    late = Voucher(
        "A",
        "2",
        dt.date(2025, 1, 3),
        rows=(Row("1930", D("-1"), line=12), Row("6110", D("1"), line=13)),
        line=11,
    )
    rows = (
        Row("1930", D("-1"), date=dt.date(2023, 12, 31), line=22),
        Row("6110", D("1"), line=23),
        Row("6110", D("9"), date=dt.date(2023, 1, 1), kind="BTRANS", line=24),
    )
    early_row = Voucher("A", "3", dt.date(2024, 1, 2), rows=rows, line=21)
    m = model(vouchers=(voucher("A", "1", ("1930", "-1"), ("6110", "1")), late, early_row))
    found = [f for f in check_integrity(m) if f.code == "date-outside-year"]
    assert [(f.line, f.severity) for f in found] == [(11, "warning"), (22, "warning")]
    assert "1 row(s)" in found[1].message  # the struck BTRANS row is history, not booked


def test_undeclared_accounts() -> None:
    vouchers = (voucher("A", "1", ("1930", "-1"), ("6110", "1")),)
    declared = (Account("1930", "Bank"),)
    four_e = model(
        accounts=declared,
        balances=(Balance("UB", 0, "1930", D("-1"), line=5), Balance("UB", 0, "1510", D("0"))),
        vouchers=vouchers,
    )
    found = [f for f in check_integrity(four_e) if f.code.startswith("account-undeclared")]
    assert sorted((f.code, f.message.split()[1]) for f in found) == [
        ("account-undeclared", "1510"),
        ("account-undeclared", "6110"),
    ]
    four_i = model(accounts=declared, vouchers=vouchers)
    found = [f for f in check_integrity(four_i) if f.code.startswith("account-undeclared")]
    assert [(f.code, f.severity) for f in found] == [("account-undeclared-4i", "info")]


# --------------------------------------------------------------------------- integrity: balances


def full_header(sie_type: int = 4, **kwargs: object) -> Header:
    """A header with every identification record a file must have."""
    return Header(
        program="Test",
        generated=dt.date(2025, 1, 5),
        sie_type=sie_type,
        company_name="Test AB",
        orgnr="556334-3689",
        **kwargs,  # type: ignore[arg-type]
    )


def balances_model(covered_until: dt.date | None = None, ub_1930: str = "900") -> SieFile:
    return model(
        header=full_header(covered_until=covered_until),
        accounts=(Account("1930"), Account("3010"), Account("2099")),
        balances=(
            Balance("UB", -1, "1930", D("1000")),
            Balance("IB", 0, "1930", D("1000")),
            Balance("UB", 0, "1930", D(ub_1930)),
            Balance("UB", -1, "2099", D("-50")),
            Balance("IB", 0, "2099", D("-50")),
            Balance("UB", 0, "2099", D("-50")),
            Balance("RES", 0, "3010", D("100")),
        ),
        vouchers=(voucher("A", "1", ("1930", "-100"), ("3010", "100")),),
    )


def test_balances_agree_with_transactions() -> None:
    assert check_integrity(balances_model()) == []


def test_balance_differences() -> None:
    found = check_integrity(balances_model(ub_1930="880"))
    assert [(f.code, f.severity) for f in found] == [("ub-mismatch", "error")]
    assert "1930" in found[0].message and "880.00" in found[0].message
    assert "900.00" in found[0].message and "difference -20.00" in found[0].message


def test_partial_year_is_not_compared() -> None:
    partial = balances_model(covered_until=dt.date(2024, 6, 30), ub_1930="880")
    assert [f.code for f in check_integrity(partial)] == []
    full = balances_model(covered_until=dt.date(2024, 12, 31), ub_1930="880")
    assert [f.code for f in check_integrity(full)] == ["ub-mismatch"]


def test_opening_against_last_years_closing() -> None:
    m = balances_model()
    changed = {
        ("IB", 0, "2099"): Balance("IB", 0, "2099", D("-60"), line=9),
        ("UB", 0, "2099"): Balance("UB", 0, "2099", D("-60")),
    }
    balances = tuple(changed.get((b.kind, b.year, b.account), b) for b in m.balances)
    found = check_integrity(attrs.evolve(m, balances=balances))
    assert [(f.code, f.line) for f in found] == [("ib-ub-mismatch", 9)]
    assert "-60.00" in found[0].message and "-50.00" in found[0].message


# --------------------------------------------------------------------------- record rules


def test_records_required_and_forbidden_per_type() -> None:
    four_i = model(
        header=Header(
            program="X",
            generated=dt.date(2024, 1, 1),
            sie_type=4,
            company_name="AB",
            covered_until=dt.date(2024, 12, 31),
            industry_code="62010",
        )
    )
    found = check_records(four_i)
    assert sorted(f.message.split()[0] for f in found if f.code == "record-forbidden") == [
        "#BKOD",
        "#OMFATTN",
    ]
    assert [f for f in found if f.code == "record-missing"] == []
    type2 = model(
        sie_type=2,
        header=Header(program="X", generated=dt.date(2024, 1, 1), sie_type=2, company_name="AB"),
        accounts=(Account("1930", sru=("7281",)),),
        balances=(Balance("UB", 0, "1930", D("1")), Balance("RES", 0, "3010", D("1"))),
    )
    found = check_records(type2)
    assert {f.severity for f in found} == {"warning"}
    assert sorted(f.message.split()[0] for f in found) == ["#OMFATTN", "a"]  # + IB or UB(-1)


# --------------------------------------------------------------------------- corpus


@pytest.fixture(scope="module")
def corpus() -> Iterator[dict[str, validation.ValidationResult]]:
    if not CORPUS.is_dir():
        pytest.skip("shared SIE corpus not available")
    yield {p.name: load(p) for p in corpus_files()}


def test_every_corpus_file_loads(corpus: dict[str, validation.ValidationResult]) -> None:
    assert len(corpus) >= 39
    for name, result in corpus.items():
        assert all(f.code in CATALOGUE for f in result.findings), name
        assert list(result.findings) == sorted(result.findings, key=lambda f: f.line), name
        if name == "not-sie-html-404.SE":
            assert result.refused and [f.code for f in result.findings] == ["not-sie"]
        else:
            assert result.model is not None, name


def test_bad_balance_file(corpus: dict[str, validation.ValidationResult]) -> None:
    result = corpus["transaktioner_ovnbolag-bad-balance.se"]
    unbalanced = [f for f in result.findings if f.code == "voucher-unbalanced"]
    assert len(unbalanced) == 1
    assert "voucher B 1 " in unbalanced[0].message and "-12 771.00" in unbalanced[0].message
    assert result.model is not None
    b1 = result.model.ledger().voucher("B", "1")
    assert b1 is not None and b1.line == unbalanced[0].line and b1.balance == D("-12771")
    # The same edit shows as a closing balance that no longer follows from the vouchers.
    (ub,) = [f for f in result.findings if f.code == "ub-mismatch"]
    assert "account 1910" in ub.message and "difference 12 771.00" in ub.message
    assert not result.ok


def test_only_the_broken_file_has_unbalanced_vouchers(
    corpus: dict[str, validation.ValidationResult],
) -> None:
    unbalanced = {n for n, r in corpus.items() if codes(r.findings)["voucher-unbalanced"]}
    assert unbalanced == {"transaktioner_ovnbolag-bad-balance.se"}
    # sie 4.SE would look unbalanced if #RTRANS/#BTRANS were added in.
    m = corpus["sie 4.SE"].model
    assert m is not None
    assert [v.key for v in m.vouchers if sum(r.amount for r in v.rows) != 0] != []


def test_balance_checks_on_every_4e_file(corpus: dict[str, validation.ValidationResult]) -> None:
    """Measured: the broken copy (1910) and SoftOne's Sie4.se (a 60 000 supplier invoice
    missing: 2440 / 2640 / 4010) disagree; Sie4.si (Fortnox 2011) says #OMFATTN 19700101,
    i.e. its balances cover none of the year, so it is not compared."""
    mismatches = {}
    for name, result in corpus.items():
        if result.model is None or result.model.sie_type != "4E":
            continue
        mismatches[name] = sorted(
            f.message.split()[1].rstrip(":")
            for f in result.findings
            if f.code in {"ub-mismatch", "res-mismatch"}
        )
    assert mismatches.pop("transaktioner_ovnbolag-bad-balance.se") == ["1910"]
    assert mismatches.pop("Sie4.se") == ["2440", "2640", "4010"]
    assert len(mismatches) >= 8
    assert all(found == [] for found in mismatches.values()), mismatches
    sie4si = corpus["Sie4.si"].model
    assert sie4si is not None and not validation.covers_full_year(sie4si)


def test_softone_difference_sums_to_zero(corpus: dict[str, validation.ValidationResult]) -> None:
    """The three differences in Sie4.se are one missing balanced voucher."""
    found = [f for f in corpus["Sie4.se"].findings if f.code in {"ub-mismatch", "res-mismatch"}]
    diffs = [D(f.message.split("difference ")[1].split(")")[0].replace(" ", "")) for f in found]
    assert sorted(diffs) == [D("-60000"), D("12000"), D("48000")]


def test_ib_against_previous_ub_in_corpus(corpus: dict[str, validation.ValidationResult]) -> None:
    found = {
        n: sorted(
            f.message.split()[1].rstrip(":") for f in r.findings if f.code == "ib-ub-mismatch"
        )
        for n, r in corpus.items()
    }
    assert found.pop("MAMUT_SIE4_EXPORT.SE") == ["2099", "2611", "2650"]
    assert all(v == [] for v in found.values())


def test_corpus_numbering_and_dates(corpus: dict[str, validation.ValidationResult]) -> None:
    bl = corpus["BL0001_typ4.SE"]
    (dup,) = [f for f in bl.findings if f.code == "voucher-duplicate"]
    assert "# 1 occurs 12 times" in dup.message
    # BL dates its #RTRANS/#BTRANS with the day of the correction (outside the year);
    # the booked #TRANS rows are all inside it.
    assert bl.model is not None
    year = bl.model.year(0)
    assert year is not None
    history = [r for v in bl.model.vouchers for r in v.rows if r.kind != "TRANS" and r.date]
    assert any(not year.contains(r.date) for r in history if r.date)
    assert not [f for f in bl.findings if f.code == "date-outside-year"]


def test_corpus_undeclared_accounts(corpus: dict[str, validation.ValidationResult]) -> None:
    for name in ("Sie3.se", "Sie4.se"):
        found = [f for f in corpus[name].findings if f.code == "account-undeclared"]
        assert [f.message.split()[1] for f in found] == ["FEL"]
    bl4i = [f for f in corpus["BL0001_typ4I.SI"].findings if f.code.startswith("account-")]
    assert len(bl4i) == 6 and {f.code for f in bl4i} == {"account-undeclared-4i"}


def test_corpus_record_rules(corpus: dict[str, validation.ValidationResult]) -> None:
    def missing(name: str) -> list[str]:
        r = corpus[name]
        return sorted(f.message.split()[0] for f in r.findings if f.code == "record-missing")

    for name in ("BL0001_typ2.SE", "BL0001_typ3.SE", "objektsaldo_ovnbolag.se"):
        assert missing(name) == ["#OMFATTN"], name
    for name in ("Norstedts Bokslut SIE 1.se", "typ1.se", "typ2.se", "Sie2.se"):
        assert missing(name) == ["#SRU"], name
    all_findings = [f for r in corpus.values() for f in r.findings]
    assert {f.severity for f in all_findings if f.code.startswith("record-")} == {"warning"}


@needs_corpus
def test_labels_from_model_match_the_readers_counts() -> None:
    for path in corpus_files():
        if path.name == "not-sie-html-404.SE":
            continue
        r = read(path)
        counted = {label for label, n in r.label_counts.items() if n}
        derived = labels_in(r.model)
        assert counted - derived <= {"#ORGNR"}, path.name  # #ORGNR "" leaves no trace
        assert derived <= counted, path.name
        counts = Facts(r.model, label_counts=r.label_counts)
        assert check_records(r.model, counts) == check_records(r.model)


def test_validate_returns_the_imported_model(
    corpus: dict[str, validation.ValidationResult],
) -> None:
    result = corpus["Lön.si"]
    assert result.model is not None
    (v,) = result.model.vouchers
    assert (v.series, v.number, v.source_series, v.source_number) == ("A", "1", "", "")
    assert result.ok and result.encoding == "cp437"


def test_unreadable_file(tmp_path: Path) -> None:
    result = load(tmp_path / "nope.se")
    assert result.refused and [f.code for f in result.findings] == ["file-unreadable"]
    result = load(tmp_path)  # a directory
    assert result.refused and [f.code for f in result.findings] == ["file-unreadable"]


def test_every_message_says_what_to_do(corpus: dict[str, validation.ValidationResult]) -> None:
    ours = {
        code
        for code in CATALOGUE
        if code.startswith(("orgnr", "voucher-", "account-", "ub-", "res-", "ib-", "record-"))
    }
    messages = [f for r in corpus.values() for f in r.findings if f.code in ours]
    assert messages
    for f in messages:
        assert ";" in f.message or "—" in f.message, f


def test_summary_counts(corpus: dict[str, validation.ValidationResult]) -> None:
    result = corpus["transaktioner_ovnbolag.se"]
    summary = result.summary()
    assert summary is not None and result.model is not None
    assert summary.sie_type == "4E" and summary.orgnr == "555555-5555"
    assert summary.counts.vouchers == 163 == len(result.model.vouchers)
    assert summary.counts.rows == sum(len(v.rows) for v in result.model.vouchers)
    assert summary.counts.accounts == len(result.model.accounts)
    assert os.fspath(corpus_file("transaktioner_ovnbolag.se")) == result.file
