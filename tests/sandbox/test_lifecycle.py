"""Starting, listing and stopping sandbox servers in a private state directory: nothing may leak."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from dbdoctor.errors import SandboxError
from dbdoctor.sandbox import list_servers, purge, start, stop, stop_all
from dbdoctor.sandbox._system import pid_alive

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory, pg_bindir: Path) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("sandbox-state")
    yield path
    purge(path)


def _processes_using(path: Path) -> list[int]:
    """Pids of processes whose command line mentions ``path`` (the postmaster names its data dir)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if any(str(path).encode() in a for a in args):
            found.append(int(entry))
    return found


def test_stop_leaves_no_process_and_no_data_dir(state: Path) -> None:
    srv = start(state_dir=state)
    assert srv.is_running()
    assert srv.data_dir.is_dir() and srv.state_file.is_file()
    assert _processes_using(srv.data_dir)
    srv.stop()
    assert not pid_alive(srv.pid)
    assert not srv.data_dir.exists()
    assert not srv.state_file.exists()
    assert _processes_using(srv.data_dir) == []
    assert [s.name for s in list_servers(state)] == []
    srv.stop()  # idempotent


def test_repr_and_str_do_not_show_the_password(state: Path) -> None:
    srv = start(state_dir=state)
    try:
        pw = srv.password.reveal()
        assert len(pw) >= 20
        for text in (repr(srv), str(srv), f"{srv}", repr(srv.password), json.dumps(srv.to_dict())):
            assert pw not in text
            assert srv.other_password.reveal() not in text
        assert "****" in repr(srv)
        assert pw not in srv.redacted_url
        # the URL is the documented exception: it hands the throwaway password over, and it works
        assert pw in srv.url
        assert srv.to_dict(reveal=True)["url"] == srv.url
        with psycopg.connect(srv.url) as conn:
            assert conn.execute("SELECT current_user").fetchone() == ("app",)
        # the state file holds the password, so only its owner may read it
        assert srv.state_file.stat().st_mode & 0o777 == 0o600
    finally:
        srv.stop()


def test_each_server_gets_its_own_password(state: Path) -> None:
    a = start(state_dir=state)
    b = start(state_dir=state)
    try:
        assert a.password != b.password
        assert a.port != b.port
        msg = None
        try:
            psycopg.connect(a.conninfo(password=b.password.reveal())).close()
        except psycopg.OperationalError as exc:
            msg = str(exc)
        assert msg is not None and "password authentication failed" in msg
    finally:
        a.stop()
        b.stop()


def test_list_stop_by_name_and_stop_all(state: Path) -> None:
    name = f"t-{secrets.token_hex(3)}"
    a = start(state_dir=state, name=name)
    b = start(state_dir=state)
    listed = {s.name: s for s in list_servers(state)}
    assert set(listed) == {a.name, b.name}
    assert listed[name].port == a.port and listed[name].password == a.password
    with pytest.raises(SandboxError, match="already running"):
        start(state_dir=state, name=name)
    stop(name, state_dir=state)
    assert not a.data_dir.exists()
    assert [s.name for s in list_servers(state)] == [b.name]
    assert stop_all(state) == [b.name]
    assert not b.data_dir.exists()
    with pytest.raises(SandboxError, match="no running sandbox server"):
        stop(name, state_dir=state)


def test_dead_server_is_dropped_from_the_list(state: Path) -> None:
    srv = start(state_dir=state)
    os.kill(srv.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pid_alive(srv.pid) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert srv.name not in [s.name for s in list_servers(state)]
    assert not srv.state_file.exists()
    assert not srv.data_dir.exists()


def _child(state: Path, code: str) -> dict[str, str]:
    script = (
        "import json, os, sys\n"
        "from dbdoctor.sandbox import start\n"
        f"srv = start(state_dir={str(state)!r})\n"
        "print(json.dumps({'name': srv.name, 'data_dir': str(srv.data_dir), 'pid': srv.pid}), flush=True)\n"
        + code
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    result: dict[str, str] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_server_stopped_when_starting_process_exits(state: Path) -> None:
    info = _child(state, "")
    assert not pid_alive(int(info["pid"]))
    assert not Path(info["data_dir"]).exists()


def test_orphan_of_a_killed_process_is_reaped(state: Path) -> None:
    # os._exit skips atexit: the server outlives its owner until someone lists or starts servers
    info = _child(state, "os._exit(0)\n")
    assert pid_alive(int(info["pid"]))
    assert info["name"] not in [s.name for s in list_servers(state)]
    assert not pid_alive(int(info["pid"]))
    assert not Path(info["data_dir"]).exists()


def test_kept_server_survives_its_starter(state: Path) -> None:
    script = (
        "from dbdoctor.sandbox import start\n"
        f"srv = start(state_dir={str(state)!r}, keep=True)\n"
        "print(srv.name)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    name = out.stdout.strip()
    servers = {s.name: s for s in list_servers(state)}
    assert name in servers
    assert servers[name].keep
    with psycopg.connect(servers[name].url) as conn:
        conn.execute("SELECT 1")
    stop(name, state_dir=state)
    assert name not in [s.name for s in list_servers(state)]


def test_bad_choices_are_clear_errors(state: Path) -> None:
    with pytest.raises(SandboxError, match="unknown profile 'nope'"):
        start(state_dir=state, profile="nope")
    with pytest.raises(SandboxError, match="unknown certificate variant 'nope'"):
        start(state_dir=state, cert="nope")
    with pytest.raises(SandboxError, match="PgBouncer needs a PostgreSQL sandbox behind it"):
        start(engine="pgbouncer", state_dir=state)
    with pytest.raises(SandboxError, match="unknown sandbox engine"):
        start(engine="oracle", state_dir=state)
    with pytest.raises(SandboxError, match="bad sandbox name"):
        start(state_dir=state, name="../etc")
    assert list_servers(state) == []


def test_reconfigure_rejects_unknown_values_and_keeps_the_old_setting(state: Path) -> None:
    srv = start(state_dir=state)
    try:
        with pytest.raises(SandboxError, match="unknown profile"):
            srv.reconfigure(profile="nope")
        with pytest.raises(SandboxError, match="unknown certificate variant"):
            srv.reconfigure(cert="nope")
        assert (srv.profile, srv.cert) == ("managed", "full")
        srv.reconfigure(profile="both", cert="wildcard")
        reloaded = {s.name: s for s in list_servers(state)}[srv.name]
        assert (reloaded.profile, reloaded.cert) == ("both", "wildcard")
    finally:
        srv.stop()


def test_start_time_is_small_once_the_template_exists(state: Path) -> None:
    start(state_dir=state).stop()  # template and PKI exist after this
    times = []
    for _ in range(3):
        t0 = time.monotonic()
        srv = start(state_dir=state)
        times.append(time.monotonic() - t0)
        srv.stop()
    times.sort()
    # typically ~0.15 s on 2 shared cores; generous bound so a busy machine does not flake
    assert times[1] < 3.0, times


def test_a_port_taken_meanwhile_is_retried(state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from dbdoctor.sandbox import _system

    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 0))
    squatter.listen(1)
    taken = squatter.getsockname()[1]
    real = _system.free_port
    calls: list[int] = []

    def first_taken() -> int:
        calls.append(1)
        return taken if len(calls) == 1 else real()

    monkeypatch.setattr(_system, "free_port", first_taken)
    try:
        srv = start(state_dir=state)
    finally:
        squatter.close()
    try:
        assert len(calls) == 2
        assert srv.port != taken
        with psycopg.connect(srv.url) as conn:
            conn.execute("SELECT 1")
    finally:
        srv.stop()


def test_server_runs_unprivileged(state: Path) -> None:
    from dbdoctor.sandbox._system import server_user

    srv = start(state_dir=state)
    try:
        with open(f"/proc/{srv.pid}/status") as f:
            uid_line = next(line for line in f if line.startswith("Uid:"))
        uids = {int(u) for u in uid_line.split()[1:]}
        assert uids == {server_user().uid}
        if os.geteuid() == 0:
            assert 0 not in uids
        assert srv.data_dir.stat().st_uid == server_user().uid
    finally:
        srv.stop()


def test_stop_all_leaves_servers_of_live_programs_unless_asked(state: Path) -> None:
    script = (
        "import json, sys\n"
        "from dbdoctor.sandbox import start\n"
        f"srv = start(state_dir={str(state)!r})\n"
        "print(json.dumps({'name': srv.name, 'pid': srv.pid}), flush=True)\n"
        "sys.stdin.readline()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        info = json.loads(child.stdout.readline())
        mine = start(state_dir=state)
        assert stop_all(state) == [mine.name]
        assert [s.name for s in list_servers(state)] == [info["name"]]
        assert stop_all(state, include_owned=True) == [info["name"]]
        assert not pid_alive(int(info["pid"]))
    finally:
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.close()
        child.wait(timeout=30)
    assert list_servers(state) == []


def test_leftovers_of_a_crashed_start_are_swept(state: Path) -> None:
    from dbdoctor.sandbox import _system, postgres

    srv = start(state_dir=state)
    # simulate a start that died before writing its state file: the server runs, nothing knows about it
    srv.state_file.unlink()
    old = time.time() - 3600
    os.utime(srv.data_dir, (old, old))
    other = start(state_dir=state)  # sweeps
    try:
        assert not pid_alive(srv.pid)
        assert not srv.data_dir.exists()
        runtime = _system.runtime_dir(state, _system.server_user())
        assert other.data_dir.parent == runtime and other.data_dir.exists()
        assert postgres.is_running(other)
    finally:
        other.stop()
