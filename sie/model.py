"""The ledger model: what a SIE file says, as immutable values.

Every record that came from a file keeps its source ``line`` so that findings
can point at it; the line takes no part in equality, so a model read back from
our own output compares equal to the one that was written.

Amounts and quantities are ``Decimal``; dates are ``datetime.date``.
Sign convention as in SIE: debit positive, credit negative.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, Literal, NamedTuple

import attrs

from sie import amounts
from sie.amounts import ZERO

#: An object reference on a row or balance: (dimension number, object id).
ObjectRef = tuple[int, str]

RowKind = Literal["TRANS", "RTRANS", "BTRANS"]
BalanceKind = Literal["IB", "UB", "RES"]
ObjectBalanceKind = Literal["OIB", "OUB"]
PeriodKind = Literal["PSALDO", "PBUDGET"]


def _line() -> int:
    return attrs.field(default=0, eq=False, kw_only=True)


def _compared_on(width: int) -> tuple[Any, Any, Any]:
    """``__eq__``, ``__ne__`` and ``__hash__`` for a named tuple of the model that
    compares on its first ``width`` fields only (the source ``line`` and such come
    after them), and equals only a tuple of its own class."""

    def __eq__(self: tuple[Any, ...], other: object) -> bool:
        if type(other) is not type(self):
            return False if isinstance(other, tuple) else NotImplemented
        return self[:width] == other[:width]

    def __ne__(self: tuple[Any, ...], other: object) -> bool:
        if type(other) is not type(self):
            return True if isinstance(other, tuple) else NotImplemented
        return self[:width] != other[:width]

    def __hash__(self: tuple[Any, ...]) -> int:
        return hash(self[:width])

    return __eq__, __ne__, __hash__


class _RowFields(NamedTuple):
    """The fields of a :class:`Row`, in order (positional construction follows them)."""

    account: str
    amount: Decimal
    objects: tuple[ObjectRef, ...] = ()
    date: dt.date | None = None
    text: str = ""
    quantity: Decimal | None = None
    sign: str = ""
    kind: RowKind = "TRANS"
    added: bool = False
    line_base: int = 0
    line_offset: int = 0


class Row(_RowFields):
    """A transaction row of a voucher (``#TRANS``, ``#RTRANS`` or ``#BTRANS``).

    ``kind`` keeps the correction history: ``RTRANS`` marks a row added later
    (the ``TRANS`` right after it is its twin and carries ``added=True``),
    ``BTRANS`` a struck row. Only ``TRANS`` rows make up the voucher's balance.

    A large file has millions of rows, so a row is a named tuple: made in a fifth
    of the time of a frozen attrs instance, and as small. Like the other records
    it compares and hashes without its ``line``; it compares equal only to a Row.
    Use ``row._replace(field=value)`` for a changed copy.

    ``line`` is kept as two fields, ``line_base + line_offset``: the reader gives every
    row of a voucher the voucher's own line object as its base and a small offset (a
    shared small int), so that a row holds no int of its own: 24 bytes less a row,
    35 MB on a 100 MB file. ``Row(..., line=n)`` and ``_replace(line=n)`` work as for
    any field.
    """

    __slots__ = ()
    __eq__, __ne__, __hash__ = _compared_on(9)

    def __new__(
        cls,
        account: str,
        amount: Decimal,
        objects: tuple[ObjectRef, ...] = (),
        date: dt.date | None = None,
        text: str = "",
        quantity: Decimal | None = None,
        sign: str = "",
        kind: RowKind = "TRANS",
        added: bool = False,
        line: int = 0,
        line_offset: int = 0,
    ) -> Row:
        fields = (account, amount, objects, date, text, quantity, sign, kind, added, line)
        return tuple.__new__(cls, (*fields, line_offset))

    @property
    def line(self) -> int:
        """The row's line in the file it was read from (0 when it was not read)."""
        return self.line_base + self.line_offset

    def __repr__(self) -> str:
        pairs = zip(self._fields[:9], self[:9], strict=True)
        shown = ", ".join(f"{name}={value!r}" for name, value in pairs)
        return f"Row({shown}, line={self.line})"

    def _replace(self, **changes: Any) -> Row:
        if "line" in changes:
            changes["line_base"], changes["line_offset"] = changes.pop("line"), 0
        return super()._replace(**changes)


class _VoucherFields(NamedTuple):
    """The fields of a :class:`Voucher`, in order."""

    series: str
    number: str
    date: dt.date
    text: str = ""
    reg_date: dt.date | None = None
    sign: str = ""
    rows: tuple[Row, ...] = ()
    source_series: str | None = None
    source_number: str | None = None
    line: int = 0


class Voucher(_VoucherFields):
    """A ``#VER`` with its rows in file order.

    ``series``/``number`` are what the model uses; when import filled in an
    empty series or number, ``source_series``/``source_number`` keep what the
    file said (``""``) for traceability, else they are ``None``.

    A named tuple like :class:`Row` (files hold hundreds of thousands of
    vouchers); it compares and hashes by its first seven fields only, so neither
    ``line`` nor the ``source_*`` fields take part. Use ``_replace`` to change one.
    """

    __slots__ = ()
    __eq__, __ne__, __hash__ = _compared_on(7)

    @property
    def trans(self) -> tuple[Row, ...]:
        """The rows that make up the voucher as it stands (``#TRANS`` only)."""
        return tuple(r for r in self.rows if r.kind == "TRANS")

    @property
    def balance(self) -> Decimal:
        """Sum of the ``#TRANS`` amounts; zero for a balanced voucher."""
        return amounts.total(r.amount for r in self.rows if r.kind == "TRANS")

    @property
    def key(self) -> tuple[str, str]:
        return (self.series, self.number)


@attrs.frozen(slots=True)
class Account:
    """A ``#KONTO`` with what ``#KTYP``, ``#ENHET`` and ``#SRU`` add to it."""

    number: str
    name: str = ""
    type: str = ""  # T, S, K, I (``#KTYP``); empty when not declared
    unit: str = ""  # ``#ENHET``
    sru: tuple[str, ...] = ()
    line: int = _line()


@attrs.frozen(slots=True)
class Dimension:
    """A ``#DIM`` or, when ``parent`` is set, an ``#UNDERDIM``."""

    number: int
    name: str = ""
    parent: int | None = None
    line: int = _line()


@attrs.frozen(slots=True)
class Object:
    """An ``#OBJEKT``: an object (cost centre, project, customer …) in a dimension."""

    dimension: int
    id: str
    name: str = ""
    line: int = _line()


@attrs.frozen(slots=True)
class Balance:
    """``#IB``/``#UB`` (balance accounts) or ``#RES`` (result accounts) for a year index.

    :class:`ObjectBalance` and :class:`PeriodBalance` are balances too, each with what it
    is for (an object, a month) as keyword fields: ``ObjectBalance("OUB", 0, "1510",
    amount, object=(1, "10"))``.
    """

    kind: BalanceKind | ObjectBalanceKind | PeriodKind
    year: int
    account: str
    amount: Decimal
    quantity: Decimal | None = None
    line: int = _line()


@attrs.frozen(slots=True)
class ObjectBalance(Balance):
    """``#OIB``/``#OUB``: opening/closing balance of an account for one object."""

    object: ObjectRef = attrs.field(kw_only=True)


@attrs.frozen(slots=True)
class PeriodBalance(Balance):
    """``#PSALDO``/``#PBUDGET``: the change (or budget) of an account in one month,
    ``period`` ``(year, month)``; ``object`` is ``None`` for the account as a whole."""

    period: tuple[int, int] = attrs.field(kw_only=True)
    object: ObjectRef | None = attrs.field(default=None, kw_only=True)


@attrs.frozen(slots=True)
class FinancialYear:
    """``#RAR``: year index 0 is the current year, -1 the previous one, …

    A file may omit the dates (seen in 4I files); then ``start``/``end`` are ``None``.
    """

    index: int
    start: dt.date | None
    end: dt.date | None
    line: int = _line()

    def contains(self, day: dt.date) -> bool:
        if self.start is None or self.end is None:
            return True
        return self.start <= day <= self.end


@attrs.frozen(slots=True)
class UnknownRecord:
    """A record whose label the spec does not define: kept verbatim, never fatal."""

    label: str
    fields: tuple[str | tuple[str, ...], ...] = ()
    line: int = _line()


@attrs.frozen(slots=True)
class Header:
    """Flag and identification records."""

    flag: int = 0  # #FLAGGA
    program: str = ""  # #PROGRAM name
    program_version: str = ""
    format: str = "PC8"  # #FORMAT
    generated: dt.date | None = None  # #GEN date
    generated_by: str = ""  # #GEN sign
    sie_type: int | None = None  # #SIETYP as written (None when absent)
    comments: tuple[str, ...] = ()  # #PROSA, one per record
    company_type: str = ""  # #FTYP
    company_id: str = ""  # #FNR
    orgnr: str = ""  # #ORGNR as written
    acquisition_no: str = ""  # #ORGNR förvärvsnummer
    activity_no: str = ""  # #ORGNR verksamhetsnummer
    industry_code: str = ""  # #BKOD
    address: tuple[str, str, str, str] | None = None  # #ADRESS contact, street, postal, phone
    company_name: str = ""  # #FNAMN
    tax_year: int | None = None  # #TAXAR
    covered_until: dt.date | None = None  # #OMFATTN
    chart_type: str = ""  # #KPTYP
    currency: str = ""  # #VALUTA (empty means SEK)


@attrs.frozen(slots=True)
class SieFile:
    """Everything a SIE file holds.

    Collections keep file order. Lookups an accountant needs are methods;
    they build their index on first use (see :class:`Ledger`).
    """

    header: Header = attrs.field(factory=Header)
    years: tuple[FinancialYear, ...] = ()
    accounts: tuple[Account, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    objects: tuple[Object, ...] = ()
    balances: tuple[Balance, ...] = ()
    object_balances: tuple[ObjectBalance, ...] = ()
    period_balances: tuple[PeriodBalance, ...] = ()
    vouchers: tuple[Voucher, ...] = ()
    unknown: tuple[UnknownRecord, ...] = ()
    #: ``#KSUMMA`` value as written, ``None`` when the file carries none.
    checksum: int | None = attrs.field(default=None, eq=False)

    @property
    def sie_type(self) -> str:
        """``"1"``, ``"2"``, ``"3"``, ``"4E"`` or ``"4I"``.

        A type-4 file carrying ``#IB``, ``#UB`` or ``#RES`` is 4E, otherwise 4I
        (the file itself has no marker; the extension is unreliable).
        """
        declared = self.header.sie_type or 1
        if declared != 4:
            return str(declared)
        return "4E" if self.balances else "4I"

    def year(self, index: int = 0) -> FinancialYear | None:
        return next((y for y in self.years if y.index == index), None)

    def account(self, number: str) -> Account | None:
        return next((a for a in self.accounts if a.number == number), None)

    def ledger(self) -> Ledger:
        """An index over this file for repeated lookups."""
        return Ledger(self)


class Ledger:
    """Lookups over a :class:`SieFile`: balances per account and year, per period,
    per object, and vouchers by series and number. Built once, read many times."""

    @amounts.exact
    def __init__(self, sie: SieFile) -> None:
        self.sie = sie
        self.accounts: dict[str, Account] = {a.number: a for a in sie.accounts}
        self.objects: dict[ObjectRef, Object] = {(o.dimension, o.id): o for o in sie.objects}
        self._balances: dict[tuple[str, int, str], Decimal] = {}
        for b in sie.balances:
            self._balances[(b.kind, b.year, b.account)] = b.amount
        self._object_balances: dict[tuple[str, int, str, ObjectRef], Decimal] = {}
        for ob in sie.object_balances:
            self._object_balances[(ob.kind, ob.year, ob.account, ob.object)] = ob.amount
        self._periods: dict[tuple[str, int, tuple[int, int], str, ObjectRef | None], Decimal] = {}
        for p in sie.period_balances:
            key = (p.kind, p.year, p.period, p.account, p.object)
            self._periods[key] = self._periods.get(key, ZERO) + p.amount
        self._vouchers: dict[tuple[str, str], list[Voucher]] | None = None  # when first asked
        self._movements: dict[str, Decimal] | None = None

    def balance(self, account: str, kind: BalanceKind = "UB", year: int = 0) -> Decimal | None:
        """The file's own ``#IB``/``#UB``/``#RES`` for an account, ``None`` if absent."""
        return self._balances.get((kind, year, account))

    def object_balance(
        self, account: str, obj: ObjectRef, kind: ObjectBalanceKind = "OUB", year: int = 0
    ) -> Decimal | None:
        return self._object_balances.get((kind, year, account, obj))

    def period_balance(
        self,
        account: str,
        period: tuple[int, int],
        year: int = 0,
        obj: ObjectRef | None = None,
        kind: PeriodKind = "PSALDO",
    ) -> Decimal | None:
        return self._periods.get((kind, year, period, account, obj))

    def vouchers(self, series: str | None = None) -> Iterator[Voucher]:
        for v in self.sie.vouchers:
            if series is None or v.series == series:
                yield v

    def voucher(self, series: str, number: str) -> Voucher | None:
        if self._vouchers is None:
            self._vouchers = {}
            for v in self.sie.vouchers:
                self._vouchers.setdefault(v.key, []).append(v)
        found = self._vouchers.get((series, number))
        return found[0] if found else None

    @amounts.exact
    def movements(self) -> Mapping[str, Decimal]:
        """Sum of ``#TRANS`` amounts per account over all vouchers."""
        if self._movements is None:
            totals: dict[str, Decimal] = {}
            for v in self.sie.vouchers:
                for r in v.rows:
                    if r.kind == "TRANS":
                        totals[r.account] = totals.get(r.account, ZERO) + r.amount
            self._movements = totals
        return self._movements

    def movement(self, account: str) -> Decimal:
        return self.movements().get(account, ZERO)
