"""``bokslut``: the trial balance and the year-end closing from a SIE file.

Argument parsing → :func:`sie.validation.load` and :func:`closing.close` →
rendering → exit status. ``bokslut balance`` prints the råbalans; ``bokslut
close`` closes the year and writes the Excel closing sheet, the closing
vouchers as SIE 4I and the year with them as SIE 4E.

Exit status: 0 success; 1 the file has validation errors or the closing was
refused (the output says why); 2 usage errors and files that cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from closing.appropriations import AssetInputs
from closing.engine import ClosingResult, close
from closing.rates import RATES
from closing.settings import ACCOUNT_NAMES, ClosingSettings, Reversal
from closing.sie_output import closing_vouchers_file, sie_type_for, year_with_closing
from closing.trial_balance import TrialBalance, TrialBalanceLine, trial_balance
from closing.workbook import write_workbook
from sie import orgnr as orgnr_mod
from sie.findings import Finding
from sie.model import SieFile
from sie.validation import ValidationResult, load
from sie.writer import write

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
#: Validation findings listed before "… and N more".
MAX_LISTED = 15
NAME_WIDTH = 40
AMOUNT_WIDTH = 15
CENT = Decimal("0.01")

ASSETS_HELP = """\
The --assets file is JSON describing the inventarier for överavskrivningar
(räkenskapsenlig avskrivning); every key is optional, amounts are strings or
numbers in kronor:

  {
    "opening_tax_value": "172000.00",
    "acquisitions": {"2025": "134500.00", "2024": "100000.00",
                     "2023": "120000.00", "2022": "60000.00"},
    "disposals": "0.00",
    "book_value": null,
    "comment": "free text, ignored"
  }

opening_tax_value: the tax value at the start of the year (default: book value
  of 1220-1229 minus accumulated överavskrivningar).
acquisitions: cost of inventarier bought each year and still held; this year's
  feeds the 30-rule, this year's and the three before it the 20-rule (which is
  only computed when all four years are given, zero allowed).
disposals: compensation received for inventarier sold this year.
book_value: book value at year end (default: UB of 1220-1229).
"""


class UsageError(Exception):
    """A problem with the command line or an input file other than the SIE file."""


# --------------------------------------------------------------------------- formatting


def sv_amount(value: Decimal) -> str:
    """Swedish notation: space between thousands, decimal comma (``-1 234,50``)."""
    return f"{value.quantize(CENT):,.2f}".replace(",", " ").replace(".", ",")


def sv_percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}".replace(".", ",") + " %"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _period(tb: TrialBalance | ClosingResult) -> str:
    year = tb.year
    if year is None:
        return "Financial year: none in the file (no #RAR 0)"
    start = year.start.isoformat() if year.start else "?"
    end = year.end.isoformat() if year.end else "?"
    return f"Financial year {start} – {end}"


def _finding_line(f: Finding) -> str:
    return f"  {f.severity}: {f.message} [{f.code}]"


def _money_json(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT))


# --------------------------------------------------------------------------- parsing


def _amount_arg(value: str) -> Decimal:
    cleaned = value.replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{value!r} is not an amount in kronor") from None
    if not amount.is_finite() or amount < 0:
        raise argparse.ArgumentTypeError(f"{value!r} must be a positive amount in kronor")
    return amount


def _pfond_arg(value: str) -> str | Decimal:
    if value.lower() in ("max", "none", "ingen"):
        return "none" if value.lower() == "ingen" else value.lower()
    try:
        return _amount_arg(value)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{value!r}: use max, none or an amount in kronor such as 100000"
        ) from None


def _reverse_arg(value: str) -> Reversal:
    year_text, _, amount_text = value.partition(":")
    if not (year_text.isdigit() and len(year_text) == 4):
        raise argparse.ArgumentTypeError(
            f"{value!r}: give the fund's allocation year, e.g. 2021, or YEAR:AMOUNT "
            "for part of it, e.g. 2021:50000"
        )
    amount = _amount_arg(amount_text) if amount_text else None
    return Reversal(int(year_text), amount)


def _year_arg(value: str) -> int:
    if not value.isdigit() or int(value) not in RATES:
        known = ", ".join(str(y) for y in sorted(RATES))
        raise argparse.ArgumentTypeError(f"{value!r}: tax tables exist for {known}")
    return int(value)


def _series_arg(value: str) -> str:
    if not value or any(ch.isspace() or ch in '"{}' for ch in value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a voucher series; use letters or digits such as A or BOKS"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bokslut",
        description="Trial balance and year-end closing (bokslut) of an aktiebolag "
        "from a SIE file.",
        epilog="Exit status: 0 success, 1 validation errors or closing refused, "
        "2 usage error or unreadable file.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    balance = sub.add_parser(
        "balance",
        help="print the trial balance (råbalans) computed from the transactions",
        description="Print the trial balance (råbalans) of financial year 0, computed "
        "from the transactions, grouped by BAS class, and where it disagrees with the "
        "file's own #UB/#RES.",
    )
    balance.add_argument("file", metavar="FILE", help="SIE file (type 1-4)")
    balance.add_argument("--json", action="store_true", help="print JSON instead of a table")

    close_ = sub.add_parser(
        "close",
        help="close the year: workbook, closing vouchers (SIE 4I), the year with them (SIE)",
        description="Close financial year 0 of an aktiebolag: periodiseringsfonder, "
        "överavskrivningar, tax and årets resultat. Writes the Excel closing sheet, the "
        "closing vouchers as SIE 4I and the year with the closing as SIE, and prints a "
        "summary.",
        epilog=ASSETS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    close_.add_argument("file", metavar="FILE", help="SIE file, normally a 4E export")
    close_.add_argument(
        "--out", default="out", metavar="DIR", help="directory for the outputs (default out/)"
    )
    close_.add_argument(
        "--series",
        type=_series_arg,
        default=ClosingSettings().series,
        metavar="S",
        help="voucher series for the closing vouchers (default %(default)s)",
    )
    close_.add_argument(
        "--pfond",
        type=_pfond_arg,
        default="max",
        metavar="max|none|AMOUNT",
        help="new periodiseringsfond: the maximum (default), none, or an amount "
        "(capped at the maximum)",
    )
    close_.add_argument(
        "--reverse",
        nargs="+",
        type=_reverse_arg,
        default=[],
        metavar="YEAR[:AMOUNT]",
        help="voluntary reversal of the fund allocated in YEAR (all of it, or AMOUNT); "
        "funds in their sixth year are reversed anyway",
    )
    close_.add_argument(
        "--assets",
        metavar="FILE",
        help="JSON file with the inventarier inputs for överavskrivningar (format below)",
    )
    close_.add_argument(
        "--previous-deficit",
        type=_amount_arg,
        default=Decimal("0"),
        metavar="AMOUNT",
        help="unused tax deficit (underskott) from the previous year, INK2S 4.14a",
    )
    close_.add_argument(
        "--rates-year",
        type=_year_arg,
        metavar="YEAR",
        help="use another tax year's rates (a simulation; for years without a table)",
    )
    close_.add_argument("--json", action="store_true", help="print JSON instead of a summary")
    return parser


def _decimal(value: object, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise UsageError(f'{what} must be an amount such as "134500.00", not {value!r}')
    try:
        amount = Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        raise UsageError(f'{what} must be an amount such as "134500.00", not {value!r}') from None
    if not amount.is_finite():
        raise UsageError(f"{what} must be a finite amount, not {value!r}")
    return amount


ASSET_KEYS = frozenset({"opening_tax_value", "acquisitions", "disposals", "book_value", "comment"})


def parse_assets(data: object, name: str = "assets file") -> AssetInputs:
    """The inventarier inputs from the parsed ``--assets`` JSON (format in :data:`ASSETS_HELP`)."""
    if not isinstance(data, Mapping):
        raise UsageError(f"{name}: expected a JSON object, see bokslut close --help")
    unknown = sorted(set(data) - ASSET_KEYS)
    if unknown:
        raise UsageError(
            f"{name}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(ASSET_KEYS))}"
        )
    raw = data.get("acquisitions") or {}
    if not isinstance(raw, Mapping):
        raise UsageError(
            f'{name}: "acquisitions" must map years to amounts, e.g. {{"2025": "1000"}}'
        )
    acquisitions: dict[int, Decimal] = {}
    for year, amount in raw.items():
        if not (isinstance(year, str) and year.isdigit() and len(year) == 4):
            raise UsageError(f'{name}: "acquisitions" key {year!r} is not a year such as "2025"')
        acquisitions[int(year)] = _decimal(amount, f"{name}: acquisitions {year}")

    def optional(key: str) -> Decimal | None:
        value = data.get(key)
        return None if value is None else _decimal(value, f"{name}: {key}")

    return AssetInputs(
        opening_tax_value=optional("opening_tax_value"),
        acquisitions=acquisitions,
        disposals=optional("disposals") or Decimal("0"),
        book_value=optional("book_value"),
    )


def read_assets(path: str) -> AssetInputs:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read the assets file {path} ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise UsageError(f"the assets file {path} is not UTF-8 text") from None
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"the assets file {path} is not valid JSON (line {exc.lineno}: {exc.msg})"
        ) from None
    return parse_assets(data, path)


# --------------------------------------------------------------------------- loading


def _load(path: str) -> ValidationResult:
    """Read and validate; a missing or non-SIE file is a usage error."""
    if Path(path).is_dir():
        raise UsageError(f"{path}: is a folder; give the SIE file in it")
    if not Path(path).is_file():
        raise UsageError(f"{path}: no such file")
    result = load(path)
    if result.refused:
        reasons = "; ".join(f.message for f in result.findings) or "unknown reason"
        raise UsageError(f"{path}: cannot be read as SIE: {reasons}")
    return result


def _problems(result: ValidationResult, skip: frozenset[str] = frozenset()) -> list[Finding]:
    return [f for f in result.findings if f.severity != "info" and f.code not in skip]


def _listed(findings: Sequence[Finding], more: str) -> list[str]:
    """At most :data:`MAX_LISTED` findings, then where to see the rest."""
    lines = [_finding_line(f) for f in findings[:MAX_LISTED]]
    if len(findings) > MAX_LISTED:
        lines.append(f"  … and {len(findings) - MAX_LISTED} more ({more})")
    return lines


def _validate_hint(path: str) -> str:
    return f"run sie-validate {path} for all"


# --------------------------------------------------------------------------- balance


def _table_row(account: str, name: str, amounts: Sequence[Decimal | None], mark: str = "") -> str:
    cells = "".join((sv_amount(a) if a is not None else "").rjust(AMOUNT_WIDTH) for a in amounts)
    return f"{account:<8} {_cut(name, NAME_WIDTH):<{NAME_WIDTH}}{cells} {mark}".rstrip()


def render_balance(tb: TrialBalance, validation: ValidationResult, path: str) -> str:
    vouchers = len(validation.model.vouchers) if validation.model else 0
    source = (
        f"computed from the transactions ({vouchers} vouchers)"
        if tb.source == "transactions"
        else "the file has no transactions: its own #IB/#UB/#RES"
    )
    out = [
        f"Trial balance (råbalans): {tb.company or '(no company name)'}, "
        f"{tb.orgnr or 'no org. number'}",
        f"{_period(tb)} · {source}",
        "",
        f"{'Account':<8} {'Name':<{NAME_WIDTH}}"
        + "".join(h.rjust(AMOUNT_WIDTH) for h in ("IB", "Movement", "UB", "Prev. year UB")),
    ]
    rule = "-" * (9 + NAME_WIDTH + 4 * AMOUNT_WIDTH)
    out.append(rule)
    differing = differing_lines(tb)
    marked = {x.account for x in differing}
    for group in tb.groups:
        out.append(f"{group.klass} {group.title}")
        for x in group.lines:
            mark = "!" if x.account in marked else ""
            out.append(_table_row(x.account, x.name, [x.ib, x.movement, x.ub, x.prev_ub], mark))
        out.append(
            _table_row(
                "", f"Sum class {group.klass}", [group.ib, group.movement, group.ub, group.prev_ub]
            )
        )
        out.append("")
    if not tb.lines:
        out += ["  (no accounts with a balance)", ""]
    out.append(rule)
    total = tb.total
    out += [
        _table_row("", "Balance accounts", [None, None, tb.balance_sum]),
        _table_row("", "Result accounts", [None, None, tb.result_sum]),
        _table_row("", "Total", [None, None, total], "balanced" if total == 0 else "NOT BALANCED"),
        "",
    ]
    rba = tb.result_before_appropriations
    kind = "profit" if rba > 0 else "loss" if rba < 0 else "nil"
    out.append(f"Result before appropriations and tax (3000–8799): {sv_amount(rba)} ({kind})")
    out.append("")
    out += _consistency(tb, differing)
    other = [f for f in tb.findings if f.code != "closing-ub-differs"]
    problems = _problems(validation, frozenset({"ub-mismatch", "res-mismatch"}))
    if other:
        out += ["", "Trial balance findings", *(_finding_line(f) for f in other)]
    if problems:
        out += [
            "",
            f"File findings (sie-validate {path})",
            *_listed(problems, _validate_hint(path)),
        ]
    return "\n".join(out)


def _compared(tb: TrialBalance) -> list[TrialBalanceLine]:
    """The lines the file gives a figure for: where it writes #UB (#RES) at all, an
    account it leaves out counts as zero, as the engine compares them."""
    if tb.source != "transactions":
        return []
    has_ub = any(x.file_ub is not None for x in tb.lines if not x.is_result)
    has_res = any(x.file_ub is not None for x in tb.lines if x.is_result)
    return [x for x in tb.lines if (has_res if x.is_result else has_ub)]


def differing_lines(tb: TrialBalance) -> list[TrialBalanceLine]:
    """Accounts whose computed UB differs from the file's own #UB/#RES."""
    return [x for x in _compared(tb) if x.ub != (x.file_ub or Decimal("0"))]


def _consistency(tb: TrialBalance, differing: list[TrialBalanceLine]) -> list[str]:
    if tb.source != "transactions":
        return ["The file has no transactions, so there is nothing to check its balances against."]
    checked = _compared(tb)
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
        given = x.file_ub if x.file_ub is not None else Decimal("0")
        out.append(
            f"  {x.account:<8} computed {sv_amount(x.ub)}, file {label} {sv_amount(given)}, "
            f"difference {sv_amount(x.ub - given)}"
        )
    return out


def balance_json(tb: TrialBalance, validation: ValidationResult) -> dict[str, Any]:
    data = tb.to_json()
    for account in data["accounts"]:
        for key in ("ib", "movement", "ub", "prev_ub", "file_ub"):
            value = account.get(key)
            if value is not None:
                account[key] = _money_json(Decimal(value))
    for key in ("result_before_appropriations", "balance_sum", "result_sum"):
        data[key] = _money_json(Decimal(data[key]))
    data["file"] = validation.file
    data["ok"] = validation.ok
    data["validation_findings"] = [f.to_json() for f in _problems(validation)]
    return data


def run_balance(args: argparse.Namespace) -> int:
    validation = _load(args.file)
    assert validation.model is not None
    tb = trial_balance(validation.model)
    if args.json:
        print(json.dumps(balance_json(tb, validation), ensure_ascii=False))
    else:
        print(render_balance(tb, validation, args.file))
    return EXIT_OK if validation.ok else EXIT_REFUSED


# --------------------------------------------------------------------------- close


def output_stem(result: ClosingResult) -> str:
    """``556742-3180_2025``: the organisation number and the year the closing ends."""
    number = result.orgnr.strip()
    if orgnr_mod.is_valid(number):
        number = orgnr_mod.format(number)
    number = re.sub(r"[^0-9A-Za-z-]", "", number) or "okant-orgnr"
    year = result.tax_year or (result.year.end.year if result.year and result.year.end else 0)
    return f"{number}_{year}"


def _settings(args: argparse.Namespace) -> ClosingSettings:
    return ClosingSettings(
        series=args.series,
        pfond=args.pfond,
        reversals=tuple(args.reverse),
        previous_deficit=args.previous_deficit,
        rates_year=args.rates_year,
    )


def write_outputs(
    model: SieFile,
    result: ClosingResult,
    out: Path,
    assets: AssetInputs | None,
    today: dt.date,
) -> tuple[dict[str, Path], list[Finding]]:
    """Write the workbook and both SIE files into ``out``; the paths and what the
    SIE writer had to change."""
    out.mkdir(parents=True, exist_ok=True)
    stem = output_stem(result)
    year_model = year_with_closing(model, result, generated=today)
    year_type = sie_type_for(year_model)
    paths = {
        "workbook": out / f"{stem}_bokslut.xlsx",
        "closing_vouchers": out / f"{stem}_bokslut.si",
        "year_with_closing": out / f"{stem}_med_bokslut.{'si' if year_type == '4I' else 'se'}",
    }
    write_workbook(result, paths["workbook"], assets)
    findings = write(
        closing_vouchers_file(model, result, generated=today),
        paths["closing_vouchers"],
        sie_type="4I",
    )
    findings += write(year_model, paths["year_with_closing"], sie_type=year_type)
    return paths, findings


def _why_refused(result: ClosingResult) -> str:
    errors = [f for f in result.findings if f.severity == "error" and f.code != "closing-refused"]
    why = " ".join(f.message for f in errors) or "see the findings"
    if any(f.code == "closing-no-rates" for f in errors):
        years = ", ".join(str(y) for y in sorted(RATES))
        why += f" On the command line: --rates-year YEAR ({years})."
    return why


def render_close(
    result: ClosingResult,
    validation: ValidationResult,
    path: str,
    paths: Mapping[str, Path] | None,
    written: Sequence[Finding],
) -> str:
    r = result
    out = [
        f"Closing (bokslut) of {r.company or '(no company name)'}, {r.orgnr or 'no org. number'}",
    ]
    if not r.closed:
        out += [
            f"{_period(r)}",
            "",
            f"REFUSED: the closing was not made. {_why_refused(r)}",
        ]
        warnings = [f for f in r.findings if f.severity != "error"]
        if warnings:
            out += ["", "Closing findings", *_listed(warnings, "see --json for all")]
        return "\n".join(out)
    rates = r.rates
    assert rates is not None
    out += [
        f"{_period(r)} · tax table {rates.year} · series {r.settings.series}",
        "",
        "Tax computation (skatteberäkning)",
    ]
    width = 62

    def line(label: str, amount: Decimal) -> None:
        out.append(f"  {label:<{width}}{sv_amount(amount):>{AMOUNT_WIDTH}}")

    acc = r.settings.accounts
    line(f"Result before appropriations and tax ({acc.operating})", r.result_before_appropriations)
    if r.booked_appropriations:
        line("+ Appropriations booked during the year", r.booked_appropriations)
    for rev in r.pfond_reversals:
        why = "forced" if rev.forced else "voluntary"
        line(
            f"+ Reversal of periodiseringsfond {rev.year or ''} ({rev.account}, {why})", rev.amount
        )
    over = r.overavskrivning_detail
    if over is not None:
        line(f"− Överavskrivningar on inventarier ({over.rule}-rule)", r.overavskrivning)
    line("= Booked result before allocation and tax", r.booked_result_before_allocation)
    if r.non_deductible:
        line("+ Non-deductible costs (INK2S 4.3c)", r.non_deductible)
    if r.non_taxable:
        line("− Non-taxable income (INK2S 4.5c)", r.non_taxable)
    if r.schablonintakt:
        line(
            f"+ Schablonintäkt ({sv_amount(r.funds_at_start)} × "
            f"{sv_percent(r.schablon_rate)}, 4.6a)",
            r.schablonintakt,
        )
    if r.upprakning:
        line("+ Uppräkning on reversed funds (4.6d)", r.upprakning)
    line("= Surplus before allocation", r.surplus)
    if r.previous_deficit:
        line("− Deficit from the previous year (4.14a)", r.previous_deficit)
    share = sv_percent(rates.pfond_max_share)
    line(
        f"− Periodiseringsfond allocation → {r.pfond_allocation_account} (max {share}: "
        f"{sv_amount(r.pfond_max)})",
        r.pfond_allocation,
    )
    line(f"Taxable income, rounded down to {rates.taxable_rounding:f} kr (4.15)", r.taxable_income)
    if r.deficit_carried_forward:
        line("Deficit to carry forward (4.16)", r.deficit_carried_forward)
    line(f"Tax {sv_percent(r.tax_rate)}", r.tax)
    if r.booked_tax:
        line("  of which already booked", r.booked_tax)
    line("Årets resultat", r.arets_resultat)
    end = r.year.end.isoformat() if r.year and r.year.end else "?"
    out += ["", f"Closing vouchers (bokslutsverifikationer), dated {end}"]
    if not r.vouchers:
        out.append("  none: nothing to book")
    for v in r.vouchers:
        out.append(f"  {v.series} {v.number:<5} {v.text}")
        for row in v.rows:
            debit = sv_amount(row.amount) if row.amount > 0 else ""
            credit = sv_amount(-row.amount) if row.amount < 0 else ""
            name = _cut(_account_name(r, row.account), 40)
            out.append(
                f"      {row.account:<6} {name:<40}{debit:>{AMOUNT_WIDTH}}{credit:>{AMOUNT_WIDTH}}"
            )
            out[-1] = out[-1].rstrip()
    if r.pfond_register:
        funds = ", ".join(
            f"{f.account} ({f.year}) {sv_amount(f.closing)}" for f in r.pfond_register if f.closing
        )
        out += ["", f"Periodiseringsfonder after closing: {funds or 'none'}"]
    out += ["", "AR/AP attachments (reskontra)"]
    for a in r.attachments:
        label = f"{a.title} {a.accounts}"
        if a.source == "none":
            out.append(
                f"  {label:<32} book {sv_amount(a.book_balance)}; not specified: the file has "
                "no counterparty objects"
            )
            continue
        status = "OK" if a.difference == 0 else "DIFFERENCE"
        out.append(
            f"  {label:<32} book {sv_amount(a.book_balance)}, open items "
            f"{sv_amount(a.specified)}, difference {sv_amount(a.difference)}  {status}"
        )
    if r.findings:
        out += ["", "Closing findings", *_listed(r.findings, "see --json for all")]
    problems = _problems(validation)
    if problems:
        out += [
            "",
            f"File findings (sie-validate {path})",
            *_listed(problems, _validate_hint(path)),
        ]
    if written:
        out += ["", "Writing the SIE files", *(_finding_line(f) for f in written)]
    if paths is not None:
        out += [
            "",
            f"Outputs in {paths['workbook'].parent}/",
            f"  Excel closing sheet:                      {paths['workbook']}",
            f"  Closing vouchers, SIE 4I (to import):     {paths['closing_vouchers']}",
            f"  The year with the closing vouchers, SIE:  {paths['year_with_closing']}",
        ]
    return "\n".join(out)


def _account_name(result: ClosingResult, account: str) -> str:
    line = result.trial_balance.line(account)
    if line is not None and line.name:
        return line.name
    for a in result.new_accounts:
        if a.number == account:
            return a.name
    for f in result.pfond_register:
        if f.account == account and f.year is not None:
            return f"Periodiseringsfond {f.year}"
    return ACCOUNT_NAMES.get(account, "")


def run_close(args: argparse.Namespace) -> int:
    assets = read_assets(args.assets) if args.assets else None
    validation = _load(args.file)
    model = validation.model
    assert model is not None
    if not validation.ok:
        errors = [f for f in validation.findings if f.severity == "error"]
        if args.json:
            print(
                json.dumps(
                    {
                        "file": validation.file,
                        "closed": False,
                        "reason": "the file has validation errors",
                        "validation_findings": [f.to_json() for f in errors],
                    },
                    ensure_ascii=False,
                )
            )
        else:
            print(f"{args.file}: REFUSED: the file has validation errors; fix them first:")
            print("\n".join(_listed(errors, _validate_hint(args.file))))
        return EXIT_REFUSED
    result = close(model, _settings(args), assets)
    if not result.closed:
        if args.json:
            data = result.to_json()
            data.update(file=validation.file, reason=_why_refused(result), outputs=None)
            print(json.dumps(data, ensure_ascii=False))
        else:
            print(render_close(result, validation, args.file, None, ()))
        return EXIT_REFUSED
    try:
        paths, written = write_outputs(model, result, Path(args.out), assets, dt.date.today())
    except OSError as exc:
        raise UsageError(
            f"cannot write the outputs into {args.out} ({exc.strerror or exc}); "
            "choose another directory with --out"
        ) from None
    if args.json:
        data = result.to_json()
        data.update(
            file=validation.file,
            outputs={key: str(p) for key, p in paths.items()},
            validation_findings=[f.to_json() for f in _problems(validation)],
            write_findings=[f.to_json() for f in written],
        )
        print(json.dumps(data, ensure_ascii=False))
    else:
        print(render_close(result, validation, args.file, paths, written))
    return EXIT_OK


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse printed the usage message
        return EXIT_OK if exc.code in (0, None) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return run_balance(args) if args.command == "balance" else run_close(args)
    except UsageError as exc:
        print(f"bokslut: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("bokslut: interrupted", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # never a traceback for the user
        print(
            f"bokslut: unexpected failure ({type(exc).__name__}: {exc}); please report it "
            "together with the file",
            file=sys.stderr,
        )
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
