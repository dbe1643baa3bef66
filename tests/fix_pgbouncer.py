"""PgBouncer fixtures: real PgBouncer (Debian's 1.18) in front of the session's PostgreSQL sandbox, and a
rotating endpoint.

- ``pgbouncer_factory``: ``pgbouncer_factory(cert="other_ca")`` starts a PgBouncer in front of ``pg_sandbox``
  presenting that PKI certificate variant; every one started is stopped at the end of the session.
- ``pgbouncer_other_ca``: one such PgBouncer for the session, presenting ``other_ca`` (an unrelated root), so
  that a client verifying against the sandbox root is refused by the pooler and accepted by the database.
- ``rotating_endpoint``: ``{"rotating": port}``, a loopback TCP forwarder that hands successive connections
  alternately to the PostgreSQL sandbox and to ``pgbouncer_other_ca`` (SSLRequest connections and the others
  each alternate on their own, so that two TLS connections in a row never reach the same server). It is
  plumbing: real servers answer behind it; it only copies bytes.

Without the pgbouncer binary these skip with the reason; with $CI set they fail instead.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import struct
import threading
from collections.abc import Callable, Iterator, Sequence

import pytest

from dbdoctor.errors import SandboxError
from dbdoctor.sandbox import SandboxServer
from dbdoctor.sandbox.pgbouncer import PgBouncerServer, find_binary
from fix_scenarios import RIGHT, S, Scenario

SSL_REQUEST: bytes = struct.pack("!ii", 8, 80877103)

#: scenarios (tests/fix_scenarios.py's shape) that need the servers of this module; ``listener="rotating"`` is
#: the port of ``rotating_endpoint``. Their verdict depends on which server a connection reaches, so they are
#: not differential scenarios (the cause is the one of a failed connection: with a working one, none)
POOLER_SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        S("certificates vary behind one address", "cert_varies", listener="rotating", sslmode="verify-full",
          sslrootcert=RIGHT),
    )
}


@pytest.fixture(scope="session")
def pgbouncer_binary() -> str:
    try:
        return str(find_binary())
    except SandboxError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {exc}", pytrace=False)
        pytest.skip(str(exc))
        raise


@pytest.fixture(scope="session")
def pgbouncer_factory(pg_sandbox: SandboxServer, pgbouncer_binary: str) -> Iterator[Callable[..., PgBouncerServer]]:
    from dbdoctor.sandbox import start_pgbouncer

    started: list[PgBouncerServer] = []

    def make(cert: str = "full", client_sslmode: str = "require") -> PgBouncerServer:
        srv = start_pgbouncer(pg_sandbox, cert=cert, client_sslmode=client_sslmode)
        started.append(srv)
        return srv

    try:
        yield make
    finally:
        for srv in started:
            srv.stop()


@pytest.fixture(scope="session")
def pgbouncer_other_ca(pgbouncer_factory: Callable[..., PgBouncerServer]) -> PgBouncerServer:
    return pgbouncer_factory(cert="other_ca")


class RotatingForwarder:
    """Accepts on a loopback port and connects each client to the next of ``upstreams`` in turn (a separate
    turn for connections that open with an SSLRequest), then copies bytes both ways until either side closes."""

    def __init__(self, upstreams: Sequence[int]) -> None:
        self.upstreams = tuple(upstreams)
        self.turn = {True: 0, False: 0}
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.port: int = self.sock.getsockname()[1]
        self.routed: list[int] = []
        self.thread = threading.Thread(target=self._accept, daemon=True, name=f"rotating-{self.port}")
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        upstream = None
        try:
            conn.settimeout(10)
            first = b""
            while len(first) < 8:
                chunk = conn.recv(8 - len(first))
                if not chunk:
                    return
                first += chunk
            tls = first == SSL_REQUEST
            with self.lock:
                port = self.upstreams[self.turn[tls] % len(self.upstreams)]
                self.turn[tls] += 1
                self.routed.append(port)
            upstream = socket.create_connection(("127.0.0.1", port), timeout=10)
            upstream.sendall(first)
            conn.settimeout(None)
            upstream.settimeout(None)
            pair = {conn: upstream, upstream: conn}
            while True:
                ready, _, _ = select.select(list(pair), [], [], 15)
                if not ready:
                    return
                for s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    pair[s].sendall(data)
        except OSError:
            return
        finally:
            for s in (conn, upstream):
                if s is not None:
                    with contextlib.suppress(OSError):
                        s.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()
        self.thread.join(2)


@pytest.fixture(scope="session")
def rotating_endpoint(pg_sandbox: SandboxServer, pgbouncer_other_ca: PgBouncerServer) -> Iterator[dict[str, int]]:
    fwd = RotatingForwarder([pg_sandbox.port, pgbouncer_other_ca.port])
    try:
        yield {"rotating": fwd.port}
    finally:
        fwd.close()
