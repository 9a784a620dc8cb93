"""ULIDs: the peer names Alertmanager generates (48-bit ms time + 80 random bits, Crockford base32)."""

from __future__ import annotations

import os
from datetime import datetime

__all__ = ["new_ulid"]

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid(now: datetime, entropy: bytes | None = None) -> str:
    """A 26-character ULID for ``now``; names sort by creation time, like upstream's."""
    ms = int(now.timestamp() * 1000) & ((1 << 48) - 1)
    rand = entropy if entropy is not None else os.urandom(10)
    if len(rand) != 10:
        raise ValueError("ULID entropy must be 10 bytes")
    value = (ms << 80) | int.from_bytes(rand, "big")
    return "".join(_ALPHABET[(value >> (5 * i)) & 31] for i in range(25, -1, -1))
