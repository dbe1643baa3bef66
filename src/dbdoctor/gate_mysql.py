"""``dbdoctor preflight`` / ``dbdoctor.preflight()`` for MySQL and MariaDB targets (issue 6).

The same gate as :mod:`dbdoctor.gate`: the settings resolved by :mod:`dbdoctor.sources.mysql` (the URL, else
``DATABASE_URL``, ``MYSQL_HOST``/``MYSQL_TCP_PORT``, dotenv files, ``~/.my.cnf``), ONE real connection with
exactly those settings through :func:`dbdoctor.probe.mysql.attempt_pymysql` (the only place the password reaches
PyMySQL), one line out. Only a failure pays for the diagnosis (:func:`dbdoctor.pipeline_mysql.check`, within what
is left of the deadline), which tells a lying ``1045`` (require_secure_transport) from a wrong password.

The result is a :class:`dbdoctor.gate.PreflightResult` with ``engine="mysql"``; its settings carry ``ssl_mode``
(the MySQL client's names, ``DISABLED`` ... ``VERIFY_IDENTITY``) instead of libpq's ``sslmode``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from pathlib import Path

    from dbdoctor.gate import PreflightResult, Retry
    from dbdoctor.probe.mysql import MyAttempt
    from dbdoctor.probe.observations import DriverObservation
    from dbdoctor.report import Report
    from dbdoctor.target import Target

ENGINE: Final = "mysql"
TIMEOUT_FIX: Final = (
    "Check that the host and port are the MySQL/MariaDB server's and reachable from here (a firewall or an "
    "allowlist drops the packets silently), or give it longer with --timeout."
)
#: MariaDB 10+ prefixes the version it sends with "5.5.5-" for old replication clients; the line drops it
MARIADB_PREFIX: Final = "5.5.5-"

def is_mysql_text(text: str | None) -> bool:
    """Whether a target text names MySQL/MariaDB by its scheme (no import, no parse): the fast path's own test,
    so that both decline and take the same targets."""
    from dbdoctor._gatefast import is_mysql_text as by_scheme

    return by_scheme(text)


def wanted(target: str | None, environ: Mapping[str, str], env_files: Sequence[str | Path] = ()) -> bool:
    """Whether the preflight is a MySQL one: the target, else DATABASE_URL (the environment first, then the
    dotenv files, as the sources read it)."""
    if target is not None:
        return is_mysql_text(target)
    if "DATABASE_URL" in environ:
        return is_mysql_text(environ["DATABASE_URL"])
    if not env_files:
        return False
    from dbdoctor.sources._files import dotenv_layers

    url: str | None = None
    for _label, values in dotenv_layers(environ, env_files):
        if "DATABASE_URL" in values:
            url = values["DATABASE_URL"]
    return is_mysql_text(url)


def shown_settings(target: Target) -> dict[str, Any]:
    """The effective settings worth a log line, none of them secret."""
    s = target.settings
    port: Any = int(s["port"]) if s.get("port", "").isdigit() else s.get("port")
    shown: dict[str, Any] = {
        "host": s.get("socket") or s.get("host") or "localhost",
        "port": port,
        "dbname": s.get("dbname"),
        "user": s.get("user"),
        "password": "set" if target.has_password else "unset",
        "ssl_mode": (s.get("ssl_mode") or "PREFERRED").upper(),
        "ca_file": "set" if s.get("ssl_ca") else "unset",
    }
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
        f"tls={tls_version or 'none'}",
        f"server={server_version or '?'}",
        f"time={elapsed_ms:.0f}ms",
    ]
    if attempts > 1:
        parts.append(f"attempts={attempts}")
    return "preflight ok: " + " ".join(parts)


def as_driver(a: MyAttempt) -> DriverObservation:
    """The PyMySQL attempt as the driver observation the result carries (password-free already)."""
    from dbdoctor.probe.observations import DriverObservation

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
    from dbdoctor.explain import match_message
    from dbdoctor.gate import MAX_MESSAGE, _one_line
    from dbdoctor.pipeline_mysql import ERRNO_CAUSES

    message = _one_line(a.message or "no message from the driver")
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    matches = match_message(a.message or "")
    fix = _one_line(matches[0].fix) if matches else None
    if a.timed_out:
        # PyMySQL says 2003 (TCP connect) or 2013 (no greeting, a stalled TLS handshake) for both a timeout and
        # a refusal or a broken handshake: its "timed out" is what tells them apart
        cause = "connect_timeout"
        if not matches or matches[0].cause != cause:
            fix = TIMEOUT_FIX
    elif a.errno is not None and a.errno in ERRNO_CAUSES:
        cause = ERRNO_CAUSES[a.errno]
        if matches and matches[0].cause != cause:
            fix = None
    elif matches:
        cause = matches[0].cause
    else:
        cause = "unknown"
    return cause, message, fix


def run(
    target: str | None = None,
    *,
    environ: Mapping[str, str],
    env_files: Sequence[str | Path] = (),
    timeout: float = 10.0,
    wait: float = 0.0,
    phase: str | None = None,
    on_retry: Callable[[Retry], None] | None = None,
    defaults_file: str | None = None,
) -> PreflightResult:
    """The MySQL preflight, as :func:`dbdoctor.gate.run` (same deadlines, retries and result). Raises
    ``errors.TargetParseError`` / ``errors.SourceFileError`` for input that cannot be used."""
    from dbdoctor.gate import GateEngine, gate_loop
    from dbdoctor.gate import _phase as phase_of
    from dbdoctor.probe.mysql import attempt_pymysql
    from dbdoctor.sources.mysql import redact_text, resolve

    started = time.monotonic()
    resolved = resolve(target, environ=environ, env_files=env_files, defaults_file=defaults_file)

    def diagnose(remaining: float) -> Report:
        from dbdoctor.pipeline import CheckInput
        from dbdoctor.pipeline_mysql import check

        return check(
            CheckInput(text=target, environ=environ, env_files=tuple(str(f) for f in env_files), timeout=remaining,
                       phase=phase),
            defaults_file=defaults_file,
        )

    return gate_loop(
        GateEngine(
            name=ENGINE,
            attempt=lambda budget: attempt_pymysql(resolved, timeout=budget),
            as_driver=as_driver,
            quick_cause=quick_cause,
            diagnose=diagnose,
        ),
        settings=shown_settings(resolved),
        shown_target=redact_text(target) if target is not None else None,
        phase_name=phase_of(environ, phase),
        started=started,
        timeout=timeout,
        wait=wait,
        on_retry=on_retry,
    )


__all__ = ["ENGINE", "is_mysql_text", "ok_line", "quick_cause", "run", "shown_settings", "wanted"]
