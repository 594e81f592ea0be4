"""``sie-validate``: check SIE files before importing them.

Argument parsing → :func:`sie.validation.load` per file → rendering → exit
status. Exit 0 when no file has errors, 1 when any has, 2 for usage errors and
for files that cannot be checked at all (missing, not SIE, too large).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from sie import orgnr, render
from sie.display import printable, printable_json
from sie.findings import Finding, finding
from sie.reader import size_mb
from sie.validation import MEGABYTE, ImportSettings, Progress, ValidationResult, load

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
#: Files at least this large get a progress bar (when stderr is a terminal).
PROGRESS_MIN_BYTES = 20 * MEGABYTE
_BAR_WIDTH = 30


def _orgnr_arg(value: str) -> str:
    try:
        return orgnr.format(value)
    except orgnr.InvalidOrgnr as exc:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a valid organisation number ({exc.reason}); write it as NNNNNN-NNNN"
        ) from None


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be at least 1")
    return number


def _size_arg(value: str) -> float:
    try:
        return size_mb(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _series_arg(value: str) -> str:
    if not value or any(ch.isspace() or ch == '"' for ch in value):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a voucher series; use letters or digits such as A or LEV1"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    defaults = ImportSettings()
    parser = argparse.ArgumentParser(
        prog="sie-validate",
        description="Check SIE files (types 1-4) the way an import into a closing program does.",
        epilog="Exit status: 0 no errors, 1 errors found, 2 usage error or file not checkable.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="SIE file(s) to check")
    parser.add_argument("--json", action="store_true", help="one JSON object per file and line")
    parser.add_argument(
        "--orgnr",
        type=_orgnr_arg,
        metavar="NNNNNN-NNNN",
        help="organisation number the files must belong to",
    )
    _add_setting(
        parser,
        "--max-objects",
        _positive_int,
        "N",
        "objects per dimension the import accepts",
        defaults.max_objects,
    )
    _add_setting(
        parser,
        "--default-series",
        _series_arg,
        "S",
        "series for vouchers without one",
        defaults.default_series,
    )
    _add_setting(
        parser,
        "--max-size-mb",
        _size_arg,
        "N",
        "refuse files larger than this",
        defaults.max_size_mb,
        shown=f"{defaults.max_size_mb:g} MB",
    )
    return parser


def _add_setting(
    parser: argparse.ArgumentParser,
    flag: str,
    convert: Callable[[str], object],
    metavar: str,
    what: str,
    default: object,
    shown: str | None = None,
) -> None:
    """An option that overrides one :class:`ImportSettings` field; its help names the default."""
    shown = str(default) if shown is None else shown
    parser.add_argument(
        flag, type=convert, default=default, metavar=metavar, help=f"{what} (default {shown})"
    )


# --------------------------------------------------------------------------- rendering


def render_text(result: ValidationResult) -> str:
    """Summary, then one line per finding (``file:line: severity: message [code]``).

    Every line is passed through :func:`sie.display.printable`: names and texts come
    from the file, and a control character in them must not reach the terminal.
    """
    lines = [f"{result.file or '<input>'}"]
    summary = result.summary()
    if summary is not None:
        c = summary.counts
        company = summary.company or "(no name)"
        lines += [
            f"  program:  {summary.program or '(not given)'}",
            f"  type:     SIE {summary.sie_type}    encoding: {summary.encoding}",
            f"  company:  {company}    org. number: {summary.orgnr or '(none)'}",
        ]
        for y in summary.years:
            start = y.start.isoformat() if y.start else "?"
            end = y.end.isoformat() if y.end else "?"
            lines.append(f"  year {y.index:>2}:  {start} – {end}")
        lines.append(
            f"  counts:   {c.vouchers} vouchers, {c.rows} rows, {c.accounts} accounts, "
            f"{c.objects} objects"
        )
    lines += [str(f) for f in result.findings]
    errors = sum(f.severity == "error" for f in result.findings)
    warnings = sum(f.severity == "warning" for f in result.findings)
    if result.refused:
        verdict = "REFUSED: the file was not checked"
    elif errors:
        verdict = f"FAILED: {errors} error(s), {warnings} warning(s)"
    else:
        verdict = f"OK: {warnings} warning(s)"
    lines.append(f"  {verdict}")
    return "\n".join(printable(line) for line in lines)


def render_json(result: ValidationResult) -> str:
    """One line of JSON; control characters (C1 and bidirectional ones too) escaped."""
    return printable_json(render.to_json(result))


def _progress_bar(path: str, stream: TextIO) -> Progress | None:
    """A progress bar for large files, only when ``stream`` is a terminal."""
    try:
        large = os.stat(path).st_size >= PROGRESS_MIN_BYTES
    except OSError:
        return None
    if not (large and stream.isatty()):
        return None

    def show(done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = int(share * _BAR_WIDTH)
        bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
        end = "\n" if done >= total else ""
        stream.write(f"\r{printable(os.path.basename(path))} [{bar}] {share:4.0%}{end}")
        stream.flush()

    return show


def _internal_error(path: str, exc: BaseException) -> ValidationResult:
    message = (
        f"unexpected failure while checking the file ({type(exc).__name__}: {exc}); "
        "please report it together with the file"
    )
    found: Finding = finding("internal-error", message, 0, path)
    return ValidationResult(None, (found,), file=path)


# --------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage message
        return EXIT_OK if exc.code in (0, None) else EXIT_USAGE
    settings = ImportSettings(
        expected_orgnr=args.orgnr,
        max_size_mb=args.max_size_mb,
        default_series=args.default_series,
        max_objects=args.max_objects,
    )
    status = EXIT_OK
    try:
        for path in args.files:
            try:
                result = load(path, settings, progress=_progress_bar(path, sys.stderr))
            except Exception as exc:  # never a traceback for the user
                result = _internal_error(path, exc)
            print(render_json(result) if args.json else render_text(result), flush=True)
            if result.refused:
                status = EXIT_USAGE
            elif not result.ok and status == EXIT_OK:
                status = EXIT_ERRORS
    except KeyboardInterrupt:
        print("sie-validate: interrupted", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return status
    return status


if __name__ == "__main__":
    sys.exit(main())
