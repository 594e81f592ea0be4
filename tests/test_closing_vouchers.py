"""closing.vouchers on its own: balanced vouchers, debit rows first, öre, numbering."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from closing.vouchers import highest_number, make_voucher, number, transfer
from sie.model import Row, Voucher
from tests.closing_support import dec

DAY = dt.date(2025, 12, 31)


def rows(v: Voucher | None) -> list[tuple[str, Decimal]]:
    assert v is not None
    return [(r.account, r.amount) for r in v.rows]


def test_make_voucher_puts_debits_first_and_drops_zero_rows() -> None:
    v = make_voucher("A", DAY, "Test", [("2512", dec(-5)), ("1930", dec(0)), ("8910", dec(5))])
    assert v is not None and (v.series, v.number, v.date, v.text) == ("A", "", DAY, "Test")
    assert rows(v) == [("8910", dec(5)), ("2512", dec(-5))]


def test_amounts_are_cut_to_ore_and_nothing_left_is_no_voucher() -> None:
    """0.004 is no öre: the voucher would be empty, so there is none."""
    assert make_voucher("A", DAY, "Nothing", [("8910", Decimal("0.004")), ("2512", dec(0))]) is None
    v = make_voucher("A", DAY, "Cut", [("8910", Decimal("10.019")), ("2512", Decimal("-10.019"))])
    assert rows(v) == [("8910", Decimal("10.01")), ("2512", Decimal("-10.01"))]


def test_an_unbalanced_voucher_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="does not balance"):
        make_voucher("A", DAY, "Bad", [("8910", dec(5)), ("2512", dec(-4))])


def test_transfer_turns_for_a_negative_amount() -> None:
    """An överavskrivning dissolved by 44 000: D 2153 / K 8853."""
    up = transfer("A", DAY, "Ökning", "8853", "2153", dec(25_000), "ab")
    assert rows(up) == [("8853", dec(25_000)), ("2153", dec(-25_000))] and up.sign == "ab"  # type: ignore[union-attr]
    down = transfer("A", DAY, "Minskning", "8853", "2153", dec(-44_000))
    assert rows(down) == [("2153", dec(44_000)), ("8853", dec(-44_000))]
    assert transfer("A", DAY, "Noll", "8853", "2153", dec(0)) is None


def test_numbering_continues_each_series() -> None:
    existing = [
        Voucher("A", "7", DAY, rows=()),
        Voucher("A", "12", DAY, rows=()),
        Voucher("A", "x3", DAY, rows=()),
        Voucher("B", "2", DAY, rows=()),
    ]
    assert (highest_number(existing, "A"), highest_number(existing, "C")) == (12, 0)
    made = [
        Voucher("A", "", DAY, "a1", rows=(Row("1930", dec(1)), Row("2099", dec(-1)))),
        Voucher("C", "", DAY, "c1", rows=()),
        Voucher("A", "", DAY, "a2", rows=()),
    ]
    assert [(v.series, v.number, v.text) for v in number(made, existing)] == [
        ("A", "13", "a1"),
        ("C", "1", "c1"),
        ("A", "14", "a2"),
    ]
    assert number(made, existing)[0].rows == made[0].rows
