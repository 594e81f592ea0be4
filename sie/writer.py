"""Writing SIE files: a :class:`~sie.model.SieFile` -> CP437 bytes, in the spec's group order.

The writer emits only what the chosen type may hold (spec §5), quotes text
fields and never numbers, dates or labels, and reports everything it had to
change instead of changing it silently. Text policies, all reported as findings:

* a character CP437 cannot hold is transliterated when :data:`sie.emitter.TRANSLITERATION`
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

import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import attrs

from sie import emitter as em
from sie import encoding as enc
from sie import model as records
from sie.findings import Finding
from sie.model import Row, SieFile, UnknownRecord, Voucher
from sie.types import SIE_TYPES, forbidden

_ROW_LABELS = frozenset({"#TRANS", "#RTRANS", "#BTRANS"})  # written with their #VER
NEWLINES = ("\r\n", "\n")

#: Records a type must not contain (spec §5 table, "–"), by SIE type.
FORBIDDEN: Mapping[str, frozenset[str]] = {
    kind: forbidden(kind) - _ROW_LABELS for kind in SIE_TYPES
}
#: Types whose #PSALDO/#PBUDGET carry no object (a type-2 reader ignores those with one).
NO_OBJECT_PERIODS = frozenset({"2"})

_T = TypeVar("_T")
_LABEL = re.compile(r"#[A-Za-z][A-Za-z0-9_]*")

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
    out = em.Emitter(file)
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
    periods: list[records.PeriodBalance] = []
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


# --------------------------------------------------------------------------- groups


def _write_header(out: em.Emitter, model: SieFile, checksum: bool) -> None:
    h = model.header
    out.record("#FLAGGA", [em.integer(h.flag)])
    if checksum:
        out.lines.append("#KSUMMA")
        out.crc = 0
    if h.program or h.program_version:
        out.record("#PROGRAM", [em.text(h.program), em.text(h.program_version)])
    out.record("#FORMAT", [(em.NUM, "PC8")])
    if h.generated is not None:
        out.record("#GEN", [em.date(h.generated), em.optional_text(h.generated_by)])
    elif h.generated_by:
        out.note(
            "unwritable-value",
            f"#GEN needs a date: the model has none, so the sign {h.generated_by!r} was not "
            "written (set Header.generated)",
            0,
        )
    if h.sie_type is not None:
        out.record("#SIETYP", [em.integer(h.sie_type)])
    for comment in h.comments:
        out.record("#PROSA", [em.text(comment)])
    if h.company_type:
        out.record("#FTYP", [em.token(h.company_type)])
    if h.company_id:
        out.record("#FNR", [em.text(h.company_id)])
    if h.orgnr or h.acquisition_no or h.activity_no:
        out.record(
            "#ORGNR",
            [
                em.token(h.orgnr),
                em.optional_token(h.acquisition_no),
                em.optional_token(h.activity_no),
            ],
        )
    if h.industry_code:
        out.record("#BKOD", [em.token(h.industry_code)])
    if h.address is not None:
        out.record("#ADRESS", [em.text(part) for part in h.address])
    if h.company_name:
        out.record("#FNAMN", [em.text(h.company_name)])
    for year in model.years:
        out.record(
            "#RAR", [em.integer(year.index), em.date(year.start), em.date(year.end)], year.line
        )
    if h.tax_year is not None:
        out.record("#TAXAR", [em.integer(h.tax_year)])
    if h.covered_until is not None:
        out.record("#OMFATTN", [em.date(h.covered_until)])
    if h.chart_type:
        out.record("#KPTYP", [em.token(h.chart_type)])
    if h.currency:
        out.record("#VALUTA", [em.token(h.currency)])


def _write_chart(out: em.Emitter, model: SieFile) -> None:
    for account in model.accounts:
        _write_account(out, account)
    for dim in model.dimensions:
        if dim.parent is None:
            out.record("#DIM", [em.integer(dim.number), em.text(dim.name)], dim.line)
        else:
            out.record(
                "#UNDERDIM",
                [em.integer(dim.number), em.text(dim.name), em.integer(dim.parent)],
                dim.line,
            )
    for obj in model.objects:
        out.record(
            "#OBJEKT", [em.integer(obj.dimension), em.text(obj.id), em.text(obj.name)], obj.line
        )


def _write_account(out: em.Emitter, account: records.Account) -> None:
    number = em.token(account.number)
    out.record("#KONTO", [number, em.text(account.name)], account.line)
    if account.type:
        out.record("#KTYP", [number, em.token(account.type)], account.line)
    if account.unit:
        out.record("#ENHET", [number, em.text(account.unit)], account.line)
    for code in account.sru:
        out.record("#SRU", [number, em.token(code)], account.line)


def _write_balances(out: em.Emitter, model: SieFile) -> None:
    for b in model.balances:
        _guarded(out, f"#{b.kind}", b.line, _balance_fields, b)
    for ob in model.object_balances:
        _guarded(out, f"#{ob.kind}", ob.line, _object_balance_fields, ob)
    for p in model.period_balances:
        _guarded(out, f"#{p.kind}", p.line, _period_fields, p)


def _balance_fields(out: em.Emitter, b: records.Balance) -> list[em.FieldSpec]:
    label = f"#{b.kind}"
    return [
        em.integer(b.year),
        em.token(b.account),
        out.amount(b.amount, label, b.line),
        out.quantity(b.quantity),
    ]


def _object_balance_fields(out: em.Emitter, b: records.ObjectBalance) -> list[em.FieldSpec]:
    label = f"#{b.kind}"
    return [
        em.integer(b.year),
        em.token(b.account),
        em.objects([b.object]),
        out.amount(b.amount, label, b.line),
        out.quantity(b.quantity),
    ]


def _period_fields(out: em.Emitter, p: records.PeriodBalance) -> list[em.FieldSpec]:
    year, month = p.period
    return [
        em.integer(p.year),
        (em.NUM, f"{year:04d}{month:02d}"),
        em.token(p.account),
        em.objects([] if p.object is None else [p.object]),
        out.amount(p.amount, f"#{p.kind}", p.line),
        out.quantity(p.quantity),
    ]


def _guarded(
    out: em.Emitter,
    label: str,
    source: int,
    build: Callable[[em.Emitter, _T], list[em.FieldSpec]],
    item: _T,
) -> bool:
    """Emit a record whose fields may be unwritable; report and skip it if so."""
    try:
        fields = build(out, item)
    except em.Unwritable as exc:
        out.note(
            "unwritable-value",
            f"{label}: {exc}{em.source_note(source)}; the record was not written (fix the value)",
            len(out.lines) + 1,
        )
        return False
    out.record(label, fields, source)
    return True


def _write_vouchers(out: em.Emitter, vouchers: Sequence[Voucher]) -> None:
    for v in vouchers:
        out.record(
            "#VER",
            [
                em.text(v.series),
                em.token(v.number),
                em.date(v.date),
                em.optional_text(v.text),
                em.date(v.reg_date),
                em.optional_text(v.sign),
            ],
            v.line,
        )
        out.brace("{")
        _check_history(out, v)
        for row in v.rows:
            _guarded(out, f"#{row.kind}", row.line, _row_fields, row)
        out.brace("}")


def _row_fields(out: em.Emitter, row: Row) -> list[em.FieldSpec]:
    return [
        em.token(row.account),
        em.objects(row.objects),
        out.amount(row.amount, f"#{row.kind}", row.line),
        em.date(row.date),
        em.optional_text(row.text),
        out.quantity(row.quantity),
        em.optional_text(row.sign),
    ]


def _check_history(out: em.Emitter, v: Voucher) -> None:
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
                f"voucher {v.series} {v.number}: {problem}{em.source_note(v.line)}; written as it "
                "stands (put each #RTRANS directly before its added #TRANS twin)",
                len(out.lines) + 1 + i,
            )


def _write_unknown(out: em.Emitter, unknown: Sequence[UnknownRecord]) -> None:
    written: dict[str, int] = {}
    for rec in unknown:
        if not _LABEL.fullmatch(rec.label):
            out.note(
                "unwritable-value",
                f"{rec.label!r} is not a valid label{em.source_note(rec.line)}; the record was "
                "not written",
                len(out.lines) + 1,
            )
            continue
        fields: list[em.FieldSpec] = []
        for value in rec.fields:
            if isinstance(value, tuple):
                fields.append((em.LIST, [(em.TOKEN, item) for item in value]))
            else:
                fields.append(em.token(value))
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


def _check_ambiguity(out: em.Emitter, data: bytes, text: str) -> None:
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
