"""Safe text: what any text from a SIE file must pass before it enters the xlsx.

One function cleans every text, whether it goes into a cell or into a print
header or footer: control characters an xlsx file cannot hold become spaces.
Headers and footers then get their own escaping on top (``&`` starts a code
there), never a cleaning of their own.
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

#: Excel's limit on the characters of a cell.
MAX_CELL_TEXT = 32767
#: Texts an importing spreadsheet could take for a formula if typed in.
FORMULA_LEADS = ("=", "+", "-", "@")
#: Characters kept in a cell but meaningless on a one-line print header.
_LINE_BREAKS = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


#: Control characters an xlsx file can hold but no one should see: DEL and C1.
_SHOWN_CONTROLS = re.compile("[\x7f-\x9f]")


def safe_text(value: str) -> str:
    """``value`` without control characters (each becomes a space): those an xlsx file
    cannot hold, and DEL and C1, which it can but nobody means to print; cut to the
    length a cell can take."""
    return _SHOWN_CONTROLS.sub(" ", ILLEGAL_CHARACTERS_RE.sub(" ", value))[:MAX_CELL_TEXT]


def header_text(value: str, limit: int = 80) -> str:
    """``value`` for a print header or footer: cleaned as cell text, kept on one
    line, cut to ``limit`` characters, and with ``&`` doubled so it prints as is."""
    return safe_text(value).translate(_LINE_BREAKS)[:limit].replace("&", "&&")
