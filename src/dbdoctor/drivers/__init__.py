"""What the app's own driver does with its connection string, in libpq's terms.

Each module here is one driver's knowledge as data (``_model.Driver``); :func:`translate` reads the
parameters the way that driver does and gives a :class:`DriverView`: the libpq-equivalent Target (so that
libpq, through psycopg, can act as the oracle of what the driver will do), what happens to each parameter,
and findings in the driver's own words. Pure: no network; it only asks whether files exist (node-postgres
and asyncpg read certificate files while parsing).

The libpq-equivalent Target:
- ``sslmode`` is the libpq mode that behaves as the driver does (node-postgres ``sslmode=require`` →
  ``verify-full`` against the system store, i.e. libpq's ``verify-full sslrootcert=system``);
- ``sslrootcert`` follows the row's root rule; a driver that never reads ``~/.postgresql/root.crt`` gets
  :data:`NO_ROOT`, a path that cannot exist, which libpq ignores for ``allow``/``prefer``/``require``;
- the SSL keys the driver does not read are dropped.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Final
from urllib.parse import parse_qsl, urlsplit

from dbdoctor.drivers.model import Driver, Row, in_range, version_key
from dbdoctor.drivers.table import decide, fmt
from dbdoctor.drivers.table import seen as seen_by
from dbdoctor.errors import DriverError
from dbdoctor.report import Finding
from dbdoctor.target import Target

#: driver name → module under dbdoctor.drivers (the order of ``dbdoctor drivers``)
MODULES: Final[Mapping[str, str]] = {
    "libpq": "libpq",
    "asyncpg": "asyncpg",
    "pg8000": "pg8000",
    "node-postgres": "node_postgres",
    "postgres-js": "postgres_js",
    "prisma": "prisma",
    "pgjdbc": "pgjdbc",
    "pgx": "pgx",
    "lib-pq": "lib_pq",
    "sqlx": "sqlx",
    "tokio-postgres": "tokio_postgres",
    "npgsql": "npgsql",
    "bun-sql": "bun_sql",
}

#: a root certificate path that cannot exist: libpq then verifies nothing in allow/prefer/require, which is
#: what a driver that never reads ~/.postgresql/root.crt does
NO_ROOT: Final = "/nonexistent/dbdoctor-driver-reads-no-root-file"

#: libpq keywords that are about TLS: dropped from the libpq-equivalent Target unless the driver reads them
SSL_KEYS: Final = frozenset({
    "sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "sslcrl", "sslcrldir", "sslsni",
    "sslcertmode", "ssl_min_protocol_version", "ssl_max_protocol_version", "sslnegotiation", "requiressl",
    "sslcompression",
})

#: keys that look like TLS settings: ignoring one is a finding worth an error or warning
SSLISH: Final = re.compile(r"ssl|tls|cert|ca$|^ca", re.IGNORECASE)

#: the order of strength of libpq modes, for "weaker than libpq" findings
STRENGTH: Final[Mapping[str, int]] = {
    "disable": 0, "allow": 1, "prefer": 2, "require": 3, "verify-ca": 4, "verify-full": 5,
}


def _norm_name(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def get(name: str) -> Driver:
    """The knowledge of a driver by name or alias (case-insensitive; ``_`` and ``-`` alike)."""
    wanted = _norm_name(name)
    for canonical in MODULES:
        d = _load(canonical)
        if wanted == canonical or wanted in {_norm_name(a) for a in d.aliases}:
            return d
    raise DriverError(
        f"unknown driver {name!r}",
        "known drivers: " + ", ".join(MODULES) + " (see `dbdoctor drivers`)",
    )


def _load(canonical: str) -> Driver:
    module = importlib.import_module(f"dbdoctor.drivers.{MODULES[canonical]}")
    driver = module.DRIVER
    assert isinstance(driver, Driver)
    return driver


def all_drivers() -> tuple[Driver, ...]:
    return tuple(_load(n) for n in MODULES)


def all_engines() -> tuple[tuple[str, Driver], ...]:
    """Every driver dbdoctor knows, with its engine (``postgresql`` or ``mysql``), for ``dbdoctor drivers``."""
    from dbdoctor.drivers.mysql_base import all_mysql_drivers

    return tuple(("postgresql", d) for d in all_drivers()) + tuple(("mysql", d) for d in all_mysql_drivers())


def get_any(name: str) -> tuple[str, Driver]:
    """A driver of either engine by name or alias (PostgreSQL names first): (engine, knowledge)."""
    from dbdoctor.drivers.mysql_base import MYSQL_MODULES, get_mysql

    try:
        return "postgresql", get(name)
    except DriverError:
        try:
            return "mysql", get_mysql(name)
        except DriverError:
            raise DriverError(
                f"unknown driver {name!r}",
                "known drivers: " + ", ".join([*MODULES, *MYSQL_MODULES]) + " (see `dbdoctor drivers`)",
            ) from None


def engine_of_driver(option: str) -> str | None:
    """The engine of a driver named as ``NAME[==VERSION]`` (``postgresql`` or ``mysql``), None when unknown."""
    name = option.split("==", 1)[0].strip()
    try:
        return get_any(name)[0]
    except DriverError:
        return None


def parse_option(option: str) -> tuple[str, str | None]:
    """``asyncpg==0.29`` → ("asyncpg", "0.29"); ``pgjdbc`` → ("pgjdbc", None). The name is checked."""
    name, sep, version = option.partition("==")
    if sep and not version_key(version.strip()):
        raise DriverError(f"cannot read the version in {option!r}", "write --driver NAME==VERSION, e.g. asyncpg==0.29")
    return get(name).name, (version.strip() or None) if sep else None


@dataclasses.dataclass(frozen=True, slots=True)
class ParamVerdict:
    """What the driver does with one parameter as written."""

    key: str
    verdict: str  # read | ignored | forwarded | rejected
    libpq: str | None  # the libpq keyword it corresponds to, when read
    note: str
    source: str


@dataclasses.dataclass(frozen=True, slots=True)
class DriverView:
    """The driver's reading of a target (see the module docstring)."""

    driver: str
    title: str
    version: str | None
    #: why this driver and version were assumed ("--driver", "the URL scheme postgresql+asyncpg", ...)
    because: str
    #: the libpq-equivalent Target; the same as the input for libpq
    target: Target
    #: the libpq mode that behaves as the driver does; None when the driver refuses the settings
    sslmode: str | None
    meaning: str
    source: str
    verdicts: tuple[ParamVerdict, ...]
    findings: tuple[Finding, ...]
    #: the driver refuses the settings before connecting: the exact text, and its cause
    error: str | None = None
    error_cause: str | None = None
    #: a forwarded parameter the server refuses after authentication: (key, the server's message)
    server_refuses: tuple[str, str] | None = None
    fallback: str = "libpq"
    tls_mode: str | None = None
    approximate: bool = False
    #: what libpq would do with the same settings as written: its mode (once the parameters it refuses are
    #: taken out; None when it refuses a value), and its refusal of the string, if any
    libpq_sslmode: str | None = None
    libpq_error: str | None = None
    #: the driver's knowledge record this view was read with (its variant for the URL scheme)
    model: Driver | None = dataclasses.field(default=None, repr=False, compare=False)
    #: the sslmode value as the driver saw it written (its own spelling of the key), if any
    written_sslmode: str | None = None

    @property
    def differs_from_libpq(self) -> bool:
        return (self.sslmode, self.error) != (self.libpq_sslmode, self.libpq_error) or self.server_refuses is not None

    def effective(self) -> dict[str, object]:
        """The additive ``effective`` fields of the parse and check reports."""
        out: dict[str, object] = {
            "driver": self.driver,
            "driver_version": self.version,
            "driver_assumed_because": self.because,
            "sslmode": self.sslmode if self.sslmode is not None else "refused",
            "sslmode_meaning": self.meaning,
        }
        root = self.target.settings.get("sslrootcert")
        out["sslrootcert"] = None if root == NO_ROOT or self.sslmode in (None, "disable") else root
        return out


# --- reading a target the way a driver does ------------------------------------------------------------------

#: a key starts at the beginning or after white space (the lookbehind): without it, a long run with no '=' is
#: rescanned from every position, quadratic (issue 13: 49 s on 20,000 characters)
_KW_PAIR: Final = re.compile(r"(?<!\S)([^\s=]+)\s*=\s*('(?:\\.|[^'\\])*'|\S*)")


def written_params(text: str) -> list[tuple[str, str]]:
    """The parameters as written: a URL's query (percent-decoded, in order, duplicates kept) or the pairs of
    a keyword string. The password is left out."""
    if "://" in text:
        try:
            query = urlsplit(text).query
        except ValueError:  # "Invalid IPv6 URL": libpq's parser has the say on the rest
            query = text.partition("?")[2].partition("#")[0]
        return [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "password"]
    out = []
    for m in _KW_PAIR.finditer(text):
        value = m.group(2)
        if value.startswith("'") and value.endswith("'") and len(value) >= 2:
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        if m.group(1) != "password":
            out.append((m.group(1), value))
    return out


def libpq_base(text: str) -> str:
    """The target with the driver's own parameters taken out, so libpq can parse what is left (host, port,
    user, password, database and the non-TLS keywords libpq knows): the input of ``resolve`` for a driver
    that is not libpq."""
    from dbdoctor.drivers.libpq import KEYWORDS

    keep = set(KEYWORDS) - SSL_KEYS
    if "://" in text:
        head, _, query = text.partition("?")
        pieces = [p for p in query.split("&") if p and p.split("=", 1)[0] in keep]
        return head + ("?" + "&".join(pieces) if pieces else "")
    parts = [m.group(0).strip() for m in _KW_PAIR.finditer(text) if m.group(1) in keep or m.group(1) == "password"]
    return " ".join(parts)


def scheme_of(text: str | None) -> str | None:
    if text is None or "://" not in text:
        return None
    return text.split("://", 1)[0].lower()


def _variant(d: Driver, scheme: str | None) -> Driver:
    """SQLAlchemy's postgresql+asyncpg:// passes the query as keywords: asyncpg's SQLALCHEMY record."""
    if d.name == "asyncpg" and scheme == "postgresql+asyncpg":
        from dbdoctor.drivers.asyncpg import SQLALCHEMY

        return SQLALCHEMY
    if d.name == "libpq" and scheme in ("postgresql+psycopg", "postgresql+psycopg2"):
        from dbdoctor.drivers.libpq import SQLALCHEMY as LIBPQ_SQLALCHEMY

        return LIBPQ_SQLALCHEMY
    return d


def _equivalent(target: Target, d: Driver, row: Row, seen: Mapping[str, str]) -> Target:
    mode = fmt(row.sslmode or "prefer", seen)
    given = next((seen[k] for k, p in d.params.items() if p.libpq == "sslrootcert" and k in seen), None)
    if given is None and "sslrootcert" in d.env and not d.env_separate:
        given = seen.get("sslrootcert")
    root: str | None
    if row.root == "libpq" or row.root == "given":
        root = given
    elif row.root == "given_or_system":
        root = given or "system"
    elif row.root == "given_or_none":
        root = given or NO_ROOT
    elif row.root == "system":
        root = "system"
    else:
        root = NO_ROOT
    if mode == "disable":
        root = None
    label = f"driver:{d.name}"
    if d.name == "libpq":  # the identity: the written TLS keywords over what the target already has
        settings = dict(target.settings)
        provenance = dict(target.provenance)
        for key, value in seen.items():
            if key in SSL_KEYS and settings.get(key) != value:
                settings[key], provenance[key] = value, label
        return dataclasses.replace(target, settings=settings, provenance=provenance)
    settings = {k: v for k, v in target.settings.items() if k not in SSL_KEYS}
    provenance = {k: v for k, v in target.provenance.items() if k not in SSL_KEYS}
    settings["sslmode"] = mode
    provenance["sslmode"] = label
    if root is not None:
        settings["sslrootcert"] = root
        provenance["sslrootcert"] = label
    for key in ("sslcert", "sslkey", "sslnegotiation", "sslsni"):
        read = next((seen[k] for k, p in d.params.items() if p.libpq == key and p.verdict == "read" and k in seen),
                    None)
        if read is not None and mode != "disable":
            settings[key] = read
            provenance[key] = label
    return dataclasses.replace(target, settings=settings, provenance=provenance)


def _libpq_reading(written: Sequence[tuple[str, str]], target: Target) -> tuple[str | None, str | None]:
    """libpq's mode for the settings as written, or its refusal."""
    from dbdoctor.drivers.libpq import KEYWORDS

    libpq = _load("libpq")
    seen: dict[str, str] = {}
    refusal: str | None = None
    for key, value in written:
        if key == "ssl" and value == "true":
            key, value = "sslmode", "require"
        if key not in libpq.params:
            if key not in KEYWORDS and refusal is None:
                refusal = f'invalid URI query parameter: "{key}"'
            continue
        seen[key] = value
    for key in ("sslmode", "sslrootcert"):
        if key not in seen and target.provenance.get(key, "").startswith(("env:", "dotenv:", "service:")):
            seen[key] = target.settings[key]
    mode = seen.get("sslmode")
    if mode is not None and mode not in STRENGTH:
        return None, f'invalid sslmode value: "{mode}"'
    row = decide(libpq, seen, None, os.path.exists)
    if row.error is not None:
        return None, fmt(row.error, seen)
    # the mode libpq would use once the parameters it refuses were taken out, and its refusal if any
    return fmt(row.sslmode or "prefer", seen), refusal


def translate(
    target: Target,
    driver: str,
    version: str | None = None,
    *,
    written: Sequence[tuple[str, str]] | None = None,
    environ: Mapping[str, str] | None = None,
    because: str = "--driver",
    exists: Callable[[str], bool] = os.path.exists,
) -> DriverView:
    """What ``driver`` (at ``version``) does with ``target``: the driver's reading as data, without findings
    (``dbdoctor.rules.driver_params.findings`` judges a view; the engine's driver check puts the two together).

    ``written`` are the parameters as the user wrote them (:func:`written_params`); without them, the
    keywords libpq parsed (``target.params``). ``environ`` is the environment the app runs with (for the
    variables the driver reads).
    """
    d = get(driver)
    if d.delegate is not None and version is not None and in_range(version, (d.delegate[0], None)):
        because = f"{because}; {d.title} {version} uses {d.delegate[1]}"
        d = get(d.delegate[1])
        version = None
    d = _variant(d, scheme_of(target.written))
    version = version or d.default_version
    environ = environ if environ is not None else {}
    if written is None:
        written = [(k, v) for k, v in target.params.items() if k not in ("host", "hostaddr", "port", "user", "dbname")]
    seen = seen_by(d, written, environ)
    verdicts = []
    server_refuses: tuple[str, str] | None = None
    for key, _value in written:
        k = key.lower() if d.keys_case_insensitive else key
        p = d.params.get(k)
        if p is not None:
            verdicts.append(ParamVerdict(key, p.verdict, p.libpq, p.note, p.source.where))
            continue
        note = ""
        if d.unknown == "forwarded":
            from dbdoctor.drivers.server_params import server_answer

            answer = server_answer(key)
            note = answer or "a server setting: accepted"
            if answer is not None and server_refuses is None:
                server_refuses = (key, answer)
        elif d.unknown == "rejected" and d.unknown_error:
            note = fmt(d.unknown_error, {"key": key})
        verdicts.append(ParamVerdict(key, d.unknown, None, note, f"{d.name}: parameters it does not read"))
    row = decide(d, seen, version, exists)
    error = fmt(row.error, seen) if row.error is not None else None
    error_cause = row.error_cause if row.error is not None else None
    rejected = next((v for v in verdicts if v.verdict == "rejected"), None)
    meaning = row.meaning
    if error is None and rejected is not None:
        error, error_cause = rejected.note or f"{d.name} refuses {rejected.key!r}", "param_unknown"
        meaning = f"{d.title} refuses the parameter {rejected.key!r} before connecting"
    libpq_mode, libpq_error = (None, None) if d.name == "libpq" else _libpq_reading(written, target)
    equivalent = _equivalent(target, d, row, seen)
    mode = None if error is not None else fmt(row.sslmode or "prefer", seen)
    if d.name == "libpq":
        libpq_mode, libpq_error = mode, error
    view = DriverView(
        driver=d.name,
        title=d.title,
        version=version,
        because=because,
        target=equivalent,
        sslmode=mode,
        meaning=meaning,
        source=row.source.where,
        verdicts=tuple(verdicts),
        findings=(),
        error=error,
        error_cause=error_cause,
        server_refuses=server_refuses,
        fallback=row.fallback,
        tls_mode=row.tls_mode,
        approximate=row.approximate,
        libpq_sslmode=libpq_mode,
        libpq_error=libpq_error,
        model=d,
        written_sslmode=seen.get("sslmode"),
    )
    return view


# --- which driver -------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Choice:
    name: str
    version: str | None
    because: str
    #: database client dependencies the project lists that dbdoctor has no record of (``--project``): the
    #: answers are then libpq's, and the report says so instead of silently assuming it
    unrecognised: tuple[str, ...] = ()
    #: True when ``--project`` named no driver dbdoctor knows and libpq is assumed for want of one
    fallback: bool = False


def choose(
    option: str | None, text: str | None, scheme_driver: str | None = None, project: str | None = None
) -> Choice:
    """The driver to assume: ``--driver`` first, then the URL scheme, then the project's files, else libpq."""
    if option:
        name, version = parse_option(option)
        return Choice(name, version, "--driver " + option)
    if scheme_driver:
        return Choice(get(scheme_driver).name, None, f"the URL scheme {scheme_of(text)}://")
    if project:
        from dbdoctor.drivers.detect import detect

        found = detect(project)
        if found is not None:
            return found
        from dbdoctor.drivers.detect import unrecognised

        unknown = unrecognised(project)
        if unknown:
            return Choice("libpq", None, f"no driver dbdoctor knows in {project}, which lists "
                          f"{', '.join(unknown)}: dbdoctor has no record of how that reads SSL settings, so the "
                          "answers are libpq's (psql's), not necessarily your app's", unknown, fallback=True)
        return Choice("libpq", None, f"no PostgreSQL driver found in {project}'s dependency files: libpq (psql) "
                      "assumed", fallback=True)
    return Choice("libpq", None, "the default (no --driver, no driver-specific scheme)")


__all__ = [
    "MODULES",
    "NO_ROOT",
    "Choice",
    "DriverError",
    "DriverView",
    "ParamVerdict",
    "all_drivers",
    "all_engines",
    "choose",
    "engine_of_driver",
    "get",
    "get_any",
    "libpq_base",
    "parse_option",
    "translate",
    "written_params",
]
