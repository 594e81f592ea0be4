"""What every API handler gets: the request, the tenant its token belongs to, and helpers
for Fortnox's conventions (lowercase query parameters, list pages, year selection)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import attrs
from werkzeug.wrappers import Request, Response

from fortnox_bridge.sandbox.errors import error, json_response
from fortnox_bridge.sandbox.state import FinancialYearState, Tenant

DEFAULT_LIMIT = 100
MAX_LIMIT = 500


@attrs.define
class Ctx:
    request: Request
    tenant: Tenant
    today: dt.date
    casing: str = "auto"
    sie_encoding: str = "cp437"
    sie_export_all: bool = True
    #: Set by a handler that changed the books (a drop-after-commit fault may follow).
    committed: bool = False
    #: The sandbox's cache of SIE exports (keyed by tenant version, so never stale).
    cache: dict[tuple[Any, ...], bytes] = attrs.field(factory=dict)
    #: Query parameters with lowercase names (Fortnox wants them lowercase; the spec
    #: sometimes spells them ``financialYear``/``Date``).
    args: dict[str, str] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        self.args = {k.lower(): v for k, v in self.request.args.items()}

    def url(self, path: str) -> str:
        return self.request.host_url.rstrip("/") + path

    def error(self, kind: str, **values: object) -> Response:
        return error(kind, self.casing, **values)


class Refusal(Exception):
    """A handler's way to answer with an error from deep inside."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def listing(ctx: Ctx, key: str, items: list[dict[str, Any]]) -> Response:
    """A list answer: ``MetaInformation`` first, then one page of ``items``."""
    limit = _int_arg(ctx, "limit", DEFAULT_LIMIT)
    page = _int_arg(ctx, "page", 1)
    if not 1 <= limit <= MAX_LIMIT or page < 1:
        raise Refusal(ctx.error("invalid_parameter"))
    total = len(items)
    meta = {
        "@TotalResources": total,
        "@TotalPages": math.ceil(total / limit),
        "@CurrentPage": page,
    }
    start = (page - 1) * limit
    return json_response({"MetaInformation": meta, key: items[start : start + limit]})


def _int_arg(ctx: Ctx, name: str, default: int) -> int:
    text = ctx.args.get(name)
    if text is None or text == "":
        return default
    if not text.strip().isdigit():
        raise Refusal(ctx.error("invalid_parameter"))
    return int(text)


def date_arg(ctx: Ctx, name: str) -> dt.date | None:
    text = ctx.args.get(name)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise Refusal(ctx.error("invalid_parameter")) from None


def select_year(ctx: Ctx) -> FinancialYearState:
    """``financialyear`` (an id), else ``financialyeardate``, else the current year."""
    tenant = ctx.tenant
    if ctx.args.get("financialyear"):
        text = ctx.args["financialyear"]
        year = tenant.year(int(text)) if text.isdigit() else None
        if year is None:
            raise Refusal(ctx.error("year_not_found"))
        return year
    day = date_arg(ctx, "financialyeardate")
    if day is not None:
        found = tenant.year_for(day)
        if found is None:
            raise Refusal(ctx.error("no_financial_year", date=day.isoformat()))
        return found
    current = tenant.current_year(ctx.today)
    if current is None:
        raise Refusal(ctx.error("year_not_found"))
    return current


def sort_items(ctx: Ctx, items: list[dict[str, Any]], fields: dict[str, str]) -> None:
    """``sortby`` (one of ``fields``, lowercase name -> JSON field) and ``sortorder``."""
    by = ctx.args.get("sortby")
    if by is None:
        return
    if by.lower() not in fields:
        raise Refusal(ctx.error("invalid_parameter"))
    field = fields[by.lower()]
    descending = ctx.args.get("sortorder", "ascending").lower() == "descending"
    items.sort(key=lambda item: _sortable(item.get(field)), reverse=descending)


def _sortable(value: Any) -> tuple[int, Any]:
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return (0, Decimal(value))
    if isinstance(value, str) and value.isdigit():
        return (0, Decimal(int(value)))
    return (1, str(value)) if value is not None else (2, "")
