"""Helpers for the sandbox tests: seeded sandboxes, tokens through the real OAuth
endpoints, a second company, and validation against Fortnox's OpenAPI document (with
``tests/data/openapi-overlay.json`` applied for the document's known defects)."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs
import httpx
import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker

import sie
from fortnox_bridge.sandbox import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, ManualClock, Sandbox
from sie import bas

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "norrsken_ab_2025.se"
OPENAPI = ROOT.parent / "shared" / "fortnox" / "openapi.json"
OVERLAY = ROOT / "tests" / "data" / "openapi-overlay.json"
API = "https://api.fortnox.se"
ORGNR_A = "556742-3180"
ORGNR_B = "559123-4561"
REDIRECT = "http://127.0.0.1:8765/callback"
ALL_SCOPES = (
    "bookkeeping companyinformation settings invoice supplierinvoice payment customer "
    "supplier costcenter project"
)


@cache
def sample_model() -> sie.SieFile:
    return sie.read(SAMPLE).model


def sandbox(files: list[Any] | None = None, **options: Any) -> Sandbox:
    """A sandbox without rate limit on a manual clock; the sample company by default
    (read once per test session)."""
    options.setdefault("rate_limit", None)
    options.setdefault("now", ManualClock())
    return Sandbox.from_sie_files(files or [sample_model()], **options)


def client(sb: Sandbox) -> httpx.Client:
    return httpx.Client(transport=sb.transport(), base_url=API)


@attrs.define
class Tokens:
    access: str = attrs.field(repr=False)
    refresh: str | None = attrs.field(repr=False)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}", "Accept": "application/json"}


def auth_code(
    http: httpx.Client, scopes: str = ALL_SCOPES, tenant: str | None = None, **extra: str
) -> httpx.Response:
    params = {
        "client_id": DEFAULT_CLIENT_ID,
        "response_type": "code",
        "state": "xyz",
        "scope": scopes,
        "access_type": "offline",
        "redirect_uri": REDIRECT,
        **extra,
    }
    if tenant is not None:
        params["tenant"] = tenant
    return http.get("/oauth-v1/auth", params=params)


def code_from(response: httpx.Response) -> str:
    assert response.status_code == 302, response.text
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["state"] == ["xyz"]
    return query["code"][0]


def token_request(
    http: httpx.Client, headers: dict[str, str] | None = None, **form: str
) -> httpx.Response:
    return http.post(
        "/oauth-v1/token",
        data=form,
        auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET),
        headers=headers or {},
    )


def login(http: httpx.Client, scopes: str = ALL_SCOPES, tenant: str | None = None) -> Tokens:
    """The authorization-code flow over HTTP, as the bridge's login does it."""
    code = code_from(auth_code(http, scopes, tenant))
    answer = token_request(http, grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return Tokens(body["access_token"], body.get("refresh_token"))


def second_company() -> bytes:
    """Another company as a SIE 4 file: the sample's books under another name and number,
    with only its series-A vouchers (so its lists differ from company A's)."""
    model = sie.read(SAMPLE).model
    header = attrs.evolve(model.header, orgnr=ORGNR_B, company_name="Isoleringstest AB")
    vouchers = tuple(v for v in model.vouchers if v.series == "A")
    moved: dict[str, Any] = {}
    for v in vouchers:
        for r in v.trans:
            moved[r.account] = moved.get(r.account, 0) + r.amount
    balances = tuple(b for b in model.balances if b.kind == "IB" or b.year != 0)
    ub = []
    for b in model.balances:
        if b.kind == "IB" and b.year == 0:
            ub.append(sie.Balance("UB", 0, b.account, b.amount + moved.pop(b.account, 0)))
    for account, amount in moved.items():
        kind = "RES" if bas.is_result(account) else "UB"
        ub.append(sie.Balance(kind, 0, account, amount))
    changed = attrs.evolve(
        model,
        header=header,
        vouchers=vouchers,
        balances=balances + tuple(ub),
        object_balances=(),
        period_balances=(),
    )
    data, _ = sie.dumps(changed, sie_type="4E")
    return data


# ----------------------------------------------------------------------------- OpenAPI


@cache
def openapi() -> dict[str, Any]:
    if not OPENAPI.is_file():
        pytest.skip(f"Fortnox's OpenAPI document is not available ({OPENAPI})")
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    return apply_overlay(document, json.loads(OVERLAY.read_text(encoding="utf-8")))


def apply_overlay(document: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    patched = copy.deepcopy(document)
    for entry in overlay["entries"]:
        assert entry.get("why"), f"overlay entry without a reason: {entry}"
        parts = [p.replace("~1", "/").replace("~0", "~") for p in entry["at"].split("/")[1:]]
        if entry["op"] == "set":
            target = patched
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = entry["value"]
        elif entry["op"] == "drop-required":
            target = patched
            for part in parts:
                target = target[part]
            target["required"] = [r for r in target["required"] if r != entry["field"]]
        else:
            raise AssertionError(f"unknown overlay op {entry['op']}")
    return patched


def schema_errors(schema_name: str, body: Any, document: dict[str, Any] | None = None) -> list[str]:
    """Every way ``body`` breaks ``#/components/schemas/{schema_name}`` (empty: valid)."""
    document = document or openapi()
    root = {"components": document["components"], "$ref": f"#/components/schemas/{schema_name}"}
    validator = OAS30Validator(root, format_checker=oas30_format_checker)
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)
    ]


def response_schema(path: str, method: str, status: int) -> str | None:
    """The schema name the document gives for an answer (``None``: no JSON body)."""
    operation = openapi()["paths"][path][method]
    answer = operation["responses"].get(str(status)) or operation["responses"].get("default")
    assert answer is not None, f"{method.upper()} {path} does not document {status}"
    content = answer.get("content", {}).get("application/json")
    if content is None:
        return None
    ref: str = content["schema"]["$ref"]
    return ref.rsplit("/", 1)[1]


def assert_valid(path: str, method: str, response: httpx.Response) -> None:
    """The answer's status is documented for the operation and its body fits the schema;
    list answers also carry MetaInformation."""
    name = response_schema(path, method, response.status_code)
    if name is None:
        return
    body = response.json()
    errors = schema_errors(name, body)
    assert not errors, f"{method.upper()} {path} {response.status_code}: {errors[:5]}"
    if any(isinstance(value, list) for value in body.values()):
        assert next(iter(body)) == "MetaInformation", "MetaInformation comes first"
        assert not schema_errors("fortnox_MetaInformation", body["MetaInformation"])
