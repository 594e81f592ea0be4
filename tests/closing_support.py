"""Small ledgers for the closing tests, built from an accountant's figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from sie.model import (
    Account,
    Balance,
    FinancialYear,
    Header,
    Object,
    ObjectRef,
    Row,
    SieFile,
    Voucher,
)

Amount = Decimal | int | str
#: A voucher as (text, rows); a row is (account, amount) or (account, amount, objects).
Entry = tuple[str, Sequence[tuple[str, Amount] | tuple[str, Amount, tuple[ObjectRef, ...]]]]


def dec(value: Amount) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def ledger(
    year: int,
    *,
    ib: Mapping[str, Amount] | None = None,
    entries: Iterable[Entry] = (),
    closing_balances: bool = True,
    start_month: int = 1,
    objects: Iterable[Object] = (),
    names: Mapping[str, str] | None = None,
    day: dt.date | None = None,
) -> SieFile:
    """A 4E ledger for the financial year ending in ``year``.

    ``ib`` gives opening balances (SIE sign, must sum to zero); each entry
    becomes a voucher in series V dated ``day`` (mid-year by default). With
    ``closing_balances`` the file also carries #UB/#RES consistent with them.
    """
    if start_month == 1:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    else:
        start = dt.date(year - 1, start_month, 1)
        end = dt.date(year, start_month, 1) - dt.timedelta(days=1)
    prev = FinancialYear(-1, dt.date(start.year - 1, start.month, 1), start - dt.timedelta(days=1))
    opening = {k: dec(v) for k, v in (ib or {}).items()}
    assert sum(opening.values(), Decimal(0)) == 0, "opening balances must sum to zero"
    vouchers = []
    when = day or (start + dt.timedelta(days=150))
    for number, (text, rows) in enumerate(entries, start=1):
        made = tuple(
            Row(account=r[0], amount=dec(r[1]), objects=r[2] if len(r) > 2 else ())  # type: ignore[misc]
            for r in rows
        )
        vouchers.append(Voucher(series="V", number=str(number), date=when, text=text, rows=made))
        assert vouchers[-1].balance == 0, f"entry {text!r} does not balance"
    balances = [Balance("IB", 0, a, v) for a, v in sorted(opening.items())]
    balances += [Balance("UB", -1, a, v) for a, v in sorted(opening.items())]
    if closing_balances:
        moves: dict[str, Decimal] = {}
        for v in vouchers:
            for r in v.rows:
                moves[r.account] = moves.get(r.account, Decimal("0.00")) + r.amount
        for account in sorted(set(opening) | set(moves)):
            amount = opening.get(account, Decimal("0.00")) + moves.get(account, Decimal("0.00"))
            kind = "RES" if account[0] in "345678" else "UB"
            balances.append(Balance(kind, 0, account, amount))  # type: ignore[arg-type]
    used = sorted({a for a in opening} | {r.account for v in vouchers for r in v.rows})
    names = names or {}
    return SieFile(
        header=Header(sie_type=4, company_name="Exempel AB", orgnr="556000-0000", program="test"),
        years=(FinancialYear(0, start, end), prev),
        accounts=tuple(Account(a, names.get(a, f"Konto {a}")) for a in used),
        objects=tuple(objects),
        balances=tuple(balances),
        vouchers=tuple(vouchers),
    )


def rows_of(voucher: Voucher) -> list[tuple[str, Decimal]]:
    return [(r.account, r.amount) for r in voucher.rows]
