"""The inventarier (assets) file: what a user knows about the company's inventarier
for räkenskapsenlig avskrivning, as a small JSON file next to the SIE file.

The ledger holds the book value, but not the tax value at the start of the year nor
what was bought in each of the last four years; those come from here. The format is
documented in :data:`ASSETS_HELP` (shown by ``bokslut close --help``) and
``samples/norrsken_ab_2025_inventarier.json`` is an example. Every mistake is an
:class:`AssetsError` naming the file, the key and what to write instead; amounts get
the range check of :mod:`sie.amounts`, and JSON numbers are read as ``Decimal``,
never as floats.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from closing.appropriations import AssetInputs
from sie import amounts

#: Keys the file may hold; ``comment`` is free text for the reader and is ignored.
KEYS = ("opening_tax_value", "acquisitions", "disposals", "book_value", "comment")

ASSETS_HELP = """\
The --assets file is JSON describing the inventarier for överavskrivningar
(räkenskapsenlig avskrivning); every key is optional, amounts are strings
(or numbers) in kronor, zero or more:

  {
    "opening_tax_value": "172000.00",
    "acquisitions": {"2025": "134500.00", "2024": "100000.00",
                     "2023": "120000.00", "2022": "60000.00"},
    "disposals": "0.00",
    "book_value": null,
    "comment": "free text, ignored"
  }

opening_tax_value: the tax value at the start of the year (default: book value
  of the inventarier accounts minus accumulated överavskrivningar).
acquisitions: cost of inventarier bought each year and still held; this year's
  feeds the 30-rule, this year's and the three before it the 20-rule (which is
  only computed when all four years are given, zero allowed).
disposals: compensation received for inventarier sold this year.
book_value: book value at year end (default: UB of the inventarier accounts).
"""


class AssetsError(ValueError):
    """A mistake in the assets file: ``file``, the ``key`` it is at ("" for the whole
    file) and ``message``, which says what is wrong and what to write instead."""

    def __init__(self, file: str, key: str, message: str) -> None:
        self.file = file
        self.key = key
        self.message = message
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {message}")


def _shown(value: object) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= 40 else text[:39] + "…"


def _amount(value: object, file: str, key: str) -> Decimal:
    """A non-negative amount in kronor from a JSON string or number."""
    example = 'an amount in kronor such as "134500.00"'
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise AssetsError(file, key, f"must be {example}, not {_shown(value)}")
    try:
        if isinstance(value, int | Decimal):
            amount = amounts.check_range(Decimal(value))
        else:
            amount = amounts.validate(str(value))
    except amounts.InvalidAmount as exc:
        raise AssetsError(file, key, f"must be {example}: {exc}") from None
    if amount < 0:
        raise AssetsError(file, key, f"must be zero or more, not {value}; give it without a sign")
    return amount


def parse_assets(data: object, file: str = "assets file") -> AssetInputs:
    """The inventarier inputs from parsed JSON (format in :data:`ASSETS_HELP`)."""
    if not isinstance(data, Mapping):
        raise AssetsError(file, "", "expected a JSON object {...}; see bokslut close --help")
    unknown = sorted(str(k) for k in set(data) - set(KEYS))
    if unknown:
        raise AssetsError(
            file,
            unknown[0],
            f"unknown key(s) {', '.join(unknown)}; the keys are {', '.join(KEYS)}",
        )
    raw = data.get("acquisitions")
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise AssetsError(
            file, "acquisitions", 'must map years to amounts, e.g. {"2025": "134500.00"}'
        )
    acquisitions: dict[int, Decimal] = {}
    for year, value in raw.items():
        key = f"acquisitions.{year}"
        if not (isinstance(year, str) and year.isdigit() and len(year) == 4):
            raise AssetsError(file, key, f'{year!r} is not a year; write it like "2025"')
        acquisitions[int(year)] = _amount(value, file, key)

    def optional(key: str) -> Decimal | None:
        value = data.get(key)
        return None if value is None else _amount(value, file, key)

    return AssetInputs(
        opening_tax_value=optional("opening_tax_value"),
        acquisitions=acquisitions,
        disposals=optional("disposals") or Decimal("0"),
        book_value=optional("book_value"),
    )


def read_assets(path: str | os.PathLike[str]) -> AssetInputs:
    """Read and parse the assets file at ``path``; :class:`AssetsError` says what is wrong."""
    file = str(path)
    if not file.strip():
        raise AssetsError(file, "", "no file name was given (an empty name); give the JSON file")
    if Path(path).is_dir():
        raise AssetsError(file, "", "is a folder; give the assets JSON file in it")
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise AssetsError(file, "", "no such file; check the path given to --assets") from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise AssetsError(file, "", f"cannot be read ({reason}); check the permissions") from None
    except UnicodeDecodeError:
        raise AssetsError(file, "", "is not UTF-8 text; save it as UTF-8 JSON") from None
    try:
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as exc:
        raise AssetsError(
            file, "", f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise AssetsError(file, "", "is nested too deeply to be the assets format") from None
    return parse_assets(data, file)


__all__ = ["ASSETS_HELP", "KEYS", "AssetsError", "parse_assets", "read_assets"]
