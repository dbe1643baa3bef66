"""The six causes the real-world corpus needs (issue 11): each rule fires in a scenario that must produce it and
stays quiet in one that must not.

On real servers started here: peer authentication (DD408, the sandbox's ``peer`` profile reached over its Unix
socket as root), PgBouncer refusing a start-up parameter (DD410, libpq's ``options``), libpq 18's
``require_auth`` refusing the server's SCRAM (DD409), MariaDB's ``ed25519`` plugin with PyMySQL, which needs
PyNaCl for it (DD850), and libpq with ``sslsni=0`` against an SNI-routing front on loopback (tests/fix_sni.py,
the real sandbox behind it; only the front's refusal text is Neon's, recorded) (DD217).

Not on a server here, tested on RECORDED TEXTS taken from the clients' and servers' sources (each marked with
its source below), through the same code the pipelines use (``rules._auth_words``, pipeline_mysql
``attempt_cause``) and the rules on constructed observations: MySQL 8's ``caching_sha2_password`` and
Connector/J's public key retrieval (only MariaDB installs here), a libpq built without SSL (DD216), old libpq /
pgjdbc / lib/pq meeting SCRAM.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dbdoctor.messages.auth_words import cause_from_text
from dbdoctor.postgres.pipeline import CheckInput, check


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


def _codes(report: Any) -> set[str]:
    return {f.code for f in report.findings}


# --- on real servers ------------------------------------------------------------------------------------------


@pytest.mark.server
def test_dd408_peer_authentication(pg_sandbox: Any, pki: Any) -> None:
    from psycopg.conninfo import make_conninfo

    if os.geteuid() != 0 and os.environ.get("USER") == pg_sandbox.user:  # pragma: no cover - CI runs as root
        pytest.skip("the test's OS user has the sandbox user's name: peer authentication would let it in")
    with pg_sandbox.configured(profile="peer"):
        pw = pg_sandbox.password.reveal()
        socket_text = make_conninfo("", host=str(pg_sandbox.socket_dir), port=pg_sandbox.port,
                                    user=pg_sandbox.user, dbname=pg_sandbox.dbname, password=pw)
        r = check(CheckInput(text=socket_text, environ=_env(), timeout=8))
        assert (r.verdict, r.cause) == ("fail", "peer_auth_failed")
        assert "DD408" in _codes(r) and "DD401" not in _codes(r)
        assert r.modes["disable"].cause == "peer_auth_failed"
        assert "Peer authentication failed" in (r.driver_error or "")
        # the same user over TCP gets a password prompt instead: no peer finding
        tcp_text = make_conninfo("", host="localhost", port=pg_sandbox.port, user=pg_sandbox.user,
                                 dbname=pg_sandbox.dbname, password=pw, sslmode="verify-full",
                                 sslrootcert=str(pki.root_ca))
        r = check(CheckInput(text=tcp_text, environ=_env(), timeout=8))
        assert r.verdict == "ok" and "DD408" not in _codes(r)


@pytest.mark.server
def test_dd410_pgbouncer_refuses_a_startup_parameter(pgbouncer_factory: Callable[..., Any]) -> None:
    bouncer = pgbouncer_factory(cert="full")
    refused = bouncer.conninfo(options="-c statement_timeout=5000")
    r = check(CheckInput(text=refused, environ=_env(), timeout=8))
    assert (r.verdict, r.cause) == ("fail", "pooler_startup_parameter"), (r.cause, r.driver_error)
    assert "unsupported startup parameter: options" in (r.driver_error or "")
    finding = next(f for f in r.findings if f.code == "DD410")
    assert "'options'" in finding.detail and "ignore_startup_parameters" in finding.fix
    # the same pooler without the parameter
    r = check(CheckInput(text=bouncer.conninfo(), environ=_env(), timeout=8))
    assert r.verdict == "ok" and "DD410" not in _codes(r)


@pytest.mark.server
def test_dd409_require_auth_refuses_scram(pg_sandbox: Any, pki: Any) -> None:
    """libpq 16+ (psycopg's bundled 18 here) with require_auth=md5 against the sandbox's scram-sha-256."""
    base = pg_sandbox.conninfo(sslmode="verify-full", sslrootcert=str(pki.root_ca))
    r = check(CheckInput(text=base + " require_auth=md5", environ=_env(), timeout=8))
    assert (r.verdict, r.cause) == ("fail", "auth_method_unsupported"), (r.cause, r.driver_error)
    assert "DD409" in _codes(r)
    assert 'authentication method requirement "md5" failed' in (r.driver_error or "")
    r = check(CheckInput(text=base + " require_auth=scram-sha-256", environ=_env(), timeout=8))
    assert r.verdict == "ok" and "DD409" not in _codes(r)


@pytest.mark.server
def test_dd850_mariadb_ed25519_with_pymysql_without_pynacl(mariadb_sandbox: Any) -> None:
    from dbdoctor.mysql.pipeline import check as check_mysql
    from dbdoctor.sandbox.mariadb import _admin_sql

    try:
        import nacl  # noqa: F401
    except ImportError:
        pass
    else:  # pragma: no cover - PyNaCl is not a dependency; with it PyMySQL logs in and there is nothing to see
        pytest.skip("PyNaCl is installed: PyMySQL does ed25519 then")
    srv = mariadb_sandbox
    sock = srv.socket_dir / "mysqld.sock"
    _admin_sql(sock, ["INSTALL SONAME 'auth_ed25519'"] if not _admin_sql(
        sock, ["SELECT 1 FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'ed25519'"]) else [])
    _admin_sql(sock, ["DROP USER IF EXISTS 'app_ed'@'%'",
                      "CREATE USER 'app_ed'@'%' IDENTIFIED VIA ed25519 USING PASSWORD('ed-pass-1') REQUIRE SSL",
                      "GRANT ALL ON app.* TO 'app_ed'@'%'"])
    try:
        env = {"HOME": "/nonexistent"}
        url = f"mysql://app_ed:ed-pass-1@localhost:{srv.port}/app?ssl-mode=VERIFY_IDENTITY&ssl-ca={srv.ca_file}"
        d = check_mysql(CheckInput(text=url, environ=env, timeout=10)).to_dict()
        assert (d["verdict"], d["cause"]) == ("fail", "auth_method_unsupported"), d
        assert "DD850" in {f["code"] for f in d["findings"]}
        assert "ed-pass-1" not in str(d)
        good = srv.url
        d = check_mysql(CheckInput(text=good, environ=env, timeout=10)).to_dict()
        assert d["verdict"] == "ok" and "DD850" not in {f["code"] for f in d["findings"]}
    finally:
        _admin_sql(sock, ["DROP USER IF EXISTS 'app_ed'@'%'"])


# --- on recorded texts (no server here can produce them) ------------------------------------------------------

#: (text as the client prints it, the cause, engine, where the text comes from). RECORDED from sources, not
#: produced here.
RECORDED: tuple[tuple[str, str, str, str], ...] = (
    ("java.sql.SQLNonTransientConnectionException: Public Key Retrieval is not allowed", "public_key_retrieval",
     "mysql", "mysql/mysql-connector-j src/main/resources/com/mysql/cj/LocalizedErrorMessages.properties"),
    ("ER_NOT_SUPPORTED_AUTH_MODE: Client does not support authentication protocol requested by server; consider "
     "upgrading MySQL client", "auth_method_unsupported", "mysql", "mysqljs/mysql lib/protocol (errno 1251)"),
    ("(2059, \"Authentication plugin 'caching_sha2_password' cannot be loaded: /usr/lib/mysql/plugin/"
     "caching_sha2_password.so: cannot open shared object file: No such file or directory\")",
     "auth_method_unsupported", "mysql", "libmysqlclient 5.7 / MariaDB Connector/C (CR_AUTH_PLUGIN_CANNOT_LOAD)"),
    ("SQLSTATE[HY000] [2054] The server requested authentication method unknown to the client",
     "auth_method_unsupported", "mysql", "php-src ext/mysqlnd/mysqlnd_auth.c"),
    ("(2061, \"Authentication plugin 'caching_sha2_password' reported error: Authentication requires secure "
     "connection.\")", "auth_method_unsupported", "mysql", "mysql-server sql-common/client_authentication.cc"),
    ("Authentication plugin 'caching_sha2_password' is not supported", "auth_method_unsupported", "mysql",
     "mysql-connector-python < 8.0 (lib/mysql/connector/authentication.py)"),
    ('ERROR: Endpoint ID is not specified. Either please upgrade the postgres client library (libpq) for SNI '
     "support or pass the endpoint ID (first part of the domain name) as a parameter: "
     "'?options=endpoint%3D<endpoint-id>'. See more at https://neon.tech/sni", "sni_missing", "postgresql",
     "neondatabase/website content/docs/connect/connection-errors.md"),
    ('sslmode value "require" invalid when SSL support is not compiled in', "client_without_ssl", "postgresql",
     "postgres src/interfaces/libpq/fe-connect.c (connectOptions2)"),
    ("authentication method 10 not supported", "auth_method_unsupported", "postgresql",
     "postgres 9.6 src/interfaces/libpq/fe-auth.c (pg_fe_sendauth)"),
    ("SCRAM authentication requires libpq version 10 or above", "auth_method_unsupported", "postgresql",
     "psycopg2 issue threads (libpq 9.x meeting SCRAM)"),
    ("The authentication type 10 is not supported. Check that you have configured the pg_hba.conf file to "
     "include the client's IP address or subnet, and that it is using an authentication scheme supported by the "
     "driver.", "auth_method_unsupported", "postgresql", "pgjdbc < 42.2 ConnectionFactoryImpl"),
    ("pq: unknown authentication response: 10", "auth_method_unsupported", "postgresql", "lib/pq < 1.1 conn.go"),
    ("ERROR:  unsupported startup parameter: extra_float_digits", "pooler_startup_parameter", "postgresql",
     "pgbouncer src/client.c (pgjdbc sends extra_float_digits)"),
    ('FATAL:  Ident authentication failed for user "app"', "peer_auth_failed", "postgresql",
     "postgres src/backend/libpq/auth.c (auth_failed, uaIdent)"),
)


@pytest.mark.parametrize(("text", "cause", "engine", "source"), RECORDED, ids=[r[1] + ":" + r[0][:30] for r in RECORDED])
def test_recorded_texts_name_their_cause(text: str, cause: str, engine: str, source: str) -> None:
    assert source
    assert cause_from_text(text, engine) == cause


@pytest.mark.parametrize("text", [
    'password authentication failed for user "app"',
    'no pg_hba.conf entry for host "203.0.113.7", user "app", database "app", SSL encryption',
    "SSL error: certificate verify failed",
    "server does not support SSL, but SSL was required",
    "(1045, \"Access denied for user 'app'@'localhost' (using password: YES)\")",
])
def test_other_texts_name_none_of_these_causes(text: str) -> None:
    assert cause_from_text(text, "postgresql") is None and cause_from_text(text, "mysql") is None


def _pg_diagnosis(message: str, cause: str | None) -> Any:
    from dbdoctor.observations import (
        DnsObservation,
        DriverObservation,
        HostObservations,
        Observations,
        TcpObservation,
    )
    from dbdoctor.postgres.diagnosis import Diagnosis
    from dbdoctor.postgres.facts import address_facts
    from dbdoctor.postgres.modes import AuthKnowledge, RootFile, predict_all
    from dbdoctor.target import HostAttempt, Target

    attempt = HostAttempt("ep-cool-name-123456.us-east-2.aws.neon.tech", None, 5432)
    host = HostObservations(attempt, "192.0.2.10", DnsObservation(attempt.host or "", ("192.0.2.10",)),
                            TcpObservation("192.0.2.10", 5432, "connected", None))
    target = Target(engine="postgresql", hosts=(attempt,), settings={"host": attempt.host or "", "user": "app"})
    facts = (address_facts(host, None),)
    modes = predict_all(facts, RootFile("missing"), AuthKnowledge(False))
    driver = DriverObservation("psycopg", ok=False, message=message)
    return Diagnosis(target, Observations((host,), driver), RootFile("missing"), None, facts, AuthKnowledge(False),
                     modes, "require", "fail", cause)


@pytest.mark.parametrize(("code", "cause", "text"), [
    ("DD217", "sni_missing", RECORDED[6][0]),
    ("DD216", "client_without_ssl", RECORDED[7][0]),
    ("DD409", "auth_method_unsupported", RECORDED[10][0]),
])
def test_pg_rules_on_recorded_texts(code: str, cause: str, text: str) -> None:
    """RECORDED texts (see RECORDED): the pipeline's classification of the driver's words, then the rule."""
    from dbdoctor.postgres.pipeline import _classify_driver_message
    from dbdoctor.route import all_rules
    from dbdoctor.rules.base import Context
    from dbdoctor.rules.registry import by_code

    rule = by_code(code, all_rules())
    assert rule is not None
    d = _pg_diagnosis(text, cause)
    assert _classify_driver_message(d.observations.driver) == cause
    found = list(rule.check(Context(target=d.target, observations=d)))
    assert [f.code for f in found] == [code]
    if code == "DD217":
        assert "options=endpoint%3Dep-cool-name-123456" in found[0].fix
    other = _pg_diagnosis("SSL error: certificate verify failed", "cert_untrusted")
    assert list(rule.check(Context(target=other.target, observations=other))) == []


def test_mysql_attempt_cause_on_recorded_texts() -> None:
    """RECORDED texts: what pipeline_mysql.attempt_cause names for a failed attempt carrying them."""
    from dbdoctor.mysql.pipeline import attempt_cause
    from dbdoctor.mysql.probe import MyAttempt

    for text, cause, engine, _src in RECORDED:
        if engine != "mysql":
            continue
        errno = 1251 if "1251" in text or "ER_NOT" in text else 2059
        a = MyAttempt("PREFERRED", ok=False, encrypted=False, errno=errno, message=text)
        assert attempt_cause(a) == cause, text
    a = MyAttempt("PREFERRED", ok=False, encrypted=False, errno=1045,
                  message="Access denied for user 'app'@'localhost' (using password: YES)")
    assert attempt_cause(a) == "password_failed"


def test_cli_finds_the_new_docs_pages() -> None:
    root = Path(__file__).resolve().parents[2] / "docs" / "rules"
    for code in ("DD216", "DD217", "DD408", "DD409", "DD410", "DD850", "DD851"):
        assert (root / f"{code}.md").is_file(), code


@pytest.mark.server
def test_dd217_sni_routing_front(sni_router: Any, pg_sandbox: Any, pki: Any) -> None:
    """tests/fix_sni.py: a loopback front that routes by SNI as Neon's proxy does (its refusal text recorded),
    with the real PostgreSQL sandbox behind it. libpq with sslsni=0 sends no server name."""
    from psycopg.conninfo import make_conninfo

    common = {"host": "localhost", "port": sni_router.port, "user": pg_sandbox.user, "dbname": pg_sandbox.dbname,
              "password": pg_sandbox.password.reveal(), "sslmode": "verify-full", "sslrootcert": str(pki.root_ca)}
    r = check(CheckInput(text=make_conninfo("", **common, sslsni="0"), environ=_env(), timeout=8))
    assert (r.verdict, r.cause) == ("fail", "sni_missing"), (r.cause, r.driver_error)
    finding = next(f for f in r.findings if f.code == "DD217")
    assert "options=endpoint%3Dlocalhost" in finding.fix
    r = check(CheckInput(text=make_conninfo("", **common), environ=_env(), timeout=8))
    assert r.verdict == "ok" and "DD217" not in _codes(r), (r.cause, r.driver_error)
    assert "localhost" in sni_router.seen and None in sni_router.seen
