"""Organisation numbers and personnummer (sie.orgnr)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sie import orgnr

nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)


def with_check_digit(nine: str) -> str:
    return nine + orgnr.luhn_digit(nine)


# --------------------------------------------------------------------------- known numbers


@pytest.mark.parametrize(
    ("written", "compact", "kind"),
    [
        ("556334-3689", "5563343689", "company"),  # the spec's #ORGNR example
        ("5563343689", "5563343689", "company"),
        ("16556334-3689", "5563343689", "company"),
        ("165563343689", "5563343689", "company"),
        (" 556334-3689 ", "5563343689", "company"),
        ('"556334-3689"', "5563343689", "company"),
        ("202100-5489", "2021005489", "company"),  # a government agency (group 2)
        ("811218-9876", "8112189876", "person"),
        ("19811218-9876", "8112189876", "person"),
        ("121212+1212", "1212121212", "person"),  # + : a person aged 100 or more
        ("701063-2391", "7010632391", "person"),  # samordningsnummer: day 63 = 3 + 60
    ],
)
def test_valid_numbers(written: str, compact: str, kind: str) -> None:
    assert orgnr.compact(written) == compact
    assert orgnr.validate(written) == compact
    assert orgnr.is_valid(written)
    assert orgnr.kind(written) == kind
    assert orgnr.format(written) == f"{compact[:6]}-{compact[6:]}"


@pytest.mark.parametrize(
    ("written", "error", "reason"),
    [
        ("556334-3688", orgnr.InvalidChecksum, "bad check digit"),
        ("55633-3689", orgnr.InvalidLength, "bad length"),
        ("5563343689 1", orgnr.InvalidLength, "bad length"),
        ("12345678901234", orgnr.InvalidLength, "bad length"),
        ("556334-368X", orgnr.InvalidFormat, "bad format"),
        ("", orgnr.InvalidLength, "bad length"),
        ("000000-0000", orgnr.InvalidComponent, "bad format"),  # a placeholder, not a number
        ("811318-9870", orgnr.InvalidComponent, "bad format"),  # month 13
        ("810230-1239", orgnr.InvalidComponent, "bad format"),  # 30 February
        ("16811218-9876", orgnr.InvalidComponent, "bad format"),  # 16 prefix on a person
        ("19556334-3689", orgnr.InvalidComponent, "bad format"),  # century on a company
    ],
)
def test_invalid_numbers(written: str, error: type[orgnr.InvalidOrgnr], reason: str) -> None:
    with pytest.raises(error) as raised:
        orgnr.validate(written)
    assert isinstance(raised.value, ValueError)
    assert raised.value.reason == reason
    assert not orgnr.is_valid(written)
    with pytest.raises(orgnr.InvalidOrgnr):
        orgnr.format(written)


def test_check_digit_message_names_the_right_digit() -> None:
    with pytest.raises(orgnr.InvalidChecksum, match="should be 9"):
        orgnr.validate("556334-3680")


def test_placeholder() -> None:
    assert orgnr.is_placeholder("000000-0000")
    assert orgnr.is_placeholder("0000000000")
    assert not orgnr.is_placeholder("556334-3689")
    assert not orgnr.is_placeholder("")


# --------------------------------------------------------------------------- properties


@given(nine_digits)
def test_luhn_digit_makes_the_sum_divisible_by_ten(nine: str) -> None:
    number = with_check_digit(nine)
    total = 0
    for i, ch in enumerate(number):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    assert total % 10 == 0


@given(
    st.text(alphabet="0123456789", min_size=2, max_size=2),
    st.integers(min_value=20, max_value=99),
    st.text(alphabet="0123456789", min_size=5, max_size=5),
)
def test_any_company_number_with_its_check_digit_is_valid(
    group: str, month: int, rest: str
) -> None:
    number = with_check_digit(f"{group}{month:02d}{rest}")
    assert orgnr.is_valid(number)
    assert orgnr.kind(number) == "company"
    assert orgnr.validate("16" + number) == number
    assert orgnr.format(number) == f"{number[:6]}-{number[6:]}"


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
    st.booleans(),
)
def test_any_personnummer_with_its_check_digit_is_valid(
    born: dt.date, serial: str, coordination: bool
) -> None:
    day = born.day + (60 if coordination else 0)
    number = with_check_digit(f"{born:%y%m}{day:02d}{serial}")
    assert orgnr.kind(number) == "person"
    century = str(born.year)[:2]
    assert orgnr.validate(century + number) == number


@given(nine_digits, st.integers(min_value=0, max_value=9), st.integers(min_value=1, max_value=9))
def test_changing_one_digit_invalidates(nine: str, position: int, shift: int) -> None:
    number = with_check_digit(nine)
    changed = str((int(number[position]) + shift) % 10)
    broken = number[:position] + changed + number[position + 1 :]
    assert not orgnr.is_valid(broken)


@given(nine_digits)
def test_valid_iff_luhn_and_plausible(nine: str) -> None:
    """With the right check digit only the month/day rule can still refuse a number."""
    number = with_check_digit(nine)
    month, day = int(nine[2:4]), int(nine[4:6]) % 60 or 60
    plausible = month >= 20 or (1 <= month <= 12 and 1 <= day <= 31)
    if not plausible:
        assert not orgnr.is_valid(number)
    if month >= 20:
        assert orgnr.is_valid(number)


@given(st.text(max_size=15))
def test_validate_never_raises_anything_else(text: str) -> None:
    try:
        result = orgnr.validate(text)
    except orgnr.InvalidOrgnr:
        return
    assert len(result) == 10 and result.isdigit()
