"""An in-memory network for memberlist: packets are delivered on the loop, streams are socketpairs."""

import asyncio
import socket

import pytest


class FakeNetwork:
    def __init__(self):
        self.nodes = {}
        self.sent = []  # (src, dst, bytes)
        self.blocked = set()  # addresses that neither send nor receive (a partition / SIGSTOP)

    def transport(self, port):
        return FakeTransport(self, ("127.0.0.1", port))


class FakeTransport:
    def __init__(self, net, addr):
        self.net = net
        self.addr = addr
        self._streams = set()

    @property
    def port(self):
        return self.addr[1]

    async def start(self, on_packet, on_stream):
        self.net.nodes[self.addr] = (on_packet, on_stream)

    def send_packet(self, data, addr):
        self.net.sent.append((self.addr, addr, data))
        if self.addr in self.net.blocked or addr in self.net.blocked or addr not in self.net.nodes:
            return
        on_packet = self.net.nodes[addr][0]
        asyncio.get_running_loop().call_soon(on_packet, data, self.addr)

    async def open_stream(self, addr, timeout):
        if self.addr in self.net.blocked or addr in self.net.blocked or addr not in self.net.nodes:
            raise ConnectionRefusedError(addr)
        a, b = socket.socketpair()
        reader, writer = await asyncio.open_connection(sock=a)
        sreader, swriter = await asyncio.open_connection(sock=b)
        on_stream = self.net.nodes[addr][1]

        async def serve():
            try:
                await on_stream(sreader, swriter)
            finally:
                swriter.close()

        task = asyncio.create_task(serve())
        self._streams.add(task)
        task.add_done_callback(self._streams.discard)
        return reader, writer

    async def close(self):
        self.net.nodes.pop(self.addr, None)
        for t in list(self._streams):
            t.cancel()


@pytest.fixture
def fake_network():
    return FakeNetwork()
