"""Misbehaving listeners on 127.0.0.1 for the probe tests: each is a real TCP server in a thread.

``listener(handler)`` starts one; ``handler(conn)`` runs per accepted connection in its own thread. The named
factories below are the misbehaviours the probes must turn into observations within their deadline.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

Handler = Callable[[socket.socket], None]


class Listener:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port: int = self.sock.getsockname()[1]
        self.stopping = threading.Event()
        self.conns: list[socket.socket] = []
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True, name=f"listener-{self.port}")
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        try:
            self.handler(conn)
        except OSError:
            pass
        finally:
            if not getattr(self.handler, "keep_open", False):
                with contextlib.suppress(OSError):
                    conn.close()

    def close(self) -> None:
        self.stopping.set()
        # close() alone does not wake a thread blocked in accept(): the kernel keeps that socket listening until
        # the next connection, which a later listener given the same port would then lose to this one.
        # shutdown() wakes accept() with an error first.
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()
        self.thread.join(2)
        for c in self.conns:
            with contextlib.suppress(OSError):
                c.close()


@contextlib.contextmanager
def listener(handler: Handler) -> Iterator[Listener]:
    lst = Listener(handler)
    try:
        yield lst
    finally:
        lst.close()


def _read_request(conn: socket.socket, timeout: float = 5.0) -> bytes:
    """Read one length-prefixed startup-phase packet (SSLRequest or StartupMessage)."""
    conn.settimeout(timeout)
    head = b""
    while len(head) < 4:
        chunk = conn.recv(4 - len(head))
        if not chunk:
            return head
        head += chunk
    (length,) = struct.unpack("!i", head)
    body = b""
    while len(body) < length - 4:
        chunk = conn.recv(length - 4 - len(body))
        if not chunk:
            break
        body += chunk
    return head + body


def _hold(conn: socket.socket, seconds: float = 30.0) -> None:
    conn.settimeout(seconds)
    with contextlib.suppress(OSError):
        while conn.recv(4096):
            pass


# --- the misbehaviours --------------------------------------------------------------------------------------


def silent(conn: socket.socket) -> None:
    """Accepts and never replies."""
    _hold(conn)


def closes_immediately(conn: socket.socket) -> None:
    """Accepts and closes at once."""
    conn.close()


def slow_bytes(payload: bytes, delay: float) -> Handler:
    """Reads the request, then sends ``payload`` one byte at a time, ``delay`` seconds apart."""

    def handler(conn: socket.socket) -> None:
        _read_request(conn)
        for b in payload:
            time.sleep(delay)
            conn.sendall(bytes([b]))
        _hold(conn, 5)

    return handler


def s_then_garbage(separate: bool = False) -> Handler:
    """Answers the SSLRequest with ``S`` followed by garbage, in the same segment (the CVE-2021-23222 case) or,
    with ``separate``, a moment later (the garbage then lands in the TLS handshake)."""

    def handler(conn: socket.socket) -> None:
        _read_request(conn)
        if separate:
            conn.sendall(b"S")
            time.sleep(0.05)
            conn.sendall(b"this is not a TLS record\r\n")
        else:
            conn.sendall(b"Sgarbage after S\x00\x01")
        _hold(conn, 5)

    return handler


def http_server(conn: socket.socket) -> None:
    """An HTTP server: whatever arrives, a 400 answer, then close."""
    conn.settimeout(5)
    with contextlib.suppress(OSError):
        conn.recv(4096)
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nbad request")


def tls_only(cert: Path, key: Path) -> Handler:
    """A TLS-only server (a TLS proxy in front of something): TLS from the first byte, no SSLRequest."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)

    def handler(conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            tls = ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            return
        with contextlib.suppress(OSError):
            tls.recv(4096)
            tls.close()

    return handler


def error_response(sqlstate: str, message: str) -> bytes:
    body = b"SFATAL\x00VFATAL\x00C" + sqlstate.encode() + b"\x00M" + message.encode() + b"\x00\x00"
    return b"E" + struct.pack("!i", len(body) + 4) + body


def auth_request(code: int) -> bytes:
    return b"R" + struct.pack("!ii", 8, code)


def fake_postgres(ssl_answer: bytes = b"N", startup_reply: bytes = b"", delay: float = 0.0) -> Handler:
    """A minimal PostgreSQL that answers the SSLRequest with ``ssl_answer`` and a StartupMessage with
    ``startup_reply`` (sent byte by byte when ``delay`` is set)."""

    def handler(conn: socket.socket) -> None:
        while True:
            req = _read_request(conn)
            if len(req) < 8:
                return
            (code,) = struct.unpack("!i", req[4:8])
            if code == 80877103:
                conn.sendall(ssl_answer)
                if ssl_answer != b"N":
                    _hold(conn, 5)
                    return
                continue
            if delay:
                for b in startup_reply:
                    time.sleep(delay)
                    conn.sendall(bytes([b]))
            else:
                conn.sendall(startup_reply)
            _hold(conn, 5)
            return

    return handler


def s_then_slow_tls(delay: float) -> Handler:
    """Answers ``S``, then dribbles a TLS record (a plausible ServerHello header, then filler) one byte at a
    time: a handshake that would never finish."""

    def handler(conn: socket.socket) -> None:
        _read_request(conn)
        conn.sendall(b"S")
        conn.settimeout(5)
        with contextlib.suppress(OSError):
            conn.recv(4096)  # the ClientHello
        for b in b"\x16\x03\x03\x01\x00" + b"\x02" + b"\x00" * 255:
            time.sleep(delay)
            conn.sendall(bytes([b]))

    return handler
