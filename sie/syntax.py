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


def unquote(token: str) -> tuple[str, bool]:
    """Content of a QUOTED token and whether its closing quote was there."""
    if "\\" not in token:
        if len(token) > 1 and token[-1] == '"':
            return token[1:-1], True
        return token[1:], False
    match = _UNQUOTE.fullmatch(token)
    assert match is not None  # every QUOTED token has this shape
    body, closing = match.groups()
    return body.replace('\\"', '"'), bool(closing)


_UNQUOTE = re.compile(r'"((?:\\"|[^"]|"(?!$))*)("?)', re.DOTALL)


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
        # The commonest line of all, a plain #TRANS, with its number and date fields
        # narrowed to their usual shapes. Each narrowed field must end where the
        # grammar's BARE token ends, hence the look-ahead for a further bare character.
        bare_char = b.rstrip("+")
        end = f"(?!{bare_char})"
        number = rf"-?\d++(?:\.\d++)?{end}"
        optional = f'(?:{number}|""{end})'
        date = rf'(?:\d{{8}}|""){end}'
        self.row = re.compile(
            rf"{sep}#TRANS(?![A-Za-z0-9_]){sep}(\d++){end}{sep}{objlist}{sep}({number})"
            f"(?:{sep}({date})(?:{sep}({field})(?:{sep}({optional})(?:{sep}({field}))?)?)?)?"
            f"{sep}"
        )


@cache
def _fast() -> _Fast:
    return _Fast()


def parse_line(text: str, line: int = 0) -> Line:
    """Parse one line: fast path for common shapes, the grammar for the rest."""
    fast = _fast()
    m = fast.trans.fullmatch(text)
    if m is not None:
        groups = m.groups()
        label, account, objects = groups[0], groups[1], groups[2]
        unterminated = False
        if account[0] == '"':
            account, closed = unquote(account)
            unterminated = not closed
        items: list[str] = []
        if objects:
            for raw in fast.items.findall(objects):
                if raw[0] == '"':
                    raw, closed = unquote(raw)
                    unterminated = unterminated or not closed
                items.append(raw)
        fields: list[Field] = [account, tuple(items)]
        for raw in groups[3:]:
            if raw is None:
                break
            if raw[0] == '"':
                raw, closed = unquote(raw)
                unterminated = unterminated or not closed
            fields.append(raw)
        return Record(label.upper(), tuple(fields), line, unterminated)
    m = fast.flat.fullmatch(text)
    if m is not None:
        groups = m.groups()
        unterminated = False
        flat: list[Field] = []
        for raw in groups[1:]:
            if raw is None:
                break
            if raw[0] == '"':
                raw, closed = unquote(raw)
                unterminated = unterminated or not closed
            flat.append(raw)
        return Record(groups[0].upper(), tuple(flat), line, unterminated)
    stripped = text.strip(" \t\r\f\v")
    if not stripped:
        return None
    if stripped in (BLOCK_OPEN, BLOCK_CLOSE):
        return stripped
    return parse_line_lark(text, line)


def trans_pattern() -> re.Pattern[str]:
    """The fast path's pattern for transaction rows (groups: label, account,
    object list content, then up to six fields)."""
    return _fast().trans


def row_pattern() -> re.Pattern[str]:
    """The fast path's pattern for a plain ``#TRANS`` row (groups: account, object
    list content, amount, date, text, quantity, sign)."""
    return _fast().row


def item_pattern() -> re.Pattern[str]:
    """Tokens (quoted or bare) inside an object list."""
    return _fast().items


def flat_pattern() -> re.Pattern[str]:
    """The fast path's pattern for records without object lists (label, then up to
    nine fields)."""
    return _fast().flat
