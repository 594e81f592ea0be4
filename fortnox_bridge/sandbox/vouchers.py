"""Vouchers: lists per financial year and series, single vouchers, and posting new ones
with Fortnox's checks. Vouchers cannot be changed or deleted (PUT/DELETE answer 405).

A posted voucher gets the series' next number in its financial year. The checks run in
this order and the first failure answers: body shape, financial year and date, series
(exists, manual), locked period (the closing series is exempt), rows (at least two,
accounts exist and are active, cost centers and projects exist, texts fit), balance.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from werkzeug.wrappers import Response

from fortnox_bridge.sandbox.context import Ctx, Refusal, date_arg, listing, select_year, sort_items
from fortnox_bridge.sandbox.errors import json_response
from fortnox_bridge.sandbox.state import FinancialYearState, VoucherRow, VoucherState
from sie.amounts import CENT, ZERO, InvalidAmount, check_range

VOUCHER_FIELDS = frozenset(
    [
        "@url",
        "ApprovalState",
        "Comments",
        "CostCenter",
        "Description",
        "Project",
        "ReferenceNumber",
        "ReferenceType",
        "TransactionDate",
        "VoucherNumber",
        "VoucherRows",
        "VoucherSeries",
        "Year",
    ]
)
ROW_FIELDS = frozenset(
    [
        "Account",
        "CostCenter",
        "Credit",
        "Debit",
        "Description",
        "Project",
        "Quantity",
        "Removed",
        "TransactionInformation",
    ]
)


def _list_item(ctx: Ctx, v: VoucherState) -> dict[str, Any]:
    return {
        "@url": ctx.url(f"/3/vouchers/{v.series}/{v.number}?financialyear={v.year}"),
        "ApprovalState": 0,
        "Comments": v.comments,
        "Description": v.description,
        "ReferenceNumber": v.reference_number,
        "ReferenceType": v.reference_type,
        "TransactionDate": v.date.isoformat(),
        "VoucherNumber": v.number,
        "VoucherSeries": v.series,
        "Year": v.year,
    }


def _full(ctx: Ctx, year: FinancialYearState, v: VoucherState) -> dict[str, Any]:
    item = _list_item(ctx, v)
    item["CostCenter"] = v.cost_center
    item["Project"] = v.project
    item["VoucherRows"] = [
        {
            "Account": r.account,
            "CostCenter": r.cost_center,
            "Credit": r.credit,
            "Debit": r.debit,
            "Description": year.accounts[r.account].description
            if r.account in year.accounts
            else "",
            "Project": r.project,
            "Quantity": r.quantity if r.quantity is not None else ZERO,
            "Removed": r.removed,
            "TransactionInformation": r.text,
        }
        for r in v.rows
    ]
    return item


def list_vouchers(ctx: Ctx, series: str | None = None) -> Response:
    year = select_year(ctx)
    start, end = date_arg(ctx, "fromdate"), date_arg(ctx, "todate")
    if start is not None and not year.contains(start):
        raise Refusal(ctx.error("fromdate_outside"))
    series = series or ctx.args.get("voucherseries")
    cost_center = ctx.args.get("costcenter")
    chosen = [
        v
        for v in year.vouchers.values()
        if (series is None or v.series == series)
        and (start is None or v.date >= start)
        and (end is None or v.date <= end)
        and (cost_center is None or any(r.cost_center == cost_center for r in v.rows))
    ]
    chosen.sort(key=lambda v: (v.series, v.number))
    items = [_list_item(ctx, v) for v in chosen]
    sort_items(
        ctx,
        items,
        {
            "vouchernumber": "VoucherNumber",
            "voucherseries": "VoucherSeries",
            "referencenumber": "ReferenceNumber",
            "referencetype": "ReferenceType",
        },
    )
    return listing(ctx, "Vouchers", items)


def get_voucher(ctx: Ctx, series: str, number: int) -> Response:
    year = select_year(ctx)
    found = year.vouchers.get((series, number))
    if found is None:
        raise Refusal(ctx.error("voucher_not_found"))
    return json_response({"Voucher": _full(ctx, year, found)})


def immutable(ctx: Ctx, series: str, number: int) -> Response:
    response = ctx.error("voucher_immutable")
    response.headers["Allow"] = "GET"
    return response


def create_voucher(ctx: Ctx) -> Response:
    body = _body(ctx)
    voucher = body["Voucher"]
    _fields(ctx, voucher, VOUCHER_FIELDS)
    year = _year_of(ctx, voucher)
    day = _date(ctx, voucher.get("TransactionDate"))
    tenant = ctx.tenant
    if not year.contains(day):
        kind = "no_financial_year" if tenant.year_for(day) is None else "date_outside_year"
        raise Refusal(ctx.error(kind, date=day.isoformat()))
    description = _text(ctx, voucher, "Description", 1, 200)
    comments = _text(ctx, voucher, "Comments", 0, 1000)
    code = _text(ctx, voucher, "VoucherSeries", 1, 10)
    series = year.series.get(code)
    if series is None:
        raise Refusal(ctx.error("series_missing", series=code))
    if not series.manual:
        raise Refusal(ctx.error("series_not_manual"))
    lock = tenant.locked_through
    if lock is not None and day <= lock and not series.lock_exempt:
        if year.end <= lock:
            raise Refusal(ctx.error("locked_year"))
        raise Refusal(ctx.error("locked_period", end=lock.isoformat(), date=day.isoformat()))
    rows = voucher.get("VoucherRows")
    if not isinstance(rows, list) or len(rows) < 2:
        raise Refusal(ctx.error("invalid_value", field="VoucherRows", problem="minst två rader"))
    parsed = [_row(ctx, year, row) for row in rows]
    debit = sum((r.debit for r in parsed), ZERO)
    credit = sum((r.credit for r in parsed), ZERO)
    if debit != credit:
        raise Refusal(ctx.error("unbalanced", debit=debit, credit=credit))
    created = VoucherState(
        series=code,
        number=series.next_number,
        year=year.id,
        date=day,
        description=description,
        rows=parsed,
        comments=comments,
        reg_date=ctx.today,
        cost_center=str(voucher.get("CostCenter") or ""),
        project=str(voucher.get("Project") or ""),
    )
    series.next_number += 1
    year.vouchers[(code, created.number)] = created
    tenant.version += 1
    ctx.committed = True
    return json_response({"Voucher": _full(ctx, year, created)}, 201)


def _body(ctx: Ctx) -> dict[str, Any]:
    if ctx.request.mimetype != "application/json":
        raise Refusal(ctx.error("content_type"))
    raw = ctx.request.get_data()
    if not raw.strip():
        raise Refusal(ctx.error("no_data"))
    try:
        body = json.loads(raw, parse_float=Decimal)
    except ValueError:
        raise Refusal(ctx.error("json_syntax")) from None
    if not isinstance(body, dict) or not isinstance(body.get("Voucher"), dict):
        raise Refusal(ctx.error("no_data"))
    return body


def _fields(ctx: Ctx, record: dict[str, Any], known: frozenset[str]) -> None:
    for name in record:
        if name not in known:
            raise Refusal(ctx.error("field_name", field=name))


def _year_of(ctx: Ctx, voucher: dict[str, Any]) -> FinancialYearState:
    """``?financialyear`` first, then the body's ``Year``, then the current year."""
    if "financialyear" not in ctx.args and "financialyeardate" not in ctx.args:
        year_id = voucher.get("Year")
        if year_id is not None:
            found = ctx.tenant.year(year_id) if isinstance(year_id, int) else None
            if found is None:
                raise Refusal(ctx.error("year_not_found"))
            return found
    return select_year(ctx)


def _date(ctx: Ctx, value: object) -> dt.date:
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise Refusal(ctx.error("invalid_value", field="TransactionDate", problem="ange ÅÅÅÅ-MM-DD"))


def _text(ctx: Ctx, record: dict[str, Any], name: str, low: int, high: int) -> str:
    value = record.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or not low <= len(value) <= high:
        problem = f"{low}–{high} tecken" if low else f"högst {high} tecken"
        raise Refusal(ctx.error("invalid_value", field=name, problem=problem))
    return value


def _amount(ctx: Ctx, row: dict[str, Any], name: str) -> Decimal:
    value = row.get(name, 0)
    if value is None:
        return ZERO
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise Refusal(ctx.error("invalid_value", field=name, problem="ett belopp"))
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise Refusal(ctx.error("invalid_value", field=name, problem="ett belopp")) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT):
        raise Refusal(ctx.error("invalid_value", field=name, problem="högst två decimaler, ≥ 0"))
    try:
        check_range(amount)
    except InvalidAmount:
        raise Refusal(ctx.error("invalid_value", field=name, problem="för stort belopp")) from None
    return amount.quantize(CENT)


def _row(ctx: Ctx, year: FinancialYearState, row: object) -> VoucherRow:
    if not isinstance(row, dict):
        raise Refusal(ctx.error("no_data"))
    _fields(ctx, row, ROW_FIELDS)
    number = row.get("Account")
    if isinstance(number, str) and number.isdigit():
        number = int(number)
    if not isinstance(number, int) or isinstance(number, bool) or number not in year.accounts:
        raise Refusal(ctx.error("account_in_request"))
    if not year.accounts[number].active:
        raise Refusal(ctx.error("account_inactive", account=number))
    text = _text(ctx, row, "TransactionInformation", 0, 100)
    cost_center = str(row.get("CostCenter") or "")
    if cost_center and cost_center not in ctx.tenant.cost_centers:
        raise Refusal(ctx.error("cost_center_not_found", code=cost_center))
    project = str(row.get("Project") or "")
    if project and project not in ctx.tenant.projects:
        raise Refusal(ctx.error("project_in_request"))
    quantity = row.get("Quantity")
    return VoucherRow(
        account=number,
        debit=_amount(ctx, row, "Debit"),
        credit=_amount(ctx, row, "Credit"),
        text=text,
        cost_center=cost_center,
        project=project,
        quantity=Decimal(quantity) if isinstance(quantity, int | Decimal) and quantity else None,
    )
