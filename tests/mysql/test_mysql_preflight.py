"""``dbdoctor preflight`` / ``dbdoctor.preflight()`` for MySQL/MariaDB targets on the MariaDB sandbox (issue 6):
one real PyMySQL connection with the effective settings, one line out, the diagnosis's cause on failure (the lying
1045 of require_secure_transport included), --json, --wait, the deadline, and no password anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from typing import Any
from urllib.parse import quote

import pytest

from dbdoctor.api import preflight_result
from dbdoctor.sandbox import SandboxServer
from dbdoctor.sandbox.profiles import DEFAULT_CERT, DEFAULT_PROFILE
from fix_preflight import assert_clean, random_password

ENV = {"HOME": "/nonexistent", "PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def url(srv: SandboxServer, *, password: str | None = None, port: int | None = None, scheme: str = "mysql",
        **q: str) -> str:
    pw = srv.password.reveal() if password is None else password
    query = {"ssl-mode": "VERIFY_IDENTITY", "ssl-ca": str(srv.ca_file)}
    query.update({k.replace("_", "-"): v for k, v in q.items()})
    qs = "&".join(f"{k}={quote(v, safe='/')}" for k, v in query.items())
    return f"{scheme}://app:{quote(pw, safe='')}@localhost:{port or srv.port}/app?{qs}"


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    e = dict(ENV)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "dbdoctor", "preflight", *args], capture_output=True, text=True,
                          env=e, timeout=timeout, check=False)


def clean(proc: subprocess.CompletedProcess[str], *passwords: str) -> None:
    for pw in passwords:
        assert_clean(proc.stdout + proc.stderr, pw)


def test_success_managed_verify_identity(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    pw = srv.password.reveal()
    proc = cli(srv.url)
    assert proc.returncode == 0, proc.stderr
    line = proc.stdout.strip()
    assert line.startswith(f"preflight ok: host=localhost port={srv.port} dbname=app user=app "
                           "ssl-mode=VERIFY_IDENTITY ca_file=set tls=TLSv1.")
    assert "server=10.11" in line and " time=" in line and proc.stderr == ""
    clean(proc, pw)
    # the library: the same result, engine mysql
    result = preflight_result(srv.url, environ=ENV, timeout=10)
    assert result.ok and result.to_dict()["engine"] == "mysql" and result.tls_version is not None
    assert result.settings["ssl_mode"] == "VERIFY_IDENTITY" and result.settings["password"] == "set"
    assert_clean(json.dumps(result.to_dict()) + repr(result), pw)


def test_success_json_and_database_url(mariadb_sandbox: SandboxServer, tmp_path: Any) -> None:
    srv = mariadb_sandbox
    pw = srv.password.reveal()
    # SQLAlchemy form: PyMySQL's own ssl_ca / ssl_verify_identity
    proc = cli("--json", f"mysql+pymysql://app:{quote(pw, safe='')}@localhost:{srv.port}/app"
                         f"?ssl_ca={srv.ca_file}&ssl_verify_identity=true")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    d = json.loads(proc.stdout)
    assert d["schema"] == "dbdoctor.preflight/1" and d["engine"] == "mysql" and d["ok"] is True
    assert d["settings"]["ssl_mode"] == "VERIFY_IDENTITY" and d["settings"]["ca_file"] == "set"
    assert d["tls_version"].startswith("TLSv1.") and d["server_version"].startswith("10.11")
    assert d["target"].startswith("mysql+pymysql://app:****@") and d["cause"] is None
    clean(proc, pw)
    # DATABASE_URL in the environment, then in a dotenv file
    proc = cli(env={"DATABASE_URL": srv.url})
    assert proc.returncode == 0 and "ssl-mode=VERIFY_IDENTITY" in proc.stdout, proc.stderr
    clean(proc, pw)
    envfile = tmp_path / ".env"
    envfile.write_text(f"DATABASE_URL={srv.url}\n")
    proc = cli("--env-file", str(envfile))
    assert proc.returncode == 0 and "ssl-mode=VERIFY_IDENTITY" in proc.stdout, proc.stderr
    clean(proc, pw)


def fails(proc: subprocess.CompletedProcess[str], cause: str) -> str:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stdout == ""
    line = proc.stderr.strip()
    assert line.startswith(f"preflight failed ({cause}) for localhost:"), line
    assert "\n" not in line
    return line


def test_disabled_against_require_secure_transport_is_not_a_wrong_password(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    pw = srv.password.reveal()
    proc = cli(url(srv, ssl_mode="DISABLED"))
    line = fails(proc, "server_requires_ssl")
    assert "Fix:" in line and "ssl-mode=VERIFY_IDENTITY" in line  # the corrected string
    clean(proc, pw)
    proc = cli("--json", url(srv, ssl_mode="DISABLED"))
    d = json.loads(proc.stdout)
    assert proc.returncode == 1 and d["ok"] is False and d["cause"] == "server_requires_ssl"
    assert d["engine"] == "mysql" and "(using password: YES)" in d["driver_error"]
    assert d["finding"]["code"] == "DD810" and d["settings"]["ssl_mode"] == "DISABLED"
    clean(proc, pw)


def test_wrong_password(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    wrong = random_password()
    for mode in ("VERIFY_IDENTITY", "DISABLED"):  # plain text too: the diagnosis tells it from the lie
        proc = cli(url(srv, password=wrong, ssl_mode=mode))
        fails(proc, "password_failed")
        clean(proc, wrong, srv.password.reveal())


def test_wrong_ca(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    proc = cli(url(srv, ssl_ca=str(srv.pki.other_ca)))
    fails(proc, "cert_untrusted")
    clean(proc, srv.password.reveal())


def test_refused_port(mariadb_sandbox: SandboxServer) -> None:
    from dbdoctor.sandbox._system import free_port

    srv = mariadb_sandbox
    proc = cli("--timeout", "5", url(srv, port=free_port()))
    fails(proc, "connection_refused")
    clean(proc, srv.password.reveal())


def test_library_raises_with_the_cause(mariadb_sandbox: SandboxServer) -> None:
    import dbdoctor
    from dbdoctor.errors import PreflightError

    srv = mariadb_sandbox
    with pytest.raises(PreflightError) as info:
        dbdoctor.preflight(url(srv, ssl_mode="DISABLED"), environ=ENV, timeout=10)
    assert "server_requires_ssl" in str(info.value) and info.value.finding is not None
    assert_clean(str(info.value) + repr(info.value.__dict__), srv.password.reveal())
    with pytest.raises(PreflightError) as info:
        dbdoctor.preflight("mysql://app@localhost:99999/app", environ=ENV, timeout=5)
    assert "invalid_target" in str(info.value)
    assert dbdoctor.preflight(srv.url, environ=ENV, timeout=10).ok


def test_wait_through_a_profile_switch(mariadb_sandbox: SandboxServer) -> None:
    """TLS off at first (VERIFY_IDENTITY fails), switched to the managed profile while the preflight waits."""
    srv = mariadb_sandbox
    pw = srv.password.reveal()
    with srv.configured("tls_off"):
        switch = threading.Timer(2.0, srv.reconfigure, kwargs={"profile": DEFAULT_PROFILE, "cert": DEFAULT_CERT})
        switch.start()
        try:
            started = time.monotonic()
            proc = cli("--wait", "30", "--timeout", "5", srv.url)
            took = time.monotonic() - started
        finally:
            switch.join()
    assert proc.returncode == 0, proc.stderr
    assert "attempts=" in proc.stdout and "ssl-mode=VERIFY_IDENTITY" in proc.stdout
    retries = [ln for ln in proc.stderr.splitlines() if ln.startswith("preflight: still failing after attempt")]
    assert retries and "retrying in" in retries[0]
    assert took < 20
    clean(proc, pw)


def test_wait_gives_up_with_the_diagnosis(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    started = time.monotonic()
    proc = cli("--wait", "2", "--timeout", "5", url(srv, ssl_mode="DISABLED"))
    took = time.monotonic() - started
    assert "still failing after attempt 1 (password_failed)" in proc.stderr  # the message's word, while waiting
    fails_line = proc.stderr.strip().splitlines()[-1]
    assert fails_line.startswith("preflight failed (server_requires_ssl)")  # the diagnosis's, at the end
    assert proc.returncode == 1 and took < 2 + 5 + 3
    clean(proc, srv.password.reveal())


@pytest.mark.parametrize("as_json", [False, True])
def test_timeout_held_against_a_silent_listener(as_json: bool) -> None:
    from fix_listeners import listener, silent

    pw = random_password(7)
    with listener(silent) as lst:
        target = f"mysql://app:{quote(pw, safe='')}@127.0.0.1:{lst.port}/app?ssl-mode=REQUIRED"
        started = time.monotonic()
        proc = cli(*(["--json"] if as_json else []), "--timeout", "2", target)
        took = time.monotonic() - started
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert took < 2 + 1, f"took {took:.2f} s"
    text = json.loads(proc.stdout)["line"] if as_json else proc.stderr
    assert text.startswith(f"preflight failed (connect_timeout) for 127.0.0.1:{lst.port}: "), text
    clean(proc, pw)


def test_fast_path_routes_mysql_before_libpq() -> None:
    """The click-free preflight asks the router first: a MySQL target (or DATABASE_URL) goes to the MySQL engine
    before anything of libpq or psycopg is loaded."""
    code = (
        "import os, sys, time\n"
        "from dbdoctor.route import route\n"
        "t = time.monotonic()\n"
        "r = route(sys.argv[1], os.environ)\n"
        "print(r.engine, 'dbdoctor.postgres.libpq' in sys.modules, 'psycopg' in sys.modules,"
        " round(time.monotonic() - t, 3))\n"
    )
    for target in ("mysql://u:secret@127.0.0.1:1/x", "mariadb://u@h/x", "jdbc:mysql://h:3306/x",
                   "mysql+pymysql://u@h/x"):
        out = subprocess.run([sys.executable, "-c", code, target], capture_output=True, text=True, env=ENV,
                             check=True, timeout=30).stdout.split()
        assert out[:3] == ["mysql", "False", "False"], (target, out)
        assert float(out[3]) < 0.2
    out = subprocess.run([sys.executable, "-c", code.replace("sys.argv[1]", "None"), "x"], capture_output=True,
                         text=True, env={**ENV, "DATABASE_URL": "mysql://u@127.0.0.1:1/x"}, check=True,
                         timeout=30).stdout.split()
    assert out[:3] == ["mysql", "False", "False"], out


def _forward(client: Any, upstream_port: int) -> None:
    import contextlib
    import select
    import socket

    try:
        upstream = socket.create_connection(("127.0.0.1", upstream_port), timeout=5)
    except OSError:
        client.close()
        return
    pair = (client, upstream)
    try:
        while True:
            ready, _, _ = select.select(pair, [], [], 20)
            if not ready:
                return
            for src in ready:
                data = src.recv(65536)
                if not data:
                    return
                (upstream if src is client else client).sendall(data)
    except OSError:
        return
    finally:
        for s in pair:
            with contextlib.suppress(OSError):
                s.close()


def test_wait_for_a_port_that_comes_up_late(mariadb_sandbox: SandboxServer) -> None:
    """Nothing listens on the port for 2 s (refused), then it forwards to the sandbox."""
    import socket

    from dbdoctor.sandbox._system import free_port

    srv = mariadb_sandbox
    port = free_port()
    stop = threading.Event()

    def serve() -> None:
        time.sleep(2.0)
        with socket.socket() as lsock:
            lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            lsock.bind(("127.0.0.1", port))
            lsock.listen(8)
            lsock.settimeout(0.2)
            while not stop.is_set():
                try:
                    conn, _ = lsock.accept()
                except OSError:
                    continue
                threading.Thread(target=_forward, args=(conn, srv.port), daemon=True).start()

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    try:
        started = time.monotonic()
        proc = cli("--wait", "20", "--timeout", "5", url(srv, port=port))
        took = time.monotonic() - started
    finally:
        stop.set()
        server.join(5)
    assert proc.returncode == 0, proc.stderr
    assert f"port={port}" in proc.stdout and "tls=TLSv1." in proc.stdout and "attempts=" in proc.stdout
    retries = [ln for ln in proc.stderr.splitlines() if ln.startswith("preflight: still failing after attempt")]
    assert retries and all("(connection_refused)" in ln for ln in retries), proc.stderr
    assert 2.0 <= took < 12
    clean(proc, srv.password.reveal())


def test_jdbc_password_in_the_query_is_never_shown(mariadb_sandbox: SandboxServer) -> None:
    """JDBC URLs carry the password as ?password=; the target shown in the line and the JSON masks it too."""
    from dbdoctor.mysql.sources import redact_text

    srv = mariadb_sandbox
    pw = srv.password.reveal()
    target = f"jdbc:mysql://localhost:{srv.port}/app?user=app&password={quote(pw, safe='')}&sslMode=REQUIRED"
    assert redact_text(target).endswith("&password=****&sslMode=REQUIRED")
    proc = cli("--json", target)
    d = json.loads(proc.stdout)
    assert proc.returncode == 0 and d["ok"] and d["settings"]["ssl_mode"] == "REQUIRED", proc.stdout + proc.stderr
    assert d["tls_version"] is not None and "password=****" in d["target"]
    clean(proc, pw)
    wrong = random_password(11)
    for args in (["--json"], []):
        proc = cli(*args, target.replace(quote(pw, safe=""), quote(wrong, safe="")))
        assert proc.returncode == 1 and "password_failed" in proc.stdout + proc.stderr
        clean(proc, wrong, pw)


def _connections(srv: SandboxServer) -> int:
    """The server's own count of connection attempts (over its Unix socket as root, which counts one itself)."""
    import pymysql

    admin = pymysql.connect(unix_socket=str(srv.socket_dir / "mysqld.sock"), user="root", autocommit=True)
    try:
        with admin.cursor() as cur:
            cur.execute("SHOW GLOBAL STATUS LIKE 'Connections'")
            row = cur.fetchone()
            return int(row[1]) if row else -1
    finally:
        admin.close()


def plain_url(srv: SandboxServer, query: str, password: str | None = None) -> str:
    pw = srv.password.reveal() if password is None else password
    return f"mysql://app:{quote(pw, safe='')}@localhost:{srv.port}/app?{query}"


def test_driver_refusing_the_settings_fails_without_a_connection(mariadb_sandbox: SandboxServer) -> None:
    """--driver pymysql reads ?ssl_mode=REQUIRED as PyMySQL does (a keyword it does not have: TypeError before any
    connection), where dbdoctor's own mysql:// reading takes it as the client's ssl-mode (issue 6)."""
    srv = mariadb_sandbox
    pw = srv.password.reveal()
    target = plain_url(srv, "ssl_mode=REQUIRED")
    proc = cli(target)  # the MySQL client's reading: it works
    assert proc.returncode == 0 and "ssl-mode=REQUIRED" in proc.stdout and "driver=" not in proc.stdout, proc.stderr
    before = _connections(srv)
    proc = cli("--json", "--driver", "pymysql", target)
    made = _connections(srv) - before - 1  # the count includes this query's own connection
    assert proc.returncode == 1, proc.stdout + proc.stderr
    d = json.loads(proc.stdout)
    assert (d["ok"], d["cause"], d["engine"]) == (False, "param_unknown", "mysql")
    assert d["driver_error"] == "TypeError: Connection.__init__() got an unexpected keyword argument 'ssl_mode'"
    assert (d["settings"]["driver"], d["settings"]["driver_version"]) == ("pymysql", "1.2.4")
    assert d["finding"]["code"] == "DD502" and "ssl_mode" in d["fix"]
    assert f"for localhost:{srv.port} with pymysql==1.2.4: " in d["line"], d["line"]
    assert made == 0, f"{made} connection(s) made for settings the driver refuses"
    clean(proc, pw)
    proc = cli("--driver", "pymysql", target)
    line = fails(proc, "param_unknown")
    assert "with pymysql==1.2.4" in line and "unexpected keyword argument 'ssl_mode'" in line
    # the library entry takes the driver too
    import dbdoctor
    from dbdoctor.errors import PreflightError

    with pytest.raises(PreflightError) as info:
        dbdoctor.preflight(target, environ=ENV, timeout=10, driver="pymysql")
    assert "param_unknown" in str(info.value) and info.value.finding is not None
    assert dbdoctor.preflight(target, environ=ENV, timeout=10).ok
    assert_clean(str(info.value), pw)


def test_driver_modes_are_the_ones_the_connection_uses(mariadb_sandbox: SandboxServer) -> None:
    """The one connection uses what the driver applies: PyMySQL 1.1 verifies when TLS is offered and falls back
    to plain text when not; mysql2 reads ?ssl= as JSON (true: refused; an object: TLS); mysql-connector-python
    with ssl_disabled and ssl_verify_cert fails on a server without TLS (2026) whatever its mode."""
    srv = mariadb_sandbox
    pw = srv.password.reveal()
    ident = f"ssl_verify_identity=true&ssl_ca={srv.ca_file}"
    wrong = f"ssl_verify_identity=true&ssl_ca={srv.pki.other_ca}"
    d = json.loads(cli("--json", "--driver", "pymysql==1.1", plain_url(srv, ident)).stdout)
    assert d["ok"] and d["tls_version"].startswith("TLSv1.") and d["settings"]["driver_version"] == "1.1", d
    assert d["settings"]["ssl_mode"] == "PREFERRED" and d["settings"]["ca_file"] == "set"
    proc = cli("--json", "--driver", "pymysql==1.1", plain_url(srv, wrong))
    d = json.loads(proc.stdout)
    assert proc.returncode == 1 and d["cause"] == "cert_untrusted", d  # verified, though "PREFERRED"
    clean(proc, pw)
    with srv.configured("tls_off"):
        d = json.loads(cli("--json", "--driver", "pymysql==1.1", plain_url(srv, wrong)).stdout)
        assert d["ok"] and d["tls_version"] is None, d  # no TLS offered: plain text, as PyMySQL 1.1 does
        proc = cli("--json", "--driver", "mysql-connector-python",
                   plain_url(srv, "ssl_disabled=True&ssl_verify_cert=True"))
        d = json.loads(proc.stdout)
        assert proc.returncode == 1 and d["cause"] == "server_ssl_unsupported", d
        assert "2026" in d["driver_error"] and d["settings"]["driver"] == "mysql-connector-python"
    with srv.configured("tls_offered"):  # TLS offered: the same settings connect in plain text
        d = json.loads(cli("--json", "--driver", "mysql-connector-python",
                           plain_url(srv, "ssl_disabled=True&ssl_verify_cert=True")).stdout)
        assert d["ok"] and d["tls_version"] is None and d["settings"]["ssl_mode"] == "DISABLED", d
    proc = cli("--driver", "mysql2", plain_url(srv, "ssl=true"))
    assert "SSL profile must be an object, instead it's a boolean" in fails(proc, "param_invalid")
    proc = cli("--driver", "mysql2", plain_url(srv, "ssl=" + quote('{"rejectUnauthorized":false}', safe="")))
    assert proc.returncode == 0 and "ssl-mode=REQUIRED" in proc.stdout and "driver=mysql2==" in proc.stdout
    assert "tls=TLSv1." in proc.stdout, proc.stdout
    # mysql2 ignores ssl-mode: no TLS at all, which this server (require_secure_transport) refuses
    fails(cli("--driver", "mysql2", url(srv)), "server_requires_ssl")
    clean(proc, pw)


def test_unknown_driver_is_a_usage_error() -> None:
    for driver in ("nosuch", "libpq", "pymysql==x.y"):
        proc = cli("--driver", driver, "mysql://app:secret-pw@127.0.0.1:1/app")
        assert proc.returncode == 2 and proc.stdout == "", (driver, proc.stdout, proc.stderr)
        assert proc.stderr.startswith("error: ") and ("MySQL driver" in proc.stderr or "version" in proc.stderr)
        assert "secret-pw" not in proc.stderr
    from dbdoctor.errors import InputError

    with pytest.raises(InputError, match="unknown MySQL driver 'nosuch'"):
        preflight_result("mysql://app@127.0.0.1:1/app", environ=ENV, timeout=2, driver="nosuch")


def test_defaults_file(mariadb_sandbox: SandboxServer, tmp_path: Any) -> None:
    """--defaults-file: the [client] group of that option file (password, TLS) instead of ~/.my.cnf, in the
    command and the library; with --driver the URL's query is still the driver's."""
    import dbdoctor

    srv = mariadb_sandbox
    pw = srv.password.reveal()
    cnf = tmp_path / "app.cnf"
    cnf.write_text(f"[client]\nuser=app\npassword={pw}\nssl-mode=VERIFY_IDENTITY\nssl-ca={srv.ca_file}\n")
    cnf.chmod(0o600)
    target = f"mysql://localhost:{srv.port}/app"
    proc = cli("--json", "--defaults-file", str(cnf), target)
    d = json.loads(proc.stdout)
    assert proc.returncode == 0 and d["ok"], proc.stdout + proc.stderr
    assert d["settings"]["password"] == "set" and d["settings"]["ssl_mode"] == "VERIFY_IDENTITY"
    assert d["settings"]["user"] == "app" and d["tls_version"].startswith("TLSv1.")
    clean(proc, pw)
    fails(cli(target), "password_failed")  # without it: no password (HOME has no .my.cnf)
    assert dbdoctor.preflight(target, environ=ENV, timeout=10, defaults_file=cnf).ok
    # the option file's settings, the driver's reading of the URL: mysql2 ignores ssl-mode, and a
    # require_secure_transport server refuses its plain text
    proc = cli("--defaults-file", str(cnf), "--driver", "mysql2", target + "?ssl-mode=VERIFY_IDENTITY")
    fails(proc, "server_requires_ssl")
    clean(proc, pw)
    missing = tmp_path / "nope.cnf"
    proc = cli("--defaults-file", str(missing), target)
    assert proc.returncode == 2 and proc.stdout == "" and "nope.cnf" in proc.stderr, proc.stderr


@pytest.mark.parametrize("driver", ["pymysql", None])
def test_timeout_when_the_server_stalls_after_its_greeting(mariadb_sandbox: SandboxServer, driver: str | None
                                                            ) -> None:
    """A real greeting, then nothing: the TLS handshake (managed) or the login (tls_off) never gets its answer.
    preflight says connect_timeout (not connection_refused / tls_handshake_failed), within --timeout, also when
    the diagnosis has time to run (issue 6)."""
    from fix_mysql_stall import stalling_mysql

    srv = mariadb_sandbox
    pw = srv.password.reveal()
    for profile, mode in (("managed", "REQUIRED"), ("tls_off", "DISABLED")):
        # the same modes in PyMySQL's own keywords (1.2: ssl_ca alone is REQUIRED)
        query = {"REQUIRED": f"ssl_ca={srv.ca_file}", "DISABLED": "ssl_disabled=true"}[mode] if driver else (
            f"ssl-mode={mode}")
        with srv.configured(profile), stalling_mysql(srv.port) as lst:
            target = f"mysql://app:{quote(pw, safe='')}@127.0.0.1:{lst.port}/app?{query}"
            # the library with a long deadline: the attempt times out (PyMySQL's own timeouts are >= 1 s) and
            # the diagnosis runs in what is left; its cause must agree
            started = time.monotonic()
            result = preflight_result(target, environ=ENV, timeout=6, driver=driver)
            took = time.monotonic() - started
            assert (result.ok, result.cause) == (False, "connect_timeout"), (profile, result.line())
            assert result.driver is not None and result.driver.timed_out
            assert took < 6 + 1.5, took
            proc = cli("--timeout", "3", *(["--driver", driver] if driver else []), target)
            line = proc.stderr.strip()
            assert proc.returncode == 1 and line.startswith("preflight failed (connect_timeout) for 127.0.0.1:"), line
            clean(proc, pw)


def test_mysql_preflight_skips_click_and_says_the_same(mariadb_sandbox: SandboxServer) -> None:
    """The simple options go to gate_mysql without click (dbdoctor._entry; ~17 ms at every app start): the same
    line and exit code as the click command, which a second option forces (--wait 0)."""
    from urllib.parse import quote

    srv = mariadb_sandbox
    url = (f"mysql://{srv.user}:{quote(srv.password.reveal(), safe='')}@localhost:{srv.port}/{srv.dbname}"
           f"?ssl-mode=VERIFY_IDENTITY&ssl-ca={srv.ca_file}")
    code = ("import sys, runpy\nsys.argv = ['dbdoctor', 'preflight']\n"
            "try:\n    runpy.run_module('dbdoctor', run_name='__main__')\nexcept SystemExit as e:\n"
            "    sys.stderr.write(f'exit={e.code} click={\"click\" in sys.modules}\\n')\n")
    env = {**ENV, "DATABASE_URL": url}
    fast = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert "exit=0 click=False" in fast.stderr, fast.stderr
    slow = cli("--wait", "0", env=env)
    assert slow.returncode == 0
    strip = lambda s: s.split(" time=")[0]  # noqa: E731
    assert strip(fast.stdout) == strip(slow.stdout) and fast.stdout.startswith("preflight ok:")
    bad = url.replace("ssl-mode=VERIFY_IDENTITY", "ssl-mode=DISABLED")
    fast = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**ENV, "DATABASE_URL": bad}, timeout=60)
    slow = cli("--wait", "0", env={**ENV, "DATABASE_URL": bad})
    assert "exit=1 click=False" in fast.stderr and slow.returncode == 1
    assert "server_requires_ssl" in fast.stderr and "server_requires_ssl" in slow.stderr
    clean(fast, srv.password.reveal())
    # input that cannot be used: click's own error, exit 2
    proc = cli(env={**ENV, "DATABASE_URL": "mysql://app@localhost:99999/app"})
    assert proc.returncode == 2 and "error:" in proc.stderr
