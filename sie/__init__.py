"""SIE files: read, validate and write the Swedish accounting exchange format.

>>> import sie
>>> result = sie.read("samples/norrsken_ab_2025.se")   # doctest: +SKIP
>>> model, findings = result                            # doctest: +SKIP
"""

from sie.findings import CATALOGUE, Finding
from sie.model import (
    Account,
    Balance,
    Dimension,
    FinancialYear,
    Header,
    Ledger,
    Object,
    ObjectBalance,
    PeriodBalance,
    Row,
    SieFile,
    UnknownRecord,
    Voucher,
)
from sie.reader import NotSie, ReadResult, TooLarge, iter_records, iter_vouchers, read
from sie.validation import ImportSettings, ValidationResult, load, validate
from sie.writer import dumps, write

__all__ = [
    "CATALOGUE",
    "Account",
    "Balance",
    "Dimension",
    "FinancialYear",
    "Finding",
    "Header",
    "ImportSettings",
    "Ledger",
    "NotSie",
    "Object",
    "ObjectBalance",
    "PeriodBalance",
    "ReadResult",
    "Row",
    "SieFile",
    "TooLarge",
    "UnknownRecord",
    "ValidationResult",
    "Voucher",
    "dumps",
    "iter_records",
    "iter_vouchers",
    "load",
    "read",
    "validate",
    "write",
]
