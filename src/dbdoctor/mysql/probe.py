"""Probing a MySQL/MariaDB server: DNS, TCP, the server's first packet, the TLS handshake, and one real
connection through PyMySQL with the effective settings.

The pre-authentication probe never sends a user name or a password: it reads the greeting (or ERR packet) by its
length header across as many reads as needed, sends an SSLRequest only when the greeting offers ``CLIENT_SSL``,
captures the certificate chain during the TLS handshake, and closes. Only :func:`attempt_pymysql` sends the
password, through PyMySQL, with exactly the TLS behaviour of the ssl-mode it is given.

Settings keys read here (``Target.settings`` for engine "mysql", see dbdoctor.mysql.sources): host, port, user,
dbname, socket, ssl_mode (DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY; default PREFERRED), ssl_ca,
ssl_cert, ssl_key, connect_timeout.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from typing import Any, Final, Literal

from dbdoctor import _untrusted
from dbdoctor import net as _net
from dbdoctor.errors import Closed, ProtocolError, TimedOut
from dbdoctor.mysql import wire as _mywire
from dbdoctor.net import Deadline
from dbdoctor.observations import DnsObservation, TcpObservation, TlsObservation
from dbdoctor.target import REDACTED, HostAttempt, Target

MODES: Final = ("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")
DEFAULT_PORT: Final = 3306
DEFAULT_MODE: Final = "PREFERRED"

FirstOutcome = Literal["greeting", "error", "eof", "timeout", "garbage", "not_attempted"]


@dataclasses.dataclass(frozen=True, slots=True)
class FirstPacketObservation:
    """The server's first packet: a greeting, an ERR packet, or what went wrong reading it."""

    outcome: FirstOutcome
    greeting: _mywire.Greeting | None = None
    error: _mywire.ErrPacket | None = None
    preview: str | None = None  # printable preview of bytes that were not a MySQL packet (bounded)
    detail: str | None = None  # why they were not
    elapsed_ms: float = 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class MyHostObservations:
    attempt: HostAttempt
    address: str | None
    dns: DnsObservation | None
    tcp: TcpObservation | None
    first: FirstPacketObservation | None = None
    tls: TlsObservation | None = None  # only when the greeting offered CLIENT_SSL
    #: addresses tried before ``tcp`` that did not connect (the host name resolved to several; the drivers go
    #: on to the next one, as socket.create_connection does: localhost as ::1 then 127.0.0.1)
    skipped: tuple[TcpObservation, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class SessionFacts:
    """Read inside the user's own successful connection: what decides plain-text logins for this account."""

    require_secure_transport: bool | None  # None when the server has no such variable
    user_requires: str | None  # "SSL", "X509", "ISSUER", "SUBJECT", "CIPHER" from SHOW GRANTS, else None


@dataclasses.dataclass(frozen=True, slots=True)
class MyAttempt:
    """One real PyMySQL connection: its outcome, password-free."""

    mode: str
    ok: bool
    encrypted: bool | None  # whether the connection was (or would have been) over TLS; None when unknown
    errno: int | None = None
    message: str | None = None
    server_version: str | None = None
    tls_version: str | None = None
    tls_cipher: str | None = None
    session: SessionFacts | None = None
    elapsed_ms: float = 0.0
    #: no answer in time: PyMySQL says 2003 ("Can't connect ... (timed out)") or 2013 ("Lost connection ...
    #: (timed out)") for a timeout just as for a refusal or a broken handshake; this tells them apart
    timed_out: bool = False
    driver: str = "pymysql"
    #: the class of the OSError PyMySQL wrapped in its 2003/2013 (ConnectionRefusedError, TimeoutError,
    #: SSLCertVerificationError ...), None when none
    os_error: str | None = None
    #: on success: whether the server's greeting offered TLS (CLIENT_SSL), None when not known
    server_offers_tls: bool | None = None
    #: the cause when the attempt failed before any network for a reason of its own settings (the app's driver
    #: cannot read its CA file), else None
    cause: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class MyObservations:
    hosts: tuple[MyHostObservations, ...]
    driver: MyAttempt | None
    timings_ms: Mapping[str, float] = dataclasses.field(default_factory=dict)


def _ms(start: float) -> float:
    return (time.monotonic() - start) * 1000


def _preview(data: bytes, limit: int = 40) -> str:
    return "".join(chr(b) if 32 <= b < 127 else "." for b in data[:limit])


# --- pre-authentication probe ----------------------------------------------------------------------------------


def read_first_packet(sock: socket.socket, deadline: Deadline) -> FirstPacketObservation:
    """Read the server's first packet by its 3-byte length header, across as many reads as needed, bounded in
    size (``_mywire.MAX_FIRST_PACKET``) and time."""
    start = time.monotonic()
    buf = b""
    while True:
        try:
            taken = _mywire.take_packet(buf)
        except ProtocolError as exc:
            return FirstPacketObservation(
                "garbage", preview=_preview(buf), detail=str(exc), elapsed_ms=_ms(start)
            )
        if taken is not None:
            packet, _rest = taken
            try:
                first = _mywire.parse_first(packet.payload)
            except ProtocolError as exc:
                return FirstPacketObservation(
                    "garbage", preview=_preview(buf), detail=str(exc), elapsed_ms=_ms(start)
                )
            if isinstance(first, _mywire.ErrPacket):
                return FirstPacketObservation("error", error=first, elapsed_ms=_ms(start))
            return FirstPacketObservation("greeting", greeting=first, elapsed_ms=_ms(start))
        try:
            buf += _net.recv_some(
                sock, deadline, limit=_mywire.HEADER_LEN + _mywire.MAX_FIRST_PACKET - len(buf)
            )
        except TimedOut:
            outcome: FirstOutcome = "timeout" if not buf else "garbage"
            return FirstPacketObservation(
                outcome,
                preview=_preview(buf) if buf else None,
                detail="incomplete packet at the deadline" if buf else None,
                elapsed_ms=_ms(start),
            )
        except Closed as exc:
            if not buf:
                return FirstPacketObservation("eof", detail=str(exc), elapsed_ms=_ms(start))
            return FirstPacketObservation(
                "garbage", preview=_preview(buf), detail=f"closed mid-packet: {exc}", elapsed_ms=_ms(start)
            )


def _sni(host: str | None) -> str | None:
    """Python's ssl (PyMySQL, mysql-connector) sends no SNI for an IP address; libmariadb does the same."""
    if not host or host.startswith("/") or _net.is_ip_literal(host):
        return None
    return host


def client_cert_files(settings: Mapping[str, str]) -> _net.ClientCert | None:
    cert, key = settings.get("ssl_cert"), settings.get("ssl_key")
    if cert:
        return _net.ClientCert(cert, key or cert)
    return None


def probe_host(attempt: HostAttempt, settings: Mapping[str, str], deadline: Deadline) -> MyHostObservations:
    """DNS, TCP, first packet, and a TLS handshake when offered: never a user name or a password."""
    dns = None
    if attempt.is_unix_socket:
        address: str | None = attempt.host
        family: int = socket.AF_UNIX
    else:
        host = attempt.connect_to or "localhost"
        port = attempt.port or DEFAULT_PORT
        dns, pairs = _net.resolve(host, port, deadline, numeric=_net.is_ip_literal(host))
        if not pairs:
            return MyHostObservations(attempt, None, dns, None)
    # every address in the order resolved, until one connects: what PyMySQL (socket.create_connection),
    # libmariadb and mysql-connector-python do with a name that resolves to several
    candidates = [(family, address)] if attempt.is_unix_socket else pairs
    skipped: list[TcpObservation] = []
    for i, (family, address) in enumerate(candidates):
        tcp, sock = _net.connect(family, address or "", attempt.port or DEFAULT_PORT, deadline)
        if sock is not None or i == len(candidates) - 1 or deadline.remaining() <= 0:
            break
        skipped.append(tcp)
    if sock is None:
        return MyHostObservations(attempt, address, dns, tcp, skipped=tuple(skipped))
    try:
        first = read_first_packet(sock, deadline)
        tls = None
        if first.greeting is not None and first.greeting.offers_tls:
            try:
                _net.send_all(sock, _mywire.ssl_request(first.greeting), deadline)
            except (TimedOut, Closed) as exc:
                tls = TlsObservation(
                    completed=False, error=f"sending the SSLRequest failed: {exc or 'timed out'}"
                )
            else:
                cert = client_cert_files(settings)
                tls, tls_sock = _net.tls_handshake(
                    sock, deadline, sni=_sni(attempt.host), min_version="TLSv1.2", client_cert=cert
                )
                if tls_sock is not None:
                    sock = tls_sock
        return MyHostObservations(attempt, address, dns, tcp, first, tls, tuple(skipped))
    finally:
        _net.close_quietly(sock)


# --- the real connection ---------------------------------------------------------------------------------------

_ERRNO_RE: Final = re.compile(r"^\((\d+),")


def tls_context(mode: str, settings: Mapping[str, str]) -> ssl.SSLContext:
    """The SSLContext a MySQL client applies for ``mode``: REQUIRED and PREFERRED verify nothing, VERIFY_CA the
    chain against ssl_ca (else the system store), VERIFY_IDENTITY the chain and the host name. The client
    certificate (ssl_cert/ssl_key) is offered in every mode."""
    ca = settings.get("ssl_ca")
    if mode in ("VERIFY_CA", "VERIFY_IDENTITY"):
        ctx = ssl.create_default_context(cafile=ca) if ca else ssl.create_default_context()
        ctx.check_hostname = mode == "VERIFY_IDENTITY"
        ctx.verify_mode = ssl.CERT_REQUIRED
    else:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    with contextlib.suppress(ValueError, ssl.SSLError):
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    cert = client_cert_files(settings)
    if cert is not None:
        ctx.load_cert_chain(cert.cert, cert.key)
    return ctx


def _context_cause(mode: str, settings: Mapping[str, str]) -> str:
    """Which of the client's own files made :func:`tls_context` fail: the CA file (verifying modes only read it),
    else the client certificate or key."""
    ca = settings.get("ssl_ca")
    if mode in ("VERIFY_CA", "VERIFY_IDENTITY") and ca:
        try:
            ssl.create_default_context(cafile=ca)
        except FileNotFoundError:
            return "ca_file_missing"
        except (ssl.SSLError, OSError, ValueError):
            return "ca_file_invalid"
    return "client_cert_problem"


def scrub(message: str, password: str | None) -> str:
    """``message`` bounded (a server chooses its length: a 16 MB ERR packet) with the password masked."""
    message = _untrusted.bound(message)
    if password and password in message:
        message = message.replace(password, REDACTED)
    return message


#: what the attempt says when it refuses a cleartext login (mysql_clear_password) over a plain connection
CLEARTEXT_REFUSED: Final = (
    "refused: the server asked for the password in clear text (mysql_clear_password) over a connection "
    "without TLS; dbdoctor does not send it unless your settings enable the cleartext plugin"
)
#: CR_AUTH_PLUGIN_CANNOT_LOAD, what libmysqlclient reports when the cleartext plugin is not enabled
CR_AUTH_PLUGIN_CANNOT_LOAD: Final = 2059


def cleartext_allowed(settings: Mapping[str, str]) -> bool:
    """Whether the user's own settings enable cleartext authentication (libmysqlclient's
    ``enable-cleartext-plugin``, Connector/Python's ``auth_plugin=mysql_clear_password``)."""
    for key in ("enable_cleartext_plugin", "enable-cleartext-plugin", "allow_cleartext_passwords"):
        if (settings.get(key) or "").strip().lower() in ("1", "true", "yes", "on"):
            return True
    return (settings.get("auth_plugin") or "").strip().lower() == "mysql_clear_password"


def _cleartext_guard(allowed: bool) -> type:
    """A PyMySQL auth plugin handler for ``mysql_clear_password``: sends the password only over TLS or when the
    user's settings allow it, else raises OperationalError 2059 before a byte of it leaves."""
    import pymysql

    class ClearPassword:
        def __init__(self, conn: Any) -> None:
            self.conn = conn

        def authenticate(self, pkt: Any) -> Any:
            if not allowed and not isinstance(self.conn._sock, ssl.SSLSocket):
                raise pymysql.err.OperationalError(CR_AUTH_PLUGIN_CANNOT_LOAD, CLEARTEXT_REFUSED)
            self.conn.write_packet(self.conn.password + b"\0")
            reply = self.conn._read_packet()
            reply.check_error()
            return reply

    return ClearPassword


_REQUIRE_RE: Final = re.compile(r"\bREQUIRE\s+(SSL|X509|ISSUER|SUBJECT|CIPHER)\b", re.IGNORECASE)


def _session_facts(conn: Any) -> SessionFacts:
    rst: bool | None = None
    requires: str | None = None
    with conn.cursor() as cur:
        try:
            cur.execute("SELECT @@require_secure_transport")
            row = cur.fetchone()
            rst = bool(int(row[0])) if row and row[0] is not None else None
        except Exception:
            rst = None
        try:
            cur.execute("SHOW GRANTS")
            for (line,) in cur.fetchall():
                # the line may hold the password hash: only the REQUIRE clause is kept, nothing else
                m = _REQUIRE_RE.search(str(line))
                if m:
                    requires = m.group(1).upper()
                    break
        except Exception:
            requires = None
    return SessionFacts(rst, requires)


def _wrapped(exc: BaseException) -> BaseException | None:
    """The exception PyMySQL turned into its OperationalError: ``original_exception`` for 2003, the one being
    handled for 2013 (raised inside its ``except OSError``)."""
    inner = getattr(exc, "original_exception", None)
    if isinstance(inner, BaseException):
        return inner
    return exc.__cause__ or exc.__context__


def is_timeout(exc: BaseException | None, text: str = "") -> bool:
    """Whether a failure is a timeout: the wrapped error is one (socket.timeout is TimeoutError; so is the ssl
    module's "handshake operation timed out"), else PyMySQL's text ends in "(timed out)"."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, TimeoutError):
            return True
        exc, seen = _wrapped(exc), seen + 1
    return "timed out" in text


def attempt_pymysql(
    target: Target,
    *,
    timeout: float,
    mode: str | None = None,
    greeting_offers_tls: bool | None = None,
    tls_mode: str | None = None,
) -> MyAttempt:
    """One real connection through PyMySQL with the effective settings (``mode`` overrides ssl_mode), the
    password included. Bounded by ``timeout`` (a worker thread; PyMySQL's own timeouts bound it as well).

    ``tls_mode`` (with PREFERRED only): TLS verified as that mode when the server offers it, plain text when it
    does not: what PyMySQL 1.1 does with SSL options (the app's driver, ``--driver pymysql==1.1``), which no
    MySQL client mode expresses."""
    import pymysql

    start = time.monotonic()
    settings = target.settings
    mode = (mode or settings.get("ssl_mode") or DEFAULT_MODE).upper()
    password = target.password.reveal() if target.password is not None else ""
    result: list[MyAttempt] = []
    abandoned = threading.Event()
    if mode == "DISABLED":
        encrypted: bool | None = False
    elif mode == "PREFERRED":
        encrypted = greeting_offers_tls
    else:
        encrypted = True

    def work() -> None:
        # the driver's own timeouts end just inside the budget, so its message (2013 ... timed out) is the one kept
        t = max(0.1, timeout - 0.2)
        kwargs: dict[str, Any] = {
            "user": settings.get("user") or "",
            "password": password,
            "database": settings.get("dbname") or None,
            "connect_timeout": t,
            "read_timeout": t,
            "write_timeout": t,
            "defer_connect": True,
            "autocommit": True,
            "auth_plugin_map": {"mysql_clear_password": _cleartext_guard(cleartext_allowed(settings))},
        }
        if settings.get("socket"):
            kwargs["unix_socket"] = settings["socket"]
        else:
            kwargs["host"] = settings.get("host") or "localhost"
            kwargs["port"] = int(settings.get("port") or DEFAULT_PORT)
        ctx = None
        if mode != "DISABLED" and not (mode == "PREFERRED" and greeting_offers_tls is False):
            try:
                ctx = tls_context(tls_mode or mode if mode == "PREFERRED" else mode, settings)
            except (ssl.SSLError, OSError, ValueError) as exc:
                # the client's own files, before any network: the CA file or the client certificate and key
                result.append(MyAttempt(mode, False, encrypted, message=scrub(f"{type(exc).__name__}: {exc}", password),
                                        elapsed_ms=_ms(start), os_error=type(exc).__name__ if isinstance(exc, OSError)
                                        else None, cause=_context_cause(mode, settings)))
                return
        try:
            if mode == "DISABLED":
                kwargs["ssl_disabled"] = True
            elif mode != "PREFERRED":
                kwargs["ssl"] = ctx
            conn = pymysql.connect(**kwargs)
            if mode == "PREFERRED" and ctx is not None:
                # PyMySQL's own PREFERRED (TLS when offered, unverified unless ``tls_mode`` verifies, plain
                # otherwise) with the client certificate, when one is set, offered as the MySQL client does
                conn.ctx = ctx
            conn.connect()
        except pymysql.err.MySQLError as exc:
            errno = exc.args[0] if exc.args and isinstance(exc.args[0], int) else None
            text = _untrusted.bound(str(exc.args[1]) if len(exc.args) > 1 else str(exc))
            inner = _wrapped(exc)
            result.append(
                MyAttempt(
                    mode,
                    False,
                    encrypted,
                    errno=errno,
                    message=scrub(f"({errno}, {text!r})", password),
                    elapsed_ms=_ms(start),
                    timed_out=is_timeout(exc, text),
                    os_error=type(inner).__name__ if isinstance(inner, OSError) else None,
                )
            )
            return
        except (ssl.SSLError, OSError, ValueError, RuntimeError) as exc:
            # RuntimeError: PyMySQL's "'pynacl' package is required for ed25519_password auth method" (an
            # authentication plugin it cannot do without PyNaCl; verified against MariaDB 10.11 ed25519)
            result.append(
                MyAttempt(
                    mode,
                    False,
                    encrypted,
                    message=scrub(f"{type(exc).__name__}: {exc}", password),
                    elapsed_ms=_ms(start),
                    timed_out=is_timeout(exc),
                    os_error=type(exc).__name__ if isinstance(exc, OSError) else None,
                )
            )
            return
        except Exception as exc:  # the driver's parser breaking on a server's bytes (struct.error, ...)
            result.append(
                MyAttempt(
                    mode,
                    False,
                    encrypted,
                    message=scrub(f"the server's reply broke the driver's parser ({type(exc).__name__}: {exc})",
                                  password),
                    elapsed_ms=_ms(start),
                )
            )
            return
        try:
            if abandoned.is_set():
                return
            elapsed = _ms(start)
            sock = conn._sock
            tls_version = tls_cipher = None
            if isinstance(sock, ssl.SSLSocket):
                tls_version = sock.version()
                tls_cipher = (sock.cipher() or (None,))[0]
            facts = _session_facts(conn)
            result.append(
                MyAttempt(
                    mode,
                    True,
                    tls_version is not None,
                    server_version=str(conn.get_server_info()),
                    tls_version=tls_version,
                    tls_cipher=tls_cipher,
                    session=facts,
                    elapsed_ms=elapsed,
                    server_offers_tls=bool(getattr(conn, "server_capabilities", 0) & _mywire.CLIENT_SSL),
                )
            )
        finally:
            with contextlib.suppress(Exception):
                conn.close()

    th = threading.Thread(target=work, name="dbdoctor-pymysql", daemon=True)
    th.start()
    th.join(max(0.05, timeout))  # the caller's budget, no grace on top: nothing outlives --timeout
    if not result:
        abandoned.set()
        return MyAttempt(mode, False, encrypted, message="timed out", elapsed_ms=_ms(start), timed_out=True)
    return result[0]


def attempt_as_driver(
    target: Target, view: Any, *, timeout: float, greeting_offers_tls: bool | None = None
) -> MyAttempt:
    """The one real connection as the app's driver makes it (``view``: a drivers.mysql_base.MySQLDriverView, or
    None for the MySQL client's reading; ``target`` already carries the driver's ssl-mode and CA, see
    drivers.mysql_hook.apply): a driver that falls back to plain text but verifies when TLS is offered (PyMySQL
    1.1 with SSL options) gets that verification, and a driver that fails on a server without TLS whatever its
    mode (mysql-connector-python with ssl_disabled and ssl_verify_cert) fails so, in its own words."""
    if view is None:
        return attempt_pymysql(target, timeout=timeout, greeting_offers_tls=greeting_offers_tls)
    from dbdoctor.drivers.mysql_base import get_mysql

    messages = get_mysql(view.driver).messages
    missing = _missing_ca(view, messages, greeting_offers_tls)
    if missing is not None:
        return MyAttempt(target.settings.get("ssl_mode") or DEFAULT_MODE, False, None, message=missing,
                         driver=view.driver, os_error="FileNotFoundError", cause="ca_file_missing")
    ca = target.settings.get("ssl_ca")
    if ca and not os.path.exists(ca) and messages.get("ca_file_missing_when") == "tls" and greeting_offers_tls is False:
        # a driver that reads its CA file only once TLS is under way never reads it from a server without TLS:
        # PyMySQL, standing in, must not fail on the file before it has the server's greeting
        target = target.with_settings(ssl_ca=None)
    tls_mode = view.tls_mode if view.falls_back and view.tls_mode in ("VERIFY_CA", "VERIFY_IDENTITY") else None
    a = attempt_pymysql(target, timeout=timeout, greeting_offers_tls=greeting_offers_tls, tls_mode=tls_mode)
    if a.ok and view.fails_without_tls and a.server_offers_tls is False:
        said = messages.get("server_ssl_unsupported", SSL_UNSUPPORTED)
        return dataclasses.replace(a, ok=False, errno=2026, message=said, session=None, server_version=None)
    if not a.ok and a.errno == 2026 and "server_ssl_unsupported" in messages:
        # PyMySQL stood in for the app's driver: the failure is the driver's own, in its own words
        return dataclasses.replace(a, message=messages["server_ssl_unsupported"])
    return a


def _missing_ca(view: Any, messages: Mapping[str, str], greeting_offers_tls: bool | None) -> str | None:
    """The app's driver's own error when the CA file it was given does not exist and it loads that file anyway
    (``ca_file_missing`` in its messages; ``ca_file_missing_when``: ``always``, or ``tls`` when only a TLS
    connection loads it): PyMySQL raises FileNotFoundError in ``connect()`` whatever the server,
    mysql-connector-python says ``Invalid CA Certificate`` once the server offers TLS. None when it connects."""
    said = messages.get("ca_file_missing")
    given = getattr(view, "ca_given", None)
    if said is None or not given or view.mode in (None, "DISABLED") or os.path.exists(given):
        return None
    if messages.get("ca_file_missing_when", "always") == "tls" and not greeting_offers_tls:
        return None
    return said


#: PyMySQL's text for error 2026 (CR_SSL_CONNECTION_ERROR)
SSL_UNSUPPORTED: Final = "(2026, \"SSL is required but the server doesn't support it\")"


def probe_target(target: Target, *, timeout: float, view: Any = None) -> MyObservations:
    """The pre-authentication probe of the first host, then the real connection with the effective settings
    (as the app's driver makes it, with ``view``: :func:`attempt_as_driver`)."""
    start = time.monotonic()
    deadline = Deadline.after(timeout)
    hosts: list[MyHostObservations] = []
    for attempt in target.hosts[:1] or (HostAttempt("localhost", None, DEFAULT_PORT),):
        hosts.append(probe_host(attempt, target.settings, deadline.within(max(0.2, timeout * 0.5))))
    t_probe = time.monotonic()
    offers = None
    first = hosts[0].first if hosts else None
    if first is not None and first.greeting is not None:
        offers = first.greeting.offers_tls
    driver = attempt_as_driver(target, view, timeout=max(0.5, deadline.remaining()), greeting_offers_tls=offers)
    return MyObservations(
        tuple(hosts),
        driver,
        {"probe": (t_probe - start) * 1000, "driver": _ms(t_probe)},
    )
