"""MIME pieces as Go's standard library writes them, so e-mails match upstream byte for byte:
``mime.QEncoding`` header words, ``mime/quotedprintable`` bodies, ``mime/multipart`` parts and
``time.RFC1123Z`` dates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

__all__ = ["multipart_body", "q_encode", "quoted_printable", "rfc1123z"]

_UPPERHEX = "0123456789ABCDEF"
_LINE_MAX = 76
_MAX_WORD_CONTENT = 75 - len("=?UTF-8?q?") - len("?=")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _q_plain(b: int) -> bool:
    return ord("!") <= b <= ord("~") and b not in b"=?_"


def _q_bytes(raw: bytes) -> str:
    out = []
    for b in raw:
        if b == 0x20:
            out.append("_")
        elif _q_plain(b):
            out.append(chr(b))
        else:
            out.append(f"={_UPPERHEX[b >> 4]}{_UPPERHEX[b & 15]}")
    return "".join(out)


def q_encode(value: str, charset: str = "utf-8") -> str:
    """``mime.QEncoding.Encode``: unchanged unless it holds controls or non-ASCII, else encoded-words
    of at most 75 characters that never split a character."""
    if not any((c < " " or c > "~") and c != "\t" for c in value):
        return value
    words: list[str] = []
    current: list[str] = []
    length = 0
    for ch in value:
        raw = ch.encode()
        size = 1 if len(raw) == 1 and (raw[0] == 0x20 or _q_plain(raw[0])) else 3 * len(raw)
        if length + size > _MAX_WORD_CONTENT:
            words.append("".join(current))
            current, length = [], 0
        current.append(_q_bytes(raw))
        length += size
    words.append("".join(current))
    return " ".join(f"=?{charset}?q?{w}?=" for w in words)


class _QPWriter:
    """Go's ``quotedprintable.Writer`` (text mode): CRLF line ends, soft breaks at 76 columns,
    trailing blanks encoded."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.line = bytearray()
        self.cr = False

    def _flush(self) -> None:
        self.out += self.line
        self.line.clear()

    def _crlf(self) -> None:
        self.line += b"\r\n"
        self._flush()

    def _soft_break(self) -> None:
        self.line += b"="
        self._crlf()

    def _encode(self, b: int) -> None:
        if _LINE_MAX - 1 - len(self.line) < 3:
            self._soft_break()
        self.line += f"={_UPPERHEX[b >> 4]}{_UPPERHEX[b & 15]}".encode()

    def _check_last_byte(self) -> None:
        if self.line and self.line[-1] in b" \t":
            b = self.line.pop()
            self._encode(b)

    def _write_plain(self, data: bytes) -> None:
        for b in data:
            if b in b"\r\n":
                if self.cr and b == 0x0A:
                    self.cr = False
                    continue
                if b == 0x0D:
                    self.cr = True
                self._check_last_byte()
                self._crlf()
                continue
            if len(self.line) == _LINE_MAX - 1:
                self._soft_break()
            self.line.append(b)
            self.cr = False

    def write(self, data: bytes) -> None:
        start = 0
        for i, b in enumerate(data):
            if ord("!") <= b <= ord("~") and b != ord("="):
                continue
            if b in b" \t\r\n":
                continue
            if i > start:
                self._write_plain(data[start:i])
            self._encode(b)
            start = i + 1
        if start < len(data):
            self._write_plain(data[start:])

    def close(self) -> bytes:
        self._check_last_byte()
        self._flush()
        return bytes(self.out)


def quoted_printable(text: str) -> bytes:
    """``text`` through Go's quoted-printable writer."""
    w = _QPWriter()
    w.write(text.encode())
    return w.close()


def multipart_body(boundary: str, parts: Sequence[tuple[Mapping[str, str], bytes]]) -> bytes:
    """Go's ``multipart.Writer``: each part's headers sorted by name, then the closing boundary."""
    out = bytearray()
    for i, (headers, body) in enumerate(parts):
        out += (f"\r\n--{boundary}\r\n" if i else f"--{boundary}\r\n").encode()
        for name in sorted(headers):
            out += f"{name}: {headers[name]}\r\n".encode()
        out += b"\r\n" + body
    out += f"\r\n--{boundary}--\r\n".encode()
    return bytes(out)


def rfc1123z(t: datetime) -> str:
    """``time.RFC1123Z``: ``Mon, 02 Jan 2006 15:04:05 -0700``."""
    offset = t.utcoffset()
    minutes = int(offset.total_seconds()) // 60 if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return (f"{_DAYS[t.weekday()]}, {t.day:02d} {_MONTHS[t.month - 1]} {t.year:04d} "
            f"{t.hour:02d}:{t.minute:02d}:{t.second:02d} {sign}{minutes // 60:02d}{minutes % 60:02d}")
