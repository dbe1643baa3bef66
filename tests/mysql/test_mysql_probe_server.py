"""The MySQL probe against real MariaDB sandbox servers: greeting, TLS chain, no credentials sent, and the real
PyMySQL connection in every ssl-mode."""

from __future__ import annotations

from typing import Any

import pytest

from dbdoctor.mysql.probe import attempt_pymysql, probe_host, probe_target
from dbdoctor.net import Deadline
from dbdoctor.sandbox import SandboxServer
from dbdoctor.target import HostAttempt, Secret, Target


def target(
    srv: SandboxServer,
    host: str = "localhost",
    user: str = "app",
    password: str | None = None,
    **settings: str,
) -> Target:
    s = {"host": host, "port": str(srv.port), "user": user, "dbname": "app", **settings}
    return Target(
        engine="mysql",
        params=s,
        settings=s,
        password=Secret(srv.password.reveal() if password is None else password),
        hosts=(HostAttempt(host, None, srv.port),),
    )


def test_probe_managed_sees_tls_and_the_chain(mariadb_sandbox: SandboxServer) -> None:
    obs = probe_host(HostAttempt("localhost", None, mariadb_sandbox.port), {}, Deadline.after(5))
    assert obs.tcp is not None and obs.tcp.outcome == "connected"
    assert obs.first is not None and obs.first.outcome == "greeting" and obs.first.greeting is not None
    assert obs.first.greeting.offers_tls and obs.first.greeting.version.startswith("10.11")
    assert obs.tls is not None and obs.tls.completed and len(obs.tls.chain_der) == 2
    assert obs.tls.sni == "localhost"


def test_probe_tls_off_sends_no_ssl_request(mariadb_sandbox: SandboxServer) -> None:
    with mariadb_sandbox.configured("tls_off"):
        obs = probe_host(HostAttempt("127.0.0.1", None, mariadb_sandbox.port), {}, Deadline.after(5))
    assert obs.first is not None and obs.first.greeting is not None and not obs.first.greeting.offers_tls
    assert obs.tls is None


def test_probe_sends_no_login(mariadb_sandbox: SandboxServer) -> None:
    """The probe's connections never reach authentication: the server counts no aborted login for them."""
    import pymysql

    def aborted() -> int:
        conn = pymysql.connect(unix_socket=str(mariadb_sandbox.socket_dir / "mysqld.sock"), user="root")
        with conn.cursor() as cur:
            cur.execute("SHOW GLOBAL STATUS LIKE 'Access_denied_errors'")
            row = cur.fetchone()
        conn.close()
        return int(row[1]) if row else -1

    before = aborted()
    for _ in range(3):
        probe_host(HostAttempt("127.0.0.1", None, mariadb_sandbox.port), {}, Deadline.after(5))
    assert aborted() == before


@pytest.mark.parametrize(
    ("mode", "ok", "encrypted"),
    [
        ("DISABLED", False, False),
        ("PREFERRED", True, True),
        ("REQUIRED", True, True),
        ("VERIFY_CA", True, True),
        ("VERIFY_IDENTITY", True, True),
    ],
)
def test_attempt_every_mode_on_managed(
    mariadb_sandbox: SandboxServer, mode: str, ok: bool, encrypted: bool
) -> None:
    a = attempt_pymysql(
        target(mariadb_sandbox, ssl_ca=str(mariadb_sandbox.ca_file)),
        timeout=5,
        mode=mode,
        greeting_offers_tls=True,
    )
    assert a.ok is ok, a.message
    assert a.encrypted is encrypted
    if ok:
        assert a.tls_version and a.session is not None and a.session.require_secure_transport is True
    else:
        assert a.errno == 1045 and mariadb_sandbox.password.reveal() not in (a.message or "")


def test_attempt_reads_the_users_requirement(mariadb_sandbox: SandboxServer) -> None:
    a = attempt_pymysql(
        target(mariadb_sandbox, user="app_ssl", ssl_ca=str(mariadb_sandbox.ca_file)),
        timeout=5,
        mode="VERIFY_IDENTITY",
    )
    assert a.ok and a.session is not None and a.session.user_requires == "SSL"
    a = attempt_pymysql(
        target(mariadb_sandbox, ssl_ca=str(mariadb_sandbox.ca_file)), timeout=5, mode="REQUIRED"
    )
    assert a.ok and a.session is not None and a.session.user_requires is None


def test_verify_identity_fails_on_a_name_not_in_the_certificate(mariadb_sandbox: SandboxServer) -> None:
    with mariadb_sandbox.configured(cert="cn_only"):
        a = attempt_pymysql(
            target(mariadb_sandbox, ssl_ca=str(mariadb_sandbox.ca_file)), timeout=5, mode="VERIFY_IDENTITY"
        )
    assert not a.ok and a.errno == 2003 and "CERTIFICATE_VERIFY_FAILED" in (a.message or "")


def test_probe_target_wrong_password(mariadb_sandbox: SandboxServer) -> None:
    obs = probe_target(
        target(
            mariadb_sandbox, password="nope", ssl_mode="VERIFY_IDENTITY", ssl_ca=str(mariadb_sandbox.ca_file)
        ),
        timeout=5,
    )
    assert obs.driver is not None and not obs.driver.ok and obs.driver.errno == 1045
    assert obs.hosts[0].tls is not None and obs.hosts[0].tls.completed


@pytest.fixture
def localhost_v6_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """localhost as a standard Debian /etc/hosts gives it: ::1 first, then 127.0.0.1 (this machine's /etc/hosts
    has 127.0.0.1 only). Only the name lookup is replaced; the connections are real: nothing listens on ::1
    (a real refusal), the sandbox listens on 127.0.0.1."""
    import socket

    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "localhost":
            return real("::1", port, *args, **kwargs) + real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.mark.usefixtures("localhost_v6_first")
def test_a_name_whose_first_address_refuses(mariadb_sandbox: SandboxServer) -> None:
    """The drivers go on to the next address (PyMySQL's socket.create_connection); so must the probe, and the
    check's verdict, modes and cause must be those of the address that answers (found on a fresh Debian)."""
    from urllib.parse import quote

    from dbdoctor.checking import CheckInput
    from dbdoctor.mysql.pipeline import check

    srv = mariadb_sandbox
    pw = quote(srv.password.reveal(), safe="")
    url = f"mysql://{srv.user}:{pw}@localhost:{srv.port}/{srv.dbname}?ssl-mode=VERIFY_IDENTITY&ssl-ca={srv.ca_file}"
    d = check(CheckInput(text=url, environ={"HOME": "/nonexistent"}, timeout=10)).to_dict()
    assert d["verdict"] == "ok", d
    assert {m: r["outcome"] for m, r in d["modes"].items()} == {
        "DISABLED": "fail", "PREFERRED": "ok", "REQUIRED": "ok", "VERIFY_CA": "ok", "VERIFY_IDENTITY": "ok"}
    assert d["modes"]["DISABLED"]["cause"] == "server_requires_ssl"
    tcp = [e["text"] for e in d["evidence"] if e["layer"] == "tcp"]
    assert tcp[0].startswith("::1 port") and "refused" in tcp[0] and "next address" in tcp[0], tcp
    assert tcp[1].startswith("127.0.0.1 port") and tcp[1].endswith("connected"), tcp
    wrong = url.replace(f":{pw}@", ":not-the-password@")
    d = check(CheckInput(text=wrong, environ={"HOME": "/nonexistent"}, timeout=10)).to_dict()
    assert (d["verdict"], d["cause"]) == ("fail", "password_failed"), d


@pytest.mark.usefixtures("localhost_v6_first")
def test_mysql2_is_warned_of_the_first_address(mariadb_sandbox: SandboxServer) -> None:
    """node mysql2 connects through Node's net.connect, which before Node 20 tries only the first address
    (tests/drivers/test_node_first_address.py verifies Node): DD505 with --driver mysql2, none without."""
    from urllib.parse import quote

    from dbdoctor.checking import CheckInput
    from dbdoctor.mysql.pipeline import check

    srv = mariadb_sandbox
    url = f"mysql://{srv.user}:{quote(srv.password.reveal(), safe='')}@localhost:{srv.port}/{srv.dbname}"
    node = check(CheckInput(text=url, environ={"HOME": "/nonexistent"}, timeout=10, driver="mysql2"))
    (dd505,) = [f for f in node.findings if f.code == "DD505"]
    assert f"connect ECONNREFUSED ::1:{srv.port}" in dd505.detail and "PyMySQL went on" in dd505.detail
    assert "bind_address" in dd505.fix
    plain = check(CheckInput(text=url, environ={"HOME": "/nonexistent"}, timeout=10))
    assert "DD505" not in {f.code for f in plain.findings}
