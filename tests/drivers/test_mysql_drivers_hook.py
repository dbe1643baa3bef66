"""``--driver`` on MySQL targets: parse shows the mode the app's driver applies and its findings; check probes
that mode on the MariaDB sandbox and fails with the driver's own refusal when it refuses the settings."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from dbdoctor.checking import CheckInput
from dbdoctor.cli import cli
from dbdoctor.mysql.driver_hook import written_mysql
from dbdoctor.mysql.pipeline import check
from dbdoctor.sandbox import SandboxServer

ENV = {"HOME": "/nonexistent", "PATH": "/usr/bin:/bin"}


def test_written_params_leave_the_password_out() -> None:
    assert written_mysql("mysql://app:pw@h/app?ssl_ca=/x&password=s&sslMode=REQUIRED") == [
        ("ssl_ca", "/x"), ("sslMode", "REQUIRED")]
    assert written_mysql("jdbc:mysql://h:3306/app?sslmode=REQUIRED") == [("sslmode", "REQUIRED")]
    assert written_mysql(None) == [] and written_mysql("mysql://h/app") == []


def _parse(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["parse", "--json", *args], env={"HOME": "/nonexistent"})
    out: dict[str, Any] = json.loads(result.output)
    return out


def test_parse_with_a_mysql_driver() -> None:
    d = _parse("--driver", "connector-j", "jdbc:mysql://db.example.com:3306/app?sslmode=VERIFY_IDENTITY")
    assert d["effective"]["ssl_mode"] == "PREFERRED" and d["effective"]["driver"] == "connector-j"
    assert d["provenance"]["ssl_mode"] == "driver:connector-j"
    assert any(f["code"] == "DD501" and "sslMode=VERIFY_IDENTITY" in f["fix"] for f in d["findings"])
    d = _parse("--driver", "pymysql==1.1", "mysql://app@db.example.com/app?ssl_ca=/ca.pem")
    assert (d["effective"]["ssl_mode"], d["effective"]["falls_back_to_plain"]) == ("PREFERRED", True)
    assert "password" not in json.dumps(d["effective"])


def _check(srv: SandboxServer, query: str, driver: str) -> dict[str, Any]:
    url = f"mysql://{srv.user}:{srv.password.reveal()}@127.0.0.1:{srv.port}/{srv.dbname}?{query}"
    out: dict[str, Any] = check(CheckInput(text=url, environ=ENV, timeout=10, driver=driver)).to_dict()
    assert srv.password.reveal() not in json.dumps(out)
    return out


@pytest.mark.server
def test_check_probes_the_mode_the_driver_applies(mariadb_sandbox: SandboxServer) -> None:
    srv = mariadb_sandbox
    with srv.configured("tls_off"):
        # the same ssl_ca: mysql-connector-python stays plain (PREFERRED), PyMySQL 1.2 requires TLS (2026)
        d = _check(srv, f"ssl_ca={srv.ca_file}", "mysql-connector-python")
        assert (d["verdict"], d["effective"]["ssl_mode"]) == ("ok", "PREFERRED")
        assert any(f["code"] == "DD501" for f in d["findings"])
        d = _check(srv, f"ssl_ca={srv.ca_file}", "pymysql")
        assert (d["verdict"], d["cause"], d["effective"]["ssl_mode"]) == ("fail", "server_ssl_unsupported",
                                                                          "REQUIRED")


@pytest.mark.server
def test_check_fails_with_the_drivers_refusal(mariadb_sandbox: SandboxServer) -> None:
    d = _check(mariadb_sandbox, "ssl_mode=REQUIRED", "pymysql")
    assert (d["verdict"], d["cause"]) == ("fail", "param_unknown")
    assert d["driver_error"] == "TypeError: Connection.__init__() got an unexpected keyword argument 'ssl_mode'"
