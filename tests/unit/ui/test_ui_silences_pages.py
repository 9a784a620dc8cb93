"""The silences pages over a real silence store: list, form, preview, create, edit, expire, recreate."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from ui_env import T0, UiEnv

from alertmanager.model.matchers import parse_matcher
from alertmanager.silences import Silence


def _form(*matchers: tuple[str, str, str], **fields: str) -> dict[str, list[str] | str]:
    data: dict[str, list[str] | str] = {
        "matcher_name": [m[0] for m in matchers], "matcher_op": [m[1] for m in matchers],
        "matcher_value": [m[2] for m in matchers],
        "starts_at": "", "duration": "2h", "duration_orig": "2h", "ends_at": "", "ends_orig": "",
        "created_by": "alice", "comment": "maintenance", "action": "save",
    }
    data.update(fields)
    return data


def _add(env: UiEnv, *matchers: str, start: timedelta = timedelta(0), length: timedelta = timedelta(hours=1),
         comment: str = "c") -> str:
    now = env.clock()
    return env.silences.set(Silence(id="", matchers=tuple(parse_matcher(m) for m in matchers),
                                    starts_at=now + start, ends_at=now + start + length, created_by="bob",
                                    comment=comment))


def _error(html: str, field: str) -> str:
    m = re.search(rf'<p id="{field}-error" class="field-error" role="alert">([^<]*)</p>', html)
    return unescape(m.group(1)) if m else ""


def test_create_through_the_form(env: UiEnv) -> None:
    r = env.client.post("/ui/silences/new", data=_form(("alertname", "=", "Disk"), ("instance", "=~", "db.*"),
                                                          ("env", "!=", "dev"), ("team", "!~", "web|ops")))
    assert r.status_code == 303
    sid = r.headers["location"].removeprefix("/ui/silences/").removesuffix("?msg=saved")
    sil = env.silences.get(sid)
    assert [str(m) for m in sil.matchers] == ['alertname="Disk"', 'instance=~"db.*"', 'env!="dev"', 'team!~"web|ops"']
    assert (sil.starts_at, sil.ends_at) == (T0, T0 + timedelta(hours=2))
    assert (sil.created_by, sil.comment) == ("alice", "maintenance")
    assert "am_author=alice" in r.headers["set-cookie"]
    page = env.client.get(r.headers["location"]).text
    assert "Silence saved." in page and 'id="silence-state">active<' in page


@pytest.mark.parametrize(("fields", "expected_start", "expected_end"), [
    ({"starts_at": "2026-11-24T12:00:00Z", "duration": "30m", "duration_orig": "30m"},
     T0 + timedelta(hours=2), T0 + timedelta(hours=2, minutes=30)),
    ({"ends_at": "2026-11-25T10:00:00Z", "ends_orig": "2026-11-24T12:00:00Z"}, T0, T0 + timedelta(days=1)),
    ({"duration": "1d", "duration_orig": "2h", "ends_at": "2026-11-24T12:00:00Z",
      "ends_orig": "2026-11-24T12:00:00Z"}, T0, T0 + timedelta(days=1)),
    ({"starts_at": "2026-11-24 11:00", "duration": "", "ends_at": "2026-11-24T13:00:00+01:00"},
     T0 + timedelta(hours=1), T0 + timedelta(hours=2)),
], ids=["start-and-duration", "end-changed", "duration-changed", "no-offset-and-offset"])
def test_start_end_and_duration(env: UiEnv, fields, expected_start, expected_end) -> None:
    r = env.client.post("/ui/silences/new", data=_form(("a", "=", "b"), **fields))
    assert r.status_code == 303, r.text
    sil = env.silences.get(r.headers["location"].split("/")[-1].split("?")[0])
    assert (sil.starts_at, sil.ends_at) == (expected_start, expected_end)


@pytest.mark.parametrize(("matchers", "fields", "field", "message"), [
    ((), {}, "matchers", "matchers in body should have at least 1 items"),
    ((("a", "=", ""),), {}, "matchers", "silence invalid: at least one matcher must not match the empty string"),
    ((("a", "=", "b"),), {"created_by": ""}, "created_by", "createdBy in body is required"),
    ((("a", "=", "b"),), {"comment": ""}, "comment", "comment in body is required"),
    ((("a", "=", "b"),), {"starts_at": "soon"}, "starts_at", 'startsAt in body must be of type date-time: "soon"'),
    ((("a", "=", "b"),), {"duration": "forever", "duration_orig": "2h"}, "duration",
     'not a valid duration string: "forever"'),
    ((("a", "=", "b"),), {"duration": "", "ends_at": "2026-11-24T09:00:00Z"}, "starts_at",
     "Failed to create silence: start time must be before end time"),
    ((("a", "=", "b"),), {"starts_at": "2026-11-24T08:00:00Z", "duration": "1h", "duration_orig": "1h"}, "ends_at",
     "Failed to create silence: end time can't be in the past"),
], ids=["no-matchers", "all-empty", "no-author", "no-comment", "bad-start", "bad-duration", "end-before-start",
        "end-in-past"])
def test_validation_errors_next_to_fields(env: UiEnv, matchers, fields, field, message) -> None:
    r = env.client.post("/ui/silences/new", data=_form(*matchers, **fields))
    assert r.status_code == 400
    assert _error(r.text, field) == message
    assert len(env.silences) == 0


def test_bad_matcher_rows_get_their_own_errors(env: UiEnv) -> None:
    r = env.client.post("/ui/silences/new", data=_form(("a", "=", "b"), ("", "=", "x"), ("c", "=~", "(")))
    assert r.status_code == 400
    assert '<p id="me2" class="field-error" role="alert">silence invalid: invalid label matcher 1: invalid label ' \
           'name &#34;&#34;</p>' in r.text
    assert 'invalid label matcher 2: invalid regular expression &#34;(&#34;' in r.text
    # What was typed is kept.
    assert re.findall(r'name="matcher_name" value="([^"]*)"', r.text) == ["a", "", "c", ""]


def test_preview_lists_the_alerts_it_would_silence(env: UiEnv) -> None:
    a = env.put({"alertname": "Disk", "instance": "db1"})
    b = env.put({"alertname": "Disk", "instance": "db2"})
    env.put({"alertname": "Latency", "instance": "web1"})
    r = env.client.get("/ui/silences/preview", params={"matcher_name": ["alertname", "instance"],
                                                         "matcher_op": ["=", "=~"], "matcher_value": ["Disk", "db.*"]})
    assert 'class="preview-count">2<' in r.text
    assert re.findall(r'data-fingerprint="([0-9a-f]+)"', r.text) == [a.fingerprint_hex, b.fingerprint_hex]
    posted = env.client.post("/ui/silences/new", data=_form(("instance", "=", "web1"), action="preview"))
    assert posted.status_code == 200 and 'class="preview-count">1<' in posted.text
    assert len(env.silences) == 0


def test_list_tabs_and_filter(env: UiEnv) -> None:
    _add(env, 'alertname="Disk"', comment="active disk")
    _add(env, 'alertname="Latency"', 'team="web"', comment="active latency")
    _add(env, 'alertname="Disk"', start=timedelta(hours=1), comment="pending disk")
    old = _add(env, 'alertname="Old"', comment="old one")
    env.silences.expire(old)
    env.clock.advance(timedelta(seconds=1))
    html = env.client.get("/ui/silences").text
    assert re.findall(r'>(Active|Pending|Expired) <span class="count">(\d+)</span>', html) == [
        ("Active", "2"), ("Pending", "1"), ("Expired", "1")]
    assert "active disk" in html and "active latency" in html and "pending disk" not in html
    assert "pending disk" in env.client.get("/ui/silences", params={"tab": "pending"}).text
    assert "old one" in env.client.get("/ui/silences", params={"tab": "expired"}).text
    filtered = env.client.get("/ui/silences", params={"filter": 'alertname=~"Di.*"'}).text
    assert "active disk" in filtered and "active latency" not in filtered
    assert "bad" not in filtered
    assert 'role="alert"' in env.client.get("/ui/silences", params={"filter": 'a=~"("'}).text


def test_detail_edit_expire_recreate(env: UiEnv) -> None:
    env.put({"alertname": "Disk", "instance": "db1"})
    sid = _add(env, 'alertname="Disk"', comment="first")
    detail = env.client.get(f"/ui/silences/{sid}").text
    assert 'class="preview-count">1<' in detail and "Expire" in detail

    form = env.client.get(f"/ui/silences/{sid}/edit").text
    assert re.findall(r'name="matcher_value" value="([^"]*)"', form) == ["Disk", ""]
    start = re.search(r'name="starts_at" value="([^"]+)"', form).group(1)
    r = env.client.post(f"/ui/silences/{sid}/edit", data=_form(("alertname", "=", "Disk"), starts_at=start,
                                                                  comment="edited", duration="3h"))
    assert r.status_code == 303 and r.headers["location"] == f"/ui/silences/{sid}?msg=saved"  # updated in place
    assert env.silences.get(sid).comment == "edited"

    r = env.client.post(f"/ui/silences/{sid}/expire")
    assert r.status_code == 303
    env.clock.advance(timedelta(seconds=1))
    assert env.silences.get(sid).state(env.clock()) == "expired"
    detail = env.client.get(f"/ui/silences/{sid}").text
    assert 'id="silence-state">expired<' in detail and ">Expire<" not in detail

    again = env.client.get(f"/ui/silences/new?from={sid}").text
    assert re.findall(r'name="matcher_value" value="([^"]*)"', again) == ["Disk", ""]
    assert 'name="id" value=""' in again and "edited" in again


def test_unknown_silence_is_404(env: UiEnv) -> None:
    for path in ("/ui/silences/nope", "/ui/silences/nope/edit", "/ui/silences/new?from=nope"):
        assert env.client.get(path).status_code == 404
    assert env.client.post("/ui/silences/nope/expire").status_code == 404


@pytest.mark.parametrize("headers", [{"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}],
                         ids=["origin", "fetch-metadata"])
def test_cross_site_posts_are_refused(env: UiEnv, headers) -> None:
    r = env.client.post("/ui/silences/new", data=_form(("a", "=", "b")), headers=headers)
    assert r.status_code == 403 and len(env.silences) == 0
    sid = _add(env, 'a="b"')
    assert env.client.post(f"/ui/silences/{sid}/expire", headers=headers).status_code == 403
    assert env.silences.get(sid).state(env.clock()) == "active"


def test_same_origin_post_is_accepted(env: UiEnv) -> None:
    r = env.client.post("/ui/silences/new", data=_form(("a", "=", "b")),
                        headers={"origin": "http://testserver", "sec-fetch-site": "same-origin"})
    assert r.status_code == 303


def test_author_is_remembered(env: UiEnv) -> None:
    env.client.post("/ui/silences/new", data=_form(("a", "=", "b"), created_by="carol"))
    assert 'id="created_by" name="created_by" value="carol"' in env.client.get("/ui/silences/new").text


def test_new_form_from_a_filter(env: UiEnv) -> None:
    html = env.client.get("/ui/silences/new", params={"filter": '{alertname="Disk", instance=~"db.*"}'}).text
    assert re.findall(r'name="matcher_name" value="([^"]*)"', html) == ["alertname", "instance", ""]
    assert re.findall(r'<option value="(=~|=|!=|!~)" selected>', html)[:2] == ["=", "=~"]
    assert 'name="starts_at" value="2026-11-24T10:00:00Z"' in html
    assert 'name="ends_at" value="2026-11-24T12:00:00Z"' in html
