"""The year-end closing of an aktiebolag: one call from a ledger to every figure
and voucher, and a helper that appends the vouchers to the ledger.

``close`` never raises on a ledger it cannot close: it returns a result with
``closed=False`` and findings that say why (no financial year, no rates for
the year, a year result already booked).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from closing.appropriations import (
    AssetInputs,
    Fund,
    Overavskrivning,
    PfondReversal,
    allocation_account,
    fy_start,
    overavskrivning,
    pfond_plan,
    with_allocation,
)
from closing.attachments import Attachment, OpenItem, attachments
from closing.findings import Finding, finding
from closing.rates import RATES, TaxYearRates, for_year
from closing.settings import (
    ACCOUNT_NAMES,
    PFOND_NAME,
    PFOND_SECOND_NAME,
    ClosingAccounts,
    ClosingSettings,
)
from closing.tax import Adjustment, adjustments, compute_tax
from closing.trial_balance import TrialBalance, trial_balance
from closing.vouchers import number, transfer, year_label
from sie.model import Account, Balance, FinancialYear, PeriodBalance, SieFile, Voucher

ZERO = Decimal("0.00")


def _money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


@attrs.frozen(slots=True)
class ClosingResult:
    """Everything a closing produced: the figures of the tax ladder, the
    registers, the vouchers, the trial balance and attachments, and findings.

    Amounts follow the accountant's reading, not the SIE sign: a profit, an
    allocation, a reversal, a tax are positive. Renderers (workbook, CLI, SIE
    writer) take everything from here and recompute nothing.
    """

    #: False when the closing was refused; ``findings`` then say why.
    closed: bool
    company: str
    orgnr: str
    year: FinancialYear | None
    #: Calendar year in which the financial year ends: names the new fund and
    #: dates the register. ``rates.year`` differs only in a simulation.
    tax_year: int | None
    rates: TaxYearRates | None
    settings: ClosingSettings
    trial_balance: TrialBalance
    attachments: tuple[Attachment, ...]
    #: Net of 3000–8799, profit positive.
    result_before_appropriations: Decimal
    #: Appropriations booked during the year before the closing (profit positive),
    #: the allocation account excluded; and an allocation already booked.
    booked_appropriations: Decimal = ZERO
    booked_allocation: Decimal = ZERO
    pfond_reversals: tuple[PfondReversal, ...] = ()
    #: The periodiseringsfond register after closing.
    pfond_register: tuple[Fund, ...] = ()
    funds_at_start: Decimal = ZERO
    schablon_rate: Decimal = ZERO
    #: Months of the financial year; the schablonintäkt is pro-rated by months / 12.
    schablon_months: int = 12
    schablonintakt: Decimal = ZERO
    upprakning: Decimal = ZERO
    #: Change in accumulated överavskrivningar booked by the closing (positive = cost).
    overavskrivning: Decimal = ZERO
    overavskrivning_detail: Overavskrivning | None = None
    #: (change, reserve) accounts the överavskrivning voucher uses
    overavskrivning_accounts: tuple[str, str] = ("8853", "2153")
    adjustments: tuple[Adjustment, ...] = ()
    #: INK2S 4.3c added back and 4.5c deducted, both positive.
    non_deductible: Decimal = ZERO
    non_taxable: Decimal = ZERO
    #: Surplus before the allocation and the previous deficit.
    surplus: Decimal = ZERO
    previous_deficit: Decimal = ZERO
    pfond_base: Decimal = ZERO
    pfond_max: Decimal = ZERO
    pfond_allocation: Decimal = ZERO
    pfond_allocation_account: str = ""
    taxable_income_exact: Decimal = ZERO
    taxable_income: Decimal = ZERO
    tax_rate: Decimal = ZERO
    tax: Decimal = ZERO
    #: Tax already on the tax account before closing; the closing books the rest.
    booked_tax: Decimal = ZERO
    arets_resultat: Decimal = ZERO
    deficit_carried_forward: Decimal = ZERO
    vouchers: tuple[Voucher, ...] = ()
    #: Accounts the vouchers use that the file's chart lacks, with BAS names.
    new_accounts: tuple[Account, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def pfond_reversal_total(self) -> Decimal:
        return sum((r.amount for r in self.pfond_reversals), ZERO)

    @property
    def booked_result_before_allocation(self) -> Decimal:
        return (
            self.result_before_appropriations
            + self.booked_appropriations
            + self.pfond_reversal_total
            - self.overavskrivning
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-ready values; amounts are strings with two decimals."""
        year = self.year
        return {
            "closed": self.closed,
            "company": self.company,
            "orgnr": self.orgnr,
            "year": {
                "start": year.start.isoformat() if year and year.start else None,
                "end": year.end.isoformat() if year and year.end else None,
            },
            "tax_year": self.tax_year,
            "result_before_appropriations": _money(self.result_before_appropriations),
            "pfond_reversals": [
                {
                    "account": r.account,
                    "year": r.year,
                    "amount": _money(r.amount),
                    "forced": r.forced,
                    "upprakning": _money(r.upprakning),
                }
                for r in self.pfond_reversals
            ],
            "overavskrivning": _money(self.overavskrivning),
            "adjustments": [
                {"account": a.account, "name": a.name, "field": a.field, "amount": _money(a.amount)}
                for a in self.adjustments
            ],
            "non_deductible": _money(self.non_deductible),
            "non_taxable": _money(self.non_taxable),
            "funds_at_start": _money(self.funds_at_start),
            "schablonintakt": _money(self.schablonintakt),
            "upprakning": _money(self.upprakning),
            "surplus": _money(self.surplus),
            "previous_deficit": _money(self.previous_deficit),
            "pfond_base": _money(self.pfond_base),
            "pfond_max": _money(self.pfond_max),
            "pfond_allocation": _money(self.pfond_allocation),
            "pfond_allocation_account": self.pfond_allocation_account,
            "taxable_income_exact": _money(self.taxable_income_exact),
            "taxable_income": _money(self.taxable_income),
            "tax": _money(self.tax),
            "arets_resultat": _money(self.arets_resultat),
            "deficit_carried_forward": _money(self.deficit_carried_forward),
            "pfond_register": [
                {
                    "account": f.account,
                    "year": f.year,
                    "opening": _money(f.opening),
                    "booked": _money(f.booked),
                    "reversal": _money(f.reversal),
                    "allocation": _money(f.allocation),
                    "closing": _money(f.closing),
                }
                for f in self.pfond_register
            ],
            "vouchers": [
                {
                    "series": v.series,
                    "number": v.number,
                    "date": v.date.isoformat(),
                    "text": v.text,
                    "rows": [{"account": r.account, "amount": _money(r.amount)} for r in v.rows],
                }
                for v in self.vouchers
            ],
            "attachments": [
                {
                    "account": a.account,
                    "title": a.title,
                    "source": a.source,
                    "book_balance": _money(a.book_balance),
                    "specified": _money(a.specified),
                    "difference": _money(a.difference),
                }
                for a in self.attachments
            ],
            "findings": [f.to_json() for f in self.findings],
        }


def close(
    model: SieFile,
    settings: ClosingSettings | None = None,
    assets: AssetInputs | None = None,
    counterparty_items: Iterable[OpenItem] | None = None,
) -> ClosingResult:
    """Close financial year 0 of ``model`` for an aktiebolag."""
    settings = settings or ClosingSettings()
    acc = settings.accounts
    tb = trial_balance(model, acc)
    atts, att_findings = attachments(model, tb, acc, counterparty_items)
    findings: list[Finding] = [*tb.findings, *att_findings]

    def result(**fields: Any) -> ClosingResult:
        return ClosingResult(
            company=model.header.company_name,
            orgnr=model.header.orgnr,
            settings=settings,
            trial_balance=tb,
            attachments=atts,
            result_before_appropriations=tb.result_before_appropriations,
            **fields,
        )

    year = model.year(0)
    if year is None or year.end is None:
        findings.append(
            finding(
                "closing-no-year",
                "The file has no financial year 0 (#RAR 0) with an end date, so the closing "
                "cannot be dated. Export the file with its financial years.",
            )
        )
        return result(closed=False, year=year, tax_year=None, rates=None, findings=tuple(findings))
    tax_year = year.end.year
    rates_year = settings.rates.year if settings.rates else settings.rates_year or tax_year
    rates = settings.rates or for_year(rates_year)
    if rates is None:
        findings.append(
            finding(
                "closing-no-rates",
                f"There is no tax-year table for {rates_year} (known: tax years ending "
                f"{min(RATES)}–{max(RATES)}). Give ClosingSettings.rates, or rates_year to "
                "close with another year's rates as a simulation.",
            )
        )
    elif rates.year != tax_year:
        findings.append(
            finding(
                "closing-rates-substituted",
                f"The financial year ends in {tax_year} but the {rates.year} tax table is "
                "used, so rates and limits are those of another year: treat the figures "
                "as a simulation.",
            )
        )
    if tb.booked_year_result:
        findings.append(
            finding(
                "closing-refused",
                "The closing is refused: a year result is already booked (see "
                "closing-result-booked).",
            )
        )
    if rates is None or tb.booked_year_result:
        return result(
            closed=False,
            year=year,
            tax_year=tax_year,
            rates=rates,
            findings=tuple(findings),
        )

    booked_allocation = tb.movement(acc.pfond_allocation)
    approp_movement = sum((x.movement for x in tb.in_range(acc.appropriations)), ZERO)
    booked_appropriations = -(approp_movement - booked_allocation)
    if approp_movement or booked_allocation:
        findings.append(
            finding(
                "closing-appropriations-booked",
                f"Appropriations are already booked in {acc.appropriations} (net "
                f"{-approp_movement}); the closing takes them as given and books only what "
                "is still needed.",
            )
        )

    plan = pfond_plan(tb, year, tax_year, rates, settings)
    findings.extend(plan.findings)
    over: Overavskrivning | None = None
    if settings.overavskrivning == "max" and assets is not None:
        over, fs = overavskrivning(tb, tax_year, rates, acc, assets)
        findings.extend(fs)
    elif settings.overavskrivning == "max":
        findings.append(
            finding(
                "closing-assets-missing",
                "No inventarier inputs were given, so överavskrivningar are not computed. "
                "Give AssetInputs (opening tax value, acquisitions, disposals) to book them.",
            )
        )
    over_change = over.change if over else ZERO

    adj = adjustments(tb, settings.adjustments)
    comp = compute_tax(
        result_before_appropriations=tb.result_before_appropriations,
        booked_appropriations=booked_appropriations,
        booked_allocation=booked_allocation,
        pfond_reversal=plan.reversal_total,
        overavskrivning=over_change,
        adjustments=adj,
        schablonintakt=plan.schablonintakt,
        upprakning=plan.upprakning,
        rates=rates,
        settings=settings,
    )
    findings.extend(comp.findings)
    alloc_account, second = allocation_account(plan.funds, tax_year, acc)
    register = with_allocation(plan.funds, alloc_account, tax_year, second, comp.pfond_allocation)

    day = year.end
    label = year_label(fy_start(year), day)
    over_accounts = _overavskrivning_accounts(tb, acc)
    series, sign = settings.series, settings.sign
    made: list[Voucher | None] = []
    for f in plan.funds:
        if f.reversal:
            made.append(
                transfer(
                    series,
                    day,
                    f"Återföring av {_fund_name(f.year, f.second, f.account)}",
                    f.account,
                    acc.pfond_reversal,
                    f.reversal,
                    sign,
                )
            )
    made.append(
        transfer(
            series,
            day,
            f"Förändring av överavskrivningar på inventarier {label}",
            *over_accounts,
            over_change,
            sign,
        )
    )
    made.append(
        transfer(
            series,
            day,
            f"Avsättning till {_fund_name(tax_year, second, alloc_account).lower()}",
            acc.pfond_allocation,
            alloc_account,
            comp.pfond_allocation,
            sign,
        )
    )
    tax_text = "Justering av beräknad inkomstskatt" if tb.booked_tax else "Beräknad inkomstskatt"
    made.append(
        transfer(
            series,
            day,
            f"{tax_text} {label}",
            acc.tax_cost,
            acc.tax_liability,
            comp.tax - tb.booked_tax,
            sign,
        )
    )
    vouchers = [v for v in made if v is not None]
    arets = _year_result(tb, vouchers, acc)
    result_voucher = transfer(
        series, day, f"Årets resultat {label}", acc.result_transfer, acc.result_equity, arets, sign
    )
    if result_voucher is not None:
        vouchers.append(result_voucher)
    numbered = number(vouchers, model.vouchers)

    return result(
        closed=True,
        year=year,
        tax_year=tax_year,
        rates=rates,
        booked_appropriations=booked_appropriations,
        booked_allocation=booked_allocation,
        pfond_reversals=plan.reversals,
        pfond_register=register,
        funds_at_start=plan.funds_at_start,
        schablon_rate=plan.schablon_rate,
        schablon_months=plan.months,
        schablonintakt=plan.schablonintakt,
        upprakning=plan.upprakning,
        overavskrivning=over_change,
        overavskrivning_detail=over,
        overavskrivning_accounts=over_accounts,
        adjustments=adj,
        non_deductible=comp.non_deductible,
        non_taxable=comp.non_taxable,
        surplus=comp.surplus,
        previous_deficit=comp.previous_deficit,
        pfond_base=comp.pfond_base,
        pfond_max=comp.pfond_max,
        pfond_allocation=comp.pfond_allocation,
        pfond_allocation_account=alloc_account,
        taxable_income_exact=comp.taxable_income_exact,
        taxable_income=comp.taxable_income,
        tax_rate=comp.rate,
        tax=comp.tax,
        booked_tax=tb.booked_tax,
        arets_resultat=arets,
        deficit_carried_forward=comp.deficit_carried_forward,
        vouchers=numbered,
        new_accounts=_new_accounts(model, numbered, register),
        findings=tuple(findings),
    )


def _overavskrivning_accounts(tb: TrialBalance, acc: ClosingAccounts) -> tuple[str, str]:
    """(change, reserve) accounts: the configured pair, unless the ledger keeps its
    accumulated överavskrivningar on another reserve account of the range — then
    that account and its BAS partner (2150 → 8850, 2153 → 8853) keep it in one place."""
    used = [x.account for x in tb.in_range(*acc.overavskrivning_reserves) if x.ub or x.ib]
    if acc.overavskrivning_reserve in used or len(used) != 1:
        return acc.overavskrivning_change, acc.overavskrivning_reserve
    reserve = used[0]
    return "88" + reserve[2:], reserve


def _fund_name(year: int | None, second: bool, account: str) -> str:
    if year is None:
        return f"periodiseringsfond på {account}"
    return (
        (PFOND_SECOND_NAME if second else PFOND_NAME)
        .format(year=year)
        .replace("Periodiseringsfond", "periodiseringsfond")
    )


def _year_result(tb: TrialBalance, vouchers: list[Voucher], acc: ClosingAccounts) -> Decimal:
    """Årets resultat: the net of every result account up to the taxes, after the
    closing vouchers, profit positive — the amount that zeroes the P&L."""
    ranges = (acc.operating, acc.appropriations, acc.taxes)
    booked = sum((x.ub for x in tb.in_range(*ranges)), ZERO)
    closing = sum(
        (r.amount for v in vouchers for r in v.rows if any(r.account in g for g in ranges)),
        ZERO,
    )
    return -(booked + closing)


def _new_accounts(
    model: SieFile, vouchers: tuple[Voucher, ...], register: tuple[Fund, ...]
) -> tuple[Account, ...]:
    known = {a.number for a in model.accounts}
    funds = {f.account: f for f in register}
    out: dict[str, Account] = {}
    for v in vouchers:
        for r in v.rows:
            if r.account in known or r.account in out:
                continue
            fund = funds.get(r.account)
            if fund is not None and fund.year is not None:
                name = (PFOND_SECOND_NAME if fund.second else PFOND_NAME).format(year=fund.year)
            else:
                name = ACCOUNT_NAMES.get(r.account, "")
            out[r.account] = Account(number=r.account, name=name)
    return tuple(sorted(out.values(), key=lambda a: a.number))


def apply(model: SieFile, result: ClosingResult) -> SieFile:
    """``model`` with the closing vouchers appended, numbered after the highest
    number of their series, plus the accounts they need; where the file carries
    year-0 #UB/#RES (and #PSALDO), those are moved by the closing too, so that a
    4E written from the result stays consistent."""
    if not result.vouchers:
        return model
    vouchers = number(result.vouchers, model.vouchers)
    known = {a.number for a in model.accounts}
    accounts = model.accounts + tuple(a for a in result.new_accounts if a.number not in known)
    moves: dict[str, Decimal] = {}
    for v in vouchers:
        for r in v.trans:
            moves[r.account] = moves.get(r.account, ZERO) + r.amount
    result_accounts = {x.account for x in result.trial_balance.lines if x.is_result}
    balances = _moved_balances(model, moves, result_accounts)
    periods = _moved_periods(model, moves, result.year)
    return attrs.evolve(
        model,
        accounts=accounts,
        balances=balances,
        period_balances=periods,
        vouchers=model.vouchers + vouchers,
    )


def _is_result_account(account: str, known_results: set[str]) -> bool:
    return account in known_results or (account[:1].isdigit() and int(account[0]) >= 3)


def _moved_balances(
    model: SieFile, moves: dict[str, Decimal], results: set[str]
) -> tuple[Balance, ...]:
    has = {
        kind
        for kind in ("UB", "RES")
        if any(b.kind == kind and b.year == 0 for b in model.balances)
    }
    if not has:
        return model.balances
    out = list(model.balances)
    seen: set[tuple[str, str]] = set()
    for i, b in enumerate(out):
        if b.year == 0 and b.kind in has and b.account in moves:
            kind = "RES" if _is_result_account(b.account, results) else "UB"
            if kind == b.kind:
                out[i] = attrs.evolve(b, amount=b.amount + moves[b.account])
                seen.add((b.kind, b.account))
    for account, amount in sorted(moves.items()):
        kind = "RES" if _is_result_account(account, results) else "UB"
        if kind in has and (kind, account) not in seen and amount:
            out.append(Balance(kind=kind, year=0, account=account, amount=amount))  # type: ignore[arg-type]
    return tuple(out)


def _moved_periods(
    model: SieFile, moves: dict[str, Decimal], year: FinancialYear | None
) -> tuple[PeriodBalance, ...]:
    if year is None or year.end is None:
        return model.period_balances
    if not any(
        p.kind == "PSALDO" and p.year == 0 and p.object is None for p in model.period_balances
    ):
        return model.period_balances
    period = (year.end.year, year.end.month)
    out = list(model.period_balances)
    seen: set[str] = set()
    for i, p in enumerate(out):
        if (
            p.kind == "PSALDO"
            and p.year == 0
            and p.object is None
            and p.period == period
            and p.account in moves
        ):
            out[i] = attrs.evolve(p, amount=p.amount + moves[p.account])
            seen.add(p.account)
    for account, amount in sorted(moves.items()):
        if account not in seen and amount:
            out.append(
                PeriodBalance(kind="PSALDO", year=0, period=period, account=account, amount=amount)
            )
    return tuple(out)


__all__ = ["ClosingResult", "apply", "close"]
