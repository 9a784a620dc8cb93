"""build_data: upstream's Template.Data from alerts of a group."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alertmanager.model.alert import Alert
from alertmanager.template import Template, build_data

NOW = datetime(2024, 1, 2, 4, 0, tzinfo=UTC)


def _alerts() -> list[Alert]:
    return [
        Alert(labels={"alertname": "A", "job": "x", "i": "1"}, annotations={"s": "same", "d": "1"},
              starts_at=NOW - timedelta(hours=1), generator_url="http://g/1"),
        Alert(labels={"alertname": "A", "job": "x", "i": "2"}, annotations={"s": "same", "d": "2"},
              starts_at=NOW - timedelta(hours=2), ends_at=NOW - timedelta(minutes=1)),
    ]


def test_build_data_fields() -> None:
    d = build_data("team-a.b (c)", {"alertname": "A"}, _alerts(), external_url="http://am", now=NOW)
    assert d.Receiver == "team-a\\.b \\(c\\)"  # regexp.QuoteMeta, as upstream
    assert d.Status == "firing"
    assert d.CommonLabels == {"alertname": "A", "job": "x"}
    assert d.CommonAnnotations == {"s": "same"}
    assert d.GroupLabels == {"alertname": "A"}
    assert d.ExternalURL == "http://am"
    assert [a.Status for a in d.Alerts] == ["firing", "resolved"]
    assert d.Alerts[0].Fingerprint == _alerts()[0].fingerprint_hex
    assert len(d.Alerts.Firing()) == 1 and len(d.Alerts.Resolved()) == 1


def test_build_data_all_resolved_and_zero_end_time() -> None:
    alerts = _alerts()
    d = build_data("r", {}, alerts[1:], external_url="", now=NOW)
    assert d.Status == "resolved"
    d2 = build_data("r", {}, alerts[:1], external_url="", now=NOW)
    tmpl = Template.from_files([])
    assert tmpl.execute_text("{{ (index .Alerts 0).EndsAt }}", d2) == "0001-01-01 00:00:00 +0000 UTC"


def test_build_data_renders_subject() -> None:
    d = build_data("r", {"alertname": "A"}, _alerts(), external_url="http://am", now=NOW)
    assert Template.from_files([]).render("__subject", d) == "[FIRING:1] A (x)"
