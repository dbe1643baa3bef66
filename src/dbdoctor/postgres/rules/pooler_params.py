"""A pooler refuses a start-up parameter the client sends (DD410)."""

from __future__ import annotations

import re

from dbdoctor.postgres.diagnosis import Diagnosis
from dbdoctor.postgres.rules.evidence import cause_rule, driver_said, where

DD410_DOC = """
What it checks
--------------
Whether the connection ended with PgBouncer's ``unsupported startup parameter: NAME`` (SQLSTATE 08P01): the
client put a parameter into its start-up packet that the pooler does not pass on.

Why it matters
--------------
PostgreSQL itself accepts these parameters, so the same settings work against the database and fail through
the pooler. Clients send them without being asked: pgjdbc sends ``extra_float_digits``, libpq sends
``options`` when the string has ``options=-c ...``, asyncpg and pgx forward any unknown URL key (``search_path``,
``statement_timeout``).

How to fix
----------
On the pooler, list the parameter in ``ignore_startup_parameters`` in pgbouncer.ini (``extra_float_digits``
is the usual one; ``options`` from PgBouncer 1.20 can be tracked) and reload. Or remove it from the client's
settings and set it after connecting (``SET statement_timeout = ...``) or per role
(``ALTER ROLE app SET ...``). Hosted poolers (Supabase, Neon, Heroku) document their own list.

Example
-------
``postgresql://app@pooler:6432/app?options=-c%20statement_timeout%3D5000`` through PgBouncer gives
``FATAL:  unsupported startup parameter: options``; the same URL to port 5432 connects.
"""

_NAME = re.compile(r"unsupported startup parameter:?\s*\"?([\w.-]+)", re.IGNORECASE)


def _dd410(d: Diagnosis) -> tuple[str, str]:
    m = _NAME.search(d.driver.message or "") if d.driver is not None else None
    name = m.group(1) if m else None
    what = f"the start-up parameter {name!r}" if name else "a start-up parameter the client sends"
    return (
        f"The pooler at {where(d)} (PgBouncer) refuses {what}: PostgreSQL accepts it, the pooler does not pass "
        f"it on.{driver_said(d)}",
        f"Add {name or 'the parameter'} to ignore_startup_parameters in pgbouncer.ini and reload, or take it "
        "out of the connection settings and SET it after connecting (or ALTER ROLE ... SET).",
    )


DD410 = cause_rule(code="DD410", cause="pooler_startup_parameter",
                   title="The pooler refuses a start-up parameter the client sends", doc=DD410_DOC,
                   build=_dd410)

RULES = (DD410,)
