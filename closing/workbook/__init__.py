"""The Excel closing sheet (bokslutspärm): one workbook per company and year.

Every figure the engine computed is written as a formula over cells that hold
the engine's inputs (balances from the ledger, rates, the user's choices), so
an accountant can audit the arithmetic and tweak an input and the workbook
recomputes itself: sums, differences, the tax ladder, the periodiseringsfond
limit, the överavskrivning rules, and the closing vouchers themselves, whose
amounts point at the cells that decide them.

Inputs are blue, formulas black. Amounts are ``Decimal`` or formulas, never
floats. Text taken from the SIE file (account, company, counterparty names,
voucher texts) is always stored as text, never as a formula, and passes
:func:`safe_text` wherever it goes (cells, print headers and footers).

The package: :mod:`~closing.workbook.text` (safe text), :mod:`.styles`,
:mod:`.cells` (cells, named references, checks), :mod:`.page` (a sheet's
frame), :mod:`.layout` (sheets and BAS sections as data),
:mod:`.statements` (the one section writer of both statements) and one module
per sheet in :mod:`.sheets`.

:func:`build` also returns where each figure the engine knows was written
(:class:`Check`), so a test can recalculate the workbook with another
spreadsheet program and compare it with the engine to the öre.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from closing.appropriations import AssetInputs
from closing.engine import ClosingResult
from closing.taxreturn import TaxReturn
from closing.workbook.cells import Book, BuiltWorkbook, Check
from closing.workbook.layout import BALANCE_SECTIONS, OPERATING_SECTIONS, SHEETS, Section
from closing.workbook.sheets import (
    balance_sheet,
    funds,
    income_statement,
    ink2,
    ledgers,
    overavskrivning,
    overview,
    reconciliation,
    tax,
    tax_account,
    trial_balance,
    vouchers,
)
from closing.workbook.text import header_text, safe_text


def build(
    result: ClosingResult,
    assets: AssetInputs | None = None,
    *,
    tax_return: TaxReturn | None = None,
) -> BuiltWorkbook:
    """The closing workbook and the list of figures it can be checked on.

    ``assets`` (the inventarier inputs given to the closing) adds the 20-rule
    year by year; without it the rule's value is shown as computed.
    ``tax_return`` (``closing.taxreturn.tax_return(model, result)``) fills the
    INK2 sheet; without it the sheet says the return was not made.
    """
    book = Book(result, assets, tax_return)
    # Råbalans first: every other sheet refers to its rows.
    trial_balance.write(book)
    vouchers.write(book)
    income_statement.write(book)
    balance_sheet.write(book)
    funds.write(book)
    overavskrivning.write(book)
    tax.write(book)
    tax_account.write(book)
    ledgers.write(book, "customers")
    ledgers.write(book, "suppliers")
    reconciliation.write(book)
    ink2.write(book)
    overview.write(book)
    return book.build()


def build_workbook(
    result: ClosingResult,
    assets: AssetInputs | None = None,
    *,
    tax_return: TaxReturn | None = None,
) -> Workbook:
    """The closing workbook for ``result`` (see :func:`build`)."""
    return build(result, assets, tax_return=tax_return).workbook


def write_workbook(
    result: ClosingResult,
    path: str | Path,
    assets: AssetInputs | None = None,
    *,
    tax_return: TaxReturn | None = None,
) -> Path:
    """Write the closing workbook to ``path`` (an ``.xlsx`` file) and return the path."""
    target = Path(path)
    build_workbook(result, assets, tax_return=tax_return).save(target)
    return target


__all__ = [
    "BALANCE_SECTIONS",
    "OPERATING_SECTIONS",
    "SHEETS",
    "BuiltWorkbook",
    "Check",
    "Section",
    "build",
    "build_workbook",
    "header_text",
    "safe_text",
    "write_workbook",
]
