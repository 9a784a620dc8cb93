"""Go's orderings of label sets and alert lists, which API output and payloads follow."""

from __future__ import annotations

import functools
from collections.abc import Mapping

from alertmanager.model.alert import Alert

__all__ = ["alert_sort_key", "label_set_before", "label_set_sort_key"]


def label_set_before(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    """Prometheus's ``LabelSet.Before``: fewer labels first, then the first differing pair."""
    if len(a) != len(b):
        return len(a) < len(b)
    for name in sorted({*a, *b}, key=str.encode):
        av = a.get(name)
        if av is None:
            return True
        bv = b.get(name)
        if bv is None:
            return False
        if av != bv:
            return av.encode() < bv.encode()
    return False


def _cmp_label_sets(a: Mapping[str, str], b: Mapping[str, str]) -> int:
    if label_set_before(a, b):
        return -1
    if label_set_before(b, a):
        return 1
    return 0


label_set_sort_key = functools.cmp_to_key(_cmp_label_sets)
"""A ``sorted(key=...)`` for label sets in ``LabelSet.Before`` order."""


def _cmp_alerts(x: Alert, y: Alert) -> int:
    # Upstream's AlertSlice.Less: by job, then instance (present before absent), then labels.
    for key in ("job", "instance"):
        xv, yv = x.labels.get(key), y.labels.get(key)
        if xv is None and yv is None:
            continue
        if xv is None:
            return 1
        if yv is None:
            return -1
        if xv != yv:
            return -1 if xv.encode() < yv.encode() else 1
    return _cmp_label_sets(x.labels, y.labels)


alert_sort_key = functools.cmp_to_key(_cmp_alerts)
"""A ``sorted(key=...)`` for alerts in upstream's ``AlertSlice`` order."""
