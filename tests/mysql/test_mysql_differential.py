"""Differential truth for ``dbdoctor check`` on MySQL/MariaDB: certificate variants × server TLS policy × account
policy × client settings, on the MariaDB sandbox.

For every server configuration and client identity (account, host name, password, client certificate):

- the truth is what the scenario was built to have (:func:`truth`: from the profile, the certificate variant and
  the account's REQUIRE clause, written down here without looking at dbdoctor);
- the real clients must agree with it: PyMySQL through its own documented options in all five modes, and the
  ``mariadb`` command-line client in the three modes it can express (``--skip-ssl``; default; ``--ssl-ca
  --ssl-verify-server-cert``), mysql-connector-python in the four it can express for the password accounts, and
  mysqlclient built against MariaDB Connector/C with each of its five ``ssl_mode`` values, compared with the mode
  each really gives there (PREFERRED is no TLS, REQUIRED falls back to plain text, VERIFY_CA checks the host
  name: see MYSQLCLIENT_SSL_MODES). A disagreement here means the scenario is wrong, not dbdoctor;
- dbdoctor, run once per user ssl-mode, must predict every mode's outcome and cause as built, give the verdict the
  real clients give in that mode, and name the built root cause. ``unknown`` is accepted only where dbdoctor may
  not send the password (its own connection never reached authentication and no TLS attempt at least as safe as
  the user's own was possible), and then only with cause ``password_untested``.

Not covered here, said plainly: an account created ``REQUIRE X509`` connecting over TLS without a client
certificate gets MariaDB's plain ``1045``, the same as a wrong password; dbdoctor reports ``password_failed`` with
a hint, not ``client_cert_required`` (test_x509_without_certificate_is_reported_as_password_with_a_hint). Nor is
a ``REQUIRE SSL`` account on a server without TLS (it can never log in, and its 1045 cannot be told from a wrong
password without TLS): left out of the tls_off configuration, checked for its hint in
test_require_ssl_account_without_server_tls_gets_a_hint.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pymysql
import pytest

from dbdoctor.checking import CheckInput
from dbdoctor.mysql.pipeline import check
from dbdoctor.sandbox import SandboxServer

pytestmark = pytest.mark.server

MODES = ("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")
CLI_MODES = ("DISABLED", "PREFERRED", "VERIFY_IDENTITY")
#: what mysql-connector-python can express: ssl_disabled; default (TLS when offered, unverified, plain otherwise,
#: even with ssl_ca); ssl_verify_cert; ssl_verify_identity. It has no REQUIRED without verification.
CONNECTOR_MODES = ("DISABLED", "PREFERRED", "VERIFY_CA", "VERIFY_IDENTITY")
#: mysqlclient built against MariaDB Connector/C (libmariadb 3.3), which has no MYSQL_OPT_SSL_MODE: mysqlclient
#: emulates ssl_mode with MYSQL_OPT_SSL_ENFORCE (from REQUIRED) and MYSQL_OPT_SSL_VERIFY_SERVER_CERT (from
#: VERIFY_CA), and that gives other modes than the names say. Each ssl_mode is run, against the mode it really is:
#: PREFERRED attempts no TLS at all (DISABLED); REQUIRED uses TLS when offered, unverified, and plain text when
#: not (PREFERRED); VERIFY_CA checks the host name too (VERIFY_IDENTITY). No mysqlclient setting gives REQUIRED or
#: VERIFY_CA here (tests/drivers/test_mysql_drivers_c.py covers the ssl dict).
MYSQLCLIENT_SSL_MODES = (
    ("DISABLED", "DISABLED"),
    ("PREFERRED", "DISABLED"),
    ("REQUIRED", "PREFERRED"),
    ("VERIFY_CA", "VERIFY_IDENTITY"),
    ("VERIFY_IDENTITY", "VERIFY_IDENTITY"),
)
PROTECTION = {m: i for i, m in enumerate(MODES)}

CHAIN = {
    "expired": "cert_expired",
    "not_yet_valid": "cert_not_yet_valid",
    "self_signed": "cert_self_signed",
    "no_intermediate": "cert_chain_incomplete",
    "other_ca": "cert_untrusted",
}
#: names each variant carries that a client can connect by here (see dbdoctor.sandbox.certs.CERT_VARIANTS)
NAMES = {
    "cn_only": set(),  # CN=db.example.test only
    "ip_only": {"127.0.0.1"},
    "wildcard": set(),  # *.example.test
}
FULL_NAMES = {"localhost", "127.0.0.1"}

CONFIGS: list[tuple[str, str]] = (
    [
        ("managed", c)
        for c in (
            "full",
            "cn_only",
            "ip_only",
            "wildcard",
            "expired",
            "not_yet_valid",
            "self_signed",
            "no_intermediate",
            "other_ca",
        )
    ]
    + [("tls_offered", c) for c in ("full", "cn_only", "expired", "other_ca")]
    + [("tls_off", "full")]
)


@dataclasses.dataclass(frozen=True)
class Identity:
    user: str
    host: str
    password_ok: bool = True
    client_cert: bool = False

    @property
    def label(self) -> str:
        return f"{self.user}@{self.host}{'' if self.password_ok else ' wrong-pw'}{' +cert' if self.client_cert else ''}"


IDENTITIES = (
    Identity("app", "localhost"),
    Identity("app", "127.0.0.1"),
    Identity("app", "localhost", password_ok=False),
    Identity("app_ssl", "localhost"),
    Identity("app_x509", "localhost", client_cert=True),
)


def user_modes(ident: Identity) -> tuple[str, ...]:
    return MODES if ident == IDENTITIES[0] else ("DISABLED", "VERIFY_IDENTITY")


# --- the truth, from the construction ------------------------------------------------------------------------


def name_cause(cert: str, host: str) -> str | None:
    names = NAMES.get(cert, FULL_NAMES)
    if host in names:
        return None
    return "ip_address_mismatch" if host[0].isdigit() else "hostname_mismatch"


def truth(profile: str, cert: str, ident: Identity, mode: str) -> str | None:
    """The cause a client in ``mode`` fails with, None when it connects."""
    offered = profile != "tls_off"
    tls = mode != "DISABLED" and (mode != "PREFERRED" or offered)
    if tls and not offered:
        return "server_ssl_unsupported"
    if tls and mode in ("VERIFY_CA", "VERIFY_IDENTITY") and cert in CHAIN:
        return CHAIN[cert]
    if tls and mode == "VERIFY_IDENTITY" and name_cause(cert, ident.host):
        return name_cause(cert, ident.host)
    if not ident.password_ok:
        return "password_failed"
    if not tls and (profile == "managed" or ident.user in ("app_ssl", "app_x509")):
        return "server_requires_ssl"
    return None


def may_be_unknown(profile: str, cert: str, ident: Identity, user_mode: str) -> bool:
    """dbdoctor may leave a mode unknown only when the user's own connection never reached authentication and no
    TLS attempt at least as safe as the user's own was possible (the chain does not verify against the CA, and
    the user's mode verifies)."""
    reached = truth(profile, cert, ident, user_mode) not in (
        "server_ssl_unsupported",
        *CHAIN.values(),
        "hostname_mismatch",
        "ip_address_mismatch",
    )
    if reached:
        return False
    offered = profile != "tls_off"
    chain_ok = cert not in CHAIN
    return not (offered and (chain_ok or PROTECTION[user_mode] <= PROTECTION["REQUIRED"]))


# --- the real clients ------------------------------------------------------------------------------------------


def password(srv: SandboxServer, ident: Identity) -> str:
    return srv.password.reveal() if ident.password_ok else "not-" + srv.password.reveal()


def real_pymysql(srv: SandboxServer, ident: Identity, mode: str) -> bool:
    """PyMySQL through its own documented options (not dbdoctor's code)."""
    kw: dict[str, Any] = {}
    cert = (
        {"ssl_cert": str(srv.pki.client_cert), "ssl_key": str(srv.pki.client_key)}
        if ident.client_cert
        else {}
    )
    if mode == "DISABLED":
        kw["ssl_disabled"] = True
    elif mode == "PREFERRED":
        kw.update(cert)  # PyMySQL has no PREFERRED with a client certificate: used only on TLS servers here
    elif mode == "REQUIRED":
        ssl: dict[str, Any] = {"check_hostname": False}
        if ident.client_cert:
            ssl.update(cert=cert["ssl_cert"], key=cert["ssl_key"])
        kw["ssl"] = ssl
    elif mode == "VERIFY_CA":
        kw.update(ssl_ca=str(srv.ca_file), ssl_verify_cert=True, **cert)
    else:
        kw.update(ssl_ca=str(srv.ca_file), ssl_verify_identity=True, **cert)
    try:
        conn = pymysql.connect(
            host=ident.host,
            port=srv.port,
            user=ident.user,
            password=password(srv, ident),
            database="app",
            connect_timeout=5,
            **kw,
        )
    except pymysql.err.MySQLError:
        return False
    conn.close()
    return True


def real_cli(srv: SandboxServer, ident: Identity, mode: str, defaults: Path) -> bool:
    """The mariadb command-line client; the password goes through a 0600 option file, never argv."""
    defaults.write_text(f"[client]\npassword={password(srv, ident)}\n")
    defaults.chmod(0o600)
    argv = [
        "mariadb",
        f"--defaults-file={defaults}",
        "--protocol=TCP",
        "-h",
        ident.host,
        "-P",
        str(srv.port),
        "-u",
        ident.user,
        "--connect-timeout=5",
        "-e",
        "SELECT 1",
        "app",
    ]
    if mode == "DISABLED":
        argv.insert(2, "--skip-ssl")
    elif mode == "VERIFY_IDENTITY":
        argv[2:2] = [f"--ssl-ca={srv.ca_file}", "--ssl-verify-server-cert"]
    if ident.client_cert and mode != "DISABLED":
        argv[2:2] = [f"--ssl-cert={srv.pki.client_cert}", f"--ssl-key={srv.pki.client_key}"]
    proc = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=20,
        env={"PATH": os.environ["PATH"], "HOME": "/nonexistent"},
    )
    return proc.returncode == 0


def real_connector(srv: SandboxServer, ident: Identity, mode: str) -> bool:
    """mysql-connector-python through its own options."""
    import mysql.connector

    kw: dict[str, Any] = {}
    if mode == "DISABLED":
        kw["ssl_disabled"] = True
    elif mode == "VERIFY_CA":
        kw.update(ssl_ca=str(srv.ca_file), ssl_verify_cert=True)
    elif mode == "VERIFY_IDENTITY":
        kw.update(ssl_ca=str(srv.ca_file), ssl_verify_cert=True, ssl_verify_identity=True)
    try:
        conn = mysql.connector.connect(
            host=ident.host,
            port=srv.port,
            user=ident.user,
            password=password(srv, ident),
            database="app",
            connection_timeout=5,
            **kw,
        )
    except mysql.connector.Error:
        return False
    conn.close()
    return True


def real_mysqlclient(srv: SandboxServer, ident: Identity, ssl_mode: str, tcp_file: Path) -> bool:
    """mysqlclient (MySQLdb) through its own documented options: ``ssl_mode`` as given, the sandbox CA in the
    ``ssl`` dict for the verifying modes, the client certificate in it for +cert identities. With libmariadb,
    host ``localhost`` means the Unix socket; ``tcp_file`` (an option file, ``protocol=1``: TCP) keeps the
    connection on the sandbox's TCP port while the host name checked stays ``localhost``."""
    import MySQLdb

    ssl: dict[str, str] = {}
    if ssl_mode in ("VERIFY_CA", "VERIFY_IDENTITY"):
        ssl["ca"] = str(srv.ca_file)
    if ident.client_cert and ssl_mode not in ("DISABLED", "PREFERRED"):  # any ssl dict entry turns TLS on
        ssl.update(cert=str(srv.pki.client_cert), key=str(srv.pki.client_key))
    kw: dict[str, Any] = {"ssl": ssl} if ssl else {}
    try:
        conn = MySQLdb.connect(
            host=ident.host,
            port=srv.port,
            user=ident.user,
            password=password(srv, ident),
            database="app",
            connect_timeout=5,
            read_default_file=str(tcp_file),
            read_default_group="client",
            ssl_mode=ssl_mode,
            **kw,
        )
    except MySQLdb.MySQLError:
        return False
    conn.close()
    return True


def mysqlclient_available() -> bool:
    try:
        import MySQLdb  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        return False
    return True


def connector_identities() -> tuple[Identity, ...]:
    """The connector is slow (about 90 ms a TLS connection): the password accounts by name and by address."""
    try:
        import mysql.connector  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            raise
        return ()
    return IDENTITIES[:2]


def dbdoctor(srv: SandboxServer, ident: Identity, mode: str) -> dict[str, Any]:
    q = f"ssl-mode={mode}&ssl-ca={srv.ca_file}"
    if ident.client_cert:
        q += f"&ssl-cert={srv.pki.client_cert}&ssl-key={srv.pki.client_key}"
    url = f"mysql://{ident.user}:{password(srv, ident)}@{ident.host}:{srv.port}/app?{q}"
    d = check(CheckInput(text=url, environ={"HOME": "/nonexistent"}, timeout=10)).to_dict()
    assert srv.password.reveal() not in json.dumps(d)
    return d


# --- the suite -------------------------------------------------------------------------------------------------

COUNTS: dict[str, int] = {}


@pytest.fixture(scope="module")
def defaults_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if shutil.which("mariadb") is None:
        pytest.skip("the mariadb command-line client is not installed")
    yield tmp_path_factory.mktemp("mariadb-cli") / "client.cnf"


@pytest.fixture(scope="module")
def tcp_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An option file for libmariadb (mysqlclient) that makes ``localhost`` a TCP connection (protocol=1)."""
    path = tmp_path_factory.mktemp("mysqlclient") / "tcp.cnf"
    path.write_text("[client]\nprotocol=1\n")
    return path


@pytest.mark.parametrize(("profile", "cert"), CONFIGS, ids=[f"{p}-{c}" for p, c in CONFIGS])
def test_configuration(
    mariadb_sandbox: SandboxServer, defaults_file: Path, tcp_file: Path, profile: str, cert: str
) -> None:
    srv = mariadb_sandbox
    problems: list[str] = []
    n = 0
    with srv.configured(profile=profile, cert=cert):
        for ident in IDENTITIES:
            if profile == "tls_off" and ident.user != "app":
                continue
            built = {m: truth(profile, cert, ident, m) for m in MODES}
            # 1. the real clients agree with the construction
            real = {m: real_pymysql(srv, ident, m) for m in MODES}
            cli = {m: real_cli(srv, ident, m, defaults_file) for m in CLI_MODES}
            for m in MODES:
                n += 1
                if real[m] != (built[m] is None):
                    problems.append(
                        f"{ident.label} {m}: PyMySQL {'ok' if real[m] else 'fails'}, built {built[m]}"
                    )
            for m in CLI_MODES:
                n += 1
                if cli[m] != (built[m] is None):
                    problems.append(
                        f"{ident.label} {m}: mariadb CLI {'ok' if cli[m] else 'fails'}, built {built[m]}"
                    )
            if mysqlclient_available():
                for ssl_mode, m in MYSQLCLIENT_SSL_MODES:
                    n += 1
                    if real_mysqlclient(srv, ident, ssl_mode, tcp_file) != (built[m] is None):
                        problems.append(
                            f"{ident.label} ssl_mode={ssl_mode} (really {m}): mysqlclient disagrees, built {built[m]}"
                        )
            if ident in connector_identities():
                for m in CONNECTOR_MODES:
                    n += 1
                    if real_connector(srv, ident, m) != (built[m] is None):
                        problems.append(
                            f"{ident.label} {m}: mysql-connector-python disagrees, built {built[m]}"
                        )
            # 2. dbdoctor agrees with both, for each ssl-mode the user might have set
            for um in user_modes(ident):
                d = dbdoctor(srv, ident, um)
                n += 2
                if (d["verdict"] == "ok") != real[um] or (um in cli and (d["verdict"] == "ok") != cli[um]):
                    problems.append(f"{ident.label} user {um}: verdict {d['verdict']}, PyMySQL {real[um]}")
                if d["cause"] != built[um]:
                    problems.append(f"{ident.label} user {um}: cause {d['cause']}, built {built[um]}")
                for m in MODES:
                    got = d["modes"][m]
                    n += 1
                    if got["outcome"] == "unknown":
                        if not (
                            may_be_unknown(profile, cert, ident, um) and got["cause"] == "password_untested"
                        ):
                            problems.append(
                                f"{ident.label} user {um}: {m} unknown ({got['cause']}), built {built[m]}"
                            )
                        continue
                    want = ("ok", None) if built[m] is None else ("fail", built[m])
                    if (got["outcome"], got["cause"]) != want:
                        problems.append(
                            f"{ident.label} user {um}: {m} {got['outcome']} ({got['cause']}), built {want}"
                        )
    COUNTS[f"{profile}-{cert}"] = n
    assert not problems, f"{len(problems)} of {n}:\n" + "\n".join(problems)


def test_enough_comparisons() -> None:
    """Comparisons per configuration, counted statically: real clients 13 per identity (PyMySQL 5, the mariadb
    CLI 3, mysqlclient 5) and mysql-connector-python 4 for the password accounts, dbdoctor 7 per check."""
    total = 0
    for profile, _cert in CONFIGS:
        for ident in IDENTITIES:
            if profile == "tls_off" and ident.user != "app":
                continue
            total += len(MODES) + len(CLI_MODES) + len(user_modes(ident)) * (2 + len(MODES))
            if mysqlclient_available():
                total += len(MYSQLCLIENT_SSL_MODES)
            if ident in connector_identities():
                total += len(CONNECTOR_MODES)
    assert total >= 200, total
    if len(COUNTS) == len(CONFIGS):  # the whole module ran: the runtime count agrees
        assert sum(COUNTS.values()) == total


def test_x509_without_certificate_is_reported_as_password_with_a_hint(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    ident = Identity("app_x509", "localhost")
    with srv.configured("tls_offered"):
        assert not real_pymysql(srv, ident, "VERIFY_IDENTITY")
        d = dbdoctor(srv, ident, "VERIFY_IDENTITY")
    assert (d["verdict"], d["cause"]) == ("fail", "password_failed")
    assert "REQUIRE X509" in d["findings"][0]["detail"]


def test_require_ssl_account_without_server_tls_gets_a_hint(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    with srv.configured("tls_off"):
        d = dbdoctor(srv, Identity("app_ssl", "localhost"), "DISABLED")
    assert (d["verdict"], d["cause"]) == ("fail", "password_failed")
    assert "REQUIRE SSL" in d["findings"][0]["detail"]


# --- issue 11: cases the real clients decide otherwise than dbdoctor did ------------------------------------------
# Each case runs the real client (the mariadb CLI, PyMySQL, mysql-connector-python) and dbdoctor on the same server
# and settings; dbdoctor's verdict must be the real client's, its cause the one the real client's failure shows,
# and its driver_error the driver's own words.

MISSING_CA = "/nonexistent/dbdoctor-ca.pem"
ISSUE11: dict[str, int] = {}


def cli_with(srv: SandboxServer, defaults: Path, *extra: str, user: str = "app", db: str = "app",
             pw: str | None = None) -> subprocess.CompletedProcess[str]:
    defaults.write_text(f"[client]\npassword={srv.password.reveal() if pw is None else pw}\n")
    defaults.chmod(0o600)
    argv = ["mariadb", f"--defaults-file={defaults}", "--protocol=TCP", "-h", "localhost", "-P", str(srv.port),
            "-u", user, "--connect-timeout=5", *extra, "-e", "SELECT 1", db]
    return subprocess.run(argv, capture_output=True, text=True, timeout=20,
                          env={"PATH": os.environ["PATH"], "HOME": "/nonexistent"})


def dd(url: str, driver: str | None = None) -> dict[str, Any]:
    return check(CheckInput(text=url, environ={"HOME": "/nonexistent"}, timeout=10, driver=driver)).to_dict()


#: (profile, cert, CA given): the cause a client that verifies the chain with ssl-ca (and not the host) fails with
SSL_CA_ALONE = [
    ("managed", "full", "root", None),
    ("managed", "cn_only", "root", None),  # no host name check: VERIFY_CA
    ("managed", "full", "other", "cert_untrusted"),
    ("managed", "expired", "root", "cert_expired"),
    ("managed", "self_signed", "root", "cert_self_signed"),
    ("managed", "full", "missing", "ca_file_missing"),
    ("tls_offered", "other_ca", "root", "cert_untrusted"),
]


def test_ssl_ca_without_ssl_mode_verifies_the_chain(mariadb_sandbox: SandboxServer, defaults_file: Path) -> None:
    """``ssl-ca`` without ``ssl-mode``: VERIFY_CA for the MySQL client (client/include/sslopt-case.h); the mariadb
    CLI (libmariadb) verifies the chain with ``--ssl-ca`` too, without a host name check. Judge: the mariadb CLI
    with ``--ssl-ca`` alone; dbdoctor gets ``mysql://...?ssl-ca=...`` and must read VERIFY_CA."""
    srv = mariadb_sandbox
    cas = {"root": str(srv.ca_file), "other": str(srv.pki.directory / "other-root-ca.crt"), "missing": MISSING_CA}
    problems: list[str] = []
    n = 0
    for profile, cert, ca, cause in SSL_CA_ALONE:
        with srv.configured(profile=profile, cert=cert):
            real = cli_with(srv, defaults_file, f"--ssl-ca={cas[ca]}")
            d = dd(f"mysql://app:{srv.password.reveal()}@localhost:{srv.port}/app?ssl-ca={cas[ca]}")
        n += 4
        label = f"{profile}/{cert} ssl-ca={ca}"
        if (real.returncode == 0) != (cause is None):
            problems.append(f"{label}: the mariadb CLI {'connects' if real.returncode == 0 else 'fails'}, "
                            f"built {cause}: {real.stderr.strip()}")
        if (d["verdict"] == "ok") != (real.returncode == 0):
            problems.append(f"{label}: dbdoctor {d['verdict']}, the mariadb CLI rc={real.returncode}")
        if d["cause"] != cause:
            problems.append(f"{label}: dbdoctor cause {d['cause']}, built {cause}")
        if d["effective"]["ssl_mode"] != "VERIFY_CA":
            problems.append(f"{label}: dbdoctor reads ssl-mode {d['effective']['ssl_mode']}")
    ISSUE11["ssl-ca alone"] = n
    assert not problems, "\n".join(problems)


def test_ssl_ca_without_ssl_mode_on_a_server_without_tls(mariadb_sandbox: SandboxServer, defaults_file: Path) -> None:
    """Where the two clients part: without TLS on the server, the MySQL client's VERIFY_CA fails (2026), the
    mariadb CLI goes on in plain text. dbdoctor's mysql:// form has the MySQL client's option names and reads it
    as the MySQL client does; the MariaDB client's fallback is recorded here so that a change in it shows."""
    srv = mariadb_sandbox
    with srv.configured(profile="tls_off"):
        real = cli_with(srv, defaults_file, f"--ssl-ca={srv.ca_file}")
        d = dd(f"mysql://app:{srv.password.reveal()}@localhost:{srv.port}/app?ssl-ca={srv.ca_file}")
    assert real.returncode == 0, real.stderr  # libmariadb: plain text when the server offers no TLS
    assert (d["verdict"], d["cause"]) == ("fail", "server_ssl_unsupported")
    assert d["modes"]["VERIFY_CA"] == {"outcome": "fail", "cause": "server_ssl_unsupported"}
    ISSUE11["ssl-ca alone, no TLS"] = 3


def real_driver(srv: SandboxServer, driver: str, kw: dict[str, Any]) -> str | None:
    """None when the real driver connects, else its own message (str of the exception)."""
    common = {"host": "localhost", "port": srv.port, "user": "app", "password": srv.password.reveal(),
              "database": "app"}
    try:
        if driver == "pymysql":
            conn = pymysql.connect(connect_timeout=5, **common, **kw)
        else:
            import mysql.connector

            conn = mysql.connector.connect(connection_timeout=5, **common, **kw)
    except Exception as exc:  # the driver's own failure, whatever its class (FileNotFoundError too)
        return f"{type(exc).__name__}: {exc}"
    conn.close()
    return None


DRIVER_CASES: list[tuple[str, str, dict[str, Any]]] = [
    (profile, driver, kw)
    for profile in ("managed", "tls_off")
    for driver in ("pymysql", "mysql-connector-python")
    for kw in (
        {},
        {"ssl_ca": "CA"},
        {"ssl_ca": MISSING_CA},
        {"ssl_ca": "CA", "ssl_verify_cert": True},
        {"ssl_ca": MISSING_CA, "ssl_verify_cert": True},
        {"ssl_ca": "CA", "ssl_verify_cert": True, "ssl_verify_identity": True},
        {"ssl_ca": "CA", "ssl_verify_identity": True},
        {"ssl_disabled": True, "ssl_ca": MISSING_CA},
        {"ssl_disabled": True, "ssl_verify_cert": True},
    )
]


def test_driver_settings_decided_as_the_driver_decides(mariadb_sandbox: SandboxServer) -> None:
    """``--driver pymysql`` / ``--driver mysql-connector-python`` against the real package, on a server with TLS
    and one without: the verdict, a missing CA file (PyMySQL: FileNotFoundError whatever the server;
    the connector: ``Invalid CA Certificate`` once TLS is offered) named ca_file_missing, the driver's own words
    in driver_error, and no DD802 for the driver's own keywords."""
    srv = mariadb_sandbox
    problems: list[str] = []
    n = 0
    for profile, driver, kw in DRIVER_CASES:
        kw = {k: (str(srv.ca_file) if v == "CA" else v) for k, v in kw.items()}
        query = "&".join(f"{k}={'true' if v is True else v}" for k, v in kw.items())
        with srv.configured(profile=profile):
            real = real_driver(srv, driver, kw)
            d = dd(f"mysql://app:{srv.password.reveal()}@localhost:{srv.port}/app" + (f"?{query}" if query else ""),
                   driver=driver)
        label = f"{profile} {driver} {query or '(none)'}"
        n += 4 + (driver != "pymysql")
        if (d["verdict"] == "ok") != (real is None):
            problems.append(f"{label}: dbdoctor {d['verdict']} ({d['cause']}), the driver {real or 'connects'}")
        if real is not None and ("No such file" in real or "Invalid CA" in real) and d["cause"] != "ca_file_missing":
            problems.append(f"{label}: dbdoctor cause {d['cause']}, the driver: {real}")
        said = d.get("driver_error")
        if real is not None and (said is None or said.split(": ")[-1].strip(" )\"") not in real):
            problems.append(f"{label}: dbdoctor says the driver said {said!r}, it said {real!r}")
        if "DD802" in {f["code"] for f in d["findings"]}:
            problems.append(f"{label}: DD802 for the driver's own keywords")
        lines = [e["text"] for e in d["evidence"] if e["layer"] == "driver"]
        if driver != "pymysql" and not (lines and (f"standing in for {driver}" in lines[0]
                                                   or lines[0].startswith(driver))):
            problems.append(f"{label}: the evidence does not say who connected: {lines}")
    ISSUE11["drivers"] = n
    assert not problems, f"{len(problems)} of {n}:\n" + "\n".join(problems)


def test_parse_names_who_named_the_driver(mariadb_sandbox: SandboxServer) -> None:
    """``parse --driver pymysql``: the driver was named by --driver, not by a mysql:// scheme; no DD802 for its
    own keywords, no DD803 when it verifies."""
    srv = mariadb_sandbox
    url = f"mysql://app:x@localhost:{srv.port}/app?ssl_ca={srv.ca_file}&ssl_verify_cert=true"
    argv = [sys.executable, "-m", "dbdoctor", "parse", url, "--driver", "pymysql"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=30, env={**os.environ, "HOME": "/nonexistent"})
    assert "Driver named by --driver: pymysql" in out.stdout and "by the scheme" not in out.stdout, out.stdout
    js = subprocess.run([*argv, "--json"], capture_output=True, text=True, timeout=30,
                        env={**os.environ, "HOME": "/nonexistent"})
    d = json.loads(js.stdout)
    assert d["effective"]["ssl_mode"] == "VERIFY_CA" and not {"DD802", "DD803"} & {f["code"] for f in d["findings"]}
    ISSUE11["parse --driver"] = 3


def test_unix_socket_account_1698(mariadb_sandbox: SandboxServer, defaults_file: Path) -> None:
    """MariaDB's ``1698 Access denied`` for an account IDENTIFIED VIA unix_socket reached over TCP: the real
    clients fail in every mode; dbdoctor names peer_auth_failed (DD835) in every mode, never probe_incomplete."""
    srv = mariadb_sandbox
    admin = pymysql.connect(unix_socket=str(srv.socket_dir / "mysqld.sock"), user="root", autocommit=True)
    try:
        with admin.cursor() as cur:
            cur.execute("CREATE USER IF NOT EXISTS 'osuser'@'%' IDENTIFIED VIA unix_socket")
            cur.execute("GRANT ALL ON app.* TO 'osuser'@'%'")
        with srv.configured(profile="tls_offered"):
            real_plain = cli_with(srv, defaults_file, "--skip-ssl", user="osuser", pw="anything")
            real_tls = cli_with(srv, defaults_file, f"--ssl-ca={srv.ca_file}", "--ssl-verify-server-cert",
                                user="osuser", pw="anything")
            for mode in ("DISABLED", "VERIFY_IDENTITY"):
                d = dd(f"mysql://osuser:anything@localhost:{srv.port}/app?ssl-mode={mode}&ssl-ca={srv.ca_file}")
                assert (d["verdict"], d["cause"]) == ("fail", "peer_auth_failed"), d["evidence"]
                assert set(modes_of(d).values()) == {("fail", "peer_auth_failed")}, d["modes"]
                assert "DD835" in {f["code"] for f in d["findings"]}
    finally:
        with admin.cursor() as cur:
            cur.execute("DROP USER IF EXISTS 'osuser'@'%'")
        admin.close()
    assert "1698" in real_plain.stderr and "1698" in real_tls.stderr, (real_plain.stderr, real_tls.stderr)
    ISSUE11["1698"] = 2 + 2 * 3


def modes_of(d: dict[str, Any]) -> dict[str, tuple[str, str | None]]:
    return {k: (v["outcome"], v["cause"]) for k, v in d["modes"].items()}


def test_plain_login_to_a_missing_database_under_require_secure_transport(mariadb_sandbox: SandboxServer) -> None:
    """require_secure_transport=ON (managed), ssl-mode DISABLED, a database that does not exist: plain text gets
    MariaDB's lying 1045, TLS gets 1044 for the database (PyMySQL both ways). The login itself is right: the cause
    is server_requires_ssl, and every TLS mode fails on the database."""
    srv = mariadb_sandbox
    common = {"host": "localhost", "port": srv.port, "user": "app", "password": srv.password.reveal(),
              "database": "nosuchdb", "connect_timeout": 5}
    errs = []
    for kw in ({"ssl_disabled": True}, {"ssl": {"ca": str(srv.ca_file)}}):
        try:
            pymysql.connect(**common, **kw).close()
            errs.append(None)
        except pymysql.err.OperationalError as exc:
            errs.append(exc.args[0])
    assert errs == [1045, 1044]
    d = dd(f"mysql://app:{srv.password.reveal()}@localhost:{srv.port}/nosuchdb?ssl-mode=DISABLED&ssl-ca={srv.ca_file}")
    assert (d["verdict"], d["cause"]) == ("fail", "server_requires_ssl"), d["evidence"]
    m = modes_of(d)
    assert m["DISABLED"] == ("fail", "server_requires_ssl")
    assert {m[k] for k in ("REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")} == {("fail", "database_missing")}
    assert "DD810" in {f["code"] for f in d["findings"]} and "1044" in d["findings"][0]["detail"]
    ISSUE11["1044 under require_secure_transport"] = 2 + 5
