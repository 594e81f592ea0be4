"""The tax return of an aktiebolag: INK2, INK2R and INK2S, and the SRU files for filing.

``tax_return(model, result)`` fills the forms from a closing (INK2R from the
accounts after the closing vouchers, INK2S from INK2R and the tax computation,
INK2 from INK2S); ``write_sru`` writes ``INFO.SRU`` and ``BLANKETTER.SRU``;
``read_sru`` reads such a pair back. The forms and the BAS → SRU table are data
per tax year in :mod:`closing.taxreturn.forms`.
"""

from closing.taxreturn.build import ClosingFigures, closing_figures, tax_return
from closing.taxreturn.fields import Field, Filer, TaxReturn
from closing.taxreturn.forms import TABLES, FieldDef, FormTable, form_fields, form_name
from closing.taxreturn.sru import SruError, SruFiles, SruForm, read_sru, write_sru

__all__ = [
    "TABLES",
    "ClosingFigures",
    "Field",
    "FieldDef",
    "Filer",
    "FormTable",
    "SruError",
    "SruFiles",
    "SruForm",
    "TaxReturn",
    "closing_figures",
    "form_fields",
    "form_name",
    "read_sru",
    "tax_return",
    "write_sru",
]
