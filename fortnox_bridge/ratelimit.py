"""Client-side sliding window: at most 25 requests in any 5 seconds per (client id, tenant).

Fortnox enforces exactly this window and answers 429 above it; pacing ourselves costs the same
time as being refused and saves the retries. The clock and sleep are injectable so tests can
check the pacing without waiting. One limiter is shared by all clients of a process
(:data:`shared`); separate processes still meet Fortnox's 429, which the client retries for reads.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable

LIMIT = 25
PERIOD = 5.0


class SlidingWindow:
    """Blocks in :meth:`acquire` until a request fits the window for its key."""

    def __init__(
        self,
        limit: int = LIMIT,
        period: float = PERIOD,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("a window needs limit >= 1 and period > 0")
        self.limit = limit
        self.period = period
        self.clock = clock
        self.sleep = sleep
        self._sent: dict[Hashable, deque[float]] = {}
        self._mutex = threading.Lock()
        #: Seconds spent waiting, for reports and benchmarks.
        self.waited = 0.0

    def delay(self, key: Hashable) -> float:
        """Seconds until a request for ``key`` would fit (0 when it fits now)."""
        with self._mutex:
            return self._delay(key, self.clock())

    def _delay(self, key: Hashable, now: float) -> float:
        sent = self._sent.setdefault(key, deque())
        while sent and sent[0] <= now - self.period:
            sent.popleft()
        if len(sent) < self.limit:
            return 0.0
        return sent[0] + self.period - now

    def acquire(self, key: Hashable) -> float:
        """Wait for room, then count one request for ``key`` now.

        Returns the time stamp recorded, to hand to :meth:`complete` when the answer arrives.
        """
        waited = 0.0
        while True:
            with self._mutex:
                now = self.clock()
                wait = self._delay(key, now)
                if wait <= 0:
                    self._sent[key].append(now)
                    self.waited += waited
                    return now
            self.sleep(wait)
            waited += wait

    def complete(self, key: Hashable, stamp: float) -> None:
        """Move a request's entry from its send time to now, when its answer has arrived.

        Fortnox counts a request when it arrives, somewhere between our send and the answer;
        counting from the answer keeps network delay from ever squeezing 26 into its window.
        """
        with self._mutex:
            sent = self._sent.get(key)
            if not sent:
                return
            try:
                sent.remove(stamp)
            except ValueError:
                return
            sent.append(self.clock())
            if len(sent) > 1 and sent[-2] > sent[-1]:
                self._sent[key] = deque(sorted(sent))

    def penalise(self, key: Hashable, seconds: float) -> None:
        """After a 429: treat the window as full for ``seconds`` so other threads wait too."""
        with self._mutex:
            now = self.clock()
            self._sent[key] = deque([now + seconds - self.period] * self.limit)


#: The limiter every :class:`~fortnox_bridge.client.FortnoxClient` uses unless given another.
shared = SlidingWindow()
