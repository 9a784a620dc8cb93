"""Go ``compress/lzw`` (LSB order, literal width 8), byte-identical to Go's writer.

memberlist compresses with it; Go's reader rejects nothing Go's writer makes, and our writer makes
exactly the bytes Go's would, so captures can be compared byte for byte.
"""

from __future__ import annotations

__all__ = ["LZWError", "compress", "decompress"]

_LIT_WIDTH = 8
_CLEAR = 1 << _LIT_WIDTH
_EOF = _CLEAR + 1
_MAX_WIDTH = 12
_MAX_CODE = (1 << _MAX_WIDTH) - 1


class LZWError(ValueError):
    """The input is not a valid LZW stream."""


class _BitWriter:
    __slots__ = ("bits", "n_bits", "out", "width")

    def __init__(self) -> None:
        self.bits = 0
        self.n_bits = 0
        self.width = _LIT_WIDTH + 1
        self.out = bytearray()

    def write(self, code: int) -> None:
        self.bits |= code << self.n_bits
        self.n_bits += self.width
        while self.n_bits >= 8:
            self.out.append(self.bits & 0xFF)
            self.bits >>= 8
            self.n_bits -= 8


def compress(data: bytes) -> bytes:
    """Compress ``data`` exactly as one Go ``lzw.NewWriter(w, lzw.LSB, 8)`` Write + Close would."""
    w = _BitWriter()
    hi = _EOF
    overflow = _CLEAR << 1
    table: dict[int, int] = {}

    def inc_hi() -> bool:
        """Advance the next free code; True when the table ran out and was reset."""
        nonlocal hi, overflow, table
        hi += 1
        if hi == overflow:
            w.width += 1
            overflow <<= 1
        if hi == _MAX_CODE:
            w.write(_CLEAR)
            w.width = _LIT_WIDTH + 1
            hi = _CLEAR + 1
            overflow = _CLEAR << 1
            table = {}
            return True
        return False

    if not data:
        w.write(_CLEAR)
    else:
        w.write(_CLEAR)
        code = data[0]
        for literal in data[1:]:
            key = (code << 8) | literal
            found = table.get(key)
            if found is not None:
                code = found
                continue
            w.write(code)
            code = literal
            if inc_hi():
                continue
            table[key] = hi
        w.write(code)
        inc_hi()
    w.write(_EOF)
    if w.n_bits > 0:
        w.out.append(w.bits & 0xFF)
    return bytes(w.out)


def decompress(data: bytes, limit: int = 40 << 20) -> bytes:
    """Decompress a Go LSB/8 LZW stream; raise LZWError on corruption or output over ``limit``."""
    out = bytearray()
    prefix = [0] * (1 << _MAX_WIDTH)
    suffix = [0] * (1 << _MAX_WIDTH)
    width = _LIT_WIDTH + 1
    hi = _EOF
    overflow = 1 << width
    last = -1
    bits = 0
    n_bits = 0
    pos = 0
    n = len(data)
    while True:
        while n_bits < width:
            if pos >= n:
                raise LZWError("lzw: unexpected EOF")
            bits |= data[pos] << n_bits
            pos += 1
            n_bits += 8
        code = bits & ((1 << width) - 1)
        bits >>= width
        n_bits -= width
        if code < _CLEAR:
            out.append(code)
            if last != -1:
                suffix[hi] = code
                prefix[hi] = last
        elif code == _CLEAR:
            width = _LIT_WIDTH + 1
            hi = _EOF
            overflow = 1 << width
            last = -1
            continue
        elif code == _EOF:
            return bytes(out)
        elif code <= hi:
            chunk = bytearray()
            c = code
            if code == hi:
                if last == -1:
                    raise LZWError("lzw: invalid code")
                first = last
                while first >= _CLEAR:
                    first = prefix[first]
                chunk.append(first)
                c = last
            while c >= _CLEAR:
                chunk.append(suffix[c])
                c = prefix[c]
            chunk.append(c)
            chunk.reverse()
            out += chunk
            if last != -1:
                suffix[hi] = c
                prefix[hi] = last
        else:
            raise LZWError("lzw: invalid code")
        if len(out) > limit:
            raise LZWError("lzw: output too large")
        last = code
        hi += 1
        if hi >= overflow:
            if width == _MAX_WIDTH:
                last = -1
                hi -= 1
            else:
                width += 1
                overflow = 1 << width
