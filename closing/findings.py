"""Finding codes of the closing, registered in the one catalogue of :mod:`sie.findings`."""

from __future__ import annotations

from sie.findings import Finding, Severity, finding, register

CODES: dict[str, tuple[Severity, str]] = {
    "closing-no-year": (
        "error",
        "No financial year 0 with an end date; the closing cannot be dated",
    ),
    "closing-no-rates": ("error", "No tax-year table for the year; give the rates or a rates year"),
    "closing-rates-substituted": ("warning", "Another tax year's table is used: a simulation"),
    "closing-result-booked": ("error", "A year result is already booked (8990–8999 moved)"),
    "closing-refused": ("error", "The closing was refused; the findings before it say why"),
    "closing-tax-booked": ("warning", "Income tax already booked; only the difference is booked"),
    "closing-balances-only": ("info", "No transactions; the trial balance uses #IB/#UB/#RES"),
    "closing-outside-year": (
        "warning",
        "Vouchers outside financial year 0 left out of the balance",
    ),
    "closing-not-balanced": ("warning", "Balance and result accounts do not sum to zero"),
    "closing-unbalanced": (
        "error",
        "The råbalans does not sum to zero; the closing is refused (force overrides)",
    ),
    "closing-forced": ("warning", "Closed on a råbalans that does not sum to zero, as forced"),
    "closing-ub-differs": ("warning", "IB + transactions differ from the file's #UB/#RES"),
    "closing-equity-result": ("warning", "The year-result equity account holds a balance already"),
    "closing-appropriations-booked": ("warning", "Appropriations already booked during the year"),
    "closing-attachment-difference": ("warning", "Open items do not sum to the account's UB"),
    "closing-attachment-unspecified": ("info", "No customer/supplier objects to specify a balance"),
    "closing-item-account": ("warning", "A supplied open item is on neither AR nor AP accounts"),
    "closing-pfond-unknown-year": ("warning", "A periodiseringsfond account with no known year"),
    "closing-pfond-negative": ("warning", "A periodiseringsfond account has a debit balance"),
    "closing-pfond-overdue": ("warning", "A periodiseringsfond older than six years; reversed now"),
    "closing-reversal-invalid": ("warning", "A requested voluntary reversal was capped or ignored"),
    "closing-pfond-capped": ("warning", "The requested allocation was capped at the maximum"),
    "closing-assets-missing": ("info", "No inventarier inputs; överavskrivningar not computed"),
    "closing-reserve-exceeds-book": (
        "warning",
        "Accumulated överavskrivningar exceed the inventarier's book value",
    ),
    "closing-tax-value-below-floor": (
        "warning",
        "The inventarier's book value is below the lowest tax value allowed",
    ),
    "closing-adjustment-unmapped": (
        "warning",
        "An account named non-deductible/non-taxable has no tax adjustment",
    ),
    "closing-rule20-skipped": ("info", "The 20-rule needs four years of acquisitions; skipped"),
    "closing-deficit": ("info", "The year gives a tax deficit (underskott) to carry forward"),
    # The tax return (closing/taxreturn/).
    "closing-taxreturn-not-closed": ("warning", "The closing was refused: no tax return"),
    "closing-sru-unmapped": ("warning", "An account maps to no INK2R field: missing from it"),
    "closing-sru-code-unknown": ("warning", "An account's #SRU code is no INK2R field of the year"),
    "closing-sru-negative": ("warning", "A return field has a sign its row does not take"),
    "closing-ink2r-unbalanced": ("warning", "INK2R assets differ from equity and liabilities"),
    "closing-ink2r-result": ("warning", "INK2R årets resultat differs from the closing's"),
    "closing-ink2s-differs": ("warning", "INK2S 4.15/4.16 differ from the closing's tax base"),
    "closing-sru-ore": ("info", "Whole-krona fields differ from exact sums by the öre dropped"),
    "closing-sru-year": ("warning", "No SRU tables for the tax year; another year's are used"),
    "closing-sru-identity": ("warning", "No usable organisation number: no SRU files"),
    "closing-sru-address": ("warning", "No postnummer/postort for INFO.SRU in #ADRESS"),
    "closing-sru-text": ("info", "Characters ISO-8859-1 cannot hold were replaced in SRU text"),
}

register(CODES)

__all__ = ["CODES", "Finding", "finding"]
