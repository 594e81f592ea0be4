"""Time for the sandbox: the real clock by default, a manual one for tests.

Everything that expires (codes, tokens) or counts (the rate limit) reads the time
through one callable, so a test moves the clock instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

Now = Callable[[], float]


class ManualClock:
    """A clock that only moves when told: ``clock.advance(3601)`` expires an access token.

    Usable as the sandbox's ``now`` and as its ``sleep`` (sleeping advances the clock).
    """

    def __init__(self, start: float | dt.datetime = 1767225600.0) -> None:  # 2026-01-01 UTC
        if isinstance(start, dt.datetime):
            start = start.timestamp()
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds

    sleep = advance

    def __repr__(self) -> str:
        return f"ManualClock({self._now!r})"


def real_now() -> float:
    return time.time()


def today(now: Now) -> dt.date:
    """The calendar day in Sweden's time zone offset is not modelled: UTC is used."""
    return dt.datetime.fromtimestamp(now(), tz=dt.UTC).date()
