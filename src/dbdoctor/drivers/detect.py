"""Which PostgreSQL driver a project uses, from its dependency files, with the version from lock files.

Read in this order (the first driver found wins, and the answer says which file it came from):
prisma/schema.prisma, package.json (+ package-lock.json), requirements*.txt, pyproject.toml (+ poetry.lock /
uv.lock), pom.xml, build.gradle(.kts), go.mod, Cargo.toml (+ Cargo.lock). Reads at most 1 MB of each file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from dbdoctor.drivers import Choice

_LIMIT: Final = 1 << 20

#: package name in each ecosystem → driver (most specific first)
PY_PACKAGES: Final = (("asyncpg", "asyncpg"), ("pg8000", "pg8000"), ("psycopg2-binary", "libpq"),
                      ("psycopg2", "libpq"), ("psycopg-binary", "libpq"), ("psycopg", "libpq"))
NPM_PACKAGES: Final = (("@prisma/adapter-pg", "node-postgres"), ("prisma", "prisma"), ("@prisma/client", "prisma"),
                       ("pg", "node-postgres"), ("postgres", "postgres-js"))
GO_MODULES: Final = (("github.com/jackc/pgx", "pgx"), ("github.com/lib/pq", "lib-pq"))
CARGO_CRATES: Final = (("sqlx", "sqlx"), ("tokio-postgres", "tokio-postgres"), ("postgres", "tokio-postgres"))


def _read(path: Path) -> str | None:
    try:
        with path.open("rb") as f:
            return f.read(_LIMIT).decode("utf-8", "replace")
    except OSError:
        return None


def _npm(root: Path) -> Choice | None:
    from dbdoctor.drivers import Choice

    text = _read(root / "package.json")
    if text is None:
        return None
    try:
        pkg = json.loads(text)
    except ValueError:
        return None
    deps: dict[str, str] = {}
    for section in ("dependencies", "devDependencies"):
        value = pkg.get(section) if isinstance(pkg, dict) else None
        if isinstance(value, dict):
            deps.update({str(k): str(v) for k, v in value.items()})
    lock = _read(root / "package-lock.json")
    locked: dict[str, str] = {}
    if lock:
        try:
            packages = json.loads(lock).get("packages", {})
            locked = {k.removeprefix("node_modules/"): str(v.get("version")) for k, v in packages.items()
                      if isinstance(v, dict) and v.get("version")}
        except (ValueError, AttributeError):
            locked = {}
    for package, driver in NPM_PACKAGES:
        if package in deps:
            version = locked.get(package) or deps[package].lstrip("^~>=< ")
            if driver == "prisma":
                version = locked.get("prisma") or locked.get("@prisma/client") or version
            where = "package-lock.json" if package in locked else "package.json"
            return Choice(driver, version or None, f"{package} in {root / where}")
    return None


def _python(root: Path) -> Choice | None:
    from dbdoctor.drivers import Choice

    files = [*sorted(root.glob("requirements*.txt")), root / "pyproject.toml"]
    locks = {}
    for lock_name in ("poetry.lock", "uv.lock"):
        text = _read(root / lock_name)
        if text:
            for m in re.finditer(r'name = "([^"]+)"\s*\nversion = "([^"]+)"', text):
                locks[m.group(1).lower()] = (m.group(2), lock_name)
    for path in files:
        text = _read(path)
        if text is None:
            continue
        for package, driver in PY_PACKAGES:
            found = re.search(rf'(?im)^\s*["\']?{re.escape(package)}\b(?![-\w])(?:\[[^\]]*\])?\s*(?:==\s*([\w.]+))?',
                              text)
            if found is None:
                continue
            if package in locks:
                version, lock_name = locks[package]
                return Choice(driver, version, f"{package} in {path}, version from {root / lock_name}")
            return Choice(driver, found.group(1), f"{package} in {path}")
    return None


def _text_search(root: Path, name: str, table: tuple[tuple[str, str], ...], pattern: str) -> Choice | None:
    from dbdoctor.drivers import Choice

    text = _read(root / name)
    if text is None:
        return None
    for package, driver in table:
        m = re.search(pattern.format(re.escape(package)), text)
        if m is not None:
            version = m.group(1) if m.groups() else None
            return Choice(driver, version, f"{package} in {root / name}")
    return None


def detect(project: str | Path) -> Choice | None:
    from dbdoctor.drivers import Choice

    root = Path(project)
    schema = _read(root / "prisma" / "schema.prisma")
    if schema is not None and re.search(r'provider\s*=\s*"postgres', schema):
        npm = _npm(root)
        if npm is not None and npm.name == "node-postgres" and "adapter-pg" in npm.because:
            return npm
        version = npm.version if npm is not None and npm.name == "prisma" else None
        return Choice("prisma", version, f"{root / 'prisma' / 'schema.prisma'} (provider postgresql)")
    for finder in (_npm, _python):
        found = finder(root)
        if found is not None:
            return found
    java = _text_search(root, "pom.xml", (("org.postgresql", "pgjdbc"),),
                        r"<groupId>{}</groupId>\s*<artifactId>postgresql</artifactId>\s*(?:<version>([\w.]+))?")
    if java is not None:
        return java
    for gradle in ("build.gradle", "build.gradle.kts"):
        found = _text_search(root, gradle, (("org.postgresql:postgresql", "pgjdbc"),), r"{}:?([\w.]+)?")
        if found is not None:
            return found
    found = _text_search(root, "go.mod", GO_MODULES, r"{}(?:/v\d+)?\s+v([\w.]+)")
    if found is not None:
        return found
    found = _text_search(root, "Cargo.toml", CARGO_CRATES, r'(?m)^\s*{}\s*=\s*(?:"([\w.]+)"|\{{[^}}]*version\s*=\s*"([\w.]+)")?')
    if found is not None:
        return found
    return None


#: dependency names that look like a PostgreSQL client (a word of the name is one of these)
_PG_LIKE: Final = re.compile(r"(?:^|[-_./@])(?:pg|postgres|postgresql|psql|pgsql|npgsql|postgrex|psycopg\w*|"
                             r"neon|neondatabase)(?:$|[-_./])", re.IGNORECASE)
#: packages that look like one but only wrap a driver dbdoctor knows, or are not clients
_NOT_CLIENTS: Final = frozenset({"@types/pg", "pg-connection-string", "pg-types", "pg-pool", "pg-protocol",
                                 "pgpass", "pg-int8", "postgres-array", "postgres-bytea", "postgres-date",
                                 "postgres-interval", "pg-cloudflare", "pg-numeric", "obuf"})


def _dependency_names(root: Path) -> list[tuple[str, str]]:
    """(name, file) for the dependencies of package.json, requirements*.txt, pyproject.toml, *.csproj, go.mod,
    Gemfile and composer.json (names only; read with the same 1 MB limit)."""
    out: list[tuple[str, str]] = []
    text = _read(root / "package.json")
    if text is not None:
        try:
            pkg = json.loads(text)
        except ValueError:
            pkg = None
        if isinstance(pkg, dict):
            for section in ("dependencies", "devDependencies", "optionalDependencies"):
                value = pkg.get(section)
                if isinstance(value, dict):
                    out += [(str(k), "package.json") for k in value]
    for path in [*sorted(root.glob("requirements*.txt")), root / "pyproject.toml"]:
        text = _read(path)
        if text is not None:
            out += [(m.group(1), path.name) for m in re.finditer(r'(?m)^\s*["\']?([A-Za-z][\w.-]*)', text)]
    for path in sorted(root.glob("*.csproj")):
        text = _read(path)
        if text is not None:
            out += [(m.group(1), path.name) for m in re.finditer(r'PackageReference\s+Include="([^"]+)"', text)]
    for name, pattern in (("go.mod", r"(?m)^\s*(?:require\s+)?([\w.-]+/[\w./-]+)\s+v"),
                          ("Gemfile", r"(?m)^\s*gem\s+['\"]([^'\"]+)"),
                          ("composer.json", r'"((?:ext-)?[\w/-]*pg[\w/-]*)"\s*:')):
        text = _read(root / name)
        if text is not None:
            out += [(m.group(1), name) for m in re.finditer(pattern, text)]
    return out


def unrecognised(project: str | Path) -> tuple[str, ...]:
    """PostgreSQL-looking client dependencies of the project that :func:`detect` has no driver for
    (``@neondatabase/serverless in package.json``, ``Npgsql in App.csproj``), in file order, without repeats."""
    seen: list[str] = []
    for name, where in _dependency_names(Path(project)):
        if name.lower() in _NOT_CLIENTS or not _PG_LIKE.search(name):
            continue
        item = f"{name} in {where}"
        if item not in seen:
            seen.append(item)
    return tuple(seen)
