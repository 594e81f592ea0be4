"""Fault injection: what goes wrong with a real API, on purpose and reproducibly.

SPEC is a comma-separated list of ``KIND[:WHEN[:ARG]]`` items and an optional ``seed=N``:

* ``WHEN`` is a probability (``0.2``), ``always``, or ``@N`` — exactly the N-th request the
  fault applies to (1-based), so a test can say "the second voucher POST". Default: always.
* ``drop-after-commit[:WHEN[:vouchers|token|any]]`` — the request is carried out (the voucher
  is posted, the token rotated) but the answer never arrives: a real server cuts the
  connection, in-process the transport raises ``httpx.RemoteProtocolError``. Default target:
  voucher POSTs.
* ``500[:WHEN]`` — an API request answers 500 (``System exception``) without doing anything.
* ``slow[:WHEN[:DURATION]]`` — the answer waits DURATION (``2s``, ``500ms``, ``1.5``; default 1s).
* ``429-storm[:WHEN[:N]]`` — this and the next N-1 API requests answer 429 with no
  ``Retry-After`` (Fortnox may leave it out); default N = 5.
* ``expire-token[:WHEN]`` — the access token of an API request expires there and then (401).
* ``refresh-twice[:WHEN]`` — a refresh is processed twice: the client receives the first
  answer, whose refresh token the second processing already spent.

Example: ``drop-after-commit:0.2,slow:0.1:2s,429-storm:0.05:8,500:0.1,expire-token:@3,seed=7``.
The same spec and seed fire on the same requests in the same order.
"""

from __future__ import annotations

import random
import threading

import attrs

KINDS = ("drop-after-commit", "500", "slow", "429-storm", "expire-token", "refresh-twice")
DROP_TARGETS = ("vouchers", "token", "any")


class FaultSpecError(ValueError):
    """A fault SPEC that cannot be understood; the message says which item and why."""


@attrs.define
class Rule:
    kind: str
    probability: float | None = 1.0
    nth: int | None = None
    arg: str = ""
    seen: int = 0

    def duration(self) -> float:
        return _duration(self.arg or "1s")

    def storm(self) -> int:
        return int(self.arg or "5")


@attrs.define
class Fired:
    kind: str
    method: str
    path: str


class Faults:
    """Parsed rules with one seeded random stream; ``fired`` records every fault that fired."""

    def __init__(self, rules: list[Rule] | None = None, seed: int = 0) -> None:
        self.rules = rules or []
        self.seed = seed
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.fired: list[Fired] = []
        self.storm_left = 0

    @classmethod
    def parse(cls, spec: str | None) -> Faults:
        rules: list[Rule] = []
        seed = 0
        for item in (spec or "").split(","):
            item = item.strip()
            if not item:
                continue
            if item.startswith("seed="):
                value = item.removeprefix("seed=")
                if not value.isdigit():
                    raise FaultSpecError(f"fault spec {item!r}: the seed must be a whole number")
                seed = int(value)
                continue
            rules.append(_rule(item))
        return cls(rules, seed)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def roll(self, kind: str, method: str, path: str, target: str = "") -> Rule | None:
        """Whether a fault of ``kind`` fires for this request (each applicable rule counts it)."""
        with self._lock:
            hit = None
            for rule in self.rules:
                if rule.kind != kind or (kind == "drop-after-commit" and not _aims(rule, target)):
                    continue
                rule.seen += 1
                if rule.nth is not None:
                    fires = rule.seen == rule.nth
                else:
                    fires = self._random.random() < (rule.probability or 0.0)
                if fires and hit is None:
                    hit = rule
            if hit is not None:
                self.fired.append(Fired(kind, method, path))
            return hit

    def in_storm(self, method: str, path: str) -> bool:
        """A 429 storm in progress, or one starting with this request."""
        with self._lock:
            if self.storm_left > 0:
                self.storm_left -= 1
                self.fired.append(Fired("429-storm", method, path))
                return True
        rule = self.roll("429-storm", method, path)
        if rule is None:
            return False
        with self._lock:
            self.storm_left = rule.storm() - 1
        return True

    def count(self, kind: str) -> int:
        return sum(1 for f in self.fired if f.kind == kind)


def _aims(rule: Rule, target: str) -> bool:
    wanted = rule.arg or "vouchers"
    return wanted == "any" or wanted == target


def _rule(item: str) -> Rule:
    kind, _, rest = item.partition(":")
    when, _, arg = rest.partition(":")
    if kind not in KINDS:
        raise FaultSpecError(f"fault spec {item!r}: unknown kind {kind!r}; use one of {KINDS}")
    rule = Rule(kind, arg=arg)
    if when in ("", "always"):
        rule.probability = 1.0
    elif when.startswith("@"):
        if not when[1:].isdigit() or int(when[1:]) < 1:
            raise FaultSpecError(f"fault spec {item!r}: @N needs a request number from 1")
        rule.nth, rule.probability = int(when[1:]), None
    else:
        try:
            rule.probability = float(when)
        except ValueError:
            raise FaultSpecError(
                f"fault spec {item!r}: {when!r} is no probability, 'always' or @N"
            ) from None
        if not 0.0 <= rule.probability <= 1.0:
            raise FaultSpecError(f"fault spec {item!r}: a probability lies between 0 and 1")
    if kind == "slow":
        try:
            _duration(arg or "1s")
        except ValueError:
            raise FaultSpecError(
                f"fault spec {item!r}: {arg!r} is no duration (2s, 500ms)"
            ) from None
    if kind == "429-storm" and arg and (not arg.isdigit() or int(arg) < 1):
        raise FaultSpecError(f"fault spec {item!r}: the storm length must be a count from 1")
    if kind == "drop-after-commit" and arg and arg not in DROP_TARGETS:
        raise FaultSpecError(f"fault spec {item!r}: drop target must be one of {DROP_TARGETS}")
    if kind not in ("slow", "429-storm", "drop-after-commit") and arg:
        raise FaultSpecError(f"fault spec {item!r}: {kind} takes no third part")
    return rule


def _duration(text: str) -> float:
    if text.endswith("ms"):
        return float(text[:-2]) / 1000
    if text.endswith("s"):
        return float(text[:-1])
    return float(text)
