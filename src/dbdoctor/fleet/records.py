"""What a fleet scan reads and writes: endpoints in, one frozen result per endpoint out.

No constructor does I/O. A failure is a result, not an exception: ``Result.error`` says what went wrong and in
which phase, and the issue codes (:data:`ISSUES`) are what ``--fail-on``, the table and the exporter's alerts
are built on.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Final, Literal

Engine = Literal["postgresql", "mysql"]
#: what the endpoint does about TLS, as a client without a password can tell:
#: ``required`` plain text is refused; ``offered`` TLS works and plain text is accepted too; ``offered?`` TLS
#: works and nobody could tell whether plain text is refused; ``none`` the server does not offer TLS;
#: ``unknown`` the probe did not get that far
TlsState = Literal["required", "offered", "offered?", "none", "unknown"]
Status = Literal["ok", "warn", "fail", "error"]

#: issue code -> (status it sets, one-line meaning); the vocabulary of --fail-on and of the table
ISSUES: Final[Mapping[str, tuple[Status, str]]] = {
    "unreachable": ("error", "DNS, TCP or the protocol failed before any TLS"),
    "timeout": ("error", "the endpoint did not answer within its deadline"),
    "handshake-failed": ("error", "the server offered TLS but the handshake failed"),
    "no-tls": ("fail", "the server does not offer TLS at all"),
    "tls-optional": ("warn", "TLS is offered but plain text is accepted too"),
    "expired": ("fail", "a certificate of the chain has expired"),
    "not-yet-valid": ("fail", "a certificate of the chain is not valid yet"),
    "expiring": ("warn", "the leaf certificate expires within the --expiring window"),
    "chain-incomplete": ("fail", "the server does not send an intermediate certificate"),
    "self-signed": ("fail", "the certificate is self-signed and not in the CA source"),
    "untrusted": ("fail", "the chain does not lead to a CA of the CA source"),
    "name-mismatch": ("fail", "the certificate does not name the host clients connect to"),
    "weak-key": ("warn", "an RSA/DSA key under 2048 bits"),
    "weak-signature": ("warn", "a SHA-1 or MD5 signature in the chain"),
    "old-tls": ("warn", "the negotiated protocol is older than TLS 1.2"),
    "server-refused": ("warn", "the server refused the pre-authentication probe (ERR/ErrorResponse)"),
    "connect-failed": ("error", "the real connection with the supplied credentials failed"),
}

_RANK: Final[Mapping[str, int]] = {"ok": 0, "warn": 1, "fail": 2, "error": 3}


def status_rank(status: str) -> int:
    return _RANK.get(status, 0)


@dataclasses.dataclass(frozen=True, slots=True)
class Endpoint:
    """One endpoint to probe. ``servername`` is the name clients connect with (the certificate must carry it;
    also sent as SNI); ``address`` an address to connect to instead of resolving ``host`` (libpq's hostaddr).
    ``engine`` None means: learn it from the port or from the endpoint's first bytes."""

    host: str
    port: int
    engine: Engine | None = None
    name: str = ""
    labels: tuple[tuple[str, str], ...] = ()
    servername: str | None = None
    address: str | None = None
    ca_file: str | None = None
    user: str | None = None
    dbname: str | None = None
    #: a file holding the password for the real connection (never the password itself)
    password_file: str | None = None
    #: the TLS mode of the real connection (sslmode / ssl-mode); None: full verification
    sslmode: str | None = None

    @property
    def display(self) -> str:
        return self.name or f"{self.host}:{self.port}"

    @property
    def verify_name(self) -> str:
        return self.servername or self.host

    @property
    def key(self) -> tuple[str, int]:
        """What 'the same endpoint' means for the one-connection-at-a-time rule."""
        return (self.address or self.host, self.port)


@dataclasses.dataclass(frozen=True, slots=True)
class CertInfo:
    """One certificate of the chain the server sent (leaf first)."""

    subject: str
    issuer: str
    not_after: str  # ISO 8601, UTC
    not_after_epoch: float
    fingerprint_sha256: str
    key_type: str
    signature_hash: str | None
    is_ca: bool


@dataclasses.dataclass(frozen=True, slots=True)
class Result:
    """What one endpoint showed a password-free client. ``timings_ms`` holds the phases that ran, in order:
    ``dns``, ``tcp``, ``negotiate`` (SSLRequest answer or MySQL greeting), ``tls``, ``plain`` (PostgreSQL's
    plain-text start-up probe / MySQL's plain login probe)."""

    endpoint: Endpoint
    engine: Engine | None
    status: Status
    issues: tuple[str, ...]
    tls: TlsState
    error: str | None = None
    failed_phase: str | None = None
    addresses: tuple[str, ...] = ()
    server_version: str | None = None
    plain_answer: str | None = None
    tls_version: str | None = None
    cipher: str | None = None
    chain: tuple[CertInfo, ...] = ()
    chain_problem: str | None = None
    chain_complete: bool | None = None
    trusted: bool | None = None
    name_checked: str | None = None
    name_matched: bool | None = None
    days_left: int | None = None
    timings_ms: tuple[tuple[str, float], ...] = ()
    duration_ms: float = 0.0
    #: the real connection, when credentials were supplied: True/False, and the driver's password-free message
    connected: bool | None = None
    connect_error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def fingerprint(self) -> str | None:
        return self.chain[0].fingerprint_sha256 if self.chain else None

    @property
    def not_after(self) -> str | None:
        return self.chain[0].not_after if self.chain else None

    def timing(self, phase: str) -> float | None:
        for name, ms in self.timings_ms:
            if name == phase:
                return ms
        return None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (JSON Lines output, the exporter's debug view). Stable keys; None kept."""
        ep = self.endpoint
        return {
            "name": ep.display,
            "host": ep.host,
            "port": ep.port,
            "address": ep.address,
            "engine": self.engine,
            "labels": dict(ep.labels),
            "status": self.status,
            "issues": list(self.issues),
            "tls": self.tls,
            "error": self.error,
            "failed_phase": self.failed_phase,
            "addresses": list(self.addresses),
            "server_version": self.server_version,
            "plain_answer": self.plain_answer,
            "tls_version": self.tls_version,
            "cipher": self.cipher,
            "chain_problem": self.chain_problem,
            "chain_complete": self.chain_complete,
            "trusted": self.trusted,
            "name_checked": self.name_checked,
            "name_matched": self.name_matched,
            "days_left": self.days_left,
            "not_after": self.not_after,
            "fingerprint_sha256": self.fingerprint,
            "chain": [dataclasses.asdict(c) for c in self.chain],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms},
            "duration_ms": round(self.duration_ms, 2),
            "connected": self.connected,
            "connect_error": self.connect_error,
        }


__all__ = ["ISSUES", "CertInfo", "Endpoint", "Engine", "Result", "Status", "TlsState", "status_rank"]
