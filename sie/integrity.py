"""Ledger integrity: does the model hold together? Every problem found, none raised.

Each check is a plain function ``check(model, facts) -> list[Finding]`` (as in
beancount's validation): balanced vouchers, declared accounts, dates inside the
year, balances against transactions, numbering, and which records the file's
type requires or forbids. :data:`CHECKS` lists them in the order they run and
:func:`check_integrity` runs them all. :class:`Facts` carries what a check may
need besides the model, each part computed once and only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from sie import amounts, bas
from sie.amounts import ZERO
from sie.dates import span_text
from sie.findings import Finding, SieCode, finding
from sie.model import Ledger, SieFile, Voucher
from sie.scan import LedgerScan, dated_year, scan_ledger, serial, shown, voucher_name
from sie.types import RECORD_RULES, TYPE_COLUMNS

#: Mandatory records that may still be absent: balances that are all zero are
#: not written (§5.17–5.18), dimensions need no declaration when only reserved
#: numbers are used (❖), and #IB may be replaced by the previous year's #UB (§5.16).
OMITTABLE = frozenset(
    {"#IB", "#OIB", "#OUB", "#PSALDO", "#PBUDGET", "#DIM", "#UNDERDIM", "#OBJEKT"}
)

#: Amounts in messages: :func:`sie.amounts.format` with a decimal point, ``-12 771.00``.
format_amount = partial(amounts.format, decimal_mark=".")
_money = format_amount


class Facts:
    """What the checks may use besides the model: the file name for findings, the
    reader's label counts, one scan of the rows and the ledger's lookups."""

    def __init__(
        self,
        model: SieFile,
        *,
        file: str = "",
        label_counts: Mapping[str, int] | None = None,
        scan: LedgerScan | None = None,
    ) -> None:
        self.model = model
        self.file = file
        self.label_counts = label_counts
        self._scan = scan
        self._ledger: Ledger | None = None

    @property
    def scan(self) -> LedgerScan:
        """One pass over the rows (:func:`sie.scan.scan_ledger`), made when first needed."""
        if self._scan is None:
            self._scan = scan_ledger(self.model)
        return self._scan

    @property
    def ledger(self) -> Ledger:
        """The file's balances by account, kind and year (:class:`sie.model.Ledger`)."""
        if self._ledger is None:
            self._ledger = Ledger(self.model)
        return self._ledger


Check = Callable[[SieFile, Facts], list[Finding]]


def check_integrity(
    model: SieFile,
    *,
    label_counts: Mapping[str, int] | None = None,
    file: str = "",
    scan: LedgerScan | None = None,
) -> list[Finding]:
    """Run every check of :data:`CHECKS` on ``model``.

    ``scan`` may come from the model before import rules changed series, numbers or
    object references: none of those changes what the scan gathers.
    """
    facts = Facts(model, file=file, label_counts=label_counts, scan=scan)
    return [found for check in CHECKS for found in check(model, facts)]


def check_content(model: SieFile, facts: Facts | None = None) -> list[Finding]:
    """A file without accounts, balances or vouchers has nothing to import: an error,
    so that an empty or cut-off export is not taken for a good one."""
    facts = facts or Facts(model)
    if (
        model.accounts
        or model.balances
        or model.object_balances
        or model.period_balances
        or model.vouchers
    ):
        return []
    return [
        finding(
            "nothing-to-import",
            "the file holds no accounts (#KONTO), balances or vouchers: there is nothing to "
            "import; check that the export was complete and of the right company and year",
            0,
            facts.file,
        )
    ]


def check_voucher_balance(model: SieFile, facts: Facts | None = None) -> list[Finding]:
    """Every voucher's ``#TRANS`` rows sum to zero (RTRANS/BTRANS are history)."""
    facts = facts or Facts(model)
    findings = []
    for index, total in facts.scan.unbalanced:
        v = model.vouchers[index]
        findings.append(
            finding(
                "voucher-unbalanced",
                f"voucher {voucher_name(v)} ({v.date.isoformat()}) does not balance: its "
                f"#TRANS rows sum to {_money(total)}; correct the voucher in the "
                "source program and export again",
                v.line,
                facts.file,
            )
        )
    return findings


def _account_uses(model: SieFile, scan: LedgerScan) -> dict[str, int]:
    """Account -> first line using it (rows and every kind of balance)."""
    first: dict[str, int] = dict(scan.first_use)

    def note(account: str, line: int) -> None:
        seen = first.get(account)
        if seen is None or (line and (not seen or line < seen)):
            first[account] = line

    for b in model.balances:
        note(b.account, b.line)
    for ob in model.object_balances:
        note(ob.account, ob.line)
    for p in model.period_balances:
        note(p.account, p.line)
    return first


def check_accounts_declared(model: SieFile, facts: Facts | None = None) -> list[Finding]:
    """Accounts used but never declared with ``#KONTO`` (recommended even in 4I)."""
    facts = facts or Facts(model)
    declared = {a.number for a in model.accounts}
    is_import = model.sie_type == "4I"
    code: SieCode = "account-undeclared-4i" if is_import else "account-undeclared"
    advice = (
        "the receiving program must already have it"
        if is_import
        else "export the full chart of accounts from the source program"
    )
    uses = _account_uses(model, facts.scan)
    return [
        finding(
            code,
            f"account {account} is used but not declared with #KONTO; {advice}",
            line,
            facts.file,
        )
        for account, line in sorted(uses.items(), key=lambda item: (item[1], item[0]))
        if account not in declared
    ]


def check_dates(model: SieFile, facts: Facts | None = None) -> list[Finding]:
    """Voucher and ``#TRANS`` dates inside financial year 0 (rows summarised per voucher)."""
    facts = facts or Facts(model)
    year = dated_year(model)
    if year is None:
        return []
    scan = facts.scan
    span = span_text(year, separator="–")
    findings: list[Finding] = []
    rows_outside = dict(scan.rows_outside)
    for index in sorted({*rows_outside, *scan.vouchers_outside}):
        v = model.vouchers[index]
        if not year.contains(v.date):
            findings.append(
                finding(
                    "date-outside-year",
                    f"voucher {voucher_name(v)} is dated {v.date.isoformat()}, outside the "
                    f"financial year {span}; check the date in the source program",
                    v.line,
                    facts.file,
                )
            )
        # #RTRANS/#BTRANS carry the date of the correction, not of the booking.
        outside = rows_outside.get(index)
        if outside:
            dates = sorted({r.date for r in outside if r.date is not None})
            findings.append(
                finding(
                    "date-outside-year",
                    f"{len(outside)} row(s) of voucher {voucher_name(v)} are dated "
                    f"{', '.join(d.isoformat() for d in dates[:3])}"
                    f"{' …' if len(dates) > 3 else ''}, outside the financial year {span}; "
                    "check the row dates in the source program",
                    outside[0].line,
                    facts.file,
                )
            )
    return findings


def covers_full_year(model: SieFile) -> bool:
    """True when year 0 has dates and ``#OMFATTN`` (if any) reaches its last day.

    ``#OMFATTN`` is the last day the balances cover; Fortnox wrote ``19700101``
    with ``#UB`` equal to ``#IB`` — balances that cover none of the year.
    """
    year = dated_year(model)
    if year is None or year.end is None:
        return False
    until = model.header.covered_until
    return until is None or until >= year.end


@amounts.exact
def check_balances(model: SieFile, facts: Facts | None = None) -> list[Finding]:
    """4E: balances against transactions, and this year's IB against last year's UB."""
    facts = facts or Facts(model)
    if model.sie_type != "4E":
        return []
    ledger = facts.ledger
    findings: list[Finding] = []
    lines: dict[tuple[str, int, str], int] = {
        (b.kind, b.year, b.account): b.line for b in model.balances
    }
    kinds_present = {(b.kind, b.year) for b in model.balances}
    if model.vouchers and covers_full_year(model):
        movements = facts.scan.movements
        accounts = sorted(
            set(movements) | {b.account for b in model.balances if b.year == 0 and b.kind != "IB"}
        )
        code: SieCode
        for account in accounts:
            kind = bas.kind(account)
            moved = movements.get(account, ZERO)
            if kind == "balance":
                opening = ledger.balance(account, "IB", 0) or ZERO
                stated = ledger.balance(account, "UB", 0) or ZERO
                computed = opening + moved
                code, label, how = "ub-mismatch", "#UB", "#IB + transactions"
            elif kind == "result":
                stated = ledger.balance(account, "RES", 0) or ZERO
                computed = moved
                code, label, how = "res-mismatch", "#RES", "the sum of transactions"
            else:
                continue
            if stated == computed:
                continue
            line = lines.get((label[1:], 0, account)) or lines.get(("IB", 0, account), 0)
            findings.append(
                finding(
                    code,
                    f"account {account}: the file's {label} for the year is "
                    f"{_money(stated)} but {how} gives {_money(computed)} "
                    f"(difference {_money(stated - computed)}); vouchers and balances "
                    "disagree (a voucher missing, changed or unbalanced) — correct it in the "
                    "source program and export the whole year again",
                    line,
                    facts.file,
                )
            )
    if ("IB", 0) in kinds_present and ("UB", -1) in kinds_present:
        accounts = sorted(
            {b.account for b in model.balances if (b.kind, b.year) in {("IB", 0), ("UB", -1)}}
        )
        for account in accounts:
            if bas.kind(account) != "balance":
                continue
            opening = ledger.balance(account, "IB", 0) or ZERO
            previous = ledger.balance(account, "UB", -1) or ZERO
            if opening == previous:
                continue
            line = lines.get(("IB", 0, account)) or lines.get(("UB", -1, account), 0)
            findings.append(
                finding(
                    "ib-ub-mismatch",
                    f"account {account}: opening balance #IB {_money(opening)} differs "
                    f"from last year's closing balance #UB {_money(previous)} "
                    f"(difference {_money(opening - previous)}); check that last "
                    "year was closed and carried forward in the source program",
                    line,
                    facts.file,
                )
            )
    return findings


def check_numbering(model: SieFile, facts: Facts | None = None) -> list[Finding]:
    """Duplicate numbers within a series; numbers not ascending in file order."""
    facts = facts or Facts(model)
    backwards, unsorted = _number_order(model)
    return [*_duplicates(model, facts, unsorted), *_out_of_order(facts, backwards)]


def _number_order(model: SieFile) -> tuple[dict[str, list[Voucher]], set[str]]:
    """One pass over the numbers: per series, the vouchers numbered below an earlier
    one, and the series whose numbers do not all ascend (only those can repeat one)."""
    last: dict[str, int] = {}
    backwards: dict[str, list[Voucher]] = {}
    unsorted: set[str] = set()
    for v in model.vouchers:
        series = v.series
        n = serial(v.number)
        if n is None:
            if v.number:
                unsorted.add(series)
            continue
        high = last.get(series)
        if high is None or n > high:
            last[series] = n
            continue
        unsorted.add(series)
        if n < high:
            backwards.setdefault(series, []).append(v)
    return backwards, unsorted


def _duplicates(model: SieFile, facts: Facts, unsorted: set[str]) -> list[Finding]:
    """Numbers given to more than one voucher of a series.

    A series whose numbers ascend in file order has none, and most do: only the
    ``unsorted`` series get a set of their numbers, so a large file costs no set.
    """
    numbers: dict[str, set[str]] = {series: set() for series in unsorted}
    repeated: set[tuple[str, str]] = set()
    for v in model.vouchers if numbers else ():
        known = numbers.get(v.series)
        if known is not None and v.number:
            if v.number in known:
                repeated.add((v.series, v.number))
            known.add(v.number)
    seen: dict[tuple[str, str], list[Voucher]] = {}
    for v in model.vouchers if repeated else ():
        if (v.series, v.number) in repeated:
            seen.setdefault((v.series, v.number), []).append(v)
    findings: list[Finding] = []
    for (series, number), group in seen.items():
        others = ", ".join(str(v.line) for v in group[1:6]) + (" …" if len(group) > 6 else "")
        findings.append(
            finding(
                "voucher-duplicate",
                f"voucher number {shown(series)} {number} occurs {len(group)} times "
                f"(lines {group[0].line}, {others}); renumber them in the source program "
                "so each voucher can be told apart",
                group[1].line,
                facts.file,
            )
        )
    return findings


def _out_of_order(facts: Facts, backwards: dict[str, list[Voucher]]) -> list[Finding]:
    """Numbers that are not ascending in file order, per series."""
    findings: list[Finding] = []
    for series, group in backwards.items():
        first = group[0]
        findings.append(
            finding(
                "voucher-order",
                f"series {shown(series)}: voucher {first.number} comes after a higher "
                f"number ({len(group)} voucher(s) out of order); the spec wants ascending "
                "numbers — harmless for import, sort them when exporting",
                first.line,
                facts.file,
            )
        )
    return findings


#: Header labels and the :class:`~sie.model.Header` field each fills in.
_HEADER_LABELS = {
    "#PROGRAM": "program",
    "#GEN": "generated",
    "#SIETYP": "sie_type",
    "#PROSA": "comments",
    "#FTYP": "company_type",
    "#FNR": "company_id",
    "#ORGNR": "orgnr",
    "#BKOD": "industry_code",
    "#ADRESS": "address",
    "#FNAMN": "company_name",
    "#TAXAR": "tax_year",
    "#OMFATTN": "covered_until",
    "#KPTYP": "chart_type",
    "#VALUTA": "currency",
}
#: What a header field holds when its label was absent.
_ABSENT = (None, "", ())


def labels_in(model: SieFile) -> set[str]:
    """Which labels a model shows it was read from (when the reader's counts are absent).

    ``#FLAGGA`` and ``#FORMAT`` always have a value in the model, so they count as present.
    """
    h = model.header
    present = {"#FLAGGA", "#FORMAT"}
    present |= {label for label, name in _HEADER_LABELS.items() if getattr(h, name) not in _ABSENT}
    checks: dict[str, bool] = {
        "#RAR": bool(model.years),
        "#KONTO": bool(model.accounts),
        "#KTYP": any(a.type for a in model.accounts),
        "#ENHET": any(a.unit for a in model.accounts),
        "#SRU": any(a.sru for a in model.accounts),
        "#DIM": any(d.parent is None for d in model.dimensions),
        "#UNDERDIM": any(d.parent is not None for d in model.dimensions),
        "#OBJEKT": bool(model.objects),
        "#VER": bool(model.vouchers),
        "#KSUMMA": model.checksum is not None,
    }
    present |= {label for label, there in checks.items() if there}
    present |= {f"#{b.kind}" for b in model.balances}
    present |= {f"#{ob.kind}" for ob in model.object_balances}
    present |= {f"#{p.kind}" for p in model.period_balances}
    present |= {f"#{r.kind}" for v in model.vouchers for r in v.rows}
    return present


def _first_line(model: SieFile, label: str) -> int:
    """A line where ``label`` occurs, when the model kept one (else 0)."""
    candidates: Iterable[Any] = {
        "#DIM": (d for d in model.dimensions if d.parent is None),
        "#UNDERDIM": (d for d in model.dimensions if d.parent is not None),
        "#OBJEKT": model.objects,
        "#VER": model.vouchers,
        "#RAR": model.years,
    }.get(label, ())
    if label in {"#IB", "#UB", "#RES"}:
        candidates = (b for b in model.balances if b.kind == label[1:])
    elif label in {"#OIB", "#OUB"}:
        candidates = (b for b in model.object_balances if b.kind == label[1:])
    elif label in {"#PSALDO", "#PBUDGET"}:
        candidates = (p for p in model.period_balances if p.kind == label[1:])
    elif label in {"#TRANS", "#RTRANS", "#BTRANS"}:
        candidates = (r for v in model.vouchers for r in v.rows if r.kind == label[1:])
    return min((c.line for c in candidates if c.line), default=0)


def check_records(model: SieFile, facts: Facts | None = None) -> list[Finding]:
    """Records the file's type requires or forbids (SIE 4C §6), as warnings."""
    facts = facts or Facts(model)
    sie_type = model.sie_type
    column = TYPE_COLUMNS.index(sie_type) if sie_type in TYPE_COLUMNS else None
    if column is None:
        return []
    if facts.label_counts is not None:
        present = {label for label, count in facts.label_counts.items() if count}
    else:
        present = labels_in(model)
    findings: list[Finding] = []
    for label, marks in RECORD_RULES.items():
        mark = marks[column]
        if mark == "M" and label not in present and label not in OMITTABLE:
            findings.append(
                finding(
                    "record-missing",
                    f"{label} is mandatory in a type {sie_type} file but missing; many "
                    "programs still import such files, but ask for a complete export",
                    0,
                    facts.file,
                )
            )
        elif mark == "-" and label in present:
            findings.append(
                finding(
                    "record-forbidden",
                    f"{label} is not allowed in a type {sie_type} file; it is read anyway, "
                    "but check that the file's type (#SIETYP) is what the program meant",
                    _first_line(model, label),
                    facts.file,
                )
            )
    if (
        column is not None
        and RECORD_RULES["#IB"][column] == "M"
        and "#IB" not in present
        and not any(b.kind == "UB" and b.year == -1 for b in model.balances)
    ):
        findings.append(
            finding(
                "record-missing",
                f"a type {sie_type} file needs this year's #IB or last year's #UB, and "
                "has neither; ask for an export that includes opening balances",
                0,
                facts.file,
            )
        )
    return findings


#: The integrity checks, in the order they run.
CHECKS: tuple[Check, ...] = (
    check_content,
    check_voucher_balance,
    check_accounts_declared,
    check_dates,
    check_balances,
    check_numbering,
    check_records,
)

__all__ = [
    "CHECKS",
    "OMITTABLE",
    "Check",
    "Facts",
    "check_accounts_declared",
    "check_balances",
    "check_content",
    "check_dates",
    "check_integrity",
    "check_numbering",
    "check_records",
    "check_voucher_balance",
    "covers_full_year",
    "format_amount",
    "labels_in",
]
