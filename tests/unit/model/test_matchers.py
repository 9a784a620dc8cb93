import pytest

from alertmanager.model.matchers import (
    Matcher,
    MatcherError,
    MatchType,
    parse_matcher,
    parse_matchers,
    parse_matchers_classic,
    parse_matchers_utf8,
)

E, NE, RE, NRE = MatchType.EQUAL, MatchType.NOT_EQUAL, MatchType.REGEX, MatchType.NOT_REGEX

PARSE_CASES = [
    ("foo=bar", [("foo", E, "bar")]),
    ('foo="bar"', [("foo", E, "bar")]),
    ("foo!=bar", [("foo", NE, "bar")]),
    ('foo=~"b.*"', [("foo", RE, "b.*")]),
    ('foo!~"b.*"', [("foo", NRE, "b.*")]),
    ('{foo="bar", baz=~"qux"}', [("foo", E, "bar"), ("baz", RE, "qux")]),
    ('{foo="bar",}', [("foo", E, "bar")]),
    ("foo=", [("foo", E, "")]),
    ('foo=""', [("foo", E, "")]),
    ('foo="bar,baz"', [("foo", E, "bar,baz")]),
    ('foo="quoted \\"x\\""', [("foo", E, 'quoted "x"')]),
    ('foo="new\\nline"', [("foo", E, "new\nline")]),
    ('foo="back\\\\slash"', [("foo", E, "back\\slash")]),
    # Classic fallback: unquoted values with spaces, as 0.25 accepted them.
    ("foo=bar baz", [("foo", E, "bar baz")]),
    ("alertname = Watchdog", [("alertname", E, "Watchdog")]),
    # UTF-8 label names (0.27+) need quotes.
    ('{"service name"="api"}', [("service name", E, "api")]),
    ('{"ünïcödé"=~"ä.*"}', [("ünïcödé", RE, "ä.*")]),
    ("{}", []),
]


@pytest.mark.parametrize(("text", "want"), PARSE_CASES, ids=[c[0] for c in PARSE_CASES])
def test_parse_matchers(text, want):
    got = [(m.name, m.type, m.value) for m in parse_matchers(text)]
    assert got == want


@pytest.mark.parametrize(
    "text",
    ['foo="bar', 'foo=~"("', "=bar", "foo", 'foo="b"ar"', 'foo==bar"x'],
)
def test_bad_matchers_are_refused(text):
    with pytest.raises(MatcherError):
        parse_matchers(text)


def test_classic_parser_error_texts_match_upstream():
    with pytest.raises(MatcherError, match="bad matcher format: foo"):
        parse_matchers_classic("foo")
    with pytest.raises(MatcherError, match="matcher value contains unescaped double quote"):
        parse_matchers_classic('foo="bar')


def test_classic_keeps_spurious_escapes_literal():
    assert parse_matchers_classic('foo="a\\.b"')[0].value == "a\\.b"


def test_utf8_parser_positions_in_errors():
    with pytest.raises(MatcherError, match=r"^\d+:\d+: "):
        parse_matchers_utf8("{foo=}")


MATCH_CASES = [
    (E, "bar", "bar", True),
    (E, "bar", "baz", False),
    (E, "", "", True),
    (NE, "bar", "baz", True),
    (NE, "bar", "bar", False),
    (RE, "b.*", "bar", True),
    (RE, "b.*", "abar", False),  # anchored at the start
    (RE, "ba", "bar", False),  # anchored at the end
    (RE, "a|b", "b", True),  # alternation is grouped before anchoring
    (RE, ".*", "", True),
    (RE, "bar", "bar\n", False),  # no trailing-newline leniency as Python's $ would give
    (NRE, "b.*", "bar", False),
    (NRE, "b.*", "car", True),
    (RE, "[[:digit:]]+", "123", True),
    (RE, "(?i)ERROR", "error", True),
    (RE, "a(?i)B", "ab", True),
    (RE, "a(?i)B", "Ab", False),
    (RE, "(x(?i)y)z", "xYz", True),
    (RE, "(x(?i)y)z", "xyZ", False),
    (RE, "(?s)a.b", "a\nb", True),
    (RE, "[(?i)]+", "(?i)", True),
]


@pytest.mark.parametrize(
    ("mt", "pattern", "value", "want"), MATCH_CASES, ids=[f"{c[0].value}{c[1]!r}~{c[2]!r}" for c in MATCH_CASES]
)
def test_matching(mt, pattern, value, want):
    assert Matcher.create("l", mt, pattern).matches(value) is want


def test_missing_label_matches_as_empty():
    m = Matcher.create("team", E, "")
    assert m.matches_labels({"other": "x"})
    assert not Matcher.create("team", NE, "").matches_labels({})


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ('foo="bar"', 'foo="bar"'),
        ('foo=~"a\\\\.b"', 'foo=~"a\\\\.b"'),
        ('{"a b"="c"}', '"a b"="c"'),
        ('foo!="x\\"y"', 'foo!="x\\"y"'),
    ],
)
def test_string_form(text, want):
    assert str(parse_matcher(text)) == want


def test_parse_matcher_requires_exactly_one():
    with pytest.raises(MatcherError):
        parse_matcher("a=b,c=d")
