"""A MySQL/MariaDB server that stalls after its greeting, for the timeout tests (issue 6): a proxy in front of a real
server (the MariaDB sandbox) that forwards everything the client sends, and from the server only its first packet
(the real greeting), then nothing. The client then waits for the TLS handshake (the server did answer it; the
proxy swallowed the answer) or for the answer to its login, and must call it a timeout, not a refusal or a
broken handshake.

``stalling_mysql(upstream_port)`` is a context manager giving a ``fix_listeners.Listener`` (its ``port``).
"""

from __future__ import annotations

import contextlib
import select
import socket
from collections.abc import Iterator

from fix_listeners import Handler, Listener, listener

#: a MySQL packet: a 3-byte little-endian payload length and a sequence byte, then the payload
HEADER_LEN = 4


def greeting_then_stall(upstream_port: int, hold: float = 30.0) -> Handler:
    def handler(client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", upstream_port), timeout=5)
        except OSError:
            return
        buf = b""
        greeted = False
        try:
            while True:
                ready, _, _ = select.select([client, upstream], [], [], hold)
                if not ready:
                    return
                for src in ready:
                    data = src.recv(65536)
                    if not data:
                        return
                    if src is client:
                        upstream.sendall(data)
                    elif not greeted:
                        buf += data
                        if len(buf) >= HEADER_LEN:
                            size = HEADER_LEN + int.from_bytes(buf[:3], "little")
                            if len(buf) >= size:
                                client.sendall(buf[:size])
                                greeted = True
                    # after the greeting: whatever the server says is swallowed
        except OSError:
            return
        finally:
            with contextlib.suppress(OSError):
                upstream.close()

    return handler


@contextlib.contextmanager
def stalling_mysql(upstream_port: int) -> Iterator[Listener]:
    with listener(greeting_then_stall(upstream_port)) as lst:
        yield lst
