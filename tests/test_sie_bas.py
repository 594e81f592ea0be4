"""sie.bas and sie.dates: the one home for BAS account knowledge and year spans."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from closing.settings import AccountRange
from sie import bas, dates
from sie.model import FinancialYear
from sie.validation import account_kind


@pytest.mark.parametrize(
    ("account", "ktyp", "kind"),
    [
        ("1930", "", "balance"),
        ("2099", "", "balance"),
        ("3001", "", "result"),
        ("8999", "", "result"),
        ("15101", "", "balance"),  # a sub-account belongs to its four-digit parent
        ("9999", "", None),  # class 9: internal accounting, not placed by BAS
        ("0100", "", None),  # class 0 does not exist
        ("DIFF", "", None),
        ("193", "", None),  # too short
        ("١٩٣٠", "", None),  # Arabic-Indic digits are no BAS account
        ("9999", "K", "result"),  # #KTYP decides first …
        ("3001", "T", "balance"),  # … even against the class
        ("1930", "I", "result"),
        ("DIFF", "S", "balance"),
    ],
)
def test_kind_ktyp_first_then_class(account: str, ktyp: str, kind: str | None) -> None:
    assert bas.kind(account, ktyp) == kind
    assert bas.is_result(account, ktyp) == (kind == "result")
    assert bas.is_balance(account, ktyp) == (kind == "balance")


def test_accounts_bas_does_not_place_go_where_the_files_records_put_them() -> None:
    assert bas.kind_from_records("9999") == "result"
    assert bas.kind_from_records("9999", has_balance_record=True) == "balance"
    assert bas.kind_from_records("DIFF", has_balance_record=True) == "balance"
    assert bas.kind_from_records("3001", has_balance_record=True) == "result"  # BAS wins


def test_classes_titles_and_ranges() -> None:
    assert [bas.account_class(a) for a in ("1930", "2099", "8999", "9999", "DIFF")] == [
        1,
        2,
        8,
        9,
        0,
    ]
    assert [bas.is_bas_class(k) for k in (0, 1, 8, 9)] == [False, True, True, False]
    assert bas.class_title(1) == "Tillgångar" and bas.class_title(9) == bas.OTHER_TITLE
    assert bas.in_range("87991", *bas.OPERATING) and not bas.in_range("8800", *bas.OPERATING)
    assert not bas.in_range("DIFF", "0000", "9999")
    assert sorted(["DIFF", "3001", "1930"], key=bas.sort_key) == ["1930", "3001", "DIFF"]
    # The closing's ranges are built from these.
    assert (str(AccountRange(*bas.OPERATING)), "15101" in AccountRange("1510", "1519")) == (
        "3000–8799",
        True,
    )


@given(st.text(max_size=8))
def test_validation_asks_bas(account: str) -> None:
    assert account_kind(account) == bas.kind(account)


def test_year_spans_as_text_and_json() -> None:
    broken = FinancialYear(0, dt.date(2024, 7, 1), dt.date(2025, 6, 30))
    open_end = FinancialYear(0, dt.date(2025, 1, 1), None)
    assert dates.span_text(broken) == "2024-07-01 – 2025-06-30"
    assert dates.span_text(open_end) == "2025-01-01 – ?" and dates.span_text(None) == "?"
    assert dates.span_json(broken) == {"start": "2024-07-01", "end": "2025-06-30"}
    assert dates.span_json(None) == {"start": None, "end": None}
    assert dates.year_label(dt.date(2024, 7, 1), dt.date(2025, 6, 30)) == "2024/2025"
    assert dates.months(dt.date(2024, 7, 1), dt.date(2025, 12, 31)) == 18
    assert dates.start_of(FinancialYear(0, None, dt.date(2025, 2, 28))) == dt.date(2024, 3, 1)
    with pytest.raises(ValueError, match="no start"):
        dates.start_of(FinancialYear(0, None, None))
