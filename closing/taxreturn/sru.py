"""Skatteverket's SRU file pair: ``INFO.SRU`` (who sends) and ``BLANKETTER.SRU`` (the forms).

Both are ISO-8859-1 text, one ``#LABEL value`` record per line (CR LF), no
quoting: a value is the rest of the line. ``BLANKETTER.SRU`` holds one block
per form (``#BLANKETT`` … ``#BLANKETTSLUT``) and ends with ``#FIL_SLUT``; each
``#UPPGIFT`` is a field code and a whole-krona amount. The files must keep
their names. Format as the closing domain brief §6 describes it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import attrs

from closing.taxreturn.fields import TaxReturn
from closing.taxreturn.forms import (
    FORMS,
    INK2_YEAR_END,
    INK2_YEAR_START,
    TABLES,
    FormTable,
)

INFO_NAME = "INFO.SRU"
BLANKETTER_NAME = "BLANKETTER.SRU"
ENCODING = "iso-8859-1"
PROGRAM = "sie-bokslut"
_UPPGIFT = re.compile(r"([0-9]{4}) +(-?[0-9]{1,15})")


class SruError(ValueError):
    """SRU files cannot be written, or a file read is not a well-formed SRU file.
    ``str()`` names the file and line and says what to do."""


def _lines_info(tr: TaxReturn, now: dt.datetime) -> Iterator[str]:
    f = tr.filer
    yield "#DATABESKRIVNING_START"
    yield "#PRODUKT SRU"
    yield f"#SKAPAD {now:%Y%m%d} {now:%H%M%S}"
    yield f"#PROGRAM {PROGRAM}"
    yield f"#FILNAMN {BLANKETTER_NAME}"
    yield "#DATABESKRIVNING_SLUT"
    yield "#MEDIELEV_START"
    yield f"#ORGNR {f.orgnr}"
    yield f"#NAMN {f.name}"
    for label, value in (
        ("#ADRESS", f.street),
        ("#POSTNR", f.postcode),
        ("#POSTORT", f.town),
        ("#KONTAKT", f.contact),
        ("#TELEFON", f.phone),
    ):
        if value:
            yield f"{label} {value}"
    yield "#MEDIELEV_SLUT"


def _lines_forms(tr: TaxReturn, now: dt.datetime) -> Iterator[str]:
    assert tr.year_start is not None and tr.year_end is not None
    for form, fields in tr.forms().items():
        yield f"#BLANKETT {tr.form_names[form]}"
        yield f"#IDENTITET {tr.filer.orgnr} {now:%Y%m%d} {now:%H%M%S}"
        yield f"#NAMN {tr.filer.name}"
        if form == "INK2":
            yield f"#UPPGIFT {INK2_YEAR_START} {tr.year_start:%Y%m%d}"
            yield f"#UPPGIFT {INK2_YEAR_END} {tr.year_end:%Y%m%d}"
        for field in fields.values():
            yield f"#UPPGIFT {field.sru_code} {field.amount}"
        yield "#BLANKETTSLUT"
    yield "#FIL_SLUT"


def write_sru(
    tr: TaxReturn, folder: Path | str, *, now: dt.datetime | None = None
) -> tuple[Path, Path]:
    """Write ``INFO.SRU`` and ``BLANKETTER.SRU`` into ``folder``; their paths.

    Raises :class:`SruError` when the return cannot be filed (see ``tr.fileable``
    and the ``closing-sru-identity`` / ``closing-taxreturn-not-closed`` /
    ``closing-sru-draft`` findings).
    """
    if not tr.fileable:
        raise SruError(
            "no SRU files written: the return has no usable organisation number, no "
            "closed financial year or is a draft (see the closing-sru-identity, "
            "closing-taxreturn-not-closed and closing-sru-draft findings)"
        )
    now = (now or dt.datetime.now()).replace(microsecond=0)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)  # as write_outputs does for the workbook
    info, forms = target / INFO_NAME, target / BLANKETTER_NAME
    for path, lines in ((info, _lines_info(tr, now)), (forms, _lines_forms(tr, now))):
        text = "".join(f"{line}\r\n" for line in lines)
        path.write_bytes(text.encode(ENCODING, errors="replace"))
    return info, forms


@attrs.frozen(slots=True)
class SruForm:
    """One ``#BLANKETT`` block as read: its name (``INK2R-2025P4``), identity and fields."""

    name: str
    identity: tuple[str, ...]
    company: str
    #: SRU code → value as written, in file order.
    values: dict[str, str]

    @property
    def form(self) -> str:
        return self.name.split("-", 1)[0]

    @property
    def tax_year(self) -> int | None:
        rest = self.name.split("-", 1)[1] if "-" in self.name else ""
        return int(rest[:4]) if rest[:4].isdigit() else None


@attrs.frozen(slots=True)
class SruFiles:
    """An SRU file pair as read: INFO.SRU's records and the forms of BLANKETTER.SRU."""

    info: dict[str, str]
    forms: tuple[SruForm, ...]

    def amounts(self) -> dict[str, dict[str, int]]:
        """``{"ink2": {field id: amount}, …}``, field ids from the codes of each form's
        tax year (the year dates of INK2 are not amounts and are left out)."""
        out: dict[str, dict[str, int]] = {}
        for form in self.forms:
            table: FormTable = TABLES.get(form.tax_year or 0) or TABLES[max(TABLES)]
            if form.form not in FORMS:
                raise SruError(f"{BLANKETTER_NAME}: {form.name} is not INK2, INK2R or INK2S")
            by_code = table.by_code(form.form)
            values = out.setdefault(form.form.lower(), {})
            for code, value in form.values.items():
                if code in (INK2_YEAR_START, INK2_YEAR_END) and form.form == "INK2":
                    continue
                if code not in by_code:
                    raise SruError(f"{BLANKETTER_NAME}: {form.name} has unknown field {code}")
                values[by_code[code].id] = int(value)
        return out


def _records(path: Path) -> Iterator[tuple[int, str, str]]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SruError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    for number, raw in enumerate(data.decode(ENCODING).splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            raise SruError(f"{path}:{number}: a record starts with #, this line does not")
        label, _, value = line.partition(" ")
        yield number, label, value.strip()


def read_sru(info_path: Path | str, blanketter_path: Path | str) -> SruFiles:
    """Parse an SRU file pair; raises :class:`SruError` with file and line when malformed."""
    info: dict[str, str] = {}
    for _number, label, value in _records(Path(info_path)):
        info.setdefault(label[1:], value)
    for needed in ("PRODUKT", "ORGNR", "NAMN"):
        if needed not in info:
            raise SruError(f"{info_path}: the #{needed} record is missing")
    forms: list[SruForm] = []
    current: dict[str, object] | None = None
    ended = False
    for number, label, value in _records(Path(blanketter_path)):
        where = f"{blanketter_path}:{number}"
        if ended:
            raise SruError(f"{where}: {label} after #FIL_SLUT")
        if label == "#BLANKETT":
            if current is not None:
                raise SruError(f"{where}: #BLANKETT inside a form; close it with #BLANKETTSLUT")
            current = {"name": value, "identity": (), "company": "", "values": {}}
        elif label == "#FIL_SLUT":
            if current is not None:
                raise SruError(f"{where}: #FIL_SLUT inside a form")
            ended = True
        elif current is None:
            raise SruError(f"{where}: {label} outside a #BLANKETT block")
        elif label == "#IDENTITET":
            current["identity"] = tuple(value.split())
        elif label == "#NAMN":
            current["company"] = value
        elif label == "#UPPGIFT":
            match = _UPPGIFT.fullmatch(value)
            if match is None:
                raise SruError(
                    f"{where}: #UPPGIFT needs a four-digit field code and a whole number"
                )
            code, amount = match.groups()
            values = current["values"]
            assert isinstance(values, dict)
            if code in values:
                raise SruError(f"{where}: field {code} is given twice")
            values[code] = amount
        elif label == "#BLANKETTSLUT":
            forms.append(SruForm(**current))  # type: ignore[arg-type]
            current = None
        else:
            raise SruError(f"{where}: {label} is not a record of BLANKETTER.SRU")
    if current is not None or not ended:
        raise SruError(f"{blanketter_path}: the file ends without #BLANKETTSLUT / #FIL_SLUT")
    return SruFiles(info, tuple(forms))
