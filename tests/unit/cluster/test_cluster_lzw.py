"""LZW: byte identity with Go's compress/lzw (captured from Alertmanager 0.25) and round trips."""

import random
from pathlib import Path

import msgpack
import pytest

from cluster.memberlist.framing import compress_payload, decompress_payload
from cluster.memberlist.lzw import LZWError, compress, decompress

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    "name",
    ["go_pushpull_empty.bin", "go_pushpull_silences.bin"],
    ids=["empty-state-157-bytes", "60-silences-22kB-table-resets"],
)
def test_go_stream_is_reproduced_byte_for_byte(name):
    # Raw push/pull replies written by /usr/bin/prometheus-alertmanager 0.25: [9][{Algo, Buf}].
    stream = (FIXTURES / name).read_bytes()
    buf = msgpack.unpackb(stream[1:], raw=True)[b"Buf"]
    plain = decompress_payload(stream[1:])
    assert plain[0] == 6  # a pushPull message
    assert compress(plain) == buf
    assert compress_payload(plain) == stream


@pytest.mark.parametrize(
    ("data", "want"),
    [
        (b"", bytes.fromhex("000302")),
        (b"a", bytes.fromhex("00c30404")),
        (b"abababababab", bytes.fromhex("00c388114870a0c180")),
    ],
    ids=["empty", "one-byte", "repeats"],
)
def test_small_vectors(data, want):
    # Go: clear(256) first, codes LSB-first at 9 bits, eof(257), final partial byte.
    assert compress(data) == want
    assert decompress(want) == data


_rng = random.Random(42)


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 3,
        bytes(_rng.randrange(256) for _ in range(20000)),
        bytes(_rng.choice(b"abc") for _ in range(100000)),
        b"x" * 70000,
    ],
    ids=["all-bytes", "random-20k", "low-entropy-100k", "run-70k"],
)
def test_round_trip(data):
    assert decompress(compress(data)) == data


def _pack9(codes):
    bits = n = 0
    out = bytearray()
    for c in codes:
        bits |= c << n
        n += 9
        while n >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            n -= 8
    if n:
        out.append(bits & 0xFF)
    return bytes(out)


@pytest.mark.parametrize(
    "data",
    [b"", _pack9([256, 97]), bytes.fromhex("00c3"), _pack9([256, 97, 300, 257]), _pack9([256, 258, 257])],
    ids=["empty", "no-eof", "truncated", "code-beyond-table", "kwkwk-without-prefix"],
)
def test_corrupt_input(data):
    with pytest.raises(LZWError):
        decompress(data)


def test_output_limit():
    with pytest.raises(LZWError):
        decompress(compress(b"y" * 5000), limit=1000)


def _reference_stream(data, *, clear_every=0, freeze=False):
    """A plain LZW writer (codes one by one) that, unlike Go's, may clear early (every
    ``clear_every`` codes) or keep going with a full table instead of clearing (``freeze``)."""
    out = [(256, 9)]
    st = {"width": 9, "hi": 257, "table": {}, "frozen": False, "since": 0}

    def write(code):
        out.append((code, st["width"]))

    def clear():
        write(256)
        st.update(width=9, hi=257, table={}, since=0)

    def advance():
        """Next free code after a code was written; False when no entry may be added."""
        if st["frozen"]:
            return False
        st["hi"] += 1
        st["width"] += st["hi"] == 1 << st["width"]
        if st["hi"] == 4095:
            if freeze:
                st["frozen"] = True
            else:
                clear()
            return False
        st["since"] += 1
        if clear_every and st["since"] == clear_every:
            clear()
            return False
        return True

    code = data[0]
    for lit in data[1:]:
        key = code << 8 | lit
        if key in st["table"]:
            code = st["table"][key]
            continue
        write(code)
        if advance():
            st["table"][key] = st["hi"]
        code = lit
    write(code)
    advance()
    write(257)
    bits = n = 0
    for c, w in out:
        bits |= c << n
        n += w
    return bits.to_bytes((n + 7) // 8, "little")


@pytest.mark.parametrize(
    ("clear_every", "freeze"),
    [(0, False), (1, False), (100, False), (300, False), (0, True)],
    ids=["like-go", "clear-after-every-code", "clear-mid-9-bit-run", "clear-mid-10-bit-run", "full-table-kept"],
)
def test_decodes_streams_go_does_not_write(clear_every, freeze):
    # Go's reader accepts clears anywhere and a full table that is never cleared; so do we.
    data = bytes(_rng.randrange(24) for _ in range(60000))
    stream = _reference_stream(data, clear_every=clear_every, freeze=freeze)
    if (clear_every, freeze) == (0, False):
        assert stream == compress(data)
    assert decompress(stream) == data
