"""What the reader does for speed and memory changes nothing it reads.

``sie.read(path)`` decides the encoding from the whole file, then reads the file a
second time piece by piece instead of holding its bytes while the model is built;
a pipe or a device (which cannot be read twice) is read from the bytes it gave.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sie
from sie import encoding
from sie.reader import _chunks_of
from tests.conftest import SAMPLES, corpus_params


def same(a: sie.ReadResult, b: sie.ReadResult) -> None:
    assert a.model == b.model
    assert a.findings == b.findings
    assert (a.encoding, a.size, a.lines, a.label_counts) == (
        b.encoding,
        b.size,
        b.lines,
        b.label_counts,
    )


@pytest.mark.parametrize("path", corpus_params())
def test_a_file_read_again_reads_what_its_bytes_read(path: Path) -> None:
    data = path.read_bytes()
    try:
        from_bytes = sie.read(data, name=str(path))
    except sie.NotSie:
        with pytest.raises(sie.NotSie):
            sie.read(path)
        return
    same(sie.read(path), from_bytes)


def test_the_sample_read_from_its_path_and_its_bytes() -> None:
    path = SAMPLES / "norrsken_ab_2025.se"
    same(sie.read(path), sie.read(path.read_bytes(), name=str(path)))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_read_once(tmp_path: Path) -> None:
    data = (SAMPLES / "norrsken_ab_2025.se").read_bytes()
    fifo = tmp_path / "export.se"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as pipe:
            pipe.write(data)

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    result = sie.read(fifo)
    writer.join(timeout=10)
    same(result, sie.read(data, name=str(fifo)))


class _Trickle:
    """A stream that gives fewer bytes than asked, as pipes and sockets do."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self._data, self._sizes, self._pos = data, sizes, 0

    def read(self, size: int = -1, /) -> bytes:
        step = self._sizes[self._pos % len(self._sizes)] if self._sizes else size
        block = self._data[self._pos : self._pos + max(1, min(size, step))]
        self._pos += len(block)
        return block


@settings(max_examples=500, deadline=None)
@given(
    st.binary(max_size=80).map(lambda b: b.replace(b"\x00", b"\n")),
    st.integers(1, 9),
    st.lists(st.integers(1, 9), max_size=4),
)
def test_a_file_read_again_is_cut_where_its_bytes_are_cut(
    data: bytes, size: int, sizes: list[int]
) -> None:
    expected = [bytes(piece) for piece in encoding.chunks(data, size)]
    assert list(_chunks_of(_Trickle(data, sizes), size)) == expected
