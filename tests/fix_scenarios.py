"""Scenarios for the PostgreSQL truth tests: a server profile and certificate variant on the session sandbox,
client settings, and the root cause the scenario is built to have. ``run_scenario`` runs dbdoctor's check and the
real driver (psycopg) on the same settings. Used by tests/test_differential_pg.py (every mode against libpq) and
tests/rules/test_check_rules.py (every rule has a scenario that produces it and one that does not)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import socket
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from dbdoctor.checking import CheckInput
from dbdoctor.postgres.modes import PG_MODES
from dbdoctor.postgres.pipeline import check
from dbdoctor.report import Report

RIGHT = "right"
WRONG = "wrong"


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    cause: str | None  # the root cause the scenario is built to have; None: it works
    client: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    profile: str = "managed"
    cert: str = "full"
    #: ~/.postgresql/root.crt in the scenario's HOME: None, RIGHT or WRONG
    home_root: str | None = None
    #: modes allowed to be predicted "unknown" (password not tested over a weaker connection)
    unknown: tuple[str, ...] = ()
    #: network scenarios replace host/port with a listener of their own
    listener: str | None = None
    #: SQL run as the sandbox superuser before (and its undo after), then the configuration reloaded
    server_sql: tuple[str, ...] = ()
    undo_sql: tuple[str, ...] = ()
    #: environment variables for both dbdoctor and libpq (SSL_CERT_FILE ...)
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: the app's driver (``--driver``); None: libpq
    driver: str | None = None


def S(name: str, cause: str | None, profile: str = "managed", cert: str = "full", **client: Any) -> Scenario:
    home_root = client.pop("home_root", None)
    unknown = tuple(client.pop("unknown", ()))
    listener = client.pop("listener", None)
    server_sql = tuple(client.pop("server_sql", ()))
    undo_sql = tuple(client.pop("undo_sql", ()))
    env = dict(client.pop("env", {}))
    driver = client.pop("driver", None)
    return Scenario(name, cause, client, profile, cert, home_root, unknown, listener, server_sql, undo_sql, env,
                    driver)


#: Where the user's own settings never reach the password prompt, dbdoctor tests the password only over a
#: connection at least as protected as the user's (pipeline._proof_allowed). A user who asked for verification
#: does not get the password sent over unverified TLS, nor one who asked for TLS over plain text: those modes
#: are predicted "unknown" (password_untested), and the scenarios say so.
UNVERIFIED_TLS = ("allow", "prefer", "require")
PLAIN = ("disable", "allow", "prefer")

SCENARIOS: list[Scenario] = [
    # --- managed: TLS required, SCRAM, certificate naming localhost, db.example.test, 127.0.0.1 ----------------
    S("verify-full by name", None, sslmode="verify-full", sslrootcert=RIGHT),
    S("verify-full by IP with IP SAN", None, sslmode="verify-full", sslrootcert=RIGHT, host="127.0.0.1"),
    S("verify-full with hostaddr", None, sslmode="verify-full", sslrootcert=RIGHT, host="db.example.test",
      hostaddr="127.0.0.1"),
    S("verify-full other name", "hostname_mismatch", sslmode="verify-full", sslrootcert=RIGHT,
      host="other.example.test", hostaddr="127.0.0.1"),
    S("verify-ca other name", None, sslmode="verify-ca", sslrootcert=RIGHT, host="other.example.test",
      hostaddr="127.0.0.1"),
    S("disable against TLS-only", "server_requires_ssl", sslmode="disable"),
    S("disable against TLS-only, CA set", "server_requires_ssl", sslmode="disable", sslrootcert=RIGHT),
    S("allow against TLS-only", None, sslmode="allow"),
    S("prefer no CA", None, sslmode="prefer"),
    S("default sslmode no CA", None),
    S("require no CA", None, sslmode="require"),
    S("verify-full CA missing", "ca_file_missing", sslmode="verify-full", sslrootcert="missing",
      unknown=UNVERIFIED_TLS),
    S("verify-ca CA missing", "ca_file_missing", sslmode="verify-ca", sslrootcert="missing",
      unknown=UNVERIFIED_TLS),
    S("verify-full no sslrootcert, no default", "ca_file_missing", sslmode="verify-full",
      unknown=UNVERIFIED_TLS),
    S("verify-full wrong CA", "cert_untrusted", sslmode="verify-full", sslrootcert=WRONG),
    S("require wrong CA verifies", "cert_untrusted", sslmode="require", sslrootcert=WRONG),
    S("prefer wrong CA falls back and is refused", "cert_untrusted", sslmode="prefer", sslrootcert=WRONG),
    S("require invalid CA file", "ca_file_invalid", sslmode="require", sslrootcert="invalid"),
    S("prefer invalid CA file", "ca_file_invalid", sslmode="prefer", sslrootcert="invalid"),
    S("require default root right", None, sslmode="require", home_root=RIGHT),
    S("require default root wrong", "cert_untrusted", sslmode="require", home_root=WRONG),
    S("verify-full default root right", None, sslmode="verify-full", home_root=RIGHT),
    S("verify-full wrong password", "password_failed", sslmode="verify-full", sslrootcert=RIGHT, password=WRONG),
    S("require wrong password", "password_failed", sslmode="require", password=WRONG),
    S("verify-full no password", "password_missing", sslmode="verify-full", sslrootcert=RIGHT, password=None),
    S("prefer no password", "password_missing", sslmode="prefer", password=None),
    S("verify-full database missing", "database_missing", sslmode="verify-full", sslrootcert=RIGHT,
      dbname="nosuchdb"),
    S("verify-full role missing (SCRAM hides it)", "password_failed", sslmode="verify-full", sslrootcert=RIGHT,
      user="ghost"),
    S("disable wrong password", "server_requires_ssl", sslmode="disable", password=WRONG),
    # --- other certificate variants ----------------------------------------------------------------------------
    S("cn_only by name", None, cert="cn_only", sslmode="verify-full", sslrootcert=RIGHT, host="db.example.test",
      hostaddr="127.0.0.1"),
    S("cn_only localhost", "hostname_mismatch", cert="cn_only", sslmode="verify-full", sslrootcert=RIGHT),
    S("cn_only by IP", "ip_address_mismatch", cert="cn_only", sslmode="verify-full", sslrootcert=RIGHT,
      host="127.0.0.1"),
    S("ip_only by IP", None, cert="ip_only", sslmode="verify-full", sslrootcert=RIGHT, host="127.0.0.1"),
    S("ip_only by name", "hostname_mismatch", cert="ip_only", sslmode="verify-full", sslrootcert=RIGHT),
    S("wildcard match", None, cert="wildcard", sslmode="verify-full", sslrootcert=RIGHT, host="db.example.test",
      hostaddr="127.0.0.1"),
    S("wildcard two labels", "hostname_mismatch", cert="wildcard", sslmode="verify-full", sslrootcert=RIGHT,
      host="a.b.example.test", hostaddr="127.0.0.1"),
    S("wildcard by IP", "ip_address_mismatch", cert="wildcard", sslmode="verify-full", sslrootcert=RIGHT,
      host="127.0.0.1"),
    S("expired verify-ca", "cert_expired", cert="expired", sslmode="verify-ca", sslrootcert=RIGHT),
    S("expired require no CA", None, cert="expired", sslmode="require"),
    S("not yet valid", "cert_not_yet_valid", cert="not_yet_valid", sslmode="verify-full", sslrootcert=RIGHT),
    S("self-signed verify-ca", "cert_self_signed", cert="self_signed", sslmode="verify-ca", sslrootcert=RIGHT),
    S("self-signed require", None, cert="self_signed", sslmode="require"),
    S("no intermediate, root only", "cert_chain_incomplete", cert="no_intermediate", sslmode="verify-full",
      sslrootcert=RIGHT),
    S("no intermediate, root+intermediate", None, cert="no_intermediate", sslmode="verify-full",
      sslrootcert="chain"),
    S("no intermediate require", None, cert="no_intermediate", sslmode="require"),
    S("other CA with our root", "cert_untrusted", cert="other_ca", sslmode="verify-full", sslrootcert=RIGHT),
    S("other CA with its root", None, cert="other_ca", sslmode="verify-full", sslrootcert=WRONG),
    # --- access profiles -----------------------------------------------------------------------------------------
    S("plain_only require", "server_rejects_ssl", profile="plain_only", sslmode="require", unknown=PLAIN),
    S("plain_only verify-full", "server_rejects_ssl", profile="plain_only", sslmode="verify-full",
      sslrootcert=RIGHT, unknown=PLAIN),
    S("plain_only prefer falls back", None, profile="plain_only", sslmode="prefer"),
    S("plain_only disable", None, profile="plain_only", sslmode="disable"),
    S("both disable", None, profile="both", sslmode="disable"),
    S("both prefer", None, profile="both", sslmode="prefer"),
    S("both verify-full", None, profile="both", sslmode="verify-full", sslrootcert=RIGHT),
    S("both verify-full wrong CA", "cert_untrusted", profile="both", sslmode="verify-full", sslrootcert=WRONG,
      unknown=("disable", "allow", "prefer")),
    S("both prefer wrong CA falls back", None, profile="both", sslmode="prefer", sslrootcert=WRONG),
    S("ssl_off require", "server_ssl_unsupported", profile="ssl_off", sslmode="require", unknown=PLAIN),
    S("ssl_off verify-full", "server_ssl_unsupported", profile="ssl_off", sslmode="verify-full",
      sslrootcert=RIGHT, unknown=PLAIN),
    S("ssl_off prefer", None, profile="ssl_off", sslmode="prefer"),
    S("ssl_off disable", None, profile="ssl_off", sslmode="disable"),
    S("reject rule", "hba_rejected", profile="reject", sslmode="verify-full", sslrootcert=RIGHT),
    S("reject rule prefer", "hba_rejected", profile="reject", sslmode="prefer"),
    S("allowlist verify-full", "hba_rejected", profile="allowlist", sslmode="verify-full", sslrootcert=RIGHT),
    S("allowlist disable", "hba_rejected", profile="allowlist", sslmode="disable"),
    S("trust over TLS, no password", None, profile="trust_tls", sslmode="verify-full", sslrootcert=RIGHT,
      password=None),
    S("trust over TLS, disable", "server_requires_ssl", profile="trust_tls", sslmode="disable", password=None),
    S("client cert required, none given", "client_cert_required", profile="clientcert", sslmode="verify-full",
      sslrootcert=RIGHT),
    S("client cert given", None, profile="clientcert", sslmode="verify-full", sslrootcert=RIGHT,
      sslcert="client", sslkey="client"),
    S("client cert from another CA", "client_cert_problem", profile="clientcert", sslmode="verify-full",
      sslrootcert=RIGHT, sslcert="other", sslkey="other"),
    # --- not a working server --------------------------------------------------------------------------------------
    S("nothing listens", "connection_refused", listener="closed", sslmode="prefer"),
    S("listener never answers", "connect_timeout", listener="silent", sslmode="prefer"),
    S("an HTTP server", "not_the_database", listener="http", sslmode="require"),
    S("name does not resolve", "dns_unresolved", listener="nxdomain", sslmode="verify-full", sslrootcert=RIGHT),
    S("internal name at run time", "dns_unresolved", listener="internal", sslmode="verify-full", sslrootcert=RIGHT),
    S("internal name in a build step", "build_time_internal_host", listener="internal", sslmode="verify-full",
      sslrootcert=RIGHT, env={"DBDOCTOR_PHASE": "build"}),
    # --- server settings changed for one scenario ------------------------------------------------------------
    S("no TLS version in common", "tls_handshake_failed", sslmode="require", ssl_max_protocol_version="TLSv1.2",
      server_sql=("ALTER SYSTEM SET ssl_min_protocol_version = 'TLSv1.3'",),
      undo_sql=("ALTER SYSTEM RESET ssl_min_protocol_version",), unknown=PLAIN),
    S("role connection limit reached", "too_many_connections", sslmode="verify-full", sslrootcert=RIGHT,
      server_sql=("ALTER ROLE app CONNECTION LIMIT 0",), undo_sql=("ALTER ROLE app CONNECTION LIMIT -1",)),
    S("trust, role missing", "role_missing", profile="trust_tls", sslmode="verify-full", sslrootcert=RIGHT,
      user="ghost", password=None),
    S("trust, database missing", "database_missing", profile="trust_tls", sslmode="require", dbname="nosuchdb",
      password=None),
    # --- the system CA store (sslrootcert=system, libpq 16+) ------------------------------------------------
    S("system roots, empty store", "system_ca_missing", sslmode="verify-full", sslrootcert="system",
      env={"SSL_CERT_FILE": "{tmp}/no-bundle.pem", "SSL_CERT_DIR": "{tmp}/no-certs"}, unknown=UNVERIFIED_TLS),
    S("system roots holding the CA", None, sslmode="verify-full", sslrootcert="system",
      env={"SSL_CERT_FILE": "{root_ca}", "SSL_CERT_DIR": "{tmp}/no-certs"}),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(sock: socket.socket, reply: bytes | None) -> None:
    """Accept connections; answer the first bytes with ``reply`` and close, or (None) never answer."""
    held: list[socket.socket] = []
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            break
        if reply is None:
            held.append(conn)
            continue
        try:
            conn.settimeout(2)
            conn.recv(1024)
            conn.sendall(reply)
        except OSError:
            pass
        conn.close()
    for c in held:
        c.close()


@pytest.fixture(scope="session")
def listeners() -> Iterator[dict[str, int]]:
    """A closed port; a listener that accepts and never answers; an HTTP server that answers any bytes with
    400 Bad Request (as many front ends and proxies do)."""
    socks = {}
    for name, reply in (("silent", None), ("http", b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        threading.Thread(target=_serve, args=(s, reply), daemon=True).start()
        socks[name] = s
    try:
        yield {"closed": _free_port(), **{n: s.getsockname()[1] for n, s in socks.items()}}
    finally:
        for s in socks.values():
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)  # wakes the accept() of its thread (see fix_listeners.Listener)
            s.close()


def _settings(sc: Scenario, srv: Any, pki: Any, tmp: Path, ports: Mapping[str, int]) -> dict[str, Any]:
    c = dict(sc.client)
    out: dict[str, Any] = {
        "host": "localhost",
        "port": srv.port,
        "dbname": srv.dbname,
        "user": srv.user,
        "password": srv.password.reveal(),
        "connect_timeout": 3,
    }
    if "password" in c:
        pw = c.pop("password")
        out["password"] = {RIGHT: srv.password.reveal(), WRONG: "definitely-wrong", None: None}[pw]
    root = c.pop("sslrootcert", None)
    if root == "system":
        out["sslrootcert"] = "system"
    elif root is not None:
        invalid = tmp / "not-a-cert.pem"
        invalid.write_text("this is not PEM\n")
        out["sslrootcert"] = str(
            {
                RIGHT: pki.root_ca,
                WRONG: pki.other_ca,
                "chain": pki.root_and_intermediate,
                "missing": tmp / "nowhere" / "ca.pem",
                "invalid": invalid,
            }.get(root, root)
        )
    cert, key = c.pop("sslcert", None), c.pop("sslkey", None)
    if cert is not None:
        out["sslcert"] = str(pki.client_cert if cert == "client" else pki.other_client_cert)
    if key is not None:
        out["sslkey"] = str(pki.client_key if key == "client" else pki.other_client_key)
    out.update(c)
    if sc.listener == "nxdomain":
        out["host"] = "no-such-host.invalid"
    elif sc.listener == "internal":
        out["host"] = "postgres.railway.internal"  # a private-network name that exists only at run time
    elif sc.listener is not None:
        out["host"] = "127.0.0.1"
        out["port"] = ports[sc.listener]
    return {k: v for k, v in out.items() if v is not None}


def _real(settings: Mapping[str, Any]) -> tuple[str, str | None]:
    try:
        with psycopg.connect(make_conninfo("", **settings)):
            return "ok", None
    except psycopg.Error as exc:
        return "fail", str(exc)


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME (no ~/.postgresql/root.crt, no ~/.pgpass) and no PG* variables, for libpq and dbdoctor."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for key in list(os.environ):
        if key.startswith("PG") or key == "DATABASE_URL":
            monkeypatch.delenv(key)
    return home




@dataclasses.dataclass(frozen=True)
class Outcome:
    report: Report
    settings: Mapping[str, Any]
    real_verdict: str
    real_message: str | None
    real_modes: Mapping[str, str]


@contextlib.contextmanager
def _server_state(srv: Any, sc: Scenario) -> Iterator[None]:
    def loaded_at() -> Any:
        with psycopg.connect(srv.admin_conninfo(), autocommit=True) as conn:
            row = conn.execute("SELECT pg_conf_load_time()").fetchone()
            return row[0] if row else None

    def run(statements: tuple[str, ...]) -> None:
        if not statements:
            return
        with psycopg.connect(srv.admin_conninfo(), autocommit=True) as conn:
            for stmt in statements:
                conn.execute(stmt)  # type: ignore[arg-type]
            row = conn.execute("SELECT clock_timestamp(), pg_reload_conf()").fetchone()
            asked = row[0] if row else None
        import time

        # the postmaster re-reads its files (and its TLS context) after the signal, asynchronously; a new backend
        # inherits the load time of the postmaster's last reload: wait until it is later than the request
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            got = loaded_at()
            if asked is None or (got is not None and got >= asked):
                break
            time.sleep(0.02)

    run(sc.server_sql)
    try:
        yield
    finally:
        run(sc.undo_sql)


def run_scenario(
    sc: Scenario, srv: Any, pki: Any, home: Path, tmp: Path, ports: Mapping[str, int],
    monkeypatch: pytest.MonkeyPatch, *, real: bool = True,
) -> Outcome:
    """dbdoctor's check, and (``real``) psycopg with the same settings and with each sslmode."""
    for key, value in sc.env.items():
        monkeypatch.setenv(key, value.format(root_ca=pki.root_ca, tmp=tmp))
    if sc.home_root is not None:
        (home / ".postgresql").mkdir(exist_ok=True)
        src = pki.root_ca if sc.home_root == RIGHT else pki.other_ca
        (home / ".postgresql" / "root.crt").write_bytes(Path(src).read_bytes())
    with srv.configured(profile=sc.profile, cert=sc.cert), _server_state(srv, sc):
        settings = _settings(sc, srv, pki, tmp, ports)
        text = make_conninfo("", **settings)
        report = check(CheckInput(text=text, environ=dict(os.environ), timeout=4 if sc.listener else 8,
                                  driver=sc.driver))
        verdict, message = _real(settings) if real else ("", None)
        modes = {m: _real({**settings, "sslmode": m})[0] for m in PG_MODES} if real else {}
    return Outcome(report, settings, verdict, message, modes)
