"""Connecting a Fortnox company: the authorization-code flow end to end.

The authorization URL is announced (the user opens it in a browser); the
redirect is caught on a short-lived listener bound to 127.0.0.1 at the port of
``FORTNOX_REDIRECT_URI``. Before listening, the URL is asked once without a
browser: a server that consents by itself (the local sandbox) answers with the
redirect straight away, so the flow completes unattended there; Fortnox answers
with its login page and the listener takes over. ``code`` skips all of this.
"""

from __future__ import annotations

import http.server
import secrets
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import httpx

from fortnox_bridge import reads
from fortnox_bridge.auth import OAuth
from fortnox_bridge.client import FortnoxClient
from fortnox_bridge.config import FortnoxConfig
from fortnox_bridge.errors import ConfigError, FortnoxAuthError, ScopeError

LOOPBACK = frozenset({"127.0.0.1", "localhost"})


@attrs.frozen(slots=True)
class LoginResult:
    tenant: str
    company: str
    orgnr: str
    scopes: tuple[str, ...]
    #: "code" (given), "auto" (the server consented by itself) or "browser".
    how: str

    def to_json(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "company": self.company,
            "orgnr": self.orgnr,
            "scopes": list(self.scopes),
            "how": self.how,
        }


def _from_redirect(location: str, redirect_uri: str, state: str) -> str | None:
    """The code in a redirect to ``redirect_uri``; None when it goes elsewhere."""
    if not redirect_uri or not location.startswith(redirect_uri):
        return None
    query = parse_qs(urlsplit(location).query)
    if query.get("error"):
        reason = (query.get("error_description") or query["error"])[0]
        raise FortnoxAuthError(f"consent was not given ({reason})", hint="log in again")
    if query.get("state", [""])[0] != state:
        raise FortnoxAuthError(
            "the redirect carries another state than was sent (possible forgery); nothing stored",
            hint="log in again",
        )
    codes = query.get("code")
    return codes[0] if codes else None


def _listen(redirect_uri: str, state: str, timeout: float) -> str:
    """Serve one redirect on 127.0.0.1 at the redirect URI's port; the code in it."""
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK or not parts.port:
        raise ConfigError(
            f"FORTNOX_REDIRECT_URI {redirect_uri!r} is not http://127.0.0.1:PORT/...",
            hint="set it to a loopback URL registered for the integration, or give --code",
        )
    found: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            try:
                code = _from_redirect(
                    f"{redirect_uri}?{urlsplit(self.path).query}", redirect_uri, state
                )
            except FortnoxAuthError as exc:
                found["error"] = exc.message
                code = None
            if code:
                found["code"] = code
            self.send_response(200 if code else 400)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.end_headers()
            text = "Fortnox is connected; you can close this window." if code else "No code."
            self.wfile.write(text.encode("utf-8"))

        def log_message(self, *args: object) -> None:  # the query holds the code: no log
            return

    server = http.server.HTTPServer(("127.0.0.1", parts.port), Handler)
    server.timeout = 1.0
    deadline = threading.Event()
    timer = threading.Timer(timeout, deadline.set)
    timer.start()
    try:
        while not found and not deadline.is_set():
            server.handle_request()
    finally:
        timer.cancel()
        server.server_close()
    if "error" in found:
        raise FortnoxAuthError(found["error"], hint="log in again")
    if "code" not in found:
        raise FortnoxAuthError(
            f"no redirect arrived within {int(timeout)} s", hint="log in again or give --code"
        )
    return found["code"]


def login(
    config: FortnoxConfig,
    *,
    code: str | None = None,
    tenant: str | None = None,
    service_account: bool = False,
    transport: httpx.BaseTransport | None = None,
    announce: Callable[[str], None] = lambda url: None,
    wait: float = 300.0,
    **client_options: Any,
) -> tuple[LoginResult, FortnoxClient]:
    """Connect a company and store its tokens; the result and a ready client.

    ``tenant`` is the sandbox-only ``tenant`` parameter (an organisation number)."""
    config.require_client()
    how = "code"
    if code is None:
        state = secrets.token_urlsafe(24)
        with httpx.Client(transport=transport, timeout=30.0) as http:
            extra = {"tenant": tenant} if tenant else None
            url = OAuth(config, http).authorization_url(
                state, service_account=service_account, extra=extra
            )
            announce(url)
            try:
                answer = http.get(url, follow_redirects=False)
                code = _from_redirect(
                    answer.headers.get("Location", ""), config.redirect_uri, state
                )
            except httpx.HTTPError:
                code = None  # the browser may reach what we cannot; the listener decides
        how = "auto"
        if code is None:
            code = _listen(config.redirect_uri, state, wait)
            how = "browser"
    client = FortnoxClient.login(config, code, transport=transport, **client_options)
    if service_account:
        client = _as_service_account(client, config, transport, client_options)
    try:
        info = reads.company_information(client)
        name, orgnr = info.name, info.organisation_number
    except ScopeError:  # logged in all the same; the name needs "companyinformation"
        name, orgnr = "", ""
    stored = client.tokens.store.get(client.tenant)
    granted = stored.scopes if stored is not None and stored.scopes else tuple(config.scopes)
    result = LoginResult(client.tenant, name, orgnr, tuple(granted), how)
    return result, client


def _as_service_account(
    client: FortnoxClient,
    config: FortnoxConfig,
    transport: httpx.BaseTransport | None,
    options: dict[str, Any],
) -> FortnoxClient:
    """After the service-account consent: the code's tokens told the tenant; their refresh
    token is revoked and forgotten, and from now on client credentials with ``TenantId``
    give the access tokens (a service account has no refresh token)."""
    tenant = client.tenant
    try:
        client.disconnect()
    finally:
        client.close()
    return FortnoxClient.service_account(config, tenant, transport=transport, **options)
