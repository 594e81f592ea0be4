"""OAuth2 the way Fortnox does it: authorization URL, code, refresh, client credentials, revoke.

Every token request is a form body with HTTP Basic client authentication against
``{auth_url}/oauth-v1/token``. Token requests are never retried here: a refresh that timed out
may already have spent the single-use refresh token, so the caller (the token manager) decides.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import attrs
import httpx

from fortnox_bridge.config import FortnoxConfig
from fortnox_bridge.errors import FortnoxAuthError, TransportError, error_from_response

Now = Callable[[], dt.datetime]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hidden(value: str | None) -> str:
    return "None" if value is None else "'***'"


@attrs.frozen(slots=True)
class TokenSet:
    """The tokens of one tenant; both tokens are hidden from ``repr``.

    ``refresh_token`` is None for service accounts (client credentials need none).
    """

    access_token: str = attrs.field(repr=_hidden)
    refresh_token: str | None = attrs.field(repr=_hidden)
    expires_at: dt.datetime
    scopes: tuple[str, ...] = ()
    tenant_id: str | None = None
    #: True when obtained with client credentials (renewed with the same grant, not a refresh).
    service_account: bool = False

    def expired(self, now: dt.datetime, margin: dt.timedelta = dt.timedelta(seconds=60)) -> bool:
        return now + margin >= self.expires_at

    def to_store(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at.isoformat(),
            "scopes": list(self.scopes),
            "tenant_id": self.tenant_id,
            "service_account": self.service_account,
        }

    @classmethod
    def from_store(cls, data: dict[str, Any]) -> TokenSet:
        expires = dt.datetime.fromisoformat(str(data["expires_at"]))
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=dt.UTC)
        return cls(
            access_token=str(data["access_token"]),
            refresh_token=None if data.get("refresh_token") is None else str(data["refresh_token"]),
            expires_at=expires,
            scopes=tuple(data.get("scopes") or ()),
            tenant_id=None if data.get("tenant_id") is None else str(data["tenant_id"]),
            service_account=bool(data.get("service_account", False)),
        )


def jwt_tenant(access_token: str) -> str | None:
    """The ``tenantId`` claim of a Fortnox JWT (read without verifying), else None."""
    parts = access_token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        return None
    if not isinstance(claims, dict):
        return None
    tenant = claims.get("tenantId", claims.get("tenant_id"))
    return None if tenant is None else str(tenant)


class OAuth:
    """Fortnox's OAuth2 endpoints for one integration (client id + secret)."""

    def __init__(
        self,
        config: FortnoxConfig,
        http: httpx.Client | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        now: Now = utcnow,
        timeout: float = 30.0,
    ) -> None:
        self.config = config
        self._own = http is None
        self.http = http or httpx.Client(transport=transport, timeout=timeout)
        self.now = now
        #: Number of token-endpoint requests made (tests count refreshes with it).
        self.token_requests = 0

    def close(self) -> None:
        if self._own:
            self.http.close()

    def __repr__(self) -> str:
        return f"OAuth(client_id={self.config.client_id!r}, auth_url={self.config.auth_url!r})"

    def authorization_url(
        self,
        state: str,
        *,
        scopes: Iterable[str] | None = None,
        service_account: bool = False,
        extra: dict[str, str] | None = None,
    ) -> str:
        """Where to send the user's browser to consent (``access_type=offline`` for refresh)."""
        if not state:
            raise ValueError("state must be a non-empty random string (CSRF protection)")
        params: dict[str, str] = {
            "client_id": self.config.client_id,
            "scope": " ".join(scopes if scopes is not None else self.config.scopes),
            "state": state,
            "access_type": "offline",
            "response_type": "code",
        }
        if self.config.redirect_uri:
            params["redirect_uri"] = self.config.redirect_uri
        if service_account:
            params["account_type"] = "service"
        params.update(extra or {})
        return f"{self.config.auth_url}/oauth-v1/auth?{urlencode(params)}"

    def exchange_code(self, code: str) -> TokenSet:
        """Trade an authorization code (10 minutes, single use) for tokens."""
        form = {"grant_type": "authorization_code", "code": code}
        if self.config.redirect_uri:
            form["redirect_uri"] = self.config.redirect_uri
        return self._token(form)

    def refresh(self, refresh_token: str) -> TokenSet:
        """Spend a refresh token (single use) for a new access and refresh token."""
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def client_credentials(self, tenant_id: str) -> TokenSet:
        """A service account's access token for ``tenant_id`` (no refresh token)."""
        tokens = self._token({"grant_type": "client_credentials"}, {"TenantId": str(tenant_id)})
        return attrs.evolve(
            tokens, refresh_token=None, tenant_id=str(tenant_id), service_account=True
        )

    def revoke(self, refresh_token: str) -> None:
        """Revoke a refresh token (access tokens cannot be revoked; they expire in an hour)."""
        self._post(
            "/oauth-v1/revoke",
            {"token_type_hint": "refresh_token", "token": refresh_token},
            None,
            refresh=False,
        )

    def _token(self, form: dict[str, str], headers: dict[str, str] | None = None) -> TokenSet:
        refresh = form["grant_type"] == "refresh_token"
        data = self._post("/oauth-v1/token", form, headers, refresh=refresh)
        access = data.get("access_token")
        if not isinstance(access, str) or not access:
            raise FortnoxAuthError("the token answer has no access_token", method="POST")
        try:
            lifetime = int(str(data.get("expires_in", 3600)))
        except ValueError:
            lifetime = 3600
        refresh_token = data.get("refresh_token")
        return TokenSet(
            access_token=access,
            refresh_token=str(refresh_token) if refresh_token else None,
            expires_at=self.now() + dt.timedelta(seconds=lifetime),
            scopes=tuple(str(data.get("scope") or "").split()),
            tenant_id=jwt_tenant(access),
        )

    def _post(
        self, path: str, form: dict[str, str], headers: dict[str, str] | None, *, refresh: bool
    ) -> dict[str, Any]:
        self.config.require_client()
        self.token_requests += 1
        try:
            response = self.http.post(
                f"{self.config.auth_url}{path}",
                data=form,
                headers={"Accept": "application/json", **(headers or {})},
                auth=(self.config.client_id, self.config.client_secret),
            )
        except httpx.TransportError as exc:
            hint = (
                "the refresh may have been spent on Fortnox's side; if the next attempt says "
                "invalid_grant the customer must connect again"
                if refresh
                else "check FORTNOX_AUTH_URL and the network"
            )
            raise TransportError(
                f"no answer from the token endpoint ({type(exc).__name__})",
                method="POST",
                path=path,
                hint=hint,
            ) from None
        if response.status_code >= 400:
            raise error_from_response(response, after_refresh=refresh)
        try:  # Fortnox's Content-Type may lie (text/html for JSON): parse regardless
            data = json.loads(response.content, parse_float=Decimal)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise FortnoxAuthError(
                "the token endpoint did not answer with JSON",
                status=response.status_code,
                method="POST",
                path=path,
            )
        return data
