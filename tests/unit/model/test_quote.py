"""go_quote against strconv.Quote's output (values checked with Go 1.21)."""

import pytest

from alertmanager.model._quote import go_quote


@pytest.mark.parametrize(("text", "quoted"), [
    ("", '""'),
    ("host-1:9100", '"host-1:9100"'),
    ("two words", '"two words"'),
    ('say "hi"', '"say \\"hi\\""'),
    ("back\\slash", '"back\\\\slash"'),
    ("tab\there", '"tab\\there"'),
    ("line\n", '"line\\n"'),
    ("\x00\x7f", '"\\x00\\x7f"'),
    ("héllo ünïcode 日本", '"héllo ünïcode 日本"'),
    ("nb\u00a0sp", '"nb\\u00a0sp"'),
    ("\U0001f600", '"\U0001f600"'),
    ("\u200b", '"\\u200b"'),
])
def test_go_quote(text, quoted):
    assert go_quote(text) == quoted
