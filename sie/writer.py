"""Writing SIE files: a :class:`~sie.model.SieFile` -> CP437 bytes, in the spec's group order.

The writer emits only what the chosen type may hold (spec §5), quotes text
fields and never numbers, dates or labels, and reports everything it had to
change instead of changing it silently. Text policies, all reported as findings:

* a character CP437 cannot hold is transliterated when :data:`TRANSLITERATION`
  knows it (``€`` -> ``EUR``, typographic quotes -> ``"``) and written as ``?``
  otherwise (``unencodable-char``);
* a control character (tab, line break …) is written as a space (``control-char``);
* a text ending in a backslash cannot be quoted (``\\"`` would read as an escaped
  quote and swallow the rest of the line): it is written unquoted when it holds
  no space, quote or brace (lossless), else a space is added after the
  backslash (``trailing-backslash``);
* an amount with more than two decimals is rounded half up to öre (``amount-rounded``).

Voucher rows are written in model order, which is file order for a model that
was read; a model whose ``#RTRANS``/added-``#TRANS`` pairs do not match is
written as it stands and reported (``row-history``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import attrs

from sie import amounts, dates, quoting
from sie import encoding as enc
from sie.checksum import update
from sie.findings import Finding, SieCode, finding
from sie.model import (
    Account,
    Balance,
    ObjectBalance,
    ObjectRef,
    PeriodBalance,
    Row,
    SieFile,
    UnknownRecord,
    Voucher,
)
from sie.types import SIE_TYPES, forbidden

_ROW_LABELS = frozenset({"#TRANS", "#RTRANS", "#BTRANS"})  # written with their #VER
NEWLINES = ("\r\n", "\n")

#: Records a type must not contain (spec §5 table, "–"), by SIE type.
FORBIDDEN: Mapping[str, frozenset[str]] = {
    kind: forbidden(kind) - _ROW_LABELS for kind in SIE_TYPES
}
#: Types whose #PSALDO/#PBUDGET carry no object (a type-2 reader ignores those with one).
NO_OBJECT_PERIODS = frozenset({"2"})

#: Characters CP437 lacks that have an obvious stand-in; anything else becomes "?".
TRANSLITERATION: Mapping[str, str] = {
    "€": "EUR",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "–": "-",
    "—": "-",
    "‐": "-",
    "−": "-",
    "…": "...",
    "\u00ad": "",  # soft hyphen: invisible
    "\u200b": "",  # zero-width space: invisible
}
UNENCODABLE = "?"

_T = TypeVar("_T")

CENT = Decimal("0.01")
_LABEL = re.compile(r"#[A-Za-z][A-Za-z0-9_]*")

# Field kinds: text (always quoted), token (bare when it can be), number/date
# (pre-formatted ASCII, never quoted), object list (items are (kind, value)).
_TEXT, _TOKEN, _NUM, _LIST = "t", "k", "n", "o"
_FieldSpec = tuple[str, object] | None
#: Key in a record's problem map for a text ending in a backslash (never a character).
_TRAILING = ""


class _Unwritable(ValueError):
    """A value the format cannot express (a non-finite amount); the record is skipped."""


# --------------------------------------------------------------------------- public API


def dumps(
    model: SieFile,
    *,
    sie_type: str | None = None,
    checksum: bool = False,
    newline: str = "\r\n",
    file: str = "",
) -> tuple[bytes, list[Finding]]:
    """The SIE file for ``model`` as CP437 bytes, and what had to be changed or left out.

    ``sie_type`` is ``"1"``, ``"2"``, ``"3"``, ``"4E"`` or ``"4I"`` (default: the
    model's own type); records that type may not hold are not written. With
    ``checksum`` the file carries ``#KSUMMA``. ``file`` names the output in findings,
    whose ``line`` is the line of the written file.
    """
    kind = model.sie_type if sie_type is None else sie_type
    if kind not in SIE_TYPES:
        raise ValueError(f"sie_type must be one of {', '.join(SIE_TYPES)}, not {kind!r}")
    if newline not in NEWLINES:
        raise ValueError(r"newline must be '\r\n' or '\n'")
    restricted, dropped = restrict(model, kind)
    out = _Emitter(file)
    if model.header.format not in ("", "PC8"):
        out.note(
            "format-pc8",
            f"#FORMAT {model.header.format!r} in the model: written as #FORMAT PC8, "
            "the only character set SIE allows",
            0,
        )
    _write_header(out, restricted, checksum)
    _write_chart(out, restricted)
    _write_balances(out, restricted)
    _write_vouchers(out, restricted.vouchers)
    _write_unknown(out, restricted.unknown)
    if checksum:
        out.lines.append(f"#KSUMMA {out.crc}")
    for label, count in dropped.items():
        out.note(
            "type-dropped",
            f"a type {kind} file cannot hold {label}: {count} record(s) not written "
            "(choose another SIE type to keep them)",
            0,
        )
    text = newline.join(out.lines) + newline
    data = text.encode("cp437")
    _check_ambiguity(out, data, text)
    return data, out.findings


def write(
    model: SieFile,
    target: str | os.PathLike[str] | BinaryIO,
    *,
    sie_type: str | None = None,
    checksum: bool = False,
    newline: str = "\r\n",
    file: str = "",
) -> list[Finding]:
    """Write ``model`` to a path or binary stream (see :func:`dumps`); returns the findings."""
    if isinstance(target, str | os.PathLike):
        name = file or str(target)
        data, findings = dumps(
            model, sie_type=sie_type, checksum=checksum, newline=newline, file=name
        )
        Path(target).write_bytes(data)
        return findings
    name = file or str(getattr(target, "name", ""))
    data, findings = dumps(model, sie_type=sie_type, checksum=checksum, newline=newline, file=name)
    target.write(data)
    return findings


def restrict(model: SieFile, sie_type: str) -> tuple[SieFile, dict[str, int]]:
    """The model as a file of ``sie_type`` describes it, and the records left out per label.

    This is what reading the written file gives back (apart from characters
    CP437 cannot hold): forbidden records removed, ``#SIETYP`` and ``#FORMAT``
    as written.
    """
    if sie_type not in SIE_TYPES:
        raise ValueError(f"sie_type must be one of {', '.join(SIE_TYPES)}, not {sie_type!r}")
    banned = FORBIDDEN[sie_type]
    dropped: dict[str, int] = {}

    def keep(label: str, present: bool | int) -> bool:
        if label in banned and present:
            dropped[label] = dropped.get(label, 0) + int(present)
            return False
        return True

    h = model.header
    changes: dict[str, Any] = {"format": "PC8", "sie_type": _declared_type(h.sie_type, sie_type)}
    if not keep("#OMFATTN", h.covered_until is not None):
        changes["covered_until"] = None
    if not keep("#BKOD", bool(h.industry_code)):
        changes["industry_code"] = ""
    dims = tuple(
        d for d in model.dimensions if keep("#DIM" if d.parent is None else "#UNDERDIM", 1)
    )
    objects = tuple(o for o in model.objects if keep("#OBJEKT", 1))
    balances = tuple(b for b in model.balances if keep(f"#{b.kind}", 1))
    object_balances = tuple(b for b in model.object_balances if keep(f"#{b.kind}", 1))
    no_objects = sie_type in NO_OBJECT_PERIODS
    periods: list[PeriodBalance] = []
    for p in model.period_balances:
        if not keep(f"#{p.kind}", 1):
            continue
        if no_objects and p.object is not None:
            label = f"#{p.kind} with an object"
            dropped[label] = dropped.get(label, 0) + 1
            continue
        periods.append(p)
    vouchers = tuple(v for v in model.vouchers if keep("#VER", 1))
    restricted = attrs.evolve(
        model,
        header=attrs.evolve(h, **changes),
        dimensions=dims,
        objects=objects,
        balances=balances,
        object_balances=object_balances,
        period_balances=tuple(periods),
        vouchers=vouchers,
    )
    return restricted, dropped


def _declared_type(declared: int | None, sie_type: str) -> int | None:
    """``#SIETYP`` as written: optional for type 1 (kept absent when the model has none)."""
    if sie_type == "1":
        return None if declared is None else 1
    return int(sie_type[0])


# --------------------------------------------------------------------------- values


def _date(day: dt.date | None) -> _FieldSpec:
    if day is None:
        return None
    return (_NUM, dates.to_sie(day))


def _int(value: int | None) -> _FieldSpec:
    return None if value is None else (_NUM, str(value))


def _text(value: str) -> _FieldSpec:
    """A mandatory text field: always written, ``""`` when empty."""
    return (_TEXT, value)


def _opt_text(value: str) -> _FieldSpec:
    """An optional text field: absent when empty."""
    return (_TEXT, value) if value else None


def _token(value: str) -> _FieldSpec:
    return (_TOKEN, value)


def _opt_token(value: str) -> _FieldSpec:
    return (_TOKEN, value) if value else None


def _objects(refs: Iterable[ObjectRef]) -> _FieldSpec:
    items: list[tuple[str, object]] = []
    for dim, obj in refs:
        items.append((_NUM, str(dim)))
        items.append((_TEXT, obj))
    return (_LIST, items)


def _number(value: Decimal, what: str) -> str:
    if not value.is_finite():
        raise _Unwritable(f"{what} {value} is not a number")
    if value.is_zero():
        value = abs(value)
    return f"{value:f}"


class _Emitter:
    """Collects output lines, the running checksum and findings."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.lines: list[str] = []
        self.findings: list[Finding] = []
        self.crc: int | None = None

    def note(self, code: SieCode, message: str, line: int) -> None:
        self.findings.append(finding(code, message, line, self.file))

    def brace(self, brace: str) -> None:
        self.lines.append(brace)

    def amount(self, value: Decimal, label: str, source: int) -> _FieldSpec:
        """A money amount with two decimals; more decimals are rounded and reported."""
        if not value.is_finite():
            raise _Unwritable(f"the amount {value} is not a number")
        context = Context(prec=max(28, value.adjusted() + 4))
        rounded = value.quantize(CENT, rounding=ROUND_HALF_UP, context=context)
        if abs(rounded) >= amounts.LIMIT:  # no reader (ours included) takes it back
            raise _Unwritable(f"the amount {value} is out of range ({amounts.RANGE_TEXT})")
        if rounded != value:
            self.note(
                "amount-rounded",
                f"{label}: amount {value} has more than two decimals; written as {rounded}"
                f"{_from(source)} (round it in the source to choose otherwise)",
                len(self.lines) + 1,
            )
        return (_NUM, _number(rounded, "amount"))

    def quantity(self, value: Decimal | None) -> _FieldSpec:
        return None if value is None else (_NUM, _number(value, "quantity"))

    def record(self, label: str, fields: Sequence[_FieldSpec], source: int = 0) -> None:
        """Write one record; trailing absent fields are left out, inner ones written ``""``."""
        end = len(fields)
        while end and fields[end - 1] is None:
            end -= 1
        parts = [label]
        contents: list[str | tuple[str, ...]] = []
        problems: dict[str, str] = {}
        for spec in fields[:end]:
            if spec is None:
                parts.append('""')
                contents.append("")
                continue
            kind, value = spec
            if kind == _LIST:
                rendered: list[str] = []
                items: list[str] = []
                for item_kind, item in value:  # type: ignore[attr-defined]
                    shown, content = self._render(item_kind, item, label, problems)
                    rendered.append(shown)
                    items.append(content)
                parts.append("{" + " ".join(rendered) + "}")
                contents.append(tuple(items))
            else:
                shown, content = self._render(kind, value, label, problems)  # type: ignore[arg-type]
                parts.append(shown)
                contents.append(content)
        line = len(self.lines) + 1
        self._report(problems, label, line, source)
        self.lines.append(" ".join(parts))
        if self.crc is not None:
            self.crc = update(self.crc, label, contents)

    def _render(
        self, kind: str, value: str, label: str, problems: dict[str, str]
    ) -> tuple[str, str]:
        """(as written, content a reader gets back) for one field."""
        if kind == _NUM:
            return value, value
        value = _clean(value, problems)
        if kind == _TOKEN and quoting.is_bare(value):
            return value, value
        if value.endswith("\\"):
            if quoting.is_bare(value):
                return value, value
            problems[_TRAILING] = value
            value += " "
        return quoting.quote(value), value

    def _report(self, problems: dict[str, str], label: str, line: int, source: int) -> None:
        if not problems:
            return
        where = _from(source)
        odd = {c: r for c, r in problems.items() if c and not _is_control(c)}
        controls = [c for c in problems if c and _is_control(c)]
        if odd:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X}) as {r!r}" for c, r in odd.items())
            self.note(
                "unencodable-char",
                f"{label}: CP437, the SIE character set, cannot hold {shown}{where}; "
                "change the text in the source if the replacement is not acceptable",
                line,
            )
        if controls:
            shown = ", ".join(f"U+{ord(c):04X}" for c in controls)
            self.note(
                "control-char",
                f"{label}: control character {shown} is not allowed in a SIE text; "
                f"written as a space{where}",
                line,
            )
        if _TRAILING in problems:
            self.note(
                "trailing-backslash",
                f"{label}: the text {problems[_TRAILING][:40]!r} ends in a backslash, which "
                "would read as an escaped quote; a space was added after it"
                f"{where} (remove the backslash in the source to avoid this)",
                line,
            )


def _from(source: int) -> str:
    return f" (model line {source})" if source else ""


def _is_control(char: str) -> bool:
    return ord(char) < 32 or ord(char) == 127


def _clean(value: str, problems: dict[str, str]) -> str:
    """``value`` with every character CP437 can hold and no control characters."""
    if value.isascii() and value.isprintable():
        return value
    try:
        value.encode("cp437")
    except UnicodeEncodeError:
        value = unicodedata.normalize("NFC", value)
    out: list[str] = []
    for char in value:
        if _is_control(char):
            problems[char] = " "
            out.append(" ")
            continue
        try:
            char.encode("cp437")
        except UnicodeEncodeError:
            replacement = TRANSLITERATION.get(char, UNENCODABLE)
            problems[char] = replacement
            out.append(replacement)
        else:
            out.append(char)
    return "".join(out)


# --------------------------------------------------------------------------- groups


def _write_header(out: _Emitter, model: SieFile, checksum: bool) -> None:
    h = model.header
    out.record("#FLAGGA", [_int(h.flag)])
    if checksum:
        out.lines.append("#KSUMMA")
        out.crc = 0
    if h.program or h.program_version:
        out.record("#PROGRAM", [_text(h.program), _text(h.program_version)])
    out.record("#FORMAT", [(_NUM, "PC8")])
    if h.generated is not None:
        out.record("#GEN", [_date(h.generated), _opt_text(h.generated_by)])
    elif h.generated_by:
        out.note(
            "unwritable-value",
            f"#GEN needs a date: the model has none, so the sign {h.generated_by!r} was not "
            "written (set Header.generated)",
            0,
        )
    if h.sie_type is not None:
        out.record("#SIETYP", [_int(h.sie_type)])
    for comment in h.comments:
        out.record("#PROSA", [_text(comment)])
    if h.company_type:
        out.record("#FTYP", [_token(h.company_type)])
    if h.company_id:
        out.record("#FNR", [_text(h.company_id)])
    if h.orgnr or h.acquisition_no or h.activity_no:
        out.record(
            "#ORGNR",
            [_token(h.orgnr), _opt_token(h.acquisition_no), _opt_token(h.activity_no)],
        )
    if h.industry_code:
        out.record("#BKOD", [_token(h.industry_code)])
    if h.address is not None:
        out.record("#ADRESS", [_text(part) for part in h.address])
    if h.company_name:
        out.record("#FNAMN", [_text(h.company_name)])
    for year in model.years:
        out.record("#RAR", [_int(year.index), _date(year.start), _date(year.end)], year.line)
    if h.tax_year is not None:
        out.record("#TAXAR", [_int(h.tax_year)])
    if h.covered_until is not None:
        out.record("#OMFATTN", [_date(h.covered_until)])
    if h.chart_type:
        out.record("#KPTYP", [_token(h.chart_type)])
    if h.currency:
        out.record("#VALUTA", [_token(h.currency)])


def _write_chart(out: _Emitter, model: SieFile) -> None:
    for account in model.accounts:
        _write_account(out, account)
    for dim in model.dimensions:
        if dim.parent is None:
            out.record("#DIM", [_int(dim.number), _text(dim.name)], dim.line)
        else:
            out.record("#UNDERDIM", [_int(dim.number), _text(dim.name), _int(dim.parent)], dim.line)
    for obj in model.objects:
        out.record("#OBJEKT", [_int(obj.dimension), _text(obj.id), _text(obj.name)], obj.line)


def _write_account(out: _Emitter, account: Account) -> None:
    number = _token(account.number)
    out.record("#KONTO", [number, _text(account.name)], account.line)
    if account.type:
        out.record("#KTYP", [number, _token(account.type)], account.line)
    if account.unit:
        out.record("#ENHET", [number, _text(account.unit)], account.line)
    for code in account.sru:
        out.record("#SRU", [number, _token(code)], account.line)


def _write_balances(out: _Emitter, model: SieFile) -> None:
    for b in model.balances:
        _guarded(out, f"#{b.kind}", b.line, _balance_fields, b)
    for ob in model.object_balances:
        _guarded(out, f"#{ob.kind}", ob.line, _object_balance_fields, ob)
    for p in model.period_balances:
        _guarded(out, f"#{p.kind}", p.line, _period_fields, p)


def _balance_fields(out: _Emitter, b: Balance) -> list[_FieldSpec]:
    label = f"#{b.kind}"
    return [
        _int(b.year),
        _token(b.account),
        out.amount(b.amount, label, b.line),
        out.quantity(b.quantity),
    ]


def _object_balance_fields(out: _Emitter, b: ObjectBalance) -> list[_FieldSpec]:
    label = f"#{b.kind}"
    return [
        _int(b.year),
        _token(b.account),
        _objects([b.object]),
        out.amount(b.amount, label, b.line),
        out.quantity(b.quantity),
    ]


def _period_fields(out: _Emitter, p: PeriodBalance) -> list[_FieldSpec]:
    year, month = p.period
    return [
        _int(p.year),
        (_NUM, f"{year:04d}{month:02d}"),
        _token(p.account),
        _objects([] if p.object is None else [p.object]),
        out.amount(p.amount, f"#{p.kind}", p.line),
        out.quantity(p.quantity),
    ]


def _guarded(
    out: _Emitter,
    label: str,
    source: int,
    build: Callable[[_Emitter, _T], list[_FieldSpec]],
    item: _T,
) -> bool:
    """Emit a record whose fields may be unwritable; report and skip it if so."""
    try:
        fields = build(out, item)
    except _Unwritable as exc:
        out.note(
            "unwritable-value",
            f"{label}: {exc}{_from(source)}; the record was not written (fix the value)",
            len(out.lines) + 1,
        )
        return False
    out.record(label, fields, source)
    return True


def _write_vouchers(out: _Emitter, vouchers: Sequence[Voucher]) -> None:
    for v in vouchers:
        out.record(
            "#VER",
            [
                _text(v.series),
                _token(v.number),
                _date(v.date),
                _opt_text(v.text),
                _date(v.reg_date),
                _opt_text(v.sign),
            ],
            v.line,
        )
        out.brace("{")
        _check_history(out, v)
        for row in v.rows:
            _guarded(out, f"#{row.kind}", row.line, _row_fields, row)
        out.brace("}")


def _row_fields(out: _Emitter, row: Row) -> list[_FieldSpec]:
    return [
        _token(row.account),
        _objects(row.objects),
        out.amount(row.amount, f"#{row.kind}", row.line),
        _date(row.date),
        _opt_text(row.text),
        out.quantity(row.quantity),
        _opt_text(row.sign),
    ]


def _check_history(out: _Emitter, v: Voucher) -> None:
    """Report RTRANS/added-TRANS pairs that will not read back as the model has them."""
    rows = v.rows
    for i, row in enumerate(rows):
        problem = ""
        if row.kind == "RTRANS":
            nxt = rows[i + 1] if i + 1 < len(rows) else None
            if nxt is None or nxt.kind != "TRANS":
                problem = (
                    f"row {i + 1} is an #RTRANS not followed by its #TRANS twin; readers will "
                    "report the twin missing"
                )
            elif not nxt.added:
                problem = (
                    f"row {i + 1} is an #RTRANS followed by a #TRANS not marked added; "
                    "readers will take that #TRANS as its twin"
                )
        elif row.kind == "TRANS" and row.added and (i == 0 or rows[i - 1].kind != "RTRANS"):
            problem = (
                f"row {i + 1} is a #TRANS marked added without an #RTRANS before it; "
                "it will read back as an ordinary row"
            )
        if problem:
            out.note(
                "row-history",
                f"voucher {v.series} {v.number}: {problem}{_from(v.line)}; written as it "
                "stands (put each #RTRANS directly before its added #TRANS twin)",
                len(out.lines) + 1 + i,
            )


def _write_unknown(out: _Emitter, unknown: Sequence[UnknownRecord]) -> None:
    written: dict[str, int] = {}
    for rec in unknown:
        if not _LABEL.fullmatch(rec.label):
            out.note(
                "unwritable-value",
                f"{rec.label!r} is not a valid label{_from(rec.line)}; the record was not written",
                len(out.lines) + 1,
            )
            continue
        fields: list[_FieldSpec] = []
        for value in rec.fields:
            if isinstance(value, tuple):
                fields.append((_LIST, [(_TOKEN, item) for item in value]))
            else:
                fields.append(_token(value))
        # Every field is written, trailing empty ones too: the record goes out as it was kept.
        out.record(rec.label, fields, rec.line)
        written[rec.label] = written.get(rec.label, 0) + 1
    for label, count in written.items():
        out.note(
            "unknown-written",
            f"{label} is not a SIE label: {count} record(s) kept from the source were written "
            "at the end of the file (remove them from the model if the receiver rejects them)",
            0,
        )


def _check_ambiguity(out: _Emitter, data: bytes, text: str) -> None:
    """Warn when readers that guess the encoding would misread what we wrote."""
    guessed = enc.detect(data)
    if guessed != "cp437":
        out.note(
            "encoding-ambiguous",
            f"the written CP437 bytes also look like {guessed.upper()} (text with characters "
            "such as '├ñ' or 'Σ'); readers that guess the encoding may misread them",
            0,
        )
        return
    _repaired, repairs = enc.repair(text)
    if repairs:
        out.note(
            "encoding-ambiguous",
            f"{len(repairs)} character(s) such as '┼' or 'σ' stand alone in text, where "
            "readers that repair mixed Latin-1 files may read them as Swedish letters "
            f"(first on line {repairs[0].line})",
            repairs[0].line,
        )
