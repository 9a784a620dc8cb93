"""Label sets and their fingerprints, identical to Prometheus's.

A fingerprint is FNV-1a 64 over the label names in sorted order, each name and value followed
by the 0xff separator byte (hashed in C by ``fnv-c``: the API fingerprints every
alert). It is what the API shows as an alert's ``fingerprint`` (16 hex
digits) and what upstream keys alerts by, so it must match Go bit for bit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from fnv_c import fnv1a_64

from alertmanager.model._quote import go_quote

__all__ = [
    "LabelSet",
    "fingerprint",
    "fingerprint_hex",
    "is_valid_label_name",
    "is_valid_legacy_label_name",
    "label_set_string",
]

LabelSet = Mapping[str, str]

_FNV_OFFSET64 = 14695981039346656037
_SEPARATOR = b"\xff"
_LEGACY_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


def fingerprint(labels: LabelSet) -> int:
    """The 64-bit fingerprint Prometheus's ``LabelSet.Fingerprint`` computes."""
    if not labels:
        return _FNV_OFFSET64
    parts: list[bytes] = []
    for name in sorted(labels):
        parts.append(name.encode())
        parts.append(labels[name].encode())
    parts.append(b"")
    return int(fnv1a_64(_SEPARATOR.join(parts)))


def fingerprint_hex(labels: LabelSet) -> str:
    """The fingerprint as Go's ``Fingerprint.String`` prints it: 16 lower-case hex digits."""
    return f"{fingerprint(labels):016x}"


def is_valid_legacy_label_name(name: str) -> bool:
    """Whether ``name`` is a classic Prometheus label name (``[a-zA-Z_][a-zA-Z0-9_]*``)."""
    return _LEGACY_NAME.fullmatch(name) is not None


def is_valid_label_name(name: str) -> bool:
    """Whether ``name`` is a valid label name under UTF-8 validation (any non-empty text)."""
    return len(name) > 0


def label_set_string(labels: LabelSet, names: Iterable[str] | None = None) -> str:
    """``{a="1", b="2"}`` as Go's ``model.LabelSet.String`` prints it (sorted, quoted values)."""
    keys = sorted(labels) if names is None else list(names)
    return "{" + ", ".join(f"{k}={go_quote(labels[k])}" for k in keys) + "}"
