"""The MySQL ssl-mode matrix, predicted purely from facts (no I/O): what DISABLED, PREFERRED, REQUIRED,
VERIFY_CA and VERIFY_IDENTITY would each do, every other setting as the user has it.

Semantics (the MySQL client's, which PyMySQL, mysqlclient and Connector/J follow):

- DISABLED: plain text.
- PREFERRED: TLS when the greeting offers ``CLIENT_SSL``, without verification; plain text otherwise. A TLS
  handshake that fails is an error, not a fallback.
- REQUIRED: TLS or an error (``server_ssl_unsupported``); no verification.
- VERIFY_CA: REQUIRED, and the chain must lead to the CA (ssl-ca, else the system store).
- VERIFY_IDENTITY: VERIFY_CA, and the certificate must name the host connected to.

Authentication happens after the transport: what a plain login and a TLS login would get is an input
(:class:`LoginFacts`), learned from real connections by the pipeline. ``None`` there means unknown: the mode's
outcome is then ``unknown`` with cause ``password_untested``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Final

from dbdoctor.report import ModeResult

MYSQL_MODES: Final = ("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")


@dataclasses.dataclass(frozen=True, slots=True)
class TransportFacts:
    """What the pre-authentication probe established."""

    #: why no greeting was had (dns_unresolved, connection_refused, connect_timeout, not_the_database,
    #: hba_rejected for 1130, too_many_connections, host_blocked), else None
    unreachable_cause: str | None
    tls_offered: bool = False
    #: the TLS handshake failed (tls_handshake_failed, client_cert_required, client_cert_problem), else None
    tls_failure_cause: str | None = None
    #: the chain does not verify against the CA the client would use (cert_expired, cert_untrusted, ...)
    chain_cause: str | None = None
    #: the certificate does not name the host (hostname_mismatch, ip_address_mismatch)
    name_cause: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class LoginFacts:
    """What a login with the user's credentials gets once the transport is up: None when it works, a cause id
    when it fails, ``"unknown"`` when nothing was learned."""

    plain: str | None = "unknown"
    tls: str | None = "unknown"


UNKNOWN: Final = "unknown"


def _login(cause: str | None) -> ModeResult:
    if cause is None:
        return ModeResult("ok", None)
    if cause == UNKNOWN:
        return ModeResult("unknown", "password_untested")
    return ModeResult("fail", cause)


def predict(mode: str, transport: TransportFacts, login: LoginFacts) -> ModeResult:
    """One mode's outcome."""
    if transport.unreachable_cause is not None:
        return ModeResult("fail", transport.unreachable_cause)
    if mode == "DISABLED" or (mode == "PREFERRED" and not transport.tls_offered):
        return _login(login.plain)
    if not transport.tls_offered:
        return ModeResult("fail", "server_ssl_unsupported")
    if transport.tls_failure_cause is not None:
        return ModeResult("fail", transport.tls_failure_cause)
    if mode in ("VERIFY_CA", "VERIFY_IDENTITY") and transport.chain_cause is not None:
        return ModeResult("fail", transport.chain_cause)
    if mode == "VERIFY_IDENTITY" and transport.name_cause is not None:
        return ModeResult("fail", transport.name_cause)
    return _login(login.tls)


def predict_all(transport: TransportFacts, login: LoginFacts) -> dict[str, ModeResult]:
    return {m: predict(m, transport, login) for m in MYSQL_MODES}


def uses_tls(mode: str, tls_offered: bool) -> bool:
    """Whether a client in ``mode`` would run TLS with this server."""
    return mode not in ("DISABLED",) and (mode != "PREFERRED" or tls_offered)


#: how well each mode protects the password in transit (for deciding which extra attempts may carry it)
PROTECTION: Final[Mapping[str, int]] = {
    "DISABLED": 0,
    "PREFERRED": 1,
    "REQUIRED": 2,
    "VERIFY_CA": 3,
    "VERIFY_IDENTITY": 4,
}
