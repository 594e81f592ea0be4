"""Hypothesis strategies that generate valid :class:`~sie.model.SieFile` models.

"Valid" means what a conformant file of the chosen type says, as our reader
returns it: only records the type allows (spec §5), declared accounts, dimensions
and objects, years in descending index order, balanced vouchers (the ``#TRANS``
rows sum to zero) with ascending numbers per series, each ``#RTRANS`` directly
followed by its added ``#TRANS`` twin, and ``#BTRANS`` rows that count for nothing.

Texts use printable ASCII plus the Swedish letters, so they hold quotes,
backslashes, braces and ``#`` inside — but never a backslash at the very end
(the writer must change such a text; see :mod:`sie.writer`) and no CP437
characters that encoding-guessing readers take for another encoding.

Reuse: ``sie_files()`` for whole models (``sie_files("4I")`` for one type), or
the building blocks (``texts``, ``amounts``, ``financial_years`` …).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, get_args

import attrs
from hypothesis import strategies as st

from sie.model import (
    Account,
    Balance,
    BalanceKind,
    Dimension,
    FinancialYear,
    Header,
    Object,
    ObjectBalance,
    ObjectBalanceKind,
    ObjectRef,
    PeriodBalance,
    PeriodKind,
    Row,
    SieFile,
    UnknownRecord,
    Voucher,
)
from sie.types import RECORD_RULES

SIE_TYPES = ("1", "2", "3", "4E", "4I")
SWEDISH = "åäöÅÄÖéü"
#: Printable ASCII (quotes, backslashes, braces, # included) and the Swedish letters.
TEXT_ALPHABET = "".join(map(chr, range(0x20, 0x7F))) + SWEDISH
#: Labels the spec does not define, for unknown records kept by the reader.
UNKNOWN_LABELS = ("#MOMSKOD", "#EXTRA", "#X_INFO")
COMPANY_TYPES = ("AB", "E", "HB", "KB", "EK", "BRF", "I", "S", "X")
CHART_TYPES = ("EUBAS97", "BAS2025", "BAS96")
FIRST_DAY = dt.date(1980, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


# --------------------------------------------------------------------------- values


def texts(min_size: int = 0, max_size: int = 24) -> st.SearchStrategy[str]:
    """Free text: spaces, quotes, backslashes and Swedish letters; no trailing backslash."""
    return st.text(TEXT_ALPHABET, min_size=min_size, max_size=max_size).filter(
        lambda s: not s.endswith("\\")
    )


def words(min_size: int = 1, max_size: int = 10) -> st.SearchStrategy[str]:
    """A text without spaces, as codes and versions usually are."""
    return texts(min_size, max_size).map(lambda s: s.replace(" ", "_"))


def dates(
    min_value: dt.date = FIRST_DAY, max_value: dt.date = LAST_DAY
) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=min_value, max_value=max_value)


def amounts(max_abs: int = 10**11) -> st.SearchStrategy[Decimal]:
    """Money with two decimals (öre), either sign."""
    return st.integers(-max_abs, max_abs).map(lambda cents: Decimal(cents).scaleb(-2))


def quantities() -> st.SearchStrategy[Decimal | None]:
    """An optional quantity with up to three decimals."""
    return st.none() | st.builds(
        lambda units, places: Decimal(units).scaleb(-places),
        st.integers(-(10**7), 10**7),
        st.integers(0, 3),
    )


def account_numbers() -> st.SearchStrategy[str]:
    return st.integers(1000, 8999).map(str)


# --------------------------------------------------------------------------- header and years


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


@st.composite
def financial_years(
    draw: st.DrawFn, min_size: int = 1, max_size: int = 3
) -> tuple[FinancialYear, ...]:
    """Consecutive years with index 0, -1, … (the order the reader returns them in).

    Most are 12 months; broken and long first years (6–18 months) occur too.
    """
    lengths = draw(
        st.lists(st.sampled_from((12, 12, 12, 6, 18)), min_size=min_size, max_size=max_size)
    )
    start = dt.date(draw(st.integers(1990, 2090)), draw(st.integers(1, 12)), 1)
    end = _add_months(start, lengths[0]) - dt.timedelta(days=1) if lengths else start
    years: list[FinancialYear] = []
    for index, months in enumerate(lengths):
        if index:
            end = start - dt.timedelta(days=1)
            start = _add_months(start, -months)
        years.append(FinancialYear(-index, start, end))
    return tuple(years)


@st.composite
def headers(draw: st.DrawFn, sie_type: str = "4E") -> Header:
    """Identification records a file of ``sie_type`` may hold."""
    declared = draw(st.sampled_from((None, 1))) if sie_type == "1" else int(sie_type[0])
    has_org = draw(st.booleans())
    return Header(
        flag=draw(st.sampled_from((0, 0, 0, 1))),
        program=draw(texts(1)),
        program_version=draw(words()),
        format="PC8",
        generated=draw(dates()),
        generated_by=draw(texts()),
        sie_type=declared,
        comments=tuple(draw(st.lists(texts(), max_size=2))),
        company_type=draw(st.sampled_from(("", *COMPANY_TYPES))),
        company_id=draw(st.sampled_from(("",)) | texts()),
        orgnr=(
            f"{draw(st.integers(100000, 999999))}-{draw(st.integers(0, 9999)):04d}"
            if has_org
            else ""
        ),
        acquisition_no=draw(st.sampled_from(("", "1", "2"))) if has_org else "",
        activity_no=draw(st.sampled_from(("", "1"))) if has_org else "",
        industry_code="" if sie_type == "4I" else draw(st.sampled_from(("", "62010", "41200"))),
        address=draw(st.none() | st.tuples(texts(), texts(), texts(), texts())),
        company_name=draw(texts(1)),
        tax_year=draw(st.none() | st.integers(1990, 2100)),
        covered_until=None if sie_type in ("1", "4I") else draw(st.none() | dates()),
        chart_type=draw(st.sampled_from(("", *CHART_TYPES))),
        currency=draw(st.sampled_from(("", "SEK", "EUR"))),
    )


# --------------------------------------------------------------------------- chart of accounts


def accounts(min_size: int = 1, max_size: int = 12) -> st.SearchStrategy[list[Account]]:
    account = st.builds(
        Account,
        number=account_numbers(),
        name=texts(),
        type=st.sampled_from(("", "T", "S", "K", "I")),
        unit=st.sampled_from(("", "st", "liter", "tim")),
        sru=st.lists(st.integers(7000, 8999).map(str), max_size=2, unique=True).map(tuple),
    )
    return st.lists(account, min_size=min_size, max_size=max_size, unique_by=lambda a: a.number)


@st.composite
def dimensions_and_objects(
    draw: st.DrawFn, max_dims: int = 4, max_objects: int = 8
) -> tuple[tuple[Dimension, ...], tuple[Object, ...]]:
    """``#DIM``/``#UNDERDIM`` (a sub-dimension's parent is declared) and ``#OBJEKT``."""
    numbers = draw(st.lists(st.integers(1, 40), max_size=max_dims, unique=True))
    dims: list[Dimension] = []
    for number in numbers:
        parents = [d.number for d in dims if d.parent is None]
        parent = draw(st.none() | st.sampled_from(parents)) if parents else None
        dims.append(Dimension(number, draw(texts()), parent))
    if not dims:
        return (), ()
    objects = draw(
        st.lists(
            st.builds(
                Object,
                dimension=st.sampled_from(numbers),
                id=texts(1, 8),
                name=texts(),
            ),
            max_size=max_objects,
            unique_by=lambda o: (o.dimension, o.id),
        )
    )
    return tuple(dims), tuple(objects)


# --------------------------------------------------------------------------- balances


@st.composite
def balances(
    draw: st.DrawFn, numbers: Sequence[str], years: Sequence[FinancialYear], min_size: int = 0
) -> tuple[Balance, ...]:
    """``#IB``/``#UB``/``#RES``, one per kind, year and account."""
    indices = [y.index for y in years] or [0]
    key = st.tuples(
        st.sampled_from(get_args(BalanceKind)), st.sampled_from(indices), st.sampled_from(numbers)
    )
    keys = draw(st.lists(key, min_size=min_size, max_size=12, unique=True))
    return tuple(
        Balance(kind, year, account, draw(amounts()), draw(quantities()))
        for kind, year, account in keys
    )


@st.composite
def object_balances(
    draw: st.DrawFn,
    numbers: Sequence[str],
    years: Sequence[FinancialYear],
    objects: Sequence[Object],
) -> tuple[ObjectBalance, ...]:
    if not objects:
        return ()
    indices = [y.index for y in years] or [0]
    key = st.tuples(
        st.sampled_from(get_args(ObjectBalanceKind)),
        st.sampled_from(indices),
        st.sampled_from(numbers),
        st.sampled_from([(o.dimension, o.id) for o in objects]),
    )
    keys = draw(st.lists(key, max_size=8, unique=True))
    return tuple(
        ObjectBalance(kind, year, account, draw(amounts()), draw(quantities()), object=obj)
        for kind, year, account, obj in keys
    )


def _months(year: FinancialYear) -> list[tuple[int, int]]:
    if year.start is None or year.end is None:
        return [(2024, 1)]
    months: list[tuple[int, int]] = []
    day = year.start.replace(day=1)
    while day <= year.end:
        months.append((day.year, day.month))
        day = _add_months(day, 1)
    return months


@st.composite
def period_balances(
    draw: st.DrawFn,
    numbers: Sequence[str],
    years: Sequence[FinancialYear],
    objects: Sequence[Object] = (),
) -> tuple[PeriodBalance, ...]:
    """``#PSALDO``/``#PBUDGET`` with periods inside their year; objects only when given."""
    if not years:
        return ()
    refs: list[ObjectRef | None] = [None, *((o.dimension, o.id) for o in objects)]
    result: list[PeriodBalance] = []
    seen: set[tuple[object, ...]] = set()
    for _ in range(draw(st.integers(0, 8))):
        year = draw(st.sampled_from(list(years)))
        entry = (
            draw(st.sampled_from(get_args(PeriodKind))),
            year.index,
            draw(st.sampled_from(_months(year))),
            draw(st.sampled_from(numbers)),
            draw(st.sampled_from(refs)),
        )
        if entry in seen:
            continue
        seen.add(entry)
        kind, index, period, account, obj = entry
        result.append(
            PeriodBalance(
                kind, index, account, draw(amounts()), draw(quantities()), period=period, object=obj
            )  # type: ignore[arg-type]
        )
    return tuple(result)


# --------------------------------------------------------------------------- vouchers


def _day_in(year: FinancialYear | None) -> st.SearchStrategy[dt.date]:
    if year is None or year.start is None or year.end is None:
        return dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31))
    return dates(year.start, year.end)


@st.composite
def object_lists(
    draw: st.DrawFn, objects: Sequence[Object], max_size: int = 3
) -> tuple[ObjectRef, ...]:
    """An object list for a row: at most one object per dimension."""
    if not objects:
        return ()
    chosen = draw(
        st.lists(st.sampled_from(list(objects)), max_size=max_size, unique_by=lambda o: o.dimension)
    )
    return tuple((o.dimension, o.id) for o in chosen)


@st.composite
def voucher_rows(
    draw: st.DrawFn,
    numbers: Sequence[str],
    objects: Sequence[Object] = (),
    year: FinancialYear | None = None,
    max_rows: int = 6,
) -> tuple[Row, ...]:
    """Rows whose ``#TRANS`` sum to zero, with correction history mixed in.

    Some ``#TRANS`` rows are "added later" (an ``#RTRANS`` copy directly before
    them; the copy may carry another date and sign, as Fortnox and BL write it),
    and struck ``#BTRANS`` rows stand anywhere between the pairs.
    """
    count = draw(st.integers(0, max_rows))
    values = [draw(amounts(10**9)) for _ in range(max(count - 1, 0))]
    if count:
        values.append(-sum(values, Decimal("0.00")))

    def row(amount: Decimal) -> Row:
        return Row(
            account=draw(st.sampled_from(numbers)),
            amount=amount,
            objects=draw(object_lists(objects)),
            date=draw(st.none() | _day_in(year)),
            text=draw(texts()),
            quantity=draw(quantities()),
            sign=draw(st.sampled_from(("",)) | texts(0, 8)),
        )

    units: list[list[Row]] = []
    for amount in values:
        final = row(amount)
        if draw(st.integers(0, 4)) == 0:
            rtrans = Row(
                account=final.account,
                amount=final.amount,
                objects=final.objects,
                date=draw(st.none() | _day_in(year)),
                text=final.text,
                quantity=final.quantity,
                sign=draw(texts(0, 8)),
                kind="RTRANS",
            )
            units.append([rtrans, final._replace(added=True)])
        else:
            units.append([final])
    for _ in range(draw(st.integers(0, 2))):
        struck = row(draw(amounts(10**9)))
        units.append([struck._replace(kind="BTRANS")])
    ordered = draw(st.permutations(units)) if units else []
    return tuple(r for unit in ordered for r in unit)


@st.composite
def vouchers(
    draw: st.DrawFn,
    numbers: Sequence[str],
    objects: Sequence[Object] = (),
    year: FinancialYear | None = None,
    max_size: int = 6,
    empty_ids: bool = False,
) -> tuple[Voucher, ...]:
    """Balanced vouchers numbered 1, 2, … per series (``empty_ids``: 4I may leave both empty)."""
    series_pool = ("A", "B", "LEV1", "1", "#", "Ö")
    result: list[Voucher] = []
    counters: dict[str, int] = {}
    for _ in range(draw(st.integers(0, max_size))):
        if empty_ids and draw(st.booleans()):
            series, number = draw(st.sampled_from((("", ""), ("B", ""), ("", "0"))))
        else:
            series = draw(st.sampled_from(series_pool))
            counters[series] = counters.get(series, 0) + 1
            number = str(counters[series])
        day = draw(_day_in(year))
        result.append(
            Voucher(
                series=series,
                number=number,
                date=day,
                text=draw(texts()),
                reg_date=draw(st.none() | dates(day, day + dt.timedelta(days=60))),
                sign=draw(st.sampled_from(("",)) | texts(0, 8)),
                rows=draw(voucher_rows(numbers, objects, year)),
            )
        )
    return tuple(result)


def unknown_records(max_size: int = 2) -> st.SearchStrategy[tuple[UnknownRecord, ...]]:
    """Records with labels the spec does not define, as the reader keeps them."""
    field: st.SearchStrategy[str | tuple[str, ...]] = texts() | st.lists(texts(), max_size=3).map(
        tuple
    )
    record = st.builds(
        UnknownRecord,
        label=st.sampled_from(UNKNOWN_LABELS),
        fields=st.lists(field, max_size=4).map(tuple),
    )
    return st.lists(record, max_size=max_size).map(tuple)


# --------------------------------------------------------------------------- whole files


@st.composite
def sie_files(
    draw: st.DrawFn,
    sie_type: str | None = None,
    *,
    max_accounts: int = 12,
    max_vouchers: int = 6,
    unknown: bool = True,
) -> SieFile:
    """A model holding only what a file of ``sie_type`` (drawn when ``None``) may hold."""
    kind = sie_type or draw(st.sampled_from(SIE_TYPES))
    years = draw(financial_years(0 if kind == "4I" else 1, 3))
    if kind == "4I" and years and draw(st.integers(0, 5)) == 0:
        years = (FinancialYear(0, None, None),)  # BL writes "#RAR 0" without dates
    chart = draw(accounts(1, max_accounts))
    numbers = [a.number for a in chart]
    dims: tuple[Dimension, ...] = ()
    objects: tuple[Object, ...] = ()
    if kind in ("3", "4E", "4I"):
        dims, objects = draw(dimensions_and_objects())
    model = SieFile(
        header=draw(headers(kind)),
        years=years,
        accounts=tuple(chart),
        dimensions=dims,
        objects=objects,
        unknown=draw(unknown_records()) if unknown else (),
    )
    changes: dict[str, Any] = {}
    if kind != "4I":
        # 4E is told from 4I by its balances, so a 4E file needs at least one.
        changes["balances"] = draw(balances(numbers, years, min_size=1 if kind == "4E" else 0))
    if kind in ("3", "4E"):
        changes["object_balances"] = draw(object_balances(numbers, years, objects))
    if kind in ("2", "3", "4E"):
        changes["period_balances"] = draw(
            period_balances(numbers, years, objects if kind != "2" else ())
        )
    if kind in ("4E", "4I"):
        year = years[0] if years else None
        changes["vouchers"] = draw(
            vouchers(numbers, objects, year, max_vouchers, empty_ids=kind == "4I")
        )
    return attrs.evolve(model, **changes)


# --------------------------------------------------------------------------- hostile input

#: Every control character: C0 (NUL included), DEL, C1, and the Unicode ones that
#: reorder or break lines; 0x1C–0x1F are blank space to ``str.split`` but not to ``int``.
CONTROL_CHARS = (
    "".join(map(chr, range(0x00, 0x20)))
    + "\x7f"
    + "".join(map(chr, range(0x80, 0xA0)))
    + "\u2028\u2029\u202e\u200f\ufeff"
)
#: What hostile fields are made of: the text alphabet, every control character, and
#: digits of other scripts (which ``\d`` and ``int()`` accept).
HOSTILE_ALPHABET = TEXT_ALPHABET + CONTROL_CHARS + "\u0663\u0669\uff11\u00b2"
#: Every label the spec defines (the lines below also write them in lower case).
SIE_LABELS = tuple(RECORD_RULES)


def digit_runs() -> st.SearchStrategy[str]:
    """Numbers far beyond any range: long runs of digits, with a sign, point or comma."""
    # A long run is a short drawn pattern repeated: drawing 6 000 digits one by one
    # would make the tests slow for nothing.
    whole = st.builds(
        lambda pattern, length: (pattern * (length // len(pattern) + 1))[:length],
        st.integers(0, 10**30).map(str),
        st.sampled_from((1, 15, 16, 18, 19, 27, 28, 29, 41, 4301, 6000)) | st.integers(1, 60),
    )
    return st.builds(
        lambda sign, whole, mark, fraction: f"{sign}{whole}{mark}{fraction}",
        st.sampled_from(("", "-", "+")),
        whole,
        st.sampled_from(("", ".", ",", "e")),
        st.text("0123456789", max_size=10),
    )


_NUMBERS = st.sampled_from(
    ("3", "0", "1", "-1", "2026", "20250101", "202501", "1.00", "1,5", "99991231", "00010101")
)


def hostile_fields() -> st.SearchStrategy[str]:
    """One field as written: bare, quoted (closed or not), an object list, a number."""
    raw = st.text(HOSTILE_ALPHABET, max_size=12)
    plain = st.one_of(
        raw,
        digit_runs(),
        st.sampled_from(("0", "1", "4", "-1", "20250101", "20251231", "202513", "1910", "{}")),
        st.builds(lambda d, c: d + c, _NUMBERS, raw),
        st.builds(lambda d, c: d + c, _NUMBERS, st.text(CONTROL_CHARS, min_size=1, max_size=2)),
    )
    return st.one_of(
        plain,
        plain.map(lambda s: f'"{s}"'),
        plain.map(lambda s: f'"{s}'),
        st.lists(plain, max_size=4).map(lambda items: "{" + " ".join(items) + "}"),
    )


# Built once: strategies made afresh for every draw cost more than the test itself.
_FIELD = hostile_fields()
_SEPARATOR = st.sampled_from((" ", "\t", "  ", "\x0b", "\x1c", "\x1f", "\x0c", "\r", ""))
_INDENT = st.sampled_from(("", " ", "\t"))
_ODD_LABEL = st.text(HOSTILE_ALPHABET, max_size=8)


def hostile_lines(labels: Sequence[str] = SIE_LABELS) -> st.SearchStrategy[str]:
    """A line that looks like a record (any label) with hostile fields and separators."""
    label = (st.sampled_from(labels) | _ODD_LABEL).flatmap(
        lambda name: st.sampled_from((name, name.lower()))
    )
    fields = st.lists(st.tuples(_SEPARATOR, _FIELD), max_size=8)
    return st.builds(
        lambda indent, name, rest: indent + name + "".join(s + f for s, f in rest),
        _INDENT,
        label,
        fields,
    )


def hostile_blocks() -> st.SearchStrategy[str]:
    """A voucher block (as lines joined by LF) whose rows are hostile."""
    head = st.sampled_from(("#VER A 1 20250101", '#VER "" "" 20250230 "x"')) | hostile_lines(
        ("#VER",)
    )
    rows = st.lists(hostile_lines(("#TRANS", "#RTRANS", "#BTRANS")), max_size=4)
    plain = st.lists(st.sampled_from(("#TRANS 1910 {} 1.00", "  #TRANS 3001 {1 a} -1")), max_size=2)
    return st.builds(
        lambda h, p, r: "\n".join([h, "{", *p, *r, "}"]),
        head,
        plain,
        rows,
    )


_FILE_LINE = st.one_of(
    hostile_lines(),
    st.sampled_from(("{", "}", " { ", "#VER A 1 20250101", "#KSUMMA", "")),
    st.sampled_from(("#RAR 0 20250101 20251231", "#RAR 0 20251231 20250101")),
    st.builds(
        "#RAR {} {} {}".format,
        st.sampled_from(("0", "-1", "1")),
        st.sampled_from(("99980601", "99990101", "00010101", "20240701", '""')),
        st.sampled_from(("99991231", "00011231", "20251231", "20260101", '""')),
    ),
    hostile_blocks(),
)
_FIRST_LINE = st.sampled_from(("#FLAGGA 0", "#flagga 1", "\ufeff#FLAGGA 0", "#KSUMMA"))
_NEWLINE = st.sampled_from(("\r\n", "\n", "\r", "\n\r"))
_CODEC = st.sampled_from(("cp437", "utf-8", "cp1252", "utf-16", "utf-32"))


@st.composite
def hostile_files(draw: st.DrawFn) -> bytes:
    """Bytes that start like SIE (so the reader goes past its first check) and then hold
    hostile lines, voucher blocks and raw bytes, in one of several encodings."""
    lines = [draw(_FIRST_LINE), *draw(st.lists(_FILE_LINE, max_size=12))]
    newline = draw(_NEWLINE)
    text = newline.join(lines) + draw(st.sampled_from(("", newline, "\x1a")))
    codec = draw(_CODEC)
    data = text.encode(codec, errors="replace")
    if not codec.startswith("utf-") and draw(st.booleans()):
        data += draw(st.binary(max_size=64))
    return data
