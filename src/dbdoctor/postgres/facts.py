"""From observations to the facts the mode matrix reads: pure, no I/O.

This is where a server's ErrorResponse becomes a cause id, a certificate analysis becomes a chain or name
verdict, and the real driver's outcome becomes what is known past the password prompt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from dbdoctor.net import is_ip_literal
from dbdoctor.observations import (
    DriverObservation,
    HostObservations,
    ServerError,
    StartupObservation,
    tcp_failure_cause,
)
from dbdoctor.postgres.files import libpq_home
from dbdoctor.postgres.modes import AddressFacts, AuthKnowledge, ClientFacts, RootFile, StartupFacts, TlsFacts
from dbdoctor.target import HostAttempt, Target

NO_HBA: Final = re.compile(r"no pg_hba\.conf entry for", re.IGNORECASE)
HBA_REJECTS: Final = re.compile(r"pg_hba\.conf rejects connection", re.IGNORECASE)
ROLE_MISSING: Final = re.compile(r'role ".*" does not exist', re.IGNORECASE)
CLIENT_CERT_REQUIRED: Final = re.compile(r"requires a valid client certificate", re.IGNORECASE)
CLIENT_CERT_FAILED: Final = re.compile(r"certificate authentication failed", re.IGNORECASE)
#: trust cannot fail by itself: with ``clientcert=verify-full`` the server checks the client certificate's CN
#: against the user after the method succeeded and reports the method's failure (auth_failed in
#: src/backend/libpq/auth.c: ``"trust" authentication failed for user``)
CLIENT_CERT_NAME_FAILED: Final = re.compile(r'"trust" authentication failed', re.IGNORECASE)
#: PgBouncer's refusal of a SCRAM exchange: a wrong password, or a user its auth_file lacks (it then runs a
#: fake exchange, as PostgreSQL does). Verified with PgBouncer 1.18 through libpq 18: "FATAL:  SASL
#: authentication failed", no SQLSTATE passed on (PostgreSQL says "password authentication failed", 28P01)
PGBOUNCER_SASL_FAILED: Final = re.compile(r"SASL authentication failed")
#: peer/ident authentication refused the operating-system user (src/backend/libpq/auth.c auth_failed:
#: 'Peer authentication failed for user "%s"', 'Ident authentication failed for user "%s"'; SQLSTATE 28000)
PEER_FAILED: Final = re.compile(r"(Peer|Ident) authentication failed for user", re.IGNORECASE)
#: PgBouncer refusing a start-up parameter it does not track (src/client.c: "unsupported startup parameter: %s",
#: SQLSTATE 08P01; verified with PgBouncer 1.18 and extra_float_digits / options)
POOLER_UNSUPPORTED_PARAMETER: Final = re.compile(r"unsupported startup parameter", re.IGNORECASE)
#: an SNI-routed provider that got no server name (Neon's proxy: "The endpoint ID is not specified. Either
#: please upgrade the postgres client library (libpq) for SNI support or pass the endpoint ID ...";
#: neondatabase/neon proxy/src/auth/credentials.rs, unconfirmed here: no such proxy runs on loopback)
SNI_MISSING: Final = re.compile(r"endpoint ID is not specified|for SNI support|(?:no|missing) (?:TLS )?SNI",
                                re.IGNORECASE)

#: SQLSTATEs (src/backend/utils/errcodes.txt)
SQLSTATE_INVALID_AUTHORIZATION: Final = "28000"
SQLSTATE_INVALID_PASSWORD: Final = "28P01"
SQLSTATE_INVALID_CATALOG_NAME: Final = "3D000"
SQLSTATE_TOO_MANY_CONNECTIONS: Final = "53300"
SQLSTATE_CANNOT_CONNECT_NOW: Final = "57P03"  # the database system is starting up / shutting down


def classify_server_error(err: ServerError) -> str:
    """A server's refusal as a cause id; the no-pg_hba case is refined by :func:`refine_hba`."""
    msg = err.message or ""
    if err.sqlstate == SQLSTATE_INVALID_PASSWORD:
        return "password_failed"
    if err.sqlstate == SQLSTATE_INVALID_CATALOG_NAME:
        return "database_missing"
    if err.sqlstate == SQLSTATE_TOO_MANY_CONNECTIONS or "too many clients" in msg or "no more connections" in msg:
        return "too_many_connections"
    if PEER_FAILED.search(msg):
        return "peer_auth_failed"
    if POOLER_UNSUPPORTED_PARAMETER.search(msg):
        return "pooler_startup_parameter"
    if SNI_MISSING.search(msg):
        return "sni_missing"
    if CLIENT_CERT_REQUIRED.search(msg):
        return "client_cert_required"
    if CLIENT_CERT_FAILED.search(msg) or CLIENT_CERT_NAME_FAILED.search(msg):
        return "client_cert_problem"
    if ROLE_MISSING.search(msg):
        return "role_missing"
    if NO_HBA.search(msg):
        return "hba_no_entry"  # internal: refined into server_requires_ssl / server_rejects_ssl / hba_rejected
    if HBA_REJECTS.search(msg):
        return "hba_rejected"
    if "SSL required" in msg:  # PgBouncer with client_tls_sslmode=require
        return "server_requires_ssl"
    if err.sqlstate == SQLSTATE_CANNOT_CONNECT_NOW:
        return "server_starting"
    return "hba_rejected" if err.sqlstate == SQLSTATE_INVALID_AUTHORIZATION else "server_refused"


def _startup_facts(obs: StartupObservation | None) -> StartupFacts | None:
    if obs is None or obs.outcome == "not_attempted":
        return None
    if obs.outcome == "auth":
        return StartupFacts("auth", auth_code=obs.auth_code)
    if obs.outcome == "ok":
        return StartupFacts("ok", auth_code=0)
    if obs.outcome == "error" and obs.error is not None:
        return StartupFacts("error", cause=classify_server_error(obs.error))
    if obs.outcome == "eof" and obs.encrypted and obs.closed_reason and "alert" in obs.closed_reason:
        # the server ended TLS with an alert after our start-up packet: under TLS 1.3 a client certificate
        # it rejects (unknown ca, bad certificate, certificate required) is only reported then
        return StartupFacts("error", cause="client_cert_problem")
    if obs.outcome in ("eof", "garbage"):
        return StartupFacts("error", cause="not_the_database")
    return StartupFacts("unknown")


def _accepts(s: StartupFacts | None) -> bool:
    return s is not None and s.outcome in ("auth", "ok")


def refine_hba(plain: StartupFacts | None, tls: StartupFacts | None, ssl_answer: str) -> tuple[
    StartupFacts | None, StartupFacts | None
]:
    """"no pg_hba.conf entry" means different things depending on what the other encryption gets.

    Plain refused while TLS is let in: the server requires SSL (the client must encrypt). TLS refused while
    plain is let in: ``hostnossl`` rules (the server rejects SSL from this client). Both refused: no rule for
    this address at all, usually an allowlist.
    """

    def fix(mine: StartupFacts | None, other: StartupFacts | None, when_other_accepts: str) -> StartupFacts | None:
        if mine is None or mine.cause != "hba_no_entry":
            return mine
        if _accepts(other):
            return StartupFacts("error", cause=when_other_accepts)
        return StartupFacts("error", cause="hba_rejected")

    plain2 = fix(plain, tls, "server_requires_ssl")
    tls2 = fix(tls, plain, "server_rejects_ssl")
    # server without SSL at all: plain refused means the address is not allowed
    if ssl_answer == "N" and plain2 is not None and plain2.cause == "server_requires_ssl":
        plain2 = StartupFacts("error", cause="hba_rejected")
    return plain2, tls2


def tcp_cause(host: HostObservations) -> str | None:
    """None when TCP connected; else the cause id."""
    if host.dns is not None and host.dns.error is not None and not host.dns.addresses:
        return "dns_unresolved"
    tcp = host.tcp
    if tcp is None:
        return "dns_unresolved" if host.dns is not None else "connection_refused"
    return None if tcp.outcome == "connected" else tcp_failure_cause(tcp.outcome)


def address_facts(host: HostObservations, tls_facts: TlsFacts | None) -> AddressFacts:
    connect = tcp_cause(host)
    if connect is not None:
        return AddressFacts(connect_cause=connect)
    answer = host.ssl_request.answer if host.ssl_request else "not_attempted"
    ssl_answer: str
    not_db: str | None = None
    if answer in ("S", "N"):
        ssl_answer = answer
    elif answer in ("timeout", "not_attempted"):
        ssl_answer = "unknown"
        if answer == "timeout":
            not_db = "connect_timeout"
    else:
        ssl_answer = "other"
        not_db = "not_the_database"
    plain = _startup_facts(host.startup_plain)
    tls_start = _startup_facts(host.startup_tls)
    plain, tls_start = refine_hba(plain, tls_start, ssl_answer)
    if plain is not None and plain.cause == "not_the_database":
        not_db = not_db or "not_the_database"
    return AddressFacts(
        connect_cause=None,
        ssl_answer=ssl_answer,  # type: ignore[arg-type]
        not_db_cause=not_db,
        tls=tls_facts,
        startup_plain=plain,
        startup_tls=tls_start,
    )


#: the values libpq accepts for ssl_min_protocol_version and ssl_max_protocol_version, lowest first, compared
#: without case (sslVerifyProtocolVersion in fe-connect.c); an empty value means no bound
TLS_PROTOCOL_VERSIONS: Final = ("tlsv1", "tlsv1.1", "tlsv1.2", "tlsv1.3")


def protocol_bounds_cause(min_version: str | None, max_version: str | None) -> str | None:
    """``param_invalid`` when libpq refuses the protocol bounds before connecting, in every mode
    (connectOptions2: sslVerifyProtocolVersion, then sslVerifyProtocolRange in fe-connect.c)."""
    lo, hi = (min_version or "").lower(), (max_version or "").lower()
    if any(v and v not in TLS_PROTOCOL_VERSIONS for v in (lo, hi)):
        return "param_invalid"
    if lo and hi and TLS_PROTOCOL_VERSIONS.index(lo) > TLS_PROTOCOL_VERSIONS.index(hi):
        return "param_invalid"
    return None


def client_facts(
    settings: Mapping[str, str], hosts: Sequence[HostObservations], crl_cause: str | None = None
) -> ClientFacts:
    """What the client's own settings decide in every mode: the protocol bounds, the client key (the probe
    loaded it the way initialize_SSL does and recorded why it could not), and the CRL verdict."""
    key_cause = None
    for host in hosts:
        if host.tls is not None and host.tls.client_cert_error is not None:
            key_cause = "client_cert_problem"
            break
    return ClientFacts(
        settings_cause=protocol_bounds_cause(
            settings.get("ssl_min_protocol_version"), settings.get("ssl_max_protocol_version")
        ),
        key_cause=key_cause,
        crl_cause=crl_cause,
    )


def auth_knowledge(has_password: bool, attempts: Sequence[DriverObservation]) -> AuthKnowledge:
    """What real connections with the user's credentials taught about the password and what follows it."""
    for att in attempts:
        if att.ok:
            return AuthKnowledge(has_password, password="right", after_auth="ok")
        if att.sqlstate == SQLSTATE_INVALID_PASSWORD or (
            att.message
            and ("password authentication failed" in att.message or PGBOUNCER_SASL_FAILED.search(att.message))
        ):
            return AuthKnowledge(has_password, password="wrong")
        if att.sqlstate == SQLSTATE_INVALID_CATALOG_NAME:
            return AuthKnowledge(has_password, password="right", after_auth="fail", after_cause="database_missing")
        if att.sqlstate == SQLSTATE_TOO_MANY_CONNECTIONS and att.message and "for role" in att.message:
            # a role's CONNECTION LIMIT is checked after authentication (InitPostgres); the server-wide
            # "too many clients already" comes before it and the pre-auth probe sees that one itself
            return AuthKnowledge(
                has_password, password="right", after_auth="fail", after_cause="too_many_connections"
            )
    return AuthKnowledge(has_password)


def tls_facts(host: HostObservations, root: RootFile, root_path: str | None) -> tuple[TlsFacts | None, Any]:
    t = host.tls
    if t is None:
        return None, None
    if not t.completed:
        cause = "client_cert_required" if t.client_cert_requested else "tls_handshake_failed"
        return TlsFacts(completed=False, failure_cause=cause), None
    return judge_chain(t.chain_der, host.attempt, root, root_path)


def judge_chain(
    chain_der: Sequence[bytes], attempt: HostAttempt, root: RootFile, root_path: str | None
) -> tuple[TlsFacts, Any]:
    """A completed handshake's chain judged the way libpq would: against the root file, and the name against
    ``host`` (the verify-full check)."""
    from dbdoctor import tls

    verify_host = attempt.host if attempt.host and not attempt.is_unix_socket else None
    if root.state == "system":
        ca_path, source = None, "system"
    elif root.state == "file" and root_path:
        ca_path, source = Path(root_path), "file"
    else:
        ca_path, source = None, "none"
    analysis = tls.analyze_chain(chain_der, ca_file=ca_path, ca_source=source, host=verify_host)
    chain_cause = None
    if source != "none" and not analysis.trusted:
        chain_cause = tls.CHAIN_CAUSES.get(analysis.problem or "", "cert_untrusted")
    name_cause = None
    if not analysis.name_matched:
        name_cause = "ip_address_mismatch" if is_ip_literal(verify_host) else "hostname_mismatch"
    return TlsFacts(completed=True, chain_cause=chain_cause, name_cause=name_cause), analysis


def root_file(target: Target, environ: Mapping[str, str]) -> tuple[RootFile, str | None]:
    """The root certificate file libpq would use, and its state (initialize_SSL in fe-secure-openssl.c)."""
    from dbdoctor import tls

    explicit = target.settings.get("sslrootcert")
    if explicit == "system":
        return RootFile("system", explicit=True), None
    path = Path(explicit) if explicit else libpq_home(environ) / ".postgresql" / "root.crt"
    if not path.exists():
        return RootFile("missing", explicit=bool(explicit)), str(path)
    ca = tls.load_ca_file(path)
    if not ca.certificates:
        return RootFile("invalid", explicit=bool(explicit)), str(path)
    return RootFile("file", explicit=bool(explicit)), str(path)


#: tls.check_revocation problems → cause ids
CRL_CAUSES: Final[Mapping[str, str]] = {
    "revoked": "cert_revoked",
    "crl_missing": "crl_missing",
    "crl_expired": "crl_missing",
    "crl_not_yet_valid": "crl_missing",
}


def revocation(
    target: Target, root: RootFile, root_path: str | None, environ: Mapping[str, str], chain: Sequence[bytes] | None,
) -> tuple[str | None, str | None]:
    """The CRL verdict on a server's chain as libpq has OpenSSL reach it: only next to a root file it loaded
    (initialize_SSL in fe-secure-openssl.c), from sslcrl/sslcrldir or ~/.postgresql/root.crl (see
    tls.crl_sources). (cause, detail), or (None, None)."""
    from dbdoctor import tls

    if root.state != "file" or root_path is None or not chain:
        return None, None
    sources = tls.crl_sources(target.settings.get("sslcrl"), target.settings.get("sslcrldir"),
                              libpq_home(environ))
    if sources is None:
        return None, None
    problem = tls.check_revocation(chain, tls.load_ca_file(root_path).certificates, sources)
    if problem is None:
        return None, None
    return CRL_CAUSES[problem[0]], problem[1]


def first_chain(hosts: Sequence[HostObservations]) -> tuple[bytes, ...] | None:
    return next((h.tls.chain_der for h in hosts if h.tls is not None and h.tls.completed and h.tls.chain_der), None)
