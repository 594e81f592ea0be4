"""Serving the sandbox for real: werkzeug's threaded server on a loopback address.

``serve`` returns once the socket accepts connections; ``run`` is the command line
(``bokslut fortnox sandbox`` hands its arguments here, ``python -m fortnox_bridge.sandbox``
too). Requests are not logged: the server never prints codes or tokens.
"""

from __future__ import annotations

import argparse
import ipaddress
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from fortnox_bridge.sandbox import ratelimit
from fortnox_bridge.sandbox.app import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, Sandbox
from fortnox_bridge.sandbox.faults import Faults, FaultSpecError
from fortnox_bridge.sandbox.seed import SeedError
from sie.display import printable


class _QuietHandler(WSGIRequestHandler):
    """No access log (URLs could carry codes), no tracebacks for dropped answers."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass

    def log(self, type: str, message: str, *args: Any) -> None:
        if type == "error":
            super().log(type, message, *args)


class Server:
    """A running sandbox server: ``url``, ``port``, ``shutdown()``; a context manager."""

    def __init__(self, server: BaseWSGIServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread
        self.host = server.host
        self.port = server.server_port
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{host}:{self.port}"

    def __repr__(self) -> str:
        return f"Server({self.url})"

    def shutdown(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def serve(app: Sandbox, host: str = "127.0.0.1", port: int = 0) -> Server:
    """Serve ``app`` on ``host`` (loopback only; port 0 picks a free port) in a thread."""
    if not _loopback(host):
        raise ValueError(f"the sandbox serves on loopback only (127.0.0.1, ::1), not {host!r}")
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="fortnox-sandbox", daemon=True)
    thread.start()
    return Server(server, thread)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="bokslut fortnox sandbox",
        description="Serve a local Fortnox API (OAuth2 + REST) seeded from SIE files.",
    )
    p.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    p.add_argument(
        "--seed",
        action="append",
        default=[],
        metavar="FILE.se",
        help="SIE 4 file of a company (repeat; up to 30 companies); default: the sample company",
    )
    p.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    p.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    p.add_argument(
        "--rate-limit", default="25/5", metavar="N/SECONDS|off", help="default 25/5 as Fortnox"
    )
    p.add_argument("--faults", default="", metavar="SPEC", help="fault injection, e.g. 500:0.1")
    return p


def run(
    argv: Sequence[str] | None = None,
    *,
    ready: threading.Event | None = None,
    stop: threading.Event | None = None,
) -> int:
    """The command: serve until Ctrl-C, SIGTERM or ``stop`` is set; ``ready`` is set once
    the server accepts connections (for callers running it in a thread)."""
    args = parser().parse_args(argv)
    try:
        limit = ratelimit.parse(args.rate_limit)
        faults = Faults.parse(args.faults)
        sandbox = Sandbox.from_sie_files(
            args.seed,
            rate_limit=limit,
            faults=faults,
            client_id=args.client_id,
            client_secret=args.client_secret,
        )
        server = serve(sandbox, args.host, args.port)
    except (SeedError, FaultSpecError, ValueError, OSError) as exc:
        print(f"bokslut fortnox sandbox: {printable(str(exc))}", file=sys.stderr)
        return 2
    for note in sandbox.notes:
        print(f"note: {printable(note)}", file=sys.stderr)
    for t in sandbox.tenants:
        print(
            f"company {printable(t.company.orgnr)} {printable(t.company.name)}: "
            f"TenantId {t.database_number}, {len(t.years)} financial year(s)",
            file=sys.stderr,
        )
    print(f"listening on {server.url}", flush=True)
    stop = stop or threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
    try:
        if ready is not None:
            ready.set()
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0
