"""``dbdoctor drivers`` lists the MySQL drivers with their engine and shows one in ssl-mode terms."""

from __future__ import annotations

import json

from click.testing import CliRunner

from dbdoctor.cli import cli
from dbdoctor.drivers.mysql_base import MYSQL_MODULES


def test_drivers_lists_mysql_drivers_with_their_engine() -> None:
    result = CliRunner().invoke(cli, ["drivers", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)["drivers"]
    mysql = [d for d in data if d["engine"] == "mysql"]
    assert [d["name"] for d in mysql] == list(MYSQL_MODULES)
    by_name = {d["name"]: d for d in mysql}
    assert by_name["pymysql"]["default"]["sslmode"] == "PREFERRED" and by_name["pymysql"]["tested_here"]
    assert by_name["go-sql-driver"]["default"]["sslmode"] == "DISABLED"
    assert {d["engine"] for d in data} == {"postgresql", "mysql"}
    text = CliRunner().invoke(cli, ["drivers"])
    assert "pymysql" in text.output and "mysql " in text.output


def test_drivers_shows_one_mysql_driver() -> None:
    result = CliRunner().invoke(cli, ["drivers", "mysql-connector-python"])
    assert result.exit_code == 0, result.output
    assert "ssl-mode names" in result.output and "Unsupported argument" in result.output
    assert "ssl-mode=PREFERRED" in result.output
    one = json.loads(CliRunner().invoke(cli, ["drivers", "--json", "connector-j"]).output)["drivers"][0]
    assert one["engine"] == "mysql" and "sslMode" in one["params"]
    assert any(f["status"] == "read" for f in one["facts"])
    from dbdoctor.errors import DriverError

    bad = CliRunner().invoke(cli, ["drivers", "no-such-driver"])
    assert isinstance(bad.exception, DriverError) and "pymysql" in str(bad.exception.hint)
