"""One SIE line -> a :class:`Record` (or a brace, or nothing), as ``grammar.lark`` says.

Two paths give the same answer: :func:`parse_line_lark` runs the Lark parser on
the grammar, the normative definition; :func:`parse_line` tries regular
expressions assembled from the grammar's own terminal patterns first and falls
back to Lark for any line they do not cover. A differential test proves the two
agree on generated lines and on every line of the shared corpus.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import NamedTuple

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError

from sie import amounts
from sie.quoting import contents, unquote

#: A field value: text, or the items of an object list ``{dim obj ...}``.
Field = str | tuple[str, ...]

BLOCK_OPEN = "{"
BLOCK_CLOSE = "}"


class Record(NamedTuple):
    """A labelled line: ``#LABEL field field …``.

    ``fields`` hold field contents: quotes removed and ``\\"`` unescaped.
    ``unterminated`` is true when a quoted field ran to the end of the line.
    """

    label: str
    fields: tuple[Field, ...]
    line: int = 0
    unterminated: bool = False


#: What a line is: a record, a brace alone, or ``None`` for a blank line.
Line = Record | str | None


class LineSyntaxError(ValueError):
    """The line is not SIE syntax. ``column`` is 1-based."""

    def __init__(self, message: str, column: int = 0) -> None:
        super().__init__(message)
        self.column = column


# --------------------------------------------------------------------------- Lark path


@cache
def _lark() -> Lark:
    grammar = resources.files("sie").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="contextual", maybe_placeholders=False)


class _ToRecord(Transformer[Token, Line]):
    def record(self, children: list[object]) -> Record:
        label = str(children[0]).upper()
        fields: list[Field] = []
        unterminated = False
        for child in children[1:]:
            if isinstance(child, tuple):
                items, open_quote = child
                fields.append(items)
                unterminated = unterminated or open_quote
            else:
                value, open_quote = _value(child)  # type: ignore[arg-type]
                fields.append(value)
                unterminated = unterminated or open_quote
        return Record(label, tuple(fields), 0, unterminated)

    def object_list(self, children: list[Token]) -> tuple[tuple[str, ...], bool]:
        items: list[str] = []
        open_quote = False
        for tok in children[1:-1]:
            value, unterminated = _value(tok)
            items.append(value)
            open_quote = open_quote or unterminated
        return tuple(items), open_quote

    def block_open(self, _children: list[Token]) -> str:
        return BLOCK_OPEN

    def block_close(self, _children: list[Token]) -> str:
        return BLOCK_CLOSE

    def blank(self, _children: list[Token]) -> None:
        return None


def _value(tok: Token) -> tuple[str, bool]:
    if tok.type == "QUOTED":
        content, closed = unquote(str(tok))
        return content, not closed
    return str(tok), False


_TRANSFORMER = _ToRecord()


def parse_line_lark(text: str, line: int = 0) -> Line:
    """Parse one line with the Lark grammar (the reference path)."""
    text = _without_line_end(text)
    try:
        tree = _lark().parse(text)
    except LarkError as exc:
        raise LineSyntaxError(_describe(exc, text), getattr(exc, "column", 0) or 0) from None
    if tree is None:
        return None
    result = _TRANSFORMER.transform(tree) if not isinstance(tree, Token) else None
    if isinstance(result, Record):
        return result._replace(line=line)
    return result


def _describe(exc: LarkError, text: str) -> str:
    stripped = text.strip()
    if stripped and not stripped.startswith(("#", "{", "}")):
        return "a record must start with a #LABEL"
    column = getattr(exc, "column", None)
    if stripped.startswith(("{", "}")) and len(stripped) > 1:
        return "a brace that opens or closes a voucher block must stand alone on its line"
    if text.count("{") != text.count("}"):
        return "an object list { … } is not closed"
    if column:
        return f"unexpected character at column {column}"
    return "the line does not follow the SIE syntax"


# --------------------------------------------------------------------------- fast path


def _terminal(name: str) -> str:
    for term in _lark().terminals:
        if term.name == name:
            return term.pattern.to_regexp()
    raise KeyError(name)


class _Fast:
    """Regular expressions built from the grammar's terminals (never hand-copied)."""

    def __init__(self) -> None:
        q, b, ws, label = (_terminal(n) for n in ("QUOTED", "BARE", "WS", "LABEL"))
        tok = f"{q}|{b}"  # both terminals are possessive: no backtracking into them
        sep = f"{ws.rstrip('+')}*+"  # optional blank space, never given back
        field = f"(?:{tok})"
        # A record without object lists and with at most 9 fields (most lines).
        flat_fields = "".join(f"(?:{sep}({field}))?" for _ in range(9))
        self.flat = re.compile(f"{sep}((?>{label})){flat_fields}{sep}")
        # A transaction row: account, object list, then at most 6 fields.
        objlist = rf"\{{((?:{sep}{field})*){sep}\}}"
        tail = "".join(f"(?:{sep}({field}))?" for _ in range(6))
        self.trans = re.compile(
            f"{sep}((?>#[RB]?TRANS))(?![A-Za-z0-9_]){sep}({field}){sep}{objlist}{tail}{sep}"
        )
        self.items = re.compile(f"({tok})")
        # A whole plain voucher block: its #VER line, "{", plain #TRANS rows, "}".
        # The same terminals, changed only so that one line means what it means on
        # its own inside a multi-line text: no token runs past a line end, and a
        # quoted field must be closed (an unterminated one takes the line path,
        # which reports it).
        q_line = _replace_once(q, '[^"\\\\]++', '[^"\\\\\n]++')
        q_closed = _replace_once(q_line, '(?:"|$)', '"')
        b_line = _replace_once(b, '"{}]', '"{}\n]')
        field_line = f"(?:{q_closed}|{b_line})"
        bare_line = b_line.rstrip("+")
        ver_fields = "".join(f"(?:{sep}({field_line}))?" for _ in range(6))
        # The rows are only delimited here; block_rows then reads each of them, and
        # the block counts only when every delimited line is a row it could read.
        self.block = re.compile(
            rf"{sep}#VER(?![A-Za-z0-9_]){ver_fields}{sep}\n{sep}\{{{sep}\n"
            rf"((?:{sep}#TRANS[^\n]*+\n)*+){sep}\}}{sep}$",
            re.MULTILINE,
        )
        self.block_rows = re.compile(f"^{_row(sep, field_line, bare_line)}$", re.MULTILINE)


def _replace_once(pattern: str, old: str, new: str) -> str:
    if pattern.count(old) != 1:
        raise AssertionError(f"grammar terminal {pattern!r} no longer contains {old!r}")
    return pattern.replace(old, new)


def _row(sep: str, field: str, bare_char: str) -> str:
    """A plain ``#TRANS`` row: account, object list, amount, then optional date,
    text, quantity and sign, each a group. Number and date fields are narrowed to
    their usual shapes, each ending where the grammar's BARE token would end (hence
    the look-ahead for a further bare character)."""
    end = f"(?!{bare_char})"
    # Only amounts inside the documented range (sie.amounts) and ASCII digits: any
    # other number takes the line path, which reports it.
    integer = f"[0-9]{{1,{amounts.MAX_INTEGER_DIGITS}}}+"
    number = rf"-?{integer}(?:\.[0-9]{{1,{amounts.MAX_DECIMALS}}}+)?{end}"
    optional = f'(?:{number}|""{end})'
    date = rf'(?:[0-9]{{8}}|""){end}'
    objlist = rf"\{{((?:{sep}{field})*){sep}\}}"
    return (
        rf"{sep}#TRANS(?![A-Za-z0-9_]){sep}([0-9]++){end}{sep}{objlist}{sep}({number})"
        f"(?:{sep}({date})(?:{sep}({field})(?:{sep}({optional})(?:{sep}({field}))?)?)?)?"
        f"{sep}"
    )


@cache
def _fast() -> _Fast:
    return _Fast()


def _without_line_end(text: str) -> str:
    """The line without its line end: a CR (of CRLF, or several) is never part of a
    field, not even of a quoted one left open at the end of the line."""
    if text.endswith(("\r", "\n")):
        return text.rstrip("\r\n")
    return text


def parse_line(text: str, line: int = 0) -> Line:
    """Parse one line: fast path for common shapes, the grammar for the rest.

    ``text`` is one line; a line end (CR, LF) at its end is not part of it.
    """
    text = _without_line_end(text)
    fast = _fast()
    m = fast.trans.fullmatch(text)
    if m is not None:
        groups = m.groups()
        label, account, objects = groups[0], groups[1], groups[2]
        unterminated = False
        if account[0] == '"':
            account, closed = unquote(account)
            unterminated = not closed
        items, open_item = contents(fast.items.findall(objects)) if objects else ([], False)
        rest, open_field = contents(groups[3:])
        fields: list[Field] = [account, tuple(items), *rest]
        unterminated = unterminated or open_item or open_field
        return Record(label.upper(), tuple(fields), line, unterminated)
    m = fast.flat.fullmatch(text)
    if m is not None:
        groups = m.groups()
        flat, unterminated = contents(groups[1:])
        return Record(groups[0].upper(), tuple(flat), line, unterminated)
    stripped = text.strip(" \t\r\f\v")
    if not stripped:
        return None
    if stripped in (BLOCK_OPEN, BLOCK_CLOSE):
        return stripped
    return parse_line_lark(text, line)


def block_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The fast path's patterns for a whole plain voucher block (groups: the six
    #VER fields, then the rows' text) and for the rows inside it (as
    a plain ``#TRANS`` row, one match per line)."""
    return _fast().block, _fast().block_rows


def item_pattern() -> re.Pattern[str]:
    """Tokens (quoted or bare) inside an object list."""
    return _fast().items
