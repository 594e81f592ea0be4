"""Seeding tenants from SIE files: one company per organisation number.

Each file's ``#RAR 0`` becomes a financial year with the file's chart and vouchers; the
other ``#RAR`` years are kept with their balances only (Fortnox holds them as earlier
years). Several files of one company (same ``#ORGNR``) add their years to one tenant.
Vouchers keep their series and numbers; a voucher without series or number (allowed in
SIE) is numbered on at the end of series A, as Fortnox's own import would, and noted.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path

import attrs

import sie
from fortnox_bridge.sandbox.oauth import SCOPES
from fortnox_bridge.sandbox.seed_invoices import derive, number_key
from fortnox_bridge.sandbox.state import (
    AccountState,
    CompanyInfo,
    FinancialYearState,
    Invoice,
    SeriesState,
    Tenant,
    VoucherRow,
    VoucherState,
)
from sie import bas
from sie.amounts import ZERO

MAX_TENANTS = 30  # the developer portal's number of test databases
FIRST_DATABASE_NUMBER = 500001
#: Fortnox's closing series: manual and exempt from the locked period.
CLOSING_SERIES = SeriesState("I", "Ej låsbar serie", manual=True, lock_exempt=True)
#: What a series is called and whether it is manual, by the vouchers it holds.
SERIES_BY_REFERENCE = {
    "INVOICE": ("Kundfakturor", False),
    "INVOICEPAYMENT": ("Inbetalningar", False),
    "SUPPLIERINVOICE": ("Leverantörsfakturor", False),
    "SUPPLIERPAYMENT": ("Utbetalningar", False),
}
#: Scopes whose modules every seeded company is licensed for unless told otherwise: every
#: scope but the financing service's (a separate agreement with Fortnox).
ALL_LICENCES = SCOPES - {"noxfinansinvoice"}
DEFAULT = "default"


class SeedError(ValueError):
    """A seed file that cannot make a company (with the file and what to do)."""


@attrs.frozen
class SeedOptions:
    """How seeded companies look beyond what the SIE file says.

    ``locked_through``: the locked period's end; ``"default"`` is the last day of the month
    before the latest year's last month (for a calendar year: 30 November), ``None`` locks
    nothing. ``inactive_accounts``: account numbers marked inactive in every year.
    ``series_manual``: override the manual flag per series code. ``licences``: scopes the
    companies hold licences for.
    """

    locked_through: dt.date | str | None = DEFAULT
    inactive_accounts: frozenset[str] = frozenset()
    series_manual: Mapping[str, bool] = attrs.field(factory=dict)
    licences: frozenset[str] = ALL_LICENCES


@attrs.define
class SeedResult:
    tenants: list[Tenant]
    notes: list[str]


Source = str | os.PathLike[str] | bytes | sie.SieFile


def seed(files: Sequence[Source], options: SeedOptions | None = None) -> SeedResult:
    """Tenants from SIE files (paths or bytes) or models already read."""
    options = options or SeedOptions()
    by_orgnr: dict[str, Tenant] = {}
    notes: list[str] = []
    for index, source in enumerate(files):
        name = str(source) if isinstance(source, str | os.PathLike) else f"seed {index + 1}"
        model = _read(source, name)
        orgnr = model.header.orgnr.strip().replace("-", "")
        tenant = by_orgnr.get(orgnr)
        if tenant is not None and model.sie_type == "4I":
            _add_unbooked(tenant, model, name, notes)
            continue
        if tenant is None:
            if len(by_orgnr) >= MAX_TENANTS:
                raise SeedError(f"{name}: more than {MAX_TENANTS} companies; seed at most 30")
            tenant = _new_tenant(model, by_orgnr.values(), options)
            by_orgnr[orgnr] = tenant
        _add_file(tenant, model, name, options, notes)
    tenants = list(by_orgnr.values())
    for tenant in tenants:
        tenant.years.sort(key=lambda y: y.start)
        for number, year in enumerate(tenant.years, start=1):
            year.id = number
        _fix_references(tenant)
        _number_register(tenant)
        _complete_series(tenant, options)
        tenant.locked_through = _lock(tenant, options.locked_through)
    return SeedResult(tenants, notes)


def _read(source: Source, name: str) -> sie.SieFile:
    model = source if isinstance(source, sie.SieFile) else _read_file(source, name)
    year = model.year(0)
    if year is None or year.start is None or year.end is None:
        raise SeedError(f"{name}: no #RAR 0 with dates; a company needs its financial year")
    if not model.header.orgnr.strip():
        raise SeedError(f"{name}: no #ORGNR; the sandbox tells companies apart by it")
    return model


def _read_file(source: str | os.PathLike[str] | bytes, name: str) -> sie.SieFile:
    try:
        result = sie.read(source if isinstance(source, bytes) else Path(source), name=name)
    except sie.NotSie as exc:
        raise SeedError(f"{name}: not a SIE file ({exc}); give a SIE 4 export") from exc
    except OSError as exc:
        raise SeedError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    checked = sie.validate(result)
    errors = [f for f in checked.findings if f.severity == "error"]
    if errors:
        first = errors[0]
        raise SeedError(
            f"{name}:{first.line}: {first.message} — Fortnox holds only balanced books, so a "
            "seed file must read and validate without errors"
        )
    return result.model


def _new_tenant(model: sie.SieFile, existing: Iterable[Tenant], options: SeedOptions) -> Tenant:
    taken = {t.database_number for t in existing}
    fnr = model.header.company_id.strip()
    number = int(fnr) if fnr.isdigit() and int(fnr) not in taken else FIRST_DATABASE_NUMBER
    while number in taken:
        number += 1
    contact, street, postal, phone = model.header.address or ("", "", "", "")
    zip_code, _, city = postal.partition(" ") if postal[:1].isdigit() else ("", "", postal)
    if zip_code and city[:1].isdigit():  # "972 31 Luleå"
        more, _, city = city.partition(" ")
        zip_code = f"{zip_code} {more}"
    company = CompanyInfo(
        name=model.header.company_name,
        orgnr=model.header.orgnr.strip(),
        address=street,
        zip_code=zip_code,
        city=city,
        contact=contact,
        phone=phone,
    )
    return Tenant(database_number=number, company=company, licences=options.licences)


def _add_file(
    tenant: Tenant, model: sie.SieFile, name: str, options: SeedOptions, notes: list[str]
) -> None:
    chart = {
        int(a.number): AccountState(
            number=int(a.number),
            description=a.name or a.number,
            active=a.number not in options.inactive_accounts,
            sru=int(a.sru[0]) if a.sru and a.sru[0].isdigit() else None,
        )
        for a in model.accounts
        if a.number.isdigit() and 1000 <= int(a.number) <= 9999
    }
    for o in model.objects:
        registers = {
            1: tenant.cost_centers,
            6: tenant.projects,
            8: tenant.customers,
            9: tenant.suppliers,
        }
        if o.dimension in registers:
            registers[o.dimension][o.id] = o.name
    for year in sorted(model.years, key=lambda y: -y.index):
        if year.start is None or year.end is None:
            continue
        existing = next((y for y in tenant.years if y.start == year.start), None)
        if existing is not None and (year.index != 0 or existing.vouchers):
            if existing.end != year.end:
                raise SeedError(f"{name}: year {year.start}–{year.end} overlaps a seeded year")
            if year.index != 0:
                continue
            raise SeedError(f"{name}: the year {year.start}–{year.end} is seeded twice")
        if existing is not None:
            tenant.years.remove(existing)
        state = FinancialYearState(id=0, start=year.start, end=year.end)
        state.accounts = {n: attrs.evolve(a) for n, a in chart.items()}
        _balances(state, model, year.index)
        if year.index == 0:
            _vouchers(tenant, state, model, name, notes)
        tenant.years.append(state)


def _balances(state: FinancialYearState, model: sie.SieFile, index: int) -> None:
    opening: dict[int, Decimal] = {}
    stated: dict[int, Decimal] = {}
    for b in model.balances:
        if b.year != index or not b.account.isdigit():
            continue
        if b.kind == "IB":
            opening[int(b.account)] = b.amount
        else:
            stated[int(b.account)] = b.amount
    state.opening = opening
    state.ib_known = bool(opening)
    moved: dict[int, Decimal] = {}
    if index == 0:
        for r in (r for v in model.vouchers for r in v.trans):
            if r.account.isdigit():
                moved[int(r.account)] = moved.get(int(r.account), ZERO) + r.amount
    for account, amount in stated.items():
        base = amount - moved.get(account, ZERO)
        if not bas.is_result(str(account)):
            base -= opening.get(account, ZERO)
        if base:
            state.base_movement[account] = base


def _vouchers(
    tenant: Tenant, state: FinancialYearState, model: sie.SieFile, name: str, notes: list[str]
) -> None:
    numbered: list[tuple[sie.Voucher, str, int]] = []
    unnumbered: list[sie.Voucher] = []
    for v in model.vouchers:
        if v.series and v.number.isdigit():
            numbered.append((v, v.series, int(v.number)))
        else:
            unnumbered.append(v)
    last = max((n for _, s, n in numbered if s == "A"), default=0)
    for v in unnumbered:
        last += 1
        numbered.append((v, "A", last))
        notes.append(
            f"{name}:{v.line}: voucher {v.date} “{v.text}” had no series or number; "
            f"seeded as A {last}"
        )
    for v, series, number in numbered:
        if (series, number) in state.vouchers:
            raise SeedError(f"{name}:{v.line}: voucher {series} {number} occurs twice")
        state.vouchers[(series, number)] = VoucherState(
            series=series,
            number=number,
            year=0,
            date=v.date,
            description=v.text or "-",
            rows=[_row(r) for r in v.trans if r.account.isdigit()],
            reg_date=v.reg_date,
        )
        code = state.series.setdefault(series, SeriesState(series, f"Serie {series}"))
        code.next_number = max(code.next_number, number + 1)
    derived = derive(model, numbered, 0, state.start)
    _merge_invoices(tenant, derived.invoices + derived.supplier_invoices)
    for key, (kind, ref) in derived.references.items():
        state.vouchers[key].reference_type = kind
        state.vouchers[key].reference_number = ref


def _merge_invoices(tenant: Tenant, found: list[Invoice]) -> None:
    """Add a year's invoices. One carried over from an earlier year (an ``#OIB`` there, a
    booking here, or the other way round when the later file came first) is one invoice:
    its booking (else its earliest appearance) gives date and total, and the payments of
    every year are kept."""
    known = {(i.supplier, i.number): i for i in tenant.invoices + tenant.supplier_invoices}
    for invoice in found:
        old = known.get((invoice.supplier, invoice.number))
        if old is None:
            target = tenant.supplier_invoices if invoice.supplier else tenant.invoices
            target.append(invoice)
            known[(invoice.supplier, invoice.number)] = invoice
            continue
        booked_here = old.voucher is None and invoice.voucher is not None
        opened_earlier = old.voucher is None and invoice.invoice_date < old.invoice_date
        if booked_here or opened_earlier:
            for field in ("invoice_date", "due_date", "total", "voucher"):
                setattr(old, field, getattr(invoice, field))
        if not old.party_number:
            old.party_number, old.party_name = invoice.party_number, invoice.party_name
        old.payments.extend(invoice.payments)


def _number_register(tenant: Tenant) -> None:
    """Supplier invoices get Fortnox's running numbers and payments theirs, by date."""
    tenant.invoices.sort(key=lambda i: (i.invoice_date, number_key(i.number)))
    tenant.supplier_invoices.sort(key=lambda i: i.invoice_date)
    for given, invoice in enumerate(tenant.supplier_invoices, start=1):
        invoice.given_number = str(given)
    for register in (tenant.invoices, tenant.supplier_invoices):
        payments = sorted((p for i in register for p in i.payments), key=lambda p: p.date)
        for number, payment in enumerate(payments, start=1):
            payment.number = number


def _add_unbooked(tenant: Tenant, model: sie.SieFile, name: str, notes: list[str]) -> None:
    """A 4I file of a company already seeded is its invoicing program's feed: its invoices
    are in Fortnox's invoice register but not yet booked (``filter=unbooked``)."""
    year = model.year(0)
    assert year is not None and year.start is not None
    derived = derive(model, [(v, "", 0) for v in model.vouchers], 0, year.start)
    taken = {(i.supplier, i.number) for i in tenant.invoices + tenant.supplier_invoices}
    for invoice in derived.invoices + derived.supplier_invoices:
        if (invoice.supplier, invoice.number) in taken:
            raise SeedError(f"{name}: invoice {invoice.number} is already in the company's books")
        invoice.booked, invoice.voucher = False, None
        (tenant.supplier_invoices if invoice.supplier else tenant.invoices).append(invoice)
    count = len(derived.invoices) + len(derived.supplier_invoices)
    notes.append(f"{name}: a 4I file of {model.header.orgnr}: {count} unbooked invoice(s) added")


def _row(r: sie.Row) -> VoucherRow:
    objects = dict(r.objects)
    return VoucherRow(
        account=int(r.account),
        debit=r.amount if r.amount > 0 else ZERO,
        credit=-r.amount if r.amount < 0 else ZERO,
        text=r.text,
        cost_center=objects.get(1, ""),
        project=objects.get(6, ""),
        quantity=r.quantity,
    )


def _fix_references(tenant: Tenant) -> None:
    """Year ids are known only once every file is in: fill them into vouchers and links."""
    for year in tenant.years:
        for voucher in year.vouchers.values():
            voucher.year = year.id
    for invoice in tenant.invoices + tenant.supplier_invoices:
        if invoice.voucher is not None:
            invoice.voucher = _with_year(tenant, invoice.voucher, invoice.invoice_date)
        for payment in invoice.payments:
            if payment.voucher is not None:
                payment.voucher = _with_year(tenant, payment.voucher, payment.date)


def _with_year(tenant: Tenant, ref: tuple[str, int, int], day: dt.date) -> tuple[str, int, int]:
    year = tenant.year_for(day)
    return (ref[0], ref[1], year.id if year else 0)


def _complete_series(tenant: Tenant, options: SeedOptions) -> None:
    """Every year gets every series the company uses, described by its vouchers, plus
    A (manual bookkeeping) and I (the closing series)."""
    kinds: dict[str, set[str]] = {}
    for voucher in tenant.all_vouchers():
        kinds.setdefault(voucher.series, set()).add(voucher.reference_type)
    codes = sorted(set(kinds) | {"A", CLOSING_SERIES.code})
    for year in tenant.years:
        for code in codes:
            series = year.series.setdefault(code, SeriesState(code, f"Serie {code}"))
            used = [n for (s, n) in year.vouchers if s == code]
            series.next_number = max(used, default=0) + 1
            refs = kinds.get(code, set())
            if code == CLOSING_SERIES.code:
                series.description = CLOSING_SERIES.description
                series.lock_exempt = True
            elif code == "A":
                series.description = "Redovisning"
            elif len(refs) >= 1 and "MANUAL" not in refs:
                series.description, series.manual = SERIES_BY_REFERENCE[sorted(refs)[0]]
                if len(refs) > 1:
                    series.description = "Betalningar"
            if code in options.series_manual:
                series.manual = options.series_manual[code]


def _lock(tenant: Tenant, locked: dt.date | str | None) -> dt.date | None:
    if locked is None or isinstance(locked, dt.date):
        return locked
    if not tenant.years:
        return None
    last = tenant.years[-1].end
    return last.replace(day=1) - dt.timedelta(days=1)
