"""Every MySQL check-stage rule (stage ``check-mysql``, DD810-DD840) has a scenario that must produce it and one
that must not (ARCHITECTURE.md, convention 6), as every PostgreSQL check rule has in tests/rules/test_check_rules.py.

The scenarios run dbdoctor's check against the MariaDB 10.11 sandbox (tests/fix_mariadb.py) with a server profile,
a certificate variant, an account and client settings; the real clients' agreement with such scenarios is the
MySQL differential suite's (tests/mysql/test_mysql_differential.py). Here only dbdoctor runs.

Not every cause can come from MariaDB here; those are said plainly, each marked in its scenario:

- DD823 (TLS handshake failure) and DD824 (a client certificate demanded during the handshake): MariaDB 10.11
  negotiates TLS 1.2/1.3 with any client here and never demands a client certificate in the handshake (REQUIRE
  X509 is checked after it, with a 1045). Their scenarios relay the sandbox's real greeting and then play the TLS
  part with a listener: ``RELAYED GREETING``.
- DD833 (1129 host blocked): the sandbox runs with skip-name-resolve, and MariaDB keeps no host cache then, so no
  number of connection errors blocks a host. Its scenario is a listener sending MariaDB's ERR 1129 packet with the
  server's own text (sql/share/errmsg-utf8.txt, ER_HOST_IS_BLOCKED): ``RECORDED TEXT``.
- DD810's MySQL 8 path (``3159 Connections using insecure transport are prohibited while
  --require_secure_transport=ON``, ER_SECURE_TRANSPORT_REQUIRED in MySQL 8's errmsg-utf8.txt; MariaDB lies with
  1045 instead): ``RECORDED TEXT``, on constructed observations.
- DD829 (no route to the address): loopback always routes; constructed observations.
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import ssl
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pymysql
import pytest

from dbdoctor.mysql.pipeline import check
from dbdoctor.mysql.rules import MODULES as MYSQL_RULES
from dbdoctor.postgres.pipeline import CheckInput
from dbdoctor.rules.registry import rules_for
from dbdoctor.sandbox import SandboxServer

pytestmark = pytest.mark.server


@dataclasses.dataclass(frozen=True)
class MyScenario:
    name: str
    profile: str = "managed"
    cert: str = "full"
    user: str = "app"
    host: str = "localhost"
    #: ssl-mode written in the URL (None: not written)
    mode: str | None = "VERIFY_IDENTITY"
    #: ssl-ca: "root", "other" (an unrelated root), "root+intermediate", "missing", "invalid", None
    ca: str | None = "root"
    dbname: str = "app"
    password_ok: bool = True
    #: ssl-cert/ssl-key: None, "client" (the sandbox client certificate), "missing" (a file that does not exist)
    client_cert: str | None = None
    #: a listener replaces the server: "closed", "silent", "http", or one of LISTENERS below
    listener: str | None = None
    #: host name that does not resolve
    unresolvable: bool = False
    #: SQL run as the sandbox superuser before, and its undo after
    server_sql: tuple[str, ...] = ()
    undo_sql: tuple[str, ...] = ()
    #: environment for dbdoctor's process (the system CA store: SSL_CERT_FILE / SSL_CERT_DIR)
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: connections held open during the check (too many connections)
    hold_connections: bool = False


SC = MyScenario
UNIX_SOCKET_USER = ("CREATE USER IF NOT EXISTS 'osuser'@'%' IDENTIFIED VIA unix_socket",
                    "GRANT ALL ON app.* TO 'osuser'@'%'")
#: every account moved to an address this client is not: MariaDB answers 1130 before any login
NO_ACCOUNT_FOR_THIS_HOST = ("UPDATE mysql.global_priv SET Host='10.9.9.9' WHERE Host='%'", "FLUSH PRIVILEGES")
ACCOUNTS_BACK = ("UPDATE mysql.global_priv SET Host='%' WHERE Host='10.9.9.9'", "FLUSH PRIVILEGES")

SCENARIOS = [
    SC("managed, DISABLED", mode="DISABLED"),
    SC("managed, VERIFY_IDENTITY"),
    SC("managed, PREFERRED", mode="PREFERRED"),
    SC("wrong password", password_ok=False),
    SC("tls_off, REQUIRED", profile="tls_off", mode="REQUIRED"),
    SC("tls_off, DISABLED", profile="tls_off", mode="DISABLED"),
    SC("tls_off, PREFERRED falls back", profile="tls_off", mode="PREFERRED"),
    SC("expired, VERIFY_CA", cert="expired", mode="VERIFY_CA"),
    SC("expired, REQUIRED", cert="expired", mode="REQUIRED"),
    SC("not yet valid, VERIFY_CA", cert="not_yet_valid", mode="VERIFY_CA"),
    SC("not yet valid, REQUIRED", cert="not_yet_valid", mode="REQUIRED"),
    SC("self-signed, VERIFY_CA", cert="self_signed", mode="VERIFY_CA"),
    SC("self-signed, REQUIRED", cert="self_signed", mode="REQUIRED"),
    SC("other CA, VERIFY_CA", cert="other_ca", mode="VERIFY_CA"),
    SC("other CA with its own root", cert="other_ca", mode="VERIFY_CA", ca="other"),
    SC("no intermediate, root only", cert="no_intermediate", mode="VERIFY_CA"),
    SC("no intermediate, root+intermediate", cert="no_intermediate", mode="VERIFY_CA", ca="root+intermediate"),
    SC("CN only, VERIFY_IDENTITY by name", cert="cn_only"),
    SC("CN only, VERIFY_CA", cert="cn_only", mode="VERIFY_CA"),
    SC("CN only, VERIFY_IDENTITY by IP", cert="cn_only", host="127.0.0.1"),
    SC("full, VERIFY_IDENTITY by IP", host="127.0.0.1"),
    SC("CA file missing", mode="VERIFY_CA", ca="missing"),
    SC("CA file missing, ssl-ca alone", mode=None, ca="missing"),
    SC("CA file invalid", mode="VERIFY_CA", ca="invalid"),
    SC("system store empty", mode="VERIFY_CA", ca=None,
       env={"SSL_CERT_FILE": "{tmp}/no-bundle.pem", "SSL_CERT_DIR": "{tmp}/no-certs"}),
    SC("system store holding the CA", mode="VERIFY_CA", ca=None,
       env={"SSL_CERT_FILE": "{root_ca}", "SSL_CERT_DIR": "{tmp}/no-certs"}),
    SC("handshake cut after the SSLRequest (RELAYED GREETING)", listener="cut_after_sslrequest", mode="REQUIRED"),
    SC("client certificate demanded, none given (RELAYED GREETING)", listener="demands_client_cert",
       mode="REQUIRED"),
    SC("client certificate demanded and given (RELAYED GREETING)", listener="demands_client_cert",
       mode="REQUIRED", client_cert="client"),
    SC("client certificate file missing", profile="tls_offered", client_cert="missing"),
    SC("client certificate given", user="app_x509", client_cert="client"),
    SC("name does not resolve", unresolvable=True),
    SC("nothing listens", listener="closed"),
    SC("listener never answers", listener="silent"),
    SC("an HTTP server", listener="http"),
    SC("no account for this client host", server_sql=NO_ACCOUNT_FOR_THIS_HOST, undo_sql=ACCOUNTS_BACK),
    SC("every connection slot taken", hold_connections=True),
    SC("host blocked (RECORDED TEXT)", listener="err_1129"),
    SC("database missing", dbname="nosuchdb"),
    SC("account IDENTIFIED VIA unix_socket", user="osuser", server_sql=UNIX_SOCKET_USER,
       undo_sql=("DROP USER IF EXISTS 'osuser'@'%'",)),
]
BY_NAME = {s.name: s for s in SCENARIOS}

#: rule code -> (a scenario that must produce it, a scenario that must not)
CASES: Mapping[str, tuple[str, str]] = {
    "DD810": ("managed, DISABLED", "managed, VERIFY_IDENTITY"),
    "DD811": ("wrong password", "managed, VERIFY_IDENTITY"),
    "DD812": ("tls_off, REQUIRED", "tls_off, DISABLED"),
    "DD813": ("expired, VERIFY_CA", "expired, REQUIRED"),
    "DD814": ("not yet valid, VERIFY_CA", "not yet valid, REQUIRED"),
    "DD815": ("self-signed, VERIFY_CA", "self-signed, REQUIRED"),
    "DD816": ("other CA, VERIFY_CA", "other CA with its own root"),
    "DD817": ("no intermediate, root only", "no intermediate, root+intermediate"),
    "DD818": ("CN only, VERIFY_IDENTITY by name", "CN only, VERIFY_CA"),
    "DD819": ("CN only, VERIFY_IDENTITY by IP", "full, VERIFY_IDENTITY by IP"),
    "DD820": ("CA file missing", "managed, VERIFY_IDENTITY"),
    "DD821": ("CA file invalid", "managed, VERIFY_IDENTITY"),
    "DD822": ("system store empty", "system store holding the CA"),
    "DD823": ("handshake cut after the SSLRequest (RELAYED GREETING)", "managed, VERIFY_IDENTITY"),
    "DD824": ("client certificate demanded, none given (RELAYED GREETING)",
              "client certificate demanded and given (RELAYED GREETING)"),
    "DD825": ("client certificate file missing", "client certificate given"),
    "DD826": ("name does not resolve", "nothing listens"),
    "DD827": ("nothing listens", "name does not resolve"),
    "DD828": ("listener never answers", "nothing listens"),
    "DD830": ("an HTTP server", "nothing listens"),
    "DD831": ("no account for this client host", "managed, VERIFY_IDENTITY"),
    "DD832": ("every connection slot taken", "managed, VERIFY_IDENTITY"),
    "DD833": ("host blocked (RECORDED TEXT)", "no account for this client host"),
    "DD834": ("database missing", "managed, VERIFY_IDENTITY"),
    "DD835": ("account IDENTIFIED VIA unix_socket", "wrong password"),
    "DD840": ("tls_off, PREFERRED falls back", "managed, PREFERRED"),
}

#: rules with no scenario on a server here, and why
NOT_ON_A_SERVER = {
    "DD829": "no route to the address: loopback always routes; tested on constructed observations",
    # issue 11's causes, with their own scenarios in tests/rules/test_new_causes.py
    "DD850": "MariaDB ed25519 with PyMySQL without PyNaCl, on the sandbox: tests/rules/test_new_causes.py",
    "DD851": "Connector/J's public key retrieval (MySQL 8 only): recorded text, tests/rules/test_new_causes.py",
}


# --- listeners that take over after the sandbox's real greeting ------------------------------------------------

def _relay_greeting(client: socket.socket, upstream_port: int) -> bool:
    """The sandbox server's own greeting (it offers TLS), forwarded to the client; then the client's SSLRequest
    is read. False when either side broke off."""
    try:
        with socket.create_connection(("127.0.0.1", upstream_port), timeout=5) as up:
            buf = b""
            while len(buf) < 4 or len(buf) < 4 + int.from_bytes(buf[:3], "little"):
                data = up.recv(65536)
                if not data:
                    return False
                buf += data
        client.sendall(buf[: 4 + int.from_bytes(buf[:3], "little")])
        client.settimeout(5)
        want, got = 4 + 32, b""  # header + SSLRequest payload (capabilities, max packet, charset, filler)
        while len(got) < want:
            data = client.recv(want - len(got))
            if not data:
                return False
            got += data
    except OSError:
        return False
    return True


def cut_after_sslrequest(upstream_port: int, pki: Any) -> Callable[[socket.socket], None]:
    def handler(conn: socket.socket) -> None:
        if _relay_greeting(conn, upstream_port):
            with contextlib.suppress(OSError):
                conn.sendall(b"\x15\x03\x03\x00\x02\x02\x28")  # a TLS alert record: handshake_failure
    return handler


def demands_client_cert(upstream_port: int, pki: Any) -> Callable[[socket.socket], None]:
    """TLS 1.2 with a client certificate required (CERT_REQUIRED against the sandbox's client CA): in TLS 1.2 the
    client learns of the refusal inside the handshake."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    full = pki.servers["full"]
    ctx.load_cert_chain(full.cert, full.key)
    ctx.load_verify_locations(pki.client_ca)
    ctx.verify_mode = ssl.CERT_REQUIRED

    def handler(conn: socket.socket) -> None:
        if not _relay_greeting(conn, upstream_port):
            return
        with contextlib.suppress(OSError, ssl.SSLError):
            tls = ctx.wrap_socket(conn, server_side=True)
            tls.recv(4096)  # the client's login; nothing is answered
            tls.close()
    return handler


def err_1129(upstream_port: int, pki: Any) -> Callable[[socket.socket], None]:
    """RECORDED TEXT: MariaDB's ERR packet for ER_HOST_IS_BLOCKED (1129), sent instead of a greeting."""
    from dbdoctor.mysql import wire as _mywire

    text = b"Host '127.0.0.1' is blocked because of many connection errors; unblock with 'mariadb-admin flush-hosts'"
    body = b"\xff" + (1129).to_bytes(2, "little") + text
    packet = _mywire.header(len(body), 0) + body

    def handler(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            conn.sendall(packet)
            conn.settimeout(2)
            conn.recv(1024)
    return handler


LISTENERS = {"cut_after_sslrequest": cut_after_sslrequest, "demands_client_cert": demands_client_cert,
             "err_1129": err_1129}


# --- running a scenario ------------------------------------------------------------------------------------------

def _admin(srv: SandboxServer, statements: tuple[str, ...]) -> None:
    if not statements:
        return
    conn = pymysql.connect(unix_socket=str(srv.socket_dir / "mysqld.sock"), user="root", autocommit=True)
    try:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
    finally:
        conn.close()


@contextlib.contextmanager
def _held_connections(srv: SandboxServer) -> Iterator[None]:
    """Every connection slot taken (max_connections at MariaDB's minimum, 10), as in
    tests/mysql/test_mysql_check_server.py::test_too_many_connections_before_any_login."""
    admin = pymysql.connect(unix_socket=str(srv.socket_dir / "mysqld.sock"), user="root", autocommit=True)
    held = []
    try:
        with admin.cursor() as cur:
            cur.execute("SET GLOBAL max_connections = 10")
        for _ in range(12):
            try:
                held.append(pymysql.connect(host="127.0.0.1", port=srv.port, user="app",
                                            password=srv.password.reveal(), ssl={"ca": str(srv.ca_file)}))
            except pymysql.err.OperationalError:
                break
        yield
    finally:
        for c in held:
            c.close()
        with admin.cursor() as cur:
            cur.execute("SET GLOBAL max_connections = 40")
        admin.close()


def run(sc: MyScenario, srv: SandboxServer, tmp: Path, ports: Mapping[str, int],
        monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    from fix_listeners import listener

    cas = {"root": str(srv.ca_file), "other": str(srv.pki.directory / "other-root-ca.crt"),
           "root+intermediate": str(srv.pki.directory / "root+intermediate.crt"),
           "missing": str(tmp / "no-such-ca.pem"), "invalid": str(tmp / "not-a-ca.pem")}
    (tmp / "not-a-ca.pem").write_text("this is not a certificate\n")
    q = []
    if sc.mode is not None:
        q.append(f"ssl-mode={sc.mode}")
    if sc.ca is not None:
        q.append(f"ssl-ca={cas[sc.ca]}")
    if sc.client_cert == "client":
        q += [f"ssl-cert={srv.pki.client_cert}", f"ssl-key={srv.pki.client_key}"]
    elif sc.client_cert == "missing":
        q += [f"ssl-cert={tmp / 'no-such-client.crt'}", f"ssl-key={tmp / 'no-such-client.key'}"]
    pw = srv.password.reveal() if sc.password_ok else "not-" + srv.password.reveal()
    for k, v in sc.env.items():
        monkeypatch.setenv(k, v.replace("{tmp}", str(tmp)).replace("{root_ca}", str(srv.ca_file)))

    def check_at(host: str, port: int) -> dict[str, Any]:
        url = f"mysql://{sc.user}:{pw}@{host}:{port}/{sc.dbname}?{'&'.join(q)}"
        return check(CheckInput(text=url, environ={"HOME": str(tmp)}, timeout=8)).to_dict()

    with contextlib.ExitStack() as stack:
        stack.enter_context(srv.configured(profile=sc.profile, cert=sc.cert))
        _admin(srv, sc.server_sql)
        stack.callback(_admin, srv, sc.undo_sql)
        if sc.hold_connections:
            stack.enter_context(_held_connections(srv))
        if sc.unresolvable:
            return check_at("no-such-host.invalid", srv.port)
        if sc.listener in ports:
            return check_at("127.0.0.1", ports[sc.listener])
        if sc.listener is not None:
            lst = stack.enter_context(listener(LISTENERS[sc.listener](srv.port, srv.pki)))
            return check_at(sc.host, lst.port)
        return check_at(sc.host, srv.port)


# --- the tests ---------------------------------------------------------------------------------------------------

def test_every_mysql_check_rule_has_cases() -> None:
    codes = {r.code for r in rules_for("check-mysql", MYSQL_RULES)}
    assert codes == set(CASES) | set(NOT_ON_A_SERVER)
    assert all(p in BY_NAME and n in BY_NAME for p, n in CASES.values())


@pytest.mark.parametrize("code", sorted(CASES))
def test_mysql_rule_fires_and_stays_quiet(code: str, mariadb_sandbox: SandboxServer, tmp_path: Path,
                                          listeners: Mapping[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    positive, negative = CASES[code]
    for name, want in ((positive, True), (negative, False)):
        home = tmp_path / name.replace(" ", "_").replace("/", "_").replace(",", "")
        home.mkdir()
        with monkeypatch.context() as mp:
            d = run(BY_NAME[name], mariadb_sandbox, home, listeners, mp)
        codes = {f["code"] for f in d["findings"]}
        assert (code in codes) is want, (
            f"{code} {'missing from' if want else 'wrongly in'} {name!r}: {codes}, cause {d['cause']}, "
            f"evidence {d['evidence']}"
        )


def test_dd829_on_constructed_observations() -> None:
    """No route to the address: the probe's TCP outcome ``unreachable`` (connect() failing with ENETUNREACH)."""
    from dbdoctor.mysql.probe import MyAttempt, MyHostObservations, MyObservations
    from dbdoctor.observations import DnsObservation, TcpObservation
    from dbdoctor.target import HostAttempt

    d = _constructed(
        MyObservations(
            (MyHostObservations(HostAttempt("2001:db8::5", None, 3306), "2001:db8::5",
                                DnsObservation("2001:db8::5", ("2001:db8::5",)),
                                TcpObservation("2001:db8::5", 3306, "unreachable", "Network is unreachable")),),
            MyAttempt("PREFERRED", False, None, errno=2003, message="(2003, \"Can't connect ... unreachable\")",
                      os_error="OSError"),
        ),
        host="2001:db8::5",
    )
    assert (d.verdict, d.cause) == ("fail", "network_unreachable")
    assert "DD829" in {f.code for f in d.findings}


def _constructed(obs: Any, host: str, decider: Any = None) -> Any:
    """A MySQL check report built from constructed observations through the pipeline's own stages (facts, modes,
    cause, rules): the probe is replaced, nothing else."""
    from dbdoctor.mysql.modes import predict_all
    from dbdoctor.mysql.pipeline import MyDiagnosis, attempt_cause, login_facts, transport_facts
    from dbdoctor.mysql.sources import resolve
    from dbdoctor.report import Report, sort_findings
    from dbdoctor.rules.base import Context

    target = resolve(f"mysql://app:pw@[{host}]:3306/app" if ":" in host else f"mysql://app:pw@{host}:3306/app",
                     environ={"HOME": "/nonexistent"})
    transport, analysis = transport_facts(obs.hosts[0] if obs.hosts else None, target)
    login, _ = login_facts(target, "PREFERRED", obs.driver, transport, 0.0)
    if decider is not None:
        from dbdoctor.mysql.modes import LoginFacts

        login = LoginFacts(plain="server_requires_ssl", tls=None)
    modes = predict_all(transport, login)
    predicted = modes["PREFERRED"]
    cause = predicted.cause if predicted.outcome == "fail" else attempt_cause(obs.driver)
    diag = MyDiagnosis(target, obs, transport, login, modes, "PREFERRED", "fail", cause, analysis, decider, False)
    findings = [f for r in rules_for("check-mysql", MYSQL_RULES) for f in r.check(Context(target=target, observations=diag))]
    return Report(engine="mysql", target=None, effective={}, verdict="fail", cause=cause, modes=modes,
                  findings=sort_findings(findings), timings_ms={})


def test_dd810_mysql_3159_recorded_text() -> None:
    """RECORDED TEXT (MySQL 8 only; MariaDB answers 1045 instead): with require_secure_transport=ON, MySQL refuses
    a plain-text login with ``3159 Connections using insecure transport are prohibited while
    --require_secure_transport=ON.`` (ER_SECURE_TRANSPORT_REQUIRED). dbdoctor takes it at its word."""
    from dbdoctor.mysql.probe import FirstPacketObservation, MyAttempt, MyHostObservations, MyObservations
    from dbdoctor.observations import DnsObservation, TcpObservation
    from dbdoctor.target import HostAttempt

    text = "Connections using insecure transport are prohibited while --require_secure_transport=ON."
    greeting = _greeting(offers_tls=False)
    host = MyHostObservations(HostAttempt("db.example.test", None, 3306), "192.0.2.10",
                              DnsObservation("db.example.test", ("192.0.2.10",)),
                              TcpObservation("192.0.2.10", 3306, "connected", None),
                              first=FirstPacketObservation("greeting", greeting=greeting))
    attempt = MyAttempt("PREFERRED", False, False, errno=3159, message=f"(3159, {text!r})")
    d = _constructed(MyObservations((host,), attempt), host="db.example.test")
    assert (d.verdict, d.cause) == ("fail", "server_requires_ssl")
    dd810 = [f for f in d.findings if f.code == "DD810"]
    assert dd810 and "3159" in dd810[0].detail
    ok = _constructed(MyObservations((host,), MyAttempt("PREFERRED", False, False, errno=1045,
                                                        message="(1045, \"Access denied\")")),
                      host="db.example.test")
    assert "DD810" not in {f.code for f in ok.findings}


def _greeting(offers_tls: bool) -> Any:
    """A MySQL 8.0 greeting as the wire parser reads it (server version and capabilities only matter here)."""
    from dbdoctor.mysql import wire as _mywire

    caps = 0xFFFFF7FF if offers_tls else 0xFFFFF7FF & ~_mywire.CLIENT_SSL
    return _mywire.Greeting(protocol=10, server_version="8.0.36", connection_id=7, capabilities=caps, charset=255,
                            status=2, auth_plugin="caching_sha2_password")
