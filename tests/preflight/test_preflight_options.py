"""preflight's MySQL options seen from the PostgreSQL side and from the fast path (issue 6): ``--defaults-file``
names a MySQL option file, so with a PostgreSQL target it is a usage error (exit 2, nothing on stdout, no
connection made), in ``preflight``, ``check`` and ``parse`` alike and in the library; and neither it nor a MySQL
``--driver`` is taken by the libpq fast path before click."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import dbdoctor
from dbdoctor import _entry
from dbdoctor.api import preflight_result
from dbdoctor.cli import main
from dbdoctor.errors import UsageError
from fix_listeners import listener, silent


@pytest.fixture
def pg_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for key in list(os.environ):
        if key.startswith(("PG", "MYSQL_")) or key == "DATABASE_URL":
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(tmp_path))
    cnf = tmp_path / "app.cnf"
    cnf.write_text("[client]\nuser=app\npassword=not-for-postgres\n")
    return cnf


@pytest.mark.parametrize("command", ["preflight", "check", "parse"])
@pytest.mark.parametrize("from_env", [False, True])
def test_defaults_file_with_a_postgresql_target_is_a_usage_error(
    command: str, from_env: bool, pg_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with listener(silent) as lst:
        target = f"postgresql://app:pg-secret@127.0.0.1:{lst.port}/app?sslmode=require"
        if from_env:
            monkeypatch.setenv("DATABASE_URL", target)
        rc = main([command, "--defaults-file", str(pg_env), *([] if from_env else [target])])
        out, err = capsys.readouterr()
        assert lst.conns == [], "a connection was made for an unusable option"
    assert rc == 2 and out == "", (out, err)
    assert err.startswith(f"error: --defaults-file {pg_env} is a MySQL/MariaDB option file, and the target is a "
                          "PostgreSQL one\nhint: drop --defaults-file"), err
    assert "pg-secret" not in err and "not-for-postgres" not in err


def test_library_says_so_too(pg_env: Path) -> None:
    target = "postgresql://app@127.0.0.1:1/app"
    with pytest.raises(UsageError, match="MySQL/MariaDB option file"):
        dbdoctor.preflight(target, environ={"HOME": "/nonexistent"}, defaults_file=pg_env, timeout=2)
    with pytest.raises(UsageError, match="MySQL/MariaDB option file"):
        preflight_result(target, environ={"HOME": "/nonexistent"}, defaults_file=str(pg_env), timeout=2)


@pytest.mark.parametrize("args", [
    ["--defaults-file", "app.cnf", "mysql://app@db/app"],
    ["--defaults-file=app.cnf", "postgresql://app@db/app"],
    ["--driver", "pymysql", "mysql://app@db/app"],
    ["--driver=mysql2==3.23", "mysql://app@db/app"],
])
def test_mysql_options_take_the_full_path(args: list[str]) -> None:
    """The pre-click parser declines them (click reads them, the full path runs); the PostgreSQL fast path is not
    tried with them."""
    assert _entry.parse_preflight(args) is None


def test_fast_path_options_unchanged() -> None:
    got = _entry.parse_preflight(["--timeout", "3", "--driver", "libpq", "postgresql://app@db/app"])
    assert got == {"target": "postgresql://app@db/app", "as_json": False, "timeout": 3.0, "env_files": (),
                   "phase": None, "driver": "libpq"}


def test_help_names_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preflight", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--defaults-file FILE" in out and "--driver NAME[==VERSION]" in out
