"""Differential truth for the driver knowledge: the same connection strings through the real drivers
(asyncpg, asyncpg and pg8000 through SQLAlchemy, psycopg2, psycopg through SQLAlchemy, node-postgres) and
through dbdoctor's prediction (``drivers.translate`` + the mode matrix on what the probes saw), on sandbox
servers with several access profiles. Every comparison must be equal.

Per server profile, the server is probed once per host name (no password is sent by the probes); each case is
then predicted from those observations with the driver's libpq-equivalent settings, and run for real. Node
runs one process per profile for the whole batch of strings.

node-postgres is predicted for the Node that runs it (``node --version``): before Node 20, net.connect uses only
the first address of a host name, so where localhost resolves to ::1 first (a standard Debian /etc/hosts) and
the server listens on 127.0.0.1 only, the model says it fails where libpq goes on (drivers._addresses).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import pwd
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from dbdoctor import drivers
from dbdoctor.drivers.addresses import first_address_fails, node_strategy, outcome_with
from dbdoctor.postgres.driver_oracle import address_facts_for, predict
from dbdoctor.postgres.modes import AuthKnowledge
from dbdoctor.postgres.probe import probe_target
from dbdoctor.postgres.sources import resolve

pytestmark = pytest.mark.server

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
RIGHT, WRONG, MISSING = "<right>", "<wrong>", "<missing>"
PROFILES = ("managed", "both", "ssl_off", "plain_only")
AUTH = AuthKnowledge(has_password=True, password="right", after_auth="ok")


@dataclasses.dataclass(frozen=True)
class Case:
    driver: str  # node-postgres, asyncpg, sqlalchemy-asyncpg, sqlalchemy-pg8000, psycopg2, sqlalchemy-psycopg
    query: str  # the query string, with <right>/<wrong>/<missing> standing for CA paths
    host: str = "localhost"
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    home_root: bool = False  # ~/.postgresql/root.crt holds the right CA


def _cases() -> list[Case]:
    node = [
        "", "sslmode=disable", "sslmode=prefer", "sslmode=require", "sslmode=verify-ca", "sslmode=verify-full",
        "sslmode=no-verify", "sslmode=allow", "ssl=true", "ssl=1", "ssl=0", "ssl=false", "ssl=no-verify",
        f"sslrootcert={RIGHT}", f"sslmode=require&sslrootcert={RIGHT}", f"sslmode=verify-full&sslrootcert={RIGHT}",
        f"sslmode=verify-full&sslrootcert={WRONG}", f"sslmode=require&sslrootcert={MISSING}",
        "uselibpqcompat=true&sslmode=require", "uselibpqcompat=true&sslmode=prefer",
        "uselibpqcompat=true&sslmode=disable", "uselibpqcompat=true&sslmode=verify-ca",
        f"uselibpqcompat=true&sslmode=verify-ca&sslrootcert={RIGHT}",
        f"uselibpqcompat=true&sslmode=require&sslrootcert={WRONG}",
        f"uselibpqcompat=true&sslmode=verify-full&sslrootcert={RIGHT}", "sslMode=require",
    ]
    out = [Case("node-postgres", q) for q in node]
    out += [Case("node-postgres", f"sslmode=verify-full&sslrootcert={RIGHT}", host="127.0.0.1")]
    out += [Case("node-postgres", "", env={"PGSSLMODE": m}) for m in ("require", "disable", "no-verify", "prefer")]
    asyncpg = [
        "", "sslmode=disable", "sslmode=allow", "sslmode=prefer", "sslmode=require", "sslmode=verify-ca",
        "sslmode=verify-full", f"sslmode=require&sslrootcert={RIGHT}", f"sslmode=require&sslrootcert={WRONG}",
        f"sslmode=verify-full&sslrootcert={RIGHT}", f"sslmode=verify-ca&sslrootcert={WRONG}",
        f"sslmode=prefer&sslrootcert={WRONG}", f"sslmode=require&sslrootcert={MISSING}", "ssl=true",
        "sslMode=require", "application_name=dbdoctor-test", "sslmode=required",
    ]
    out += [Case("asyncpg", q) for q in asyncpg]
    out += [Case("asyncpg", "sslmode=require", home_root=True), Case("asyncpg", "sslmode=prefer", home_root=True),
            Case("asyncpg", "", env={"PGSSLMODE": "disable"})]
    out += [Case("sqlalchemy-asyncpg", q) for q in
            ("", "ssl=require", "ssl=prefer", "ssl=disable", "ssl=verify-full", "sslmode=require", "ssl=true")]
    out += [Case("sqlalchemy-pg8000", q) for q in ("", "sslmode=require")]
    out += [Case("psycopg2", q) for q in ("", "sslmode=disable", "sslmode=require", f"sslmode=verify-full&sslrootcert={RIGHT}")]
    out += [Case("sqlalchemy-psycopg", q) for q in ("sslmode=require", "ssl=true")]
    pgjdbc = [
        "", "ssl=true", "ssl=false", "sslmode=disable", "sslmode=allow", "sslmode=prefer", "sslmode=require",
        "sslmode=verify-ca", "sslmode=verify-full", f"sslmode=require&sslrootcert={WRONG}",
        f"sslmode=prefer&sslrootcert={WRONG}", f"sslmode=verify-full&sslrootcert={RIGHT}",
        f"sslmode=VERIFY-FULL&sslrootcert={RIGHT}", f"sslmode=verify-ca&sslrootcert={WRONG}",
        f"ssl=true&sslrootcert={RIGHT}", f"ssl=true&sslrootcert={WRONG}", "sslMode=verify-full",
        "sslmode=required", "ssl=true&sslmode=disable",
    ]
    out += [Case("pgjdbc", q) for q in pgjdbc]
    return out


CASES = _cases()

#: certificate variants (profile managed): the name and chain rules of each driver's TLS stack
CERTS = ("cn_only", "ip_only", "wildcard", "expired", "self_signed", "no_intermediate")
CERT_CASES = [
    Case(driver, query, host=host)
    for driver, queries in (
        ("node-postgres", (f"sslmode=verify-full&sslrootcert={RIGHT}", f"uselibpqcompat=true&sslmode=verify-ca&"
                           f"sslrootcert={RIGHT}", "uselibpqcompat=true&sslmode=require")),
        ("asyncpg", (f"sslmode=verify-full&sslrootcert={RIGHT}", f"sslmode=verify-ca&sslrootcert={RIGHT}",
                     "sslmode=require")),
        ("pgjdbc", (f"sslmode=verify-full&sslrootcert={RIGHT}", f"sslmode=verify-ca&sslrootcert={RIGHT}",
                    "sslmode=require")),
    )
    for query in queries
    for host in (("localhost", "127.0.0.1") if "verify-full" in query else ("localhost",))
]
CONFIGS = [(p, "full", CASES) for p in PROFILES] + [("managed", c, CERT_CASES) for c in CERTS]

#: the driver name dbdoctor is asked about, and the URL scheme the app writes
DRIVER_OF = {
    "node-postgres": ("node-postgres", "postgresql"),
    "asyncpg": ("asyncpg", "postgresql"),
    "sqlalchemy-asyncpg": ("asyncpg", "postgresql+asyncpg"),
    "sqlalchemy-pg8000": ("pg8000", "postgresql+pg8000"),
    "psycopg2": ("libpq", "postgresql"),
    "sqlalchemy-psycopg": ("libpq", "postgresql+psycopg"),
    "pgjdbc": ("pgjdbc", "jdbc:postgresql"),
}


def _url(case: Case, srv: Any, pki: Any, tmp: Path) -> str:
    query = (case.query.replace(RIGHT, quote(str(pki.root_ca), safe="/"))
             .replace(WRONG, quote(str(pki.other_ca), safe="/"))
             .replace(MISSING, str(tmp / "nowhere" / "ca.pem")))
    scheme = DRIVER_OF[case.driver][1]
    pw = quote(srv.password.reveal(), safe="")
    if case.driver == "pgjdbc":  # JDBC URLs carry no user:password@; the app passes them as properties
        return f"{scheme}://{case.host}:{srv.port}/{srv.dbname}" + (f"?{query}" if query else "")
    return f"{scheme}://{srv.user}:{pw}@{case.host}:{srv.port}/{srv.dbname}" + (f"?{query}" if query else "")


def _prediction_url(case: Case, url: str, srv: Any) -> str:
    """The string dbdoctor is given: for JDBC, with the user and password the app passes as properties."""
    if case.driver != "pgjdbc":
        return url
    pw = quote(srv.password.reveal(), safe="")
    return url.replace(f"/{srv.dbname}", f"/{srv.dbname}?user={srv.user}&password={pw}" + ("&" if "?" in url else ""),
                       1).replace("&?", "&").rstrip("&")


def _predict(case: Case, url: str, obs: Any, environ: Mapping[str, str]) -> tuple[str, drivers.DriverView]:
    name = DRIVER_OF[case.driver][0]
    base = resolve(drivers.libpq_base(url), environ=environ)
    base = dataclasses.replace(base, written=drivers.libpq_base(url).split("?")[0])
    base = dataclasses.replace(base, written=url)
    view = drivers.translate(base, name, written=drivers.written_params(url), environ=environ)
    addresses, root = address_facts_for(view, obs, environ)
    return predict(view, addresses, root, AUTH).outcome, view


# --- the real drivers ---------------------------------------------------------------------------------------


def _run_python(case: Case, url: str) -> tuple[str, str | None]:
    saved = {k: os.environ.get(k) for k in case.env}
    os.environ.update(case.env)
    try:
        return _run_python_inner(case, url)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _run_python_inner(case: Case, url: str) -> tuple[str, str | None]:
    if case.driver == "asyncpg":
        import asyncpg

        async def go() -> None:
            conn = await asyncpg.connect(dsn=url, timeout=5)
            await conn.close()

        try:
            asyncio.run(go())
            return "ok", None
        except Exception as exc:
            return "fail", f"{type(exc).__name__}: {exc}"
    if case.driver == "sqlalchemy-asyncpg":
        from sqlalchemy.ext.asyncio import create_async_engine
        from sqlalchemy.pool import NullPool

        async def go_sa() -> None:
            engine = create_async_engine(url, poolclass=NullPool)
            try:
                async with engine.connect():
                    pass
            finally:
                await engine.dispose()

        try:
            asyncio.run(go_sa())
            return "ok", None
        except Exception as exc:
            return "fail", f"{type(exc).__name__}: {exc}"
    if case.driver in ("sqlalchemy-pg8000", "sqlalchemy-psycopg"):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        try:
            engine = create_engine(url, poolclass=NullPool)
            with engine.connect():
                pass
            engine.dispose()
            return "ok", None
        except Exception as exc:
            return "fail", f"{type(exc).__name__}: {exc}"
    if case.driver == "psycopg2":
        import psycopg2

        try:
            psycopg2.connect(url, connect_timeout=5).close()
            return "ok", None
        except Exception as exc:
            return "fail", f"{type(exc).__name__}: {exc}"
    raise AssertionError(case.driver)


def _run_node(items: list[tuple[Case, str]], env: Mapping[str, str]) -> list[tuple[str, str | None]]:
    payload = json.dumps([{"url": url, "env": dict(case.env)} for case, url in items])
    proc = subprocess.run(
        [NODE, str(NODE_DIR / "try_connect.js")], input=payload, capture_output=True, text=True, timeout=120,
        cwd=NODE_DIR, env={**env, "NODE_NO_WARNINGS": "1"}, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    results = json.loads(proc.stdout)
    return [("ok" if r["ok"] else "fail", r["message"]) for r in results]


NODE = shutil.which("node") or "node"


def _node_version() -> str:
    return subprocess.run([NODE, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout.strip()


def _pgjdbc_jar() -> Path | None:
    """pgjdbc from the local Maven repository (scripts/setup.sh --test fetches it when a JDK is present)."""
    if shutil.which("java") is None:
        return None
    jars = sorted((Path(pwd.getpwuid(os.geteuid()).pw_dir) / ".m2" / "repository" / "org" / "postgresql" / "postgresql").glob("*/postgresql-*.jar"))
    jars = [j for j in jars if not j.name.endswith(("-sources.jar", "-javadoc.jar"))]
    return jars[-1] if jars else None


class Jdbc:
    """One JVM for the whole test: a batch of lines in, one result line per connection out."""

    def __init__(self, jar: Path) -> None:
        self.proc = subprocess.Popen(
            ["java", "-cp", str(jar), str(JDBC_DIR / "TryConnect.java")], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )

    def run(self, items: list[tuple[str, str, str]]) -> list[tuple[str, str | None]]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        for url, user, password in items:
            self.proc.stdin.write(f"{url}\t{user}\t{password}\n")
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        out: list[tuple[str, str | None]] = []
        for _ in items:
            line = self.proc.stdout.readline().rstrip("\n")
            status, _, message = line.partition("\t")
            out.append((status, message or None))
        return out

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)


JDBC_DIR = Path(__file__).resolve().parents[1] / "jdbc"


def _localhost_first_address_refuses(port: int) -> bool:
    """localhost resolves to several addresses here and the first is not where the sandbox listens."""
    import socket

    order = [ai[4][0] for ai in socket.getaddrinfo("localhost", port, type=socket.SOCK_STREAM)]
    return len(order) > 1 and order[0] != "127.0.0.1"


def _node_ready() -> bool:
    return shutil.which("node") is not None and (NODE_DIR / "node_modules" / "pg").is_dir()


@pytest.fixture
def clean_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for key in list(os.environ):
        if key.startswith("PG") or key == "DATABASE_URL":
            monkeypatch.delenv(key)
    yield home


def _set_home_root(home: Path, pki: Any, on: bool) -> None:
    d = home / ".postgresql"
    if on:
        d.mkdir(exist_ok=True)
        (d / "root.crt").write_bytes(Path(pki.root_ca).read_bytes())
    elif (d / "root.crt").exists():
        (d / "root.crt").unlink()


def test_real_drivers_match_predictions(pg_sandbox: Any, pki: Any, clean_home: Path, tmp_path: Path) -> None:
    if not _node_ready():
        if os.environ.get("CI"):
            pytest.fail("CI is set and node-postgres is not installed (scripts/setup.sh --test)")
        pytest.skip("node or tests/node/node_modules/pg missing: run scripts/setup.sh --test")
    started = time.monotonic()
    mismatches: list[str] = []
    compared = jdbc_compared = 0
    outcomes: dict[str, set[str]] = {}
    node_version = _node_version()
    node_first_address = 0  # node cases predicted to stop at a host name's first address
    jar = _pgjdbc_jar()
    # pgjdbc reads ~/.postgresql from Java's user.home (the passwd entry), not $HOME: only run it where that
    # directory holds no root.crt, so that the prediction (with the test's empty HOME) applies
    jdbc = Jdbc(jar) if jar is not None and not Path(pwd.getpwuid(os.geteuid()).pw_dir, ".postgresql",
                                                      "root.crt").exists() else None
    for profile, cert, cases in CONFIGS:
        with pg_sandbox.configured(profile=profile, cert=cert):
            observations: dict[str, Any] = {}
            node_items: list[tuple[Case, str, str]] = []
            jdbc_items: list[tuple[Case, str, str]] = []
            for case in cases:
                url = _url(case, pg_sandbox, pki, tmp_path)
                environ = {**os.environ, **case.env}
                if case.host not in observations:
                    probe_url = f"postgresql://{pg_sandbox.user}@{case.host}:{pg_sandbox.port}/{pg_sandbox.dbname}"
                    observations[case.host] = probe_target(resolve(probe_url, environ=dict(os.environ)), timeout=5)
                _set_home_root(clean_home, pki, case.home_root)
                predicted, view = _predict(case, _prediction_url(case, url, pg_sandbox), observations[case.host],
                                           environ)
                if case.driver == "node-postgres":
                    stop = outcome_with(node_strategy(node_version), first_address_fails(observations[case.host]))
                    if stop is not None and view.error is None:
                        predicted = stop.outcome
                        node_first_address += 1
                    node_items.append((case, url, predicted))
                    continue
                if case.driver == "pgjdbc":
                    if jdbc is not None:
                        jdbc_items.append((case, url, predicted))
                    continue
                real, message = _run_python(case, url)
                _set_home_root(clean_home, pki, False)
                compared += 1
                outcomes.setdefault(case.driver, set()).add(real)
                if real != predicted:
                    mismatches.append(f"[{profile}/{cert}] {case.driver} ?{case.query} {dict(case.env)} home_root="
                                      f"{case.home_root}: predicted {predicted} (as libpq {view.sslmode} "
                                      f"{view.target.settings.get('sslrootcert')}), real {real}: {message}")
            if jdbc is not None:
                got = jdbc.run([(u, pg_sandbox.user, pg_sandbox.password.reveal()) for _c, u, _p in jdbc_items])
                for (case, _u, predicted), (real, message) in zip(jdbc_items, got, strict=True):
                    compared += 1
                    jdbc_compared += 1
                    outcomes.setdefault(case.driver, set()).add(real)
                    if real != predicted:
                        mismatches.append(f"[{profile}/{cert}] pgjdbc ?{case.query}: predicted {predicted}, real {real}: "
                                          f"{message}")
            results = _run_node([(c, u) for c, u, _ in node_items], dict(os.environ))
            for (case, _url_text, predicted), (real, message) in zip(node_items, results, strict=True):
                compared += 1
                outcomes.setdefault(case.driver, set()).add(real)
                if real != predicted:
                    mismatches.append(f"[{profile}/{cert}] node ?{case.query} {dict(case.env)} host={case.host}: predicted "
                                      f"{predicted}, real {real}: {message}")
    if jdbc is not None:
        jdbc.close()
    elapsed = time.monotonic() - started
    print(f"driver differential: {compared} comparisons ({jdbc_compared} with pgjdbc) in {elapsed:.1f} s; node "
          f"{node_version}: {node_first_address} stop at the first address")
    if _localhost_first_address_refuses(pg_sandbox.port) and node_strategy(node_version) != "all":
        assert node_first_address > 0, "localhost is ::1 first here, and this Node tries only the first address"
    assert compared >= 150, compared
    # every driver both connects and fails somewhere: the comparisons can tell a wrong prediction apart
    assert all(seen == {"ok", "fail"} for seen in outcomes.values()), outcomes
    assert not mismatches, f"{len(mismatches)} of {compared} differ:\n" + "\n".join(mismatches)
