"""Records -> model: what each SIE label means, and what to report while reading.

The :class:`Builder` takes parsed lines one at a time (it never needs the whole
file), keeps the voucher block state, checks ``#KSUMMA`` as it goes, and either
collects vouchers or hands each one to a callback (streaming).
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import attrs

from sie import amounts
from sie.checksum import record_bytes
from sie.findings import Finding, Severity, finding
from sie.model import (
    Account,
    Balance,
    Dimension,
    FinancialYear,
    Header,
    Object,
    ObjectBalance,
    ObjectRef,
    PeriodBalance,
    Row,
    SieFile,
    UnknownRecord,
    Voucher,
)
from sie.syntax import (
    BLOCK_CLOSE,
    BLOCK_OPEN,
    Field,
    Line,
    Record,
    block_patterns,
    item_pattern,
    unquote,
)

# Number fields are ASCII digits only: ``\d`` would take any script's digits, and
# Python's ``int()``/``str.strip()`` disagree on which control characters are blank
# space (0x1C–0x1F), so a field is matched whole and converted from its match alone.
_AMOUNT = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_AMOUNT_COMMA = re.compile(r"-?[0-9]+,[0-9]+")
_DATE = re.compile(r"[0-9]{8}")
_INT = re.compile(r"-?[0-9]+")
_PERIOD = re.compile(r"[0-9]{6}")
# An integer field as written, with the blank space (spaces, tabs) a quoted one may hold;
# at most 18 significant digits (Python's int() refuses texts of over 4 300 digits).
_INT_FIELD = re.compile(r"[ \t]*(-?)0*([0-9]{1,18})[ \t]*")
_ITEMS = item_pattern()

# Group order of §5.12: flag, identification, chart of accounts, balances and vouchers.
_GROUP = {
    "#FLAGGA": 0,
    **dict.fromkeys(
        [
            "#PROGRAM",
            "#FORMAT",
            "#GEN",
            "#SIETYP",
            "#PROSA",
            "#FTYP",
            "#FNR",
            "#ORGNR",
            "#BKOD",
            "#ADRESS",
            "#FNAMN",
            "#RAR",
            "#TAXAR",
            "#OMFATTN",
            "#KPTYP",
            "#VALUTA",
        ],
        1,
    ),
    **dict.fromkeys(["#KONTO", "#KTYP", "#ENHET", "#SRU", "#DIM", "#UNDERDIM", "#OBJEKT"], 2),
    **dict.fromkeys(["#IB", "#UB", "#OIB", "#OUB", "#RES", "#PSALDO", "#PBUDGET", "#VER"], 3),
}
_GROUP_NAMES = ("flag", "identification", "chart of accounts", "balances and vouchers")
#: The longest a Swedish financial year may be (an extended first or changed year).
MAX_YEAR_MONTHS = 18
_ROW_LABELS = ("#TRANS", "#RTRANS", "#BTRANS")
_AMOUNT_LABELS = frozenset(
    [
        "#TRANS",
        "#RTRANS",
        "#BTRANS",
        "#VER",
        "#IB",
        "#UB",
        "#RES",
        "#OIB",
        "#OUB",
        "#PSALDO",
        "#PBUDGET",
        "#RAR",
        "#KSUMMA",
    ]
)


class BadField(ValueError):
    """A field value that cannot be read; the record is skipped and reported."""


class Builder:
    """Accumulates a :class:`SieFile` from lines, with findings."""

    def __init__(
        self,
        file: str = "",
        *,
        keep_vouchers: bool = True,
        on_voucher: Callable[[Voucher], None] | None = None,
    ) -> None:
        self.file = file
        self.keep_vouchers = keep_vouchers
        self.on_voucher = on_voucher
        self.findings: list[Finding] = []
        self.label_counts: dict[str, int] = {}
        self.header: dict[str, Any] = {}
        self.comments: list[str] = []
        self.years: dict[int, FinancialYear] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.dimensions: dict[int, Dimension] = {}
        self.objects: dict[ObjectRef, Object] = {}
        self.balances: list[Balance] = []
        self.object_balances: list[ObjectBalance] = []
        self.period_balances: list[PeriodBalance] = []
        self.vouchers: list[Voucher] = []
        self.unknown: list[UnknownRecord] = []
        self.lines = 0  # lines read, set by the reader
        self._block_vouchers = 0  # #VER lines taken with their whole block
        self._block_rows = 0  # and the #TRANS lines in those blocks
        self._line = 0
        self._label = ""
        self._set_on: dict[str, int] = {}  # header key -> line that set it
        self._replaced_on = 0  # the line last reported as replacing a header value
        # voucher block state
        self._ver: tuple[Any, ...] | None = None
        self._ver_line = 0
        self._in_block = False
        self._rows: list[Row] = []
        self._rtrans: Row | None = None
        # reporting state
        self._group = 0
        self._order_reported = False
        self._unknown_seen: dict[str, list[int]] = {}
        self._extra_seen: set[str] = set()
        self._crc: int | None = None
        self.checksum: int | None = None
        # caches that keep memory and time down on large files
        self._dates: dict[str, dt.date] = {}
        self._objlists: dict[tuple[str, ...], tuple[ObjectRef, ...]] = {(): ()}
        self._rawobjs: dict[str, tuple[ObjectRef, ...]] = {"": ()}
        self._strings: dict[str, str] = {}
        self._handlers: dict[str, Callable[[Record], None]] = {
            "#TRANS": self._row,
            "#RTRANS": self._row,
            "#BTRANS": self._row,
            "#VER": self._voucher,
            "#FLAGGA": self._flagga,
            "#PROGRAM": self._program,
            "#FORMAT": self._text("format"),
            "#GEN": self._gen,
            "#SIETYP": self._sietyp,
            "#PROSA": self._prosa,
            "#FTYP": self._text("company_type"),
            "#FNR": self._text("company_id"),
            "#ORGNR": self._orgnr,
            "#BKOD": self._text("industry_code"),
            "#ADRESS": self._adress,
            "#FNAMN": self._text("company_name"),
            "#RAR": self._rar,
            "#TAXAR": self._taxar,
            "#OMFATTN": self._omfattn,
            "#KPTYP": self._text("chart_type"),
            "#VALUTA": self._text("currency"),
            "#KONTO": self._konto,
            "#KTYP": self._account_attr("type"),
            "#ENHET": self._account_attr("unit"),
            "#SRU": self._sru,
            "#DIM": self._dim,
            "#UNDERDIM": self._underdim,
            "#OBJEKT": self._objekt,
            "#IB": self._balance,
            "#UB": self._balance,
            "#RES": self._balance,
            "#OIB": self._object_balance,
            "#OUB": self._object_balance,
            "#PSALDO": self._period_balance,
            "#PBUDGET": self._period_balance,
            "#KSUMMA": self._ksumma,
        }

    # ------------------------------------------------------------------ feeding

    def feed(self, line: Line) -> None:
        """Take one parsed line (a record, a brace, or ``None`` for a blank line)."""
        if line is None:
            return
        if isinstance(line, str):
            self._brace(line, 0)
            return
        self.record(line)

    def brace(self, brace: str, line: int) -> None:
        self._brace(brace, line)

    def record(self, rec: Record) -> None:
        label = rec.label
        self._line = rec.line
        self._label = label
        counts = self.label_counts
        counts[label] = counts.get(label, 0) + 1
        if self._crc is not None and label != "#KSUMMA":
            self._crc = zlib.crc32(record_bytes(label, rec.fields), self._crc)
        if rec.unterminated:
            self._report(
                "unterminated-quote",
                f"{label}: a quoted field is not closed; its text runs to the end of the line "
                "(often a truncated text in the exporting program)",
                rec.line,
            )
        if self._in_block and label not in _ROW_LABELS:
            self._report(
                "block-unclosed",
                f"the voucher block opened for #VER on line {self._ver_line} is not closed "
                f"with }} before {label}; the voucher ends here",
                rec.line,
            )
            self._close_voucher()
        elif self._ver is not None and not self._in_block and label not in _ROW_LABELS:
            self._report(
                "block-missing",
                f"#VER on line {self._ver_line} is not followed by a {{ }} block of rows; "
                "kept as a voucher without rows",
                self._ver_line,
            )
            self._close_voucher()
        group = _GROUP.get(label)
        if group is not None:
            if group < self._group and not self._order_reported:
                self._order_reported = True
                self._report(
                    "record-order",
                    f"{label} ({_GROUP_NAMES[group]}) comes after {_GROUP_NAMES[self._group]} "
                    "records; read anyway (the spec recommends group order; reported once)",
                    rec.line,
                )
            elif group > self._group:
                self._group = group
        handler = self._handlers.get(label)
        if handler is None:
            self._unknown(rec)
            return
        try:
            handler(rec)
        except BadField as exc:
            self._report(
                "bad-field", f"{label}: {exc}; the record was skipped", rec.line, _loss(label)
            )
        except IndexError:
            self._report(
                "missing-field",
                f"{label}: a mandatory field is missing; the record was skipped",
                rec.line,
                _loss(label),
            )

    def _brace(self, brace: str, line: int) -> None:
        if brace == BLOCK_OPEN:
            if self._ver is not None and not self._in_block:
                self._in_block = True
            else:
                self._report("stray-brace", "a { that follows no #VER; ignored", line)
        elif brace == BLOCK_CLOSE:
            if self._in_block:
                self._close_voucher()
            else:
                self._report("stray-brace", "a } that closes no voucher block; ignored", line)

    # ------------------------------------------------------------------ helpers

    def _report(self, code: str, message: str, line: int, severity: Severity | None = None) -> None:
        self.findings.append(finding(code, message, line, self.file, severity))

    def _date(self, value: str, what: str) -> dt.date:
        cached = self._dates.get(value)
        if cached is not None:
            return cached
        if not _DATE.fullmatch(value):
            raise BadField(f"{what} {_shown(value)} is not a date YYYYMMDD")
        try:
            day = dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            raise BadField(f"{what} {value!r} is not a valid calendar date") from None
        self._dates[value] = day
        return day

    def _opt_date(self, fields: tuple[Field, ...], index: int, what: str) -> dt.date | None:
        if len(fields) <= index:
            return None
        value = _str(fields[index], what)
        return self._date(value, what) if value else None

    def _amount(self, value: Field, what: str = "amount") -> Decimal:
        if isinstance(value, str) and _AMOUNT.fullmatch(value):
            return _in_range(Decimal(value), value, what)
        if isinstance(value, str) and _AMOUNT_COMMA.fullmatch(value):
            amount = _in_range(Decimal(value.replace(",", ".")), value, what)
            self._report(
                "amount-comma",
                f"{what} {value!r} uses a decimal comma; read as {value.replace(',', '.')}",
                self._line,
            )
            return amount
        raise BadField(f"{what} {_shown(value)} is not a number like -1234.50")

    def _opt_amount(self, fields: tuple[Field, ...], index: int, what: str) -> Decimal | None:
        if len(fields) <= index or fields[index] == "":
            return None
        return self._amount(fields[index], what)

    def _int(self, value: Field, what: str) -> int:
        match = _INT_FIELD.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise BadField(f"{what} {_shown(value)} is not a whole number (at most 18 digits)")
        return int(match.group(1) + match.group(2))

    def _objects(self, items: tuple[str, ...], line: int) -> tuple[ObjectRef, ...]:
        cached = self._objlists.get(items)
        if cached is not None:
            return cached
        pairs: list[ObjectRef] = []
        if len(items) % 2:
            self._report(
                "bad-field",
                f"object list {{{' '.join(items)}}} has an odd number of items; "
                f"the last item {items[-1]!r} was ignored",
                line,
            )
        for i in range(0, len(items) - 1, 2):
            dim = self._int(items[i], "dimension number")
            pairs.append((dim, items[i + 1]))
        result = tuple(pairs)
        self._objlists[items] = result
        return result

    def _extra(self, rec: Record, allowed: int) -> None:
        if len(rec.fields) > allowed and rec.label not in self._extra_seen:
            self._extra_seen.add(rec.label)
            self._report(
                "extra-fields",
                f"{rec.label} has {len(rec.fields)} fields, the spec defines {allowed}; "
                "the extra fields were ignored (reported once per label)",
                rec.line,
            )

    def _unknown(self, rec: Record) -> None:
        self.unknown.append(UnknownRecord(rec.label, rec.fields, line=rec.line))
        self._unknown_seen.setdefault(rec.label, []).append(rec.line)

    # ------------------------------------------------------------------ vouchers

    def _voucher(self, rec: Record) -> None:
        if self._ver is not None:
            self._close_voucher()
        f = rec.fields
        self._extra(rec, 6)
        date = self._date(_str(f[2], "voucher date"), "voucher date") if len(f) > 2 else None
        if date is None:
            raise IndexError
        self._ver = (
            _str(f[0], "series"),
            _str(f[1], "voucher number"),
            date,
            _str(f[3], "text") if len(f) > 3 else "",
            self._opt_date(f, 4, "registration date"),
            _str(f[5], "sign") if len(f) > 5 else "",
        )
        self._ver_line = rec.line
        self._in_block = False
        self._rows.clear()
        self._rtrans = None

    def _row(self, rec: Record) -> None:
        if not self._in_block:
            self._report(
                "row-outside-voucher",
                f"{rec.label} outside a voucher block (no #VER with {{ before it); skipped",
                rec.line,
            )
            return
        f = rec.fields
        if len(f) > 1 and isinstance(f[1], tuple):
            objects = self._objects(f[1], rec.line) if f[1] else ()
            rest = f[2:]
        else:
            objects = ()
            rest = f[1:]
            self._report(
                "bad-field",
                f"{rec.label} has no object list {{}} after the account; read as a row "
                "without objects",
                rec.line,
            )
        n = len(rest)
        if n > 5 and rec.label not in self._extra_seen:
            self._extra(rec, 7)
        date_field = rest[1] if n > 1 else ""
        row = Row(
            account=_str(f[0], "account"),
            amount=self._amount(rest[0]),
            objects=objects,
            date=self._date(_str(date_field, "date"), "transaction date") if date_field else None,
            text=_str(rest[2], "text") if n > 2 else "",
            quantity=self._quantity(rest, rec),
            sign=_str(rest[4], "sign") if n > 4 else "",
            kind=rec.label[1:],  # type: ignore[arg-type]
            line=rec.line,
        )
        pending = self._rtrans
        if pending is not None:
            self._rtrans = None
            if row.kind == "TRANS":
                if row.account != pending.account or row.amount != pending.amount:
                    self._report(
                        "rtrans-twin-differs",
                        f"#RTRANS on line {pending.line} ({pending.account} {pending.amount}) "
                        f"and its #TRANS twin ({row.account} {row.amount}) differ; the #TRANS "
                        "counts",
                        rec.line,
                    )
                row = attrs.evolve(row, added=True)
            else:
                self._twin_missing(pending)
        if row.kind == "RTRANS":
            self._rtrans = row
        self._rows.append(row)

    def fast_block_handler(self) -> Callable[[re.Match[str], int], int]:
        """A function taking a whole plain voucher block from the fast path's match.

        It returns how many lines it took, or 0 when the block needs the line path
        (anything unusual: nothing is changed then). The voucher it builds is the
        one the line path builds, which the reader tests prove on the corpus.
        """
        block_rows = block_patterns()[1].findall
        objects_get = self._rawobjs.get
        dates_get = self._dates.get
        keep = self._keep()
        texts: dict[str, str] = {"": ""}  # raw text token -> its content, kept once
        texts_get = texts.get
        intern = self.keep_vouchers

        def day(raw: str) -> dt.date | None:
            known = self._dates.get(raw)
            if known is not None:
                return known
            try:
                return self._date(raw, "date")
            except BadField:
                return None

        def fast_block(m: re.Match[str], first: int) -> int:
            if self._ver is not None or self._in_block or self._crc is not None:
                return 0
            series, number, date, text, reg_date, sign, rows_text = m.groups()
            when = day(date) if date is not None and date != '""' else None
            if when is None:
                return 0
            registered = None
            if reg_date is not None and reg_date != '""':
                registered = day(reg_date)
                if registered is None:
                    return 0
            found = block_rows(rows_text)
            if len(found) != rows_text.count("\n"):
                return 0
            rows: list[Row] = []
            append = rows.append
            line = first + 1
            for account, objects, amount, rdate, rtext, quantity, rsign in found:
                line += 1
                refs = objects_get(objects)
                if refs is None:
                    refs = self._fast_objects(objects, line)
                    if refs is None:
                        return 0
                row_day = None
                if rdate and rdate != '""':
                    row_day = dates_get(rdate) or day(rdate)
                    if row_day is None:
                        return 0
                content = texts_get(rtext)
                if content is None:
                    content = _closed(rtext)
                    if intern:
                        content = texts[rtext] = keep(content, content)
                append(
                    Row(
                        keep(account, account),
                        Decimal(amount),
                        refs,
                        row_day,
                        content,
                        Decimal(quantity) if quantity and quantity != '""' else None,
                        _closed(rsign) if rsign else "",
                        line=line,
                    )
                )
            series, text, sign = _closed(series), _closed(text), _closed(sign)
            self._ver = (
                keep(series, series),
                _closed(number),
                when,
                keep(text, text),
                registered,
                keep(sign, sign),
            )
            self._ver_line = first
            self._group = 3
            self._rows.extend(rows)
            self._in_block = True
            self._block_rows += len(rows)
            self._block_vouchers += 1
            self._close_voucher()
            return len(rows) + 3

        return fast_block

    def _keep(self) -> Callable[[str, str], str]:
        """``keep(s, s)`` gives one shared copy of each repeated text while a model is
        built; when streaming, the vouchers are let go, so sharing would only hold memory."""
        if self.keep_vouchers:
            return self._strings.setdefault
        return _first

    def _fast_objects(self, raw: str, line: int) -> tuple[ObjectRef, ...] | None:
        """An object list's references from its raw text, remembered for next time."""
        items = []
        for token in _ITEMS.findall(raw):
            if token[0] == '"':
                token, closed = unquote(token)
                if not closed:
                    return None
            items.append(token)
        if len(items) % 2 or not all(_INT.fullmatch(d) for d in items[::2]):
            return None
        refs = self._objects(tuple(items), line)
        self._rawobjs[raw] = refs
        return refs

    def _quantity(self, rest: tuple[Field, ...], rec: Record) -> Decimal | None:
        """A row's optional quantity; an unreadable one is dropped, the row kept."""
        try:
            return self._opt_amount(rest, 3, "quantity")
        except BadField as exc:
            self._report(
                "bad-field", f"{rec.label}: {exc}; the quantity was ignored", rec.line, "warning"
            )
            return None

    def _twin_missing(self, rtrans: Row) -> None:
        self._report(
            "rtrans-twin-missing",
            "#RTRANS is not followed by its #TRANS twin; the added row is not part of the "
            "voucher's balance (export the file again from the source program)",
            rtrans.line,
        )

    def _close_voucher(self) -> None:
        ver = self._ver
        if ver is None:
            return
        if self._rtrans is not None:
            self._twin_missing(self._rtrans)
            self._rtrans = None
        rows = tuple(self._rows)
        voucher = Voucher(*ver, rows, line=self._ver_line)  # type: ignore[call-arg,misc]
        if not rows:
            self._report(
                "empty-voucher",
                f"voucher {voucher.series} {voucher.number} has no rows",
                self._ver_line,
            )
        if self.keep_vouchers:
            self.vouchers.append(voucher)
        if self.on_voucher is not None:
            self.on_voucher(voucher)
        self._ver = None
        self._in_block = False
        self._rows.clear()

    # ------------------------------------------------------------------ identification

    def _set(self, key: str, value: Any, line: int) -> None:
        """Set an identification value; a second, different one is reported (once a line)."""
        header = self.header
        if key in header and header[key] != value and self._replaced_on != line:
            self._replaced_on = line
            first = self._set_on.get(key, 0)
            self._report(
                "duplicate-record",
                f"{self._label} occurs again with another value (first on line {first}); "
                "the later one is used",
                line,
            )
        header[key] = value
        self._set_on[key] = line

    def _text(self, key: str) -> Callable[[Record], None]:
        def handler(rec: Record) -> None:
            self._set(key, _str(rec.fields[0], key) if rec.fields else "", rec.line)
            self._extra(rec, 1)

        return handler

    def _flagga(self, rec: Record) -> None:
        flag = self._int(rec.fields[0], "flag")
        self._set("flag", flag, rec.line)
        if flag == 1:
            self._report(
                "flag-set",
                "#FLAGGA 1: the file says it has been imported already; make sure it is not "
                "imported twice",
                rec.line,
            )

    def _program(self, rec: Record) -> None:
        f = rec.fields
        self._set("program", _str(f[0], "program"), rec.line)
        self._set("program_version", _str(f[1], "version") if len(f) > 1 else "", rec.line)
        self._extra(rec, 2)

    def _gen(self, rec: Record) -> None:
        f = rec.fields
        self._set("generated", self._date(_str(f[0], "date"), "generation date"), rec.line)
        self._set("generated_by", _str(f[1], "sign") if len(f) > 1 else "", rec.line)
        self._extra(rec, 2)

    def _sietyp(self, rec: Record) -> None:
        value = self._int(rec.fields[0], "SIE type")
        if value not in (1, 2, 3, 4):
            raise BadField(f"SIE type {value} is not 1, 2, 3 or 4")
        self._set("sie_type", value, rec.line)

    def _prosa(self, rec: Record) -> None:
        self.comments.append(_str(rec.fields[0], "text") if rec.fields else "")

    def _orgnr(self, rec: Record) -> None:
        f = rec.fields
        self._set("orgnr", _str(f[0], "org number") if f else "", rec.line)
        self._set("acquisition_no", _str(f[1], "förvärvsnummer") if len(f) > 1 else "", rec.line)
        self._set("activity_no", _str(f[2], "verksamhetsnummer") if len(f) > 2 else "", rec.line)

    def _adress(self, rec: Record) -> None:
        parts = [_str(v, "address") for v in rec.fields[:4]]
        parts += [""] * (4 - len(parts))
        self._set("address", tuple(parts), rec.line)

    def _rar(self, rec: Record) -> None:
        f = rec.fields
        index = self._int(f[0], "year index")
        start = self._opt_date(f, 1, "start date")
        end = self._opt_date(f, 2, "end date")
        known = self.years.get(index)
        if known is not None:
            self._report(
                "year-duplicate",
                f"#RAR {index} occurs again (first on line {known.line}); a financial year is "
                "declared once, so which one is meant cannot be told — the first is kept; "
                "correct the export",
                rec.line,
            )
            return
        if start is not None and end is not None:
            if end < start:
                raise BadField(
                    f"year {index} ends on {end.isoformat()}, before it starts on "
                    f"{start.isoformat()}"
                )
            longest = _months_later(start, MAX_YEAR_MONTHS) - dt.timedelta(days=1)
            if end > longest:
                self._report(
                    "year-too-long",
                    f"#RAR {index} runs {start.isoformat()} – {end.isoformat()}, longer than "
                    f"the {MAX_YEAR_MONTHS} months a financial year may have (it would end by "
                    f"{longest.isoformat()}); check the dates in the source program",
                    rec.line,
                )
        self.years[index] = FinancialYear(index, start, end, line=rec.line)

    def _taxar(self, rec: Record) -> None:
        self._set("tax_year", self._int(rec.fields[0], "tax year"), rec.line)

    def _omfattn(self, rec: Record) -> None:
        self._set("covered_until", self._date(_str(rec.fields[0], "date"), "date"), rec.line)

    # ------------------------------------------------------------------ chart of accounts

    def _account(self, number: str, line: int) -> dict[str, Any]:
        acc = self.accounts.get(number)
        if acc is None:
            acc = {
                "number": number,
                "name": "",
                "type": "",
                "unit": "",
                "sru": [],
                "line": line,
                "declared": False,
            }
            self.accounts[number] = acc
        return acc

    def _konto(self, rec: Record) -> None:
        f = rec.fields
        number = _str(f[0], "account")
        acc = self._account(number, rec.line)
        acc["name"] = _str(f[1], "account name") if len(f) > 1 else ""
        acc["line"] = rec.line
        acc["declared"] = True
        self._extra(rec, 2)

    def _account_attr(self, key: str) -> Callable[[Record], None]:
        def handler(rec: Record) -> None:
            number = _str(rec.fields[0], "account")
            self._account(number, rec.line)[key] = _str(rec.fields[1], key)

        return handler

    def _sru(self, rec: Record) -> None:
        number = _str(rec.fields[0], "account")
        self._account(number, rec.line)["sru"].append(_str(rec.fields[1], "SRU code"))

    def _dim(self, rec: Record) -> None:
        f = rec.fields
        number = self._int(f[0], "dimension number")
        name = _str(f[1], "name") if len(f) > 1 else ""
        self.dimensions[number] = Dimension(number, name, line=rec.line)

    def _underdim(self, rec: Record) -> None:
        f = rec.fields
        number = self._int(f[0], "dimension number")
        parent = self._int(f[2], "superdimension")
        self.dimensions[number] = Dimension(number, _str(f[1], "name"), parent, line=rec.line)

    def _objekt(self, rec: Record) -> None:
        f = rec.fields
        dim = self._int(f[0], "dimension number")
        obj_id = _str(f[1], "object id")
        name = _str(f[2], "name") if len(f) > 2 else ""
        self.objects[(dim, obj_id)] = Object(dim, obj_id, name, line=rec.line)

    # ------------------------------------------------------------------ balances

    def _balance(self, rec: Record) -> None:
        f = rec.fields
        self.balances.append(
            Balance(
                kind=rec.label[1:],  # type: ignore[arg-type]
                year=self._int(f[0], "year index"),
                account=_str(f[1], "account"),
                amount=self._amount(f[2]),
                quantity=self._opt_amount(f, 3, "quantity"),
                line=rec.line,
            )
        )

    def _object_balance(self, rec: Record) -> None:
        f = rec.fields
        items = f[2]
        if not isinstance(items, tuple):
            raise BadField("the third field must be an object list {dimension object}")
        objects = self._objects(items, rec.line)
        if not objects:
            raise BadField("the object list is empty; an object balance needs one object")
        self.object_balances.append(
            ObjectBalance(
                kind=rec.label[1:],  # type: ignore[arg-type]
                year=self._int(f[0], "year index"),
                account=_str(f[1], "account"),
                object=objects[0],
                amount=self._amount(f[3]),
                quantity=self._opt_amount(f, 4, "quantity"),
                line=rec.line,
            )
        )

    def _period_balance(self, rec: Record) -> None:
        f = rec.fields
        period = _str(f[1], "period")
        if not _PERIOD.fullmatch(period) or not 1 <= int(period[4:]) <= 12:
            raise BadField(f"period {_shown(period)} is not YYYYMM")
        items = f[3] if len(f) > 3 else ()
        if not isinstance(items, tuple):
            raise BadField("the fourth field must be an object list {} or {dimension object}")
        objects = self._objects(items, rec.line) if items else ()
        self.period_balances.append(
            PeriodBalance(
                kind=rec.label[1:],  # type: ignore[arg-type]
                year=self._int(f[0], "year index"),
                period=(int(period[:4]), int(period[4:])),
                account=_str(f[2], "account"),
                amount=self._amount(f[4]),
                object=objects[0] if objects else None,
                quantity=self._opt_amount(f, 5, "quantity"),
                line=rec.line,
            )
        )

    # ------------------------------------------------------------------ checksum

    def _ksumma(self, rec: Record) -> None:
        if not rec.fields:
            self._crc = 0
            return
        stored = self._int(rec.fields[0], "checksum")
        self.checksum = stored
        if self._crc is None:
            self._report(
                "ksumma-mismatch",
                f"#KSUMMA {stored} without an opening #KSUMMA after #FLAGGA; cannot verify",
                rec.line,
            )
            return
        computed = self._crc
        self._crc = None
        if computed == stored:
            self._report("ksumma-ok", f"#KSUMMA {stored} verified", rec.line)
        else:
            self._report(
                "ksumma-mismatch",
                f"#KSUMMA says {stored} but the contents give {computed}: the file was changed "
                "or damaged after export; export it again",
                rec.line,
            )

    # ------------------------------------------------------------------ end

    def finish(self) -> SieFile:
        """Close what is open, report what was collected, and build the model."""
        taken = {"#TRANS": self._block_rows, "#VER": self._block_vouchers}
        self._block_rows = self._block_vouchers = 0
        for label, fast in taken.items():
            if fast:
                self.label_counts[label] = self.label_counts.get(label, 0) + fast
        if self._in_block:
            self._report(
                "block-unclosed",
                f"the voucher block opened for #VER on line {self._ver_line} is not closed "
                "before the end of the file",
                self._ver_line,
            )
        elif self._ver is not None:
            self._report(
                "block-missing",
                f"#VER on line {self._ver_line} is not followed by a {{ }} block of rows",
                self._ver_line,
            )
        self._close_voucher()
        if self._crc is not None:
            self._report(
                "ksumma-truncated",
                "the file opens a #KSUMMA checksum but never closes it: it is truncated; "
                "export it again",
                0,
            )
        for acc in self.accounts.values():
            if not acc["declared"]:
                self._report(
                    "account-attributes-only",
                    f"account {acc['number']} has #KTYP/#ENHET/#SRU but no #KONTO; kept "
                    "without a name — export the full chart of accounts",
                    acc["line"],
                )
        for label, lines in self._unknown_seen.items():
            shown = ", ".join(map(str, lines[:5])) + (" …" if len(lines) > 5 else "")
            self._report(
                "unknown-label",
                f"{label} is not a SIE label; {len(lines)} record(s) kept unread (lines {shown})",
                lines[0],
            )
        header = Header(comments=tuple(self.comments), **self.header)
        return SieFile(
            header=header,
            years=tuple(sorted(self.years.values(), key=lambda y: -y.index)),
            accounts=tuple(
                Account(
                    a["number"], a["name"], a["type"], a["unit"], tuple(a["sru"]), line=a["line"]
                )
                for a in self.accounts.values()
            ),
            dimensions=tuple(self.dimensions.values()),
            objects=tuple(self.objects.values()),
            balances=tuple(self.balances),
            object_balances=tuple(self.object_balances),
            period_balances=tuple(self.period_balances),
            vouchers=tuple(self.vouchers),
            unknown=tuple(self.unknown),
            checksum=self.checksum,
        )


def _months_later(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _first(value: str, _default: str) -> str:
    return value


def _closed(raw: str | None) -> str:
    """Content of a field the block pattern matched: absent, bare, or closed quotes."""
    if not raw:
        return ""
    if raw[0] != '"':
        return raw
    if "\\" in raw:
        return unquote(raw)[0]
    return raw[1:-1]


def _in_range(amount: Decimal, raw: str, what: str) -> Decimal:
    """``amount`` when :func:`sie.amounts.check_range` accepts it, else :class:`BadField`."""
    try:
        return amounts.check_range(amount)
    except amounts.InvalidAmount:
        raise BadField(f"{what} {_shown(raw)} is out of range ({amounts.RANGE_TEXT})") from None


def _shown(value: Field, limit: int = 40) -> str:
    """A field value for a message: quoted, escaped, and shortened when long
    (a 5 000-digit amount is told by its length, not shown)."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value)} characters)"
    return repr(value)


def _loss(label: str) -> Severity:
    """Skipping a record that carries amounts loses money: an error; otherwise a warning."""
    return "error" if label in _AMOUNT_LABELS else "warning"


def _str(value: Field, what: str) -> str:
    if isinstance(value, tuple):
        raise BadField(f"{what} is an object list {{…}} where text was expected")
    return value
