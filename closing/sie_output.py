"""The closing as SIE models, ready for :mod:`sie.writer`.

Two files leave a closing: a 4I file holding only the closing vouchers, which
any bookkeeping program can import (SIE 4B names closing programs returning
their entries this way), and the whole year with the vouchers appended, so
the closed year can be archived or re-read. Both are plain models here; the
caller writes them. Nothing reads a clock: the generation date is a parameter.
"""

from __future__ import annotations

import datetime as dt
from importlib import metadata

import attrs

from closing.engine import ClosingResult, apply
from sie.model import Account, Header, SieFile

#: Written as ``#PROGRAM`` in every file the closing produces.
PROGRAM = "sie-bokslut"


def program_version() -> str:
    """The installed package version, ``"0"`` when running from a bare checkout."""
    try:
        return metadata.version("sie-bokslut")
    except metadata.PackageNotFoundError:
        return "0"


def _generated(model: SieFile, result: ClosingResult, generated: dt.date | None) -> dt.date:
    if generated is not None:
        return generated
    if result.year is not None and result.year.end is not None:
        return result.year.end
    return model.header.generated or dt.date(1970, 1, 1)


def closing_vouchers_file(
    model: SieFile, result: ClosingResult, *, generated: dt.date | None = None
) -> SieFile:
    """A SIE 4I model of the closing vouchers: the company's identification,
    ``#RAR 0``, the accounts the vouchers use (named as in the ledger, else by
    BAS) and the vouchers, numbered as the engine numbered them.

    ``generated`` is the ``#GEN`` date (default: the last day of the year).
    """
    h = model.header
    header = Header(
        flag=0,
        program=PROGRAM,
        program_version=program_version(),
        format="PC8",
        generated=_generated(model, result, generated),
        sie_type=4,
        company_type=h.company_type,
        company_id=h.company_id,
        orgnr=h.orgnr,
        acquisition_no=h.acquisition_no,
        activity_no=h.activity_no,
        company_name=h.company_name,
        currency=h.currency,
    )
    used = {r.account for v in result.vouchers for r in v.rows}
    known = {a.number: a for a in model.accounts}
    new = {a.number: a for a in result.new_accounts}
    accounts = tuple(
        known.get(number) or new.get(number) or Account(number=number) for number in sorted(used)
    )
    year = result.year or model.year(0)
    return SieFile(
        header=header,
        years=(year,) if year is not None else (),
        accounts=accounts,
        vouchers=result.vouchers,
    )


def year_with_closing(
    model: SieFile, result: ClosingResult, *, generated: dt.date | None = None
) -> SieFile:
    """The whole year with the closing vouchers appended (:func:`closing.apply`),
    marked as written by this program on ``generated`` (default: the year's
    last day). Balances the file carries are moved by the vouchers."""
    closed = apply(model, result)
    header = attrs.evolve(
        closed.header,
        flag=0,
        program=PROGRAM,
        program_version=program_version(),
        generated=_generated(model, result, generated),
        generated_by="",
    )
    return attrs.evolve(closed, header=header)


def sie_type_for(model: SieFile) -> str:
    """The type to write the closed year as: the type the file came in."""
    return model.sie_type


__all__ = [
    "PROGRAM",
    "closing_vouchers_file",
    "program_version",
    "sie_type_for",
    "year_with_closing",
]
