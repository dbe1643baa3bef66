"""The known error messages: kept as this name for its importers; the entries live in :mod:`dbdoctor.messages`,
one module per source (PostgreSQL server, libpq, PgBouncer, the MySQL server and clients, node, JDBC, Go, Prisma,
.NET, PHP, providers)."""

from __future__ import annotations

from dbdoctor.messages import ENTRIES, FIELD_DEFAULTS, Engine, Entry, by_id

__all__ = ["ENTRIES", "FIELD_DEFAULTS", "Engine", "Entry", "by_id"]
