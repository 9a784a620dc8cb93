"""msgpack bodies: golden bytes from CLUSTER-PROTOCOL.md 1.3/1.4 and round trips."""

import msgpack
import pytest

from cluster.memberlist.messages import (
    DEFAULT_VSN,
    Ack,
    Alive,
    Compress,
    Dead,
    ErrResp,
    IndirectPing,
    MessageError,
    MsgType,
    Nack,
    NodeStateKind,
    Ping,
    PushNodeState,
    PushPullHeader,
    Suspect,
    UserMsgHeader,
    decode_body,
    encode_body,
    encode_message,
)

NAME = "01GZ8MXR6S4D1R1C4ZQ4J2D0FZ"
LOCAL = bytes([127, 0, 0, 1])


def test_alive_matches_go_capture():
    # Spec 1.4: 04 86 a4"Addr" a4 7f000001 ab"Incarnation" 01 a4"Meta" a0 a4"Node" ba<26> a4"Port" cd b85a
    # a3"Vsn" a6 010502000000
    want = (
        b"\x04\x86\xa4Addr\xa4\x7f\x00\x00\x01\xabIncarnation\x01\xa4Meta\xa0\xa4Node\xba"
        + NAME.encode()
        + b"\xa4Port\xcd\xb8\x5a\xa3Vsn\xa6\x01\x05\x02\x00\x00\x00"
    )
    msg = Alive(incarnation=1, node=NAME, addr=LOCAL, port=0xB85A)
    assert encode_message(MsgType.ALIVE, msg) == want
    assert decode_body(Alive, want[1:]) == msg


@pytest.mark.parametrize(
    ("msg", "want"),
    [
        (Ack(seq_no=5), b"\x82\xa7Payload\xa0\xa5SeqNo\x05"),
        (Ack(seq_no=5, payload=None), b"\x82\xa7Payload\xc0\xa5SeqNo\x05"),
        (Nack(seq_no=300), b"\x81\xa5SeqNo\xcd\x01\x2c"),
        (Ping(seq_no=1, node="n"), b"\x82\xa4Node\xa1n\xa5SeqNo\x01"),
        (
            PushPullHeader(nodes=1, user_state_len=14, join=True),
            b"\x83\xa4Join\xc3\xa5Nodes\x01\xacUserStateLen\x0e",
        ),
        (UserMsgHeader(user_msg_len=70000), b"\x81\xaaUserMsgLen\xce\x00\x01\x11\x70"),
        (ErrResp(error="boom"), b"\x81\xa5Error\xa4boom"),
        (Compress(buf=b"x" * 40), b"\x82\xa4Algo\x00\xa3Buf\xda\x00\x28" + b"x" * 40),
    ],
    ids=["ack-empty-payload", "ack-nil-payload", "nack-uint16", "ping-omitempty", "pushpull-header",
         "usermsg-uint32", "err", "compress-str16-raw"],
)
def test_golden_bodies(msg, want):
    assert encode_body(msg) == want


def test_raw_formats_never_str8_or_bin():
    # 40 bytes would be str8 (0xd9) or bin8 (0xc4) in modern msgpack; go-msgpack writes str16.
    body = encode_body(Alive(incarnation=1, node="x" * 40, addr=LOCAL, port=1, meta=b"m" * 200))
    assert b"\xda\x00\x28" + b"x" * 40 in body
    assert b"\xda\x00\xc8" + b"m" * 200 in body
    assert b"\xd9" not in body and b"\xc4" not in body


@pytest.mark.parametrize(
    "msg",
    [
        Ping(seq_no=7, node="a", source_addr=LOCAL, source_port=9094, source_node="b"),
        IndirectPing(seq_no=9, target=LOCAL, port=9, node="t", nack=True, source_addr=LOCAL,
                     source_port=1, source_node="s"),
        Ack(seq_no=2**32 - 1, payload=b"p"),
        Nack(seq_no=3),
        Suspect(incarnation=4, node="a", from_="b"),
        Dead(incarnation=5, node="a", from_="a"),
        Alive(incarnation=6, node="a", addr=bytes(16), port=65535, meta=b"\x00\xff"),
        PushNodeState(name="n", addr=LOCAL, port=1, incarnation=2, state=NodeStateKind.SUSPECT),
        PushPullHeader(nodes=3, user_state_len=1 << 20, join=False),
        UserMsgHeader(user_msg_len=0),
        ErrResp(error="e"),
    ],
    ids=lambda m: type(m).__name__,
)
def test_round_trip(msg):
    assert decode_body(type(msg), encode_body(msg)) == msg


def test_ping_keys_sorted_bytewise():
    raw = msgpack.unpackb(encode_body(Ping(seq_no=1, node="a", source_addr=LOCAL, source_port=2,
                                           source_node="b")), raw=True)
    assert list(raw) == sorted(raw)


def test_decode_accepts_nil_bin_and_unknown_keys():
    body = msgpack.packb(
        {"Addr": None, "Incarnation": 1, "Meta": None, "Node": "n", "Port": 1, "Vsn": DEFAULT_VSN,
         "Future": [1, 2]},
        use_bin_type=True,
    )
    msg = decode_body(Alive, body)
    assert msg.addr == b"" and msg.meta == b"" and msg.vsn == DEFAULT_VSN


def test_decode_missing_key_is_zero_value():
    assert decode_body(Ack, msgpack.packb({"SeqNo": 9})) == Ack(seq_no=9, payload=b"")


@pytest.mark.parametrize(
    "body",
    [b"\x01", b"\x81\xa5SeqNo\xa1x", b"\x81\xa4Node\xa2\xff\xfe", b"\xc1"],
    ids=["not-a-map", "int-field-gets-str", "str-field-bad-utf8", "reserved-byte"],
)
def test_decode_errors(body):
    with pytest.raises(MessageError):
        decode_body(Ping if b"Node" in body else Nack, body)


def test_signed_ints_from_newer_go_accepted():
    # go-msgpack v2 (AM >= 0.28) writes int fields > 127 as signed.
    body = b"\x83\xa4Join\xc2\xa5Nodes\xd1\x01\x00\xacUserStateLen\xd2\x00\x01\x00\x00"
    assert decode_body(PushPullHeader, body) == PushPullHeader(nodes=256, user_state_len=65536, join=False)
