"""Amounts of money: the one home for their range, parsing, rounding and formatting.

The face is python-stdnum's: ``compact``, ``validate`` (raises :class:`InvalidAmount`),
``is_valid``, ``format``; plus ``cents`` and ``to_json`` that every package calls.

The range is the point. An amount has at most :data:`MAX_INTEGER_DIGITS` (15) digits
before the decimal point and at most :data:`MAX_DECIMALS` (6) after it, so a single
amount has at most 21 significant digits. Summing a million such amounts needs at most
28 digits; :data:`MONEY_CONTEXT` keeps 40 and traps inexact results, so no sum of a
file's amounts is ever rounded, and one that would be raises instead. 15 integer digits (just under
10¹⁵ kronor) is far beyond any Swedish company's books and within what spreadsheet
cells and Fortnox hold exactly.
"""

from __future__ import annotations

import decimal
import functools
from collections.abc import Callable, Iterable
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import ParamSpec, TypeVar

from sie.stdnum import is_valid_for

_P = ParamSpec("_P")
_R = TypeVar("_R")

#: Digits before the decimal point an amount may have.
MAX_INTEGER_DIGITS = 15
#: Digits after the decimal point an amount may have (SIE allows more than öre).
MAX_DECIMALS = 6
#: The largest magnitude an amount may have (exclusive).
LIMIT = Decimal(10) ** MAX_INTEGER_DIGITS
#: Precision that holds any sum of up to a million in-range amounts exactly; ``Inexact``
#: is trapped, so a sum that would round raises instead of silently losing öre.
MONEY_CONTEXT = decimal.Context(prec=40, traps=[InvalidOperation, decimal.Inexact])

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
KRONA = Decimal("1")

RANGE_TEXT = (
    f"at most {MAX_INTEGER_DIGITS} digits before the decimal point and {MAX_DECIMALS} after it"
)


class InvalidAmount(ValueError):
    """The text is not an amount, or the amount is out of range; ``str()`` says which."""


def compact(text: str) -> str:
    """The text without grouping spaces (also no-break and thin), a decimal comma made a point."""
    cleaned = text.strip()
    for space in (" ", "\u00a0", "\u202f", "\u2009"):
        cleaned = cleaned.replace(space, "")
    return cleaned.replace(",", ".")


def check_range(value: Decimal) -> Decimal:
    """``value`` when it is finite and within the documented range, else :class:`InvalidAmount`."""
    if not value.is_finite():
        raise InvalidAmount(f"{value} is not a finite amount")
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    decimals = max(0, -exponent)
    integer_digits = max(0, len(digits) + exponent)
    if integer_digits > MAX_INTEGER_DIGITS or abs(value) >= LIMIT:
        raise InvalidAmount(f"amount out of range: {RANGE_TEXT} are allowed")
    if decimals > MAX_DECIMALS and value != value.quantize(Decimal(1).scaleb(-MAX_DECIMALS)):
        raise InvalidAmount(f"amount has too many decimals: {RANGE_TEXT} are allowed")
    return value


def check_ore(value: Decimal) -> Decimal:
    """``value`` when it is whole öre (kronor with at most two decimals; ``1.230`` is
    fine), else :class:`InvalidAmount`: an amount a user chooses is never cut to öre."""
    check_range(value)
    if value != value.quantize(CENT):
        raise InvalidAmount(f"{value} has more than two decimals (kronor and öre only)")
    return value


def validate(text: str) -> Decimal:
    """Parse an amount as a user types it (``-12 771,50``; ``1e3`` is refused), range-checked."""
    cleaned = compact(text)
    if not cleaned or any(c not in "0123456789.+-" for c in cleaned) or cleaned.count(".") > 1:
        raise InvalidAmount(f"{text!r} is not an amount like -1234.50")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidAmount(f"{text!r} is not an amount like -1234.50") from None
    return check_range(value)


is_valid = is_valid_for(validate, InvalidAmount)


def total(values: Iterable[Decimal], start: Decimal = ZERO) -> Decimal:
    """The exact sum of ``values`` (see :data:`MONEY_CONTEXT`); never silently rounded."""
    with decimal.localcontext(MONEY_CONTEXT):
        return sum(values, start)


def exact(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` in :data:`MONEY_CONTEXT`, so the sums it makes of in-range amounts
    are exact, and one that could not be raises ``decimal.Inexact`` instead of losing öre."""

    @functools.wraps(function)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with decimal.localcontext(MONEY_CONTEXT):
            return function(*args, **kwargs)

    return run


def cents(value: Decimal) -> Decimal:
    """Öre precision, dropping fractions of an öre (never rounding up an amount owed)."""
    return value.quantize(CENT, rounding=ROUND_DOWN)


def format_kronor(value: int | Decimal) -> str:
    """Whole kronor with Swedish grouping, as forms carry them: ``-1 474 160`` (öre are
    dropped towards zero, as the forms drop them)."""
    return f"{int(value):,}".replace(",", " ")


def format(value: Decimal, *, decimal_mark: str = ",") -> str:
    """Swedish grouping with a space and two decimals: ``-12 771,00``."""
    text = f"{value.quantize(CENT):,.2f}".replace(",", " ")
    return text.replace(".", decimal_mark)


def to_json(value: Decimal | None) -> str | None:
    """An amount for JSON: a string with two decimals (never a float), ``None`` stays ``None``."""
    return None if value is None else str(value.quantize(CENT))
