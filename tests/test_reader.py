"""The reader on real vendor files and on the oddities they contain."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest

import sie
from sie.findings import CATALOGUE
from sie.syntax import Record
from tests.conftest import corpus_file, corpus_params

HEAD = "#FLAGGA 0\r\n#PROGRAM test 1\r\n#FORMAT PC8\r\n#GEN 20250101\r\n#SIETYP 4\r\n"


def codes(result: sie.ReadResult) -> list[str]:
    return [f.code for f in result.findings]


@pytest.mark.parametrize("path", corpus_params())
def test_every_corpus_file_reads_or_is_refused_clearly(path: Path) -> None:
    if path.name == "not-sie-html-404.SE":
        with pytest.raises(sie.NotSie) as refused:
            sie.read(path)
        assert "not a SIE file" in str(refused.value)
        assert refused.value.finding.code == "not-sie"
        return
    result = sie.read(path)
    assert result.model.header.format == "PC8"
    assert all(f.code in CATALOGUE for f in result.findings)
    # Only the deliberately damaged file has an unbalanced #TRANS-only voucher.
    unbalanced = [(v.series, v.number, v.balance) for v in result.model.vouchers if v.balance]
    if path.name == "transaktioner_ovnbolag-bad-balance.se":
        assert unbalanced == [("B", "1", Decimal("-12771.00"))]
    else:
        assert unbalanced == []


@pytest.mark.parametrize(
    "name",
    [
        "Norstedts Bokslut SIE 1.se",
        "Norstedts Bokslut SIE 4I.si",
        "Norstedts Revision SIE 1.SE",
        "Sie1.se",
    ],
)
def test_checksummed_files_verify(name: str) -> None:
    result = sie.read(corpus_file(name))
    assert "ksumma-ok" in codes(result)
    assert "ksumma-mismatch" not in codes(result)
    assert result.model.checksum is not None


def test_a_changed_byte_breaks_the_checksum() -> None:
    data = bytearray(corpus_file("Sie1.se").read_bytes())
    at = data.index(b"#KONTO") + len(b"#KONTO") + 2  # a digit of the first account number
    data[at] = ord("9") if data[at] != ord("9") else ord("8")
    result = sie.read(bytes(data))
    assert "ksumma-mismatch" in codes(result)
    assert not result.ok


def test_truncated_checksummed_file_is_an_error() -> None:
    data = corpus_file("Sie1.se").read_bytes()
    cut = data[: data.rindex(b"#KSUMMA")]
    assert "ksumma-truncated" in codes(sie.read(cut))


@pytest.mark.parametrize(
    "name, rtrans, btrans, naive_breaks",
    [("BL0001_typ4.SE", 6, 3, False), ("sie 4.SE", 1, 1, True)],  # BL's RTRANS rows are 0.00
)
def test_rtrans_twins_balance_and_keep_history(
    name: str, rtrans: int, btrans: int, naive_breaks: bool
) -> None:
    result = sie.read(corpus_file(name))
    rows = [r for v in result.model.vouchers for r in v.rows]
    assert sum(r.kind == "RTRANS" for r in rows) == rtrans
    assert sum(r.kind == "BTRANS" for r in rows) == btrans
    assert sum(r.added for r in rows) == rtrans  # each twin is marked, not dropped
    assert all(v.balance == 0 for v in result.model.vouchers)
    # Summing every row (the peers' bug) would not balance every voucher.
    naive = [v for v in result.model.vouchers if sum(r.amount for r in v.rows) != 0]
    assert bool(naive) == naive_breaks


def test_latin1_byte_inside_cp437_is_repaired_and_reported() -> None:
    result = sie.read(corpus_file("BL0001_typ3.SE"))
    assert result.encoding == "cp437"
    repairs = [f for f in result.findings if f.code == "encoding-repair"]
    assert len(repairs) == 1 and repairs[0].line > 0
    objects = {(o.dimension, o.id): o.name for o in result.model.objects}
    assert objects[(6, "Å1")] == "årsta"


def test_utf8_with_and_without_bom_and_windows_1252() -> None:
    text = HEAD + '#FNAMN "Åkesson & Söner AB"\r\n#KONTO 1930 "Företagskonto"\r\n'
    for data, expected in [
        (text.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"),
        (text.encode("cp1252"), "cp1252"),
        (text.encode("cp437"), "cp437"),
    ]:
        result = sie.read(data)
        assert result.encoding == expected
        assert result.model.header.company_name == "Åkesson & Söner AB"
        assert result.model.accounts[0].name == "Företagskonto"
        declared = [f for f in result.findings if f.code == "encoding-declared"]
        assert bool(declared) == (expected != "cp437")


def test_real_world_tolerance() -> None:
    text = (
        '#FLAGGA 1\r#PROGRAM "x" 1\r#FORMAT PC8\r#SIETYP 4\r#KONTO\t1930\t"Bank"\r'
        '#MOMSKOD 2610 10\r#RAR 0 20250101 20251231\r#VER "" "" 20250105 "utan nr"\r'
        '\t{\t\r\t#TRANS 1930 { } 100 "" "Text "med"citat"\r'
        '\t#TRANS "3001" {"1" 10} -60 "" "avkortad text\r'
        '  #TRANS 3001 {} -40 20250105 "" x\r}\r'
        '#VER A 2 20250106\r{\r}\r#KONTO 3001 "Försäljning"'
    )
    result = sie.read(text.encode("cp437"))  # CR-only line ends, no final newline
    model = result.model
    found = {f.code: f for f in result.findings}
    assert set(found) == {
        "encoding",
        "flag-set",
        "unterminated-quote",
        "bad-field",
        "unknown-label",
        "record-order",
        "empty-voucher",
    }
    assert found["bad-field"].severity == "warning"  # a bad quantity does not drop the row
    first, second = model.vouchers
    assert (first.series, first.number) == ("", "")
    assert [r.text for r in first.rows] == ['Text "med"citat', "avkortad text", ""]
    assert first.rows[1].account == "3001" and first.rows[1].objects == ((1, "10"),)
    assert first.rows[2].quantity is None
    assert first.balance == 0 and second.rows == ()
    assert model.unknown[0].label == "#MOMSKOD" and model.unknown[0].fields == ("2610", "10")
    assert [a.number for a in model.accounts] == ["1930", "3001"]


def test_garbage_is_refused_at_once() -> None:
    for data, words in [
        (b"", "empty"),
        (b"   \r\n\r\n", "empty"),
        (b"\x00\x01\x02PK\x03\x04" * 10, "binary"),
        (b"<html><body>404 Not Found</body></html>", "not a SIE file"),
        (b"#!/bin/sh\necho hi\n", "not a SIE file"),
    ]:
        with pytest.raises(sie.NotSie, match=words):
            sie.read(data)


def test_syntax_errors_are_reported_with_line_and_skipped() -> None:
    data = (HEAD + "#KONTO 1930 Bank\r\nthis is not sie\r\n#TRANS 1930 {} 5\r\n").encode()
    result = sie.read(data, name="x.se")
    found = {f.code: f for f in result.findings}
    assert found["syntax"].line == 7 and "x.se:7" in str(found["syntax"])
    assert found["row-outside-voucher"].line == 8
    assert not result.ok


def test_bad_values_are_reported_not_fatal() -> None:
    data = (
        HEAD
        + "#RAR 0 20250101 20251231\r\n#VER A 1 20250230\r\n{\r\n}\r\n"
        + "#VER A 2 20250301\r\n{\r\n#TRANS 1930 {} 12,50\r\n#TRANS 3001 {} abc\r\n}\r\n"
    ).encode()
    result = sie.read(data)
    bad = [f for f in result.findings if f.code == "bad-field"]
    assert [f.line for f in bad] == [7, 13]
    assert all(f.severity == "error" for f in bad)
    assert [f.line for f in result.findings if f.code == "amount-comma"] == [12]
    (voucher,) = result.model.vouchers
    assert voucher.rows[0].amount == Decimal("12.50")


def test_types_and_4e_4i() -> None:
    assert sie.read(corpus_file("typ4.se")).model.sie_type == "4E"
    assert sie.read(corpus_file("typ4si.si")).model.sie_type == "4I"
    assert sie.read(corpus_file("Sie4.si")).model.sie_type == "4E"  # .si name, 4E content
    assert sie.read(corpus_file("typ1.se")).model.sie_type == "1"
    assert sie.read(corpus_file("periodsaldo_ovnbolag.se")).model.sie_type == "2"


def test_every_label_reaches_the_model() -> None:
    model = sie.read(corpus_file("transaktioner_ovnbolag.se")).model
    ledger = model.ledger()
    year = model.year(0)
    assert year is not None and (year.start, year.end) == (
        dt.date(2011, 1, 1),
        dt.date(2011, 12, 31),
    )
    assert model.period_balances and model.dimensions
    some = model.period_balances[0]
    assert (
        ledger.period_balance(some.account, some.period, some.year, some.object, some.kind)
        is not None
    )
    with_objects = sie.read(corpus_file("BL0001_typ4.SE")).model
    ob = with_objects.object_balances[0]
    assert (
        with_objects.ledger().object_balance(ob.account, ob.object, ob.kind, ob.year) == ob.amount
    )
    v = model.vouchers[10]
    assert ledger.voucher(v.series, v.number) == v
    assert all(r.line > v.line for r in v.rows)
    accounts = {a.number: a for a in model.accounts}
    assert any(a.sru for a in accounts.values())


def test_quantities_dimensions_and_underdim() -> None:
    data = (
        HEAD
        + '#DIM 1 "Avdelning"\r\n#UNDERDIM 21 "Grupp" 1\r\n#OBJEKT 21 "0101" "Grupp 1"\r\n'
        + '#ENHET 4010 liter\r\n#KONTO 4010 "Inköp"\r\n#KTYP 4010 K\r\n'
        + '#PBUDGET 0 202501 3011 {} -1243.50 -415\r\n#OIB 0 1510 {8 "K1"} 100 2\r\n'
    ).encode("cp437")
    model = sie.read(data).model
    assert model.dimensions[1].parent == 1
    assert model.account("4010") == sie.Account("4010", "Inköp", "K", "liter")
    assert model.period_balances[0].quantity == Decimal("-415")
    assert model.object_balances[0].object == (8, "K1")


@pytest.mark.parametrize("path", corpus_params())
def test_streaming_gives_the_same_vouchers(path: Path) -> None:
    if path.name.startswith("not-sie"):
        pytest.skip("not SIE")
    whole = sie.read(path).model.vouchers
    streamed = list(sie.iter_vouchers(path))
    assert streamed == list(whole)
    with path.open("rb") as stream:
        assert sum(1 for _ in sie.iter_records(stream)) > 0


def test_streaming_hands_vouchers_on_a_few_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A piece of text holds thousands of vouchers; streaming passes them on in batches of
    STREAM_BATCH so that memory stays flat, and the vouchers are those of a whole read."""
    from sie import blocks

    made_before_first: list[int] = []
    original = blocks.VoucherBlocks.take_all

    def recording(self: blocks.VoucherBlocks, piece: str, pos: int, number: int) -> tuple[int, int]:
        before = self.taken_vouchers
        result = original(self, piece, pos, number)
        made_before_first.append(self.taken_vouchers - before)
        return result

    monkeypatch.setattr(blocks.VoucherBlocks, "take_all", recording)
    rows = "".join(
        f'#VER A {n} 20250105 "x"\n{{\n#TRANS 1930 {{}} 1\n#TRANS 3010 {{}} -1\n}}\n'
        for n in range(1, 1001)
    )
    data = ("#FLAGGA 0\n#SIETYP 4\n#RAR 0 20250101 20251231\n" + rows).encode("cp437")
    streamed = list(sie.iter_vouchers(data))
    assert max(made_before_first) == blocks.STREAM_BATCH
    assert len(streamed) == 1000 and streamed == list(sie.read(data).model.vouchers)


def test_streaming_from_a_binary_stream_and_bytes() -> None:
    path = corpus_file("sie 4.SE")
    data = path.read_bytes()
    assert list(sie.iter_vouchers(io.BytesIO(data))) == list(sie.iter_vouchers(data))


def test_model_unpacks_as_model_and_findings() -> None:
    model, findings = sie.read(corpus_file("FAKT.SI"))
    assert isinstance(model, sie.SieFile) and isinstance(findings, tuple)


def test_streamed_records_report_what_they_skip() -> None:
    data = (HEAD + "not a record\r\n#KONTO 1930 Bank\r\n").encode()
    noticed: list[sie.Finding] = []
    labels = [r.label for r in sie.iter_records(data, findings=noticed) if isinstance(r, Record)]
    assert labels[-1] == "#KONTO" and len(labels) == 6
    assert [(f.code, f.line) for f in noticed if f.code == "syntax"] == [("syntax", 6)]


def test_account_attributes_without_konto_are_reported() -> None:
    data = (HEAD + "#KONTO 1930 Bank\r\n#SRU 1930 7281\r\n#SRU 2440 7368\r\n").encode()
    result = sie.read(data)
    found = [f for f in result.findings if f.code == "account-attributes-only"]
    assert [(f.line, "2440" in f.message) for f in found] == [(8, True)]
    assert result.model.account("2440") == sie.Account("2440", sru=("7368",))
