"""Pre-flight: everything Fortnox would refuse, found before the first POST.

Pure functions over plain values (what the reads returned), so every rule is
testable without a server. All problems are collected at once, per voucher and
row; the caller posts nothing when any of them is an error. A closing date
inside the locked period is only a warning: Fortnox exempts a series marked as
the closing series and its API does not show that flag, so Fortnox's answer
decides and is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from fortnox_bridge.mapping import (
    ACCOUNT_RANGE,
    COMMENTS_MAX,
    DESCRIPTION_MAX,
    ROW_TEXT_MAX,
    VoucherValue,
    total,
    unmapped_objects,
)
from fortnox_bridge.markers import strip_marker
from sie.amounts import CENT, format
from sie.model import Voucher

Severity = Literal["error", "warning"]

#: code -> (severity, what it means). Pre-flight and posting problems.
CODES: Mapping[str, tuple[Severity, str]] = {
    "fortnox-no-year": ("error", "No Fortnox financial year holds the voucher date"),
    "fortnox-series-missing": ("error", "The voucher series does not exist in that year"),
    "fortnox-series-not-manual": ("error", "The series is not manual; the API cannot post to it"),
    "fortnox-account-missing": ("error", "An account is not in that year's chart in Fortnox"),
    "fortnox-account-inactive": ("error", "An account is inactive in Fortnox"),
    "fortnox-account-invalid": ("error", "An account number outside 1000–9999"),
    "fortnox-unbalanced": ("error", "The voucher's rows do not sum to zero"),
    "fortnox-few-rows": ("error", "A Fortnox voucher needs at least two rows"),
    "fortnox-amount": ("error", "A row amount is zero or has more than two decimals"),
    "fortnox-text-length": ("error", "A text does not fit Fortnox's limits"),
    "fortnox-dimension": ("error", "An object of a dimension Fortnox vouchers cannot carry"),
    "fortnox-locked-period": ("warning", "The date is in Fortnox's locked period"),
    "fortnox-posted": ("error", "Already posted with other content; a reversal is needed"),
    "fortnox-refused": ("error", "Fortnox refused the voucher"),
    "fortnox-not-closing": ("error", "Not a closing voucher (not on the year's last day)"),
    "fortnox-already-closed": ("error", "The books pulled already hold this closing's vouchers"),
    "fortnox-unconfirmed": ("error", "A POST may have been stored but was not found; run again"),
    "fortnox-orgnr": ("error", "The SIE file belongs to another company than the Fortnox one"),
    "fortnox-verify": ("error", "The ledger pulled back differs from the closing"),
}


@attrs.frozen(slots=True)
class Problem:
    """One thing wrong with one voucher (``voucher`` is its 1-based place in
    the closing, ``row`` the 1-based row or ``None`` for the whole voucher)."""

    code: str
    message: str
    voucher: int | None = None
    voucher_text: str = ""
    row: int | None = None

    @property
    def severity(self) -> Severity:
        return CODES[self.code][0]

    def where(self) -> str:
        if self.voucher is None:
            return ""
        place = f"voucher {self.voucher}"
        if self.voucher_text:
            place += f" ({self.voucher_text!r})"
        if self.row is not None:
            place += f", row {self.row}"
        return place

    def __str__(self) -> str:
        where = self.where()
        head = f"{where}: " if where else ""
        return f"{head}{self.severity}: {self.message} [{self.code}]"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "voucher": self.voucher,
            "voucher_text": self.voucher_text,
            "row": self.row,
            "message": self.message,
        }


@attrs.frozen(slots=True)
class Books:
    """What Fortnox says about the year the vouchers go into (plain values)."""

    #: ``(id, from, to)`` of the financial year holding the closing date, or None.
    year: tuple[int, dt.date, dt.date] | None
    #: series code -> ``Manual`` flag, for that year.
    series: Mapping[str, bool]
    #: account number -> ``Active`` flag, for that year's chart.
    accounts: Mapping[str, bool]
    #: ``LockedPeriod.EndDate``; None when nothing is locked.
    locked_until: dt.date | None = None


def label(v: VoucherValue) -> str:
    """How a problem names a voucher: its text without the marker, at most 40 characters."""
    return strip_marker(v.description)[:40]


def has_errors(problems: Sequence[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def _texts(index: int, v: VoucherValue) -> list[Problem]:
    out = []
    size = len(v.description)
    if not 1 <= size <= DESCRIPTION_MAX:
        out.append(
            Problem(
                "fortnox-text-length",
                f"the description with its marker is {size} characters; Fortnox takes "
                f"1–{DESCRIPTION_MAX}: shorten the voucher text",
                index,
                label(v),
            )
        )
    if len(v.comments) > COMMENTS_MAX:
        out.append(
            Problem(
                "fortnox-text-length",
                f"the comments are {len(v.comments)} characters; Fortnox takes {COMMENTS_MAX}",
                index,
                label(v),
            )
        )
    for r, row in enumerate(v.rows, 1):
        if len(row.text) > ROW_TEXT_MAX:
            out.append(
                Problem(
                    "fortnox-text-length",
                    f"the row text is {len(row.text)} characters; Fortnox takes {ROW_TEXT_MAX}"
                    " (TransactionInformation): shorten it",
                    index,
                    label(v),
                    r,
                )
            )
    return out


def _rows(index: int, v: VoucherValue, books: Books) -> list[Problem]:
    out = []
    text = label(v)
    if len(v.rows) < 2:
        out.append(
            Problem(
                "fortnox-few-rows", f"it has {len(v.rows)} row(s); Fortnox needs 2", index, text
            )
        )
    balance = total(v.rows)
    if balance != 0:
        out.append(
            Problem(
                "fortnox-unbalanced",
                f"its rows sum to {format(balance)}, not zero; correct the closing",
                index,
                text,
            )
        )
    for r, row in enumerate(v.rows, 1):
        if not row.account.isdigit() or int(row.account) not in ACCOUNT_RANGE:
            out.append(
                Problem(
                    "fortnox-account-invalid",
                    f"account {row.account!r} is not a number 1000–9999 as Fortnox requires",
                    index,
                    text,
                    r,
                )
            )
        elif books.year is not None and row.account not in books.accounts:
            out.append(
                Problem(
                    "fortnox-account-missing",
                    f"account {row.account} is not in Fortnox's chart for the financial year "
                    f"{books.year[1]}–{books.year[2]}; add it in Fortnox (Inställningar → "
                    "Bokföring → Kontoplan) and push again",
                    index,
                    text,
                    r,
                )
            )
        elif books.year is not None and not books.accounts[row.account]:
            out.append(
                Problem(
                    "fortnox-account-inactive",
                    f"account {row.account} is inactive in Fortnox; activate it in the chart "
                    "of accounts and push again",
                    index,
                    text,
                    r,
                )
            )
        if row.amount == 0 or row.amount != row.amount.quantize(CENT):
            out.append(
                Problem(
                    "fortnox-amount",
                    f"the amount {row.amount} is zero or not in whole öre",
                    index,
                    text,
                    r,
                )
            )
    return out


def check(vouchers: Sequence[VoucherValue], books: Books) -> list[Problem]:
    """Every problem of every voucher against ``books``, in voucher and row order.

    The year and series problems are stated once (they concern all vouchers)."""
    problems: list[Problem] = []
    dates = sorted({v.date for v in vouchers})
    if books.year is None:
        shown = ", ".join(d.isoformat() for d in dates)
        problems.append(
            Problem(
                "fortnox-no-year",
                f"Fortnox has no financial year holding {shown}; create the year in Fortnox "
                "(Inställningar → Räkenskapsår) and push again",
            )
        )
    else:
        year_id, start, end = books.year
        for i, v in enumerate(vouchers, 1):
            if not start <= v.date <= end:
                problems.append(
                    Problem(
                        "fortnox-no-year",
                        f"the date {v.date} is outside the financial year {start}–{end} "
                        f"(Fortnox id {year_id})",
                        i,
                        label(v),
                    )
                )
    for code in sorted({v.series for v in vouchers}):
        if books.year is None:
            break
        if code not in books.series:
            problems.append(
                Problem(
                    "fortnox-series-missing",
                    f"voucher series {code!r} does not exist in Fortnox for "
                    f"{books.year[1]}–{books.year[2]}; create it as a manual series (for a "
                    "closing, one marked 'Ej låsbar serie') or choose another with --series",
                )
            )
        elif not books.series[code]:
            problems.append(
                Problem(
                    "fortnox-series-not-manual",
                    f"voucher series {code!r} is not manual in Fortnox, so the API cannot post "
                    "to it; choose a manual series with --series",
                )
            )
    locked = books.locked_until
    inside = sorted({v.date for v in vouchers if locked is not None and v.date <= locked})
    if inside:  # one warning for the closing, not one per voucher
        problems.append(
            Problem(
                "fortnox-locked-period",
                f"{', '.join(d.isoformat() for d in inside)} is inside Fortnox's locked period "
                f"(locked up to {locked}); only a series marked as exempt from the lock takes "
                "it — Fortnox's answer decides",
            )
        )
    for i, v in enumerate(vouchers, 1):
        problems.extend(_texts(i, v))
        problems.extend(_rows(i, v, books))
    return problems


def unmapped(vouchers: Sequence[Voucher]) -> list[Problem]:
    """Objects of dimensions a Fortnox voucher row cannot carry (only 1 and 6 map)."""
    return [
        Problem(
            "fortnox-dimension",
            f"object {obj!r} of dimension {dim}: a Fortnox voucher row carries only a "
            "cost centre (dimension 1) and a project (dimension 6)",
            i,
            v.text[:40],
            row + 1,
        )
        for i, v in enumerate(vouchers, 1)
        for row, dim, obj in unmapped_objects(v)
    ]
