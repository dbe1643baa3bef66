"""dbdoctor check on MariaDB sandbox servers: verdict, cause and modes, the errors that lie, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from dbdoctor.checking import CheckInput
from dbdoctor.mysql.pipeline import check
from dbdoctor.sandbox import SandboxServer

ENV = {"HOME": "/nonexistent"}


def run(url: str) -> dict[str, Any]:
    d = check(CheckInput(text=url, environ=ENV, timeout=10)).to_dict()
    return d


def url(srv: SandboxServer, user: str = "app", password: str | None = None, **q: str) -> str:
    pw = srv.password.reveal() if password is None else password
    query = "&".join(f"{k.replace('_', '-')}={v}" for k, v in q.items())
    return f"mysql://{user}:{pw}@localhost:{srv.port}/app" + (f"?{query}" if query else "")


def modes(d: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    return {k: (v["outcome"], v["cause"]) for k, v in d["modes"].items()}


def test_sandbox_url_works_and_predicts_disabled(mariadb_sandbox: SandboxServer) -> None:
    d = run(mariadb_sandbox.url)
    assert d["engine"] == "mysql" and d["verdict"] == "ok" and d["cause"] is None
    assert modes(d)["DISABLED"] == ("fail", "server_requires_ssl")
    assert set(list(modes(d).values())[1:]) == {("ok", None)}
    assert mariadb_sandbox.password.reveal() not in json.dumps(d)


def test_the_lie_told_apart(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    d = run(url(srv, ssl_mode="DISABLED", ssl_ca=str(srv.ca_file)))
    assert (d["verdict"], d["cause"]) == ("fail", "server_requires_ssl")
    assert "(using password: YES)" in d["driver_error"] and [f["code"] for f in d["findings"]] == ["DD810"]
    assert "ssl-mode=VERIFY_IDENTITY" in d["corrected"]
    d = run(url(srv, password="wrong", ssl_mode="DISABLED", ssl_ca=str(srv.ca_file)))
    assert (d["verdict"], d["cause"]) == ("fail", "password_failed")
    assert set(modes(d).values()) == {("fail", "password_failed")}


def test_require_ssl_account_on_a_server_that_allows_plain(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    with srv.configured("tls_offered"):
        d = run(url(srv, user="app_ssl", ssl_mode="DISABLED", ssl_ca=str(srv.ca_file)))
        assert (d["verdict"], d["cause"]) == ("fail", "server_requires_ssl")
        assert "REQUIRE SSL" in d["findings"][0]["detail"]
        d = run(url(srv, ssl_mode="DISABLED", ssl_ca=str(srv.ca_file)))
        assert d["verdict"] == "ok" and set(modes(d).values()) == {("ok", None)}


def test_x509_account_with_the_client_certificate(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    with srv.configured("tls_offered"):
        d = run(
            url(
                srv,
                user="app_x509",
                ssl_mode="VERIFY_IDENTITY",
                ssl_ca=str(srv.ca_file),
                ssl_cert=str(srv.pki.client_cert),
                ssl_key=str(srv.pki.client_key),
            )
        )
        assert d["verdict"] == "ok" and modes(d)["DISABLED"] == ("fail", "server_requires_ssl")


def test_tls_off_and_preferred_falls_back(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    with srv.configured("tls_off"):
        d = run(url(srv))
        assert d["verdict"] == "ok" and "DD840" in [f["code"] for f in d["findings"]]
        d = run(url(srv, ssl_mode="VERIFY_IDENTITY", ssl_ca=str(srv.ca_file)))
        assert (d["verdict"], d["cause"]) == ("fail", "server_ssl_unsupported")
        # the password was never sent by the user's settings: plain text stays untested
        assert modes(d)["DISABLED"] == ("unknown", "password_untested")


@pytest.mark.parametrize(
    ("cert", "cause"),
    [
        ("expired", "cert_expired"),
        ("other_ca", "cert_untrusted"),
        ("cn_only", "hostname_mismatch"),
        ("no_intermediate", "cert_chain_incomplete"),
        ("self_signed", "cert_self_signed"),
    ],
)
def test_certificate_variants(mariadb_sandbox: SandboxServer, cert: str, cause: str) -> None:
    with mariadb_sandbox.configured(cert=cert):
        d = run(mariadb_sandbox.url)
    assert (d["verdict"], d["cause"]) == ("fail", cause)
    assert modes(d)["VERIFY_IDENTITY"] == ("fail", cause)
    if (
        cause == "hostname_mismatch"
    ):  # the chain verifies against the user's CA: a VERIFY_CA login may be tried
        assert modes(d)["REQUIRED"] == modes(d)["VERIFY_CA"] == ("ok", None)
    else:  # nothing verified: the password is not sent anywhere the user's settings would not have sent it
        assert modes(d)["REQUIRED"] == ("unknown", "password_untested")


def test_network_causes(unused_tcp_port: int = 0) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    d = run(f"mysql://app:x@127.0.0.1:{port}/app")
    assert (d["verdict"], d["cause"]) == ("fail", "connection_refused")
    assert set(modes(d).values()) == {("fail", "connection_refused")}


def test_cli_check_json_exit_codes(mariadb_sandbox: SandboxServer) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "dbdoctor", "check", "--json", mariadb_sandbox.url],
        capture_output=True,
        text=True,
        timeout=60,
        env={**ENV, "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "ok"
    bad = url(mariadb_sandbox, ssl_mode="DISABLED")
    proc = subprocess.run(
        [sys.executable, "-m", "dbdoctor", "check", bad],
        capture_output=True,
        text=True,
        timeout=60,
        env={**ENV, "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 1 and "DD810" in proc.stdout
    assert "  DISABLED" in proc.stdout and "server_requires_ssl  <- yours" in proc.stdout
    assert (
        "  REQUIRED        ok" in proc.stdout and "  VERIFY_IDENTITY fail      cert_untrusted" in proc.stdout
    )
    assert mariadb_sandbox.password.reveal() not in proc.stdout + proc.stderr


def test_ip_mismatch_missing_ca_file_and_missing_database(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    with srv.configured(cert="cn_only"):
        u = url(srv, ssl_mode="VERIFY_IDENTITY", ssl_ca=str(srv.ca_file)).replace(
            "@localhost:", "@127.0.0.1:"
        )
        d = run(u)
    assert (d["cause"], [f["code"] for f in d["findings"]]) == ("ip_address_mismatch", ["DD819"])
    d = run(url(srv, ssl_mode="VERIFY_CA", ssl_ca="/nonexistent/ca.pem"))
    assert (d["verdict"], d["cause"]) == ("fail", "ca_file_missing") and "DD820" in [
        f["code"] for f in d["findings"]
    ]
    d = run(
        url(srv, **{"ssl_mode": "VERIFY_IDENTITY", "ssl_ca": str(srv.ca_file)}).replace("/app?", "/nosuchdb?")
    )
    assert (d["verdict"], d["cause"]) == ("fail", "database_missing") and "DD834" in [
        f["code"] for f in d["findings"]
    ]


def test_too_many_connections_before_any_login(mariadb_sandbox: SandboxServer) -> None:
    """A real 1040: max_connections lowered to its minimum (10) and every slot held. MariaDB 10.11 still sends
    its greeting and refuses at login (not before the greeting, as the knowledge base says servers may)."""
    import pymysql

    srv = mariadb_sandbox
    admin = pymysql.connect(unix_socket=str(srv.socket_dir / "mysqld.sock"), user="root", autocommit=True)
    held = []
    try:
        with admin.cursor() as cur:
            cur.execute("SET GLOBAL max_connections = 10")  # MariaDB's minimum
        for _ in range(12):
            try:
                held.append(
                    pymysql.connect(
                        host="127.0.0.1",
                        port=srv.port,
                        user="app",
                        password=srv.password.reveal(),
                        ssl={"ca": str(srv.ca_file)},
                    )
                )
            except pymysql.err.OperationalError:
                break
        d = run(srv.url)
    finally:
        for c in held:
            c.close()
        with admin.cursor() as cur:
            cur.execute("SET GLOBAL max_connections = 40")
        admin.close()
    assert (d["verdict"], d["cause"]) == ("fail", "too_many_connections"), d["evidence"]
    assert "DD832" in [f["code"] for f in d["findings"]]
    assert any(e["layer"] == "greeting" and "TLS offered" in e["text"] for e in d["evidence"]), d["evidence"]
    assert "1040" in d["driver_error"]


def test_not_the_database_and_pre_auth_errors_from_listeners() -> None:
    """Servers that are not MySQL, and ERR packets as a proxy or an old server sends them (canned bytes)."""
    import struct

    from dbdoctor.mysql import wire as _mywire
    from fix_listeners import listener

    def sends(data: bytes) -> Any:
        def handler(conn: Any) -> None:
            conn.sendall(data)
            import time

            time.sleep(0.5)

        return handler

    def err(errno: int, msg: str) -> bytes:
        body = b"\xff" + struct.pack("<H", errno) + msg.encode()
        return _mywire.header(len(body), 0) + body

    cases = [
        (b"SSH-2.0-OpenSSH_9.2\r\n", "not_the_database", "DD830"),
        (
            err(1130, "Host '10.0.0.7' is not allowed to connect to this MariaDB server"),
            "hba_rejected",
            "DD831",
        ),
        (err(1129, "Host '10.0.0.7' is blocked because of many connection errors"), "host_blocked", "DD833"),
    ]
    for data, cause, code in cases:
        with listener(sends(data)) as lst:
            d = run(f"mysql://app:x@127.0.0.1:{lst.port}/app")
        assert (d["verdict"], d["cause"]) == ("fail", cause), d["evidence"]
        assert code in [f["code"] for f in d["findings"]]
        assert set(modes(d).values()) == {("fail", cause)}


def test_unix_socket(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    sock = srv.socket_dir / "mysqld.sock"
    with srv.configured("tls_offered"):
        d = run(
            f"mysql://app:{srv.password.reveal()}@localhost/app?socket={sock}&ssl-mode=VERIFY_IDENTITY"
            f"&ssl-ca={srv.ca_file}"
        )
    assert d["verdict"] == "ok" and set(modes(d).values()) == {("ok", None)}, d["modes"]
    assert any(str(sock) in e["text"] for e in d["evidence"])


def test_deadline_holds_against_a_silent_listener() -> None:
    import time

    from fix_listeners import listener, silent

    with listener(silent) as lst:
        t0 = time.monotonic()
        d = check(
            CheckInput(text=f"mysql://app:x@127.0.0.1:{lst.port}/app", environ=ENV, timeout=2)
        ).to_dict()
        elapsed = time.monotonic() - t0
    assert (d["verdict"], d["cause"]) == ("fail", "connect_timeout")
    assert elapsed < 3.5, elapsed


def test_database_url_dispatches_to_mysql(mariadb_sandbox: SandboxServer) -> None:
    env = {**ENV, "PATH": "/usr/bin:/bin", "DATABASE_URL": mariadb_sandbox.url}
    proc = subprocess.run(
        [sys.executable, "-m", "dbdoctor", "check", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    d = json.loads(proc.stdout)
    assert (
        proc.returncode == 0
        and d["engine"] == "mysql"
        and d["effective"]["provenance"]["host"] == "env:DATABASE_URL"
    )
    assert mariadb_sandbox.password.reveal() not in proc.stdout


def test_cli_check_with_an_option_file(mariadb_sandbox: SandboxServer, tmp_path: Any) -> None:
    """The password and TLS settings from --defaults-file [client]; the URL only names the server."""
    srv = mariadb_sandbox
    cnf = tmp_path / "app.cnf"
    cnf.write_text(
        f"[client]\nuser=app\npassword={srv.password.reveal()}\nssl-mode=VERIFY_IDENTITY\nssl-ca={srv.ca_file}\n"
    )
    cnf.chmod(0o600)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "dbdoctor",
            "check",
            "--json",
            "--defaults-file",
            str(cnf),
            f"mysql://localhost:{srv.port}/app",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**ENV, "PATH": "/usr/bin:/bin"},
    )
    d = json.loads(proc.stdout)
    assert proc.returncode == 0 and d["verdict"] == "ok", d
    assert (
        d["effective"]["provenance"]["password"] == f"file:{cnf}"
        and d["effective"]["ssl_mode"] == "VERIFY_IDENTITY"
    )
    assert srv.password.reveal() not in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("profile", "mode", "stalls_at"),
    [
        ("managed", "REQUIRED", "the TLS handshake"),  # greeting offers TLS; the server's answer never arrives
        ("tls_off", "DISABLED", "the login"),  # no TLS offered; the answer to the login never arrives
        ("tls_offered", "DISABLED", "the login"),  # the probe's TLS handshake stalls too; the user's login does
    ],
)
def test_a_server_that_stalls_after_its_greeting_is_a_timeout(
    mariadb_sandbox: SandboxServer, profile: str, mode: str, stalls_at: str
) -> None:
    """The real greeting, then nothing (a proxy in front of the sandbox swallows the rest): PyMySQL says 2003
    "Can't connect ... (timed out)" or 2013 "Lost connection ... (timed out)", which are a timeout, not
    connection_refused or tls_handshake_failed (issue 6)."""
    import time

    from fix_mysql_stall import stalling_mysql

    srv = mariadb_sandbox
    with srv.configured(profile), stalling_mysql(srv.port) as lst:
        t0 = time.monotonic()
        d = check(
            CheckInput(
                text=f"mysql://app:{srv.password.reveal()}@127.0.0.1:{lst.port}/app?ssl-mode={mode}",
                environ=ENV,
                timeout=4,
            )
        ).to_dict()
        elapsed = time.monotonic() - t0
    assert (d["verdict"], d["cause"]) == ("fail", "connect_timeout"), (stalls_at, d["evidence"])
    assert "timed out" in d["driver_error"], d["driver_error"]
    assert any(e["layer"] == "greeting" and "MariaDB" in e["text"] for e in d["evidence"]), d["evidence"]
    assert elapsed < 4 + 1.5, elapsed
    assert srv.password.reveal() not in json.dumps(d)


def test_a_refusal_and_an_unknown_host_keep_their_causes() -> None:
    """PyMySQL numbers a refusal, a DNS failure and a timeout all 2003: the wrapped error tells them apart."""
    import socket

    from dbdoctor.mysql.probe import attempt_pymysql
    from dbdoctor.mysql.sources import resolve

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    a = attempt_pymysql(resolve(f"mysql://app:x@127.0.0.1:{port}/app", environ=ENV), timeout=3)
    assert (a.errno, a.os_error, a.timed_out) == (2003, "ConnectionRefusedError", False), a
    d = run(f"mysql://app:x@nope.invalid:{port}/app")
    assert (d["verdict"], d["cause"]) == ("fail", "dns_unresolved"), d["evidence"]


@pytest.mark.parametrize(
    "target",
    [
        "mysql://app:{pw}@localhost:99999/app",  # port out of range
        "mysql://app:{pw}@localhost/app?ssl-mode=SOMETIMES",  # no such mode
        "mysql+pymysql://app:{pw}@localhost/app?ssl_mode=REQUIRED",  # PyMySQL has no ssl_mode
        "mysql://app:{raw}@localhost/app",  # an un-encoded / or ? in the password bends the URL (port "Pf")
    ],
)
def test_an_invalid_target_is_shown_redacted(target: str) -> None:
    """Like PostgreSQL's: the report's target is the input with the password masked, never None nor the input
    as written (issue 6)."""
    from urllib.parse import quote

    from fix_preflight import assert_clean

    for seed in range(8):
        raw = "Pf/" + "".join(chr(ord("a") + (seed * 7 + i) % 26) for i in range(12)) + "?x#y@z"
        pw = quote(raw, safe="")
        text = target.format(pw=pw, raw=raw)
        d = check(CheckInput(text=text, environ=ENV, timeout=2)).to_dict()
        want = {"{raw}": "password_not_encoded"}.get(target.split(":", 2)[2].split("@")[0])
        if want is not None:  # the bent password is named as such (DD804), not as the port it bent into
            assert (d["verdict"], d["cause"]) == ("fail", want), d
        else:
            assert (d["verdict"], d["cause"]) in {("fail", "invalid_target"), ("fail", "param_invalid"),
                                                  ("fail", "param_unknown")}, d
        assert d["target"] is not None and "****" in d["target"], d["target"]
        assert d["target"].startswith(text.split("://")[0] + "://app:****@"), d["target"]
        assert_clean(json.dumps(d), raw)
    # from the environment: nothing written to show, as for PostgreSQL
    d = check(CheckInput(text=None, environ={**ENV, "DATABASE_URL": "mysql://app:x@h:0/app"}, timeout=2)).to_dict()
    assert d["cause"] == "invalid_target" and d["target"] is None


def test_check_with_a_driver_that_verifies_only_when_tls_is_offered(mariadb_sandbox: SandboxServer) -> None:
    """PyMySQL 1.1 with ssl_verify_identity and ssl_ca: TLS verified when the server offers it, plain text when it
    does not. check's one connection makes it that way (not PREFERRED's unverified TLS), so a wrong CA fails
    with the certificate's cause; mysql-connector-python with ssl_disabled and ssl_verify_cert fails (2026) on a
    server without TLS though it would connect in plain text to one that offers TLS."""
    srv = mariadb_sandbox

    def checked(query: str, driver: str) -> dict[str, Any]:
        text = f"mysql://app:{srv.password.reveal()}@localhost:{srv.port}/app?{query}"
        out: dict[str, Any] = check(CheckInput(text=text, environ=ENV, timeout=10, driver=driver)).to_dict()
        assert srv.password.reveal() not in json.dumps(out)
        return out

    d = checked(f"ssl_verify_identity=true&ssl_ca={srv.pki.other_ca}", "pymysql==1.1")
    assert (d["verdict"], d["cause"]) == ("fail", "cert_untrusted"), (d["driver_error"], d["evidence"])
    d = checked(f"ssl_verify_identity=true&ssl_ca={srv.ca_file}", "pymysql==1.1")
    assert d["verdict"] == "ok", d["driver_error"]
    with srv.configured("tls_off"):
        d = checked(f"ssl_verify_identity=true&ssl_ca={srv.pki.other_ca}", "pymysql==1.1")
        assert d["verdict"] == "ok" and d["effective"]["falls_back_to_plain"] is True, d["driver_error"]
        d = checked("ssl_disabled=True&ssl_verify_cert=True", "mysql-connector-python")
        assert (d["verdict"], d["cause"]) == ("fail", "server_ssl_unsupported"), d["evidence"]
        assert "2026" in d["driver_error"]
    with srv.configured("tls_offered"):
        d = checked("ssl_disabled=True&ssl_verify_cert=True", "mysql-connector-python")
        assert d["verdict"] == "ok", d["driver_error"]
