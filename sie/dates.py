"""Dates: SIE's ``YYYYMMDD`` fields and financial-year spans as text and JSON.

The one home for how a date is read from and written to a SIE file
(:func:`from_sie`, :func:`to_sie`) and how a year is shown. A ``#RAR`` year may
lack its dates (4I files), so the span functions take ``None`` parts and say
``?`` (text) or ``null`` (JSON) for them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Protocol

#: A SIE date field: exactly eight ASCII digits (``\d`` would take any script's digits).
SIE_DATE = re.compile(r"[0-9]{8}")


def is_sie_date(text: str) -> bool:
    """Whether ``text`` has the shape of a SIE date (``YYYYMMDD``, ASCII digits)."""
    return SIE_DATE.fullmatch(text) is not None


def from_sie(text: str) -> dt.date:
    """``20251231`` -> ``date(2025, 12, 31)``; ``ValueError`` for any other shape or a
    day the calendar does not have."""
    if not is_sie_date(text):
        raise ValueError(f"{text!r} is not a date YYYYMMDD")
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def to_sie(day: dt.date) -> str:
    """``date(2025, 12, 31)`` -> ``20251231``, as SIE writes dates."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


class Span(Protocol):
    """Anything with optional start and end dates (``sie.model.FinancialYear``)."""

    @property
    def start(self) -> dt.date | None: ...

    @property
    def end(self) -> dt.date | None: ...


#: Shown for a missing date.
UNKNOWN = "?"


def iso(day: dt.date | None) -> str | None:
    """``2025-12-31``; ``None`` stays ``None`` (JSON ``null``)."""
    return None if day is None else day.isoformat()


def span_text(year: Span | None, *, separator: str = " – ") -> str:
    """``2025-01-01 – 2025-12-31`` with ``?`` for a missing date."""
    if year is None:
        return UNKNOWN
    return f"{iso(year.start) or UNKNOWN}{separator}{iso(year.end) or UNKNOWN}"


def span_json(year: Span | None) -> dict[str, str | None]:
    """``{"start": "2025-01-01", "end": "2025-12-31"}``, ``null`` for a missing date."""
    if year is None:
        return {"start": None, "end": None}
    return {"start": iso(year.start), "end": iso(year.end)}


def year_label(start: dt.date, end: dt.date) -> str:
    """``2025`` for a year within one calendar year, ``2024/2025`` for a broken one."""
    return str(end.year) if start.year == end.year else f"{start.year}/{end.year}"


def months(start: dt.date, end: dt.date) -> int:
    """Calendar months a financial year touches: 12 for a calendar year, 18 for an
    extended first year (financial years start on the first and end on the last day
    of a month)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def months_later(day: dt.date, count: int) -> dt.date:
    """The same day ``count`` months later (the month's last day when it is shorter);
    ``datetime.date.max`` when that lies beyond the calendar's last year (9999), so
    that a date from a file (``#RAR 0 99990101 99991231``) never makes it raise."""
    month = day.month - 1 + count
    year, month = day.year + month // 12, month % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def longer_than(start: dt.date, end: dt.date, count: int) -> bool:
    """Whether the days ``start``–``end`` (both included) span more than ``count`` months:
    ``end`` reaches the same day ``count`` months after ``start``."""
    month = start.month - 1 + count
    year = start.year + month // 12
    return year <= dt.MAXYEAR and end >= months_later(start, count)


def start_of(year: Span) -> dt.date:
    """The first day of a financial year; a twelve-month year when the file omits it
    (4I files may give only the end). The end must be known."""
    if year.start is not None:
        return year.start
    if year.end is None:
        raise ValueError("a financial year without an end date has no start either")
    end = year.end
    first_year, first_month = end.year - 1, end.month + 1  # the month after, a year before
    if first_month == 13:
        first_year, first_month = end.year, 1
    if first_year < dt.MINYEAR:  # a file's year 1: the calendar has no year 0
        return dt.date.min
    return dt.date(first_year, first_month, 1)


def months_of(year: Span) -> int:
    """Length of a financial year in months (its start assumed as :func:`start_of` does)."""
    if year.end is None:
        raise ValueError("a financial year without an end date has no length")
    return months(start_of(year), year.end)


__all__ = [
    "SIE_DATE",
    "UNKNOWN",
    "Span",
    "from_sie",
    "is_sie_date",
    "iso",
    "longer_than",
    "months",
    "months_later",
    "months_of",
    "span_json",
    "span_text",
    "start_of",
    "to_sie",
    "year_label",
]
