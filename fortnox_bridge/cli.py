"""``bokslut``: ``bokslut fortnox login|pull|push|roundtrip|sandbox`` here, every other
subcommand handed to :func:`closing.cli.main`.

Each command is argument parsing → one library call (:mod:`fortnox_bridge.login`,
:mod:`fortnox_bridge.roundtrip`, :mod:`fortnox_bridge.sync`) → rendering → exit
status: 0 done, 1 refused or errors found (the output says why, per voucher and
row), 2 usage, configuration, or Fortnox unreachable. No traceback reaches the user;
no token or secret is ever printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fortnox_bridge.errors import (
    ConfigError,
    FortnoxError,
    ReconnectRequired,
    TokenStoreError,
    TransportError,
)
from sie import amounts
from sie.display import printable, printable_json

if TYPE_CHECKING:  # the closing stack is imported only by the commands that need it
    from fortnox_bridge.preflight import Problem
    from fortnox_bridge.sync import PushResult

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
PROG = "bokslut fortnox"


class UsageError(Exception):
    """A mistake on the command line or in a file given on it."""


def _date_arg(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date YYYY-MM-DD") from None


def _series_arg(value: str) -> str:
    if not value or len(value) > 10 or not value.isalnum():
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a Fortnox voucher series (1–10 letters or digits, e.g. I)"
        )
    return value


def build_parser() -> argparse.ArgumentParser:
    from closing import cli as close_cli
    from closing.assets import ASSETS_HELP

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", metavar="FILE", help="TOML file with the FORTNOX_* keys in lower case"
    )
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    common.add_argument("--tenant", metavar="ID", help="which connected company (when several)")
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Pull the books from Fortnox, post the closing vouchers back, "
        "prove the round trip.",
        epilog="Configuration: FORTNOX_CLIENT_ID, FORTNOX_CLIENT_SECRET, FORTNOX_REDIRECT_URI, "
        "FORTNOX_SCOPES, FORTNOX_API_URL, FORTNOX_AUTH_URL, FORTNOX_TOKEN_STORE (environment, "
        "or lower-case keys in --config FILE). Exit status: 0 done, 1 refused or errors, "
        "2 usage, configuration or Fortnox unreachable.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    login = sub.add_parser(
        "login", parents=[common], help="connect a Fortnox company (OAuth2) and store its tokens"
    )
    login.add_argument("--code", help="an authorization code already obtained (skips the browser)")
    login.add_argument(
        "--company", metavar="ORGNR", help="sandbox only: which seeded company consents"
    )
    login.add_argument("--service-account", action="store_true", help="account_type=service")
    login.add_argument(
        "--wait", type=float, default=300.0, metavar="SECONDS", help=argparse.SUPPRESS
    )
    pull = sub.add_parser(
        "pull", parents=[common], help="download a financial year's SIE 4 and validate it"
    )
    pull.add_argument(
        "--financial-year-date",
        type=_date_arg,
        metavar="D",
        help="a date in the year (default: the latest year that has ended)",
    )
    pull.add_argument(
        "--out",
        metavar="FILE",
        help="where to write the SIE 4 (default out/fortnox_<tenant>_<year>.se)",
    )
    push = sub.add_parser(
        "push", parents=[common], help="post a closing's vouchers (what `bokslut close` wrote)"
    )
    push.add_argument(
        "source", metavar="CLOSING_DIR|FILE.si", help="the *_bokslut.si file or its folder"
    )
    _push_options(push)
    trip = sub.add_parser(
        "roundtrip",
        parents=[common],
        help="pull, validate, close, push, pull again and verify",
        epilog=ASSETS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _push_options(trip)
    trip.add_argument(
        "--out", metavar="DIR", help="write the workbook and SIE files of the closing here"
    )
    trip.add_argument(
        "--financial-year-date", type=_date_arg, metavar="D", help="a date in the year to close"
    )
    close_cli.add_close_options(trip)
    box = sub.add_parser(
        "sandbox",
        help="serve the local Fortnox sandbox on 127.0.0.1 (options: sandbox --help)",
        add_help=False,
    )
    box.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def _push_options(parser: argparse.ArgumentParser) -> None:
    from fortnox_bridge.sync import DEFAULT_SERIES

    parser.add_argument(
        "--series",
        type=_series_arg,
        default=DEFAULT_SERIES,
        metavar="S",
        help="Fortnox voucher series for the closing "
        "(default %(default)s, Fortnox's closing series)",
    )
    parser.add_argument(
        "--revision",
        type=int,
        default=1,
        metavar="N",
        help="after reversing a posted closing in Fortnox: post the corrected one as revision N",
    )


# ----------------------------------------------------------------------------- plumbing


def _err(text: str) -> None:
    print(printable(text), file=sys.stderr)


def _progress(text: str) -> None:
    """One status line on a terminal, rewritten in place and cleared by :func:`_done`, so
    a posted voucher is not listed twice (progress, then the result); nothing in a pipe."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K" + printable(text)[:100])
        sys.stderr.flush()


def _done() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def _emit(args: argparse.Namespace, data: dict[str, Any], lines: Sequence[str]) -> None:
    if args.json:
        print(printable_json(data))
    else:
        for line in lines:
            print(printable(line))


def _config(args: argparse.Namespace) -> Any:
    from fortnox_bridge.config import load_config

    return load_config(Path(args.config) if args.config else None)


def _client(args: argparse.Namespace) -> Any:
    from fortnox_bridge.client import FortnoxClient
    from fortnox_bridge.tokens import TokenStore

    config = _config(args)
    config.require_client()
    tenants = TokenStore(config.token_store).tenants()
    tenant = args.tenant
    if tenant is None:
        if not tenants:
            raise TokenStoreError(
                "no Fortnox company is connected", hint=f"run `{PROG} login` first"
            )
        if len(tenants) > 1:
            raise UsageError(
                f"several companies are connected ({', '.join(tenants)}); choose one with --tenant"
            )
        tenant = tenants[0]
    return FortnoxClient(config, tenant)


def _problem_lines(problems: Sequence[Problem]) -> list[str]:
    return [f"  {p}" for p in problems]


# ----------------------------------------------------------------------------- commands


def run_login(args: argparse.Namespace) -> int:
    from fortnox_bridge.login import login

    def announce(url: str) -> None:
        _err("Open this address in a browser to connect Fortnox (waiting for the redirect):")
        _err(f"  {url}")

    result, client = login(
        _config(args),
        code=args.code,
        tenant=args.company,
        service_account=args.service_account,
        announce=announce,
        wait=args.wait,
    )
    client.close()
    _emit(
        args,
        {"ok": True, **result.to_json()},
        [
            f"connected: {result.company or '(name not readable)'} {result.orgnr} "
            f"(tenant {result.tenant}, scopes {' '.join(result.scopes)})"
        ],
    )
    return EXIT_OK


def run_pull(args: argparse.Namespace) -> int:
    from fortnox_bridge.roundtrip import pull

    with _client(args) as client:
        out = Path(args.out) if args.out else None
        _err("pulling the SIE 4 export from Fortnox …")
        result = pull(
            client,
            financial_year_date=args.financial_year_date,
            out=out,
            default_folder=Path("out"),
        )
    if result.financial_year is None:  # no year: only the reason, no empty figures
        _emit(args, result.to_json(), [*_problem_lines(result.problems), "  REFUSED: see above"])
        return EXIT_REFUSED
    lines = [
        f"{result.company} {result.orgnr}: financial year {result.start} – {result.end} "
        f"(Fortnox id {result.financial_year}), {result.size} bytes"
        + (f" → {result.out}" if result.out else ""),
    ]
    findings = result.validation.findings if result.validation else ()
    lines += [f"  {f.severity}: {f.message} [{f.code}]" for f in findings if f.severity != "info"]
    lines += _problem_lines(result.problems)
    lines.append("  import checks passed" if result.ok else "  REFUSED: see above")
    _emit(args, result.to_json(), lines)
    return EXIT_OK if result.ok else EXIT_REFUSED


def _push_lines(result: PushResult) -> list[str]:
    lines = []
    for v in result.vouchers:
        verb = "posted " if v.status == "posted" else "already"
        lines.append(f"  {verb} {v.series} {v.number:<5} {v.text}")
    lines += _problem_lines(result.problems)
    if result.ok:
        lines.append(
            f"  {len(result.posted)} posted, {len(result.existing)} already in Fortnox "
            f"(series {result.series}, financial year id {result.financial_year})"
        )
    else:
        where = "nothing was posted" if not result.posted else "the rest was not posted"
        lines.append(f"  REFUSED: {where}; see above")
    return lines


def run_push(args: argparse.Namespace) -> int:
    from fortnox_bridge.roundtrip import closing_vouchers
    from fortnox_bridge.sync import push

    try:
        vouchers, orgnr, _findings = closing_vouchers(Path(args.source))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not vouchers:
        raise UsageError(f"{args.source}: holds no vouchers to post")
    with _client(args) as client:
        result = push(
            client,
            vouchers,
            series=args.series,
            orgnr=orgnr,
            revision=args.revision,
            progress=_progress,
        )
    _done()
    _emit(args, result.to_json(), _push_lines(result))
    return EXIT_OK if result.ok else EXIT_REFUSED


def run_roundtrip(args: argparse.Namespace) -> int:
    from closing import cli as close_cli
    from fortnox_bridge.roundtrip import roundtrip

    try:
        settings, assets = close_cli.close_inputs(args)
    except close_cli.UsageError as exc:
        raise UsageError(str(exc)) from None
    with _client(args) as client:
        result = roundtrip(
            client,
            settings=settings,
            assets=assets,
            series=args.series,
            out=Path(args.out) if args.out else None,
            financial_year_date=args.financial_year_date,
            revision=args.revision,
            progress=_progress,
        )
    _done()
    _emit(args, result.to_json(), roundtrip_lines(result))
    return EXIT_OK if result.ok else EXIT_REFUSED


def roundtrip_lines(result: Any) -> list[str]:
    p = result.pulled
    lines = [f"pulled {p.company} {p.orgnr}, {p.start} – {p.end}: {p.size} bytes"]
    if result.stage == "pull":
        findings = p.validation.findings if p.validation else ()
        lines += [
            f"  {f.severity}: {f.message} [{f.code}]" for f in findings if f.severity == "error"
        ]
        lines += _problem_lines(p.problems)
        return [*lines, "REFUSED at the pull: nothing was closed or posted"]
    r = result.closing
    if result.stage == "close":
        errors = [f for f in r.findings if f.severity == "error"]
        return [
            *lines,
            *(f"  error: {f.message} [{f.code}]" for f in errors),
            "REFUSED: the closing was refused; nothing was posted",
        ]
    lines.append(
        f"closed: årets resultat {amounts.format(r.arets_resultat)}, "
        f"{len(r.vouchers)} closing voucher(s)"
    )
    lines += [f"  note: {note}" for note in result.notes]
    lines += [f"  wrote {path}" for path in result.written]
    lines.append("push:")
    lines += _push_lines(result.pushed)
    if result.stage == "push":
        return lines
    check = result.verification
    if check is None:
        return [*lines, "could not pull again to verify"]
    lines.append("closing balances of the accounts the closing moved (pulled again):")
    lines.append(f"  {'account':<7}{'engine':>15}{'Fortnox':>18}")
    lines += [
        f"  {d.account:<7}{amounts.format(d.expected):>15}{amounts.format(d.found):>18}"
        + ("" if d.expected == d.found else "  DIFFERS")
        for d in check.compared
    ]
    if check.held:
        lines.append(
            f"verified: the SIE pulled again holds the {check.vouchers_found} closing voucher(s) "
            "under Fortnox's numbers and every account's closing balance equals the engine's "
            "to the öre"
        )
    else:
        lines += _problem_lines(check.problems)
        lines += [
            f"  {d.account}: expected {d.expected}, Fortnox {d.found}" for d in check.differences
        ]
        lines.append("NOT VERIFIED")
    return lines


def run_sandbox(argv: Sequence[str]) -> int:
    from fortnox_bridge.sandbox import run

    status = run(list(argv))
    return int(status or 0)


COMMANDS = {"login": run_login, "pull": run_pull, "push": run_push, "roundtrip": run_roundtrip}


def fortnox_main(argv: Sequence[str]) -> int:
    """``bokslut fortnox ...``; the exit status."""
    argv = list(argv)
    if argv[:1] == ["sandbox"]:
        try:
            return run_sandbox(argv[1:])
        except KeyboardInterrupt:
            return EXIT_OK
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code in (0, None) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        return _fail(args, str(exc), EXIT_USAGE)
    except (ConfigError, TokenStoreError, TransportError) as exc:
        return _fail(args, str(exc), EXIT_USAGE, exc.to_json())
    except ReconnectRequired as exc:  # its hint already says to run `bokslut fortnox login`
        return _fail(args, str(exc), EXIT_REFUSED, exc.to_json())
    except FortnoxError as exc:
        return _fail(args, str(exc), EXIT_REFUSED, exc.to_json())
    except KeyboardInterrupt:
        _err(f"{PROG}: interrupted")
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # never a traceback for the user
        return _fail(
            args,
            f"unexpected failure ({type(exc).__name__}: {exc}); please report it",
            EXIT_REFUSED,
        )


def _fail(
    args: argparse.Namespace, message: str, status: int, error: dict[str, Any] | None = None
) -> int:
    if getattr(args, "json", False):
        print(printable_json({"ok": False, "error": error or {"message": message}}))
    _err(f"{PROG} {args.command}: {message}")
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """The ``bokslut`` console script: ``fortnox ...`` here, the rest to ``closing.cli``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["fortnox"]:
        return fortnox_main(args[1:])
    from closing import cli as close_cli

    status = close_cli.main(args)
    if args[:1] in (["-h"], ["--help"]) or not args:
        print(f"\n  fortnox ...   talk to Fortnox: `{PROG} --help`", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
