"""Posting a closing's vouchers to Fortnox: pre-flight, then idempotent posting.

:func:`push` reads what Fortnox knows about the year (company, financial
year, series, chart, locked period), checks every voucher against it
(:mod:`fortnox_bridge.preflight`) and posts nothing when anything is wrong. It
then lists the series' vouchers on the closing date ONCE, skips every voucher
whose marker is already there (:mod:`fortnox_bridge.markers`), and posts the
rest one by one. A POST that may have committed (timeout, 5xx, dropped
connection) is never sent again in the same run: the series is listed again,
waiting longer than the client's timeout between looks, and when the marker is
still missing the push stops and asks to be run again later. The result says
which numbers Fortnox assigned.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

import attrs

from fortnox_bridge import reads
from fortnox_bridge.errors import FortnoxError, MayHaveCommitted, NoFinancialYear, RequestError
from fortnox_bridge.mapping import (
    VoucherValue,
    dumps,
    from_fortnox,
    to_fortnox,
    voucher_value,
)
from fortnox_bridge.markers import Closing, Marked, fingerprint_of, mark, marker_of
from fortnox_bridge.preflight import Books, Problem, check, has_errors, label, unmapped
from sie import orgnr as orgnr_mod
from sie.model import Voucher

#: The series closing vouchers go to unless configured otherwise: Fortnox's own
#: closing tool posts to series I, a manual series exempt from the period lock.
DEFAULT_SERIES = "I"
#: How many times a voucher is looked for after a POST that may have committed
#: (the first at once, the others each after more than the client's timeout). It is
#: never posted again in the same run.
LOOKS = 4

Status = Literal["posted", "existing"]
Progress = Callable[[str], None]


@attrs.frozen(slots=True)
class PostedVoucher:
    """A closing voucher as it stands in Fortnox after the push."""

    index: int
    text: str
    series: str
    number: int
    year: int
    status: Status
    marker: str

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "text": self.text,
            "series": self.series,
            "number": self.number,
            "financial_year": self.year,
            "status": self.status,
            "marker": self.marker,
        }


@attrs.frozen(slots=True)
class PushResult:
    """What a push did: the vouchers in Fortnox, problems found, and whether it was refused."""

    vouchers: tuple[PostedVoucher, ...]
    problems: tuple[Problem, ...]
    financial_year: int | None = None
    series: str = DEFAULT_SERIES
    #: Requests the push made (for the efficiency claim), when the client counts them.
    requests: int | None = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    @property
    def posted(self) -> tuple[PostedVoucher, ...]:
        return tuple(v for v in self.vouchers if v.status == "posted")

    @property
    def existing(self) -> tuple[PostedVoucher, ...]:
        return tuple(v for v in self.vouchers if v.status == "existing")

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "financial_year": self.financial_year,
            "series": self.series,
            "posted": len(self.posted),
            "existing": len(self.existing),
            "vouchers": [v.to_json() for v in self.vouchers],
            "problems": [p.to_json() for p in self.problems],
            "requests": self.requests,
        }


def books_for(client: Any, day: dt.date) -> tuple[Books, reads.FinancialYear | None]:
    """Fortnox's year holding ``day`` with its series, chart and the locked period."""
    try:
        year: reads.FinancialYear | None = reads.financial_year_for(client, day)
    except NoFinancialYear:
        year = None
    if year is None:
        return Books(year=None, series={}, accounts={}, locked_until=None), None
    series = {s.code: bool(s.manual) for s in reads.voucher_series(client, year.id)}
    accounts = {str(a.number): bool(a.active) for a in reads.accounts(client, year.id)}
    locked = reads.locked_period(client)
    return Books((year.id, year.start, year.end), series, accounts, locked), year


def _orgnr_problem(fortnox_orgnr: str, sie_orgnr: str) -> Problem | None:
    want, got = orgnr_mod.compact(fortnox_orgnr), orgnr_mod.compact(sie_orgnr)
    if not want or not got or want == got:
        return None
    return Problem(
        "fortnox-orgnr",
        f"the vouchers belong to organisation number {sie_orgnr} but the Fortnox company is "
        f"{fortnox_orgnr}; log in to the right company",
    )


def _not_closing(vouchers: Sequence[Voucher], year: reads.FinancialYear | None) -> list[Problem]:
    """Closing vouchers are dated on the financial year's last day; anything else (a
    whole year's ledger, say) is refused before it could be posted."""
    if year is None:
        return []
    wrong = [(i, v) for i, v in enumerate(vouchers, 1) if v.date != year.end]
    problems = [
        Problem(
            "fortnox-not-closing",
            f"dated {v.date.isoformat()}, not the financial year's last day "
            f"{year.end.isoformat()}: push posts only closing vouchers",
            index,
            v.text[:40],
        )
        for index, v in wrong[:5]
    ]
    if len(wrong) > 5:
        problems.append(
            Problem(
                "fortnox-not-closing",
                f"{len(wrong) - 5} more of the {len(vouchers)} vouchers are not dated "
                f"{year.end.isoformat()}: this is no closing; nothing was posted",
            )
        )
    return problems


def _listed(client: Any, year: int, series: str, day: dt.date) -> dict[str, Any]:
    """Marker -> voucher summary for the series' vouchers on ``day``."""
    found = {}
    for item in reads.vouchers_on(client, year, series, day):
        marker = marker_of(item.description or "")
        if marker is not None:
            found[marker] = item
    return found


def _conflicts(plan: Sequence[Marked], listed: dict[str, Any], closing_id: str) -> list[Problem]:
    """Posted vouchers of this closing whose content differs from the plan, or that
    the plan no longer holds: Fortnox cannot change them, a reversal is needed."""
    problems = []
    planned = {m.marker: (i, m) for i, m in enumerate(plan, 1)}
    for marker, item in listed.items():
        print_ = fingerprint_of(item.comments or "")
        if marker in planned:
            index, m = planned[marker]
            if print_ is None or print_.content != m.content:
                problems.append(
                    Problem(
                        "fortnox-posted",
                        f"Fortnox already holds this voucher as {item.series} {item.number} with "
                        "other amounts or texts; vouchers cannot be changed in Fortnox: book a "
                        "reversal of it there, then push with the next --revision",
                        index,
                        label(m.value),
                    )
                )
        elif print_ is not None and print_.closing == closing_id:
            problems.append(
                Problem(
                    "fortnox-posted",
                    f"Fortnox holds {item.series} {item.number} ({item.description!r}) from this "
                    "closing, but the closing no longer has that voucher; book a reversal of it "
                    "in Fortnox, then push with the next --revision",
                )
            )
    return problems


def _look_again(
    client: Any, year: int, m: Marked, day: dt.date, sleep: Callable[[float], Any]
) -> Any | None:
    """After a POST that may have committed: look for the marker now, then a few more
    times, each after waiting longer than the client's timeout (a server that was still
    working when the client gave up has finished by then). The voucher found, or None."""
    wait = _timeout(client) + 1.0
    for look in range(LOOKS):
        if look:
            sleep(wait)
        found = _listed(client, year, m.value.series, day).get(m.marker)
        if found is not None:
            return found
    return None


def _post_one(
    client: Any, year: int, m: Marked, index: int, day: dt.date, sleep: Callable[[float], Any]
) -> tuple[int, int, Status] | Problem:
    """Post one voucher ONCE. When the answer may hide a commit, look for its marker
    (:func:`_look_again`) and never post it again in this run. Returns (number, year,
    status) or a problem."""
    body = dumps(to_fortnox(m.value))
    try:
        answer = client.post("/3/vouchers", body, params={"financialyear": year})
    except MayHaveCommitted as exc:
        found = _look_again(client, year, m, day, sleep)
        if found is not None:
            return int(found.number), int(found.year or year), "posted"
        return Problem(
            "fortnox-unconfirmed",
            f"the voucher may have been stored ({exc.message}) but it is not in the series "
            "yet; it was NOT posted again. Run push again later: it posts only what is "
            "missing and finds this voucher if Fortnox stored it",
            index,
            label(m.value),
        )
    except RequestError as exc:
        return Problem(
            "fortnox-refused",
            f"Fortnox refused the voucher: {exc.message}"
            + (f" (code {exc.code})" if exc.code is not None else ""),
            index,
            label(m.value),
        )
    got = from_fortnox(answer)
    if got.number is None:
        return Problem(
            "fortnox-refused",
            "Fortnox answered without a voucher number; run push again to look for it",
            index,
            label(m.value),
        )
    return got.number, got.year or year, "posted"


def _timeout(client: Any) -> float:
    """The client's read timeout in seconds (30 when it cannot be told)."""
    timeout = getattr(getattr(client, "http", None), "timeout", None)
    read = getattr(timeout, "read", None)
    return float(read) if isinstance(read, int | float) else 30.0


def plan(
    vouchers: Sequence[Voucher],
    *,
    tenant: str,
    year: int,
    orgnr: str,
    series: str,
    revision: int = 1,
) -> tuple[Closing, list[Marked]]:
    """The closing's identity and each voucher marked, in ``series``."""
    day = max(v.date for v in vouchers)
    closing = Closing(tenant, year, orgnr_mod.compact(orgnr), day, series, revision)
    values: list[VoucherValue] = [voucher_value(v, series=series) for v in vouchers]
    return closing, mark(closing, values)


def push(
    client: Any,
    vouchers: Sequence[Voucher],
    *,
    series: str = DEFAULT_SERIES,
    orgnr: str = "",
    revision: int = 1,
    progress: Progress | None = None,
    sleep: Callable[[float], Any] | None = None,
) -> PushResult:
    """Post ``vouchers`` (a closing's, one date) into ``series`` of the Fortnox
    company ``client`` is logged in to; see the module docstring. Raises only
    :class:`FortnoxError` for failures that are not about the vouchers."""
    start = _requests(client)
    sleep = sleep or getattr(client, "sleep", None) or time.sleep

    def result(
        done: Sequence[PostedVoucher], problems: Sequence[Problem], year: int | None
    ) -> PushResult:
        end = _requests(client)
        used = end - start if end is not None and start is not None else None
        ordered = sorted(problems, key=lambda p: (p.voucher or 0, p.row or 0))
        return PushResult(tuple(done), tuple(ordered), year, series, used)

    if not vouchers:
        return result((), (), None)
    problems: list[Problem] = []
    company = reads.company_information(client)
    wrong = _orgnr_problem(company.organisation_number or "", orgnr)
    if wrong is not None:
        problems.append(wrong)
    day = max(v.date for v in vouchers)
    books, year = books_for(client, day)
    tenant = str(company.database_number or "")
    closing, marked = plan(
        vouchers,
        tenant=tenant,
        year=year.id if year else 0,
        orgnr=orgnr or company.organisation_number or "",
        series=series,
        revision=revision,
    )
    problems.extend(unmapped(vouchers))
    problems.extend(check([m.value for m in marked], books))
    problems.extend(_not_closing(vouchers, year))
    if has_errors(problems) or year is None:
        return result((), problems, year.id if year else None)
    listed: dict[str, Any] = {}
    for date in sorted({m.value.date for m in marked}):  # one date for a closing: one listing
        listed.update(_listed(client, year.id, series, date))
    problems.extend(_conflicts(marked, listed, closing.id))
    if has_errors(problems):
        return result((), problems, year.id)
    done: list[PostedVoucher] = []
    for index, m in enumerate(marked, 1):
        text = vouchers[index - 1].text
        there = listed.get(m.marker)
        if there is not None:
            done.append(
                PostedVoucher(
                    index,
                    text,
                    series,
                    int(there.number),
                    int(there.year or year.id),
                    "existing",
                    m.marker,
                )
            )
            continue
        outcome = _post_one(client, year.id, m, index, m.value.date, sleep)
        if isinstance(outcome, Problem):
            problems.append(outcome)
            break  # the rest stays unposted; a rerun posts only what is missing
        number, fy, status = outcome
        done.append(PostedVoucher(index, text, series, number, fy, status, m.marker))
        if progress is not None:
            progress(f"posted {series} {number}: {text}")
    return result(done, problems, year.id)


def _requests(client: Any) -> int | None:
    stats = getattr(client, "stats", None)
    count = getattr(stats, "requests", None)
    return count if isinstance(count, int) else None


__all__ = [
    "DEFAULT_SERIES",
    "FortnoxError",
    "PostedVoucher",
    "PushResult",
    "books_for",
    "plan",
    "push",
]
