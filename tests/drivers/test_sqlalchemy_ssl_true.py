"""SQLAlchemy's libpq dialects with ``?ssl=true``: SQLAlchemy hands the query to psycopg / psycopg2 as keyword
arguments, so libpq never sees a URI and refuses ``ssl`` (``invalid connection option "ssl"``), where the same
query in a plain ``postgresql://`` URI is rewritten to ``sslmode=require``. The real SQLAlchemy and drivers
decide; dbdoctor's check must say the same, with and without ``--driver``."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

import pytest

from dbdoctor.postgres.pipeline import CheckInput, check

pytestmark = pytest.mark.server


def _real(url: str) -> tuple[str, str | None]:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    try:
        engine = create_engine(url, poolclass=NullPool)
        with engine.connect():
            pass
        engine.dispose()
        return "ok", None
    except Exception as exc:
        return "fail", str(exc)


@pytest.mark.parametrize("scheme", ["postgresql+psycopg2", "postgresql+psycopg"])
def test_ssl_true_through_sqlalchemy(pg_sandbox: Any, scheme: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    pw = quote(pg_sandbox.password.reveal(), safe="")
    url = f"{scheme}://{pg_sandbox.user}:{pw}@localhost:{pg_sandbox.port}/{pg_sandbox.dbname}?ssl=true"
    real, message = _real(url)
    assert real == "fail" and 'invalid connection option "ssl"' in (message or "")
    report = check(CheckInput(text=url, environ=env, timeout=8))
    assert (report.verdict, report.cause) == ("fail", "param_unknown")
    assert report.effective["sslmode"] == "refused"
    assert any('invalid connection option "ssl"' in f.detail for f in report.findings)
    # sslmode=require is the working form, through the real SQLAlchemy and in dbdoctor's check
    fixed = url.replace("ssl=true", "sslmode=require")
    assert _real(fixed)[0] == "ok"
    report = check(CheckInput(text=fixed, environ=env, timeout=8))
    assert report.verdict == "ok" and report.effective["sslmode"] == "require"


def test_plain_uri_ssl_true_is_libpq_require(pg_sandbox: Any) -> None:
    import psycopg

    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    pw = quote(pg_sandbox.password.reveal(), safe="")
    url = f"postgresql://{pg_sandbox.user}:{pw}@localhost:{pg_sandbox.port}/{pg_sandbox.dbname}?ssl=true"
    psycopg.connect(url, connect_timeout=5).close()
    report = check(CheckInput(text=url, environ=env, timeout=8))
    assert report.verdict == "ok" and report.effective["sslmode"] == "require"
