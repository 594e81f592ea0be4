"""Field values of SIE records -> Python values; one error type for a field that cannot be read.

A field that cannot be read raises :class:`BadField` (``bad-field``), a mandatory
one that is absent its subclass :class:`MissingField` (``missing-field``); the
record handler lets either skip the record, and the builder reports it.
Number fields are ASCII digits only: ``\\d`` would take any script's digits, and
Python's ``int()``/``str.strip()`` disagree on which control characters are blank
space (0x1C–0x1F), so a field is matched whole and converted from its match alone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

from sie import amounts, dates, quoting
from sie.findings import Severity, SieCode
from sie.model import ObjectRef
from sie.syntax import Field, item_pattern

_AMOUNT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_AMOUNT_COMMA = re.compile(r"-?[0-9]+,[0-9]+")
_INT = re.compile(r"-?[0-9]+")
_PERIOD = re.compile(r"[0-9]{6}")
# An integer field as written, with the blank space (spaces, tabs) a quoted one may hold;
# at most 18 significant digits (Python's int() refuses texts of over 4 300 digits).
_INT_FIELD = re.compile(r"[ \t]*(-?)0*([0-9]{1,18})[ \t]*")

#: ``report(code, message, line, severity)``: how a reader of fields tells what it noticed.
Report = Callable[[SieCode, str, int, Severity | None], None]


class BadField(ValueError):
    """A field value that cannot be read; the record is skipped and reported."""

    code = "bad-field"


class MissingField(BadField):
    """A mandatory field is absent; the record is skipped and reported."""

    code = "missing-field"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is missing")


def need(fields: tuple[Field, ...], index: int, what: str) -> Field:
    """Field ``index``, which the record must have."""
    if len(fields) <= index:
        raise MissingField(what)
    return fields[index]


def text(value: Field, what: str) -> str:
    """A text field (an object list there is a bad field)."""
    if isinstance(value, tuple):
        raise BadField(f"{what} is an object list {{…}} where text was expected")
    return value


def required_text(fields: tuple[Field, ...], index: int, what: str) -> str:
    """Text field ``index``, which the record must have."""
    return text(need(fields, index, what), what)


def optional_text(fields: tuple[Field, ...], index: int, what: str) -> str:
    """Text field ``index``, ``""`` when the record ends before it."""
    return text(fields[index], what) if len(fields) > index else ""


def integer(value: Field, what: str) -> int:
    """A whole number of at most 18 digits (blank space around it allowed)."""
    match = _INT_FIELD.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise BadField(f"{what} {shown(value)} is not a whole number (at most 18 digits)")
    return int(match.group(1) + match.group(2))


def required_integer(fields: tuple[Field, ...], index: int, what: str) -> int:
    """Whole-number field ``index``, which the record must have."""
    return integer(need(fields, index, what), what)


def date(value: str, what: str) -> dt.date:
    """A date ``YYYYMMDD`` that the calendar has."""
    if not dates.is_sie_date(value):
        raise BadField(f"{what} {shown(value)} is not a date YYYYMMDD")
    try:
        return dates.from_sie(value)
    except ValueError:
        raise BadField(f"{what} {value!r} is not a valid calendar date") from None


def period(value: str) -> tuple[int, int]:
    """A period ``YYYYMM`` as ``(year, month)``."""
    if not _PERIOD.fullmatch(value) or not 1 <= int(value[4:]) <= 12:
        raise BadField(f"period {shown(value)} is not YYYYMM")
    return int(value[:4]), int(value[4:])


def is_comma_amount(value: Field) -> bool:
    """Whether ``value`` is an amount written with a decimal comma (``-12,50``)."""
    return isinstance(value, str) and _AMOUNT_COMMA.fullmatch(value) is not None


def amount(value: Field, what: str = "amount") -> Decimal:
    """An amount ``-1234.50`` within :data:`sie.amounts.RANGE_TEXT`; a decimal comma
    is read as a point (:func:`is_comma_amount` tells the caller, who reports it)."""
    if isinstance(value, str):
        if _AMOUNT.fullmatch(value):
            return _in_range(Decimal(value), value, what)
        if _AMOUNT_COMMA.fullmatch(value):
            return _in_range(Decimal(value.replace(",", ".")), value, what)
    raise BadField(f"{what} {shown(value)} is not a number like -1234.50")


def object_items(raw: str) -> tuple[str, ...] | None:
    """The items of an object list's raw text (between the braces), or ``None`` when
    the plain reading does not hold (a quote left open, an odd count, a dimension that
    is not a number): the line path then reads and reports it."""
    items = []
    for token in item_pattern().findall(raw):
        if token[0] == '"':
            token, closed = quoting.unquote(token)
            if not closed:
                return None
        items.append(token)
    if len(items) % 2 or not all(_INT.fullmatch(d) for d in items[::2]):
        return None
    return tuple(items)


def shown(value: Field, limit: int = 40) -> str:
    """A field value for a message: quoted, escaped, and shortened when long
    (a 5 000-digit amount is told by its length, not shown)."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value)} characters)"
    return repr(value)


def _in_range(value: Decimal, raw: str, what: str) -> Decimal:
    """``value`` when :func:`sie.amounts.check_range` accepts it, else :class:`BadField`."""
    try:
        return amounts.check_range(value)
    except amounts.InvalidAmount:
        raise BadField(f"{what} {shown(raw)} is out of range ({amounts.RANGE_TEXT})") from None


class FieldReader:
    """Reads the fields of one file: remembers what repeats (dates, object lists),
    which keeps time and memory down on large files, and reports what it reads with
    a remark (a decimal comma, an object list with an odd item)."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.dates: dict[str, dt.date] = {}
        self.object_lists: dict[tuple[str, ...], tuple[ObjectRef, ...]] = {(): ()}

    def date(self, value: str, what: str) -> dt.date:
        known = self.dates.get(value)
        if known is None:
            known = self.dates[value] = date(value, what)
        return known

    def date_or_none(self, value: str) -> dt.date | None:
        """The date, or ``None`` when it is not one (the fast path then steps aside)."""
        known = self.dates.get(value)
        if known is not None:
            return known
        try:
            return self.date(value, "date")
        except BadField:
            return None

    def optional_date(self, fields: tuple[Field, ...], index: int, what: str) -> dt.date | None:
        """Date field ``index``; ``None`` when absent or empty."""
        value = optional_text(fields, index, what)
        return self.date(value, what) if value else None

    def amount(self, value: Field, what: str, line: int) -> Decimal:
        result = amount(value, what)
        if isinstance(value, str) and "," in value:  # accepted above: a decimal comma
            point = value.replace(",", ".")
            self.report(
                "amount-comma",
                f"{what} {value!r} uses a decimal comma; read as {point}",
                line,
                None,
            )
        return result

    def required_amount(self, fields: tuple[Field, ...], index: int, line: int) -> Decimal:
        """Amount field ``index``, which the record must have."""
        return self.amount(need(fields, index, "amount"), "amount", line)

    def optional_amount(
        self, fields: tuple[Field, ...], index: int, what: str, line: int
    ) -> Decimal | None:
        """Amount field ``index``; ``None`` when absent or empty."""
        if len(fields) <= index or fields[index] == "":
            return None
        return self.amount(fields[index], what, line)

    def objects(self, items: tuple[str, ...], line: int) -> tuple[ObjectRef, ...]:
        """An object list's ``(dimension, object)`` pairs; an odd last item is reported
        and ignored."""
        known = self.object_lists.get(items)
        if known is not None:
            return known
        if len(items) % 2:
            self.report(
                "bad-field",
                f"object list {{{' '.join(items)}}} has an odd number of items; "
                f"the last item {items[-1]!r} was ignored",
                line,
                None,
            )
        pairs: list[ObjectRef] = []
        for i in range(0, len(items) - 1, 2):
            pairs.append((integer(items[i], "dimension number"), items[i + 1]))
        known = self.object_lists[items] = tuple(pairs)
        return known
