"""The status page, the route prefix, mounting in front of the API, static files and helpers."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient
from ui_env import CONFIG, T0, UiEnv

from alertmanager.api import ApiDeps, create_api
from alertmanager.config import dump
from alertmanager.ui import ui_routes
from alertmanager.ui._fmt import autolink, format_duration, parse_duration, relative


def test_status_shows_version_uptime_cluster_and_masked_config() -> None:
    env = UiEnv(cluster_status=lambda: {"name": "01ABC", "status": "ready", "peers": [
        {"name": "peer-b", "address": "10.0.0.2:9094"}, {"name": "peer-a", "address": "10.0.0.1:9094"}]})
    html = unescape(env.client.get("/ui/status").text)
    assert "<dt>version</dt><dd>0.0.test</dd>" in html and "<dt>revision</dt><dd>abc</dd>" in html
    assert "1h (since 2026-11-24 09:00:00 UTC)" in html
    assert "01ABC" in html and 'id="cluster-status">ready<' in html
    assert re.findall(r"<tr><td>(peer-\w)</td><td>([^<]+)</td></tr>", html) == [
        ("peer-a", "10.0.0.1:9094"), ("peer-b", "10.0.0.2:9094")]
    assert dump(env.config) in html
    assert "hunter2" not in html and "s3cr3t" not in html and "<secret>" in html


def test_cluster_disabled() -> None:
    assert 'id="cluster-status">disabled<' in UiEnv().client.get("/ui/status").text


def test_routing_tree_is_nested_and_the_labels_box_marks_the_route(env: UiEnv) -> None:
    html = unescape(env.client.get("/ui/status").text)
    tree = html[html.index('<ul class="tree">'):]
    assert re.findall(r'<span class="receiver">([^<]+)</span>', tree) == ["default", "pager", "team-db"]
    # the children sit in a list nested inside the root's item
    assert re.search(r'default</span>.*?<ul>.*?pager</span>.*?team-db</span>.*?</ul>\s*</li>', tree, re.S)
    assert "continue" in tree and "group by [alertname, cluster]" in tree

    routed = unescape(env.client.get("/ui/status", params={"labels": '{team="db", severity="critical"}'}).text)
    result = re.search(r'id="route-result">(.*?)</p>', routed, re.S).group(1)
    assert re.findall(r"<strong>([^<]+)</strong>", result) == ["pager"]  # first match, no continue
    assert routed.count('<li class="matched">') == 1
    team = unescape(env.client.get("/ui/status", params={"labels": '{team="db"}'}).text)
    assert re.findall(r"<strong>([^<]+)</strong>", re.search(r'id="route-result">(.*?)</p>', team, re.S)
                      .group(1)) == ["team-db"]
    fallback = unescape(env.client.get("/ui/status", params={"labels": 'alertname="x"'}).text)
    assert re.findall(r"<strong>([^<]+)</strong>", re.search(r'id="route-result">(.*?)</p>', fallback, re.S)
                      .group(1)) == ["default"]
    bad = env.client.get("/ui/status", params={"labels": 'a=~"b"'}).text
    assert 'id="labels-error"' in bad and 'use name=' in unescape(bad)


def test_route_prefix() -> None:
    env = UiEnv(prefix="/am/")
    env.put({"alertname": "X"})
    for path in ("/am/", "/am", "/am/ui/alerts", "/am/ui/silences", "/am/ui/status", "/am/ui/static/ui.js"):
        assert env.client.get(path).status_code == 200, path
    html = env.client.get("/am/ui/alerts").text
    assert 'href="/am/ui/static/ui.css"' in html and 'data-base="/am"' in html
    assert 'href="/am/ui/silences/new?filter=' in html
    assert env.client.get("/ui/alerts").status_code == 404


def test_mounted_in_front_of_the_api(env: UiEnv) -> None:
    """The recipe for app.py: the UI's routes first, then the API mounted at the root."""
    api = create_api(ApiDeps(
        alerts=env.alerts, silences=env.silences, marker=env.marker, config=lambda: env.config,
        config_dump=lambda: dump(env.config), match_receivers=lambda a: [r.receiver for r in env.route.match(a.labels)],
        silencer=env.silencer, inhibitor=lambda: env.inhibitor, clock=env.clock))
    client = TestClient(Starlette(routes=[*ui_routes(env.deps), Mount("", app=api)]))
    root = client.get("/")
    assert root.status_code == 200 and 'id="alert-count"' in root.text
    assert client.get("/api/v2/status").json()["cluster"]["status"] == "disabled"
    assert client.get("/-/healthy").status_code == 200
    assert client.get("/ui/status").status_code == 200
    posted = client.post("/api/v2/alerts", json=[{"labels": {"alertname": "ViaApi"}}])
    assert posted.status_code == 200
    assert "ViaApi" in client.get("/ui/alerts").text


def test_static_files_and_no_store() -> None:
    client = UiEnv().client
    css = client.get("/ui/static/ui.css")
    assert css.status_code == 200 and "prefers-color-scheme: dark" in css.text
    assert "fetch(" in client.get("/ui/static/ui.js").text
    assert client.get("/ui/alerts").headers["cache-control"] == "no-store"


@pytest.mark.parametrize(("text", "seconds"), [("2h", 7200), ("1d2h30m", 95400), ("90s", 90), ("1w", 604800),
                                                ("500ms", 0.5)], ids=["h", "mixed", "s", "w", "ms"])
def test_parse_duration(text: str, seconds: float) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "2", "h", "2h x", "-1h"], ids=["empty", "no-unit", "no-number", "junk", "neg"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_format_and_relative() -> None:
    assert format_duration(timedelta(days=1, hours=2, minutes=3)) == "1d2h3m"
    assert relative(T0 - timedelta(minutes=5, seconds=3), T0) == "5m3s ago"
    assert relative(T0 + timedelta(days=1, hours=2, minutes=3), T0) == "in 1d2h"


def test_autolink_escapes_and_links() -> None:
    out = str(autolink('<b> see https://a.example/x?y=1&z=2, then "http://b.example".'))
    assert out == ('&lt;b&gt; see <a href="https://a.example/x?y=1&amp;z=2" target="_blank" '
                   'rel="noopener noreferrer">https://a.example/x?y=1&amp;z=2</a>, then &#34;'
                   '<a href="http://b.example" target="_blank" rel="noopener noreferrer">http://b.example</a>&#34;.')


def test_config_reload_shows(env: UiEnv) -> None:
    from alertmanager.config import load

    env.config = load(CONFIG.replace("team-db", "team-storage"))
    assert "team-storage" in env.client.get("/ui/status").text
