"""PgBouncer's own texts, captured at run time from a real PgBouncer 1.18 through psycopg (libpq 18), must be
explained by the catalog entries that claim them (``confirmed=True``)."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest

from dbdoctor.explain import explain
from dbdoctor.sandbox.pgbouncer import PgBouncerServer

pytestmark = pytest.mark.server


@pytest.mark.parametrize(
    ("extra", "entry", "cause"),
    [
        ({"password": "not-the-password"}, "pgbouncer.sasl_failed", "password_failed"),
        ({"options": "-c search_path=x"}, "pgbouncer.unsupported_startup_parameter", "pooler_startup_parameter"),
        ({"sslmode": "disable"}, "pgbouncer.ssl_required", "server_requires_ssl"),
        ({"dbname": "nodb"}, "pgbouncer.no_such_database", "database_missing"),
    ],
)
def test_pgbouncer_texts_are_explained(
    pgbouncer_factory: Callable[..., PgBouncerServer], extra: dict[str, str], entry: str, cause: str
) -> None:
    pb = pgbouncer_factory()
    with pytest.raises(psycopg.OperationalError) as exc:
        psycopg.connect(pb.conninfo(), connect_timeout=5, **extra).close()
    ex = explain(str(exc.value))
    assert ex.kind == "message"
    assert ex.matches[0].id == entry and ex.matches[0].cause == cause, (str(exc.value), ex.matches)
