"""The one place an engine is chosen: every entry (each command, the library API, the preflight fast path, the
Django and SQLAlchemy integrations, scan and the exporter) asks :func:`route` and then talks to that engine
through the :class:`dbdoctor.engine.Engine` interface, never to an engine's modules directly.

How the engine is chosen, first rule that applies:

1. the connection string that the settings come from: the target, else ``DATABASE_URL`` (the real environment
   first, then the dotenv files, a later file winning, as the sources read it). An engine claims it by its
   form (``mysql://``, ``mariadb://``, ``mysql+pymysql://``, ``jdbc:mysql://`` ... are MySQL's); anything else
   is PostgreSQL's, whose parser (libpq's) has the last word on it;
2. without one, a MySQL option file named with ``--defaults-file`` means MySQL/MariaDB;
3. without either, a driver named with ``--driver`` that is a MySQL driver (``pymysql``, ``mysql2`` ...);
4. without any of these, the ``MYSQL_*`` variables (``MYSQL_HOST``, ``MYSQL_TCP_PORT``, ``MYSQL_UNIX_PORT``,
   ``MYSQL_PWD``) when no ``PG*`` variable is set, in the environment or the dotenv files;
5. else PostgreSQL, whose defaults (the ``PG*`` variables, the service file, a local socket) apply.

``--defaults-file`` with a PostgreSQL connection string is a usage error (exit 2): libpq reads no MySQL option
file. Routing costs nothing: no engine's pipeline, no driver and no parser is imported to decide.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pathlib import Path

    from dbdoctor.engine import Engine
    from dbdoctor.rules.base import Rule

#: engine name -> its package; the first engine whose ``claims`` accepts a text takes it, the last is the default
ENGINES: Final[Mapping[str, str]] = {
    "mysql": "dbdoctor.mysql",
    "postgresql": "dbdoctor.postgres",
}
DEFAULT: Final = "postgresql"

#: the MySQL client's own environment variables (the MySQL sources read them)
_MYSQL_VARS: Final = ("MYSQL_HOST", "MYSQL_TCP_PORT", "MYSQL_UNIX_PORT", "MYSQL_PWD")


class Route:
    """Which engine takes a target, and why (``because`` is shown to the user; no secret in it). A plain class,
    not a dataclass or a NamedTuple: routing runs on the preflight's click-free path, where building either costs
    more than the rest of the decision (bench/seam_ab.py)."""

    __slots__ = ("because", "engine", "text")

    def __init__(self, engine: str, text: str | None, because: str) -> None:
        self.engine = engine
        #: the connection string the settings come from (the target, else DATABASE_URL), or None
        self.text = text
        self.because = because

    def __repr__(self) -> str:  # the text may hold a password: never shown
        return f"Route(engine={self.engine!r}, because={self.because!r})"

    def get(self) -> Engine:
        return engine(self.engine)


def engine(name: str) -> Engine:
    """The engine object of a name in :data:`ENGINES` (its package's ``ENGINE``)."""
    module = importlib.import_module(ENGINES[name])
    found: Engine = module.ENGINE
    return found


def engines() -> tuple[Engine, ...]:
    return tuple(engine(name) for name in ENGINES)


def engine_of_text(text: str) -> str:
    """The engine a connection string belongs to, by its form alone."""
    for name in ENGINES:
        if name != DEFAULT and engine(name).claims(text):
            return name
    return DEFAULT


def _dotenv_values(environ: Mapping[str, str], env_files: Sequence[str | Path]) -> dict[str, str]:
    if not env_files:
        return {}
    from dbdoctor.sources.files import dotenv_layers

    merged: dict[str, str] = {}
    for _label, values in dotenv_layers(environ, env_files):
        merged.update(values)
    return merged


def _is_mysql_driver(driver: str) -> bool:
    from dbdoctor.drivers import engine_of_driver

    return engine_of_driver(driver) == "mysql"


def route(
    target: str | None,
    environ: Mapping[str, str],
    env_files: Sequence[str | Path] = (),
    *,
    defaults_file: str | Path | None = None,
    driver: str | None = None,
) -> Route:
    """The engine that takes this target. Raises :class:`dbdoctor.errors.SourceFileError` for a dotenv file that
    cannot be read and :class:`dbdoctor.errors.UsageError` for ``--defaults-file`` with a PostgreSQL target."""
    text: str | None
    if target is not None:
        text, because = target, "the target"
    elif "DATABASE_URL" in environ:
        text, because = environ["DATABASE_URL"], "DATABASE_URL"
    else:
        dotenv = _dotenv_values(environ, env_files)
        text = dotenv.get("DATABASE_URL")
        because = "DATABASE_URL in the dotenv files"
    if text is not None:
        name = engine_of_text(text)
        if defaults_file is not None and name == DEFAULT:
            raise defaults_file_error(defaults_file)
        return Route(name, text, f"{because} is a {name} connection string")
    if defaults_file is not None:
        return Route("mysql", None, "--defaults-file names a MySQL option file")
    if driver is not None and _is_mysql_driver(driver):
        return Route("mysql", None, f"--driver {driver.split('==')[0]} is a MySQL driver")
    variables = {**_dotenv_values(environ, env_files), **environ}
    mysql_vars = [v for v in _MYSQL_VARS if variables.get(v)]
    if mysql_vars and not any(k.startswith("PG") for k in variables):
        return Route("mysql", None, f"{mysql_vars[0]} is set and no PG* variable is")
    return Route(DEFAULT, None, "the PostgreSQL defaults")


def defaults_file_error(path: str | Path) -> Exception:
    """``--defaults-file`` with a PostgreSQL target: a usage error (libpq reads no MySQL option file), for
    preflight, check and parse alike."""
    from dbdoctor.errors import UsageError

    return UsageError(
        f"--defaults-file {path} is a MySQL/MariaDB option file, and the target is a PostgreSQL one",
        "drop --defaults-file: PostgreSQL settings come from the target, the PG* variables, the service file "
        "and ~/.pgpass (and dotenv files with --env-file)",
    )


def all_rules() -> tuple[Rule, ...]:
    """Every rule of every engine, by code (``explain``, the docs pages, the tests)."""
    from dbdoctor.rules.registry import load

    modules: list[str] = []
    for e in engines():
        modules.extend(m for m in e.rule_modules if m not in modules)
    return load(modules)


__all__ = ["DEFAULT", "ENGINES", "Route", "all_rules", "defaults_file_error", "engine", "engine_of_text", "engines",
           "route"]
