"""The tax return of one closing: INK2R from the accounts after closing, INK2S from
INK2R and the closing's tax computation, INK2 from INK2S.

INK2S follows the form's arithmetic in whole kronor: 4.15 (or 4.16) is the sum
of the fields above it, not rounded to tens — Skatteverket rounds when it
computes the tax, while the closing's own tax rounds the taxable income down
to 10 kr. Where the whole-krona sum differs from the closing's exact taxable
income, a finding says by how much and why.
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from closing.engine import ClosingResult
from closing.findings import Finding, finding
from closing.taxreturn.fields import Field, Filer, TaxReturn
from closing.taxreturn.forms import FORMS, TABLES, FieldDef, FormTable, form_name, table_for
from closing.taxreturn.ink2r import build_ink2r
from closing.trial_balance import TrialBalanceLine
from sie import bas, dates
from sie import orgnr as orgnrs
from sie.amounts import ZERO, format, format_kronor
from sie.model import SieFile

_POSTAL = re.compile(r"^\s*(\d{3})\s?(\d{2})\s+(.+?)\s*$")


@attrs.frozen(slots=True)
class ClosingFigures:
    """What the return reads from a :class:`ClosingResult`: the one place that knows
    where the result keeps these figures."""

    arets_resultat: Decimal
    #: (INK2S field, account, amount debit positive) of the tax adjustments.
    adjustments: tuple[tuple[str, str, Decimal], ...]
    schablonintakt: Decimal
    funds_at_start: Decimal
    schablon_rate: Decimal
    upprakning: Decimal
    previous_deficit: Decimal
    taxable_income_exact: Decimal
    rates_year: int | None


def closing_figures(result: ClosingResult) -> ClosingFigures:
    """Read the figures from the (nested) result; a refused closing gives zeros."""
    tax, plan = result.tax, result.pfond
    if tax is None or plan is None:
        return ClosingFigures(result.arets_resultat, (), ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, None)
    return ClosingFigures(
        result.arets_resultat,
        tuple((a.field, a.account, a.amount) for a in tax.adjustments),
        *(plan.schablonintakt, plan.funds_at_start, plan.schablon_rate, plan.upprakning),
        *(tax.previous_deficit, tax.taxable_income_exact),
        result.rates.year if result.rates else None,
    )


def tax_return(model: SieFile, result: ClosingResult) -> TaxReturn:
    """INK2, INK2R and INK2S for ``result``, the closing of ``model`` (the ledger as
    it was closed, without the closing vouchers: they are applied here)."""
    findings: list[Finding] = []
    year = result.year
    filer = _filer(model, findings)
    empty: dict[str, Field] = {}
    if not result.closed or year is None or year.end is None or result.tax_year is None:
        findings.append(
            finding(
                "closing-taxreturn-not-closed",
                "The closing was refused, so there is no tax return; the closing's findings "
                "say why.",
            )
        )
        return TaxReturn(
            result.tax_year, None, None, filer, {}, empty, empty, empty, tuple(findings)
        )
    figures = closing_figures(result)
    table = _table(result.tax_year, figures.rates_year, findings)
    after = after_closing(result)
    ink2r = build_ink2r(after, table, result.settings.accounts.transfer, figures.arets_resultat)
    findings.extend(ink2r.findings)
    ink2s = _ink2s(ink2r.fields, figures, table, findings, ink2r.result_terms)
    ink2 = _ink2(ink2s, table)
    names = {form: form_name(form, result.tax_year, year.end.month) for form in FORMS}
    start = dates.start_of(year)
    reasons = draft_reasons(result, table)
    if reasons:
        findings.append(
            finding(
                "closing-sru-draft",
                f"No SRU files are written: {'; '.join(reasons)}. The return's figures are a "
                "draft (workbook, --json); file a closing with the tax year's own tables on a "
                "råbalans that sums to zero.",
            )
        )
    return TaxReturn(
        *(result.tax_year, start, year.end, filer, names, ink2, ink2r.fields, ink2s),
        tuple(findings),
        reasons,
    )


def draft_reasons(result: ClosingResult, table: FormTable) -> tuple[str, ...]:
    """Why a closed year's return is not for filing: another tax year's rates (a
    simulation), a forced closing, or another year's SRU tables."""
    reasons = []
    if result.rates is not None and result.rates.year != result.tax_year:
        reasons.append(
            f"the closing is a simulation with tax year {result.rates.year}'s rates "
            f"(not {result.tax_year}'s)"
        )
    if any(f.code == "closing-forced" for f in result.findings):
        reasons.append("the closing was forced on a råbalans that does not sum to zero")
    if table.year != result.tax_year:
        reasons.append(f"there are no SRU tables for tax year {result.tax_year}")
    return tuple(reasons)


def after_closing(result: ClosingResult) -> tuple[TrialBalanceLine, ...]:
    """The balances after the closing: the closing's trial balance moved by its vouchers.

    The same figures as ``trial_balance(apply(model, result))`` for a file with
    transactions, and also right for one with balances only (types 1–3), whose
    trial balance comes from #UB/#RES.
    """
    moves: dict[str, Decimal] = {}
    for voucher in result.vouchers:
        for row in voucher.trans:
            moves[row.account] = moves.get(row.account, ZERO) + row.amount
    lines = []
    for x in result.trial_balance.lines:
        move = moves.get(x.account, ZERO)
        lines.append(attrs.evolve(x, movement=x.movement + move, ub=x.ub + move))
    known = {x.account for x in lines}
    names = {a.number: a.name for a in result.new_accounts}
    for account, amount in sorted(moves.items()):
        if account not in known:
            lines.append(
                TrialBalanceLine(
                    account=account,
                    name=names.get(account, ""),
                    klass=bas.account_class(account),
                    is_result=bas.is_result(account),
                    ib=ZERO,
                    movement=amount,
                    ub=amount,
                    prev_ub=None,
                    file_ub=None,
                )
            )
    return tuple(lines)


def _table(tax_year: int, rates_year: int | None, findings: list[Finding]) -> FormTable:
    table = table_for(tax_year) or table_for(rates_year)
    if table is None:
        table = TABLES[max(TABLES)]
    if table.year != tax_year:
        findings.append(
            finding(
                "closing-sru-year",
                f"There are no SRU field tables for tax year {tax_year} (known: "
                f"{min(TABLES)}–{max(TABLES)}); the {table.year} tables are used. Check the "
                "field codes against Skatteverket's tables for the year before filing.",
            )
        )
    return table


def _ink2s(
    ink2r: dict[str, Field],
    figures: ClosingFigures,
    table: FormTable,
    findings: list[Finding],
    result_terms: int = 0,
) -> dict[str, Field]:
    defs = table.by_id("INK2S")
    values: dict[str, tuple[Decimal, str, tuple[str, ...]]] = {}

    def carry(target: str, source: str) -> None:
        if source in ink2r:
            f = ink2r[source]
            values[target] = (Decimal(f.amount), f"INK2R {source}", f.accounts)

    carry("4.1", "3.26")
    carry("4.2", "3.27")
    carry("4.3a", "3.25")
    by_field: dict[str, list[tuple[str, Decimal]]] = {}
    for field, account, amount in figures.adjustments:
        by_field.setdefault(field, []).append((account, amount))
    for field, items in sorted(by_field.items()):
        definition = defs.get(field)
        if definition is None or definition.sign == 0:
            findings.append(
                finding(
                    "closing-ink2s-differs",
                    f"Tax adjustments on {', '.join(a for a, _ in items)} name INK2S field "
                    f"{field!r}, which the return does not know; they are not on the form. "
                    "Map the accounts to 4.3b, 4.3c, 4.5b or 4.5c.",
                )
            )
            continue
        signed = sum((amount for _, amount in items), ZERO) * definition.sign
        accounts = tuple(a for a, _ in items)
        values[field] = (signed, f"tax adjustment: accounts {', '.join(accounts)}", accounts)
    if figures.schablonintakt:
        rate = str((figures.schablon_rate * 100).normalize()).replace(".", ",")
        values["4.6a"] = (
            figures.schablonintakt,
            f"computation: schablonintäkt, funds at the year's start "
            f"{format(figures.funds_at_start)} × {rate} %",
            (),
        )
    if figures.upprakning:
        values["4.6d"] = (
            figures.upprakning,
            "computation: uppräkning of reversed periodiseringsfonder",
            (),
        )
    if figures.previous_deficit:
        values["4.14a"] = (figures.previous_deficit, "settings: previous year's underskott", ())

    fields = {
        id: Field(id, defs[id].sru_code, defs[id].label, int(amount), source, accounts)
        for id, (amount, source, accounts) in sorted(
            values.items(), key=lambda kv: list(defs).index(kv[0])
        )
        if int(amount)
    }
    for f in fields.values():
        if f.amount < 0:
            findings.append(
                finding(
                    "closing-sru-negative",
                    f"INK2S {f.id} {f.label!r} is {format_kronor(f.amount)} ({f.source}): the "
                    "form expects a positive amount. Check the accounts behind it.",
                )
            )
    total = sum(f.amount * defs[f.id].sign for f in fields.values())
    last = defs["4.15"] if total >= 0 else defs["4.16"]
    used = ", ".join(f.id for f in fields.values())
    fields[last.id] = Field(
        last.id,
        last.sru_code,
        last.label,
        abs(total),
        f"computation: sum of {used or 'no fields'} (whole kronor, not rounded to tens)",
    )
    # Each INK2S term and each income-statement field behind 4.1/4.2 drops under a krona.
    _compare(total, figures.taxable_income_exact, len(fields) - 1 + result_terms, findings)
    return fields


def _compare(total: int, exact: Decimal, terms: int, findings: list[Finding]) -> None:
    """The form's whole-krona 4.15/4.16 against the closing's exact taxable income."""
    expected = int(exact)
    difference = total - expected
    if not difference:
        return
    if abs(difference) <= terms:
        findings.append(
            finding(
                "closing-sru-ore",
                f"INK2S {'4.15' if total >= 0 else '4.16'} is {format_kronor(abs(total))} in whole "
                f"kronor; the "
                f"closing's taxable income before rounding is {format(exact)}. The difference "
                f"({format_kronor(difference)} kr) is the öre dropped field by field.",
            )
        )
        return
    findings.append(
        finding(
            "closing-ink2s-differs",
            f"INK2S sums to {format_kronor(total)} kr but the closing's taxable income before "
            f"rounding is {format(exact)} (difference {format_kronor(difference)} kr): an item "
            "of the tax computation has no INK2S field here. Check the return by hand before "
            "filing.",
        )
    )


def _ink2(ink2s: dict[str, Field], table: FormTable) -> dict[str, Field]:
    out: dict[str, Field] = {}
    for target, source in (("1.1", "4.15"), ("1.2", "4.16")):
        f = ink2s.get(source)
        if f is not None and f.amount:
            d: FieldDef = table.by_id("INK2")[target]
            out[target] = Field(target, d.sru_code, d.label, f.amount, f"INK2S {source}")
    return out


def _filer(model: SieFile, findings: list[Finding]) -> Filer:
    header = model.header
    number = ""
    try:
        if orgnrs.kind(header.orgnr) == "company":
            number = "16" + orgnrs.validate(header.orgnr)
        else:
            findings.append(
                finding(
                    "closing-sru-identity",
                    f"#ORGNR {header.orgnr!r} is a personnummer: INK2 is the return of a "
                    "company (aktiebolag); no SRU files are written for it.",
                )
            )
    except orgnrs.InvalidOrgnr as exc:
        findings.append(
            finding(
                "closing-sru-identity",
                f"The file's organisation number {header.orgnr!r} cannot go into the SRU "
                f"files ({exc.detail}); no SRU files are written. Export the file with the "
                "company's organisation number.",
            )
        )
    name = _latin1(header.company_name, "the company name", findings)
    contact, street, postal, phone = header.address or ("", "", "", "")
    match = _POSTAL.match(postal)
    if not match:
        findings.append(
            finding(
                "closing-sru-address",
                f"INFO.SRU needs a postnummer and postort, and the file's #ADRESS gives "
                f"{postal!r}: they are left out. Add them to INFO.SRU (or to the company's "
                "address in the bookkeeping program) before filing.",
            )
        )
    return Filer(
        orgnr=number,
        name=name,
        street=_latin1(street, "the street address", findings),
        postcode=match.group(1) + match.group(2) if match else "",
        town=_latin1(match.group(3), "the town", findings) if match else "",
        contact=_latin1(contact, "the contact", findings),
        phone=_latin1(phone, "the telephone number", findings),
    )


def _latin1(text: str, what: str, findings: list[Finding]) -> str:
    """``text`` as the SRU files can hold it: ISO-8859-1, printable, one line."""
    clean = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    out = clean.encode("latin-1", errors="replace").decode("latin-1")
    if out != text.strip():
        findings.append(
            finding(
                "closing-sru-text",
                f"In {what} {text!r}, characters the SRU files cannot hold (ISO-8859-1, no "
                f"control characters) were replaced: written as {out!r}.",
            )
        )
    return out
