"""Which records each SIE type must, may and must not contain (SIE 4C §6).

One table, read by the writer (what a type cannot hold) and by validation
(what a file of a type lacks or carries against the spec).
"""

from __future__ import annotations

from collections.abc import Mapping

#: The SIE types, as :attr:`sie.model.SieFile.sie_type` names them.
SIE_TYPES = ("1", "2", "3", "4E", "4I")

#: Which records each type must (M), may (o) or must not (-) contain: SIE 4C §6.
#: Columns: type 1, 2, 3, 4I, 4E.
TYPE_COLUMNS = ("1", "2", "3", "4I", "4E")
RECORD_RULES: Mapping[str, str] = {
    "#FLAGGA": "MMMMM",
    "#PROGRAM": "MMMMM",
    "#FORMAT": "MMMMM",
    "#GEN": "MMMMM",
    "#SIETYP": "oMMMM",
    "#PROSA": "ooooo",
    "#FTYP": "ooooo",
    "#FNR": "ooooo",
    "#ORGNR": "ooooo",
    "#BKOD": "ooo-o",
    "#ADRESS": "ooooo",
    "#FNAMN": "MMMMM",
    "#RAR": "MMMoM",
    "#TAXAR": "ooooo",
    "#OMFATTN": "-MM-o",
    "#KPTYP": "ooooo",
    "#VALUTA": "ooooo",
    "#KONTO": "MMMoM",
    "#KTYP": "ooooo",
    "#ENHET": "ooooo",
    "#SRU": "MMooo",
    "#DIM": "--Moo",
    "#UNDERDIM": "--Moo",
    "#OBJEKT": "--Moo",
    "#IB": "MMM-M",
    "#UB": "MMM-M",
    "#OIB": "--M-o",
    "#OUB": "--M-o",
    "#RES": "MMM-M",
    "#PSALDO": "-MM-o",
    "#PBUDGET": "-MM-o",
    "#VER": "---oo",
    "#TRANS": "---oo",
    "#RTRANS": "---oo",
    "#BTRANS": "---oo",
    "#KSUMMA": "ooooo",
}


def forbidden(sie_type: str) -> frozenset[str]:
    """Labels a file of ``sie_type`` must not contain."""
    column = TYPE_COLUMNS.index(sie_type)
    return frozenset(label for label, marks in RECORD_RULES.items() if marks[column] == "-")
