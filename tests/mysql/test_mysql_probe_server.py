"""The MySQL probe against real MariaDB sandbox servers: greeting, TLS chain, no credentials sent, and the real
PyMySQL connection in every ssl-mode."""

from __future__ import annotations

import pytest

from dbdoctor.probe._net import Deadline
from dbdoctor.probe.mysql import attempt_pymysql, probe_host, probe_target
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
