"""The data notification templates see (upstream's ``template.Data``) and how it is built."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from alertmanager.model.alert import Alert as ModelAlert
from alertmanager.template._gotime import ZERO_TIME

__all__ = ["KV", "Alert", "Alerts", "Data", "Pair", "Pairs", "Strings", "build_data", "data_from_json"]


class Strings(list[str]):
    """A list of strings with Go's ``Join`` method."""

    GO_TYPE = "template.Strings"

    def Join(self, sep: str) -> str:
        return sep.join(self)


@dataclass(frozen=True, slots=True)
class Pair:
    """A key/value pair; prints as ``{name value}``."""

    Name: str
    Value: str

    GO_FIELDS = ("Name", "Value")
    GO_TYPE = "template.Pair"


class Pairs(list[Pair]):
    """Sorted pairs of a KV."""

    GO_TYPE = "template.Pairs"

    def Names(self) -> Strings:
        return Strings(p.Name for p in self)

    def Values(self) -> Strings:
        return Strings(p.Value for p in self)

    def String(self) -> str:
        return ", ".join(f"{p.Name}={p.Value}" for p in self)


class KV(dict[str, str]):
    """A label or annotation set; a missing key reads as "" like Go's ``map[string]string``."""

    GO_TYPE = "template.KV"
    ZERO = ""

    def SortedPairs(self) -> Pairs:
        keys = sorted(k for k in self if k != "alertname")
        if "alertname" in self:
            keys.insert(0, "alertname")
        return Pairs(Pair(k, self[k]) for k in keys)

    def Remove(self, keys: Iterable[str]) -> KV:
        drop = set(keys)
        return KV({k: v for k, v in self.items() if k not in drop})

    def Names(self) -> Strings:
        return self.SortedPairs().Names()

    def Values(self) -> Strings:
        return self.SortedPairs().Values()

    def String(self) -> str:
        return self.SortedPairs().String()


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert as templates see it."""

    Status: str
    Labels: KV
    Annotations: KV
    StartsAt: datetime
    EndsAt: datetime
    GeneratorURL: str
    Fingerprint: str

    GO_FIELDS = ("Status", "Labels", "Annotations", "StartsAt", "EndsAt", "GeneratorURL", "Fingerprint")
    GO_TYPE = "template.Alert"


class AlertList(list[Alert]):
    """A Go ``[]template.Alert`` (what Firing and Resolved return)."""

    GO_TYPE = "[]template.Alert"


class Alerts(list[Alert]):
    """The alerts of a notification, with ``Firing`` and ``Resolved`` subsets."""

    GO_TYPE = "template.Alerts"

    def Firing(self) -> AlertList:
        return AlertList(a for a in self if a.Status == "firing")

    def Resolved(self) -> AlertList:
        return AlertList(a for a in self if a.Status == "resolved")


@dataclass(frozen=True, slots=True)
class Data:
    """What dot is at the top of a notification template."""

    Receiver: str
    Status: str
    Alerts: Alerts
    GroupLabels: KV
    CommonLabels: KV
    CommonAnnotations: KV
    ExternalURL: str
    RouteLabels: KV = field(default_factory=KV)
    NotificationReason: str = ""

    # Printed like 0.25's struct; toJson writes every field, as newer upstream does.
    GO_FIELDS = ("Receiver", "Status", "Alerts", "GroupLabels", "CommonLabels", "CommonAnnotations",
                 "ExternalURL")
    JSON_FIELDS = ("Receiver", "Status", "Alerts", "NotificationReason", "GroupLabels", "CommonLabels",
                   "CommonAnnotations", "RouteLabels", "ExternalURL")
    GO_TYPE = "template.Data"


_META = frozenset("\\.+*?()|[]{}^$")


def quote_meta(s: str) -> str:
    """Go's ``regexp.QuoteMeta`` (escapes fewer characters than ``re.escape``)."""
    return "".join("\\" + c if c in _META else c for c in s)


def _common(sets: Sequence[Mapping[str, str]]) -> KV:
    if not sets:
        return KV()
    common = dict(sets[0])
    for s in sets[1:]:
        if not common:
            break
        common = {k: v for k, v in common.items() if s.get(k) == v}
    return KV(common)


def build_data(receiver: str, group_labels: Mapping[str, str], alerts: Sequence[ModelAlert], *,
               external_url: str, now: datetime, route_labels: Mapping[str, str] | None = None,
               notification_reason: str = "") -> Data:
    """Upstream's ``Template.Data``: the receiver name is regex-quoted as upstream does."""
    items = Alerts()
    for a in alerts:
        items.append(Alert(
            Status=a.status(now),
            Labels=KV(a.labels),
            Annotations=KV(a.annotations),
            StartsAt=a.starts_at or ZERO_TIME,
            EndsAt=a.ends_at or ZERO_TIME,
            GeneratorURL=a.generator_url,
            Fingerprint=a.fingerprint_hex,
        ))
    status = "firing" if any(x.Status == "firing" for x in items) else "resolved"
    return Data(
        Receiver=quote_meta(receiver),
        Status=status,
        Alerts=items,
        GroupLabels=KV(group_labels),
        CommonLabels=_common([a.labels for a in alerts]),
        CommonAnnotations=_common([a.annotations for a in alerts]),
        ExternalURL=external_url,
        RouteLabels=KV(route_labels or {}),
        NotificationReason=notification_reason,
    )


def _parse_time(v: Any) -> datetime:
    if not isinstance(v, str) or not v:
        return ZERO_TIME
    s = v.replace("Z", "+00:00")
    m = re.match(r"^(.*?\d\d:\d\d:\d\d)(\.\d+)?(.*)$", s)
    if m is not None and m.group(2):
        s = m.group(1) + m.group(2)[:7] + m.group(3)
    t = datetime.fromisoformat(s)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    if t.utcoffset() is not None and t.utcoffset() == UTC.utcoffset(None) and v.endswith("Z"):
        t = t.astimezone(UTC)
    return t


def data_from_json(obj: Mapping[str, Any]) -> Data:
    """Build Data from upstream's JSON form (the webhook payload / ``amtool --template.data``)."""
    alerts = Alerts(
        Alert(
            Status=str(a.get("status", "")),
            Labels=KV(a.get("labels") or {}),
            Annotations=KV(a.get("annotations") or {}),
            StartsAt=_parse_time(a.get("startsAt")),
            EndsAt=_parse_time(a.get("endsAt")),
            GeneratorURL=str(a.get("generatorURL", "")),
            Fingerprint=str(a.get("fingerprint", "")),
        )
        for a in obj.get("alerts") or []
    )
    return Data(
        Receiver=str(obj.get("receiver", "")),
        Status=str(obj.get("status", "")),
        Alerts=alerts,
        GroupLabels=KV(obj.get("groupLabels") or {}),
        CommonLabels=KV(obj.get("commonLabels") or {}),
        CommonAnnotations=KV(obj.get("commonAnnotations") or {}),
        ExternalURL=str(obj.get("externalURL", "")),
        RouteLabels=KV(obj.get("routeLabels") or {}),
        NotificationReason=str(obj.get("notification_reason", "")),
    )
