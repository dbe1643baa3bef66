"""``dbdoctor preflight`` / ``dbdoctor.preflight()`` for MySQL and MariaDB targets (issue 6).

The same gate as :mod:`dbdoctor.postgres.gate`: the settings resolved by :mod:`dbdoctor.mysql.sources` (the URL, else
``DATABASE_URL``, ``MYSQL_HOST``/``MYSQL_TCP_PORT``, dotenv files, ``~/.my.cnf``), ONE real connection with
exactly those settings through :func:`dbdoctor.mysql.probe.attempt_pymysql` (the only place the password reaches
PyMySQL), one line out. Only a failure pays for the diagnosis (:func:`dbdoctor.mysql.pipeline.check`, within what
is left of the deadline), which tells a lying ``1045`` (require_secure_transport) from a wrong password.

The result is a :class:`dbdoctor.gating.PreflightResult` with ``engine="mysql"``; its settings carry ``ssl_mode``
(the MySQL client's names, ``DISABLED`` ... ``VERIFY_IDENTITY``) instead of libpq's ``sslmode``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from pathlib import Path

    from dbdoctor.drivers.mysql_base import MySQLDriverView
    from dbdoctor.gating import PreflightResult, Retry
    from dbdoctor.mysql.probe import MyAttempt
    from dbdoctor.observations import DriverObservation
    from dbdoctor.report import Report
    from dbdoctor.target import Target

ENGINE: Final = "mysql"
TIMEOUT_FIX: Final = (
    "Check that the host and port are the MySQL/MariaDB server's and reachable from here (a firewall or an "
    "allowlist drops the packets silently), or give it longer with --timeout."
)
#: MariaDB 10+ prefixes the version it sends with "5.5.5-" for old replication clients; the line drops it
MARIADB_PREFIX: Final = "5.5.5-"

def shown_settings(target: Target, view: MySQLDriverView | None = None) -> dict[str, Any]:
    """The effective settings worth a log line, none of them secret; with the app's driver (``--driver``),
    which one (``driver``, ``driver_version``) and the ssl-mode as that driver applies it."""
    s = target.settings
    port: Any = int(s["port"]) if s.get("port", "").isdecimal() else s.get("port")
    shown: dict[str, Any] = {
        "host": s.get("socket") or s.get("host") or "localhost",
        "port": port,
        "dbname": s.get("dbname"),
        "user": s.get("user"),
        "password": "set" if target.has_password else "unset",
        "ssl_mode": (s.get("ssl_mode") or "PREFERRED").upper(),
        "ca_file": "set" if s.get("ssl_ca") else "unset",
    }
    if view is not None:
        shown["driver"] = view.driver
        shown["driver_version"] = view.version
    return shown


def ok_line(s: Mapping[str, object], tls_version: str | None, server_version: str | None, elapsed_ms: float,
            attempts: int = 1) -> str:
    """The success line: like PostgreSQL's, with the MySQL client's ``ssl-mode``."""
    parts = [
        f"host={s.get('host')}",
        f"port={s.get('port')}",
        f"dbname={s.get('dbname')}",
        f"user={s.get('user')}",
        f"ssl-mode={s.get('ssl_mode')}",
        f"ca_file={s.get('ca_file')}",
        *([f"driver={s['driver']}" + (f"=={s['driver_version']}" if s.get("driver_version") else "")]
          if s.get("driver") else []),
        f"tls={tls_version or 'none'}",
        f"server={server_version or '?'}",
        f"time={elapsed_ms:.0f}ms",
    ]
    if attempts > 1:
        parts.append(f"attempts={attempts}")
    return "preflight ok: " + " ".join(parts)


def as_driver(a: MyAttempt) -> DriverObservation:
    """The PyMySQL attempt as the driver observation the result carries (password-free already)."""
    from dbdoctor.observations import DriverObservation

    version = a.server_version
    if version is not None and version.startswith(MARIADB_PREFIX) and "mariadb" in version.lower():
        version = version[len(MARIADB_PREFIX):]
    return DriverObservation(
        driver=a.driver, ok=a.ok, message=a.message, server_version=version, tls_version=a.tls_version,
        tls_cipher=a.tls_cipher, elapsed_ms=a.elapsed_ms, timed_out=a.timed_out,
    )


def quick_cause(a: MyAttempt) -> tuple[str, str, str | None]:
    """(cause, problem, fix) from the attempt alone: its error number, else the error catalog; no network. A
    plain-text 1045 is taken at its word here (only the diagnosis can tell a lying one apart)."""
    from dbdoctor.gating import MAX_MESSAGE, one_line
    from dbdoctor.messages.match import match_message
    from dbdoctor.mysql.modes import UNKNOWN
    from dbdoctor.mysql.pipeline import attempt_cause

    message = one_line(a.message or "no message from the driver")
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    matches = match_message(a.message or "")
    fix = one_line(matches[0].fix) if matches else None
    # the check pipeline's own reading: a timeout first (PyMySQL numbers it 2003 or 2013 like a refusal or a
    # broken handshake), then the error number and the error it wraps
    cause = attempt_cause(a) or UNKNOWN
    if cause == UNKNOWN and matches:
        cause = matches[0].cause
    elif matches and matches[0].cause != cause:
        fix = None
    if cause == "connect_timeout" and fix is None:
        fix = TIMEOUT_FIX
    return cause, message, fix


def refusal(view: MySQLDriverView, mode: str) -> MyAttempt:
    """The attempt the app never makes: its driver refuses the settings before connecting (its own words)."""
    from dbdoctor.mysql.probe import MyAttempt

    return MyAttempt(mode, False, None, message=view.error, driver=view.driver)


def refusal_report(view: MySQLDriverView, target: Target, shown: str | None, started: float) -> Report:
    """The diagnosis of a refusal, without a connection (the app would make none): the driver's finding."""
    from dbdoctor.mysql.modes import MYSQL_MODES
    from dbdoctor.mysql.pipeline import effective_dict
    from dbdoctor.report import ModeResult, Report

    cause = view.error_cause or "param_invalid"
    return Report(
        engine=ENGINE, target=shown, effective={**effective_dict(target), **view.effective()}, verdict="fail",
        cause=cause, modes={m: ModeResult("unknown", cause) for m in MYSQL_MODES}, findings=view.findings,
        timings_ms={"total": (time.monotonic() - started) * 1000}, driver_error=view.error,
    )


def run(
    target: str | None = None,
    *,
    environ: Mapping[str, str],
    env_files: Sequence[str | Path] = (),
    timeout: float = 10.0,
    wait: float = 0.0,
    phase: str | None = None,
    on_retry: Callable[[Retry], None] | None = None,
    defaults_file: str | Path | None = None,
    driver: str | None = None,
) -> PreflightResult:
    """The MySQL preflight, as :func:`dbdoctor.postgres.gate.run` (the same loop, :func:`dbdoctor.gating.gate_loop`: same deadlines, retries and result).

    ``defaults_file``: the MySQL option file whose ``[client]`` group is read instead of ``~/.my.cnf``.
    ``driver`` (``NAME`` or ``NAME==VERSION``, see ``dbdoctor drivers``): the one connection uses the settings as
    that driver reads them (its ssl-mode and CA; PyMySQL 1.1's "verified TLS when offered, plain otherwise"
    too); when the driver refuses the settings no connection is made and the result is the driver's refusal.

    Raises ``errors.TargetParseError`` / ``errors.SourceFileError`` for input that cannot be used, and
    ``errors.DriverError`` (an ``InputError``: exit 2) for a driver name it does not know."""
    from dbdoctor.gating import GateEngine, gate_loop, phase_of
    from dbdoctor.mysql.probe import attempt_as_driver
    from dbdoctor.mysql.sources import resolve, shown_target
    from dbdoctor.sources.files import database_url

    started = time.monotonic()
    text = database_url(target, environ, env_files)
    view: MySQLDriverView | None = None
    from dbdoctor.mysql.sources import implied_driver

    driver = driver or implied_driver(text)  # mysql+mysqldb:// is mysqlclient's
    if driver:  # the name first: an unknown one is a usage error whatever the target
        from dbdoctor.mysql import driver_hook as mysql_hook

        view = mysql_hook.view_for(text, environ, driver)
    resolved = resolve(target, environ=environ, env_files=env_files,
                       defaults_file=str(defaults_file) if defaults_file is not None else None)
    if view is not None:
        from dbdoctor.mysql import driver_hook as mysql_hook

        resolved = mysql_hook.apply(resolved, view)
    shown = shown_target(target) if target is not None else None

    def attempt(budget: float) -> MyAttempt:
        if view is not None and view.error is not None:
            return refusal(view, resolved.settings.get("ssl_mode", "PREFERRED"))
        return attempt_as_driver(resolved, view, timeout=budget)

    def quick(a: MyAttempt) -> tuple[str, str, str | None]:
        if view is not None and view.error is not None:
            from dbdoctor.gating import one_line

            fix = one_line(view.findings[0].fix) if view.findings else None
            return view.error_cause or "param_invalid", one_line(view.error), fix
        return quick_cause(a)

    def diagnose(remaining: float) -> Report:
        if view is not None and view.error is not None:
            return refusal_report(view, resolved, shown, started)
        from dbdoctor.checking import CheckInput
        from dbdoctor.mysql.pipeline import check

        return check(CheckInput(text=target, environ=environ, env_files=tuple(str(f) for f in env_files),
                                timeout=remaining, phase=phase, driver=driver,
                                defaults_file=str(defaults_file) if defaults_file is not None else None))

    return gate_loop(
        GateEngine(
            name=ENGINE,
            attempt=attempt,
            as_driver=as_driver,
            quick_cause=quick,
            diagnose=diagnose,
            ok_line=ok_line,
        ),
        settings=shown_settings(resolved, view),
        shown_target=shown,
        phase_name=phase_of(environ, phase),
        started=started,
        timeout=timeout,
        wait=wait,
        on_retry=on_retry,
    )


def run_command(
    target: str | None, *, as_json: bool, timeout: float, env_files: Sequence[str], phase: str | None,
    driver: str | None,
) -> int | None:
    """``dbdoctor preflight`` for a MySQL target without click (called by :mod:`dbdoctor._entry` for the simple
    options): the same :func:`run`, the same line or JSON, the same exit codes. None, having printed nothing and
    connected nowhere, when the input cannot be used: the click command then says why, as it always does.

    Importing click costs ~17 ms, and this runs at every start of an app; PyMySQL's own import (~46 ms) stays."""
    import os
    import sys

    from dbdoctor.errors import InputError

    try:
        result = run(target, environ=dict(os.environ), env_files=env_files, timeout=timeout, phase=phase,
                     driver=driver)
    except InputError:
        return None  # raised before any connection: click's error messages, from the start
    if as_json:
        from dbdoctor.render.json import emit

        emit(result.to_dict())
    else:
        (sys.stdout if result.ok else sys.stderr).write(result.line() + "\n")
    return 0 if result.ok else 1


__all__ = [
    "ENGINE",
    "ok_line",
    "quick_cause",
    "refusal",
    "refusal_report",
    "run",
    "run_command",
    "shown_settings",
]
