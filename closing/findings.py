"""Finding codes of the closing: its own catalogue and typed :func:`finding`.

The closing's codes are kept apart from :mod:`sie`'s; the README's tables merge the
two explicitly (:func:`sie.findings.merge`).
"""

from __future__ import annotations

from typing import Literal

from sie.findings import Finding, Severity, make

#: One code a row, in the order of the README's table: severity (E error,
#: W warning, I info), the code, its title. ``#`` lines are headings.
_TABLE = """
E closing-no-year No financial year 0 with an end date; the closing cannot be dated
E closing-no-rates No tax-year table for the year; give the rates or a rates year
W closing-rates-substituted Another tax year's table is used: a simulation
E closing-result-booked A year result is already booked (8990–8999 moved)
E closing-refused The closing was refused; the findings before it say why
W closing-tax-booked Income tax already booked; only the difference is booked
I closing-balances-only No transactions; the trial balance uses #IB/#UB/#RES
W closing-outside-year Vouchers outside financial year 0 left out of the balance
W closing-not-balanced Balance and result accounts do not sum to zero
E closing-unbalanced The råbalans does not sum to zero; the closing is refused (force overrides)
W closing-result-outside A result account outside 3000–8999 stays after the closing
W closing-forced Closed on a råbalans that does not sum to zero, as forced
W closing-ub-differs IB + transactions differ from the file's #UB/#RES
W closing-equity-result The year-result equity account holds a balance already
W closing-appropriations-booked Appropriations already booked during the year
W closing-attachment-difference Open items do not sum to the account's UB
I closing-attachment-unspecified No customer/supplier objects to specify a balance
W closing-item-account A supplied open item is on neither AR nor AP accounts
W closing-pfond-unknown-year A periodiseringsfond account with no known year
W closing-pfond-negative A periodiseringsfond account has a debit balance
W closing-pfond-overdue A periodiseringsfond older than six years; reversed now
W closing-reversal-invalid A requested voluntary reversal was capped or ignored
W closing-pfond-capped The requested allocation was capped at the maximum
I closing-assets-missing No inventarier inputs; överavskrivningar not computed
W closing-reserve-exceeds-book Accumulated överavskrivningar exceed the inventarier's book value
W closing-tax-value-below-floor The inventarier's book value is below the lowest tax value allowed
W closing-adjustment-unmapped An account named non-deductible/non-taxable has no tax adjustment
I closing-rule20-skipped The 20-rule needs four years of acquisitions; skipped
W closing-acquisitions-from-ledger No acquisitions given for the tax year; ledger debits used
W closing-acquisitions-unused Acquisitions given for years neither depreciation rule uses
I closing-deficit The year gives a tax deficit (underskott) to carry forward
# the tax return (closing/taxreturn/)
W closing-taxreturn-not-closed The closing was refused: no tax return
W closing-sru-unmapped An account maps to no INK2R field: missing from it
W closing-sru-code-unknown An account's #SRU code is no INK2R field of the year
W closing-sru-negative A return field has a sign its row does not take
W closing-ink2r-unbalanced INK2R assets differ from equity and liabilities
W closing-ink2r-result INK2R årets resultat differs from the closing's
W closing-ink2s-differs INK2S 4.15/4.16 differ from the closing's tax base
I closing-sru-ore Whole-krona fields differ from exact sums by the öre dropped
W closing-sru-year No SRU tables for the tax year; another year's are used
W closing-sru-draft A simulated or forced closing, or other years' SRU tables: no SRU files
W closing-sru-identity No usable organisation number: no SRU files
W closing-sru-address No postnummer/postort for INFO.SRU in #ADRESS
I closing-sru-text Characters ISO-8859-1 cannot hold were replaced in SRU text
"""

_SEVERITY: dict[str, Severity] = {"E": "error", "W": "warning", "I": "info"}


def _codes(table: str) -> dict[str, tuple[Severity, str]]:
    """The rows of :data:`_TABLE` as code -> (severity, title)."""
    out: dict[str, tuple[Severity, str]] = {}
    for line in table.strip().splitlines():
        if line.startswith("#"):
            continue
        severity, code, title = line.split(maxsplit=2)
        out[code] = (_SEVERITY[severity], title)
    return out


#: code -> (severity, title) for every code the closing can emit.
CODES: dict[str, tuple[Severity, str]] = _codes(_TABLE)

#: Every code the closing can emit; the type checker refuses any other in :func:`finding`
#: (tests/test_findings_codes.py holds it equal to the table above).
ClosingCode = Literal[
    "closing-no-year",
    "closing-no-rates",
    "closing-rates-substituted",
    "closing-result-booked",
    "closing-refused",
    "closing-tax-booked",
    "closing-balances-only",
    "closing-outside-year",
    "closing-not-balanced",
    "closing-unbalanced",
    "closing-result-outside",
    "closing-forced",
    "closing-ub-differs",
    "closing-equity-result",
    "closing-appropriations-booked",
    "closing-attachment-difference",
    "closing-attachment-unspecified",
    "closing-item-account",
    "closing-pfond-unknown-year",
    "closing-pfond-negative",
    "closing-pfond-overdue",
    "closing-reversal-invalid",
    "closing-pfond-capped",
    "closing-assets-missing",
    "closing-reserve-exceeds-book",
    "closing-tax-value-below-floor",
    "closing-adjustment-unmapped",
    "closing-rule20-skipped",
    "closing-acquisitions-from-ledger",
    "closing-acquisitions-unused",
    "closing-deficit",
    "closing-taxreturn-not-closed",
    "closing-sru-unmapped",
    "closing-sru-code-unknown",
    "closing-sru-negative",
    "closing-ink2r-unbalanced",
    "closing-ink2r-result",
    "closing-ink2s-differs",
    "closing-sru-ore",
    "closing-sru-year",
    "closing-sru-draft",
    "closing-sru-identity",
    "closing-sru-address",
    "closing-sru-text",
]


def finding(
    code: ClosingCode,
    message: str,
    line: int = 0,
    file: str = "",
    severity: Severity | None = None,
) -> Finding:
    """Make a finding of the closing; its severity comes from :data:`CODES` unless given."""
    return make(CODES, code, message, line, file, severity)


__all__ = ["CODES", "ClosingCode", "Finding", "finding"]
