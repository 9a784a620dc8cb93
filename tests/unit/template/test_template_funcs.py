"""Alertmanager's template functions and KV methods, including those newer than amtool 0.25
(date, tz, since, humanizeDuration, toJson, safeUrl, urlUnescape, base64, list/append/dict, toDate):
expected values are Go's outputs for the same calls, as documented upstream."""

from __future__ import annotations

import pytest

from alertmanager.template import KV, Data, Template, TemplateError

FUNCS = [
    ("toUpper", '{{ toUpper "abc" }}|{{ .Status | toUpper }}', "ABC|FIRING"),
    ("toLower", '{{ toLower "AbC" }}', "abc"),
    ("title", '{{ title "hello wORLD foo-bar it\'s" }}', "Hello World Foo-Bar It's"),
    ("trimSpace", '{{ trimSpace "  x y \\n\\t" }}', "x y"),
    ("join", '{{ join ", " .CommonLabels.Names }}', "alertname, cluster, severity"),
    ("strings-join-method", '{{ .GroupLabels.Values.Join ":" }}', "HighLatency:eu1"),
    ("match", '{{ match "^team" .Receiver }} {{ match "x$" "abc" }}', "true false"),
    ("reReplaceAll", '{{ reReplaceAll "(\\\\w+)-(\\\\w+)" "${2}_$1" "ab-cd ef-gh" }}', "cd_ab gh_ef"),
    ("reReplaceAll-unknown-group", '{{ reReplaceAll "a(b)" "[$1x]" "ab" }}', "[]"),
    ("stringSlice", '{{ stringSlice "a" "b" }}', "[a b]"),
    ("safeHtml-text", '{{ safeHtml "<b>" }}', "<b>"),
    ("urlUnescape", '{{ urlUnescape "a%20b+c%2F" }}', "a b c/"),
    ("date", '{{ date "2006-01-02 15:04:05 MST" (index .Alerts 0).StartsAt }}', "2024-01-02 03:04:05 UTC"),
    ("date-layout-elements", '{{ date "Mon Jan _2 3:04:05.000 PM -0700 Z07:00 06 002" (index .Alerts 0).StartsAt }}',
     "Tue Jan  2 3:04:05.123 AM +0000 Z 24 002"),
    ("tz", '{{ (index .Alerts 0).StartsAt | tz "Europe/Berlin" }}', "2024-01-02 04:04:05.123 +0100 CET"),
    ("tz-date", '{{ date "15:04 MST" ((index .Alerts 0).StartsAt | tz "America/New_York") }}', "22:04 EST"),
    ("since", "{{ since (index .Alerts 1).StartsAt }}", "2h0m0s"),
    ("since-humanized", "{{ since (index .Alerts 0).StartsAt | humanizeDuration }}", "55m 54s"),
    ("now", "{{ now }}", "2024-01-02 04:00:00 +0000 UTC"),
    ("humanizeDuration", "{{ humanizeDuration 0.0012 }}|{{ humanizeDuration 90061 }}|{{ humanizeDuration \"3.5\" }}"
     "|{{ humanizeDuration 0 }}|{{ humanizeDuration -65 }}", "1.2ms|1d 1h 1m 1s|3.5s|0s|-1m 5s"),
    ("toJson-kv", "{{ toJson .GroupLabels }}", '{"alertname":"HighLatency","cluster":"eu1"}'),
    ("toJson-escapes", '{{ toJson "<a&b>\\"" }}', '"\\u003ca\\u0026b\\u003e\\""'),
    ("toJson-alert", "{{ toJson (index .Alerts 1) }}",
     '{"status":"resolved","labels":{"alertname":"HighLatency","cluster":"eu1","instance":"web-2",'
     '"severity":"critical"},"annotations":{"summary":"Latency is high"},"startsAt":"2024-01-02T02:00:00Z",'
     '"endsAt":"2024-01-02T03:00:00Z","generatorURL":"http://prom/g2","fingerprint":"bbbb"}'),
    ("list-append-dict", '{{ list 1 "a" | toJson }} {{ append (list 1) 2 3 }} {{ dict "a" 1 "b" (list 2) | toJson }}',
     '[1,"a"] [1 2 3] {"a":1,"b":[2]}'),
    ("dict-index", '{{ index (dict "k" "v") "k" }}{{ (dict "x" 5).x }}', "v5"),
    ("base64", '{{ base64encode "hi?>" }} {{ base64decode "aGk_Pg==" }}', "aGk_Pg== hi?>"),
    ("toDate", '{{ toDate "2006-01-02" "2024-05-06" }}|{{ toDate "2006-01-02" "bad" }}',
     "2024-05-06 00:00:00 +0000 UTC|0001-01-01 00:00:00 +0000 UTC"),
    ("mustToDate", '{{ (mustToDate "2006-01-02T15:04:05Z07:00" "2024-05-06T07:08:09+02:00").Unix }}', "1714972089"),
    ("routeLabels", '[{{ routeLabels "team" }}]', "[]"),
    # KV methods; KV and Pairs print as "k=v, ..." since upstream 0.26 (their String methods).
    ("kv-sortedpairs", "{{ range .CommonLabels.SortedPairs }}{{ .Name }}={{ .Value }};{{ end }}",
     "alertname=HighLatency;cluster=eu1;severity=critical;"),
    ("kv-names-values", "{{ .CommonLabels.Names }} {{ .CommonLabels.Values }}",
     "[alertname cluster severity] [HighLatency eu1 critical]"),
    ("kv-remove", "{{ .CommonLabels.Remove .GroupLabels.Names }}", "severity=critical"),
    ("kv-string", "{{ .GroupLabels }}|{{ .GroupLabels.SortedPairs }}",
     "alertname=HighLatency, cluster=eu1|alertname=HighLatency, cluster=eu1"),
]


@pytest.mark.parametrize(("text", "want"), [(c[1], c[2]) for c in FUNCS], ids=[c[0] for c in FUNCS])
def test_function(tmpl: Template, data: Data, text: str, want: str) -> None:
    assert tmpl.execute_text(text, data) == want


FUNC_ERRORS = [
    ("tz-unknown", '{{ tz "Mars/Base" (index .Alerts 0).StartsAt }}', "unknown time zone Mars/Base"),
    ("dict-odd", '{{ dict "a" }}', "dict requires an even number of arguments"),
    ("dict-key", "{{ dict 1 2 }}", "dict keys must be strings"),
    ("urlUnescape-bad", '{{ urlUnescape "%zz" }}', 'invalid URL escape "%zz"'),
    ("date-wrong-type", '{{ date "2006" "x" }}', "can't handle \"x\" for arg of type time.Time"),
    ("join-wrong-type", '{{ join "," (list 1) }}', "wrong type for value; expected []string; got []interface {}"),
    ("mustToDate-bad", '{{ mustToDate "2006-01-02" "x" }}', 'parsing time "x"'),
]


@pytest.mark.parametrize(("text", "fragment"), [(c[1], c[2]) for c in FUNC_ERRORS], ids=[c[0] for c in FUNC_ERRORS])
def test_function_errors(tmpl: Template, data: Data, text: str, fragment: str) -> None:
    with pytest.raises(TemplateError) as info:
        tmpl.execute_text(text, data)
    assert fragment in str(info.value)


def test_sorted_pairs_put_alertname_first() -> None:
    kv = KV({"b": "2", "alertname": "A", "a": "1"})
    assert [p.Name for p in kv.SortedPairs()] == ["alertname", "a", "b"]
    assert kv.Remove(["a", "zzz"]) == {"b": "2", "alertname": "A"}
    assert kv.Names() == ["alertname", "a", "b"] and kv.Values() == ["A", "1", "2"]


def test_route_labels_come_from_the_data(tmpl: Template, data: Data) -> None:
    from dataclasses import replace

    routed = replace(data, RouteLabels=KV({"team": "db"}))
    assert tmpl.execute_text('{{ routeLabels "team" }}', routed) == "db"
