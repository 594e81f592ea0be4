"""Financial-year spans as text and JSON: the one home for how a year is shown.

A ``#RAR`` year may lack its dates (4I files), so every function takes
``None`` parts and says ``?`` (text) or ``null`` (JSON) for them.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol


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


def start_of(year: Span) -> dt.date:
    """The first day of a financial year; a twelve-month year when the file omits it
    (4I files may give only the end). The end must be known."""
    if year.start is not None:
        return year.start
    if year.end is None:
        raise ValueError("a financial year without an end date has no start either")
    end = year.end
    return (dt.date(end.year - 1, end.month, 1) + dt.timedelta(days=32)).replace(day=1)


def months_of(year: Span) -> int:
    """Length of a financial year in months (its start assumed as :func:`start_of` does)."""
    if year.end is None:
        raise ValueError("a financial year without an end date has no length")
    return months(start_of(year), year.end)


__all__ = [
    "UNKNOWN",
    "Span",
    "iso",
    "months",
    "months_of",
    "span_json",
    "span_text",
    "start_of",
    "year_label",
]
