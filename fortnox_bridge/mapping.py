"""Closing vouchers ↔ Fortnox voucher JSON, as pure functions.

One home for how a :class:`sie.model.Voucher` becomes the body of
``POST /3/vouchers`` and how a voucher Fortnox answers with becomes values that
compare with ours. Money never passes through ``float``: amounts stay
``Decimal`` in the body and :func:`dumps` writes their text (two decimals) into
the JSON itself; responses are parsed with :func:`loads` (``parse_float=Decimal``).

Sign convention: SIE debit positive, credit negative; Fortnox a ``Debit`` and a
``Credit`` column, one of them zero. Dimension 1 (kostnadsställe) is Fortnox's
``CostCenter``, dimension 6 (projekt) its ``Project``; other dimensions have no
place on a Fortnox voucher row and are reported by :func:`unmapped_objects`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from sie.amounts import CENT, ZERO
from sie.model import Row, Voucher

#: SIE dimension numbers Fortnox voucher rows carry, and the field for each.
DIMENSION_FIELDS: Mapping[int, str] = {1: "CostCenter", 6: "Project"}
#: Fortnox's text limits on a voucher (OpenAPI ``fortnox_Voucher``).
DESCRIPTION_MAX = 200
ROW_TEXT_MAX = 100
COMMENTS_MAX = 1000
#: Account numbers Fortnox accepts.
ACCOUNT_RANGE = range(1000, 10000)


class MappingError(ValueError):
    """A Fortnox voucher that cannot be read as one (missing field, bad amount)."""


@attrs.frozen(slots=True)
class VoucherRowValue:
    """A voucher row as both sides can compare it: SIE sign, two decimals."""

    account: str
    amount: Decimal
    cost_center: str = ""
    project: str = ""
    text: str = ""


@attrs.frozen(slots=True)
class VoucherValue:
    """A Fortnox voucher as comparable values; ``number``/``year`` are Fortnox's
    (``None`` before posting). ``rows`` excludes rows Fortnox marks ``Removed``."""

    series: str
    date: dt.date
    description: str
    rows: tuple[VoucherRowValue, ...]
    comments: str = ""
    number: int | None = None
    year: int | None = None

    @property
    def content(self) -> tuple[object, ...]:
        """What must be equal for two vouchers to be the same posting."""
        return (self.series, self.date, self.description, self.rows)


def money(value: Decimal) -> Decimal:
    """``value`` with exactly two decimals; refuses (``ValueError``) rather than round."""
    quantized = value.quantize(CENT)
    if quantized != value:
        raise ValueError(f"{value} has more than two decimals; Fortnox holds öre only")
    return quantized


def row_value(row: Row) -> VoucherRowValue:
    """A SIE row as a comparable row (objects of unmapped dimensions are left out).

    An amount in whole öre gets two decimals; any other is kept as it is, so the
    pre-flight reports it (``fortnox-amount``) per voucher and row with the rest —
    :func:`dumps` would refuse it anyway."""
    objects = dict(row.objects)
    cents = row.amount.quantize(CENT)
    return VoucherRowValue(
        account=row.account,
        amount=cents if cents == row.amount else row.amount,
        cost_center=objects.get(1, ""),
        project=objects.get(6, ""),
        text=row.text,
    )


def voucher_value(
    voucher: Voucher, *, series: str | None = None, description: str | None = None
) -> VoucherValue:
    """A closing voucher as Fortnox will hold it: in ``series`` (default its
    own) with ``description`` (default its text); only ``#TRANS`` rows count."""
    return VoucherValue(
        series=voucher.series if series is None else series,
        date=voucher.date,
        description=voucher.text if description is None else description,
        rows=tuple(row_value(r) for r in voucher.trans),
    )


def unmapped_objects(voucher: Voucher) -> list[tuple[int, int, str]]:
    """(row index, dimension, object id) of objects Fortnox has no field for."""
    return [
        (index, dim, obj)
        for index, row in enumerate(voucher.trans)
        for dim, obj in row.objects
        if dim not in DIMENSION_FIELDS
    ]


def _row_json(row: VoucherRowValue) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Account": int(row.account),
        "Debit": row.amount if row.amount > 0 else ZERO,
        "Credit": -row.amount if row.amount < 0 else ZERO,
    }
    if row.cost_center:
        body["CostCenter"] = row.cost_center
    if row.project:
        body["Project"] = row.project
    if row.text:
        body["TransactionInformation"] = row.text
    return body


def to_fortnox(value: VoucherValue) -> dict[str, Any]:
    """The ``{"Voucher": {...}}`` body of ``POST /3/vouchers``; amounts stay ``Decimal``
    (write it with :func:`dumps`). Accounts must be numeric (pre-flight checks that)."""
    body: dict[str, Any] = {
        "Description": value.description,
        "TransactionDate": value.date.isoformat(),
        "VoucherSeries": value.series,
        "VoucherRows": [_row_json(r) for r in value.rows],
    }
    if value.comments:
        body["Comments"] = value.comments
    return {"Voucher": body}


def _encode(value: object, out: list[str]) -> None:
    if isinstance(value, Decimal):
        out.append(f"{money(value):f}")
    elif isinstance(value, float):
        raise TypeError("a float reached the Fortnox JSON body; amounts must be Decimal")
    elif isinstance(value, Mapping):
        out.append("{")
        for i, (key, item) in enumerate(value.items()):
            if i:
                out.append(",")
            out.append(json.dumps(str(key), ensure_ascii=False))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def dumps(body: object) -> bytes:
    """JSON bytes (UTF-8) with every ``Decimal`` written as its two-decimal text
    (``1234.50``), never through ``float``; a float in the body is a ``TypeError``."""
    out: list[str] = []
    _encode(body, out)
    return "".join(out).encode("utf-8")


def loads(data: bytes | str) -> Any:
    """Parse a Fortnox answer with numbers as ``Decimal`` (exact) rather than float."""
    return json.loads(data, parse_float=Decimal)


def _amount(value: object, where: str) -> Decimal:
    if value is None or value == "":
        return ZERO
    if isinstance(value, bool):
        raise MappingError(f"{where}: {value!r} is not an amount")
    try:
        # float only if a caller parsed without loads(); repr is the shortest exact text
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except InvalidOperation:
        raise MappingError(f"{where}: {value!r} is not an amount") from None
    if not amount.is_finite():
        raise MappingError(f"{where}: {value!r} is not an amount")
    return amount.quantize(CENT) if amount == amount.quantize(CENT) else amount


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _date(value: object, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise MappingError(f"{where}: {value!r} is not a date YYYY-MM-DD") from None


def from_fortnox(body: Mapping[str, Any]) -> VoucherValue:
    """A Fortnox voucher (``{"Voucher": {...}}`` or the inner object) as values.

    Raises :class:`MappingError` for a body that is not a voucher."""
    voucher = body.get("Voucher", body)
    if not isinstance(voucher, Mapping):
        raise MappingError("the answer holds no Voucher object")
    for key in ("VoucherSeries", "TransactionDate"):
        if key not in voucher:
            raise MappingError(f"the voucher has no {key}")
    rows = []
    for i, row in enumerate(voucher.get("VoucherRows") or ()):
        if row.get("Removed"):
            continue
        where = f"voucher row {i + 1}"
        amount = _amount(row.get("Debit"), where) - _amount(row.get("Credit"), where)
        rows.append(
            VoucherRowValue(
                account=_text(row.get("Account")),
                amount=amount,
                cost_center=_text(row.get("CostCenter")),
                project=_text(row.get("Project")),
                text=_text(row.get("TransactionInformation")),
            )
        )
    number = voucher.get("VoucherNumber")
    year = voucher.get("Year")
    return VoucherValue(
        series=_text(voucher["VoucherSeries"]),
        date=_date(voucher["TransactionDate"], "TransactionDate"),
        description=_text(voucher.get("Description")),
        rows=tuple(rows),
        comments=_text(voucher.get("Comments")),
        number=int(number) if number not in (None, "") else None,
        year=int(year) if year not in (None, "") else None,
    )


def to_sie(value: VoucherValue) -> Voucher:
    """A Fortnox voucher as a SIE voucher (for comparison with what SIE export holds)."""
    return Voucher(
        series=value.series,
        number="" if value.number is None else str(value.number),
        date=value.date,
        text=value.description,
        rows=tuple(
            Row(
                account=r.account,
                amount=r.amount,
                objects=tuple(
                    (dim, obj)
                    for dim, obj in ((1, r.cost_center), (6, r.project))
                    if obj  # only the dimensions a row carries
                ),
                text=r.text,
            )
            for r in value.rows
        ),
    )


def total(rows: Iterable[VoucherRowValue]) -> Decimal:
    """Sum of the rows in SIE sign: zero for a balanced voucher."""
    return sum((r.amount for r in rows), ZERO)
