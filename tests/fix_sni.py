"""An SNI-routing front on loopback, the way Neon's proxy routes: ``sni_router`` gives the port of a listener
that answers the SSLRequest with ``S``, terminates TLS itself with the sandbox's ``full`` certificate, and reads
the server name the client sent. With none, it answers the start-up with the ErrorResponse Neon's proxy sends
(text recorded from neondatabase/website content/docs/connect/connection-errors.md); with one, it opens its own
TLS connection to the session's PostgreSQL sandbox and copies the start-up and everything after it both ways,
so the real server answers. It is plumbing: PostgreSQL decides everything past the routing.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
from collections.abc import Iterator
from typing import Any

import pytest

SSL_REQUEST = struct.pack("!ii", 8, 80877103)
#: Neon's proxy, recorded (no such proxy runs here)
NEON_NO_SNI = ("Endpoint ID is not specified. Either please upgrade the postgres client library (libpq) for SNI "
               "support or pass the endpoint ID (first part of the domain name) as a parameter: "
               "'?options=endpoint%3D<endpoint-id>'. See more at https://neon.tech/sni")


def _error_response(message: str) -> bytes:
    fields = b"SERROR\x00" + b"VERROR\x00" + b"CXX000\x00" + b"M" + message.encode() + b"\x00" + b"\x00"
    return b"E" + struct.pack("!i", len(fields) + 4) + fields


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    with contextlib.suppress(OSError, ConnectionError):
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    for s in (src, dst):
        with contextlib.suppress(OSError):
            s.close()


class SniRouter:
    def __init__(self, cert: str, key: str, backend_port: int) -> None:
        self.ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ctx.load_cert_chain(cert, key)
        #: the server name each TLS connection sent, by id() of its socket (one callback for every connection)
        self.names: dict[int, str | None] = {}
        self.ctx.sni_callback = self._remember
        self.backend_port = backend_port
        self.seen: list[str | None] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port: int = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True, name=f"sni-router-{self.port}").start()

    def _remember(self, sock: Any, name: str | None, _ctx: Any) -> None:
        self.names[id(sock)] = name

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        ctx = self.ctx
        try:
            conn.settimeout(10)
            if _recv_exact(conn, 8) != SSL_REQUEST:
                conn.sendall(_error_response("this endpoint accepts TLS connections only"))
                conn.close()
                return
            conn.sendall(b"S")
            tls = ctx.wrap_socket(conn, server_side=True)
            head = _recv_exact(tls, 4)
            startup = head + _recv_exact(tls, struct.unpack("!i", head)[0] - 4)
            name = self.names.pop(id(tls), None)
            self.seen.append(name)
            if not name:
                tls.sendall(_error_response(NEON_NO_SNI))
                tls.close()
                return
            up = socket.create_connection(("127.0.0.1", self.backend_port), timeout=10)
            up.sendall(SSL_REQUEST)
            if _recv_exact(up, 1) != b"S":
                raise ConnectionError("backend without TLS")
            client = ssl.create_default_context()
            client.check_hostname = False
            client.verify_mode = ssl.CERT_NONE
            up_tls = client.wrap_socket(up, server_hostname=name)
            up_tls.sendall(startup)
            tls.settimeout(None)
            up_tls.settimeout(None)
            threading.Thread(target=_pipe, args=(up_tls, tls), daemon=True).start()
            _pipe(tls, up_tls)
        except (OSError, ConnectionError, ssl.SSLError):
            with contextlib.suppress(OSError):
                conn.close()

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="session")
def sni_router(pg_sandbox: Any, pki: Any) -> Iterator[SniRouter]:
    variant = pki.server("full")
    router = SniRouter(str(variant.cert), str(variant.key), pg_sandbox.port)
    try:
        yield router
    finally:
        router.close()
