"""Observations: frozen records of what happened at each layer of a probe.

A failure is an observation, never an exception. Nothing here does I/O; probe/ builds these, rules and
modes.py read them. No field ever holds a password.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Literal

from dbdoctor.target import HostAttempt

TcpOutcome = Literal["connected", "refused", "timeout", "unreachable", "error"]


def tcp_failure_cause(outcome: str) -> str:
    """The cause id of a TCP connection that did not connect (any engine): refused, timed out, no route; an
    error without a better name counts as refused."""
    return {
        "refused": "connection_refused",
        "timeout": "connect_timeout",
        "unreachable": "network_unreachable",
    }.get(outcome, "connection_refused")

#: the server's answer to the SSLRequest: S / N exactly; E an ErrorResponse (pre-7 servers);
#: "eof" closed without a byte; "timeout" no byte in time; "garbage" anything else (with a preview);
#: "http" an HTTP server; "tls" a TLS record (a TLS-only proxy); "extra" bytes after S (CVE-2021-23222)
SslAnswer = Literal["S", "N", "E", "eof", "timeout", "garbage", "http", "tls", "extra", "not_attempted"]

#: the outcome of a pre-auth StartupMessage: "auth" an AuthenticationRequest (a pg_hba rule matched),
#: "ok" AuthenticationOk (trust), "error" an ErrorResponse, "eof"/"timeout"/"garbage" as above
StartupOutcome = Literal["auth", "ok", "error", "eof", "timeout", "garbage", "not_attempted"]


@dataclasses.dataclass(frozen=True, slots=True)
class ServerError:
    """A PostgreSQL ErrorResponse (or a MySQL ERR packet), the fields that matter."""

    severity: str | None
    sqlstate: str | None
    message: str
    detail: str | None = None
    hint: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class DnsObservation:
    host: str
    addresses: tuple[str, ...]  # in the order the driver tries them
    error: str | None = None  # e.g. "Name or service not known"
    elapsed_ms: float = 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class TcpObservation:
    address: str
    port: int
    outcome: TcpOutcome
    error: str | None = None
    elapsed_ms: float = 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class SslRequestObservation:
    answer: SslAnswer
    error: ServerError | None = None  # when answer == "E"
    preview: str | None = None  # printable preview of unexpected bytes (bounded)
    elapsed_ms: float = 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class TlsObservation:
    """A TLS handshake done WITHOUT verification, to capture what the server presents."""

    completed: bool
    version: str | None = None  # "TLSv1.3"
    cipher: str | None = None
    chain_der: tuple[bytes, ...] = ()  # leaf first, as sent by the server
    sni: str | None = None  # the server name sent, None when none (libpq sends none for IP addresses)
    alpn: str | None = None  # the protocol the server selected; libpq fails a direct SSL connection without it
    error: str | None = None  # OpenSSL's reason when not completed
    client_cert_requested: bool = False  # the server sent a CertificateRequest (TLS 1.2; best effort on 1.3)
    #: the client certificate libpq would present (sslcert/sslkey, or ~/.postgresql/postgresql.crt/.key)
    #: was loaded and offered; the probe presents it exactly when libpq would
    client_cert_loaded: bool = False
    #: why the client certificate could not be loaded (missing key, wrong key, encrypted key), else None
    client_cert_error: str | None = None
    elapsed_ms: float = 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class StartupObservation:
    """A StartupMessage sent without any password; stops at the first authentication request."""

    encrypted: bool
    outcome: StartupOutcome
    auth_code: int | None = None  # 0 ok, 3 cleartext, 5 MD5, 10 SASL, ...
    error: ServerError | None = None
    elapsed_ms: float = 0.0
    #: for "eof": how the connection ended when known, e.g. a TLS alert after the handshake
    #: ("tlsv13 alert certificate required", "tlsv1 alert unknown ca": the server refused the client certificate)
    closed_reason: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class HostObservations:
    """Everything seen for one host attempt, at one address."""

    attempt: HostAttempt
    address: str | None  # the address probed (first that the driver would try)
    dns: DnsObservation | None
    tcp: TcpObservation | None
    ssl_request: SslRequestObservation | None = None
    tls: TlsObservation | None = None
    startup_plain: StartupObservation | None = None
    startup_tls: StartupObservation | None = None
    #: when the SSLRequest got no PostgreSQL answer (the peer closed, or answered with a TLS record): a TLS
    #: handshake from the first byte (ALPN "postgresql") on a new connection. Completed means the endpoint
    #: speaks TLS at once: a TLS-only proxy, or a server that only takes sslnegotiation=direct.
    direct_tls: TlsObservation | None = None
    #: the addresses tried before ``address`` that did not connect, in order (libpq goes on to the next one;
    #: a driver that connects only to the first address stops at the first of these)
    skipped: tuple[TcpObservation, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class DriverObservation:
    """The real driver's attempt with exactly the effective settings (the verdict)."""

    driver: str  # "psycopg"
    ok: bool
    message: str | None = None  # the driver's own message, password-free
    sqlstate: str | None = None
    server_version: str | None = None
    tls_version: str | None = None  # None when the connection is not encrypted
    tls_cipher: str | None = None
    elapsed_ms: float = 0.0
    timed_out: bool = False
    #: where ``sqlstate`` came from: "server" (a result's error field) or "message" (libpq gives no SQLSTATE
    #: for a failed connection, so it is read off the server's FATAL message by its known English text)
    sqlstate_source: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Observations:
    hosts: tuple[HostObservations, ...]
    driver: DriverObservation | None
    timings_ms: Mapping[str, float] = dataclasses.field(default_factory=dict)
