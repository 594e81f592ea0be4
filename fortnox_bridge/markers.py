"""Stable markers that make posting a closing idempotent.

Fortnox has no idempotency key and vouchers can be neither changed nor
deleted, so every closing voucher carries its own identity: a short marker at
the end of ``Description`` and the full fingerprint in ``Comments``.

The marker names the *slot* — tenant, financial year, the closing (company,
date, series, revision) and which voucher of it (its text, numbered when a
text repeats) — not the amounts. That is deliberate: when the closing is
computed again with other figures, the same slot gets the same marker but a
different content hash, and the run stops and says a reversal is needed
instead of quietly posting a second closing next to the first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence

import attrs

from fortnox_bridge.mapping import VoucherValue

PREFIX = "bks"
#: `` [bks:0123456789]`` at the end of the description.
MARKER_RE = re.compile(r"\[" + PREFIX + r":([0-9a-f]{10})\]\s*$")
FINGERPRINT_RE = re.compile(
    r"sie-bokslut closing (?P<closing>[0-9a-f]{16}) voucher (?P<marker>[0-9a-f]{10}) "
    r"content (?P<content>[0-9a-f]{64})"
)
#: Characters the marker adds to a description (space included).
MARKER_LENGTH = len(f" [{PREFIX}:0123456789]")


def _hash(*parts: object) -> str:
    text = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@attrs.frozen(slots=True)
class Closing:
    """What identifies one closing in one Fortnox company."""

    tenant: str
    financial_year: int
    orgnr: str
    date: dt.date
    series: str
    #: Raise after reversing a posted closing in Fortnox to post a corrected one.
    revision: int = 1

    @property
    def id(self) -> str:
        return _hash(
            "closing",
            self.tenant,
            self.financial_year,
            self.orgnr,
            self.date.isoformat(),
            self.series,
            self.revision,
        )[:16]


def content_hash(value: VoucherValue) -> str:
    """sha256 of what the voucher books (series, date, text, rows), marker excluded."""
    rows = [(r.account, f"{r.amount:f}", r.cost_center, r.project, r.text) for r in value.rows]
    return _hash("content", value.series, value.date.isoformat(), value.description, rows)


@attrs.frozen(slots=True)
class Marked:
    """A voucher ready to post: its marker, fingerprint and the value with both in it."""

    marker: str
    fingerprint: str
    content: str
    value: VoucherValue


def mark(closing: Closing, values: Sequence[VoucherValue]) -> list[Marked]:
    """Each voucher with its marker appended to the description and the fingerprint
    as its comments. The slot is the voucher text, numbered when a text repeats."""
    seen: dict[str, int] = {}
    out = []
    for value in values:
        seen[value.description] = seen.get(value.description, 0) + 1
        slot = f"{value.description}#{seen[value.description]}"
        marker = _hash("slot", closing.id, slot)[:10]
        content = content_hash(value)
        fingerprint = f"sie-bokslut closing {closing.id} voucher {marker} content {content}"
        text = f"{value.description} [{PREFIX}:{marker}]"
        out.append(
            Marked(
                marker,
                fingerprint,
                content,
                attrs.evolve(value, description=text, comments=fingerprint),
            )
        )
    return out


def marker_of(description: str) -> str | None:
    """The marker at the end of a Fortnox description, if any."""
    m = MARKER_RE.search(description)
    return m.group(1) if m else None


def strip_marker(description: str) -> str:
    """The description without our marker."""
    return MARKER_RE.sub("", description).rstrip()


@attrs.frozen(slots=True)
class Fingerprint:
    closing: str
    marker: str
    content: str


def fingerprint_of(comments: str) -> Fingerprint | None:
    """The fingerprint in a voucher's comments, if it carries one."""
    m = FINGERPRINT_RE.search(comments)
    if m is None:
        return None
    return Fingerprint(m.group("closing"), m.group("marker"), m.group("content"))
