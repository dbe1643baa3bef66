"""Hostile PostgreSQL and MySQL servers on loopback: each behaviour is a handler for one accepted connection (run
by ``fix_listeners.Listener`` in its own thread) or, for the few that misbehave before ``accept``, a listener of
its own. Every handler gives up by itself within about 30 seconds, so a leaked thread never outlives the suite.

Wire facts used here: ../shared/knowledge/PROTOCOLS.md (SSLRequest 80877103, ErrorResponse fields, MySQL packet
framing, Handshake v10, ERR packets, AuthSwitchRequest 0xfe).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

Handler = Callable[[socket.socket], None]

SSL_REQUEST_CODE = 80877103
GSSENC_REQUEST_CODE = 80877104
HOLD = 30.0

# --- byte builders ------------------------------------------------------------------------------------------


def pg_msg(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!i", len(body) + 4) + body


def pg_error(fields: dict[str, bytes]) -> bytes:
    body = b"".join(k.encode() + v + b"\0" for k, v in fields.items()) + b"\0"
    return pg_msg(b"E", body)


def pg_auth(code: int, extra: bytes = b"") -> bytes:
    return pg_msg(b"R", struct.pack("!i", code) + extra)


def my_packet(seq: int, payload: bytes) -> bytes:
    return struct.pack("<I", len(payload))[:3] + bytes([seq & 0xFF]) + payload


CLIENT_LONG_PASSWORD = 0x1
CLIENT_CONNECT_WITH_DB = 0x8
CLIENT_PROTOCOL_41 = 0x200
CLIENT_SSL = 0x800
CLIENT_TRANSACTIONS = 0x2000
CLIENT_SECURE_CONNECTION = 0x8000
CLIENT_PLUGIN_AUTH = 0x80000


def my_greeting(
    *,
    tls: bool = False,
    protocol: int = 10,
    version: bytes = b"8.0.36-hostile",
    plugin: bytes = b"mysql_native_password",
) -> bytes:
    caps = (
        CLIENT_LONG_PASSWORD | CLIENT_CONNECT_WITH_DB | CLIENT_PROTOCOL_41 | CLIENT_TRANSACTIONS
        | CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | (CLIENT_SSL if tls else 0)
    )
    scramble = b"abcdefgh" + b"ijklmnopqrst"
    payload = (
        bytes([protocol]) + version + b"\0" + struct.pack("<I", 7) + scramble[:8] + b"\0"
        + struct.pack("<H", caps & 0xFFFF) + bytes([45]) + struct.pack("<H", 2) + struct.pack("<H", caps >> 16)
        + bytes([21]) + b"\0" * 10 + scramble[8:] + b"\0" + plugin + b"\0"
    )
    return my_packet(0, payload)


def my_err(errno: int, message: bytes, sqlstate: bytes | None = b"HY000", seq: int = 0) -> bytes:
    body = b"\xff" + struct.pack("<H", errno) + (b"#" + sqlstate if sqlstate else b"") + message
    return my_packet(seq, body)


def my_ok(seq: int) -> bytes:
    return my_packet(seq, b"\x00\x00\x00\x02\x00\x00\x00")


# --- socket helpers -----------------------------------------------------------------------------------------


def recv_exact(conn: socket.socket, n: int, timeout: float = 10.0) -> bytes:
    conn.settimeout(timeout)
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def read_pg_request(conn: socket.socket) -> bytes:
    head = recv_exact(conn, 4)
    if len(head) < 4:
        return head
    (length,) = struct.unpack("!i", head)
    return head + recv_exact(conn, max(0, min(length, 1 << 16) - 4))


def pg_code(req: bytes) -> int:
    return struct.unpack("!i", req[4:8])[0] if len(req) >= 8 else -1


def read_my_packet(conn: socket.socket | ssl.SSLSocket) -> bytes:
    head = recv_exact(conn, 4)  # type: ignore[arg-type]
    if len(head) < 4:
        return b""
    return recv_exact(conn, int.from_bytes(head[:3], "little"))  # type: ignore[arg-type]


def hold(conn: socket.socket | ssl.SSLSocket, seconds: float = HOLD) -> None:
    conn.settimeout(seconds)
    with contextlib.suppress(OSError, ValueError):
        while conn.recv(4096):
            pass


def drip(conn: socket.socket, data: bytes, delay: float) -> None:
    for b in data:
        time.sleep(delay)
        conn.sendall(bytes([b]))


def pg_until_startup(conn: socket.socket, ssl_answer: bytes = b"N") -> bytes | None:
    """Answer SSLRequest/GSSENCRequest with ``ssl_answer``/``N`` until a StartupMessage arrives; return it."""
    for _ in range(4):
        req = read_pg_request(conn)
        code = pg_code(req)
        if code == SSL_REQUEST_CODE:
            conn.sendall(ssl_answer)
            continue
        if code == GSSENC_REQUEST_CODE:
            conn.sendall(b"N")
            continue
        return req if len(req) >= 8 else None
    return None


# --- certificates -------------------------------------------------------------------------------------------


def make_cert(
    directory: Path,
    name: str,
    *,
    cn: str = "db.example.test",
    org: str = "hostile",
    sans: Sequence[str] = ("db.example.test",),
    chain_length: int = 0,
) -> tuple[Path, Path]:
    """A leaf (self-signed, or under ``chain_length`` CAs, all sent by the server); returns (chain file, key)."""
    now = dt.datetime.now(dt.UTC)

    def build(subject: x509.Name, issuer: x509.Name, key: ec.EllipticCurvePrivateKey,
              signer: ec.EllipticCurvePrivateKey, ca: bool, sans: Sequence[str]) -> x509.Certificate:
        b = (
            x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False)
        return b.sign(signer, hashes.SHA256())

    certs: list[x509.Certificate] = []
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hostile CA 0")])
    if chain_length:
        certs.append(build(signer_name, signer_name, signer_key, signer_key, True, ()))
        for i in range(1, chain_length):
            k = ec.generate_private_key(ec.SECP256R1())
            n = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"hostile CA {i}")])
            certs.append(build(n, signer_name, k, signer_key, True, ()))
            signer_key, signer_name = k, n
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org), x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    )
    leaf = build(subject, subject if not chain_length else signer_name, key,
                 key if not chain_length else signer_key, False, sans)
    chain = [leaf, *reversed(certs)]
    cert_path = directory / f"{name}.crt"
    key_path = directory / f"{name}.key"
    cert_path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption())
    )
    return cert_path, key_path


def server_context(cert: Path, key: Path, *, max_version: ssl.TLSVersion | None = None) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    if max_version is not None:
        ctx.maximum_version = max_version
    return ctx


def tls_accept(conn: socket.socket, ctx: ssl.SSLContext) -> ssl.SSLSocket | None:
    conn.settimeout(10)
    try:
        return ctx.wrap_socket(conn, server_side=True)
    except (ssl.SSLError, OSError):
        return None


# --- listeners that misbehave before accept -----------------------------------------------------------------


class FullBacklog:
    """A listening socket that never accepts, its backlog filled by connections of its own: a new connection's
    SYN is dropped, so the client's connect() waits for its deadline."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(0)
        self.port: int = self.sock.getsockname()[1]
        self.fillers: list[socket.socket] = []
        for _ in range(8):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            with contextlib.suppress(BlockingIOError, OSError):
                s.connect(("127.0.0.1", self.port))
            self.fillers.append(s)
        time.sleep(0.3)
        self.received: list[bytes] = []

    def close(self) -> None:
        for s in [*self.fillers, self.sock]:
            with contextlib.suppress(OSError):
                s.close()


class Hoarder:
    """Accepts every connection (a backlog of 4096, thousands of them held), never reads a byte and shrinks its
    receive buffer: whatever the client writes piles up in the kernel."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4096)
        self.port: int = self.sock.getsockname()[1]
        self.conns: list[socket.socket] = []
        self.stopping = threading.Event()
        self.received: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopping.is_set() and len(self.conns) < 5000:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self) -> None:
        self.stopping.set()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()
        self.thread.join(2)
        for c in self.conns:
            with contextlib.suppress(OSError):
                c.close()
