from __future__ import annotations

import psycopg.conninfo

from dbdoctor.postgres import conninfo
from dbdoctor.target import Secret, Target


def _target(params: dict[str, str], form: str = "url") -> Target:
    return Target(
        engine="postgresql",
        params=params,
        settings=params,
        provenance={"password": "url"},
        password=Secret("s3cr@t"),
        form=form,
    )


def test_url_round_trips_through_libpq() -> None:
    params = {"user": "app", "host": "db.example.com", "port": "5432", "dbname": "my db", "sslmode": "verify-full"}
    text = conninfo.url(params, password_set=False)
    assert psycopg.conninfo.conninfo_to_dict(text) == params


def test_ipv6_and_multi_host_round_trip() -> None:
    params = {"host": "::1,db2", "port": "5432,5433", "dbname": "app"}
    assert psycopg.conninfo.conninfo_to_dict(conninfo.url(params, password_set=False)) == params


def test_unix_socket_goes_into_the_query() -> None:
    params = {"host": "/var/run/postgresql", "dbname": "app"}
    assert psycopg.conninfo.conninfo_to_dict(conninfo.url(params, password_set=False)) == params


def test_keywords_round_trip_with_quoting() -> None:
    params = {"host": "h", "dbname": "it's here", "application_name": "a\\b c"}
    assert psycopg.conninfo.conninfo_to_dict(conninfo.keywords(params, password_set=False)) == params


def test_render_redacts_and_applies_changes() -> None:
    t = _target({"user": "app", "host": "10.0.0.5", "dbname": "app"})
    out = conninfo.render(t, {"host": "db.example.com", "hostaddr": "10.0.0.5"})
    assert "s3cr" not in out and "****" in out
    assert "hostaddr=10.0.0.5" in out and "db.example.com" in out


def test_secret_never_prints() -> None:
    s = Secret("hunter2")
    assert "hunter2" not in f"{s} {s!r} {s:>20} {[s]} {({'p': s})}"
    assert s.reveal() == "hunter2"
