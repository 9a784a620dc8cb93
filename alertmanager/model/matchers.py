"""Label matchers (``name="value"``, ``!=``, ``=~``, ``!~``) and their parsers.

Upstream has two parsers: the classic one of Alertmanager <= 0.26 (``pkg/labels/parse.go``) and
the UTF-8 one of 0.27+ (``matchers/parse``). Since 0.27 the default is "fallback": the UTF-8
parser first, and the classic one when the UTF-8 parser refuses the input. We do the same, so
configs and silences written for either release parse as their authors meant.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from alertmanager.model._quote import go_quote
from alertmanager.model.labels import is_valid_legacy_label_name

__all__ = [
    "MatchType",
    "Matcher",
    "MatcherError",
    "compile_go_regex",
    "matches_all",
    "parse_matcher",
    "parse_matcher_classic",
    "parse_matchers",
    "parse_matchers_classic",
    "parse_matchers_utf8",
]


class MatcherError(ValueError):
    """A matcher that cannot be parsed or whose regular expression does not compile."""


class MatchType(enum.Enum):
    EQUAL = "="
    NOT_EQUAL = "!="
    REGEX = "=~"
    NOT_REGEX = "!~"

    def __str__(self) -> str:
        return self.value


_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7F",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1F\\x7F",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_POSIX_RE = re.compile(r"\[:(\^?)([a-z]+):\]")


def _translate_go_regex(expr: str) -> str:
    """Rewrite the RE2 constructs Python's ``re`` spells differently (``\\z``, ``[[:alpha:]]``)."""
    expr = expr.replace("\\z", "\\Z")

    def posix(m: re.Match[str]) -> str:
        neg, name = m.group(1), m.group(2)
        chars = _POSIX_CLASSES.get(name)
        if chars is None:
            raise MatcherError(f"invalid character class range: [:{name}:]")
        if neg:
            raise MatcherError(f"negated POSIX class [:^{name}:] is not supported")
        return chars

    return _POSIX_RE.sub(posix, expr)


_FLAG_GROUP = re.compile(r"\(\?([imsU]+)\)")


def _scope_inline_flags(expr: str) -> str:
    """Turn RE2's ``(?i)rest`` (flags from here to the group's end) into Python's ``(?i:rest)``.

    Python only allows global flags at the very start, and Alertmanager wraps every pattern in
    a group before anchoring it, so the flags must become scoped groups.
    """
    out: list[str] = []
    closes: list[int] = [0]  # per open group: scoped groups to close when it ends
    i, n = 0, len(expr)
    in_class = False
    while i < n:
        ch = expr[i]
        if ch == "\\":
            out.append(expr[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
            out.append(ch)
        elif ch == "[":
            in_class = True
            out.append(ch)
            if expr[i + 1 : i + 2] == "]":
                out.append("]")
                i += 1
        elif ch == "(":
            m = _FLAG_GROUP.match(expr, i)
            if m is not None:
                if "U" in m.group(1):
                    raise MatcherError(f"error parsing regexp: ungreedy flag (?U) is not supported: `{expr}`")
                out.append(f"(?{m.group(1)}:")
                closes[-1] += 1
                i = m.end()
                continue
            closes.append(0)
            out.append(ch)
        elif ch == ")":
            out.append(")" * closes.pop() + ")")
            if not closes:
                closes.append(0)
        else:
            out.append(ch)
        i += 1
    out.append(")" * sum(closes))
    return "".join(out)


def compile_go_regex(expr: str) -> re.Pattern[str]:
    """Compile a Go (RE2) regular expression; callers anchor it with ``fullmatch`` as upstream
    anchors with ``^(?:...)$``."""
    try:
        return re.compile("(?:" + _scope_inline_flags(_translate_go_regex(expr)) + ")")
    except re.error as exc:
        raise MatcherError(f"error parsing regexp: {exc}: `{expr}`") from exc


@dataclass(frozen=True, slots=True)
class Matcher:
    """One label matcher. A missing label matches as the empty string, as upstream."""

    name: str
    type: MatchType
    value: str
    _regex: re.Pattern[str] | None = field(default=None, compare=False, hash=False, repr=False)

    @classmethod
    def create(cls, name: str, type: MatchType | str, value: str) -> Matcher:
        """Build a matcher, compiling its regular expression (``MatcherError`` if it is bad)."""
        mt = type if isinstance(type, MatchType) else MatchType(type)
        regex = compile_go_regex(value) if mt in (MatchType.REGEX, MatchType.NOT_REGEX) else None
        return cls(name, mt, value, regex)

    @property
    def is_regex(self) -> bool:
        return self.type in (MatchType.REGEX, MatchType.NOT_REGEX)

    @property
    def is_negative(self) -> bool:
        return self.type in (MatchType.NOT_EQUAL, MatchType.NOT_REGEX)

    def matches(self, value: str) -> bool:
        """Whether a label value (``""`` for a missing label) satisfies this matcher."""
        t = self.type
        if t is MatchType.EQUAL:
            return value == self.value
        if t is MatchType.NOT_EQUAL:
            return value != self.value
        assert self._regex is not None  # set by create() for regex types
        hit = self._regex.fullmatch(value) is not None
        return hit if t is MatchType.REGEX else not hit

    def matches_labels(self, labels: Mapping[str, str]) -> bool:
        return self.matches(labels.get(self.name, ""))

    def __str__(self) -> str:
        name = self.name if is_valid_legacy_label_name(self.name) else go_quote(self.name)
        return f"{name}{self.type.value}{go_quote(self.value)}"


def matches_all(matchers: Iterable[Matcher], labels: Mapping[str, str]) -> bool:
    """Whether every matcher matches ``labels`` (an empty list matches everything)."""
    return all(m.matches(labels.get(m.name, "")) for m in matchers)


# --- the classic parser (Alertmanager <= 0.26) -------------------------------------------------

_CLASSIC_RE = re.compile(r"^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*(.*?)\s*$", re.DOTALL)


def _parse_matcher_classic(text: str) -> Matcher:
    m = _CLASSIC_RE.match(text)
    if m is None:
        raise MatcherError(f"bad matcher format: {text}")
    name, op, raw = m.group(1), m.group(2), m.group(3)
    expect_quote = raw.startswith('"')
    if expect_quote:
        raw = raw[1:]
    out: list[str] = []
    escaped = False
    last = len(raw) - 1
    for i, ch in enumerate(raw):
        if escaped:
            escaped = False
            if ch == "n":
                out.append("\n")
            elif ch in '"\\':
                out.append(ch)
            else:
                out.append("\\" + ch)
            continue
        if ch == "\\":
            if i < last:
                escaped = True
                continue
            out.append("\\")
        elif ch == '"':
            if not expect_quote or i < last:
                raise MatcherError(f"matcher value contains unescaped double quote: {m.group(3)}")
            expect_quote = False
        else:
            out.append(ch)
    if expect_quote:
        raise MatcherError(f"matcher value contains unescaped double quote: {m.group(3)}")
    return Matcher.create(name, op, "".join(out))


def parse_matcher_classic(text: str) -> Matcher:
    """Parse one matcher with Alertmanager 0.25's ``labels.ParseMatcher`` (no splitting on commas)."""
    return _parse_matcher_classic(text)


def parse_matchers_classic(text: str) -> list[Matcher]:
    """Parse with Alertmanager 0.25's ``labels.ParseMatchers``."""
    if text.startswith("{"):
        text = text[1:]
    if text.endswith("}"):
        text = text[:-1]
    tokens: list[str] = []
    token: list[str] = []
    inside_quotes = escaped = False
    for ch in text:
        if ch == ",":
            if not inside_quotes:
                tokens.append("".join(token))
                token = []
                continue
        elif ch == '"':
            if not escaped:
                inside_quotes = not inside_quotes
            else:
                escaped = False
        elif ch == "\\":
            escaped = not escaped
        else:
            escaped = False
        token.append(ch)
    rest = "".join(token).strip()
    if rest:
        tokens.append(rest)
    return [_parse_matcher_classic(t) for t in tokens]


# --- the UTF-8 parser (Alertmanager >= 0.27) ----------------------------------------------------

_SPECIAL = set('{}!=~,\\"\'`')
_OPS = ("=~", "!~", "!=", "=")


class _Lexer:
    """Tokens of the UTF-8 matcher grammar; positions are byte-free character offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, msg: str) -> MatcherError:
        return MatcherError(f"{self.pos}:{len(self.text)}: {msg}")

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def take(self, s: str) -> bool:
        self.skip_space()
        if self.text.startswith(s, self.pos):
            self.pos += len(s)
            return True
        return False

    def op(self) -> str:
        self.skip_space()
        for op in _OPS:
            if self.text.startswith(op, self.pos):
                self.pos += len(op)
                return op
        got = self.text[self.pos : self.pos + 1]
        if not got:
            raise self.error("unexpected end of input, expected one of '=~' '!~' '!=' '='")
        raise self.error(f"unexpected {got}: expected one of '=~' '!~' '!=' '='")

    def string(self, what: str) -> str:
        self.skip_space()
        if self.pos >= len(self.text):
            raise self.error(f"unexpected end of input, expected {what}")
        if self.text[self.pos] == '"':
            return self._quoted()
        start = self.pos
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch.isspace() or ch in _SPECIAL:
                break
            self.pos += 1
        if start == self.pos:
            raise self.error(f"unexpected {self.text[self.pos]}: expected {what}")
        return self.text[start : self.pos]

    def _quoted(self) -> str:
        start = self.pos
        self.pos += 1
        out: list[str] = []
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch == '"':
                self.pos += 1
                return "".join(out)
            if ch == "\\":
                self.pos += 1
                if self.pos >= len(self.text):
                    break
                esc = self.text[self.pos]
                simple = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "a": "\a", "b": "\b",
                          "f": "\f", "v": "\v", "'": "'"}
                if esc in simple:
                    out.append(simple[esc])
                    self.pos += 1
                elif esc in "xuU":
                    width = {"x": 2, "u": 4, "U": 8}[esc]
                    digits = self.text[self.pos + 1 : self.pos + 1 + width]
                    try:
                        out.append(chr(int(digits, 16)))
                    except ValueError:
                        raise self.error(f"invalid input: {self.text[start:]}") from None
                    self.pos += 1 + width
                else:
                    raise self.error(f"invalid input: {self.text[start:]}")
                continue
            out.append(ch)
            self.pos += 1
        self.pos = start
        raise self.error(f"{self.text[start:]}: missing end \"")


def parse_matchers_utf8(text: str) -> list[Matcher]:
    """Parse with the UTF-8 grammar of Alertmanager 0.27+ (``{a="b", "c d"=~"e"}``)."""
    lx = _Lexer(text)
    braces = lx.take("{")
    out: list[Matcher] = []
    while True:
        nxt = lx.peek()
        if nxt == "" or nxt == "}":
            break
        name = lx.string("label name")
        op = lx.op()
        value = lx.string("label value")
        out.append(Matcher.create(name, op, value))
        if lx.take(","):
            continue
        nxt = lx.peek()
        if nxt not in ("", "}"):
            raise lx.error(f"unexpected {nxt}: expected a comma or close brace")
    if braces and not lx.take("}"):
        raise lx.error("missing end }")
    if not braces and lx.peek() == "}":
        raise lx.error("unexpected }: expected opening brace")
    if lx.peek() != "":
        raise lx.error(f"unexpected {lx.peek()}: expected end of input")
    return out


def parse_matchers(text: str) -> list[Matcher]:
    """Parse a matcher list as upstream's default "fallback" mode does."""
    try:
        return parse_matchers_utf8(text)
    except MatcherError as utf8_err:
        try:
            return parse_matchers_classic(text)
        except MatcherError:
            raise utf8_err from None


def parse_matcher(text: str) -> Matcher:
    """Parse exactly one matcher (as a silence or inhibit rule's single entry)."""
    ms = parse_matchers(text)
    if len(ms) != 1:
        raise MatcherError(f"expected exactly one matcher, got {len(ms)}: {text}")
    return ms[0]
