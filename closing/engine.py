"""The year-end closing of an aktiebolag: one call from a ledger to every figure
and voucher, and a helper that appends the vouchers to the ledger.

``close`` never raises on a ledger it cannot close: it returns a result with
``closed=False`` and findings that say why (no financial year, no rates for
the year, a year result already booked).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from closing.appropriations import (
    AssetInputs,
    Overavskrivning,
    PfondPlan,
    allocate,
    cover_loss,
    overavskrivning,
    pfond_plan,
)
from closing.attachments import Attachment, OpenItem, attachments
from closing.findings import Finding, finding
from closing.overavskrivning import inventarier_lines, ledger_acquisitions
from closing.rates import RATES, TaxYearRates, for_year
from closing.settings import (
    ClosingAccounts,
    ClosingSettings,
)
from closing.tax import (
    Adjustment,
    TaxComputation,
    adjustments,
    compute_tax,
    unmapped_adjustments,
)
from closing.trial_balance import TrialBalance, trial_balance
from closing.vouchers import (
    closing_entries,
    new_accounts,
    number,
    overavskrivning_accounts,
    year_result,
    year_result_voucher,
)
from sie import amounts, bas, dates
from sie.amounts import ZERO
from sie.model import Account, Balance, FinancialYear, PeriodBalance, SieFile, Voucher


@attrs.frozen(slots=True)
class ClosingResult:
    """Everything a closing produced, each part once: the trial balance and
    attachments, the periodiseringsfond plan, the överavskrivning, the tax
    computation, the vouchers and the findings.

    Amounts follow the accountant's reading, not the SIE sign: a profit, an
    allocation, a reversal, a tax are positive. Renderers (workbook, CLI, SIE
    writer) take everything from here and recompute nothing. ``tax`` and
    ``pfond`` are ``None`` when the closing was refused.
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
    #: The tax ladder (INK2S logic) with the allocation decided on the way.
    tax: TaxComputation | None = None
    #: The periodiseringsfond register after the closing (reversals, allocation,
    #: schablonintäkt, uppräkning).
    pfond: PfondPlan | None = None
    #: The överavskrivning computation; ``None`` when not computed (no asset inputs).
    overavskrivning: Overavskrivning | None = None
    #: (change, reserve) accounts the överavskrivning voucher uses.
    overavskrivning_accounts: tuple[str, str] = ("8853", "2153")
    #: Årets resultat after the closing, profit positive (the 8999 transfer).
    arets_resultat: Decimal = ZERO
    vouchers: tuple[Voucher, ...] = ()
    #: Accounts the vouchers use that the file's chart lacks, with BAS names.
    new_accounts: tuple[Account, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def result_before_appropriations(self) -> Decimal:
        """Net of 3000–8799, profit positive (from the trial balance)."""
        return self.trial_balance.result_before_appropriations

    def to_json(self) -> dict[str, Any]:
        """JSON-ready values; amounts are strings with two decimals (zero when refused)."""
        money = amounts.to_json
        tax, plan = self.tax, self.pfond

        def ladder(name: str) -> str | None:
            return money(getattr(tax, name) if tax is not None else ZERO)

        def plan_value(name: str) -> str | None:
            return money(getattr(plan, name) if plan is not None else ZERO)

        return {
            "closed": self.closed,
            "company": self.company,
            "orgnr": self.orgnr,
            "year": dates.span_json(self.year),
            "tax_year": self.tax_year,
            "result_before_appropriations": money(self.result_before_appropriations),
            "pfond_reversals": [
                {
                    "account": r.account,
                    "year": r.year,
                    "amount": money(r.amount),
                    "forced": r.forced,
                    "upprakning": money(r.upprakning),
                }
                for r in (plan.reversals if plan else ())
            ],
            "overavskrivning": ladder("overavskrivning"),
            "adjustments": [
                {"account": a.account, "name": a.name, "field": a.field, "amount": money(a.amount)}
                for a in (tax.adjustments if tax else ())
            ],
            "non_deductible": ladder("non_deductible"),
            "non_taxable": ladder("non_taxable"),
            "funds_at_start": plan_value("funds_at_start"),
            "schablonintakt": plan_value("schablonintakt"),
            "upprakning": plan_value("upprakning"),
            "surplus": ladder("surplus"),
            "previous_deficit": ladder("previous_deficit"),
            "pfond_base": ladder("pfond_base"),
            "pfond_max": ladder("pfond_max"),
            "pfond_allocation": ladder("pfond_allocation"),
            "pfond_allocation_account": plan.allocation_account if plan else "",
            "taxable_income_exact": ladder("taxable_income_exact"),
            "taxable_income": ladder("taxable_income"),
            "tax": ladder("tax"),
            "arets_resultat": money(self.arets_resultat),
            "deficit_carried_forward": ladder("deficit_carried_forward"),
            "pfond_register": [
                {
                    "account": f.account,
                    "year": f.year,
                    "opening": money(f.opening),
                    "booked": money(f.booked),
                    "reversal": money(f.reversal),
                    "allocation": money(f.allocation),
                    "closing": money(f.closing),
                }
                for f in (plan.funds if plan else ())
            ],
            "vouchers": [
                {
                    "series": v.series,
                    "number": v.number,
                    "date": v.date.isoformat(),
                    "text": v.text,
                    "rows": [{"account": r.account, "amount": money(r.amount)} for r in v.rows],
                }
                for v in self.vouchers
            ],
            "attachments": [
                {
                    "account": a.account,
                    "title": a.title,
                    "source": a.source,
                    "book_balance": money(a.book_balance),
                    "specified": money(a.specified),
                    "difference": money(a.difference),
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
    """Close financial year 0 of ``model`` for an aktiebolag.

    A pipeline of plain steps: trial balance and attachments → may we close
    (a dated year, a rate table, nothing booked twice, a råbalans that sums to
    zero)? → periodiseringsfond plan → överavskrivning → tax ladder with the
    allocation → vouchers.
    """
    settings = settings or ClosingSettings()
    acc = settings.accounts
    tb = trial_balance(model, acc)
    atts, att_findings = attachments(model, tb, acc, counterparty_items)
    year = model.year(0)
    result = ClosingResult(
        closed=False,
        company=model.header.company_name,
        orgnr=model.header.orgnr,
        year=year,
        tax_year=None,
        rates=None,
        settings=settings,
        trial_balance=tb,
        attachments=atts,
        findings=(*tb.findings, *_outside_result_ranges(tb, acc), *att_findings),
    )
    if year is None or year.end is None:
        return attrs.evolve(result, findings=(*result.findings, _no_year()))
    tax_year = year.end.year
    rates, admission = _admission(tb, tax_year, settings)
    result = attrs.evolve(
        result, tax_year=tax_year, rates=rates, findings=(*result.findings, *admission)
    )
    if rates is None or any(f.severity == "error" for f in admission):
        return result

    booked = _booked(tb, acc)
    plan = pfond_plan(tb, year, tax_year, rates, settings)
    over, over_findings = _overavskrivning(model, tb, year, tax_year, rates, settings, assets)
    adj = adjustments(tb, settings.adjustments)
    ladder = functools.partial(
        _ladder, tb, booked, over.change if over else ZERO, adj, rates, settings
    )
    if settings.reverse_pfond == "cover-loss":
        plan = cover_loss(plan, -ladder(plan).taxable_income_exact)
    comp = ladder(plan)
    plan = allocate(plan, tax_year, acc, comp.pfond_allocation)

    over_accounts = overavskrivning_accounts(tb, acc)
    entries = closing_entries(year, settings, plan, comp.overavskrivning, over_accounts, comp, tb)
    arets = year_result(tb, entries, acc)
    result_entry = year_result_voucher(year, settings, arets)
    numbered = number([*entries, *([result_entry] if result_entry else [])], model.vouchers)
    findings = (
        *booked.findings,
        *over_findings,
        *unmapped_adjustments(tb, settings.adjustments),
        *plan.findings,
        *comp.findings,
    )
    return attrs.evolve(
        result,
        closed=True,
        tax=comp,
        pfond=plan,
        overavskrivning=over,
        overavskrivning_accounts=over_accounts,
        arets_resultat=arets,
        vouchers=numbered,
        new_accounts=new_accounts(model, numbered, plan.funds),
        findings=(*result.findings, *findings),
    )


@attrs.frozen(slots=True)
class _Booked:
    """Appropriations booked during the year before the closing (profit positive,
    the allocation account excluded) and an allocation already booked."""

    appropriations: Decimal
    allocation: Decimal
    findings: tuple[Finding, ...]


def _booked(tb: TrialBalance, acc: ClosingAccounts) -> _Booked:
    allocation = tb.movement(acc.pfond_allocation)
    movement = sum((x.movement for x in tb.in_range(acc.appropriations)), ZERO)
    findings: tuple[Finding, ...] = ()
    if movement or allocation:
        findings = (
            finding(
                "closing-appropriations-booked",
                f"Appropriations are already booked in {acc.appropriations} (net "
                f"{amounts.format(-movement)}); the closing takes them as given and books only "
                "what is still needed.",
            ),
        )
    return _Booked(-(movement - allocation), allocation, findings)


def _ladder(
    tb: TrialBalance,
    booked: _Booked,
    over_change: Decimal,
    adj: tuple[Adjustment, ...],
    rates: TaxYearRates,
    settings: ClosingSettings,
    plan: PfondPlan,
) -> TaxComputation:
    """The tax ladder for a fund plan (run twice for cover-loss: before and after)."""
    return compute_tax(
        result_before_appropriations=tb.result_before_appropriations,
        booked_appropriations=booked.appropriations,
        booked_allocation=booked.allocation,
        pfond_reversal=plan.reversal_total,
        overavskrivning=over_change,
        adjustments=adj,
        schablonintakt=plan.schablonintakt,
        upprakning=plan.upprakning,
        rates=rates,
        settings=settings,
        booked_tax=tb.booked_tax,
    )


def _admission(
    tb: TrialBalance, tax_year: int, settings: ClosingSettings
) -> tuple[TaxYearRates | None, list[Finding]]:
    """The rate table, and whether the closing may go ahead: refused (an error
    finding) when a year result is already booked or the råbalans does not sum to
    zero and the closing is not forced."""
    rates, findings = _rates(tax_year, settings)
    balance = _may_close(tb, settings)
    findings += balance
    reasons = []
    if tb.booked_year_result:
        reasons.append("a year result is already booked (closing-result-booked)")
    if any(f.code == "closing-unbalanced" for f in balance):
        reasons.append("the råbalans does not sum to zero (closing-unbalanced)")
    if reasons:
        findings.append(_refused(" and ".join(reasons)))
    return rates, findings


def _outside_result_ranges(tb: TrialBalance, acc: ClosingAccounts) -> list[Finding]:
    """A warning for each account the råbalans counts as a result account but that lies
    outside every result range the closing books (class 0 or 9, ids like ``DIFF``):
    its balance would stay after the closing, outside årets resultat."""
    ranges = (acc.operating, acc.appropriations, acc.taxes, acc.transfer)
    first, last = acc.operating.first, acc.transfer.last
    return [
        finding(
            "closing-result-outside",
            f"Account {x.account} {x.name!r} holds {amounts.format(x.ub)} and counts as a "
            f"result account, but lies outside the result accounts {first}–{last}: the "
            "closing leaves it as it is, outside årets resultat and the tax. Move the amount "
            "to a BAS result account (or the account to the balance sheet with #IB/#UB) in the "
            "source program and export again.",
        )
        for x in tb.lines
        if x.is_result and x.ub and not any(x.account in r for r in ranges)
    ]


def _no_year() -> Finding:
    return finding(
        "closing-no-year",
        "The file has no financial year 0 (#RAR 0) with an end date, so the closing "
        "cannot be dated. Export the file with its financial years.",
    )


def _refused(why: str) -> Finding:
    return finding(
        "closing-refused", f"The closing is refused: {why}. The findings before say more."
    )


def _rates(tax_year: int, settings: ClosingSettings) -> tuple[TaxYearRates | None, list[Finding]]:
    """The tax-year table: given, named, or the year's own; a finding when none or another."""
    rates_year = settings.rates.year if settings.rates else settings.rates_year or tax_year
    rates = settings.rates or for_year(rates_year)
    if rates is None:
        return None, [
            finding(
                "closing-no-rates",
                f"There is no tax-year table for {rates_year} (known: tax years ending "
                f"{min(RATES)}–{max(RATES)}). Give ClosingSettings.rates, or rates_year to "
                "close with another year's rates as a simulation.",
            )
        ]
    if rates.year != tax_year:
        return rates, [
            finding(
                "closing-rates-substituted",
                f"The financial year ends in {tax_year} but the {rates.year} tax table is "
                "used, so rates and limits are those of another year: treat the figures "
                "as a simulation.",
            )
        ]
    return rates, []


def _may_close(tb: TrialBalance, settings: ClosingSettings) -> list[Finding]:
    """The råbalans must sum to zero (unless forced); reported either way."""
    if not tb.total:
        return []
    sums = (
        f"balance accounts sum to {amounts.format(tb.balance_sum)} and result accounts to "
        f"{amounts.format(tb.result_sum)}, a difference of {amounts.format(tb.total)}"
    )
    if settings.force:
        return [
            finding(
                "closing-forced",
                f"The råbalans does not sum to zero ({sums}) but the closing was forced: "
                "the figures rest on an inconsistent ledger. Correct it and close again.",
            )
        ]
    return [
        finding(
            "closing-unbalanced",
            f"The closing is refused: the råbalans does not sum to zero ({sums}). Find the "
            "missing or unbalanced voucher or opening balance and export again, or force "
            "the closing (ClosingSettings.force, bokslut close --force) to close anyway.",
        )
    ]


def _overavskrivning(
    model: SieFile,
    tb: TrialBalance,
    year: FinancialYear,
    tax_year: int,
    rates: TaxYearRates,
    settings: ClosingSettings,
    assets: AssetInputs | None,
) -> tuple[Overavskrivning | None, list[Finding]]:
    if settings.overavskrivning != "max":
        return None, []
    if assets is None:
        return None, [
            finding(
                "closing-assets-missing",
                "No inventarier inputs were given, so överavskrivningar are not computed. "
                "Give AssetInputs (opening tax value, acquisitions, disposals) to book them.",
            )
        ]
    acc = settings.accounts
    debits = (
        ledger_acquisitions(model, year, inventarier_lines(tb, acc))
        if tb.source == "transactions"
        else None
    )
    return overavskrivning(tb, tax_year, rates, acc, assets, dates.months_of(year), debits)


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
    """A result account of the trial balance, or (for accounts new to the ledger) of BAS."""
    return account in known_results or bas.is_result(account)


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
