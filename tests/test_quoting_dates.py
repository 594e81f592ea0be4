"""sie.quoting and sie.dates' SIE fields: the one home of each, read back what they write."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sie import dates, quoting
from sie.syntax import parse_line, parse_line_lark

# Texts as a field may hold them: no line end (a line end is never part of a field).
texts = st.text(st.characters(exclude_characters="\r\n", exclude_categories=["Cs"]))


@given(texts.filter(lambda t: not t.endswith("\\")))
def test_a_quoted_text_reads_back_whole(text: str) -> None:
    quoted = quoting.quote(text)
    assert quoting.unquote(quoted) == (text, True)
    assert quoting.content(quoted) == text
    record = parse_line_lark(f"#FNAMN {quoted}")
    assert record == parse_line(f"#FNAMN {quoted}")
    assert record is not None and not isinstance(record, str)
    assert record.fields == (text,) and not record.unterminated


def test_a_text_ending_in_a_backslash_cannot_be_quoted_losslessly() -> None:
    assert quoting.unquote(quoting.quote("C:\\")) == ('C:"', False)


@given(texts)
def test_a_bare_text_reads_back_as_itself(text: str) -> None:
    if quoting.is_bare(text):
        assert quoting.content(text) == text
        assert parse_line_lark(f"#FNAMN {text}") == parse_line(f"#FNAMN {text}")


def test_contents_stop_at_an_absent_field_and_tell_an_open_quote() -> None:
    assert quoting.contents(['"a b"', "c", None, "d"]) == (["a b", "c"], False)
    assert quoting.contents(['"a', None]) == (["a"], True)
    assert quoting.contents([]) == ([], False)


@given(st.dates())
def test_a_sie_date_reads_back(day: dt.date) -> None:
    text = dates.to_sie(day)
    assert len(text) == 8 and dates.is_sie_date(text)
    assert dates.from_sie(text) == day


@pytest.mark.parametrize(
    "text", ["2025-01-01", "2025011", "20251301", "20250230", "２０２５０１０１"]
)
def test_what_is_not_a_sie_date(text: str) -> None:
    with pytest.raises(ValueError):
        dates.from_sie(text)
