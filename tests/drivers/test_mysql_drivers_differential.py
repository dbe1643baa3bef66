"""Differential truth for the MySQL driver knowledge: the same settings through the real driver (PyMySQL and
mysql-connector-python, both installed by the test extra) and through dbdoctor's prediction
(``translate_mysql`` + ``outcome``), on the MariaDB sandbox, for four server configurations:

- ``tls_offered`` with the ``full`` certificate (chains to the sandbox CA, names localhost and 127.0.0.1);
- ``tls_offered`` with ``cn_only`` (chains to the CA, names only db.example.test: a host name mismatch);
- ``tls_offered`` with ``other_ca`` (signed by a CA the client is not given: the chain does not verify);
- ``tls_off`` (the server offers no TLS).

The truth of each connection is what the real driver does: connected in plain text, connected over TLS (the
session's ``Ssl_cipher``), refused the settings (its exact exception text), or failed with a cause read from its
error (2026: server_ssl_unsupported; certificate verify failed: cert_untrusted; Hostname/IP address mismatch:
hostname_mismatch). The prediction must be the same for every case in every configuration. Each configuration
runs twice: with the system store as it is (the sandbox CA is not in it, so verifying against the system store
fails the chain), and with ``SSL_CERT_FILE`` naming the sandbox CA (OpenSSL's default store is then that CA), which
tells "verifies against the system store" apart from "verifies nothing" and shows the host name checks.
"""

from __future__ import annotations

from typing import Any

import pymysql
import pytest

from dbdoctor.drivers.mysql_base import outcome
from dbdoctor.mysql.driver_hook import translate_mysql
from dbdoctor.sandbox import SandboxServer

pytestmark = pytest.mark.server

CA = "{ca}"
#: the settings as written (values as strings; "{ca}" is the sandbox CA file)
PYMYSQL_CASES: tuple[dict[str, str], ...] = (
    {},
    {"ssl_ca": CA},
    {"ssl_ca": CA, "ssl_verify_cert": "true"},
    {"ssl_ca": CA, "ssl_verify_identity": "true"},
    {"ssl_ca": CA, "ssl_verify_cert": "false"},
    {"ssl_ca": CA, "ssl_verify_identity": "false"},
    {"ssl_verify_identity": "true"},
    {"ssl_verify_cert": "true"},
    {"ssl_verify_cert": "false"},
    {"ssl_disabled": "true"},
    {"ssl_disabled": "true", "ssl_ca": CA, "ssl_verify_identity": "true"},
    {"ssl_mode": "REQUIRED"},
    {"ssl": "true", "ssl_mode": "VERIFY_IDENTITY"},
)
CONNECTOR_CASES: tuple[dict[str, str], ...] = (
    {},
    {"ssl_ca": CA},
    {"ssl_ca": CA, "ssl_verify_cert": "true"},
    {"ssl_ca": CA, "ssl_verify_cert": "true", "ssl_verify_identity": "true"},
    {"ssl_ca": CA, "ssl_verify_identity": "true"},
    {"ssl_verify_cert": "true"},
    {"ssl_disabled": "true"},
    {"ssl_disabled": "true", "ssl_ca": CA, "ssl_verify_cert": "true"},
    {"ssl_mode": "REQUIRED"},
    {"sslmode": "require"},
)
CONFIGS = (("tls_offered", "full"), ("tls_offered", "cn_only"), ("tls_offered", "other_ca"), ("tls_off", "full"))


def _fill(case: dict[str, str], ca: str) -> dict[str, str]:
    return {k: ca if v == CA else v for k, v in case.items()}


def _typed(case: dict[str, str]) -> dict[str, Any]:
    """The keyword arguments an app passes: booleans for true/false, strings otherwise."""
    return {k: True if v == "true" else False if v == "false" else v for k, v in case.items()}


def _cause(text: str, errno: int | None) -> str:
    if errno == 2026 or "doesn't support it" in text:
        return "server_ssl_unsupported"
    if "mismatch" in text:
        return "hostname_mismatch"
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        return "cert_untrusted"
    return "other: " + text


def real_pymysql(srv: SandboxServer, kw: dict[str, Any]) -> str:
    try:
        conn = pymysql.connect(host="localhost", port=srv.port, user=srv.user, password=srv.password.reveal(),
                               database=srv.dbname, connect_timeout=5, **kw)
    except (TypeError, AttributeError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    except pymysql.err.MySQLError as exc:
        return _cause(str(exc), exc.args[0] if exc.args and isinstance(exc.args[0], int) else None)
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
            row = cur.fetchone()
    finally:
        conn.close()
    return "tls" if row and row[1] else "plain"


def real_connector(srv: SandboxServer, kw: dict[str, Any]) -> str:
    import mysql.connector

    try:
        conn = mysql.connector.connect(host="localhost", port=srv.port, user=srv.user,
                                       password=srv.password.reveal(), database=srv.dbname,
                                       connection_timeout=5, use_pure=True, **kw)
    except (TypeError, AttributeError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    except mysql.connector.Error as exc:
        return _cause(str(exc), exc.errno)
    try:
        cur = conn.cursor()
        cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        row = cur.fetchone()
        cur.close()
    finally:
        conn.close()
    return "tls" if row and row[1] else "plain"


def predicted(driver: str, case: dict[str, str], profile: str, cert: str, system_has_ca: bool) -> str:
    view = translate_mysql(case, driver)
    if view.error is not None:
        return view.error
    chain_ok = (view.ca_source == "given" or (view.ca_source == "system" and system_has_ca)) and cert != "other_ca"
    name_ok = cert != "cn_only"
    return outcome(view, tls_offered=profile != "tls_off", chain_ok=chain_ok, name_ok=name_ok)


@pytest.mark.parametrize("system_has_ca", [False, True], ids=["system-store", "system-store-is-the-ca"])
def test_pymysql_and_connector_match_the_prediction(
    mariadb_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, system_has_ca: bool
) -> None:
    pytest.importorskip("mysql.connector")
    srv = mariadb_sandbox
    if system_has_ca:
        monkeypatch.setenv("SSL_CERT_FILE", str(srv.ca_file))
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    else:
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    compared = 0
    mismatches: list[str] = []
    outcomes: set[str] = set()
    for profile, cert in CONFIGS:
        with srv.configured(profile, cert=cert):
            for driver, cases, run in (("pymysql", PYMYSQL_CASES, real_pymysql),
                                       ("mysql-connector-python", CONNECTOR_CASES, real_connector)):
                for case in cases:
                    filled = _fill(case, str(srv.ca_file))
                    real = run(srv, _typed(filled))
                    pred = predicted(driver, filled, profile, cert, system_has_ca)
                    compared += 1
                    outcomes.add(real if not real.startswith(("TypeError", "AttributeError")) else "refused")
                    if real != pred:
                        mismatches.append(f"{profile}/{cert} {driver} {case}: real {real!r}, predicted {pred!r}")
    assert not mismatches, "\n".join(mismatches)
    assert compared == len(CONFIGS) * (len(PYMYSQL_CASES) + len(CONNECTOR_CASES))
    # the suite exercises every kind of outcome, so a prediction that always says the same cannot pass
    assert outcomes >= {"plain", "tls", "refused", "server_ssl_unsupported", "cert_untrusted", "hostname_mismatch"}
