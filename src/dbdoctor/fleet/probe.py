"""The password-free endpoint probe, in asyncio: one coroutine per endpoint, no thread, no process.

Per endpoint, in order and on at most one connection at a time (unless ``parallel`` is asked for):

1. DNS (skipped for an IP literal or an ``address``), 2. TCP, 3. the engine's TLS negotiation: PostgreSQL's
SSLRequest (answer classified exactly by :func:`dbdoctor.postgres.wire.classify_ssl_answer`), MySQL's
Handshake v10 greeting and SSLRequest (:mod:`dbdoctor.mysql.wire`), 4. the TLS handshake, capturing the
whole chain, no verification (the analysis is :mod:`dbdoctor.fleet.certs`), 5. for PostgreSQL that offered TLS,
a second connection with a StartupMessage in plain text and no password: an AuthenticationRequest means plain
text is accepted (TLS only *offered*), ErrorResponse 28000 "... no encryption" means it is refused (TLS
*required*). The probe never answers an authentication request.

MySQL/MariaDB check ``require_secure_transport`` only after authentication (measured on MariaDB 10.11: a
password-free login gets 1045 whether or not it is on), so without credentials a MySQL endpoint that offers TLS
is ``offered?``.

The engine of an endpoint with none given is learnt from its first bytes: a MySQL server speaks first (its
greeting), a PostgreSQL server waits for the client.

Every network step runs under the endpoint's deadline (``asyncio.timeout``); every socket is aborted, never
half-closed with a wait for the peer's close_notify.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import ipaddress
import socket
import ssl
import time
import warnings
from collections.abc import Sequence
from typing import Final

from dbdoctor.errors import ProbeFailed, ProtocolError
from dbdoctor.fleet.certs import Analyzer
from dbdoctor.fleet.records import ISSUES, CertInfo, Endpoint, Engine, Result, Status, TlsState, status_rank
from dbdoctor.mysql import wire as _mywire
from dbdoctor.postgres import wire as _pgwire

#: ALPN that libpq 17+ offers on every TLS connection
ALPN_POSTGRESQL: Final = "postgresql"
#: the user name of the plain-text start-up probe (no password is ever sent)
PROBE_USER: Final = "dbdoctor_probe"
#: bounded reads
MAX_FIRST_BYTES: Final = 16384
MAX_STARTUP_BYTES: Final = 65536
#: the least time to wait for a MySQL greeting when the engine is unknown (then: several round trips)
SNIFF_MIN_S: Final = 0.25
_ENCODING_DER: Final = 2  # _ssl.ENCODING_DER: the encoding argument of _ssl.Certificate.public_bytes


@dataclasses.dataclass(frozen=True, slots=True)
class ProbeOptions:
    timeout: float = 5.0  # per endpoint
    ca_file: str | None = None  # default CA source (an endpoint's own wins); None: the system bundle
    expiring_days: int = 30
    parallel: bool = False  # allow the plain probe to run beside the TLS one (two connections at once)
    plain_probe: bool = True


def _ms(start: float) -> float:
    return (time.monotonic() - start) * 1000


def engine_from_port(port: int) -> Engine | None:
    if port in (5432, 5433, 6432):
        return "postgresql"
    if port in (3306, 3307, 33060, 4000):
        return "mysql"
    return None


def _capture_context() -> ssl.SSLContext:
    """Verifies nothing: its only job is to see what the server presents (the analysis is separate)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with contextlib.suppress(ValueError, ssl.SSLError), warnings.catch_warnings():
        # see what old servers negotiate too (reported as old-tls) instead of failing their handshake
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ssl.TLSVersion.TLSv1
    with contextlib.suppress(ssl.SSLError):
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    return ctx


_CONTEXTS: dict[tuple[str, bool], ssl.SSLContext] = {}


def _context(engine: Engine, p256: bool) -> ssl.SSLContext:
    """``p256``: offer only the P-256 key share. PostgreSQL's ssl_ecdh_curve defaults to prime256v1, so a
    client offering X25519 first gets a HelloRetryRequest: one more round trip per handshake (measured: the
    handshake took 2.5 round trips instead of 1.5 through a 50 ms forwarder). A server that refuses P-256
    gets a second attempt with the default groups."""
    ctx = _CONTEXTS.get((engine, p256))
    if ctx is None:
        ctx = _capture_context()
        if engine == "postgresql":
            ctx.set_alpn_protocols([ALPN_POSTGRESQL])
        if p256:
            ctx.set_ecdh_curve("prime256v1")
        _CONTEXTS[(engine, p256)] = ctx
    return ctx


def _chain_of(writer: asyncio.StreamWriter) -> tuple[bytes, ...]:
    sslobj = writer.get_extra_info("ssl_object")
    inner = getattr(sslobj, "_sslobj", None)
    getter = getattr(inner, "get_unverified_chain", None)
    if callable(getter):
        try:
            chain = getter()
        except (ssl.SSLError, ValueError):
            chain = None
        if chain:
            return tuple(c if isinstance(c, bytes) else bytes(c.public_bytes(_ENCODING_DER)) for c in chain)
    leaf = sslobj.getpeercert(binary_form=True) if sslobj is not None else None
    return (leaf,) if leaf else ()


def _abort(writer: asyncio.StreamWriter | None) -> None:
    if writer is not None:
        with contextlib.suppress(Exception):
            writer.transport.abort()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
        return True
    except ValueError:
        return False


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the server"
    if isinstance(exc, asyncio.IncompleteReadError):
        return "the server closed the connection"
    if isinstance(exc, ssl.SSLError):
        reason = getattr(exc, "reason", None)
        return str(reason).lower().replace("_", " ") if reason else str(exc)
    if isinstance(exc, OSError):
        return exc.strerror or str(exc) or type(exc).__name__
    return str(exc) or type(exc).__name__


@dataclasses.dataclass(slots=True)
class ProbeState:
    """What the probe learnt so far (mutable while it runs; turned into a frozen Result at the end)."""

    engine: Engine | None
    timings: list[tuple[str, float]] = dataclasses.field(default_factory=list)
    addresses: tuple[str, ...] = ()
    offered: bool | None = None
    plain_accepted: bool | None = None
    plain_answer: str | None = None
    server_version: str | None = None
    tls_version: str | None = None
    cipher: str | None = None
    chain: tuple[bytes, ...] = ()
    refused: str | None = None
    phase: str = "dns"
    p256: bool = True

    def mark(self, phase: str, start: float) -> None:
        self.timings.append((phase, _ms(start)))


async def _resolve(ep: Endpoint, st: ProbeState) -> list[tuple[int, str]]:
    if ep.address:
        fam = socket.AF_INET6 if ":" in ep.address else socket.AF_INET
        st.addresses = (ep.address,)
        return [(fam, ep.address)]
    host = ep.host.strip("[]")
    if _is_ip(host):
        st.addresses = (host,)
        return [(socket.AF_INET6 if ":" in host else socket.AF_INET, host)]
    start = time.monotonic()
    st.phase = "dns"
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, ep.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ProbeFailed("dns", f"DNS: {exc.strerror or exc}") from None
    st.mark("dns", start)
    seen: list[tuple[int, str]] = []
    for fam, _t, _p, _c, sa in infos:
        pair = (int(fam), str(sa[0]))
        if pair not in seen:
            seen.append(pair)
    st.addresses = tuple(a for _f, a in seen)
    return seen


async def _connect(
    pairs: Sequence[tuple[int, str]], port: int, st: ProbeState, phase: str = "tcp"
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    if phase:
        st.phase = phase
    start = time.monotonic()
    last = "no address"
    for _fam, addr in pairs:
        try:
            reader, writer = await asyncio.open_connection(addr, port, limit=MAX_STARTUP_BYTES)
        except OSError as exc:
            last = _os_reason(exc)
            continue
        if phase:
            st.mark(phase, start)
        return reader, writer
    raise ProbeFailed("tcp", f"TCP: {last}")


async def _read_some(reader: asyncio.StreamReader, limit: int) -> bytes:
    data = await reader.read(limit)
    if not data:
        raise asyncio.IncompleteReadError(b"", None)
    return data


async def _tls(writer: asyncio.StreamWriter, ep: Endpoint, engine: Engine, st: ProbeState) -> None:
    st.phase = "tls"
    start = time.monotonic()
    sni = ep.verify_name if not _is_ip(ep.verify_name) else None
    try:
        await writer.start_tls(_context(engine, st.p256), server_hostname=sni)
    except (ssl.SSLError, OSError, EOFError, asyncio.IncompleteReadError) as exc:
        raise ProbeFailed("tls", f"TLS handshake: {_os_reason(exc)}", "handshake-failed") from None
    st.mark("tls", start)
    sslobj = writer.get_extra_info("ssl_object")
    if sslobj is not None:
        st.tls_version = sslobj.version()
        cipher = sslobj.cipher()
        st.cipher = cipher[0] if cipher else None
    st.chain = _chain_of(writer)


# --- PostgreSQL ---------------------------------------------------------------------------------------------


async def _pg_negotiate(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ep: Endpoint, st: ProbeState
) -> None:
    st.phase = "negotiate"
    start = time.monotonic()
    writer.write(_pgwire.ssl_request())
    buf = b""
    while True:
        try:
            buf += await _read_some(reader, MAX_FIRST_BYTES - len(buf))
        except (OSError, asyncio.IncompleteReadError) as exc:
            raise ProbeFailed("negotiate", f"SSLRequest: {_os_reason(exc)}") from None
        try:
            ans = _pgwire.classify_ssl_answer(buf)
        except ProtocolError as exc:  # pragma: no cover - classify only raises on empty input
            raise ProbeFailed("negotiate", f"SSLRequest: {exc}") from None
        if ans.kind != "incomplete":
            break
        if len(buf) >= MAX_FIRST_BYTES:
            raise ProbeFailed("negotiate", "SSLRequest: an answer longer than any PostgreSQL server sends")
    st.mark("negotiate", start)
    if ans.kind == "S":
        st.offered = True
        await _tls(writer, ep, "postgresql", st)
    elif ans.kind == "N":
        st.offered = False
    elif ans.kind == "E":
        msg = ans.error.message if ans.error else ""
        st.refused = f"ErrorResponse to the SSLRequest: {msg}"[:200]
        raise ProbeFailed("negotiate", st.refused, "server-refused")
    elif ans.kind == "extra":
        raise ProbeFailed("negotiate", f"bytes after the one-byte answer to the SSLRequest ({ans.preview}): not a "
                      "conforming PostgreSQL server (CVE-2021-23222)")
    else:
        raise ProbeFailed("negotiate", f"not PostgreSQL: the answer to the SSLRequest is {ans.kind} ({ans.preview})")


async def _pg_plain(pairs: Sequence[tuple[int, str]], ep: Endpoint, st: ProbeState) -> None:
    """The plain-text start-up probe: no password, never answers an authentication request."""
    start = time.monotonic()
    st.phase = "plain"
    writer: asyncio.StreamWriter | None = None
    try:
        reader, writer = await _connect(pairs, ep.port, st, phase="")
        writer.write(_pgwire.startup_message(ep.user or PROBE_USER, ep.dbname))
        msgs = _pgwire.MessageReader()
        total = 0
        while total < MAX_STARTUP_BYTES:
            data = await _read_some(reader, MAX_STARTUP_BYTES - total)
            total += len(data)
            for msg in msgs.feed(data):
                if isinstance(msg, _pgwire.AuthenticationRequest):
                    st.plain_accepted = True
                    st.plain_answer = f"AuthenticationRequest {msg.code}"
                    return
                if isinstance(msg, _pgwire.ErrorResponse):
                    f = msg.fields
                    st.plain_answer = f"{f.sqlstate} {f.message}"[:200]
                    if f.sqlstate == "28000" and ("no encryption" in f.message or "reject" in f.message):
                        st.plain_accepted = False
                    elif f.sqlstate in ("28P01", "3D000", "42704"):
                        st.plain_accepted = True  # got past pg_hba.conf
                    return
                if isinstance(msg, _pgwire.NoticeResponse):
                    continue
                st.plain_answer = f"unexpected message {getattr(msg, 'type', '?')}"
                return
    except ProbeFailed as exc:
        st.plain_answer = exc.reason
    except (OSError, asyncio.IncompleteReadError, ProtocolError) as exc:
        st.plain_answer = f"plain start-up: {_os_reason(exc)}"
    finally:
        _abort(writer)
        st.mark("plain", start)


# --- MySQL ----------------------------------------------------------------------------------------------------


async def _my_greeting(reader: asyncio.StreamReader, st: ProbeState, first: bytes = b"") -> _mywire.Greeting:
    st.phase = "negotiate"
    buf = first
    while True:
        try:
            got = _mywire.take_packet(buf)
        except ProtocolError as exc:
            raise ProbeFailed("negotiate", f"MySQL greeting: {exc}") from None
        if got is not None:
            break
        try:
            buf += await _read_some(reader, MAX_FIRST_BYTES)
        except (OSError, asyncio.IncompleteReadError) as exc:
            raise ProbeFailed("negotiate", f"MySQL greeting: {_os_reason(exc)}") from None
    try:
        first_packet = _mywire.parse_first(got[0].payload)
    except ProtocolError as exc:
        raise ProbeFailed("negotiate", f"not MySQL: {exc}") from None
    if isinstance(first_packet, _mywire.ErrPacket):
        st.refused = f"ERR {first_packet.errno}: {first_packet.message}"[:200]
        raise ProbeFailed("negotiate", st.refused, "server-refused")
    st.server_version = first_packet.version
    return first_packet


async def _my_negotiate(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ep: Endpoint, st: ProbeState, first: bytes = b""
) -> None:
    start = time.monotonic()
    greeting = await _my_greeting(reader, st, first)
    st.mark("negotiate", start)
    st.offered = greeting.offers_tls
    if greeting.offers_tls:
        writer.write(_mywire.ssl_request(greeting))
        await _tls(writer, ep, "mysql", st)


async def _sniff(reader: asyncio.StreamReader, wait: float) -> bytes:
    """The first bytes a server sends on its own within ``wait`` seconds (b"" when it waits for the client)."""
    try:
        async with asyncio.timeout(wait):
            return await _read_some(reader, MAX_FIRST_BYTES)
    except TimeoutError:
        return b""


# --- one endpoint -------------------------------------------------------------------------------------------


def _tls_state(st: ProbeState) -> TlsState:
    if st.offered is None:
        return "unknown"
    if not st.offered:
        return "none"
    if st.plain_accepted is True:
        return "offered"
    if st.plain_accepted is False:
        return "required"
    return "offered?"


def _status(issues: Sequence[str]) -> Status:
    worst: Status = "ok"
    for code in issues:
        s = ISSUES[code][0]
        if status_rank(s) > status_rank(worst):
            worst = s
    return worst


def _weak_key(key_type: str) -> bool:
    parts = key_type.split()
    if len(parts) == 2 and parts[0] in ("RSA", "DSA") and parts[1].isdigit():
        return int(parts[1]) < 2048
    return False


def finish(
    ep: Endpoint,
    st: ProbeState,
    analyzer: Analyzer,
    options: ProbeOptions,
    *,
    started: float,
    failure: ProbeFailed | None = None,
    now: float | None = None,
) -> Result:
    """Turn what the probe saw into the frozen result, with its issue codes."""
    issues: list[str] = []
    error = failure.reason if failure else None
    if failure is not None:
        issues.append(failure.issue)
    tls = _tls_state(st)
    if tls == "none":
        issues.append("no-tls")
    elif tls == "offered":
        issues.append("tls-optional")
    chain_problem = None
    chain_complete = trusted = name_matched = None
    days_left = None
    certs: tuple[CertInfo, ...] = ()
    if st.chain:
        verdict = analyzer.verdict(st.chain, ep.ca_file or options.ca_file)
        certs = verdict.certs
        chain_problem = verdict.problem
        trusted = verdict.trusted
        chain_complete = verdict.problem != "chain_incomplete"
        name_matched = analyzer.name_matches(verdict, st.chain[0], ep.verify_name)
        moment = now if now is not None else time.time()
        if certs:
            days_left = int((certs[0].not_after_epoch - moment) // 86400)
        problem_issue = {
            "chain_incomplete": "chain-incomplete",
            "self_signed": "self-signed",
            "untrusted": "untrusted",
            "expired": "expired",
            "not_yet_valid": "not-yet-valid",
        }.get(verdict.problem or "")
        if problem_issue:
            issues.append(problem_issue)
        if not name_matched:
            issues.append("name-mismatch")
        if days_left is not None and 0 <= days_left < options.expiring_days and "expired" not in issues:
            issues.append("expiring")
        if days_left is not None and days_left < 0 and "expired" not in issues:
            issues.append("expired")
        if any(_weak_key(c.key_type) for c in certs[:1]):
            issues.append("weak-key")
        if any(c.signature_hash in ("sha1", "md5") for c in certs if not (c.is_ca and c.issuer == c.subject)):
            issues.append("weak-signature")
        if st.tls_version in ("TLSv1", "TLSv1.1", "SSLv3"):
            issues.append("old-tls")
    unique = tuple(dict.fromkeys(issues))
    return Result(
        endpoint=ep,
        engine=st.engine,
        status=_status(unique),
        issues=unique,
        tls=tls,
        error=error,
        failed_phase=failure.phase if failure else None,
        addresses=st.addresses,
        server_version=st.server_version,
        plain_answer=st.plain_answer,
        tls_version=st.tls_version,
        cipher=st.cipher,
        chain=certs,
        chain_problem=chain_problem,
        chain_complete=chain_complete,
        trusted=trusted,
        name_checked=ep.verify_name if st.chain else None,
        name_matched=name_matched,
        days_left=days_left,
        timings_ms=tuple(st.timings),
        duration_ms=_ms(started),
    )


async def _run(ep: Endpoint, st: ProbeState, options: ProbeOptions) -> None:
    pairs = await _resolve(ep, st)
    reader, writer = await _connect(pairs, ep.port, st)
    plain_task: asyncio.Task[None] | None = None
    try:
        first = b""
        if st.engine is None:
            # a MySQL server greets first; a PostgreSQL server waits. Wait several connect times for it.
            tcp_ms = st.timings[-1][1] if st.timings else 0.0
            first = await _sniff(reader, max(SNIFF_MIN_S, 4 * tcp_ms / 1000))
            st.engine = "mysql" if first else "postgresql"
        if st.engine == "postgresql":
            if options.parallel and options.plain_probe:
                plain_task = asyncio.create_task(_pg_plain(pairs, ep, st))
            await _pg_negotiate(reader, writer, ep, st)
        else:
            await _my_negotiate(reader, writer, ep, st, first)
    finally:
        _abort(writer)
    if st.engine == "postgresql" and options.plain_probe:
        if plain_task is not None:
            await plain_task
        elif st.offered:
            await _pg_plain(pairs, ep, st)


async def probe(
    ep: Endpoint, analyzer: Analyzer, options: ProbeOptions, *, timeout: float | None = None
) -> Result:
    """Probe one endpoint within ``timeout`` (default ``options.timeout``); never raises for a network
    outcome."""
    started = time.monotonic()
    st = ProbeState(engine=ep.engine or engine_from_port(ep.port))
    failure: ProbeFailed | None = None
    limit = options.timeout if timeout is None else timeout
    try:
        async with asyncio.timeout(limit):
            try:
                await _run(ep, st, options)
            except ProbeFailed as exc:
                if exc.issue != "handshake-failed" or st.engine != "postgresql":
                    raise
                # perhaps a server without P-256: once more with OpenSSL's default groups
                st = ProbeState(engine=st.engine, p256=False)
                await _run(ep, st, options)
    except ProbeFailed as exc:
        failure = exc
    except TimeoutError:
        failure = ProbeFailed(st.phase, f"timed out after {limit:g} s (in the {st.phase} phase)", "timeout")
    except (OSError, asyncio.IncompleteReadError, EOFError, ssl.SSLError) as exc:
        failure = ProbeFailed(st.phase, f"{st.phase}: {_os_reason(exc)}")
    except ProtocolError as exc:
        failure = ProbeFailed(st.phase, f"{st.phase}: {exc}")
    result = finish(ep, st, analyzer, options, started=started, failure=failure)
    if ep.password_file and result.engine is not None and failure is None:
        from dbdoctor.fleet.connect import connect

        remaining = max(0.1, limit - (time.monotonic() - started))
        conn = await connect(ep, result.engine, ep.password_file, mode=ep.sslmode,
                             ca_file=ep.ca_file or options.ca_file, timeout=remaining)
        issues = result.issues if conn.ok else (*result.issues, "connect-failed")
        result = dataclasses.replace(result, connected=conn.ok, connect_error=conn.message, issues=issues,
                                     status=_status(issues), timings_ms=(*result.timings_ms, ("connect", conn.elapsed_ms)),
                                     duration_ms=_ms(started))
    return result


__all__ = ["ProbeOptions", "engine_from_port", "finish", "probe"]
