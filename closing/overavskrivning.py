"""Överavskrivningar on inventarier (18 kap. IL, räkenskapsenlig avskrivning): the
lower tax value of the 30-rule (pro rata for years not twelve months long) and the
20-rule, and the change in the accumulated överavskrivningar that reaches it.

Impossible inputs are findings, never silent numbers. Books nothing itself —
:mod:`closing.vouchers` makes the voucher.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs

from closing.findings import ClosingCode, Finding, finding
from closing.rates import TaxYearRates
from closing.settings import ClosingAccounts
from closing.trial_balance import TrialBalance, TrialBalanceLine
from sie import amounts, bas
from sie.amounts import ZERO, cents
from sie.model import FinancialYear, SieFile


@attrs.frozen(slots=True)
class AssetInputs:
    """What the user knows about the inventarier for räkenskapsenlig avskrivning.

    ``acquisitions`` maps a tax year to the acquisition cost of items bought
    that year and still held; the current year's entry feeds the 30-rule, the
    current and three previous years' entries the 20-rule (which is only
    computed when all four are given, zero allowed). ``disposals`` is the
    compensation received for items sold this year. ``None`` figures default
    to the ledger: book value = UB of the inventarier accounts (1210–1259, or
    those coded #SRU 7215), opening tax value = their IB minus the accumulated
    överavskrivningar.
    """

    opening_tax_value: Decimal | None = None
    acquisitions: Mapping[int, Decimal] = attrs.field(factory=dict)
    disposals: Decimal = Decimal("0")
    book_value: Decimal | None = None


@attrs.frozen(slots=True)
class Overavskrivning:
    """The överavskrivning computation on inventarier, every step kept."""

    opening_book_value: Decimal
    #: Accumulated överavskrivningar at the start of the year and before closing.
    opening_reserve: Decimal
    reserve_before: Decimal
    opening_tax_value: Decimal
    acquisitions: Decimal
    disposals: Decimal
    #: 30-rule: residual share × (opening tax value + acquisitions − disposals).
    main_rule_base: Decimal
    main_rule_value: Decimal
    #: 20-rule value, ``None`` when the acquisition history was not given.
    complementary_rule_value: Decimal | None
    lowest_tax_value: Decimal
    rule: str
    book_value: Decimal
    #: Accumulated överavskrivningar after closing and the change the closing books.
    reserve_after: Decimal
    change: Decimal
    #: Length of the financial year; the 30-rule's 30 % is taken in proportion to it.
    months: int = 12
    #: Share of the 30-rule base the tax value keeps (0.70 for twelve months).
    main_rule_residual: Decimal = Decimal("0.70")
    #: Whether this year's acquisitions are the ledger's debits on the inventarier
    #: accounts (the inputs gave none for the tax year), not a figure from the inputs.
    acquisitions_from_ledger: bool = False

    @property
    def tax_value(self) -> Decimal:
        return self.book_value - self.reserve_after

    @property
    def max_tax_depreciation(self) -> Decimal:
        return self.main_rule_base - self.lowest_tax_value


def inventarier_lines(tb: TrialBalance, accounts: ClosingAccounts) -> list[TrialBalanceLine]:
    """The inventarier accounts (incl. accumulated planned depreciation). An account
    that carries #SRU codes counts when one of them is INK2R 2.4 (7215), wherever it
    lies; an account without codes counts when it lies in the configured range."""
    return [
        x
        for x in tb.lines
        if (accounts.inventarier_sru in x.sru if x.sru else x.account in accounts.inventarier)
    ]


def ledger_acquisitions(
    model: SieFile, year: FinancialYear, lines: Iterable[TrialBalanceLine]
) -> dict[str, Decimal]:
    """Debits per inventarier account in the year's vouchers: what the ledger shows as
    bought. Accumulated depreciation accounts (1219, 1229 …) are left out: their debits
    are disposals, not purchases."""
    wanted = {x.account for x in lines if not bas.is_accumulated_depreciation(x.account)}
    out: dict[str, Decimal] = {}
    for voucher in model.vouchers:
        if not year.contains(voucher.date):
            continue
        for row in voucher.trans:
            if row.account in wanted and row.amount > 0:
                out[row.account] = out.get(row.account, ZERO) + row.amount
    return out


def main_rule_residual(rates: TaxYearRates, months: int) -> Decimal:
    """Share of the 30-rule base the tax value must keep: the 30 % depreciation is
    taken in proportion to the financial year's length (18 kap. 13 § IL), so 15 %
    for six months, 45 % for eighteen."""
    depreciation = (1 - rates.main_rule_residual) * months / 12
    return max(1 - depreciation, ZERO)


def overavskrivning(
    tb: TrialBalance,
    tax_year: int,
    rates: TaxYearRates,
    accounts: ClosingAccounts,
    assets: AssetInputs,
    months: int = 12,
    ledger_debits: Mapping[str, Decimal] | None = None,
) -> tuple[Overavskrivning, list[Finding]]:
    """The lower tax value of the 30- and 20-rule and the change in the
    accumulated överavskrivningar needed to reach it (negative = dissolve).
    Impossible inputs (a reserve above the book value, a book value already below
    the lowest tax value) are findings; the figures are still computed. When the
    inputs give no acquisitions for ``tax_year``, ``ledger_debits`` (account -> the
    year's debits, :func:`ledger_acquisitions`; ``None`` when the file has no
    transactions) are used, with a warning."""
    findings: list[Finding] = []
    lines = inventarier_lines(tb, accounts)
    history = [tax_year - i for i in range(len(rates.complementary_rule))]
    acquisitions = dict(assets.acquisitions)
    from_ledger = tax_year not in acquisitions
    if from_ledger:
        acquisitions[tax_year] = amounts.total((ledger_debits or {}).values())
        findings.append(_from_ledger(tax_year, ledger_debits, lines, accounts))
    findings.extend(_unused_years(assets.acquisitions, history))
    opening_book = sum((x.ib for x in lines), ZERO)
    book = assets.book_value if assets.book_value is not None else sum((x.ub for x in lines), ZERO)
    reserves = list(tb.in_range(*accounts.overavskrivning_reserves))
    opening_reserve = -sum((x.ib for x in reserves), ZERO)
    reserve_before = -sum((x.ub for x in reserves), ZERO)
    opening_tax = (
        assets.opening_tax_value
        if assets.opening_tax_value is not None
        else opening_book - opening_reserve
    )
    acquired = Decimal(acquisitions[tax_year])
    main_base = opening_tax + acquired - assets.disposals
    residual = main_rule_residual(rates, months)
    main_value = max(cents(main_base * residual), ZERO)
    comp_value: Decimal | None = None
    if all(y in acquisitions for y in history):
        comp_value = cents(
            sum(
                (
                    Decimal(acquisitions[y]) * share
                    for y, share in zip(history, rates.complementary_rule, strict=True)
                ),
                ZERO,
            )
        )
    else:
        findings.append(
            finding(
                "closing-rule20-skipped",
                "The 20-rule (kompletteringsregeln) was not computed: it needs the cost of "
                f"inventarier still held bought in each of {history[-1]}–{history[0]} "
                "(zero allowed). Only the 30-rule limits the tax value.",
            )
        )
    if comp_value is not None and comp_value < main_value:
        lowest, rule = comp_value, "20"
    else:
        lowest, rule = main_value, "30"
    findings.extend(_impossible(book, reserve_before, lowest, lines, accounts))
    target = max(book - lowest, ZERO)
    change = target - reserve_before
    return (
        Overavskrivning(
            opening_book_value=opening_book,
            opening_reserve=opening_reserve,
            reserve_before=reserve_before,
            opening_tax_value=opening_tax,
            acquisitions=acquired,
            disposals=Decimal(assets.disposals),
            main_rule_base=main_base,
            main_rule_value=main_value,
            complementary_rule_value=comp_value,
            lowest_tax_value=lowest,
            rule=rule,
            book_value=book,
            reserve_after=target,
            change=cents(change),
            months=months,
            main_rule_residual=residual,
            acquisitions_from_ledger=from_ledger,
        ),
        findings,
    )


def _from_ledger(
    tax_year: int,
    debits: Mapping[str, Decimal] | None,
    lines: list[TrialBalanceLine],
    accounts: ClosingAccounts,
) -> Finding:
    """The warning that this year's acquisitions come from the ledger, naming its debits."""
    where = ", ".join(x.account for x in lines) or f"none in {accounts.inventarier}"
    if debits is None:
        seen = "no ledger transactions were there to take them from, so 0 is used"
    elif not any(debits.values()):
        seen = f"the ledger shows no debits on the inventarier accounts ({where}), so 0 is used"
    else:
        shown = ", ".join(f"{a} {amounts.format(x)}" for a, x in sorted(debits.items()) if x)
        total = amounts.format(amounts.total(debits.values()))
        seen = (
            f"the ledger's debits on the inventarier accounts this year are used instead: "
            f"{shown} (total {total})"
        )
    return finding(
        "closing-acquisitions-from-ledger",
        f"The inventarier inputs give no acquisitions for {tax_year}; {seen}. If that is not "
        f'what was bought and still held, give "acquisitions": {{"{tax_year}": "…"}} in the '
        "assets file (AssetInputs.acquisitions).",
    )


def _unused_years(given: Mapping[int, Decimal], history: list[int]) -> list[Finding]:
    """A warning for acquisition years neither rule reads (future or too old)."""
    unused = sorted(y for y in given if y not in history)
    if not unused:
        return []
    return [
        finding(
            "closing-acquisitions-unused",
            f"The inventarier inputs give acquisitions for {', '.join(map(str, unused))}, "
            f"which neither rule uses: the 30-rule reads {history[0]}, the 20-rule "
            f"{history[-1]}–{history[0]}. Check the years in the assets file.",
        )
    ]


def _impossible(
    book: Decimal,
    reserve: Decimal,
    lowest: Decimal,
    lines: list[TrialBalanceLine],
    accounts: ClosingAccounts,
) -> list[Finding]:
    where = ", ".join(x.account for x in lines) or f"none in {accounts.inventarier}"
    checks: tuple[tuple[bool, ClosingCode, str], ...] = (
        (
            reserve > book,
            "closing-reserve-exceeds-book",
            f"The accumulated överavskrivningar ({amounts.format(reserve)}) exceed the book "
            f"value of the inventarier ({amounts.format(book)}; accounts {where}), so the tax "
            "value would be negative. Check that every inventarier account is included "
            "(ClosingAccounts.inventarier or the accounts' #SRU 7215) and the reserve accounts' "
            "balances.",
        ),
        (
            book < lowest,
            "closing-tax-value-below-floor",
            f"The book value of the inventarier ({amounts.format(book)}) is already below the "
            f"lowest tax value the law allows ({amounts.format(lowest)}): the planned "
            "depreciation exceeds what is deductible, and the excess must be added back in the "
            "tax return. Check the opening tax value, acquisitions and disposals given in "
            "AssetInputs.",
        ),
    )
    return [finding(code, message) for failed, code, message in checks if failed]


__all__ = [
    "AssetInputs",
    "Overavskrivning",
    "inventarier_lines",
    "ledger_acquisitions",
    "main_rule_residual",
    "overavskrivning",
]
