"""The model's record types behave as values: what they compare on, how a changed copy
is made, and the memory layout the reader relies on for large files."""

from __future__ import annotations

import gc
import pickle
from decimal import Decimal

import pytest

import sie
from sie import gcpause
from sie.model import Balance, ObjectBalance, PeriodBalance, Row, Voucher
from tests.conftest import SAMPLES


def test_a_row_compares_and_hashes_without_its_line() -> None:
    a = Row("1930", Decimal("1.00"), line=3)
    b = Row("1930", Decimal("1.00"), line=5)
    assert a == b and (a != b) is False and hash(a) == hash(b)
    assert a != Row("1930", Decimal("2.00"), line=3)
    assert len({a, b}) == 1


def test_a_row_never_equals_a_plain_tuple_of_its_fields() -> None:
    row = Row("1930", Decimal("1.00"))
    assert row != tuple(row) and tuple(row) != row
    assert not row == tuple(row)  # noqa: SIM201 (the == operator itself is what is tested)


def test_row_line_is_a_field_for_construction_and_replace() -> None:
    row = Row("1930", Decimal("1"), text="Kaffe", line=7)
    assert row.line == 7
    moved = row._replace(line=12)
    assert moved.line == 12 and moved.text == "Kaffe" and type(moved) is Row
    assert row._replace(text="Te").line == 7
    assert pickle.loads(pickle.dumps(row)).line == 7
    assert repr(row).endswith("added=False, line=7)") and "line_base" not in repr(row)


def test_a_voucher_compares_without_line_and_source_fields() -> None:
    day = sie.read(SAMPLES / "norrsken_ab_2025.se").model.vouchers[0].date
    v = Voucher("A", "1", day, "Text", line=4)
    w = v._replace(line=40, source_series="", source_number="")
    assert v == w and hash(v) == hash(w)
    assert v != v._replace(number="2")
    assert v != tuple(v)


def test_rows_read_share_their_vouchers_line_object() -> None:
    """The memory layout the reader promises: a row holds the voucher's line object and
    a small offset, no int of its own, and ``line`` is still the row's own line."""
    model = sie.read(SAMPLES / "norrsken_ab_2025.se").model
    text = (SAMPLES / "norrsken_ab_2025.se").read_bytes().decode("cp437").splitlines()
    shared = 0
    for v in model.vouchers:
        for row in v.rows:
            assert text[row.line - 1].lstrip().startswith("#TRANS")
            shared += row.line_base is v.line
    assert shared == sum(len(v.rows) for v in model.vouchers)


def test_object_and_period_balances_are_balances_with_keyword_keys() -> None:
    ob = ObjectBalance("OUB", 0, "1510", Decimal("5"), object=(1, "10"))
    pb = PeriodBalance("PSALDO", 0, "3010", Decimal("-7"), period=(2025, 3))
    assert isinstance(ob, Balance) and isinstance(pb, Balance)
    assert pb.object is None and pb.period == (2025, 3)
    assert ob != Balance("OUB", 0, "1510", Decimal("5"))
    with pytest.raises(TypeError):
        ObjectBalance("OUB", 0, "1510", Decimal("5"))  # type: ignore[call-arg]


def test_collection_is_paused_and_then_resumed_as_it_was() -> None:
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        made = [[i] for i in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0  # nothing is left frozen
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()  # a caller's own choice is kept
    finally:
        gc.enable()
    assert len(made) == 1000
