"""Validation: the pipeline from a file to the model as imported, with every finding.

Reading (:mod:`sie.reader`) says whether the *text* is SIE; the import rules
(:mod:`sie.import_rules`) and integrity checks (:mod:`sie.integrity`) say whether
the *ledger* may be imported as it is and holds together. :func:`validate` runs
rules and checks on what the reader produced; :func:`load` does size check →
:func:`sie.read` → :func:`validate`. Everything is reported as
:class:`~sie.findings.Finding` values; nothing raises. The command line renders
the result (:mod:`sie.cli`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

import attrs

from sie import bas, gcpause
from sie import orgnr as orgnr_mod
from sie.findings import Finding, finding, has_errors
from sie.import_rules import (
    ImportSettings,
    Source,
    apply_import_rules,
    cap_objects,
    check_size,
    fill_voucher_ids,
    objects_per_dimension,
    size_limit,
)
from sie.integrity import (
    OMITTABLE,
    check_content,
    check_integrity,
    check_records,
    covers_full_year,
    format_amount,
    labels_in,
)
from sie.model import FinancialYear, SieFile
from sie.reader import MEGABYTE, NotSie, read
from sie.scan import LedgerScan, scan_ledger
from sie.types import RECORD_RULES

Progress = Callable[[int, int], None]

#: Reader codes after which there is no model to validate.
REFUSING_CODES = frozenset({"not-sie", "too-large", "file-unreadable"})

#: ``"balance"``, ``"result"`` or ``None`` for an account: :func:`sie.bas.kind`.
account_kind = bas.kind


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
    with gcpause.paused():  # walking millions of rows creates no cycles
        scan = scan_ledger(read_result.model)
        model, imported = apply_import_rules(read_result.model, settings, file=file, scan=scan)
        integrity = check_integrity(
            model, label_counts=read_result.label_counts, file=file, scan=scan
        )
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
        result = read(source, name=name, progress=progress, max_bytes=size_limit(settings))
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
    "MEGABYTE",
    "OMITTABLE",
    "RECORD_RULES",
    "REFUSING_CODES",
    "Counts",
    "ImportSettings",
    "LedgerScan",
    "Progress",
    "Summary",
    "ValidationResult",
    "account_kind",
    "apply_import_rules",
    "cap_objects",
    "check_content",
    "check_integrity",
    "check_records",
    "check_size",
    "covers_full_year",
    "fill_voucher_ids",
    "format_amount",
    "labels_in",
    "load",
    "objects_per_dimension",
    "scan_ledger",
    "validate",
]
