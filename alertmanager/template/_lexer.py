"""Tokens of Go's text/template: text between actions, and the items inside ``{{ }}``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

__all__ = ["Item", "Kind", "LexError", "lex"]

_SPACE = " \t\r\n"
_KEYWORDS = frozenset(
    {"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"}
)


class Kind(Enum):
    TEXT = auto()
    LEFT = auto()  # "{{" (trimming already applied to the neighbouring text)
    RIGHT = auto()  # "}}"
    SPACE = auto()
    IDENT = auto()  # function name
    KEYWORD = auto()
    FIELD = auto()  # ".Name"
    DOT = auto()  # "."
    VARIABLE = auto()  # "$name" or "$"
    STRING = auto()  # quoted or raw string (value already unquoted)
    CHAR = auto()  # 'x'
    NUMBER = auto()
    BOOL = auto()
    NIL = auto()
    PIPE = auto()
    LPAREN = auto()
    RPAREN = auto()
    DECLARE = auto()  # ":="
    ASSIGN = auto()  # "="
    COMMA = auto()
    CHAR_OTHER = auto()  # any other printable ASCII character
    ERROR = auto()  # a lexical error; the parser reports it when it reaches it, as Go's does
    EOF = auto()


@dataclass(frozen=True, slots=True)
class Item:
    kind: Kind
    text: str  # source text of the item
    value: str  # decoded value (strings unquoted)
    pos: int
    line: int


class LexError(Exception):
    """A lexical error at a line; the parser turns it into Go's message."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _unquote(raw: str, line: int) -> str:
    """Decode a Go interpreted string or char literal body (without quotes)."""
    out: list[str] = []
    i, n = 0, len(raw)
    simple = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v",
              "\\": "\\", "'": "'", '"': '"'}
    while i < n:
        c = raw[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        i += 1
        if i >= n:
            raise LexError("unterminated quoted string", line)
        e = raw[i]
        if e in simple:
            out.append(simple[e])
            i += 1
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            digits = raw[i + 1:i + 1 + width]
            if len(digits) != width:
                raise LexError("invalid syntax", line)
            out.append(chr(int(digits, 16)))
            i += 1 + width
        elif e in "01234567":
            out.append(chr(int(raw[i:i + 3], 8)))
            i += 3
        else:
            raise LexError("invalid syntax", line)
    return "".join(out)


class _Lexer:
    def __init__(self, src: str) -> None:
        self.src = src
        self.items: list[Item] = []
        self.line = 1

    def emit(self, kind: Kind, start: int, end: int, value: str | None = None) -> None:
        text = self.src[start:end]
        self.items.append(Item(kind, text, text if value is None else value, start, self.line))
        self.line += text.count("\n")

    def run(self) -> list[Item]:
        src, pos, n = self.src, 0, len(self.src)
        trim_next = False
        while pos < n:
            start = src.find("{{", pos)
            text_end = n if start < 0 else start
            text_start = pos
            if trim_next:
                while text_start < text_end and src[text_start] in _SPACE:
                    text_start += 1
                self.line += src.count("\n", pos, text_start)
                trim_next = False
            if start < 0:
                if text_start < n:
                    self.emit(Kind.TEXT, text_start, n)
                break
            inner = start + 2
            left_trim = src.startswith("-", inner) and inner + 1 < n and src[inner + 1] in _SPACE
            cut = text_end
            if left_trim:
                while cut > text_start and src[cut - 1] in _SPACE:
                    cut -= 1
            if cut > text_start:
                self.emit(Kind.TEXT, text_start, cut)
            self.line += src.count("\n", cut, start)
            if left_trim:
                inner += 2
            pos, trim_next = self.action(start, inner)
        self.items.append(Item(Kind.EOF, "", "", n, self.line))
        return self.items

    def right_delim(self, pos: int) -> tuple[int, bool] | None:
        """End of a right delimiter starting at pos (with optional trim marker), if present."""
        src = self.src
        if src.startswith("}}", pos):
            return pos + 2, False
        if src[pos:pos + 1] in _SPACE and src[pos:pos + 1] != "" and src.startswith("-}}", pos + 1):
            return pos + 4, True
        return None

    def action(self, start: int, pos: int) -> tuple[int, bool]:
        src, n = self.src, len(self.src)
        # Comments: {{/* ... */}} possibly with trim markers.
        if src.startswith("/*", pos):
            end = src.find("*/", pos + 2)
            if end < 0:
                raise LexError("unclosed comment", self.line)
            self.line += src.count("\n", pos, end)
            rd = self.right_delim(end + 2)
            if rd is None:
                raise LexError("comment ends before closing delimiter", self.line)
            return rd
        self.emit(Kind.LEFT, start, pos)
        depth = 0
        while True:
            if pos >= n:
                raise LexError("unclosed action", self.line)
            rd = self.right_delim(pos)
            if rd is not None and depth == 0:
                self.emit(Kind.RIGHT, pos, rd[0])
                return rd
            c = src[pos]
            if c in _SPACE:
                end = pos
                while end < n and src[end] in _SPACE and self.right_delim(end) is None:
                    end += 1
                if end == pos:
                    end += 1
                self.emit(Kind.SPACE, pos, end)
                pos = end
            elif rd is not None:
                raise LexError("unclosed left paren", self.line)
            elif c == "|":
                self.emit(Kind.PIPE, pos, pos + 1)
                pos += 1
            elif c == "(":
                depth += 1
                self.emit(Kind.LPAREN, pos, pos + 1)
                pos += 1
            elif c == ")":
                depth -= 1
                if depth < 0:
                    raise LexError("unexpected right paren", self.line)
                self.emit(Kind.RPAREN, pos, pos + 1)
                pos += 1
            elif c == ",":
                self.emit(Kind.COMMA, pos, pos + 1)
                pos += 1
            elif src.startswith(":=", pos):
                self.emit(Kind.DECLARE, pos, pos + 2)
                pos += 2
            elif c == "=":
                self.emit(Kind.ASSIGN, pos, pos + 1)
                pos += 1
            elif c == '"':
                pos = self.quoted(pos, '"', Kind.STRING)
            elif c == "'":
                pos = self.quoted(pos, "'", Kind.CHAR)
            elif c == "`":
                end = src.find("`", pos + 1)
                if end < 0:
                    raise LexError("unterminated raw quoted string", self.line)
                self.emit(Kind.STRING, pos, end + 1, src[pos + 1:end])
                pos = end + 1
            elif c == "$":
                end = self.word_end(pos + 1)
                self.emit(Kind.VARIABLE, pos, end)
                pos = end
            elif c == "." and not (pos + 1 < n and src[pos + 1].isdigit()):
                end = self.word_end(pos + 1)
                self.emit(Kind.DOT if end == pos + 1 else Kind.FIELD, pos, end)
                pos = end
            elif c.isdigit() or (c in "+-." and pos + 1 < n and (src[pos + 1].isdigit() or src[pos + 1] == ".")):
                end = pos + 1
                while end < n and (src[end].isalnum() or src[end] in "._" or
                                   (src[end] in "+-" and src[end - 1] in "eEpP")):
                    end += 1
                self.emit(Kind.NUMBER, pos, end)
                pos = end
            elif c.isalpha() or c == "_":
                end = self.word_end(pos)
                word = src[pos:end]
                if word in _KEYWORDS:
                    kind = Kind.KEYWORD
                elif word in ("true", "false"):
                    kind = Kind.BOOL
                elif word == "nil":
                    kind = Kind.NIL
                else:
                    kind = Kind.IDENT
                self.emit(kind, pos, end)
                pos = end
            elif c.isascii() and c.isprintable():
                self.emit(Kind.CHAR_OTHER, pos, pos + 1)
                pos += 1
            else:
                raise LexError(f"unrecognized character in action: U+{ord(c):04X} {c!r}", self.line)

    def word_end(self, pos: int) -> int:
        src, n = self.src, len(self.src)
        while pos < n and (src[pos].isalnum() or src[pos] == "_"):
            pos += 1
        return pos

    def quoted(self, pos: int, quote: str, kind: Kind) -> int:
        src, n = self.src, len(self.src)
        i = pos + 1
        while True:
            if i >= n or src[i] == "\n":
                what = "quoted string" if quote == '"' else "character constant"
                raise LexError(f"unterminated {what}", self.line)
            if src[i] == "\\":
                i += 2
                continue
            if src[i] == quote:
                break
            i += 1
        self.emit(kind, pos, i + 1, _unquote(src[pos + 1:i], self.line))
        return i + 1


def lex(src: str) -> list[Item]:
    """Split a template source into items. Malformed input ends the list with an ``ERROR`` item
    (then ``EOF``), so a parse error on an earlier item is reported first, as Go's concurrent
    lexer and parser do."""
    lexer = _Lexer(src)
    try:
        return lexer.run()
    except LexError as e:
        end = len(src)
        return [*lexer.items, Item(Kind.ERROR, e.message, e.message, end, e.line), Item(Kind.EOF, "", "", end, e.line)]
