"""Bokslutsdispositioner: the periodiseringsfond register (:mod:`closing.pfond`) and
överavskrivningar on inventarier (:mod:`closing.overavskrivning`), under one name
for callers that want both."""

from __future__ import annotations

from closing.overavskrivning import (
    AssetInputs,
    Overavskrivning,
    inventarier_lines,
    main_rule_residual,
    overavskrivning,
)
from closing.pfond import (
    Fund,
    PfondPlan,
    PfondReversal,
    allocate,
    allocation_account,
    cover_loss,
    fund_year,
    pfond_plan,
    reverse_oldest_first,
    with_allocation,
)

__all__ = [
    "AssetInputs",
    "Fund",
    "Overavskrivning",
    "PfondPlan",
    "PfondReversal",
    "allocate",
    "allocation_account",
    "cover_loss",
    "fund_year",
    "inventarier_lines",
    "main_rule_residual",
    "overavskrivning",
    "pfond_plan",
    "reverse_oldest_first",
    "with_allocation",
]
