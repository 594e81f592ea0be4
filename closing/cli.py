"""``bokslut``: the trial balance and the year-end closing from a SIE file.

Argument parsing → one call of :mod:`closing.pipeline` → rendering by
:mod:`closing.render` → exit status. ``bokslut balance`` prints the råbalans;
``bokslut close`` closes the year and writes the outputs of :mod:`closing.outputs`.

Exit status: 0 success; 1 the file has validation errors or the closing was
refused (the output says why); 2 usage errors, files that cannot be read and
outputs that cannot be written (with ``--json``, a JSON object with the reason).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TypeVar

from closing import render
from closing.appropriations import AssetInputs
from closing.assets import ASSETS_HELP, AssetsError, read_assets
from closing.pipeline import CloseReport, Status, balance_file, close_file
from closing.rates import DEFAULT_ADJUSTMENTS, RATES
from closing.settings import ClosingSettings, parse_amount, parse_pfond, parse_reverse_pfond
from closing.tax import parse_adjustment
from sie.display import printable
from sie.reader import size_mb
from sie.validation import ImportSettings

T = TypeVar("T")
EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
CLOSE_EXIT: dict[Status, int] = {
    "closed": EXIT_OK,
    "invalid": EXIT_REFUSED,
    "refused": EXIT_REFUSED,
    "unreadable": EXIT_USAGE,
    "unwritable": EXIT_USAGE,
}


class UsageError(Exception):
    """A problem with the command line or an input other than the SIE file."""


def _gone(value: str) -> None:
    raise argparse.ArgumentTypeError("replaced by --reverse-pfond AMOUNT|all|cover-loss")


def _checked(parse: Callable[[str], T]) -> Callable[[str], T]:
    """``parse`` for argparse: its ``ValueError`` becomes the usage message."""

    def run(value: str) -> T:
        try:
            return parse(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    run.__name__ = parse.__name__
    return run


def _year_arg(value: str) -> int:
    if not value.isdigit() or int(value) not in RATES:
        known = ", ".join(str(y) for y in sorted(RATES))
        raise argparse.ArgumentTypeError(f"{value!r}: tax tables exist for {known}")
    return int(value)


def _series_arg(value: str) -> str:
    if not value or not value.isprintable() or any(c.isspace() or c in '"{}' for c in value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a voucher series; use letters or digits such as A or BOKS"
        )
    return value


def add_close_options(parser: argparse.ArgumentParser) -> None:
    """The closing's choices (not --series, --out, --json): shared with ``bokslut fortnox``,
    which reads them back with :func:`close_inputs`."""
    add = parser.add_argument
    add(
        "--pfond",
        type=_checked(parse_pfond),
        default="max",
        metavar="max|none|AMOUNT",
        help="new periodiseringsfond: the maximum (default), none, or an amount "
        "(capped at the maximum)",
    )
    add(
        "--reverse-pfond",
        type=_checked(parse_reverse_pfond),
        default=None,
        metavar="AMOUNT|all|cover-loss",
        help="voluntary reversal of periodiseringsfonder, oldest fund first, after the "
        "forced sixth-year one: an amount in kronor, all funds, or cover-loss (just "
        "enough to bring the taxable result to zero)",
    )
    add("--reverse", type=_gone, help=argparse.SUPPRESS)
    add(
        "--force",
        action="store_true",
        help="close even when the råbalans does not sum to zero (reported in the output)",
    )
    add("--assets", metavar="FILE", help="JSON file with the inventarier inputs (format below)")
    add(
        "--adjust",
        type=_checked(parse_adjustment),
        action="append",
        default=[],
        metavar="ACCOUNT=FIELD",
        help="tax adjustment of an account (repeatable): 4.3b/4.3c add back a cost, 4.5b/4.5c "
        "deduct an income, none drops a default; sub-accounts follow their parent",
    )
    add(
        "--previous-deficit",
        type=_checked(parse_amount),
        default=Decimal("0"),
        metavar="AMOUNT",
        help="unused tax deficit (underskott) from the previous year, INK2S 4.14a",
    )
    add(
        "--rates-year",
        type=_year_arg,
        metavar="YEAR",
        help="use another tax year's rates (a simulation; for years without a table)",
    )


def close_inputs(args: argparse.Namespace) -> tuple[ClosingSettings, AssetInputs | None]:
    """The settings and inventarier inputs of :func:`add_close_options`'s options (and
    --series when the parser has it); a bad assets file is a :class:`UsageError`."""
    settings = ClosingSettings(
        series=getattr(args, "series", ClosingSettings().series),
        pfond=args.pfond,
        reverse_pfond=args.reverse_pfond,
        force=args.force,
        previous_deficit=args.previous_deficit,
        rates_year=args.rates_year,
        adjustments={**DEFAULT_ADJUSTMENTS, **dict(getattr(args, "adjust", []))},
    )
    try:
        assets = read_assets(args.assets) if args.assets is not None else None
    except AssetsError as exc:
        raise UsageError(f"the --assets file {exc}") from None
    return settings, assets


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bokslut",
        allow_abbrev=False,
        description="Trial balance and year-end closing (bokslut) of an aktiebolag "
        "from a SIE file.",
        epilog="Exit status: 0 success, 1 validation errors or closing refused, "
        "2 usage error or unreadable file.",
    )
    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    common.add_argument("file", metavar="FILE", help="SIE file (type 1-4; to close, a 4E export)")
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    common.add_argument(
        "--max-size-mb",
        type=_checked(size_mb),
        default=ImportSettings().max_size_mb,
        metavar="N",
        help="refuse files larger than this (default %(default)g MB)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser(
        "balance",
        parents=[common],
        allow_abbrev=False,
        help="print the trial balance (råbalans) computed from the transactions",
        description="Print the trial balance (råbalans) of financial year 0, computed "
        "from the transactions, grouped by BAS class, and where it disagrees with the "
        "file's own #UB/#RES.",
    )
    close_ = sub.add_parser(
        "close",
        parents=[common],
        allow_abbrev=False,
        help="close the year: workbook, closing vouchers (SIE 4I), the year with them (SIE)",
        description="Close financial year 0 of an aktiebolag: periodiseringsfonder, "
        "överavskrivningar, tax and årets resultat. Writes the Excel closing sheet, the "
        "closing vouchers as SIE 4I, the year with the closing as SIE and the tax return "
        "as SRU files, and prints a summary.",
        epilog=ASSETS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    close_.add_argument(
        "--out", default="out", metavar="DIR", help="folder for the outputs (default out/)"
    )
    close_.add_argument(
        "--series",
        type=_series_arg,
        default=ClosingSettings().series,
        metavar="S",
        help="voucher series for the closing vouchers (default %(default)s)",
    )
    add_close_options(close_)
    return parser


def run_balance(args: argparse.Namespace) -> int:
    report = balance_file(args.file, import_settings=ImportSettings(max_size_mb=args.max_size_mb))
    if args.json:
        print(render.dumps(render.balance_json(report)))
    elif report.trial_balance is None:
        print(printable(f"bokslut: {args.file}: cannot be read: {report.reason}"), file=sys.stderr)
    else:
        print(render.render_balance(report))
    if report.trial_balance is None:
        return EXIT_USAGE
    return EXIT_OK if report.validation.ok else EXIT_REFUSED


def _refusal_hint(report: CloseReport) -> str:
    """The command-line way out of a refusal for want of a tax table."""
    r = report.result
    if r is None or r.rates is not None or r.tax_year is None:
        return ""
    years = ", ".join(str(y) for y in sorted(RATES))
    return f"On the command line: --rates-year YEAR ({years}) closes as a simulation."


def run_close(args: argparse.Namespace) -> int:
    settings, assets = close_inputs(args)
    limits = ImportSettings(max_size_mb=args.max_size_mb)
    report = close_file(args.file, settings, assets=assets, folder=args.out, import_settings=limits)
    status = CLOSE_EXIT[report.status]
    if args.json:
        print(render.dumps(render.close_json(report)))
    elif report.status == "unreadable":
        print(printable(f"bokslut: {args.file}: cannot be read: {report.reason}"), file=sys.stderr)
    else:
        print(render.render_close(report, _refusal_hint(report)))
        if status == EXIT_USAGE:
            print(printable(f"bokslut: {report.reason}"), file=sys.stderr)
    return status


def _fail(args: argparse.Namespace, message: str) -> int:
    """Say why the command failed (as JSON with --json) and give the usage exit status."""
    if getattr(args, "json", False):
        print(render.dumps(render.refusal_json(args.file, message)))
    print(printable(f"bokslut: {message}"), file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``bokslut`` with ``argv`` (default: the process arguments); the exit status."""
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
        return _fail(args, str(exc))
    except KeyboardInterrupt:
        print("bokslut: interrupted", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # never a traceback for the user
        return _fail(
            args,
            f"unexpected failure ({type(exc).__name__}: {exc}); please report it "
            "together with the file",
        )


if __name__ == "__main__":
    sys.exit(main())
