"""PostgreSQL's part of the preflight (:mod:`dbdoctor.gating` owns the loop, the deadline and the retries): the
settings resolved as libpq resolves them (:mod:`dbdoctor.postgres.sources`), one connection through psycopg
(:func:`dbdoctor.postgres.probe.attempt_psycopg`, the only place a password reaches libpq), the quick reading of
a failure from the driver's message, and the diagnosis (:func:`dbdoctor.postgres.pipeline.check`) after the last
failure. The success path imports neither the pipeline, the rules, click nor rich.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from dbdoctor.gating import PreflightResult, Retry
    from dbdoctor.observations import DriverObservation
    from dbdoctor.report import Report
    from dbdoctor.target import Target

#: cannot_connect_now: "the database system is starting up" (or shutting down, or in recovery); errcodes.txt
SQLSTATE_CANNOT_CONNECT_NOW: Final = "57P03"
STARTING_FIX: Final = (
    "Wait until the server has started (dbdoctor preflight --wait SECONDS retries until it accepts "
    "connections); if it stays like this, the server's log says why it is restarting or still recovering."
)


def shown_settings(target: Target, environ: Mapping[str, str]) -> dict[str, Any]:
    """The effective settings worth a log line, none of them secret."""
    from dbdoctor.postgres.files import libpq_home

    s = target.settings
    hosts = target.hosts
    host = ",".join(h.host or "" for h in hosts) if hosts else s.get("host")
    hostaddr = ",".join(h.hostaddr or "" for h in hosts) if any(h.hostaddr for h in hosts) else None
    ports = {h.port for h in hosts}
    port: Any
    if None in ports or not ports:  # an invalid port: show it as written
        port = s.get("port")
    else:
        port = next(iter(ports)) if len(ports) == 1 else ",".join(str(h.port) for h in hosts)
    sslmode = s.get("sslmode", "prefer")
    root = s.get("sslrootcert")
    if root == "system":
        ca_file = "system"
    elif root:
        ca_file = "set"
    elif sslmode != "disable" and (libpq_home(environ) / ".postgresql" / "root.crt").is_file():
        ca_file = "default"  # libpq reads ~/.postgresql/root.crt when it exists (initialize_SSL)
    else:
        ca_file = "unset"
    return {
        "host": host,
        "hostaddr": hostaddr,
        "port": port,
        "dbname": s.get("dbname"),
        "user": s.get("user"),
        "password": "set" if target.has_password else "unset",
        "sslmode": sslmode,
        "ca_file": ca_file,
    }


def _host_pairs(target: Target) -> list[tuple[str | None, str | None]]:
    return [(h.host, h.hostaddr) for h in target.hosts]


def quick_cause(
    target: Target, driver: DriverObservation, environ: Mapping[str, str], phase: str | None
) -> tuple[str, str, str | None]:
    """(cause, problem, fix) from the driver's own message alone: the error catalog, no network."""
    from dbdoctor.gating import MAX_MESSAGE, one_line
    from dbdoctor.messages.match import match_message
    from dbdoctor.phase import FIX, build_time_cause, explain_line

    message = one_line(driver.message or "no message from the driver").removeprefix("connection failed: ")
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    matches = match_message(driver.message or "")
    if driver.sqlstate == SQLSTATE_CANNOT_CONNECT_NOW:
        cause, fix = "server_starting", STARTING_FIX
    elif matches:
        cause, fix = matches[0].cause, one_line(matches[0].fix)
    elif driver.timed_out:
        cause, fix = "connect_timeout", None
    else:
        cause, fix = "unknown", None
    if build_time_cause(_host_pairs(target), environ, phase, cause):
        return "build_time_internal_host", explain_line(_host_pairs(target), environ, phase), FIX
    return cause, message, fix


def run(
    target: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    env_files: Sequence[str | Path] = (),
    timeout: float = 10.0,
    wait: float = 0.0,
    phase: str | None = None,
    on_retry: Callable[[Retry], None] | None = None,
    app_driver: str | None = None,
) -> PreflightResult:
    """PostgreSQL's preflight, returning its result whatever the connection does. ``on_retry`` is called before each
    retry; without it each retry is logged as a warning on the ``dbdoctor.preflight`` logger.

    Raises only for input that cannot be used: ``errors.TargetParseError`` (libpq rejects the target) and
    ``errors.SourceFileError`` (an unreadable dotenv or service file). Without ``wait`` nothing outlives
    ``timeout``. With ``wait`` seconds, attempts (each within ``timeout``) repeat with backoff for ``wait``
    seconds, and the diagnosis after the last failure gets ``timeout`` of its own.
    """
    from dbdoctor.gating import GateEngine, gate_loop, phase_of
    from dbdoctor.postgres.fast import ok_line

    env = dict(os.environ) if environ is None else environ
    from dbdoctor.postgres.conninfo import redact_text
    from dbdoctor.postgres.probe import attempt_psycopg
    from dbdoctor.postgres.sources import resolve

    started = time.monotonic()
    # driver hook (issue 4): with the app's driver (--driver, the URL scheme), the one connection uses the
    # libpq-equivalent of what that driver does, and a refusal by the driver or the server is the app's
    from dbdoctor.postgres import driver_check as driver_hook

    driver_name = app_driver  # the driver the app uses (NAME or NAME==VERSION)
    prepared = driver_hook.prepare(target, env, [str(f) for f in env_files], driver_name)
    view = prepared.view if prepared is not None else None
    resolved = prepared.target if prepared is not None else resolve(target, environ=env, env_files=env_files)

    def attempt(budget: float) -> Any:
        return driver_hook.preflight_attempt(
            view, None if view is not None and view.error else attempt_psycopg(resolved, timeout=budget))

    def diagnose(remaining: float) -> Report:
        from dbdoctor.checking import CheckInput
        from dbdoctor.postgres.pipeline import check as run_check

        return run_check(CheckInput(text=target, environ=env, env_files=tuple(str(f) for f in env_files),
                                    timeout=remaining, phase=phase, driver=driver_name))

    return gate_loop(
        GateEngine(
            name="postgresql",
            attempt=attempt,
            as_driver=lambda a: a,
            quick_cause=lambda a: quick_cause(resolved, a, env, phase),
            diagnose=diagnose,
            ok_line=ok_line,
        ),
        settings=shown_settings(resolved, env),
        shown_target=redact_text(target) if target is not None else None,
        phase_name=phase_of(env, phase),
        started=started,
        timeout=timeout,
        wait=wait,
        on_retry=on_retry,
    )


def timed_out_result(target: str | None, *, environ: Mapping[str, str], env_files: Sequence[str | Path],
                     phase: str | None, elapsed_ms: float) -> PreflightResult:
    """The failure of a click-free attempt that got no answer before the deadline and left nothing of it: said
    at once, without a second connection or a diagnosis past --timeout."""
    from dbdoctor.gating import PreflightResult, phase_of
    from dbdoctor.postgres.conninfo import redact_text
    from dbdoctor.postgres.sources import resolve

    resolved = resolve(target, environ=environ, env_files=env_files)
    return PreflightResult(
        ok=False, settings=shown_settings(resolved, environ), phase=phase_of(environ, phase),
        elapsed_ms=elapsed_ms, cause="connect_timeout",
        problem="no answer from the server before the deadline (--timeout); nothing was left of it for a diagnosis",
        fix="Check that the host and port are those of the database and that nothing between drops the "
            "connection; run `dbdoctor check` with a longer --timeout for the full diagnosis.",
        target=redact_text(target) if target is not None else None,
    )


__all__ = ["quick_cause", "run", "shown_settings", "timed_out_result"]
