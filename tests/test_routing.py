"""The engine seam: one routing function (dbdoctor.route.route) chooses the engine for every entry, whatever way
the target is named. Every entry (the CLI's check, parse and preflight, on the click-free preflight path and on
click's, the library's check, parse and preflight, the SQLAlchemy integration) times every way of naming a
target (the argument, DATABASE_URL, DATABASE_URL in a dotenv file, the engine's own variables, a MySQL option
file) times both engines, against real servers: the report must name the engine the target is for, and where the
settings are complete the real connection must work (so the settings were also resolved by the right engine).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

import dbdoctor
from dbdoctor.api import preflight_result
from dbdoctor.errors import UsageError
from dbdoctor.route import route

pytestmark = pytest.mark.server

ENGINES = ("postgresql", "mysql")
WAYS = ("argument", "database_url", "dotenv", "variables", "option_file")


@dataclass
class Case:
    """A target named one way: the argument (or None), the environment, the dotenv and option files."""

    engine: str
    way: str
    target: str | None
    environ: dict[str, str]
    env_files: tuple[str, ...] = ()
    defaults_file: str | None = None
    #: whether the settings are complete, so the connection must work
    works: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def cli_args(self) -> list[str]:
        args = [*(["--env-file", f] for f in self.env_files)]
        flat = [a for pair in args for a in pair]
        if self.defaults_file:
            flat += ["--defaults-file", self.defaults_file]
        return flat + ([self.target] if self.target is not None else [])


def _parts(url: str) -> dict[str, str]:
    u = urlsplit(url)
    q = {k: v[-1] for k, v in parse_qs(u.query).items()}
    return {"host": u.hostname or "", "port": str(u.port), "user": unquote(u.username or ""),
            "password": unquote(u.password or ""), "dbname": u.path.lstrip("/"), **q}


def _case(engine: str, way: str, url: str, home: Path) -> Case | None:
    base = {"HOME": str(home), "PATH": os.environ.get("PATH", ""), "NO_COLOR": "1"}
    p = _parts(url)
    if way == "argument":
        return Case(engine, way, url, base)
    if way == "database_url":
        return Case(engine, way, None, {**base, "DATABASE_URL": url})
    if way == "dotenv":
        f = home / f"{engine}.env"
        f.write_text(f"DATABASE_URL='{url}'\n")
        return Case(engine, way, None, base, env_files=(str(f),))
    if way == "variables" and engine == "postgresql":
        return Case(engine, way, None, {**base, "PGHOST": p["host"], "PGPORT": p["port"], "PGUSER": p["user"],
                                        "PGPASSWORD": p["password"], "PGDATABASE": p["dbname"],
                                        "PGSSLMODE": p["sslmode"], "PGSSLROOTCERT": p["sslrootcert"]})
    if way == "variables":
        # the MySQL client's variables name the host, port and password; the user comes from ~/.my.cnf
        (home / ".my.cnf").write_text(f"[client]\nuser={p['user']}\n")
        return Case(engine, way, None, {**base, "MYSQL_HOST": p["host"], "MYSQL_TCP_PORT": p["port"],
                                        "MYSQL_PWD": p["password"]}, works=False)
    if way == "option_file" and engine == "mysql":
        f = home / "app.cnf"
        f.write_text(f"[client]\nhost={p['host']}\nport={p['port']}\nuser={p['user']}\npassword={p['password']}\n"
                     f"database={p['dbname']}\nssl-mode=VERIFY_IDENTITY\nssl-ca={p['ssl-ca']}\n")
        return Case(engine, way, None, base, defaults_file=str(f))
    return None  # PostgreSQL has no option file (the service file is libpq's own business)


@pytest.fixture(scope="module")
def urls(pg_sandbox: Any, mariadb_sandbox: Any) -> dict[str, str]:
    return {"postgresql": pg_sandbox.url, "mysql": mariadb_sandbox.url}


CASES = [(e, w) for e in ENGINES for w in WAYS if not (e == "postgresql" and w == "option_file")]


@pytest.fixture
def case(request: pytest.FixtureRequest, urls: dict[str, str], tmp_path: Path) -> Iterator[Case]:
    engine, way = request.param
    c = _case(engine, way, urls[engine], tmp_path)
    assert c is not None
    yield c


def _cli(c: Case, command: str, *options: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, "-m", "dbdoctor", command, "--json", *options, *c.cli_args()],
                          env=c.environ, capture_output=True, text=True, timeout=60)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def _ok(c: Case, doc: dict[str, Any], key: str) -> None:
    assert doc["engine"] == c.engine, (c.way, doc)
    if c.works:
        assert doc[key] in ("ok", True), (c.way, doc.get("cause"), doc.get("line"))


ENTRIES: dict[str, Callable[[Case], None]] = {}


def entry(name: str) -> Callable[[Callable[[Case], None]], Callable[[Case], None]]:
    def register(fn: Callable[[Case], None]) -> Callable[[Case], None]:
        ENTRIES[name] = fn
        return fn
    return register


@entry("cli check")
def _cli_check(c: Case) -> None:
    _ok(c, _cli(c, "check", "--timeout", "10"), "verdict")


@entry("cli parse")
def _cli_parse(c: Case) -> None:
    assert _cli(c, "parse")["engine"] == c.engine


@entry("cli preflight (click-free path)")
def _cli_preflight(c: Case) -> None:
    _ok(c, _cli(c, "preflight", "--timeout", "10"), "ok")


@entry("cli preflight (click)")
def _cli_preflight_click(c: Case) -> None:
    _ok(c, _cli(c, "preflight", "--timeout", "10", "--wait", "0"), "ok")


@entry("library check")
def _lib_check(c: Case) -> None:
    r = dbdoctor.check(c.target, environ=c.environ, env_files=c.env_files, defaults_file=c.defaults_file, timeout=10)
    _ok(c, {"engine": r.engine, "verdict": r.verdict}, "verdict")


@entry("library parse")
def _lib_parse(c: Case) -> None:
    r = dbdoctor.parse(c.target, environ=c.environ, env_files=c.env_files, defaults_file=c.defaults_file)
    assert r.engine == c.engine


@entry("library preflight")
def _lib_preflight(c: Case) -> None:
    r = preflight_result(c.target, environ=c.environ, env_files=c.env_files, defaults_file=c.defaults_file,
                         timeout=10)
    _ok(c, {"engine": r.engine, "ok": r.ok}, "ok")


@pytest.mark.parametrize("case", CASES, indirect=True, ids=[f"{e}-{w}" for e, w in CASES])
@pytest.mark.parametrize("name", list(ENTRIES))
def test_every_entry_routes_every_way(name: str, case: Case) -> None:
    ENTRIES[name](case)


@pytest.mark.parametrize("engine", ENGINES)
def test_sqlalchemy_engine_routes(engine: str, urls: dict[str, str]) -> None:
    from sqlalchemy.engine import make_url

    from dbdoctor.integrations.sqlalchemy import check_engine

    url = urls[engine]
    if engine == "mysql":  # PyMySQL's own keywords, as SQLAlchemy passes them
        p = _parts(url)
        url = (f"mysql+pymysql://{p['user']}:{urlsplit(url).password}@{p['host']}:{p['port']}/{p['dbname']}"
               f"?ssl_ca={p['ssl-ca']}&ssl_verify_identity=true")
    result = check_engine(make_url(url), timeout=10, raise_on_failure=False)
    assert result.engine == engine and result.ok, result.line()


# --- the routing function itself, no network ----------------------------------------------------------------


@pytest.mark.parametrize(("target", "environ", "engine"), [
    ("mysql://h/db", {}, "mysql"),
    ("mariadb://h/db", {}, "mysql"),
    ("mysql+pymysql://h/db", {}, "mysql"),
    ("mariadb+mariadbconnector://h/db", {}, "mysql"),
    ("jdbc:mysql://h/db", {}, "mysql"),
    ("  JDBC:MariaDB://h/db", {}, "mysql"),
    ("postgresql://h/db", {"MYSQL_HOST": "h"}, "postgresql"),
    ("host=h dbname=db", {}, "postgresql"),
    ("jdbc:postgresql://h/db", {}, "postgresql"),
    (None, {"DATABASE_URL": "mysql://h/db"}, "mysql"),
    (None, {"DATABASE_URL": "postgres://h/db", "MYSQL_HOST": "h"}, "postgresql"),
    (None, {"MYSQL_HOST": "h"}, "mysql"),
    (None, {"MYSQL_HOST": "h", "PGHOST": "h"}, "postgresql"),
    (None, {}, "postgresql"),
])
def test_route(target: str | None, environ: dict[str, str], engine: str) -> None:
    assert route(target, environ).engine == engine


def test_route_by_driver_and_option_file(tmp_path: Path) -> None:
    assert route(None, {}, driver="pymysql==1.1").engine == "mysql"
    assert route(None, {}, driver="asyncpg").engine == "postgresql"
    assert route(None, {}, defaults_file=str(tmp_path / "my.cnf")).engine == "mysql"
    with pytest.raises(UsageError):
        route("postgresql://h/db", {}, defaults_file=str(tmp_path / "my.cnf"))
    env = tmp_path / ".env"
    env.write_text("DATABASE_URL=mysql://h/db\n")
    assert route(None, {}, [env]).engine == "mysql"
    assert route(None, {"DATABASE_URL": "postgresql://h/db"}, [env]).engine == "postgresql"  # the environment wins


def test_routing_imports_no_engine_machinery() -> None:
    """Routing is cheap: choosing an engine imports no pipeline, parser, driver or rule."""
    code = ("import sys, dbdoctor.route as r; r.route('mysql://h/db', {}).get(); r.route(None, {}).get(); "
            "print(sorted(m for m in sys.modules if m.startswith('dbdoctor')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(ast.literal_eval(out))
    assert loaded <= {"dbdoctor", "dbdoctor.version", "dbdoctor.route", "dbdoctor.postgres", "dbdoctor.mysql",
                      "dbdoctor.mysql.forms"}, loaded
