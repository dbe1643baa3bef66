"""The mode matrix: what each libpq sslmode would do, as a pure function of what the probes saw.

Nothing here does I/O. The inputs are facts the probes established without sending a password
(:class:`AddressFacts`), what the root certificate file is (:class:`RootFile`), and what is known about
authentication past the password (:class:`AuthKnowledge`, from the user's own connection).

How libpq walks the encryption methods (fe-connect.c, PostgreSQL 17/18: ``init_allowed_encryption_methods``,
``select_next_encryption_method``, the ``ENCRYPTION_NEGOTIATION_FAILED`` and ``CONNECTION_FAILED`` macros; the
table-driven test src/test/libpq_encryption/t/001_negotiate_encryption.pl states the outcomes):

- ``disable``: plain only. ``allow``: plain, then SSL. ``prefer``: SSL, then plain. ``require``,
  ``verify-ca``, ``verify-full``: SSL only.
- A server that answers ``N`` to the SSLRequest moves on to the next method (on the same connection);
  a failed TLS handshake or certificate check, and an ErrorResponse during start-up or authentication
  (a pg_hba.conf refusal, a wrong password), move on to the next method on a new connection.
- The server certificate's chain is verified whenever a root certificate file exists, whatever the mode
  (``initialize_SSL`` in fe-secure-openssl.c loads it and sets ``SSL_VERIFY_PEER``); ``verify-ca`` and
  ``verify-full`` without one fail when TLS starts (after the server's ``S``); an unreadable root file fails
  every SSL attempt, and ``prefer`` then goes on in plain text; only ``verify-full`` checks the host name.
- ``fe_sendauth: no password supplied`` ends the whole attempt: no further method is tried.
- ``sslrootcert=system`` with any mode but ``verify-full`` is refused before connecting.
- Every address of every host is tried in order; the first that works wins.
- Client-side settings libpq applies in every mode (:class:`ClientFacts`): invalid protocol bounds fail every
  mode before connecting (connectOptions2, sslVerifyProtocolVersion/sslVerifyProtocolRange in fe-connect.c);
  a client key it cannot use (group/world access, bad decrypt, not PEM nor DER) fails every SSL attempt after
  the root file is read (initialize_SSL); a CRL (sslcrl/sslcrldir, else ~/.postgresql/root.crl) is checked
  whenever the root file is, so a revoked certificate fails ``require`` too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Final, Literal

from dbdoctor.report import ModeResult

PG_MODES: Final = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")

Method = Literal["plain", "ssl"]

#: the encryption methods each mode tries, in order
METHODS: Final[Mapping[str, tuple[Method, ...]]] = {
    "disable": ("plain",),
    "allow": ("plain", "ssl"),
    "prefer": ("ssl", "plain"),
    "require": ("ssl",),
    "verify-ca": ("ssl",),
    "verify-full": ("ssl",),
}

#: causes that only say which encryption the server wants; when another attempt failed for a more specific
#: reason, that reason is the root cause
ENCRYPTION_CHOICE_CAUSES: Final = frozenset({"server_requires_ssl", "server_ssl_unsupported", "server_rejects_ssl"})

#: auth codes of AuthenticationRequest that need a password (3 cleartext, 5 MD5, 10 SASL)
PASSWORD_AUTH_CODES: Final = frozenset({3, 5, 10})


@dataclasses.dataclass(frozen=True, slots=True)
class StartupFacts:
    """The server's answer to a StartupMessage sent without a password."""

    #: "auth" (an AuthenticationRequest: a pg_hba rule matched), "ok" (trust), "error", or "unknown"
    outcome: Literal["auth", "ok", "error", "unknown"]
    auth_code: int | None = None
    #: the cause of an "error" outcome, already classified (server_requires_ssl, hba_rejected, ...)
    cause: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class TlsFacts:
    """The TLS handshake done without verification, and the certificate judged against the root file."""

    completed: bool
    #: why the handshake failed (tls_handshake_failed, client_cert_required ...) when not completed
    failure_cause: str | None = None
    #: None when the chain verifies against the root file (or no root file); else the cause
    chain_cause: str | None = None
    #: None when the certificate names the host as verify-full checks it; else the cause
    name_cause: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class AddressFacts:
    """What the probes learned about one address of one host."""

    #: None when the TCP connection worked; else connection_refused, connect_timeout, dns_unresolved, ...
    connect_cause: str | None
    #: the answer to the SSLRequest: "S", "N", or "other" (not PostgreSQL: see not_db_cause)
    ssl_answer: Literal["S", "N", "other", "unknown"] = "unknown"
    not_db_cause: str | None = None
    tls: TlsFacts | None = None
    startup_plain: StartupFacts | None = None
    startup_tls: StartupFacts | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class RootFile:
    """libpq's root certificate file as the effective settings name it."""

    #: "file" (sslrootcert or the default ~/.postgresql/root.crt exists), "missing", "invalid",
    #: or "system" (sslrootcert=system, PostgreSQL 16+)
    state: Literal["file", "missing", "invalid", "system"]
    #: True when sslrootcert was set explicitly (else libpq's default path)
    explicit: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class AuthKnowledge:
    """What is known past the password prompt, from real connections with the user's credentials."""

    has_password: bool
    #: whether the server accepted the password: "right", "wrong", or "unknown" (never tested)
    password: Literal["right", "wrong", "unknown"] = "unknown"
    #: what happens after authentication succeeds: "ok", "fail" (after_cause: database_missing, ...) or unknown
    after_auth: Literal["ok", "fail", "unknown"] = "unknown"
    after_cause: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class ClientFacts:
    """What the client's own settings decide, whatever the server does."""

    #: a cause libpq raises before opening any connection, in every mode (invalid protocol bounds)
    settings_cause: str | None = None
    #: a cause that fails every SSL attempt before the handshake (the client key cannot be used)
    key_cause: str | None = None
    #: the CRL's verdict on the server's chain (cert_revoked, crl_missing), applied when the root file is
    crl_cause: str | None = None


NO_CLIENT_FACTS: Final = ClientFacts()


def _startup_result(
    startup: StartupFacts | None, auth: AuthKnowledge
) -> tuple[Literal["ok", "fail", "unknown"], str | None]:
    """The outcome of sending the startup packet and authenticating on an established channel."""
    if startup is None or startup.outcome == "unknown":
        return "unknown", "probe_incomplete"
    if startup.outcome == "error":
        return "fail", startup.cause or "hba_rejected"
    if startup.outcome == "ok":
        return "ok", None  # trust: the probe read on to ReadyForQuery
    if startup.auth_code not in PASSWORD_AUTH_CODES:
        # GSSAPI, SSPI, ...: nothing dbdoctor can judge without doing it
        return "unknown", "probe_incomplete"
    if not auth.has_password:
        return "fail", "password_missing"
    if auth.password == "wrong":
        return "fail", "password_failed"
    if auth.password == "unknown":
        return "unknown", "password_untested"
    if auth.after_auth == "unknown":
        return "unknown", "probe_incomplete"
    return auth.after_auth, auth.after_cause


def _ssl_attempt(
    mode: str, facts: AddressFacts, root: RootFile, auth: AuthKnowledge, client: ClientFacts = NO_CLIENT_FACTS
) -> tuple[Literal["ok", "fail", "unknown"], str | None, bool]:
    """One SSL attempt. Returns (outcome, cause, negotiation_refused): the last flag is True when the
    server answered N, after which libpq goes on in plain text on the same connection."""
    if facts.ssl_answer == "N":
        return "fail", "server_ssl_unsupported", True
    if facts.ssl_answer == "unknown" and facts.not_db_cause is None:
        return "unknown", "probe_incomplete", False  # the probe got no answer in its time: say so, do not guess
    if facts.ssl_answer != "S":
        return "fail", facts.not_db_cause or "not_the_database", False
    # the root file is read when TLS starts, after the server said S (verified: against ssl=off, verify-full
    # with a missing root file fails with "server does not support SSL")
    if mode in ("verify-ca", "verify-full") and root.state == "missing":
        return "fail", "ca_file_missing", False
    if root.state == "invalid":
        return "fail", "ca_file_invalid", False
    # initialize_SSL loads the client key after the root file, before the handshake
    if client.key_cause is not None:
        return "fail", client.key_cause, False
    tls = facts.tls
    if tls is None:
        return "unknown", "probe_incomplete", False
    if not tls.completed:
        return "fail", tls.failure_cause or "tls_handshake_failed", False
    if root.state in ("file", "system") and tls.chain_cause is not None:
        return "fail", tls.chain_cause, False
    # OpenSSL checks the CRLs (X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL) once the chain is built; libpq
    # loads them only next to a root file it read (initialize_SSL)
    if root.state == "file" and client.crl_cause is not None:
        return "fail", client.crl_cause, False
    if mode == "verify-full" and tls.name_cause is not None:
        return "fail", tls.name_cause, False
    outcome, cause = _startup_result(facts.startup_tls, auth)
    return outcome, cause, False


def _combine(causes: Sequence[str]) -> str:
    """The root cause among the failed attempts of one mode (see the module docstring)."""
    specific = [c for c in causes if c not in ENCRYPTION_CHOICE_CAUSES]
    if specific:
        return specific[0]
    if "server_requires_ssl" in causes and "server_rejects_ssl" in causes:
        return "hba_rejected"  # no rule for this address whichever encryption: an allowlist problem
    return causes[0]


#: failures after which libpq does not try the next encryption method ("fe_sendauth: no password supplied"
#: is raised by the client itself, pg_fe_sendauth; verified with libpq 18: prefer does not fall back after it)
TERMINAL_CAUSES: Final = frozenset({"password_missing"})


def _fails_before_connecting(mode: str, root: RootFile) -> str | None:
    """Settings libpq rejects before it opens any connection (connectOptions2 and initialize_SSL)."""
    if root.state == "system" and mode != "verify-full":
        return "param_invalid"  # weak sslmode "require" may not be used with sslrootcert=system
    return None


def predict_address(
    mode: str, facts: AddressFacts, root: RootFile, auth: AuthKnowledge, client: ClientFacts = NO_CLIENT_FACTS
) -> ModeResult:
    """What ``mode`` does at one address."""
    if client.settings_cause is not None:
        return ModeResult("fail", client.settings_cause)
    before = _fails_before_connecting(mode, root)
    if before is not None:
        return ModeResult("fail", before)
    if facts.connect_cause is not None:
        return ModeResult("fail", facts.connect_cause)
    if facts.ssl_answer == "other" and mode != "disable":
        return ModeResult("fail", facts.not_db_cause or "not_the_database")
    causes: list[str] = []
    unknown: str | None = None
    for method in METHODS[mode]:
        if method == "ssl":
            outcome, cause, _refused = _ssl_attempt(mode, facts, root, auth, client)
        else:
            if facts.not_db_cause is not None:
                outcome, cause = "fail", facts.not_db_cause
            else:
                outcome, cause = _startup_result(facts.startup_plain, auth)
        if outcome == "ok":
            return ModeResult("ok", None)
        if outcome == "unknown":
            # libpq would stop here if it worked, or go on if it failed: we cannot say which
            unknown = unknown or cause
            continue
        causes.append(cause or "tls_handshake_failed")
        if cause in TERMINAL_CAUSES:
            break  # libpq gives up without trying the next method
    if unknown is not None:
        return ModeResult("unknown", unknown)
    return ModeResult("fail", _combine(causes))


def predict_mode(
    mode: str, addresses: Sequence[AddressFacts], root: RootFile, auth: AuthKnowledge,
    client: ClientFacts = NO_CLIENT_FACTS,
) -> ModeResult:
    """What ``mode`` does across every address of every host, tried in order; the first success wins."""
    if not addresses:
        return ModeResult("unknown", "probe_incomplete")
    results = [predict_address(mode, a, root, auth, client) for a in addresses]
    for r in results:
        if r.outcome == "ok":
            return r
    for r in results:
        if r.outcome == "unknown":
            return r
    # an address that did not take the connection is only the way to the next one: the server's (or TLS)
    # answer from another address is the cause (host=localhost,localhost hostaddr=::1,127.0.0.1 with the
    # server on 127.0.0.1 only fails with the server's answer, not with the refusal at ::1)
    return next((r for r in results if r.cause not in _NETWORK_CAUSES), results[0])


#: failures at an address that say nothing about the server behind the others
_NETWORK_CAUSES: Final = frozenset({"connection_refused", "connect_timeout", "network_unreachable"})


def predict_all(
    addresses: Sequence[AddressFacts], root: RootFile, auth: AuthKnowledge, modes: Sequence[str] = PG_MODES,
    client: ClientFacts = NO_CLIENT_FACTS,
) -> dict[str, ModeResult]:
    return {mode: predict_mode(mode, addresses, root, auth, client) for mode in modes}
