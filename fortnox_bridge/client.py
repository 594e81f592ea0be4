"""The HTTP client for Fortnox's REST API (``/3/...``): auth, pacing, retries, pages.

- Bearer auth from the :class:`~fortnox_bridge.tokens.TokenManager`; an expired token is
  renewed before the request; a 401 renews and repeats, twice at most (a token may expire
  again right after its renewal); a refresh refused with ``invalid_grant`` asks to log in.
- Reads (GET) are retried on 429, 5xx and lost connections with exponential backoff and jitter,
  honouring ``Retry-After`` when Fortnox sends it (it may not).
- Writes (POST) are never retried when they may have reached Fortnox: a timeout, a dropped
  connection or a 5xx raises :class:`~fortnox_bridge.errors.MayHaveCommitted` so the caller
  looks for the record instead of posting twice. Only answers that prove nothing was stored
  are repeated: 429 (refused before processing) and the gateway's 401 (token refused).
- 403 and 404 are never retried. JSON numbers are parsed as ``Decimal``, never float.
- The logger (``fortnox_bridge.client``) records method, path, query, status and time — never
  headers, bodies or tokens.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import httpx

from fortnox_bridge.auth import Now, OAuth, utcnow
from fortnox_bridge.config import FortnoxConfig
from fortnox_bridge.errors import (
    FortnoxAuthError,
    FortnoxError,
    MayHaveCommitted,
    RateLimited,
    ServerError,
    TransportError,
    error_from_response,
    has_error_body,
)
from fortnox_bridge.mapping import dumps, loads
from fortnox_bridge.ratelimit import SlidingWindow, shared
from fortnox_bridge.tokens import TokenManager, TokenStore

log = logging.getLogger("fortnox_bridge.client")

Params = Mapping[str, str | int]
#: ``progress(page, pages, items_so_far)`` after each page of a multi-page list.
Progress = Callable[[int, int, int], None]

PAGE_LIMIT = 500
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Renewals of the access token one request makes after 401s (the token may expire
#: again right after its renewal; a 401 proves nothing was processed).
MAX_RENEWALS = 2
#: Connection errors that prove the request never left (safe to send a POST again).
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@attrs.define
class ClientStats:
    """What the client did, for reports and the benchmark."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    server_errors: int = 0
    transport_errors: int = 0
    auth_renewals: int = 0


def retry_after(response: httpx.Response, now: Callable[[], float] = time.time) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date), else None."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, when.timestamp() - now())


def _describe(path: str, params: Params | None) -> str:
    if not params:
        return path
    return f"{path}?" + "&".join(f"{k}={v}" for k, v in params.items())


class FortnoxClient:
    """A synchronous client for one tenant (company) of one integration (client id).

    ``transport`` is any ``httpx`` transport: the sandbox's in tests, the network otherwise.
    """

    def __init__(
        self,
        config: FortnoxConfig,
        tenant: str,
        *,
        transport: httpx.BaseTransport | None = None,
        http: httpx.Client | None = None,
        store: TokenStore | None = None,
        tokens: TokenManager | None = None,
        limiter: SlidingWindow | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Now = utcnow,
        rng: random.Random | None = None,
        max_retries: int = 5,
        backoff: float = 0.5,
        max_wait: float = 60.0,
        rate_budget: float = 120.0,
        timeout: float = 30.0,
    ) -> None:
        self.config = config
        self.tenant = str(tenant)
        self._own_http = http is None
        self.http = http or httpx.Client(transport=transport, timeout=timeout)
        self.oauth = OAuth(config, self.http, now=now)
        self.tokens = tokens or TokenManager(
            store or TokenStore(config.token_store), self.oauth, self.tenant, now=now
        )
        self.limiter = limiter if limiter is not None else shared
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_wait = max_wait
        #: Seconds one request may spend waiting out 429s (which prove nothing was processed,
        #: so a long storm is ridden out by time, not by a retry count).
        self.rate_budget = rate_budget
        self.stats = ClientStats()

    # -- construction helpers -------------------------------------------------------------
    @classmethod
    def login(
        cls,
        config: FortnoxConfig,
        code: str,
        *,
        tenant: str | None = None,
        transport: httpx.BaseTransport | None = None,
        **kw: Any,
    ) -> FortnoxClient:
        """Exchange an authorization code, learn the tenant, store the tokens, return a client.

        The tenant is the ``tenantId`` claim of the access token when it is a JWT, else
        ``DatabaseNumber`` from ``/3/companyinformation``.
        """
        given = kw.pop("http", None)
        http = given or httpx.Client(transport=transport, timeout=kw.get("timeout", 30.0))
        oauth = OAuth(config, http, now=kw.get("now", utcnow))
        store = kw.pop("store", None) or TokenStore(config.token_store)
        try:
            store.check()  # refuse an unsafe store before the single-use code is spent
            tokens = oauth.exchange_code(code)
            found = (
                tenant or tokens.tenant_id or _database_number(config, http, tokens.access_token)
            )
        except BaseException:
            if given is None:
                http.close()
            raise
        store.put(found, attrs.evolve(tokens, tenant_id=found))
        client = cls(config, found, http=http, store=store, **kw)
        client._own_http = given is None
        return client

    @classmethod
    def service_account(
        cls,
        config: FortnoxConfig,
        tenant: str,
        *,
        transport: httpx.BaseTransport | None = None,
        **kw: Any,
    ) -> FortnoxClient:
        """A service account's client: client credentials with ``TenantId``, no refresh token."""
        given = kw.pop("http", None)
        http = given or httpx.Client(transport=transport, timeout=kw.get("timeout", 30.0))
        oauth = OAuth(config, http, now=kw.get("now", utcnow))
        store = kw.pop("store", None) or TokenStore(config.token_store)
        try:
            store.check()
            tokens = oauth.client_credentials(str(tenant))
        except BaseException:
            if given is None:
                http.close()
            raise
        store.put(str(tenant), tokens)
        client = cls(config, str(tenant), http=http, store=store, **kw)
        client._own_http = given is None
        return client

    def disconnect(self) -> None:
        """Revoke the tenant's refresh token at Fortnox and forget its tokens here."""
        with self.tokens.store.tenant_lock(self.tenant):
            stored = self.tokens.store.get(self.tenant)
            if stored is not None and stored.refresh_token:
                self.oauth.revoke(stored.refresh_token)
            self.tokens.store.remove(self.tenant)

    def close(self) -> None:
        if self._own_http:
            self.http.close()

    def __enter__(self) -> FortnoxClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"FortnoxClient(api_url={self.config.api_url!r}, "
            f"client_id={self.config.client_id!r}, tenant={self.tenant!r})"
        )

    # -- public requests ------------------------------------------------------------------
    def get(self, path: str, params: Params | None = None) -> dict[str, Any]:
        """GET a JSON object (retried on 429, 5xx and lost connections)."""
        return self._json(self._send("GET", path, params=params))

    def get_bytes(self, path: str, params: Params | None = None) -> bytes:
        """GET raw bytes (the SIE export): no decoding here, ``Accept: */*``."""
        response = self._send("GET", path, params=params, accept="*/*")
        if has_error_body(response.content):
            raise error_from_response(response)
        return response.content

    def post(
        self, path: str, body: bytes | Mapping[str, Any], params: Params | None = None
    ) -> dict[str, Any]:
        """POST JSON once. ``body`` as bytes or a mapping written by ``mapping.dumps``
        (Decimals as their two-decimal text; a float is a ``TypeError``).

        Raises :class:`MayHaveCommitted` when the answer is lost or a 5xx: look before posting
        again. A 429 or a refused token is repeated (nothing was stored).
        """
        content = body if isinstance(body, bytes) else dumps(body)
        return self._json(self._send("POST", path, params=params, content=content))

    def list_all(
        self,
        path: str,
        key: str,
        params: Params | None = None,
        *,
        progress: Progress | None = None,
        limit: int = PAGE_LIMIT,
    ) -> list[dict[str, Any]]:
        """Every item of a list resource, page by page (``limit`` ≤ 500) until the last page."""
        items: list[dict[str, Any]] = []
        page = 1
        total_resources: int | None = None
        while True:
            data = self.get(path, {**(params or {}), "limit": limit, "page": page})
            batch = data.get(key)
            if not isinstance(batch, list):
                raise ServerError(
                    f"the answer has no list '{key}'", method="GET", path=path, status=200
                )
            items.extend(batch)
            meta = data.get("MetaInformation") or {}
            pages = _meta_int(meta, "@TotalPages", page)
            current = _meta_int(meta, "@CurrentPage", page)
            total_resources = _meta_int(meta, "@TotalResources", len(items))
            if progress is not None:
                progress(current, max(pages, current), len(items))
            if current >= pages or not batch:
                break
            page = current + 1
        if total_resources is not None and total_resources != len(items):
            log.warning(
                "%s: %d items read, MetaInformation said %d (the list changed while paging)",
                path,
                len(items),
                total_resources,
            )
        return items

    # -- machinery ------------------------------------------------------------------------
    def _json(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code == 204 or not response.content:
            return {}
        try:
            data = loads(response.content)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ServerError(
                "the answer is not a JSON object",
                status=response.status_code,
                method=response.request.method,
                path=response.request.url.path,
            )
        if has_error_body(response.content):
            raise error_from_response(response)
        return data

    def _wait(self, attempt: int, response: httpx.Response | None, cap: float) -> float:
        """Wait before retry ``attempt`` (0-based): Retry-After when sent, else 2^n with jitter."""
        hinted = retry_after(response) if response is not None else None
        if hinted is not None:
            return hinted + self.rng.uniform(0, min(1.0, 0.1 * hinted + 0.05))
        base = min(cap, self.backoff * 2.0**attempt)
        return base / 2 + self.rng.uniform(0, base / 2)

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        content: bytes | None = None,
        accept: str = "application/json",
    ) -> httpx.Response:
        url = f"{self.config.api_url}{path}"
        what = _describe(path, params)
        idempotent = method in ("GET", "HEAD")
        attempt = 0  # retries after 5xx and lost connections
        limited = 0  # retries after 429
        limited_wait = 0.0
        renewed = 0  # renewals after a 401 in this request
        key = (self.config.client_id, self.tenant)
        while True:
            token = self.tokens.access_token()
            stamp = self.limiter.acquire(key)
            headers = {"Authorization": f"Bearer {token}", "Accept": accept}
            if content is not None:
                headers["Content-Type"] = "application/json"
            self.stats.requests += 1
            started = time.monotonic()
            try:
                response = self.http.request(
                    method, url, params=dict(params) if params else None, content=content,
                    headers=headers,
                )  # fmt: skip
            except httpx.TransportError as exc:
                self.limiter.complete(key, stamp)
                self.stats.transport_errors += 1
                reason = type(exc).__name__
                log.warning("%s %s: connection problem (%s)", method, what, reason)
                if not idempotent:
                    if isinstance(exc, _NOT_SENT):
                        raise TransportError(
                            f"could not connect ({reason}); nothing was sent",
                            method=method,
                            path=path,
                            hint="check FORTNOX_API_URL and the network",
                        ) from None
                    raise MayHaveCommitted(
                        f"the answer was lost ({reason}); Fortnox may have stored the request",
                        method=method,
                        path=path,
                        hint="look for the record before posting again",
                    ) from None
                if attempt >= self.max_retries:
                    raise TransportError(
                        f"no answer after {attempt + 1} attempts ({reason})",
                        method=method,
                        path=path,
                        hint="check FORTNOX_API_URL and the network",
                    ) from None
                self._pause(attempt, None, method, what, None, self.max_wait)
                attempt += 1
                continue
            self.limiter.complete(key, stamp)
            elapsed = (time.monotonic() - started) * 1000
            status = response.status_code
            log.debug("%s %s -> %d (%.0f ms)", method, what, status, elapsed)
            if status < 400:
                return response
            if status == 401 and renewed < MAX_RENEWALS:
                # a token can expire right after its renewal (clock skew, a revoked session):
                # one more fresh renewal; a refresh that fails raises ReconnectRequired itself
                renewed += 1
                self.stats.auth_renewals += 1
                log.info("%s %s -> 401; renewing the access token (%d)", method, what, renewed)
                self.tokens.renew(None)
                continue
            if status == 401:
                error = error_from_response(response)
                raise FortnoxAuthError(
                    error.message,
                    status=401,
                    method=method,
                    path=path,
                    hint=f"Fortnox refused {MAX_RENEWALS} freshly renewed tokens although the "
                    "renewals succeeded; run the command again later",
                )
            if status == 429:
                self.stats.rate_limited += 1
            elif status >= 500:
                self.stats.server_errors += 1
            if status >= 500 and not idempotent:
                error = error_from_response(response)
                raise MayHaveCommitted(
                    f"Fortnox answered {status} ({error.message}); it may have stored the request",
                    status=status,
                    code=error.code,
                    method=method,
                    path=path,
                    hint="look for the record before posting again",
                )
            if status == 429 and limited_wait < self.rate_budget:
                # without Retry-After, back off but never longer than Fortnox's window
                wait = self._pause(
                    limited, response, method, what, status, self.limiter.period, hold=key
                )
                limited += 1
                limited_wait += wait
                continue
            if status in RETRY_STATUSES and status != 429 and attempt < self.max_retries:
                self._pause(attempt, response, method, what, status, self.max_wait)
                attempt += 1
                continue
            error = error_from_response(response)
            tries = attempt + limited
            if isinstance(error, RateLimited) and limited:
                error.message = (
                    f"{error.message} (after {tries + 1} attempts, {limited_wait:.0f} s)"
                )
            elif isinstance(error, ServerError) and tries:
                error.message = f"{error.message} (after {tries + 1} attempts)"
            raise error

    def _pause(
        self,
        attempt: int,
        response: httpx.Response | None,
        method: str,
        what: str,
        status: int | None,
        cap: float,
        hold: tuple[str, str] | None = None,
    ) -> float:
        """Sleep before a retry; ``hold`` also makes the limiter hold that key's other requests
        for the same time (after a 429), counted from now so the wait is not served twice."""
        wait = self._wait(attempt, response, cap)
        if wait > self.max_wait:
            assert response is not None  # only Retry-After can exceed the cap
            raise RateLimited(
                f"Fortnox asks to wait {wait:.0f} s (Retry-After), longer than {self.max_wait:g} s",
                status=response.status_code,
                method=method,
                path=response.request.url.path,
                hint="try again later",
            )
        self.stats.retries += 1
        log.info(
            "%s %s -> %s; retry %d in %.2f s",
            method,
            what,
            status if status is not None else "connection lost",
            attempt + 1,
            wait,
        )
        if hold is not None:
            self.limiter.penalise(hold, wait)
        self.sleep(wait)
        return wait


def _meta_int(meta: Mapping[str, Any], key: str, default: int) -> int:
    try:
        return int(str(meta.get(key, default)))
    except ValueError:
        return default


def _database_number(config: FortnoxConfig, http: httpx.Client, access_token: str) -> str:
    """The tenant id (``DatabaseNumber``) of the company a fresh access token belongs to."""
    response = http.get(
        f"{config.api_url}/3/companyinformation",
        headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
    )
    if response.status_code >= 400:
        raise error_from_response(response)
    info = loads(response.content).get("CompanyInformation") or {}
    number = info.get("DatabaseNumber")
    if number in (None, ""):
        raise FortnoxError(
            "the company information has no DatabaseNumber (the tenant id)",
            method="GET",
            path="/3/companyinformation",
            hint="pass the tenant explicitly",
        )
    return str(number)
