"""The MySQL/MariaDB client/server protocol, as far as dbdoctor needs it: pure functions on bytes, no I/O.

Every packet is a 3-byte little-endian payload length, a 1-byte sequence id, and the payload. The server speaks
first: a Handshake v10 greeting, or an ERR packet when it refuses the client before any authentication (1130 host
not allowed, 1040 too many connections, 1129 host blocked). A client that wants TLS answers the greeting with an
SSLRequest (the first 32 bytes of a HandshakeResponse41, sequence id 1) and starts the TLS handshake; dbdoctor's
probe stops there and never sends a HandshakeResponse (no user name, no password).

Bytes come from an untrusted server: every length is bounded and every parser raises only ProtocolError.
"""

from __future__ import annotations

import dataclasses
import struct
from typing import Final

from dbdoctor.errors import ProtocolError

# capability flags (include/mysql_com.h)
CLIENT_LONG_PASSWORD: Final = 0x00000001
CLIENT_CONNECT_WITH_DB: Final = 0x00000008
CLIENT_PROTOCOL_41: Final = 0x00000200
CLIENT_SSL: Final = 0x00000800
CLIENT_SECURE_CONNECTION: Final = 0x00008000
CLIENT_PLUGIN_AUTH: Final = 0x00080000

#: MariaDB's marker: a server that is not MySQL clears CLIENT_LONG_PASSWORD (CLIENT_MYSQL) in the greeting
_MARIADB_VERSION_PREFIX: Final = "5.5.5-"

HEADER_LEN: Final = 4
#: the biggest greeting or ERR payload accepted (real greetings are ~80-120 bytes; a packet can be 16 MiB)
MAX_FIRST_PACKET: Final = 8192
#: what the SSLRequest says its max packet size is (as the mysql client does)
_MAX_PACKET: Final = 16 * 1024 * 1024
#: utf8mb4_general_ci: only announced, never used (no query is sent)
_CHARSET: Final = 45

NAMED_CAPABILITIES: Final = {
    "CLIENT_PROTOCOL_41": CLIENT_PROTOCOL_41,
    "CLIENT_SSL": CLIENT_SSL,
    "CLIENT_SECURE_CONNECTION": CLIENT_SECURE_CONNECTION,
    "CLIENT_PLUGIN_AUTH": CLIENT_PLUGIN_AUTH,
}


@dataclasses.dataclass(frozen=True, slots=True)
class Packet:
    seq: int
    payload: bytes


@dataclasses.dataclass(frozen=True, slots=True)
class Greeting:
    """A Handshake v10 packet: what the server says about itself before any authentication."""

    protocol: int
    server_version: str  # as sent ("5.5.5-10.11.19-MariaDB-..." for MariaDB 10.x)
    connection_id: int
    capabilities: int  # lower and upper words combined
    charset: int | None
    status: int | None
    auth_plugin: str | None

    @property
    def offers_tls(self) -> bool:
        return bool(self.capabilities & CLIENT_SSL)

    @property
    def is_mariadb(self) -> bool:
        return "mariadb" in self.server_version.lower()

    @property
    def version(self) -> str:
        """The version without MariaDB's "5.5.5-" replication prefix."""
        v = self.server_version
        if v.startswith(_MARIADB_VERSION_PREFIX) and self.is_mariadb:
            return v[len(_MARIADB_VERSION_PREFIX) :]
        return v


@dataclasses.dataclass(frozen=True, slots=True)
class ErrPacket:
    """An ERR packet (0xff): errno, SQLSTATE (None when the server sent none, as before the handshake), message."""

    errno: int
    sqlstate: str | None
    message: str


def header(length: int, seq: int) -> bytes:
    if not 0 <= length < 1 << 24 or not 0 <= seq < 256:
        raise ProtocolError(f"cannot frame a packet of {length} bytes with sequence id {seq}")
    return struct.pack("<I", length)[:3] + bytes([seq])


def payload_length(head: bytes) -> int:
    if len(head) < HEADER_LEN:
        raise ProtocolError("incomplete packet header")
    return int.from_bytes(head[:3], "little")


def take_packet(buf: bytes, max_payload: int = MAX_FIRST_PACKET) -> tuple[Packet, bytes] | None:
    """The first whole packet of ``buf`` and what follows it, or None when more bytes are needed.
    Raises ProtocolError when the header announces more than ``max_payload`` bytes."""
    if len(buf) < HEADER_LEN:
        return None
    length = payload_length(buf)
    if length > max_payload:
        raise ProtocolError(f"the server announced a {length}-byte packet (at most {max_payload} expected)")
    end = HEADER_LEN + length
    if len(buf) < end:
        return None
    return Packet(buf[3], bytes(buf[HEADER_LEN:end])), bytes(buf[end:])


def _cstring(data: bytes, pos: int, what: str) -> tuple[str, int]:
    end = data.find(b"\0", pos)
    if end < 0:
        raise ProtocolError(f"unterminated {what} in the server greeting")
    return data[pos:end].decode("utf-8", errors="replace"), end + 1


def parse_err(payload: bytes) -> ErrPacket:
    """An ERR packet: 0xff, errno (2 bytes LE), optionally '#' + 5-byte SQLSTATE, message (rest)."""
    if not payload or payload[0] != 0xFF:
        raise ProtocolError("not an ERR packet")
    if len(payload) < 3:
        raise ProtocolError("truncated ERR packet")
    errno = int.from_bytes(payload[1:3], "little")
    rest = payload[3:]
    sqlstate = None
    if rest[:1] == b"#" and len(rest) >= 6:
        sqlstate = rest[1:6].decode("ascii", errors="replace")
        rest = rest[6:]
    return ErrPacket(errno, sqlstate, rest.decode("utf-8", errors="replace"))


def parse_greeting(payload: bytes) -> Greeting:
    """A Handshake v10 payload. Fields after the lower capability word are optional (old servers)."""
    if not payload:
        raise ProtocolError("empty server greeting")
    protocol = payload[0]
    if protocol != 10:
        raise ProtocolError(f"server greeting with protocol version {protocol} (only 10 is understood)")
    version, pos = _cstring(payload, 1, "server version")
    # connection id (4), auth-plugin-data part 1 (8), filler (1), capability lower (2)
    if len(payload) < pos + 15:
        raise ProtocolError("truncated server greeting")
    (connection_id,) = struct.unpack_from("<I", payload, pos)
    pos += 4 + 8 + 1
    (cap_low,) = struct.unpack_from("<H", payload, pos)
    pos += 2
    capabilities = cap_low
    charset = status = None
    plugin = None
    if len(payload) >= pos + 16:
        charset = payload[pos]
        (status,) = struct.unpack_from("<H", payload, pos + 1)
        (cap_high,) = struct.unpack_from("<H", payload, pos + 3)
        capabilities |= cap_high << 16
        auth_len = payload[pos + 5]
        pos += 6 + 10  # + reserved (MariaDB keeps its extended capabilities in the last 4)
        if capabilities & CLIENT_SECURE_CONNECTION:
            pos += max(13, auth_len - 8)
        if capabilities & CLIENT_PLUGIN_AUTH and pos < len(payload):
            end = payload.find(b"\0", pos)
            raw = payload[pos:] if end < 0 else payload[pos:end]
            plugin = raw.decode("utf-8", errors="replace")[:64] or None
    return Greeting(10, version[:200], connection_id, capabilities, charset, status, plugin)


def parse_first(payload: bytes) -> Greeting | ErrPacket:
    """The server's first packet: a greeting or an ERR packet; anything else raises ProtocolError."""
    if payload[:1] == b"\xff":
        return parse_err(payload)
    return parse_greeting(payload)


def ssl_request(greeting: Greeting) -> bytes:
    """The SSLRequest packet (header included): sequence id 1, 32-byte payload with minimal capabilities
    (CLIENT_PROTOCOL_41 | CLIENT_SSL, plus CLIENT_SECURE_CONNECTION when the server has it, as every client
    sends it), max packet size, charset, 23 zero bytes. Only for a server that offers CLIENT_SSL."""
    if not greeting.offers_tls:
        raise ProtocolError("the server does not offer TLS (no CLIENT_SSL in its greeting)")
    caps = CLIENT_PROTOCOL_41 | CLIENT_SSL | (greeting.capabilities & CLIENT_SECURE_CONNECTION)
    payload = struct.pack("<IIB", caps, _MAX_PACKET, _CHARSET) + b"\0" * 23
    return header(len(payload), 1) + payload


def capability_names(capabilities: int) -> tuple[str, ...]:
    return tuple(name for name, bit in NAMED_CAPABILITIES.items() if capabilities & bit)
