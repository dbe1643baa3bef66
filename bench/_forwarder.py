"""A loopback forwarder for the fleet benchmark: one asyncio process listening on many (address, port) pairs,
each relayed to one upstream port on 127.0.0.1, with a fixed one-way delay on every chunk in each direction
(a round trip costs ``2 * one_way`` more) and one round trip before the upstream connection is made (the TCP
handshake a real network would cost: the kernel accepts on loopback at once). Order is preserved per
direction. Run as its own process, so its CPU is not counted as the scanner's:

    python bench/_forwarder.py MAP.json ONE_WAY_MS      # MAP: [[listen_addr, listen_port, upstream_port], ...]

It prints "ready N" once every listener is up and runs until stdin closes.
"""

from __future__ import annotations

import asyncio
import collections
import json
import resource
import sys


class _Relay(asyncio.Protocol):
    """One direction's sink: writes what the other side received, ``delay`` seconds later, in order."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.peer: _Relay | None = None
        self.transport: asyncio.Transport | None = None
        self.pending: collections.deque[tuple[float, bytes]] = collections.deque()
        self.early: list[bytes] = []  # received before the other side exists
        self.timer: asyncio.TimerHandle | None = None
        self.closing = False
        self.loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    # data that arrived on this side goes to the peer
    def data_received(self, data: bytes) -> None:
        if self.peer is None or self.peer.transport is None:
            self.early.append(data)
            return
        self.peer.deliver(data)

    def deliver(self, data: bytes) -> None:
        self.pending.append((self.loop.time() + self.delay, data))
        if self.timer is None:
            self.timer = self.loop.call_at(self.pending[0][0], self._flush)

    def _flush(self) -> None:
        self.timer = None
        now = self.loop.time()
        while self.pending and self.pending[0][0] <= now + 0.0005:
            _due, data = self.pending.popleft()
            if data and self.transport is not None and not self.transport.is_closing():
                self.transport.write(data)
            elif not data and self.transport is not None:
                self.transport.close()
        if self.pending:
            self.timer = self.loop.call_at(self.pending[0][0], self._flush)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.peer is not None:
            self.peer.deliver(b"")  # close the other side once what is in flight got through
        else:
            self.closing = True


class _Client(_Relay):
    def __init__(self, delay: float, upstream_port: int) -> None:
        super().__init__(delay)
        self.upstream_port = upstream_port

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        # the round trip of the TCP handshake, then the upstream connection
        self.loop.call_later(2 * self.delay, lambda: asyncio.ensure_future(self._open()))

    async def _open(self) -> None:
        if self.closing or self.transport is None or self.transport.is_closing():
            return
        try:
            _t, up = await self.loop.create_connection(lambda: _Relay(self.delay), "127.0.0.1", self.upstream_port)
        except OSError:
            self.transport.close()
            return
        up.peer, self.peer = self, up
        for data in self.early:
            up.deliver(data)
        self.early.clear()
        for data in up.early:  # what the server said before the link was made
            self.deliver(data)
        up.early.clear()


async def main(mapping: list[list[object]], one_way_ms: float) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    loop = asyncio.get_running_loop()
    delay = one_way_ms / 1000.0
    servers = []
    for addr, port, upstream in mapping:
        servers.append(await loop.create_server(
            lambda up=upstream: _Client(delay, int(up)), str(addr), int(port), backlog=512, reuse_address=True))  # type: ignore[misc]
    print(f"ready {len(servers)}", flush=True)
    await loop.run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        table = json.load(f)
    asyncio.run(main(table, float(sys.argv[2])))
