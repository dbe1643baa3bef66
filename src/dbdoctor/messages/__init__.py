"""The known error messages (the catalog): what PostgreSQL, MySQL/MariaDB, their poolers and their drivers say when a
connection fails, each matched to a cause id (dbdoctor.causes) with a plain explanation and the fix.

Data, not code paths. Each :class:`Entry` has a compiled pattern anchored on the message's distinctive words and
tolerant of the variable parts (host names, addresses, ports, user and database names, quotes). Named groups
(``host``, ``address``, ``port``, ``user``, ``database``, ``sslmode``, ``name``, ``path``, ``param``, ``value``)
are extracted so the explanation can name them. ``{user}``-style fields in ``meaning`` and ``fix`` are filled
from what was extracted, or with a neutral phrase (``FIELD_DEFAULTS``).

Where the texts come from (``origin``): the knowledge files in ../shared/knowledge/ (DRIVERS.md,
SERVER-ERRORS.md), or, where marked, the product's own documentation. ``confirmed`` is True only for texts
reproduced for this catalog against a real server and driver: PostgreSQL 15.18 with libpq 18 through psycopg
3.3 (tests/test_explain.py re-captures them at run time with ``@pytest.mark.server``), psql/libpq 15, and node
22's own ``net`` errors. Everything else keeps the knowledge file's own status in ``note``.

``priority`` decides between overlapping matches: the more specific entry has the higher number. Entries with
the same pattern and priority are alternatives that only a live check can tell apart (MariaDB's ``Access
denied``), and ``explain`` shows them all.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final, Literal

Engine = Literal["postgresql", "mysql", "any"]

#: the words used when a field was not found in the pasted text
FIELD_DEFAULTS: Final = {
    "host": "the server's host name",
    "address": "your client's address",
    "port": "that port",
    "user": "the user",
    "database": "the database",
    "sslmode": "the sslmode",
    "name": "the certificate's name",
    "path": "the file",
    "param": "the parameter",
    "value": "the value",
    "endpoint": "that address and port",
}

Q = r"[\"'“”]"  # any quote a terminal or chat tool may have turned the original into
_S = r"[\"'“”]?"  # an optional quote


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """One known message."""

    id: str
    #: who prints it: "libpq", "server", "pgbouncer", "asyncpg", "node-postgres", "pgjdbc", "pg8000", ...
    source: str
    engine: Engine
    pattern: re.Pattern[str]
    cause: str
    meaning: str
    fix: str
    #: real texts that must match (tests/test_catalog.py)
    examples: tuple[str, ...]
    #: texts that look alike and must not match
    near_misses: tuple[str, ...] = ()
    #: reproduced for this catalog against a real server and driver (see the module docstring)
    confirmed: bool = False
    #: where the text comes from and how sure it is
    note: str = ""
    sqlstate: str | None = None
    priority: int = 50
    #: the order of matches found at different places of one paste (``priority`` only settles overlaps): a line
    #: that refines another (a ``DETAIL:`` line, a provider's own reason after libpq's generic one) ranks 1 and
    #: comes first; a driver's wrapper around the real reason ("Communications link failure", Prisma's P1001)
    #: ranks -1 and comes after it; everything else 0, in the order of the text
    rank: int = 0


def compile_pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE)


HBA_TAIL = (
    rf"host {Q}(?P<address>[^\"'“”]*){Q}, user {Q}(?P<user>[^\"'“”]*){Q}, "
    rf"database {Q}(?P<database>[^\"'“”]*){Q}"
)
CONFIRMED_PG = "Captured from PostgreSQL 15.18 through libpq 18 (psycopg 3.3)."
CONFIRMED_LIBPQ = "Captured from libpq 18 (psycopg 3.3) against PostgreSQL 15.18."
CONFIRMED_NODE = "Captured from node-postgres 8 (node 20) against PostgreSQL 15.18."
CONFIRMED_PY = "Captured from asyncpg 0.32 / pg8000 1.31.6 against PostgreSQL 15.18."
CONFIRMED_MARIADB = "Captured from MariaDB 10.11.19 (server, mariadb client, PyMySQL 1.2.4)."
CONFIRMED_PYSSL = (
    "Captured from Python 3.11's ssl module (what asyncpg, pg8000 and PyMySQL raise) against the sandbox "
    "server; tests/test_explain.py re-captures it."
)
KNOWLEDGE_V = "From the knowledge files, marked reproduced there [V]; not re-run for this catalog."
KNOWLEDGE = "From the knowledge files, not marked as reproduced there: unconfirmed."
DOCS = "Not in the knowledge files: from the product's documentation; unconfirmed."

#: MySQL/MariaDB 1045 (and what MariaDB words the same); not 1044's "... to database 'x'", a different error
ACCESS_DENIED = (
    r"Access denied for user '(?P<user>[^']*)'@'(?P<address>[^']*)'(?! to database)"
    r"(?: \(using password: (?P<using_password>YES|NO)\))?"
)

PREFER_NOTE = (
    " If the same paste also shows an SSL or certificate error from an earlier attempt (sslmode=prefer tries "
    "SSL first, then plain), that earlier error is the real cause."
)


# the ordered registry: one module per source (imported last: they use the type and helpers above)
from dbdoctor.messages import (  # noqa: E402
    dotnet,
    go,
    jdbc,
    libpq,
    mysql_clients,
    mysql_server,
    node,
    openssl,
    pgbouncer,
    php,
    postgres_server,
    prisma,
    providers,
    python,
    rust,
)

ENTRIES: Final[tuple[Entry, ...]] = (
    *postgres_server.ENTRIES,
    *pgbouncer.ENTRIES,
    *libpq.ENTRIES,
    *python.ENTRIES,
    *openssl.ENTRIES,
    *node.ENTRIES,
    *jdbc.ENTRIES,
    *go.ENTRIES,
    *mysql_server.ENTRIES,
    *mysql_clients.ENTRIES,
    *prisma.ENTRIES,
    *rust.ENTRIES,
    *dotnet.ENTRIES,
    *php.ENTRIES,
    *providers.ENTRIES,
)


def by_id(entry_id: str) -> Entry | None:
    return next((e for e in ENTRIES if e.id == entry_id), None)
