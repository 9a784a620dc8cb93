"""The UI in headless Chromium against our running server: silences, filters, links, status."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from e2e_support import post_alerts, shot
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _alert(name: str, instance: str, severity: str, **annotations: str) -> dict:
    return {"labels": {"alertname": name, "instance": instance, "severity": severity},
            "annotations": annotations, "generatorURL": f"http://prometheus.example/graph?g0.expr={name}"}


@pytest.fixture
def loaded(server):
    post_alerts(server, [
        _alert("DiskFull", "db1", "critical", summary="Disk full on db1", runbook="https://runbooks.example/disk"),
        _alert("DiskFull", "db2", "critical", summary="Disk full on db2"),
        _alert("HighLatency", "web1", "warning", summary="p99 above 2s"),
    ])
    return server


def _fingerprints(srv, **params) -> set[str]:
    r = httpx.get(srv.url + "/api/v2/alerts", params=params, timeout=10)
    return {a["fingerprint"] for a in r.json()}


def _count(page) -> int:
    return int(page.locator("#alert-count").inner_text())


def test_create_silence_with_preview_then_expire(loaded, page):
    srv = loaded
    disk = {a["fingerprint"] for a in httpx.get(srv.url + "/api/v2/alerts", timeout=10).json()
            if a["labels"]["alertname"] == "DiskFull"}
    page.goto(srv.url + "/ui/alerts")
    expect(page.locator("#alert-count")).to_have_text("3")
    shot(page, "alerts")

    page.goto(srv.url + "/ui/silences/new")
    page.fill("#mn1", "alertname")
    page.fill("#mv1", "DiskFull")
    # The preview updates as the matcher is typed, listing exactly the two DiskFull alerts.
    expect(page.locator("#preview .preview-count")).to_have_text("2")
    shown = set(page.locator("#preview li").evaluate_all("els => els.map(e => e.dataset.fingerprint)"))
    assert shown == disk
    page.fill("#created_by", "alice")
    page.fill("#comment", "disk swap in progress")
    page.fill("#duration", "3h")
    shot(page, "silence-form-preview")
    page.get_by_role("button", name="Create").click()

    expect(page.locator("#silence-state")).to_have_text("active")
    sid = page.locator("#silence-id").inner_text()
    sil = httpx.get(f"{srv.url}/api/v2/silence/{sid}", timeout=10).json()
    assert sil["createdBy"] == "alice" and sil["comment"] == "disk swap in progress"
    assert [(m["name"], m["value"], m["isEqual"], m["isRegex"]) for m in sil["matchers"]] == [
        ("alertname", "DiskFull", True, False)]
    length = datetime.fromisoformat(sil["endsAt"]) - datetime.fromisoformat(sil["startsAt"])
    assert abs(length - timedelta(hours=3)) < timedelta(seconds=2)
    shot(page, "silence-detail")

    # The alerts turn silenced: hidden by default, shown as silenced (naming the silence) on request.
    page.goto(srv.url + "/ui/alerts")
    expect(page.locator("#alert-count")).to_have_text("1")
    page.check("input[type=checkbox][name=silenced]")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#alert-count")).to_have_text("3")
    silenced = page.locator("li.alert", has_text="Silenced by")
    expect(silenced).to_have_count(2)
    expect(silenced.first.get_by_role("link", name=re.compile("disk swap in progress"))).to_be_visible()
    shot(page, "alerts-silenced")
    assert _fingerprints(srv, silenced="false") == _fingerprints(srv) - disk

    # Author is remembered for the next silence.
    page.goto(srv.url + "/ui/silences/new")
    expect(page.locator("#created_by")).to_have_value("alice")

    page.goto(f"{srv.url}/ui/silences/{sid}")
    page.get_by_role("button", name="Expire").click()
    expect(page.locator("#silence-state")).to_have_text("expired")
    page.goto(srv.url + "/ui/alerts")
    expect(page.locator("#alert-count")).to_have_text("3")
    page.goto(srv.url + "/ui/silences?tab=expired")
    expect(page.get_by_role("link", name="disk swap in progress")).to_be_visible()
    shot(page, "silences-expired")


def test_silence_button_prefills_form_and_errors_show_next_to_fields(loaded, page):
    srv = loaded
    page.goto(srv.url + "/ui/alerts?filter=" + httpx.QueryParams({"x": 'instance="web1"'})["x"])
    expect(page.locator("#alert-count")).to_have_text("1")
    page.get_by_role("link", name="Silence", exact=True).first.click()
    names = page.locator("[name=matcher_name]").evaluate_all("els => els.map(e => e.value)")
    assert names[:3] == ["alertname", "instance", "severity"]
    expect(page.locator("#preview .preview-count")).to_have_text("1")

    page.fill("#created_by", "")
    page.fill("#mv2", "web(")
    page.select_option("#mo2", "=~")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#me2")).to_contain_text('invalid label matcher 1: invalid regular expression "web("')
    expect(page.locator("#created_by-error")).to_have_text("createdBy in body is required")
    expect(page.locator("#comment-error")).to_have_text("comment in body is required")
    expect(page.locator("#mn2")).to_have_attribute("aria-invalid", "true")
    shot(page, "silence-form-errors")
    assert httpx.get(srv.url + "/api/v2/silences", timeout=10).json() == []


def test_filter_alerts_by_matchers_labels_and_receiver(loaded, page):
    srv = loaded
    page.goto(srv.url + "/ui/alerts")
    page.fill("#filter", 'severity="critical"')
    page.press("#filter", "Enter")
    expect(page.locator("#alert-count")).to_have_text("2")
    page.get_by_role("link", name='instance="db2"').first.click()
    expect(page.locator("#alert-count")).to_have_text("1")
    expect(page.locator("#filter")).to_have_value('{severity="critical", instance="db2"}')
    expect(page.locator("li.alert")).to_contain_text("Disk full on db2")

    page.goto(srv.url + "/ui/alerts")
    page.select_option("#receiver", "default")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#alert-count")).to_have_text("1")
    expect(page.locator("li.alert")).to_contain_text("p99 above 2s")

    page.goto(srv.url + "/ui/alerts?filter=" + httpx.QueryParams({"x": 'severity=~"("'})["x"])
    expect(page.locator(".error")).to_contain_text("bad filter")


def test_upstream_hash_links_keep_working(loaded, page):
    srv = loaded
    page.goto(srv.url + "/#/alerts?receiver=pager&silenced=false")
    page.wait_for_url(re.compile(r"/ui/alerts\?receiver=pager"))
    expect(page.locator("#alert-count")).to_have_text("2")
    expect(page.locator("#receiver")).to_have_value("pager")
    shot(page, "alerts-receiver-link")

    page.goto(srv.url + "/#/silences/new?filter=%7Balertname%3D%22HighLatency%22%7D")
    page.wait_for_url(re.compile(r"/ui/silences/new\?filter="))
    expect(page.locator("#mv1")).to_have_value("HighLatency")
    expect(page.locator("#preview .preview-count")).to_have_text("1")

    page.goto(srv.url + "/#/status")
    page.wait_for_url(re.compile(r"/ui/status$"))
    expect(page.get_by_role("heading", name="Routing tree")).to_be_visible()

    now = datetime.now(UTC)
    sid = httpx.post(srv.url + "/api/v2/silences", timeout=10, json={
        "matchers": [{"name": "alertname", "value": "HighLatency", "isRegex": False}],
        "startsAt": now.isoformat(), "endsAt": (now + timedelta(hours=1)).isoformat(),
        "createdBy": "bob", "comment": "linked"}).json()["silenceID"]
    page.goto(f"{srv.url}/#/silences/{sid}")
    page.wait_for_url(re.compile(f"/ui/silences/{sid}$"))
    expect(page.locator("#silence-id")).to_have_text(sid)


def test_alerts_page_refreshes_itself(loaded, page):
    srv = loaded
    page.goto(srv.url + "/ui/alerts")
    expect(page.locator("#alert-count")).to_have_text("3")
    page.evaluate("window.__same_document = true")
    post_alerts(srv, [_alert("NewOne", "db9", "warning", summary="appeared later")])
    expect(page.locator("#alert-count")).to_have_text("4", timeout=20_000)
    expect(page.get_by_text("appeared later")).to_be_visible()
    assert page.evaluate("window.__same_document") is True  # updated in place, not reloaded


def test_status_page_tree_route_test_and_dark_mode(loaded, page, browser):
    srv = loaded
    page.goto(srv.url + "/ui/status")
    expect(page.locator("#cluster-status")).to_have_text("disabled")
    expect(page.locator("pre.config")).to_contain_text("receiver: pager")
    page.fill("#labels", '{severity="critical", alertname="X"}')
    page.press("#labels", "Enter")
    expect(page.locator("#route-result")).to_contain_text("pager")
    expect(page.locator(".tree li.matched")).to_have_count(1)
    expect(page.locator(".tree li.matched > .route .receiver")).to_have_text("pager")
    shot(page, "status")

    ctx = browser.new_context(color_scheme="dark", viewport={"width": 420, "height": 900})
    try:
        dark = ctx.new_page()
        dark.goto(srv.url + "/ui/alerts")
        bg = dark.evaluate("getComputedStyle(document.body).backgroundColor")
        assert bg == "rgb(18, 21, 27)"
        shot(dark, "alerts-dark-narrow")
        # Keyboard: the skip link is the first tab stop and moves focus to the content.
        dark.keyboard.press("Tab")
        assert dark.evaluate("document.activeElement.textContent") == "Skip to content"
    finally:
        ctx.close()


def test_under_a_route_prefix(tmp_path, page):
    from e2e_support import CONFIG, UI_SERVER
    from procs import running

    with running(UI_SERVER, tmp_path / "am", CONFIG, ["--web.route-prefix=/am"], ready_path="/am/-/ready") as srv:
        post_alerts_prefixed = httpx.post(srv.url + "/am/api/v2/alerts", timeout=10,
                                          json=[_alert("DiskFull", "db1", "critical")])
        assert post_alerts_prefixed.status_code == 200
        page.goto(srv.url + "/am/#/alerts?receiver=pager")
        page.wait_for_url(re.compile(r"/am/ui/alerts\?receiver=pager"))
        expect(page.locator("#alert-count")).to_have_text("1")
        page.get_by_role("link", name="Silence", exact=True).click()
        page.wait_for_url(re.compile(r"/am/ui/silences/new\?filter="))
        expect(page.locator("#preview .preview-count")).to_have_text("1")
        bg = page.evaluate("getComputedStyle(document.querySelector('.silence-form')).borderRadius")
        assert bg == "8px"  # the stylesheet loaded from under the prefix
