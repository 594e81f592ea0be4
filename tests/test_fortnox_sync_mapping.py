"""Closing vouchers ↔ Fortnox JSON, markers and pre-flight: the pure parts of the push."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import closing
import sie
from closing.assets import read_assets
from closing.settings import ClosingSettings
from fortnox_bridge import mapping, markers, preflight
from fortnox_bridge.mapping import VoucherRowValue, VoucherValue
from sie.model import Row, Voucher

DAY = dt.date(2025, 12, 31)
SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.fixture(scope="module")
def norrsken_closing() -> closing.ClosingResult:
    loaded = sie.load(SAMPLES / "norrsken_ab_2025.se")
    assert loaded.model is not None
    assets = read_assets(str(SAMPLES / "norrsken_ab_2025_inventarier.json"))
    return closing.close(loaded.model, ClosingSettings(series="I"), assets)


def _voucher(*rows: tuple[str, str], text: str = "Skatt på årets resultat") -> Voucher:
    return Voucher(
        series="A",
        number="7",
        date=DAY,
        text=text,
        rows=tuple(Row(account=a, amount=Decimal(x)) for a, x in rows),
    )


def test_body_has_debit_credit_and_exact_decimal_text() -> None:
    v = Voucher(
        series="A",
        number="1",
        date=DAY,
        text="Periodiseringsfond 2025",
        rows=(
            Row(account="8811", amount=Decimal("123456789012.10"), objects=((1, "30"), (6, "P1"))),
            Row(account="2125", amount=Decimal("-123456789012.10"), text="avsättning"),
        ),
    )
    body = mapping.to_fortnox(mapping.voucher_value(v, series="I"))
    data = mapping.dumps(body)
    # twelve integer digits survive: a float would have printed 123456789012.1
    assert b'"Debit":123456789012.10' in data
    assert b'"Credit":123456789012.10' in data
    parsed = json.loads(data)["Voucher"]
    assert parsed["VoucherSeries"] == "I"
    assert parsed["TransactionDate"] == "2025-12-31"
    assert parsed["Description"] == "Periodiseringsfond 2025"
    first, second = parsed["VoucherRows"]
    assert (first["Account"], first["CostCenter"], first["Project"]) == (8811, "30", "P1")
    assert json.loads(data, parse_float=Decimal)["Voucher"]["VoucherRows"][0]["Credit"] == 0
    assert second["TransactionInformation"] == "avsättning"
    assert "CostCenter" not in second


def test_float_never_enters_the_body() -> None:
    with pytest.raises(TypeError):
        mapping.dumps({"Debit": 1.5})
    with pytest.raises(ValueError):
        mapping.dumps({"Debit": Decimal("1.005")})  # would need rounding


def test_fortnox_answer_back_to_values_skips_removed_rows() -> None:
    answer = mapping.loads(
        b'{"Voucher":{"VoucherSeries":"I","VoucherNumber":3,"Year":2,'
        b'"TransactionDate":"2025-12-31","Description":"x","Comments":"c",'
        b'"VoucherRows":[{"Account":1930,"Debit":0,"Credit":10.5,"Removed":false},'
        b'{"Account":1510,"Debit":99,"Credit":0,"Removed":true},'
        b'{"Account":6071,"Debit":"10.50","Credit":0,"Project":"P1"}]}}'
    )
    value = mapping.from_fortnox(answer)
    assert (value.series, value.number, value.year, value.comments) == ("I", 3, 2, "c")
    assert [(r.account, r.amount, r.project) for r in value.rows] == [
        ("1930", Decimal("-10.50"), ""),
        ("6071", Decimal("10.50"), "P1"),
    ]
    with pytest.raises(mapping.MappingError):
        mapping.from_fortnox({"Voucher": {"VoucherSeries": "I"}})
    with pytest.raises(mapping.MappingError):
        mapping.from_fortnox(
            {"VoucherSeries": "I", "TransactionDate": "2025-12-31", "VoucherRows": [{"Debit": "x"}]}
        )


amounts = st.decimals(
    min_value=Decimal("-999999999999999.99"),
    max_value=Decimal("999999999999999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
).filter(lambda d: d != 0)
texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(1000, 9999).map(str),
            amounts,
            st.sampled_from(["", "30", "Ö1"]),
            st.sampled_from(["", "P2503"]),
            texts,
        ),
        min_size=1,
        max_size=6,
    ),
    text=texts,
)
def test_round_trip_through_json_is_exact(
    rows: list[tuple[str, Decimal, str, str, str]], text: str
) -> None:
    value = VoucherValue(
        series="I",
        date=DAY,
        description=text,
        rows=tuple(VoucherRowValue(a, x, c, p, t) for a, x, c, p, t in rows),
    )
    back = mapping.from_fortnox(mapping.loads(mapping.dumps(mapping.to_fortnox(value))))
    assert back.content == value.content
    assert mapping.total(back.rows) == mapping.total(value.rows)


def test_sample_closing_maps_without_loss(norrsken_closing: closing.ClosingResult) -> None:
    assert norrsken_closing.vouchers
    for v in norrsken_closing.vouchers:
        value = mapping.voucher_value(v, series="I")
        assert mapping.total(value.rows) == 0 == v.balance
        assert mapping.to_sie(value).rows == tuple(
            Row(account=r.account, amount=r.amount, objects=r.objects, text=r.text) for r in v.trans
        )


# ----------------------------------------------------------------------------- markers


def _closing(**changes: object) -> markers.Closing:
    base = {
        "tenant": "4711",
        "financial_year": 3,
        "orgnr": "5567423180",
        "date": DAY,
        "series": "I",
    }
    base.update(changes)
    return markers.Closing(**base)  # type: ignore[arg-type]


def test_marker_names_the_slot_and_fingerprint_the_content() -> None:
    one = mapping.voucher_value(_voucher(("8910", "100.00"), ("2512", "-100.00")), series="I")
    other = mapping.voucher_value(_voucher(("8910", "120.00"), ("2512", "-120.00")), series="I")
    [a] = markers.mark(_closing(), [one])
    [b] = markers.mark(_closing(), [other])
    assert a.marker == b.marker  # same slot of the same closing
    assert a.content != b.content  # other amounts: a conflict, not a new voucher
    assert markers.marker_of(a.value.description) == a.marker
    assert markers.strip_marker(a.value.description) == "Skatt på årets resultat"
    fp = markers.fingerprint_of(a.value.comments)
    assert fp is not None and (fp.marker, fp.content) == (a.marker, a.content)
    assert len(a.value.description) == len(one.description) + markers.MARKER_LENGTH
    for change in ({"tenant": "4712"}, {"financial_year": 4}, {"series": "A"}, {"revision": 2}):
        [c] = markers.mark(_closing(**change), [one])
        assert c.marker != a.marker


def test_repeated_texts_get_distinct_markers() -> None:
    v = mapping.voucher_value(_voucher(("8910", "1.00"), ("2512", "-1.00")), series="I")
    a, b = markers.mark(_closing(), [v, v])
    assert a.marker != b.marker


# ----------------------------------------------------------------------------- pre-flight


def _books(**changes: object) -> preflight.Books:
    base: dict[str, object] = {
        "year": (3, dt.date(2025, 1, 1), DAY),
        "series": {"I": True, "B": False},
        "accounts": {"8910": True, "2512": True, "8999": True, "2099": False},
        "locked_until": None,
    }
    base.update(changes)
    return preflight.Books(**base)  # type: ignore[arg-type]


def _values(*vouchers: Voucher, series: str = "I") -> list[VoucherValue]:
    return [mapping.voucher_value(v, series=series) for v in vouchers]


def test_clean_vouchers_pass() -> None:
    assert preflight.check(_values(_voucher(("8910", "5.00"), ("2512", "-5.00"))), _books()) == []


def test_every_problem_is_reported_at_once_per_voucher_and_row() -> None:
    vouchers = _values(
        _voucher(("8910", "5.00"), ("2512", "-5.00")),
        _voucher(("8999", "7.00"), ("2099", "-7.00"), text="Årets resultat"),
        _voucher(("8910", "5.00"), ("1234", "-4.00"), ("9", "-1.00"), text="x" * 201),
    )
    problems = preflight.check(vouchers, _books())
    found = {(p.code, p.voucher, p.row) for p in problems}
    assert ("fortnox-account-inactive", 2, 2) in found
    assert ("fortnox-account-missing", 3, 2) in found
    assert ("fortnox-account-invalid", 3, 3) in found
    assert ("fortnox-text-length", 3, None) in found
    assert all(p.voucher != 1 for p in problems)
    assert preflight.has_errors(problems)
    assert "row 2" in str(next(p for p in problems if p.code == "fortnox-account-inactive"))


def test_unbalanced_empty_text_and_long_row_text() -> None:
    bad = VoucherValue(
        series="I",
        date=DAY,
        description="",
        rows=(
            VoucherRowValue("8910", Decimal("5.00"), text="r" * 101),
            VoucherRowValue("2512", Decimal("-4.00")),
        ),
    )
    codes = {(p.code, p.row) for p in preflight.check([bad], _books())}
    assert {("fortnox-unbalanced", None), ("fortnox-text-length", None)} <= codes
    assert ("fortnox-text-length", 1) in codes


def test_year_and_series_refusals() -> None:
    v = _values(_voucher(("8910", "5.00"), ("2512", "-5.00")))
    assert [p.code for p in preflight.check(v, _books(year=None))] == ["fortnox-no-year"]
    assert "fortnox-series-missing" in {
        p.code
        for p in preflight.check(
            _values(_voucher(("8910", "5"), ("2512", "-5")), series="Q"), _books()
        )
    }
    not_manual = preflight.check(
        _values(_voucher(("8910", "5"), ("2512", "-5")), series="B"), _books()
    )
    assert [p.code for p in not_manual] == ["fortnox-series-not-manual"]


def test_locked_period_is_a_warning() -> None:
    problems = preflight.check(
        _values(_voucher(("8910", "5.00"), ("2512", "-5.00"))), _books(locked_until=DAY)
    )
    assert [(p.code, p.severity) for p in problems] == [("fortnox-locked-period", "warning")]
    assert not preflight.has_errors(problems)


def test_objects_of_other_dimensions_are_refused_per_row() -> None:
    v = Voucher(
        series="A",
        number="1",
        date=DAY,
        text="x",
        rows=(
            Row(account="8910", amount=Decimal("1.00"), objects=((1, "30"), (6, "P1"))),
            Row(account="2512", amount=Decimal("-1.00"), objects=((8, "K104"),)),
        ),
    )
    [problem] = preflight.unmapped([v])
    assert (problem.code, problem.voucher, problem.row) == ("fortnox-dimension", 1, 2)
    assert "K104" in problem.message and "dimension 8" in problem.message
