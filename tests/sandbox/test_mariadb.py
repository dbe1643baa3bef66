"""The MariaDB sandbox, checked with a real client (PyMySQL) and the server's own variables."""

from __future__ import annotations

import time
from typing import Any

import pymysql
import pytest

from dbdoctor.sandbox import SandboxServer, start
from dbdoctor.sandbox.mariadb import native_password_hash


def connect(srv: SandboxServer, user: str = "app", password: str | None = None, **kw: Any) -> Any:
    return pymysql.connect(
        host="127.0.0.1",
        port=srv.port,
        user=user,
        password=srv.password.reveal() if password is None else password,
        database="app",
        connect_timeout=5,
        **kw,
    )


def verified(srv: SandboxServer, **extra: Any) -> dict[str, Any]:
    return {"ssl": {"ca": str(srv.ca_file), "check_hostname": True}, **extra}


def cipher(conn: Any) -> str:
    with conn.cursor() as cur:
        cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        row = cur.fetchone()
    conn.close()
    return str(row[1])


def test_managed_default_requires_tls_and_verifies_with_the_root_ca(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    assert srv.engine == "mariadb" and srv.version.startswith("10.11")
    assert cipher(connect(srv, **verified(srv))) != ""
    with pytest.raises(pymysql.err.OperationalError) as exc:
        connect(srv, ssl_disabled=True)
    # the error that lies: the same text as a wrong password
    assert exc.value.args[0] == 1045 and "(using password: YES)" in exc.value.args[1]
    assert "****" in srv.redacted_url and srv.password.reveal() not in repr(srv)
    assert srv.url.startswith("mysql://app:") and "ssl-mode=VERIFY_IDENTITY" in srv.url


def test_wrong_password_gives_the_same_1045(mariadb_sandbox: SandboxServer) -> None:
    with pytest.raises(pymysql.err.OperationalError) as exc:
        connect(
            mariadb_sandbox,
            password="wrong-" + mariadb_sandbox.password.reveal(),
            **verified(mariadb_sandbox),
        )
    assert exc.value.args[0] == 1045


def test_tls_offered_allows_plain_and_tls_off_has_no_tls(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    with srv.configured("tls_offered"):
        assert cipher(connect(srv, ssl_disabled=True)) == ""
        assert cipher(connect(srv, **verified(srv))) != ""
        # REQUIRE SSL user: plain fails with 1045, TLS works
        with pytest.raises(pymysql.err.OperationalError) as exc:
            connect(srv, user="app_ssl", ssl_disabled=True)
        assert exc.value.args[0] == 1045
        assert cipher(connect(srv, user="app_ssl", **verified(srv))) != ""
        # REQUIRE X509: TLS without a client certificate fails, with one it works
        with pytest.raises(pymysql.err.OperationalError):
            connect(srv, user="app_x509", **verified(srv))
        ssl = {"ca": str(srv.ca_file), "cert": str(srv.pki.client_cert), "key": str(srv.pki.client_key)}
        assert cipher(connect(srv, user="app_x509", ssl=ssl)) != ""
    with srv.configured("tls_off"):
        assert cipher(connect(srv, ssl_disabled=True)) == ""
        with pytest.raises(pymysql.err.OperationalError) as exc:
            connect(srv, **verified(srv))
        assert exc.value.args[0] == 2026
    assert (srv.profile, srv.cert) == ("managed", "full")
    assert cipher(connect(srv, **verified(srv))) != ""


def test_cert_variant_reloads_without_restart(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    pid = srv.pid
    with srv.configured(cert="expired"):
        with pytest.raises(pymysql.err.OperationalError) as exc:
            connect(srv, **verified(srv))
        assert "expired" in str(exc.value.args[1])
        assert srv.pid == pid


def test_start_time_and_stop_cleans_up(tmp_path: Any) -> None:
    t0 = time.monotonic()
    srv = start(engine="mariadb", state_dir=tmp_path, profile="tls_offered", cert="cn_only")
    first = time.monotonic() - t0
    t0 = time.monotonic()
    srv2 = start(engine="mariadb", state_dir=tmp_path)
    second = time.monotonic() - t0
    try:
        assert srv.port != srv2.port and srv.is_running() and srv2.is_running()
        assert second < 10, (first, second)
    finally:
        srv.stop()
        srv2.stop()
    assert not srv.data_dir.exists() and not srv.state_file.exists() and not srv.is_running()


def test_native_password_hash_matches_the_server(mariadb_sandbox: SandboxServer) -> None:
    conn = pymysql.connect(
        unix_socket=str(mariadb_sandbox.socket_dir / "mysqld.sock"), user="root", password=""
    )
    with conn.cursor() as cur:
        cur.execute("SELECT PASSWORD('abc')")
        row = cur.fetchone()
    conn.close()
    assert row is not None and row[0] == native_password_hash("abc")


def test_cli_start_engine_mariadb_gives_a_verify_identity_url(tmp_path: Any) -> None:
    import json
    import subprocess
    import sys
    from urllib.parse import parse_qs, unquote, urlsplit

    from dbdoctor.sandbox import purge

    try:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "dbdoctor",
                "sandbox",
                "--state-dir",
                str(tmp_path),
                "start",
                "--engine",
                "mariadb",
                "--json",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        info = json.loads(proc.stdout)
        u = urlsplit(info["url"])
        q = parse_qs(u.query)
        assert u.scheme == "mysql" and q["ssl-mode"] == ["VERIFY_IDENTITY"]
        conn = pymysql.connect(
            host=u.hostname,
            port=u.port,
            user=u.username,
            password=unquote(u.password or ""),
            database="app",
            ssl={"ca": q["ssl-ca"][0], "check_hostname": True},
            connect_timeout=5,
        )
        conn.close()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dbdoctor",
                "sandbox",
                "--state-dir",
                str(tmp_path),
                "set",
                info["name"],
                "--profile",
                "tls_off",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    finally:
        purge(tmp_path)


def test_a_server_being_restarted_counts_as_running(tmp_path: Any) -> None:
    """Another process reaping dead servers (every start does) must not delete one that reconfigure is
    restarting: the restart marker keeps it 'running' for a grace period."""
    import os
    import signal

    from dbdoctor.sandbox import list_servers
    from dbdoctor.sandbox.mariadb import _RESTARTING

    srv = start(engine="mariadb", state_dir=tmp_path)
    try:
        (srv.data_dir / _RESTARTING).touch()
        os.kill(srv.pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while srv.pid and os.path.exists(f"/proc/{srv.pid}") and time.monotonic() < deadline:
            with __import__("contextlib").suppress(ChildProcessError):
                os.waitpid(srv.pid, os.WNOHANG)
            time.sleep(0.01)
        assert srv.is_running()
        assert [s.name for s in list_servers(tmp_path)] == [srv.name] and srv.data_dir.exists()
        (srv.data_dir / _RESTARTING).unlink()
        assert not srv.is_running()
    finally:
        srv.stop()


def test_start_sweeps_what_a_crashed_start_left(tmp_path: Any) -> None:
    import os

    srv = start(engine="mariadb", state_dir=tmp_path)
    leftover = srv.data_dir.parent / "my-crashed"
    try:
        leftover.mkdir()
        (leftover / "my.cnf").write_text("[mariadbd]\n")
        old = time.time() - 600
        os.utime(leftover, (old, old))
        srv2 = start(engine="mariadb", state_dir=tmp_path)
        srv2.stop()
        assert not leftover.exists() and srv.is_running()
    finally:
        srv.stop()
