"""The writer's output side: one record at a time, fields rendered and checked.

:class:`Emitter` collects output lines, keeps the running ``#KSUMMA`` and reports
what a text could not carry (a character CP437 lacks, a control character, a
trailing backslash) or an amount that had to be rounded. The field helpers
(:func:`text`, :func:`token`, :func:`date`, …) say how each kind of field is
written: quoting through :mod:`sie.quoting`, dates through :mod:`sie.dates`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal

from sie import amounts, dates, quoting
from sie.checksum import update
from sie.findings import Finding, SieCode, finding
from sie.model import ObjectRef

#: Characters CP437 lacks that have an obvious stand-in; anything else becomes "?".
TRANSLITERATION: Mapping[str, str] = {
    "€": "EUR",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "–": "-",
    "—": "-",
    "‐": "-",
    "−": "-",
    "…": "...",
    "\u00ad": "",  # soft hyphen: invisible
    "\u200b": "",  # zero-width space: invisible
}
UNENCODABLE = "?"


# Field kinds: text (always quoted), token (bare when it can be), number/date
# (pre-formatted ASCII, never quoted), object list (items are (kind, value)).
TEXT, TOKEN, NUM, LIST = "t", "k", "n", "o"
FieldSpec = tuple[str, object] | None
#: Key in a record's problem map for a text ending in a backslash (never a character).
TRAILING = ""


class Unwritable(ValueError):
    """A value the format cannot express (a non-finite amount); the record is skipped."""


def date(day: dt.date | None) -> FieldSpec:
    if day is None:
        return None
    return (NUM, dates.to_sie(day))


def integer(value: int | None) -> FieldSpec:
    return None if value is None else (NUM, str(value))


def text(value: str) -> FieldSpec:
    """A mandatory text field: always written, ``""`` when empty."""
    return (TEXT, value)


def optional_text(value: str) -> FieldSpec:
    """An optional text field: absent when empty."""
    return (TEXT, value) if value else None


def token(value: str) -> FieldSpec:
    return (TOKEN, value)


def optional_token(value: str) -> FieldSpec:
    return (TOKEN, value) if value else None


def objects(refs: Iterable[ObjectRef]) -> FieldSpec:
    items: list[tuple[str, object]] = []
    for dim, obj in refs:
        items.append((NUM, str(dim)))
        items.append((TEXT, obj))
    return (LIST, items)


def number(value: Decimal, what: str) -> str:
    if not value.is_finite():
        raise Unwritable(f"{what} {value} is not a number")
    if value.is_zero():
        value = abs(value)
    return f"{value:f}"


class Emitter:
    """Collects output lines, the running checksum and findings."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: list[str] = []
        self.findings: list[Finding] = []
        self.crc: int | None = None

    def note(self, code: SieCode, message: str, line: int) -> None:
        self.findings.append(finding(code, message, line, self.file))

    def brace(self, brace: str) -> None:
        self.lines.append(brace)

    def amount(self, value: Decimal, label: str, source: int) -> FieldSpec:
        """A money amount with two decimals; more decimals are rounded and reported."""
        if not value.is_finite():
            raise Unwritable(f"the amount {value} is not a number")
        context = Context(prec=max(28, value.adjusted() + 4))
        rounded = value.quantize(amounts.CENT, rounding=ROUND_HALF_UP, context=context)
        if abs(rounded) >= amounts.LIMIT:  # no reader (ours included) takes it back
            raise Unwritable(f"the amount {value} is out of range ({amounts.RANGE_TEXT})")
        if rounded != value:
            self.note(
                "amount-rounded",
                f"{label}: amount {value} has more than two decimals; written as {rounded}"
                f"{source_note(source)} (round it in the source to choose otherwise)",
                len(self.lines) + 1,
            )
        return (NUM, number(rounded, "amount"))

    def quantity(self, value: Decimal | None) -> FieldSpec:
        return None if value is None else (NUM, number(value, "quantity"))

    def record(self, label: str, fields: Sequence[FieldSpec], source: int = 0) -> None:
        """Write one record; trailing absent fields are left out, inner ones written ``""``."""
        end = len(fields)
        while end and fields[end - 1] is None:
            end -= 1
        parts = [label]
        contents: list[str | tuple[str, ...]] = []
        problems: dict[str, str] = {}
        for spec in fields[:end]:
            if spec is None:
                parts.append('""')
                contents.append("")
                continue
            kind, value = spec
            if kind == LIST:
                rendered: list[str] = []
                items: list[str] = []
                for item_kind, item in value:  # type: ignore[attr-defined]
                    shown, content = self._render(item_kind, item, label, problems)
                    rendered.append(shown)
                    items.append(content)
                parts.append("{" + " ".join(rendered) + "}")
                contents.append(tuple(items))
            else:
                shown, content = self._render(kind, value, label, problems)  # type: ignore[arg-type]
                parts.append(shown)
                contents.append(content)
        line = len(self.lines) + 1
        self._report(problems, label, line, source)
        self.lines.append(" ".join(parts))
        if self.crc is not None:
            self.crc = update(self.crc, label, contents)

    def _render(
        self, kind: str, value: str, label: str, problems: dict[str, str]
    ) -> tuple[str, str]:
        """(as written, content a reader gets back) for one field."""
        if kind == NUM:
            return value, value
        value = _clean(value, problems)
        if kind == TOKEN and quoting.is_bare(value):
            return value, value
        if value.endswith("\\"):
            if quoting.is_bare(value):
                return value, value
            problems[TRAILING] = value
            value += " "
        return quoting.quote(value), value

    def _report(self, problems: dict[str, str], label: str, line: int, source: int) -> None:
        if not problems:
            return
        where = source_note(source)
        odd = {c: r for c, r in problems.items() if c and not _is_control(c)}
        controls = [c for c in problems if c and _is_control(c)]
        if odd:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X}) as {r!r}" for c, r in odd.items())
            self.note(
                "unencodable-char",
                f"{label}: CP437, the SIE character set, cannot hold {shown}{where}; "
                "change the text in the source if the replacement is not acceptable",
                line,
            )
        if controls:
            shown = ", ".join(f"U+{ord(c):04X}" for c in controls)
            self.note(
                "control-char",
                f"{label}: control character {shown} is not allowed in a SIE text; "
                f"written as a space{where}",
                line,
            )
        if TRAILING in problems:
            self.note(
                "trailing-backslash",
                f"{label}: the text {problems[TRAILING][:40]!r} ends in a backslash, which "
                "would read as an escaped quote; a space was added after it"
                f"{where} (remove the backslash in the source to avoid this)",
                line,
            )


def source_note(source: int) -> str:
    """`` (model line N)`` for a message about a model record, when its line is known."""
    return f" (model line {source})" if source else ""


def _is_control(char: str) -> bool:
    return ord(char) < 32 or ord(char) == 127


def _clean(value: str, problems: dict[str, str]) -> str:
    """``value`` with every character CP437 can hold and no control characters."""
    if value.isascii() and value.isprintable():
        return value
    try:
        value.encode("cp437")
    except UnicodeEncodeError:
        value = unicodedata.normalize("NFC", value)
    out: list[str] = []
    for char in value:
        if _is_control(char):
            problems[char] = " "
            out.append(" ")
            continue
        try:
            char.encode("cp437")
        except UnicodeEncodeError:
            replacement = TRANSLITERATION.get(char, UNENCODABLE)
            problems[char] = replacement
            out.append(replacement)
        else:
            out.append(char)
    return "".join(out)
