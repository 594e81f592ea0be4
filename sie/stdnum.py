"""The predictable face of the small value modules (:mod:`sie.orgnr`, :mod:`sie.amounts`),
after python-stdnum: ``validate(text)`` returns the value or raises an error that says
why; ``is_valid(text)`` is the same check as a yes or no, made here once for all."""

from __future__ import annotations

from collections.abc import Callable


def is_valid_for(
    validate: Callable[[str], object], error: type[Exception]
) -> Callable[[str], bool]:
    """An ``is_valid`` for a module: whether ``validate`` accepts a text (raises no ``error``)."""

    def is_valid(text: str) -> bool:
        try:
            validate(text)
        except error:
            return False
        return True

    is_valid.__doc__ = f"Whether :func:`{validate.__module__}.validate` accepts ``text``."
    return is_valid


__all__ = ["is_valid_for"]
