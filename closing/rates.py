"""Tax-year tables for an aktiebolag, 2024–2026, as data.

Each row is keyed by the calendar year in which the tax year (= financial year)
ends, because that is how the statslåneränta for the schablonintäkt is chosen
(30 Nov of the year before that calendar year) and how BAS names the
periodiseringsfond accounts. Figures and their confidence are in the closing
domain brief, §0 and §3; change them here, nowhere else.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, ROUND_FLOOR, Decimal

import attrs

from sie.amounts import CENT


@attrs.frozen(slots=True)
class UpprakningRule:
    """Funds allocated in a tax year starting before ``allocated_before`` are
    taxed at ``factor`` × the reversed amount; only 100 % is booked, the excess
    goes to INK2S 4.6d."""

    allocated_before: dt.date
    factor: Decimal


@attrs.frozen(slots=True)
class TaxYearRates:
    """Everything the closing needs that changes by tax year."""

    year: int
    #: Statlig inkomstskatt for juridiska personer (65 kap. 10 § IL).
    income_tax_rate: Decimal
    #: Statslåneränta 30 Nov of the year before ``year`` (schablonintäkt, 30 kap. 6 a § IL).
    schablon_rate: Decimal
    schablon_rate_floor: Decimal = Decimal("0.005")
    #: Share of the statslåneränta used (100 % for tax years starting after 2018).
    schablon_factor: Decimal = Decimal("1")
    #: Max periodiseringsfond allocation for an AB, share of the surplus before it.
    pfond_max_share: Decimal = Decimal("0.25")
    #: A fund must be reversed at the latest in this tax year after its allocation year.
    pfond_reversal_after: int = 6
    #: Uppräkning applies to reversals in tax years starting on or after this date.
    upprakning_from: dt.date = dt.date(2021, 1, 1)
    upprakning: tuple[UpprakningRule, ...] = (
        UpprakningRule(dt.date(2019, 1, 1), Decimal("1.06")),
        UpprakningRule(dt.date(2021, 1, 1), Decimal("1.04")),
    )
    #: Taxable income of an AB is rounded down to whole tens (1 kap. 7 § IL).
    taxable_rounding: Decimal = Decimal("10")
    #: 30-regeln: the tax value may not go below this share of
    #: (opening tax value + acquisitions − compensation for disposals).
    main_rule_residual: Decimal = Decimal("0.70")
    #: 20-regeln: remaining cost of items bought this year, 1, 2, 3 years ago × these shares.
    complementary_rule: tuple[Decimal, ...] = (
        Decimal("0.80"),
        Decimal("0.60"),
        Decimal("0.40"),
        Decimal("0.20"),
    )

    def effective_schablon_rate(self) -> Decimal:
        return max(self.schablon_rate, self.schablon_rate_floor) * self.schablon_factor

    def upprakning_factor(self, fund_tax_year_start: dt.date, current_start: dt.date) -> Decimal:
        """Factor on a reversed fund (1 when no uppräkning applies)."""
        if current_start < self.upprakning_from:
            return Decimal("1")
        for rule in self.upprakning:
            if fund_tax_year_start < rule.allocated_before:
                return rule.factor
        return Decimal("1")


#: One row per tax year (calendar year in which the tax year ends).
RATES: dict[int, TaxYearRates] = {
    2024: TaxYearRates(
        year=2024, income_tax_rate=Decimal("0.206"), schablon_rate=Decimal("0.0262")
    ),
    2025: TaxYearRates(
        year=2025, income_tax_rate=Decimal("0.206"), schablon_rate=Decimal("0.0196")
    ),
    2026: TaxYearRates(
        year=2026, income_tax_rate=Decimal("0.206"), schablon_rate=Decimal("0.0255")
    ),
}


def for_year(year: int) -> TaxYearRates | None:
    """The table row for a tax year, ``None`` when the project has no figures for it."""
    return RATES.get(year)


#: INK2S field per account for booked items that are not deductible (4.3b, 4.3c: added
#: back) or not taxable (4.5b, 4.5c: deducted), following the BAS names (domain brief
#: §2.2, §3.5). The adjustment is the account's net movement, so a cost (debit) adds and
#: an income (credit) deducts without any sign table. Change it per closing with
#: ``ClosingSettings.adjustments``.
DEFAULT_ADJUSTMENTS: dict[str, str] = {
    # 4.3b Bokförda nedskrivningar av finansiella tillgångar (andelar), not deductible.
    "8070": "4.3b",  # Nedskrivningar av andelar i och fordringar hos koncernföretag
    "8170": "4.3b",  # Nedskrivningar av andelar i och fordringar hos intresseföretag
    "8270": "4.3b",  # Nedskrivningar av andelar i och fordringar hos övriga ägarintresseföretag
    # 4.3c Andra bokförda kostnader som inte ska dras av.
    "5982": "4.3c",  # Sponsring, ej avdragsgill
    "6072": "4.3c",  # Representation, ej avdragsgill
    "6342": "4.3c",  # Lämnade skadestånd, ej avdragsgilla
    "6392": "4.3c",  # Övriga riskkostnader, ej avdragsgilla
    "6982": "4.3c",  # Föreningsavgifter, ej avdragsgilla
    "6992": "4.3c",  # Övriga externa kostnader, ej avdragsgilla
    "6993": "4.3c",  # Lämnade bidrag och gåvor
    "7622": "4.3c",  # Sjuk- och hälsovård, ej avdragsgill
    "7623": "4.3c",  # Sjukvårdsförsäkring, ej avdragsgill
    "7632": "4.3c",  # Personalrepresentation, ej avdragsgill
    "8423": "4.3c",  # Räntekostnader för skatter och avgifter (skattekontot)
    # 4.5b Utdelning på näringsbetingade andelar, not taxable.
    "8012": "4.5b",  # Utdelning på andelar i dotterföretag
    "8112": "4.5b",  # Utdelningar från intresseföretag
    "8212": "4.5b",  # Utdelningar från övriga ägarintresseföretag
    # 4.5c Andra bokförda intäkter som inte ska tas upp.
    "8080": "4.5c",  # Återföringar av nedskrivningar (koncernföretag), mirror of 8070
    "8180": "4.5c",  # Återföringar av nedskrivningar (intresseföretag), mirror of 8170
    "8280": "4.5c",  # Återföringar av nedskrivningar (övriga ägarintressen), mirror of 8270
    "8254": "4.5c",  # Skattefria ränteintäkter, långfristiga tillgångar
    "8314": "4.5c",  # Skattefria ränteintäkter (skattekontot)
}

#: Plain-language titles of the INK2S fields the closing fills.
INK2S_FIELDS: dict[str, str] = {
    "4.3a": "Skatt på årets resultat",
    "4.3b": "Bokförda nedskrivningar av finansiella tillgångar",
    "4.3c": "Andra bokförda kostnader som inte ska dras av",
    "4.5b": "Utdelning på näringsbetingade andelar",
    "4.5c": "Andra bokförda intäkter som inte ska tas upp",
    "4.6a": "Schablonintäkt på periodiseringsfonder",
    "4.6d": "Uppräknat belopp vid återföring av periodiseringsfond",
    "4.14a": "Outnyttjat underskott från föregående år",
    "4.15": "Överskott",
    "4.16": "Underskott",
}


def floor_to(value: Decimal, step: Decimal) -> Decimal:
    """Round down to a multiple of ``step`` (towards minus infinity), kept to öre."""
    return ((value / step).to_integral_value(rounding=ROUND_FLOOR) * step).quantize(CENT)


def truncate_to(value: Decimal, step: Decimal) -> Decimal:
    """Round towards zero to a multiple of ``step``, kept to öre."""
    return ((value / step).to_integral_value(rounding=ROUND_DOWN) * step).quantize(CENT)


__all__ = [
    "DEFAULT_ADJUSTMENTS",
    "INK2S_FIELDS",
    "RATES",
    "TaxYearRates",
    "UpprakningRule",
    "floor_to",
    "for_year",
    "truncate_to",
]
