"""The hostile behaviours: a table of name -> (engine, how to build the server). Each is run through every runner
of ``runners.py``; a behaviour may also name bytes the server must never receive (the password in clear).

``make(workdir, received)`` returns a ``Handler`` (one call per accepted connection, run by
``fix_listeners.Listener``) or a ready listener object with ``port``, ``received`` and ``close()`` for the ones
that misbehave before ``accept``. Handlers append what the client sent to ``received``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import ssl
import struct
import time
from collections.abc import Callable
from pathlib import Path

from hostile import servers as s

PASSWORD = "Hx7-kit-Pw9"

#: what a server slips into its text: ED (clear screen), OSC title + BEL, SGR, a CSI in C1 form (UTF-8), DEL, NUL
ESCAPES = b"\x1b[2J\x1b]0;pwned\x07\x1b[31mRED\x1b[0m \xc2\x9b31m\x7f\x08\x00tail"
ESCAPES_TEXT = ESCAPES.decode("utf-8", errors="replace").replace("\0", "")

Made = Callable[[socket.socket], None] | object


@dataclasses.dataclass(frozen=True)
class Behaviour:
    name: str
    engine: str  # "pg" or "my"
    make: Callable[[Path, list[bytes]], Made]
    doc: str
    #: extra query parameters for the target URL
    query: str = ""
    #: the server must never receive the password in these forms (recorded from what the client sent)
    password_never_sent: bool = False


BEHAVIOURS: list[Behaviour] = []


def behaviour(name: str, engine: str, *, query: str = "", password_never_sent: bool = False) -> Callable[
    [Callable[[Path, list[bytes]], Made]], Callable[[Path, list[bytes]], Made]
]:
    def register(make: Callable[[Path, list[bytes]], Made]) -> Callable[[Path, list[bytes]], Made]:
        BEHAVIOURS.append(Behaviour(name, engine, make, (make.__doc__ or "").strip(), query, password_never_sent))
        return make

    return register


def simple(handler: Callable[[socket.socket], None]) -> Callable[[Path, list[bytes]], Made]:
    return lambda _dir, _rec: handler


def _recording(conn: socket.socket, received: list[bytes]) -> Callable[[bytes], bytes]:
    def note(data: bytes) -> bytes:
        received.append(data)
        return data

    return note


# === both engines: transport-level misbehaviour ==============================================================

for _engine in ("pg", "my"):
    behaviour(f"{_engine}-silent-after-accept", _engine)(simple(lambda c: s.hold(c)))
    behaviour(f"{_engine}-close-at-once", _engine)(simple(lambda c: c.close()))

    def _rst(conn: socket.socket) -> None:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    behaviour(f"{_engine}-reset-at-once", _engine)(simple(_rst))

    def _ssh(conn: socket.socket) -> None:
        conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
        s.hold(conn)

    behaviour(f"{_engine}-ssh-banner", _engine)(simple(_ssh))

    def _http(conn: socket.socket) -> None:
        conn.settimeout(5)
        with contextlib.suppress(OSError):
            conn.recv(4096)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    behaviour(f"{_engine}-http-server", _engine)(simple(_http))
    behaviour(f"{_engine}-full-listen-backlog", _engine)(lambda _d, _r: s.FullBacklog())
    behaviour(f"{_engine}-hoards-thousands-never-reads", _engine)(lambda _d, _r: s.Hoarder())

    def _escapes_banner(conn: socket.socket) -> None:
        conn.sendall(b"220 " + ESCAPES + b"\r\n")
        s.hold(conn, 10)

    behaviour(f"{_engine}-escape-banner", _engine)(simple(_escapes_banner))

    def _random_flood(conn: socket.socket) -> None:
        conn.settimeout(10)
        chunk = bytes(range(256)) * 256
        with contextlib.suppress(OSError):
            for _ in range(2000):  # 128 MB, as fast as the client reads
                conn.sendall(chunk)

    behaviour(f"{_engine}-binary-flood", _engine)(simple(_random_flood))


# === PostgreSQL ==============================================================================================


@behaviour("pg-s-then-garbage", "pg")
def _pg_s_garbage(_d: Path, rec: list[bytes]) -> Made:
    """S and garbage in one segment (CVE-2021-23222)."""

    def h(conn: socket.socket) -> None:
        s.read_pg_request(conn)
        conn.sendall(b"Sgarbage after S\x00\x01" + ESCAPES)
        s.hold(conn, 10)

    return h


@behaviour("pg-s-then-garbage-later", "pg")
def _pg_s_garbage_later(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        s.read_pg_request(conn)
        conn.sendall(b"S")
        time.sleep(0.05)
        conn.sendall(b"this is not a TLS record\r\n" + ESCAPES)
        s.hold(conn, 10)

    return h


@behaviour("pg-endless-s", "pg")
def _pg_endless_s(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        s.read_pg_request(conn)
        conn.settimeout(10)
        with contextlib.suppress(OSError):
            for _ in range(20000):
                conn.sendall(b"S" * 4096)

    return h


@behaviour("pg-handshake-dripped", "pg")
def _pg_drip_tls(_d: Path, rec: list[bytes]) -> Made:
    """S, then a TLS record one byte a second."""

    def h(conn: socket.socket) -> None:
        s.read_pg_request(conn)
        conn.sendall(b"S")
        conn.settimeout(5)
        with contextlib.suppress(OSError):
            conn.recv(4096)
            s.drip(conn, b"\x16\x03\x03\x01\x00\x02" + b"\x00" * 40, 1.0)

    return h


@behaviour("pg-n-then-error-dripped", "pg")
def _pg_drip_error(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        if s.pg_until_startup(conn) is None:
            return
        s.drip(conn, s.pg_error({"S": b"FATAL", "C": b"28000", "M": b"no pg_hba.conf entry"}), 1.0)

    return h


def _pg_tls(workdir: Path, name: str, **cert: object) -> ssl.SSLContext:
    crt, key = s.make_cert(workdir, name, **cert)  # type: ignore[arg-type]
    return s.server_context(crt, key)


@behaviour("pg-tls-then-silence", "pg")
def _pg_tls_silence(d: Path, rec: list[bytes]) -> Made:
    ctx = _pg_tls(d, "pg-tls-silence")

    def h(conn: socket.socket) -> None:
        s.read_pg_request(conn)
        conn.sendall(b"S")
        tls = s.tls_accept(conn, ctx)
        if tls is not None:
            s.hold(tls)

    return h


@behaviour("pg-tls-alert", "pg")
def _pg_tls_alert(_d: Path, rec: list[bytes]) -> Made:
    """S, then a fatal handshake_failure alert in answer to the ClientHello."""

    def h(conn: socket.socket) -> None:
        s.read_pg_request(conn)
        conn.sendall(b"S")
        conn.settimeout(5)
        conn.recv(16384)
        conn.sendall(b"\x15\x03\x03\x00\x02\x02\x28")
        s.hold(conn, 5)

    return h


@behaviour("pg-tls-warning-alerts-flood", "pg")
def _pg_tls_warnings(_d: Path, rec: list[bytes]) -> Made:
    """S, then endless warning alerts (unrecognized_name) instead of a ServerHello."""

    def h(conn: socket.socket) -> None:
        s.read_pg_request(conn)
        conn.sendall(b"S")
        conn.settimeout(10)
        conn.recv(16384)
        with contextlib.suppress(OSError):
            for _ in range(200000):
                conn.sendall(b"\x15\x03\x03\x00\x02\x01\x70" * 64)

    return h


@behaviour("pg-hello-request-in-handshake", "pg")
def _pg_hello_request(_d: Path, rec: list[bytes]) -> Made:
    """S, then HelloRequest records (renegotiation asked before the first handshake is done), then silence."""

    def h(conn: socket.socket) -> None:
        s.read_pg_request(conn)
        conn.sendall(b"S")
        conn.settimeout(5)
        conn.recv(16384)
        conn.sendall(b"\x16\x03\x03\x00\x04\x00\x00\x00\x00" * 50)
        s.hold(conn, 10)

    return h


@behaviour("pg-tls-renegotiate-then-close", "pg")
def _pg_tls12_close(d: Path, rec: list[bytes]) -> Made:
    """A TLS 1.2-only server that completes the handshake, sends an unencrypted HelloRequest, then closes."""
    crt, key = s.make_cert(d, "pg-tls12")
    ctx = s.server_context(crt, key, max_version=ssl.TLSVersion.TLSv1_2)

    def h(conn: socket.socket) -> None:
        s.read_pg_request(conn)
        conn.sendall(b"S")
        tls = s.tls_accept(conn, ctx)
        if tls is None:
            return
        with contextlib.suppress(OSError):
            conn.sendall(b"\x16\x03\x03\x00\x04\x00\x00\x00\x00")
        time.sleep(0.5)

    return h


@behaviour("pg-cert-escapes", "pg")
def _pg_cert_escapes(d: Path, rec: list[bytes]) -> Made:
    """A certificate whose CN, O and SAN carry terminal escapes; then an ErrorResponse with escapes."""
    text = ESCAPES_TEXT
    ctx = _pg_tls(d, "pg-cert-esc", cn="db" + text[:40], org="Evil" + text, sans=("x\x1b[2J.example.test",))

    def h(conn: socket.socket) -> None:
        req = s.read_pg_request(conn)
        if s.pg_code(req) != s.SSL_REQUEST_CODE:
            conn.sendall(s.pg_error({"S": b"FATAL", "C": b"28000", "M": ESCAPES}))
            return
        conn.sendall(b"S")
        tls = s.tls_accept(conn, ctx)
        if tls is None:
            return
        with contextlib.suppress(OSError):
            tls.settimeout(5)
            tls.recv(65536)
            tls.sendall(s.pg_error({"S": b"FATAL", "C": b"28000", "M": b"denied " + ESCAPES}))
            time.sleep(0.2)

    return h


@behaviour("pg-huge-certificate", "pg")
def _pg_huge_cert(d: Path, rec: list[bytes]) -> Made:
    """A leaf with 20,000 SANs (about 500 kB, over OpenSSL's 100 kB certificate-list limit)."""
    ctx = _pg_tls(d, "pg-huge", sans=tuple(f"h{i}.example.test" for i in range(20000)))

    def h(conn: socket.socket) -> None:
        s.read_pg_request(conn)
        conn.sendall(b"S")
        tls = s.tls_accept(conn, ctx)
        if tls is not None:
            s.hold(tls, 10)

    return h


@behaviour("pg-5000-sans-60-chain", "pg")
def _pg_long_chain(d: Path, rec: list[bytes]) -> Made:
    ctx = _pg_tls(d, "pg-chain", sans=tuple(f"s{i}.example.test" for i in range(3000)), chain_length=60)

    def tls_h(conn: socket.socket) -> None:
        req = s.read_pg_request(conn)
        if s.pg_code(req) != s.SSL_REQUEST_CODE:
            return
        conn.sendall(b"S")
        tls = s.tls_accept(conn, ctx)
        if tls is not None:
            s.hold(tls, 10)

    return tls_h


@behaviour("pg-error-to-sslrequest-escapes", "pg")
def _pg_error_ssl(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        s.read_pg_request(conn)
        conn.sendall(s.pg_error({"S": b"FATAL", "C": b"XX\x1b[", "M": ESCAPES * 200, "D": ESCAPES, "H": ESCAPES}))

    return h


@behaviour("pg-error-1mb-escapes", "pg")
def _pg_error_big(_d: Path, rec: list[bytes]) -> Made:
    """N, then an ErrorResponse of about 1 MB of escapes to the StartupMessage."""

    def h(conn: socket.socket) -> None:
        if s.pg_until_startup(conn) is None:
            return
        with contextlib.suppress(OSError):
            conn.sendall(s.pg_error({"S": b"FATAL", "C": b"28000", "M": ESCAPES * 40000}))
        time.sleep(0.5)

    return h


@behaviour("pg-length-2-31", "pg")
def _pg_len_max(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        if s.pg_until_startup(conn) is None:
            return
        with contextlib.suppress(OSError):
            conn.sendall(b"E" + struct.pack("!I", 0x7FFFFFFF) + b"SFATAL\0" + b"x" * 65536)
        s.hold(conn, 10)

    return h


@behaviour("pg-negative-length", "pg")
def _pg_len_neg(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        if s.pg_until_startup(conn) is None:
            return
        conn.sendall(b"R" + struct.pack("!i", -5) + b"\0\0\0\0")
        s.hold(conn, 10)

    return h


@behaviour("pg-unknown-auth-request", "pg", password_never_sent=True)
def _pg_unknown_auth(_d: Path, rec: list[bytes]) -> Made:
    """N, then AuthenticationRequest 99 (no such method), on a plain connection."""

    def h(conn: socket.socket) -> None:
        if s.pg_until_startup(conn) is None:
            return
        conn.sendall(s.pg_auth(99, b"\x1b[2J"))
        conn.settimeout(5)
        with contextlib.suppress(OSError):
            while data := conn.recv(4096):
                rec.append(data)

    return h


@behaviour("pg-sasl-unknown-mechanism", "pg", password_never_sent=True)
def _pg_sasl_unknown(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        if s.pg_until_startup(conn) is None:
            return
        conn.sendall(s.pg_auth(10, b"\x1b]0;EVIL-MECH\x07\0\0"))
        conn.settimeout(5)
        with contextlib.suppress(OSError):
            while data := conn.recv(4096):
                rec.append(data)

    return h


@behaviour("pg-auth-ok-then-silence", "pg")
def _pg_ok_silence(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        if s.pg_until_startup(conn) is None:
            return
        conn.sendall(s.pg_auth(0))
        s.hold(conn)

    return h


@behaviour("pg-parameter-status-flood", "pg")
def _pg_ps_flood(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        if s.pg_until_startup(conn) is None:
            return
        msg = s.pg_msg(b"S", b"application_name\0" + ESCAPES + b"\0") * 512
        conn.settimeout(10)
        with contextlib.suppress(OSError):
            conn.sendall(s.pg_auth(0))
            for _ in range(20000):
                conn.sendall(msg)

    return h


@behaviour("pg-notice-flood-escapes", "pg")
def _pg_notice_flood(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        if s.pg_until_startup(conn) is None:
            return
        msg = s.pg_msg(b"N", b"SWARNING\0C01000\0M" + ESCAPES + b"\0\0") * 256
        conn.settimeout(10)
        with contextlib.suppress(OSError):
            for _ in range(20000):
                conn.sendall(msg)

    return h


@behaviour("pg-half-closed", "pg")
def _pg_half_close(_d: Path, rec: list[bytes]) -> Made:
    """Reads the request, shuts its sending side (the client sees EOF) and keeps reading."""

    def h(conn: socket.socket) -> None:
        s.read_pg_request(conn)
        conn.shutdown(socket.SHUT_WR)
        s.hold(conn, 10)

    return h


@behaviour("pg-n-then-half-closed", "pg")
def _pg_n_half_close(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        if s.pg_until_startup(conn) is None:
            return
        conn.shutdown(socket.SHUT_WR)
        s.hold(conn, 10)

    return h


@behaviour("pg-cleartext-request-plain", "pg")
def _pg_cleartext(_d: Path, rec: list[bytes]) -> Made:
    """N, then AuthenticationCleartextPassword, then an error with escapes whatever the client sends."""

    def h(conn: socket.socket) -> None:
        if s.pg_until_startup(conn) is None:
            return
        conn.sendall(s.pg_auth(3))
        conn.settimeout(5)
        with contextlib.suppress(OSError):
            conn.recv(4096)
            conn.sendall(s.pg_error({"S": b"FATAL", "C": b"28P01", "M": b"password authentication failed " + ESCAPES}))
        time.sleep(0.2)

    return h


# === MySQL ===================================================================================================


def _after_greeting(conn: socket.socket, greeting: bytes, rec: list[bytes]) -> bytes:
    conn.sendall(greeting)
    pkt = s.read_my_packet(conn)
    rec.append(pkt)
    return pkt


@behaviour("my-err-16mb-message", "my")
def _my_err_16mb(_d: Path, rec: list[bytes]) -> Made:
    """The first packet is an ERR with a 16 MB message (escapes in it)."""
    msg = (b"Host is blocked " + ESCAPES) * (((1 << 24) - 64) // (len(ESCAPES) + 16))
    pkt = s.my_err(1129, msg[: (1 << 24) - 16], sqlstate=None)

    def h(conn: socket.socket) -> None:
        conn.settimeout(10)
        with contextlib.suppress(OSError):
            conn.sendall(pkt)
        time.sleep(1)

    return h


@behaviour("my-greeting-protocol-9", "my")
def _my_proto9(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        conn.sendall(s.my_packet(0, b"\x09" + b"3.23.58\0" + b"\x01\0\0\0" + b"abcdefgh\0"))
        s.hold(conn, 10)

    return h


@behaviour("my-err-escapes", "my")
def _my_err_escapes(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        conn.sendall(s.my_err(1130, b"Host '\x1b[2J' is not allowed " + ESCAPES, sqlstate=b"HY\x1b]0"))
        time.sleep(0.2)

    return h


@behaviour("my-greeting-dripped", "my")
def _my_drip(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            s.drip(conn, s.my_greeting(), 1.0)
        s.hold(conn, 10)

    return h


@behaviour("my-greeting-truncated", "my")
def _my_trunc(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        g = s.my_greeting()
        conn.sendall(g[:4] + g[4:12])
        s.hold(conn, 10)

    return h


@behaviour("my-greeting-announces-16mb", "my")
def _my_len_max(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        conn.sendall(b"\xff\xff\xff\x00\x0a" + b"8.0\0")
        s.hold(conn, 10)

    return h


@behaviour("my-greeting-huge-version-escapes", "my")
def _my_huge_version(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        _after_greeting(conn, s.my_greeting(version=b"8.0.1-" + ESCAPES.replace(b"\0", b"") * 2000), rec)
        conn.sendall(s.my_err(1045, b"Access denied " + ESCAPES, seq=2))
        time.sleep(0.2)

    return h


@behaviour("my-greeting-garbage-fields", "my")
def _my_garbage(_d: Path, rec: list[bytes]) -> Made:
    """A protocol-10 greeting whose every field past the version is 0xff."""

    def h(conn: socket.socket) -> None:
        conn.sendall(s.my_packet(0, b"\x0a8.0.0\0" + b"\xff" * 60))
        s.hold(conn, 10)

    return h


@behaviour("my-clear-password-on-plain", "my", password_never_sent=True)
def _my_clear(_d: Path, rec: list[bytes]) -> Made:
    """No TLS offered; the login is switched to mysql_clear_password."""

    def h(conn: socket.socket) -> None:
        _after_greeting(conn, s.my_greeting(tls=False), rec)
        conn.sendall(s.my_packet(2, b"\xfemysql_clear_password\0"))
        with contextlib.suppress(OSError):
            rec.append(s.read_my_packet(conn))
            conn.sendall(s.my_err(1045, b"Access denied for user 'app'", b"28000", seq=4))
        time.sleep(0.2)

    return h


@behaviour("my-unknown-auth-plugin", "my", password_never_sent=True)
def _my_unknown_plugin(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        _after_greeting(conn, s.my_greeting(tls=False), rec)
        conn.sendall(s.my_packet(2, b"\xfe\x1b[2Jevil_plugin\0data\0"))
        with contextlib.suppress(OSError):
            rec.append(s.read_my_packet(conn))
        s.hold(conn, 5)

    return h


@behaviour("my-auth-more-data-flood", "my")
def _my_more_data(_d: Path, rec: list[bytes]) -> Made:
    """caching_sha2_password 'more data' packets, forever."""

    def h(conn: socket.socket) -> None:
        _after_greeting(conn, s.my_greeting(tls=False, plugin=b"caching_sha2_password"), rec)
        conn.settimeout(10)
        with contextlib.suppress(OSError):
            for i in range(100000):
                conn.sendall(s.my_packet(2 + i, b"\x01\x03"))

    return h


@behaviour("my-tls-then-silence", "my")
def _my_tls_silence(d: Path, rec: list[bytes]) -> Made:
    crt, key = s.make_cert(d, "my-tls-silence")
    ctx = s.server_context(crt, key)

    def h(conn: socket.socket) -> None:
        _after_greeting(conn, s.my_greeting(tls=True), rec)
        tls = s.tls_accept(conn, ctx)
        if tls is not None:
            s.hold(tls)

    return h


@behaviour("my-tls-alert", "my")
def _my_tls_alert(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        _after_greeting(conn, s.my_greeting(tls=True), rec)
        conn.settimeout(5)
        conn.recv(16384)
        conn.sendall(b"\x15\x03\x03\x00\x02\x02\x46")  # protocol_version
        s.hold(conn, 5)

    return h


@behaviour("my-ssl-request-then-garbage", "my")
def _my_ssl_garbage(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        _after_greeting(conn, s.my_greeting(tls=True), rec)
        conn.sendall(b"not TLS at all " + ESCAPES)
        s.hold(conn, 5)

    return h


@behaviour("my-cert-escapes", "my")
def _my_cert_escapes(d: Path, rec: list[bytes]) -> Made:
    crt, key = s.make_cert(d, "my-cert-esc", cn="db" + ESCAPES_TEXT[:40], org="Evil" + ESCAPES_TEXT,
                           sans=("x\x1b[2J.example.test",))
    ctx = s.server_context(crt, key)

    def h(conn: socket.socket) -> None:
        _after_greeting(conn, s.my_greeting(tls=True), rec)
        tls = s.tls_accept(conn, ctx)
        if tls is None:
            return
        with contextlib.suppress(OSError):
            rec.append(s.read_my_packet(tls))
            tls.sendall(s.my_err(1045, b"Access denied " + ESCAPES, b"28000", seq=3))
        time.sleep(0.2)

    return h


@behaviour("my-huge-certificate", "my")
def _my_huge_cert(d: Path, rec: list[bytes]) -> Made:
    crt, key = s.make_cert(d, "my-huge", sans=tuple(f"h{i}.example.test" for i in range(20000)))
    ctx = s.server_context(crt, key)

    def h(conn: socket.socket) -> None:
        _after_greeting(conn, s.my_greeting(tls=True), rec)
        tls = s.tls_accept(conn, ctx)
        if tls is not None:
            s.hold(tls, 10)

    return h


@behaviour("my-half-closed-after-greeting", "my")
def _my_half(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        conn.sendall(s.my_greeting(tls=False))
        conn.shutdown(socket.SHUT_WR)
        s.hold(conn, 10)

    return h


@behaviour("my-ok-then-silence", "my")
def _my_ok_silence(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        _after_greeting(conn, s.my_greeting(tls=False), rec)
        conn.sendall(s.my_ok(2))
        s.hold(conn)

    return h


@behaviour("my-err-after-login-1mb", "my")
def _my_err_login(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        _after_greeting(conn, s.my_greeting(tls=False), rec)
        with contextlib.suppress(OSError):
            conn.sendall(s.my_err(1045, b"Access denied " + ESCAPES * 40000, b"28000", seq=2))
        time.sleep(0.5)

    return h


@behaviour("my-wrong-sequence-ids", "my")
def _my_seq(_d: Path, rec: list[bytes]) -> Made:
    def h(conn: socket.socket) -> None:
        _after_greeting(conn, s.my_greeting(tls=False), rec)
        conn.sendall(s.my_ok(77))
        s.hold(conn, 5)

    return h
