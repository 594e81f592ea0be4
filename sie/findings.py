"""Findings: what reading, import and validation noticed, as values.

A finding is never raised; it is collected and returned next to the model so
that the caller (library user or command line) decides what follows. Every
code of :mod:`sie` is a :data:`SieCode` (a ``Literal`` the type checker enforces)
listed once in :data:`CATALOGUE` with its severity and a short title; another
package (the closing) has its own codes and catalogue, merged explicitly with
:func:`merge` where the README's tables are made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar

import attrs

Severity = Literal["error", "warning", "info"]

#: Every code :mod:`sie` can emit; the type checker refuses any other in :func:`finding`.
SieCode = Literal[
    "not-sie",
    "too-large",
    "encoding",
    "encoding-declared",
    "encoding-repair",
    "encoding-invalid",
    "ctrl-z",
    "syntax",
    "unterminated-quote",
    "bad-field",
    "amount-comma",
    "missing-field",
    "extra-fields",
    "unknown-label",
    "record-order",
    "flag-set",
    "account-attributes-only",
    "duplicate-record",
    "year-duplicate",
    "year-too-long",
    "block-missing",
    "block-unclosed",
    "row-outside-voucher",
    "stray-brace",
    "rtrans-twin-missing",
    "rtrans-twin-differs",
    "empty-voucher",
    "ksumma-ok",
    "ksumma-mismatch",
    "ksumma-truncated",
    "file-unreadable",
    "internal-error",
    "orgnr-missing",
    "orgnr-unconfirmed",
    "orgnr-invalid",
    "orgnr-person",
    "orgnr-mismatch",
    "voucher-id-assigned",
    "voucher-id-missing",
    "objects-capped",
    "voucher-unbalanced",
    "account-undeclared",
    "account-undeclared-4i",
    "date-outside-year",
    "ub-mismatch",
    "res-mismatch",
    "ib-ub-mismatch",
    "voucher-duplicate",
    "voucher-order",
    "record-missing",
    "record-forbidden",
    "nothing-to-import",
    "unencodable-char",
    "control-char",
    "trailing-backslash",
    "amount-rounded",
    "unwritable-value",
    "row-history",
    "type-dropped",
    "unknown-written",
    "format-pc8",
    "encoding-ambiguous",
]

#: code -> (severity, title) for every :data:`SieCode`; the README's table is made from it.
CATALOGUE: dict[SieCode, tuple[Severity, str]] = {
    # --- reading: the file as a whole -------------------------------------------------
    "not-sie": ("error", "The file is not a SIE file (empty, binary or e.g. an HTML page)"),
    "too-large": ("error", "The file is larger than the configured size limit"),
    "encoding": ("info", "Which character encoding the file was decoded with"),
    "encoding-declared": ("warning", "The bytes are not in the encoding #FORMAT declares"),
    "encoding-repair": ("warning", "An isolated Latin-1 byte inside CP437 text was repaired"),
    "encoding-invalid": ("warning", "Bytes invalid in the file's encoding were replaced"),
    "ctrl-z": ("info", "A DOS end-of-file mark (Ctrl-Z) was dropped"),
    # --- reading: lines and fields -----------------------------------------------------
    "syntax": ("error", "A line does not follow the SIE syntax and was skipped"),
    "unterminated-quote": ("warning", "A quoted field is not closed before the end of the line"),
    "bad-field": ("error", "A field has an invalid value (amount, date, number); record skipped"),
    "amount-comma": ("warning", "An amount written with a decimal comma was read as a point"),
    "missing-field": ("error", "A mandatory field is missing; record skipped"),
    "extra-fields": ("info", "A record has more fields than the spec defines; extra ignored"),
    "unknown-label": ("warning", "A label the SIE spec does not define; kept, not interpreted"),
    "record-order": ("warning", "Records are not in the spec's group order"),
    "flag-set": ("warning", "#FLAGGA 1: the file says it has been imported already"),
    "account-attributes-only": ("warning", "#KTYP/#ENHET/#SRU for an account with no #KONTO"),
    "duplicate-record": ("warning", "A record that may occur once occurs again; the later wins"),
    "year-duplicate": ("error", "Two #RAR records give the same year index; the first is kept"),
    "year-too-long": ("error", "A financial year (#RAR) is longer than 18 months"),
    # --- reading: voucher blocks -------------------------------------------------------
    "block-missing": ("error", "A #VER is not followed by a { } block of rows"),
    "block-unclosed": ("error", "A voucher block is not closed with }"),
    "row-outside-voucher": ("error", "A transaction row stands outside a voucher block"),
    "stray-brace": ("warning", "A { or } line that belongs to no voucher"),
    "rtrans-twin-missing": ("error", "An #RTRANS is not followed by its #TRANS twin"),
    "rtrans-twin-differs": (
        "warning",
        "An #RTRANS and its #TRANS twin differ in account or amount",
    ),
    "empty-voucher": ("info", "A voucher has no rows"),
    # --- checksum ----------------------------------------------------------------------
    "ksumma-ok": ("info", "#KSUMMA verified"),
    "ksumma-mismatch": ("error", "#KSUMMA does not match the file's contents"),
    "ksumma-truncated": ("error", "An opening #KSUMMA has no closing #KSUMMA: file truncated"),
    # --- validation: import rules (sie.validation) -------------------------------------
    "file-unreadable": ("error", "The file cannot be opened or read"),
    "internal-error": ("error", "An unexpected failure inside sie-validate; please report it"),
    "orgnr-missing": ("warning", "#ORGNR is missing, empty or an all-zero placeholder"),
    "orgnr-unconfirmed": ("error", "An organisation number was expected but the file has none"),
    "orgnr-invalid": ("error", "#ORGNR is not a valid organisation number or personnummer"),
    "orgnr-person": ("info", "#ORGNR is a personnummer: a sole trader (enskild firma)"),
    "orgnr-mismatch": ("error", "The file belongs to another company than the expected one"),
    "voucher-id-assigned": ("info", "A 4I voucher without series or number got one on import"),
    "voucher-id-missing": ("warning", "A voucher of an export file has no series or number"),
    "objects-capped": ("warning", "A dimension has more objects than the import limit; skipped"),
    # --- validation: ledger integrity (sie.validation) ---------------------------------
    "voucher-unbalanced": ("error", "A voucher's #TRANS rows do not sum to zero"),
    "account-undeclared": ("warning", "An account is used but not declared with #KONTO"),
    "account-undeclared-4i": ("info", "A 4I file uses an account it does not declare"),
    "date-outside-year": ("warning", "A voucher or row date lies outside financial year 0"),
    "ub-mismatch": ("error", "#UB differs from #IB plus the year's transactions"),
    "res-mismatch": ("error", "#RES differs from the sum of the year's transactions"),
    "ib-ub-mismatch": ("warning", "This year's #IB differs from last year's #UB"),
    "voucher-duplicate": ("warning", "A voucher number occurs more than once in a series"),
    "voucher-order": ("info", "Voucher numbers of a series are not in ascending order"),
    "record-missing": ("warning", "A record the file's SIE type requires is missing"),
    "record-forbidden": ("warning", "A record the file's SIE type does not allow is present"),
    "nothing-to-import": ("error", "The file holds no accounts, balances or vouchers"),
    # --- writing (sie.writer) ----------------------------------------------------------
    "unencodable-char": ("warning", "A character CP437 cannot hold was transliterated or made ?"),
    "control-char": ("warning", "A control character in a text was written as a space"),
    "trailing-backslash": ("warning", "A text ending in a backslash got a space after it"),
    "amount-rounded": ("warning", "An amount with more than two decimals was rounded to öre"),
    "unwritable-value": ("error", "A value the SIE format cannot express; not written"),
    "row-history": ("warning", "#RTRANS/added #TRANS rows do not pair up; written as they stand"),
    "type-dropped": ("info", "Records the chosen SIE type does not allow were not written"),
    "unknown-written": ("info", "Records with labels the spec does not define were written"),
    "format-pc8": ("info", "The model's #FORMAT was replaced by PC8, the only SIE character set"),
    "encoding-ambiguous": ("warning", "Written bytes that encoding-guessing readers may misread"),
}


@attrs.frozen(slots=True)
class Finding:
    """One thing noticed about an input, with where it was noticed.

    ``line`` is the 1-based line in ``file`` (0 when it concerns the file as a whole).
    """

    code: str
    severity: Severity
    message: str
    line: int = 0
    file: str = ""

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "line": self.line,
            "message": self.message,
        }


#: A package's catalogue: code -> (severity, title); its keys are the package's code type
#: (a ``Literal``), and ``Mapping`` is invariant in its keys, hence ``Any``.
Catalogue = Mapping[Any, tuple[Severity, str]]
Code = TypeVar("Code", bound=str)


def make(
    catalogue: Mapping[Code, tuple[Severity, str]],
    code: Code,
    message: str,
    line: int = 0,
    file: str = "",
    severity: Severity | None = None,
) -> Finding:
    """A finding whose severity comes from ``catalogue`` unless given (each package's
    typed ``finding`` calls this with its own catalogue)."""
    default, _title = catalogue[code]
    return Finding(code, severity or default, message, line, file)


def finding(
    code: SieCode, message: str, line: int = 0, file: str = "", severity: Severity | None = None
) -> Finding:
    """Make a finding of :mod:`sie`; its severity comes from :data:`CATALOGUE` unless given."""
    return make(CATALOGUE, code, message, line, file, severity)


def has_errors(findings: list[Finding] | tuple[Finding, ...]) -> bool:
    return any(f.severity == "error" for f in findings)


def merge(*catalogues: Catalogue) -> dict[str, tuple[Severity, str]]:
    """One catalogue of several packages' (for the README); a code in two is an error."""
    merged: dict[str, tuple[Severity, str]] = {}
    for catalogue in catalogues:
        for code, entry in catalogue.items():
            if code in merged:
                raise ValueError(f"finding code {code!r} is in two catalogues")
            merged[code] = entry
    return merged


def catalogue_markdown(codes: Catalogue | None = None) -> str:
    """A README table of finding codes (default: :mod:`sie`'s catalogue)."""
    lines = ["| code | severity | meaning |", "|---|---|---|"]
    for code, (severity, title) in (CATALOGUE if codes is None else codes).items():
        lines.append(f"| `{code}` | {severity} | {title} |")
    return "\n".join(lines)
