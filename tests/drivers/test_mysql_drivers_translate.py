"""The MySQL driver knowledge as data: every record is well formed, and the predictions on the recorded facts of
the drivers that do not run here (Connector/J, go-sql-driver, Prisma), of the PyMySQL 1.1 rows, and of the
mysqlclient and aiomysql rows as the real drivers showed them. The drivers that do run here are checked against the
real thing in test_mysql_drivers_differential.py (PyMySQL, mysql-connector-python), test_mysql_drivers_c.py
(mysqlclient built against libmariadb, aiomysql) and test_mysql_drivers_mysql2.py (node mysql2)."""

from __future__ import annotations

import pytest

from dbdoctor.drivers.mysql_base import (
    MYSQL_MODULES,
    all_mysql_drivers,
    get_mysql,
    outcome,
    parse_mysql_option,
)
from dbdoctor.errors import DriverError
from dbdoctor.mysql.driver_hook import translate_mysql

MODES = {"DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"}


def test_every_record_is_well_formed() -> None:
    drivers = all_mysql_drivers()
    assert [d.name for d in drivers] == list(MYSQL_MODULES)
    for d in drivers:
        assert d.rows[-1].when == {}, d.name  # the last row matches everything
        for r in d.rows:
            assert (r.sslmode in MODES) != (r.error is not None), (d.name, r)
            assert r.tls_mode in MODES | {None}
            assert r.source.where and r.source.status in ("verified", "read", "unconfirmed"), (d.name, r)
        for p in d.params.values():
            assert p.source.where, d.name
        assert d.runs_here == (d.name in ("pymysql", "mysqlclient", "mysql-connector-python", "aiomysql", "mysql2"))
        verified = any(r.source.status == "verified" for r in d.rows)
        assert verified == d.runs_here, d.name  # only what ran here is marked verified


def test_names_and_aliases() -> None:
    assert get_mysql("PyMySQL").name == "pymysql"
    assert get_mysql("mysql_connector").name == "mysql-connector-python"
    assert get_mysql("MySQLdb").name == "mysqlclient"
    assert parse_mysql_option("pymysql==1.1") == ("pymysql", "1.1")
    with pytest.raises(DriverError):
        get_mysql("psycopg")


@pytest.mark.parametrize(
    ("driver", "version", "params", "mode", "tls_mode", "falls_back", "ca", "host"),
    [
        # PyMySQL 1.1: no TLS by default; SSL options still fall back to plain text
        ("pymysql", "1.1.1", {}, "DISABLED", "DISABLED", False, "none", False),
        ("pymysql", "1.1.1", {"ssl_ca": "/ca.pem", "ssl_verify_identity": "true"}, "PREFERRED", "VERIFY_IDENTITY",
         True, "given", True),
        ("pymysql", "1.1.1", {"ssl_ca": "/ca.pem"}, "PREFERRED", "PREFERRED", True, "none", False),
        # PyMySQL 1.2: PREFERRED by default; ssl_ca alone is REQUIRED without verification
        ("pymysql", None, {}, "PREFERRED", "PREFERRED", True, "none", False),
        ("pymysql", "1.2.0", {"ssl_ca": "/ca.pem"}, "REQUIRED", "REQUIRED", False, "none", False),
        # mysqlclient built against libmariadb (reproduced in test_mysql_drivers_c.py; read from the source these
        # were REQUIRED for ssl=true, VERIFY_CA for ssl_ca alone and PREFERRED for nothing, libmysqlclient's
        # meanings): ssl_mode is emulated, so VERIFY_CA checks the host, REQUIRED falls back, PREFERRED is no TLS
        ("mysqlclient", None, {"ssl_mode": "VERIFY_IDENTITY", "ssl_ca": "/ca.pem"}, "VERIFY_IDENTITY",
         "VERIFY_IDENTITY", False, "given", True),
        ("mysqlclient", None, {"ssl_mode": "VERIFY_CA", "ssl_ca": "/ca.pem"}, "VERIFY_IDENTITY",
         "VERIFY_IDENTITY", False, "given", True),
        ("mysqlclient", None, {"ssl_mode": "VERIFY_CA"}, "VERIFY_IDENTITY", "VERIFY_IDENTITY", False, "system",
         True),
        ("mysqlclient", None, {"ssl_mode": "REQUIRED"}, "PREFERRED", "PREFERRED", True, "none", False),
        ("mysqlclient", None, {"ssl_mode": "PREFERRED"}, "DISABLED", "DISABLED", False, "none", False),
        ("mysqlclient", None, {}, "DISABLED", "DISABLED", False, "none", False),
        ("mysqlclient", None, {"ssl_ca": "/ca.pem"}, "PREFERRED", "VERIFY_CA", True, "given", False),
        ("mysqlclient", None, {"ssl_mode": "DISABLED", "ssl_ca": "/ca.pem"}, "PREFERRED", "VERIFY_CA", True,
         "given", False),
        ("mysqlclient", None, {"ssl_cert": "/c.pem", "ssl_key": "/k.pem"}, "PREFERRED", "PREFERRED", True, "none",
         False),
        # in a URL ssl=true is a string: no effect (ssl=True in code is REQUIRED, i.e. PREFERRED here)
        ("mysqlclient", "2.2.4", {"ssl": "true"}, "DISABLED", "DISABLED", False, "none", False),
        ("aiomysql", None, {}, "DISABLED", "DISABLED", False, "none", False),
        ("aiomysql", None, {"ssl": "false"}, "DISABLED", "DISABLED", False, "none", False),
        ("aiomysql", None, {"ssl": "true"}, "PREFERRED", "VERIFY_IDENTITY", True, "system", True),
        ("mysql2", None, {}, "DISABLED", "DISABLED", False, "none", False),
        ("mysql2", None, {"sslmode": "REQUIRED"}, "DISABLED", "DISABLED", False, "none", False),
        ("mysql2", None, {"ssl": '{"rejectUnauthorized":false}'}, "REQUIRED", "REQUIRED", False, "none", False),
        ("connector-j", None, {}, "PREFERRED", "PREFERRED", True, "none", False),
        ("connector-j", None, {"sslmode": "VERIFY_IDENTITY"}, "PREFERRED", "PREFERRED", True, "none", False),
        ("connector-j", None, {"sslMode": "VERIFY_CA", "useSSL": "false"}, "VERIFY_CA", "VERIFY_CA", False,
         "system", False),
        ("connector-j", None, {"useSSL": "false"}, "DISABLED", "DISABLED", False, "none", False),
        ("connector-j", None, {"requireSSL": "true"}, "REQUIRED", "REQUIRED", False, "none", False),
        ("go-sql-driver", None, {}, "DISABLED", "DISABLED", False, "none", False),
        ("go-sql-driver", None, {"tls": "true"}, "VERIFY_IDENTITY", "VERIFY_IDENTITY", False, "system", True),
        ("go-sql-driver", None, {"tls": "skip-verify"}, "REQUIRED", "REQUIRED", False, "none", False),
        ("go-sql-driver", None, {"tls": "preferred"}, "PREFERRED", "PREFERRED", True, "none", False),
        ("prisma-mysql", None, {}, "DISABLED", "DISABLED", False, "none", False),
        ("prisma-mysql", None, {"sslcert": "/ca.pem"}, "REQUIRED", "REQUIRED", False, "none", False),
        ("prisma-mysql", None, {"sslcert": "/ca.pem", "sslaccept": "strict"}, "VERIFY_IDENTITY",
         "VERIFY_IDENTITY", False, "given", True),
    ],
)
def test_recorded_facts(driver: str, version: str | None, params: dict[str, str], mode: str, tls_mode: str,
                        falls_back: bool, ca: str, host: bool) -> None:
    v = translate_mysql(params, driver, version)
    assert (v.mode, v.tls_mode, v.falls_back, v.ca_source, v.checks_host) == (mode, tls_mode, falls_back, ca, host)
    assert v.error is None


@pytest.mark.parametrize(
    ("driver", "params", "error", "code"),
    [
        ("pymysql", {"ssl_mode": "REQUIRED"},
         "TypeError: Connection.__init__() got an unexpected keyword argument 'ssl_mode'", "DD502"),
        ("mysql-connector-python", {"ssl_mode": "REQUIRED"}, "AttributeError: Unsupported argument 'ssl_mode'",
         "DD502"),
        ("mysqlclient", {"ssl_mode": "required"}, "NotSupportedError: Unknown ssl_mode specification", "DD503"),
        ("mysqlclient", {"sslmode": "require"}, "TypeError: 'sslmode' is an invalid keyword argument for connect()",
         "DD502"),
        ("mysql2", {"ssl": "true"}, "SSL profile must be an object, instead it's a boolean", "DD503"),
        ("aiomysql", {"ssl_ca": "/ca.pem"}, "TypeError: connect() got an unexpected keyword argument 'ssl_ca'",
         "DD502"),
        ("aiomysql", {"ssl_mode": "REQUIRED"},
         "TypeError: connect() got an unexpected keyword argument 'ssl_mode'", "DD502"),
    ],
)
def test_refusals_give_the_exact_text(driver: str, params: dict[str, str], error: str, code: str) -> None:
    v = translate_mysql(params, driver)
    assert v.mode is None and v.error == error
    assert [f.code for f in v.findings] == [code]
    assert outcome(v, tls_offered=True, chain_ok=True, name_ok=True) in ("param_unknown", "param_invalid")


def test_findings_for_a_ca_that_is_not_used_and_for_ignored_keys() -> None:
    v = translate_mysql({"ssl_ca": "/ca.pem"}, "mysql-connector-python")
    assert [(f.code, f.cause) for f in v.findings] == [("DD501", "param_ignored_by_driver")]
    assert "/ca.pem" in v.findings[0].detail and "ssl_verify_cert=True" in v.findings[0].fix
    v = translate_mysql({"sslmode": "REQUIRED"}, "connector-j")
    assert [f.code for f in v.findings] == ["DD501"] and "sslMode=VERIFY_IDENTITY" in v.findings[0].fix
    v = translate_mysql({"ssl_ca": "/ca.pem", "ssl_verify_identity": "true"}, "pymysql", "1.1")
    assert any("plain text" in f.title for f in v.findings)  # verified when offered, plain otherwise
    v = translate_mysql({"tls": "true", "sslmode": "REQUIRED"}, "go-sql-driver")
    assert [f.code for f in v.findings] == ["DD502"]
    assert translate_mysql({"ssl_ca": "/ca.pem", "ssl_verify_identity": "true"}, "pymysql").findings == ()
    # mysqlclient: a CA alone verifies the chain but stays plain without TLS; SQLAlchemy's ssl_check_hostname and a
    # URL's ssl=true are read by nobody
    v = translate_mysql({"ssl_ca": "/ca.pem", "ssl_check_hostname": "true"}, "mysqlclient")
    assert [f.code for f in v.findings] == ["DD501", "DD501"]
    assert "ssl_check_hostname" in v.findings[0].detail and "plain text" in v.findings[1].title
    assert "ssl_mode=VERIFY_IDENTITY&ssl_ca=" in v.findings[1].fix
    assert [f.code for f in translate_mysql({"ssl": "true"}, "mysqlclient").findings] == ["DD501"]


def test_mysqlclient_before_2_2_refuses_ssl_mode_with_libmariadb() -> None:
    v = translate_mysql({"ssl_mode": "VERIFY_IDENTITY"}, "mysqlclient", "2.1.1")
    assert v.error == "NotSupportedError: MySQL client library does not support ssl_mode specification"
    assert translate_mysql({"ssl_mode": "VERIFY_IDENTITY"}, "mysqlclient", "2.2.0").mode == "VERIFY_IDENTITY"


def test_outcome_follows_the_mode() -> None:
    v = translate_mysql({"tls": "true"}, "go-sql-driver")
    assert outcome(v, tls_offered=False, chain_ok=True, name_ok=True) == "server_ssl_unsupported"
    assert outcome(v, tls_offered=True, chain_ok=False, name_ok=True) == "cert_untrusted"
    assert outcome(v, tls_offered=True, chain_ok=True, name_ok=False) == "hostname_mismatch"
    assert outcome(v, tls_offered=True, chain_ok=True, name_ok=True) == "tls"
    v = translate_mysql({"tls": "preferred"}, "go-sql-driver")
    assert outcome(v, tls_offered=False, chain_ok=False, name_ok=False) == "plain"
    assert v.effective()["falls_back_to_plain"] is True


@pytest.mark.parametrize(
    ("written", "applied"),
    [("REQUIRED", "PREFERRED"), ("PREFERRED", "DISABLED"), ("VERIFY_CA", "VERIFY_IDENTITY")],
)
def test_a_mode_the_driver_reads_as_another_is_a_finding(written: str, applied: str) -> None:
    """mysqlclient on libmariadb (runs here, tests/drivers/test_mysql_drivers_c.py): the mode written is not the
    mode applied, and the app's author has no way to see it but this finding."""
    settings = {"ssl_mode": written} | ({"ssl_ca": "/ca.pem"} if written == "VERIFY_CA" else {})
    v = translate_mysql(settings, "mysqlclient")
    assert [f.code for f in v.findings] == ["DD501"]
    assert f"reads ssl-mode {written} but does what {applied} does" in v.findings[0].detail


def test_a_mode_read_as_written_is_no_finding() -> None:
    assert translate_mysql({"ssl_mode": "VERIFY_IDENTITY", "ssl_ca": "/ca.pem"}, "mysqlclient").findings == ()
    assert translate_mysql({"sslMode": "VERIFY_CA"}, "mysql-connector-j").findings == ()
    assert translate_mysql({"ssl_mode": "DISABLED"}, "mysqlclient").findings == ()
