"""The alerts page rendered over real stores: grouping, filters, toggles, states, paging, links."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from html import unescape

import pytest
from prometheus_client import CollectorRegistry
from ui_env import UiEnv, client_for

from alertmanager.dispatch import Dispatcher, ManualScheduler
from alertmanager.model.matchers import parse_matcher
from alertmanager.silences import Silence, Silencer, Silences


def _count(html: str) -> int:
    return int(re.search(r'id="alert-count">(\d+)<', html).group(1))


def _groups(html: str) -> list[str]:
    """Each group as 'receiver: label chips'."""
    out = []
    for m in re.finditer(r'<span class="receiver" title="Receiver">([^<]*)</span>(.*?)</h2>', html, re.S):
        chips = re.findall(r'>([^<>]+="[^<>]*")</a>', unescape(m.group(2)))
        out.append(f"{m.group(1)}: {' '.join(chips)}")
    return out


def _silence(env: UiEnv, *matchers: str, comment: str = "maintenance") -> str:
    now = env.clock()
    ms = tuple(parse_matcher(m) for m in matchers)
    return env.silences.set(Silence(id="", matchers=ms, starts_at=now, ends_at=now + timedelta(hours=1),
                                    created_by="alice", comment=comment))


@pytest.fixture
def loaded(env: UiEnv) -> UiEnv:
    env.put({"alertname": "Disk", "severity": "critical", "cluster": "c1", "instance": "db1"},
            {"summary": "Disk full", "runbook": "see https://runbooks.example/disk?x=1&y=2."},
            generator_url="http://prometheus.example/graph?g0.expr=up")
    env.put({"alertname": "Disk", "severity": "warning", "cluster": "c1", "instance": "db2", "team": "db"},
            {"summary": "<script>alert(1)</script>"}, generator_url="javascript:alert(1)")
    env.put({"alertname": "Latency", "severity": "warning", "cluster": "c2", "instance": "web1"})
    return env


def test_groups_follow_the_routing_tree(loaded: UiEnv) -> None:
    html = loaded.client.get("/ui/alerts", params={"inhibited": "true"}).text
    assert _groups(html) == [
        'team-db: alertname="Disk"',
        'pager: alertname="Disk" cluster="c1"',
        'default: alertname="Latency"',
    ]
    assert _count(html) == 3


def test_root_serves_the_alerts_page_with_the_hash_route_script(loaded: UiEnv) -> None:
    r = loaded.client.get("/")
    assert r.status_code == 200
    assert "location.hash" in r.text and '"/ui/silences/new"' in r.text
    assert _count(r.text) == _count(loaded.client.get("/ui/alerts").text)
    assert "location.hash" not in loaded.client.get("/ui/alerts").text


@pytest.mark.parametrize(("params", "expected"), [
    ({}, 2),  # the warning in c1 is inhibited by the critical one: hidden by default
    ({"inhibited": "true"}, 3),
    ({"filter": 'severity="warning"', "inhibited": "true"}, 2),
    ({"filter": '{alertname="Disk", instance=~"db.*"}', "inhibited": "true"}, 2),
    ({"filter": ['alertname="Disk"', 'instance!="db1"'], "inhibited": "true"}, 1),
    ({"receiver": "pager"}, 1),
    ({"receiver": "team-.*", "inhibited": "true"}, 1),
    ({"receiver": "nobody"}, 0),
    ({"inhibited": ["false", "true"]}, 3),  # hidden "false" then the checked box: the last wins
    ({"inhibited": ["false"]}, 2),
], ids=["default", "inhibited", "filter", "filter-braces", "two-filters", "receiver", "receiver-regex",
        "receiver-none", "checkbox-on", "checkbox-off"])
def test_filters(loaded: UiEnv, params: dict, expected: int) -> None:
    assert _count(loaded.client.get("/ui/alerts", params=params).text) == expected


def test_silenced_alerts_are_hidden_then_shown_naming_the_silence(loaded: UiEnv) -> None:
    sid = _silence(loaded, 'alertname="Latency"', comment="deploy window")
    assert _count(loaded.client.get("/ui/alerts").text) == 1
    html = loaded.client.get("/ui/alerts", params={"silenced": "true"}).text
    assert _count(html) == 2
    assert f'Silenced by <a href="/ui/silences/{sid}">deploy window (alice)</a>' in html
    assert '<span class="badge suppressed">silenced</span>' in html


def test_inhibited_alert_names_the_inhibiting_alert(loaded: UiEnv) -> None:
    html = loaded.client.get("/ui/alerts", params={"inhibited": "true"}).text
    rows = re.findall(r'<li class="alert.*?</li>', html, re.S)
    row = next(r for r in rows if 'instance="db2"' in r)
    link = re.search(r'Inhibited by <a href="([^"]+)">([^<]+)</a>', row)
    assert unescape(link.group(2)) == '{alertname="Disk", cluster="c1", instance="db1", severity="critical"}'
    follow = loaded.client.get(unescape(link.group(1)))
    assert _count(follow.text) == 1 and 'instance="db1"' in follow.text


def test_unprocessed_toggle() -> None:
    env = UiEnv(silencer=None, inhibitor=lambda: None)  # without muters nothing marks the alert
    env.put({"alertname": "New"})
    html = env.client.get("/ui/alerts").text
    assert _count(html) == 1 and "badge unprocessed" in html
    assert _count(env.client.get("/ui/alerts", params={"unprocessed": "false"}).text) == 0


def test_muted_groups_follow_the_muted_toggle() -> None:
    env = UiEnv(group_muted=lambda route_id, key: (("weekends",), True) if "severity" in route_id else ((), False))
    env.put({"alertname": "Disk", "severity": "critical", "cluster": "c1"})
    env.put({"alertname": "Other"})
    assert _count(env.client.get("/ui/alerts").text) == 1
    html = env.client.get("/ui/alerts", params={"muted": "true"}).text
    assert _count(html) == 2
    assert "Muted by time interval weekends" in html


def test_label_chips_add_to_the_filter_and_links_are_safe(loaded: UiEnv) -> None:
    html = loaded.client.get("/ui/alerts", params={"filter": 'alertname="Disk"', "inhibited": "true"}).text
    chip = re.search(r'<a class="chip" href="([^"]+)" title="Filter by instance">instance="db1"', unescape(html))
    assert chip is not None
    follow = loaded.client.get(chip.group(1))
    assert _count(follow.text) == 1
    assert 'value="{alertname=&#34;Disk&#34;, instance=&#34;db1&#34;}"' in follow.text
    # Annotations are escaped; URLs in them become links (trailing punctuation left out).
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert '<a href="https://runbooks.example/disk?x=1&amp;y=2" target="_blank"' in html
    # Only http(s) generator URLs are linked.
    assert 'href="http://prometheus.example/graph?g0.expr=up"' in html
    assert "javascript:alert" not in html


def test_silence_button_prefills_every_label(loaded: UiEnv) -> None:
    html = unescape(loaded.client.get("/ui/alerts", params={"filter": 'instance="web1"'}).text)
    href = re.search(r'<a class="button small" href="([^"]+)">Silence</a>', html).group(1)
    form = loaded.client.get(href).text
    names = re.findall(r'name="matcher_name" value="([^"]*)"', form)
    values = re.findall(r'name="matcher_value" value="([^"]*)"', form)
    assert names == ["alertname", "cluster", "instance", "severity", ""]
    assert values == ["Latency", "c2", "web1", "warning", ""]
    assert 'class="preview-count">1<' in form


def test_pagination_is_server_side() -> None:
    env = UiEnv(page_size=4)
    for i in range(10):
        env.put({"alertname": "A" if i < 6 else "B", "instance": f"i{i:02d}"})
    first = env.client.get("/ui/alerts").text
    assert first.count('<li class="alert') == 4 and "page 1 of 3" in first
    second = env.client.get("/ui/alerts", params={"page": "2"}).text
    assert second.count('<li class="alert') == 4
    assert _groups(second) == ['default: alertname="A"', 'default: alertname="B"']
    assert "from #5" in second  # the A group continues from the previous page
    last = env.client.get("/ui/alerts", params={"page": "99"}).text
    assert "page 3 of 3" in last and last.count('<li class="alert') == 2
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_bad_filter_and_receiver_are_reported(loaded: UiEnv) -> None:
    assert "bad filter" in loaded.client.get("/ui/alerts", params={"filter": 'a=~"("'}).text
    assert "bad receiver" in loaded.client.get("/ui/alerts", params={"receiver": "("}).text


def test_fragment_is_the_results_alone(loaded: UiEnv) -> None:
    r = loaded.client.get("/ui/alerts/fragment", params={"inhibited": "true"})
    assert r.status_code == 200 and "<html" not in r.text and _count(r.text) == 3
    page = loaded.client.get("/ui/alerts", params={"inhibited": "true"}).text
    assert 'data-fragment="/ui/alerts/fragment?inhibited=true"' in page


def test_resolved_alerts_are_left_out(loaded: UiEnv) -> None:
    loaded.clock.advance(timedelta(hours=2))
    assert _count(loaded.client.get("/ui/alerts", params={"inhibited": "true"}).text) == 0


async def test_uses_the_dispatchers_groups(loaded: UiEnv) -> None:
    sched = ManualScheduler(loaded.clock())

    async def pipeline(ctx, alerts):
        return ctx, alerts

    d = Dispatcher(loaded.route, pipeline, scheduler=sched)
    for a in loaded.alerts.list()[:2]:
        d.process(a)
    client = client_for(replace(loaded.deps, groups=d.groups))
    html = client.get("/ui/alerts", params={"inhibited": "true"}).text
    assert _count(html) == 2  # only what the dispatcher has grouped
    assert _groups(html) == ['team-db: alertname="Disk"', 'pager: alertname="Disk" cluster="c1"']
    d.stop()


def test_page_counts_one_silence_query_and_reuses_inhibition_answers() -> None:
    env = UiEnv()
    registry = CollectorRegistry()
    silences = Silences(clock=env.clock, registry=registry)
    client = client_for(replace(env.deps, silences=silences, silencer=Silencer(silences, env.marker)))
    calls: list[int | None] = []
    mutes = env.inhibitor.mutes

    def counting(labels, now, fp=None):
        calls.append(fp)
        return mutes(labels, now, fp)

    env.inhibitor.mutes = counting
    for i in range(30):
        env.put({"alertname": f"n{i}", "severity": "warning", "cluster": "c1"})
    assert _count(client.get("/ui/alerts").text) == 30
    assert registry.get_sample_value("alertmanager_silences_queries_total") == 1  # not one per alert
    assert len(calls) == 30 and None not in calls  # asked with the known fingerprint
    client.get("/ui/alerts")
    assert len(calls) == 30  # no source changed: every cached answer holds
    env.put({"alertname": "Down", "severity": "critical", "cluster": "c1"})  # a source: answers change
    assert _count(client.get("/ui/alerts?inhibited=false").text) == 1
