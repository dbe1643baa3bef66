"""``check`` with the app's driver, end to end on the sandbox server, next to the real driver's own outcome; and
the ``drivers`` and ``parse --driver`` commands."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from dbdoctor.checking import CheckInput
from dbdoctor.cli import cli
from dbdoctor.postgres.pipeline import check


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("HOME", str(h))
    for key in list(os.environ):
        if key.startswith("PG") or key == "DATABASE_URL":
            monkeypatch.delenv(key)
    yield h


def _url(srv: Any, query: str, scheme: str = "postgresql") -> str:
    pw = quote(srv.password.reveal(), safe="")
    return f"{scheme}://{srv.user}:{pw}@localhost:{srv.port}/{srv.dbname}" + (f"?{query}" if query else "")


def _codes(report: Any) -> set[str]:
    return {f.code for f in report.findings}


def _asyncpg(url: str) -> str | None:
    import asyncpg

    async def go() -> None:
        conn = await asyncpg.connect(dsn=url, timeout=5)
        await conn.close()

    try:
        asyncio.run(go())
        return None
    except Exception as exc:
        return str(exc)


@pytest.mark.server
def test_node_require_works_with_psql_fails_in_the_app(pg_sandbox: Any, home: Path) -> None:
    url = _url(pg_sandbox, "sslmode=require")
    report = check(CheckInput(text=url, environ=dict(os.environ), driver="node-postgres", timeout=8))
    assert report.verdict == "fail"
    assert report.cause == "cert_untrusted"
    assert report.effective["driver"] == "node-postgres"
    assert report.effective["sslmode"] == "verify-full"
    assert report.effective["sslrootcert"] == "system"
    assert {"DD501", "DD504"} <= _codes(report)
    headline = next(f for f in report.findings if f.code == "DD504")
    assert headline.title == "Works with psql, will fail in your app" and headline.severity == "error"
    plain = check(CheckInput(text=url, environ=dict(os.environ), timeout=8))
    assert plain.verdict == "ok" and plain.effective["driver"] == "libpq"
    assert pg_sandbox.password.reveal() not in json.dumps(report.to_dict())


@pytest.mark.server
def test_node_with_the_ca_works(pg_sandbox: Any, pki: Any, home: Path) -> None:
    url = _url(pg_sandbox, f"sslmode=verify-full&sslrootcert={pki.root_ca}")
    report = check(CheckInput(text=url, environ=dict(os.environ), driver="node-postgres", timeout=8))
    assert report.verdict == "ok", report.findings
    assert "DD504" not in _codes(report)


@pytest.mark.server
def test_node_libpqcompat_fails_with_psql_works_in_the_app(pg_sandbox: Any, home: Path) -> None:
    url = _url(pg_sandbox, "uselibpqcompat=true&sslmode=require")
    report = check(CheckInput(text=url, environ=dict(os.environ), driver="node-postgres", timeout=8))
    assert report.verdict == "ok"
    assert report.effective["sslmode"] == "require"
    headline = next(f for f in report.findings if f.code == "DD504")
    assert headline.severity == "info" and "uselibpqcompat" in headline.detail


@pytest.mark.server
def test_asyncpg_ssl_true_is_refused_by_the_server(pg_sandbox: Any, home: Path) -> None:
    url = _url(pg_sandbox, "ssl=true")
    report = check(CheckInput(text=url, environ=dict(os.environ), driver="asyncpg", timeout=8))
    real = _asyncpg(url)
    assert real is not None and 'parameter "ssl" cannot be changed now' in real
    assert report.verdict == "fail" and report.cause == "param_unknown"
    assert report.driver_error == 'parameter "ssl" cannot be changed now'
    assert {"DD502", "DD504"} <= _codes(report)


@pytest.mark.server
def test_sqlalchemy_asyncpg_sslmode_detected_from_the_scheme(pg_sandbox: Any, home: Path) -> None:
    url = _url(pg_sandbox, "sslmode=require", scheme="postgresql+asyncpg")
    report = check(CheckInput(text=url, environ=dict(os.environ), timeout=8))
    assert report.effective["driver"] == "asyncpg"
    assert "postgresql+asyncpg" in str(report.effective["driver_assumed_because"])
    assert report.verdict == "fail" and report.cause == "param_unknown"
    assert "unexpected keyword argument 'sslmode'" in (report.driver_error or "")
    dd502 = next(f for f in report.findings if f.code == "DD502")
    assert "ssl=require" in dd502.fix


@pytest.mark.server
def test_pg8000_does_not_fall_back_after_a_tls_refusal(pg_sandbox: Any, home: Path) -> None:
    """plain_only: TLS is offered but pg_hba.conf allows only plain connections. libpq's prefer retries in plain
    text; pg8000 does not (it falls back only when the server answers N)."""
    url = _url(pg_sandbox, "", scheme="postgresql+pg8000")
    with pg_sandbox.configured(profile="plain_only"):
        report = check(CheckInput(text=url, environ=dict(os.environ), timeout=8))
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        engine = create_engine(url, poolclass=NullPool)
        with pytest.raises(Exception, match=r"no pg_hba\.conf entry"):
            engine.connect()
        engine.dispose()
    assert report.effective["driver"] == "pg8000"
    assert report.verdict == "fail" and report.cause == "server_rejects_ssl", report.findings
    assert "DD504" in _codes(report)


def test_unknown_driver_is_an_input_error() -> None:
    result = CliRunner().invoke(cli, ["parse", "--driver", "mongo", "postgresql://h/d"])
    assert result.exit_code != 0
    from dbdoctor.cli import main

    assert main(["parse", "--driver", "mongo", "postgresql://h/d"]) == 2


def test_drivers_command_lists_every_driver() -> None:
    result = CliRunner().invoke(cli, ["drivers", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    names = [d["name"] for d in data["drivers"] if d["engine"] == "postgresql"]  # MySQL: test_mysql_drivers_cli
    assert names == ["libpq", "asyncpg", "pg8000", "node-postgres", "postgres-js", "prisma", "pgjdbc", "pgx", "lib-pq", "sqlx",
                     "tokio-postgres", "npgsql", "bun-sql"]
    assert all(d["versions"] for d in data["drivers"])
    one = CliRunner().invoke(cli, ["drivers", "node-postgres"])
    assert one.exit_code == 0 and "uselibpqcompat" in one.output and "pg-connection-string" in one.output


def test_parse_with_driver(home: Path) -> None:
    result = CliRunner().invoke(
        cli, ["parse", "--json", "--driver", "node-postgres", "postgresql://app:s3cret@db.example.com/app?sslmode=require"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["effective"]["sslmode"] == "verify-full"
    assert data["effective"]["driver"] == "node-postgres"
    assert data["driver"] == "node-postgres"
    assert "s3cret" not in result.output
    assert any(f["code"] == "DD501" for f in data["findings"])


def test_parse_with_project(home: Path, tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "prisma").mkdir(parents=True)
    (app / "prisma" / "schema.prisma").write_text('datasource db {\n  provider = "postgresql"\n}\n')
    result = CliRunner().invoke(
        cli, ["parse", "--json", "--project", str(app), "postgresql://app@db.example.com/app?sslmode=verify-full"]
    )
    data = json.loads(result.output)
    assert data["effective"]["driver"] == "prisma"
    assert data["effective"]["sslmode"] == "prefer"
    assert "schema.prisma" in data["effective"]["driver_assumed_because"]


@pytest.mark.server
@pytest.mark.parametrize("profile", ["managed", "plain_only"])
def test_mode_matrix_in_the_drivers_semantics(pg_sandbox: Any, pki: Any, home: Path, profile: str) -> None:
    """check's ``modes`` with --driver: each libpq mode name written as the driver's own setting, as the real
    driver does it (node-postgres and asyncpg, every mode)."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from test_drivers_differential import Case, _node_ready, _run_node, _run_python

    if not _node_ready():
        pytest.skip("node-postgres not installed (scripts/setup.sh --test)")
    from dbdoctor.postgres.modes import PG_MODES

    with pg_sandbox.configured(profile=profile):
        for driver, query in (("node-postgres", "sslmode=require"), ("asyncpg", f"sslmode=verify-ca&sslrootcert={pki.root_ca}")):
            report = check(CheckInput(text=_url(pg_sandbox, query), environ=dict(os.environ), driver=driver, timeout=8))
            cases = [(Case(driver, ""), _url(pg_sandbox, f"{query.split('&', 1)[1] + '&' if '&' in query else ''}sslmode={m}"))
                     for m in PG_MODES]
            if driver == "node-postgres":
                real = [r[0] for r in _run_node(cases, dict(os.environ))]
            else:
                real = [_run_python(c, u)[0] for c, u in cases]
            predicted = [report.modes[m].outcome for m in PG_MODES]
            known = [(p, r) for p, r in zip(predicted, real, strict=True) if p != "unknown"]
            assert all(p == r for p, r in known), (driver, profile, predicted, real)
            assert len(known) >= 3, (driver, profile, predicted)  # unknown: password not sent weaker


@pytest.mark.server
def test_preflight_with_the_apps_driver(pg_sandbox: Any, pki: Any, home: Path) -> None:
    from dbdoctor.api import preflight_result as run

    url = _url(pg_sandbox, "sslmode=require")
    assert run(url, environ=dict(os.environ), timeout=8).ok  # psql's reading connects
    node = run(url, environ=dict(os.environ), timeout=8, driver="node-postgres")
    assert not node.ok and node.cause == "cert_untrusted"
    assert node.settings.get("sslmode") == "verify-full"
    refused = run(_url(pg_sandbox, "sslmode=require", scheme="postgresql+asyncpg"), environ=dict(os.environ),
                  timeout=8)
    assert not refused.ok and refused.driver is not None
    assert "unexpected keyword argument 'sslmode'" in (refused.driver.message or "")
    forwarded = run(_url(pg_sandbox, "ssl=true"), environ=dict(os.environ), timeout=8, driver="asyncpg")
    assert not forwarded.ok and forwarded.driver is not None
    assert forwarded.driver.message == 'parameter "ssl" cannot be changed now'
    good = run(_url(pg_sandbox, f"sslmode=verify-full&sslrootcert={pki.root_ca}"), environ=dict(os.environ),
               timeout=8, driver="node-postgres")
    assert good.ok
