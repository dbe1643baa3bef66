"""MySQL driver knowledge: what the app's MySQL driver really does with its settings, in the MySQL client's
ssl-mode names (DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY).

The records reuse :mod:`dbdoctor.drivers.model` (adding a driver is adding data): a :class:`~._model.Row`'s
``sslmode`` holds a MySQL mode name; ``root`` says which CA the verification uses (``given``,
``given_or_system``, ``system``, ``none``); ``fallback="on_refusal"`` with ``tls_mode`` means "TLS verified as
``tls_mode`` when the server offers it, plain text when it does not" (PyMySQL 1.1 with SSL options, which no
MySQL client mode expresses); a row without ``error`` but with ``error_cause="server_ssl_unsupported"``
fails with error 2026 when the server offers no TLS whatever its mode (mysql-connector-python with ssl_disabled
and ssl_verify_cert). A :class:`~._model.Param`'s ``libpq`` field holds the MySQL client option the
parameter corresponds to (``ssl-ca``...).

Values are strings as written. For the Python drivers they stand for keyword arguments: ``true``/``True``/``1``
are true; ``false``/``False``/``0``/empty are false (the app converting them to booleans); any other non-empty
string is a path or a name.

Pure: no network, no files.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping, Sequence
from typing import Final

from dbdoctor.drivers.model import Driver, version_key
from dbdoctor.drivers.table import decide, fmt, key_of
from dbdoctor.drivers.table import seen as seen_by
from dbdoctor.errors import DriverError
from dbdoctor.report import Finding

#: driver name → module under dbdoctor.drivers (the order of ``dbdoctor drivers``)
MYSQL_MODULES: Final[Mapping[str, str]] = {
    "pymysql": "mysql_pymysql",
    "mysqlclient": "mysql_mysqlclient",
    "mysql-connector-python": "mysql_connector_python",
    "aiomysql": "mysql_aiomysql",
    "mysql2": "mysql_mysql2",
    "connector-j": "mysql_connector_j",
    "go-sql-driver": "mysql_go",
    "prisma-mysql": "mysql_prisma",
}

#: values a driver takes as true / false (Python truthiness of what the app passes, JSON/URL booleans)
TRUE: Final = frozenset({"true", "True", "TRUE", "1", "yes", "on"})
FALSE: Final = frozenset({"false", "False", "FALSE", "0", "no", "off", ""})

_STRENGTH: Final[Mapping[str, int]] = {
    "DISABLED": 0, "PREFERRED": 1, "REQUIRED": 2, "VERIFY_CA": 3, "VERIFY_IDENTITY": 4,
}


def _norm(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def _load(canonical: str) -> Driver:
    module = importlib.import_module(f"dbdoctor.drivers.{MYSQL_MODULES[canonical]}")
    driver = module.DRIVER
    assert isinstance(driver, Driver)
    return driver


def get_mysql(name: str) -> Driver:
    """A MySQL driver's knowledge by name or alias (case-insensitive; ``_`` and ``-`` alike)."""
    wanted = _norm(name.partition("==")[0])
    for canonical in MYSQL_MODULES:
        d = _load(canonical)
        if wanted == canonical or wanted in {_norm(a) for a in d.aliases}:
            return d
    raise DriverError(
        f"unknown MySQL driver {name!r}",
        "known MySQL drivers: " + ", ".join(MYSQL_MODULES) + " (see `dbdoctor drivers`)",
    )


def all_mysql_drivers() -> tuple[Driver, ...]:
    return tuple(_load(n) for n in MYSQL_MODULES)


def parse_mysql_option(option: str) -> tuple[str, str | None]:
    """``pymysql==1.1`` → ("pymysql", "1.1"); the name is checked."""
    name, sep, version = option.partition("==")
    if sep and not version_key(version.strip()):
        raise DriverError(f"cannot read the version in {option!r}", "write --driver NAME==VERSION")
    return get_mysql(name).name, (version.strip() or None) if sep else None


@dataclasses.dataclass(frozen=True, slots=True)
class MySQLParamVerdict:
    key: str
    verdict: str
    option: str | None
    note: str
    source: str


@dataclasses.dataclass(frozen=True, slots=True)
class MySQLDriverView:
    """What a MySQL driver does with the settings as written."""

    driver: str
    title: str
    version: str | None
    #: the MySQL mode the driver applies; None when it refuses the settings before connecting
    mode: str | None
    #: with ``falls_back``: the mode of the TLS attempt when the server offers TLS (else ``mode`` itself)
    tls_mode: str | None
    #: True when the driver goes on in plain text when the server offers no TLS
    falls_back: bool
    #: the CA file it verifies against (None: the system store or no verification, see ``ca_source``)
    ca: str | None
    #: "given", "system" or "none"
    ca_source: str
    checks_host: bool
    meaning: str
    source: str
    status: str
    verdicts: tuple[MySQLParamVerdict, ...]
    findings: tuple[Finding, ...]
    error: str | None = None
    error_cause: str | None = None
    approximate: bool = False
    #: fails with server_ssl_unsupported when the server offers no TLS, even in DISABLED
    fails_without_tls: bool = False
    #: the driver's knowledge record this view was read with
    model: Driver | None = dataclasses.field(default=None, repr=False, compare=False)
    #: the CA file written (the driver's ssl-ca parameter), whether or not the driver verifies against it: some
    #: drivers load it in every TLS mode and fail when it is missing (``ca_file_missing`` in their messages)
    ca_given: str | None = None
    #: the ssl-mode as written (the driver's own key), if any
    written_mode: str | None = None

    def effective(self) -> dict[str, object]:
        return {
            "driver": self.driver,
            "driver_version": self.version,
            "ssl_mode": self.mode if self.mode is not None else "refused",
            "ssl_mode_meaning": self.meaning,
            "ssl_ca": self.ca,
            "falls_back_to_plain": self.falls_back,
            "checks_host_name": self.checks_host,
        }


def translate_mysql(
    written: Sequence[tuple[str, str]] | Mapping[str, str], driver: str, version: str | None = None
) -> MySQLDriverView:
    """What ``driver`` (at ``version``, else its default) does with the parameters as written."""
    d = get_mysql(driver)
    version = version or d.default_version
    pairs = list(written.items()) if isinstance(written, Mapping) else list(written)
    seen = seen_by(d, pairs)
    verdicts: list[MySQLParamVerdict] = []
    for key, _value in pairs:
        p = d.params.get(key_of(d, key))
        if p is not None:
            verdicts.append(MySQLParamVerdict(key, p.verdict, p.libpq, p.note, p.source.where))
        else:
            note = fmt(d.unknown_error, {"key": key}) if d.unknown_error else ""
            verdicts.append(MySQLParamVerdict(key, d.unknown, None, note, f"{d.name}: parameters it does not read"))
    row = decide(d, seen, version)
    error = fmt(row.error, seen) if row.error is not None else None
    error_cause = row.error_cause if error is not None else None
    meaning = row.meaning
    rejected = next((v for v in verdicts if v.verdict == "rejected"), None)
    if rejected is not None and (error is None or row.when == {}):
        error = rejected.note or f"{d.name} refuses {rejected.key!r}"
        error_cause = "param_unknown"
        meaning = f"{d.title} refuses the parameter {rejected.key!r} before connecting"
    mode = None if error is not None else row.sslmode
    falls_back = mode == "PREFERRED"
    tls_mode = (row.tls_mode or mode) if mode is not None else None
    given = next((seen[k] for k, p in d.params.items() if p.libpq == "ssl-ca" and seen.get(k)), None)
    verifies = tls_mode in ("VERIFY_CA", "VERIFY_IDENTITY")
    if not verifies or row.root == "none":
        ca, ca_source = None, "none"
    elif row.root in ("given", "given_or_system") and given:
        ca, ca_source = given, "given"
    else:
        ca, ca_source = None, "system"
    view = MySQLDriverView(
        driver=d.name, title=d.title, version=version, mode=mode, tls_mode=tls_mode,
        falls_back=falls_back, ca=ca, ca_source=ca_source, checks_host=tls_mode == "VERIFY_IDENTITY",
        meaning=meaning, source=row.source.where, status=row.source.status, verdicts=tuple(verdicts),
        findings=(), error=error, error_cause=error_cause, approximate=row.approximate,
        fails_without_tls=error is None and row.error_cause == "server_ssl_unsupported",
        model=d, ca_given=given,
        written_mode=next((w for k, p in d.params.items() if p.libpq == "ssl-mode" and (w := seen.get(k))), None),
    )
    return view


def outcome(view: MySQLDriverView, *, tls_offered: bool, chain_ok: bool, name_ok: bool) -> str:
    """What the driver gets from a server: ``plain``, ``tls``, or a cause id (``param_invalid``,
    ``param_unknown``, ``server_ssl_unsupported``, ``cert_untrusted``, ``hostname_mismatch``). ``chain_ok`` is
    whether the chain verifies against the CA the driver uses; ``name_ok`` whether it names the host."""
    if view.mode is None:
        return view.error_cause or "param_invalid"
    if not tls_offered and view.fails_without_tls:
        return "server_ssl_unsupported"
    if view.mode == "DISABLED":
        return "plain"
    if not tls_offered:
        return "plain" if view.falls_back else "server_ssl_unsupported"
    mode = view.tls_mode or view.mode
    if mode in ("VERIFY_CA", "VERIFY_IDENTITY") and not chain_ok:
        return "cert_untrusted"
    if mode == "VERIFY_IDENTITY" and not name_ok:
        return "hostname_mismatch"
    return "tls"


__all__ = [
    "FALSE",
    "MYSQL_MODULES",
    "TRUE",
    "DriverError",
    "MySQLDriverView",
    "MySQLParamVerdict",
    "all_mysql_drivers",
    "get_mysql",
    "outcome",
    "parse_mysql_option",
    "translate_mysql",
]
