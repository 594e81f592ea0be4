"""The sandbox's books: tenants (companies) with financial years, charts, series and vouchers.

Plain mutable records guarded by the sandbox's lock; the HTTP layer turns them into
Fortnox's JSON. Amounts are ``Decimal``; a voucher row keeps Debit and Credit apart as
Fortnox does. A tenant's ``version`` moves on every change so derived answers (the SIE
export) can be cached safely.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import attrs

from sie import bas
from sie.amounts import ZERO


@attrs.define
class AccountState:
    number: int
    description: str
    active: bool = True
    sru: int | None = None
    vat_code: str = ""


@attrs.define
class SeriesState:
    code: str
    description: str
    manual: bool = True
    #: Fortnox's closing series ("Ej låsbar serie") may post into a locked period; the API
    #: does not show this flag.
    lock_exempt: bool = False
    next_number: int = 1


@attrs.define
class VoucherRow:
    account: int
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    text: str = ""
    cost_center: str = ""
    project: str = ""
    quantity: Decimal | None = None
    removed: bool = False

    @property
    def amount(self) -> Decimal:
        """SIE sign convention: debit positive, credit negative."""
        return self.debit - self.credit


@attrs.define
class VoucherState:
    series: str
    number: int
    year: int
    date: dt.date
    description: str
    rows: list[VoucherRow]
    comments: str = ""
    reference_type: str = "MANUAL"
    reference_number: str = ""
    reg_date: dt.date | None = None
    cost_center: str = ""
    project: str = ""


@attrs.define
class FinancialYearState:
    id: int
    start: dt.date
    end: dt.date
    chart_type: str = "BAS 2024"
    accounting_method: str = "ACCRUAL"
    accounts: dict[int, AccountState] = attrs.field(factory=dict)
    series: dict[str, SeriesState] = attrs.field(factory=dict)
    vouchers: dict[tuple[str, int], VoucherState] = attrs.field(factory=dict)
    #: Opening balances (#IB) per account; ``ib_known`` is false when the seed had none.
    opening: dict[int, Decimal] = attrs.field(factory=dict)
    ib_known: bool = True
    #: Movements the seed states (#UB/#RES) but no voucher carries (years seeded
    #: without vouchers, such as the comparison year).
    base_movement: dict[int, Decimal] = attrs.field(factory=dict)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def movements(self) -> dict[int, Decimal]:
        """Base movements plus every voucher row of the year, per account."""
        totals = dict(self.base_movement)
        for voucher in self.vouchers.values():
            for row in voucher.rows:
                if not row.removed:
                    totals[row.account] = totals.get(row.account, ZERO) + row.amount
        return totals

    def closing_balance(self, account: int, movements: dict[int, Decimal]) -> Decimal:
        """UB for balance accounts (IB + movements), the year's result for the others."""
        moved = movements.get(account, ZERO)
        if bas.is_result(str(account)):
            return moved
        return self.opening.get(account, ZERO) + moved


@attrs.define
class CompanyInfo:
    name: str
    orgnr: str
    address: str = ""
    zip_code: str = ""
    city: str = ""
    contact: str = ""
    phone: str = ""
    country_code: str = "SE"


@attrs.define
class Payment:
    number: int
    amount: Decimal
    date: dt.date
    voucher: tuple[str, int, int] | None = None  # series, number, year id


@attrs.define
class Invoice:
    """A customer invoice (``supplier=False``) or a supplier invoice, with its payments."""

    number: str  # DocumentNumber, or the supplier's InvoiceNumber
    party_number: str
    party_name: str
    invoice_date: dt.date
    due_date: dt.date
    total: Decimal
    supplier: bool = False
    given_number: str = ""  # supplier invoices: Fortnox's own running number
    booked: bool = True
    cancelled: bool = False
    voucher: tuple[str, int, int] | None = None
    payments: list[Payment] = attrs.field(factory=list)
    cost_center: str = ""
    project: str = ""

    @property
    def balance(self) -> Decimal:
        return self.total - sum((p.amount for p in self.payments), ZERO)

    @property
    def final_pay_date(self) -> dt.date | None:
        if self.balance != 0 or not self.payments:
            return None
        return max(p.date for p in self.payments)


@attrs.define
class Tenant:
    database_number: int
    company: CompanyInfo
    years: list[FinancialYearState] = attrs.field(factory=list)
    locked_through: dt.date | None = None
    cost_centers: dict[str, str] = attrs.field(factory=dict)
    projects: dict[str, str] = attrs.field(factory=dict)
    customers: dict[str, str] = attrs.field(factory=dict)
    suppliers: dict[str, str] = attrs.field(factory=dict)
    invoices: list[Invoice] = attrs.field(factory=list)
    supplier_invoices: list[Invoice] = attrs.field(factory=list)
    #: Modules the company has a licence for (scope names); others answer 2001101.
    licences: frozenset[str] = frozenset()
    program: str = "Fortnox"
    version: int = 0

    def year(self, year_id: int) -> FinancialYearState | None:
        return next((y for y in self.years if y.id == year_id), None)

    def year_for(self, day: dt.date) -> FinancialYearState | None:
        return next((y for y in self.years if y.contains(day)), None)

    def current_year(self, day: dt.date) -> FinancialYearState | None:
        """Fortnox's preselected year: the one holding today, else the latest."""
        return self.year_for(day) or (self.years[-1] if self.years else None)

    def previous_year(self, year: FinancialYearState) -> FinancialYearState | None:
        earlier = [y for y in self.years if y.end < year.start]
        return earlier[-1] if earlier else None

    def all_vouchers(self) -> Iterator[VoucherState]:
        for year in self.years:
            yield from year.vouchers.values()
