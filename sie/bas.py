"""BAS chart-of-accounts knowledge: the one home for account classes and kinds.

Every package asks here whether an account is a balance (balansräkning) or a
result (resultaträkning) account, which BAS class it belongs to and which
ranges the closing works with. The rule, in order:

1. ``#KTYP`` when the file declares it: ``T`` (tillgång) and ``S`` (skuld) are
   balance accounts, ``K`` (kostnad) and ``I`` (intäkt) result accounts.
2. The BAS class, from the first of four leading digits: classes 1–2 are
   balance accounts, 3–8 result accounts.
3. Nothing else is decided by BAS. Class 9 is BAS's room for internal
   accounting (internredovisning), class 0 does not exist, and ids that are not
   four leading digits (``DIFF``) are no BAS accounts; :func:`kind` returns
   ``None`` for them. A caller that must place such an account (the trial
   balance, which has to put every account in one of its two sums) uses the
   file's own records: an account with ``#IB``/``#UB`` is a balance account,
   anything else a result account (see :func:`kind_from_records`). Validation
   does not check them against balance records at all.
"""

from __future__ import annotations

from typing import Literal

Kind = Literal["balance", "result"]

#: The BAS classes (kontoklasser), 1–8, with the titles an accountant reads.
CLASS_TITLES: dict[int, str] = {
    1: "Tillgångar",
    2: "Eget kapital och skulder",
    3: "Rörelsens inkomster/intäkter",
    4: "Utgifter/kostnader för varor, material och vissa köpta tjänster",
    5: "Övriga externa rörelseutgifter/kostnader",
    6: "Övriga externa rörelseutgifter/kostnader",
    7: "Utgifter/kostnader för personal, av- och nedskrivningar m.m.",
    8: "Finansiella och andra inkomster/intäkter och utgifter/kostnader",
}
#: Title for everything outside classes 1–8 (class 9, class 0, non-numeric ids).
OTHER_TITLE = "Övriga konton"

#: First four digits of the balance and the result classes (inclusive).
BALANCE_ACCOUNTS = ("1000", "2999")
RESULT_ACCOUNTS = ("3000", "8999")
#: Result before appropriations and tax (Fortnox Bokslut & Skatt uses exactly this).
OPERATING = ("3000", "8799")
APPROPRIATIONS = ("8800", "8899")
TAXES = ("8900", "8989")
#: Result-transfer accounts (8999 Årets resultat); moved only by the closing.
TRANSFER = ("8990", "8999")

BALANCE_KTYP = frozenset({"T", "S"})
RESULT_KTYP = frozenset({"K", "I"})


def head(account: str) -> str | None:
    """The four leading ASCII digits that place an account in BAS, ``None`` if absent."""
    first = account[:4]
    if len(first) < 4 or not first.isascii() or not first.isdigit():
        return None
    return first


def in_range(account: str, first: str, last: str) -> bool:
    """Whether ``account``'s four leading digits lie in ``first``–``last`` (inclusive).

    Longer sub-accounts (``15101``) belong to the range of their four-digit parent.
    """
    found = head(account)
    return found is not None and first <= found <= last


def account_class(account: str) -> int:
    """BAS class 1–9 from the first digit; 0 for an id that is not four leading digits."""
    found = head(account)
    return int(found[0]) if found else 0


def is_bas_class(klass: int) -> bool:
    """Classes 1–8 are BAS's external accounts; 9 (internal) and 0 (no class) are not."""
    return 1 <= klass <= 8


def class_title(klass: int) -> str:
    return CLASS_TITLES.get(klass, OTHER_TITLE)


def kind(account: str, ktyp: str = "") -> Kind | None:
    """``"balance"`` or ``"result"`` by ``#KTYP`` first, then the BAS class; ``None`` for
    class 9, class 0 and non-numeric ids when no ``#KTYP`` decides."""
    if ktyp in BALANCE_KTYP:
        return "balance"
    if ktyp in RESULT_KTYP:
        return "result"
    klass = account_class(account)
    if klass in (1, 2):
        return "balance"
    if 3 <= klass <= 8:
        return "result"
    return None


def kind_from_records(account: str, ktyp: str = "", *, has_balance_record: bool = False) -> Kind:
    """Always a kind: :func:`kind`, and for accounts BAS does not place, ``"balance"``
    when the file gives them an ``#IB``/``#UB``, else ``"result"``."""
    found = kind(account, ktyp)
    if found is not None:
        return found
    return "balance" if has_balance_record else "result"


def is_result(account: str, ktyp: str = "") -> bool:
    """Whether BAS (or ``#KTYP``) makes ``account`` a result account."""
    return kind(account, ktyp) == "result"


def is_balance(account: str, ktyp: str = "") -> bool:
    """Whether BAS (or ``#KTYP``) makes ``account`` a balance account."""
    return kind(account, ktyp) == "balance"


def is_accumulated_depreciation(account: str) -> bool:
    """Whether ``account`` is an accumulated write-down or depreciation account of the
    fixed assets (10xx–13xx ending in 8 or 9, e.g. 1219, 1229): its debits are no
    purchases."""
    found = head(account)
    return found is not None and "1000" <= found <= "1399" and found[3] in "89"


def sort_key(account: str) -> tuple[int, str]:
    """Numeric accounts first in text order, then the rest (``DIFF``)."""
    return (0, account) if account[:1].isdigit() else (1, account)


__all__ = [
    "APPROPRIATIONS",
    "BALANCE_ACCOUNTS",
    "CLASS_TITLES",
    "OPERATING",
    "OTHER_TITLE",
    "RESULT_ACCOUNTS",
    "TAXES",
    "TRANSFER",
    "Kind",
    "account_class",
    "class_title",
    "head",
    "in_range",
    "is_accumulated_depreciation",
    "is_balance",
    "is_bas_class",
    "is_result",
    "kind",
    "kind_from_records",
    "sort_key",
]
