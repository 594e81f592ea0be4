"""A local Fortnox API for tests and demos: seeded companies, OAuth2, the REST endpoints
the bridge uses, Fortnox's rate limit and injectable faults. Imports nothing from the
bridge's client side. See ``.notes/readme/sandbox.md`` / the README for what it emulates.
"""

from fortnox_bridge.sandbox.app import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DroppedConnection,
    Sandbox,
)
from fortnox_bridge.sandbox.clock import ManualClock
from fortnox_bridge.sandbox.faults import Faults, FaultSpecError
from fortnox_bridge.sandbox.seed import SeedError
from fortnox_bridge.sandbox.serve import Server, run, serve

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DroppedConnection",
    "FaultSpecError",
    "Faults",
    "ManualClock",
    "Sandbox",
    "SeedError",
    "Server",
    "run",
    "serve",
]
