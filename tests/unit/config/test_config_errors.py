"""Config errors word for word: the message amtool check-config prints (0.25 where it agrees with
0.34, else 0.34's wording), plus the field path our ConfigError adds."""

from __future__ import annotations

import pytest

from alertmanager.config import ConfigError, load

R = "route: {receiver: a}\nreceivers:\n- name: a\n"
TI = R + "time_intervals:\n- name: x\n  time_intervals:\n  - "

CASES = [
    ("http-unknown-field", "global:\n  http_config:\n    foo: bar\n" + R,
     "yaml: unmarshal errors:\n  line 3: field foo not found in type config.plain"),
    ("basic-auth-unknown-field", "global:\n  http_config:\n    basic_auth: {user: x}\n" + R,
     "yaml: unmarshal errors:\n  line 3: field user not found in type config.plain"),
    ("bad-prom-duration", "route: {receiver: a, group_wait: 30}\nreceivers: [{name: a}]",
     'not a valid duration string: "30"'),
    ("group-by-not-a-list", "route: {receiver: a, group_by: cluster}\nreceivers: [{name: a}]",
     "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `cluster` into []string"),
    ("duplicate-top-level-key", "route: {receiver: a}\nroute: {receiver: a}\nreceivers: [{name: a}]",
     "yaml: unmarshal errors:\n  line 2: field route already set in type config.plain"),
    ("duplicate-map-key", "route:\n  receiver: a\n  routes: [{receiver: a, match: {x: a, x: b}}]\n"
                          "receivers: [{name: a}]",
     'yaml: unmarshal errors:\n  line 3: key "x" already set in map'),
    ("not-a-bool", "route:\n  receiver: a\n  routes: [{receiver: a, continue: maybe}]\nreceivers: [{name: a}]",
     "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `maybe` into bool"),
    ("not-an-int64", "route: {receiver: a}\nreceivers:\n- name: a\n  telegram_configs: [{bot_token: x, chat_id: abc}]",
     "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str `abc` into int64"),
    ("type-errors-collected", "global:\n  foo: 1\nroute:\n  receiver: a\n  bar: 2\nreceivers:\n- name: a\n  baz: 3",
     "yaml: unmarshal errors:\n  line 2: field foo not found in type config.plain\n"
     "  line 5: field bar not found in type config.plain\n  line 8: field baz not found in type config.plain"),
    ("root-is-a-list", "- a\n- b", "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into config.plain"),
    ("empty-file", "", "no route provided in config"),
    ("only-comments", "# nothing\n", "no route provided in config"),
    ("null-route", "route:\nreceivers: [{name: a}]", "no routes provided"),
    ("tab-indent", "route:\n\treceiver: a", "yaml: line 2: found character that cannot start any token"),
    ("unclosed-quote", "route: {receiver: 'a}\n", "yaml: line 2: found unexpected end of stream"),
    ("bad-indent", "route:\n  receiver: a\n foo: b", "yaml: line 2: did not find expected key"),
    ("weekday", TI + "weekdays: ['funday']", "funday is not a valid weekday"),
    ("time-out-of-range", TI + "times: [{start_time: '25:00', end_time: '26:00'}]",
     "couldn't parse timestamp 25:00, invalid format"),
    ("time-reversed", TI + "times: [{start_time: '10:00', end_time: '09:00'}]",
     "start time cannot be equal or greater than end time"),
    ("day-zero", TI + "days_of_month: ['0']", "0 is not a valid day of the month: out of range"),
    ("day-sign-mix", TI + "days_of_month: ['-1:5']", "end day must be negative if start day is negative"),
    ("month-reversed", TI + "months: ['march:january']", "end month january is before start month march"),
    ("month-name", TI + "months: ['foo']", "foo is not a valid month"),
    ("year-reversed", TI + "years: ['2022:2020']", "end year 2020 is before start year 2022"),
    ("location", TI + "location: Mars/Olympus", "unknown time zone Mars/Olympus"),
    ("time-interval-unknown-field", TI + "weekday: ['monday']",
     "yaml: unmarshal errors:\n  line 7: field weekday not found in type timeinterval.TimeInterval"),
    ("match-re-bad-regexp", "route:\n  receiver: a\n  routes: [{receiver: a, match_re: {x: '('}}]\n"
                            "receivers: [{name: a}]", "error parsing regexp: missing closing ): `^(?:()$`"),
    ("match-bad-label", "route:\n  receiver: a\n  routes: [{receiver: a, match: {'a-b': x}}]\n"
                        "receivers: [{name: a}]", 'invalid label name "a-b"'),
    ("matchers-string-not-list", "route:\n  receiver: a\n  routes: [{receiver: a, matchers: 'a=b'}]\n"
                                 "receivers: [{name: a}]",
     "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `a=b` into []string"),
    ("root-matchers", "route: {receiver: a, matchers: ['a=b']}\nreceivers: [{name: a}]",
     "root route must not have any matchers"),
    ("email-no-to", R + "  email_configs: [{from: x@y}]", "missing to address in email config"),
    ("email-no-smarthost", R + "  email_configs: [{to: x@y}]", "no global SMTP smarthost set"),
    ("email-no-from", "global: {smtp_smarthost: 'h:25'}\n" + R + "  email_configs: [{to: x@y}]",
     "no global SMTP from set"),
    ("email-duplicate-header", "global: {smtp_smarthost: 'h:25', smtp_from: a@b}\n" + R +
     "  email_configs: [{to: x@y, headers: {subject: a, Subject: b}}]", 'duplicate header "Subject" in email config'),
    ("slack-field-title", "global: {slack_api_url: 'http://x/y'}\n" + R + "  slack_configs: [{fields: [{value: v}]}]",
     "missing title in Slack field configuration"),
    ("webhook-scheme", R + "  webhook_configs: [{url: 'ftp://x/y'}]", 'invalid URL: unsupported scheme "ftp" for URL'),
    ("webhook-no-url", R + "  webhook_configs: [{send_resolved: true}]", "one of url or url_file must be configured"),
    ("webhook-null", R + "  webhook_configs: [null]", "missing webhook config"),
    ("pagerduty-no-key", R + "  pagerduty_configs: [{client: x}]",
     "missing service or routing key in PagerDuty config"),
    ("opsgenie-responder-type", "global: {opsgenie_api_key: k}\n" + R +
     "  opsgenie_configs: [{responders: [{name: x, type: foo}]}]",
     "opsGenieConfig responder { x  foo} type does not match valid options ^(team|teams|user|escalation|schedule)$"),
    ("opsgenie-responder-empty", "global: {opsgenie_api_key: k}\n" + R +
     "  opsgenie_configs: [{responders: [{type: team}]}]",
     "opsGenieConfig responder {   team} has to have at least one of id, username or name specified"),
    ("victorops-reserved", "global: {victorops_api_key: k}\n" + R +
     "  victorops_configs: [{routing_key: r, custom_fields: {entity_id: x}}]",
     "victorOps config contains custom field entity_id which cannot be used as it conflicts with the fixed/static "
     "fields"),
    ("pushover-no-user-key", R + "  pushover_configs: [{token: t}]",
     "one of user_key or user_key_file must be configured"),
    ("sns-two-targets", R + "  sns_configs: [{topic_arn: x, target_arn: y}]",
     "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config"),
    ("sigv4-half-credentials", R + "  sns_configs: [{topic_arn: x, sigv4: {access_key: k}}]",
     "must provide a AWS SigV4 Access key and Secret Key if credentials are specified in the SigV4 config"),
    ("wechat-message-type", "global: {wechat_api_secret: s, wechat_api_corp_id: c}\n" + R +
     "  wechat_configs: [{message_type: html}]",
      'weChat message type "html" does not match valid options ^(text|markdown)$'),
    ("telegram-parse-mode", R + "  telegram_configs: [{bot_token: x, chat_id: 1, parse_mode: rst}]",
     "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string"),
    ("discord-no-url", R + "  discord_configs: [{title: t}]",
     "one of webhook_url or webhook_url_file must be configured"),
    ("webex-no-auth", R + "  webex_configs: [{room_id: r}]", "missing webex_configs.http_config.authorization"),
    ("jira-no-project", R + "  jira_configs: [{api_url: 'http://j/'}]", "missing project in jira_config"),
    ("jira-no-global-url", R + "  jira_configs: [{project: p, issue_type: Bug}]", "no global Jira Cloud URL set"),
    ("msteamsv2-no-url", R + "  msteamsv2_configs: [{title: t}]",
     "one of webhook_url or webhook_url_file must be configured"),
    ("incidentio-no-url", R + "  incidentio_configs: [{alert_source_token: t}]",
     "one of url or url_file must be configured"),
    ("rocketchat-no-token-id", R + "  rocketchat_configs: [{channel: c}]",
     "no global Rocketchat TokenID set either inline or in a file"),
    ("http-basic-and-bearer", "global:\n  http_config:\n    basic_auth: {username: a, password: b}\n"
                              "    bearer_token: c\n" + R,
     "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"),
    ("http-authorization-basic", "global:\n  http_config:\n    authorization: {type: Basic, credentials: x}\n" + R,
     'authorization type cannot be set to "basic", use "basic_auth" instead'),
    ("http-reserved-header", "global:\n  http_config:\n    http_headers: {user-agent: {values: [x]}}\n" + R,
     'setting header "User-Agent" is not allowed'),
    ("tls-unknown-version", "global:\n  http_config:\n    tls_config: {min_version: TLS9}\n" + R,
     "unknown TLS version: TLS9"),
    ("smarthost-no-port", "global: {smtp_smarthost: 'localhost'}\n" + R, "address localhost: missing port in address"),
    ("smarthost-colons", "global: {smtp_smarthost: 'a:b:c'}\n" + R, "address a:b:c: too many colons in address"),
    ("resolve-timeout", "global: {resolve_timeout: 5}\n" + R, 'not a valid duration string: "5"'),
    ("inhibit-equal", R + "inhibit_rules: [{equal: ['a-b']}]", 'invalid label name "a-b" in equal list'),
    ("receiver-dup-field", "route: {receiver: a}\nreceivers:\n- name: a\n  name: b",
     "yaml: unmarshal errors:\n  line 4: field name already set in type config.plain"),
    ("receivers-not-a-list", "route: {receiver: a}\nreceivers: {name: a}",
     "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into []config.Receiver"),
    ("time-interval-dup-across-blocks", R + "mute_time_intervals: [{name: x}]\ntime_intervals: [{name: x}]",
     'time interval "x" is not unique'),
    ("tracing-no-endpoint", R + "tracing: {client_type: http}", "tracing endpoint must be set"),
    ("global-slack-token-and-url", "global: {slack_app_token: t, slack_api_url: 'http://x/y'}\n" + R,
     "at most one of slack_app_token/slack_app_token_file & slack_api_url/slack_api_url_file must be configured"),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_message(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(text)
    assert str(info.value) == message


PATHS = [
    ("receivers[0].webhook_configs[0]", R + "  webhook_configs: [{send_resolved: true}]"),
    ("route.routes[0].receiver", "route:\n  receiver: a\n  routes: [{receiver: b}]\nreceivers: [{name: a}]"),
    ("route.receiver", "route: {group_by: [a]}\nreceivers: [{name: a}]"),
    ("time_intervals[0].time_intervals[0].weekdays", TI + "weekdays: ['funday']"),
    ("global.smtp_smarthost", "global: {smtp_smarthost: 'localhost'}\n" + R),
]


@pytest.mark.parametrize(("path", "text"), PATHS, ids=[p[0] for p in PATHS])
def test_error_names_the_field(path: str, text: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(text)
    assert info.value.path == path
    assert info.value.describe() == f"{path}: {info.value.reason}"
