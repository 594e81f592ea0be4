"""Hostile and broken input: every case ends in a finding, never in an exception.

One regression test per failure found by fuzzing the reader (issue 8 §2), and the
property over arbitrary bytes that would have found them.
"""

from __future__ import annotations

import contextlib
import decimal
import io
import json
import os
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sie
from sie import amounts, cli, display
from sie import dates as sie_dates
from sie.findings import CATALOGUE
from sie.syntax import Record
from sie.validation import ImportSettings, load, scan_ledger, validate
from tests.conftest import SAMPLES
from tests.strategies import hostile_files

HEAD = "#FLAGGA 0\r\n#PROGRAM test 1\r\n#FORMAT PC8\r\n#GEN 20250101\r\n#SIETYP 4\r\n"
YEAR = "#RAR 0 20250101 20251231\r\n"


def read(text: str) -> sie.ReadResult:
    return sie.read(text.encode("cp437"))


def findings_at(result: sie.ReadResult, code: str) -> list[tuple[int, str]]:
    return [(f.line, f.message) for f in result.findings if f.code == code]


# --------------------------------------------------------------------------- integer fields

# Each line holds one integer field followed by a control byte; the line is line 6.
INTEGER_LINES = {
    "#SIETYP": "#SIETYP 3{c}",
    "#FLAGGA": "#FLAGGA 0{c}",
    "#RAR": "#RAR 0{c} 20250101 20251231",
    "#DIM": '#DIM 1{c} "Kst"',
    "#OBJEKT": '#OBJEKT 1{c} "10" "Kontor"',
    "#UNDERDIM": '#UNDERDIM 21{c} "Avd" 1',
    "#IB": "#IB 0{c} 1910 100.00",
    "#PSALDO": "#PSALDO 0{c} 202501 1910 {{}} 100.00",
    "#TAXAR": "#TAXAR 2026{c}",
    "#KSUMMA": "#KSUMMA 123{c}",
}
# 0x1C-0x1F are blank space to str.split()/str.strip() but not to int().
CONTROL_BYTES = ["\x1c", "\x1d", "\x1e", "\x1f", "\x1c\x0b", "\x7f", "\x01", "\x1b[2J"]


@pytest.mark.parametrize("label", INTEGER_LINES)
@pytest.mark.parametrize("control", CONTROL_BYTES)
def test_a_control_byte_after_an_integer_is_a_bad_field(label: str, control: str) -> None:
    line = INTEGER_LINES[label].format(c=control)
    text = HEAD + line + "\r\n"
    result = read(text)
    bad = findings_at(result, "bad-field")
    assert [number for number, _ in bad] == [6], result.findings
    assert "is not a whole number" in bad[0][1]
    assert repr(control[0])[1:-1] in bad[0][1]  # the byte is shown escaped, not raw
    # The streaming reader gives the same finding instead of raising.
    noticed: list[sie.Finding] = []
    assert list(sie.iter_vouchers(text.encode("cp437"), findings=noticed)) == []
    assert [f.line for f in noticed if f.code == "bad-field"] == [6]


def test_integers_are_ascii_digits_of_reasonable_length() -> None:
    result = sie.read(
        (HEAD + "#TAXAR \u0662\u0660\u0662\u0666\r\n#DIM " + "7" * 5000 + ' "x"\r\n').encode(
            "utf-8"
        )
    )
    assert result.model.header.tax_year is None
    assert result.model.dimensions == ()
    lines = [line for line, _ in findings_at(result, "bad-field")]
    assert lines == [6, 7]
    # Blank space inside a quoted integer and leading zeros are still fine.
    fine = read(HEAD + '#TAXAR " 2026 "\r\n#DIM 0001 "Kst"\r\n')
    assert fine.model.header.tax_year == 2026
    assert [d.number for d in fine.model.dimensions] == [1]
    assert findings_at(fine, "bad-field") == []


def test_dates_and_periods_need_ascii_digits() -> None:
    result = sie.read(
        (HEAD + YEAR + "#PSALDO 0 \u0662\u0660\u0662\u0665\u0660\u0661 1910 {} 1.00\r\n").encode(
            "utf-8"
        )
    )
    assert result.model.period_balances == ()
    assert [line for line, _ in findings_at(result, "bad-field")] == [7]


# --------------------------------------------------------------------------- amounts


def voucher_file(*amounts_text: str, rows_only: bool = False) -> str:
    rows = "".join(f"   #TRANS {1910 + i} {{}} {a}\r\n" for i, a in enumerate(amounts_text))
    return HEAD + YEAR + '#VER A 1 20250105 "Big"\r\n{\r\n' + rows + "}\r\n"


@pytest.mark.parametrize(
    "amount",
    [
        "123456789012345678901234567.12",
        "-123456789012345678901234567.12",
        "1000000000000000",  # 16 integer digits
        "1" + "0" * 4999 + ".00",  # a 5 000-digit amount
        "0.1234567",  # 7 decimals
        "1,0000001",
    ],
)
def test_an_amount_out_of_range_is_a_bad_field_at_its_line(amount: str) -> None:
    text = voucher_file(amount, "-" + amount if not amount.startswith("-") else amount[1:])
    result = read(text)
    bad = findings_at(result, "bad-field")
    assert [line for line, _ in bad] == [9, 10]
    assert "out of range" in bad[0][1]
    assert len(bad[0][1]) < 300  # a huge amount is described, not printed whole
    assert result.model.vouchers[0].rows == ()
    assert not result.ok
    checked = validate(result)  # never an exception, never a rounded difference
    assert "voucher-unbalanced" not in [f.code for f in checked.findings]
    # the fast path and the grammar agree
    assert sie.read(text.encode("cp437"), fast=False).findings == result.findings


@pytest.mark.parametrize("label", ["#IB 0 1910", "#UB 0 1910", "#RES 0 3001", "#OIB 0 1910 {1 a}"])
def test_balances_out_of_range_are_bad_fields(label: str) -> None:
    result = read(HEAD + YEAR + f"{label} 99999999999999999999999999999.00\r\n")
    assert [line for line, _ in findings_at(result, "bad-field")] == [7]
    assert result.model.balances == () and result.model.object_balances == ()


def test_an_out_of_range_quantity_is_dropped_and_reported() -> None:
    text = voucher_file('100.00 20250105 "x" 1' + "0" * 20, "-100.00")
    result = read(text)
    assert [(line, "warning") for line, _ in findings_at(result, "bad-field")] == [(9, "warning")]
    row = result.model.vouchers[0].rows[0]
    assert (row.amount, row.quantity) == (Decimal("100.00"), None)


def test_the_largest_amounts_in_range_are_read_and_summed_exactly() -> None:
    top = "999999999999999.999999"
    assert amounts.check_range(Decimal(top)) == Decimal(top)
    # 2 000 rows at the top of the range: the sum needs 25 digits, and one öre less
    # on the last row must show as exactly one öre (well, 0.000001) off.
    rows = [top] * 1000 + ["-" + top] * 999 + ["-999999999999999.999998"]
    result = read(voucher_file(*rows))
    assert result.ok, [str(f) for f in result.findings if f.severity == "error"]
    voucher = result.model.vouchers[0]
    assert len(voucher.rows) == 2000
    assert voucher.balance == Decimal("0.000001")
    checked = validate(result)
    unbalanced = [f for f in checked.findings if f.code == "voucher-unbalanced"]
    assert len(unbalanced) == 1
    scan = scan_ledger(checked.model)  # type: ignore[arg-type]
    assert scan.unbalanced == [(0, Decimal("0.000001"))]


MICRO = 10**amounts.MAX_DECIMALS
IN_RANGE = st.integers(-(10**21) + 1, 10**21 - 1)  # micro-units: 15 + 6 digits


@settings(max_examples=200, deadline=None)
@given(st.lists(IN_RANGE, min_size=1, max_size=60))
def test_in_range_sums_are_exact(micros: list[int]) -> None:
    values = [Decimal(m).scaleb(-amounts.MAX_DECIMALS) for m in micros]
    assert all(amounts.check_range(v) == v for v in values)
    assert amounts.total(values) * MICRO == sum(micros)
    # through the reader and the validation: a voucher's balance is the exact sum
    rows = [str(v) for v in values]
    rows.append(str(-amounts.total(values)))  # balancing row (may be out of range)
    result = read(voucher_file(*rows))
    voucher = result.model.vouchers[0]
    balancing_read = len(voucher.rows) == len(rows)
    expected = 0 if balancing_read else sum(micros)
    assert voucher.balance * MICRO == expected
    unbalanced = [f for f in validate(result).findings if f.code == "voucher-unbalanced"]
    assert len(unbalanced) == (0 if expected == 0 else 1)


def test_a_sum_that_would_round_raises_instead() -> None:
    with pytest.raises(decimal.Inexact):
        amounts.total([Decimal("1e45"), Decimal("1")])


def test_load_of_the_big_voucher_is_a_finding_not_a_failure(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "big.se"
    path.write_bytes(
        voucher_file("123456789012345678901234567.12", "-123456789012345678901234567.12").encode(
            "cp437"
        )
    )
    result = load(path, ImportSettings())
    codes = [f.code for f in result.findings]
    assert "bad-field" in codes and "voucher-unbalanced" not in codes
    assert not result.ok and not result.refused


# --------------------------------------------------------------------------- line ends


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r", "\r\r\n"])
@pytest.mark.parametrize("fast", [True, False])
def test_a_line_end_is_never_part_of_a_field(newline: str, fast: bool) -> None:
    lines = [
        "#FLAGGA 0",
        "#SIETYP 4",
        '#FNAMN "Kaffe AB',
        '#ADRESS "Anna" "Storgatan 1',
        YEAR.strip(),
        '#KONTO 1910 "Kassa',
        '#VER A 1 20250105 "Fika',
        "{",
        '   #TRANS 1910 {} 100.00 20250105 "Kaffe',
        '   #TRANS 3001 {1 "10"} -100.00 "" "Bullar',
        "}",
    ]
    data = newline.join(lines).encode("cp437") + newline.encode()
    result = sie.read(data, fast=fast)
    model = result.model
    assert model.header.company_name == "Kaffe AB"
    assert model.header.address == ("Anna", "Storgatan 1", "", "")
    assert model.accounts[0].name == "Kassa"
    voucher = model.vouchers[0]
    assert voucher.text == "Fika"
    assert [r.text for r in voucher.rows] == ["Kaffe", "Bullar"]
    assert len(findings_at(result, "unterminated-quote")) == 6
    streamed = list(sie.iter_vouchers(data))
    assert streamed == [voucher]
    records = [r for r in sie.iter_records(data) if isinstance(r, Record)]
    assert all("\r" not in str(r.fields) for r in records)


# --------------------------------------------------------------------------- size limit


class Endless(io.RawIOBase):
    """A stream that never ends (as /dev/zero, or a pipe that keeps writing), and
    counts what was taken from it."""

    def __init__(
        self, line: bytes = b"#PROSA xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"
    ) -> None:
        self.line = line
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def,override]
        size = min(len(buffer), 65536)  # a raw stream may return less than asked
        chunk = (self.line * (size // len(self.line) + 1))[:size]
        buffer[:size] = chunk
        self.taken += size
        return size


LIMIT = 1024 * 1024


def test_the_size_limit_holds_for_a_stream_without_a_size() -> None:
    endless = Endless(b"#FLAGGA 0\r\n")
    with pytest.raises(sie.TooLarge) as refused:
        sie.read(endless, max_bytes=LIMIT)  # type: ignore[arg-type]
    assert refused.value.finding.code == "too-large"
    assert "more than 1 MB" in refused.value.finding.message
    assert endless.taken <= LIMIT + 65536
    assert isinstance(refused.value, sie.NotSie)  # sie.read raises only NotSie


def test_the_size_limit_holds_while_streaming() -> None:
    endless = Endless()
    with pytest.raises(sie.TooLarge):
        for _ in sie.iter_vouchers(endless, max_bytes=LIMIT):  # type: ignore[arg-type]
            pass
    assert endless.taken <= LIMIT + (1 << 20) + 65536
    # without a limit the limit is the caller's: a finite input reads whole
    data = b"#FLAGGA 0\r\n#SIETYP 4\r\n" + b"#PROSA x\r\n" * 200_000
    assert list(sie.iter_records(data, max_bytes=len(data)))[-1] == Record(
        "#PROSA", ("x",), 200_002
    )
    with pytest.raises(sie.TooLarge):
        list(sie.iter_records(data, max_bytes=len(data) - 1))


def test_load_refuses_dev_zero_and_a_pipe_after_the_limit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = ImportSettings(max_size_mb=1)
    zero = Path("/dev/zero")
    if zero.exists():
        result = load(zero, settings)
        assert result.refused
        assert [f.code for f in result.findings] == ["too-large"]
    read_end, write_end = os.pipe()
    writer = threading.Thread(target=_fill, args=(write_end, 3 * LIMIT), daemon=True)
    writer.start()
    with os.fdopen(read_end, "rb") as pipe:
        result = load(pipe, settings)  # type: ignore[arg-type]
    assert [f.code for f in result.findings] == ["too-large"]


def _fill(fd: int, size: int) -> None:
    try:
        with os.fdopen(fd, "wb") as pipe:
            block = b"#FLAGGA 0\r\n" * 6000
            written = 0
            while written < size:
                pipe.write(block)
                written += len(block)
    except BrokenPipeError:
        pass


def test_sie_validate_on_dev_zero_ends_quickly_with_too_large(
    capsys: pytest.CaptureFixture[str],
) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    started = time.monotonic()
    status = cli.main(["--max-size-mb", "1", "--json", "/dev/zero"])
    assert time.monotonic() - started < 10
    assert status == 2
    shown = json.loads(capsys.readouterr().out)
    assert [f["code"] for f in shown["findings"]] == ["too-large"]


# --------------------------------------------------------------------------- UTF-16 and UTF-32

WIDE_TEXT = (
    '#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 4\r\n#FNAMN "Kaffe & Bullar Åre AB"\r\n'
    + YEAR
    + '#KONTO 1910 "Kassa"\r\n#VER A 1 20250105 "Fika"\r\n{\r\n'
    + "   #TRANS 1910 {} 100.00\r\n   #TRANS 3001 {} -100.00\r\n}\r\n"
)


@pytest.mark.parametrize(
    "codec, name",
    [("utf-16", "utf-16"), ("utf-16-be", "utf-16"), ("utf-32", "utf-32"), ("utf-32-be", "utf-32")],
)
def test_utf16_and_utf32_files_are_read_and_said_to_be(codec: str, name: str) -> None:
    data = ("\ufeff" + WIDE_TEXT).encode(codec) if codec.endswith("be") else WIDE_TEXT.encode(codec)
    assert b"\x00" in data[:100]  # such files hold NUL bytes, but are text
    result = sie.read(data)
    assert result.encoding == name
    declared = [f.message for f in result.findings if f.code == "encoding-declared"]
    assert len(declared) == 1 and name.upper() in declared[0]
    assert result.model.header.company_name == "Kaffe & Bullar Åre AB"
    assert result.model == sie.read(WIDE_TEXT.encode("cp437")).model
    assert list(sie.iter_vouchers(data)) == list(result.model.vouchers)
    assert "binary" not in " ".join(f.message for f in result.findings)


def test_a_broken_utf16_file_is_refused_as_utf16_not_as_binary() -> None:
    data = WIDE_TEXT.encode("utf-16") + b"\x00\xd8"  # a lone surrogate at the end
    for attempt in (lambda: sie.read(data), lambda: list(sie.iter_vouchers(data))):
        with pytest.raises(sie.NotSie) as refused:
            attempt()
        assert "UTF-16" in str(refused.value) and "binary" not in str(refused.value)


def test_a_stream_that_changes_encoding_after_its_start_is_reported() -> None:
    head = '#FLAGGA 0\r\n#SIETYP 4\r\n#FNAMN "Åre"\r\n'.encode()
    filler = b"#PROSA x\r\n" * (sie.reader.STREAM_SAMPLE // 10 + 10)
    data = head + filler + b"#PROSA \x8e\xff\r\n"  # CP437 bytes, not UTF-8
    noticed: list[sie.Finding] = []
    assert list(sie.iter_vouchers(io.BytesIO(data), findings=noticed)) == []
    invalid = [f for f in noticed if f.code == "encoding-invalid"]
    assert len(invalid) == 1
    assert invalid[0].line == data.count(b"\n")


def test_the_writer_keeps_to_the_range_the_reader_reads() -> None:
    model = read(voucher_file("100.00", "-100.00")).model
    huge = Decimal("123456789012345678901234567.12")
    big = sie.Balance("UB", 0, "1910", huge)
    data, notes = sie.dumps(attrs.evolve(model, balances=(big,)))
    assert [n.code for n in notes if n.severity == "error"] == ["unwritable-value"]
    assert "out of range" in notes[-1].message
    assert sie.read(data).model.balances == ()


# --------------------------------------------------------------------------- financial years


def years_file(*rar: str) -> sie.ReadResult:
    return read(HEAD + "".join(f"#RAR {r}\r\n" for r in rar) + "#KONTO 1910 Kassa\r\n")


def test_a_year_that_ends_before_it_starts_is_an_error_at_its_line() -> None:
    result = years_file("0 20250101 20251231", "-1 20240101 20231231")
    assert [line for line, _ in findings_at(result, "bad-field")] == [7]
    assert "ends on 2023-12-31, before it starts on 2024-01-01" in result.findings[-1].message
    assert [y.index for y in result.model.years] == [0]
    assert not result.ok


@pytest.mark.parametrize(
    "start, end, too_long",
    [
        ("20240701", "20251231", False),  # 18 months: an extended first year
        ("20240701", "20260101", True),
        ("20240115", "20250714", False),
        ("20240115", "20250715", True),
        ("20230831", "20250227", False),
        ("20230831", "20250228", True),
        ("20250101", "20250101", False),  # one day is a short year, not an error
        ("99990101", "99991231", False),  # the calendar's last year: no overflow
        ("99980601", "99991231", True),
        ("00010101", "00011231", False),
    ],
)
def test_a_year_longer_than_18_months_is_an_error_at_its_line(
    start: str, end: str, too_long: bool
) -> None:
    result = years_file(f"0 {start} {end}")
    found = findings_at(result, "year-too-long")
    assert [line for line, _ in found] == ([6] if too_long else [])
    assert result.ok is not too_long
    assert result.model.years[0].end == sie_dates.from_sie(end)


def test_two_years_with_one_index_are_an_error_not_the_later_wins() -> None:
    result = years_file("0 20250101 20251231", "0 20240101 20241231", "-1 20240101 20241231")
    found = findings_at(result, "year-duplicate")
    assert [line for line, _ in found] == [7]
    assert "first on line 6" in found[0][1]
    assert not result.ok
    assert [(y.index, y.start.year) for y in result.model.years] == [(0, 2025), (-1, 2024)]  # type: ignore[union-attr]


def test_an_identification_record_given_twice_is_reported() -> None:
    result = read(HEAD + '#FNAMN "Kaffe AB"\r\n#FNAMN "Te AB"\r\n#FNAMN "Te AB"\r\n')
    assert [line for line, _ in findings_at(result, "duplicate-record")] == [7]
    assert result.model.header.company_name == "Te AB"


@pytest.mark.parametrize(
    "text",
    ["#FLAGGA 0\r\n", HEAD + YEAR, HEAD + '#FNAMN "Kaffe AB"\r\n#ORGNR 556334-3689\r\n'],
)
def test_a_file_with_nothing_to_import_is_not_ok(text: str, tmp_path: Path) -> None:
    path = tmp_path / "tom.se"
    path.write_bytes(text.encode("cp437"))
    result = load(path)
    assert [f.line for f in result.findings if f.code == "nothing-to-import"] == [0]
    assert not result.ok
    assert cli.main([str(path)]) == 1


def test_a_chart_of_accounts_alone_is_something_to_import() -> None:
    result = validate(read(HEAD + "#KONTO 1910 Kassa\r\n"))
    assert "nothing-to-import" not in [f.code for f in result.findings]


# --------------------------------------------------------------------------- arbitrary bytes

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_or_refuse(data: bytes, fast: bool = True) -> sie.ReadResult | None:
    try:
        return sie.read(data, fast=fast)
    except sie.NotSie as refused:
        assert refused.finding.code in CATALOGUE
        return None


def _checked(data: bytes) -> None:
    """sie.read raises only NotSie; streaming and validation never raise; the grammar
    path reads what the fast path reads; every finding is in the catalogue."""
    result = _read_or_refuse(data)
    if result is None:
        with pytest.raises(sie.NotSie):
            list(sie.iter_vouchers(data))
        return
    assert all(f.code in CATALOGUE for f in result.findings)
    streamed = list(sie.iter_vouchers(data))
    assert streamed == list(result.model.vouchers)
    checked = validate(result)
    assert all(f.code in CATALOGUE for f in checked.findings)
    slow = sie.read(data, fast=False)
    assert slow.model == result.model
    assert slow.findings == result.findings


@FUZZ
@given(hostile_files())
def test_hostile_files_end_in_findings(data: bytes) -> None:
    _checked(data)


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_after_a_flag_end_in_findings(tail: bytes) -> None:
    _checked(b"#FLAGGA 0\r\n" + tail)
    _checked(b"#FLAGGA 0\r\n#VER A 1 20250101\r\n{\r\n#TRANS 1910 {} " + tail)


@settings(max_examples=60, deadline=None)
@given(hostile_files())
def test_sie_validate_never_fails_and_never_prints_controls(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.se"
        path.write_bytes(data)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            text_status = cli.main([str(path)])
            json_status = cli.main(["--json", str(path)])
    assert text_status == json_status
    printed = out.getvalue()
    assert "internal-error" not in printed
    # nothing the terminal would act on (invisible format characters such as U+FEFF
    # are shown as they are: sie.display's definition of what needs escaping)
    assert all(display.is_printable(line) for line in printed.splitlines())
    json.loads(printed.splitlines()[-1])


_SAMPLE_LINES = (SAMPLES / "norrsken_ab_2025.se").read_bytes().split(b"\n")[:250]
_PIECES = st.sampled_from(
    [bytes([b]) for b in range(1, 0x20)]
    + [b"\x7f", b"9" * 30, b"9" * 5000, b"0" * 20, b'"', b"{", b"}", b"\r", b"\n", b"-", b"."]
    + [b",", b"#", b"\\", b" ", b"\xff", b"\x8e"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(_SAMPLE_LINES) - 1), st.integers(0, 80), _PIECES, st.booleans()
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_real_files_end_in_findings(edits: list[tuple[int, int, bytes, bool]]) -> None:
    """The fuzzing that found issue 8's failures: real lines with bytes put in or replaced."""
    lines = list(_SAMPLE_LINES)
    for index, at, piece, replace in edits:
        line = lines[index]
        at = min(at, len(line))
        lines[index] = line[:at] + piece + line[at + (1 if replace else 0) :]
    _checked(b"\n".join(lines))


def test_a_year_without_start_in_the_calendars_first_year_has_a_start() -> None:
    # 4I files may give only the end; the assumed twelve-month year cannot begin in year 0.
    result = read(HEAD + '#RAR 0 "" 00011231\r\n#RAR -1 "" 20250630\r\n')
    year, previous = result.model.years
    assert sie_dates.start_of(year) == sie_dates.from_sie("00010101")
    assert sie_dates.start_of(previous) == sie_dates.from_sie("20240701")
