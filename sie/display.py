"""Text from a file made safe to show on a terminal: the one home for escaping.

A SIE file is untrusted input. A company name holding ``ESC [2J`` clears the
user's screen when printed raw, ``ESC ]0;…BEL`` retitles the window, and the
bidirectional overrides (U+202E …) make a line read differently from what it
holds. Human output passes every text from a file through :func:`printable`,
JSON output goes through :func:`printable_json`.

The face is small and predictable: ``printable(text) -> str``, ``is_printable(text)``
and ``printable_json(data) -> str``. Escapes are Python's spelling (``\\x1b``,
``\\t``, ``\\u202e``) so a reader recognises them; backslashes themselves are left
as they are, because the point is safety and readability, not a reversible encoding.
"""

from __future__ import annotations

import json
import unicodedata

#: Characters that reorder the text around them (Unicode bidirectional controls).
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
#: Unicode categories that are escaped: controls and line/paragraph separators.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def _needs_escape(char: str) -> bool:
    return char in BIDI_CONTROLS or unicodedata.category(char) in _ESCAPED_CATEGORIES


def _escape(char: str) -> str:
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def is_printable(text: str) -> bool:
    """Whether ``text`` holds nothing :func:`printable` would escape."""
    return not any(_needs_escape(c) for c in text)


def printable(text: str) -> str:
    """``text`` with control characters (C0, DEL, C1), line and paragraph separators and
    bidirectional controls written as visible escapes; everything else unchanged."""
    if text.isprintable():  # the common case: no control, format or separator character
        return text
    return "".join(_escape(c) if _needs_escape(c) else c for c in text)


def printable_json(data: object) -> str:
    """``data`` as one line of JSON with non-ASCII letters kept readable, but every
    character :func:`printable` escapes written as a ``\\uXXXX`` escape (``json.dumps``
    alone leaves DEL, C1 controls and bidirectional controls raw)."""
    text = json.dumps(data, ensure_ascii=False)
    if text.isprintable():
        return text
    return "".join(f"\\u{ord(c):04x}" if _needs_escape(c) else c for c in text)


__all__ = ["BIDI_CONTROLS", "is_printable", "printable", "printable_json"]
