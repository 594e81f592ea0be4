"""The files a closing leaves behind, named and written by one call.

``write_outputs(result, model, folder)`` writes, into ``folder``:

* ``<orgnr>_<year>_bokslut.xlsx`` — the Excel closing sheet;
* ``<orgnr>_<year>_bokslut.si`` — the closing vouchers as SIE 4I, to import;
* ``<orgnr>_<year>_med_bokslut.se`` — the whole year with the vouchers appended,
  in the type it came in (``.si`` for a 4I file);
* ``INFO.SRU`` and ``BLANKETTER.SRU`` — the tax return (INK2, INK2R, INK2S) for
  filing with Skatteverket, under the names Skatteverket requires; left out (the
  tax return's findings say why) when the return cannot be filed, e.g. without a
  usable organisation number;

and returns them as :class:`WrittenFile` values with whatever the SIE writer had to
change. A program gets exactly what ``bokslut close`` writes from this one function.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Literal

import attrs

from closing.appropriations import AssetInputs
from closing.engine import ClosingResult
from closing.sie_output import closing_vouchers_file, sie_type_for, year_with_closing
from closing.taxreturn import TaxReturn, tax_return, write_sru
from closing.taxreturn.sru import BLANKETTER_NAME, INFO_NAME
from closing.workbook import write_workbook
from sie import orgnr as orgnr_mod
from sie.findings import Finding
from sie.model import SieFile
from sie.writer import write

Kind = Literal["workbook", "closing_vouchers", "year_with_closing", "sru_info", "sru_blanketter"]

#: What each output is, as a person would say it.
TITLES: dict[str, str] = {
    "workbook": "Excel closing sheet",
    "closing_vouchers": "Closing vouchers, SIE 4I (to import)",
    "year_with_closing": "The year with the closing vouchers, SIE",
    "sru_info": "Tax return for filing, INFO.SRU",
    "sru_blanketter": "Tax return for filing, BLANKETTER.SRU",
}


class OutputsError(Exception):
    """The outputs could not be written; the message names the folder and what to do."""


@attrs.frozen(slots=True)
class WrittenFile:
    """One output of a closing: what it is, where it went, and what writing it noticed
    (characters the SIE format cannot hold, …)."""

    kind: Kind
    path: Path
    findings: tuple[Finding, ...] = ()

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "path": str(self.path),
            "findings": [f.to_json() for f in self.findings],
        }


def output_stem(result: ClosingResult) -> str:
    """``556742-3180_2025``: the organisation number and the year the closing ends;
    anything but letters, digits and hyphens is dropped so the name is safe on every
    file system."""
    number = result.orgnr.strip()
    if orgnr_mod.is_valid(number):
        number = orgnr_mod.format(number)
    number = re.sub(r"[^0-9A-Za-z-]", "", number)[:20] or "okant-orgnr"
    year = result.tax_year or (result.year.end.year if result.year and result.year.end else 0)
    return f"{number}_{year}"


def output_paths(
    result: ClosingResult, model: SieFile, folder: str | os.PathLike[str]
) -> dict[Kind, Path]:
    """Where :func:`write_outputs` writes each file, without writing anything (the SRU
    files only when the return can be filed)."""
    out = Path(folder)
    stem = output_stem(result)
    suffix = "si" if sie_type_for(model) == "4I" else "se"
    return {
        "workbook": out / f"{stem}_bokslut.xlsx",
        "closing_vouchers": out / f"{stem}_bokslut.si",
        "year_with_closing": out / f"{stem}_med_bokslut.{suffix}",
        "sru_info": out / INFO_NAME,
        "sru_blanketter": out / BLANKETTER_NAME,
    }


def write_outputs(
    result: ClosingResult,
    model: SieFile,
    folder: str | os.PathLike[str],
    *,
    assets: AssetInputs | None = None,
    generated: dt.date | None = None,
    taxreturn: TaxReturn | None = None,
) -> list[WrittenFile]:
    """Write every output of a closed year into ``folder`` (made when missing).

    ``generated`` is the ``#GEN`` date of the SIE files and the SRU files' date
    (default: today); ``taxreturn`` the return of this closing when the caller has it
    already (default: computed here). Raises :class:`OutputsError` when the folder or
    a file cannot be written, and ``ValueError`` for a result that was not closed.
    """
    if not result.closed:
        raise ValueError("the closing was refused; there is nothing to write")
    if not os.fspath(folder).strip():  # Path("") is the current folder: never guess
        raise OutputsError("no output folder was given (an empty name); name the folder")
    today = generated or dt.date.today()
    paths = output_paths(result, model, folder)
    year_model = year_with_closing(model, result, generated=today)
    tr = taxreturn if taxreturn is not None else tax_return(model, result)
    sru: list[WrittenFile] = []
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        write_workbook(result, paths["workbook"], assets, tax_return=tr)
        vouchers = write(
            closing_vouchers_file(model, result, generated=today),
            paths["closing_vouchers"],
            sie_type="4I",
        )
        year = write(year_model, paths["year_with_closing"], sie_type=sie_type_for(year_model))
        if tr.fileable:
            now = dt.datetime.combine(today, dt.time()) if generated else None
            info, forms = write_sru(tr, Path(folder), now=now)
            sru = [WrittenFile("sru_info", info), WrittenFile("sru_blanketter", forms)]
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputsError(
            f"cannot write the outputs into {folder} ({reason}); choose another folder"
        ) from None
    return [
        WrittenFile("workbook", paths["workbook"]),
        WrittenFile("closing_vouchers", paths["closing_vouchers"], tuple(vouchers)),
        WrittenFile("year_with_closing", paths["year_with_closing"], tuple(year)),
        *sru,
    ]


__all__ = [
    "TITLES",
    "OutputsError",
    "WrittenFile",
    "output_paths",
    "output_stem",
    "write_outputs",
]
