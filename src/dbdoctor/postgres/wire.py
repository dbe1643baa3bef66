"""PostgreSQL wire protocol, the pre-authentication part: pure, no I/O.

Bytes in, messages out. Every length from the server is bounded before it is trusted, and the parsers raise
nothing but :class:`dbdoctor.errors.ProtocolError`. Sources: the PostgreSQL documentation, chapter "Frontend/
Backend Protocol" (protocol-message-formats.html, protocol-flow.html) and src/include/libpq/pqcomm.h.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Mapping
from typing import Final, Literal

from dbdoctor.errors import ProtocolError

#: SSLRequest code: (1234 << 16) | 5679, NEGOTIATE_SSL_CODE in src/include/libpq/pqcomm.h
SSL_REQUEST_CODE: Final = 80877103
#: GSSENCRequest code: (1234 << 16) | 5680, NEGOTIATE_GSS_CODE in pqcomm.h
GSSENC_REQUEST_CODE: Final = 80877104
#: CancelRequest code: (1234 << 16) | 5678, CANCEL_REQUEST_CODE in pqcomm.h (named for completeness; never sent)
CANCEL_REQUEST_CODE: Final = 80877102
#: protocol 3.0: PG_PROTOCOL(3, 0) = (3 << 16) | 0 in pqcomm.h
PROTOCOL_3_0: Final = 196608

#: the application_name every probe announces, so a server log shows who knocked
APPLICATION_NAME: Final = "dbdoctor-probe"

#: largest backend message accepted before authentication. The server's own limit for a startup packet is
#: MAX_STARTUP_PACKET_LENGTH = 10000 (pqcomm.h); an ErrorResponse is far smaller than a MiB in practice.
MAX_MESSAGE_LENGTH: Final = 1 << 20
#: the longest error field (M, D, H, ...) kept from an ErrorResponse: what is stored, matched and printed
MAX_FIELD_BYTES: Final = 2000
#: the length field counts itself: 4 is the smallest legal value
MIN_MESSAGE_LENGTH: Final = 4
#: how many bytes of unexpected input a preview keeps
PREVIEW_LENGTH: Final = 64

#: AuthenticationRequest codes (protocol-message-formats.html, "AuthenticationOk" and following)
AUTH_OK: Final = 0
AUTH_KERBEROS_V5: Final = 2
AUTH_CLEARTEXT_PASSWORD: Final = 3
AUTH_MD5_PASSWORD: Final = 5
AUTH_GSS: Final = 7
AUTH_GSS_CONTINUE: Final = 8
AUTH_SSPI: Final = 9
AUTH_SASL: Final = 10
AUTH_SASL_CONTINUE: Final = 11
AUTH_SASL_FINAL: Final = 12

#: first bytes of a TLS handshake record: ContentType handshake (22) and major version 3 (RFC 8446 §5.1)
TLS_RECORD_PREFIX: Final = b"\x16\x03"
#: a TLS alert record (21), as sent by a TLS-only server that received plain text
TLS_ALERT_PREFIX: Final = b"\x15\x03"
HTTP_PREFIX: Final = b"HTTP/"


def ssl_request() -> bytes:
    """SSLRequest: Int32 length 8, Int32 code 80877103 (``00 00 00 08 04 d2 16 2f``)."""
    return struct.pack("!ii", 8, SSL_REQUEST_CODE)


def gssenc_request() -> bytes:
    """GSSENCRequest: Int32 length 8, Int32 code 80877104."""
    return struct.pack("!ii", 8, GSSENC_REQUEST_CODE)


def _cstring(value: str, what: str) -> bytes:
    raw = value.encode("utf-8")
    if b"\x00" in raw:
        raise ValueError(f"{what} must not contain a NUL character")
    return raw + b"\x00"


def startup_message(
    user: str, database: str | None = None, *, application_name: str = APPLICATION_NAME
) -> bytes:
    """StartupMessage for protocol 3.0. There is deliberately no password parameter: a probe never sends one.

    ``database`` None means the server's default (the user name), as libpq does when dbname is empty.
    """
    body = struct.pack("!i", PROTOCOL_3_0)
    body += _cstring("user", "key") + _cstring(user, "user")
    if database:
        body += _cstring("database", "key") + _cstring(database, "database")
    body += _cstring("application_name", "key") + _cstring(application_name, "application_name")
    body += b"\x00"
    return struct.pack("!i", len(body) + 4) + body


def preview(data: bytes, limit: int = PREVIEW_LENGTH) -> str:
    """A printable, bounded rendering of untrusted bytes: ASCII kept, the rest as ``\\xNN``."""
    out = []
    for b in data[:limit]:
        out.append(chr(b) if 32 <= b < 127 else f"\\x{b:02x}")
    text = "".join(out)
    return text + ("..." if len(data) > limit else "")


SslAnswerKind = Literal["S", "N", "E", "http", "tls", "garbage", "extra", "incomplete"]


@dataclasses.dataclass(frozen=True, slots=True)
class SslAnswer:
    """The classified answer to an SSLRequest (or GSSENCRequest).

    ``incomplete`` means more bytes are needed to decide (only for ``E``, whose message is length-prefixed).
    """

    kind: SslAnswerKind
    error: ErrorFields | None = None
    preview: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ErrorFields:
    """ErrorResponse / NoticeResponse fields (protocol-error-fields.html)."""

    fields: Mapping[str, str]

    @property
    def severity(self) -> str | None:
        return self.fields.get("V") or self.fields.get("S")

    @property
    def sqlstate(self) -> str | None:
        return self.fields.get("C")

    @property
    def message(self) -> str:
        return self.fields.get("M", "")

    @property
    def detail(self) -> str | None:
        return self.fields.get("D")

    @property
    def hint(self) -> str | None:
        return self.fields.get("H")


def classify_ssl_answer(data: bytes) -> SslAnswer:
    """The server's answer to an SSLRequest, exactly (PROTOCOLS.md).

    ``data`` is everything received so far (the caller stops reading after the first byte for S and N, but
    whatever else was already in the buffer counts). One byte ``S`` or ``N`` exactly; ``S`` followed by more
    bytes before the client spoke is ``extra`` (CVE-2021-23222); ``E`` is an ErrorResponse (servers before 7.x,
    or a server refusing outright); ``HTTP/`` an HTTP server; ``16 03`` a TLS record (a TLS-only endpoint); all
    else ``garbage``.
    """
    if not data:
        raise ProtocolError("no answer to classify")
    first = data[:1]
    if first == b"S":
        if len(data) == 1:
            return SslAnswer("S")
        return SslAnswer("extra", preview=preview(data[1:]))
    if first == b"N":
        if len(data) == 1:
            return SslAnswer("N")
        # the server may legitimately not have said anything more; bytes after N are just as unexpected
        return SslAnswer("extra", preview=preview(data[1:]))
    if data.startswith(HTTP_PREFIX) or (len(data) < len(HTTP_PREFIX) and HTTP_PREFIX.startswith(data)):
        if len(data) < len(HTTP_PREFIX):
            return SslAnswer("incomplete")
        return SslAnswer("http", preview=preview(data))
    if data[:2] in (TLS_RECORD_PREFIX, TLS_ALERT_PREFIX) or data == TLS_RECORD_PREFIX[:1]:
        if len(data) < 2:
            return SslAnswer("incomplete")
        return SslAnswer("tls", preview=preview(data))
    if first == b"E":
        try:
            msg = next_message(data)
        except ProtocolError:
            return SslAnswer("garbage", preview=preview(data))
        if msg is None:
            return SslAnswer("incomplete")
        parsed, _ = msg
        if isinstance(parsed, ErrorResponse):
            return SslAnswer("E", error=parsed.fields)
        return SslAnswer("garbage", preview=preview(data))
    return SslAnswer("garbage", preview=preview(data))


@dataclasses.dataclass(frozen=True, slots=True)
class AuthenticationRequest:
    """``R``: an authentication request; ``code`` 0 means AuthenticationOk."""

    code: int


@dataclasses.dataclass(frozen=True, slots=True)
class ErrorResponse:
    fields: ErrorFields


@dataclasses.dataclass(frozen=True, slots=True)
class NoticeResponse:
    fields: ErrorFields


@dataclasses.dataclass(frozen=True, slots=True)
class OtherMessage:
    """Any other backend message: its type byte and length (the body is not kept)."""

    type: str
    length: int


BackendMessage = AuthenticationRequest | ErrorResponse | NoticeResponse | OtherMessage


def parse_fields(body: bytes) -> ErrorFields:
    """The body of an ErrorResponse or NoticeResponse: ``<type byte><cstring>``... terminated by a zero byte."""
    fields: dict[str, str] = {}
    pos = 0
    while True:
        if pos >= len(body):
            raise ProtocolError("error fields not terminated")
        code = body[pos]
        pos += 1
        if code == 0:
            if pos != len(body):
                raise ProtocolError("bytes after the end of the error fields")
            break
        end = body.find(b"\x00", pos)
        if end < 0:
            raise ProtocolError("unterminated error field")
        # the server encodes in its own client_encoding; before startup completes that is the server's
        # encoding, in practice UTF-8 or ASCII. Undecodable bytes are replaced, not trusted.
        # Bounded: a field is kept to its first MAX_FIELD_BYTES (a real message is under 300 bytes).
        fields.setdefault(chr(code), body[pos:min(end, pos + MAX_FIELD_BYTES)].decode("utf-8", "replace"))
        pos = end + 1
    return ErrorFields(fields)


def _parse_body(kind: bytes, body: bytes) -> BackendMessage:
    if kind == b"R":
        if len(body) < 4:
            raise ProtocolError("authentication request shorter than its code")
        (code,) = struct.unpack("!i", body[:4])
        return AuthenticationRequest(code)
    if kind == b"E":
        return ErrorResponse(parse_fields(body))
    if kind == b"N":
        return NoticeResponse(parse_fields(body))
    return OtherMessage(kind.decode("latin-1"), len(body) + 4)


def next_message(buf: bytes) -> tuple[BackendMessage, int] | None:
    """The first complete backend message in ``buf`` and how many bytes it used, or None when more bytes are
    needed. A length outside [4, 1 MiB] is a ProtocolError, so a hostile length cannot make anyone wait for or
    buffer a gigabyte."""
    if len(buf) < 5:
        return None
    kind = buf[:1]
    (length,) = struct.unpack("!i", buf[1:5])
    if length < MIN_MESSAGE_LENGTH:
        raise ProtocolError(f"message length {length} is below the minimum of {MIN_MESSAGE_LENGTH}")
    if length > MAX_MESSAGE_LENGTH:
        raise ProtocolError(f"message length {length} exceeds the limit of {MAX_MESSAGE_LENGTH}")
    if not (kind.isalpha() and kind.isascii()):
        raise ProtocolError(f"not a backend message type: {preview(kind)}")
    total = 1 + length
    if len(buf) < total:
        return None
    return _parse_body(kind, buf[5:total]), total


class MessageReader:
    """Incremental parser: feed bytes as they arrive, take complete messages out."""

    __slots__ = ("_buf",)

    def __init__(self) -> None:
        self._buf = b""

    def feed(self, data: bytes) -> list[BackendMessage]:
        self._buf += data
        out: list[BackendMessage] = []
        while True:
            got = next_message(self._buf)
            if got is None:
                return out
            msg, used = got
            self._buf = self._buf[used:]
            out.append(msg)

    @property
    def pending(self) -> int:
        return len(self._buf)

    def pending_preview(self) -> str:
        return preview(self._buf)


__all__ = [
    "APPLICATION_NAME",
    "GSSENC_REQUEST_CODE",
    "PROTOCOL_3_0",
    "SSL_REQUEST_CODE",
    "AuthenticationRequest",
    "ErrorFields",
    "ErrorResponse",
    "MessageReader",
    "NoticeResponse",
    "OtherMessage",
    "SslAnswer",
    "classify_ssl_answer",
    "next_message",
    "parse_fields",
    "preview",
    "ssl_request",
    "startup_message",
]
