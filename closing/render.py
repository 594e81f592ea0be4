"""What ``bokslut`` shows: the råbalans and the closing as text for a person, and as
JSON for a program.

Renderers compute nothing: every figure comes from the :class:`TrialBalance` or the
:class:`ClosingResult`. Every line of text goes through :func:`sie.display.printable`
and every JSON document through :func:`sie.display.printable_json`, so a control
character in a company or account name never reaches the terminal raw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from closing.engine import ClosingResult
from closing.pipeline import BalanceReport, CloseReport, validation_problems
from closing.settings import ACCOUNT_NAMES, ClosingAccounts
from closing.trial_balance import TrialBalance
from sie import amounts, dates
from sie.display import printable, printable_json
from sie.findings import Finding
from sie.model import FinancialYear

#: Findings listed before "… and N more".
MAX_LISTED = 15
NAME_WIDTH = 40
AMOUNT_WIDTH = 15
#: The tax ladder's line per INK2S adjustment field (title in English; the form's own
#: title is in :data:`closing.rates.INK2S_FIELDS`).
ADJUSTMENT_LABELS: dict[str, str] = {
    "4.3b": "Write-downs of financial assets, not deductible",
    "4.3c": "Non-deductible costs",
    "4.5b": "Dividends on business shares, not taxable",
    "4.5c": "Non-taxable income",
}
LABEL_WIDTH = 62


def sv_amount(value: Decimal) -> str:
    """An amount as a Swedish reader writes it: ``-1 234,50``."""
    return amounts.format(value)


def sv_percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}".replace(".", ",") + " %"


def _text(lines: Sequence[str]) -> str:
    """The lines as one text, every line escaped for the terminal."""
    return "\n".join(printable(line) for line in lines)


def _cut(text: str, width: int) -> str:
    """``text`` escaped and cut to ``width`` (escaping first keeps the columns aligned)."""
    text = printable(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _period(year: FinancialYear | None) -> str:
    if year is None:
        return "Financial year: none in the file (no #RAR 0)"
    return f"Financial year {dates.span_text(year)}"


def _finding_line(f: Finding) -> str:
    where = f" (line {f.line})" if f.line else ""
    return f"  {f.severity}{where}: {f.message} [{f.code}]"


def _listed(findings: Sequence[Finding], more: str) -> list[str]:
    """At most :data:`MAX_LISTED` findings, then where to see the rest."""
    lines = [_finding_line(f) for f in findings[:MAX_LISTED]]
    if len(findings) > MAX_LISTED:
        lines.append(f"  … and {len(findings) - MAX_LISTED} more ({more})")
    return lines


def _file_findings(problems: Sequence[Finding], path: str) -> list[str]:
    if not problems:
        return []
    return ["", f"File findings (sie-validate {path})", *_listed(problems, f"sie-validate {path}")]


# --------------------------------------------------------------------------- balance


def _table_row(account: str, name: str, cells: Sequence[Decimal | None], mark: str = "") -> str:
    shown = "".join((sv_amount(a) if a is not None else "").rjust(AMOUNT_WIDTH) for a in cells)
    return f"{account:<8} {_cut(name, NAME_WIDTH):<{NAME_WIDTH}}{shown} {mark}".rstrip()


def _consistency(tb: TrialBalance) -> list[str]:
    if tb.source != "transactions":
        return ["The file has no transactions, so there is nothing to check its balances against."]
    checked = tb.compared()
    differing = tb.differences()
    if not checked:
        return ["The file gives no #UB/#RES to compare the computed balances with."]
    if not differing:
        return [
            f"Consistent: for all {len(checked)} accounts the computed UB equals the file's "
            "own #UB/#RES."
        ]
    out = [
        f"NOT consistent: {len(differing)} of {len(checked)} accounts (marked !) differ from "
        "the file's own #UB/#RES:"
    ]
    for x in differing:
        label = "#RES" if x.is_result else "#UB"
        given = x.file_ub or amounts.ZERO
        out.append(
            f"  {x.account:<8} computed {sv_amount(x.ub)}, file {label} {sv_amount(given)}, "
            f"difference {sv_amount(x.ub - given)}"
        )
    return out


def render_balance(report: BalanceReport, accounts: ClosingAccounts | None = None) -> str:
    """The råbalans as a table grouped by BAS class, its sums and its consistency."""
    tb = report.trial_balance
    assert tb is not None, "a refused file has no råbalans"
    model = report.validation.model
    vouchers = len(model.vouchers) if model else 0
    source = (
        f"computed from the transactions ({vouchers} vouchers)"
        if tb.source == "transactions"
        else "the file has no transactions: its own #IB/#UB/#RES"
    )
    heads = ("IB", "Movement", "UB", "Prev. year UB")
    rule = "-" * (9 + NAME_WIDTH + 4 * AMOUNT_WIDTH)
    out = [
        f"Trial balance (råbalans): {tb.company or '(no company name)'}, "
        f"{tb.orgnr or 'no org. number'}",
        f"{_period(tb.year)} · {source}",
        "",
        f"{'Account':<8} {'Name':<{NAME_WIDTH}}" + "".join(h.rjust(AMOUNT_WIDTH) for h in heads),
        rule,
    ]
    marked = {x.account for x in tb.differences()}
    for group in tb.groups:
        out.append(f"{group.klass} {group.title}")
        for x in group.lines:
            cells = [x.ib, x.movement, x.ub, x.prev_ub]
            out.append(_table_row(x.account, x.name, cells, "!" if x.account in marked else ""))
        sums = [group.ib, group.movement, group.ub, group.prev_ub]
        out += [_table_row("", f"Sum class {group.klass}", sums), ""]
    if not tb.lines:
        out += ["  (no accounts with a balance)", ""]
    total = tb.total
    verdict = "balanced" if total == 0 else "NOT BALANCED"
    out += [
        rule,
        _table_row("", "Balance accounts", [None, None, tb.balance_sum]),
        _table_row("", "Result accounts", [None, None, tb.result_sum]),
        _table_row("", "Total", [None, None, total], verdict),
        "",
    ]
    rba = tb.result_before_appropriations
    kind = "profit" if rba > 0 else "loss" if rba < 0 else "nil"
    operating = (accounts or ClosingAccounts()).operating
    out += [f"Result before appropriations and tax ({operating}): {sv_amount(rba)} ({kind})", ""]
    out += _consistency(tb)
    if tb.findings:
        out += ["", "Trial balance findings", *_listed(tb.findings, "see --json for all")]
    out += _file_findings(validation_problems(report.validation), report.file)
    return _text(out)


def balance_json(report: BalanceReport) -> dict[str, Any]:
    """``bokslut balance --json``: the råbalans, amounts as strings with two decimals."""
    tb = report.trial_balance
    if tb is None:
        return refusal_json(report.file, report.reason, report.validation.findings)
    data = tb.to_json()
    for account in data["accounts"]:
        for key in ("ib", "movement", "ub", "prev_ub", "file_ub"):
            value = account.get(key)
            account[key] = None if value is None else amounts.to_json(Decimal(value))
    for key in ("result_before_appropriations", "balance_sum", "result_sum"):
        data[key] = amounts.to_json(Decimal(data[key]))
    data["differences"] = [x.account for x in tb.differences()]
    data["file"] = report.file
    data["ok"] = report.validation.ok
    data["validation_findings"] = [f.to_json() for f in validation_problems(report.validation)]
    return data


def refusal_json(file: str, reason: str, findings: Sequence[Finding] = ()) -> dict[str, Any]:
    """The JSON object for a file refused or a command that failed (exit status 2)."""
    return {
        "file": file,
        "ok": False,
        "refused": True,
        "reason": reason,
        "findings": [f.to_json() for f in findings],
    }


def dumps(data: object) -> str:
    """One JSON document for the terminal (control characters escaped)."""
    return printable_json(data)


# --------------------------------------------------------------------------- close


def _tax_lines(r: ClosingResult) -> list[str]:
    """The tax ladder (skatteberäkning) from result before appropriations to årets resultat."""
    out: list[str] = []
    t, p, rates = r.tax, r.pfond, r.rates
    assert t is not None and p is not None and rates is not None

    def line(label: str, amount: Decimal) -> None:
        out.append(f"  {label:<{LABEL_WIDTH}}{sv_amount(amount):>{AMOUNT_WIDTH}}")

    line(
        f"Result before appropriations and tax ({r.settings.accounts.operating})",
        t.result_before_appropriations,
    )
    if t.booked_appropriations:
        line("+ Appropriations booked during the year", t.booked_appropriations)
    for rev in p.reversals:
        why = "forced" if rev.forced else "voluntary"
        line(
            f"+ Reversal of periodiseringsfond {rev.year or ''} ({rev.account}, {why})", rev.amount
        )
    if r.overavskrivning is not None:
        rule = r.overavskrivning.rule
        line(f"− Överavskrivningar on inventarier ({rule}-rule)", t.overavskrivning)
    line("= Booked result before allocation and tax", t.booked_result_before_allocation)
    for field in sorted({a.field for a in t.adjustments}):
        added = t.adjustment_sum(field)  # what the field adds to the taxable income
        if added:
            deducted = field.startswith("4.5")  # INK2S 4.4–4.5: deductions, shown positive
            sign, shown = ("−", -added) if deducted else ("+", added)
            line(f"{sign} {ADJUSTMENT_LABELS.get(field, 'Tax adjustment')} (INK2S {field})", shown)
    if t.schablonintakt:
        base = f"{sv_amount(p.funds_at_start)} × {sv_percent(p.schablon_rate)}"
        line(f"+ Schablonintäkt ({base}, 4.6a)", t.schablonintakt)
    if t.upprakning:
        line("+ Uppräkning on reversed funds (4.6d)", t.upprakning)
    line("= Surplus before allocation", t.surplus)
    if t.previous_deficit:
        line("− Deficit from the previous year (4.14a)", t.previous_deficit)
    share = sv_percent(rates.pfond_max_share)
    line(
        f"− Periodiseringsfond allocation → {p.allocation_account} (max {share}: "
        f"{sv_amount(t.pfond_max)})",
        t.pfond_allocation,
    )
    line(f"Taxable income, rounded down to {rates.taxable_rounding:f} kr (4.15)", t.taxable_income)
    if t.deficit_carried_forward:
        line("Deficit to carry forward (4.16)", t.deficit_carried_forward)
    line(f"Tax {sv_percent(t.rate)}", t.tax)
    if t.booked_tax:
        line("  of which already booked", t.booked_tax)
    line("Årets resultat", r.arets_resultat)
    return out


def _account_namer(r: ClosingResult) -> Callable[[str], str]:
    names = {a.number: a.name for a in r.new_accounts}
    funds = r.pfond.funds if r.pfond is not None else ()
    names.update({f.account: f"Periodiseringsfond {f.year}" for f in funds if f.year is not None})

    def name(account: str) -> str:
        line = r.trial_balance.line(account)
        if line is not None and line.name:
            return line.name
        return names.get(account) or ACCOUNT_NAMES.get(account, "")

    return name


def _voucher_lines(r: ClosingResult) -> list[str]:
    end = dates.iso(r.year.end if r.year else None) or dates.UNKNOWN
    out = ["", f"Closing vouchers (bokslutsverifikationer), dated {end}"]
    if not r.vouchers:
        out.append("  none: nothing to book")
    name = _account_namer(r)
    for v in r.vouchers:
        out.append(f"  {v.series} {v.number:<5} {v.text}")
        for row in v.rows:
            debit = sv_amount(row.amount) if row.amount > 0 else ""
            credit = sv_amount(-row.amount) if row.amount < 0 else ""
            label = f"{row.account:<6} {_cut(name(row.account), 40):<40}"
            out.append(f"      {label}{debit:>{AMOUNT_WIDTH}}{credit:>{AMOUNT_WIDTH}}".rstrip())
    return out


def _attachment_lines(r: ClosingResult) -> list[str]:
    out = ["", "AR/AP attachments (reskontra)"]
    for a in r.attachments:
        label = f"{a.title} {a.accounts}"
        book = sv_amount(a.book_balance)
        if a.source == "none":
            out.append(f"  {label:<32} book {book}; not specified: no counterparty objects")
            continue
        status = "OK" if a.difference == 0 else "DIFFERENCE"
        out.append(
            f"  {label:<32} book {book}, open items {sv_amount(a.specified)}, "
            f"difference {sv_amount(a.difference)}  {status}"
        )
    return out


def _taxreturn_lines(report: CloseReport) -> list[str]:
    """INK2 and INK2S field by field (INK2R, the accounts' statements, in --json and the
    workbook), and what the tax return noticed."""
    tr = report.taxreturn
    if tr is None:
        return []
    names = ", ".join(tr.form_names.values()) or "no forms"
    out = ["", f"Tax return ({names}; INK2R: {len(tr.ink2r)} fields, see --json)"]
    for form, fields in (("INK2", tr.ink2), ("INK2S", tr.ink2s)):
        for f in fields.values():
            width = LABEL_WIDTH - 9
            label = _cut(f"{form} {f.id} {f.label}", width)
            amount = sv_amount(Decimal(f.amount)).removesuffix(",00")
            out.append(f"  {label:<{width}} [{f.sru_code}] {amount:>{AMOUNT_WIDTH}}")
    if tr.findings:
        out += _listed(tr.findings, "see --json for all")
    return out


def render_close(report: CloseReport, hint: str = "") -> str:
    """The closing for a person: the tax computation, the vouchers, the attachments, the
    findings and the files written; or why there is no closing. ``hint`` is added to a
    refusal (the command line names its option there)."""
    r = report.result
    if r is None:  # refused before the engine ran: the file has errors
        errors = [f for f in report.validation.findings if f.severity == "error"]
        lines = [f"{report.file}: REFUSED: {report.reason}:"]
        return _text(lines + _listed(errors, f"sie-validate {report.file} for all"))
    out = [
        f"Closing (bokslut) of {r.company or '(no company name)'}, {r.orgnr or 'no org. number'}"
    ]
    if not r.closed:
        out += [_period(r.year), "", f"REFUSED: the closing was not made. {report.reason}"]
        if hint:
            out.append(hint)
        warnings = [f for f in r.findings if f.severity != "error"]
        if warnings:
            out += ["", "Closing findings", *_listed(warnings, "see --json for all")]
        return _text(out)
    assert r.rates is not None
    out += [
        f"{_period(r.year)} · tax table {r.rates.year} · series {r.settings.series}",
        "",
        "Tax computation (skatteberäkning)",
        *_tax_lines(r),
        *_voucher_lines(r),
    ]
    if r.pfond is not None and r.pfond.funds:
        shown = [
            f"{f.account} ({f.year}) {sv_amount(f.closing)}" for f in r.pfond.funds if f.closing
        ]
        out += ["", f"Periodiseringsfonder after closing: {', '.join(shown) or 'none'}"]
    out += _attachment_lines(r)
    out += _taxreturn_lines(report)
    if r.findings:
        out += ["", "Closing findings", *_listed(r.findings, "see --json for all")]
    out += _file_findings(validation_problems(report.validation), report.file)
    notes = [f for w in report.written for f in w.findings]
    if notes:
        out += ["", "Writing the SIE files", *(_finding_line(f) for f in notes)]
    if report.written:
        out += ["", f"Outputs in {report.written[0].path.parent}/"]
        out += [f"  {w.title + ':':<42}{w.path}" for w in report.written]
    if report.status == "unwritable":
        out += ["", f"NOT WRITTEN: {report.reason}"]
    return _text(out)


def close_json(report: CloseReport) -> dict[str, Any]:
    """``bokslut close --json``: every figure of the closing, the tax return as field →
    whole kronor maps (``ink2``, ``ink2r``, ``ink2s``) and in detail (``tax_return``), the
    files written, and the findings of the file, of the closing and of writing."""
    r = report.result
    problems = [f.to_json() for f in validation_problems(report.validation)]
    if r is None:
        data = refusal_json(report.file, report.reason, report.validation.findings)
        if report.status == "invalid":
            data.update(refused=False, closed=False, validation_findings=problems)
        return data
    data = r.to_json()
    tr = report.taxreturn
    data.update(tr.amounts() if tr is not None else {"ink2": {}, "ink2r": {}, "ink2s": {}})
    if tr is not None:
        detail = tr.to_json()
        data["tax_return"] = {k: detail[k] for k in ("tax_year", "forms", "fields", "findings")}
    data.update(
        file=report.file,
        reason=report.reason or None,
        outputs={w.kind: str(w.path) for w in report.written} or None,
        validation_findings=problems,
        write_findings=[f.to_json() for w in report.written for f in w.findings],
    )
    return data


__all__ = [
    "MAX_LISTED",
    "balance_json",
    "close_json",
    "dumps",
    "refusal_json",
    "render_balance",
    "render_close",
    "sv_amount",
    "sv_percent",
]
