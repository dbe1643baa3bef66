'''Config files disagree about the database (``env_override``).

What it checks
--------------
``dbdoctor sources DIR`` reads every place a project keeps connection settings (the environment, dotenv
files, ``pg_service.conf``, ``.pgpass``, docker-compose ``environment`` blocks, Django ``DATABASES``, Rails
``config/database.yml``, Prisma's schema and Spring's ``application.properties``/``.yml``) and compares what
they say. This rule fires when they name **different database hosts** or **different SSL modes**. Template
files (``.env.example``, ``.env.sample``, ``.env.template``) are listed but not compared. A variable set in
two places with different values is reported by DD107 instead. The rule runs in ``dbdoctor sources``; the
``parse`` and ``check`` commands, which see one target, never produce it.

Why it matters
--------------
A project whose ``.env`` says ``sslmode=require`` and whose ``docker-compose.yml`` says ``sslmode=disable``
works or fails depending on how it was started, and the fix applied to one file is silently undone by the
other. After a password or host change, every file that still holds the old value is a future outage.

How to fix
----------
Keep one source of truth (usually ``DATABASE_URL`` in the platform's environment) and make the other files
read it (``env("DATABASE_URL")``, ``${DATABASE_URL}``, ``ENV["DATABASE_URL"]``) instead of repeating the
values. Where two environments really differ (a local database for development), keep them in files that
are clearly per-environment.

Example
-------
``.env``: ``DATABASE_URL=postgresql://app@db.example.com/app?sslmode=verify-full``;
``docker-compose.yml``: ``DATABASE_URL: postgresql://app@localhost/app?sslmode=disable``. Both hosts and
both SSL modes are listed with file and line; decide which one the app should use and point the other at it.
'''

from __future__ import annotations

from collections.abc import Iterable

from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule


def check(ctx: Context) -> Iterable[Finding]:
    """Nothing to compare in a single target: ``dbdoctor.inventory.scan`` builds these findings."""
    return ()


RULE = Rule(
    code="DD701",
    cause="env_override",
    severity="warning",
    title="Config files disagree about the database",
    doc=__doc__ or "",
    check=check,
    stage="static",
)
