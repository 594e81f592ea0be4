"""The fast path reads exactly what the Lark grammar reads.

``sie/grammar.lark`` is the definition of SIE syntax; ``sie.syntax.parse_line``
and the reader's row shortcut are only allowed to be faster, never different.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sie
from sie import encoding
from sie.blocks import VoucherBlocks
from sie.syntax import LineSyntaxError, parse_line, parse_line_lark
from tests.conftest import SAMPLES, corpus_params
from tests.strategies import CONTROL_CHARS, digit_runs


def outcome(parse, text: str) -> object:  # type: ignore[no-untyped-def]
    try:
        return ("ok", parse(text, 7))
    except LineSyntaxError:
        return ("rejected",)


def assert_same(text: str) -> None:
    assert outcome(parse_line, text) == outcome(parse_line_lark, text), repr(text)


# Pieces real files are made of, and the characters that make tokenizing hard: every
# control character but NUL (0x1C-0x1F are blank space to Python's str.split, not to
# the grammar), other scripts' digits, and long digit runs.
_chars = st.sampled_from(
    [
        *' \t"\\{}#-.0123456789ABCÅäö\x0b\rxy,;',
        "\xa0",
        "┼",
        "\u0663",
        *CONTROL_CHARS.replace("\x00", ""),
    ]
)
_text = st.text(_chars, max_size=12) | digit_runs()
_quoted = _text.map(lambda s: f'"{s}"') | _text.map(lambda s: f'"{s}')
_bare = st.text(st.sampled_from(list("ABC019-._#:\\/åÖ\x1c\x1f\x7f")), min_size=1, max_size=8)
_space = st.sampled_from(["", " ", "  ", "\t", " \t", "\r", "\x0c", "\x1c"])
_item = _quoted | _bare
_objlist = st.lists(st.tuples(_space, _item), max_size=4).map(
    lambda items: "{" + "".join(s + i for s, i in items) + "}"
)
_field = _quoted | _bare | _objlist
_label = st.sampled_from(
    ["#TRANS", "#RTRANS", "#BTRANS", "#VER", "#KONTO", "#trans", "#X1", "#OIB", "#PSALDO", "#"]
)


@st.composite
def sie_like_lines(draw: st.DrawFn) -> str:
    parts = [draw(_space), draw(_label)]
    for _ in range(draw(st.integers(0, 9))):
        parts.append(draw(_space))
        parts.append(draw(_field))
    parts.append(draw(_space))
    return "".join(parts)


@settings(max_examples=3000, deadline=None)
@given(sie_like_lines())
def test_generated_record_lines(text: str) -> None:
    assert_same(text)


@settings(max_examples=2000, deadline=None)
@given(st.text(_chars, max_size=40))
def test_arbitrary_lines(text: str) -> None:
    assert_same(text)


@pytest.mark.parametrize("path", corpus_params())
def test_every_corpus_line(path: Path) -> None:
    data = path.read_bytes()
    text = encoding.decode(data).text
    for line in encoding.lines(text):
        assert_same(line)


@pytest.mark.parametrize("path", corpus_params())
def test_reader_fast_path_reads_what_the_grammar_reads(path: Path) -> None:
    try:
        fast = sie.read(path)
    except sie.NotSie:
        with pytest.raises(sie.NotSie):
            sie.read(path, fast=False)
        return
    slow = sie.read(path, fast=False)
    assert fast.model == slow.model
    assert [(v.line, [r.line for r in v.rows]) for v in fast.model.vouchers] == [
        (v.line, [r.line for r in v.rows]) for v in slow.model.vouchers
    ]
    assert fast.findings == slow.findings
    assert fast.label_counts == slow.label_counts


@settings(max_examples=300, deadline=None)
@given(st.lists(sie_like_lines(), max_size=6))
def test_reader_fast_path_on_generated_vouchers(rows: list[str]) -> None:
    body = "\r\n".join(["#FLAGGA 0", "#SIETYP 4", '#VER A 1 20250101 "x"', "{", *rows, "}", ""])
    data = body.encode("cp437", errors="replace")
    fast = sie.read(data)
    slow = sie.read(data, fast=False)
    assert fast.model == slow.model
    assert fast.findings == slow.findings


_plain_rows = st.builds(
    lambda acct, objs, amount, date, text: (
        f"  #TRANS {acct} {{{objs}}} {amount}"
        + (f" {date}" if date else "")
        + (f' "{text}"' if text else "")
    ),
    st.sampled_from(["1930", "3001", "1510"]),
    st.sampled_from(["", '1 "10"', '8 "K1" 10 "F1"', "6 P1", '"1" "2"']),
    st.sampled_from(["100.00", "-100", "0", "12.5", "1,5", "+1"]),
    st.sampled_from(["", "20250101", '""', "20251340", "2025"]),
    st.text(_chars, max_size=8),
)
_ver_lines = st.builds(
    lambda series, number, date, rest: f"#VER {series} {number} {date}{rest}",
    st.sampled_from(["A", '""', '"B 2"', "#"]),
    st.sampled_from(["1", '""', "12"]),
    st.sampled_from(["20250101", '""', "2025013", "20250230"]),
    st.sampled_from(["", ' "Text"', ' "Text \\"x\\"" 20250102 "Sign"', ' "open', " a b c d"]),
)
_braces = st.sampled_from(["{", "}", " {\t", "}\r", "{}", ""])


@st.composite
def voucher_files(draw: st.DrawFn) -> bytes:
    lines = ["#FLAGGA 0", "#SIETYP 4", "#RAR 0 20250101 20251231"]
    for _ in range(draw(st.integers(1, 4))):
        lines.append(draw(_ver_lines))
        lines.append(draw(st.sampled_from(["{", "  {", "{\t"])))
        for _ in range(draw(st.integers(0, 4))):
            lines.append(draw(_plain_rows | sie_like_lines() | _braces))
        lines.append(draw(st.sampled_from(["}", " }", "}\t"])))
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    return newline.join(lines).encode("cp437", errors="replace")


@settings(max_examples=400, deadline=None)
@given(voucher_files())
def test_reader_fast_paths_on_generated_voucher_blocks(data: bytes) -> None:
    assert_fast_equals_grammar(data)


def assert_fast_equals_grammar(data: bytes) -> tuple[sie.ReadResult, sie.ReadResult]:
    """The fast path and the grammar read ``data`` to the same model, lines, findings and
    label counts; both results, for checks of their own."""
    fast = sie.read(data)
    slow = sie.read(data, fast=False)
    assert fast.model == slow.model
    assert [(v.line, [r.line for r in v.rows]) for v in fast.model.vouchers] == [
        (v.line, [r.line for r in v.rows]) for v in slow.model.vouchers
    ]
    assert fast.findings == slow.findings
    assert fast.label_counts == slow.label_counts
    return fast, slow


def read_counting_blocks(
    monkeypatch: pytest.MonkeyPatch, data: bytes
) -> tuple[sie.ReadResult, int]:
    """Read ``data`` (fast path); also say how many voucher blocks the block path took."""
    taken: list[int] = []
    original = VoucherBlocks.take_all

    def counting(self: VoucherBlocks, piece: str, pos: int, number: int) -> tuple[int, int]:
        before = self.taken_vouchers
        result = original(self, piece, pos, number)
        taken.append(self.taken_vouchers - before)
        return result

    monkeypatch.setattr(VoucherBlocks, "take_all", counting)
    return sie.read(data), sum(taken)


def test_whole_voucher_blocks_are_taken_by_the_block_path(monkeypatch: pytest.MonkeyPatch) -> None:
    result, taken = read_counting_blocks(
        monkeypatch, (SAMPLES / "norrsken_ab_2025.se").read_bytes()
    )
    assert taken >= len(result.model.vouchers) - 5
