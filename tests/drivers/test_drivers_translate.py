"""The predictions of ``drivers.translate`` from each driver's facts (no network). For the drivers that run here
tests/drivers/test_drivers_differential.py proves them against the real driver; for the others (Prisma, pgjdbc,
pgx, lib/pq, sqlx, tokio-postgres) these tests pin what the facts, with their sources, say."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dbdoctor import drivers
from dbdoctor.drivers import NO_ROOT, DriverView
from dbdoctor.errors import DriverError
from dbdoctor.postgres.driver_check import translate
from dbdoctor.postgres.sources import resolve

ENV = {"HOME": "/nonexistent-home"}


def view(driver: str, url: str, environ: dict[str, str] | None = None) -> DriverView:
    env = {**ENV, **(environ or {})}
    name, version = drivers.parse_option(driver)
    target = dataclasses.replace(resolve(drivers.libpq_base(url), environ=env), written=url)
    return translate(target, name, version, written=drivers.written_params(url), environ=env)


def mode(driver: str, url: str, environ: dict[str, str] | None = None) -> tuple[str | None, str | None]:
    v = view(driver, url, environ)
    root = v.target.settings.get("sslrootcert")
    return v.sslmode, ("none" if root == NO_ROOT else root)


U = "postgresql://app:pw@db.example.com/app"
CA = "/etc/ssl/ca.pem"


# --- the issue's own examples ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("driver", "url", "expected"),
    [
        ("node-postgres", f"{U}?sslmode=require", ("verify-full", "system")),
        ("node-postgres", U, ("disable", None)),
        ("pgjdbc", "jdbc:postgresql://db.example.com/app?ssl=true", ("verify-full", None)),
        ("pgjdbc", "jdbc:postgresql://db.example.com/app?ssl=false", ("prefer", "none")),
        ("prisma", f"{U}?sslmode=verify-full", ("prefer", "none")),
        ("pgx", f"{U}?sslrootcert=system", ("verify-full", "system")),
    ],
)
def test_issue_examples(driver: str, url: str, expected: tuple[str, str | None]) -> None:
    assert mode(driver, url) == expected


# --- drivers that do not run here: each fact, as a prediction ---------------------------------------------
@pytest.mark.parametrize(
    ("driver", "url", "expected"),
    [
        # Prisma 6: only disable/prefer/require; sslaccept=strict is what verifies; sslcert is the CA
        ("prisma", f"{U}?sslmode=require", ("require", "none")),
        ("prisma", f"{U}?sslmode=require&sslaccept=strict&sslcert={CA}", ("verify-full", CA)),
        ("prisma", f"{U}?sslmode=require&sslaccept=strict", ("verify-full", "system")),
        ("prisma", f"{U}?sslmode=disable", ("disable", None)),
        ("prisma", f"{U}?sslmode=verify-ca&sslrootcert={CA}", ("prefer", "none")),
        ("prisma==7.0.0", f"{U}?sslmode=require", ("verify-full", "system")),  # adapter-pg: node-postgres
        # pgjdbc: require never verifies (even with a root file); verify-* default root is libpq's
        ("pgjdbc", f"jdbc:postgresql://db/app?sslmode=require&sslrootcert={CA}", ("require", "none")),
        ("pgjdbc", "jdbc:postgresql://db/app?sslmode=VERIFY-FULL", ("verify-full", None)),
        ("pgjdbc", f"jdbc:postgresql://db/app?sslmode=verify-ca&sslrootcert={CA}", ("verify-ca", CA)),
        ("pgjdbc", "jdbc:postgresql://db/app?ssl=true&sslmode=disable", ("disable", None)),
        ("pgjdbc", "jdbc:postgresql://db/app", ("prefer", "none")),
        # pgx: verify-full without a root file uses the system roots; no ~/.postgresql default
        ("pgx", f"{U}?sslmode=verify-full", ("verify-full", "system")),
        ("pgx", f"{U}?sslmode=require", ("require", "none")),
        ("pgx", f"{U}?sslmode=require&sslrootcert={CA}", ("require", CA)),
        ("pgx", U, ("prefer", "none")),
        # lib/pq: the default is require
        ("lib-pq", U, ("require", "none")),
        ("lib-pq", f"{U}?sslmode=verify-full", ("verify-full", "system")),
        ("lib-pq==1.12", f"{U}?sslmode=prefer", ("prefer", "none")),
        # sqlx: allow is disable, require never verifies
        ("sqlx", f"{U}?sslmode=allow", ("disable", None)),
        ("sqlx", f"{U}?sslmode=require&sslrootcert={CA}", ("require", "none")),
        ("sqlx", f"{U}?ssl-mode=verify-ca&ssl-ca={CA}", ("verify-ca", CA)),
        ("sqlx", f"{U}?sslmode=verify-full", ("verify-full", "system")),
        # tokio-postgres: require is verified by the connector
        ("tokio-postgres", f"{U}?sslmode=require", ("verify-full", "system")),
        ("tokio-postgres", f"{U}?sslmode=disable", ("disable", None)),
    ],
)
def test_facts_of_drivers_that_do_not_run_here(driver: str, url: str, expected: tuple[str, str | None]) -> None:
    assert mode(driver, url) == expected


@pytest.mark.parametrize(
    ("driver", "url", "cause", "text"),
    [
        ("lib-pq==1.10", f"{U}?sslmode=prefer", "param_invalid", 'pq: unsupported sslmode "prefer"'),
        ("lib-pq==1.11.2", f"{U}?sslmode=allow", "param_invalid", 'unsupported sslmode "allow"'),
        ("tokio-postgres", f"{U}?sslmode=verify-full", "param_invalid", "invalid value for option `sslmode`"),
        ("tokio-postgres", f"{U}?sslrootcert={CA}", "param_unknown", "unknown option `sslrootcert`"),
        ("pgjdbc", "jdbc:postgresql://db/app?sslmode=required", "param_invalid", "Invalid sslmode value: required"),
        ("asyncpg", f"{U}?sslmode=required", "param_invalid", "`sslmode` parameter must be one of"),
        ("asyncpg", "postgresql+asyncpg://app@db/app?sslmode=require", "param_unknown",
         "unexpected keyword argument 'sslmode'"),
        ("pg8000", "postgresql+pg8000://app@db/app?sslmode=require", "param_unknown",
         "unexpected keyword argument 'sslmode'"),
        ("node-postgres", f"{U}?ssl=false", "param_invalid", "Cannot use 'in' operator"),
        ("node-postgres", f"{U}?uselibpqcompat=true&sslmode=verify-ca", "param_invalid", "requires specifying a CA"),
        ("libpq", "postgresql+psycopg://app@db/app?ssl=true", "param_unknown", 'invalid connection option "ssl"'),
    ],
)
def test_refusals_carry_the_drivers_own_words(driver: str, url: str, cause: str, text: str) -> None:
    v = view(driver, url)
    assert v.sslmode is None
    assert v.error_cause == cause
    assert v.error is not None and text in v.error
    assert any(f.severity == "error" and text in f.detail for f in v.findings), v.findings


@pytest.mark.parametrize(
    ("driver", "key", "answer"),
    [
        ("asyncpg", "ssl=true", 'parameter "ssl" cannot be changed now'),
        ("asyncpg", "sslMode=require", 'unrecognized configuration parameter "sslMode"'),
        ("pgx", "ssl=true", 'parameter "ssl" cannot be changed now'),
        ("lib-pq", "sslca=x", 'unrecognized configuration parameter "sslca"'),
    ],
)
def test_forwarded_parameters_get_the_servers_answer(driver: str, key: str, answer: str) -> None:
    v = view(driver, f"{U}?{key}")
    assert v.server_refuses is not None and v.server_refuses[1] == answer
    assert any(f.code == "DD502" and answer in f.detail for f in v.findings)


def test_forwarded_real_setting_is_accepted() -> None:
    v = view("asyncpg", f"{U}?application_name=web&search_path=app")
    assert v.server_refuses is None
    assert {x.key: x.verdict for x in v.verdicts} == {"application_name": "forwarded", "search_path": "forwarded"}


def test_ignored_ssl_parameter_is_reported_with_the_drivers_syntax() -> None:
    v = view("node-postgres", f"{U}?sslMode=require")
    assert v.sslmode == "disable"  # sslMode is not sslmode: ignored, so no TLS at all
    ignored = [f for f in v.findings if f.code == "DD501" and "sslMode" in f.detail]
    assert ignored and "sslmode=verify-full&sslrootcert=" in ignored[0].fix


def test_weaker_than_libpq_is_reported() -> None:
    v = view("prisma", f"{U}?sslmode=verify-full")
    f = next(f for f in v.findings if f.code == "DD501")
    assert "sslmode=prefer" in f.detail and "sslmode=verify-full" in f.detail
    assert "sslaccept=strict" in f.fix


def test_libpq_itself_has_no_driver_findings() -> None:
    v = view("libpq", f"{U}?sslmode=verify-full&sslrootcert={CA}")
    assert (v.sslmode, v.findings) == ("verify-full", ())
    assert v.target.settings["sslrootcert"] == CA


def test_environment_only_where_the_driver_reads_it() -> None:
    assert mode("node-postgres", U, {"PGSSLMODE": "require"}) == ("verify-full", "system")
    assert mode("node-postgres", f"{U}?sslmode=disable", {"PGSSLMODE": "require"}) == ("disable", None)
    assert mode("asyncpg", U, {"PGSSLMODE": "disable"}) == ("disable", None)
    assert mode("pgjdbc", "jdbc:postgresql://db/app", {"PGSSLMODE": "disable"}) == ("prefer", "none")


def test_effective_fields() -> None:
    eff = view("node-postgres", f"{U}?sslmode=require").effective()
    assert eff["driver"] == "node-postgres" and eff["sslmode"] == "verify-full"
    assert eff["sslrootcert"] == "system" and eff["driver_version"]
    assert view("pgjdbc", "jdbc:postgresql://db/app?ssl=false").effective()["sslrootcert"] is None


def test_names_aliases_and_versions() -> None:
    assert drivers.get("lib/pq").name == "lib-pq"
    assert drivers.get("PG").name == "node-postgres"
    assert drivers.get("tokio_postgres").name == "tokio-postgres"
    assert drivers.parse_option("asyncpg==0.29") == ("asyncpg", "0.29")
    with pytest.raises(DriverError):
        drivers.get("mongo")
    with pytest.raises(DriverError):
        drivers.parse_option("asyncpg==latest")
    for d in drivers.all_drivers():
        assert d.rows and not d.rows[-1].when, f"{d.name}: the last row must catch everything"
        for row in d.rows:
            assert row.source.where, f"{d.name}: a row without a source"
        for _fact, src in d.facts:
            assert src.where


def test_written_params_and_libpq_base() -> None:
    url = "postgresql://u:p%40ss@h:5/d?sslmode=require&uselibpqcompat=true&application_name=x&password=z"
    assert drivers.written_params(url) == [("sslmode", "require"), ("uselibpqcompat", "true"),
                                           ("application_name", "x")]
    assert drivers.libpq_base(url) == "postgresql://u:p%40ss@h:5/d?application_name=x&password=z"
    assert drivers.written_params("host=h sslmode='verify-full' password=x") == [("host", "h"),
                                                                                   ("sslmode", "verify-full")]


# --- which driver, from the project ---------------------------------------------------------------------
def test_detect_from_project_files(tmp_path: Path) -> None:
    from dbdoctor.drivers.detect import detect

    node = tmp_path / "node"
    node.mkdir()
    (node / "package.json").write_text('{"dependencies": {"pg": "^8.11.0"}}')
    (node / "package-lock.json").write_text('{"packages": {"node_modules/pg": {"version": "8.11.3"}}}')
    found = detect(node)
    assert found is not None and (found.name, found.version) == ("node-postgres", "8.11.3")
    assert "package-lock.json" in found.because

    prisma = tmp_path / "prisma-app"
    (prisma / "prisma").mkdir(parents=True)
    (prisma / "prisma" / "schema.prisma").write_text('datasource db {\n  provider = "postgresql"\n}\n')
    (prisma / "package.json").write_text('{"dependencies": {"@prisma/client": "6.2.0", "prisma": "6.2.0"}}')
    found = detect(prisma)
    assert found is not None and found.name == "prisma" and found.version == "6.2.0"

    py = tmp_path / "py"
    py.mkdir()
    (py / "requirements.txt").write_text("fastapi\nasyncpg==0.29.0\nSQLAlchemy[asyncio]==2.0.30\n")
    found = detect(py)
    assert found is not None and (found.name, found.version) == ("asyncpg", "0.29.0")

    go = tmp_path / "go"
    go.mkdir()
    (go / "go.mod").write_text("module x\n\nrequire (\n\tgithub.com/lib/pq v1.10.9\n)\n")
    found = detect(go)
    assert found is not None and (found.name, found.version) == ("lib-pq", "1.10.9")

    java = tmp_path / "java"
    java.mkdir()
    (java / "pom.xml").write_text("<dependency><groupId>org.postgresql</groupId>\n<artifactId>postgresql</artifactId>"
                                  "\n<version>42.7.3</version></dependency>")
    found = detect(java)
    assert found is not None and (found.name, found.version) == ("pgjdbc", "42.7.3")

    rust = tmp_path / "rust"
    rust.mkdir()
    (rust / "Cargo.toml").write_text('[dependencies]\nsqlx = { version = "0.8.1", features = ["postgres"] }\n')
    found = detect(rust)
    assert found is not None and found.name == "sqlx"

    assert detect(tmp_path / "nothing-here") is None


def test_choose_order() -> None:
    assert drivers.choose("pgx", "postgresql://h/d", None).because == "--driver pgx"
    c = drivers.choose(None, "postgresql+asyncpg://h/d", "asyncpg")
    assert c.name == "asyncpg" and "postgresql+asyncpg" in c.because
    assert drivers.choose(None, "postgresql://h/d", None).name == "libpq"


def test_explain_knows_every_drivers_own_words() -> None:
    """Each message in the driver knowledge, filled in as the driver prints it, is explained with its cause."""
    from dbdoctor.explain import explain

    fills = {"host": "localhost", "port": "5432", "name": "db.example.com", "path": "/app/ca.pem",
             "key": "sslmode", "value": "required", "ip": "10.0.0.7", "user": "app", "dbname": "app",
             "detail": "self signed certificate in certificate chain"}
    missing = []
    for d in drivers.all_drivers():
        for cause, text in d.messages.items():
            sample = text
            for k, v in fills.items():
                sample = sample.replace("{" + k + "}", v)
            matches = explain(sample).matches
            if not matches:
                missing.append(f"{d.name} {cause}: {sample}")
    assert not missing, missing
