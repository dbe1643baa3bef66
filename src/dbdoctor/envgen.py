"""Environment variables for a database, the way a hosting platform would populate them, and the inverse.

``variables(parts, style)`` gives ``DATABASE_URL`` (or the stack's URL variable) and the parts, in the naming of
a stack; ``render(variables, fmt)`` writes them as dotenv, shell exports, JSON or a Kubernetes Secret;
``compose(environ)`` builds a correct URL from ``DB_HOST``/``DB_PORT``/``DB_USER``/``DB_PASSWORD``/``DB_NAME``
style parts.

These outputs exist to hand a secret over: they hold the password. Everything else in dbdoctor redacts it; the
CLI prints these only on stdout and only when the command is run for that purpose.

Encoding, per format (each proven by round trips in tests/test_envgen.py):

- URL: user, password and database name percent-encoded with ``quote(safe="")``; libpq
  (``conninfo_to_dict``), SQLAlchemy and ``urllib`` decode them back. IPv6 literals go in brackets; a Unix
  socket directory goes in ``?host=``.
- dotenv: ``KEY="value"`` with ``\\`` ``"`` and control characters escaped, as python-dotenv decodes double
  quotes. python-dotenv (and docker compose) also expand ``${NAME}`` inside values, with no escape for it:
  :func:`dotenv_warnings` names the variables where that would change the value.
- shell: ``export KEY='value'`` with each ``'`` written ``'\\''``: POSIX single quotes expand nothing.
- JSON: ``json.dumps``.
- Kubernetes: a ``v1`` ``Secret`` with every value base64-encoded under ``data``.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from collections.abc import Mapping, Sequence
from typing import Final
from urllib.parse import quote

STYLES: Final = ("generic", "pg", "django", "laravel", "rails", "spring", "prisma")
FORMATS: Final = ("dotenv", "shell", "json", "k8s")


@dataclasses.dataclass(frozen=True, slots=True)
class Parts:
    """The pieces of a connection, password included (handle with care: never log a Parts)."""

    host: str | None
    port: int | None
    dbname: str | None
    user: str | None
    password: str | None = dataclasses.field(default=None, repr=False)
    sslmode: str | None = None
    sslrootcert: str | None = None

    def __repr__(self) -> str:
        return (f"Parts(host={self.host!r}, port={self.port!r}, dbname={self.dbname!r}, user={self.user!r}, "
                f"password={'****' if self.password else None!r}, sslmode={self.sslmode!r})")


def _host_for_url(host: str) -> str:
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return quote(host, safe="[]:.-_~!$&'()*+;=")


def url(parts: Parts, *, scheme: str = "postgresql", query: Mapping[str, str] | None = None,
        credentials: bool = True) -> str:
    """A URL libpq parses back to exactly these parts (fe-connect.c conninfo_uri_parse_options)."""
    auth = ""
    if credentials and parts.user:
        auth = quote(parts.user, safe="")
        if parts.password:
            auth += ":" + quote(parts.password, safe="")
        auth += "@"
    elif credentials and parts.password:
        auth = ":" + quote(parts.password, safe="") + "@"
    q: dict[str, str] = {}
    hostpart = ""
    if parts.host:
        if parts.host.startswith("/"):
            q["host"] = parts.host
        else:
            hostpart = ",".join(_host_for_url(h) for h in parts.host.split(","))
    if parts.port is not None:
        hostpart += f":{parts.port}"
    path = "/" + quote(parts.dbname, safe="") if parts.dbname else ""
    if parts.sslmode:
        q["sslmode"] = parts.sslmode
    if parts.sslrootcert:
        q["sslrootcert"] = parts.sslrootcert
    q.update(query or {})
    qs = "&".join(f"{quote(k, safe='')}={quote(v, safe='/')}" for k, v in q.items())
    return f"{scheme}://{auth}{hostpart}{path}" + (f"?{qs}" if qs else "")


def _prisma_query(parts: Parts) -> dict[str, str]:
    """Prisma's engine knows sslmode disable/prefer/require only; verification is ``sslaccept=strict`` with the
    CA in ``sslcert`` (Prisma's name for the root certificate)."""
    q: dict[str, str] = {}
    mode = parts.sslmode
    if mode in ("verify-ca", "verify-full"):
        q["sslmode"] = "require"
        q["sslaccept"] = "strict"
    elif mode in ("disable", "prefer", "require"):
        q["sslmode"] = mode
    elif mode == "allow":
        q["sslmode"] = "prefer"
    if parts.sslrootcert:
        q["sslcert"] = parts.sslrootcert
    return q


def variables(parts: Parts, style: str = "generic") -> dict[str, str]:
    """The variables a platform would set for this database, in a stack's naming. Holds the password."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; one of {', '.join(STYLES)}")
    pw = parts.password or ""
    port = str(parts.port) if parts.port is not None else ""
    mode = parts.sslmode or ""
    out: dict[str, str] = {}

    def put(key: str, value: str | None) -> None:
        if value:
            out[key] = value

    if style == "pg":
        put("PGHOST", parts.host)
        put("PGPORT", port)
        put("PGDATABASE", parts.dbname)
        put("PGUSER", parts.user)
        put("PGPASSWORD", pw)
        put("PGSSLMODE", mode)
        put("PGSSLROOTCERT", parts.sslrootcert)
    elif style == "laravel":
        out["DB_CONNECTION"] = "pgsql"
        put("DB_URL", url(parts))  # Laravel 11 reads DB_URL (DATABASE_URL before it)
        put("DB_HOST", parts.host)
        put("DB_PORT", port)
        put("DB_DATABASE", parts.dbname)
        put("DB_USERNAME", parts.user)
        put("DB_PASSWORD", pw)
        put("DB_SSLMODE", mode)
    elif style == "rails":
        put("DATABASE_URL", url(parts))
        put("DATABASE_HOST", parts.host)
        put("DATABASE_PORT", port)
        put("DATABASE_NAME", parts.dbname)
        put("DATABASE_USERNAME", parts.user)
        put("DATABASE_PASSWORD", pw)
        put("PGSSLROOTCERT", parts.sslrootcert)
    elif style == "spring":
        jdbc_parts = dataclasses.replace(parts, password=None, user=None)
        put("SPRING_DATASOURCE_URL", "jdbc:" + url(jdbc_parts, credentials=False))
        put("SPRING_DATASOURCE_USERNAME", parts.user)
        put("SPRING_DATASOURCE_PASSWORD", pw)
    elif style == "prisma":
        plain = dataclasses.replace(parts, sslmode=None, sslrootcert=None)
        put("DATABASE_URL", url(plain, query=_prisma_query(parts)))
    else:  # generic, django (dj-database-url reads DATABASE_URL; the parts for settings that read them)
        put("DATABASE_URL", url(parts))
        put("DB_HOST", parts.host)
        put("DB_PORT", port)
        put("DB_NAME", parts.dbname)
        put("DB_USER", parts.user)
        put("DB_PASSWORD", pw)
        put("DB_SSLMODE", mode)
        if style == "generic":
            put("DB_SSLROOTCERT", parts.sslrootcert)
    return out


def rename(values: Mapping[str, str], renames: Sequence[str]) -> dict[str, str]:
    """Apply ``A=B`` renames, keeping the order. Raises ValueError for a malformed rename or an unknown key."""
    mapping: dict[str, str] = {}
    for r in renames:
        old, sep, new = r.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", new) or not old:
            raise ValueError(f"--rename wants OLD=NEW with NEW a variable name, got {r!r}")
        if old not in values:
            raise ValueError(f"--rename {r!r}: there is no variable {old} (have: {', '.join(values)})")
        mapping[old] = new
    return {mapping.get(k, k): v for k, v in values.items()}


# --- formats --------------------------------------------------------------------------------------------------

_DOTENV_ESCAPES: Final = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\a": "\\a",
                          "\b": "\\b", "\f": "\\f", "\v": "\\v"}
#: python-dotenv's expansion pattern (dotenv/variables.py): no escape exists for it
_DOTENV_EXPANSION: Final = re.compile(r"\$\{[^}:]*(?::-[^}]*)?\}")


def dotenv_quote(value: str) -> str:
    return '"' + "".join(_DOTENV_ESCAPES.get(c, c) for c in value) + '"'


def shell_quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def dotenv_warnings(values: Mapping[str, str]) -> list[str]:
    """Variables whose value holds ``${...}``, which python-dotenv and docker compose would expand."""
    return [k for k, v in values.items() if _DOTENV_EXPANSION.search(v)]


def _yaml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar


def render(values: Mapping[str, str], fmt: str, *, name: str = "database") -> str:
    """The variables written in one format, ending with a newline."""
    if fmt == "dotenv":
        return "".join(f"{k}={dotenv_quote(v)}\n" for k, v in values.items())
    if fmt == "shell":
        return "".join(f"export {k}={shell_quote(v)}\n" for k, v in values.items())
    if fmt == "json":
        return json.dumps(dict(values), indent=2) + "\n"
    if fmt == "k8s":
        lines = ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: {_yaml_string(name)}", "type: Opaque",
                 "data:"]
        for k, v in values.items():
            lines.append(f"  {k}: {base64.b64encode(v.encode('utf-8')).decode('ascii')}")
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")


# --- from a Target, and the inverse -------------------------------------------------------------------------


def parts_from_target(target: object) -> Parts:
    """The parts of a resolved :class:`dbdoctor.target.Target` (first host and port when there are several)."""
    from dbdoctor.target import Target

    assert isinstance(target, Target)
    s = target.settings
    port_text = (s.get("port") or "").split(",")[0].strip()
    return Parts(
        host=s.get("host") or s.get("hostaddr"),
        port=int(port_text) if port_text.isdecimal() else None,
        dbname=s.get("dbname"),
        user=s.get("user"),
        password=target.password.reveal() if target.password is not None else None,
        sslmode=s.get("sslmode"),
        sslrootcert=s.get("sslrootcert"),
    )


#: part → the variable names that commonly hold it, in the order they are looked up
COMPOSE_NAMES: Final[Mapping[str, tuple[str, ...]]] = {
    "host": ("DB_HOST", "DATABASE_HOST", "POSTGRES_HOST", "PGHOST", "DB_HOSTNAME"),
    "port": ("DB_PORT", "DATABASE_PORT", "POSTGRES_PORT", "PGPORT"),
    "user": ("DB_USER", "DB_USERNAME", "DATABASE_USER", "DATABASE_USERNAME", "POSTGRES_USER", "PGUSER"),
    "password": ("DB_PASSWORD", "DB_PASS", "DATABASE_PASSWORD", "POSTGRES_PASSWORD", "PGPASSWORD"),
    "dbname": ("DB_NAME", "DB_DATABASE", "DATABASE_NAME", "POSTGRES_DB", "PGDATABASE"),
    "sslmode": ("DB_SSLMODE", "DATABASE_SSLMODE", "POSTGRES_SSLMODE", "PGSSLMODE"),
    "sslrootcert": ("DB_SSLROOTCERT", "DATABASE_SSLROOTCERT", "PGSSLROOTCERT"),
}


def compose(environ: Mapping[str, str]) -> tuple[Parts, dict[str, str]]:
    """Parts from ``DB_HOST``-style variables, and which variable gave each part. Raises ValueError when there
    is no host or the port is not a number."""
    found: dict[str, str] = {}
    used: dict[str, str] = {}
    for part, names in COMPOSE_NAMES.items():
        for n in names:
            if environ.get(n):
                found[part], used[part] = environ[n], n
                break
    if "host" not in found:
        raise ValueError("no host: set one of " + ", ".join(COMPOSE_NAMES["host"]))
    port: int | None = None
    if "port" in found:
        if not found["port"].strip().isdecimal() or not 1 <= int(found["port"]) <= 65535:
            raise ValueError(f"{used['port']} is not a port number: {found['port']!r}")
        port = int(found["port"])
    return Parts(
        host=found["host"], port=port, dbname=found.get("dbname"), user=found.get("user"),
        password=found.get("password"), sslmode=found.get("sslmode"), sslrootcert=found.get("sslrootcert"),
    ), used
