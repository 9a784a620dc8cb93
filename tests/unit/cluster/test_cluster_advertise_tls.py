"""Advertise address (hostnames, ECS task IP), the DNS server override, and TLS transport framing."""

import json
import struct

import pytest

from cluster._advertise import advertise_address, ecs_task_ip
from cluster.discovery import NAMESERVERS_ENV, DNSResolver
from cluster.tls_transport import decode_frame, encode_frame

TASK = {"Containers": [{"Name": "am", "Networks": [{"NetworkMode": "awsvpc", "IPv4Addresses": ["10.0.2.7"]}]}]}


class FakeResolver:
    def __init__(self, table):
        self.table = table

    async def lookup_ip(self, host):
        return self.table[host]

    async def lookup_srv(self, name):
        raise AssertionError("no SRV here")


def fetcher(body: bytes, seen: list[str]):
    async def fetch(url: str) -> bytes:
        seen.append(url)
        return body

    return fetch


async def test_ecs_task_ip_reads_the_task_endpoint():
    seen: list[str] = []
    assert await ecs_task_ip("http://169.254.170.2/v4/abc/", fetcher(json.dumps(TASK).encode(), seen)) == "10.0.2.7"
    assert seen == ["http://169.254.170.2/v4/abc/task"]


@pytest.mark.parametrize(
    "body, want",
    [(b'{"Containers": []}', None), (b'{"Containers": [{"Networks": [{"IPv4Addresses": ["x"]}]}]}', None)],
    ids=["no-containers", "not-an-ip"],
)
async def test_ecs_task_ip_without_an_address(body, want):
    assert await ecs_task_ip("http://m/v4/x", fetcher(body, [])) is want


async def test_ecs_task_ip_bad_json_is_an_error():
    with pytest.raises(ValueError, match="ECS task metadata"):
        await ecs_task_ip("http://m/v4/x", fetcher(b"not json", []))


@pytest.mark.parametrize(
    "listen, advertise, ecs, want",
    [
        ("0.0.0.0:9094", "", "http://m/v4/x", ("10.0.2.7", 9094)),
        ("10.1.1.1:9094", "", "http://m/v4/x", ("10.1.1.1", 9094)),
        ("0.0.0.0:9094", "am.local:9999", "http://m/v4/x", ("192.0.2.4", 9999)),
        ("0.0.0.0:9094", "1.2.3.4:9095", "", ("1.2.3.4", 9095)),
    ],
    ids=["ecs-any-bind", "concrete-bind-wins", "hostname-prefers-ipv4", "ip"],
)
async def test_advertise_address(listen, advertise, ecs, want):
    seen: list[str] = []
    resolver = FakeResolver({"am.local": ["2001:db8::1", "192.0.2.4"]})
    got = await advertise_address(listen, advertise, resolver, ecs_metadata_uri=ecs,
                                  fetch=fetcher(json.dumps(TASK).encode(), seen))
    assert got == want
    assert bool(seen) == (want == ("10.0.2.7", 9094))


async def test_advertise_falls_back_when_ecs_metadata_fails():
    async def broken(url: str) -> bytes:
        raise OSError("connection refused")

    host, port = await advertise_address("0.0.0.0:9094", "", FakeResolver({}), ecs_metadata_uri="http://m/v4/x",
                                         fetch=broken)
    assert port == 9094 and host != "10.0.2.7"


@pytest.mark.parametrize(
    "env, want",
    [({}, ()), ({NAMESERVERS_ENV: "127.0.0.1:5353"}, (("127.0.0.1", 5353),)),
     ({NAMESERVERS_ENV: "127.0.0.1:53, [::1]:5300"}, (("127.0.0.1", 53), ("::1", 5300)))],
    ids=["unset", "one", "two"],
)
def test_dns_resolver_from_env(env, want):
    assert DNSResolver.from_env(env)._nameservers == want


def test_tls_packet_frame_golden_bytes():
    frame = encode_frame(1, "127.0.0.1:9094", b"\x00ping")
    body = (b"\x0a\x06v0.1.0" + b"\x10\x01" + b"\x1a\x0e127.0.0.1:9094" + b"\x22\x05\x00ping")
    assert frame == struct.pack("<I", len(body)) + body
    assert decode_frame(frame[4:]) == (1, "127.0.0.1:9094", b"\x00ping")


def test_tls_stream_frame_omits_zero_fields():
    frame = encode_frame(0)
    assert frame == b"\x08\x00\x00\x00\x0a\x06v0.1.0"
    assert decode_frame(frame[4:]) == (0, "", b"")
