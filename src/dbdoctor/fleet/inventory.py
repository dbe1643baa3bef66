"""Inventory readers: the endpoints of a fleet, read lazily (a 10,000-line file is never held as a list).

Accepted, one endpoint per line or row:

- URLs: ``postgresql://db.example.com:5432/app``, ``mysql://db:3306``, ``mariadb://...``, JDBC forms; a user
  name in the URL is the start-up probe's user; a password in it is ignored and never stored. ``hostaddr=``
  (libpq's) connects to that address while the certificate is checked against the URL's host.
- ``host:port`` lines (``[::1]:5432`` for IPv6): the engine from ``--engine``, else the port (5432/6432:
  PostgreSQL, 3306: MySQL), else the endpoint's first bytes.
- YAML: a list of mappings, or ``{targets: [...]}``, with ``url`` or ``host``/``port`` and optional ``name``,
  ``engine``, ``servername``, ``address``, ``ca_file``, ``labels`` (a mapping).
- CSV with a header row: ``url`` or ``host``,``port``, optional ``name``, ``engine``, ``servername``,
  ``address``, ``ca_file``; every other column is a label.

YAML and CSV rows may add ``user``, ``dbname``, ``password_file`` (a file holding the password: never the
password itself) and ``sslmode``: the scan then also makes the real driver's connection (issue
``connect-failed`` when it fails).

Blank lines and ``#`` comments are skipped in line files. A line that cannot be read is an InputError naming
the file and line: a scan never silently drops a target.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final
from urllib.parse import parse_qs, unquote, urlsplit

from dbdoctor.errors import InputError
from dbdoctor.fleet.records import Endpoint, Engine

_PG_SCHEMES: Final = ("postgresql", "postgres", "jdbc:postgresql", "postgresql+psycopg", "postgresql+psycopg2",
                      "postgresql+asyncpg", "postgresql+pg8000")
_SCHEME_RE: Final = re.compile(r"^\s*([a-z][a-z0-9+.:-]*)://", re.IGNORECASE)
_HOSTPORT_RE: Final = re.compile(r"^\s*(\[[0-9a-fA-F:.]+\]|[^\s:/\[\]]+)(?::(\d{1,5}))?\s*$")
_KNOWN_FIELDS: Final = frozenset({"url", "host", "port", "name", "engine", "servername", "address", "ca_file",
                                  "user", "dbname", "labels", "password_file", "sslmode"})
_ENGINES: Final[Mapping[str, Engine]] = {"postgresql": "postgresql", "postgres": "postgresql", "pg": "postgresql",
                                          "mysql": "mysql", "mariadb": "mysql"}


def engine_of_target(text: str) -> Engine | None:
    """The engine a target text names: by its URL scheme, else by its port; None when only the endpoint can
    tell (its first bytes).

    A URL's engine is the router's (:func:`dbdoctor.route.engine_of_text`); only schemes of neither engine
    (``http://``...) are left to the endpoint."""
    m = _SCHEME_RE.match(text)
    if m is not None:
        scheme = m.group(1).lower()
        from dbdoctor.route import engine_of_text

        if engine_of_text(text) == "mysql":
            return "mysql"
        if scheme in _PG_SCHEMES or scheme.startswith("postgresql+"):
            return "postgresql"
        return None
    hp = _HOSTPORT_RE.match(text)
    if hp is not None and hp.group(2):
        from dbdoctor.fleet.probe import engine_from_port

        return engine_from_port(int(hp.group(2)))
    return None


def parse_engine(value: str | None) -> Engine | None:
    if value is None or value == "" or value == "auto":
        return None
    try:
        return _ENGINES[value.lower()]
    except KeyError:
        raise InputError(f"unknown engine {value!r}", "use postgresql or mysql (mariadb), or auto") from None


def _port(value: object, where: str) -> int:
    try:
        port = int(str(value))
    except ValueError:
        raise InputError(f"{where}: port {value!r} is not a number") from None
    if not 0 < port < 65536:
        raise InputError(f"{where}: port {port} is out of range")
    return port


def parse_target(text: str, *, engine: Engine | None = None, where: str = "target",
                 servername: str | None = None, ca_file: str | None = None) -> Endpoint:
    """One URL or ``host:port``. ``engine``/``servername``/``ca_file`` are the command line's defaults."""
    text = text.strip()
    if _SCHEME_RE.match(text):
        url_engine = engine_of_target(text)
        if url_engine is None:
            raise InputError(f"{where}: {text.split('://', 1)[0]!r} is not a PostgreSQL or MySQL URL scheme")
        raw = text[5:] if text.lower().startswith("jdbc:") else text
        try:
            parts = urlsplit(raw)
            host = parts.hostname or ""
            port = parts.port
        except ValueError as exc:
            raise InputError(f"{where}: cannot read the URL ({exc})") from None
        if not host:
            raise InputError(f"{where}: the URL names no host")
        query = parse_qs(parts.query)
        address = (query.get("hostaddr") or [""])[0] or None
        db = unquote(parts.path.lstrip("/")) or None
        user = unquote(parts.username) if parts.username else None
        return Endpoint(
            host=host,
            port=port or (5432 if url_engine == "postgresql" else 3306),
            engine=url_engine,
            servername=servername,
            address=address,
            ca_file=ca_file,
            user=user,
            dbname=db,
        )
    m = _HOSTPORT_RE.match(text)
    if m is None:
        raise InputError(f"{where}: {text[:80]!r} is neither a URL nor host:port",
                         "write postgresql://host:5432, mysql://host:3306 or host:port")
    host = m.group(1).strip("[]")
    port_text = m.group(2)
    if port_text is None:
        if engine is None:
            raise InputError(f"{where}: {text!r} has no port and no --engine says which default port to use")
        port = 5432 if engine == "postgresql" else 3306
    else:
        port = _port(port_text, where)
    bracketed = f"[{host}]" if ":" in host else host
    return Endpoint(host=host, port=port, engine=engine or engine_of_target(f"{bracketed}:{port}"),
                    servername=servername, ca_file=ca_file)


def endpoint_from_mapping(row: Mapping[str, Any], where: str, engine: Engine | None, servername: str | None,
                  ca_file: str | None) -> Endpoint:
    url = row.get("url")
    row_engine = parse_engine(str(row["engine"])) if row.get("engine") else engine
    if url:
        ep = parse_target(str(url), engine=row_engine, where=where, servername=servername, ca_file=ca_file)
    elif row.get("host"):
        host = str(row["host"])
        text = f"[{host}]" if ":" in host else host
        if row.get("port"):
            text += f":{_port(row['port'], where)}"
        ep = parse_target(text, engine=row_engine, where=where, servername=servername, ca_file=ca_file)
    else:
        raise InputError(f"{where}: a target needs url or host (and port)")
    labels_raw = row.get("labels") or {}
    if not isinstance(labels_raw, Mapping):
        raise InputError(f"{where}: labels must be a mapping of names to values")
    labels = {str(k): str(v) for k, v in labels_raw.items()}
    for k, v in row.items():  # CSV: every unknown column is a label
        if k not in _KNOWN_FIELDS and k is not None and v not in (None, ""):
            labels[str(k)] = str(v)
    import dataclasses

    return dataclasses.replace(
        ep,
        engine=row_engine or ep.engine,
        name=str(row.get("name") or ""),
        labels=tuple(sorted(labels.items())),
        servername=str(row["servername"]) if row.get("servername") else ep.servername,
        address=str(row["address"]) if row.get("address") else ep.address,
        ca_file=str(row["ca_file"]) if row.get("ca_file") else ep.ca_file,
        user=str(row["user"]) if row.get("user") else ep.user,
        dbname=str(row["dbname"]) if row.get("dbname") else ep.dbname,
        password_file=str(row["password_file"]) if row.get("password_file") else None,
        sslmode=str(row["sslmode"]) if row.get("sslmode") else None,
    )


def _lines(stream: Iterable[str], where: str, engine: Engine | None, servername: str | None,
           ca_file: str | None) -> Iterator[Endpoint]:
    for n, line in enumerate(stream, 1):
        text = line.split("#", 1)[0].strip() if not _SCHEME_RE.match(line) else line.strip()
        if not text or text.startswith("#"):
            continue
        yield parse_target(text, engine=engine, where=f"{where}:{n}", servername=servername, ca_file=ca_file)


def _csv(stream: Iterable[str], where: str, engine: Engine | None, servername: str | None,
         ca_file: str | None) -> Iterator[Endpoint]:
    reader = csv.DictReader(stream)
    for n, row in enumerate(reader, 2):
        yield endpoint_from_mapping(row, f"{where}:{n}", engine, servername, ca_file)


def yaml_targets(data: Any, where: str) -> list[Mapping[str, Any]]:
    if isinstance(data, Mapping):
        data = data.get("targets")
    if not isinstance(data, list) or not all(isinstance(r, Mapping | str) for r in data):
        raise InputError(f"{where}: a YAML inventory is a list of targets (or a mapping with 'targets:')")
    return [r if isinstance(r, Mapping) else {"url": r} if "://" in r else {"host": r} for r in data]


def _yaml(stream: Iterable[str], where: str, engine: Engine | None, servername: str | None,
          ca_file: str | None) -> Iterator[Endpoint]:
    import yaml

    try:
        data = yaml.safe_load("".join(stream))
    except yaml.YAMLError as exc:
        raise InputError(f"{where}: not valid YAML ({str(exc).splitlines()[0]})") from None
    for n, row in enumerate(yaml_targets(data, where), 1):
        if "host" in row and "url" not in row and isinstance(row["host"], str) and ":" in row["host"] \
                and "port" not in row:
            hp = parse_target(row["host"], engine=engine, where=f"{where}[{n}]")
            row = {**row, "host": hp.host, "port": hp.port}
        yield endpoint_from_mapping(row, f"{where}[{n}]", engine, servername, ca_file)


def read_inventory(
    stream: Iterable[str],
    *,
    name: str = "-",
    fmt: str | None = None,
    engine: Engine | None = None,
    servername: str | None = None,
    ca_file: str | None = None,
) -> Iterator[Endpoint]:
    """The endpoints of ``stream``, lazily. ``fmt`` is ``lines``, ``csv`` or ``yaml``; None guesses from the
    file name, else from the first non-blank line."""
    if fmt is None:
        lower = name.lower()
        if lower.endswith((".yml", ".yaml")):
            fmt = "yaml"
        elif lower.endswith(".csv"):
            fmt = "csv"
        else:
            head = ""
            buffered: list[str] = []
            source = iter(stream)
            for line in source:
                buffered.append(line)
                if line.strip() and not line.lstrip().startswith("#"):
                    head = line.strip()
                    break
            stream = itertools.chain(buffered, source)
            if head.startswith(("- ", "targets:")):
                fmt = "yaml"
            elif "," in head and not _SCHEME_RE.match(head):
                fmt = "csv"
            else:
                fmt = "lines"
    readers = {"lines": _lines, "csv": _csv, "yaml": _yaml}
    if fmt not in readers:
        raise InputError(f"unknown inventory format {fmt!r}", "use lines, csv or yaml")
    return readers[fmt](stream, name, engine, servername, ca_file)


def from_targets(texts: Iterable[str], *, engine: Engine | None = None, servername: str | None = None,
                 ca_file: str | None = None) -> Iterator[Endpoint]:
    for i, t in enumerate(texts, 1):
        yield parse_target(t, engine=engine, where=f"target {i}", servername=servername, ca_file=ca_file)


__all__ = ["engine_of_target", "from_targets", "parse_engine", "parse_target", "read_inventory"]
