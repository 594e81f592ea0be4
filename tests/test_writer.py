"""The writer: round trips through our reader, per-type output, checksum and text policies."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sie
from sie.checksum import ksumma
from sie.findings import Finding
from sie.model import (
    Account,
    Balance,
    FinancialYear,
    Header,
    ObjectBalance,
    PeriodBalance,
    Row,
    SieFile,
    UnknownRecord,
    Voucher,
)
from sie.syntax import Record, parse_line
from sie.writer import FORBIDDEN, SIE_TYPES, dumps, restrict, write
from tests.conftest import corpus_file, corpus_params
from tests.strategies import sie_files, texts

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: The spec's record groups in order (§5.12): flag, identification, chart of accounts,
#: balances and vouchers (rows go with their voucher).
GROUPS: tuple[tuple[str, ...], ...] = (
    ("#FLAGGA",),
    (
        *("#PROGRAM", "#FORMAT", "#GEN", "#SIETYP", "#PROSA", "#FTYP", "#FNR", "#ORGNR"),
        *("#BKOD", "#ADRESS", "#FNAMN", "#RAR", "#TAXAR", "#OMFATTN", "#KPTYP", "#VALUTA"),
    ),
    ("#KONTO", "#KTYP", "#ENHET", "#SRU", "#DIM", "#UNDERDIM", "#OBJEKT"),
    (
        *("#IB", "#UB", "#OIB", "#OUB", "#RES", "#PSALDO", "#PBUDGET", "#VER"),
        *("#TRANS", "#RTRANS", "#BTRANS"),
    ),
)
GROUP = {label: number for number, labels in enumerate(GROUPS) for label in labels}
#: What reading our own output may say: nothing worse than these.
READ_BACK_OK = {"encoding", "flag-set", "unknown-label", "ksumma-ok", "empty-voucher"}


def lines_of(data: bytes) -> list[str]:
    text = data.decode("cp437")
    assert text.endswith("\r\n")
    return text[:-2].split("\r\n")


def records(data: bytes) -> list[Record]:
    parsed = [parse_line(line, n) for n, line in enumerate(lines_of(data), 1)]
    return [r for r in parsed if isinstance(r, Record)]


def codes(findings: list[Finding] | tuple[Finding, ...]) -> list[str]:
    return [f.code for f in findings]


def minimal(**changes: Any) -> SieFile:
    """A small 4E model; ``changes`` replace its parts."""
    base = SieFile(
        header=Header(
            program="Test",
            program_version="1.0",
            generated=dt.date(2025, 1, 15),
            sie_type=4,
            company_name="Norrsken AB",
        ),
        years=(FinancialYear(0, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),),
        accounts=(Account("1910", "Kassa"), Account("3010", "Försäljning")),
        balances=(Balance("UB", 0, "1910", Decimal("100.00")),),
    )
    return attrs.evolve(base, **changes)


def voucher(*rows: Row, **fields: Any) -> Voucher:
    return Voucher(
        **{"series": "A", "number": "1", "date": dt.date(2024, 3, 1), **fields},  # type: ignore[arg-type]
        rows=rows,
    )


# --------------------------------------------------------------------------- round trips


@PROPERTY
@given(sie_files())
def test_read_of_written_model_is_the_model(model: SieFile) -> None:
    data, findings = dumps(model)
    result = sie.read(data)
    assert result.model == model
    assert result.encoding == "cp437"
    assert set(codes(result.findings)) <= READ_BACK_OK
    # A valid model needs no change: at most its unknown records are mentioned.
    assert set(codes(findings)) <= {"unknown-written"}


@PROPERTY
@given(sie_files(), st.sampled_from(SIE_TYPES))
def test_written_as_any_type_reads_back_as_restricted(model: SieFile, sie_type: str) -> None:
    data, findings = dumps(model, sie_type=sie_type)
    expected, dropped = restrict(model, sie_type)
    assert sie.read(data).model == expected
    labels = {r.label for r in records(data)}
    assert not labels & FORBIDDEN[sie_type]
    if sie_type == "2":
        assert all(p.object is None for p in expected.period_balances)
    assert bool(dropped) == ("type-dropped" in codes(findings))


@PROPERTY
@given(sie_files())
def test_output_is_in_group_order_with_flagga_first(model: SieFile) -> None:
    data, _ = dumps(model, checksum=True)
    recs = records(data)
    assert [r.label for r in recs[:2]] == ["#FLAGGA", "#KSUMMA"]
    assert recs[1].fields == ()
    assert recs[-1].label == "#KSUMMA" and len(recs[-1].fields) == 1
    groups = [GROUP[r.label] for r in recs[2:-1] if r.label in GROUP]
    assert groups == sorted(groups)
    # Unknown labels come last, after every voucher.
    known = [i for i, r in enumerate(recs[:-1]) if r.label in GROUP or r.label == "#KSUMMA"]
    unknown = [i for i, r in enumerate(recs[:-1]) if i not in known]
    assert not unknown or min(unknown) > max(known)


@PROPERTY
@given(sie_files())
def test_checksum_verifies_and_matches_the_spec_algorithm(model: SieFile) -> None:
    data, _ = dumps(model, checksum=True)
    recs = records(data)
    # Computed here from the parsed records, independently of the writer's running sum.
    expected = ksumma((r.label, r.fields) for r in recs[2:-1])
    assert recs[-1].fields == (str(expected),)
    result = sie.read(data)
    assert "ksumma-ok" in codes(result.findings)
    assert "ksumma-mismatch" not in codes(result.findings)
    assert result.model.checksum == expected
    assert result.model == model


@PROPERTY
@given(sie_files())
def test_lf_and_crlf_differ_only_in_line_ends(model: SieFile) -> None:
    crlf, _ = dumps(model)
    lf, _ = dumps(model, newline="\n")
    assert lf.replace(b"\n", b"\r\n") == crlf
    assert sie.read(lf).model == model


@PROPERTY
@given(texts(), texts())
def test_any_text_in_any_text_field_round_trips(name: str, text: str) -> None:
    model = minimal(
        accounts=(Account("1910", name),),
        vouchers=(voucher(Row("1910", Decimal("0.00"), ((1, name or "x"),), text=text)),),
    )
    data, findings = dumps(model)
    assert findings == []
    assert sie.read(data).model == model


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_file_round_trips_as_its_own_type(path: Path) -> None:
    try:
        first = sie.read(path)
    except sie.NotSie:
        pytest.skip("not a SIE file (garbage fixture)")
    model = first.model
    data, findings = dumps(model, file=path.name)
    again = sie.read(data)
    expected, _dropped = restrict(model, model.sie_type)
    assert again.model == expected
    assert set(codes(again.findings)) <= READ_BACK_OK
    assert not [f for f in findings if f.severity != "info"], [str(f) for f in findings]


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_file_written_as_every_type_with_checksum(path: Path) -> None:
    try:
        model = sie.read(path).model
    except sie.NotSie:
        pytest.skip("not a SIE file (garbage fixture)")
    for sie_type in SIE_TYPES:
        data, _ = dumps(model, sie_type=sie_type, checksum=True)
        again = sie.read(data)
        assert again.model == restrict(model, sie_type)[0], sie_type
        assert "ksumma-ok" in codes(again.findings), sie_type


def test_corpus_rtrans_history_is_kept_in_file_order() -> None:
    model = sie.read(corpus_file("BL0001_typ4.SE")).model
    data, _ = dumps(model)
    recs = records(data)
    rows = [r.label for r in recs if r.label in ("#TRANS", "#RTRANS", "#BTRANS")]
    assert rows.count("#RTRANS") == 6 and rows.count("#BTRANS") == 3
    # Every #RTRANS is directly followed by its #TRANS twin.
    assert all(rows[i + 1] == "#TRANS" for i, label in enumerate(rows) if label == "#RTRANS")
    assert sie.read(data).model.vouchers == model.vouchers


# --------------------------------------------------------------------------- field formats


def test_record_shapes_quote_texts_but_never_numbers_dates_or_labels() -> None:
    model = minimal(
        header=attrs.evolve(
            minimal().header,
            program='Bokslut "Pro"',
            orgnr="556334-3689",
            address=("Anna", "Gatan 1", "", "08-123"),
        ),
        object_balances=(ObjectBalance("OUB", 0, "1910", Decimal("5"), object=(1, "Nord")),),
        period_balances=(PeriodBalance("PSALDO", 0, "3010", Decimal("-7.5"), period=(2024, 3)),),
        vouchers=(
            voucher(
                Row("1910", Decimal("100"), ((1, "Nord"), (6, "P 1")), text="Kassa in"),
                Row("3010", Decimal("-100"), quantity=Decimal("-2.5"), sign="AB"),
                text="Försäljning",
                reg_date=dt.date(2024, 3, 2),
            ),
        ),
    )
    lines = lines_of(dumps(model)[0])
    for expected in [
        "#FLAGGA 0",
        '#PROGRAM "Bokslut \\"Pro\\"" "1.0"',
        "#FORMAT PC8",
        "#GEN 20250115",
        "#SIETYP 4",
        "#ORGNR 556334-3689",
        '#ADRESS "Anna" "Gatan 1" "" "08-123"',
        "#RAR 0 20240101 20241231",
        '#KONTO 3010 "Försäljning"',
        "#UB 0 1910 100.00",
        '#OUB 0 1910 {1 "Nord"} 5.00',
        "#PSALDO 0 202403 3010 {} -7.50",
        '#VER "A" 1 20240301 "Försäljning" 20240302',
        '#TRANS 1910 {1 "Nord" 6 "P 1"} 100.00 "" "Kassa in"',
        '#TRANS 3010 {} -100.00 "" "" -2.5 "AB"',
    ]:
        assert expected in lines
    assert lines.index("{") == lines.index('#VER "A" 1 20240301 "Försäljning" 20240302') + 1


def test_missing_fields_followed_by_values_are_written_empty() -> None:
    # The spec's own example: series and number empty, date present, the rest left out.
    model = minimal(vouchers=(voucher(series="", number="", date=dt.date(2025, 12, 16)),))
    lines = lines_of(dumps(model, sie_type="4I")[0])
    assert '#VER "" "" 20251216' in lines
    model = minimal(
        vouchers=(voucher(Row("1910", Decimal("0"), sign="x"), date=dt.date(2024, 3, 1), sign="s"),)
    )
    lines = lines_of(dumps(model)[0])
    assert '#VER "A" 1 20240301 "" "" "s"' in lines
    assert '#TRANS 1910 {} 0.00 "" "" "" "x"' in lines
    assert sie.read("\r\n".join(lines).encode("cp437")).model == model


def test_trailing_empty_fields_are_left_out() -> None:
    model = minimal(vouchers=(voucher(Row("1910", Decimal("1")), Row("3010", Decimal("-1"))),))
    lines = lines_of(dumps(model)[0])
    assert "#TRANS 1910 {} 1.00" in lines
    assert '#VER "A" 1 20240301' in lines
    assert "#RAR 0" in lines_of(dumps(minimal(years=(FinancialYear(0, None, None),)))[0])


@pytest.mark.parametrize(
    ("amount", "written"),
    [
        (Decimal("-0.00"), "0.00"),
        (Decimal("-0"), "0.00"),
        (Decimal("0E-7"), "0.00"),
        (Decimal("5"), "5.00"),
        (Decimal("-1234.5"), "-1234.50"),
        (Decimal("1E+3"), "1000.00"),
        (Decimal("999999999999999.99"), "999999999999999.99"),  # the largest in range
    ],
)
def test_amounts_have_two_decimals_no_plus_and_no_negative_zero(
    amount: Decimal, written: str
) -> None:
    model = minimal(balances=(Balance("UB", 0, "1910", amount, Decimal("-0")),))
    data, findings = dumps(model)
    assert f"#UB 0 1910 {written} 0" in lines_of(data)
    assert findings == []
    assert sie.read(data).model.balances[0].amount == amount


def test_amount_with_more_decimals_is_rounded_half_up_and_reported() -> None:
    model = minimal(balances=(Balance("UB", 0, "1910", Decimal("2.345"), line=7),))
    data, findings = dumps(model)
    assert "#UB 0 1910 2.35" in lines_of(data)
    [found] = findings
    assert found.code == "amount-rounded" and found.severity == "warning"
    assert "2.345" in found.message and "model line 7" in found.message
    assert lines_of(data)[found.line - 1] == "#UB 0 1910 2.35"


def test_non_finite_amount_is_not_written_and_is_an_error() -> None:
    model = minimal(
        balances=(Balance("UB", 0, "1910", Decimal("NaN")), Balance("UB", 0, "3010", Decimal("1")))
    )
    data, findings = dumps(model)
    assert codes(findings) == ["unwritable-value"]
    assert findings[0].severity == "error"
    assert [r.fields[1] for r in records(data) if r.label == "#UB"] == ["3010"]


# --------------------------------------------------------------------------- text policies


def test_unencodable_characters_are_reported_with_their_record() -> None:
    model = minimal(
        header=attrs.evolve(minimal().header, company_name="Kaffe € “Bönan” ✓"),
        accounts=(Account("1910", "Kassa ✓"),),
    )
    data, findings = dumps(model, file="out.se")
    lines = lines_of(data)
    assert '#FNAMN "Kaffe EUR \\"Bönan\\" ?"' in lines
    assert '#KONTO 1910 "Kassa ?"' in lines
    assert codes(findings) == ["unencodable-char", "unencodable-char"]
    fnamn, konto = findings
    assert fnamn.severity == "warning" and fnamn.file == "out.se"
    assert lines[fnamn.line - 1].startswith("#FNAMN") and lines[konto.line - 1].startswith("#KONTO")
    assert "#FNAMN" in fnamn.message and "'€'" in fnamn.message and "U+201C" in fnamn.message
    assert "'✓'" in konto.message and "'?'" in konto.message
    assert sie.read(data).model.header.company_name == 'Kaffe EUR "Bönan" ?'


def test_decomposed_letters_are_composed_not_replaced() -> None:
    model = minimal(accounts=(Account("1910", "Fo\u0308retag"),))
    data, findings = dumps(model)
    assert findings == []
    assert sie.read(data).model.accounts[0].name == "Företag"


def test_control_characters_become_spaces_and_are_reported() -> None:
    model = minimal(vouchers=(voucher(Row("1910", Decimal(0), text="rad 1\nrad\t2\x00")),))
    data, findings = dumps(model)
    assert '#TRANS 1910 {} 0.00 "" "rad 1 rad 2 "' in lines_of(data)
    assert codes(findings) == ["control-char"]
    assert "U+000A" in findings[0].message and "U+0000" in findings[0].message


@pytest.mark.parametrize(
    ("name", "written", "read_back", "reported"),
    [
        # Without spaces the text goes out unquoted and comes back unchanged.
        ("C:\\Data\\", "#KONTO 1910 C:\\Data\\", "C:\\Data\\", False),
        # With a space it must be quoted: a space after the backslash keeps the quote closing.
        ("Kassa \\", '#KONTO 1910 "Kassa \\ "', "Kassa \\ ", True),
        ('Kassa "x\\', '#KONTO 1910 "Kassa \\"x\\ "', 'Kassa "x\\ ', True),
        # A backslash inside a text is an ordinary character.
        ("1820\\A012 Cykel", '#KONTO 1910 "1820\\A012 Cykel"', "1820\\A012 Cykel", False),
        ('a\\"b', '#KONTO 1910 "a\\\\"b"', 'a\\"b', False),
    ],
)
def test_backslashes_never_swallow_the_closing_quote(
    name: str, written: str, read_back: str, reported: bool
) -> None:
    model = minimal(accounts=(Account("1910", name), Account("3010", "Nästa")))
    data, findings = dumps(model)
    assert written in lines_of(data)
    again = sie.read(data)
    assert [a.name for a in again.model.accounts] == [read_back, "Nästa"]
    assert not [f for f in again.findings if f.code == "unterminated-quote"]
    assert codes(findings) == (["trailing-backslash"] if reported else [])


def test_output_that_guessing_readers_would_misread_is_flagged() -> None:
    # "├ñ" is C3 A4 in CP437, which is also UTF-8 for "ä".
    data, findings = dumps(minimal(accounts=(Account("1910", "├ñ"),)))
    assert codes(findings) == ["encoding-ambiguous"]
    assert sie.read(data).encoding == "utf-8"
    # A lone "Σ" (0xE4) is what a Latin-1 "ä" looks like in CP437.
    data, findings = dumps(minimal(accounts=(Account("1910", "Summa Σ"),)))
    assert codes(findings) == ["encoding-ambiguous"]


# --------------------------------------------------------------------------- rows and types


def test_rows_keep_model_order_and_broken_history_is_reported() -> None:
    rtrans = Row("3010", Decimal("-5"), kind="RTRANS", sign="Eva")
    twin = Row("3010", Decimal("-5"), added=True)
    rows = (
        Row("1910", Decimal("5")),
        Row("6110", Decimal("8"), kind="BTRANS"),
        rtrans,
        twin,
    )
    model = minimal(vouchers=(voucher(*rows),))
    data, findings = dumps(model)
    labels = [r.label for r in records(data) if r.label.endswith("TRANS")]
    assert labels == ["#TRANS", "#BTRANS", "#RTRANS", "#TRANS"]
    assert findings == []
    assert sie.read(data).model == model
    # An added row without its #RTRANS, and an #RTRANS without its twin.
    broken = minimal(vouchers=(voucher(twin, Row("1910", Decimal("5")), rtrans),))
    data, findings = dumps(broken)
    assert codes(findings) == ["row-history", "row-history"]
    assert "without an #RTRANS" in findings[0].message
    assert "not followed by its #TRANS twin" in findings[1].message
    assert "rtrans-twin-missing" in codes(sie.read(data).findings)


def test_type_restrictions_are_reported() -> None:
    model = minimal(
        header=attrs.evolve(minimal().header, covered_until=dt.date(2024, 12, 31)),
        period_balances=(
            PeriodBalance("PSALDO", 0, "3010", Decimal("1"), period=(2024, 1)),
            PeriodBalance("PSALDO", 0, "3010", Decimal("1"), period=(2024, 1), object=(1, "N")),
        ),
        vouchers=(voucher(),),
    )
    data, findings = dumps(model, sie_type="2")
    messages = [f.message for f in findings if f.code == "type-dropped"]
    assert any("#VER: 1 record" in m for m in messages)
    assert any("#PSALDO with an object: 1 record" in m for m in messages)
    assert "#SIETYP 2" in lines_of(data)
    data, findings = dumps(model, sie_type="4I")
    lines = lines_of(data)
    assert "#SIETYP 4" in lines and not any(x.startswith(("#UB", "#OMFATTN")) for x in lines)
    assert sie.read(data).model.sie_type == "4I"


def test_sietyp_follows_the_written_type() -> None:
    model = minimal(header=attrs.evolve(minimal().header, sie_type=None))
    assert model.sie_type == "1"
    # Optional in type 1: absent in the model, absent in the file.
    assert not any(x.startswith("#SIETYP") for x in lines_of(dumps(model)[0]))
    declared = attrs.evolve(model, header=attrs.evolve(model.header, sie_type=4))
    assert "#SIETYP 1" in lines_of(dumps(declared, sie_type="1")[0])
    assert "#SIETYP 3" in lines_of(dumps(declared, sie_type="3")[0])


def test_another_format_is_written_as_pc8_and_reported() -> None:
    model = minimal(header=attrs.evolve(minimal().header, format="PC-8"))
    data, findings = dumps(model)
    assert "#FORMAT PC8" in lines_of(data)
    assert codes(findings) == ["format-pc8"]


def test_unknown_records_are_written_last_and_reported() -> None:
    model = minimal(unknown=(UnknownRecord("#MOMSKOD", ("2610", "", ("1", "a b"))),))
    data, findings = dumps(model)
    assert lines_of(data)[-1] == '#MOMSKOD 2610 "" {1 "a b"}'
    assert codes(findings) == ["unknown-written"]
    assert sie.read(data).model == model


def test_write_to_path_and_stream_gives_the_same_bytes(tmp_path: Path) -> None:
    model = minimal(accounts=(Account("1910", "€"),))
    data, findings = dumps(model)
    target = tmp_path / "ut.se"
    from_path = write(model, target)
    assert target.read_bytes() == data
    assert from_path[0].file == str(target)
    stream = io.BytesIO()
    assert codes(write(model, stream, file="ström")) == codes(findings)
    assert stream.getvalue() == data


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="sie_type"):
        dumps(minimal(), sie_type="4")
    with pytest.raises(ValueError, match="newline"):
        dumps(minimal(), newline="\r")
