"""Records -> model: what each SIE label means, and what to report while reading.

The :class:`Builder` takes parsed lines one at a time (it never needs the whole
file): it counts labels, checks ``#KSUMMA`` and the spec's group order as it goes,
and hands each record to its label's handler in :data:`HANDLERS` — a plain
function of the builder and the record. Field values are read by
:mod:`sie.fields`; a field that cannot be read skips its record with a finding.
Vouchers are built by :mod:`sie.blocks`, kept or handed to a callback (streaming).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sie import dates
from sie import fields as fld
from sie.blocks import ROW_LABELS, VoucherBlocks
from sie.checksum import Running
from sie.fields import BadField, FieldReader, MissingField
from sie.findings import Finding, Severity, SieCode, finding
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
    SieFile,
    UnknownRecord,
    Voucher,
)
from sie.syntax import Record

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
_VOUCHER_GROUP = _GROUP["#VER"]
#: The longest a Swedish financial year may be (an extended first or changed year).
MAX_YEAR_MONTHS = 18
#: Records that carry amounts: skipping one loses money (an error, not a warning).
_AMOUNT_LABELS = frozenset(
    (*ROW_LABELS, "#VER", "#IB", "#UB", "#RES", "#OIB", "#OUB", "#PSALDO", "#PBUDGET", "#RAR")
) | {"#KSUMMA"}


class Builder:
    """Accumulates a :class:`SieFile` from records and braces, with findings."""

    def __init__(
        self,
        file: str = "",
        *,
        keep_vouchers: bool = True,
        on_voucher: Callable[[Voucher], None] | None = None,
    ) -> None:
        self.file = file
        self.findings: list[Finding] = []
        self.label_counts: dict[str, int] = {}
        self.lines = 0  # lines read, set by the reader
        self.header: dict[str, Any] = {}
        self.comments: list[str] = []
        self.years: dict[int, FinancialYear] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.dimensions: dict[int, Dimension] = {}
        self.objects: dict[ObjectRef, Object] = {}
        self.balances: list[Balance] = []
        self.object_balances: list[ObjectBalance] = []
        self.period_balances: list[PeriodBalance] = []
        self.unknown: list[UnknownRecord] = []
        self.checksum: int | None = None  # the file's #KSUMMA value
        self.running = Running()
        self.fields = FieldReader(self.report)
        self.blocks = VoucherBlocks(
            self.fields,
            self.report,
            self.running,
            keep_vouchers=keep_vouchers,
            on_voucher=on_voucher,
        )
        self._label = ""
        self._set_on: dict[str, int] = {}  # header key -> line that set it
        self._replaced_on = 0  # the line last reported as replacing a header value
        self._group = 0
        self._order_reported = False
        self._unknown_seen: dict[str, list[int]] = {}
        self._extra_seen: set[str] = set()

    # ------------------------------------------------------------------ feeding

    def brace(self, brace: str, line: int) -> None:
        """A ``{`` or ``}`` line."""
        self.blocks.brace(brace, line)

    def record(self, rec: Record, written: Record | None = None) -> None:
        """Take one record: count it, check what it says about the file, hand it on.

        ``written`` is the same line before Latin-1 repairs, when it had any: an open
        ``#KSUMMA`` counts the file's own characters.
        """
        label = rec.label
        self._label = label
        counts = self.label_counts
        counts[label] = counts.get(label, 0) + 1
        if self.running.crc is not None and label != "#KSUMMA":
            self.running.add(label, (written or rec).fields)
        if rec.unterminated:
            self.report(
                "unterminated-quote",
                f"{label}: a quoted field is not closed; its text runs to the end of the line "
                "(often a truncated text in the exporting program)",
                rec.line,
            )
        if label not in ROW_LABELS:
            self.blocks.interrupt(label, rec.line)
        group = _GROUP.get(label)
        if group is not None:
            self._check_order(label, group, rec.line)
        handler = HANDLERS.get(label)
        if handler is None:
            self.unknown.append(UnknownRecord(label, rec.fields, line=rec.line))
            self._unknown_seen.setdefault(label, []).append(rec.line)
            return
        try:
            handler(self, rec)
        except MissingField:
            self.report(
                "missing-field",
                f"{label}: a mandatory field is missing; the record was skipped",
                rec.line,
                _loss(label),
            )
        except BadField as exc:
            self.report(
                "bad-field", f"{label}: {exc}; the record was skipped", rec.line, _loss(label)
            )

    def _check_order(self, label: str, group: int, line: int) -> None:
        # A voucher block taken whole by the fast path counts as a #VER record.
        current = _VOUCHER_GROUP if self.blocks.taken_vouchers else self._group
        if group < current and not self._order_reported:
            self._order_reported = True
            self.report(
                "record-order",
                f"{label} ({_GROUP_NAMES[group]}) comes after {_GROUP_NAMES[current]} "
                "records; read anyway (the spec recommends group order; reported once)",
                line,
            )
        elif group > self._group:
            self._group = group

    # ------------------------------------------------------------------ for the handlers

    def report(
        self, code: SieCode, message: str, line: int, severity: Severity | None = None
    ) -> None:
        """Add a finding at ``line`` of this file."""
        self.findings.append(finding(code, message, line, self.file, severity))

    def set(self, key: str, value: Any, line: int) -> None:
        """Set an identification value; a second, different one is reported (once a line)."""
        header = self.header
        if key in header and header[key] != value and self._replaced_on != line:
            self._replaced_on = line
            first = self._set_on.get(key, 0)
            self.report(
                "duplicate-record",
                f"{self._label} occurs again with another value (first on line {first}); "
                "the later one is used",
                line,
            )
        header[key] = value
        self._set_on[key] = line

    def extra(self, rec: Record, allowed: int) -> None:
        """Report fields beyond the ``allowed`` the spec defines (once per label)."""
        if len(rec.fields) > allowed and rec.label not in self._extra_seen:
            self._extra_seen.add(rec.label)
            self.report(
                "extra-fields",
                f"{rec.label} has {len(rec.fields)} fields, the spec defines {allowed}; "
                "the extra fields were ignored (reported once per label)",
                rec.line,
            )

    def account(self, number: str, line: int) -> dict[str, Any]:
        """The account being collected for ``number`` (created on first mention)."""
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

    # ------------------------------------------------------------------ end

    def finish(self) -> SieFile:
        """Close what is open, report what was collected, and build the model."""
        blocks = self.blocks
        taken = {"#TRANS": blocks.taken_rows, "#VER": blocks.taken_vouchers}
        blocks.taken_rows = blocks.taken_vouchers = 0
        for label, fast in taken.items():
            if fast:
                self.label_counts[label] = self.label_counts.get(label, 0) + fast
        blocks.end()
        if self.running.crc is not None:
            self.report(
                "ksumma-truncated",
                "the file opens a #KSUMMA checksum but never closes it: it is truncated; "
                "export it again",
                0,
            )
        for acc in self.accounts.values():
            if not acc["declared"]:
                self.report(
                    "account-attributes-only",
                    f"account {acc['number']} has #KTYP/#ENHET/#SRU but no #KONTO; kept "
                    "without a name — export the full chart of accounts",
                    acc["line"],
                )
        for label, lines in self._unknown_seen.items():
            shown = ", ".join(map(str, lines[:5])) + (" …" if len(lines) > 5 else "")
            self.report(
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
            vouchers=tuple(blocks.vouchers),
            unknown=tuple(self.unknown),
            checksum=self.checksum,
        )


def _loss(label: str) -> Severity:
    """Skipping a record that carries amounts loses money: an error; otherwise a warning."""
    return "error" if label in _AMOUNT_LABELS else "warning"


# --------------------------------------------------------------------------- handlers
#
# One plain function per label: it reads the record's fields (raising BadField or
# MissingField to skip it) and adds what the record says to the builder.

Handler = Callable[[Builder, Record], None]


def _voucher(b: Builder, rec: Record) -> None:
    b.blocks.close()
    b.extra(rec, 6)
    b.blocks.voucher(rec)


def _row(b: Builder, rec: Record) -> None:
    b.blocks.row(rec, b.extra)


def _text(key: str) -> Handler:
    """A record of one text field that sets header value ``key``."""

    def handler(b: Builder, rec: Record) -> None:
        b.set(key, fld.optional_text(rec.fields, 0, key), rec.line)
        b.extra(rec, 1)

    return handler


def _flagga(b: Builder, rec: Record) -> None:
    flag = fld.required_integer(rec.fields, 0, "flag")
    b.set("flag", flag, rec.line)
    if flag == 1:
        b.report(
            "flag-set",
            "#FLAGGA 1: the file says it has been imported already; make sure it is not "
            "imported twice",
            rec.line,
        )


def _program(b: Builder, rec: Record) -> None:
    f = rec.fields
    b.set("program", fld.required_text(f, 0, "program"), rec.line)
    b.set("program_version", fld.optional_text(f, 1, "version"), rec.line)
    b.extra(rec, 2)


def _gen(b: Builder, rec: Record) -> None:
    f = rec.fields
    b.set("generated", b.fields.date(fld.required_text(f, 0, "date"), "generation date"), rec.line)
    b.set("generated_by", fld.optional_text(f, 1, "sign"), rec.line)
    b.extra(rec, 2)


def _sietyp(b: Builder, rec: Record) -> None:
    value = fld.required_integer(rec.fields, 0, "SIE type")
    if value not in (1, 2, 3, 4):
        raise BadField(f"SIE type {value} is not 1, 2, 3 or 4")
    b.set("sie_type", value, rec.line)


def _prosa(b: Builder, rec: Record) -> None:
    b.comments.append(fld.optional_text(rec.fields, 0, "text"))


def _orgnr(b: Builder, rec: Record) -> None:
    f = rec.fields
    b.set("orgnr", fld.optional_text(f, 0, "org number"), rec.line)
    b.set("acquisition_no", fld.optional_text(f, 1, "förvärvsnummer"), rec.line)
    b.set("activity_no", fld.optional_text(f, 2, "verksamhetsnummer"), rec.line)


def _adress(b: Builder, rec: Record) -> None:
    parts = [fld.text(v, "address") for v in rec.fields[:4]]
    parts += [""] * (4 - len(parts))
    b.set("address", tuple(parts), rec.line)


def _rar(b: Builder, rec: Record) -> None:
    f = rec.fields
    index = fld.required_integer(f, 0, "year index")
    start = b.fields.optional_date(f, 1, "start date")
    end = b.fields.optional_date(f, 2, "end date")
    known = b.years.get(index)
    if known is not None:
        b.report(
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
                f"year {index} ends on {end.isoformat()}, before it starts on {start.isoformat()}"
            )
        if dates.longer_than(start, end, MAX_YEAR_MONTHS):
            longest = dates.months_later(start, MAX_YEAR_MONTHS) - dt.timedelta(days=1)
            b.report(
                "year-too-long",
                f"#RAR {index} runs {start.isoformat()} – {end.isoformat()}, longer than "
                f"the {MAX_YEAR_MONTHS} months a financial year may have (it would end by "
                f"{longest.isoformat()}); check the dates in the source program",
                rec.line,
            )
    b.years[index] = FinancialYear(index, start, end, line=rec.line)


def _taxar(b: Builder, rec: Record) -> None:
    b.set("tax_year", fld.required_integer(rec.fields, 0, "tax year"), rec.line)


def _omfattn(b: Builder, rec: Record) -> None:
    day = b.fields.date(fld.required_text(rec.fields, 0, "date"), "date")
    b.set("covered_until", day, rec.line)


def _konto(b: Builder, rec: Record) -> None:
    f = rec.fields
    acc = b.account(fld.required_text(f, 0, "account"), rec.line)
    acc["name"] = fld.optional_text(f, 1, "account name")
    acc["line"] = rec.line
    acc["declared"] = True
    b.extra(rec, 2)


def _account_attr(key: str) -> Handler:
    """``#KTYP``/``#ENHET``: an account attribute ``key``."""

    def handler(b: Builder, rec: Record) -> None:
        number = fld.required_text(rec.fields, 0, "account")
        b.account(number, rec.line)[key] = fld.required_text(rec.fields, 1, key)

    return handler


def _sru(b: Builder, rec: Record) -> None:
    number = fld.required_text(rec.fields, 0, "account")
    b.account(number, rec.line)["sru"].append(fld.required_text(rec.fields, 1, "SRU code"))


def _dim(b: Builder, rec: Record) -> None:
    f = rec.fields
    number = fld.required_integer(f, 0, "dimension number")
    name = fld.optional_text(f, 1, "name")
    b.dimensions[number] = Dimension(number, name, line=rec.line)


def _underdim(b: Builder, rec: Record) -> None:
    f = rec.fields
    number = fld.required_integer(f, 0, "dimension number")
    parent = fld.required_integer(f, 2, "superdimension")
    name = fld.required_text(f, 1, "name")
    b.dimensions[number] = Dimension(number, name, parent, line=rec.line)


def _objekt(b: Builder, rec: Record) -> None:
    f = rec.fields
    dim = fld.required_integer(f, 0, "dimension number")
    obj_id = fld.required_text(f, 1, "object id")
    name = fld.optional_text(f, 2, "name")
    b.objects[(dim, obj_id)] = Object(dim, obj_id, name, line=rec.line)


def _balance(b: Builder, rec: Record) -> None:
    """``#IB``/``#UB``/``#RES year account amount [quantity]``."""
    f = rec.fields
    line = rec.line
    b.balances.append(
        Balance(
            kind=rec.label[1:],  # type: ignore[arg-type]
            year=fld.required_integer(f, 0, "year index"),
            account=fld.required_text(f, 1, "account"),
            amount=b.fields.required_amount(f, 2, line),
            quantity=b.fields.optional_amount(f, 3, "quantity", line),
            line=line,
        )
    )


def _object_balance(b: Builder, rec: Record) -> None:
    """``#OIB``/``#OUB year account {dim object} amount [quantity]``."""
    f = rec.fields
    line = rec.line
    items = fld.need(f, 2, "object list")
    if not isinstance(items, tuple):
        raise BadField("the third field must be an object list {dimension object}")
    objects = b.fields.objects(items, line)
    if not objects:
        raise BadField("the object list is empty; an object balance needs one object")
    year = fld.required_integer(f, 0, "year index")
    account = fld.required_text(f, 1, "account")
    amount = b.fields.required_amount(f, 3, line)
    quantity = b.fields.optional_amount(f, 4, "quantity", line)
    kind = rec.label[1:]
    b.object_balances.append(
        ObjectBalance(kind, year, account, amount, quantity, object=objects[0], line=line)  # type: ignore[arg-type]
    )


def _period_balance(b: Builder, rec: Record) -> None:
    """``#PSALDO``/``#PBUDGET year period account {objects} amount [quantity]``."""
    f = rec.fields
    line = rec.line
    period = fld.period(fld.required_text(f, 1, "period"))
    items = f[3] if len(f) > 3 else ()
    if not isinstance(items, tuple):
        raise BadField("the fourth field must be an object list {} or {dimension object}")
    objects = b.fields.objects(items, line) if items else ()
    b.period_balances.append(
        PeriodBalance(
            kind=rec.label[1:],  # type: ignore[arg-type]
            year=fld.required_integer(f, 0, "year index"),
            period=period,
            account=fld.required_text(f, 2, "account"),
            amount=b.fields.required_amount(f, 4, line),
            object=objects[0] if objects else None,
            quantity=b.fields.optional_amount(f, 5, "quantity", line),
            line=line,
        )
    )


def _ksumma(b: Builder, rec: Record) -> None:
    """The opening ``#KSUMMA`` (no field) starts the checksum; the closing one checks it."""
    if not rec.fields:
        b.running.crc = 0
        return
    stored = fld.integer(rec.fields[0], "checksum")
    b.checksum = stored
    computed = b.running.crc
    if computed is None:
        b.report(
            "ksumma-mismatch",
            f"#KSUMMA {stored} without an opening #KSUMMA after #FLAGGA; cannot verify",
            rec.line,
        )
        return
    b.running.crc = None
    if computed == stored:
        b.report("ksumma-ok", f"#KSUMMA {stored} verified", rec.line)
    else:
        b.report(
            "ksumma-mismatch",
            f"#KSUMMA says {stored} but the contents give {computed}: the file was changed "
            "or damaged after export; export it again",
            rec.line,
        )


#: What each label means: label -> handler. A label not here is kept unread.
HANDLERS: dict[str, Handler] = {
    "#TRANS": _row,
    "#RTRANS": _row,
    "#BTRANS": _row,
    "#VER": _voucher,
    "#FLAGGA": _flagga,
    "#PROGRAM": _program,
    "#FORMAT": _text("format"),
    "#GEN": _gen,
    "#SIETYP": _sietyp,
    "#PROSA": _prosa,
    "#FTYP": _text("company_type"),
    "#FNR": _text("company_id"),
    "#ORGNR": _orgnr,
    "#BKOD": _text("industry_code"),
    "#ADRESS": _adress,
    "#FNAMN": _text("company_name"),
    "#RAR": _rar,
    "#TAXAR": _taxar,
    "#OMFATTN": _omfattn,
    "#KPTYP": _text("chart_type"),
    "#VALUTA": _text("currency"),
    "#KONTO": _konto,
    "#KTYP": _account_attr("type"),
    "#ENHET": _account_attr("unit"),
    "#SRU": _sru,
    "#DIM": _dim,
    "#UNDERDIM": _underdim,
    "#OBJEKT": _objekt,
    "#IB": _balance,
    "#UB": _balance,
    "#RES": _balance,
    "#OIB": _object_balance,
    "#OUB": _object_balance,
    "#PSALDO": _period_balance,
    "#PBUDGET": _period_balance,
    "#KSUMMA": _ksumma,
}
