"""``--wait``: retries with backoff until the server is ready, saying on each retry why it still fails; against a
server that comes up late (a port that starts listening after a delay) and one whose access rules change
mid-wait (the sandbox switched from the reject profile to managed)."""

from __future__ import annotations

import contextlib
import os
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from dbdoctor.api import preflight_result as run
from dbdoctor.gating import PreflightResult, Retry
from fix_preflight import Probe, assert_clean

pytestmark = pytest.mark.server


def _pump(a: socket.socket, b: socket.socket) -> None:
    try:
        while True:
            ready, _, _ = select.select([a, b], [], [], 30)
            if not ready:
                return
            for src in ready:
                data = src.recv(65536)
                if not data:
                    return
                (b if src is a else a).sendall(data)
    except OSError:
        return
    finally:
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.close()


@contextlib.contextmanager
def late_server(upstream_port: int, delay: float) -> Iterator[int]:
    """A port on 127.0.0.1 that refuses connections for ``delay`` seconds, then forwards to the sandbox."""
    with socket.socket() as probe_sock:
        probe_sock.bind(("127.0.0.1", 0))
        port = int(probe_sock.getsockname()[1])
    stop = threading.Event()

    def serve() -> None:
        if stop.wait(delay):
            return
        srv = socket.socket()
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("127.0.0.1", port))
        srv.listen(8)
        srv.settimeout(0.2)
        with srv:
            while not stop.is_set():
                try:
                    conn, _ = srv.accept()
                except TimeoutError:
                    continue
                up = socket.create_connection(("127.0.0.1", upstream_port), timeout=5)
                threading.Thread(target=_pump, args=(conn, up), daemon=True).start()

    th = threading.Thread(target=serve, daemon=True)
    th.start()
    try:
        yield port
    finally:
        stop.set()
        th.join(5)


def test_waits_for_a_server_that_comes_up_late(probe: Probe) -> None:
    retries: list[Retry] = []
    with late_server(probe.srv.port, delay=1.5) as port:
        started = time.monotonic()
        result = run(probe.conninfo(host="127.0.0.1", port=port, sslrootcert=str(probe.pki.root_ca),
                                    sslmode="verify-ca"),
                     timeout=5, wait=20, on_retry=retries.append)
        took = time.monotonic() - started
    assert result.ok, result.line()
    assert result.attempts == len(retries) + 1 >= 2
    assert {r.cause for r in retries} == {"connection_refused"}
    assert 1.5 <= took < 10
    # exponential backoff, capped
    delays = [r.delay for r in retries]
    assert delays[:3] == sorted(delays[:3])
    assert max(delays) <= 5.0
    assert f"attempts={result.attempts}" in result.line()
    assert_clean(result.line() + " ".join(r.line() for r in retries), probe.password)


def test_waits_while_access_is_refused_then_allowed(probe: Probe) -> None:
    """The sandbox rejects its user (pg_hba reject) until it is switched back to managed, mid-wait."""
    srv = probe.srv
    target = probe.conninfo(user=srv.user, password=srv.password.reveal())
    retries: list[Retry] = []
    box: list[PreflightResult] = []
    with srv.configured(profile="reject"):
        th = threading.Thread(target=lambda: box.append(run(target, timeout=5, wait=30, on_retry=retries.append)))
        th.start()
        deadline = time.monotonic() + 15
        while len(retries) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(retries) >= 2
    th.join(30)
    assert box, "the preflight did not return"
    result = box[0]
    assert result.ok, result.line()
    assert result.attempts >= 3
    assert {r.cause for r in retries} == {"hba_rejected"}
    for r in retries:
        assert "\n" not in r.line()


def test_cli_wait_gives_up_with_the_cause(probe: Probe) -> None:
    """Time is up: one line per retry on stderr, then the diagnosed failure; exit 1; bounded time."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env: dict[str, Any] = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ["HOME"],
                           "DATABASE_URL": probe.url().replace(f":{probe.srv.port}/", f":{port}/")}
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "dbdoctor", "preflight", "--wait", "2", "--timeout", "3"],
                          capture_output=True, text=True, env=env, timeout=60)
    took = time.monotonic() - started
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    retry_lines = [line for line in lines if line.startswith("preflight: still failing after attempt ")]
    assert len(retry_lines) >= 2
    assert all("(connection_refused)" in line and "retrying in" in line for line in retry_lines)
    assert lines[-1].startswith("preflight failed (connection_refused)")
    assert len(lines) == len(retry_lines) + 1
    assert took < 2 + 3 + 3
    assert_clean(proc.stderr, probe.password)


def test_a_server_still_starting_is_named(tmp_path: Any) -> None:
    """PostgreSQL answers 57P03 "the database system is starting up" while it starts (the listener sends that
    exact ErrorResponse): each retry and the final line say server_starting, not a settings problem."""
    from fix_listeners import Listener, error_response, fake_postgres

    lst = Listener(fake_postgres(b"N", error_response("57P03", "the database system is starting up")))
    retries: list[Retry] = []
    try:
        result = run(f"host=127.0.0.1 port={lst.port} user=app dbname=app sslmode=prefer",
                     environ={"HOME": str(tmp_path)}, timeout=4, wait=1.0, on_retry=retries.append)
    finally:
        lst.close()
    assert not result.ok
    assert retries and {r.cause for r in retries} == {"server_starting"}
    assert result.cause == "server_starting"
    assert result.line().startswith("preflight failed (server_starting)")
    assert "--wait" in (result.fix or "")


def test_library_wait_logs_each_retry(tmp_path: Any, caplog: pytest.LogCaptureFixture) -> None:
    """dbdoctor.preflight(wait=...) without a callback: each retry is a warning on the dbdoctor.preflight logger."""
    import dbdoctor
    from dbdoctor.errors import PreflightError

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    caplog.set_level("WARNING", logger="dbdoctor.preflight")
    with pytest.raises(PreflightError) as info:
        dbdoctor.preflight(f"host=127.0.0.1 port={port} user=app dbname=app", environ={"HOME": str(tmp_path)},
                           timeout=2, wait=0.6)
    logged = [r.getMessage() for r in caplog.records if r.name == "dbdoctor.preflight"]
    assert logged and all("(connection_refused)" in m for m in logged)
    assert str(info.value).startswith("preflight failed (connection_refused)")


def test_nothing_outlives_the_timeout(tmp_path: Any) -> None:
    """A listener that never answers: without --wait the whole preflight, diagnosis included, ends by --timeout."""
    from fix_listeners import Listener, silent

    lst = Listener(silent)
    try:
        started = time.monotonic()
        result = run(f"host=127.0.0.1 port={lst.port} user=app dbname=app sslmode=require",
                     environ={"HOME": str(tmp_path)}, timeout=2.5)
        took = time.monotonic() - started
    finally:
        lst.close()
    assert not result.ok
    assert result.cause == "connect_timeout"
    assert took < 2.5 + 0.6
