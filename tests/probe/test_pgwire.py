"""The pure protocol code on byte fixtures: every parser path, truncated, oversize and hostile input, and
fuzzing (the parsers raise nothing but ProtocolError)."""

from __future__ import annotations

import contextlib
import socket
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dbdoctor.errors import ProtocolError
from dbdoctor.net import Deadline
from dbdoctor.postgres import wire as w
from dbdoctor.postgres.probe import read_ssl_answer, startup_probe

# --- requests ----------------------------------------------------------------------------------------------


def test_ssl_request_bytes() -> None:
    assert w.ssl_request() == bytes.fromhex("0000000804d2162f")
    assert w.SSL_REQUEST_CODE == (1234 << 16) | 5679
    assert w.gssenc_request() == struct.pack("!ii", 8, 80877104)


def test_startup_message_layout() -> None:
    msg = w.startup_message("app", "appdb")
    (length, proto) = struct.unpack("!ii", msg[:8])
    assert length == len(msg)
    assert proto == 196608 == w.PROTOCOL_3_0
    assert msg[8:] == b"user\x00app\x00database\x00appdb\x00application_name\x00dbdoctor-probe\x00\x00"
    assert b"password" not in msg


def test_startup_message_without_database_and_unicode() -> None:
    msg = w.startup_message("ü")
    assert b"database" not in msg
    assert "ü".encode() in msg


def test_startup_message_rejects_nul() -> None:
    with pytest.raises(ValueError):
        w.startup_message("a\x00b")


# --- the answer to SSLRequest ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"S", "S"),
        (b"N", "N"),
        (b"SS", "extra"),
        (b"S\x16\x03\x01", "extra"),
        (b"Nx", "extra"),
        (b"HTTP/1.1 400 Bad Request\r\n", "http"),
        (b"HTT", "incomplete"),
        (b"\x16\x03\x03\x00\x10", "tls"),
        (b"\x15\x03\x01\x00\x02\x02\x46", "tls"),
        (b"\x16", "incomplete"),
        (b"\x00\x00\x00\x00", "garbage"),
        (b"SSH-2.0-OpenSSH_9.2\r\n", "extra"),  # starts with S: the next byte makes it extra, never S
        (b"+OK redis\r\n", "garbage"),
        (b"E", "incomplete"),
        (b"E\x00\x00\x00", "incomplete"),
        (b"E\x7f\xff\xff\xff", "garbage"),  # absurd length
        (b"E\x00\x00\x00\x02", "garbage"),  # length below 4
    ],
)
def test_classify_ssl_answer(data: bytes, kind: str) -> None:
    assert w.classify_ssl_answer(data).kind == kind


def test_classify_error_response_answer() -> None:
    body = b"SFATAL\x00C0A000\x00Munsupported frontend protocol 1234.5679\x00\x00"
    ans = w.classify_ssl_answer(b"E" + struct.pack("!i", len(body) + 4) + body)
    assert ans.kind == "E"
    assert ans.error is not None and ans.error.sqlstate == "0A000"
    assert ans.error.message.startswith("unsupported frontend protocol")


def test_sfatal_is_not_s() -> None:
    """sslyze's bug: an ErrorResponse with severity SFATAL contains an S; that is not a yes."""
    body = b"SFATAL\x00\x00"
    assert w.classify_ssl_answer(b"E" + struct.pack("!i", len(body) + 4) + body).kind == "E"


def test_preview_is_bounded_and_printable() -> None:
    p = w.preview(bytes(range(256)) * 10)
    assert len(p) < 4 * w.PREVIEW_LENGTH + 4
    assert p.endswith("...")
    assert all(32 <= ord(c) < 127 for c in p)


def test_classify_empty_is_protocol_error() -> None:
    with pytest.raises(ProtocolError):
        w.classify_ssl_answer(b"")


# --- backend messages --------------------------------------------------------------------------------------


def _msg(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("!i", len(body) + 4) + body


def test_auth_requests() -> None:
    for code in (0, 3, 5, 10):
        got = w.next_message(_msg(b"R", struct.pack("!i", code)))
        assert got is not None
        msg, used = got
        assert msg == w.AuthenticationRequest(code) and used == 9


def test_sasl_auth_request_with_mechanisms() -> None:
    body = struct.pack("!i", 10) + b"SCRAM-SHA-256-PLUS\x00SCRAM-SHA-256\x00\x00"
    got = w.next_message(_msg(b"R", body))
    assert got is not None and got[0] == w.AuthenticationRequest(10)


def test_error_response_fields() -> None:
    body = (b"SFATAL\x00VFATAL\x00C28000\x00Mno pg_hba.conf entry for host \"127.0.0.1\", no encryption\x00"
            b"Dsome detail\x00Hsome hint\x00Fauth.c\x00\x00")
    got = w.next_message(_msg(b"E", body))
    assert got is not None
    msg = got[0]
    assert isinstance(msg, w.ErrorResponse)
    f = msg.fields
    assert (f.severity, f.sqlstate, f.detail, f.hint) == ("FATAL", "28000", "some detail", "some hint")
    assert "no encryption" in f.message


def test_localised_severity_prefers_v() -> None:
    f = w.parse_fields(b"SFATAL-LOCALISED\x00VFATAL\x00\x00")
    assert f.severity == "FATAL"


def test_notice_and_other() -> None:
    got = w.next_message(_msg(b"N", b"SWARNING\x00Mhello\x00\x00"))
    assert got is not None and isinstance(got[0], w.NoticeResponse)
    got = w.next_message(_msg(b"K", b"\x00" * 8))
    assert got is not None and got[0] == w.OtherMessage("K", 12)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"R",
        b"R\x00\x00\x00",
        b"R\x00\x00\x00\x08\x00\x00",  # truncated body
    ],
)
def test_incomplete_needs_more(data: bytes) -> None:
    assert w.next_message(data) is None


@pytest.mark.parametrize(
    "data",
    [
        b"R\x00\x00\x00\x03",  # length below 4
        b"R\xff\xff\xff\xff",  # negative
        b"E" + struct.pack("!i", (1 << 20) + 1),  # over 1 MiB
        b"R\x00\x00\x00\x04",  # R with no code
        b"\x00\x00\x00\x00\x08",  # not a message type
        _msg(b"E", b"SFATAL"),  # unterminated field
        _msg(b"E", b"SFATAL\x00"),  # no final zero
        _msg(b"E", b"SFATAL\x00\x00junk"),  # bytes after the terminator
        _msg(b"E", b""),  # empty
    ],
)
def test_hostile_is_protocol_error(data: bytes) -> None:
    with pytest.raises(ProtocolError):
        w.next_message(data)


def test_max_length_is_accepted_when_complete() -> None:
    body = b"\x00" * (w.MAX_MESSAGE_LENGTH - 4)
    got = w.next_message(b"K" + struct.pack("!i", w.MAX_MESSAGE_LENGTH) + body)
    assert got is not None and got[1] == w.MAX_MESSAGE_LENGTH + 1


def test_reader_incremental_byte_by_byte() -> None:
    stream = _msg(b"N", b"Mnotice\x00\x00") + _msg(b"R", struct.pack("!i", 10) + b"SCRAM-SHA-256\x00\x00")
    reader = w.MessageReader()
    out: list[w.BackendMessage] = []
    for b in stream:
        out.extend(reader.feed(bytes([b])))
    assert [type(m) for m in out] == [w.NoticeResponse, w.AuthenticationRequest]
    assert reader.pending == 0


# --- fuzzing -----------------------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_fuzz_next_message(data: bytes) -> None:
    try:
        got = w.next_message(data)
    except ProtocolError:
        return
    if got is not None:
        assert 5 <= got[1] <= len(data)


@settings(max_examples=400, deadline=None)
@given(st.binary(min_size=1, max_size=300))
def test_fuzz_classify(data: bytes) -> None:
    try:
        ans = w.classify_ssl_answer(data)
    except ProtocolError:
        return
    assert ans.kind in ("S", "N", "E", "http", "tls", "garbage", "extra", "incomplete")
    if ans.kind == "S":
        assert data == b"S"


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([b"R", b"E", b"N", b"K", b"Z"]), st.binary(max_size=200), st.integers(-10, 300))
def test_fuzz_structured(kind: bytes, body: bytes, delta: int) -> None:
    """Plausible headers with lying lengths."""
    data = kind + struct.pack("!i", max(-(2**31), min(2**31 - 1, len(body) + 4 + delta))) + body
    reader = w.MessageReader()
    with contextlib.suppress(ProtocolError):
        reader.feed(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_fields(body: bytes) -> None:
    with contextlib.suppress(ProtocolError):
        w.parse_fields(body)


# --- the readers on a real socket: any bytes from a server become an observation, never an exception ------


def _served(data: bytes) -> socket.socket:
    ours, theirs = socket.socketpair()
    theirs.sendall(data)
    theirs.close()
    return ours


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_read_ssl_answer_on_socket(data: bytes) -> None:
    sock = _served(data)
    try:
        obs = read_ssl_answer(sock, Deadline.after(1))
    finally:
        sock.close()
    assert obs.answer in ("S", "N", "E", "eof", "timeout", "garbage", "http", "tls", "extra")
    if obs.answer == "S":
        assert data == b"S"
    if obs.preview is not None:
        assert len(obs.preview) <= 4 * w.PREVIEW_LENGTH + 3


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_fuzz_startup_probe_on_socket(data: bytes) -> None:
    ours, theirs = socket.socketpair()
    theirs.sendall(data)
    theirs.shutdown(socket.SHUT_WR)
    try:
        obs = startup_probe(ours, Deadline.after(1), user="app", dbname="app", encrypted=False)
    finally:
        ours.close()
        theirs.close()
    assert obs.outcome in ("auth", "ok", "error", "eof", "garbage")
