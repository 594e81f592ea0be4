"""Import rules: what a closing program does to a file it imports.

In the style of Visma Skatt & Bokslut: the file must be the expected company's
(:func:`check_orgnr`), vouchers without series or number get one
(:func:`fill_voucher_ids`), and the objects of a dimension that has more of them
than the import accepts are dropped (:func:`cap_objects`), every amount kept. A
file over the size limit is refused before it is read (:func:`check_size`).
Each rule returns the model as imported and what it checked or changed.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any, BinaryIO, TypeVar

import attrs

from sie import orgnr as orgnr_mod
from sie.findings import Finding, SieCode, finding
from sie.model import ObjectRef, Row, SieFile, Voucher
from sie.reader import MAX_SIZE_MB, MEGABYTE, too_large
from sie.scan import LedgerScan, scan_ledger, serial

Source = str | os.PathLike[str] | bytes | BinaryIO
T = TypeVar("T")


@attrs.frozen(slots=True)
class ImportSettings:
    """What the importing company accepts. ``expected_orgnr`` is checked on creation."""

    expected_orgnr: str | None = attrs.field(default=None)
    max_size_mb: float = attrs.field(
        default=100, validator=[attrs.validators.gt(0), attrs.validators.le(MAX_SIZE_MB)]
    )
    default_series: str = attrs.field(default="A", validator=attrs.validators.min_len(1))
    max_objects: int = attrs.field(default=500, validator=attrs.validators.ge(0))

    @expected_orgnr.validator
    def _check_expected(self, _attribute: object, value: str | None) -> None:
        if value is not None:
            orgnr_mod.validate(value)


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
    limit = size_limit(settings)
    return None if size <= limit else too_large(limit, name, size)


def size_limit(settings: ImportSettings) -> int:
    """The size limit in bytes."""
    return int(settings.max_size_mb * MEGABYTE)


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
        count = serial(v.number)
        if count is not None:
            highest[series] = max(highest.get(series, 0), count)
    code: SieCode = "voucher-id-missing" if model.sie_type == "4E" else "voucher-id-assigned"
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
        filled = v._replace(**changes)
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
            rows[i] = r._replace(objects=kept)
        vouchers.append(v if rows is None else v._replace(rows=tuple(rows)))
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


__all__ = [
    "ImportSettings",
    "apply_import_rules",
    "cap_objects",
    "check_orgnr",
    "check_size",
    "fill_voucher_ids",
    "objects_per_dimension",
    "size_limit",
]
