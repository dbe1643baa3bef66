"""``check_engine`` with SQLAlchemy itself: an Engine's URL (password from the URL object) checked by the preflight
on the real sandbox; never printed."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlalchemy")

from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url

from dbdoctor.errors import PreflightError, UsageError
from dbdoctor.integrations.sqlalchemy import check_engine, url_conninfo
from fix_preflight import Probe, assert_clean


def _url(probe: Probe, **query: str) -> URL:
    return URL.create(
        "postgresql+psycopg",
        username="preflight_probe",
        password=probe.password,
        host="localhost",
        port=probe.srv.port,
        database=probe.srv.dbname,
        query={"sslmode": "verify-full", "sslrootcert": str(probe.pki.root_ca), **query},
    )


@pytest.mark.server
def test_engine_that_works(probe: Probe) -> None:
    engine = create_engine(_url(probe))
    try:
        result = check_engine(engine, timeout=8)
    finally:
        engine.dispose()
    assert result.ok
    assert result.tls_version in ("TLSv1.2", "TLSv1.3")
    assert "user=preflight_probe sslmode=verify-full ca_file=set" in result.line()
    assert_clean(f"{result.line()} {result.to_dict()} {result!r}", probe.password)


@pytest.mark.server
def test_engine_that_fails_raises_with_cause(probe: Probe) -> None:
    engine = create_engine(_url(probe, sslmode="disable"))
    with pytest.raises(PreflightError) as info:
        check_engine(engine, timeout=8)
    assert str(info.value).startswith("preflight failed (server_requires_ssl)")
    assert info.value.finding is not None and info.value.finding.cause == "server_requires_ssl"
    assert_clean(f"{info.value} {info.value!r}", probe.password)
    result = check_engine(engine, timeout=8, raise_on_failure=False)
    assert not result.ok and result.cause == "server_requires_ssl"


@pytest.mark.server
def test_url_string_and_wrong_password(probe: Probe) -> None:
    url = _url(probe).set(password=probe.password + "x")
    with pytest.raises(PreflightError) as info:
        check_engine(url.render_as_string(hide_password=False), timeout=8)
    assert "(password_failed)" in str(info.value)
    assert_clean(str(info.value), probe.password)


def test_url_translation() -> None:
    keywords = url_conninfo(make_url("postgresql+asyncpg://app:pw@db.example.com:6543/app?ssl=require&foo=1"))
    assert "sslmode=require" in keywords and "foo" not in keywords and "port=6543" in keywords
    plain = url_conninfo(make_url("postgresql://app@db.example.com/app"))
    assert "password" not in plain and "port" not in plain
    # MySQL/MariaDB engines are read from the URL itself (the MySQL sources know SQLAlchemy's grammar)
    assert url_conninfo(make_url("mysql+pymysql://app:pw@db.example.com/app")) == "mysql+pymysql://app:pw@db.example.com/app"
    with pytest.raises(UsageError):
        url_conninfo(make_url("sqlite:///app.db"))
