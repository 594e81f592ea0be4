"""Findings: what reading, import and validation noticed, as values.

A finding is never raised; it is collected and returned next to the model so
that the caller (library user or command line) decides what follows. Every
code is listed once in :data:`CATALOGUE` with its severity and a short title;
the README's findings table is generated from it.
"""

from __future__ import annotations

from typing import Literal

import attrs

Severity = Literal["error", "warning", "info"]

#: code -> (severity, title). One place for every code the project can emit.
CATALOGUE: dict[str, tuple[Severity, str]] = {
    # --- reading: the file as a whole -------------------------------------------------
    "not-sie": ("error", "The file is not a SIE file (empty, binary or e.g. an HTML page)"),
    "too-large": ("error", "The file is larger than the configured size limit"),
    "encoding": ("info", "Which character encoding the file was decoded with"),
    "encoding-declared": ("warning", "The bytes are not in the encoding #FORMAT declares"),
    "encoding-repair": ("warning", "An isolated Latin-1 byte inside CP437 text was repaired"),
    "ctrl-z": ("info", "A DOS end-of-file mark (Ctrl-Z) was dropped"),
    # --- reading: lines and fields -----------------------------------------------------
    "syntax": ("error", "A line does not follow the SIE syntax and was skipped"),
    "unterminated-quote": ("warning", "A quoted field is not closed before the end of the line"),
    "bad-field": ("error", "A field has an invalid value (amount, date, number); record skipped"),
    "missing-field": ("error", "A mandatory field is missing; record skipped"),
    "extra-fields": ("info", "A record has more fields than the spec defines; extra ignored"),
    "unknown-label": ("warning", "A label the SIE spec does not define; kept, not interpreted"),
    "record-order": ("warning", "Records are not in the spec's group order"),
    "flag-set": ("warning", "#FLAGGA 1: the file says it has been imported already"),
    "duplicate-record": ("warning", "A record that may occur once occurs again; the later wins"),
    # --- reading: voucher blocks -------------------------------------------------------
    "block-missing": ("error", "A #VER is not followed by a { } block of rows"),
    "block-unclosed": ("error", "A voucher block is not closed with }"),
    "row-outside-voucher": ("error", "A transaction row stands outside a voucher block"),
    "stray-brace": ("warning", "A { or } line that belongs to no voucher"),
    "rtrans-twin-missing": ("error", "An #RTRANS is not followed by its #TRANS twin"),
    "rtrans-twin-differs": ("warning", "An #RTRANS and its #TRANS twin differ in account or amount"),
    "empty-voucher": ("info", "A voucher has no rows"),
    # --- checksum ----------------------------------------------------------------------
    "ksumma-ok": ("info", "#KSUMMA verified"),
    "ksumma-mismatch": ("error", "#KSUMMA does not match the file's contents"),
    "ksumma-truncated": ("error", "An opening #KSUMMA has no closing #KSUMMA: file truncated"),
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


def finding(code: str, message: str, line: int = 0, file: str = "") -> Finding:
    """Make a finding whose severity comes from the catalogue."""
    severity, _title = CATALOGUE[code]
    return Finding(code, severity, message, line, file)


def has_errors(findings: list[Finding] | tuple[Finding, ...]) -> bool:
    return any(f.severity == "error" for f in findings)
