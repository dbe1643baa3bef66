"""Sockets, deadlines, DNS and TLS wrapping: the one place where OSError and ssl.SSLError become outcomes.

Everything here takes a :class:`Deadline` and never blocks past it. Nothing here knows PostgreSQL; the
protocol lives in ``_pgwire`` and the orchestration in ``postgres``.

Capturing the whole certificate chain (not only the leaf) on Python 3.11: ``SSLSocket.getpeercert(True)`` gives
only the leaf. CPython's C object ``_ssl._SSLSocket`` has had ``get_unverified_chain()`` since 3.10 (bpo-18233;
public as ``SSLSocket.get_unverified_chain`` only from 3.13), which wraps OpenSSL's ``SSL_get_peer_cert_chain``:
exactly the certificates the server sent, in order, even when nothing was verified. It works the same for TLS 1.2
and 1.3 (parsing the Certificate message ourselves would not: TLS 1.3 encrypts it) and needs no extra dependency
(pyOpenSSL). When it is missing (another interpreter) the capture falls back to the leaf alone, so a chain of
length 1 would then not prove a missing intermediate; the test suite asserts the method exists here, and the
sandbox tests that the "full" variant yields leaf + intermediate.

Whether the server asked for a client certificate: OpenSSL's message callback (CPython's private
``SSLContext._msg_callback``, present since 3.8) sees every handshake message after decryption, so a
CertificateRequest is seen in TLS 1.2 and 1.3 alike. Best effort: when the attribute is missing the answer is False.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import ipaddress
import os
import select
import socket
import ssl
import stat
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, Final, TypeVar

from dbdoctor.errors import Closed, TimedOut
from dbdoctor.observations import DnsObservation, TcpObservation, TlsObservation

T = TypeVar("T")

#: the most bytes one read takes from an untrusted server
MAX_READ: Final = 16384
#: _ssl.Certificate.public_bytes format for DER (Modules/_ssl.c: ENCODING_DER)
_ENCODING_DER: Final[int] = int(getattr(__import__("_ssl"), "ENCODING_DER", 1))
#: TLS handshake message type CertificateRequest (RFC 8446 §4, RFC 5246 §7.4)
_CERTIFICATE_REQUEST: Final = 13
#: TLS record content type handshake (RFC 8446 §5.1)
_CONTENT_HANDSHAKE: Final = 22

_UNREACHABLE: Final = frozenset(
    {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN, errno.EHOSTDOWN, errno.EADDRNOTAVAIL}
)
_REFUSED: Final = frozenset({errno.ECONNREFUSED, errno.ENOENT})  # ENOENT: no Unix socket file


class Deadline:
    """An absolute point on the monotonic clock. Pass it down; ask it how much time is left."""

    __slots__ = ("end",)

    def __init__(self, end: float) -> None:
        self.end = end

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + max(0.0, seconds))

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.end

    def within(self, seconds: float) -> Deadline:
        """A deadline no later than this one and at most ``seconds`` away."""
        return Deadline(min(self.end, time.monotonic() + seconds))

    def __repr__(self) -> str:
        return f"Deadline(remaining={self.remaining():.3f}s)"


def _ms(start: float) -> float:
    return (time.monotonic() - start) * 1000


def run_with_deadline(fn: Callable[[], T], deadline: Deadline) -> T:
    """Run a blocking call that has no timeout of its own (getaddrinfo) in a daemon thread; give up at the
    deadline (the thread is abandoned and ends on its own). Raises TimedOut."""
    box: list[Any] = []

    def work() -> None:
        try:
            box.append((True, fn()))
        except BaseException as exc:
            box.append((False, exc))

    th = threading.Thread(target=work, name="dbdoctor-blocking", daemon=True)
    th.start()
    th.join(deadline.remaining())
    if not box:
        raise TimedOut
    ok, value = box[0]
    if ok:
        return value  # type: ignore[no-any-return]
    raise value


def is_ip_literal(host: str | None) -> bool:
    """Whether a host is an IP address as written (an IPv6 one may stand in brackets)."""
    if not host:
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def resolve(host: str, port: int, deadline: Deadline, *, numeric: bool = False) -> tuple[
    DnsObservation, list[tuple[int, str]]
]:
    """getaddrinfo the way libpq calls it (pg_getaddrinfo_all in fe-connect.c: AF_UNSPEC, SOCK_STREAM; with
    AI_NUMERICHOST for hostaddr), addresses kept in the order returned, which is the order libpq tries them.
    Returns the observation and (family, address) pairs."""
    start = time.monotonic()
    flags = socket.AI_NUMERICHOST if numeric else 0
    try:
        infos = run_with_deadline(
            lambda: socket.getaddrinfo(host, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, flags), deadline
        )
    except TimedOut:
        return DnsObservation(host, (), error="timed out", elapsed_ms=_ms(start)), []
    except socket.gaierror as exc:
        return DnsObservation(host, (), error=exc.strerror or str(exc), elapsed_ms=_ms(start)), []
    except (OSError, UnicodeError) as exc:
        return DnsObservation(host, (), error=str(exc), elapsed_ms=_ms(start)), []
    pairs: list[tuple[int, str]] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            pairs.append((int(family), str(sockaddr[0])))
    return DnsObservation(host, tuple(a for _, a in pairs), elapsed_ms=_ms(start)), pairs


def _tcp_outcome(exc: BaseException) -> str:
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "refused"
    if isinstance(exc, OSError) and exc.errno in _REFUSED:
        return "refused"
    if isinstance(exc, OSError) and exc.errno in _UNREACHABLE:
        return "unreachable"
    if isinstance(exc, OSError) and exc.errno == errno.ETIMEDOUT:
        return "timeout"
    return "error"


def connect(
    family: int, address: str, port: int, deadline: Deadline
) -> tuple[TcpObservation, socket.socket | None]:
    """A TCP connection (or a Unix socket when family is AF_UNIX and address a path), told apart:
    refused / timeout / unreachable / error."""
    start = time.monotonic()
    sock: socket.socket | None = None
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
        remaining = deadline.remaining()
        if remaining <= 0:
            raise TimeoutError("deadline passed before connecting")
        sock.settimeout(remaining)
        if family == socket.AF_UNIX:
            sock.connect(address)
        else:
            sock.connect((address, port))
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError as exc:
        if sock is not None:
            sock.close()
        return (
            TcpObservation(address, port, _tcp_outcome(exc), error=exc.strerror or str(exc) or "timed out",  # type: ignore[arg-type]
                           elapsed_ms=_ms(start)),
            None,
        )
    return TcpObservation(address, port, "connected", elapsed_ms=_ms(start)), sock


def send_all(sock: socket.socket, data: bytes, deadline: Deadline) -> None:
    """Send everything before the deadline. Raises only TimedOut or Closed."""
    remaining = deadline.remaining()
    if remaining <= 0:
        raise TimedOut
    sock.settimeout(remaining)
    try:
        sock.sendall(data)
    except TimeoutError as exc:
        raise TimedOut from exc
    except OSError as exc:  # includes ssl.SSLError, BrokenPipeError, ConnectionResetError
        raise Closed(_os_reason(exc)) from exc


def recv_some(sock: socket.socket, deadline: Deadline, limit: int = MAX_READ) -> bytes:
    """At most ``limit`` bytes, whatever arrives first. Raises only TimedOut, or Closed on EOF / reset / alert."""
    remaining = deadline.remaining()
    if remaining <= 0:
        raise TimedOut
    sock.settimeout(remaining)
    try:
        data = sock.recv(min(limit, MAX_READ))
    except TimeoutError as exc:
        raise TimedOut from exc
    except OSError as exc:  # includes ssl.SSLError (an alert, EOF) and ConnectionResetError
        raise Closed(_os_reason(exc)) from exc
    if not data:
        raise Closed("the server closed the connection")
    return data


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, ssl.SSLError):
        return _ssl_reason(exc)
    return exc.strerror or str(exc) or type(exc).__name__


def pending_now(sock: socket.socket, limit: int = MAX_READ) -> bytes:
    """Bytes already waiting on the socket, without waiting (b"" when none, or when the peer closed)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return b""
        sock.settimeout(0.0)
        return sock.recv(min(limit, MAX_READ))
    except (OSError, ValueError):
        return b""


def libpq_sni(host: str | None, sslsni: str | None) -> str | None:
    """The server name libpq puts in the ClientHello (initialize_SSL in fe-secure-openssl.c): the ``host``
    (never ``hostaddr``), unless sslsni is not "1", or the host looks like an IP address (only digits and dots,
    or containing a colon), or it is empty."""
    if (sslsni if sslsni is not None else "1") != "1":
        return None
    if not host or host.startswith("/"):
        return None
    if all(c in "0123456789." for c in host) or ":" in host:
        return None
    return host


_TLS_VERSIONS: Final = {
    "TLSv1": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}


@dataclasses.dataclass(frozen=True, slots=True)
class ClientCert:
    """The client certificate files libpq would present, and the key's passphrase (sslpassword) if any."""

    cert: str
    key: str
    password: str | None = dataclasses.field(default=None, repr=False)


def client_key_problem(key: str) -> str | None:
    """What libpq's initialize_SSL refuses in a client key file before any handshake: missing, not a regular
    file, or group/world access (root-owned: u=rw,g=r at most; otherwise u=rw)."""
    try:
        st = os.stat(key)
    except FileNotFoundError:
        return f'certificate present, but not private key file "{key}"'
    except OSError as exc:
        return f'could not stat private key file "{key}": {exc.strerror}'
    if not stat.S_ISREG(st.st_mode):
        return f'private key file "{key}" is not a regular file'
    too_open = (
        st.st_mode & (stat.S_IWGRP | stat.S_IXGRP | stat.S_IRWXO)
        if st.st_uid == 0
        else st.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    )
    if too_open:
        return f'private key file "{key}" has group or world access'
    return None


def load_client_cert(ctx: ssl.SSLContext, client_cert: ClientCert) -> str | None:
    """Load the client certificate and key into ``ctx`` the way libpq's initialize_SSL (fe-secure-openssl.c)
    does: the key as PEM (``SSL_use_PrivateKey_file(..., SSL_FILETYPE_PEM)``), else as DER
    (``SSL_FILETYPE_ASN1``), an encrypted key decrypted with ``sslpassword`` as written
    (PQdefaultSSLKeyPassHook_OpenSSL). Returns None when loaded, else why not (OpenSSL's reason)."""
    secret = (client_cert.password or "").encode()
    try:
        # the callable keeps OpenSSL from prompting on the terminal for an encrypted key
        ctx.load_cert_chain(client_cert.cert, client_cert.key, password=lambda: secret)
        return None
    except ssl.SSLError as exc:
        pem_error = _ssl_reason(exc)
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        with open(client_cert.key, "rb") as f:
            raw = f.read(_MAX_KEY_FILE)
    except OSError as exc:
        return exc.strerror or str(exc)
    from cryptography.hazmat.primitives import serialization

    if raw.lstrip().startswith(b"-----"):
        # PEM that OpenSSL refused: libpq stops there too. The ssl module says only "PEM lib"; libpq shows
        # OpenSSL's reason, which for a wrong sslpassword is "bad decrypt"
        try:
            serialization.load_pem_private_key(raw, password=secret or None)
        except TypeError:
            return "the key is encrypted and no sslpassword was given" if not secret else pem_error
        except ValueError as exc:
            return "bad decrypt" if "decrypt" in str(exc).lower() else pem_error
        except Exception:
            return pem_error
        return pem_error

    try:
        try:
            # a plain DER key loads whatever sslpassword says (PostgreSQL's own client-encrypted-der.key is
            # one: `openssl rsa -outform DER` does not encrypt), an encrypted one needs it
            key = serialization.load_der_private_key(raw, password=None)
        except TypeError:
            key = serialization.load_der_private_key(raw, password=secret or None)
    except (ValueError, TypeError):
        return pem_error
    except Exception:  # unsupported algorithm and the like: what OpenSSL said about the file stands
        return pem_error
    # the ssl module loads keys from files only: an encrypted PEM copy, under a one-time passphrase, in a
    # private directory, removed at once
    import secrets
    import tempfile

    once = secrets.token_bytes(24).hex().encode()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(once),
    )
    with tempfile.TemporaryDirectory(prefix="dbdoctor-key-") as tmp:
        path = os.path.join(tmp, "key.pem")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(pem)
        try:
            ctx.load_cert_chain(client_cert.cert, path, password=lambda: once)
        except ssl.SSLError as exc:
            return _ssl_reason(exc)
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


#: a client key file larger than this is not a key
_MAX_KEY_FILE: Final = 1 << 20


def capture_context(
    *,
    alpn: Sequence[str] = (),
    min_version: str | None = "TLSv1.2",
    max_version: str | None = None,
) -> ssl.SSLContext:
    """A client context that verifies nothing: its only job is to see what the server presents.
    Verification is done separately, with ``cryptography`` (dbdoctor.tls), against the user's own CA file.
    The protocol bounds default to libpq's (ssl_min_protocol_version=TLSv1.2)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if min_version in _TLS_VERSIONS:
        with contextlib.suppress(ValueError, ssl.SSLError):
            ctx.minimum_version = _TLS_VERSIONS[min_version]
    if max_version in _TLS_VERSIONS:
        with contextlib.suppress(ValueError, ssl.SSLError):
            ctx.maximum_version = _TLS_VERSIONS[max_version]
    if alpn:
        ctx.set_alpn_protocols(list(alpn))
    return ctx


def _chain_of(tls_sock: ssl.SSLSocket) -> tuple[bytes, ...]:
    sslobj = getattr(tls_sock, "_sslobj", None)
    getter = getattr(sslobj, "get_unverified_chain", None)
    if callable(getter):
        try:
            chain = getter()
        except (ssl.SSLError, ValueError):
            chain = None
        if chain:
            out = []
            for cert in chain:
                if isinstance(cert, bytes):
                    out.append(cert)
                else:
                    out.append(bytes(cert.public_bytes(_ENCODING_DER)))
            return tuple(out)
    leaf = tls_sock.getpeercert(binary_form=True)
    return (leaf,) if leaf else ()


def tls_handshake(
    sock: socket.socket,
    deadline: Deadline,
    *,
    sni: str | None,
    alpn: Sequence[str] = (),
    min_version: str | None = "TLSv1.2",
    max_version: str | None = None,
    client_cert: ClientCert | None = None,
) -> tuple[TlsObservation, ssl.SSLSocket | None]:
    """TLS client handshake over ``sock``, without verification, capturing the chain the server sends.
    On failure ``sock`` is closed and the observation carries OpenSSL's reason. ``client_cert``, when given and
    loadable, is offered if the server asks for one (as libpq does)."""
    start = time.monotonic()
    ctx = capture_context(alpn=alpn, min_version=min_version, max_version=max_version)
    cert_loaded = False
    cert_error: str | None = None
    if client_cert is not None:
        cert_error = client_key_problem(client_cert.key)
    if client_cert is not None and cert_error is None:
        cert_error = load_client_cert(ctx, client_cert)
        cert_loaded = cert_error is None
    seen_request = threading.Event()

    def on_message(_conn: Any, direction: Any, _version: Any, content_type: Any, msg_type: Any, _data: Any) -> None:
        with contextlib.suppress(TypeError, ValueError):
            if (
                str(direction).lower() == "read"
                and int(content_type) == _CONTENT_HANDSHAKE
                and int(msg_type) == _CERTIFICATE_REQUEST
            ):
                seen_request.set()

    with contextlib.suppress(AttributeError, TypeError):
        ctx._msg_callback = on_message  # type: ignore[attr-defined]
    tls_sock: ssl.SSLSocket | None = None
    try:
        if deadline.expired:
            raise TimedOut
        # non-blocking, driven by select against our own deadline, so the bound does not depend on how the
        # ssl module applies a socket timeout across OpenSSL's reads (tested with a one-byte-at-a-time server)
        sock.settimeout(0.0)
        tls_sock = ctx.wrap_socket(sock, server_hostname=sni, do_handshake_on_connect=False)
        _handshake_until(tls_sock, deadline)
        chain = _chain_of(tls_sock)
        return (
            TlsObservation(
                completed=True,
                version=tls_sock.version(),
                cipher=(tls_sock.cipher() or (None,))[0],
                chain_der=chain,
                sni=sni,
                alpn=tls_sock.selected_alpn_protocol(),
                client_cert_requested=seen_request.is_set(),
                client_cert_loaded=cert_loaded,
                client_cert_error=cert_error,
                elapsed_ms=_ms(start),
            ),
            tls_sock,
        )
    except (TimedOut, TimeoutError):
        reason = "timed out during the TLS handshake"
    except ssl.SSLEOFError:
        reason = "the server closed the connection during the TLS handshake"
    except ssl.SSLError as exc:
        reason = _ssl_reason(exc)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
    for s in (tls_sock, sock):
        if s is not None:
            with contextlib.suppress(OSError):
                s.close()
    return (
        TlsObservation(
            completed=False,
            sni=sni,
            error=reason,
            client_cert_requested=seen_request.is_set(),
            client_cert_loaded=cert_loaded,
            client_cert_error=cert_error,
            elapsed_ms=_ms(start),
        ),
        None,
    )


def _handshake_until(tls_sock: ssl.SSLSocket, deadline: Deadline) -> None:
    """Run the handshake on a non-blocking socket, waiting with select for at most what is left."""
    while True:
        try:
            tls_sock.do_handshake()
            return
        except ssl.SSLWantReadError:
            wait_read, wait_write = [tls_sock], []
        except ssl.SSLWantWriteError:
            wait_read, wait_write = [], [tls_sock]
        remaining = deadline.remaining()
        if remaining <= 0:
            raise TimedOut
        ready = select.select(wait_read, wait_write, [], remaining)
        if not any(ready):
            raise TimedOut


def _ssl_reason(exc: ssl.SSLError) -> str:
    if isinstance(exc, ssl.SSLEOFError):
        return "the server closed the connection without a TLS close_notify"
    reason = getattr(exc, "reason", None)
    if reason:
        return str(reason).lower().replace("_", " ")
    return str(exc)


def close_quietly(sock: socket.socket | None) -> None:
    if sock is None:
        return
    with contextlib.suppress(OSError):
        sock.close()


def unix_socket_path(directory: str, port: int) -> str:
    """libpq's socket file: ``<dir>/.s.PGSQL.<port>`` (UNIXSOCK_PATH in pqcomm.h)."""
    return os.path.join(directory, f".s.PGSQL.{port}")


__all__ = [
    "ClientCert",
    "Closed",
    "Deadline",
    "TimedOut",
    "capture_context",
    "client_key_problem",
    "close_quietly",
    "connect",
    "libpq_sni",
    "load_client_cert",
    "pending_now",
    "recv_some",
    "resolve",
    "run_with_deadline",
    "send_all",
    "tls_handshake",
    "unix_socket_path",
]
