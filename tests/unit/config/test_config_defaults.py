"""Defaults, durations, secrets, global fallbacks and the marshalled dump."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from alertmanager.config import ConfigError, dump, load, load_file, template_files
from alertmanager.config.values import SECRET_TOKEN, HostPort, Secret, SecretURL

MIN = "route: {receiver: a}\nreceivers:\n- name: a\n"


def _integration(text: str, key: str, index: int = 0) -> object:
    cfg = load(text)
    return cfg.receivers[0].integrations[key][index]


def test_global_defaults() -> None:
    g = load(MIN).global_
    assert g.resolve_timeout == timedelta(minutes=5)
    assert g.http_config.follow_redirects is True
    assert g.http_config.enable_http2 is True
    assert g.get("smtp_hello") == "localhost"
    assert g.get("smtp_require_tls") is True
    assert str(g.get("pagerduty_url")) == "https://events.pagerduty.com/v2/enqueue"
    assert str(g.get("opsgenie_api_url")) == "https://api.opsgenie.com/"
    assert str(g.get("wechat_api_url")) == "https://qyapi.weixin.qq.com/cgi-bin/"
    assert str(g.get("victorops_api_url")) == "https://alert.victorops.com/integrations/generic/20131114/alert/"
    assert str(g.get("telegram_api_url")) == "https://api.telegram.org"
    assert str(g.get("webex_api_url")) == "https://webexapis.com/v1/messages"
    assert str(g.get("rocketchat_api_url")) == "https://open.rocket.chat/"
    assert str(g.get("slack_app_url")) == "https://slack.com/api/chat.postMessage"


def test_route_fields_left_unset_inherit() -> None:
    r = load(MIN).route
    assert (r.group_wait, r.group_interval, r.repeat_interval, r.group_by) == (None, None, None, None)
    assert r.continue_ is False


@pytest.mark.parametrize(("text", "expected"), [
    ("30s", timedelta(seconds=30)), ("1h30m", timedelta(minutes=90)), ("2d", timedelta(days=2)),
    ("1w", timedelta(weeks=1)), ("0", timedelta(0)), ("1y", timedelta(days=365)),
    ("500ms", timedelta(milliseconds=500)),
], ids=["30s", "1h30m", "2d", "1w", "0", "1y", "500ms"])
def test_prometheus_durations(text: str, expected: timedelta) -> None:
    cfg = load(f"route: {{receiver: a, group_wait: {text}}}\nreceivers: [{{name: a}}]")
    assert cfg.route.group_wait == expected


@pytest.mark.parametrize("text", ["1.5h", "1m30", "-1m", "1h 30m", "30"], ids=["fraction", "no-unit", "negative",
                                                                              "space", "bare-number"])
def test_bad_prometheus_durations(text: str) -> None:
    with pytest.raises(ConfigError, match="not a valid duration string"):
        load(f"route: {{receiver: a, group_wait: '{text}'}}\nreceivers: [{{name: a}}]")


@pytest.mark.parametrize(("key", "send_resolved"), [
    ("email_configs", False), ("slack_configs", False), ("wechat_configs", False), ("rocketchat_configs", False),
    ("webhook_configs", True), ("pagerduty_configs", True), ("opsgenie_configs", True), ("victorops_configs", True),
    ("pushover_configs", True), ("sns_configs", True), ("telegram_configs", True), ("discord_configs", True),
    ("webex_configs", True), ("msteams_configs", True), ("msteamsv2_configs", True), ("jira_configs", True),
    ("mattermost_configs", True), ("incidentio_configs", True),
], ids=lambda v: str(v))
def test_send_resolved_defaults(key: str, send_resolved: bool) -> None:
    import importlib

    from receivers import REGISTRY

    cls = importlib.import_module(REGISTRY[key]).CONFIG
    assert cls().send_resolved is send_resolved


def test_registry_covers_upstream_034_receivers() -> None:
    from receivers import REGISTRY

    assert set(REGISTRY) == {
        "discord_configs", "email_configs", "incidentio_configs", "pagerduty_configs", "slack_configs",
        "webhook_configs", "opsgenie_configs", "wechat_configs", "pushover_configs", "victorops_configs",
        "sns_configs", "telegram_configs", "webex_configs", "msteams_configs", "msteamsv2_configs", "jira_configs",
        "rocketchat_configs", "mattermost_configs",
    }


def test_receiver_defaults_filled() -> None:
    pd = _integration(MIN + "  pagerduty_configs: [{routing_key: k}]", "pagerduty_configs")
    assert pd.details["num_firing"] == "{{ .Alerts.Firing | len }}"  # type: ignore[attr-defined]
    assert pd.source == '{{ template "pagerduty.default.client" . }}'  # type: ignore[attr-defined]
    assert str(pd.url) == "https://events.pagerduty.com/v2/enqueue"  # type: ignore[attr-defined]
    po = _integration(MIN + "  pushover_configs: [{user_key: u, token: t}]", "pushover_configs")
    assert (po.retry, po.expire) == (timedelta(minutes=1), timedelta(hours=1))  # type: ignore[attr-defined]
    wc = _integration("global: {wechat_api_secret: s, wechat_api_corp_id: c}\n" + MIN + "  wechat_configs: [{}]",
                      "wechat_configs")
    assert wc.message_type == "text"  # type: ignore[attr-defined]


def test_fallbacks_from_global() -> None:
    text = ("global:\n  slack_api_url: https://hooks.slack.com/x\n  smtp_smarthost: 'mail:25'\n  smtp_from: am@x\n"
            "  smtp_auth_password: pw\n  opsgenie_api_key: og\n  victorops_api_key: vo\n  telegram_bot_token: tg\n"
            "  http_config: {proxy_url: 'http://proxy:3128'}\n" + MIN +
            "  slack_configs: [{channel: '#a'}]\n  email_configs: [{to: x@y}]\n"
            "  opsgenie_configs: [{}]\n  victorops_configs: [{routing_key: r}]\n  telegram_configs: [{chat_id: 1}]\n"
            "  webhook_configs: [{url: 'http://h/'}]\n")
    integ = load(text).receivers[0].integrations
    slack = integ["slack_configs"][0]
    assert isinstance(slack.api_url, SecretURL) and slack.api_url.value == "https://hooks.slack.com/x"  # type: ignore[attr-defined]
    email = integ["email_configs"][0]
    assert email.smarthost == HostPort("mail", "25")  # type: ignore[attr-defined]
    assert email.from_ == "am@x" and email.require_tls is True  # type: ignore[attr-defined]
    assert email.auth_password.value == "pw"  # type: ignore[attr-defined]
    assert str(integ["opsgenie_configs"][0].api_url) == "https://api.opsgenie.com/"  # type: ignore[attr-defined]
    assert integ["opsgenie_configs"][0].api_key.value == "og"  # type: ignore[attr-defined]
    assert integ["victorops_configs"][0].api_key.value == "vo"  # type: ignore[attr-defined]
    assert integ["telegram_configs"][0].bot_token.value == "tg"  # type: ignore[attr-defined]
    assert integ["webhook_configs"][0].http_config.proxy_url == "http://proxy:3128"  # type: ignore[attr-defined]


def test_local_value_beats_global_and_urls_get_trailing_slash() -> None:
    text = ("global: {opsgenie_api_key: og}\n" + MIN +
            "  opsgenie_configs: [{api_key: mine, api_url: 'https://og.example.com/api'}]\n")
    og = _integration(text, "opsgenie_configs", 0)
    assert og.api_key.value == "mine"  # type: ignore[attr-defined]
    assert str(og.api_url) == "https://og.example.com/api/"  # type: ignore[attr-defined]


def test_slack_app_token_becomes_bearer_authorization() -> None:
    sc = _integration("global: {slack_app_token: xoxb-1}\n" + MIN + "  slack_configs: [{channel: '#a'}]",
                      "slack_configs")
    authz = sc.http_config.authorization  # type: ignore[attr-defined]
    assert authz.type == "Bearer" and authz.credentials.value == "xoxb-1"
    assert sc.api_url.value == "https://slack.com/api/chat.postMessage"  # type: ignore[attr-defined]


def test_telegram_global_token_file_travels_as_a_pair() -> None:
    tg = _integration("global: {telegram_bot_token_file: /run/tg}\n" + MIN + "  telegram_configs: [{chat_id: 1}]",
                      "telegram_configs")
    assert tg.bot_token is None and tg.bot_token_file == "/run/tg"  # type: ignore[attr-defined]


@pytest.mark.parametrize(("global_key", "local"), [
    ("slack_api_url: http://x/y\n  slack_api_url_file: /f", "slack_api_url"),
    ("opsgenie_api_key: a\n  opsgenie_api_key_file: /f", "opsgenie_api_key"),
    ("wechat_api_secret: a\n  wechat_api_secret_file: /f", "wechat_api_secret"),
    ("rocketchat_token: a\n  rocketchat_token_file: /f", "rocketchat_token"),
    ("mattermost_webhook_url: http://x/y\n  mattermost_webhook_url_file: /f", "mattermost_webhook_url"),
    ("smtp_auth_secret: a\n  smtp_auth_secret_file: /f", "smtp_auth_secret"),
], ids=lambda v: str(v).split(":")[0])
def test_inline_and_file_secret_both_set(global_key: str, local: str) -> None:
    with pytest.raises(ConfigError, match=f"at most one of {local} & {local}_file must be configured"):
        load(f"global:\n  {global_key}\n" + MIN)


def test_secrets_print_masked() -> None:
    s = Secret("hunter2")
    assert str(s) == SECRET_TOKEN and "hunter2" not in repr(s) and s.value == "hunter2"
    cfg = load("global: {slack_api_url: 'https://hooks.slack.com/T/B/x'}\n" + MIN +
               "  slack_configs: [{channel: '#a'}]\n  pagerduty_configs: [{routing_key: pdkey}]\n"
               "  webhook_configs: [{url: 'http://h/x', http_config: {basic_auth: {username: u, password: pw}}}]")
    text = dump(cfg)
    for secret in ("hooks.slack.com/T/B/x", "pdkey", "pw\n", "http://h/x"):
        assert secret not in text
    assert text.count(SECRET_TOKEN) >= 5
    assert "hunter2" not in repr(cfg) and "pdkey" not in repr(cfg)


def test_dump_matches_upstream_shape() -> None:
    cfg = load("route:\n  receiver: a\n  group_by: ['...']\n  routes:\n  - match: {x: y}\n    matchers: ['a=\"b\"']\n"
               "    group_wait: 90s\n    continue: true\nreceivers:\n- name: a\n"
               "time_intervals:\n- name: w\n  time_intervals:\n  - weekdays: ['monday:friday']\n"
               "    times: [{start_time: '09:00', end_time: '17:00'}]\n")
    doc = yaml.safe_load(dump(cfg))
    assert list(doc) == ["global", "route", "receivers", "templates", "time_intervals"]
    assert doc["global"]["resolve_timeout"] == "5m"
    assert doc["global"]["http_config"] == {"follow_redirects": True, "enable_http2": True}
    assert doc["route"] == {"receiver": "a", "group_by": ["..."], "continue": False, "routes": [
        {"match": {"x": "y"}, "matchers": ['a="b"'], "continue": True, "group_wait": "1m30s"}]}
    assert doc["templates"] == []
    assert doc["time_intervals"] == [{"name": "w", "time_intervals": [
        {"times": [{"start_time": "09:00", "end_time": "17:00"}], "weekdays": ["monday:friday"]}]}]
    assert "weekdays: ['monday:friday']" in dump(cfg)  # flow style, as upstream


def test_dump_round_trips() -> None:
    src = Path("/work/shared/corpus/configs/valid/005-alertmanager-testdata-good.yml")
    cfg = load_file(src)
    again = load(dump(cfg, secrets=True), base_dir=None)
    assert again.route == cfg.route
    assert [r.name for r in again.receivers] == [r.name for r in cfg.receivers]
    assert again.time_intervals == cfg.time_intervals


def test_legacy_match_becomes_sorted_matchers() -> None:
    cfg = load("route:\n  receiver: a\n  routes:\n  - match: {z: '1', a: '2'}\n    match_re: {m: 'x.*'}\n"
               "    matchers: ['b!=3']\nreceivers: [{name: a}]")
    assert [str(m) for m in cfg.route.routes[0].matchers] == ['a="2"', 'b!="3"', 'm=~"x.*"', 'z="1"']


def test_inhibit_rule_legacy_fields_convert() -> None:
    cfg = load(MIN + "inhibit_rules:\n- source_match: {severity: critical}\n  target_match_re: {severity: 'warn.*'}\n"
               "  equal: [alertname]\n")
    rule = cfg.inhibit_rules[0]
    assert [str(m) for m in rule.source_matchers] == ['severity="critical"']
    assert [str(m) for m in rule.target_matchers] == ['severity=~"warn.*"']
    assert rule.target_matchers[0].matches("warning")


def test_group_by_all_and_route_labels() -> None:
    cfg = load("route:\n  receiver: a\n  routes:\n  - group_by: ['...']\n    labels: {team: x}\n"
               "receivers: [{name: a}]")
    child = cfg.route.routes[0]
    assert child.group_by_all and child.group_by == () and child.labels == {"team": "x"}


def test_time_intervals_merge_both_blocks() -> None:
    cfg = load(MIN + "mute_time_intervals: [{name: old, time_intervals: [{weekdays: [saturday]}]}]\n"
               "time_intervals: [{name: new, time_intervals: [{months: ['1:3']}]}]\n")
    assert set(cfg.time_intervals) == {"old", "new"}
    assert cfg.mute_time_interval_names == ("old",)


def test_templates_resolve_against_config_dir(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "b.tmpl").write_text("{{ define \"b\" }}b{{ end }}")
    (tmp_path / "t" / "a.tmpl").write_text("{{ define \"a\" }}a{{ end }}")
    conf = tmp_path / "am.yml"
    conf.write_text(MIN + "templates: ['t/*.tmpl', '/abs/x.tmpl']\n")
    cfg = load_file(conf)
    assert cfg.templates == (str(tmp_path / "t" / "*.tmpl"), "/abs/x.tmpl")
    assert template_files(cfg) == [str(tmp_path / "t" / "a.tmpl"), str(tmp_path / "t" / "b.tmpl")]


def test_http_config_files_resolve_against_config_dir(tmp_path: Path) -> None:
    conf = tmp_path / "am.yml"
    conf.write_text("global:\n  http_config:\n    tls_config: {ca_file: ca.pem}\n    authorization: "
                    "{credentials_file: tok}\n" + MIN + "  webhook_configs: [{url: 'http://h/', http_config: "
                    "{basic_auth: {username: u, password_file: pw}}}]\n")
    cfg = load_file(conf)
    assert cfg.global_.http_config.tls_config.ca_file == str(tmp_path / "ca.pem")
    assert cfg.global_.http_config["authorization"]["credentials_file"] == str(tmp_path / "tok")
    hook = cfg.receivers[0].integrations["webhook_configs"][0]
    assert hook.http_config.basic_auth.password_file == str(tmp_path / "pw")  # type: ignore[attr-defined]


def test_bearer_token_becomes_authorization() -> None:
    cfg = load("global:\n  http_config: {bearer_token: abc}\n" + MIN)
    authz = cfg.global_.http_config.authorization
    assert authz is not None and authz.type == "Bearer" and authz.credentials is not None
    assert authz.credentials.value == "abc" and cfg.global_.http_config.bearer_token is None


def test_receiver_labels_hold_name() -> None:
    cfg = load("route: {receiver: a}\nreceivers:\n- name: a\n  labels: {team: x}\n")
    assert cfg.receivers[0].labels == {"team": "x", "name": "a"}


def test_yaml_anchors_and_merge_keys() -> None:
    cfg = load("route:\n  <<: &d {group_wait: 1m}\n  receiver: a\n  routes:\n  - <<: *d\n    receiver: a\n"
               "receivers: [{name: a}]")
    assert cfg.route.group_wait == timedelta(minutes=1)
    assert cfg.route.routes[0].group_wait == timedelta(minutes=1)
