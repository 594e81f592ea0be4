"""Import rules and ledger integrity: what an importer checks after reading a file.

Reading (:mod:`sie.reader`) says whether the *text* is SIE. This module says
whether the *ledger* holds together and whether it may be imported as it is:

* :func:`check_size` refuses files over the size limit before a byte is read;
* :func:`apply_import_rules` does what a closing program (Visma Skatt & Bokslut
  style) does on import: checks the organisation number against the expected
  company, gives vouchers without series/number one, and drops the objects of
  a dimension that has more of them than the import accepts;
* :func:`check_integrity` checks the ledger: balanced vouchers, declared
  accounts, dates inside the year, balances against transactions, numbering,
  and which records the file's type requires or forbids;
* :func:`validate` / :func:`load` chain them: size → read → rules → integrity.

Everything is reported as :class:`~sie.findings.Finding` values; nothing raises.
"""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, BinaryIO, Protocol, TypeVar

import attrs

from sie import amounts, bas
from sie import orgnr as orgnr_mod
from sie.findings import Finding, finding, has_errors
from sie.model import ZERO, FinancialYear, ObjectRef, Row, SieFile, Voucher
from sie.reader import MEGABYTE, NotSie, read, too_large
from sie.types import RECORD_RULES, TYPE_COLUMNS

Source = str | os.PathLike[str] | bytes | BinaryIO
T = TypeVar("T")
Progress = Callable[[int, int], None]


#: Reader codes after which there is no model to validate.
REFUSING_CODES = frozenset({"not-sie", "too-large", "file-unreadable"})

#: Mandatory records that may still be absent: balances that are all zero are
#: not written (§5.17–5.18), dimensions need no declaration when only reserved
#: numbers are used (❖), and #IB may be replaced by the previous year's #UB (§5.16).
OMITTABLE = frozenset(
    {"#IB", "#OIB", "#OUB", "#PSALDO", "#PBUDGET", "#DIM", "#UNDERDIM", "#OBJEKT"}
)


@attrs.frozen(slots=True)
class ImportSettings:
    """What the importing company accepts. ``expected_orgnr`` is checked on creation."""

    expected_orgnr: str | None = attrs.field(default=None)
    max_size_mb: float = attrs.field(default=100, validator=attrs.validators.gt(0))
    default_series: str = attrs.field(default="A", validator=attrs.validators.min_len(1))
    max_objects: int = attrs.field(default=500, validator=attrs.validators.ge(0))

    @expected_orgnr.validator
    def _check_expected(self, _attribute: object, value: str | None) -> None:
        if value is not None:
            orgnr_mod.validate(value)


# --------------------------------------------------------------------------- helpers


def format_amount(value: Decimal) -> str:
    """Amounts in messages: :func:`sie.amounts.format` with a decimal point, ``-12 771.00``."""
    return amounts.format(value, decimal_mark=".")


def account_kind(account: str) -> str | None:
    """``"balance"``, ``"result"`` or ``None`` (class 9/0, non-numeric): :func:`sie.bas.kind`."""
    return bas.kind(account)


def _shown(value: str) -> str:
    """A series or number as SIE writes it, ``""`` when empty."""
    return value or '""'


def _serial(number: str) -> int | None:
    """A voucher number as an integer when it is one of at most 18 ASCII digits (a longer
    run is an id, not a count; Python's ``int`` refuses texts of over 4 300 digits)."""
    if number.isdigit() and number.isascii() and len(number.lstrip("0")) <= 18:
        return int(number)
    return None


def _voucher_name(v: Voucher) -> str:
    return f"{_shown(v.series)} {_shown(v.number)}"


# --------------------------------------------------------------------------- size


def check_size(source: Source, settings: ImportSettings | None = None) -> Finding | None:
    """Refuse a file over ``settings.max_size_mb`` without reading it (``os.stat``)."""
    settings = settings or ImportSettings()
    name = ""
    if isinstance(source, bytes | bytearray | memoryview):
        size = len(source)
    elif isinstance(source, str | os.PathLike):
        name = os.fspath(source)
        try:
            size = os.stat(source).st_size
        except OSError:
            return None  # reading will report why it cannot be opened
    else:
        try:
            size = os.fstat(source.fileno()).st_size
        except (AttributeError, OSError, ValueError):
            return None
        name = str(getattr(source, "name", ""))
    limit = _limit(settings)
    return None if size <= limit else too_large(limit, name, size)


def _limit(settings: ImportSettings) -> int:
    """The size limit in bytes."""
    return int(settings.max_size_mb * MEGABYTE)


# --------------------------------------------------------------------------- import rules


def apply_import_rules(
    model: SieFile,
    settings: ImportSettings | None = None,
    *,
    file: str = "",
    scan: LedgerScan | None = None,
) -> tuple[SieFile, list[Finding]]:
    """The model as it would be imported, and what was checked or changed on the way."""
    settings = settings or ImportSettings()
    findings = check_orgnr(model, settings, file=file)
    model, filled = fill_voucher_ids(model, settings.default_series, file=file)
    findings += filled
    model, capped = cap_objects(model, settings.max_objects, file=file, scan=scan)
    findings += capped
    return model, findings


def check_orgnr(model: SieFile, settings: ImportSettings, *, file: str = "") -> list[Finding]:
    """``#ORGNR``: present, well-formed, and the company the import is meant for."""
    written = model.header.orgnr.strip()
    expected = settings.expected_orgnr
    if not written or orgnr_mod.is_placeholder(written):
        what = "an all-zero placeholder" if written else "missing or empty"
        if expected is not None:
            return [
                finding(
                    "orgnr-unconfirmed",
                    f"#ORGNR is {what}, so the file cannot be confirmed to belong to "
                    f"{orgnr_mod.format(expected)}; export it again with the company's "
                    "organisation number",
                    0,
                    file,
                )
            ]
        return [
            finding(
                "orgnr-missing",
                f"#ORGNR is {what}; check that the file is the right company's before importing it",
                0,
                file,
            )
        ]
    try:
        number = orgnr_mod.validate(written)
    except orgnr_mod.InvalidOrgnr as exc:
        return [
            finding(
                "orgnr-invalid",
                f"#ORGNR {written!r} is not a valid organisation number ({exc.reason}: "
                f"{exc.detail}); correct it in the source program and export again",
                0,
                file,
            )
        ]
    findings: list[Finding] = []
    if orgnr_mod.kind(number) == "person":
        findings.append(
            finding(
                "orgnr-person",
                f"#ORGNR {orgnr_mod.format(number)} is a personnummer: the file belongs "
                "to a sole trader (enskild firma); use the NE appendix rules for the closing",
                0,
                file,
            )
        )
    if expected is not None and orgnr_mod.compact(expected) != number:
        findings.append(
            finding(
                "orgnr-mismatch",
                f"this file belongs to another company (file: {orgnr_mod.format(number)}, "
                f"expected: {orgnr_mod.format(expected)}); pick the export of the right company",
                0,
                file,
            )
        )
    return findings


def fill_voucher_ids(
    model: SieFile, default_series: str, *, file: str = ""
) -> tuple[SieFile, list[Finding]]:
    """Give vouchers without series the default one and number the unnumbered.

    New numbers follow the highest number of the series, in file order. The
    original empty values stay in ``source_series``/``source_number``.
    """
    if all(v.series and v.number for v in model.vouchers):
        return model, []
    series_of = [v.series or default_series for v in model.vouchers]
    highest: dict[str, int] = {}
    for series, v in zip(series_of, model.vouchers, strict=True):
        serial = _serial(v.number)
        if serial is not None:
            highest[series] = max(highest.get(series, 0), serial)
    code = "voucher-id-missing" if model.sie_type == "4E" else "voucher-id-assigned"
    new_voucher = _replacer(Voucher)
    vouchers: list[Voucher] = []
    findings: list[Finding] = []
    for series, v in zip(series_of, model.vouchers, strict=True):
        if v.series and v.number:
            vouchers.append(v)
            continue
        changes: dict[str, Any] = {}
        said: list[str] = []
        if not v.series:
            changes.update(series=series, source_series=v.series)
            said.append("series")
        if not v.number:
            highest[series] = highest.get(series, 0) + 1
            changes.update(number=str(highest[series]), source_number=v.number)
            said.append("number")
        filled = new_voucher(v, **changes)
        vouchers.append(filled)
        findings.append(
            finding(
                code,
                f"voucher dated {v.date.isoformat()} has no {' and no '.join(said)}; "
                f"imported as {filled.series} {filled.number}"
                + (
                    ""
                    if code == "voucher-id-assigned"
                    else "; give it a series and number in the source program and export again"
                ),
                v.line,
                file,
            )
        )
    return attrs.evolve(model, vouchers=tuple(vouchers)), findings


def _replacer(cls: type[T]) -> Callable[..., T]:
    """A faster ``attrs.evolve`` for one class, for per-row use on large files."""
    names = [(a.name, a.alias) for a in attrs.fields(cls) if a.init]  # type: ignore[arg-type]

    def replace(instance: T, **changes: Any) -> T:
        for name, alias in names:
            if alias not in changes:
                changes[alias] = getattr(instance, name)
        return cls(**changes)

    return replace


@attrs.frozen
class LedgerScan:
    """What the checks need from every row, gathered in one pass over the vouchers.

    Large files have millions of rows; walking them once instead of once per
    check is what keeps validation of a 100 MB file within seconds.
    """

    movements: dict[str, Decimal]  # Σ #TRANS per account
    first_use: dict[str, int]  # account -> first row line using it
    row_objects: dict[int, set[str]]  # dimension -> object ids used on rows
    unbalanced: list[tuple[int, Decimal]]  # (voucher index, #TRANS sum)
    rows_outside: list[tuple[int, list[Row]]]  # (voucher index, #TRANS rows dated outside)
    vouchers_outside: list[int]  # indexes of vouchers dated outside year 0


@amounts.exact
def scan_ledger(model: SieFile) -> LedgerScan:
    """One pass over all rows (see :class:`LedgerScan`)."""
    year = _dated_year(model)
    start = year.start if year else None
    end = year.end if year else None
    movements: dict[str, Decimal] = {}
    first_use: dict[str, int] = {}
    row_objects: dict[int, set[str]] = {}
    seen_lists: set[tuple[ObjectRef, ...]] = set()
    unbalanced: list[tuple[int, Decimal]] = []
    rows_outside: list[tuple[int, list[Row]]] = []
    vouchers_outside: list[int] = []
    for index, v in enumerate(model.vouchers):
        if start is not None and not start <= v.date <= end:  # type: ignore[operator]
            vouchers_outside.append(index)
        total = ZERO
        outside: list[Row] | None = None
        for r in v.rows:
            account = r.account
            if account not in first_use:
                first_use[account] = r.line
            refs = r.objects
            if refs and refs not in seen_lists:
                seen_lists.add(refs)
                for dim, obj in refs:
                    row_objects.setdefault(dim, set()).add(obj)
            if r.kind == "TRANS":
                amount = r.amount
                total += amount
                movements[account] = movements.get(account, ZERO) + amount
                day = r.date
                if day is not None and start is not None and not start <= day <= end:  # type: ignore[operator]
                    if outside is None:
                        outside = []
                    outside.append(r)
        if total:
            unbalanced.append((index, total))
        if outside:
            rows_outside.append((index, outside))
    return LedgerScan(movements, first_use, row_objects, unbalanced, rows_outside, vouchers_outside)


def objects_per_dimension(model: SieFile, scan: LedgerScan | None = None) -> dict[int, set[str]]:
    """Object ids each dimension declares or uses (rows, object and period balances)."""
    scan = scan or scan_ledger(model)
    found: dict[int, set[str]] = {dim: set(ids) for dim, ids in scan.row_objects.items()}
    for o in model.objects:
        found.setdefault(o.dimension, set()).add(o.id)
    refs: list[ObjectRef] = [ob.object for ob in model.object_balances]
    refs += [p.object for p in model.period_balances if p.object is not None]
    for dim, obj in refs:
        found.setdefault(dim, set()).add(obj)
    return found


def cap_objects(
    model: SieFile, max_objects: int, *, file: str = "", scan: LedgerScan | None = None
) -> tuple[SieFile, list[Finding]]:
    """Skip the objects of every dimension with more than ``max_objects`` of them.

    Amounts stay: rows keep their amount and lose only the reference; per-object
    balances go, as the account-level balances carry the same money.
    """
    per_dim = objects_per_dimension(model, scan)
    capped = {d for d, ids in per_dim.items() if len(ids) > max_objects}
    if not capped:
        return model, []
    rows_touched: Counter[int] = Counter()
    new_row = _replacer(Row)
    new_voucher = _replacer(Voucher)
    vouchers: list[Voucher] = []
    for v in model.vouchers:
        rows: list[Row] | None = None
        for i, r in enumerate(v.rows):
            if not r.objects:
                continue
            kept = tuple(ref for ref in r.objects if ref[0] not in capped)
            if len(kept) == len(r.objects):
                continue
            for d in {ref[0] for ref in r.objects} & capped:
                rows_touched[d] += 1
            if rows is None:
                rows = list(v.rows)
            rows[i] = new_row(r, objects=kept)
        vouchers.append(v if rows is None else new_voucher(v, rows=tuple(rows)))
    dropped_balances = Counter(
        ob.object[0] for ob in model.object_balances if ob.object[0] in capped
    )
    dropped_periods = Counter(
        p.object[0] for p in model.period_balances if p.object is not None and p.object[0] in capped
    )
    new = attrs.evolve(
        model,
        objects=tuple(o for o in model.objects if o.dimension not in capped),
        object_balances=tuple(ob for ob in model.object_balances if ob.object[0] not in capped),
        period_balances=tuple(
            p for p in model.period_balances if p.object is None or p.object[0] not in capped
        ),
        vouchers=tuple(vouchers),
    )
    names = {d.number: d.name for d in model.dimensions}
    lines = {d.number: d.line for d in model.dimensions}
    findings = []
    for dim in sorted(capped):
        label = f"dimension {dim}" + (f" ({names[dim]})" if names.get(dim) else "")
        findings.append(
            finding(
                "objects-capped",
                f"{label} has {len(per_dim[dim])} objects, more than the {max_objects} the "
                f"import accepts; all {len(per_dim[dim])} were skipped (references dropped "
                f"on {rows_touched[dim]} rows, {dropped_balances[dim]} object balances and "
                f"{dropped_periods[dim]} object period balances removed); every amount is "
                "kept on its account — raise the limit (--max-objects) to keep them",
                lines.get(dim, 0),
                file,
            )
        )
    return new, findings


# --------------------------------------------------------------------------- integrity


def check_integrity(
    model: SieFile,
    *,
    label_counts: Mapping[str, int] | None = None,
    file: str = "",
    scan: LedgerScan | None = None,
) -> list[Finding]:
    """Does the ledger hold together? Every problem found, none raised.

    ``scan`` may come from the model before import rules changed series, numbers or
    object references: none of those changes what the scan gathers.
    """
    scan = scan or scan_ledger(model)
    return [
        *check_content(model, file=file),
        *check_voucher_balance(model, file=file, scan=scan),
        *check_accounts_declared(model, file=file, scan=scan),
        *check_dates(model, file=file, scan=scan),
        *check_balances(model, file=file, scan=scan),
        *check_numbering(model, file=file),
        *check_records(model, label_counts=label_counts, file=file),
    ]


def check_content(model: SieFile, *, file: str = "") -> list[Finding]:
    """A file without accounts, balances or vouchers has nothing to import: an error,
    so that an empty or cut-off export is not taken for a good one."""
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
            file,
        )
    ]


def check_voucher_balance(
    model: SieFile, *, file: str = "", scan: LedgerScan | None = None
) -> list[Finding]:
    """Every voucher's ``#TRANS`` rows sum to zero (RTRANS/BTRANS are history)."""
    scan = scan or scan_ledger(model)
    findings = []
    for index, total in scan.unbalanced:
        v = model.vouchers[index]
        findings.append(
            finding(
                "voucher-unbalanced",
                f"voucher {_voucher_name(v)} ({v.date.isoformat()}) does not balance: its "
                f"#TRANS rows sum to {format_amount(total)}; correct the voucher in the "
                "source program and export again",
                v.line,
                file,
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


def check_accounts_declared(
    model: SieFile, *, file: str = "", scan: LedgerScan | None = None
) -> list[Finding]:
    """Accounts used but never declared with ``#KONTO`` (recommended even in 4I)."""
    declared = {a.number for a in model.accounts}
    is_import = model.sie_type == "4I"
    code = "account-undeclared-4i" if is_import else "account-undeclared"
    advice = (
        "the receiving program must already have it"
        if is_import
        else "export the full chart of accounts from the source program"
    )
    uses = _account_uses(model, scan or scan_ledger(model))
    return [
        finding(
            code, f"account {account} is used but not declared with #KONTO; {advice}", line, file
        )
        for account, line in sorted(uses.items(), key=lambda item: (item[1], item[0]))
        if account not in declared
    ]


def _dated_year(model: SieFile) -> FinancialYear | None:
    year = model.year(0)
    if year is None or year.start is None or year.end is None:
        return None
    return year


def check_dates(model: SieFile, *, file: str = "", scan: LedgerScan | None = None) -> list[Finding]:
    """Voucher and ``#TRANS`` dates inside financial year 0 (rows summarised per voucher)."""
    year = _dated_year(model)
    if year is None:
        return []
    scan = scan or scan_ledger(model)
    span = f"{year.start.isoformat()}–{year.end.isoformat()}"  # type: ignore[union-attr]
    findings: list[Finding] = []
    rows_outside = dict(scan.rows_outside)
    for index in sorted({*rows_outside, *scan.vouchers_outside}):
        v = model.vouchers[index]
        if not year.contains(v.date):
            findings.append(
                finding(
                    "date-outside-year",
                    f"voucher {_voucher_name(v)} is dated {v.date.isoformat()}, outside the "
                    f"financial year {span}; check the date in the source program",
                    v.line,
                    file,
                )
            )
        # #RTRANS/#BTRANS carry the date of the correction, not of the booking.
        outside = rows_outside.get(index)
        if outside:
            dates = sorted({r.date for r in outside if r.date is not None})
            findings.append(
                finding(
                    "date-outside-year",
                    f"{len(outside)} row(s) of voucher {_voucher_name(v)} are dated "
                    f"{', '.join(d.isoformat() for d in dates[:3])}"
                    f"{' …' if len(dates) > 3 else ''}, outside the financial year {span}; "
                    "check the row dates in the source program",
                    outside[0].line,
                    file,
                )
            )
    return findings


def covers_full_year(model: SieFile) -> bool:
    """True when year 0 has dates and ``#OMFATTN`` (if any) reaches its last day.

    ``#OMFATTN`` is the last day the balances cover; Fortnox wrote ``19700101``
    with ``#UB`` equal to ``#IB`` — balances that cover none of the year.
    """
    year = _dated_year(model)
    if year is None or year.end is None:
        return False
    until = model.header.covered_until
    return until is None or until >= year.end


@amounts.exact
def check_balances(
    model: SieFile, *, file: str = "", scan: LedgerScan | None = None
) -> list[Finding]:
    """4E: balances against transactions, and this year's IB against last year's UB."""
    if model.sie_type != "4E":
        return []
    ledger = _BalanceIndex(model)
    findings: list[Finding] = []
    lines: dict[tuple[str, int, str], int] = {
        (b.kind, b.year, b.account): b.line for b in model.balances
    }
    kinds_present = {(b.kind, b.year) for b in model.balances}
    if model.vouchers and covers_full_year(model):
        movements = (scan or scan_ledger(model)).movements
        accounts = sorted(
            set(movements) | {b.account for b in model.balances if b.year == 0 and b.kind != "IB"}
        )
        for account in accounts:
            kind = account_kind(account)
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
                    f"{format_amount(stated)} but {how} gives {format_amount(computed)} "
                    f"(difference {format_amount(stated - computed)}); vouchers and balances "
                    "disagree (a voucher missing, changed or unbalanced) — correct it in the "
                    "source program and export the whole year again",
                    line,
                    file,
                )
            )
    if ("IB", 0) in kinds_present and ("UB", -1) in kinds_present:
        accounts = sorted(
            {b.account for b in model.balances if (b.kind, b.year) in {("IB", 0), ("UB", -1)}}
        )
        for account in accounts:
            if account_kind(account) != "balance":
                continue
            opening = ledger.balance(account, "IB", 0) or ZERO
            previous = ledger.balance(account, "UB", -1) or ZERO
            if opening == previous:
                continue
            line = lines.get(("IB", 0, account)) or lines.get(("UB", -1, account), 0)
            findings.append(
                finding(
                    "ib-ub-mismatch",
                    f"account {account}: opening balance #IB {format_amount(opening)} differs "
                    f"from last year's closing balance #UB {format_amount(previous)} "
                    f"(difference {format_amount(opening - previous)}); check that last "
                    "year was closed and carried forward in the source program",
                    line,
                    file,
                )
            )
    return findings


class _BalanceIndex:
    """The file's own #IB/#UB/#RES by (account, kind, year), without indexing vouchers."""

    def __init__(self, model: SieFile) -> None:
        self._amounts: dict[tuple[str, str, int], Decimal] = {
            (b.account, b.kind, b.year): b.amount for b in model.balances
        }

    def balance(self, account: str, kind: str, year: int) -> Decimal | None:
        return self._amounts.get((account, kind, year))


def check_numbering(model: SieFile, *, file: str = "") -> list[Finding]:
    """Duplicate numbers within a series; numbers not ascending in file order."""
    counts = Counter((v.series, v.number) for v in model.vouchers if v.number)
    repeated = {key for key, count in counts.items() if count > 1}
    seen: dict[tuple[str, str], list[Voucher]] = {}
    if repeated:
        for v in model.vouchers:
            if (v.series, v.number) in repeated:
                seen.setdefault((v.series, v.number), []).append(v)
    findings: list[Finding] = []
    for (series, number), group in seen.items():
        others = ", ".join(str(v.line) for v in group[1:6]) + (" …" if len(group) > 6 else "")
        findings.append(
            finding(
                "voucher-duplicate",
                f"voucher number {_shown(series)} {number} occurs {len(group)} times "
                f"(lines {group[0].line}, {others}); renumber them in the source program "
                "so each voucher can be told apart",
                group[1].line,
                file,
            )
        )
    last: dict[str, int] = {}
    backwards: dict[str, list[Voucher]] = {}
    for v in model.vouchers:
        n = _serial(v.number)
        if n is None:
            continue
        if v.series in last and n < last[v.series]:
            backwards.setdefault(v.series, []).append(v)
        last[v.series] = max(n, last.get(v.series, n))
    for series, group in backwards.items():
        first = group[0]
        findings.append(
            finding(
                "voucher-order",
                f"series {_shown(series)}: voucher {first.number} comes after a higher "
                f"number ({len(group)} voucher(s) out of order); the spec wants ascending "
                "numbers — harmless for import, sort them when exporting",
                first.line,
                file,
            )
        )
    return findings


def labels_in(model: SieFile) -> set[str]:
    """Which labels a model shows it was read from (when the reader's counts are absent).

    ``#FLAGGA`` and ``#FORMAT`` always have a value in the model, so they count as present.
    """
    h = model.header
    present = {"#FLAGGA", "#FORMAT"}
    checks: dict[str, bool] = {
        "#PROGRAM": bool(h.program),
        "#GEN": h.generated is not None,
        "#SIETYP": h.sie_type is not None,
        "#PROSA": bool(h.comments),
        "#FTYP": bool(h.company_type),
        "#FNR": bool(h.company_id),
        "#ORGNR": bool(h.orgnr),
        "#BKOD": bool(h.industry_code),
        "#ADRESS": h.address is not None,
        "#FNAMN": bool(h.company_name),
        "#RAR": bool(model.years),
        "#TAXAR": h.tax_year is not None,
        "#OMFATTN": h.covered_until is not None,
        "#KPTYP": bool(h.chart_type),
        "#VALUTA": bool(h.currency),
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


def check_records(
    model: SieFile, *, label_counts: Mapping[str, int] | None = None, file: str = ""
) -> list[Finding]:
    """Records the file's type requires or forbids (SIE 4C §6), as warnings."""
    sie_type = model.sie_type
    column = TYPE_COLUMNS.index(sie_type) if sie_type in TYPE_COLUMNS else None
    if column is None:
        return []
    if label_counts is not None:
        present = {label for label, count in label_counts.items() if count}
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
                    file,
                )
            )
        elif mark == "-" and label in present:
            findings.append(
                finding(
                    "record-forbidden",
                    f"{label} is not allowed in a type {sie_type} file; it is read anyway, "
                    "but check that the file's type (#SIETYP) is what the program meant",
                    _first_line(model, label),
                    file,
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
                file,
            )
        )
    return findings


# --------------------------------------------------------------------------- pipeline


class ReadResultLike(Protocol):
    """What :func:`validate` needs from :class:`sie.reader.ReadResult`."""

    @property
    def model(self) -> SieFile: ...
    @property
    def findings(self) -> tuple[Finding, ...]: ...
    @property
    def encoding(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def label_counts(self) -> Mapping[str, int]: ...


@attrs.frozen(slots=True)
class Counts:
    vouchers: int = 0
    rows: int = 0
    accounts: int = 0
    objects: int = 0


@attrs.frozen(slots=True)
class Summary:
    """What a person wants to see about a file before its findings."""

    program: str
    sie_type: str
    company: str
    orgnr: str
    years: tuple[FinancialYear, ...]
    counts: Counts
    encoding: str


@attrs.frozen(slots=True)
class ValidationResult:
    """The model as imported (``None`` when the file was refused) and every finding."""

    model: SieFile | None
    findings: tuple[Finding, ...]
    file: str = ""
    encoding: str = ""
    size: int = 0

    @property
    def ok(self) -> bool:
        return self.model is not None and not has_errors(self.findings)

    @property
    def refused(self) -> bool:
        return self.model is None

    def summary(self) -> Summary | None:
        m = self.model
        if m is None:
            return None
        h = m.header
        shown_orgnr = orgnr_mod.format(h.orgnr) if orgnr_mod.is_valid(h.orgnr) else h.orgnr
        return Summary(
            program=" ".join(p for p in (h.program, h.program_version) if p),
            sie_type=m.sie_type,
            company=h.company_name,
            orgnr=shown_orgnr,
            years=m.years,
            counts=Counts(
                vouchers=len(m.vouchers),
                rows=sum(len(v.rows) for v in m.vouchers),
                accounts=len(m.accounts),
                objects=len(m.objects),
            ),
            encoding=self.encoding,
        )

    def to_json(self) -> dict[str, object]:
        """One JSON object per file, as ``sie-validate --json`` prints it."""
        summary = self.summary()
        data: dict[str, object] = {"file": self.file, "ok": self.ok, "refused": self.refused}
        if summary is None:
            data.update(
                sie_type=None,
                encoding=self.encoding or None,
                orgnr=None,
                company=None,
                program=None,
                years=[],
                counts=None,
            )
        else:
            data.update(
                sie_type=summary.sie_type,
                encoding=summary.encoding,
                orgnr=summary.orgnr,
                company=summary.company,
                program=summary.program,
                years=[
                    {
                        "index": y.index,
                        "start": y.start.isoformat() if y.start else None,
                        "end": y.end.isoformat() if y.end else None,
                    }
                    for y in summary.years
                ],
                counts=attrs.asdict(summary.counts),
            )
        data["findings"] = [f.to_json() for f in self.findings]
        return data


def _sorted(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: f.line))


def validate(
    read_result: ReadResultLike, settings: ImportSettings | None = None
) -> ValidationResult:
    """Import rules and integrity checks on what the reader produced."""
    settings = settings or ImportSettings()
    reader_findings = list(read_result.findings)
    file, encoding, size = read_result.file, read_result.encoding, read_result.size
    if any(f.code in REFUSING_CODES for f in reader_findings):
        return ValidationResult(None, _sorted(reader_findings), file, encoding, size)
    collecting = gc.isenabled()
    gc.disable()  # walking millions of rows creates no cycles; collection would only cost
    try:
        scan = scan_ledger(read_result.model)
        model, imported = apply_import_rules(read_result.model, settings, file=file, scan=scan)
        integrity = check_integrity(
            model, label_counts=read_result.label_counts, file=file, scan=scan
        )
    finally:
        if collecting:
            gc.enable()
    findings = _sorted([*reader_findings, *imported, *integrity])
    return ValidationResult(model, findings, file, encoding, size)


def load(
    source: Source,
    settings: ImportSettings | None = None,
    *,
    name: str | None = None,
    progress: Progress | None = None,
) -> ValidationResult:
    """Size check → :func:`sie.read` → :func:`validate`. Never raises for bad input.

    The size is checked twice: against ``os.stat`` before reading (a large file is not
    even opened), and while reading, which stops after the limit + 1 bytes whatever the
    source (a pipe, a FIFO and ``/dev/zero`` have no size to stat).
    """
    settings = settings or ImportSettings()
    file = name or (os.fspath(source) if isinstance(source, str | os.PathLike) else "")
    refused = check_size(source, settings)
    if refused is not None:
        return ValidationResult(None, (attrs.evolve(refused, file=file),), file=file)
    try:
        result = read(source, name=name, progress=progress, max_bytes=_limit(settings))
    except NotSie as exc:
        return ValidationResult(None, (exc.finding,), file=exc.finding.file or file)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return ValidationResult(
            None,
            (
                finding(
                    "file-unreadable",
                    f"the file cannot be read ({reason}); check the path and permissions",
                    0,
                    file,
                ),
            ),
            file=file,
        )
    return validate(result, settings)


__all__ = [
    "RECORD_RULES",
    "Counts",
    "ImportSettings",
    "LedgerScan",
    "Summary",
    "ValidationResult",
    "account_kind",
    "apply_import_rules",
    "cap_objects",
    "check_content",
    "check_integrity",
    "check_size",
    "covers_full_year",
    "fill_voucher_ids",
    "format_amount",
    "load",
    "objects_per_dimension",
    "scan_ledger",
    "validate",
]
