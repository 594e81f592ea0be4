"""closing.vouchers on its own: balanced vouchers, debit rows first, öre, numbering."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from closing import AssetInputs, close
from closing.settings import ACCOUNT_NAMES
from closing.sie_output import closing_vouchers_file
from closing.vouchers import highest_number, make_voucher, number, transfer
from sie.model import Row, Voucher
from sie.writer import dumps
from tests.closing_support import dec, ledger

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


def test_every_account_the_closing_may_book_has_a_bas_name() -> None:
    bookable = ["8810", "8811", "8819", "8850", "8853", "2150", "2153", "8910", "2512"]
    bookable += ["8999", "2099", *(str(n) for n in range(2110, 2140))]
    assert all(ACCOUNT_NAMES.get(account) for account in bookable)


def test_a_reserve_on_2150_books_8850_with_its_name_when_the_chart_lacks_it() -> None:
    """Reserve 10 000 on 2150: opening tax value 100 000 − 10 000 = 90 000, floor 70 % =
    63 000; book 100 000 − 25 000 = 75 000 → reserve 12 000, +2 000 on 8850/2150."""
    model = ledger(
        2025,
        ib={"1220": 100_000, "2150": -10_000, "1930": 10_000, "2091": -100_000},
        entries=[("Avskrivning", [("7832", 25_000), ("1229", -25_000)])],
    )
    result = close(model, assets=AssetInputs(acquisitions={2025: dec(0)}))
    assert result.overavskrivning_accounts == ("8850", "2150")
    assert result.overavskrivning is not None and result.overavskrivning.change == dec(2_000)
    names = {a.number: a.name for a in result.new_accounts}
    assert names["8850"] == "Förändring av överavskrivningar"
    data, _notes = dumps(closing_vouchers_file(model, result), sie_type="4I")
    assert '#KONTO 8850 "Förändring av överavskrivningar"'.encode("cp437") in data
