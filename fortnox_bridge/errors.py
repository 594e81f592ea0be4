"""One exception type for everything Fortnox can answer with, and the parser that builds it.

Fortnox answers errors in three shapes (``ErrorInformation`` in either casing, the gateway's
``{"message": ...}`` and the OAuth server's ``{"error", "error_description"}``), sometimes with a
wrong Content-Type or as an HTML page. Callers should not care: :func:`error_from_response`
turns every one of them into a :class:`FortnoxError` subclass carrying the HTTP status, the
Fortnox code and the message, plus what to do about it. No exception text or ``repr`` ever
contains a token or secret: the exceptions are built only from the response body, the method
and the path (queries carry no credentials).
"""

from __future__ import annotations

import json
from typing import Any

import httpx

#: Fortnox codes that mean "the company lacks the licence / the token lacks the scope".
SCOPE_CODES = frozenset({2000663, 2001101, 2001103, 2003275})

#: Path prefix (under /3/) -> the scope Fortnox requires for it (reference §1.8).
_SCOPE_BY_RESOURCE = {
    "vouchers": "bookkeeping",
    "voucherseries": "bookkeeping",
    "accounts": "bookkeeping",
    "accountcharts": "bookkeeping",
    "financialyears": "bookkeeping",
    "sie": "bookkeeping",
    "predefinedvoucherseries": "bookkeeping",
    "companyinformation": "companyinformation",
    "settings": "settings",
    "predefinedaccounts": "settings",
    "invoices": "invoice",
    "invoicepayments": "payment",
    "supplierinvoicepayments": "payment",
    "supplierinvoices": "supplierinvoice",
    "customers": "customer",
    "suppliers": "supplier",
    "costcenters": "costcenter",
    "projects": "project",
    "me": "profile",
}
_KNOWN_SCOPES = frozenset(_SCOPE_BY_RESOURCE.values())


class FortnoxError(Exception):
    """Anything that went wrong talking to Fortnox: status, Fortnox code, message, advice.

    ``kind`` is a short machine-readable word (the subclass says the same); ``hint`` is what
    the user should do. Never holds a token or secret.
    """

    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: int | None = None,
        method: str = "",
        path: str = "",
        hint: str = "",
    ) -> None:
        self.message = message
        self.status = status
        self.code = code
        self.method = method
        self.path = path
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"Fortnox {self.method} {self.path}".rstrip() if self.method else "Fortnox"
        parts = []
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.code is not None:
            parts.append(f"code {self.code}")
        head = f"{where} ({', '.join(parts)})" if parts else where
        text = f"{head}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r}, path={self.path!r})"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "status": self.status,
            "code": self.code,
            "message": self.message,
            "method": self.method,
            "path": self.path,
            "hint": self.hint,
        }


class ConfigError(FortnoxError):
    """The configuration (environment / ``--config`` TOML) is missing or wrong."""

    kind = "config"


class TokenStoreError(FortnoxError):
    """The token store cannot be used (unsafe permissions, unreadable, no tokens for a tenant)."""

    kind = "token-store"


class FortnoxAuthError(FortnoxError):
    """401: the token (or the client id/secret) was refused, also after one refresh."""

    kind = "auth"


class ReconnectRequired(FortnoxAuthError):
    """``invalid_grant`` on a refresh: the chain of refresh tokens is gone; log in again."""

    kind = "reconnect"


class ScopeError(FortnoxError):
    """403, or a licence/permission code: ``scope`` names what to add to FORTNOX_SCOPES."""

    kind = "scope"

    def __init__(self, message: str, *, scope: str | None = None, **kw: Any) -> None:
        self.scope = scope
        super().__init__(message, **kw)


class NotFound(FortnoxError):
    """404: the resource does not exist (in the financial year asked about)."""

    kind = "not-found"


class RequestError(FortnoxError):
    """Another 4xx: Fortnox refused the request (validation); ``code`` says why."""

    kind = "request"


class RateLimited(FortnoxError):
    """429 that did not go away within the retries."""

    kind = "rate-limited"


class ServerError(FortnoxError):
    """5xx (or an HTML outage page) that did not go away within the retries."""

    kind = "server"


class TransportError(FortnoxError):
    """The connection failed or timed out (a read; retried first)."""

    kind = "transport"


class MayHaveCommitted(FortnoxError):
    """A POST timed out, lost its connection or got a 5xx: Fortnox may have stored it.

    Never post again blindly: look for the record first (the caller knows how to find it).
    """

    kind = "may-have-committed"


class OrgnrMismatch(FortnoxError):
    """The Fortnox company is not the company of the SIE file: the import is refused."""

    kind = "orgnr-mismatch"


class NoFinancialYear(FortnoxError):
    """No financial year in Fortnox contains the date asked about."""

    kind = "no-financial-year"


def scope_for_path(path: str) -> str | None:
    """The scope Fortnox wants for an API path such as ``/3/vouchers/A/1``."""
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if len(parts) >= 2 and parts[0] == "3":
        return _SCOPE_BY_RESOURCE.get(parts[1].lower())
    return None


def parse_body(content: bytes) -> dict[str, Any] | None:
    """The JSON object in an error body whatever its Content-Type said, else None."""
    try:
        value = json.loads(content.decode("utf-8", errors="replace"))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _ci(mapping: dict[str, Any], key: str) -> Any:
    """Case-insensitive lookup (Fortnox sends ``Message`` and ``message`` alike)."""
    for k, v in mapping.items():
        if k.lower() == key:
            return v
    return None


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _clip(text: str, limit: int = 300) -> str:
    """A body fragment fit for a message: printable, one line, bounded."""
    flat = "".join(ch if ch.isprintable() else " " for ch in text)
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _scope_hint(scope: str | None, code: int | None) -> str:
    if code == 2001101 or code == 2001103:
        what = f"the licence for the '{scope}' module" if scope else "the module's licence"
        return (
            f"the Fortnox company lacks {what}; the customer must add it in Fortnox, and the "
            f"integration's FORTNOX_SCOPES must include '{scope or '<scope>'}' (then log in again)"
        )
    if scope:
        return (
            f"add the scope '{scope}' to FORTNOX_SCOPES and log in again "
            "(new scopes need a new authorization)"
        )
    return "check FORTNOX_SCOPES and the user's permissions in Fortnox, then log in again"


def _is_scope_problem(status: int, code: int | None, message: str) -> bool:
    if status == 403 or code in SCOPE_CODES:
        return True
    low = message.lower()
    return status in (400, 401) and ("behörighet" in low or "licens" in low or "scope" in low)


def _message_scope(message: str) -> str | None:
    low = message.lower()
    for scope in sorted(_KNOWN_SCOPES, key=len, reverse=True):
        if f"'{scope}'" in low or f'"{scope}"' in low or f" {scope} " in f" {low} ":
            return scope
    return None


def error_from_response(response: httpx.Response, *, after_refresh: bool = False) -> FortnoxError:
    """Turn an unsuccessful (or error-bodied) response into the right :class:`FortnoxError`.

    ``after_refresh`` marks a refresh-token grant: ``invalid_grant`` then means the customer
    must connect again.
    """
    request = response.request
    method = request.method
    path = request.url.path
    status = response.status_code
    body = parse_body(response.content)
    code: int | None = None
    message = ""
    oauth_error: str | None = None
    if body is not None:
        info = _ci(body, "errorinformation")
        if isinstance(info, dict):
            code = _int(_ci(info, "code"))
            message = str(_ci(info, "message") or "")
        elif isinstance(body.get("error"), str):
            oauth_error = body["error"]
            description = body.get("error_description") or body.get("error_hint") or ""
            message = f"{oauth_error}: {description}" if description else oauth_error
        elif _ci(body, "message") is not None:
            message = str(_ci(body, "message"))
    if not message:
        text = response.content.decode("utf-8", errors="replace")
        is_html = "<html" in text[:500].lower() or "text/html" in response.headers.get(
            "content-type", ""
        )
        if not text.strip():
            message = response.reason_phrase or f"HTTP {status} with an empty body"
        elif is_html and body is None:
            message = f"an HTML page instead of an API answer ({_clip(text, 120)})"
        else:
            message = _clip(text) or response.reason_phrase or "no message"
    message = _clip(message)
    kw: dict[str, Any] = {"status": status, "code": code, "method": method, "path": path}

    if oauth_error == "invalid_grant":
        if after_refresh:
            return ReconnectRequired(
                message,
                hint="the refresh token was already used, expired (45 days) or the consent "
                "was revoked: the customer must connect again (bokslut fortnox login)",
                **kw,
            )
        return FortnoxAuthError(
            message,
            hint="the authorization code is wrong, already used or older than 10 minutes, or "
            "the redirect URI differs: start the login again",
            **kw,
        )
    if oauth_error == "invalid_client":
        return FortnoxAuthError(
            message, hint="check FORTNOX_CLIENT_ID and FORTNOX_CLIENT_SECRET", **kw
        )
    if oauth_error == "invalid_scope":
        return ScopeError(message, hint="remove the scopes the app is not allowed to ask", **kw)
    if oauth_error is not None:
        return FortnoxAuthError(message, **kw)
    if _is_scope_problem(status, code, message):
        scope = _message_scope(message) or scope_for_path(path)
        return ScopeError(message, scope=scope, hint=_scope_hint(scope, code), **kw)
    if status == 401:
        return FortnoxAuthError(
            message, hint="the access token was refused; log in again if this persists", **kw
        )
    if status == 404:
        return NotFound(message, **kw)
    if status == 429:
        return RateLimited(message, hint="Fortnox allows 25 requests per 5 s; wait", **kw)
    if status >= 500:
        return ServerError(message, hint="Fortnox had a problem; try again later", **kw)
    if status >= 400:
        return RequestError(message, **kw)
    # A 2xx carrying an ErrorInformation body (seen on document endpoints).
    return RequestError(message, **kw)


def has_error_body(content: bytes) -> bool:
    """True when a 2xx body is in fact an ``ErrorInformation`` object."""
    head = content[:200].lstrip()
    if not head.startswith(b"{"):
        return False
    body = parse_body(content)
    return body is not None and isinstance(_ci(body, "errorinformation"), dict)
