"""PostgreSQL probes: DNS, TCP, the SSLRequest, the TLS handshake (chain captured), pre-auth StartupMessages
plain and over TLS, and one real connection through psycopg with exactly the effective settings.

No probe ever sends a password: the StartupMessage probes stop at the first authentication request. Only
:func:`attempt_psycopg`, the user's own connection, hands the password to libpq, and nowhere else.

Every operation is bounded by one :class:`~dbdoctor.net.Deadline`. Independent probes run concurrently:
per host attempt, the plain start-up and the SSLRequest→TLS→start-up sequence use separate sockets in separate
threads, and the driver's attempt runs beside them.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import getpass
import os
import re
import socket
import struct
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal
from urllib.parse import quote, quote_plus

from dbdoctor import net as _net
from dbdoctor.errors import Closed, ProtocolError, TimedOut
from dbdoctor.net import Deadline
from dbdoctor.observations import (
    DnsObservation,
    DriverObservation,
    HostObservations,
    Observations,
    ServerError,
    SslRequestObservation,
    StartupObservation,
    TcpObservation,
    TlsObservation,
)
from dbdoctor.postgres import wire as _pgwire
from dbdoctor.target import REDACTED, HostAttempt, Target

DEFAULT_PORT: Final = 5432
#: ALPN protocol id a client must offer with direct SSL (PostgreSQL 17, protocol-flow.html "Direct SSL")
ALPN_POSTGRESQL: Final = "postgresql"
#: how many bytes a start-up probe reads before deciding the peer is not PostgreSQL
MAX_STARTUP_BYTES: Final = 64 * 1024
#: ReadyForQuery, the end of a successful start-up (protocol-message-formats.html)
READY_FOR_QUERY: Final = "Z"
#: how many host attempts are probed at once
MAX_PARALLEL_HOSTS: Final = 4
#: a thread is given this much beyond the deadline to notice it and return
GRACE: Final = 0.25


def _server_error(fields: _pgwire.ErrorFields) -> ServerError:
    return ServerError(
        severity=fields.severity,
        sqlstate=fields.sqlstate,
        message=fields.message,
        detail=fields.detail,
        hint=fields.hint,
    )


def read_ssl_answer(sock: socket.socket, deadline: Deadline) -> SslRequestObservation:
    """After an SSLRequest was sent: read and classify the answer. The first read takes whatever is there;
    after ``S`` anything already waiting on the socket is the CVE-2021-23222 case (``extra``)."""
    start = time.monotonic()
    buf = b""
    try:
        while True:
            buf += _net.recv_some(sock, deadline, _pgwire.MAX_MESSAGE_LENGTH - len(buf) or 1)
            if buf[:1] in (b"S", b"N"):
                buf += _net.pending_now(sock)
            try:
                ans = _pgwire.classify_ssl_answer(buf)
            except ProtocolError:
                ans = _pgwire.SslAnswer("garbage", preview=_pgwire.preview(buf))
            if ans.kind != "incomplete":
                break
            if len(buf) >= _pgwire.MAX_MESSAGE_LENGTH:
                ans = _pgwire.SslAnswer("garbage", preview=_pgwire.preview(buf))
                break
    except TimedOut:
        # a partial answer (an ErrorResponse dribbled out too slowly) is still a timeout; the preview shows it
        return SslRequestObservation("timeout", preview=_pgwire.preview(buf) if buf else None,
                                     elapsed_ms=_ms(start))
    except Closed:
        if not buf:
            return SslRequestObservation("eof", elapsed_ms=_ms(start))
        return SslRequestObservation("garbage", preview=_pgwire.preview(buf), elapsed_ms=_ms(start))
    error = _server_error(ans.error) if ans.error is not None else None
    return SslRequestObservation(ans.kind, error=error, preview=ans.preview, elapsed_ms=_ms(start))  # type: ignore[arg-type]


def startup_probe(
    sock: socket.socket, deadline: Deadline, *, user: str, dbname: str | None, encrypted: bool
) -> StartupObservation:
    """Send a StartupMessage with no password and read until the first AuthenticationRequest that asks for
    something, an ErrorResponse, EOF, garbage or the deadline. Never answers an authentication request. After
    AuthenticationOk (trust) it reads on to ReadyForQuery, since the role and database are checked after it."""
    start = time.monotonic()
    try:
        message = _pgwire.startup_message(user, dbname)
    except ValueError:  # a NUL in the user or database name: libpq could not send it either
        return StartupObservation(encrypted, "not_attempted")
    try:
        _net.send_all(sock, message, deadline)
    except TimedOut:
        return StartupObservation(encrypted, "timeout", elapsed_ms=_ms(start))
    except Closed as exc:
        # a TLS alert (the server refusing our client certificate) may be waiting unread: surface its reason
        reason = str(exc) or None
        try:
            _net.recv_some(sock, deadline.within(0.2), 1)
        except Closed as later:
            reason = str(later) or reason
        except TimedOut:
            pass
        return StartupObservation(encrypted, "eof", elapsed_ms=_ms(start), closed_reason=reason)
    reader = _pgwire.MessageReader()
    total = 0
    #: after AuthenticationOk (trust) the server still checks the role and the database and may refuse: read on
    #: to ReadyForQuery or an ErrorResponse (ParameterStatus and BackendKeyData come in between)
    trusted = False
    try:
        while total < MAX_STARTUP_BYTES:
            data = _net.recv_some(sock, deadline, MAX_STARTUP_BYTES - total)
            total += len(data)
            for msg in reader.feed(data):
                if isinstance(msg, _pgwire.AuthenticationRequest) and not trusted:
                    if msg.code != _pgwire.AUTH_OK:
                        return StartupObservation(encrypted, "auth", auth_code=msg.code, elapsed_ms=_ms(start))
                    trusted = True
                    continue
                if isinstance(msg, _pgwire.ErrorResponse):
                    return StartupObservation(encrypted, "error", error=_server_error(msg.fields),
                                              auth_code=_pgwire.AUTH_OK if trusted else None,
                                              elapsed_ms=_ms(start))
                if isinstance(msg, _pgwire.NoticeResponse):
                    continue
                if trusted and isinstance(msg, _pgwire.OtherMessage):
                    if msg.type == READY_FOR_QUERY:
                        return StartupObservation(encrypted, "ok", auth_code=_pgwire.AUTH_OK, elapsed_ms=_ms(start))
                    continue  # ParameterStatus, BackendKeyData, NegotiateProtocolVersion
                return StartupObservation(encrypted, "garbage", elapsed_ms=_ms(start))
    except ProtocolError:
        return StartupObservation(encrypted, "garbage", elapsed_ms=_ms(start))
    except TimedOut:
        return StartupObservation(encrypted, "timeout", elapsed_ms=_ms(start))
    except Closed as exc:
        return StartupObservation(encrypted, "eof", elapsed_ms=_ms(start), closed_reason=str(exc) or None)
    return StartupObservation(encrypted, "garbage", elapsed_ms=_ms(start))


def _ms(start: float) -> float:
    return (time.monotonic() - start) * 1000


def default_user() -> str:
    """libpq's default user name: the effective OS user (pg_fe_getusername in fe-auth.c)."""
    try:
        import pwd

        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return getpass.getuser()


def _plain_branch(
    family: int, address: str, port: int, deadline: Deadline, user: str, dbname: str | None
) -> StartupObservation:
    tcp, sock = _net.connect(family, address, port, deadline)
    if sock is None:
        return StartupObservation(False, "timeout" if tcp.outcome == "timeout" else "eof")
    try:
        return startup_probe(sock, deadline, user=user, dbname=dbname, encrypted=False)
    finally:
        _net.close_quietly(sock)


def _encrypted_branch(
    sock: socket.socket,
    deadline: Deadline,
    *,
    direct: bool,
    sni: str | None,
    settings: Mapping[str, str],
    user: str,
    dbname: str | None,
) -> tuple[SslRequestObservation | None, TlsObservation | None, StartupObservation | None]:
    ssl_obs: SslRequestObservation | None = None
    try:
        if not direct:
            try:
                _net.send_all(sock, _pgwire.ssl_request(), deadline)
            except TimedOut:
                return SslRequestObservation("timeout"), None, None
            except Closed:
                return SslRequestObservation("eof"), None, None
            ssl_obs = read_ssl_answer(sock, deadline)
            if ssl_obs.answer != "S":
                return ssl_obs, None, None
        tls, tls_sock = _net.tls_handshake(
            sock,
            deadline,
            sni=sni,
            alpn=(ALPN_POSTGRESQL,),  # libpq 17+ offers it on every TLS connection (initialize_SSL)
            min_version=settings.get("ssl_min_protocol_version") or "TLSv1.2",
            max_version=settings.get("ssl_max_protocol_version") or None,
            client_cert=client_cert_files(settings),
        )
        if tls_sock is None:
            return ssl_obs, tls, None
        try:
            st = startup_probe(tls_sock, deadline, user=user, dbname=dbname, encrypted=True)
        finally:
            _net.close_quietly(tls_sock)
        return ssl_obs, tls, st
    finally:
        _net.close_quietly(sock)


def client_cert_files(settings: Mapping[str, str], home: str | None = None) -> _net.ClientCert | None:
    """The client certificate libpq would present (initialize_SSL in fe-secure-openssl.c): sslcert, else
    ~/.postgresql/postgresql.crt, and sslkey, else ~/.postgresql/postgresql.key; none when sslcertmode=disable
    or the certificate file does not exist."""
    if settings.get("sslcertmode") == "disable":
        return None
    home_dir = home if home is not None else os.path.expanduser("~")
    cert = settings.get("sslcert") or os.path.join(home_dir, ".postgresql", "postgresql.crt")
    key = settings.get("sslkey") or os.path.join(home_dir, ".postgresql", "postgresql.key")
    if not os.path.isfile(cert):
        return None
    return _net.ClientCert(cert, key, settings.get("sslpassword") or None)


def _direct_tls_check(
    family: int, address: str, port: int, deadline: Deadline, sni: str | None, settings: Mapping[str, str]
) -> TlsObservation | None:
    """Does the endpoint speak TLS from the first byte? One handshake on a new connection, nothing sent after."""
    _tcp, sock = _net.connect(family, address, port, deadline)
    if sock is None:
        return None
    tls, tls_sock = _net.tls_handshake(
        sock,
        deadline,
        sni=sni,
        alpn=(ALPN_POSTGRESQL,),
        min_version=settings.get("ssl_min_protocol_version") or "TLSv1.2",
        max_version=settings.get("ssl_max_protocol_version") or None,
        client_cert=client_cert_files(settings),
    )
    _net.close_quietly(tls_sock)
    _net.close_quietly(sock)
    return tls


def _endpoint(attempt: HostAttempt, deadline: Deadline) -> tuple[
    DnsObservation | None, list[tuple[int, str]]
]:
    """Where libpq would connect, in order: hostaddr (numeric, no DNS), a Unix socket file, or the host's
    addresses from getaddrinfo."""
    port = attempt.port or DEFAULT_PORT
    if attempt.hostaddr:
        dns, pairs = _net.resolve(attempt.hostaddr, port, deadline, numeric=True)
        return (dns if dns.error else None), pairs
    host = attempt.host or "/var/run/postgresql"  # DEFAULT_PGSOCKET_DIR of Debian's libpq when host is empty
    if host.startswith("/"):
        return None, [(socket.AF_UNIX, _net.unix_socket_path(host, port))]
    return _net.resolve(host, port, deadline)


def probe_host(
    attempt: HostAttempt,
    *,
    user: str,
    dbname: str | None,
    settings: Mapping[str, str],
    deadline: Deadline,
) -> HostObservations:
    """Probe one host attempt: DNS, TCP (addresses in libpq's order until one connects), then concurrently
    the plain start-up and the encrypted sequence (SSLRequest or direct TLS, handshake, start-up over TLS)."""
    if attempt.port is None:
        # an invalid port: libpq refuses before connecting, so there is nothing to probe (a static rule says so)
        return HostObservations(attempt=attempt, address=None, dns=None, tcp=None)
    port = attempt.port
    dns, pairs = _endpoint(attempt, deadline)
    if not pairs:
        return HostObservations(attempt=attempt, address=None, dns=dns, tcp=None)
    tcp: TcpObservation | None = None
    sock: socket.socket | None = None
    family: int = socket.AF_INET
    address = pairs[0][1]
    failed: list[TcpObservation] = []
    for i, (fam, addr) in enumerate(pairs):
        share = deadline.remaining() / (len(pairs) - i)
        tcp, sock = _net.connect(fam, addr, port, deadline.within(share))
        family, address = fam, addr
        if sock is not None:
            break
        failed.append(tcp)
    skipped = tuple(failed) if sock is not None else tuple(failed[:-1])
    if sock is None:
        return HostObservations(attempt=attempt, address=address, dns=dns, tcp=tcp, skipped=skipped)
    unix = family == socket.AF_UNIX
    if unix:
        # libpq never requests SSL or GSSAPI over a Unix-domain socket (PQconnectPoll in fe-connect.c)
        try:
            plain = startup_probe(sock, deadline, user=user, dbname=dbname, encrypted=False)
        finally:
            _net.close_quietly(sock)
        return HostObservations(
            attempt=attempt,
            address=address,
            dns=dns,
            tcp=tcp,
            ssl_request=SslRequestObservation("not_attempted"),
            startup_plain=plain,
        )
    direct = settings.get("sslnegotiation") == "direct"
    sni = _net.libpq_sni(attempt.host, settings.get("sslsni"))
    box: dict[str, StartupObservation] = {}

    def plain_worker() -> None:
        box["plain"] = _plain_branch(family, address, port, deadline, user, dbname)

    th = threading.Thread(target=plain_worker, name="dbdoctor-plain", daemon=True)
    th.start()
    ssl_obs, tls, st_tls = _encrypted_branch(
        sock, deadline, direct=direct, sni=sni, settings=settings, user=user, dbname=dbname
    )
    direct_tls: TlsObservation | None = None
    if not direct and ssl_obs is not None and ssl_obs.answer in ("eof", "tls"):
        direct_tls = _direct_tls_check(family, address, port, deadline, sni, settings)
    th.join(deadline.remaining() + GRACE)
    plain_obs = box.get("plain", StartupObservation(False, "timeout"))
    return HostObservations(
        attempt=attempt,
        address=address,
        dns=dns,
        tcp=tcp,
        ssl_request=ssl_obs if ssl_obs is not None else SslRequestObservation("not_attempted"),
        tls=tls,
        startup_plain=plain_obs,
        startup_tls=st_tls if st_tls is not None else StartupObservation(True, "not_attempted"),
        direct_tls=direct_tls,
        skipped=skipped,
    )


# --- the real driver -------------------------------------------------------------------------------------


def _neutral_environment_params(settings: Mapping[str, str]) -> dict[str, str]:
    """Explicit values for every libpq keyword the process environment would otherwise fill in.

    ``Target.settings`` is already the effective set (environment included, as the user's app would see it).
    libpq reads ``PG*`` variables itself for any keyword not given (conninfo_add_defaults in fe-connect.c), and
    psycopg reads some of them too; so for each keyword whose variable is set here but which the Target did not
    resolve, pass libpq's compiled default (or the empty string, which libpq treats as unset)."""
    from psycopg import pq

    out: dict[str, str] = {}
    for opt in pq.Conninfo.get_defaults():
        if opt.envvar is None:
            continue
        key = opt.keyword.decode()
        if key in settings or key in ("password", "connect_timeout"):
            continue
        if os.environ.get(opt.envvar.decode()) is None:
            continue
        out[key] = opt.compiled.decode() if opt.compiled is not None else ""
    return out


#: server messages (src/backend, English) that end a connection attempt, and their SQLSTATEs
#: (src/backend/utils/errcodes.txt). libpq exposes no SQLSTATE for a failed connection, only the text.
_FATAL_SQLSTATES: Final = (
    (re.compile(r'database ".*" does not exist'), "3D000"),
    (re.compile(r"password authentication failed for user"), "28P01"),
    (re.compile(r'role ".*" does not exist'), "28000"),
    (re.compile(r"no pg_hba\.conf entry for"), "28000"),
    (re.compile(r"pg_hba\.conf rejects connection"), "28000"),
    (re.compile(r"connection requires a valid client certificate"), "28000"),
    (re.compile(r"certificate authentication failed for user"), "28000"),
    (re.compile(r"(Ident|Peer) authentication failed for user"), "28000"),
    (re.compile(r'role ".*" is not permitted to log in'), "28000"),
    (re.compile(r"sorry, too many clients already"), "53300"),
    (re.compile(r"remaining connection slots are reserved"), "53300"),
    (re.compile(r"too many connections for (role|database)"), "53300"),
    (re.compile(r"the database system is (starting up|shutting down|in recovery mode)"), "57P03"),
    (re.compile(r'database ".*" is not currently accepting connections'), "55000"),
    (re.compile(r"permission denied for database"), "42501"),
)
_FATAL: Final = re.compile(r"FATAL:\s+(.*)")


def sqlstate_from_message(message: str) -> str | None:
    """The SQLSTATE of the server's FATAL message inside a libpq connection error, when the text is one of
    the known ones (a server with lc_messages in another language will not match: None)."""
    for line in message.splitlines():
        m = _FATAL.search(line)
        if m is None:
            continue
        for pattern, state in _FATAL_SQLSTATES:
            if pattern.search(m.group(1)):
                return state
    return None


def scrub(message: str, password: str | None) -> str:
    """The message, bounded (libpq repeats what the server sent), with the password and its URL encodings
    replaced by ****."""
    from dbdoctor._untrusted import bound

    message = bound(message)
    if not password:
        return message
    for form in sorted({password, quote(password, safe=""), quote_plus(password), quote(password)}, key=len,
                       reverse=True):
        if form:
            message = message.replace(form, REDACTED)
    return message


def _scrub_all(message: str, password: str | None, target: Target) -> str:
    message = scrub(message, password)
    for secret in target.secrets.values():
        if len(secret.reveal()) >= 4:
            message = scrub(message, secret.reveal())
    return message


def build_params(target: Target, *, timeout: float) -> dict[str, str]:
    """The keyword parameters for libpq, password excluded: the effective settings, the environment
    neutralised, connect_timeout from the deadline (libpq and psycopg treat 1 as 2: connectDBComplete)."""
    params: dict[str, str] = dict(_neutral_environment_params(target.settings))
    params.update(connection_settings(target))
    ours = max(2, int(timeout))
    try:
        theirs = int(float(target.settings.get("connect_timeout", "0")))
    except ValueError:
        theirs = 0
    # the user's own connect_timeout, when shorter, is part of "exactly the effective settings"
    params["connect_timeout"] = str(min(ours, max(2, theirs)) if theirs > 0 else ours)
    if "password" not in params and os.environ.get("PGPASSWORD") is not None:
        params["password"] = ""
    return params


def connection_settings(target: Target) -> dict[str, str]:
    """The effective settings with the secrets other than the password (``sslpassword``) as written, for the
    connections only: libpq hands sslpassword to OpenSSL unchanged (PQdefaultSSLKeyPassHook_OpenSSL in
    fe-secure-openssl.c), so ``****`` there would fail the key with ``bad decrypt``."""
    out = dict(target.settings)
    out.update({key: value.reveal() for key, value in target.secrets.items()})
    return out


def attempt_psycopg(target: Target, *, timeout: float) -> DriverObservation:
    """One real connection through psycopg (libpq) with exactly the effective settings and the password.

    Bounded by ``timeout``: the connect runs in a worker thread; when the deadline passes first the attempt is
    reported as timed out and the thread, still bounded by libpq's connect_timeout, closes whatever it gets."""
    start = time.monotonic()
    deadline = Deadline.after(timeout)
    password = target.password.reveal() if target.password is not None else None
    result: list[DriverObservation] = []
    abandoned = threading.Event()

    def work() -> None:
        import psycopg
        from psycopg.conninfo import make_conninfo

        params: dict[str, Any] = build_params(target, timeout=deadline.remaining())
        if password:
            params["password"] = password
        try:
            conninfo = make_conninfo("", **params)
            conn = psycopg.connect(conninfo, autocommit=True)
        except psycopg.Error as exc:
            diag = getattr(exc, "diag", None)
            sqlstate = getattr(exc, "sqlstate", None) or (diag.sqlstate if diag is not None else None)
            source = "server" if sqlstate else None
            message = _scrub_all(str(exc), password, target)
            if sqlstate is None:
                sqlstate = sqlstate_from_message(message)
                source = "message" if sqlstate else None
            result.append(
                DriverObservation(
                    driver="psycopg",
                    ok=False,
                    message=message,
                    sqlstate=sqlstate,
                    elapsed_ms=_ms(start),
                    timed_out="timeout expired" in message,
                    sqlstate_source=source,
                )
            )
            return
        except Exception as exc:
            result.append(DriverObservation("psycopg", ok=False, message=_scrub_all(f"{type(exc).__name__}: {exc}",
                                                                                   password, target),
                                                elapsed_ms=_ms(start)))
            return
        try:
            if abandoned.is_set():
                return
            elapsed = _ms(start)
            version = _server_version(conn.info.server_version)
            tls_version = tls_cipher = None
            if conn.pgconn.ssl_in_use:
                tls_version, tls_cipher = _ssl_attributes(conn)
            result.append(
                DriverObservation(
                    driver="psycopg",
                    ok=True,
                    server_version=version,
                    tls_version=tls_version,
                    tls_cipher=tls_cipher,
                    elapsed_ms=elapsed,
                )
            )
        finally:
            with contextlib.suppress(Exception):
                conn.close()

    th = threading.Thread(target=work, name="dbdoctor-driver", daemon=True)
    th.start()
    th.join(deadline.remaining() + GRACE)
    if not result:
        abandoned.set()
        return DriverObservation(
            driver="psycopg", ok=False, message="no answer before the deadline", elapsed_ms=_ms(start),
            timed_out=True,
        )
    return result[0]


def _server_version(num: int) -> str:
    """PQserverVersion as text: 150008 → "15.8" (10+), 90624 → "9.6.24"."""
    if num >= 100000:
        return f"{num // 10000}.{num % 10000}"
    return f"{num // 10000}.{num // 100 % 100}.{num % 100}"


def _ssl_attributes(conn: Any) -> tuple[str | None, str | None]:
    """TLS version and cipher of the driver's own connection, from the server's pg_stat_ssl view for this backend
    (one round trip, only when the connection is encrypted).

    psycopg 3.3 exposes ``ssl_in_use`` but not PQsslAttribute. Calling PQsslAttribute through ctypes was tried
    and dropped: with psycopg2-binary in the same process (its own libpq and OpenSSL) it crashed the process,
    and a preflight runs inside the user's app."""
    try:
        if not conn.pgconn.ssl_in_use:
            return None, None
        row = conn.execute("SELECT version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
    except Exception:
        return None, None
    if not row:
        return None, None
    return (str(row[0]) if row[0] else None), (str(row[1]) if row[1] else None)


# --- who presents the certificate: extra handshakes when a certificate verdict is in question ---------------

#: a start-up parameter no PostgreSQL release defines. PostgreSQL takes a dotted name as a custom (placeholder)
#: setting and looks at start-up settings only after authentication, so it asks for the password as usual;
#: PgBouncer refuses every start-up parameter it does not know before authentication, with
#: ``FATAL 08P01 unsupported startup parameter: dbdoctor.probe`` (verified: PgBouncer 1.18, PostgreSQL 15)
POOLER_PROBE_PARAMETER: Final = "dbdoctor.probe"
#: PgBouncer's answer to it (client.c, "unsupported startup parameter: %s")
PGBOUNCER_UNSUPPORTED: Final = re.compile(r"^unsupported startup parameter: ")
#: extra handshakes per address, and in all, when a certificate verdict is in question
SAMPLES_PER_ADDRESS: Final = 3
MAX_SAMPLES: Final = 8

EndpointKind = Literal["pgbouncer", "postgresql", "unknown"]


@dataclasses.dataclass(frozen=True, slots=True)
class EndpointSample:
    """One extra, password-free connection: the TLS handshake (chain captured) and who answered the start-up
    that followed (:data:`POOLER_PROBE_PARAMETER`). Stops at the first answer; never authenticates."""

    address: str
    port: int
    #: None when no TLS handshake was attempted (no connection, or the SSLRequest was not answered ``S``)
    tls: TlsObservation | None
    #: "pgbouncer" (it refused the parameter the way PgBouncer does), "postgresql" (it asked for
    #: authentication or let us in: no PgBouncer checks start-up parameters after that), "unknown"
    answered_by: EndpointKind = "unknown"
    #: the server's refusal, when it refused (password-free: it is about a parameter dbdoctor chose)
    message: str | None = None
    error: str | None = None


def pooler_startup_message(user: str, dbname: str | None) -> bytes:
    """The probe's StartupMessage with :data:`POOLER_PROBE_PARAMETER` added (still no password)."""
    base = _pgwire.startup_message(user, dbname)
    # a StartupMessage is Int32 length, Int32 protocol, name/value pairs, and a final NUL
    body = base[4:-1] + POOLER_PROBE_PARAMETER.encode() + b"\x00" + b"1\x00" + b"\x00"
    return struct.pack("!i", len(body) + 4) + body


def identify_endpoint(
    sock: socket.socket, deadline: Deadline, *, user: str, dbname: str | None
) -> tuple[EndpointKind, str | None]:
    """Send :func:`pooler_startup_message` and read the first answer: PgBouncer refuses the parameter before
    authentication, PostgreSQL asks for authentication (or, under trust, lets the client in)."""
    try:
        message = pooler_startup_message(user, dbname)
    except ValueError:
        return "unknown", None
    reader = _pgwire.MessageReader()
    total = 0
    try:
        _net.send_all(sock, message, deadline)
        while total < MAX_STARTUP_BYTES:
            data = _net.recv_some(sock, deadline, MAX_STARTUP_BYTES - total)
            total += len(data)
            for msg in reader.feed(data):
                if isinstance(msg, _pgwire.AuthenticationRequest):
                    return "postgresql", None
                if isinstance(msg, _pgwire.ErrorResponse):
                    text = msg.fields.message or ""
                    if PGBOUNCER_UNSUPPORTED.match(text):
                        return "pgbouncer", text[:200]
                    return "unknown", text[:200]
                if isinstance(msg, _pgwire.NoticeResponse):
                    continue
                return "unknown", None
    except (ProtocolError, TimedOut, Closed):
        return "unknown", None
    return "unknown", None


def _family(address: str) -> int:
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def sample_endpoint(
    address: str, port: int, deadline: Deadline, *, sni: str | None, settings: Mapping[str, str], user: str,
    dbname: str | None,
) -> EndpointSample:
    """One new connection to ``address``: SSLRequest (or direct TLS), a handshake that captures the chain, then
    :func:`identify_endpoint`."""
    _tcp, sock = _net.connect(_family(address), address, port, deadline)
    if sock is None:
        return EndpointSample(address, port, None, error=_tcp.error or _tcp.outcome)
    try:
        if settings.get("sslnegotiation") != "direct":
            try:
                _net.send_all(sock, _pgwire.ssl_request(), deadline)
            except (TimedOut, Closed):
                return EndpointSample(address, port, None, error="no answer to the SSLRequest")
            answer = read_ssl_answer(sock, deadline)
            if answer.answer != "S":
                return EndpointSample(address, port, None, error=f"SSLRequest answered {answer.answer}")
        tls, tls_sock = _net.tls_handshake(
            sock,
            deadline,
            sni=sni,
            alpn=(ALPN_POSTGRESQL,),
            min_version=settings.get("ssl_min_protocol_version") or "TLSv1.2",
            max_version=settings.get("ssl_max_protocol_version") or None,
            client_cert=client_cert_files(settings),
        )
        if tls_sock is None:
            return EndpointSample(address, port, tls)
        try:
            kind, message = identify_endpoint(tls_sock, deadline, user=user, dbname=dbname)
        finally:
            _net.close_quietly(tls_sock)
        return EndpointSample(address, port, tls, kind, message)
    finally:
        _net.close_quietly(sock)


def sample_endpoints(
    target: Target,
    hosts: Sequence[HostObservations],
    *,
    timeout: float,
    per_address: int = SAMPLES_PER_ADDRESS,
) -> tuple[EndpointSample, ...]:
    """A few extra password-free TLS handshakes to every address of every host the probe reached (all resolved
    addresses, not only the first), concurrently, within ``timeout``: do successive connections see the same
    certificate, and is it PgBouncer that presents it? At most :data:`MAX_SAMPLES` connections."""
    deadline = Deadline.after(timeout)
    settings = connection_settings(target)  # sslpassword for the client key, never sent to the server
    user = settings.get("user") or default_user()
    dbname = settings.get("dbname") or user
    jobs: list[tuple[str, int, str | None]] = []
    for h in hosts:
        if h.tcp is None or h.tcp.outcome != "connected" or h.address is None or h.attempt.port is None:
            continue
        if h.address.startswith("/"):
            continue  # a Unix-domain socket: libpq never uses TLS there
        addresses = h.dns.addresses if h.dns is not None and h.dns.addresses else (h.address,)
        sni = _net.libpq_sni(h.attempt.host, settings.get("sslsni"))
        for addr in addresses:
            jobs.extend([(addr, h.attempt.port, sni)] * per_address)
    jobs = jobs[:MAX_SAMPLES]
    if not jobs:
        return ()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_HOSTS, len(jobs)),
                                                 thread_name_prefix="dbdoctor-sample")
    out: list[EndpointSample] = []
    try:
        futures = [
            pool.submit(sample_endpoint, addr, port, deadline, sni=sni, settings=settings, user=user,
                        dbname=dbname)
            for addr, port, sni in jobs
        ]
        for f in futures:
            try:
                out.append(f.result(timeout=deadline.remaining() + 2 * GRACE))
            except concurrent.futures.TimeoutError:
                continue
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return tuple(out)


# --- the whole target ------------------------------------------------------------------------------------


def _single_attempt(settings: Mapping[str, str]) -> HostAttempt:
    """The one host attempt of settings that came without a host list (sources/ normally provides it)."""
    raw = settings.get("port")
    port = DEFAULT_PORT if not raw else (int(raw) if raw.isdecimal() else None)
    return HostAttempt(host=settings.get("host"), hostaddr=settings.get("hostaddr"), port=port)


def probe_target(target: Target, *, timeout: float) -> Observations:
    """Probe every host attempt of ``target`` and make the one real connection, all concurrently, within
    ``timeout`` seconds."""
    start = time.monotonic()
    deadline = Deadline.after(timeout)
    settings = connection_settings(target)  # sslpassword for the client key, never sent to the server
    user = settings.get("user") or default_user()
    dbname = settings.get("dbname") or user
    attempts = target.hosts or (_single_attempt(settings),)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=MAX_PARALLEL_HOSTS + 1,
                                                 thread_name_prefix="dbdoctor-probe")
    try:
        driver_f = pool.submit(attempt_psycopg, target, timeout=deadline.remaining())
        host_fs = [
            pool.submit(probe_host, a, user=user, dbname=dbname, settings=settings, deadline=deadline)
            for a in attempts
        ]
        hosts: list[HostObservations] = []
        for a, f in zip(attempts, host_fs, strict=True):
            try:
                hosts.append(f.result(timeout=deadline.remaining() + 2 * GRACE))
            except concurrent.futures.TimeoutError:
                hosts.append(HostObservations(attempt=a, address=None, dns=None, tcp=None))
        t_hosts = _ms(start)
        try:
            driver: DriverObservation | None = driver_f.result(timeout=deadline.remaining() + 2 * GRACE)
        except concurrent.futures.TimeoutError:
            driver = DriverObservation("psycopg", ok=False, message="no answer before the deadline",
                                       timed_out=True, elapsed_ms=_ms(start))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    timings = {"probes": t_hosts, "driver": driver.elapsed_ms if driver else 0.0, "probe_total": _ms(start)}
    return Observations(hosts=tuple(hosts), driver=driver, timings_ms=timings)


__all__ = [
    "POOLER_PROBE_PARAMETER",
    "EndpointSample",
    "attempt_psycopg",
    "build_params",
    "client_cert_files",
    "connection_settings",
    "identify_endpoint",
    "pooler_startup_message",
    "probe_host",
    "probe_target",
    "read_ssl_answer",
    "sample_endpoint",
    "sample_endpoints",
    "scrub",
    "sqlstate_from_message",
    "startup_probe",
]
