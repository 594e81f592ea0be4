"""``python -m fortnox_bridge.sandbox [options]``: the same as ``bokslut fortnox sandbox``."""

import sys

from fortnox_bridge.sandbox.serve import run

sys.exit(run())
