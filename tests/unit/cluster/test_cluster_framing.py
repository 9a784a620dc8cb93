"""Packet layers: compound, CRC, label, compress, and the optional AES-GCM keyring."""

import struct
import zlib

import pytest

from cluster.memberlist.crypto import DecryptError, Keyring
from cluster.memberlist.framing import (
    FramingError,
    add_crc,
    add_label,
    compress_payload,
    decompress_payload,
    make_compound,
    make_compounds,
    split_compound,
    strip_crc,
    strip_label,
)


def test_compound_layout():
    assert make_compound([b"ab", b"c"]) == b"\x07\x02\x00\x02\x00\x01abc"
    assert split_compound(b"\x02\x00\x02\x00\x01abc") == ([b"ab", b"c"], 0)


def test_compound_truncated_parts_are_counted():
    assert split_compound(b"\x03\x00\x02\x00\x05\x00\x01abcd") == ([b"ab"], 2)


@pytest.mark.parametrize("body", [b"", b"\x02\x00"], ids=["no-count", "short-lengths"])
def test_compound_malformed(body):
    with pytest.raises(FramingError):
        split_compound(body)


def test_compound_split_at_127_parts_for_memberlist_0_2_2():
    chunks = make_compounds([b"x"] * 300)
    assert [c[1] for c in chunks] == [127, 127, 46]
    with pytest.raises(ValueError):
        make_compound([b"x"] * 128)


def test_crc_layout_and_check():
    packet = b"\x00payload"
    framed = add_crc(packet)
    assert framed[:1] == b"\x0c"
    assert framed[1:5] == struct.pack(">I", zlib.crc32(packet))
    assert strip_crc(framed) == packet


@pytest.mark.parametrize(
    "framed",
    [add_crc(b"abc")[:-1] + b"x", b"\x0c\x00\x00"],
    ids=["mismatch", "truncated"],
)
def test_crc_rejects(framed):
    with pytest.raises(FramingError):
        strip_crc(framed)


def test_label_header():
    assert add_label(b"\x00p", b"prod") == b"\xf4\x04prod\x00p"
    assert strip_label(b"\xf4\x04prod\x00p") == (b"prod", b"\x00p")
    assert add_label(b"\x00p", b"") == b"\x00p"
    assert strip_label(b"\x00p") == (b"", b"\x00p")


@pytest.mark.parametrize("packet", [b"\xf4", b"\xf4\x00x", b"\xf4\x05ab"], ids=["no-len", "empty", "short"])
def test_label_malformed(packet):
    with pytest.raises(FramingError):
        strip_label(packet)


def test_compress_wrapper():
    payload = b"\x08" + b"hello " * 100
    framed = compress_payload(payload)
    assert framed.startswith(b"\x09\x82\xa4Algo\x00\xa3Buf")
    assert decompress_payload(framed[1:]) == payload


def test_compress_unknown_algo():
    with pytest.raises(FramingError):
        decompress_payload(b"\x82\xa4Algo\x01\xa3Buf\xa0")


KEY1, KEY2 = bytes(range(16)), bytes(range(32))


@pytest.mark.parametrize("version", [0, 1], ids=["v0-padded", "v1"])
def test_keyring_packet_round_trip(version):
    ring = Keyring([KEY1])
    sealed = ring.encrypt(b"\x00ping", b"lbl", version=version)
    assert sealed[0] == version
    assert len(sealed) == 1 + 12 + (16 if version == 0 else 5) + 16
    assert ring.decrypt(sealed, b"lbl") == b"\x00ping"


def test_keyring_tries_every_key_and_checks_aad():
    sealed = Keyring([KEY2]).encrypt(b"m", b"")
    assert Keyring([KEY1, KEY2]).decrypt(sealed, b"") == b"m"
    with pytest.raises(DecryptError):
        Keyring([KEY1]).decrypt(sealed, b"")
    with pytest.raises(DecryptError):
        Keyring([KEY2]).decrypt(sealed, b"other-label")


def test_keyring_stream_layout():
    ring = Keyring([KEY1])
    framed = ring.encrypt_stream(b"\x06state", b"")
    assert framed[0] == 10
    (size,) = struct.unpack(">I", framed[1:5])
    assert size == len(framed) - 5 == 1 + 12 + 6 + 16
    assert ring.decrypt_stream(framed[:5], framed[5:], b"") == b"\x06state"


def test_keyring_rejects_bad_key_sizes():
    with pytest.raises(ValueError):
        Keyring([b"short"])
