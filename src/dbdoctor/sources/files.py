"""The settings files libpq and frameworks read: dotenv files, pg_service.conf and .pgpass.

Each reader is pure apart from reading the one file it is given; none of them prints anything. Where a libpq
rule is followed, the function in libpq's fe-connect.c (PostgreSQL 18) is named.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

from dbdoctor.errors import SourceFileError

#: ``${NAME}`` and ``${NAME:-default}``: the only expansions python-dotenv performs (``$NAME`` is literal)
_EXPANSION: Final = re.compile(r"\$\{([^}:]+)(?::-([^}]*))?\}")


def read_dotenv(path: str | Path, environ: Mapping[str, str], earlier: Mapping[str, str]) -> dict[str, str]:
    """The variables one dotenv file defines, as python-dotenv parses them.

    Parsing is python-dotenv's own (``dotenv_values(interpolate=False)``). Expansion of ``${NAME}`` and
    ``${NAME:-default}`` is then done here against the environment given, not against ``os.environ`` (which
    python-dotenv would read): the real process environment first, then values from earlier files and from
    earlier lines of this file — what ``load_dotenv()`` with its default ``override=False`` ends up with.
    Keys with no value (a bare ``NAME`` line) are skipped, as ``load_dotenv`` skips them.
    """
    from dotenv import dotenv_values

    p = Path(path)
    try:
        with p.open(encoding="utf-8") as stream:
            raw = dotenv_values(stream=stream, interpolate=False)
    except OSError as exc:
        raise SourceFileError(
            f'cannot read the dotenv file "{path}": {exc.strerror or exc}',
            "check the path given with --env-file (it is relative to the current directory)",
        ) from None
    except UnicodeDecodeError:
        raise SourceFileError(f'the dotenv file "{path}" is not UTF-8 text', "save it as UTF-8") from None
    out: dict[str, str] = {}
    for key, value in raw.items():
        if value is None:
            continue

        def lookup(m: re.Match[str]) -> str:
            name, default = m.group(1), m.group(2)
            found = environ.get(name)
            if found is None:
                found = out.get(name, earlier.get(name))
            if not found and default is not None:
                return default
            return found or ""

        out[key] = _EXPANSION.sub(lookup, value)
    return out


@dataclasses.dataclass(frozen=True, slots=True)
class ServiceLookup:
    values: dict[str, str]
    file: str


def _service_file_values(path: Path, service: str) -> dict[str, str] | None:
    """One service file's group ``[service]``, or None when the file has no such group (parseServiceFile)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise SourceFileError(
            f'cannot read the service file "{path}": {exc.strerror or exc}',
            "check PGSERVICEFILE and the file's permissions",
        ) from None
    found: dict[str, str] | None = None
    in_group = False
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        if text.startswith("["):
            if in_group:
                break  # libpq stops at the next group once it has read the wanted one
            in_group = text.rstrip("]")[1:] == service and text.endswith("]")
            if in_group:
                found = {}
            continue
        if not in_group or found is None:
            continue
        key, sep, value = text.partition("=")
        if not sep:
            raise SourceFileError(
                f'syntax error in service file "{path}", line {number}',
                'each line of a service must be keyword=value',
            )
        key = key.strip()
        if key == "service":
            raise SourceFileError(
                f'nested "service" specifications not supported in service file "{path}", line {number}',
                "remove the service= line from the service group",
            )
        found.setdefault(key, value.strip())  # the first occurrence of a keyword wins (parseServiceFile)
    return found


def find_service(service: str, environ: Mapping[str, str], home: Path) -> ServiceLookup:
    """The settings of a named service, searched as parseServiceInfo does: PGSERVICEFILE (else
    ~/.pg_service.conf), then PGSYSCONFDIR/pg_service.conf (libpq's compiled SYSCONFDIR for the libpq psycopg
    bundles, and for Debian's, is /etc/postgresql-common)."""
    first = Path(environ["PGSERVICEFILE"]) if "PGSERVICEFILE" in environ else home / ".pg_service.conf"
    second = Path(environ.get("PGSYSCONFDIR", "/etc/postgresql-common")) / "pg_service.conf"
    for path in (first, second):
        if not path.exists():
            continue
        values = _service_file_values(path, service)
        if values is not None:
            return ServiceLookup(values, str(path))
    raise SourceFileError(
        f'definition of service "{service}" not found',
        f"add a [{service}] group to {first} or {second}, or remove service= / PGSERVICE",
    )


def _pgpass_field(text: str, wanted: str) -> str | None:
    """Match one ``:``-terminated field against ``wanted``; the rest of the line, or None (pwdfMatchesString)."""
    if text.startswith("*:"):
        return text[2:]
    i = 0
    j = 0
    while i < len(text):
        c = text[i]
        if c == ":" and j == len(wanted):
            return text[i + 1 :]
        if c == "\\" and i + 1 < len(text):
            i += 1
            c = text[i]
        if j >= len(wanted) or c != wanted[j]:
            return None
        i += 1
        j += 1
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class PgpassResult:
    password: str | None
    #: why the file was not used, in libpq's words, when it was not
    ignored: str | None = None


def pgpass_password(path: Path, host: str, port: str, dbname: str, user: str) -> PgpassResult:
    """The password .pgpass gives for host:port:dbname:user, following passwordFromFile.

    A file with any group or world permission bit is ignored (libpq prints a WARNING and goes on without it);
    so is anything that is not a regular file. Lines starting with ``#`` are comments, ``*`` matches anything,
    ``\\`` escapes ``:`` and ``\\``; the first matching line wins.
    """
    try:
        st = path.stat()
    except OSError:
        return PgpassResult(None)
    if not stat.S_ISREG(st.st_mode):
        return PgpassResult(None, f'WARNING: password file "{path}" is not a plain file')
    if os.name == "posix" and st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        return PgpassResult(
            None,
            f'WARNING: password file "{path}" has group or world access; permissions should be u=rw (0600) or less',
        )
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return PgpassResult(None)
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line or line.startswith("#"):
            continue
        rest: str | None = line
        for wanted in (host, port, dbname, user):
            assert rest is not None
            rest = _pgpass_field(rest, wanted)
            if rest is None:
                break
        if rest is None:
            continue
        out = []
        i = 0
        while i < len(rest) and rest[i] != ":":
            if rest[i] == "\\" and i + 1 < len(rest):
                i += 1
            out.append(rest[i])
            i += 1
        return PgpassResult("".join(out))
    return PgpassResult(None)


def pgpass_host(host: str | None, default_socket_dir: str) -> str:
    """The host name .pgpass lines are matched against: ``localhost`` for an empty host or the default socket
    directory (passwordFromFile), the host as given otherwise."""
    if not host or host == default_socket_dir:
        return "localhost"
    return host


def dotenv_layers(environ: Mapping[str, str], env_files: Sequence[str | Path]) -> list[tuple[str, dict[str, str]]]:
    """Each dotenv file's own values as (``dotenv:<file as given>``, values), in load order."""
    layers: list[tuple[str, dict[str, str]]] = []
    seen: dict[str, str] = {}
    for f in env_files:
        loaded = read_dotenv(f, environ, seen)
        seen.update(loaded)
        layers.append((f"dotenv:{f}", loaded))
    return layers


def database_url(target: str | None, environ: Mapping[str, str], env_files: Sequence[str | Path] = ()) -> str | None:
    """The connection string the settings come from: the target, else DATABASE_URL (the environment first, then
    the dotenv files, a later file winning, as the sources read it)."""
    if target is not None:
        return target
    if "DATABASE_URL" in environ:
        return environ["DATABASE_URL"]
    url: str | None = None
    if env_files:
        for _label, values in dotenv_layers(environ, env_files):
            url = values.get("DATABASE_URL", url)
    return url
