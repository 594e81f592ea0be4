"""closing.rates on its own: the tax-year tables, the schablon floor, uppräkning,
rounding helpers and the default tax adjustments as data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from closing.rates import (
    DEFAULT_ADJUSTMENTS,
    INK2S_FIELDS,
    RATES,
    floor_to,
    for_year,
    truncate_to,
)


def test_tables_per_tax_year() -> None:
    assert sorted(RATES) == [2024, 2025, 2026] and for_year(2023) is None
    assert [RATES[y].schablon_rate for y in (2024, 2025, 2026)] == [
        Decimal("0.0262"),
        Decimal("0.0196"),
        Decimal("0.0255"),
    ]
    assert all(r.income_tax_rate == Decimal("0.206") and r.year == y for y, r in RATES.items())
    assert for_year(2025) is RATES[2025]


def test_schablon_rate_has_a_floor() -> None:
    low = attrs.evolve(RATES[2025], schablon_rate=Decimal("0.001"))
    assert low.effective_schablon_rate() == Decimal("0.005")
    assert RATES[2025].effective_schablon_rate() == Decimal("0.0196")


@pytest.mark.parametrize(
    ("fund_start", "current_start", "factor"),
    [
        (dt.date(2018, 1, 1), dt.date(2024, 1, 1), "1.06"),  # before 2019: 106 %
        (dt.date(2019, 1, 1), dt.date(2025, 1, 1), "1.04"),  # 2019: 104 %
        (dt.date(2020, 7, 1), dt.date(2025, 7, 1), "1.04"),  # started in 2020: 104 %
        (dt.date(2021, 1, 1), dt.date(2025, 1, 1), "1"),  # at 20.6 %: none
        (dt.date(2018, 1, 1), dt.date(2020, 1, 1), "1"),  # reversed before 2021: none
    ],
)
def test_upprakning_factor(fund_start: dt.date, current_start: dt.date, factor: str) -> None:
    assert RATES[2025].upprakning_factor(fund_start, current_start) == Decimal(factor)


def test_rounding_helpers() -> None:
    assert floor_to(Decimal("5099.99"), Decimal(10)) == Decimal("5090.00")
    assert floor_to(Decimal("-5091"), Decimal(10)) == Decimal("-5100.00")
    assert truncate_to(Decimal("-5099"), Decimal(10)) == Decimal("-5090.00")
    assert floor_to(Decimal("1048.54"), Decimal(1)) == Decimal("1048.00")


def test_default_adjustments_follow_the_bas_names() -> None:
    must = {"6072", "6342", "6982", "6992", "6993", "7622", "7623", "7632", "8423"}
    assert {a for a, f in DEFAULT_ADJUSTMENTS.items() if f == "4.3c"} >= must
    assert {DEFAULT_ADJUSTMENTS[a] for a in ("8314", "8080", "8180", "8280")} == {"4.5c"}
    assert {DEFAULT_ADJUSTMENTS[a] for a in ("8070", "8170", "8270")} == {"4.3b"}
    assert {DEFAULT_ADJUSTMENTS[a] for a in ("8012", "8112", "8212")} == {"4.5b"}
    # Every field used has a title, and every account is a four-digit result account.
    assert set(DEFAULT_ADJUSTMENTS.values()) <= set(INK2S_FIELDS)
    assert all(len(a) == 4 and a[0] in "345678" for a in DEFAULT_ADJUSTMENTS)
