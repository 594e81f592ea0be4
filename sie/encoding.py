"""Which character encoding a SIE file is really in, and repairs of mixed files.

SIE mandates CP437 (``#FORMAT PC8``) and nearly every real file is CP437, but
some are UTF-8 (with or without BOM) or Windows-1252, and several vendors' CP437
files contain isolated Latin-1 bytes (``Å`` as 0xC5 next to a CP437 ``å``).
We decide from byte statistics of Swedish letters, use chardet as the
tie-breaker, and repair isolated Latin-1 letters inside CP437 text, reporting
every repair.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

import attrs

from sie.findings import Finding, finding

UTF8_BOM = b"\xef\xbb\xbf"
#: Byte-order marks of the wide Unicode encodings, longest first (a UTF-32 LE mark
#: begins with the UTF-16 LE one), and the codec that reads each.
WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class Readable(Protocol):
    """What the stream readers need of a binary stream."""

    def read(self, size: int = -1, /) -> bytes: ...


def wide_codec(data: bytes) -> str | None:
    """``"utf-16"`` or ``"utf-32"`` when ``data`` starts with that encoding's byte-order
    mark (such files hold NUL bytes, but are text), else ``None``."""
    for bom, codec in WIDE_BOMS:
        if data.startswith(bom):
            return codec
    return None


class Transcoded:
    """A stream in a wide Unicode encoding read as UTF-8 bytes, so that the rest of the
    reader (which splits bytes at LF) works on it unchanged. Bytes that are not valid
    in the encoding raise ``UnicodeDecodeError``."""

    def __init__(self, stream: Readable, codec: str, first: bytes = b"") -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder(codec)()
        self._first = first

    def read(self, size: int = -1, /) -> bytes:
        while True:
            if self._first:
                raw, self._first = self._first, b""
            else:
                raw = self._stream.read(size)
            text = self._decoder.decode(raw, final=not raw)
            if text or not raw:
                return text.encode("utf-8")


# Swedish (and common) letters: their byte in CP437 and in Latin-1/Windows-1252.
_LETTERS = "åäöÅÄÖéü"
_CP437_BYTES = bytes(_LETTERS.encode("cp437"))
_LATIN1_BYTES = bytes(_LETTERS.encode("latin-1"))

#: A Latin-1 letter's byte read as CP437 (e.g. 0xC5 -> '┼') -> the letter meant ('Å').
REPAIRS: dict[str, str] = {
    bytes([b]).decode("cp437"): bytes([b]).decode("latin-1") for b in _LATIN1_BYTES
}
_REPAIR_RE = re.compile("[" + "".join(REPAIRS) + "]")
# Box drawing next to a candidate means real box drawing, not a misread letter.
_GRAPHIC_RE = re.compile(
    "[" + "".join(c for c in map(chr, range(0x2500, 0x25A0)) if c not in REPAIRS) + "]"
)
_ASCII = bytes(range(128))
_NOT_LATIN1_LETTERS = bytes(b for b in range(256) if b not in _LATIN1_BYTES)


def has_latin1_letters(data: bytes) -> bool:
    """Whether any byte could be a Latin-1 letter needing repair in CP437 text."""
    return bool(data.translate(None, _NOT_LATIN1_LETTERS))


@attrs.frozen(slots=True)
class Decoded:
    """The text of a file, the codec used and what was noticed doing it."""

    text: str
    encoding: str
    findings: tuple[Finding, ...] = ()


def detect(data: bytes) -> str:
    """Python codec name for ``data``: cp437, utf-8, utf-8-sig, cp1252 or latin-1."""
    if data.startswith(UTF8_BOM):
        return "utf-8-sig"
    high = data.translate(None, _ASCII)
    if not high:
        return "cp437"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    cp437_votes = sum(high.count(b) for b in _CP437_BYTES)
    latin_votes = sum(high.count(b) for b in _LATIN1_BYTES)
    if cp437_votes > latin_votes:
        return "cp437"
    if latin_votes > cp437_votes:
        return _windows_or_latin(data)
    import chardet  # here: only ambiguous files need it, and it costs 7 MB to import

    guess = chardet.detect(high[:65536] if len(high) > 65536 else data[:262144])
    name = (guess.get("encoding") or "").lower()
    if name in {"windows-1252", "iso-8859-1", "iso-8859-15", "latin-1"}:
        return _windows_or_latin(data)
    return "cp437"


def _windows_or_latin(data: bytes) -> str:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def decode(data: bytes, file: str = "") -> Decoded:
    """Decode a whole file, repairing isolated Latin-1 letters in CP437 text."""
    encoding = detect(data)
    text = data.decode(encoding)
    notes: list[Finding] = [encoding_finding(encoding, file)]
    if encoding == "cp437" and _REPAIR_RE.search(text):
        text, repairs = repair(text, file)
        notes.extend(repairs)
    return Decoded(text, encoding, tuple(notes))


def encoding_finding(encoding: str, file: str) -> Finding:
    if encoding == "cp437":
        return finding("encoding", "decoded as CP437 (#FORMAT PC8)", 0, file)
    if encoding in ("utf-16", "utf-32"):
        return finding(
            "encoding-declared",
            f"the file is {encoding.upper()} (it starts with a {encoding.upper()} byte-order "
            f"mark), not CP437 as SIE requires; read as {encoding.upper()}. Many programs "
            "cannot read such a file: ask the exporting program for a CP437 (PC8) export",
            0,
            file,
        )
    return finding(
        "encoding-declared",
        f"the file is {encoding.upper()}, not CP437 as SIE requires; read as {encoding.upper()}. "
        "Ask the exporting program for a CP437 (PC8) export, or keep this reading if the "
        "Swedish letters look right",
        0,
        file,
    )


def repair(text: str, file: str = "", first_line: int = 1) -> tuple[str, list[Finding]]:
    """Replace Latin-1 letters misread as CP437 graphics, one finding per repair."""
    notes: list[Finding] = []
    pieces: list[str] = []
    last = 0
    line = first_line
    counted_to = 0
    for match in _REPAIR_RE.finditer(text):
        pos = match.start()
        before = text[pos - 1 : pos]
        after = text[pos + 1 : pos + 2]
        if _GRAPHIC_RE.match(before) or _GRAPHIC_RE.match(after):
            continue  # a run of box drawing or maths symbols is meant as such
        line += text.count("\n", counted_to, pos)
        counted_to = pos
        wrong = match.group()
        right = REPAIRS[wrong]
        byte = wrong.encode("cp437")[0]
        pieces.append(text[last:pos])
        pieces.append(right)
        last = pos + 1
        notes.append(
            finding(
                "encoding-repair",
                f"byte 0x{byte:02X} is Latin-1 '{right}' inside CP437 text (CP437 would be "
                f"'{wrong}'); read as '{right}'",
                line,
                file,
            )
        )
    if not notes:
        return text, notes
    pieces.append(text[last:])
    return "".join(pieces), notes


def chunks(data: bytes, size: int = 1 << 20) -> Iterator[memoryview]:
    """``data`` in pieces of about ``size`` bytes, each ending just before a LF."""
    view = memoryview(data)
    end = len(data)
    pos = 0
    while pos < end:
        stop = data.find(b"\n", pos + size)
        if stop < 0:
            stop = end
        yield view[pos:stop]
        pos = stop + 1


def stream_chunks(stream: Readable, first: bytes = b"", size: int = 1 << 20) -> Iterator[bytes]:
    """Pieces of a binary stream, each ending just before a LF (``first`` was read already)."""
    pending = first
    while True:
        block = stream.read(size)
        if not block:
            break
        pending += block
        cut = pending.rfind(b"\n")
        if cut < 0:
            continue
        yield pending[:cut]
        pending = pending[cut + 1 :]
    if pending:
        yield pending


class RepairedText(str):
    """A decoded piece in which Latin-1 letters were repaired. ``original`` is the piece
    as decoded before the repairs, of the same length (a repair puts one character for
    one): a ``#KSUMMA`` was computed over the file's own bytes, so the reader checks
    it against ``original``."""

    original: str

    def __new__(cls, text: str, original: str) -> RepairedText:
        piece = super().__new__(cls, text)
        piece.original = original
        return piece


def decode_pieces(
    pieces: Iterable[bytes | memoryview],
    codec: str,
    findings: list[Finding],
    file: str = "",
    progress: Callable[[int], None] | None = None,
    repairs: bool = True,
) -> Iterator[str]:
    """Decode pieces that end at line breaks; yield each as text of whole lines.

    Whole pieces rather than single lines: the reader can then match a voucher
    block of several lines at once (see :func:`piece_lines` for plain lines).

    Never holds more than one piece as text; repairs isolated Latin-1 letters in
    CP437 text (reported in ``findings``), drops a final DOS end-of-file mark,
    and treats a lone CR as a line break in files that have no LF at all.
    ``repairs=False`` skips looking for letters to repair (the caller knows the
    bytes hold none: see :func:`has_latin1_letters`).
    """
    line = 1
    first = True
    done = 0
    for piece in pieces:
        done += len(piece) + 1
        try:
            text = str(piece, codec)
        except UnicodeDecodeError as exc:  # a stream whose first megabytes misled us
            text = str(piece, codec, errors="replace")
            findings.append(
                finding(
                    "encoding-invalid",
                    f"bytes that are not {codec.upper()} (the encoding the start of the file "
                    f"is in), e.g. 0x{exc.object[exc.start]:02X}, were replaced by \ufffd; "
                    "export the file again in one encoding",
                    line + bytes(piece[: exc.start]).count(b"\n"),
                    file,
                )
            )
        if first:
            first = False
            if text.startswith("\ufeff"):
                text = text[1:]
            if "\n" not in text and "\r" in text:
                text = text.replace("\r", "\n")
        stripped = text.rstrip("\r\n \t")
        if stripped.endswith("\x1a"):
            text = stripped.rstrip("\x1a")
            where = line + text.count("\n")
            findings.append(
                finding("ctrl-z", "a DOS end-of-file mark (Ctrl-Z) was dropped", where, file)
            )
        if repairs and codec == "cp437" and _REPAIR_RE.search(text):
            fixed, repaired = repair(text, file, line)
            if repaired:
                findings.extend(repaired)
                text = RepairedText(fixed, text)
        line += text.count("\n") + 1
        yield text
        if progress is not None:
            progress(done)


def piece_lines(pieces: Iterable[str]) -> Iterator[str]:
    """The lines of decoded pieces, one by one."""
    for text in pieces:
        yield from text.split("\n")


def lines(text: str, chunk: int = 1 << 20) -> Iterator[str]:
    """Lines of ``text`` split on LF (a CR before it stays and counts as blank space).

    Splits a megabyte at a time: as fast as ``str.split`` without a second copy
    of a large file in memory. A file that uses CR alone (old Mac) is split on CR.
    """
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    size = len(text)
    if text.endswith("\n"):
        size -= 1
    pos = 0
    while pos < size:
        end = text.find("\n", pos + chunk)
        if end < 0 or end > size:
            end = size
        yield from text[pos:end].split("\n")
        pos = end + 1
