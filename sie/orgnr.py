"""Swedish organisation numbers and personnummer, as written in ``#ORGNR``.

Same face as python-stdnum's identifier modules: :func:`compact`, :func:`validate`
(raises an :class:`InvalidOrgnr` that says why), :func:`is_valid`, :func:`format`,
plus :func:`kind`. A sole trader (enskild firma) reports under the owner's
personnummer, so both kinds are valid in a SIE file.

Rules (Skatteverket/Bolagsverket): ten digits ``NNNNNN-NNNN`` whose last digit is
a Luhn check digit over the first nine. An organisation number has 20 or more in
digits 3–4 (the "month" position); a personnummer has a month 01–12 and a day
01–31, or 61–91 for a samordningsnummer (day + 60). The twelve-digit forms put
``16`` (companies) or the century (people) in front; a ``+`` instead of the
hyphen marks a person aged 100 or more.
"""

from __future__ import annotations

from typing import Literal

from sie.stdnum import is_valid_for

Kind = Literal["company", "person"]

#: Twelve-digit prefixes and the kind they announce.
_PREFIXES: dict[str, Kind] = {"16": "company", "18": "person", "19": "person", "20": "person"}
#: Characters people put between digit groups; dropped by :func:`compact`.
_SEPARATORS = " \t-+\"'"
_DIGITS = frozenset("0123456789")
#: The "month" position of an organisation number is at least this.
_COMPANY_MIN_MONTH = 20
#: Days per month for a personnummer (29 for February: the century is unknown).
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
#: Samordningsnummer add this to the day of birth.
_COORDINATION_OFFSET = 60


class InvalidOrgnr(ValueError):
    """The value is not a valid organisation number or personnummer."""

    reason = "invalid"

    def __init__(self, value: str, detail: str) -> None:
        super().__init__(f"{value!r}: {detail}")
        self.value = value
        self.detail = detail


class InvalidFormat(InvalidOrgnr):
    """Characters other than digits and separators."""

    reason = "bad format"


class InvalidLength(InvalidOrgnr):
    """Not 10 digits (or 12 with a known prefix)."""

    reason = "bad length"


class InvalidChecksum(InvalidOrgnr):
    """The Luhn check digit does not match."""

    reason = "bad check digit"


class InvalidComponent(InvalidOrgnr):
    """Neither an organisation number nor a plausible date of birth (e.g. ``000000-0000``)."""

    reason = "bad format"


def compact(s: str) -> str:
    """Digits only, ten of them when the input was a known twelve-digit form.

    Does not validate: anything that is not a separator is kept, so
    :func:`validate` can say what is wrong with it.
    """
    digits = "".join(ch for ch in s.strip() if ch not in _SEPARATORS)
    if len(digits) == 12 and digits[:2] in _PREFIXES and digits.isdigit():
        return digits[2:]
    return digits


def luhn_digit(nine: str) -> str:
    """The check digit for nine digits (weights 2,1,2,1,… from the left)."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return str((10 - total % 10) % 10)


def _kind_of(number: str) -> Kind | None:
    month, day = int(number[2:4]), int(number[4:6])
    if month >= _COMPANY_MIN_MONTH:
        return "company"
    if 1 <= month <= 12:
        if day > _COORDINATION_OFFSET:
            day -= _COORDINATION_OFFSET
        if 1 <= day <= _MONTH_DAYS[month - 1]:
            return "person"
    return None


def validate(s: str) -> str:
    """The compact ten-digit number, or raise an :class:`InvalidOrgnr` subclass."""
    raw = s
    number = compact(s)
    if any(ch not in _DIGITS for ch in number):
        raise InvalidFormat(raw, "only digits and a hyphen are allowed")
    if len(number) != 10:
        detail = f"{len(number)} digits, an organisation number has 10 (or 12 with 16/century)"
        raise InvalidLength(raw, detail)
    found = _kind_of(number)
    if found is None:
        raise InvalidComponent(raw, "neither an organisation number nor a valid date of birth")
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) == 12 and _PREFIXES.get(digits[:2]) not in (None, found):
        raise InvalidComponent(raw, f"the prefix {digits[:2]} does not fit a {found} number")
    if luhn_digit(number[:9]) != number[9]:
        raise InvalidChecksum(raw, f"check digit should be {luhn_digit(number[:9])}")
    return number


is_valid = is_valid_for(validate, InvalidOrgnr)


def format(s: str) -> str:
    """``NNNNNN-NNNN``, the form the SIE spec asks for in ``#ORGNR``."""
    number = validate(s)
    return f"{number[:6]}-{number[6:]}"


def kind(s: str) -> Kind:
    """``"company"`` for an organisation number, ``"person"`` for a personnummer."""
    found = _kind_of(validate(s))
    assert found is not None  # validate() rejects the rest
    return found


def is_placeholder(s: str) -> bool:
    """All zeros (``000000-0000``): programs write it when no number is known."""
    number = compact(s)
    return bool(number) and set(number) == {"0"}


__all__ = [
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "InvalidOrgnr",
    "Kind",
    "compact",
    "format",
    "is_placeholder",
    "is_valid",
    "kind",
    "luhn_digit",
    "validate",
]
