"""Quoting of SIE field values: the one home for how text is quoted and read back.

A SIE field is bare (``1910``, ``B``) or quoted (``"Kaffe AB"``), with ``\\"`` for
a quote inside the text (spec §5.7). Real files also leave a quote open at the end
of the line; :func:`unquote` says so instead of failing. The reader's grammar,
its fast path and the writer all use these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: A value that can be written without quotes: no blank space, quote or brace, and
#: not starting with ``#`` (it would read as a label).
_BARE = re.compile(r'[^ \t\f\v\r\n"{}#][^ \t\f\v\r\n"{}]*')
_UNQUOTE = re.compile(r'"((?:\\"|[^"]|"(?!$))*)("?)', re.DOTALL)


def unquote(token: str) -> tuple[str, bool]:
    """Content of a quoted token (``"…"``) and whether its closing quote was there."""
    if "\\" not in token:
        if len(token) > 1 and token[-1] == '"':
            return token[1:-1], True
        return token[1:], False
    match = _UNQUOTE.fullmatch(token)
    assert match is not None  # every quoted token has this shape
    body, closing = match.groups()
    return body.replace('\\"', '"'), bool(closing)


def contents(tokens: Iterable[str | None]) -> tuple[list[str], bool]:
    """The contents of ``tokens`` up to the first ``None`` (an absent field), and
    whether a quote among them was left open."""
    out: list[str] = []
    unterminated = False
    for raw in tokens:
        if raw is None:
            break
        if raw[0] == '"':
            raw, closed = unquote(raw)
            unterminated = unterminated or not closed
        out.append(raw)
    return out, unterminated


def content(raw: str | None) -> str:
    """Content of a field as matched: absent (``None`` or empty), bare, or quoted and closed."""
    if not raw:
        return ""
    if raw[0] != '"':
        return raw
    if "\\" in raw:
        return unquote(raw)[0]
    return raw[1:-1]


def is_bare(text: str) -> bool:
    """Whether ``text`` reads back as itself when written without quotes."""
    return _BARE.fullmatch(text) is not None


def quote(text: str) -> str:
    """``text`` in quotes, an inner quote escaped: ``Bo "X" AB`` -> ``"Bo \\"X\\" AB"``.

    A text ending in a backslash cannot be quoted losslessly (``\\"`` would read as an
    escaped quote); the caller decides what to do with it (:mod:`sie.writer` adds a space).
    """
    return '"' + text.replace('"', '\\"') + '"'


__all__ = ["content", "contents", "is_bare", "quote", "unquote"]
