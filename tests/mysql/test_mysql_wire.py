"""The MySQL wire protocol on byte fixtures: greetings captured from MariaDB 10.11.19, ERR packets as servers send
them before the handshake, split reads, oversized and malformed packets."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dbdoctor.errors import ProtocolError
from dbdoctor.mysql import wire as _mywire
from dbdoctor.mysql.probe import read_first_packet
from dbdoctor.net import Deadline

#: captured from the sandbox (profile managed, then tls_off): MariaDB 10.11.19 sends its version as 5.5.5-...
TLS_GREETING = bytes.fromhex(
    "640000000a352e352e352d31302e31312e31392d4d6172696144422d302b6465623132753100050000003e4628305a55792300feff08"
    "0200ff81150000000000001d0000003e50553a615b243e4c434a2c006d7973716c5f6e61746976655f70617373776f726400"
)
PLAIN_GREETING = bytes.fromhex(
    "640000000a352e352e352d31302e31312e31392d4d6172696144422d302b6465623132753100040000002b4760317062785600fef708"
    "0200ff81150000000000001d00000025545a452c4c78384c554745006d7973716c5f6e61746976655f70617373776f726400"
)


def err_packet(errno: int, message: str, sqlstate: str | None = None) -> bytes:
    body = (
        b"\xff"
        + struct.pack("<H", errno)
        + (b"#" + sqlstate.encode() if sqlstate else b"")
        + message.encode()
    )
    return _mywire.header(len(body), 0) + body


def test_real_greetings() -> None:
    for raw, tls in ((TLS_GREETING, True), (PLAIN_GREETING, False)):
        taken = _mywire.take_packet(raw)
        assert taken is not None
        packet, rest = taken
        assert packet.seq == 0 and rest == b""
        g = _mywire.parse_first(packet.payload)
        assert isinstance(g, _mywire.Greeting)
        assert g.offers_tls is tls
        assert g.version == "10.11.19-MariaDB-0+deb12u1" and g.is_mariadb
        assert g.auth_plugin == "mysql_native_password"
        assert g.capabilities & _mywire.CLIENT_PROTOCOL_41


def test_ssl_request_is_32_bytes_seq_1_minimal_capabilities() -> None:
    g = _mywire.parse_greeting(TLS_GREETING[4:])
    req = _mywire.ssl_request(g)
    assert len(req) == 36 and req[:4] == b"\x20\x00\x00\x01"
    (caps,) = struct.unpack_from("<I", req, 4)
    assert caps & _mywire.CLIENT_SSL and caps & _mywire.CLIENT_PROTOCOL_41
    assert caps & ~(_mywire.CLIENT_SSL | _mywire.CLIENT_PROTOCOL_41 | _mywire.CLIENT_SECURE_CONNECTION) == 0
    assert req[13:] == b"\0" * 23
    with pytest.raises(ProtocolError):
        _mywire.ssl_request(_mywire.parse_greeting(PLAIN_GREETING[4:]))


@pytest.mark.parametrize(
    ("errno", "message"),
    [
        (1130, "Host '10.1.2.3' is not allowed to connect to this MariaDB server"),
        (1040, "Too many connections"),
        (1129, "Host '10.1.2.3' is blocked because of many connection errors"),
    ],
)
def test_err_packets_before_the_handshake(errno: int, message: str) -> None:
    packet, _ = _mywire.take_packet(err_packet(errno, message)) or (None, b"")
    assert packet is not None
    e = _mywire.parse_first(packet.payload)
    assert e == _mywire.ErrPacket(errno, None, message)


def test_err_with_sqlstate() -> None:
    e = _mywire.parse_err(err_packet(1045, "Access denied", "28000")[4:])
    assert (e.errno, e.sqlstate, e.message) == (1045, "28000", "Access denied")


def test_incomplete_and_oversized() -> None:
    assert _mywire.take_packet(TLS_GREETING[:3]) is None
    assert _mywire.take_packet(TLS_GREETING[:50]) is None
    with pytest.raises(ProtocolError):
        _mywire.take_packet(b"\xff\xff\xff\x00")
    with pytest.raises(ProtocolError, match="protocol version 9"):
        _mywire.parse_greeting(b"\x095.0\x00" + b"\0" * 20)
    for bad in (b"", b"\x0a5.7", b"\x0a5.7\x00\x01", b"\xff", b"\xff\x01"):
        with pytest.raises(ProtocolError):
            _mywire.parse_first(bad)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_parsers_raise_only_protocol_error(data: bytes) -> None:
    for fn in (_mywire.parse_first, _mywire.parse_greeting, _mywire.parse_err, _mywire.take_packet):
        with contextlib.suppress(ProtocolError):
            fn(data)


def _serve(payload: bytes, chunk: int, delay: float) -> tuple[socket.socket, threading.Thread]:
    a, b = socket.socketpair()

    def run() -> None:
        try:
            for i in range(0, len(payload), chunk):
                b.sendall(payload[i : i + chunk])
                time.sleep(delay)
            time.sleep(0.5)
        except OSError:  # the reader gave up (the deadline test)
            pass
        finally:
            b.close()

    th = threading.Thread(target=run, daemon=True)
    th.start()
    return a, th


def test_greeting_split_across_many_reads() -> None:
    sock, _ = _serve(TLS_GREETING, 1, 0.001)
    obs = read_first_packet(sock, Deadline.after(5))
    sock.close()
    assert obs.outcome == "greeting" and obs.greeting is not None and obs.greeting.offers_tls


def test_err_split_across_reads() -> None:
    sock, _ = _serve(err_packet(1040, "Too many connections"), 3, 0.01)
    obs = read_first_packet(sock, Deadline.after(5))
    sock.close()
    assert obs.outcome == "error" and obs.error is not None and obs.error.errno == 1040


def test_dribbling_server_is_cut_off_at_the_deadline() -> None:
    sock, _ = _serve(TLS_GREETING, 1, 0.2)
    t0 = time.monotonic()
    obs = read_first_packet(sock, Deadline.after(0.5))
    sock.close()
    assert obs.outcome == "garbage" and time.monotonic() - t0 < 1.5


def test_silence_eof_and_http() -> None:
    a, b = socket.socketpair()
    assert read_first_packet(a, Deadline.after(0.2)).outcome == "timeout"
    b.close()
    assert read_first_packet(a, Deadline.after(0.5)).outcome == "eof"
    a.close()
    sock, _ = _serve(b"HTTP/1.1 400 Bad Request\r\n\r\n", 100, 0)
    obs = read_first_packet(sock, Deadline.after(2))
    sock.close()
    # "HTT" announces a 5 MB packet: refused by the size bound, never read
    assert obs.outcome == "garbage" and obs.preview and obs.preview.startswith("HTTP")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300), st.integers(min_value=1, max_value=64))
def test_read_first_packet_never_raises(data: bytes, chunk: int) -> None:
    """Arbitrary server bytes, in arbitrary segments, then EOF: always an observation, never an exception."""
    a, b = socket.socketpair()
    try:
        for i in range(0, len(data), chunk):
            b.sendall(data[i : i + chunk])
        b.close()
        obs = read_first_packet(a, Deadline.after(1))
    finally:
        a.close()
    assert obs.outcome in ("greeting", "error", "eof", "garbage")
    if obs.preview is not None:
        assert len(obs.preview) <= 40
