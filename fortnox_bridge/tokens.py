"""The token store (one 0600 JSON file per installation) and a refresh that keeps the chain.

Fortnox refresh tokens are single use: a refresh returns a new refresh token (valid 45 days)
and kills the old one. Two processes refreshing with the same token at once would leave one of
them holding a dead token and, worse, might overwrite the store with it. So a refresh for one
tenant runs under a file lock (``filelock``, which works across processes) around
read → refresh → write, and a process that waited for the lock re-reads the store first: when
another process has refreshed meanwhile it takes the newer tokens and spends nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import filelock

from fortnox_bridge.auth import Now, OAuth, TokenSet, utcnow
from fortnox_bridge.errors import ReconnectRequired, TokenStoreError

_FORMAT = 1


def _safe(tenant: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", tenant) or "_"


class TokenStore:
    """Tokens per tenant in one JSON file, written atomically with mode 0600.

    A store that group or others can read is refused (it holds live credentials).
    """

    def __init__(self, path: Path | str, *, lock_timeout: float = 120.0) -> None:
        self.path = Path(path).expanduser()
        self.lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"TokenStore({str(self.path)!r})"

    # -- locks ---------------------------------------------------------------------------
    def _lock(self, suffix: str) -> filelock.FileLock:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return filelock.FileLock(
            f"{self.path}.{suffix}.lock", timeout=self.lock_timeout, mode=0o600
        )

    @contextlib.contextmanager
    def tenant_lock(self, tenant: str) -> Iterator[None]:
        """Serialise refreshes of one tenant across processes (held around the HTTP call)."""
        try:
            with self._lock(f"tenant-{_safe(tenant)}"):
                yield
        except filelock.Timeout:
            raise TokenStoreError(
                f"another process has held the refresh lock for tenant {tenant} for more than "
                f"{self.lock_timeout:g} s",
                hint=f"if no other bokslut process is running, remove {self.path}.*.lock",
            ) from None

    # -- reading -------------------------------------------------------------------------
    def _check_mode(self) -> None:
        if os.name != "posix":
            return
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            raise TokenStoreError(
                f"the token store {self.path} is readable by group or others "
                f"(mode {mode:04o}); it holds live Fortnox credentials",
                hint=f"run: chmod 600 {self.path}",
            )

    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        self._check_mode()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise TokenStoreError(
                f"cannot read the token store {self.path}: {exc.strerror}"
            ) from None
        except ValueError:
            raise TokenStoreError(
                f"the token store {self.path} is not valid JSON",
                hint="remove it and log in again (bokslut fortnox login)",
            ) from None
        tenants = data.get("tenants") if isinstance(data, dict) else None
        if not isinstance(tenants, dict):
            raise TokenStoreError(
                f"the token store {self.path} has an unknown layout",
                hint="remove it and log in again (bokslut fortnox login)",
            )
        return tenants

    def check(self) -> None:
        """Raise :class:`TokenStoreError` now if the store could not be used (before a login
        spends its single-use code)."""
        self._read()

    def tenants(self) -> list[str]:
        return sorted(self._read())

    def get(self, tenant: str) -> TokenSet | None:
        entry = self._read().get(str(tenant))
        if entry is None:
            return None
        try:
            return TokenSet.from_store(entry)
        except (KeyError, TypeError, ValueError):
            raise TokenStoreError(
                f"the token store {self.path} has a damaged entry for tenant {tenant}",
                hint="log in again (bokslut fortnox login)",
            ) from None

    # -- writing -------------------------------------------------------------------------
    def _write(self, tenants: dict[str, Any]) -> None:
        parent = self.path.parent
        parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{self.path.name}.", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"format": _FORMAT, "tenants": tenants}, fh, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def put(self, tenant: str, tokens: TokenSet) -> None:
        """Store ``tokens`` for ``tenant`` (read-modify-write under the store lock)."""
        with self._lock("store"):
            tenants = self._read()
            tenants[str(tenant)] = tokens.to_store()
            self._write(tenants)

    def remove(self, tenant: str) -> bool:
        with self._lock("store"):
            tenants = self._read()
            found = tenants.pop(str(tenant), None) is not None
            if found:
                self._write(tenants)
            return found


class TokenManager:
    """A valid access token for one tenant, refreshed (once, under the lock) when needed."""

    def __init__(self, store: TokenStore, oauth: OAuth, tenant: str, *, now: Now = utcnow) -> None:
        self.store = store
        self.oauth = oauth
        self.tenant = str(tenant)
        self.now = now
        self._tokens: TokenSet | None = None
        #: Refreshes this manager made, and times it found another process had refreshed.
        self.refreshes = 0
        self.adopted = 0

    def __repr__(self) -> str:
        return f"TokenManager(tenant={self.tenant!r}, store={self.store!r})"

    def current(self) -> TokenSet:
        tokens = self.store.get(self.tenant)
        if tokens is None:
            raise TokenStoreError(
                f"no Fortnox tokens for tenant {self.tenant} in {self.store.path}",
                hint="connect first: bokslut fortnox login",
            )
        self._tokens = tokens
        return tokens

    def access_token(self) -> str:
        """The access token to send now; renewed first when it expires within a minute."""
        tokens = self._tokens or self.current()
        if tokens.expired(self.now()):
            tokens = self.renew(tokens)
        return tokens.access_token

    def renew(self, stale: TokenSet | None = None) -> TokenSet:
        """New tokens to replace ``stale`` (expired or refused with 401).

        Under the tenant lock: re-read the store; when it already holds other tokens that are
        still valid, another process refreshed while we waited — use them. Otherwise spend the
        stored refresh token (or, for a service account, ask again with client credentials)
        and persist the answer before anyone uses it.
        """
        stale = stale or self._tokens
        with self.store.tenant_lock(self.tenant):
            current = self.current()
            newer = stale is None or current.access_token != stale.access_token
            if newer and not current.expired(self.now()):
                self.adopted += 1
                return current
            if current.service_account:
                fresh = self.oauth.client_credentials(self.tenant)
            elif current.refresh_token is None:
                raise ReconnectRequired(
                    f"the stored tokens of tenant {self.tenant} have no refresh token",
                    hint="the customer must connect again (bokslut fortnox login)",
                )
            else:
                fresh = self.oauth.refresh(current.refresh_token)
                if fresh.refresh_token is None:  # keep the chain if Fortnox did not rotate
                    fresh = attrs.evolve(fresh, refresh_token=current.refresh_token)
            fresh = attrs.evolve(
                fresh,
                tenant_id=self.tenant,
                service_account=current.service_account,
                scopes=fresh.scopes or current.scopes,
            )
            self.store.put(self.tenant, fresh)
            self.refreshes += 1
            self._tokens = fresh
            return fresh

    def expires_in(self) -> dt.timedelta:
        tokens = self._tokens or self.current()
        return tokens.expires_at - self.now()
