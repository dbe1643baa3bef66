"""The environment, dotenv files, pg_service.conf and .pgpass as settings sources."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from dbdoctor.inventory.model import DB_VAR, TEMPLATE_SUFFIXES, Entry, is_url, make_entry, read_text

# --- readers --------------------------------------------------------------------------------------------------


def environment_entries(environ: Mapping[str, str]) -> list[Entry]:
    return [make_entry("environment", "environment", None, k, environ[k]) for k in sorted(environ) if DB_VAR.match(k)]


def line_of(lines: Sequence[str], pattern: str) -> int | None:
    rx = re.compile(pattern)
    for i, line in enumerate(lines, 1):
        if rx.search(line):
            return i
    return None


def dotenv_rank(name: str) -> int:
    """Load priority among dotenv files (higher wins): .env.<mode>.local > .env.local > .env.<mode> > .env."""
    if name == ".env":
        return 0
    if name == ".env.local":
        return 2
    if name.endswith(".local"):
        return 3
    return 1


def dotenv_entries(root: Path) -> list[Entry]:
    from dotenv import dotenv_values

    out = []
    for p in sorted(root.glob(".env*")):
        if not p.is_file():
            continue
        text = read_text(p)
        if text is None:
            continue
        import io

        values = dotenv_values(stream=io.StringIO(text), interpolate=False)
        lines = text.splitlines()
        kind = "template" if p.name.endswith(TEMPLATE_SUFFIXES) else "dotenv"
        for key, value in values.items():
            if not DB_VAR.match(key) and not (value and is_url(value)):
                continue
            line = line_of(lines, rf"^\s*(?:export\s+)?{re.escape(key)}\s*=")
            e = make_entry(kind, p.name, line, key, value)
            if kind == "template":
                e = dataclasses.replace(e, status="template: not loaded")
            out.append(e)
    return out


def service_files(root: Path, environ: Mapping[str, str], home: Path) -> list[Path]:
    cands = []
    if "PGSERVICEFILE" in environ:
        cands.append(Path(environ["PGSERVICEFILE"]))
    cands += [home / ".pg_service.conf", root / "pg_service.conf", root / ".pg_service.conf",
              Path(environ.get("PGSYSCONFDIR", "/etc/postgresql-common")) / "pg_service.conf"]
    seen: list[Path] = []
    for c in cands:
        if c.is_file() and c.resolve() not in [s.resolve() for s in seen]:
            seen.append(c)
    return seen


def pg_service_entries(path: Path) -> list[Entry]:
    text = read_text(path)
    if text is None:
        return []
    out = []
    group = None
    for number, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s.startswith("[") and s.endswith("]"):
            group = s[1:-1]
            continue
        key, sep, value = s.partition("=")
        if not sep or group is None:
            continue
        key, value = key.strip(), value.strip()
        if key == "password":
            out.append(Entry("pg_service", str(path), number, f"[{group}].password", None, secret=True))
        else:
            parsed = {key: value} if key in ("host", "port", "dbname", "user", "sslmode") else {}
            out.append(Entry("pg_service", str(path), number, f"[{group}].{key}", value, parsed=parsed))
    return out


def pgpass_entries(path: Path) -> list[Entry]:
    text = read_text(path)
    if text is None:
        return []
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        # split the four match fields as libpq does (\ escapes : and \); the rest is the password
        fields = []
        rest = line
        for _ in range(4):
            m = re.match(r"((?:\\.|[^:\\])*):", rest)
            if not m:
                break
            fields.append(m.group(1))
            rest = rest[m.end():]
        if len(fields) < 4:
            continue
        host, port, db, user = (re.sub(r"\\(.)", r"\1", f) for f in fields)
        out.append(Entry("pgpass", str(path), number, f"{host}:{port}:{db}:{user}", f"{host}:{port}:{db}:{user}:****",
                         secret=True))
    return out


