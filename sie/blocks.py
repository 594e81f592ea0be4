"""Voucher blocks: ``#VER``, ``{``, its rows, ``}`` -> :class:`~sie.model.Voucher`.

:class:`VoucherBlocks` holds the voucher being read (its ``#VER``, whether its
block is open, its rows, an ``#RTRANS`` waiting for its ``#TRANS`` twin) and
closes it into a voucher, kept or handed to a callback (streaming). Its fast
path, :meth:`VoucherBlocks.take`, reads a whole plain block from one match of
the reader's block pattern; the voucher is the one the line path builds, which
tests/test_syntax_differential.py proves on generated files and the corpus.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sie import fields as fld
from sie.checksum import Running, cp437
from sie.fields import FieldReader, Report
from sie.model import ObjectRef, Row, Voucher
from sie.quoting import content
from sie.syntax import BLOCK_CLOSE, BLOCK_OPEN, Field, Record, block_patterns

#: How many distinct texts a reader remembers for sharing (see VoucherBlocks).
SHARED_TEXTS = 65536

#: How many vouchers the fast path takes at a time while streaming (see take_all).
STREAM_BATCH = 64

#: The labels of a voucher's rows.
ROW_LABELS = ("#TRANS", "#RTRANS", "#BTRANS")


def _first(value: str, _default: str) -> str:
    return value


def _shared_content(raw: str, keep: Callable[[str, str], str]) -> str:
    """A field's content (``raw`` as matched, not empty), one shared copy of it."""
    if raw[0] == '"':
        raw = raw[1:-1] if "\\" not in raw else content(raw)
    return keep(raw, raw)


class VoucherBlocks:
    """The voucher being read, and the vouchers read so far (when kept)."""

    def __init__(
        self,
        fields: FieldReader,
        report: Report,
        checksum: Running,
        *,
        keep_vouchers: bool = True,
        on_voucher: Callable[[Voucher], None] | None = None,
    ) -> None:
        self.fields = fields
        self.report = report
        self.checksum = checksum
        self.keep_vouchers = keep_vouchers
        self.on_voucher = on_voucher
        self.vouchers: list[Voucher] = []
        self.taken_vouchers = 0  # #VER lines taken with their whole block by the fast path
        self.taken_rows = 0  # and the #TRANS lines in those blocks
        self._ver: tuple[Any, ...] | None = None  # the open voucher's #VER fields
        self._ver_line = 0
        self._in_block = False
        self._rows: list[Row] = []
        self._rtrans: Row | None = None
        # ``keep(s, s)`` gives one shared copy of each repeated text while a model is
        # built; when streaming, the vouchers are let go, so sharing would only hold memory.
        # The texts remembered are emptied at SHARED_TEXTS: a text repeated further apart
        # is then kept twice, but the table never holds every text of a large file
        # (on the 100 MB benchmark: 0.4 MB more texts, 14 MB less table at the peak).
        self._strings: dict[str, str] = {}
        self._keep: Callable[[str, str], str] = (
            self._strings.setdefault if keep_vouchers else _first
        )
        self._raw_objects: dict[str, tuple[ObjectRef, ...]] = {"": ()}
        self._object_texts: dict[str, str] = {}  # raw object list -> its items, joined
        block, rows = block_patterns()
        self._block_match = block.match
        self._block_rows = rows.findall

    # ------------------------------------------------------------------ the line path

    def interrupt(self, label: str, line: int) -> None:
        """A record that is no row: it ends a voucher still open, which is reported."""
        if self._ver is None:
            return
        if self._in_block:
            self.report(
                "block-unclosed",
                f"the voucher block opened for #VER on line {self._ver_line} is not closed "
                f"with }} before {label}; the voucher ends here",
                line,
                None,
            )
        else:
            self.report(
                "block-missing",
                f"#VER on line {self._ver_line} is not followed by a {{ }} block of rows; "
                "kept as a voucher without rows",
                self._ver_line,
                None,
            )
        self.close()

    def voucher(self, rec: Record) -> None:
        """``#VER series number date [text [registered [sign]]]``."""
        self.close()
        f = rec.fields
        fields = self.fields
        date = fields.date(fld.required_text(f, 2, "voucher date"), "voucher date")
        self._ver = (
            fld.required_text(f, 0, "series"),
            fld.required_text(f, 1, "voucher number"),
            date,
            fld.optional_text(f, 3, "text"),
            fields.optional_date(f, 4, "registration date"),
            fld.optional_text(f, 5, "sign"),
        )
        self._ver_line = rec.line
        self._in_block = False
        self._rows.clear()
        self._rtrans = None

    def row(self, rec: Record, extra: Callable[[Record, int], None]) -> None:
        """``#TRANS account {objects} amount [date [text [quantity [sign]]]]`` and its
        ``#RTRANS``/``#BTRANS`` kin; ``extra`` reports fields beyond the spec's."""
        if not self._in_block:
            self.report(
                "row-outside-voucher",
                f"{rec.label} outside a voucher block (no #VER with {{ before it); skipped",
                rec.line,
                None,
            )
            return
        f = rec.fields
        fields = self.fields
        line = rec.line
        if len(f) > 1 and isinstance(f[1], tuple):
            objects = fields.objects(f[1], line) if f[1] else ()
            rest = f[2:]
        else:
            objects = ()
            rest = f[1:]
            self.report(
                "bad-field",
                f"{rec.label} has no object list {{}} after the account; read as a row "
                "without objects",
                line,
                None,
            )
        n = len(rest)
        if n > 5:
            extra(rec, 7)
        date_field = rest[1] if n > 1 else ""
        row = Row(
            account=fld.required_text(f, 0, "account"),
            amount=fields.required_amount(rest, 0, line),
            objects=objects,
            date=fields.date(fld.text(date_field, "date"), "transaction date")
            if date_field
            else None,
            text=fld.optional_text(rest, 2, "text"),
            quantity=self._quantity(rest, rec),
            sign=fld.optional_text(rest, 4, "sign"),
            kind=rec.label[1:],  # type: ignore[arg-type]
            line=line,
        )
        pending = self._rtrans
        if pending is not None:
            self._rtrans = None
            if row.kind == "TRANS":
                if row.account != pending.account or row.amount != pending.amount:
                    self.report(
                        "rtrans-twin-differs",
                        f"#RTRANS on line {pending.line} ({pending.account} {pending.amount}) "
                        f"and its #TRANS twin ({row.account} {row.amount}) differ; the #TRANS "
                        "counts",
                        line,
                        None,
                    )
                row = row._replace(added=True)
            else:
                self._twin_missing(pending)
        if row.kind == "RTRANS":
            self._rtrans = row
        self._rows.append(row)

    def _quantity(self, rest: tuple[Field, ...], rec: Record) -> Decimal | None:
        """A row's optional quantity; an unreadable one is dropped, the row kept."""
        try:
            return self.fields.optional_amount(rest, 3, "quantity", rec.line)
        except fld.BadField as exc:
            self.report(
                "bad-field", f"{rec.label}: {exc}; the quantity was ignored", rec.line, "warning"
            )
            return None

    def brace(self, brace: str, line: int) -> None:
        """A ``{`` or ``}`` line."""
        if brace == BLOCK_OPEN:
            if self._ver is not None and not self._in_block:
                self._in_block = True
            else:
                self.report("stray-brace", "a { that follows no #VER; ignored", line, None)
        elif brace == BLOCK_CLOSE:
            if self._in_block:
                self.close()
            else:
                self.report("stray-brace", "a } that closes no voucher block; ignored", line, None)

    def close(self) -> None:
        """Close the open voucher (if any): keep it and/or hand it on."""
        ver = self._ver
        if ver is None:
            return
        if self._rtrans is not None:
            self._twin_missing(self._rtrans)
            self._rtrans = None
        rows = tuple(self._rows)
        voucher: Voucher = tuple.__new__(Voucher, (*ver, rows, None, None, self._ver_line))
        if not rows:
            self.report(
                "empty-voucher",
                f"voucher {voucher.series} {voucher.number} has no rows",
                self._ver_line,
                None,
            )
        if self.keep_vouchers:
            self.vouchers.append(voucher)
        if self.on_voucher is not None:
            self.on_voucher(voucher)
        self._ver = None
        self._in_block = False
        self._rows.clear()

    def end(self) -> None:
        """The end of the file: a voucher still open is reported and closed."""
        if self._in_block:
            self.report(
                "block-unclosed",
                f"the voucher block opened for #VER on line {self._ver_line} is not closed "
                "before the end of the file",
                self._ver_line,
                None,
            )
        elif self._ver is not None:
            self.report(
                "block-missing",
                f"#VER on line {self._ver_line} is not followed by a {{ }} block of rows",
                self._ver_line,
                None,
            )
        self.close()

    def _twin_missing(self, rtrans: Row) -> None:
        self.report(
            "rtrans-twin-missing",
            "#RTRANS is not followed by its #TRANS twin; the added row is not part of the "
            "voucher's balance (export the file again from the source program)",
            rtrans.line,
            None,
        )

    # ------------------------------------------------------------------ the fast path

    def take_all(self, piece: str, pos: int, number: int) -> tuple[int, int]:
        """Take the plain voucher blocks that follow one another in ``piece`` from
        ``pos`` (``number`` lines read before it); return where it stopped and the
        lines read then.

        A block is taken whole from one match of the block pattern, or not at all:
        at anything unusual (a date that is no date, a row the row pattern does not
        read, an object list to check) it stops before that block, changing nothing,
        and the line path reads it. The loop runs over many blocks with its names
        bound once: this is where a large file's time goes. While a ``#KSUMMA`` is
        open, each block's records are added to it as :func:`sie.checksum.record_bytes`
        counts them (tests/test_checksum_differential.py proves it).
        """
        if self._ver is not None:
            return pos, number
        if self.checksum.crc is not None and hasattr(piece, "original"):
            return pos, number  # letters were repaired: the line path checksums the bytes
        match = self._block_match
        block_rows = self._block_rows
        day = self.fields.date_or_none
        dates_get = self.fields.dates.get
        objects_get = self._raw_objects.get
        listed_get = self._object_texts.get
        keep = self._keep
        running = self.checksum
        kept = self.vouchers.append if self.keep_vouchers else None
        handed = self.on_voucher
        make = tuple.__new__  # a Row or Voucher without the keyword handling of Row(...)
        strings = self._strings
        # Streaming hands back every STREAM_BATCH vouchers, so that the caller can pass
        # them on before more are made (a piece holds thousands).
        limit = STREAM_BATCH if handed is not None else -1
        taken = taken_rows = 0
        while piece.startswith("#VER", pos) and taken != limit:
            if len(strings) > SHARED_TEXTS:
                strings.clear()
            m = match(piece, pos)
            if m is None:
                break
            series, number_text, date, text, reg_date, sign = m.group(1, 2, 3, 4, 5, 6)
            when = dates_get(date)
            if when is None:
                when = day(date) if date is not None and date != '""' else None
                if when is None:
                    break
            registered = None
            if reg_date is not None and reg_date != '""':
                registered = dates_get(reg_date) or day(reg_date)
                if registered is None:
                    break
            start, end = m.span(7)  # the rows, read in place (no copy of their text)
            found = block_rows(piece, start, end)
            if not found or len(found) != piece.count("\n", start, end):
                break  # (a block without rows is reported by the line path)
            crc = running.crc
            parts: list[str] | None = None
            if crc is not None:  # the #VER's contents; a date here is bare (else: the line path)
                parts = ["#VER", content(series), content(number_text), date, content(text)]
                parts += (reg_date if registered else "", content(sign))
            rows: list[Row] = []
            append = rows.append
            first = number + 1  # the #VER's line: one int object its rows share (Row.line)
            offset = 1
            for account, objects, amount, rdate, rtext, quantity, rsign in found:
                offset += 1
                refs = objects_get(objects)
                if refs is None:
                    refs = self._objects(objects, first + offset)
                    if refs is None:
                        break
                row_day = None
                if rdate and rdate != '""':
                    row_day = dates_get(rdate) or day(rdate)
                    if row_day is None:
                        break
                if rtext:  # texts are shared by content (a cache by raw token would hold both)
                    if rtext[0] == '"':
                        rtext = rtext[1:-1] if "\\" not in rtext else content(rtext)
                    rtext = keep(rtext, rtext)
                count = Decimal(quantity) if quantity and quantity != '""' else None
                if rsign:
                    rsign = content(rsign)
                append(
                    make(
                        Row,
                        (
                            keep(account, account),
                            Decimal(amount),
                            refs,
                            row_day,
                            rtext,
                            count,
                            rsign,
                            "TRANS",
                            False,
                            first,
                            offset,
                        ),
                    )
                )
                if parts is not None:  # the row's contents, one string
                    listed = listed_get(objects, "")
                    when_text = rdate if row_day else ""
                    counted = quantity if count is not None else ""
                    parts.append(
                        f"#TRANS{account}{listed}{amount}{when_text}{rtext}{counted}{rsign}"
                    )
            else:  # every row read: the voucher is taken
                if parts is not None and crc is not None:
                    running.crc = zlib.crc32(cp437("".join(parts)), crc)
                if series[0] == '"':
                    series = content(series)
                text = _shared_content(text, keep) if text else ""
                sign = _shared_content(sign, keep) if sign else ""
                voucher = make(
                    Voucher,
                    (
                        keep(series, series),
                        content(number_text),
                        when,
                        text,
                        registered,
                        sign,
                        tuple(rows),
                        None,
                        None,
                        first,
                    ),
                )
                taken += 1
                taken_rows += len(rows)
                if kept is not None:
                    kept(voucher)
                if handed is not None:
                    handed(voucher)
                number = first + offset + 1
                pos = m.end() + 1
                continue
            break  # a row the fast path does not read: the line path takes the block
        self.taken_vouchers += taken
        self.taken_rows += taken_rows
        return pos, number

    def _objects(self, raw: str, line: int) -> tuple[ObjectRef, ...] | None:
        """An object list's references from its raw text, remembered for next time."""
        items = fld.object_items(raw)
        if items is None:
            return None
        refs = self.fields.objects(items, line)
        self._raw_objects[raw] = refs
        self._object_texts[raw] = "".join(items)  # what the list adds to a checksum
        return refs
