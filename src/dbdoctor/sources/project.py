"""Every place a project keeps database connection settings, and which one wins at run time.

``scan(directory, environ=..., home=...)`` reads, without executing anything:

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

Every connection string is shown redacted (``sources.postgres.redact_text``) with its file and line; a
password is never shown, only where it is set. Precedence, as the common loaders apply it: the process
environment beats every dotenv file (python-dotenv's ``override=False``, dotenv-flow, Next.js, Vite, the
dotenv gem), and among dotenv files ``.env.<mode>.local`` > ``.env.local`` > ``.env.<mode>`` > ``.env``.
Conflicts are findings: DD107 (``env_override``) for a variable set in several places with different values,
DD701 (``env_override``) for different database hosts or SSL modes across the files.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from dbdoctor.report import Finding, sort_findings

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
_PART: Final[Mapping[str, str]] = {
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


_ANY_SCHEME: Final = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.\-]*(?::[A-Za-z][A-Za-z0-9+.\-]*)?://")
_QUERY_SECRET: Final = re.compile(r"([?&;](?:password|passwd|pwd|pass|sslpassword)=)([^&;#\s]*)", re.IGNORECASE)


def redact_value(value: str) -> str:
    """A value as it may be shown: PostgreSQL forms through ``sources.postgres.redact_text``, then, for any
    other scheme (``mysql://``, ``redis://``...), the user info's password up to the last ``@`` and any
    ``password=`` query parameter replaced by ``****``."""
    from dbdoctor.postgres.sources import redact_text

    out = redact_text(value)
    m = _ANY_SCHEME.match(out)
    if m:
        start = m.end()
        last_at = out.rfind("@")
        if last_at > start:
            colon = out.find(":", start, last_at)
            if colon != -1 and out[colon + 1 : last_at] != "****":
                out = out[: colon + 1] + "****" + out[last_at:]
        out = _QUERY_SECRET.sub(lambda q: q.group(1) + ("****" if q.group(2) else ""), out)
    return out


def _is_url(value: str) -> bool:
    return bool(URL_PREFIX.match(value.strip()))


def _url_parts(value: str) -> tuple[dict[str, str], bool]:
    """(host/port/dbname/user/sslmode, has a password) of a PostgreSQL URL or keyword string, by libpq's parser;
    empty when it cannot be parsed (or is not PostgreSQL)."""
    from psycopg import Error
    from psycopg.conninfo import conninfo_to_dict

    from dbdoctor.postgres.sources import normalise

    text, _ = normalise(value.strip())
    if not text.startswith(("postgresql://", "postgres://")):
        return {}, "@" in text and ":" in text.split("@", 1)[0].split("//", 1)[-1]
    try:
        parsed = {k: str(v) for k, v in conninfo_to_dict(text).items()}
    except (Error, UnicodeDecodeError):
        return {}, ":" in text.split("@", 1)[0].split("//", 1)[-1] if "@" in text else False
    has_pw = bool(parsed.pop("password", ""))
    return {k: v for k, v in parsed.items() if k in ("host", "port", "dbname", "user", "sslmode")}, has_pw


def _entry(kind: str, file: str, line: int | None, key: str, value: str | None, **kw: Any) -> Entry:
    """An entry for a raw value: passwords hidden, URLs redacted and parsed, ${VAR} references noted."""
    reads = kw.pop("reads_env", None)
    if value is None:
        return Entry(kind, file, line, key, None, reads_env=reads, **kw)
    if reads is None:
        m = re.fullmatch(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}?", value.strip())
        if m:
            reads = m.group(1)
    if SECRET_NAME.search(key.rsplit(".", 1)[-1]) and not _is_url(value):
        return Entry(kind, file, line, key, None if reads is None else value, secret=reads is None and bool(value),
                     reads_env=reads, **kw)
    if _is_url(value) or _ANY_SCHEME.match(value) or re.search(r"(?:^|\s)(?:host|password)\s*=", value):
        parts, has_pw = _url_parts(value)
        shown = redact_value(value.strip())
        return Entry(kind, file, line, key, shown, secret=has_pw or shown != value.strip(), reads_env=reads,
                     parsed=parts, **kw)
    part = _PART.get(key.rsplit(".", 1)[-1].upper().removeprefix("DB_").removeprefix("DATABASE_")
                     .removeprefix("POSTGRES_"))
    parsed = {part: value.strip()} if part and value.strip() and reads is None else {}
    return Entry(kind, file, line, key, redact_value(value), reads_env=reads, parsed=parsed, **kw)


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _walk(root: Path, match: re.Pattern[str]) -> Iterator[Path]:
    """Files under root whose relative path matches, skipping virtualenvs, node_modules and VCS folders."""
    base_depth = len(root.parts)
    for dirpath, dirnames, filenames in os.walk(root):
        depth = len(Path(dirpath).parts) - base_depth
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and depth < MAX_DEPTH)
        for name in sorted(filenames):
            p = Path(dirpath) / name
            if match.search(p.relative_to(root).as_posix()):
                yield p


# --- readers --------------------------------------------------------------------------------------------------


def _environment(environ: Mapping[str, str]) -> list[Entry]:
    return [_entry("environment", "environment", None, k, environ[k]) for k in sorted(environ) if DB_VAR.match(k)]


def _line_of(lines: Sequence[str], pattern: str) -> int | None:
    rx = re.compile(pattern)
    for i, line in enumerate(lines, 1):
        if rx.search(line):
            return i
    return None


def _dotenv_rank(name: str) -> int:
    """Load priority among dotenv files (higher wins): .env.<mode>.local > .env.local > .env.<mode> > .env."""
    if name == ".env":
        return 0
    if name == ".env.local":
        return 2
    if name.endswith(".local"):
        return 3
    return 1


def _dotenv(root: Path) -> list[Entry]:
    from dotenv import dotenv_values

    out = []
    for p in sorted(root.glob(".env*")):
        if not p.is_file():
            continue
        text = _read(p)
        if text is None:
            continue
        import io

        values = dotenv_values(stream=io.StringIO(text), interpolate=False)
        lines = text.splitlines()
        kind = "template" if p.name.endswith(TEMPLATE_SUFFIXES) else "dotenv"
        for key, value in values.items():
            if not DB_VAR.match(key) and not (value and _is_url(value)):
                continue
            line = _line_of(lines, rf"^\s*(?:export\s+)?{re.escape(key)}\s*=")
            e = _entry(kind, p.name, line, key, value)
            if kind == "template":
                e = dataclasses.replace(e, status="template: not loaded")
            out.append(e)
    return out


def _service_files(root: Path, environ: Mapping[str, str], home: Path) -> list[Path]:
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


def _pg_service(path: Path) -> list[Entry]:
    text = _read(path)
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


def _pgpass(path: Path) -> list[Entry]:
    text = _read(path)
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


# --- the small block-YAML reader ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _YamlItem:
    path: tuple[str, ...]  # keys from the top ("services", "web", "environment", "DATABASE_URL")
    value: str
    line: int


def _unquote_yaml(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] == '"':
        return v[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if len(v) >= 2 and v[0] == v[-1] == "'":
        return v[1:-1].replace("''", "'")
    return re.sub(r"\s+#.*$", "", v)


def _yaml_scalars(text: str) -> list[_YamlItem]:
    """Scalars of simple block YAML with their key paths and lines. ``- KEY=VALUE`` list items become a key
    ``KEY`` (docker-compose's list form of ``environment``); other list items are keyed by their index."""
    out: list[_YamlItem] = []
    stack: list[tuple[int, str]] = []  # (indent, key)
    counters: dict[tuple[str, ...], int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#") or raw.strip() in ("---", "..."):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        s = raw.strip()
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = tuple(k for _, k in stack)
        if s.startswith("- ") or s == "-":
            item = s[2:].strip()
            m = re.match(r"^([\"']?)([A-Za-z_][A-Za-z0-9_.]*)=(.*)\1$", item)
            if m:
                out.append(_YamlItem((*path, m.group(2)), m.group(3), number))
                continue
            m = re.match(r"^([\w.\-\"']+)\s*:\s*(.*)$", item)
            if m:  # "- key: value" starts a mapping inside a list
                idx = counters.get(path, 0)
                counters[path] = idx + 1
                stack.append((indent, str(idx)))
                key = m.group(1).strip("\"'")
                if m.group(2).strip():
                    out.append(_YamlItem((*path, str(idx), key), _unquote_yaml(m.group(2)), number))
                else:
                    stack.append((indent + 2, key))
                continue
            idx = counters.get(path, 0)
            counters[path] = idx + 1
            out.append(_YamlItem((*path, str(idx)), _unquote_yaml(item), number))
            continue
        m = re.match(r"^([^:#]+?|\"[^\"]*\"|'[^']*')\s*:(?:\s+(.*))?$", s)
        if not m:
            continue
        key = m.group(1).strip().strip("\"'")
        value = (m.group(2) or "").strip()
        if value and not value.startswith(("#", "&", "|", ">")):
            out.append(_YamlItem((*path, key), _unquote_yaml(value), number))
        else:
            stack.append((indent, key))
    return out


def _compose(root: Path) -> list[Entry]:
    out = []
    for p in _walk(root, re.compile(r"(?:^|/)(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$")):
        text = _read(p)
        if text is None:
            continue
        rel = p.relative_to(root).as_posix()
        for item in _yaml_scalars(text):
            if len(item.path) >= 4 and item.path[0] == "services" and item.path[2] == "environment":
                key = item.path[-1]
                if DB_VAR.match(key) or _is_url(item.value):
                    out.append(_entry("docker-compose", rel, item.line, f"{item.path[1]}.{key}", item.value))
    return out


_ERB_ENV: Final = re.compile(r"""ENV(?:\[\s*|\.fetch\(\s*)["']([A-Za-z_][A-Za-z0-9_]*)["']""")


def _rails(root: Path) -> list[Entry]:
    out = []
    for p in _walk(root, re.compile(r"(?:^|/)config/database\.ya?ml$")):
        text = _read(p)
        if text is None:
            continue
        rel = p.relative_to(root).as_posix()
        for item in _yaml_scalars(text):
            key = item.path[-1]
            if key not in ("url", "host", "port", "database", "username", "password", "sslmode", "sslrootcert"):
                continue
            m = _ERB_ENV.search(item.value)
            name = ".".join(item.path)
            if m:
                out.append(_entry("rails", rel, item.line, name, item.value, reads_env=m.group(1)))
            elif key == "password":
                out.append(Entry("rails", rel, item.line, name, None, secret=bool(item.value)))
            else:
                e = _entry("rails", rel, item.line, name, item.value)
                if key == "database":
                    e = dataclasses.replace(e, parsed={"dbname": item.value})
                out.append(e)
    return out


_SPRING_KEYS: Final = ("spring.datasource.url", "spring.datasource.username", "spring.datasource.password",
                       "spring.r2dbc.url", "spring.r2dbc.password")
_PLACEHOLDER: Final = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.]*)(?::([^}]*))?\}")


def _spring_entry(rel: str, line: int, key: str, value: str) -> Entry:
    m = _PLACEHOLDER.fullmatch(value.strip())
    if m:
        default = m.group(2)
        shown = value if not (default and key.endswith("password")) else f"${{{m.group(1)}:****}}"
        if default and not key.endswith("password"):
            shown = f"${{{m.group(1)}:{redact_value(default)}}}"
        return Entry("spring", rel, line, key, shown, secret=bool(default) and key.endswith("password"),
                     reads_env=m.group(1).upper().replace(".", "_"))
    return _entry("spring", rel, line, key, value)


def _spring(root: Path) -> list[Entry]:
    out = []
    for p in _walk(root, re.compile(r"(?:^|/)application(?:-[\w]+)?\.properties$")):
        text = _read(p)
        if text is None:
            continue
        rel = p.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), 1):
            m = re.match(r"^\s*([\w.\-]+)\s*[=:]\s*(.*?)\s*$", line)
            if m and m.group(1) in _SPRING_KEYS:
                out.append(_spring_entry(rel, number, m.group(1), m.group(2)))
    for p in _walk(root, re.compile(r"(?:^|/)application(?:-[\w]+)?\.ya?ml$")):
        text = _read(p)
        if text is None:
            continue
        rel = p.relative_to(root).as_posix()
        for item in _yaml_scalars(text):
            key = ".".join(item.path)
            if key in _SPRING_KEYS:
                out.append(_spring_entry(rel, item.line, key, item.value))
    return out


def _prisma(root: Path) -> list[Entry]:
    out = []
    for p in _walk(root, re.compile(r"(?:^|/)[\w.-]*\.prisma$")):
        text = _read(p)
        if text is None:
            continue
        rel = p.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), 1):
            m = re.match(r"^\s*(url|directUrl|shadowDatabaseUrl)\s*=\s*(.*?)\s*$", line)
            if not m:
                continue
            value = m.group(2)
            env = re.fullmatch(r'env\(\s*"([^"]+)"\s*\)', value)
            if env:
                out.append(Entry("prisma", rel, number, m.group(1), value, reads_env=env.group(1)))
            elif value.startswith('"') and value.endswith('"'):
                out.append(_entry("prisma", rel, number, m.group(1), value[1:-1]))
    return out


# --- Django, with ast ------------------------------------------------------------------------------------------


def _env_call(node: ast.AST) -> tuple[str, ast.AST | None] | None:
    """``os.environ["X"]``, ``os.environ.get("X", d)``, ``os.getenv("X", d)``, ``env("X", default=d)``,
    ``env.str("X")``, ``config("X")``: the variable name and the default node."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        base = ast.unparse(node.value)
        if base.endswith("environ"):
            return node.slice.value, None
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str):
        fn = ast.unparse(node.func)
        if fn.endswith(("environ.get", "getenv", "environ.setdefault")) or fn in ("env", "config") \
                or fn.startswith(("env.", "config.")):
            default = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "default"), None)
            return node.args[0].value, default
    return None


def _django_value(rel: str, key: str, node: ast.AST) -> Entry | None:
    line = getattr(node, "lineno", None)
    env = _env_call(node)
    if env is not None:
        name, default = env
        shown = f"from ${name}"
        if isinstance(default, ast.Constant) and isinstance(default.value, str | int):
            d = str(default.value)
            if SECRET_NAME.search(key):
                shown += " (default ****)"
            else:
                shown += f" (default {redact_value(d)})"
        return Entry("django", rel, line, key, shown, reads_env=name,
                     secret=SECRET_NAME.search(key) is not None and default is not None)
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int):
        return _entry("django", rel, line, key, str(node.value))
    return None


def _django(root: Path) -> list[Entry]:
    out: list[Entry] = []
    for p in _walk(root, re.compile(r"(?:^|/)settings(?:/[\w]+)?\.py$|(?:^|/)settings_?\w*\.py$")):
        text = _read(p)
        if text is None or ("DATABASES" not in text and "dj_database_url" not in text):
            continue
        try:
            with warnings.catch_warnings():  # the user's invalid escapes are not dbdoctor's warnings
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        rel = p.relative_to(root).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(("dj_database_url.config",
                                                                              "dj_database_url.parse", "db_url")):
                fn = ast.unparse(node.func)
                if fn.endswith("parse") and node.args:
                    inner = _django_value(rel, "DATABASES.default", node.args[0])
                    if inner is not None:
                        out.append(inner)
                    continue
                env_name = next((k.value.value for k in node.keywords if k.arg == "env"
                                 and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)),
                                "DATABASE_URL")
                default = next((k.value for k in node.keywords if k.arg == "default"), None)
                shown = f"dj_database_url reads ${env_name}"
                parsed: dict[str, str] = {}
                secret = False
                if isinstance(default, ast.Constant) and isinstance(default.value, str):
                    d_entry = _entry("django", rel, node.lineno, "default", default.value)
                    shown += f" (default {d_entry.value})"
                    parsed, secret = dict(d_entry.parsed), d_entry.secret
                for kw in node.keywords:
                    if kw.arg == "ssl_require" and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                        parsed["sslmode"] = "require"
                        shown += ", ssl_require=True"
                out.append(Entry("django", rel, node.lineno, "DATABASES.default", shown, reads_env=env_name,
                                 parsed=parsed, secret=secret))
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "DATABASES"
                                                    for t in node.targets) and isinstance(node.value, ast.Dict):
                for alias_k, alias_v in zip(node.value.keys, node.value.values, strict=False):
                    if not isinstance(alias_k, ast.Constant) or not isinstance(alias_v, ast.Dict):
                        continue
                    alias = str(alias_k.value)
                    for k, v in zip(alias_v.keys, alias_v.values, strict=False):
                        if not isinstance(k, ast.Constant):
                            continue
                        key = str(k.value)
                        if key == "OPTIONS" and isinstance(v, ast.Dict):
                            for ok, ov in zip(v.keys, v.values, strict=False):
                                if isinstance(ok, ast.Constant) and ok.value in ("sslmode", "sslrootcert"):
                                    e = _django_value(rel, f"DATABASES.{alias}.OPTIONS.{ok.value}", ov)
                                    if e is not None:
                                        if ok.value == "sslmode" and e.reads_env is None and e.value:
                                            e = dataclasses.replace(e, parsed={"sslmode": e.value})
                                        out.append(e)
                            continue
                        if key not in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT"):
                            continue
                        e = _django_value(rel, f"DATABASES.{alias}.{key}", v)
                        if e is not None:
                            if key == "HOST" and e.reads_env is None and e.value:
                                e = dataclasses.replace(e, parsed={"host": e.value})
                            if key == "PASSWORD" and e.reads_env is None:
                                e = dataclasses.replace(e, value=None, secret=True)
                            out.append(e)
    return out


# --- precedence and conflicts -------------------------------------------------------------------------------


_MODE_ALIASES: Final[Mapping[str, str]] = {"prod": "production", "dev": "development", "stage": "staging",
                                           "develop": "development"}
_BASE_NAMES: Final = frozenset({"base", "common", "default", "defaults", "settings", "__init__", "shared"})


def _norm_mode(mode: str) -> str:
    return _MODE_ALIASES.get(mode.lower(), mode.lower())


def entry_scope(e: Entry) -> str | None:
    """The mode an entry belongs to (None: loaded in every mode)."""
    name = Path(e.file).name
    if e.kind in ("dotenv", "template"):
        pieces = name.split(".")[2:]  # ".env.production.local" → ["production", "local"]
        if pieces and pieces[-1] == "local":
            pieces = pieces[:-1]
        if e.kind == "template" and pieces and "." + pieces[-1] in TEMPLATE_SUFFIXES:
            pieces = pieces[:-1]
        return ".".join(pieces) or None
    if e.kind == "rails":
        section = e.key.split(".", 1)[0]
        return None if section in _BASE_NAMES else section
    if e.kind == "spring":
        m = re.match(r"application-([\w]+)\.", name)
        return m.group(1) if m else None
    if e.kind == "django":
        stem = Path(e.file).stem
        if Path(e.file).parent.name == "settings" and stem not in _BASE_NAMES:
            return stem
        m = re.fullmatch(r"settings_(\w+)", stem)
        return m.group(1) if m and m.group(1) not in _BASE_NAMES else None
    return None


def _active(e: Entry, mode: str | None) -> bool:
    return e.kind != "template" and (e.scope is None or (mode is not None and _norm_mode(e.scope) == _norm_mode(mode)))


def _status(entries: list[Entry]) -> tuple[list[Entry], list[Finding]]:
    """Mark which environment/dotenv definition of each variable wins, and report the overrides (DD107)."""
    from dbdoctor.postgres.rules.static_env import RULE as DD107

    def rank(e: Entry) -> int:
        return 100 if e.kind == "environment" else _dotenv_rank(e.file)

    by_key: dict[str, list[Entry]] = {}
    for e in entries:
        if e.kind in ("environment", "dotenv") and not e.status:
            by_key.setdefault(e.key, []).append(e)
    new_status: dict[int, str] = {}
    findings = []
    for key, defs in by_key.items():
        if len(defs) < 2:
            continue
        ordered = sorted(defs, key=rank, reverse=True)
        winner = ordered[0]
        new_status[id(winner)] = "wins"
        for loser in ordered[1:]:
            new_status[id(loser)] = f"overridden by {winner.label}"
            same = loser.value == winner.value and loser.secret == winner.secret
            if not same or (winner.secret and loser.secret):
                if winner.secret or loser.secret:
                    detail = (f"{key} is set in {loser.label} and in {winner.label}; {winner.label} wins at run "
                              "time (values not shown: they hold a password).")
                else:
                    detail = (f"{key}={loser.value} in {loser.label} is overridden by {key}={winner.value} in "
                              f"{winner.label}.")
                findings.append(DD107.finding(
                    detail=detail,
                    fix=f"Set {key} in one place; remove it from {loser.label}, or change it there if that "
                        "is the value you want.",
                ))
    return [dataclasses.replace(e, status=new_status.get(id(e), e.status)) for e in entries], findings


def _conflicts(entries: Sequence[Entry]) -> list[Finding]:
    from dbdoctor.rules.sources_conflict import RULE as DD701

    findings = []
    for key, words in (("host", "database hosts"), ("sslmode", "SSL modes")):
        seen: dict[str, list[str]] = {}
        for e in entries:
            if e.kind == "template" or e.status.startswith(("overridden", "only with")):
                continue
            v = e.parsed.get(key)
            if v:
                for one in v.split(","):
                    seen.setdefault(one.strip(), []).append(e.label)
        if len(seen) > 1:
            listed = "; ".join(f"{v} ({', '.join(labels)})" for v, labels in sorted(seen.items()))
            findings.append(DD701.finding(
                detail=f"The project names {len(seen)} different {words}: {listed}.",
                fix="Keep one source of truth (DATABASE_URL in the environment) and make the other files read it, "
                    "or make sure each file belongs to a different environment.",
            ))
    return findings


def _run_time(root: Path, env: Mapping[str, str], home: Path,
              entries: Sequence[Entry]) -> tuple[dict[str, dict[str, str]], list[Finding]]:
    """Load the active dotenv files the way the app does (lowest precedence first, the environment over all),
    resolve with libpq's precedence (``sources.postgres.resolve``), and say where each effective value comes
    from. A ``PG*`` variable that the connection string overrides is a DD107 finding."""
    from dbdoctor.errors import InputError
    from dbdoctor.postgres.rules.static_env import RULE as DD107
    from dbdoctor.postgres.sources import ENV_VARS, resolve
    from dbdoctor.sources.files import read_dotenv

    files = sorted({e.file for e in entries if e.kind == "dotenv" and not e.status.startswith("only with")},
                   key=_dotenv_rank)
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for name in files:
        try:
            values = read_dotenv(root / name, env, merged)
        except InputError:
            continue
        for k, v in values.items():
            merged[k], origin[k] = v, name
    merged.update(env)
    origin.update({k: "environment" for k in env})
    if not any(k == "DATABASE_URL" or k in ENV_VARS.values() for k in merged):
        return {}, []

    def label(prov: str) -> str:
        kind, _, var = prov.partition(":")
        if kind != "env":
            return prov
        where = origin.get(var, "environment")
        line = next((e.line for e in entries if e.file == where and e.key == var), None)
        return where if line is None or where == "environment" else f"{where}:{line}"

    try:
        target = resolve(None, environ=merged, home=home)
    except InputError as exc:
        return {"error": {"value": exc.message, "from": "DATABASE_URL"}}, []
    effective = {k: {"value": v, "from": label(target.provenance.get(k, "default"))}
                 for k, v in target.settings.items()}
    effective["password"] = {"value": "set" if target.has_password else "unset",
                             "from": label(target.provenance["password"]) if "password" in target.provenance
                             else ""}
    findings = []
    for sh in target.shadowed:
        if not sh.key.islower() or sh.key == "password":
            continue
        var = ENV_VARS.get(sh.key, sh.key)
        findings.append(DD107.finding(
            detail=f"{var}={sh.value} in {label(sh.source)} is overridden by {sh.key}={target.settings.get(sh.key)} "
                   f"in the connection string from {label(sh.by)}: libpq takes the string's value first.",
            fix=f"Set {sh.key} in one place: remove {var}, or change {sh.key} in the connection string.",
        ))
    return effective, findings


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
    from dbdoctor.postgres.sources import libpq_home

    home = home if home is not None else libpq_home(env)
    entries: list[Entry] = []
    entries += _environment(env)
    if root.is_dir():
        entries += _dotenv(root)
    for path in _service_files(root, env, home):
        entries += _pg_service(path)
    passfiles = [Path(env["PGPASSFILE"])] if env.get("PGPASSFILE") else [home / ".pgpass"]
    passfiles.append(root / ".pgpass")
    done: set[Path] = set()
    for pf in passfiles:
        if pf.is_file() and pf.resolve() not in done:
            done.add(pf.resolve())
            entries += _pgpass(pf)
    if root.is_dir():
        entries += _compose(root)
        entries += _django(root)
        entries += _rails(root)
        entries += _prisma(root)
        entries += _spring(root)
    scoped = []
    for e in entries:
        e = dataclasses.replace(e, scope=entry_scope(e))
        if e.kind != "template" and not _active(e, mode):
            e = dataclasses.replace(e, status=f"only with --mode {e.scope}")
        scoped.append(e)
    entries, findings = _status(scoped)
    findings += _conflicts(entries)
    effective, run_findings = _run_time(root, env, home, entries)
    findings += run_findings
    return SourcesReport(str(root), tuple(entries), sort_findings(findings), mode, effective)
