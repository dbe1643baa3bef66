"""SQLAlchemy: run the preflight on an Engine's URL.

::

    from sqlalchemy import create_engine
    from dbdoctor.integrations.sqlalchemy import check_engine

    engine = create_engine(os.environ["DATABASE_URL"])
    log.info(check_engine(engine).line())     # raises dbdoctor.errors.PreflightError when it does not work

The connection is made by libpq (psycopg) with the URL's host, port, database, user, password and the query
parameters libpq knows (``sslmode``, ``sslrootcert``, ...), whatever the dialect's driver is; asyncpg's
``ssl=`` is read as the sslmode it names. Settings given only in ``connect_args`` are not visible on the URL and
are not checked. The password is taken from the URL object and is never printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Engine

    from dbdoctor.gating import PreflightResult

SSLMODES: Final = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})


def url_conninfo(url: URL) -> str:
    """The target dbdoctor reads for a SQLAlchemy URL (password included; never print it): the libpq keyword
    string for PostgreSQL, the URL as written for MySQL/MariaDB."""
    from dbdoctor.errors import UsageError
    from dbdoctor.integrations import conninfo_from

    backend = url.get_backend_name()
    if backend in ("mysql", "mariadb"):
        # MySQL/MariaDB: the URL itself, which dbdoctor's MySQL sources read with SQLAlchemy's own grammar
        return str(url.render_as_string(hide_password=False))
    if backend not in ("postgresql", "postgres"):
        raise UsageError(f"check_engine checks PostgreSQL and MySQL/MariaDB engines; this one is {backend!r}",
                         hint="use a postgresql:// or mysql:// (or +driver) URL")
    params: dict[str, Any] = {}
    for key, value in url.query.items():
        params[key] = value[-1] if isinstance(value, tuple) else value
    ssl = params.pop("ssl", None)
    if ssl is not None and "sslmode" not in params and str(ssl) in SSLMODES:
        params["sslmode"] = ssl  # asyncpg's spelling
    params.update(host=url.host, port=url.port, dbname=url.database, user=url.username, password=url.password)
    return conninfo_from(params)


def check_engine(
    engine: Engine | URL | str,
    *,
    timeout: float = 10.0,
    wait: float = 0.0,
    phase: str | None = None,
    raise_on_failure: bool = True,
) -> PreflightResult:
    """The preflight for an Engine (or a URL): one real connection with the URL's settings.

    Returns the :class:`dbdoctor.gating.PreflightResult`; when the connection fails, raises
    :class:`dbdoctor.errors.PreflightError` (cause and fix in its message), or with ``raise_on_failure=False``
    returns the failed result. ``wait``: retry with backoff for that many seconds."""
    from sqlalchemy.engine import Engine as _Engine
    from sqlalchemy.engine import make_url

    from dbdoctor.api import preflight, preflight_result

    target = url_conninfo(engine.url if isinstance(engine, _Engine) else make_url(engine))
    if raise_on_failure:
        return preflight(target, timeout=timeout, wait=wait, phase=phase)
    return preflight_result(target, timeout=timeout, wait=wait, phase=phase)
