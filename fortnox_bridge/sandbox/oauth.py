"""OAuth2 as Fortnox runs it: ``/oauth-v1/auth``, ``/oauth-v1/token``, ``/oauth-v1/revoke``.

Consent is granted by itself (``refuse_consent`` refuses); the sandbox-only ``tenant``
parameter (an organisation number) picks the consenting company. Codes live 10 minutes
and are single use, access tokens an hour, refresh tokens 45 days and single use (a
refresh returns a new one and kills the old). Client credentials with the ``TenantId``
header work for clients a company consented to as a service account, and return no
refresh token. The access token carries its tenant: it is the only company it sees.
Tokens and secrets never appear in a ``repr``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

import attrs
from werkzeug.wrappers import Request, Response

from fortnox_bridge.sandbox.clock import Now
from fortnox_bridge.sandbox.errors import oauth_error

CODE_SECONDS = 600
ACCESS_SECONDS = 3600
REFRESH_SECONDS = 45 * 86400
#: Every scope Fortnox knows (reference §1.8).
SCOPES = frozenset(
    [
        "archive",
        "article",
        "bookkeeping",
        "companyinformation",
        "connectfile",
        "costcenter",
        "currency",
        "customer",
        "inbox",
        "invoice",
        "noxfinansinvoice",
        "offer",
        "order",
        "payment",
        "price",
        "print",
        "profile",
        "project",
        "salary",
        "settings",
        "supplier",
        "supplierinvoice",
        "timereporting",
    ]
)
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@attrs.define
class Client:
    client_id: str
    secret: str = attrs.field(repr=False)
    #: ``None`` accepts any http://127.0.0.1|localhost redirect (a login listener's port varies).
    redirect_uri: str | None = None


@attrs.define
class Grant:
    """What a token or code stands for: a client acting for one company with some scopes."""

    client_id: str
    tenant: int
    scopes: frozenset[str]
    expires_at: float
    service: bool = False
    redirect_uri: str | None = None
    used: bool = False


@attrs.define
class TokenPair:
    access_token: str = attrs.field(repr=False)
    refresh_token: str | None = attrs.field(repr=False)
    grant: Grant


class OAuth:
    """The authorization server's state; the sandbox's lock guards every call."""

    def __init__(self, now: Now, key: bytes | None = None) -> None:
        self.now = now
        self.clients: dict[str, Client] = {}
        self.refuse_consent = False
        self._key = key or secrets.token_bytes(32)
        self._codes: dict[str, Grant] = {}
        self._access: dict[str, Grant] = {}
        self._refresh: dict[str, Grant] = {}
        self._service: dict[tuple[str, int], frozenset[str]] = {}

    def __repr__(self) -> str:
        return f"OAuth(clients={sorted(self.clients)!r}, tokens={len(self._access)})"

    # ----------------------------------------------------------------- library face

    def register_client(self, client_id: str, secret: str, redirect_uri: str | None = None) -> None:
        self.clients[client_id] = Client(client_id, secret, redirect_uri)

    def issue_code(
        self,
        client_id: str,
        tenant: int,
        scopes: frozenset[str],
        redirect_uri: str | None = None,
        service: bool = False,
    ) -> str:
        code = secrets.token_urlsafe(24)
        expires = self.now() + CODE_SECONDS
        self._codes[code] = Grant(client_id, tenant, scopes, expires, service, redirect_uri)
        if service:
            self._service[(client_id, tenant)] = scopes
        return code

    def consent_service(self, client_id: str, tenant: int, scopes: frozenset[str]) -> None:
        """What a company's administrator does with ``account_type=service``."""
        self._service[(client_id, tenant)] = scopes

    def bearer(self, request: Request) -> tuple[str, Grant] | None:
        """The live access token of a request and its grant, ``None`` when missing,
        unknown or expired."""
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            return None
        grant = self._access.get(token.strip())
        if grant is None or grant.expires_at <= self.now():
            return None
        return token.strip(), grant

    def expire(self, token: str) -> None:
        """Make an access token expire now (the ``expire-token`` fault)."""
        grant = self._access.get(token)
        if grant is not None:
            grant.expires_at = self.now()

    def tokens_of(self, tenant: int) -> int:
        return sum(1 for g in self._access.values() if g.tenant == tenant)

    # ----------------------------------------------------------------- endpoints

    def authorize(
        self, request: Request, find_tenant: Callable[[str | None], int | None]
    ) -> Response:
        args = request.args
        client = self.clients.get(args.get("client_id", ""))
        if client is None:
            return _page(400, "Auth code or ClientID supplied is invalid")
        redirect = args.get("redirect_uri") or client.redirect_uri
        if redirect is None or not _redirect_ok(client, redirect):
            return _page(400, "The redirect_uri does not match the one registered for the app")
        state = args.get("state")

        def back(**params: str) -> Response:
            if state is not None:
                params["state"] = state
            return _redirect(redirect, params)

        if args.get("response_type") != "code":
            return back(error="unsupported_response_type", error_description="Use code")
        if not state:
            return back(error="invalid_request", error_description="state is required")
        scopes = frozenset(args.get("scope", "").split())
        unknown = sorted(scopes - SCOPES)
        if not scopes or unknown:
            what = ", ".join(unknown) or "none given"
            return back(error="invalid_scope", error_description=f"Unknown scope: {what}")
        account_type = args.get("account_type")
        if account_type not in (None, "", "service"):
            return back(error="invalid_request", error_description="account_type must be service")
        tenant = find_tenant(args.get("tenant"))
        if tenant is None:
            return back(
                error="invalid_request",
                error_description="No seeded company has that organisation number",
            )
        if self.refuse_consent:
            return back(error="access_denied", error_description="The user denied the request")
        sent = args.get("redirect_uri")
        code = self.issue_code(client.client_id, tenant, scopes, sent, account_type == "service")
        return back(code=code)

    def token(self, request: Request, replay: Callable[[], bool]) -> tuple[Response, bool]:
        """Answer a token request; the flag says whether state changed (a grant was spent).
        ``replay`` says whether a refresh is processed twice (the refresh-twice fault)."""
        client = self._client(request)
        if client is None:
            return oauth_error("invalid_client", "The client credentials are invalid", 401), False
        if request.mimetype != "application/x-www-form-urlencoded":
            return oauth_error("invalid_request", "The body must be form encoded"), False
        form = request.form
        grant_type = form.get("grant_type", "")
        if grant_type == "authorization_code":
            return self._code_grant(client, form.get("code", ""), form.get("redirect_uri"))
        if grant_type == "refresh_token":
            return self._refresh_grant(client, form.get("refresh_token", ""), replay)
        if grant_type == "client_credentials":
            return self._client_credentials(client, request.headers.get("TenantId", ""))
        return oauth_error(
            "unsupported_grant_type", f"Unsupported grant_type {grant_type!r}"
        ), False

    def revoke(self, request: Request) -> Response:
        client = self._client(request)
        if client is None:
            return oauth_error("invalid_client", "The client credentials are invalid", 401)
        token = request.form.get("token", "")
        grant = self._refresh.get(token)
        if grant is not None and grant.client_id == client.client_id:
            grant.used = True
        return Response(json.dumps({"revoked": True}), content_type="application/json")

    # ----------------------------------------------------------------- grants

    def _code_grant(
        self, client: Client, code: str, redirect_uri: str | None
    ) -> tuple[Response, bool]:
        grant = self._codes.get(code)
        if grant is None or grant.client_id != client.client_id:
            return oauth_error("invalid_grant", "Invalid authorization code"), False
        if grant.used or grant.expires_at <= self.now():
            return oauth_error("invalid_grant", "The authorization code is used or expired"), False
        if grant.redirect_uri is not None and redirect_uri != grant.redirect_uri:
            return oauth_error("invalid_grant", "redirect_uri differs from the auth request"), False
        grant.used = True
        return self._answer(self._issue(grant, refresh=True)), True

    def _refresh_grant(
        self, client: Client, token: str, replay: Callable[[], bool]
    ) -> tuple[Response, bool]:
        grant = self._refresh.get(token)
        if grant is None or grant.client_id != client.client_id:
            return oauth_error("invalid_grant", "Invalid refresh token"), False
        if grant.used or grant.expires_at <= self.now():
            return oauth_error("invalid_grant", "Invalid refresh token"), False
        grant.used = True
        pair = self._issue(grant, refresh=True)
        if replay():
            # The same request processed a second time (a replaying proxy, a race in the
            # server): the chain moves on once more and the first answer's refresh token,
            # which is what the client receives, is already dead.
            assert pair.refresh_token is not None
            self._refresh[pair.refresh_token].used = True
            self._issue(grant, refresh=True)
        return self._answer(pair), True

    def _client_credentials(self, client: Client, tenant_header: str) -> tuple[Response, bool]:
        if not tenant_header.strip().isdigit():
            return oauth_error("invalid_request", "The TenantId header is required"), False
        tenant = int(tenant_header)
        scopes = self._service.get((client.client_id, tenant))
        if scopes is None:
            return oauth_error(
                "invalid_grant", "No service account consent for this client and tenant"
            ), False
        grant = Grant(client.client_id, tenant, scopes, 0.0, service=True)
        return self._answer(self._issue(grant, refresh=False)), True

    def _issue(self, grant: Grant, refresh: bool) -> TokenPair:
        now = self.now()
        access = self._jwt(grant, now)
        self._access[access] = Grant(
            grant.client_id, grant.tenant, grant.scopes, now + ACCESS_SECONDS, grant.service
        )
        refresh_token = None
        if refresh:
            refresh_token = secrets.token_hex(20)
            self._refresh[refresh_token] = Grant(
                grant.client_id, grant.tenant, grant.scopes, now + REFRESH_SECONDS
            )
        return TokenPair(access, refresh_token, grant)

    def _jwt(self, grant: Grant, now: float) -> str:
        header = {"alg": "HS256", "typ": "JWT"}
        claims = {
            "iss": "fortnox-sandbox",
            "tenantId": grant.tenant,
            "clientId": grant.client_id,
            "scope": " ".join(sorted(grant.scopes)),
            "iat": int(now),
            "exp": int(now) + ACCESS_SECONDS,
            "jti": secrets.token_hex(8),
        }
        signing = f"{_b64(json.dumps(header))}.{_b64(json.dumps(claims))}"
        mac = hmac.new(self._key, signing.encode(), hashlib.sha256).digest()
        return f"{signing}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"

    def _answer(self, pair: TokenPair) -> Response:
        body: dict[str, object] = {
            "access_token": pair.access_token,
            "expires_in": ACCESS_SECONDS,
            "token_type": "bearer",
            "scope": " ".join(sorted(pair.grant.scopes)),
        }
        if pair.refresh_token is not None:
            body["refresh_token"] = pair.refresh_token
        response = Response(json.dumps(body), content_type="application/json")
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        return response

    def _client(self, request: Request) -> Client | None:
        auth = request.authorization
        if auth is None or auth.type != "basic":
            return None
        client = self.clients.get(auth.username or "")
        if client is None or not hmac.compare_digest(client.secret, auth.password or ""):
            return None
        return client


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


def _redirect_ok(client: Client, redirect: str) -> bool:
    if client.redirect_uri is not None:
        return redirect == client.redirect_uri
    parts = urlsplit(redirect)
    return parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS


def _redirect(uri: str, params: dict[str, str]) -> Response:
    joiner = "&" if urlsplit(uri).query else "?"
    response = Response(status=302)
    response.headers["Location"] = f"{uri}{joiner}{urlencode(params)}"
    return response


def _page(status: int, text: str) -> Response:
    return Response(f"<html><body><p>{text}</p></body></html>", status, content_type="text/html")
