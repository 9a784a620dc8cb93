"""Go ``compress/lzw`` (LSB order, literal width 8), byte-identical to Go's writer.

memberlist compresses with it; Go's reader rejects nothing Go's writer makes, and our writer makes
exactly the bytes Go's would, so captures can be compared byte for byte.

Written for CPython's speed, as a 2 MB push/pull state is common: the compressor does one dict
lookup per input byte and the decompressor one list lookup per code, while codes are packed into
and unpacked from bits a whole run of equal width at a time with big-integer mask-and-shift steps
(:func:`_pack`, :func:`_unpack`), never a bit or a byte at a time in Python.
"""

from __future__ import annotations

import sys
from array import array

__all__ = ["LZWError", "compress", "decompress"]

_LIT_WIDTH = 8
_CLEAR = 1 << _LIT_WIDTH
_EOF = _CLEAR + 1
_MAX_WIDTH = 12
_MAX_CODE = (1 << _MAX_WIDTH) - 1
_LITERALS = tuple(bytes([b]) for b in range(1 << _LIT_WIDTH))
_FULL_CHUNK = 1024
"""Codes decoded per step once the table is full (no width change bounds the run then)."""
_SLOT = 16
"""Bits per code in the ``array("H")`` form; every width (9..12) fits."""

_Masks = dict[tuple[int, int, int], tuple[int, int]]


class LZWError(ValueError):
    """The input is not a valid LZW stream."""


def _masks(cache: _Masks, total: int, slot: int, field: int) -> tuple[int, int]:
    """Over ``total`` bits cut into ``slot``-bit slots: bits [0, field) and [field, 2·field) of each."""
    key = (total, slot, field)
    found = cache.get(key)
    if found is None:
        lo = int.from_bytes(((1 << field) - 1).to_bytes(slot // 8, "little") * (total // slot), "little")
        found = cache[key] = (lo, lo << field)
    return found


def _slots(n: int) -> int:
    """The power of two of 16-bit slots that holds ``n`` codes."""
    return 1 << (n - 1).bit_length()


def _pack(cache: _Masks, codes: list[int], width: int) -> int:
    """``codes`` (each below 2**width) as one integer, code i at bits [i·width, (i+1)·width).

    The codes start 16 bits apart; each step halves the number of slots by moving the field of
    every odd slot down against its even neighbour, so log2(len) whole-integer steps suffice.
    """
    n = _slots(len(codes))
    arr = array("H", codes)
    arr.extend(bytes(n - len(codes)))
    if sys.byteorder == "big":
        arr.byteswap()
    v = int.from_bytes(arr.tobytes(), "little")
    total, slot, field = n * _SLOT, _SLOT, width
    while slot < total:
        lo, hi = _masks(cache, total, slot * 2, field)
        v = (v & lo) | ((v >> (slot - field)) & hi)
        slot, field = slot * 2, field * 2
    return v


def _unpack(cache: _Masks, v: int, count: int, width: int) -> array[int]:
    """The first ``count`` codes of ``width`` bits in ``v`` (the inverse of :func:`_pack`)."""
    n = _slots(count)
    total = n * _SLOT
    v &= (1 << (count * width)) - 1
    slot, field = total, width * n
    while slot > _SLOT:
        half, field = slot // 2, field // 2
        lo, hi = _masks(cache, total, slot, field)
        v = (v & lo) | ((v & hi) << (half - field))
        slot = half
    arr = array("H")
    arr.frombytes(v.to_bytes(total // 8, "little"))
    if sys.byteorder == "big":
        arr.byteswap()
    return arr[:count]


def compress(data: bytes) -> bytes:
    """Compress ``data`` exactly as one Go ``lzw.NewWriter(w, lzw.LSB, 8)`` Write + Close would.

    Codes are written LSB first, starting at 9 bits: a clear code, then the greedy LZW codes
    (the width grows when the next free code reaches a power of two; when it reaches 4095 a clear
    code is written and the table starts over), the last pending code, and the EOF code.
    """
    codes = [_CLEAR]
    emit = codes.append
    runs: list[tuple[int, int]] = []  # (end index in codes, width) of each run of one width
    width = _LIT_WIDTH + 1
    # Codes are kept shifted left by 8 (``base``, ``hi``) so that the next lookup key,
    # (code << 8 | next byte), is one OR away; ``table`` maps that key to the extended string's
    # shifted code. ``event`` is the next free code at which the width grows or the table resets.
    hi, event = _EOF << 8, _CLEAR << 9
    table: dict[int, int] = {}
    get = table.get
    if data:
        base = data[0] << 8
        for literal in data[1:]:
            key = base | literal
            found = get(key)
            if found is not None:
                base = found
                continue
            emit(base >> 8)
            base = literal << 8
            hi += 256
            if hi == event:
                if hi == _MAX_CODE << 8:
                    emit(_CLEAR)
                    runs.append((len(codes), width))
                    width, hi, event = _LIT_WIDTH + 1, _EOF << 8, _CLEAR << 9
                    table = {}
                    get = table.get
                    continue
                runs.append((len(codes), width))
                width += 1
                event = min(event << 1, _MAX_CODE << 8)
            table[key] = hi
        emit(base >> 8)
        hi += 256
        if hi == event:
            if hi == _MAX_CODE << 8:
                emit(_CLEAR)
                runs.append((len(codes), width))
                width = _LIT_WIDTH
            else:
                runs.append((len(codes), width))
            width += 1
    emit(_EOF)
    runs.append((len(codes), width))
    return _bits(codes, runs)


def _bits(codes: list[int], runs: list[tuple[int, int]]) -> bytes:
    """The LSB-first bit stream of ``codes``, each run at its own width, zero-padded to a byte."""
    out = bytearray()
    cache: _Masks = {}
    carry = carry_bits = start = 0
    for end, width in runs:
        if end == start:
            continue
        v = carry | (_pack(cache, codes[start:end], width) << carry_bits)
        n_bits = carry_bits + (end - start) * width
        raw = v.to_bytes((n_bits + 7) >> 3, "little")
        whole, carry_bits = n_bits >> 3, n_bits & 7
        out += raw[:whole]
        carry = raw[whole] if carry_bits else 0
        start = end
    if carry_bits:
        out.append(carry)
    return bytes(out)


def decompress(data: bytes, limit: int = 40 << 20) -> bytes:
    """Decompress a Go LSB/8 LZW stream; raise LZWError on corruption or output over ``limit``.

    ``limit`` is checked after every run of codes (at most 2048 of them) and at the end, so a
    hostile stream can overshoot it by at most a few megabytes before the error.
    """
    out = bytearray()
    cache: _Masks = {}
    # code -> its string; None marks the clear and EOF codes
    table: list[bytes | None] = [*_LITERALS, None, None]
    add = table.append
    width, hi, overflow = _LIT_WIDTH + 1, _EOF, _CLEAR << 1
    full = False  # the table is full: no more entries until a clear code
    prev: bytes | None = None  # the last code's string, None when no entry may be added
    pos, end = 0, len(data) * 8
    if len(data) >= 2 and (data[0] | data[1] << 8) & ((1 << width) - 1) == _CLEAR:
        pos = width  # the usual leading clear changes nothing: skip it rather than split a run
    while True:
        run = _FULL_CHUNK if full else overflow - hi
        count = min(run, (end - pos) // width)
        if count == 0:
            raise LZWError("lzw: unexpected EOF")
        first = pos >> 3
        raw = data[first : (pos + count * width + 7) >> 3]
        codes = _unpack(cache, int.from_bytes(raw, "little") >> (pos & 7), count, width)
        special = False
        for code in codes:
            try:
                entry = table[code]
            except IndexError:
                if code != len(table) or prev is None:
                    raise LZWError("lzw: invalid code") from None
                entry = prev + prev[:1]  # the string this very code defines (KwKwK)
            if entry is None:
                special = True
                break
            out += entry
            if prev is not None:
                add(prev + entry[:1])
            if not full:
                prev = entry
        if len(out) > limit:
            raise LZWError("lzw: output too large")
        if special:
            at = _first_special(codes)
            pos += (at + 1) * width
            if codes[at] == _EOF:
                return bytes(out)
            del table[_EOF + 1 :]
            width, hi, overflow = _LIT_WIDTH + 1, _EOF, _CLEAR << 1
            full, prev = False, None
            continue
        pos += count * width
        if full:
            continue
        hi += count
        if hi >= overflow:
            if width == _MAX_WIDTH:
                full, prev, hi = True, None, hi - 1
            else:
                width += 1
                overflow <<= 1


def _first_special(codes: array[int]) -> int:
    """Index of the first clear or EOF code in ``codes`` (there is one)."""
    try:
        at = codes.index(_CLEAR)
    except ValueError:
        at = len(codes)
    try:
        return codes.index(_EOF, 0, at)
    except ValueError:
        return at
