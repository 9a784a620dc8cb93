import pytest

from alertmanager.model.delimited import DelimitedError, iter_delimited, read_uvarint, uvarint, write_delimited


@pytest.mark.parametrize(("n", "raw"), [(0, b"\x00"), (1, b"\x01"), (127, b"\x7f"), (128, b"\x80\x01"),
                                        (300, b"\xac\x02"), (2**63, b"\x80" * 9 + b"\x01")])
def test_uvarint_matches_protobuf(n, raw):
    assert uvarint(n) == raw
    assert read_uvarint(raw + b"tail", 0) == (n, len(raw))


def test_round_trip_keeps_order_and_empty_messages():
    msgs = [b"a", b"", b"x" * 300]
    assert list(iter_delimited(write_delimited(msgs))) == msgs


@pytest.mark.parametrize("data", [b"\x05abc", b"\x80", b"\x80" * 11], ids=["short-body", "cut-varint", "overlong"])
def test_truncated_streams_are_refused(data):
    with pytest.raises(DelimitedError):
        list(iter_delimited(data))
