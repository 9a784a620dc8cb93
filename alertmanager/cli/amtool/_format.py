"""amtool's three output formats (``simple``, ``extended``, ``json``) as 0.25 prints them.

Tables go through Go's tabwriter layout; JSON is re-encoded as Go's ``encoding/json`` writes
0.25's API models (field order, omitted fields, HTML-safe escapes, millisecond times).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TextIO

from alertmanager.cli.amtool._tabwriter import tabulate
from alertmanager.dispatch.route import matchers_string
from alertmanager.model.matchers import Matcher, MatchType
from alertmanager.template import format_time

__all__ = ["Formatter", "go_json", "go_json_time", "parse_api_time"]

Json = Any


def parse_api_time(text: str) -> datetime:
    """A ``strfmt.DateTime`` from the API (RFC 3339, any fraction), keeping its offset."""
    body, frac = text, ""
    if "." in text:
        head, rest = text.split(".", 1)
        digits = len(rest) - len(rest.lstrip("0123456789"))
        frac, tz = rest[:digits], rest[digits:]
        body = head + tz
    t = datetime.fromisoformat(body)
    if frac:
        t = t.replace(microsecond=int((frac + "000000")[:6]))
    return t


def go_json_time(t: datetime) -> str:
    """``strfmt.DateTime`` JSON form: RFC 3339 with milliseconds (truncated), ``Z`` for UTC."""
    s = t.strftime("%Y-%m-%dT%H:%M:%S") + f".{t.microsecond // 1000:03d}"
    off = t.utcoffset()
    if off is None or not off:
        return s + "Z"
    secs = int(off.total_seconds())
    sign = "-" if secs < 0 else "+"
    secs = abs(secs)
    return s + f"{sign}{secs // 3600:02d}:{secs % 3600 // 60:02d}"


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t",
            "<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _go_string(s: str) -> str:
    out = ['"']
    for ch in s:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_json(value: Json) -> str:
    """Compact JSON as Go's encoder writes it (dict order kept; callers sort Go maps)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _go_string(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{_go_string(k)}:{go_json(v)}" for k, v in value.items()) + "}"
    return "[" + ",".join(go_json(v) for v in value) + "]"


def _time_json(v: Any) -> Any:
    return go_json_time(parse_api_time(v)) if isinstance(v, str) else v


def _sorted_map(v: Any) -> Any:
    return dict(sorted(v.items(), key=lambda kv: kv[0].encode())) if isinstance(v, Mapping) else v


def _model(obj: Mapping[str, Any], fields: Sequence[tuple[str, Callable[[Any], Any] | None, bool]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, conv, omitempty in fields:
        if name not in obj:
            if not omitempty:
                out[name] = None
            continue
        v = obj[name]
        if omitempty and v in (None, "", [], {}):
            continue
        out[name] = conv(v) if conv is not None else v
    return out


def _matcher_json(m: Mapping[str, Any]) -> dict[str, Any]:
    return _model(m, [("isEqual", None, True), ("isRegex", None, False), ("name", None, False),
                      ("value", None, False)])


def silence_json(s: Mapping[str, Any]) -> dict[str, Any]:
    """A ``GettableSilence`` in 0.25's field order."""
    return _model(s, [
        ("id", None, False), ("status", lambda v: _model(v, [("state", None, False)]), False),
        ("updatedAt", _time_json, False), ("comment", None, False), ("createdBy", None, False),
        ("endsAt", _time_json, False), ("matchers", lambda v: [_matcher_json(m) for m in v or []], False),
        ("startsAt", _time_json, False),
    ])


def _alert_status(v: Mapping[str, Any]) -> dict[str, Any]:
    return _model(v, [("inhibitedBy", None, False), ("silencedBy", None, False), ("state", None, False)])


def alert_json(a: Mapping[str, Any]) -> dict[str, Any]:
    """A ``GettableAlert`` in 0.25's field order."""
    return _model(a, [
        ("annotations", _sorted_map, False), ("endsAt", _time_json, False), ("fingerprint", None, False),
        ("receivers", lambda v: [_model(r, [("name", None, False)]) for r in v or []], False),
        ("startsAt", _time_json, False), ("status", _alert_status, False), ("updatedAt", _time_json, False),
        ("generatorURL", None, True), ("labels", _sorted_map, False),
    ])


def cluster_json(c: Mapping[str, Any]) -> dict[str, Any]:
    peers = [_model(p, [("address", None, False), ("name", None, False)]) for p in c.get("peers") or []]
    out = _model(c, [("name", None, True), ("peers", None, False), ("status", None, False)])
    out["peers"] = peers
    return out


def status_json(st: Mapping[str, Any]) -> dict[str, Any]:
    version_keys = ("branch", "buildDate", "buildUser", "goVersion", "revision", "version")
    return _model(st, [
        ("cluster", cluster_json, False), ("config", lambda v: _model(v, [("original", None, False)]), False),
        ("uptime", _time_json, False), ("versionInfo", lambda v: _model(v, [(k, None, False) for k in version_keys]),
                                        False),
    ])


def _api_matcher(m: Mapping[str, Any]) -> Matcher:
    is_regex = bool(m.get("isRegex"))
    is_equal = bool(m.get("isEqual", True))
    t = {(False, True): MatchType.EQUAL, (False, False): MatchType.NOT_EQUAL,
         (True, True): MatchType.REGEX, (True, False): MatchType.NOT_REGEX}[(is_regex, is_equal)]
    # No regex compilation: the server accepted it, and we only print it.
    return Matcher(str(m.get("name", "")), t, str(m.get("value", "")))


def _labels_string(labels: Mapping[str, str]) -> str:
    return " ".join(sorted(f'{k}="{v}"' for k, v in labels.items()))


def _peer_key(p: Mapping[str, Any]) -> tuple[bytes, int]:
    host, _, port = str(p.get("address", "")).rpartition(":")
    host = host.strip("[]")
    try:
        ip = ipaddress.ip_address(host)
        packed = (ipaddress.IPv6Address(f"::ffff:{ip}") if ip.version == 4 else ip).packed
    except ValueError:
        packed = b""
    return (packed, int(port) if port.isdigit() else 0)


class Formatter:
    """Writes silences, alerts, the config and the cluster status in one output format."""

    def __init__(self, kind: str, date_format: str, out: TextIO) -> None:
        self.kind = kind
        self.date_format = date_format
        self.out = out

    def _date(self, v: Any) -> str:
        return format_time(parse_api_time(v), self.date_format) if isinstance(v, str) else ""

    def _json(self, value: Json) -> None:
        self.out.write(go_json(value) + "\n")

    def silences(self, silences: Sequence[Mapping[str, Any]]) -> None:
        ordered = sorted(silences, key=lambda s: parse_api_time(s["endsAt"]))
        if self.kind == "json":
            self._json([silence_json(s) for s in ordered])
            return
        rows: list[str] = []
        if self.kind == "extended":
            rows.append("ID\tMatchers\tStarts At\tEnds At\tUpdated At\tCreated By\tComment\t")
            for s in ordered:
                ms = matchers_string(tuple(_api_matcher(m) for m in s.get("matchers") or []))
                rows.append("\t".join([s.get("id", ""), ms, self._date(s.get("startsAt")), self._date(s.get("endsAt")),
                                       self._date(s.get("updatedAt")), s.get("createdBy", ""),
                                       s.get("comment", "")]) + "\t")
        else:
            rows.append("ID\tMatchers\tEnds At\tCreated By\tComment\t")
            for s in ordered:
                ms = " ".join(matchers_string((_api_matcher(m),))[1:-1] for m in s.get("matchers") or [])
                rows.append("\t".join([s.get("id", ""), ms, self._date(s.get("endsAt")), s.get("createdBy", ""),
                                       s.get("comment", "")]) + "\t")
        self.out.write(tabulate("\n".join(rows) + "\n"))

    def alerts(self, alerts: Sequence[Mapping[str, Any]]) -> None:
        ordered = sorted(alerts, key=lambda a: parse_api_time(a["startsAt"]))
        if self.kind == "json":
            self._json([alert_json(a) for a in ordered])
            return
        rows: list[str] = []
        if self.kind == "extended":
            rows.append("Labels\tAnnotations\tStarts At\tEnds At\tGenerator URL\tState\t")
            for a in ordered:
                rows.append("\t".join([_labels_string(a.get("labels") or {}),
                                       _labels_string(a.get("annotations") or {}),
                                       self._date(a.get("startsAt")), self._date(a.get("endsAt")),
                                       a.get("generatorURL", ""), (a.get("status") or {}).get("state", "")]) + "\t")
        else:
            rows.append("Alertname\tStarts At\tSummary\tState\t")
            for a in ordered:
                rows.append("\t".join([(a.get("labels") or {}).get("alertname", ""), self._date(a.get("startsAt")),
                                       (a.get("annotations") or {}).get("summary", ""),
                                       (a.get("status") or {}).get("state", "")]) + "\t")
        self.out.write(tabulate("\n".join(rows) + "\n"))

    def config(self, status: Mapping[str, Any]) -> None:
        if self.kind == "json":
            self._json(status_json(status))
            return
        original = (status.get("config") or {}).get("original", "")
        self.out.write(f"{original}\n")
        if self.kind == "extended":
            # 0.25 prints pointer addresses here (a bug); we print the values it meant to.
            info = status.get("versionInfo") or {}
            for key in ("buildUser", "goVersion", "revision", "version", "branch", "buildDate"):
                self.out.write(f"{key} {info.get(key, '')}\n")
            self.out.write(f"uptime {go_json_time(parse_api_time(status['uptime'])) if status.get('uptime') else ''}\n")

    def cluster(self, cluster: Mapping[str, Any]) -> None:
        if self.kind == "json":
            self._json(cluster_json(cluster))
            return
        text = f"Cluster Status:\t{cluster.get('status', '')}\nNode Name:\t{cluster.get('name', '')}\n"
        if self.kind == "extended":
            text += "\nAddress\tName\n"
            for p in sorted(cluster.get("peers") or [], key=_peer_key):
                text += f"{p.get('address', '')}\t{p.get('name', '')}\t\n"
        self.out.write(tabulate(text))
