"""Configuration of the Fortnox integration: environment variables or a TOML file.

The keys are ``FORTNOX_CLIENT_ID``, ``FORTNOX_CLIENT_SECRET``, ``FORTNOX_REDIRECT_URI``,
``FORTNOX_SCOPES``, ``FORTNOX_API_URL``, ``FORTNOX_AUTH_URL`` and ``FORTNOX_TOKEN_STORE``; a TOML
file given with ``--config`` uses the same names in lower case. A key the file sets wins over
the environment (the file was named on this very command line); keys it leaves out come from
the environment, then the defaults. The client secret never appears in ``repr``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path

import attrs

from fortnox_bridge.errors import ConfigError

DEFAULT_API_URL = "https://api.fortnox.se"
DEFAULT_AUTH_URL = "https://apps.fortnox.se"
#: What the bridge reads and writes: books, company, locked period, AR and AP, and the
#: payments that make the year-end AR/AP lists exact (without ``payment`` they are approximated).
DEFAULT_SCOPES = (
    "bookkeeping",
    "companyinformation",
    "settings",
    "invoice",
    "supplierinvoice",
    "payment",
)

KEYS = (
    "FORTNOX_CLIENT_ID",
    "FORTNOX_CLIENT_SECRET",
    "FORTNOX_REDIRECT_URI",
    "FORTNOX_SCOPES",
    "FORTNOX_API_URL",
    "FORTNOX_AUTH_URL",
    "FORTNOX_TOKEN_STORE",
)
SECRET_KEYS = frozenset({"FORTNOX_CLIENT_SECRET"})


def default_token_store() -> Path:
    """``$XDG_CONFIG_HOME/sie-bokslut/fortnox-tokens.json`` (``~/.config`` by default)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sie-bokslut" / "fortnox-tokens.json"


def _hidden(value: str) -> str:
    return "'***'" if value else "''"


@attrs.frozen(slots=True)
class FortnoxConfig:
    """Everything needed to talk to one Fortnox integration (one client id)."""

    client_id: str
    client_secret: str = attrs.field(repr=_hidden)
    redirect_uri: str = ""
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    api_url: str = DEFAULT_API_URL
    auth_url: str = DEFAULT_AUTH_URL
    token_store: Path = attrs.field(factory=default_token_store)

    def require_client(self) -> None:
        """Raise :class:`ConfigError` unless a client id and secret are configured."""
        missing = [
            key
            for key, value in (
                ("FORTNOX_CLIENT_ID", self.client_id),
                ("FORTNOX_CLIENT_SECRET", self.client_secret),
            )
            if not value
        ]
        if missing:
            raise ConfigError(
                f"{' and '.join(missing)} not set",
                hint="set them in the environment or in the --config TOML file (lower-case keys)",
            )

    def to_json(self) -> dict[str, object]:
        """For ``--json`` output: the secret is shown only as set or not."""
        return {
            "client_id": self.client_id,
            "client_secret": "***" if self.client_secret else "",
            "redirect_uri": self.redirect_uri,
            "scopes": list(self.scopes),
            "api_url": self.api_url,
            "auth_url": self.auth_url,
            "token_store": str(self.token_store),
        }


def _parse_scopes(value: object, source: str) -> tuple[str, ...]:
    if isinstance(value, str):
        items = value.replace(",", " ").split()
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [s for v in value for s in v.split()]
    else:
        raise ConfigError(f"{source}: fortnox_scopes must be a string or a list of strings")
    return tuple(dict.fromkeys(items))


def _url(value: str, key: str, source: str) -> str:
    value = value.strip().rstrip("/")
    if not value.startswith(("http://", "https://")):
        raise ConfigError(
            f"{source}: {key} must be an http(s) URL, got {value!r}",
            hint="for example https://api.fortnox.se",
        )
    return value


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"configuration file {path} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"cannot read configuration file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    section = data.get("fortnox")
    if isinstance(section, dict):  # a [fortnox] table is accepted as well
        data = {**{k: v for k, v in data.items() if k != "fortnox"}, **section}
    allowed = {k.lower() for k in KEYS}
    unknown = sorted(k for k in data if k.lower() not in allowed)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key(s) {', '.join(unknown)}",
            hint=f"the keys are {', '.join(sorted(allowed))}",
        )
    for key, value in data.items():
        if key.lower() != "fortnox_scopes" and not isinstance(value, str):
            raise ConfigError(f"{path}: {key} must be a string")
    return {k.lower(): v for k, v in data.items()}


def load_config(
    path: Path | str | None = None, env: Mapping[str, str] | None = None
) -> FortnoxConfig:
    """Read the configuration (the TOML file's keys over the environment, over the defaults)."""
    environ = os.environ if env is None else env
    values: dict[str, object] = {}
    for key in KEYS:
        if environ.get(key):
            values[key.lower()] = environ[key]
    source = "environment"
    if path is not None:
        source = str(path)
        values.update(_read_toml(Path(path)))
    scopes = _parse_scopes(values["fortnox_scopes"], source) if "fortnox_scopes" in values else None
    store = values.get("fortnox_token_store")
    return FortnoxConfig(
        client_id=str(values.get("fortnox_client_id", "")).strip(),
        client_secret=str(values.get("fortnox_client_secret", "")).strip(),
        redirect_uri=str(values.get("fortnox_redirect_uri", "")).strip(),
        scopes=scopes if scopes else DEFAULT_SCOPES,
        api_url=_url(
            str(values.get("fortnox_api_url", DEFAULT_API_URL)), "FORTNOX_API_URL", source
        ),
        auth_url=_url(
            str(values.get("fortnox_auth_url", DEFAULT_AUTH_URL)), "FORTNOX_AUTH_URL", source
        ),
        token_store=Path(str(store)).expanduser() if store else default_token_store(),
    )
