"""The sandbox as one WSGI application: Fortnox's OAuth endpoints and REST API for seeded
companies, with its rate limit and injectable faults.

Why werkzeug: its URL map, request and response objects are all a faithful emulator needs,
and the same app runs in-process under ``httpx.WSGITransport`` and behind werkzeug's
threaded development server on 127.0.0.1 — no framework, no second code path.

A request to ``/3/...`` passes, in order: the ``slow`` fault, the bearer token (401
``{"message":"unauthorized"}``), ``expire-token``, ``500`` and ``429-storm`` faults, the
rate limit per (client id, tenant), ``Accept``, the route, the token's scope (403) and the
company's licence (400 / 2001101), then the handler under one lock. The token decides the
company: no URL names one, so a token only ever reaches its own tenant.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

import sie
from fortnox_bridge.sandbox import invoices, resources, sie_export, vouchers
from fortnox_bridge.sandbox.clock import Now, real_now, today
from fortnox_bridge.sandbox.context import Ctx, Refusal
from fortnox_bridge.sandbox.errors import (
    error,
    not_found_page,
    too_many_requests,
    unauthorized,
)
from fortnox_bridge.sandbox.faults import Faults
from fortnox_bridge.sandbox.oauth import OAuth
from fortnox_bridge.sandbox.ratelimit import DEFAULT as DEFAULT_RATE
from fortnox_bridge.sandbox.ratelimit import SlidingWindow
from fortnox_bridge.sandbox.seed import DEFAULT, SeedOptions, seed
from fortnox_bridge.sandbox.state import Tenant

DEFAULT_CLIENT_ID = "sandbox-client"
DEFAULT_CLIENT_SECRET = "sandbox-secret"
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "norrsken_ab_2025.se"

Handler = Callable[..., Response]
#: endpoint name -> (handler, scopes any of which admits the request)
ROUTES: dict[str, tuple[Handler, tuple[str, ...]]] = {
    "companyinformation": (resources.company_information, ("companyinformation",)),
    "settings_company": (resources.company_settings, ("settings",)),
    "lockedperiod": (resources.locked_period, ("settings", "bookkeeping")),
    "financialyears": (resources.financial_years, ("bookkeeping",)),
    "financialyear": (resources.financial_year, ("bookkeeping",)),
    "accounts": (resources.accounts, ("bookkeeping",)),
    "account": (resources.account, ("bookkeeping",)),
    "voucherseries": (resources.voucher_series_list, ("bookkeeping",)),
    "voucherseries_one": (resources.voucher_series, ("bookkeeping",)),
    "vouchers": (vouchers.list_vouchers, ("bookkeeping",)),
    "voucher_create": (vouchers.create_voucher, ("bookkeeping",)),
    "voucher": (vouchers.get_voucher, ("bookkeeping",)),
    "voucher_immutable": (vouchers.immutable, ("bookkeeping",)),
    "sie": (sie_export.sie_file, ("bookkeeping",)),
    "invoices": (invoices.invoices, ("invoice",)),
    "invoice": (invoices.invoice, ("invoice",)),
    "invoicepayments": (invoices.invoice_payments, ("payment",)),
    "supplierinvoices": (invoices.supplier_invoices, ("supplierinvoice",)),
    "supplierinvoice": (invoices.supplier_invoice, ("supplierinvoice",)),
    "supplierinvoicepayments": (invoices.supplier_invoice_payments, ("payment",)),
    "costcenters": (resources.cost_centers, ("costcenter",)),
    "projects": (resources.projects, ("project",)),
    "customers": (resources.customers, ("customer",)),
    "suppliers": (resources.suppliers, ("supplier",)),
}
URLS = Map(
    [
        Rule("/3/companyinformation", endpoint="companyinformation", methods=["GET"]),
        Rule("/3/settings/company", endpoint="settings_company", methods=["GET"]),
        Rule("/3/settings/lockedperiod", endpoint="lockedperiod", methods=["GET"]),
        Rule("/3/financialyears", endpoint="financialyears", methods=["GET"]),
        Rule("/3/financialyears/<int:year_id>", endpoint="financialyear", methods=["GET"]),
        Rule("/3/accounts", endpoint="accounts", methods=["GET"]),
        Rule("/3/accounts/<int:number>", endpoint="account", methods=["GET"]),
        Rule("/3/voucherseries", endpoint="voucherseries", methods=["GET"]),
        Rule("/3/voucherseries/<code>", endpoint="voucherseries_one", methods=["GET"]),
        Rule("/3/vouchers", endpoint="vouchers", methods=["GET"]),
        Rule("/3/vouchers", endpoint="voucher_create", methods=["POST"]),
        Rule("/3/vouchers/sublist", endpoint="vouchers", methods=["GET"]),
        Rule("/3/vouchers/sublist/<series>", endpoint="vouchers", methods=["GET"]),
        Rule("/3/vouchers/<series>/<int:number>", endpoint="voucher", methods=["GET"]),
        Rule(
            "/3/vouchers/<series>/<int:number>",
            endpoint="voucher_immutable",
            methods=["PUT", "DELETE", "PATCH"],
        ),
        Rule("/3/sie/<int:sie_type>", endpoint="sie", methods=["GET"]),
        Rule("/3/invoices", endpoint="invoices", methods=["GET"]),
        Rule("/3/invoices/<number>", endpoint="invoice", methods=["GET"]),
        Rule("/3/invoicepayments", endpoint="invoicepayments", methods=["GET"]),
        Rule("/3/supplierinvoices", endpoint="supplierinvoices", methods=["GET"]),
        Rule("/3/supplierinvoices/<given>", endpoint="supplierinvoice", methods=["GET"]),
        Rule("/3/supplierinvoicepayments", endpoint="supplierinvoicepayments", methods=["GET"]),
        Rule("/3/costcenters", endpoint="costcenters", methods=["GET"]),
        Rule("/3/projects", endpoint="projects", methods=["GET"]),
        Rule("/3/customers", endpoint="customers", methods=["GET"]),
        Rule("/3/suppliers", endpoint="suppliers", methods=["GET"]),
    ],
    strict_slashes=False,
)
ACCEPTED = ("application/json", "*/*", "application/*")


class DroppedConnection(ConnectionResetError):
    """Raised out of the app when a fault drops a committed request's answer."""


class ClientGaveUp(TimeoutError):
    """Raised out of the app in-process when a ``slow`` answer outlasts the client's
    timeout: the client sees a read timeout while the request is still carried out later."""


#: Header the in-process transport sets to the client's read timeout (seconds), so a
#: ``slow`` fault longer than it can behave as on a real socket. Never sent by real clients.
TIMEOUT_HEADER = "X-Sandbox-Client-Timeout"


class Sandbox:
    """A local Fortnox: seeded companies, OAuth, the REST API; ``wsgi_app`` serves it.

    ``rate_limit``: (requests, seconds) per client and company, ``None`` for none.
    ``faults``: a SPEC string or :class:`Faults` (see :mod:`fortnox_bridge.sandbox.faults`).
    ``now``/``sleep``: the clock (epoch seconds) and how ``slow`` waits; a
    :class:`~fortnox_bridge.sandbox.clock.ManualClock` serves as both. ``sie_encoding``:
    ``"cp437"`` or ``"utf-8"``. ``sie_export_all``: whether the export lists unused accounts
    when the request does not say. ``error_casing``: ``"auto"`` (404 capitalised, others
    lowercase, as recorded), ``"upper"`` or ``"lower"``. The client given is registered.
    """

    def __init__(
        self,
        tenants: Sequence[Tenant],
        *,
        notes: Iterable[str] = (),
        rate_limit: tuple[int, float] | None = DEFAULT_RATE,
        faults: Faults | str | None = None,
        now: Now | None = None,
        sleep: Callable[[float], Any] | None = None,
        sie_encoding: str = "cp437",
        sie_export_all: bool = True,
        error_casing: str = "auto",
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        redirect_uri: str | None = None,
    ) -> None:
        self.tenants = list(tenants)
        self.notes = list(notes)
        self.now: Now = now or real_now
        self.sleep = sleep or time.sleep
        self.oauth = OAuth(self.now)
        self.oauth.register_client(client_id, client_secret, redirect_uri)
        self.faults = faults  # the setter parses a SPEC
        self.rate_limit = rate_limit
        self.sie_encoding = sie_encoding
        self.sie_export_all = sie_export_all
        self.error_casing = error_casing
        self._lock = threading.RLock()
        self._sie_cache: dict[tuple[Any, ...], bytes] = {}
        #: requests whose client gave up waiting, carried out when the clock reaches them
        self._pending: list[tuple[float, dict[str, Any], bytes]] = []

    @classmethod
    def from_sie_files(
        cls,
        files: Sequence[str | os.PathLike[str] | bytes | sie.SieFile] = (),
        *,
        locked_through: dt.date | str | None = DEFAULT,
        inactive_accounts: Iterable[str] = (),
        series_manual: dict[str, bool] | None = None,
        licences: Iterable[str] | None = None,
        **options: Any,
    ) -> Sandbox:
        """Seed one company per organisation number (at most 30) from SIE files (paths,
        bytes or models already read); no files seeds the bundled sample company.
        Raises :class:`~fortnox_bridge.sandbox.seed.SeedError` with the file and the reason."""
        seed_options = SeedOptions(
            locked_through=locked_through,
            inactive_accounts=frozenset(inactive_accounts),
            series_manual=series_manual or {},
            **({"licences": frozenset(licences)} if licences is not None else {}),
        )
        result = seed(list(files) or [SAMPLE], seed_options)
        return cls(result.tenants, notes=result.notes, **options)

    def __repr__(self) -> str:
        names = ", ".join(t.company.orgnr for t in self.tenants)
        return f"Sandbox(tenants=[{names}], rate_limit={self.rate_limit!r})"

    # ----------------------------------------------------------------- configuration

    @property
    def rate_limit(self) -> tuple[int, float] | None:
        return self._rate

    @rate_limit.setter
    def rate_limit(self, value: tuple[int, float] | None) -> None:
        self._rate = value
        self.limiter = SlidingWindow(value[0], value[1], self.now) if value else None

    @property
    def faults(self) -> Faults:
        return self._faults

    @faults.setter
    def faults(self, value: Faults | str | None) -> None:
        """A :class:`Faults` or a SPEC string (``None`` or ``""``: no faults)."""
        self._faults = value if isinstance(value, Faults) else Faults.parse(value)

    @property
    def refuse_consent(self) -> bool:
        return self.oauth.refuse_consent

    @refuse_consent.setter
    def refuse_consent(self, value: bool) -> None:
        self.oauth.refuse_consent = value

    def register_client(self, client_id: str, secret: str, redirect_uri: str | None = None) -> None:
        self.oauth.register_client(client_id, secret, redirect_uri)

    def tenant(self, key: str | int | None = None) -> Tenant:
        """A tenant by organisation number (with or without the dash) or database number;
        the first by default."""
        for t in self.tenants:
            if key is None or key == t.database_number:
                return t
            if isinstance(key, str) and key.replace("-", "") == t.company.orgnr.replace("-", ""):
                return t
        raise KeyError(f"no seeded company {key!r}")

    def authorize(
        self,
        scopes: Iterable[str] = ("bookkeeping", "companyinformation"),
        *,
        tenant: str | int | None = None,
        client_id: str = DEFAULT_CLIENT_ID,
        redirect_uri: str | None = None,
        service: bool = False,
    ) -> str:
        """An authorization code as the consent page would hand it out (no HTTP)."""
        with self._lock:
            chosen = self.tenant(tenant).database_number
            return self.oauth.issue_code(
                client_id, chosen, frozenset(scopes), redirect_uri, service
            )

    # ----------------------------------------------------------------- WSGI

    @property
    def wsgi_app(self) -> Sandbox:
        return self

    def transport(self) -> Any:
        """An ``httpx`` transport into this app that turns a dropped answer into
        ``httpx.RemoteProtocolError``, as a real broken connection would surface."""
        from fortnox_bridge.sandbox.transport import DroppingTransport

        return DroppingTransport(self)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        self._run_due()
        request = Request(environ)
        response, drop = self._respond(request)
        if drop:
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            raise DroppedConnection("fault: the answer was dropped after the change was made")
        return response(environ, start_response)

    def _respond(self, request: Request) -> tuple[Response, bool]:
        path, method = request.path, request.method
        if path.startswith("/oauth-v1/"):
            return self._oauth(request)
        if not path.startswith("/3/"):
            return not_found_page(), False
        # a request carried out late already had its faults; it meets no more
        deferred = bool(request.environ.get("sandbox.deferred"))
        faults = None if deferred else self.faults
        slow = faults.roll("slow", method, path) if faults else None
        if slow is not None:
            self._slow(request, slow.duration())
        with self._lock:
            bearer = self.oauth.bearer(request)
            if bearer is None:
                return unauthorized(), False
            token, grant = bearer
            if faults and faults.roll("expire-token", method, path):
                self.oauth.expire(token)
                return unauthorized(), False
        if faults and faults.roll("500", method, path):
            return error("system", self.error_casing), False
        if faults and faults.in_storm(method, path):
            return too_many_requests(None), False
        if self.limiter is not None and not deferred:
            wait = self.limiter.hit((grant.client_id, grant.tenant))
            if wait is not None:
                return too_many_requests(wait), False
        accept = request.headers.get("Accept", "")
        if accept and not any(kind in accept for kind in ACCEPTED):
            return error("response_type", self.error_casing), False
        adapter = URLS.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
        except MethodNotAllowed:
            return error("not_found", "upper"), False
        except NotFound:
            return not_found_page(), False
        handler, scopes = ROUTES[str(endpoint)]
        if not grant.scopes.intersection(scopes):
            return error("missing_scope", self.error_casing, scope=scopes[0]), False
        with self._lock:
            tenant = self.tenant(grant.tenant)
            if not tenant.licences.intersection(scopes):
                return error("no_licence", self.error_casing), False
            ctx = Ctx(
                request,
                tenant,
                today(self.now),
                casing=self.error_casing,
                sie_encoding=self.sie_encoding,
                sie_export_all=self.sie_export_all,
                cache=self._sie_cache,
            )
            try:
                response = handler(ctx, **values)
            except Refusal as refusal:
                response = refusal.response
        drop = bool(
            ctx.committed and faults and faults.roll("drop-after-commit", method, path, "vouchers")
        )
        return response, drop

    def _slow(self, request: Request, seconds: float) -> None:
        """Wait ``seconds``; in-process, when the client's timeout is shorter, the client
        gives up after its timeout and the request is carried out when the clock reaches
        ``seconds`` — as a real server keeps working on a request whose client left."""
        limit = request.headers.get(TIMEOUT_HEADER)
        if limit is None or seconds <= float(limit):
            self.sleep(seconds)
            return
        body = request.get_data(cache=True)
        environ = {k: v for k, v in request.environ.items() if not k.startswith("werkzeug.")}
        self.sleep(float(limit))
        with self._lock:
            self._pending.append((self.now() + seconds - float(limit), environ, body))
        raise ClientGaveUp(f"the client stopped waiting after {limit} s")

    def _run_due(self) -> None:
        """Carry out the pending requests whose time has come (answers go nowhere)."""
        with self._lock:
            due = [p for p in self._pending if p[0] <= self.now()]
            self._pending = [p for p in self._pending if p[0] > self.now()]
        for _when, environ, body in due:
            replay = dict(environ, **{"sandbox.deferred": True})
            replay["wsgi.input"] = io.BytesIO(body)
            replay["CONTENT_LENGTH"] = str(len(body))
            self._respond(Request(replay))

    def _oauth(self, request: Request) -> tuple[Response, bool]:
        path, method = request.path, request.method
        with self._lock:
            if path == "/oauth-v1/auth" and method == "GET":
                return self.oauth.authorize(request, self._find_tenant), False
            if path == "/oauth-v1/token" and method == "POST":

                def replay() -> bool:
                    return bool(self.faults and self.faults.roll("refresh-twice", method, path))

                response, committed = self.oauth.token(request, replay)
                drop = bool(
                    committed
                    and self.faults
                    and self.faults.roll("drop-after-commit", method, path, "token")
                )
                return response, drop
            if path == "/oauth-v1/revoke" and method == "POST":
                return self.oauth.revoke(request), False
        return not_found_page(), False

    def _find_tenant(self, orgnr: str | None) -> int | None:
        try:
            return self.tenant(orgnr or None).database_number
        except KeyError:
            return None


__all__ = ["DEFAULT_CLIENT_ID", "DEFAULT_CLIENT_SECRET", "DroppedConnection", "Sandbox"]
