"""``/3/sie/{Type}``: the SIE file of one financial year, made from the tenant's books now.

Built as a :class:`sie.SieFile` and written by ``sie.dumps`` (one writer in the project),
shaped as Fortnox's exports are (reference §6): ``#PROGRAM "Fortnox"``, ``#FNR`` = the
database number, ``#RAR 0`` and ``-1``, balances computed from opening balances and every
voucher (so posted vouchers show up at once), dimensions 1 (cost centers) and 6 (projects)
only — Fortnox exports no customer or supplier objects. CP437 bytes by default; the UTF-8
variant (still headed ``#FORMAT PC8``, as one report says Fortnox sends) is a sandbox option.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from werkzeug.wrappers import Response

import sie
from fortnox_bridge.sandbox.context import Ctx, Refusal, date_arg, select_year
from fortnox_bridge.sandbox.state import FinancialYearState, Tenant, VoucherState
from sie import bas
from sie.amounts import ZERO

PROGRAM = ("Fortnox", "3.57.11-sandbox")
SIE_TYPES = {1: "1", 2: "2", 3: "3", 4: "4E"}


def export(
    tenant: Tenant,
    year: FinancialYearState,
    *,
    sie_type: int = 4,
    today: dt.date,
    encoding: str = "cp437",
    export_all: bool = True,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> bytes:
    model = build(tenant, year, sie_type, today, export_all, start, end)
    data, _notes = sie.dumps(model, sie_type=SIE_TYPES[sie_type])
    if encoding.lower().replace("-", "") == "utf8":
        return data.decode("cp437").encode("utf-8")
    return data


def build(
    tenant: Tenant,
    year: FinancialYearState,
    sie_type: int,
    today: dt.date,
    export_all: bool = True,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> sie.SieFile:
    company = tenant.company
    previous = tenant.previous_year(year)
    postal = f"{company.zip_code} {company.city}".strip()
    header = sie.Header(
        flag=0,
        program=PROGRAM[0],
        program_version=PROGRAM[1],
        format="PC8",
        generated=today,
        sie_type=sie_type,
        company_id=str(tenant.database_number),
        orgnr=company.orgnr,
        address=(company.contact, company.address, postal, company.phone),
        company_name=company.name,
        covered_until=year.end,
        chart_type="EUBAS97",
    )
    years = [sie.FinancialYear(0, year.start, year.end)]
    if previous is not None:
        years.append(sie.FinancialYear(-1, previous.start, previous.end))
    balances: list[sie.Balance] = []
    used: set[int] = set()
    for index, y in ((0, year), (-1, previous)):
        if y is not None:
            balances.extend(_balances(index, y, used))
    vouchers = [
        _voucher(v)
        for v in sorted(year.vouchers.values(), key=lambda v: (v.series, v.number))
        if (start is None or v.date >= start) and (end is None or v.date <= end)
    ]
    used.update(r.account for v in year.vouchers.values() for r in v.rows)
    chart = {**(previous.accounts if previous else {}), **year.accounts}
    accounts = [
        sie.Account(str(a.number), a.description, sru=(str(a.sru),) if a.sru else ())
        for n, a in sorted(chart.items())
        if export_all or n in used
    ]
    dimensions: list[sie.Dimension] = []
    objects: list[sie.Object] = []
    for number, name, register in (
        (1, "Kostnadsställe", tenant.cost_centers),
        (6, "Projekt", tenant.projects),
    ):
        if register:
            dimensions.append(sie.Dimension(number, name))
            objects.extend(sie.Object(number, code, text) for code, text in register.items())
    return sie.SieFile(
        header=header,
        years=tuple(years),
        accounts=tuple(accounts),
        dimensions=tuple(dimensions),
        objects=tuple(objects),
        balances=tuple(balances),
        vouchers=tuple(vouchers),
    )


def _balances(index: int, year: FinancialYearState, used: set[int]) -> list[sie.Balance]:
    moved = year.movements()
    out: list[sie.Balance] = []
    for account in sorted(set(year.opening) | set(moved)):
        if bas.is_result(str(account)):
            amount = moved.get(account, ZERO)
            if amount:
                out.append(sie.Balance("RES", index, str(account), amount))
                used.add(account)
            continue
        opening = year.opening.get(account, ZERO)
        closing = year.closing_balance(account, moved)
        if not opening and not closing:
            continue
        used.add(account)
        if year.ib_known:
            out.append(sie.Balance("IB", index, str(account), opening))
        out.append(sie.Balance("UB", index, str(account), closing))
    return out


def _voucher(v: VoucherState) -> sie.Voucher:
    rows = []
    for r in v.rows:
        objects: list[tuple[int, str]] = []
        if r.cost_center:
            objects.append((1, r.cost_center))
        if r.project:
            objects.append((6, r.project))
        amount: Decimal = r.amount
        rows.append(
            sie.Row(
                str(r.account),
                amount,
                objects=tuple(objects),
                text=r.text,
                quantity=r.quantity,
                kind="BTRANS" if r.removed else "TRANS",
            )
        )
    return sie.Voucher(
        series=v.series,
        number=str(v.number),
        date=v.date,
        text=v.description,
        reg_date=v.reg_date,
        rows=tuple(rows),
    )


def sie_file(ctx: Ctx, sie_type: int) -> Response:
    """The handler: ``financialyear``, ``fromdate``/``todate`` and ``exportall`` as the
    clients use them; the answer is raw bytes (200, not the spec's 204)."""
    if sie_type not in SIE_TYPES:
        raise Refusal(ctx.error("sie_type"))
    year = select_year(ctx)
    if not year.ib_known and not year.vouchers:
        # a year seeded only from a later file's #RAR -1 balances has no opening balances
        # and no vouchers: no SIE 4 of it would read back whole, so none is made
        raise Refusal(ctx.error("sie_no_books", start=year.start, end=year.end))
    start, end = date_arg(ctx, "fromdate"), date_arg(ctx, "todate")
    flag = ctx.args.get("exportall", "").lower()
    everything = ctx.sie_export_all if flag == "" else flag == "true"
    key: tuple[Any, ...] = (
        ctx.tenant.database_number,
        ctx.tenant.version,
        year.id,
        sie_type,
        start,
        end,
        everything,
        ctx.sie_encoding,
        ctx.today,
    )
    data = ctx.cache.get(key)
    if data is None:
        data = export(
            ctx.tenant,
            year,
            sie_type=sie_type,
            today=ctx.today,
            encoding=ctx.sie_encoding,
            export_all=everything,
            start=start,
            end=end,
        )
        ctx.cache.clear()
        ctx.cache[key] = data
    response = Response(data, content_type="application/octet-stream")
    response.headers["Server"] = "Fortnox"
    return response
