"""Fortnox's rate limit: a sliding window of 25 requests per 5 seconds per client and tenant.

Requests over the limit are answered 429 and do not count; ``retry_after`` says when the
oldest counted request leaves the window.
"""

from __future__ import annotations

import math
import re
import threading
from collections import deque

from fortnox_bridge.sandbox.clock import Now

DEFAULT = (25, 5.0)


class SlidingWindow:
    def __init__(self, limit: int, seconds: float, now: Now) -> None:
        if limit < 1 or seconds <= 0:
            raise ValueError("a rate limit needs at least one request per positive time span")
        self.limit = limit
        self.seconds = seconds
        self.now = now
        self._hits: dict[tuple[str, int], deque[float]] = {}
        self._lock = threading.Lock()
        self.rejected = 0

    def __repr__(self) -> str:
        return f"SlidingWindow({self.limit}/{self.seconds:g}s)"

    def hit(self, key: tuple[str, int]) -> int | None:
        """Count a request; ``None`` when allowed, else the seconds to wait (at least 1)."""
        with self._lock:
            now = self.now()
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.seconds:
                hits.popleft()
            if len(hits) >= self.limit:
                self.rejected += 1
                return max(1, math.ceil(hits[0] + self.seconds - now))
            hits.append(now)
            return None


def parse(text: str) -> tuple[int, float] | None:
    """``"25/5"``, ``"25/5s"`` or ``"off"`` (the command line's ``--rate-limit``)."""
    if text.strip().lower() == "off":
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*", text)
    if match is None or int(match[1]) < 1 or float(match[2]) <= 0:
        raise ValueError(f"rate limit {text!r}: write N/SECONDS (e.g. 25/5) or off")
    return int(match[1]), float(match[2])
