"""``#KSUMMA`` on the fast path: the checksum of a voucher block taken whole equals
the per-record checksum of the grammar's path.

Every file is given an opening ``#KSUMMA`` after its first line and a closing one
with a stored value that cannot be right (``#KSUMMA 4294967296`` is one more than
any CRC-32), so both paths report ``ksumma-mismatch`` with the checksum they
computed in the message: equal findings mean equal checksums. The value is also
computed here, record by record from the grammar (:func:`sie.checksum.ksumma`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings

import sie
from sie.checksum import ksumma
from sie.syntax import Record, parse_line_lark
from tests.conftest import SAMPLES, corpus_params
from tests.test_syntax_differential import (
    assert_fast_equals_grammar,
    read_counting_blocks,
    voucher_files,
)

#: One more than the largest CRC-32: a closing #KSUMMA no content can match.
WRONG = 2**32
_COMPUTED = re.compile(r"the contents give ([0-9]+)")


def checksummed(data: bytes) -> bytes:
    """``data`` with an opening #KSUMMA after its first line and a wrong closing one."""
    newline = b"\r\n" if b"\r\n" in data else b"\n"
    lines = [
        line for line in data.split(newline) if not line.lstrip().upper().startswith(b"#KSUMMA")
    ]
    while lines and not lines[-1].strip():
        lines.pop()
    return newline.join([lines[0], b"#KSUMMA", *lines[1:], b"#KSUMMA %d" % WRONG, b""])


def computed(result: sie.ReadResult) -> int:
    """The checksum a read computed, from its ``ksumma-mismatch`` finding."""
    found = [f for f in result.findings if f.code == "ksumma-mismatch"]
    assert len(found) == 1, [f.message for f in found]
    match = _COMPUTED.search(found[0].message)
    assert match is not None, found[0].message
    return int(match.group(1))


def per_record(result: sie.ReadResult, data: bytes) -> int:
    """The checksum record by record, each line parsed by the grammar alone."""
    text = data.decode(result.encoding).lstrip("\ufeff")
    lines = text.split("\n")
    opened = next(i for i, line in enumerate(lines) if line.strip() == "#KSUMMA")
    records = []
    for line in lines[opened + 1 :]:
        try:
            parsed = parse_line_lark(line)
        except sie.syntax.LineSyntaxError:
            continue
        if type(parsed) is Record:
            if parsed.label == "#KSUMMA":
                break
            records.append((parsed.label, parsed.fields))
    return ksumma(records)


def assert_paths_agree(data: bytes) -> tuple[sie.ReadResult, int]:
    fast, slow = assert_fast_equals_grammar(data)
    crc = computed(fast)
    assert crc == computed(slow)
    return fast, crc


@pytest.mark.parametrize("path", corpus_params())
def test_block_checksum_equals_the_per_record_checksum_on_every_corpus_file(path: Path) -> None:
    data = checksummed(path.read_bytes())
    try:
        result, crc = assert_paths_agree(data)
    except sie.NotSie:
        with pytest.raises(sie.NotSie):
            sie.read(data, fast=False)
        return
    repaired = any(f.code == "encoding-repair" for f in result.findings)
    if not repaired and result.encoding in ("cp437", "utf-8", "utf-8-sig", "cp1252", "latin-1"):
        # (A repaired letter is checksummed as read, so the raw lines would differ.)
        assert crc == per_record(result, data)


@pytest.mark.parametrize("name", ["norrsken_ab_2025.se", "norrsken_ab_2025_fakturor.si"])
def test_block_checksum_on_the_samples(name: str) -> None:
    path = SAMPLES / name
    if not path.exists():
        pytest.skip(f"no sample {name}")
    data = checksummed(path.read_bytes())
    result, crc = assert_paths_agree(data)
    assert crc == per_record(result, data)
    # With the right value stored, the fast path verifies it.
    right = data.replace(b"#KSUMMA %d" % WRONG, b"#KSUMMA %d" % crc)
    codes = [f.code for f in sie.read(right).findings if f.code.startswith("ksumma")]
    assert codes == ["ksumma-ok"]


@settings(max_examples=400, deadline=None)
@given(voucher_files())
def test_block_checksum_on_generated_voucher_files(data: bytes) -> None:
    assert_paths_agree(checksummed(data))


def test_checksummed_blocks_are_taken_by_the_block_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checksum does not send the blocks to the line path (the speed issue 8 asks for)."""
    data = checksummed((SAMPLES / "norrsken_ab_2025.se").read_bytes())
    result, taken = read_counting_blocks(monkeypatch, data)
    assert taken >= len(result.model.vouchers) - 5
    assert computed(result) == computed(sie.read(data, fast=False))


def test_a_checksum_counts_the_files_own_bytes_where_letters_were_repaired() -> None:
    """A Latin-1 letter inside CP437 text is repaired in the model (and reported), but a
    #KSUMMA was computed over the file's bytes: the check uses them, on both paths."""
    path = SAMPLES / "norrsken_ab_2025.se"
    if not path.exists():
        pytest.skip(f"no sample {path.name}")
    raw = path.read_bytes()
    assert b"#FNAMN " in raw and raw.count(b"Kundfaktura") > 3
    raw = raw.replace(b"Kundfaktura", b"Kundf\xe5ktura", 3)  # 0xE5: Latin-1 'å', CP437 'σ'
    raw = raw.replace(b'#FNAMN "', b'#FNAMN "K\xe5ffe ', 1)
    data = checksummed(raw)
    fast = sie.read(data)
    assert sum(f.code == "encoding-repair" for f in fast.findings) == 4
    assert repr(fast.model).count("Kundfåktura") == 3
    assert fast.model.header.company_name.startswith("Kåffe ")
    expected = per_record(fast, data)
    assert computed(fast) == computed(sie.read(data, fast=False)) == expected
    right = data.replace(b"#KSUMMA %d" % WRONG, b"#KSUMMA %d" % expected)
    for result in (sie.read(right), sie.read(right, fast=False)):
        assert [f.code for f in result.findings if f.code.startswith("ksumma")] == ["ksumma-ok"]
