"""Reading SIE files: ``read`` (whole model), ``iter_records`` and ``iter_vouchers`` (streaming).

Input is always bytes (a path, a ``bytes`` object or a binary stream): the
encoding is decided here, never assumed (see :mod:`sie.encoding`). Whatever is
skipped, filled in or repaired is reported as a :class:`~sie.findings.Finding`.
"""

from __future__ import annotations

import io
import os
import re
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import BinaryIO

import attrs

from sie import encoding as enc
from sie import gcpause
from sie.findings import Finding, finding, has_errors
from sie.model import SieFile, Voucher
from sie.records import Builder
from sie.syntax import (
    Line,
    LineSyntaxError,
    Record,
    parse_line,
    parse_line_lark,
)

Source = str | os.PathLike[str] | bytes | BinaryIO
Progress = Callable[[int, int], None]

_LABEL_START = re.compile(r"[ \t]*#[A-Za-z]")
_KNOWN_FIRST = re.compile(r"[ \t]*#(FLAGGA|PROGRAM|FORMAT|GEN|SIETYP|KSUMMA|FNAMN|ORGNR)\b", re.I)
#: How much of a stream the encoding is decided from when streaming.
STREAM_SAMPLE = 4 * 1024 * 1024
#: Bytes per megabyte, for size limits.
MEGABYTE = 1024 * 1024
#: The largest size limit that can be set (1 TB): far beyond any SIE file, and a byte
#: count that a read can still be asked for.
MAX_SIZE_MB = 1024 * 1024
#: Bytes asked of a stream at a time under a size limit (a read allocates what it asks for).
_CHUNK = 16 * MEGABYTE


def size_mb(text: str) -> float:
    """A size limit in MB as a user types it (``200``, ``0.5``): more than 0 and at most
    :data:`MAX_SIZE_MB`; else a ``ValueError`` saying what is allowed. The one parser of
    every ``--max-size-mb`` option."""
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not 0 < number <= MAX_SIZE_MB:
        raise ValueError(f"{text!r} is not a size in MB between 0 and {MAX_SIZE_MB}, such as 200")
    return number


class NotSie(ValueError):
    """The input is not a SIE file at all (empty, binary, an HTML page …)."""

    def __init__(self, found: Finding) -> None:
        super().__init__(found.message)
        self.finding = found


class TooLarge(NotSie):
    """The input is larger than the size limit the caller gave; nothing was decoded."""


def too_large(limit: int, file: str = "", size: int | None = None) -> Finding:
    """The ``too-large`` finding for a file over ``limit`` bytes (``size`` when known:
    a pipe, a FIFO or a device has none, so it is only known to hold more)."""
    megabytes = f"{round(limit / MEGABYTE, 2):g} MB"
    shown = f"{size / MEGABYTE:.1f} MB" if size is not None else f"more than {megabytes}"
    return finding(
        "too-large",
        f"the file is {shown}, over the import limit of {megabytes}; export a "
        "shorter period or raise the limit (--max-size-mb)",
        0,
        file,
    )


@attrs.frozen(slots=True)
class ReadResult:
    """The model of a file plus everything noticed while reading it."""

    model: SieFile
    findings: tuple[Finding, ...]
    encoding: str
    file: str = ""
    size: int = 0
    lines: int = 0
    label_counts: Mapping[str, int] = attrs.field(factory=dict)

    @property
    def ok(self) -> bool:
        return not has_errors(self.findings)

    def __iter__(self) -> Iterator[object]:
        """``model, findings = sie.read(...)``."""
        yield self.model
        yield self.findings


def read(
    source: Source,
    *,
    name: str | None = None,
    progress: Progress | None = None,
    fast: bool = True,
    max_bytes: int | None = None,
) -> ReadResult:
    """Read a whole SIE file into a :class:`~sie.model.SieFile`.

    Raises :class:`NotSie` when the input is not SIE at all; every other problem
    is a finding in the result. ``progress(done, total)`` is called now and then
    with byte positions, for progress bars on large files. ``fast=False`` parses
    every line with the Lark grammar alone (slow; the tests use it to prove the
    fast path reads exactly the same). With ``max_bytes``, at most that many bytes
    and one more are read from any source (a pipe or ``/dev/zero`` too), and a
    larger input raises :class:`TooLarge`, a :class:`NotSie` with a ``too-large``
    finding.
    """
    data, file = _bytes(source, name, max_bytes)
    wide = enc.wide_codec(data)
    if wide is not None:
        data = _from_wide(data, wide, file)
    codec = "utf-8" if wide else enc.detect(data)
    _check_sie(_head(data, codec), data, file)
    builder = Builder(file)
    builder.findings.append(enc.encoding_finding(wide or codec, file))
    total = len(data)
    tick = (lambda done: progress(min(done, total), total)) if progress else None
    repairs = codec == "cp437" and enc.has_latin1_letters(data)
    again = _again(source, total) if wide is None else None
    chunks: Iterable[bytes | memoryview] = enc.chunks(data) if again is None else again
    del data  # a file is read again, so its bytes are not held while the model grows
    pieces = enc.decode_pieces(chunks, codec, builder.findings, file, tick, repairs)
    with gcpause.paused():  # millions of acyclic objects: collection would only cost time
        if fast:
            for _ in _run(builder, pieces):
                pass
        else:
            _run_lark(builder, pieces)
        model = builder.finish()
    return ReadResult(
        model=model,
        findings=tuple(builder.findings),
        encoding=wide or codec,
        file=file,
        size=total,
        lines=builder.lines,
        label_counts=builder.label_counts,
    )


def _run(
    builder: Builder, pieces: Iterator[str], pending: list[Voucher] | None = None
) -> Iterator[Voucher]:
    """Feed decoded pieces to the builder; yield vouchers collected in ``pending``.

    A plain voucher block (``#VER``, ``{``, plain ``#TRANS`` rows, ``}``) is taken
    whole by one regular expression; every other line goes through
    :func:`sie.syntax.parse_line`. Both give what the grammar gives
    (tests/test_syntax_differential.py).
    """
    record = builder.record
    take_all = builder.blocks.take_all
    findings = builder.findings
    file = builder.file
    number = 0
    for piece in pieces:
        original = getattr(piece, "original", None)  # before Latin-1 repairs (#KSUMMA)
        pos = 0
        size = len(piece)
        while pos <= size:
            if piece.startswith("#VER", pos):
                at = pos
                pos, number = take_all(piece, pos, number)
                if pending:
                    yield from pending
                    pending.clear()
                if pos != at:
                    continue
            stop = piece.find("\n", pos)
            if stop < 0:
                stop = size
            text = piece[pos:stop]
            start, pos = pos, stop + 1
            number += 1
            if len(text) < 4 and (stripped := text.strip(" \t\r\f\v")) in ("{", "}", ""):
                if stripped:
                    builder.brace(stripped, number)
                    if pending:
                        yield from pending
                        pending.clear()
                continue
            try:
                parsed = parse_line(text, number)
            except LineSyntaxError as exc:
                findings.append(_syntax_finding(exc, text, number, file))
                continue
            if type(parsed) is Record:
                if original is not None and builder.running.crc is not None:
                    record(parsed, _as_written(parse_line, original[start:stop], number))
                else:
                    record(parsed)
            elif parsed is not None:
                builder.brace(parsed, number)  # type: ignore[arg-type]
            if pending:
                yield from pending
                pending.clear()
    builder.lines = number


def _run_lark(builder: Builder, pieces: Iterator[str]) -> None:
    """Feed lines to the builder using the Lark grammar alone (the reference path)."""
    number = 0
    for piece in pieces:
        original = getattr(piece, "original", None)  # before Latin-1 repairs (#KSUMMA)
        written = original.split("\n") if original is not None else None
        for index, text in enumerate(piece.split("\n")):
            number += 1
            try:
                parsed = parse_line_lark(text, number)
            except LineSyntaxError as exc:
                builder.findings.append(_syntax_finding(exc, text, number, builder.file))
                continue
            if type(parsed) is Record:
                if written is not None and builder.running.crc is not None:
                    builder.record(parsed, _as_written(parse_line_lark, written[index], number))
                else:
                    builder.record(parsed)
            elif parsed is not None:
                builder.brace(parsed, number)  # type: ignore[arg-type]
    builder.lines = number


def _as_written(parse: Callable[[str, int], Line], text: str, number: int) -> Record | None:
    """A line as the file's bytes have it, before Latin-1 repairs: what a ``#KSUMMA``
    counts. A repair changes one letter for another, never the line's structure."""
    try:
        parsed = parse(text, number)
    except LineSyntaxError:
        return None
    return parsed if type(parsed) is Record else None


def _syntax_finding(exc: LineSyntaxError, text: str, number: int, file: str) -> Finding:
    shown = text.strip()
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return finding(
        "syntax",
        f"{exc}: {shown!r}; the line was skipped — correct it or export the file again",
        number,
        file,
    )


def iter_records(
    source: Source,
    *,
    name: str | None = None,
    findings: list[Finding] | None = None,
    max_bytes: int | None = None,
) -> Iterator[Record | str]:
    """Stream the records (and ``{``/``}`` braces) of a file, one line at a time.

    Lines that are not SIE syntax are skipped; pass a list as ``findings`` to
    collect them (and the encoding notes) as findings. ``max_bytes`` as in :func:`read`.
    """
    noticed: list[Finding] = [] if findings is None else findings
    file, pieces = _stream_lines(source, name, noticed, max_bytes)
    for number, text in enumerate(enc.piece_lines(pieces), 1):
        try:
            parsed = parse_line(text, number)
        except LineSyntaxError as exc:
            noticed.append(_syntax_finding(exc, text, number, file))
            continue
        if parsed is not None:
            yield parsed


def iter_vouchers(
    source: Source,
    *,
    name: str | None = None,
    findings: list[Finding] | None = None,
    max_bytes: int | None = None,
) -> Iterator[Voucher]:
    """Stream the vouchers of a file without holding the file or the other vouchers.

    Pass a list as ``findings`` to collect what the reader noticed on the way.
    With ``max_bytes``, a larger input raises :class:`TooLarge` once that much was read.
    """
    noticed: list[Finding] = []
    file, pieces = _stream_lines(source, name, noticed, max_bytes)
    pending: list[Voucher] = []
    builder = Builder(file, keep_vouchers=False, on_voucher=pending.append)
    builder.findings = noticed
    yield from _run(builder, pieces, pending)
    builder.finish()
    yield from pending
    if findings is not None:
        findings.extend(noticed)


# --------------------------------------------------------------------------- input


def _bytes(source: Source, name: str | None, limit: int | None = None) -> tuple[bytes, str]:
    """The input's bytes; never more than ``limit`` + 1 of them (then :class:`TooLarge`)."""
    if isinstance(source, bytes | bytearray | memoryview):
        data, file = bytes(source), name or "<bytes>"
    elif isinstance(source, str | os.PathLike):
        file = name or str(source)
        with open(source, "rb") as stream:
            data = _read_at_most(stream, limit)
    else:
        file = name or str(getattr(source, "name", "<stream>"))
        data = _read_at_most(source, limit)
    if limit is not None and len(data) > limit:
        exact = isinstance(source, bytes | bytearray | memoryview)
        raise TooLarge(too_large(limit, file, len(data) if exact else None))
    return data, file


def _again(source: Source, size: int) -> Iterator[bytes] | None:
    """A file's first ``size`` bytes once more, in pieces that end at line breaks;
    ``None`` for any other source.

    The whole file was read to decide its encoding. Reading it again (from the page
    cache) instead of holding those bytes while the model is built keeps them off the
    peak memory: a 100 MB file makes a model of about 600 MB.
    """
    if not isinstance(source, str | os.PathLike):
        return None
    try:
        if not _regular(os.stat(source), size):  # (opening a FIFO again would block)
            return None
        stream = open(source, "rb")  # noqa: SIM115 - closed by the generator below
    except OSError:
        return None
    if not _regular(os.fstat(stream.fileno()), size):
        stream.close()
        return None

    def pieces() -> Iterator[bytes]:
        with stream:
            yield from _chunks_of(_Exactly(stream, size))

    return pieces()


def _chunks_of(stream: enc.Readable, size: int = 1 << 20) -> Iterator[bytes]:
    """The pieces :func:`sie.encoding.chunks` cuts the same bytes into, from a stream."""
    buffer = b""
    ended = False
    while True:
        stop = buffer.find(b"\n", size)
        while stop < 0 and not ended:
            block = stream.read(size)
            ended = not block
            buffer += block
            stop = buffer.find(b"\n", size)
        if stop < 0:
            if buffer:
                yield buffer
            return
        yield buffer[:stop]
        buffer = buffer[stop + 1 :]
        if not buffer:
            block = stream.read(size)
            if not block:
                return
            buffer = block


def _regular(status: os.stat_result, size: int) -> bool:
    """A regular file of ``size`` bytes: a pipe or a device cannot be read twice, and a
    file that changed since is not the one whose encoding was decided."""
    return stat.S_ISREG(status.st_mode) and status.st_size == size


class _Exactly:
    """At most ``size`` bytes of a stream: the bytes the encoding was decided from."""

    def __init__(self, stream: enc.Readable, size: int) -> None:
        self._stream, self._left = stream, size

    def read(self, size: int = -1, /) -> bytes:
        block = self._stream.read(self._left if size < 0 else min(size, self._left))
        self._left -= len(block)
        return block


def _read_at_most(stream: enc.Readable, limit: int | None) -> bytes:
    """Everything, or ``limit`` + 1 bytes at most (a raw stream may return less per read)."""
    if limit is None:
        return stream.read()
    parts: list[bytes] = []
    wanted = limit + 1
    while wanted > 0:
        block = stream.read(min(wanted, _CHUNK))  # never ask for a limit-sized buffer
        if not block:
            break
        parts.append(block)
        wanted -= len(block)
    return b"".join(parts)


class _Capped:
    """A stream that raises :class:`TooLarge` once more than ``limit`` bytes came from it."""

    def __init__(self, stream: enc.Readable, limit: int, done: int, file: str) -> None:
        self._stream, self._limit, self._done, self._file = stream, limit, done, file

    def read(self, size: int = -1, /) -> bytes:
        if size < 0:
            block = _read_at_most(self._stream, self._limit - self._done)
        else:
            block = self._stream.read(size)
        self._done += len(block)
        if self._done > self._limit:
            raise TooLarge(too_large(self._limit, self._file))
        return block


def _from_wide(data: bytes, codec: str, file: str) -> bytes:
    """A UTF-16/32 file's text as UTF-8 bytes (the reader works on bytes split at LF)."""
    try:
        return data.decode(codec).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotSie(_not_wide(codec, exc, file)) from None


def _not_wide(codec: str, exc: UnicodeDecodeError, file: str) -> Finding:
    return finding(
        "not-sie",
        f"the file starts with a {codec.upper()} byte-order mark but is not {codec.upper()} "
        f"text (byte {exc.start} is invalid); export it again, as CP437 (PC8)",
        0,
        file,
    )


def _head(data: bytes, codec: str) -> str:
    """The first 64 KiB of a file as text, for recognising what it is."""
    return data[:65536].decode(codec, errors="replace").lstrip("\ufeff")


def _check_sie(text: str, data: bytes, file: str) -> None:
    """Refuse garbage at once: empty, binary, or not starting with a SIE record."""
    if not text.strip():
        raise NotSie(finding("not-sie", "the file is empty: it holds no SIE records", 0, file))
    if b"\x00" in data[:8192]:
        raise NotSie(
            finding(
                "not-sie",
                "the file is binary (it contains NUL bytes), not a SIE text file",
                0,
                file,
            )
        )
    for number, line in enumerate(enc.lines(text[:65536]), 1):
        if not line.strip():
            continue
        if _LABEL_START.match(line) and (_KNOWN_FIRST.match(line) or "#FLAGGA" in text[:65536]):
            return
        shown = line.strip()[:60]
        raise NotSie(
            finding(
                "not-sie",
                f"this is not a SIE file: it starts with {shown!r}, a SIE file starts with "
                "#FLAGGA (check that you picked the exported .se/.si file, not a web page)",
                number,
                file,
            )
        )
    raise NotSie(finding("not-sie", "the file holds no SIE records", 0, file))


def _stream_lines(
    source: Source, name: str | None, findings: list[Finding], limit: int | None = None
) -> tuple[str, Iterator[str]]:
    """Decode a source piece by piece; the encoding is decided from its first megabytes.

    With ``limit``, more than ``limit`` bytes raise :class:`TooLarge` as soon as they are read.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        stream: enc.Readable = io.BytesIO(bytes(source))
        file = name or "<bytes>"
        owned = None
    elif isinstance(source, str | os.PathLike):
        owned = open(source, "rb")  # noqa: SIM115 - closed by the generator below
        stream = owned
        file = name or str(source)
    else:
        stream = source
        file = name or str(getattr(source, "name", "<stream>"))
        owned = None
    try:
        if limit is not None:
            stream = _Capped(stream, limit, 0, file)
        sample = _read_at_most(stream, STREAM_SAMPLE - 1)
        wide = enc.wide_codec(sample)
        if wide is not None:
            stream = enc.Transcoded(stream, wide, sample)
            try:
                sample = _read_at_most(stream, STREAM_SAMPLE - 1)
            except UnicodeDecodeError as exc:
                raise NotSie(_not_wide(wide, exc, file)) from None
        codec = "utf-8" if wide else enc.detect(sample)
        _check_sie(_head(sample, codec), sample, file)
    except BaseException:
        if owned is not None:
            owned.close()
        raise
    findings.append(enc.encoding_finding(wide or codec, file))

    def generate() -> Iterator[str]:
        try:
            yield from enc.decode_pieces(enc.stream_chunks(stream, sample), codec, findings, file)
        except UnicodeDecodeError as exc:  # only a wide encoding's stream raises this
            raise NotSie(_not_wide(wide or codec, exc, file)) from None
        finally:
            if owned is not None:
                owned.close()

    return file, generate()
