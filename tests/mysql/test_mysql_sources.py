"""MySQL/MariaDB settings: URL forms, option names per driver, precedence and provenance, option files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dbdoctor.cli import main
from dbdoctor.errors import TargetParseError
from dbdoctor.mysql.parse import parse_report
from dbdoctor.mysql.sources import read_option_file, redact_text, resolve
from dbdoctor.route import route


def r(text: str | None, environ: dict[str, str] | None = None, **kw: object) -> dict[str, str]:
    t = resolve(text, environ=environ or {"HOME": "/nonexistent"}, **kw)  # type: ignore[arg-type]
    return dict(t.settings)


@pytest.mark.parametrize(
    ("url", "mode"),
    [
        ("mysql://u@h/db", "PREFERRED"),
        ("mysql://u@h/db?ssl-mode=verify_identity", "VERIFY_IDENTITY"),
        ("mariadb://u@h/db?ssl_mode=REQUIRED", "REQUIRED"),
        ("mysql+pymysql://u@h/db", "PREFERRED"),
        ("mysql+pymysql://u@h/db?ssl_ca=/ca.pem", "VERIFY_IDENTITY"),
        ("mysql+pymysql://u@h/db?ssl_ca=/ca.pem&ssl_check_hostname=false", "VERIFY_CA"),
        ("mysql+pymysql://u@h/db?ssl_cert=/c.pem&ssl_key=/k.pem", "REQUIRED"),
        ("mysql+mysqldb://u@h/db?ssl_mode=VERIFY_CA", "VERIFY_CA"),
        ("mysql+mysqlconnector://u@h/db?ssl_ca=/ca.pem", "PREFERRED"),
        ("mysql+mysqlconnector://u@h/db?ssl_ca=/ca.pem&ssl_verify_cert=true", "VERIFY_CA"),
        ("mysql+mysqlconnector://u@h/db?ssl_disabled=true", "DISABLED"),
        ("jdbc:mysql://h:3306/db", "PREFERRED"),
        ("jdbc:mysql://h/db?sslMode=VERIFY_IDENTITY", "VERIFY_IDENTITY"),
        ("jdbc:mysql://h/db?useSSL=false", "DISABLED"),
        ("jdbc:mariadb://h/db", "DISABLED"),
        ("jdbc:mariadb://h/db?sslMode=verify-full", "VERIFY_IDENTITY"),
        ("jdbc:mariadb://h/db?sslMode=trust", "REQUIRED"),
    ],
)
def test_forms_and_their_modes(url: str, mode: str) -> None:
    assert r(url)["ssl_mode"] == mode


@pytest.mark.parametrize(
    "url",
    [
        "mysql://u@h/db?ssl-mode=required_x",
        "mysql://u@h:99999/db",
        "mysql+pymysql://u@h/db?ssl_mode=REQUIRED",  # TypeError in PyMySQL
        "mysql+mysqlconnector://u@h/db?ssl_mode=REQUIRED",  # Unsupported argument
        "mysql+mysqldb://u@h/db?ssl_mode=required",  # mysqlclient compares exactly
        "mysql+nosuch://u@h/db",
        "jdbc:mariadb://h/db?sslMode=verify_full",
    ],
)
def test_unusable_urls(url: str) -> None:
    with pytest.raises(TargetParseError):
        resolve(url, environ={})


def test_defaults_and_provenance() -> None:
    t = resolve("mysql://app:pw@db.example.com/app", environ={"HOME": "/nonexistent"})
    assert t.settings["port"] == "3306" and t.provenance["port"] == "default"
    assert t.provenance["host"] == "url" and t.provenance["password"] == "url"
    assert t.password is not None and t.password.reveal() == "pw"
    assert "pw" not in repr(t) and t.written == "mysql://app:****@db.example.com/app"
    assert t.hosts[0].port == 3306


def test_precedence_env_option_file_url(tmp_path: Path) -> None:
    cnf = tmp_path / ".my.cnf"
    cnf.write_text(
        "[mysql]\nhost=ignored\n[client]\nhost = fromfile\nuser=fileuser\npassword='s3 cret'\nssl_mode=VERIFY_CA\n"
        "ssl-ca=/file/ca.pem\n"
    )
    env = {"HOME": str(tmp_path), "MYSQL_HOST": "fromenv", "MYSQL_TCP_PORT": "3307"}
    t = resolve(None, environ=env)
    assert t.settings["host"] == "fromfile" and t.provenance["host"] == f"file:{cnf}"
    assert t.settings["port"] == "3307" and t.provenance["port"] == "env:MYSQL_TCP_PORT"
    assert (
        t.settings["ssl_mode"] == "VERIFY_CA" and t.password is not None and t.password.reveal() == "s3 cret"
    )
    assert any(s.key == "host" and s.value == "fromenv" for s in t.shadowed)
    t = resolve("mysql://urluser@urlhost/app", environ=env)
    assert (t.settings["host"], t.settings["user"], t.settings["ssl_mode"]) == (
        "urlhost",
        "urluser",
        "VERIFY_CA",
    )
    assert t.provenance["password"] == f"file:{cnf}"


def test_defaults_file_and_dotenv(tmp_path: Path) -> None:
    other = tmp_path / "app.cnf"
    other.write_text("[client]\nport=3310\n")
    dotenv = tmp_path / ".env"
    dotenv.write_text("DATABASE_URL=mysql://app:pw@envhost/app?ssl-mode=REQUIRED\nMYSQL_HOST=dotenvhost\n")
    t = resolve(None, environ={"HOME": "/nonexistent"}, env_files=[str(dotenv)], defaults_file=other)
    assert t.settings["host"] == "envhost" and t.provenance["host"] == f"dotenv:{dotenv}:DATABASE_URL"
    assert t.settings["port"] == "3310" and t.form == "environment"
    # the real environment wins over the dotenv file
    t = resolve(
        None,
        environ={"HOME": "/nonexistent", "DATABASE_URL": "mysql://a@realhost/x"},
        env_files=[str(dotenv)],
    )
    assert t.settings["host"] == "realhost" and t.provenance["host"] == "env:DATABASE_URL"


def test_option_file_reader(tmp_path: Path) -> None:
    p = tmp_path / "x.cnf"
    p.write_text(
        '# c\n!includedir /etc/mysql\n[client]\nskip-ssl\nssl_ca = "/a b.pem"\n; x\n[client-mariadb]\nport=1\n'
    )
    assert read_option_file(p) == {"skip-ssl": "", "ssl-ca": "/a b.pem", "port": "1"}


def test_socket_for_localhost() -> None:
    t = resolve(None, environ={"HOME": "/nonexistent", "MYSQL_UNIX_PORT": "/run/mysqld/mysqld.sock"})
    assert t.hosts[0].is_unix_socket and t.hosts[0].host == "/run/mysqld/mysqld.sock"


def test_redaction_and_dispatch() -> None:
    assert redact_text("mysql://app:s3cret@h/db") == "mysql://app:****@h/db"
    assert redact_text("jdbc:mysql://app:s3cret@h/db") == "jdbc:mysql://app:****@h/db"
    assert route("mysql+asyncmy://h/db", {}).engine == "mysql"
    assert route(None, {"DATABASE_URL": "mariadb://h"}).engine == "mysql"
    assert route("postgresql://h/db", {}).engine == "postgresql" and route(None, {}).engine == "postgresql"


def test_parse_report_findings() -> None:
    rep = parse_report(
        "mysql://app:pw@h/app?ssl-ca=/ca.pem&sslmode=require", environ={"HOME": "/nonexistent"}
    )
    codes = {f.code for f in rep.findings}
    # ssl-ca without ssl-mode is VERIFY_CA (the MySQL client's sslopt-case.h): nothing weak about it
    assert codes == {"DD802"} and rep.engine == "mysql" and rep.effective["ssl_mode"] == "VERIFY_CA"
    assert rep.provenance["ssl_mode"] == "url"
    rep = parse_report("mysql://app:pw@h/app?ssl-ca=/ca.pem&ssl-mode=PREFERRED", environ={"HOME": "/nonexistent"})
    assert {f.code for f in rep.findings} == {"DD803"} and rep.effective["ssl_mode"] == "PREFERRED"
    assert "pw" not in json.dumps(rep.to_dict()).replace("password", "")
    rep = parse_report(
        "mysql://app@h/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/ca.pem", environ={"HOME": "/nonexistent"}
    )
    assert rep.findings == ()


def test_cli_parse(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["parse", "--json", "mysql://app:topsecret@db.example.com/app?ssl-mode=VERIFY_IDENTITY"])
    out = capsys.readouterr().out
    assert code == 0 and json.loads(out)["effective"]["ssl_mode"] == "VERIFY_IDENTITY"
    assert "topsecret" not in out
    code = main(["parse", "mysql://app:topsecret@db.example.com/app?ssl-mode=nope"])
    captured = capsys.readouterr()
    assert code == 2 and "topsecret" not in captured.out + captured.err


def test_ssl_ca_without_ssl_mode_is_verify_ca(tmp_path: Path) -> None:
    """The MySQL client: --ssl-ca without an explicit --ssl-mode sets VERIFY_CA (client/include/sslopt-case.h), from
    the URL or an option file alike; an ssl-mode written anywhere is kept as written."""
    t = resolve("mysql://app@h/app?ssl-ca=/ca.pem", environ={"HOME": "/nonexistent"})
    assert (t.settings["ssl_mode"], t.provenance["ssl_mode"]) == ("VERIFY_CA", "url")
    cnf = tmp_path / ".my.cnf"
    cnf.write_text("[client]\nssl-ca=/file/ca.pem\n")
    t = resolve("mysql://app@h/app", environ={"HOME": str(tmp_path)})
    assert (t.settings["ssl_mode"], t.provenance["ssl_mode"]) == ("VERIFY_CA", f"file:{cnf}")
    t = resolve("mysql://app@h/app?ssl-mode=REQUIRED", environ={"HOME": str(tmp_path)})
    assert t.settings["ssl_mode"] == "REQUIRED"
    t = resolve("mysql://app@h/app?ssl-mode=preferred&ssl-ca=/ca.pem", environ={"HOME": "/nonexistent"})
    assert t.settings["ssl_mode"] == "PREFERRED"
