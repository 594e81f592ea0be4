"""INK2R, the balance sheet and income statement of the return, from the accounts.

Each account's closing balance goes to the field its ``#SRU`` code names, or,
without one, to the field the BAS table gives. Amounts are summed per field
with the form's sign, then a field whose sum has the other sign moves to its
alternative (the SIE spec leaves the sign-dependent code to the tax program),
and the two halves of a (+/-) row are netted into one. Årets resultat (3.26 /
3.27) is computed from the result fields, as on the form; the result-transfer
accounts (8990–8999) carry the same figure and are not placed again. Amounts
are whole kronor with öre dropped per field (SFL 22 kap. 1 §).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from closing.findings import Finding, finding
from closing.settings import AccountRange
from closing.taxreturn.fields import Field
from closing.taxreturn.forms import (
    ARETS_FORLUST,
    ARETS_VINST,
    INK2R_BALANCE,
    INK2R_RESULT,
    NEGATIVE_ALLOWED,
    FieldDef,
    FormTable,
)
from closing.trial_balance import TrialBalanceLine
from sie.amounts import ZERO, format, format_kronor

_BALANCE_IDS = frozenset(f.id for f in INK2R_BALANCE)
_RESULT_IDS = frozenset(f.id for f in INK2R_RESULT)
_ASSET_IDS = frozenset(f.id for f in INK2R_BALANCE if f.side == "D")


@attrs.define
class _Sum:
    """An exact (öre) amount with the form's sign, and the accounts behind it."""

    amount: Decimal = ZERO
    accounts: list[str] = attrs.Factory(list)
    notes: list[str] = attrs.Factory(list)


@attrs.frozen(slots=True)
class Ink2r:
    fields: dict[str, Field]
    #: Exact sums (öre) behind the checks.
    assets: Decimal
    equity_and_liabilities: Decimal
    arets_resultat: Decimal
    findings: tuple[Finding, ...]
    #: Income-statement fields summed into årets resultat, those that dropped to 0 kr too:
    #: each may lose up to a krona of öre, which the INK2S comparison allows for.
    result_terms: int = 0


def _place(
    line: TrialBalanceLine,
    table: FormTable,
    by_code: dict[bool, dict[str, str]],
    findings: list[Finding],
) -> str | None:
    """The INK2R field id for one account: its ``#SRU`` code first, then the BAS table.
    ``by_code`` maps code → field id for result (``True``) and balance accounts."""
    allowed = _RESULT_IDS if line.is_result else _BALANCE_IDS
    codes = [c for c in line.sru if c and c.strip("0")]
    for code in codes:
        if code in by_code[line.is_result]:
            return by_code[line.is_result][code]
    fallback = table.bas_field(line.account)
    if fallback not in allowed:
        fallback = None
    if codes:
        kind = "result" if line.is_result else "balance"
        where = f"the BAS table places it in {fallback}" if fallback else "it is left out"
        findings.append(
            finding(
                "closing-sru-code-unknown",
                f"Account {line.account} {line.name!r}: #SRU {' '.join(codes)} is no INK2R "
                f"{kind} field of tax year {table.year}; {where} ({format(line.ub)}). Correct "
                "the account's SRU code in the bookkeeping program.",
            )
        )
    return fallback


def build_ink2r(
    lines: Iterable[TrialBalanceLine],
    table: FormTable,
    transfer: AccountRange,
    closing_result: Decimal,
) -> Ink2r:
    """INK2R from the post-closing balances ``lines``; ``closing_result`` is the
    closing's årets resultat (profit positive), checked against the form's."""
    defs = table.by_id("INK2R")
    findings: list[Finding] = []
    sums: dict[str, _Sum] = {}
    by_code = {
        kind: {f.sru_code: f.id for f in defs.values() if f.id in ids}
        for kind, ids in ((True, _RESULT_IDS), (False, _BALANCE_IDS))
    }
    for line in lines:
        if not line.ub or line.account in transfer:
            continue
        field = _place(line, table, by_code, findings)
        if field is None:
            findings.append(
                finding(
                    "closing-sru-unmapped",
                    f"Account {line.account} {line.name!r} holds {format(line.ub)} but maps to "
                    "no INK2R field (no usable #SRU code, no BAS range): the amount is missing "
                    "from the return. Give the account an SRU code in the bookkeeping program.",
                )
            )
            continue
        entry = sums.setdefault(field, _Sum())
        entry.amount += line.ub if defs[field].side == "D" else -line.ub
        entry.accounts.append(line.account)

    placed = _net_pairs(_move_signs(sums, defs), defs)
    for id, entry in placed.items():
        if entry.amount < 0 and id not in NEGATIVE_ALLOWED and not id.endswith(("+", "-")):
            findings.append(
                finding(
                    "closing-sru-negative",
                    f"INK2R {id} {defs[id].label!r} is {format(entry.amount)} (accounts "
                    f"{', '.join(entry.accounts)}): the form expects the other sign and has no "
                    "alternative row. Check the accounts' balances and SRU codes.",
                )
            )

    def exact(ids: Iterable[str], side: str) -> Decimal:
        return sum((placed[i].amount for i in ids if i in placed and defs[i].side == side), ZERO)

    def whole(ids: Iterable[str], side: str) -> int:
        return sum(int(placed[i].amount) for i in ids if i in placed and defs[i].side == side)

    assets = exact(_BALANCE_IDS, "D")
    claims = exact(_BALANCE_IDS, "C")
    result = exact(_RESULT_IDS, "C") - exact(_RESULT_IDS, "D")
    result_whole = whole(_RESULT_IDS, "C") - whole(_RESULT_IDS, "D")
    fields = {
        f.id: _field(f, placed[f.id])
        for f in (*INK2R_BALANCE, *INK2R_RESULT)
        if f.id in placed and int(placed[f.id].amount)
    }
    arets = ARETS_VINST if result_whole > 0 else ARETS_FORLUST
    if result_whole:
        fields[arets.id] = Field(
            arets.id,
            arets.sru_code,
            arets.label,
            abs(result_whole),
            "computation: income fields 3.1–3.24 less cost fields 3.2–3.25 (8990–8999 "
            "carry the same result)",
            tuple(a for f in fields.values() if f.id in _RESULT_IDS for a in f.accounts),
        )
    findings.extend(_checks(fields, assets, claims, result, closing_result))
    terms = sum(1 for i in placed if i in _RESULT_IDS)
    return Ink2r(fields, assets, claims, result, tuple(findings), terms)


def _move_signs(sums: dict[str, _Sum], defs: dict[str, FieldDef]) -> dict[str, _Sum]:
    """A field whose sum has the other sign goes to its alternative (decided on the sums
    before any move, so a moved amount never moves twice)."""
    out: dict[str, _Sum] = {}
    for id, entry in sums.items():
        alternative = defs[id].alternative
        target = id
        if entry.amount < 0 and alternative and not id.endswith(("+", "-")):
            target = alternative
        into = out.setdefault(target, _Sum())
        into.amount += -entry.amount if target != id else entry.amount
        into.accounts.extend(entry.accounts)
        if target != id:
            into.notes.append(f"moved from {id}: {', '.join(entry.accounts)} have the other sign")
    return out


def _net_pairs(sums: dict[str, _Sum], defs: dict[str, FieldDef]) -> dict[str, _Sum]:
    """The two halves of a (+/-) row become one: the net, in ``+`` when income."""
    out = {k: v for k, v in sums.items() if not k.endswith(("+", "-"))}
    rows = sorted({k[:-1] for k in sums if k.endswith(("+", "-"))})
    for row in rows:
        plus, minus = sums.get(row + "+", _Sum()), sums.get(row + "-", _Sum())
        net = plus.amount - minus.amount
        if not net:
            continue
        merged = _Sum(abs(net), plus.accounts + minus.accounts, plus.notes + minus.notes)
        out[row + ("+" if net > 0 else "-")] = merged
    order = list(defs)
    return dict(sorted(out.items(), key=lambda kv: order.index(kv[0])))


def _field(definition: FieldDef, entry: _Sum) -> Field:
    source = f"accounts {', '.join(sorted(entry.accounts))}"
    if entry.notes:
        source += f" ({'; '.join(entry.notes)})"
    return Field(
        definition.id,
        definition.sru_code,
        definition.label,
        int(entry.amount),
        source,
        tuple(sorted(entry.accounts)),
    )


def _checks(
    fields: dict[str, Field],
    assets: Decimal,
    claims: Decimal,
    result: Decimal,
    closing_result: Decimal,
) -> list[Finding]:
    out: list[Finding] = []
    if assets != claims:
        out.append(
            finding(
                "closing-ink2r-unbalanced",
                f"INK2R does not balance: assets {format(assets)}, equity, reserves, "
                f"provisions and liabilities {format(claims)} (difference "
                f"{format(assets - claims)}). Accounts left out (closing-sru-unmapped) or a "
                "ledger that does not sum to zero cause this.",
            )
        )
    else:
        whole_assets = sum(f.amount for f in fields.values() if f.id in _ASSET_IDS)
        whole_claims = sum(
            f.amount for f in fields.values() if f.id in _BALANCE_IDS and f.id not in _ASSET_IDS
        )
        if whole_assets != whole_claims:
            out.append(
                finding(
                    "closing-sru-ore",
                    f"INK2R in whole kronor: assets {format_kronor(whole_assets)}, equity and "
                    f"liabilities {format_kronor(whole_claims)}; the difference "
                    f"{format_kronor(whole_assets - whole_claims)} is the öre "
                    "dropped per field. Adjust one field by hand if the filing asks for equal "
                    "sums.",
                )
            )
    if result != closing_result:
        out.append(
            finding(
                "closing-ink2r-result",
                f"INK2R's årets resultat ({format(result)}) differs from the closing's "
                f"({format(closing_result)}): result accounts are left out of the form "
                "(see closing-sru-unmapped) or the closing vouchers were not applied.",
            )
        )
    return out
