"""The probes against misbehaving listeners (real sockets on 127.0.0.1): each must produce the right
observation, within the deadline (elapsed <= timeout + 1 s)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbdoctor import net as _net
from dbdoctor.observations import HostObservations
from dbdoctor.postgres.probe import probe_host, probe_target
from dbdoctor.target import HostAttempt, Target
from fix_certs import issue
from fix_listeners import (
    auth_request,
    closes_immediately,
    error_response,
    fake_postgres,
    http_server,
    listener,
    s_then_garbage,
    s_then_slow_tls,
    silent,
    slow_bytes,
    tls_only,
)

TIMEOUT = 1.5


def run(port: int, *, host: str = "127.0.0.1", timeout: float = TIMEOUT, **settings: str) -> HostObservations:
    start = time.monotonic()
    obs = probe_host(
        HostAttempt(host, None, port),
        user="app",
        dbname="app",
        settings=settings,
        deadline=_net.Deadline.after(timeout),
    )
    elapsed = time.monotonic() - start
    assert elapsed <= timeout + 1.0, f"probe took {elapsed:.2f}s for a {timeout}s deadline"
    return obs


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


def test_refused() -> None:
    obs = run(free_port())
    assert obs.tcp is not None and obs.tcp.outcome == "refused"
    assert obs.ssl_request is None and obs.startup_plain is None


def test_silent_listener_times_out_within_deadline() -> None:
    with listener(silent) as lst:
        obs = run(lst.port)
    assert obs.tcp is not None and obs.tcp.outcome == "connected"
    assert obs.ssl_request is not None and obs.ssl_request.answer == "timeout"
    assert obs.startup_plain is not None and obs.startup_plain.outcome == "timeout"


def test_closes_immediately() -> None:
    with listener(closes_immediately) as lst:
        obs = run(lst.port)
    assert obs.ssl_request is not None and obs.ssl_request.answer == "eof"
    assert obs.startup_plain is not None and obs.startup_plain.outcome == "eof"


def test_s_then_garbage_same_segment_is_extra() -> None:
    with listener(s_then_garbage()) as lst:
        obs = run(lst.port)
    assert obs.ssl_request is not None and obs.ssl_request.answer == "extra"
    assert obs.ssl_request.preview is not None and "garbage" in obs.ssl_request.preview
    assert obs.tls is None  # never start TLS after an injected byte (CVE-2021-23222)


def test_s_then_garbage_later_fails_the_handshake() -> None:
    with listener(s_then_garbage(separate=True)) as lst:
        obs = run(lst.port)
    assert obs.ssl_request is not None and obs.ssl_request.answer in ("S", "extra")
    if obs.ssl_request.answer == "S":
        assert obs.tls is not None and not obs.tls.completed and obs.tls.error


def test_http_server() -> None:
    with listener(http_server) as lst:
        obs = run(lst.port)
    assert obs.ssl_request is not None and obs.ssl_request.answer == "http"
    assert obs.ssl_request.preview is not None and obs.ssl_request.preview.startswith("HTTP/1.1 400")
    assert obs.startup_plain is not None and obs.startup_plain.outcome == "garbage"


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    leaf = issue("proxy.example.test", dns=["proxy.example.test"])
    cert, key = tmp_path / "proxy.crt", tmp_path / "proxy.key"
    cert.write_bytes(leaf.pem)
    key.write_bytes(leaf.key_pem())
    return cert, key


def test_tls_only_server_recognised(tls_files: tuple[Path, Path]) -> None:
    with listener(tls_only(*tls_files)) as lst:
        obs = run(lst.port)
    assert obs.ssl_request is not None
    # OpenSSL answers the SSLRequest bytes with an alert record, or just closes
    assert obs.ssl_request.answer in ("tls", "eof"), obs.ssl_request
    assert obs.startup_plain is not None and obs.startup_plain.outcome in ("garbage", "eof")
    # and the follow-up handshake from the first byte shows what it is
    assert obs.direct_tls is not None and obs.direct_tls.completed
    assert len(obs.direct_tls.chain_der) == 1 and obs.direct_tls.sni is None  # an IP address: no SNI


def test_direct_ssl_against_tls_only_server(tls_files: tuple[Path, Path]) -> None:
    """sslnegotiation=direct: TLS at once with ALPN postgresql; the chain is captured, and the start-up over
    TLS finds no PostgreSQL behind it."""
    with listener(tls_only(*tls_files)) as lst:
        obs = run(lst.port, host="localhost", sslnegotiation="direct")
    assert obs.ssl_request is not None and obs.ssl_request.answer == "not_attempted"
    assert obs.tls is not None and obs.tls.completed, obs.tls
    assert len(obs.tls.chain_der) == 1
    assert obs.tls.sni == "localhost"
    assert obs.startup_tls is not None and obs.startup_tls.outcome in ("eof", "garbage")


def test_slow_bytes_ssl_answer_then_error() -> None:
    """A server that dribbles its ErrorResponse a byte at a time: read until the deadline, never past it."""
    reply = error_response("28000", "no pg_hba.conf entry")
    with listener(slow_bytes(reply, 0.5)) as lst:
        obs = run(lst.port)
    assert obs.ssl_request is not None and obs.ssl_request.answer == "timeout"
    assert obs.ssl_request.preview is not None and obs.ssl_request.preview.startswith("E")


def test_slow_startup_reply_completes_when_in_time() -> None:
    reply = error_response("28000", "x")
    with listener(fake_postgres(b"N", reply, delay=0.01)) as lst:
        obs = run(lst.port, timeout=3)
    assert obs.ssl_request is not None and obs.ssl_request.answer == "N"
    assert obs.startup_plain is not None and obs.startup_plain.outcome == "error"
    assert obs.startup_plain.error is not None and obs.startup_plain.error.sqlstate == "28000"
    assert obs.tls is None and obs.startup_tls is not None and obs.startup_tls.outcome == "not_attempted"


def test_slow_startup_reply_times_out() -> None:
    reply = error_response("28000", "a message long enough to take more than the deadline")
    with listener(fake_postgres(b"N", reply, delay=0.1)) as lst:
        obs = run(lst.port, timeout=1.0)
    assert obs.startup_plain is not None and obs.startup_plain.outcome == "timeout"


READY = b"Z\x00\x00\x00\x05I"
_PS_BODY = b"server_version\x0015.1\x00"
PARAMETER_STATUS = b"S" + (4 + len(_PS_BODY)).to_bytes(4, "big") + _PS_BODY


@pytest.mark.parametrize(("code", "outcome"), [(10, "auth"), (5, "auth"), (3, "auth")])
def test_auth_request_stops_there(code: int, outcome: str) -> None:
    with listener(fake_postgres(b"N", auth_request(code))) as lst:
        obs = run(lst.port)
    assert obs.startup_plain is not None
    assert (obs.startup_plain.outcome, obs.startup_plain.auth_code) == (outcome, code)


def test_trust_reads_on_to_ready_for_query() -> None:
    with listener(fake_postgres(b"N", auth_request(0) + PARAMETER_STATUS + READY)) as lst:
        obs = run(lst.port)
    assert obs.startup_plain is not None
    assert (obs.startup_plain.outcome, obs.startup_plain.auth_code) == ("ok", 0)


def test_trust_then_refused_is_the_refusal() -> None:
    reply = auth_request(0) + error_response("3D000", 'database "nope" does not exist')
    with listener(fake_postgres(b"N", reply)) as lst:
        obs = run(lst.port)
    s = obs.startup_plain
    assert s is not None and s.outcome == "error" and s.error is not None and s.error.sqlstate == "3D000"


def test_hostile_length_is_garbage() -> None:
    with listener(fake_postgres(b"N", b"E\x7f\xff\xff\xff")) as lst:
        obs = run(lst.port)
    assert obs.startup_plain is not None and obs.startup_plain.outcome == "garbage"


def test_old_server_error_response_to_ssl_request() -> None:
    reply = error_response("08P01", "unsupported frontend protocol 1234.5679")
    with listener(fake_postgres(reply)) as lst:
        obs = run(lst.port)
    assert obs.ssl_request is not None and obs.ssl_request.answer == "E"
    assert obs.ssl_request.error is not None and obs.ssl_request.error.sqlstate == "08P01"


def test_unresolvable_name() -> None:
    obs = run(5432, host="does-not-exist.invalid")
    assert obs.dns is not None and obs.dns.addresses == () and obs.dns.error
    assert obs.tcp is None


def test_hostaddr_skips_dns_and_keeps_sni() -> None:
    with listener(fake_postgres(b"N", auth_request(10))) as lst:
        obs = probe_host(
            HostAttempt("db.example.test", "127.0.0.1", lst.port),
            user="app",
            dbname=None,
            settings={},
            deadline=_net.Deadline.after(TIMEOUT),
        )
    assert obs.dns is None and obs.address == "127.0.0.1"
    assert obs.startup_plain is not None and obs.startup_plain.outcome == "auth"


def test_unix_socket(tmp_path: Path) -> None:
    path = _net.unix_socket_path(str(tmp_path), 5999)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    import threading

    def serve() -> None:
        conn, _ = srv.accept()
        conn.recv(4096)
        conn.sendall(auth_request(10))
        conn.close()

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    try:
        obs = run(5999, host=str(tmp_path))
    finally:
        srv.close()
    assert obs.tcp is not None and obs.tcp.outcome == "connected" and obs.tcp.address == path
    assert obs.ssl_request is not None and obs.ssl_request.answer == "not_attempted"
    assert obs.startup_plain is not None and obs.startup_plain.outcome == "auth"


def test_missing_unix_socket_is_refused(tmp_path: Path) -> None:
    obs = run(5999, host=str(tmp_path))
    assert obs.tcp is not None and obs.tcp.outcome == "refused"


@pytest.mark.parametrize(
    ("host", "sslsni", "expected"),
    [
        ("db.example.test", None, "db.example.test"),
        ("db.example.test", "0", None),
        ("127.0.0.1", None, None),
        ("::1", None, None),
        ("/tmp", None, None),
        (None, None, None),
    ],
)
def test_sni_like_libpq(host: str | None, sslsni: str | None, expected: str | None) -> None:
    assert _net.libpq_sni(host, sslsni) == expected


@pytest.fixture
def silent_port() -> Iterator[int]:
    with listener(silent) as lst:
        yield lst.port


def test_probe_target_whole_deadline(silent_port: int) -> None:
    """Probes and the real driver together, against a listener that never answers: all within the timeout."""
    target = Target(
        engine="postgresql",
        settings={"host": "127.0.0.1", "port": str(silent_port), "user": "app", "dbname": "app",
                  "sslmode": "prefer"},
        hosts=(HostAttempt("127.0.0.1", None, silent_port),),
    )
    start = time.monotonic()
    obs = probe_target(target, timeout=2.0)
    elapsed = time.monotonic() - start
    assert elapsed <= 3.0
    assert obs.driver is not None and not obs.driver.ok and obs.driver.timed_out
    assert obs.hosts[0].ssl_request is not None and obs.hosts[0].ssl_request.answer == "timeout"


def test_full_chain_capture_is_available_here() -> None:
    """The chain capture relies on _ssl._SSLSocket.get_unverified_chain (CPython 3.10+); without it only the
    leaf would be seen. The sandbox tests prove it returns leaf + intermediate."""
    import _ssl

    assert hasattr(_ssl._SSLSocket, "get_unverified_chain")


def test_probe_target_every_host_attempt() -> None:
    refused = free_port()
    with listener(fake_postgres(b"N", auth_request(10))) as lst:
        target = Target(
            engine="postgresql",
            settings={"host": "127.0.0.1,localhost", "port": f"{refused},{lst.port}", "user": "app",
                      "sslmode": "disable"},
            hosts=(HostAttempt("127.0.0.1", None, refused), HostAttempt("localhost", None, lst.port)),
        )
        obs = probe_target(target, timeout=3)
    assert [h.attempt.port for h in obs.hosts] == [refused, lst.port]
    assert obs.hosts[0].tcp is not None and obs.hosts[0].tcp.outcome == "refused"
    second = obs.hosts[1]
    assert second.startup_plain is not None and second.startup_plain.outcome == "auth"
    assert obs.driver is not None and not obs.driver.ok  # libpq got as far as the password request
    assert "probe_total" in obs.timings_ms


def test_tcp_connect_timeout_when_backlog_is_full() -> None:
    """A listener that never accepts, with its backlog full: the kernel drops further SYNs, so connect()
    hangs like a firewalled port; the outcome is "timeout", at the deadline."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    port = srv.getsockname()[1]
    held = []
    try:
        for _ in range(3):
            _obs, sock = _net.connect(socket.AF_INET, "127.0.0.1", port, _net.Deadline.after(0.3))
            if sock is not None:
                held.append(sock)
            else:
                break
        start = time.monotonic()
        host = run(port, timeout=1.0)
        assert time.monotonic() - start <= 2.0
        assert host.tcp is not None and host.tcp.outcome == "timeout"
    finally:
        for s in held:
            s.close()
        srv.close()


def test_invalid_port_is_not_probed() -> None:
    obs = probe_host(HostAttempt("127.0.0.1", None, None), user="app", dbname=None, settings={},
                     deadline=_net.Deadline.after(1))
    assert obs.tcp is None and obs.address is None


def test_slow_tls_handshake_bounded_by_the_deadline() -> None:
    """One byte every 0.2 s keeps every single read under any per-read timeout; only the deadline ends it."""
    with listener(s_then_slow_tls(0.2)) as lst:
        obs = run(lst.port, timeout=1.5)
    assert obs.ssl_request is not None and obs.ssl_request.answer == "S"
    assert obs.tls is not None and not obs.tls.completed and obs.tls.error and "timed out" in obs.tls.error
