"""Default templates newer than the 0.25 oracle, and the shared corpus.

amtool 0.25 does not define these names; the expected strings are what upstream's current
default.tmpl renders for the sample data (its text read for facts, see the module docstring of
alertmanager/template/default.tmpl); the 0.25 names are checked by the differential test.
"""

from __future__ import annotations

import copy
import glob
from pathlib import Path
from typing import Any

import pytest
from template_samples import SAMPLE

from alertmanager.template import Data, Template, TemplateError, data_from_json

SUBJECT = "[FIRING:1] HighLatency eu1 (critical)"
URL = "http://am.example:9093/#/alerts?receiver=team-x"
MARKDOWN = (
    "\n\n# Alerts Firing:\n\nLabels:\n  - alertname = HighLatency\n  - cluster = eu1\n  - instance = web-1\n"
    "  - severity = critical\n\nAnnotations:\n  - summary = Latency is high\n  - value = 1.5\n\n"
    "Source: http://prom/g1\n\n\n\n\n# Alerts Resolved:\n\nLabels:\n  - alertname = HighLatency\n"
    "  - cluster = eu1\n  - instance = web-2\n  - severity = critical\n\nAnnotations:\n"
    "  - summary = Latency is high\n\nSource: http://prom/g2\n\n\n\n"
)

NEWER = [
    ("slack.default.color", "danger"),
    ("discord.default.content", ""),
    ("msteams.default.summary", SUBJECT),
    ("msteams.default.title", SUBJECT),
    ("msteams.default.text", MARKDOWN),
    ("msteamsv2.default.title", SUBJECT),
    ("msteamsv2.default.text", MARKDOWN),
    ("jira.default.summary", SUBJECT),
    ("jira.default.description", MARKDOWN),
    ("jira.default.priority", "High"),
    ("rocketchat.default.title", SUBJECT),
    ("rocketchat.default.alias", "Alertmanager"),
    ("rocketchat.default.titlelink", URL),
    ("rocketchat.default.emoji", ""),
    ("rocketchat.default.iconurl", ""),
    ("rocketchat.default.text", ""),
    ("mattermost.default.color", "danger"),
    ("mattermost.default.username", "Alertmanager"),
    ("mattermost.default.title", SUBJECT),
    ("mattermost.default.titlelink", URL),
    ("mattermost.default.fallback", f"{SUBJECT} | {URL}"),
    ("mattermost.default.text", MARKDOWN),
]


@pytest.mark.parametrize(("name", "want"), NEWER, ids=[n for n, _ in NEWER])
def test_newer_default_templates(tmpl: Template, data: Data, name: str, want: str) -> None:
    assert tmpl.render(name, data) == want


def _with_severities(firing: str, resolved: str, *, first_resolved: bool = False) -> Data:
    d: dict[str, Any] = copy.deepcopy(SAMPLE)
    d["alerts"][0]["labels"]["severity"] = firing
    d["alerts"][1]["labels"]["severity"] = resolved
    if first_resolved:
        d["alerts"][0]["status"] = "resolved"
    return data_from_json(d)


# Jira priority: highest severity among firing alerts (critical > warning > info), else among resolved.
PRIORITIES = [
    ("critical", "info", False, "High"),
    ("warning", "critical", False, "Medium"),
    ("info", "critical", False, "Low"),
    ("none", "info", False, "Low"),
    ("none", "none", False, ""),
    ("warning", "critical", True, "High"),
]


@pytest.mark.parametrize(("firing", "resolved", "first_resolved", "want"), PRIORITIES,
                         ids=[f"{f}-{r}-{x}" for f, r, x, _ in PRIORITIES])
def test_jira_priority(tmpl: Template, firing: str, resolved: str, first_resolved: bool, want: str) -> None:
    data = _with_severities(firing, resolved, first_resolved=first_resolved)
    assert tmpl.render("jira.default.priority", data) == want


def test_color_when_resolved(tmpl: Template) -> None:
    d = copy.deepcopy(SAMPLE)
    d["status"] = "resolved"
    assert tmpl.render("slack.default.color", data_from_json(d)) == "good"


def test_email_html_escapes_values(tmpl: Template) -> None:
    d = copy.deepcopy(SAMPLE)
    d["alerts"][0]["annotations"]["summary"] = "<script>x</script>"
    out = tmpl.render("email.default.html", data_from_json(d), html=True)
    assert "&lt;script&gt;x&lt;/script&gt;" in out
    assert "<script>" not in out
    assert out.startswith("\n\n<!DOCTYPE html")


CORPUS = sorted(glob.glob("/work/shared/corpus/templates/*.tmpl"))
# These use functions of other tools (dingtalk's markdown, msteams' counter); upstream refuses them.
FOREIGN = {
    "007-dingtalk-default.tmpl": 'template: 007-dingtalk-default.tmpl:6: function "markdown" not defined',
    "009-msteams-default-card.tmpl": 'template: 009-msteams-default-card.tmpl:38: function "counter" not defined',
    "010-msteams-card-with-action.tmpl":
        'template: 010-msteams-card-with-action.tmpl:32: function "counter" not defined',
}


def test_corpus_is_present() -> None:
    assert len(CORPUS) >= 14


@pytest.mark.parametrize("path", CORPUS, ids=[Path(p).name for p in CORPUS])
def test_corpus_template_parses_and_renders(path: str, data: Data) -> None:
    name = Path(path).name
    if name in FOREIGN:
        with pytest.raises(TemplateError) as info:
            Template.from_files([path])
        assert str(info.value) == FOREIGN[name]
        return
    tmpl = Template.from_files([path])
    defined = Template.from_files([path], defaults=False).names
    assert defined
    for tname in defined:
        # Some defines expect one alert as dot, others the whole notification; a few call
        # templates their file does not define, which upstream reports the same way.
        errors = []
        for dot in (data, data.Alerts[0]):
            try:
                tmpl.render(tname, dot)
                break
            except TemplateError as e:
                errors.append(str(e))
        else:
            assert any("not defined" in e for e in errors), errors
