"""The values of a tax return: filled fields and the return as a whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from closing.findings import Finding


@attrs.frozen(slots=True)
class Field:
    """One filled box: whole kronor with the form's sign, and where the figure comes from
    (``source`` in words for a reader, ``accounts`` for a sheet that links to them)."""

    id: str
    sru_code: str
    label: str
    amount: int
    source: str
    accounts: tuple[str, ...] = ()


@attrs.frozen(slots=True)
class Filer:
    """Who files: what INFO.SRU and each form's ``#IDENTITET`` need."""

    orgnr: str  # twelve digits with the 16 prefix, "" when the file's is unusable
    name: str
    street: str = ""
    postcode: str = ""
    town: str = ""
    contact: str = ""
    phone: str = ""


@attrs.frozen(slots=True)
class TaxReturn:
    """INK2, INK2R and INK2S of one closing, in form order, only fields that are not zero."""

    tax_year: int | None
    year_start: dt.date | None
    year_end: dt.date | None
    filer: Filer
    #: ``#BLANKETT`` name per form, e.g. ``{"INK2R": "INK2R-2025P4"}``.
    form_names: Mapping[str, str]
    ink2: Mapping[str, Field]
    ink2r: Mapping[str, Field]
    ink2s: Mapping[str, Field]
    findings: tuple[Finding, ...] = ()
    #: Why the figures are only a draft, not for filing (a simulated or forced closing,
    #: another year's SRU tables); empty when nothing stands in the way.
    draft_reasons: tuple[str, ...] = ()

    @property
    def fileable(self) -> bool:
        """Whether SRU files may be written: a closed year, an organisation number, dates,
        and no reason to call the figures a draft."""
        return bool(
            self.filer.orgnr
            and self.form_names
            and self.year_start
            and self.year_end
            and not self.draft_reasons
        )

    def forms(self) -> dict[str, Mapping[str, Field]]:
        return {"INK2": self.ink2, "INK2R": self.ink2r, "INK2S": self.ink2s}

    def amounts(self) -> dict[str, dict[str, int]]:
        """``{"ink2": {field id: amount}, "ink2r": …, "ink2s": …}``."""
        return {
            form.lower(): {k: f.amount for k, f in fields.items()}
            for form, fields in self.forms().items()
        }

    def to_json(self) -> dict[str, Any]:
        """JSON-ready: field → whole-krona maps (integers), the fields in detail, findings."""
        return {
            **self.amounts(),
            "tax_year": self.tax_year,
            "forms": dict(self.form_names),
            "fields": [
                {
                    "form": form,
                    "id": f.id,
                    "sru_code": f.sru_code,
                    "label": f.label,
                    "amount": f.amount,
                    "source": f.source,
                    "accounts": list(f.accounts),
                }
                for form, fields in self.forms().items()
                for f in fields.values()
            ],
            "findings": [f.to_json() for f in self.findings],
        }
