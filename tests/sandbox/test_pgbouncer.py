"""The PgBouncer sandbox: a real PgBouncer in front of the PostgreSQL sandbox, presenting a certificate of its
own. psycopg (libpq) is the oracle for what a client sees."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from dbdoctor.errors import SandboxError
from dbdoctor.sandbox import SandboxServer, _system
from dbdoctor.sandbox.pgbouncer import PgBouncerServer

pytestmark = pytest.mark.server


@pytest.fixture(autouse=True)
def _clean_libpq_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for key in list(os.environ):
        if key.startswith("PG"):
            monkeypatch.delenv(key)
    yield


def attempt(conninfo: str) -> str | None:
    """None when the connection works and a query runs, else libpq's message."""
    try:
        with psycopg.connect(conninfo) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return str(exc)
    return None


def _uid_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError("no Uid line")


def test_full_certificate_works_through_the_pooler(pgbouncer_factory: Callable[..., PgBouncerServer],
                                                    pg_sandbox: SandboxServer) -> None:
    bouncer = pgbouncer_factory(cert="full")
    assert bouncer.port != pg_sandbox.port
    assert attempt(bouncer.conninfo()) is None  # verify-full against the sandbox root, through PgBouncer
    assert "SSL required" in (attempt(bouncer.conninfo(sslmode="disable")) or "")
    # PgBouncer 1.18's own words for a wrong password (PostgreSQL says "password authentication failed")
    assert "SASL authentication failed" in (attempt(bouncer.conninfo(password="wrong")) or "")


def test_other_ca_is_refused_through_the_pooler_only(pgbouncer_other_ca: PgBouncerServer,
                                                      pg_sandbox: SandboxServer) -> None:
    assert "certificate verify failed" in (attempt(pgbouncer_other_ca.conninfo()) or "")
    assert attempt(pgbouncer_other_ca.conninfo(sslrootcert=str(pg_sandbox.pki.other_ca))) is None
    assert attempt(pg_sandbox.conninfo()) is None  # the database's own certificate is still the sandbox's


def test_runs_unprivileged_with_a_private_auth_file(pgbouncer_other_ca: PgBouncerServer) -> None:
    b = pgbouncer_other_ca
    user = _system.server_user()
    assert b.is_running()
    assert _uid_of(b.pid) == user.uid
    assert _uid_of(b.pid) != 0
    auth = b.directory / "userlist.txt"
    st = auth.stat()
    assert st.st_mode & 0o777 == 0o600 and st.st_uid == user.uid
    assert (b.directory / "client-tls.key").stat().st_mode & 0o777 == 0o600
    secret = b.password.reveal()
    assert secret not in repr(b) and secret not in str(b)
    assert secret not in " ".join(_system.cmdline(b.pid) or [])
    assert secret not in (b.directory / "pgbouncer.ini").read_text()
    assert secret not in b.log_file.read_text()


def test_stop_ends_the_process_and_removes_its_files(pg_sandbox: SandboxServer, pgbouncer_binary: str) -> None:
    from dbdoctor.sandbox import start_pgbouncer

    b = start_pgbouncer(pg_sandbox, cert="cn_only")
    pid, directory = b.pid, b.directory
    b.stop()
    assert not _system.pid_alive(pid)
    assert not directory.exists()
    b.stop()  # idempotent


def test_bad_arguments(pg_sandbox: SandboxServer, pgbouncer_binary: str) -> None:
    from dbdoctor.sandbox import start_pgbouncer

    with pytest.raises(SandboxError, match="unknown certificate variant"):
        start_pgbouncer(pg_sandbox, cert="nope")
    with pytest.raises(SandboxError, match="client_sslmode"):
        start_pgbouncer(pg_sandbox, client_sslmode="sometimes")


def test_a_pooler_whose_owner_died_is_swept_by_the_next_start(pg_sandbox: SandboxServer,
                                                               pgbouncer_binary: str) -> None:
    import subprocess

    from dbdoctor.sandbox import start_pgbouncer

    orphan = start_pgbouncer(pg_sandbox, cert="full")
    child = subprocess.Popen(["true"])
    child.wait()  # exited and reaped: its start time no longer matches anything alive under that pid
    (orphan.directory / "dbdoctor-owner").write_text(f"{child.pid} 0\n")
    other = start_pgbouncer(pg_sandbox, cert="full")
    try:
        assert not orphan.directory.exists()
        assert not _system.pid_alive(orphan.pid)
        assert other.is_running()
    finally:
        other.stop()
        orphan.stop()
