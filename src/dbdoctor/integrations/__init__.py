"""Framework integrations: a Django system check (:mod:`dbdoctor.integrations.django`), a SQLAlchemy helper
(:mod:`dbdoctor.integrations.sqlalchemy`), and an ASGI lifespan example in docs/integrations.md.

Each module imports its framework only when used; ``import dbdoctor`` never imports any of them. Shared here:
turning a framework's connection settings into a libpq keyword string for the preflight.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any


@cache
def libpq_keywords() -> frozenset[str]:
    """Every connection keyword the loaded libpq knows (PQconndefaults)."""
    from psycopg import pq

    return frozenset(d.keyword.decode() for d in pq.Conninfo.get_defaults())


def conninfo_from(params: Mapping[str, Any]) -> str:
    """A libpq keyword string from keyword parameters: None and empty values dropped, keywords libpq does not
    know dropped (framework-only options such as Django's ``isolation_level``). The result may hold the
    password: it is only ever handed to the preflight, which never prints it."""
    from psycopg.conninfo import make_conninfo

    known = libpq_keywords()
    kept = {k: str(v) for k, v in params.items() if k in known and v is not None and str(v) != ""}
    return make_conninfo("", **kept)
