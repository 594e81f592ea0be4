"""Year-end closing (bokslut) for an aktiebolag, on the ``sie`` ledger model.

``close(model, settings, assets, counterparty_items)`` computes the trial
balance, AR/AP attachments, appropriations, tax and closing vouchers;
``apply(model, result)`` appends the vouchers to the ledger. Nothing here
reads files or talks HTTP.

Where things live: :mod:`closing.trial_balance` (råbalans), :mod:`closing.pfond`
(periodiseringsfonder), :mod:`closing.overavskrivning`, :mod:`closing.tax` (the
INK2S ladder), :mod:`closing.vouchers` (the entries), :mod:`closing.engine` (the
pipeline and ``ClosingResult``, which nests ``tax``, ``pfond`` and
``overavskrivning``), :mod:`closing.rates` and :mod:`closing.settings` (data and
choices). BAS knowledge, amounts and dates come from :mod:`sie.bas`,
:mod:`sie.amounts` and :mod:`sie.dates`.
"""

from closing.appropriations import AssetInputs, Fund, Overavskrivning, PfondPlan, PfondReversal
from closing.attachments import Attachment, CounterpartyTotal, OpenItem
from closing.engine import ClosingResult, apply, close
from closing.rates import RATES, TaxYearRates, UpprakningRule, for_year
from closing.settings import AccountRange, ClosingAccounts, ClosingSettings, ReverseChoice
from closing.tax import Adjustment, TaxComputation
from closing.trial_balance import TrialBalance, TrialBalanceGroup, TrialBalanceLine, trial_balance

__all__ = [
    "RATES",
    "AccountRange",
    "Adjustment",
    "AssetInputs",
    "Attachment",
    "ClosingAccounts",
    "ClosingResult",
    "ClosingSettings",
    "CounterpartyTotal",
    "Fund",
    "OpenItem",
    "Overavskrivning",
    "PfondPlan",
    "PfondReversal",
    "ReverseChoice",
    "TaxComputation",
    "TaxYearRates",
    "TrialBalance",
    "TrialBalanceGroup",
    "TrialBalanceLine",
    "UpprakningRule",
    "apply",
    "close",
    "for_year",
    "trial_balance",
]
