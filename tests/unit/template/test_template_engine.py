"""Go text/template semantics of our engine (expected strings are what Go's text/template prints;
each was checked against amtool 0.25 with the same data)."""

from __future__ import annotations

import pytest

from alertmanager.template import Data, Template, TemplateError

CASES: list[tuple[str, str, str]] = [
    # text, actions, trimming, comments
    ("plain-text", "hello", "hello"),
    ("dot-field", "{{ .Receiver }}", "team-x"),
    ("trim-left", "a  \n {{- .Status }}", "afiring"),
    ("trim-right", "{{ .Status -}} \n\t b", "firingb"),
    ("trim-both", "x {{- 1 -}} y", "x1y"),
    ("minus-number-not-trim", "{{-3}}", "-3"),
    ("comment", "a{{/* note */}}b", "ab"),
    ("comment-trimmed", "a  {{- /* note */ -}}  b", "ab"),
    ("multiline-comment", "a{{/* x\ny */}}b", "ab"),
    # constants
    ("string-escapes", '{{ "a\\tb\\n" }}|{{ `raw\\n` }}', "a\tb\n|raw\\n"),
    ("numbers", "{{ 42 }} {{ 0x1F }} {{ 1.5 }} {{ 1e6 }} {{ 'a' }} {{ -7 }}", "42 31 1.5 1e+06 97 -7"),
    ("bools-nil-print", "{{ true }} {{ false }}", "true false"),
    # pipelines and parentheses
    ("pipe", '{{ "abc" | printf "%s-%s" "x" }}', "x-abc"),
    ("paren", "{{ (len .Alerts) }}|{{ len (index .Alerts 0).Labels }}", "2|4"),
    ("chain-on-paren", "{{ (index .Alerts 0).Labels.instance }}", "web-1"),
    ("method-call", "{{ len .Alerts.Firing }} {{ .Alerts.Resolved | len }}", "1 1"),
    ("method-with-args", '{{ .CommonLabels.Remove (stringSlice "severity") | len }}', "2"),
    ("map-key", "{{ .CommonLabels.cluster }}|{{ .CommonLabels.missing }}|", "eu1||"),
    # variables
    ("var-declare", "{{ $x := 1 }}{{ $x }}", "1"),
    ("var-assign", "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", "2"),
    ("var-dollar", "{{ range .Alerts }}{{ $.Receiver }}{{ end }}", "team-xteam-x"),
    ("var-scope-if", "{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}", "21"),
    ("var-assign-in-range", "{{ $n := 0 }}{{ range .Alerts }}{{ $n = 5 }}{{ end }}{{ $n }}", "5"),
    ("var-field", "{{ $a := index .Alerts 0 }}{{ $a.Labels.instance }}", "web-1"),
    # if / else if / else
    ("if-true", "{{ if .Alerts }}y{{ end }}", "y"),
    ("if-else", '{{ if eq .Status "resolved" }}r{{ else }}f{{ end }}', "f"),
    ("else-if", '{{ if eq 1 2 }}a{{ else if eq 1 1 }}b{{ else }}c{{ end }}', "b"),
    ("truthiness", '{{ if "" }}1{{ end }}{{ if 0 }}2{{ end }}{{ if .CommonLabels.none }}3{{ end }}'
     '{{ if .CommonLabels }}4{{ end }}{{ if 0.0 }}5{{ end }}{{ if (index .Alerts 0).StartsAt }}6{{ end }}', "46"),
    # with
    ("with", "{{ with .ExternalURL }}<{{ . }}>{{ end }}", "<http://am.example:9093>"),
    ("with-else", "{{ with .CommonLabels.none }}x{{ else }}none{{ end }}", "none"),
    # range
    ("range-list", "{{ range .Alerts }}{{ .Fingerprint }},{{ end }}", "aaaa,bbbb,"),
    ("range-index", "{{ range $i, $a := .Alerts }}{{ $i }}={{ $a.Status }};{{ end }}", "0=firing;1=resolved;"),
    ("range-map-sorted", "{{ range $k, $v := .CommonLabels }}{{ $k }}:{{ $v }} {{ end }}",
     "alertname:HighLatency cluster:eu1 severity:critical "),
    ("range-else", "{{ range .CommonLabels.Remove .CommonLabels.Names }}x{{ else }}empty{{ end }}", "empty"),
    ("range-break", "{{ range $i, $_ := .Alerts }}{{ if eq $i 1 }}{{ break }}{{ end }}{{ $i }}{{ end }}", "0"),
    ("range-continue", "{{ range $i, $_ := .Alerts }}{{ if eq $i 0 }}{{ continue }}{{ end }}{{ $i }}{{ end }}",
     "1"),
    ("range-one-var", "{{ range $a := .Alerts }}{{ $a.Fingerprint }}{{ end }}", "aaaabbbb"),
    # define / template / block
    ("define-template", '{{ define "t" }}[{{ . }}]{{ end }}{{ template "t" .Status }}{{ template "t" }}',
     "[firing][<no value>]"),
    ("block", '{{ block "b" .Receiver }}<{{ . }}>{{ end }}', "<team-x>"),
    ("template-dollar-reset", '{{ define "d" }}{{ $ }}{{ end }}{{ template "d" 5 }}', "5"),
    # builtins
    ("and-or", '{{ and 1 "x" }}|{{ and 0 "x" }}|{{ or 0 "" }}|{{ or 0 "y" }}', "x|0||y"),
    ("and-short-circuit", "{{ and false (index .Alerts 99) }}", "false"),
    ("not", "{{ not 0 }} {{ not .Alerts }}", "true false"),
    ("len", '{{ len "héllo" }} {{ len .Alerts }} {{ len .CommonLabels }}', "6 2 3"),
    ("index", '{{ index .CommonLabels "cluster" }} {{ index "abc" 1 }} {{ (index .Alerts 1).Fingerprint }}',
     "eu1 98 bbbb"),
    ("slice", '{{ slice "abcdef" 1 3 }} {{ slice "abc" 1 }} {{ len (slice .Alerts 1) }}', "bc bc 1"),
    ("eq-multi", '{{ eq .Status "a" "firing" }} {{ eq 1 2 3 }}', "true false"),
    ("ne-lt-le-gt-ge", "{{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt 1.5 2.5 }} {{ ge \"b\" \"a\" }}",
     "true true true false true"),
    ("print", '{{ print 1 2 "a" "b" 3 }}|{{ print "x" 1 }}', "1 2ab3|x1"),
    ("println", '{{ println 1 "a" }}', "1 a\n"),
    ("html", "{{ html \"<a href='x'>&\\\"\" }}", "&lt;a href=&#39;x&#39;&gt;&amp;&#34;"),
    ("js", "{{ js \"it's <b>&=\\\"\" }}", "it\\'s \\u003Cb\\u003E\\u0026\\u003D\\\""),
    ("urlquery", '{{ urlquery "a b&c/d?é" }}', "a+b%26c%2Fd%3F%C3%A9"),
    # printf verbs
    ("printf-basic", '{{ printf "%s|%d|%v|%q|%t|%%" "s" 3 .Status "q\\"" true }}', 's|3|firing|"q\\""|true|%'),
    ("printf-width", '{{ printf "%5d|%-5d|%05d|%-10s|%10s|" 42 42 42 "ab" "cd" }}',
     "   42|42   |00042|ab        |        cd|"),
    ("printf-float", '{{ printf "%f|%.2f|%8.3f|%e|%g|%v" 3.14159 3.14159 3.14159 1234.5678 0.00001 2.50 }}',
     "3.141590|3.14|   3.142|1.234568e+03|1e-05|2.5"),
    ("printf-hex", '{{ printf "%x|%X|%x|%o|%b|%c|%U|%+d" 255 255 "hi" 8 5 65 65 5 }}', "ff|FF|6869|10|101|A|U+0041|+5"),
    ("printf-bad", '{{ printf "%d|%s" "a" 1 }}', "%!d(string=a)|%!s(int=1)"),
    ("printf-missing-extra", '{{ printf "%d %d" 1 }}|{{ printf "x" 1 "y" }}',
     "1 %!d(MISSING)|x%!(EXTRA int=1, string=y)"),
    ("printf-slice", '{{ printf "%v|%s|%q" .CommonLabels.Names .GroupLabels.Values (stringSlice "a" "b") }}',
     '[alertname cluster severity]|[HighLatency eu1]|["a" "b"]'),
    ("printf-precision-string", '{{ printf "%.2s|%5.1q" "abcdef" "abc" }}', 'ab|  "a"'),
    # printing values
    ("print-time", "{{ (index .Alerts 0).StartsAt }}|{{ (index .Alerts 0).EndsAt }}",
     "2024-01-02 03:04:05.123 +0000 UTC|0001-01-01 00:00:00 +0000 UTC"),
    ("print-list", "{{ .CommonLabels.Names }}", "[alertname cluster severity]"),
    ("print-pair", "{{ index .GroupLabels.SortedPairs 0 }}", "{alertname HighLatency}"),
    ("print-nil", "{{ .CommonLabels.nope | printf \"%q\" }}{{ index .Alerts 0 | printf \"%T\" }}",
     '""template.Alert'),
    ("time-methods", '{{ (index .Alerts 0).StartsAt.Format "2006-01-02T15:04:05.000Z07:00" }} '
     "{{ (index .Alerts 0).StartsAt.Unix }}", "2024-01-02T03:04:05.123Z 1704164645"),
    ("sorted-pairs-alertname-first", '{{ range .CommonLabels.SortedPairs }}{{ .Name }} {{ end }}',
     "alertname cluster severity "),
]


@pytest.mark.parametrize(("text", "want"), [(c[1], c[2]) for c in CASES], ids=[c[0] for c in CASES])
def test_engine_renders_like_go(tmpl: Template, data: Data, text: str, want: str) -> None:
    assert tmpl.execute_text(text, data) == want


ERRORS: list[tuple[str, str, str]] = [
    ("missing-if-value", "{{ if }}", "template: :1: missing value for if"),
    ("undefined-function", "a\n{{ .Foo | nope }}", 'template: :2: function "nope" not defined'),
    ("unexpected-end", "{{ end }}", "template: :1: unexpected {{end}}"),
    ("unclosed-action", "{{ .Foo", "template: :1: unclosed action"),
    # Go's lexer runs alongside the parser: the parse error on line 2 wins over the lexer's on 3.
    ("parse-error-before-lex-error", '{{ define "y" }}\n{{ range .Alerts }}{{ end }\n',
     'template: :2: unexpected "}" in end'),
    ("unterminated-string", '{{ "abc }}', "template: :1: unterminated quoted string"),
    ("unclosed-range", "x\n{{ range .Alerts }}", "template: :2: unexpected EOF"),
    ("undefined-variable", "{{ $x }}", 'template: :1: undefined variable "$x"'),
    ("break-outside-range", "{{ break }}", "template: :1: {{break}} outside {{range}}"),
    ("unexpected-char", "{{ /* c */ }}", 'template: :1: unexpected "/" in command'),
    ("non-executable-stage", "{{ 1 | 2 }}", "template: :1: non executable command in pipeline stage 2"),
    ("missing-template", '{{ template "x" . }}',
     'template: :1:12: executing "" at <{{template "x" .}}>: template "x" not defined'),
    ("index-out-of-range", "{{ index .Alerts 10 }}",
     'template: :1:3: executing "" at <index .Alerts 10>: error calling index: index out of range: 10'),
    ("incompatible-eq", '{{ eq 1 "a" }}',
     'template: :1:3: executing "" at <eq 1 "a">: error calling eq: incompatible types for comparison'),
    ("field-on-string", "{{ .ExternalURL.Foo }}",
     'template: :1:15: executing "" at <.ExternalURL.Foo>: can\'t evaluate field Foo in type string'),
    ("missing-field", "{{ .Nope }}",
     'template: :1:3: executing "" at <.Nope>: can\'t evaluate field Nope in type template.Data'),
    ("line-col", "x\n  {{ len 3 }}", 'template: :2:5: executing "" at <len 3>: error calling len: len of type int'),
    ("wrong-arg-type", "{{ toUpper 1 }}", 'template: :1:11: executing "" at <1>: expected string; found 1'),
    ("wrong-value-type", "{{ toUpper .Alerts }}",
     'template: :1:11: executing "" at <.Alerts>: wrong type for value; expected string; got template.Alerts'),
    ("range-over-string", "{{ range .GroupLabels.none }}x{{ end }}",
     'template: :1:21: executing "" at <.GroupLabels.none>: range can\'t iterate over '),
    ("call-non-function", "{{ call .Alerts.Firing }}",
     'template: :1:3: executing "" at <call .Alerts.Firing>: error calling call: non-function of type '
     "[]template.Alert"),
    ("wrong-arg-count", '{{ join "," }}',
     'template: :1:3: executing "" at <join>: wrong number of args for join: want 2 got 1'),
]


@pytest.mark.parametrize(("text", "want"), [(c[1], c[2]) for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_errors_are_go_messages(tmpl: Template, data: Data, text: str, want: str) -> None:
    with pytest.raises(TemplateError) as info:
        tmpl.execute_text(text, data)
    assert str(info.value) == want


def test_parse_error_names_file_and_line(tmp_path) -> None:
    f = tmp_path / "bad.tmpl"
    f.write_text('{{ define "x" }}\n{{ if }}{{ end }}{{ end }}')
    with pytest.raises(TemplateError) as info:
        Template.from_files([str(f)])
    assert str(info.value) == "template: bad.tmpl:2: missing value for if"


def test_error_in_defined_template_names_its_file(tmp_path, data: Data) -> None:
    f = tmp_path / "mine.tmpl"
    f.write_text('{{ define "t" }}\nok {{ .Nope }}{{ end }}')
    tmpl = Template.from_files([str(f)])
    with pytest.raises(TemplateError) as info:
        tmpl.execute_text('{{ template "t" . }}', data)
    assert str(info.value) == (
        'template: mine.tmpl:2:6: executing "t" at <.Nope>: can\'t evaluate field Nope in type template.Data'
    )


def test_empty_text_renders_empty(tmpl: Template, data: Data) -> None:
    assert tmpl.execute_text("", data) == ""
    assert tmpl.execute_html("", data) == ""


def test_defines_in_text_do_not_leak(tmpl: Template, data: Data) -> None:
    assert tmpl.execute_text('{{ define "__subject" }}mine{{ end }}{{ template "__subject" . }}', data) == "mine"
    assert tmpl.execute_text('{{ template "__subject" . }}', data).startswith("[FIRING:1]")


def test_parse_is_cached(tmpl: Template, data: Data) -> None:
    text = "{{ .Receiver }} cached"
    tmpl.execute_text(text, data)
    assert text in tmpl._cache
    assert tmpl.execute_text(text, data) == "team-x cached"


def test_render_by_name(tmpl: Template, data: Data) -> None:
    assert tmpl.render("__alertmanager", data) == "Alertmanager"
    with pytest.raises(TemplateError):
        tmpl.render("no.such.template", data)


def test_deep_recursion_is_an_error_not_a_crash(tmpl: Template, data: Data) -> None:
    with pytest.raises(TemplateError) as info:
        tmpl.execute_text('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', data)
    assert "exceeded maximum template depth" in str(info.value)


HTML_CASES = [
    ("text-escaped", "<p>{{ .Text }}</p>", "<p>&lt;b&gt; &amp; &#34;q&#34; &#39;s&#39; a&#43;b</p>"),
    ("attr-escaped", '<b title="{{ .Text }}">', '<b title="&lt;b&gt; &amp; &#34;q&#34; &#39;s&#39; a&#43;b">'),
    ("url-normalized", '<a href="{{ .Url }}">', '<a href="http://x/a%20b?c=1&amp;d=%3c">'),
    ("url-query-escaped", '<a href="http://x/?q={{ .Text }}">',
     '<a href="http://x/?q=%3cb%3e%20%26%20%22q%22%20%27s%27%20a%2bb">'),
    ("unsafe-scheme", '<a href="{{ .Js }}">', '<a href="#ZgotmplZ">'),
    # safeUrl skips the scheme filter; html/template still normalizes the URL's characters.
    ("safe-url", '<a href="{{ safeUrl .Js }}">', '<a href="javascript:alert%281%29">'),
    ("safe-html", "{{ safeHtml .Text }}", "<b> & \"q\" 's' a+b"),
    ("comment-stripped", "a<!-- secret -->b", "ab"),
    ("missing-is-empty", "[{{ .Missing }}]", "[]"),
]


@pytest.mark.parametrize(("text", "want"), [(c[1], c[2]) for c in HTML_CASES], ids=[c[0] for c in HTML_CASES])
def test_html_escaping_like_html_template(tmpl: Template, text: str, want: str) -> None:
    values = {"Text": "<b> & \"q\" 's' a+b", "Url": "http://x/a b?c=1&d=<", "Js": "javascript:alert(1)"}
    assert tmpl.execute_html(text, values) == want


def test_malformed_input_only_raises_template_error(tmpl: Template, data: Data) -> None:
    import random

    pieces = ["{{", "}}", "{{-", "-}}", " ", ".", ".Alerts", "range", "if", "else", "end", "with", "define",
              "template", '"x"', "$x", ":=", "=", "|", "(", ")", "len", "index", "printf", '"%d"', "1", "0x",
              "'a'", "`", "/*", "*/", "\n", "$", ",", "break", "block", "nil", "true", "eq", "and", "-", "\\"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        for run in (tmpl.execute_text, tmpl.execute_html):
            try:
                run(text, data)
            except TemplateError:
                pass
