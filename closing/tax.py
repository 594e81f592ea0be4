"""The company-tax ladder of an aktiebolag (INK2S logic), as plain arithmetic.

From the booked result before appropriations to the taxable income and the
tax, with the periodiseringsfond allocation decided on the way because its
limit is a share of the surplus computed before it (domain brief §3, §4):

    surplus     = result before appropriations + appropriations (booked and by
                  the closing, excluding the new allocation) + adjustments
                  + schablonintäkt + uppräkning
    pfond base  = surplus (− previous deficit, by setting)
    allocation  ≤ floor(25 % × base)
    taxable     = round down to 10 (surplus − previous deficit − allocation)
    tax         = floor(taxable × rate)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

import attrs

from closing.findings import Finding, finding
from closing.rates import INK2S_FIELDS, TaxYearRates, floor_to, truncate_to
from closing.settings import ClosingSettings, PfondChoice
from closing.trial_balance import TrialBalance
from sie import amounts, bas
from sie.amounts import KRONA, ZERO, cents

#: Account names that say the amount is not deductible or not taxable (BAS wording:
#: "ej avdragsgill", "ej avdragsgilla", "ej skattepliktig", "icke avdragsgill",
#: "skattefria ränteintäkter" …).
NAMED_NOT_DEDUCTIBLE = re.compile(
    r"\b(ej|icke|inte)\s+(avdragsgill|skattepliktig)|\bskattefri", re.IGNORECASE
)
#: The INK2S fields a tax adjustment may name, and ``none`` (no adjustment: drops a default).
ADJUSTMENT_FIELDS = ("4.3b", "4.3c", "4.5b", "4.5c")
NO_ADJUSTMENT = "none"


def _parents(account: str) -> list[str]:
    """``account``, its four-digit parent (60721 → 6072) and that one's BAS group
    account (8271 → 8270): where a mapping for it is looked up, nearest first."""
    found = bas.head(account)
    if found is None:
        return [account]
    return list(dict.fromkeys((account, found, found[:3] + "0")))


def adjustment_field(account: str, mapping: Mapping[str, str]) -> str | None:
    """The INK2S field ``mapping`` gives ``account``: its own entry, else its parent's
    (sub-account 60721 → 6072, 8271 → group account 8270); ``None`` for none."""
    field = next((mapping[a] for a in _parents(account) if a in mapping), None)
    return None if field in (None, NO_ADJUSTMENT) else field


def parse_adjustment(text: str) -> tuple[str, str]:
    """``ACCOUNT=FIELD`` as a user types it (``6072=4.3c``, ``8314=none``); a
    ``ValueError`` says what is wrong."""
    account, sep, field = text.partition("=")
    account, field = account.strip(), field.strip().lower()
    if not sep or bas.head(account) is None or not account.isdigit():
        raise ValueError(f"{text!r}: give ACCOUNT=FIELD, e.g. 6072=4.3c")
    if field not in (*ADJUSTMENT_FIELDS, NO_ADJUSTMENT):
        allowed = ", ".join((*ADJUSTMENT_FIELDS, NO_ADJUSTMENT))
        raise ValueError(f"{text!r}: the field must be one of {allowed}")
    return account, field


def _covered(account: str, mapping: Mapping[str, str]) -> bool:
    """Whether ``mapping`` decides ``account`` (itself or a parent), ``none`` included."""
    return any(a in mapping for a in _parents(account))


@attrs.frozen(slots=True)
class Adjustment:
    """A booked amount that is not deductible (added back) or not taxable
    (deducted): the account's net movement, debit positive, so it adds to the
    taxable income as it stands."""

    account: str
    name: str
    field: str
    amount: Decimal

    @property
    def field_title(self) -> str:
        return INK2S_FIELDS.get(self.field, self.field)


def adjustments(tb: TrialBalance, mapping: Mapping[str, str]) -> tuple[Adjustment, ...]:
    """Adjustments for every mapped account (or sub-account of a mapped parent) that
    moved during the year, in account order."""
    out = []
    for line in sorted(tb.lines, key=lambda x: x.account):
        field = adjustment_field(line.account, mapping)
        if field is not None and line.ub:
            out.append(Adjustment(line.account, line.name, field, line.ub))
    return tuple(out)


def unmapped_adjustments(tb: TrialBalance, mapping: Mapping[str, str]) -> list[Finding]:
    """A warning for every result account that moved, whose name says it is not
    deductible or not taxable, but that no adjustment covers."""
    return [
        finding(
            "closing-adjustment-unmapped",
            f"Account {x.account} {x.name!r} moved by {amounts.format(x.ub)} and its name "
            "says it is not deductible or not taxable, but no tax adjustment covers it, so it "
            "counts as deductible/taxable. If the name is right, map it: on the command line "
            f"--adjust {x.account}=4.3c to add back a cost or --adjust {x.account}=4.5c to "
            f"deduct an income (--adjust {x.account}=none if it is taxable after all); in the "
            "library ClosingSettings.adjustments.",
        )
        for x in tb.lines
        if x.is_result
        and x.ub
        and not _covered(x.account, mapping)
        and NAMED_NOT_DEDUCTIBLE.search(x.name)
    ]


@attrs.frozen(slots=True)
class TaxComputation:
    """Every step of the ladder, so a workbook can show and re-derive it."""

    result_before_appropriations: Decimal
    #: Appropriations already booked before closing (profit positive), the
    #: allocation account excluded.
    booked_appropriations: Decimal
    #: Periodiseringsfond allocation already booked before closing (positive).
    booked_allocation: Decimal
    pfond_reversal: Decimal
    #: Change in accumulated överavskrivningar booked by the closing (positive = cost).
    overavskrivning: Decimal
    adjustments: tuple[Adjustment, ...]
    schablonintakt: Decimal
    upprakning: Decimal
    surplus: Decimal
    previous_deficit: Decimal
    pfond_base: Decimal
    pfond_max: Decimal
    #: New allocation booked by the closing.
    pfond_allocation: Decimal
    taxable_income_exact: Decimal
    taxable_income: Decimal
    rate: Decimal
    tax: Decimal
    deficit_carried_forward: Decimal
    #: Income tax already booked before closing (8910); the closing books the rest.
    booked_tax: Decimal = ZERO
    findings: tuple[Finding, ...] = ()

    @property
    def tax_to_book(self) -> Decimal:
        """What the closing's tax voucher books: the tax less what is booked already."""
        return self.tax - self.booked_tax

    @property
    def booked_result_before_allocation(self) -> Decimal:
        """The booked result after reversals and överavskrivningar, before the
        allocation and the tax."""
        return (
            self.result_before_appropriations
            + self.booked_appropriations
            + self.pfond_reversal
            - self.overavskrivning
        )

    @property
    def adjustment_total(self) -> Decimal:
        return sum((a.amount for a in self.adjustments), ZERO)

    def adjustment_sum(self, field: str) -> Decimal:
        return sum((a.amount for a in self.adjustments if a.field == field), ZERO)

    @property
    def non_deductible(self) -> Decimal:
        """INK2S 4.3c, as a positive add-back."""
        return self.adjustment_sum("4.3c")

    @property
    def non_taxable(self) -> Decimal:
        """INK2S 4.5c, as a positive deduction."""
        return -self.adjustment_sum("4.5c")


def surplus_before_allocation(
    *,
    result_before_appropriations: Decimal,
    booked_appropriations: Decimal,
    pfond_reversal: Decimal,
    overavskrivning: Decimal,
    adjustments: tuple[Adjustment, ...],
    schablonintakt: Decimal,
    upprakning: Decimal,
) -> Decimal:
    """The surplus of the business before the new allocation and a previous deficit."""
    return (
        result_before_appropriations
        + booked_appropriations
        + pfond_reversal
        - overavskrivning
        + sum((a.amount for a in adjustments), ZERO)
        + schablonintakt
        + upprakning
    )


def compute_tax(
    *,
    result_before_appropriations: Decimal,
    booked_appropriations: Decimal,
    booked_allocation: Decimal,
    pfond_reversal: Decimal,
    overavskrivning: Decimal,
    adjustments: tuple[Adjustment, ...],
    schablonintakt: Decimal,
    upprakning: Decimal,
    rates: TaxYearRates,
    settings: ClosingSettings,
    booked_tax: Decimal = ZERO,
) -> TaxComputation:
    """Run the ladder and decide the new periodiseringsfond allocation."""
    findings: list[Finding] = []
    surplus = surplus_before_allocation(
        result_before_appropriations=result_before_appropriations,
        booked_appropriations=booked_appropriations,
        pfond_reversal=pfond_reversal,
        overavskrivning=overavskrivning,
        adjustments=adjustments,
        schablonintakt=schablonintakt,
        upprakning=upprakning,
    )
    deficit = max(settings.previous_deficit, ZERO)
    base = surplus - deficit if settings.deficit_before_pfond else surplus
    pfond_max = floor_to(base * rates.pfond_max_share, KRONA) if base > 0 else ZERO
    # An allocation never creates (or deepens) a deficit: with the base taken before
    # the previous deficit, the room is also capped by what the deficit leaves.
    room = max(min(pfond_max, surplus - deficit) - booked_allocation, ZERO)
    allocation = _allocation(settings.pfond, room, findings)
    exact = surplus - deficit - booked_allocation - allocation
    taxable = floor_to(exact, rates.taxable_rounding) if exact > 0 else ZERO
    raw_tax = taxable * rates.income_tax_rate
    tax = floor_to(raw_tax, KRONA) if settings.tax_rounding == "krona" else cents(raw_tax)
    carried = truncate_to(-exact, KRONA) if exact < 0 else ZERO
    if carried:
        findings.append(
            finding(
                "closing-deficit",
                f"The year gives a tax deficit (underskott) of {amounts.format(carried)}; no tax "
                "is due. Carry it forward as next year's previous_deficit (INK2S 4.14a).",
            )
        )
    return TaxComputation(
        result_before_appropriations=result_before_appropriations,
        booked_appropriations=booked_appropriations,
        booked_allocation=booked_allocation,
        pfond_reversal=pfond_reversal,
        overavskrivning=overavskrivning,
        adjustments=adjustments,
        schablonintakt=schablonintakt,
        upprakning=upprakning,
        surplus=surplus,
        previous_deficit=deficit,
        pfond_base=base,
        pfond_max=pfond_max,
        pfond_allocation=allocation,
        taxable_income_exact=exact,
        taxable_income=taxable,
        rate=rates.income_tax_rate,
        tax=tax,
        deficit_carried_forward=carried,
        booked_tax=booked_tax,
        findings=tuple(findings),
    )


def _allocation(choice: PfondChoice, room: Decimal, findings: list[Finding]) -> Decimal:
    if choice == "max":
        return room
    if choice == "none":
        return ZERO
    wanted = cents(Decimal(choice))
    if wanted < 0:
        findings.append(
            finding(
                "closing-pfond-capped",
                f"A negative periodiseringsfond allocation ({amounts.format(wanted)}) is not "
                "possible; none is made. Use a voluntary reversal to reduce funds.",
            )
        )
        return ZERO
    if wanted > room:
        findings.append(
            finding(
                "closing-pfond-capped",
                f"The requested periodiseringsfond allocation {amounts.format(wanted)} exceeds "
                f"the maximum {amounts.format(room)} (25 % of the base); {amounts.format(room)} "
                "is allocated.",
            )
        )
        return room
    return wanted


__all__ = [
    "ADJUSTMENT_FIELDS",
    "NO_ADJUSTMENT",
    "Adjustment",
    "TaxComputation",
    "adjustment_field",
    "adjustments",
    "compute_tax",
    "parse_adjustment",
    "surplus_before_allocation",
    "unmapped_adjustments",
]
