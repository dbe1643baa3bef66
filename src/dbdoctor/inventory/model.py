"""What the inventory of a project's settings is made of: the entries found, the report, and how a value is shown
(redacted) and read (its connection parts)."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from dbdoctor.report import Finding

SOURCES_SCHEMA: Final = "dbdoctor.sources/1"

#: environment variable names that carry database connection settings
DB_VAR: Final = re.compile(
    r"^(?:[A-Z0-9_]*DATABASE_URL|DIRECT_URL|DB_URL|PG[A-Z]+|DB_[A-Z0-9_]+|DATABASE_[A-Z0-9_]+|"
    r"POSTGRES(?:QL)?_[A-Z0-9_]+|SPRING_DATASOURCE_[A-Z0-9_]+|JDBC_DATABASE_URL)$"
)
#: names whose value is a password (never shown)
SECRET_NAME: Final = re.compile(r"(?:PASSWORD|PASSWD|(?:^|_)PASS$|(?:^|_)PWD$|SECRET)", re.IGNORECASE)
URL_PREFIX: Final = re.compile(r"^(?:jdbc:)?(?:postgres(?:ql)?(?:\+\w+)?|mysql|mariadb)://", re.IGNORECASE)
TEMPLATE_SUFFIXES: Final = (".example", ".sample", ".template", ".dist", ".defaults", ".tmpl")
SKIP_DIRS: Final = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", "dist", "build",
                              "site-packages", ".mypy_cache", ".ruff_cache", ".pytest_cache", "target", "vendor"})
MAX_FILE_BYTES: Final = 1_000_000
MAX_DEPTH: Final = 4

#: part names → the connection keyword they set (used to compare hosts and SSL modes)
PART: Final[Mapping[str, str]] = {
    "HOST": "host", "HOSTNAME": "host", "SERVER": "host", "PGHOST": "host",
    "SSLMODE": "sslmode", "SSL_MODE": "sslmode", "PGSSLMODE": "sslmode",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """One setting found somewhere. ``value`` is redacted (None when the setting is a password)."""

    kind: str  # environment, dotenv, template, pg_service, pgpass, docker-compose, django, rails, prisma, spring
    file: str  # "environment", or the file's path as found
    line: int | None
    key: str  # variable or setting name (DATABASE_URL, PGHOST, default.HOST, production.url...)
    value: str | None
    secret: bool = False  # the entry sets a password (its value is never shown)
    #: the environment variable this entry reads instead of holding a value (env("DATABASE_URL"))
    reads_env: str | None = None
    #: what a connection string or part says: host, port, dbname, user, sslmode (no password)
    parsed: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: "wins", "overridden by <label>", "template: not loaded", "only with --mode <m>", or ""
    status: str = ""
    #: the mode (environment) the entry belongs to: ``.env.production``, Rails' ``production:`` section,
    #: Spring's ``application-production.yml``, Django's ``settings/production.py``; None when always loaded
    scope: str | None = None

    @property
    def label(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "line": self.line,
            "key": self.key,
            "value": self.value,
            "secret": self.secret,
            "reads_env": self.reads_env,
            "parsed": dict(self.parsed),
            "status": self.status,
            "scope": self.scope,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class SourcesReport:
    directory: str
    entries: tuple[Entry, ...]
    findings: tuple[Finding, ...]
    mode: str | None = None
    #: what libpq would use at run time with the environment and the active dotenv files loaded:
    #: keyword → {"value", "from"} (file:line, "environment", "default", "service:x", "pgpass:..."); the
    #: password only as "set". Empty when nothing sets DATABASE_URL or a PG* variable.
    effective: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)

    def holding_password(self) -> tuple[Entry, ...]:
        """Entries that hold a password: a password setting, or a connection string with one in it."""
        return tuple(e for e in self.entries if e.secret and e.kind != "template")

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SOURCES_SCHEMA,
            "directory": self.directory,
            "mode": self.mode,
            "effective": {k: dict(v) for k, v in self.effective.items()},
            "entries": [e.to_dict() for e in self.entries],
            "findings": [f.to_dict() for f in self.findings],
        }


# --- values ---------------------------------------------------------------------------------------------------


ANY_SCHEME: Final = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.\-]*(?::[A-Za-z][A-Za-z0-9+.\-]*)?://")
_QUERY_SECRET: Final = re.compile(r"([?&;](?:password|passwd|pwd|pass|sslpassword)=)([^&;#\s]*)", re.IGNORECASE)


def redact_value(value: str) -> str:
    """A value as it may be shown: PostgreSQL forms through ``sources.postgres.redact_text``, then, for any
    other scheme (``mysql://``, ``redis://``...), the user info's password up to the last ``@`` and any
    ``password=`` query parameter replaced by ``****``."""
    from dbdoctor.postgres.conninfo import redact_text

    out = redact_text(value)
    m = ANY_SCHEME.match(out)
    if m:
        start = m.end()
        last_at = out.rfind("@")
        if last_at > start:
            colon = out.find(":", start, last_at)
            if colon != -1 and out[colon + 1 : last_at] != "****":
                out = out[: colon + 1] + "****" + out[last_at:]
        out = _QUERY_SECRET.sub(lambda q: q.group(1) + ("****" if q.group(2) else ""), out)
    return out


def is_url(value: str) -> bool:
    return bool(URL_PREFIX.match(value.strip()))


def url_parts(value: str) -> tuple[dict[str, str], bool]:
    """(host/port/dbname/user/sslmode, has a password) of a PostgreSQL URL or keyword string, by libpq's parser;
    empty when it cannot be parsed (or is not PostgreSQL)."""
    from psycopg import Error
    from psycopg.conninfo import conninfo_to_dict

    from dbdoctor.postgres.conninfo import normalise

    text, _ = normalise(value.strip())
    if not text.startswith(("postgresql://", "postgres://")):
        return {}, "@" in text and ":" in text.split("@", 1)[0].split("//", 1)[-1]
    try:
        parsed = {k: str(v) for k, v in conninfo_to_dict(text).items()}
    except (Error, UnicodeDecodeError):
        return {}, ":" in text.split("@", 1)[0].split("//", 1)[-1] if "@" in text else False
    has_pw = bool(parsed.pop("password", ""))
    return {k: v for k, v in parsed.items() if k in ("host", "port", "dbname", "user", "sslmode")}, has_pw


def make_entry(kind: str, file: str, line: int | None, key: str, value: str | None, **kw: Any) -> Entry:
    """An entry for a raw value: passwords hidden, URLs redacted and parsed, ${VAR} references noted."""
    reads = kw.pop("reads_env", None)
    if value is None:
        return Entry(kind, file, line, key, None, reads_env=reads, **kw)
    if reads is None:
        m = re.fullmatch(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}?", value.strip())
        if m:
            reads = m.group(1)
    if SECRET_NAME.search(key.rsplit(".", 1)[-1]) and not is_url(value):
        return Entry(kind, file, line, key, None if reads is None else value, secret=reads is None and bool(value),
                     reads_env=reads, **kw)
    if is_url(value) or ANY_SCHEME.match(value) or re.search(r"(?:^|\s)(?:host|password)\s*=", value):
        parts, has_pw = url_parts(value)
        shown = redact_value(value.strip())
        return Entry(kind, file, line, key, shown, secret=has_pw or shown != value.strip(), reads_env=reads,
                     parsed=parts, **kw)
    part = PART.get(key.rsplit(".", 1)[-1].upper().removeprefix("DB_").removeprefix("DATABASE_")
                     .removeprefix("POSTGRES_"))
    parsed = {part: value.strip()} if part and value.strip() and reads is None else {}
    return Entry(kind, file, line, key, redact_value(value), reads_env=reads, parsed=parsed, **kw)


def read_text(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def walk_files(root: Path, match: re.Pattern[str]) -> Iterator[Path]:
    """Files under root whose relative path matches, skipping virtualenvs, node_modules and VCS folders."""
    base_depth = len(root.parts)
    for dirpath, dirnames, filenames in os.walk(root):
        depth = len(Path(dirpath).parts) - base_depth
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and depth < MAX_DEPTH)
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if match.search(p.relative_to(root).as_posix()):
                yield p


