"""Bokslutsdispositioner: the periodiseringsfond register (:mod:`closing.pfond`) and
överavskrivningar on inventarier (:mod:`closing.overavskrivning`), under one name
for callers that want both (re-exported with ``as``, the explicit form)."""

from __future__ import annotations

from closing.overavskrivning import AssetInputs as AssetInputs
from closing.overavskrivning import Overavskrivning as Overavskrivning
from closing.overavskrivning import inventarier_lines as inventarier_lines
from closing.overavskrivning import main_rule_residual as main_rule_residual
from closing.overavskrivning import overavskrivning as overavskrivning
from closing.pfond import Fund as Fund
from closing.pfond import PfondPlan as PfondPlan
from closing.pfond import PfondReversal as PfondReversal
from closing.pfond import allocate as allocate
from closing.pfond import allocation_account as allocation_account
from closing.pfond import cover_loss as cover_loss
from closing.pfond import fund_year as fund_year
from closing.pfond import pfond_plan as pfond_plan
from closing.pfond import reverse_oldest_first as reverse_oldest_first
from closing.pfond import with_allocation as with_allocation
