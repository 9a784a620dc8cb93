"""A small part of html/template: track where in HTML output an action lands and escape for it."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["HtmlContext", "SafeHTML", "SafeURL", "strip_comments"]


class SafeHTML(str):
    """Trusted HTML (Go's template.HTML): written verbatim in element text."""

    GO_TYPE = "template.HTML"


class SafeURL(str):
    """A trusted URL (Go's template.URL): not filtered for unsafe schemes."""

    GO_TYPE = "template.URL"


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_URL_ATTRS = frozenset({"href", "src", "action", "cite", "data", "formaction", "poster", "background",
                        "longdesc", "usemap", "codebase", "classid", "icon", "manifest", "profile"})
_URL_KEEP = frozenset("!#$&*+,/:;=?@[]-._~%")
_TEXT = 0
_TAG = 1
_ATTR_NAME = 2
_AFTER_NAME = 3
_BEFORE_VALUE = 4
_VALUE = 5


def strip_comments(text: str) -> str:
    """html/template drops HTML comments from template text."""
    return _COMMENT.sub("", text) if "<!--" in text else text


def _escape_html(s: str) -> str:
    return (s.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("+", "&#43;").replace("\x00", "\ufffd"))


def _normalize_url(s: str) -> str:
    out: list[str] = []
    for b in s.encode():
        c = chr(b)
        if c in _URL_KEEP or (c.isascii() and c.isalnum()):
            out.append(c)
        else:
            out.append(f"%{b:02x}")
    return "".join(out)


def _query_escape(s: str) -> str:
    out: list[str] = []
    for b in s.encode():
        c = chr(b)
        if c in "-._~" or (c.isascii() and c.isalnum()):
            out.append(c)
        else:
            out.append(f"%{b:02x}")
    return "".join(out)


def _safe_scheme(s: str) -> bool:
    head = s.split("/", 1)[0]
    if ":" not in head:
        return True
    return head.split(":", 1)[0].lower() in ("http", "https", "mailto")


class HtmlContext:
    """Follows the text written so far; ``escape`` renders a value for the current context."""

    __slots__ = ("attr", "quote", "state", "value")

    def __init__(self) -> None:
        self.state = _TEXT
        self.attr = ""
        self.quote = ""
        self.value = ""

    def feed(self, text: str) -> None:
        for ch in text:
            st = self.state
            if st == _TEXT:
                if ch == "<":
                    self.state = _TAG
                    self.attr = ""
            elif st == _TAG:
                if ch == ">":
                    self.state = _TEXT
                elif not ch.isspace() and ch != "/":
                    self.state, self.attr = _ATTR_NAME, ch.lower()
            elif st == _ATTR_NAME:
                if ch == "=":
                    self.state = _BEFORE_VALUE
                elif ch == ">":
                    self.state = _TEXT
                elif ch.isspace():
                    self.state = _AFTER_NAME
                else:
                    self.attr += ch.lower()
            elif st == _AFTER_NAME:
                if ch == "=":
                    self.state = _BEFORE_VALUE
                elif ch == ">":
                    self.state = _TEXT
                elif not ch.isspace():
                    self.state, self.attr = _ATTR_NAME, ch.lower()
            elif st == _BEFORE_VALUE:
                if ch in "\"'":
                    self.state, self.quote, self.value = _VALUE, ch, ""
                elif ch == ">":
                    self.state = _TEXT
                elif not ch.isspace():
                    self.state, self.quote, self.value = _VALUE, "", ch
            else:  # _VALUE
                if (self.quote and ch == self.quote) or (not self.quote and ch.isspace()):
                    self.state = _TAG
                elif not self.quote and ch == ">":
                    self.state = _TEXT
                else:
                    self.value += ch

    def escape(self, value: Any, text: str, pre_escaped: str = "") -> str:
        """Escape an action's printed ``text`` (of ``value``) for the current context."""
        if self.state in (_VALUE, _BEFORE_VALUE):
            if self.attr in _URL_ATTRS:
                if pre_escaped == "urlquery":
                    out = _escape_html(text)
                elif "?" in self.value or "#" in self.value:
                    # In the query or fragment every reserved character is escaped.
                    out = _escape_html(_query_escape(text))
                else:
                    if not self.value and not isinstance(value, SafeURL) and not _safe_scheme(text):
                        text = "#ZgotmplZ"
                    out = _escape_html(_normalize_url(text))
            else:
                out = _escape_html(text)
            self.value += out
            return out
        if self.state == _TEXT and (isinstance(value, SafeHTML) or pre_escaped == "html"):
            return text
        return _escape_html(text)
