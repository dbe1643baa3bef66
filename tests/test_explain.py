"""dbdoctor.explain: codes, causes, pasted messages, redaction; and, on a real server, the messages libpq and
Python's ssl module really print (captured at run time: the driver is the oracle, not the catalog's examples)."""

from __future__ import annotations

import json
import os
import random
import socket
import ssl
import string
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from dbdoctor import causes
from dbdoctor.errors import UsageError
from dbdoctor.explain import SCHEMA, explain
from dbdoctor.messages.match import redact
from dbdoctor.route import all_rules

SSL_REQUEST_CODE = 80877103  # PostgreSQL protocol: SSLRequest (src/include/libpq/pqcomm.h)


# --- kinds ---------------------------------------------------------------------------------------------------
def test_code_gives_rule_and_sections() -> None:
    rules = all_rules()
    if not rules:
        pytest.skip("no rules registered")
    for rule in rules:
        ex = explain(rule.code.lower())
        assert ex.kind == "code" and ex.rule is not None
        assert ex.rule.code == rule.code
        assert ex.rule.cause == rule.cause
        assert ex.rule.cause_meaning == causes.meaning(rule.cause)
        assert set(ex.rule.sections) >= {"What it checks", "Why it matters", "How to fix", "Example"}
        assert ex.to_dict()["rule"]["title"] == rule.title


def test_unknown_code() -> None:
    ex = explain("DD999")
    assert ex.kind == "unknown" and not ex.explained
    assert ex.hint and "DD999" in ex.hint


@pytest.mark.parametrize("cause", sorted(causes.CONTRACT_CAUSES))
def test_cause_id(cause: str) -> None:
    ex = explain(cause)
    assert ex.kind == "cause" and ex.cause is not None
    assert ex.cause.meaning == causes.CONTRACT_CAUSES[cause]
    assert set(ex.cause.rules) == {r.code for r in all_rules() if r.cause == cause}


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_is_bad_input(text: str) -> None:
    with pytest.raises(UsageError):
        explain(text)


def test_unknown_message_suggests_check() -> None:
    ex = explain("the quick brown fox")
    assert ex.kind == "unknown" and ex.matches == ()
    assert ex.hint and "dbdoctor check" in ex.hint


def test_json_shape() -> None:
    d = explain('FATAL:  role "ghost" does not exist').to_dict()
    assert d["schema"] == SCHEMA
    assert d["kind"] == "message" and d["rule"] is None
    (m,) = d["matches"]
    assert set(m) >= {"id", "source", "cause", "meaning", "fix", "confirmed", "extracted"}
    assert m["cause"] == "role_missing" and m["extracted"]["user"] == "ghost"
    assert '"ghost"' in m["meaning"]
    json.dumps(d)


def test_extracts_host_port_user_database_sslmode() -> None:
    text = (
        'psycopg.OperationalError: connection failed: connection to server at "db.example.com" (10.0.0.5), '
        'port 6543 failed: FATAL:  no pg_hba.conf entry for host "203.0.113.9", user "app", database "shop", '
        "no encryption\n(settings: host=db.example.com sslmode=disable)"
    )
    (m,) = explain(text).matches
    assert m.extracted["host"] == "db.example.com"
    assert m.extracted["server_address"] == "10.0.0.5"
    assert m.extracted["port"] == "6543"
    assert m.extracted["address"] == "203.0.113.9"
    assert m.extracted["user"] == "app" and m.extracted["database"] == "shop"
    assert m.extracted["sslmode"] == "disable"
    assert "203.0.113.9" in m.meaning


def test_extracts_from_url() -> None:
    (m,) = explain("postgresql://app@db.example.com:5433/shop?sslmode=require: Connection refused").matches
    assert m.cause == "connection_refused"
    assert (m.extracted["host"], m.extracted["port"], m.extracted["sslmode"]) == ("db.example.com", "5433", "require")
    assert "db.example.com, port 5433" in m.meaning


def test_explain_does_not_import_click_or_rich() -> None:
    code = (
        "import sys, dbdoctor.explain as e; e.explain('FATAL: sorry, too many clients already'); "
        "print(sorted(m for m in ('click', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --- redaction -----------------------------------------------------------------------------------------------
def _random_password(rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits + "@/#%?:!$&*+=~"
    return "Pw" + "".join(rng.choice(alphabet) for _ in range(14)) + "@x"


def _forms(pw: str) -> set[str]:
    return {pw, quote(pw, safe=""), quote(pw)}


def test_redaction_example_from_the_brief() -> None:
    ex = explain('postgresql://u:S3cr%40t@h/db ... failed: FATAL:  password authentication failed for user "u"')
    out = json.dumps(ex.to_dict())
    for form in ("S3cr%40t", "S3cr@t", "S3cr"):
        assert form not in out
    assert "postgresql://u:****@h/db" in ex.query
    assert ex.matches[0].cause == "password_failed"


@pytest.mark.parametrize("seed", range(25))
def test_random_passwords_never_echoed(seed: int) -> None:
    rng = random.Random(seed)
    pw = _random_password(rng)
    texts = [
        f"postgresql://app:{quote(pw, safe='')}@db.example.com:5432/app?sslmode=require failed: timeout expired",
        f"postgresql://app:{pw}@db.example.com/app: could not translate host name \"x\" to address",
        f"host=db user=app password={pw} sslmode=disable\nFATAL:  sorry, too many clients already",
        f"host=db user=app password='{pw}' dbname=app: Connection refused",
        f"PGPASSWORD={quote(pw, safe='')} psql: error: fe_sendauth: no password supplied",
        f'{{"password": "{pw}"}} connection timeout expired',
        f"mysql://root:{quote(pw, safe='')}@db/app ERROR 1040 (HY000): Too many connections",
    ]
    for text in texts:
        ex = explain(text)
        out = json.dumps(ex.to_dict()) + ex.query + "".join(m.meaning + m.fix for m in ex.matches)
        for form in _forms(pw):
            assert form not in out, (text, form)
        assert "****" in ex.query


def test_redact_keeps_what_is_not_a_password() -> None:
    assert redact("postgresql://app@db/app") == "postgresql://app@db/app"
    assert redact("Access denied for user 'a'@'h' (using password: NO)").endswith("(using password: NO)")


# --- real messages from a real server ------------------------------------------------------------------------
@pytest.fixture
def clean_libpq_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No ~/.postgresql files, no PG* variables: libpq sees only what the test gives it."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for key in list(os.environ):
        if key.startswith("PG"):
            monkeypatch.delenv(key)
    yield


def _libpq_error(conninfo: str) -> str:
    try:
        with psycopg.connect(conninfo) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return str(exc)
    pytest.fail("the connection worked; the scenario expects a failure")


def _assert_explains(message: str, cause: str, entry_id: str) -> None:
    ex = explain(message)
    ids = [m.id for m in ex.matches]
    assert ex.kind == "message", message
    assert ids[0] == entry_id, (message, ids)
    assert ex.matches[0].cause == cause
    assert ex.matches[0].entry.confirmed, f"{entry_id} is reproduced here: mark it confirmed"


# (profile, cert, conninfo overrides, cause, catalog entry)
LIBPQ_SCENARIOS = [
    ("managed", "full", {"sslmode": "disable"}, "server_requires_ssl", "pg.hba.no_entry.no_encryption"),
    ("plain_only", "full", {"sslmode": "require"}, "hba_rejected", "pg.hba.no_entry.ssl_encryption"),
    ("allowlist", "full", {"sslmode": "prefer"}, "hba_rejected", "pg.hba.no_entry.any_encryption"),
    ("reject", "full", {"sslmode": "verify-full"}, "hba_rejected", "pg.hba.rejects"),
    ("ssl_off", "full", {"sslmode": "require"}, "server_ssl_unsupported", "libpq.server_no_ssl"),
    ("managed", "full", {"password": "wrong-password"}, "password_failed", "pg.password_failed"),
    ("managed", "full", {"password": None}, "password_missing", "libpq.no_password"),
    ("trust_tls", "full", {"user": "nobody_here"}, "role_missing", "pg.role_missing"),
    # with password authentication the server hides whether the role exists
    ("managed", "full", {"user": "nobody_here"}, "password_failed", "pg.password_failed"),
    ("managed", "full", {"dbname": "no_such_db"}, "database_missing", "pg.database_missing"),
    ("managed", "other_ca", {}, "cert_untrusted", "libpq.cert_verify_failed"),
    ("managed", "expired", {}, "cert_untrusted", "libpq.cert_verify_failed"),
    ("managed", "cn_only", {"host": "127.0.0.1"}, "ip_address_mismatch", "libpq.ip_address_mismatch"),
    ("managed", "wildcard", {"host": "localhost"}, "hostname_mismatch", "libpq.hostname_mismatch"),
    ("managed", "full", {"sslrootcert": None}, "ca_file_missing", "libpq.root_cert_missing"),
    ("managed", "full", {"sslrootcert": "system", "sslmode": "require"}, "param_invalid", "libpq.system_weak_sslmode"),
    ("managed", "full", {"sslmode": "required"}, "param_invalid", "libpq.invalid_sslmode"),
    ("managed", "full", {"host": "127.0.0.1", "port": "abc"}, "param_invalid", "libpq.invalid_integer"),
    # psycopg resolves names itself: a bad port shows up as a resolver error
    ("managed", "full", {"port": "abc"}, "param_invalid", "psycopg.bad_port"),
    ("managed", "full", {"options": "-c ssl=true"}, "param_unknown", "pg.param_ssl_cannot_change"),
    ("managed", "full", {"options": "-c sslMode=require"}, "param_unknown", "pg.unrecognized_parameter"),
    ("managed", "full", {"sslnegotiation": "direct"}, "tls_handshake_failed", "libpq.ssl_eof"),
    ("clientcert", "full", {"password": None}, "client_cert_required", "pg.client_cert_required"),
]


@pytest.mark.server
@pytest.mark.parametrize(
    ("profile", "cert", "overrides", "cause", "entry_id"),
    LIBPQ_SCENARIOS,
    ids=[f"{s[0]}-{s[1]}-{s[4]}" for s in LIBPQ_SCENARIOS],
)
def test_real_libpq_message_is_explained(
    pg_sandbox: object,
    clean_libpq_env: None,
    profile: str,
    cert: str,
    overrides: dict[str, str | None],
    cause: str,
    entry_id: str,
) -> None:
    from dbdoctor.sandbox import SandboxServer

    assert isinstance(pg_sandbox, SandboxServer)
    with pg_sandbox.configured(profile=profile, cert=cert):
        message = _libpq_error(pg_sandbox.conninfo(**overrides))
    _assert_explains(message, cause, entry_id)


@pytest.mark.server
def test_real_network_messages(clean_libpq_env: None) -> None:
    from fix_listeners import closes_immediately, http_server, listener

    with socket.socket() as s:  # a port with nothing behind it
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    _assert_explains(
        _libpq_error(f"host=127.0.0.1 port={free} user=x dbname=x connect_timeout=3"),
        "connection_refused",
        "libpq.connection_refused",
    )
    with listener(http_server) as lst:
        base = f"host=127.0.0.1 port={lst.port} user=x dbname=x connect_timeout=3"
        _assert_explains(_libpq_error(base + " sslmode=prefer"), "not_the_database", "libpq.invalid_ssl_response")
        _assert_explains(_libpq_error(base + " sslmode=disable"), "not_the_database", "libpq.expected_auth")
    with listener(closes_immediately) as lst:
        _assert_explains(
            _libpq_error(f"host=127.0.0.1 port={lst.port} user=x dbname=x sslmode=disable connect_timeout=3"),
            "not_the_database",
            "libpq.server_closed",
        )
    _assert_explains(_libpq_error("host=127.0.0.1 ssl=1"), "param_unknown", "libpq.invalid_option")
    _assert_explains(_libpq_error("postgresql://127.0.0.1/db?sslMode=require"), "param_unknown", "libpq.invalid_uri_param")
    _assert_explains(_libpq_error("host=a,b port=1,2,3 user=x"), "param_invalid", "libpq.ports_mismatch")


@pytest.mark.server
def test_real_client_certificate_messages(pg_sandbox: object, clean_libpq_env: None) -> None:
    from dbdoctor.sandbox import SandboxServer

    assert isinstance(pg_sandbox, SandboxServer)
    pki = pg_sandbox.pki
    with pg_sandbox.configured(profile="clientcert"):
        base = {"password": None}
        own = {"sslcert": str(pki.client_cert), "sslkey": str(pki.client_key)}
        other_ca = {"sslcert": str(pki.other_client_cert), "sslkey": str(pki.other_client_key)}
        wrong_user = _libpq_error(pg_sandbox.conninfo(**base, **own, user=pg_sandbox.other_user))
        unknown_ca = _libpq_error(pg_sandbox.conninfo(**base, **other_ca))
    _assert_explains(wrong_user, "client_cert_problem", "pg.cert_auth_failed")
    _assert_explains(unknown_ca, "client_cert_problem", "libpq.ssl_alert_unknown_ca")


@pytest.mark.server
def test_real_file_and_timeout_messages(pg_sandbox: object, clean_libpq_env: None, tmp_path: Path) -> None:
    import shutil

    from dbdoctor.sandbox import SandboxServer
    from fix_listeners import listener, silent

    assert isinstance(pg_sandbox, SandboxServer)
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("this is not a certificate\n")
    _assert_explains(
        _libpq_error(pg_sandbox.conninfo(sslrootcert=str(not_pem))), "ca_file_invalid", "libpq.root_cert_unreadable"
    )
    cert, key = tmp_path / "client.crt", tmp_path / "client.key"
    shutil.copy(pg_sandbox.pki.client_cert, cert)
    shutil.copy(pg_sandbox.pki.client_key, key)
    key.chmod(0o644)
    _assert_explains(
        _libpq_error(pg_sandbox.conninfo(sslcert=str(cert), sslkey=str(key))), "client_cert_problem",
        "libpq.client_cert_file",
    )
    _assert_explains(
        _libpq_error(pg_sandbox.conninfo(sslcert=str(cert), sslkey=str(tmp_path / "missing.key"))),
        "client_cert_problem",
        "libpq.client_cert_file",
    )
    _assert_explains(
        _libpq_error(f"host={tmp_path / 'no-server'} port=5432 user=x dbname=x"), "connection_refused",
        "libpq.socket_missing",
    )
    with listener(silent) as lst:
        _assert_explains(
            _libpq_error(f"host=127.0.0.1 port={lst.port} user=x dbname=x connect_timeout=2"),
            "connect_timeout",
            "libpq.timeout",
        )


@pytest.mark.server
@pytest.mark.parametrize("sslmode", ["prefer", "allow"])
def test_real_fallback_message_puts_the_certificate_first(
    pg_sandbox: object, clean_libpq_env: None, sslmode: str
) -> None:
    """libpq 18 reports both attempts; the 'no encryption' of the plain one is not the cause."""
    from dbdoctor.sandbox import SandboxServer

    assert isinstance(pg_sandbox, SandboxServer)
    with pg_sandbox.configured(profile="managed", cert="other_ca"):
        message = _libpq_error(pg_sandbox.conninfo(sslmode=sslmode))
    ex = explain(message)
    ids = [m.id for m in ex.matches]
    assert ids[:2] == ["libpq.cert_verify_failed", "pg.hba.no_entry.no_encryption"], message
    # where localhost is ::1 first (a standard Debian /etc/hosts), the refusal at ::1 comes last, said so
    assert ids[2:] in ([], ["libpq.connection_refused"]), (message, ids)
    assert all(m.meaning.startswith("Not the cause") for m in ex.matches[2:])


# --- several addresses: libpq tries each, and the first may refuse ------------------------------------------
def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


def _libpq_only_error(conninfo: str) -> str:
    """libpq's own message (no psycopg in between: psycopg 3 tries the addresses itself and lists them)."""
    from psycopg import pq

    conn = pq.PGconn.connect(conninfo.encode())
    try:
        assert conn.status == pq.ConnStatus.BAD, "the connection worked; the scenario expects a failure"
        return conn.get_error_message()
    finally:
        conn.finish()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _assert_detour(message: str, first_id: str, refused: str) -> None:
    ex = explain(message)
    ids = [m.id for m in ex.matches]
    assert ids[0] == first_id and ids[-1] == "libpq.connection_refused", (message, ids)
    last = ex.matches[-1]
    assert last.meaning.startswith(f"Not the cause: libpq tried {refused}"), last.meaning
    assert "went on to 127.0.0.1" in last.meaning and "ECONNREFUSED" in last.meaning
    assert last.extracted["port"] in message
    assert ex.matches[0].extracted.get("server_address", "127.0.0.1") == "127.0.0.1"


# (profile, cert, conninfo overrides, the cause's catalog entry)
MULTI_ADDRESS = [
    ("managed", "full", {"sslmode": "disable"}, "pg.hba.no_entry.no_encryption"),
    ("managed", "other_ca", {}, "libpq.cert_verify_failed"),
    ("managed", "other_ca", {"sslmode": "prefer"}, "libpq.cert_verify_failed"),
    ("ssl_off", "full", {"sslmode": "require"}, "libpq.server_no_ssl"),
    ("managed", "full", {"password": "wrong-password"}, "pg.password_failed"),
]


@pytest.mark.server
@pytest.mark.parametrize(("profile", "cert", "overrides", "entry_id"), MULTI_ADDRESS,
                         ids=[f"{m[0]}-{m[1]}-{m[3]}" for m in MULTI_ADDRESS])
def test_real_multi_address_message_names_the_answer_first(
    pg_sandbox: object, clean_libpq_env: None, profile: str, cert: str, overrides: dict[str, str | None],
    entry_id: str,
) -> None:
    """localhost as ::1 then 127.0.0.1 with the server on 127.0.0.1 only (what a fresh Debian machine does), made
    here with hostaddr; and a host list whose first port refuses. The server's or TLS answer is the cause; the
    refusal is kept last and says libpq went on."""
    from dbdoctor.sandbox import SandboxServer

    assert isinstance(pg_sandbox, SandboxServer)
    if not _ipv6_loopback():
        pytest.skip("no IPv6 loopback here")
    with pg_sandbox.configured(profile=profile, cert=cert):
        two = pg_sandbox.conninfo(host="localhost,localhost", hostaddr="::1,127.0.0.1", **overrides)
        free = _free_port()
        by_port = pg_sandbox.conninfo(host="localhost,localhost", port=f"{free},{pg_sandbox.port}", **overrides)
        messages = [_libpq_error(two), _libpq_only_error(two), _libpq_only_error(by_port)]
    assert "Multiple connection attempts failed" in messages[0]  # psycopg's own list of the attempts
    assert messages[1].startswith('connection to server at "::1"')  # libpq's
    # libpq names the host and each of its addresses ("localhost" (::1) too where localhost is ::1 first)
    assert messages[2].startswith('connection to server at "localhost" ('), messages[2]
    first = messages[2].split("(", 1)[1].split(")", 1)[0]
    _assert_detour(messages[0], entry_id, f"::1, port {pg_sandbox.port} first")
    _assert_detour(messages[1], entry_id, f"::1, port {pg_sandbox.port} first")
    _assert_detour(messages[2], entry_id, f"{first}, port {free} first")
    assert 'addresses of "localhost"' in explain(messages[0]).matches[-1].meaning


@pytest.mark.server
def test_real_localhost_as_this_machine_resolves_it(pg_sandbox: object, clean_libpq_env: None) -> None:
    """host=localhost through psycopg and through libpq alone: where localhost resolves to ::1 first (a fresh
    Debian machine) the refusal at ::1 is last; where it is 127.0.0.1 only, there is no refusal at all."""
    from dbdoctor.sandbox import SandboxServer

    assert isinstance(pg_sandbox, SandboxServer)
    order = [ai[4][0] for ai in socket.getaddrinfo("localhost", pg_sandbox.port, type=socket.SOCK_STREAM)]
    with pg_sandbox.configured(profile="managed", cert="full"):
        info = pg_sandbox.conninfo(sslmode="disable")
        messages = [_libpq_error(info), _libpq_only_error(info)]
    for message in messages:
        ids = [m.id for m in explain(message).matches]
        assert ids[0] == "pg.hba.no_entry.no_encryption", (message, ids)
        if order[:1] == ["::1"] and "127.0.0.1" in order:
            assert ids[1:] == ["libpq.connection_refused"], (message, ids)
            assert explain(message).matches[1].meaning.startswith("Not the cause: libpq tried ::1")
        else:
            assert ids[1:] == [], (order, message, ids)


def test_several_refusals_stay_the_cause() -> None:
    """Every address refused: that is the cause, not a detour."""
    text = (
        'connection to server at "localhost" (::1), port 5432 failed: Connection refused\n\tIs the server running '
        'on that host and accepting TCP/IP connections?\nconnection to server at "localhost" (127.0.0.1), port '
        "5432 failed: Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?"
    )
    (m,) = explain(text).matches
    assert m.cause == "connection_refused" and not m.meaning.startswith("Not the cause")


def _python_ssl_error(port: int, cafile: Path, server_name: str) -> str:
    """What asyncpg/pg8000 show: Python's ssl error for a TLS handshake after PostgreSQL's SSLRequest."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(struct.pack("!II", 8, SSL_REQUEST_CODE))
        assert sock.recv(1) == b"S"
        ctx = ssl.create_default_context(cafile=str(cafile))
        try:
            with ctx.wrap_socket(sock, server_hostname=server_name):
                pytest.fail("the handshake verified")
        except ssl.SSLCertVerificationError as exc:
            return str(exc)
    raise AssertionError("unreachable")


PY_SSL_SCENARIOS = [
    ("expired", "localhost", "cert_expired", "ssl.expired"),
    ("not_yet_valid", "localhost", "cert_not_yet_valid", "ssl.not_yet_valid"),
    ("self_signed", "localhost", "cert_self_signed", "ssl.self_signed"),
    ("other_ca", "localhost", "cert_untrusted", "ssl.unable_local_issuer"),
    ("full", "db.other.test", "hostname_mismatch", "asyncpg.hostname_mismatch"),
    ("cn_only", "127.0.0.1", "ip_address_mismatch", "asyncpg.ip_mismatch"),
]


@pytest.mark.server
@pytest.mark.parametrize(("cert", "server_name", "cause", "entry_id"), PY_SSL_SCENARIOS)
def test_real_python_ssl_message_is_explained(
    pg_sandbox: object, cert: str, server_name: str, cause: str, entry_id: str
) -> None:
    from dbdoctor.sandbox import SandboxServer

    assert isinstance(pg_sandbox, SandboxServer)
    with pg_sandbox.configured(cert=cert):
        message = _python_ssl_error(pg_sandbox.port, pg_sandbox.ca_file, server_name)
    ex = explain(message)
    assert ex.matches and ex.matches[0].id == entry_id, (message, [m.id for m in ex.matches])
    assert [m.cause for m in ex.matches] == [cause], message
    assert ex.matches[0].entry.confirmed, f"{entry_id} is reproduced here: mark it confirmed"


def test_public_api_is_callable_before_and_after_the_module_is_imported() -> None:
    code = (
        "import dbdoctor; a = dbdoctor.explain('DD999').kind; import dbdoctor.explain; "
        "b = dbdoctor.explain('fe_sendauth: no password supplied').matches[0].cause; "
        "c = dbdoctor.explain.explain('hostname_mismatch').kind; print(a, b, c)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["unknown", "password_missing", "cause"]


# --- MySQL/MariaDB: what PyMySQL really says, and the check pipeline's reading of the same attempt ---------------
def _mysql_attempt(url: str, timeout: float = 3.0) -> object:
    from dbdoctor.mysql.probe import attempt_pymysql
    from dbdoctor.mysql.sources import resolve

    a = attempt_pymysql(resolve(url, environ={"HOME": "/nonexistent"}), timeout=timeout)
    assert not a.ok, f"the connection worked; the scenario expects a failure ({url.split('@')[-1]})"
    return a


def _assert_explain_agrees_with_check(a: object, cause: str, entry_id: str) -> None:
    """The catalog entry explains the text PyMySQL really raised, with the cause the check pipeline gives the
    very same attempt (pipeline_mysql.attempt_cause): explain and check cannot disagree."""
    from dbdoctor.mysql.pipeline import attempt_cause
    from dbdoctor.mysql.probe import MyAttempt

    assert isinstance(a, MyAttempt)
    assert attempt_cause(a) == cause, a
    _assert_explains(a.message or "", cause, entry_id)


@pytest.mark.server
def test_real_mysql_messages_agree_with_check(mariadb_sandbox: object) -> None:
    import pymysql

    from dbdoctor.sandbox import SandboxServer
    from fix_mysql_stall import stalling_mysql

    assert isinstance(mariadb_sandbox, SandboxServer)
    srv = mariadb_sandbox
    pw = quote(srv.password.reveal(), safe="")
    ca = f"ssl-mode=VERIFY_IDENTITY&ssl-ca={srv.ca_file}"
    base = f"mysql://app:{pw}@localhost:{srv.port}"
    cases = [
        (f"{base}/mysql?{ca}", "database_missing", "mysql.db_access_denied"),  # 1044: no grant on it
        (f"mysql://app:wrong-{pw}@localhost:{srv.port}/app?{ca}", "password_failed", "mysql.access_denied"),
        (f"mysql://app:{pw}@nope.invalid:{srv.port}/app", "dns_unresolved", "pymysql.unknown_host"),
    ]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    cases.append((f"mysql://app:{pw}@127.0.0.1:{free}/app", "connection_refused", "mysql.cant_connect_refused"))
    for url, cause, entry_id in cases:
        _assert_explain_agrees_with_check(_mysql_attempt(url), cause, entry_id)
    with srv.configured("tls_off"):
        _assert_explain_agrees_with_check(_mysql_attempt(f"{base}/app?ssl-mode=REQUIRED"), "server_ssl_unsupported",
                                          "mysql.ssl_required_unsupported")
        with stalling_mysql(srv.port) as lst:  # greets, then never answers the login
            a = _mysql_attempt(f"mysql://app:{pw}@127.0.0.1:{lst.port}/app?ssl-mode=DISABLED", timeout=1.5)
        _assert_explain_agrees_with_check(a, "connect_timeout", "pymysql.lost_connection_timeout")
    with stalling_mysql(srv.port) as lst:  # greets, offers TLS, then never answers the handshake
        a = _mysql_attempt(f"mysql://app:{pw}@127.0.0.1:{lst.port}/app?ssl-mode=REQUIRED", timeout=1.5)
    _assert_explain_agrees_with_check(a, "connect_timeout", "mysql.cant_connect_timeout")
    # 1226: an account's MAX_USER_CONNECTIONS reached (one held, the next refused at login); a throwaway account,
    # since MariaDB cannot change the global max_user_connections when it started with 0
    admin = pymysql.connect(unix_socket=str(srv.socket_dir / "mysqld.sock"), user="root", autocommit=True)
    limit_pw = "".join(random.choice(string.ascii_letters) for _ in range(16))
    held = None
    try:
        with admin.cursor() as cur:
            cur.execute("DROP USER IF EXISTS 'dd_limited'@'%'")
            cur.execute("CREATE USER 'dd_limited'@'%%' IDENTIFIED BY %s WITH MAX_USER_CONNECTIONS 1", (limit_pw,))
        held = pymysql.connect(host="127.0.0.1", port=srv.port, user="dd_limited", password=limit_pw,
                               ssl={"ca": str(srv.ca_file)})
        a = _mysql_attempt(f"mysql://dd_limited:{limit_pw}@localhost:{srv.port}/?{ca}")
    finally:
        if held is not None:
            held.close()
        with admin.cursor() as cur:
            cur.execute("DROP USER IF EXISTS 'dd_limited'@'%'")
        admin.close()
    _assert_explain_agrees_with_check(a, "too_many_connections", "mysql.max_user_connections")


def test_catalog_and_check_name_mysql_server_errors_alike() -> None:
    """Every catalog example that carries a server error number (1xxx, 3xxx) has the cause the check pipeline
    gives that number (ERRNO_CAUSES); for MariaDB's ambiguous 1045, one of the declared alternatives does. The
    client's numbers (2003, 2013) depend on the error PyMySQL wraps: the test above reads them on a real server."""
    import re

    from dbdoctor import messages as catalog
    from dbdoctor.mysql.pipeline import ERRNO_CAUSES

    seen: set[int] = set()
    for entry in catalog.ENTRIES:
        if entry.engine != "mysql":
            continue
        for example in entry.examples:
            m = re.search(r"(?:ERROR |\()(\d{4})\b", example)
            if m is None or not (1000 <= int(m.group(1)) < 2000 or int(m.group(1)) >= 3000):
                continue
            errno = int(m.group(1))
            if errno not in ERRNO_CAUSES:
                continue
            seen.add(errno)
            causes_found = {x.cause for x in explain(example).matches}
            assert ERRNO_CAUSES[errno] in causes_found, (entry.id, example, ERRNO_CAUSES[errno], causes_found)
            assert explain(example).matches[0].cause == ERRNO_CAUSES[errno] or errno == 1045, (entry.id, example)
    assert {1044, 1045, 1049, 1040, 1129, 1130, 1203, 1226} <= seen, seen
