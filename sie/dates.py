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


__all__ = ["UNKNOWN", "Span", "iso", "months", "span_json", "span_text", "year_label"]
