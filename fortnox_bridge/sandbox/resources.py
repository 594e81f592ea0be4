"""Read-only resources: company, settings, financial years, accounts, voucher series,
the locked period and the registers (cost centers, projects, customers, suppliers)."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from fortnox_bridge.sandbox.context import Ctx, Refusal, date_arg, listing, select_year, sort_items
from fortnox_bridge.sandbox.errors import json_response
from fortnox_bridge.sandbox.state import AccountState, FinancialYearState, SeriesState
from sie.amounts import ZERO


def company_information(ctx: Ctx) -> Response:
    c = ctx.tenant.company
    return json_response(
        {
            "CompanyInformation": {
                "Address": c.address,
                "City": c.city,
                "CompanyName": c.name,
                "CountryCode": c.country_code,
                "DatabaseNumber": ctx.tenant.database_number,
                "OrganizationNumber": c.orgnr,
                "VisitAddress": "",
                "VisitCity": "",
                "VisitCountryCode": "",
                "VisitZipCode": "",
                "ZipCode": c.zip_code,
            }
        }
    )


def company_settings(ctx: Ctx) -> Response:
    """``/3/settings/company``: here the spec types ``DatabaseNumber`` as a string."""
    c = ctx.tenant.company
    return json_response(
        {
            "CompanySettings": {
                "Address": c.address,
                "City": c.city,
                "ContactFirstName": c.contact.partition(" ")[0],
                "ContactLastName": c.contact.partition(" ")[2],
                "Country": "Sverige",
                "CountryCode": c.country_code,
                "DatabaseNumber": str(ctx.tenant.database_number),
                "Name": c.name,
                "OrganizationNumber": c.orgnr,
                "Phone1": c.phone,
                "ZipCode": c.zip_code,
            }
        }
    )


def _year(ctx: Ctx, y: FinancialYearState) -> dict[str, Any]:
    return {
        "@url": ctx.url(f"/3/financialyears/{y.id}"),
        "AccountChartType": y.chart_type,
        "AccountingMethod": y.accounting_method,
        "FromDate": y.start.isoformat(),
        "Id": y.id,
        "ToDate": y.end.isoformat(),
    }


def financial_years(ctx: Ctx) -> Response:
    day = date_arg(ctx, "date")
    years = [y for y in ctx.tenant.years if day is None or y.contains(day)]
    return listing(ctx, "FinancialYears", [_year(ctx, y) for y in years])


def financial_year(ctx: Ctx, year_id: int) -> Response:
    year = ctx.tenant.year(year_id)
    if year is None:
        raise Refusal(ctx.error("year_not_found"))
    return json_response({"FinancialYear": _year(ctx, year)})


def _account(ctx: Ctx, year: FinancialYearState, a: AccountState, full: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "@url": ctx.url(f"/3/accounts/{a.number}?financialyear={year.id}"),
        "Active": a.active,
        "BalanceBroughtForward": year.opening.get(a.number, ZERO),
        "CostCenter": "",
        "CostCenterSettings": "ALLOWED",
        "Description": a.description,
        "Number": a.number,
        "Project": "",
        "ProjectSettings": "ALLOWED",
        "SRU": a.sru if a.sru is not None else 0,
        "VATCode": a.vat_code,
        "Year": year.id,
    }
    if full:
        item["BalanceCarriedForward"] = year.closing_balance(a.number, year.movements())
        item["OpeningQuantities"] = []
        item["QuantitySettings"] = "ALLOWED"
        item["QuantityUnit"] = ""
        item["TransactionInformation"] = ""
        item["TransactionInformationSettings"] = "ALLOWED"
    return item


def accounts(ctx: Ctx) -> Response:
    year = select_year(ctx)
    sru = ctx.args.get("sru")
    chosen = [a for a in year.accounts.values() if sru is None or str(a.sru) == sru]
    items = [_account(ctx, year, a, False) for a in sorted(chosen, key=lambda a: a.number)]
    sort_items(ctx, items, {"number": "Number"})
    return listing(ctx, "Accounts", items)


def account(ctx: Ctx, number: int) -> Response:
    year = select_year(ctx)
    found = year.accounts.get(number)
    if found is None:
        raise Refusal(ctx.error("account_not_found"))
    return json_response({"Account": _account(ctx, year, found, True)})


def _series(ctx: Ctx, year: FinancialYearState, s: SeriesState, full: bool) -> dict[str, Any]:
    item: dict[str, Any] = {
        "@url": ctx.url(f"/3/voucherseries/{s.code}?financialyear={year.id}"),
        "Approver": {"Id": 0, "Name": ""},
        "Code": s.code,
        "Description": s.description,
        "Manual": s.manual,
        "Year": year.id,
    }
    if full:
        item["NextVoucherNumber"] = s.next_number
    return item


def voucher_series_list(ctx: Ctx) -> Response:
    year = select_year(ctx)
    items = [_series(ctx, year, s, False) for _, s in sorted(year.series.items())]
    sort_items(ctx, items, {"code": "Code"})
    return listing(ctx, "VoucherSeriesCollection", items)


def voucher_series(ctx: Ctx, code: str) -> Response:
    year = select_year(ctx)
    found = year.series.get(code)
    if found is None:
        raise Refusal(ctx.error("series_not_found"))
    return json_response({"VoucherSeries": _series(ctx, year, found, True)})


def locked_period(ctx: Ctx) -> Response:
    """No lock answers ``EndDate: null`` (the reference leaves "" or null open)."""
    end = ctx.tenant.locked_through
    return json_response({"LockedPeriod": {"EndDate": end.isoformat() if end else None}})


def cost_centers(ctx: Ctx) -> Response:
    items = [
        {
            "@url": ctx.url(f"/3/costcenters/{code}"),
            "Active": True,
            "Code": code,
            "Description": name or code,
            "Note": "",
        }
        for code, name in sorted(ctx.tenant.cost_centers.items())
    ]
    return listing(ctx, "CostCenters", items)


def projects(ctx: Ctx) -> Response:
    items = [
        {
            "@url": ctx.url(f"/3/projects/{number}"),
            "Description": (name or number)[:50],
            "ProjectLeader": "",
            "ProjectNumber": number,
            "Status": "ONGOING",
        }
        for number, name in sorted(ctx.tenant.projects.items())
    ]
    return listing(ctx, "Projects", items)


def customers(ctx: Ctx) -> Response:
    items = [
        {
            "@url": ctx.url(f"/3/customers/{number}"),
            "Address1": "",
            "Address2": "",
            "City": "",
            "CustomerNumber": number,
            "Email": "",
            "Name": name,
            "OrganisationNumber": "",
            "Phone": "",
            "ZipCode": "",
        }
        for number, name in sorted(ctx.tenant.customers.items())
    ]
    return listing(ctx, "Customers", items)


def suppliers(ctx: Ctx) -> Response:
    items = [
        {
            "@url": ctx.url(f"/3/suppliers/{number}"),
            "Active": True,
            "Name": name,
            "OrganisationNumber": "",
            "SupplierNumber": number,
        }
        for number, name in sorted(ctx.tenant.suppliers.items())
    ]
    return listing(ctx, "Suppliers", items)
