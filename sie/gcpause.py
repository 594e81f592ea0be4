"""Cycle collection paused while a large model is built or walked.

A 100 MB file becomes millions of small acyclic objects (rows, amounts, tuples).
With the collector running, every young collection would traverse all of them,
and once collection resumes the next one would traverse them all again: about a
second per 50 MB on a slow machine. While paused, nothing is traversed; when it
resumes, the objects made meanwhile are moved to the oldest generation in one
step (``gc.freeze`` then ``gc.unfreeze``), as if they had survived the young
collections. Cyclic garbage among them is still found by the next full collection.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Pause cycle collection for the ``with`` block (no-op when already off)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        gc.enable()


__all__ = ["paused"]
