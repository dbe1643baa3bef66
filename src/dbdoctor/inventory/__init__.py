"""Every place a project keeps database connection settings, and which one wins at run time.

The inventory behind ``dbdoctor sources``: ``scan(directory, environ=..., home=...)`` reads, without executing anything:

- the process environment (``DATABASE_URL``, ``PG*``, ``DB_*``, ``DATABASE_*``, ``POSTGRES_*``,
  ``SPRING_DATASOURCE_*``...);
- dotenv files in the directory (``.env``, ``.env.local``, ``.env.production``, ``.env.*``), parsed by
  python-dotenv; ``.env.example``/``.sample``/``.template``/``.dist`` are listed as templates, never loaded;
- ``pg_service.conf`` (``PGSERVICEFILE``, ``~/.pg_service.conf``, the directory's own, ``PGSYSCONFDIR``'s);
- ``.pgpass`` (``PGPASSFILE`` or ``~/.pgpass``, and one in the directory);
- docker-compose ``environment:`` blocks (list and mapping forms), Rails ``config/database.yml`` and Spring
  ``application*.yml``: a small indentation reader for the simple block YAML these files use (no anchors,
  flow collections or multi-line scalars; PyYAML is not a dependency and these files rarely need more);
- Django ``DATABASES`` in ``settings.py`` files: read with :mod:`ast` (literal dicts, ``os.environ[...]``,
  ``os.environ.get``/``os.getenv``/``env(...)`` calls, ``dj_database_url.config``/``parse``); never imported;
- Prisma ``schema.prisma``: ``url = env("NAME")`` or a literal URL;
- Spring ``application*.properties``: ``spring.datasource.*`` with ``${NAME:default}`` placeholders.

Every connection string is shown redacted (``dbdoctor.postgres.sources.redact_text``) with its file and line; a
password is never shown, only where it is set. Precedence, as the common loaders apply it: the process
environment beats every dotenv file (python-dotenv's ``override=False``, dotenv-flow, Next.js, Vite, the
dotenv gem), and among dotenv files ``.env.<mode>.local`` > ``.env.local`` > ``.env.<mode>`` > ``.env``.
Conflicts are findings: DD107 (``env_override``) for a variable set in several places with different values,
DD701 (``env_override``) for different database hosts or SSL modes across the files.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path

from dbdoctor.inventory.code_files import django_entries
from dbdoctor.inventory.env_files import (
    dotenv_entries,
    environment_entries,
    pg_service_entries,
    pgpass_entries,
    service_files,
)
from dbdoctor.inventory.model import Entry, SourcesReport
from dbdoctor.inventory.precedence import active, conflicts, entry_scope, mark_status, run_time
from dbdoctor.inventory.yaml_files import compose_entries, prisma_entries, rails_entries, spring_entries
from dbdoctor.report import sort_findings


def scan(directory: str | Path = ".", *, environ: Mapping[str, str] | None = None,
         home: Path | None = None, mode: str | None = None) -> SourcesReport:
    """Every place in ``directory`` (and the environment, and the user's libpq files) that holds database
    connection settings, with precedence marked and conflicts as findings. Reads files only; executes nothing.

    ``mode`` (``production``, ``development``...) is the environment the app runs in: files and sections of
    other modes (``.env.development``, Rails' ``test:``, ``application-dev.yml``) are listed, marked
    ``only with --mode X``, and left out of precedence and conflicts, since they are alternatives, not
    overrides. Without a mode only what every mode loads is compared."""
    env = dict(os.environ) if environ is None else dict(environ)
    root = Path(directory)
    from dbdoctor.postgres.files import libpq_home

    home = home if home is not None else libpq_home(env)
    entries: list[Entry] = []
    entries += environment_entries(env)
    if root.is_dir():
        entries += dotenv_entries(root)
    for path in service_files(root, env, home):
        entries += pg_service_entries(path)
    passfiles = [Path(env["PGPASSFILE"])] if env.get("PGPASSFILE") else [home / ".pgpass"]
    passfiles.append(root / ".pgpass")
    done: set[Path] = set()
    for pf in passfiles:
        if pf.is_file() and pf.resolve() not in done:
            done.add(pf.resolve())
            entries += pgpass_entries(pf)
    if root.is_dir():
        entries += compose_entries(root)
        entries += django_entries(root)
        entries += rails_entries(root)
        entries += prisma_entries(root)
        entries += spring_entries(root)
    scoped = []
    for e in entries:
        e = dataclasses.replace(e, scope=entry_scope(e))
        if e.kind != "template" and not active(e, mode):
            e = dataclasses.replace(e, status=f"only with --mode {e.scope}")
        scoped.append(e)
    entries, findings = mark_status(scoped)
    findings += conflicts(entries)
    effective, run_findings = run_time(root, env, home, entries)
    findings += run_findings
    return SourcesReport(str(root), tuple(entries), sort_findings(findings), mode, effective)


__all__ = ["Entry", "SourcesReport", "scan"]
