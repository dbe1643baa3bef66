"""The app start-up gate behind `dbdoctor preflight` and `dbdoctor.preflight()`: one real connection with exactly the
effective settings, one line out. (Named gate.py, not preflight.py: a submodule `dbdoctor.preflight` would replace
the function `dbdoctor.preflight` on the package as soon as it is imported.)

::

    import dbdoctor
    result = dbdoctor.preflight()            # DATABASE_URL / PG* as libpq reads them; raises PreflightError
    log.info(result.line())                  # preflight ok: host=... sslmode=verify-full tls=TLSv1.3 ...

The success path is kept cheap because it runs at every start of the app: it resolves the settings
(sources.postgres), makes the one connection (probe.postgres.attempt_psycopg, the only place a password
reaches libpq) and formats a line. It imports neither the pipeline, the rules, click nor rich. Only a failure
pays for the diagnosis (pipeline.check, within what is left of the deadline) that names the cause and the fix.

``wait`` retries with exponential backoff (capped) until the connection works or the time is up, the way
``pg_isready`` or ``wait-for-it`` wait for a port, but through TLS and authentication. Each retry is reported
through ``on_retry`` with the cause as far as the driver's own message tells it (the error-message catalog,
no extra connections while a server is starting); the full diagnosis runs once, after the last attempt.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from dbdoctor.probe.observations import DriverObservation
    from dbdoctor.report import Finding, Report
    from dbdoctor.target import Target

SCHEMA: Final = "dbdoctor.preflight/1"
#: first pause between attempts with ``wait``, doubled after each failure up to MAX_DELAY
FIRST_DELAY: Final = 0.25
MAX_DELAY: Final = 5.0
#: the diagnosis is skipped when less than this is left of the deadline (the catalog names the cause instead)
MIN_DIAGNOSIS: Final = 0.5
#: cannot_connect_now: "the database system is starting up" (or shutting down, or in recovery); errcodes.txt
SQLSTATE_CANNOT_CONNECT_NOW: Final = "57P03"
STARTING_FIX: Final = (
    "Wait until the server has started (dbdoctor preflight --wait SECONDS retries until it accepts "
    "connections); if it stays like this, the server's log says why it is restarting or still recovering."
)
#: a retry line shows at most this much of the driver's message
MAX_MESSAGE: Final = 200


@dataclasses.dataclass(frozen=True, slots=True)
class Retry:
    """One failed attempt while waiting: what is still wrong, and how long until the next try."""

    attempt: int
    cause: str
    message: str
    delay: float
    elapsed: float

    def line(self) -> str:
        return _one_line(f"preflight: still failing after attempt {self.attempt} ({self.cause}): {self.message}; "
                f"retrying in {self.delay:.1f} s")


@dataclasses.dataclass(frozen=True, slots=True)
class PreflightResult:
    """What the preflight found. ``settings`` holds no secret (``password`` is "set" or "unset")."""

    ok: bool
    settings: Mapping[str, Any]
    phase: str
    elapsed_ms: float
    attempts: int = 1
    driver: DriverObservation | None = None
    #: for a failure: the root cause id, a one-sentence problem and the fix
    cause: str | None = None
    problem: str | None = None
    fix: str | None = None
    #: the diagnosis' root-cause finding, when the diagnosis ran and named one
    finding: Finding | None = None
    #: the corrected connection string (redacted) when the diagnosis knows one
    corrected: str | None = None
    #: the target as written, redacted (None when the settings came from the environment)
    target: str | None = None
    #: "postgresql", or "mysql" (gate_mysql: the settings carry ssl_mode instead of sslmode)
    engine: str = "postgresql"

    @property
    def server_version(self) -> str | None:
        return self.driver.server_version if self.driver is not None else None

    @property
    def tls_version(self) -> str | None:
        return self.driver.tls_version if self.driver is not None else None

    @property
    def driver_error(self) -> str | None:
        d = self.driver
        return d.message if d is not None and not d.ok else None

    def line(self) -> str:
        """The one line: the settings used and what the server said, or the cause and the fix."""
        s = self.settings
        if self.ok and self.engine == "mysql":
            from dbdoctor.gate_mysql import ok_line as mysql_ok_line

            return _one_line(mysql_ok_line(s, self.tls_version, self.server_version, self.elapsed_ms, self.attempts))
        if self.ok:
            from dbdoctor._gatefast import ok_line

            return _one_line(ok_line(s, self.tls_version, self.server_version, self.elapsed_ms, self.attempts))
        where = f"{s.get('host')}:{s.get('port')}"
        if s.get("driver"):  # the app's driver, when one was named (gate_mysql with --driver)
            where += f" with {s['driver']}" + (f"=={s['driver_version']}" if s.get("driver_version") else "")
        text = f"preflight failed ({self.cause}) for {where}: {self.problem}"
        if self.fix:
            text += f" Fix: {self.fix}"
        if self.corrected:
            text += f" Corrected: {self.corrected}"
        return _one_line(text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "engine": self.engine,
            "ok": self.ok,
            "target": self.target,
            "settings": dict(self.settings),
            "phase": self.phase,
            "tls_version": self.tls_version,
            "server_version": self.server_version,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "attempts": self.attempts,
            "cause": self.cause,
            "problem": self.problem,
            "fix": self.fix,
            "corrected": self.corrected,
            "finding": self.finding.to_dict() if self.finding is not None else None,
            "driver_error": self.driver_error,
            "line": self.line(),
        }


def _one_line(text: str) -> str:
    """One line, bounded, with what a server put in it (terminal escapes) shown as visible escapes."""
    from dbdoctor._untrusted import bound, printable

    return printable(" ".join(bound(text, 4000).split()), newlines=False)


def shown_settings(target: Target, environ: Mapping[str, str]) -> dict[str, Any]:
    """The effective settings worth a log line, none of them secret."""
    from dbdoctor.sources.postgres import libpq_home

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
    from dbdoctor.explain import match_message
    from dbdoctor.phase import FIX, build_time_cause, explain_line

    message = _one_line(driver.message or "no message from the driver").removeprefix("connection failed: ")
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    matches = match_message(driver.message or "")
    if driver.sqlstate == SQLSTATE_CANNOT_CONNECT_NOW:
        cause, fix = "server_starting", STARTING_FIX
    elif matches:
        cause, fix = matches[0].cause, _one_line(matches[0].fix)
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
    defaults_file: str | Path | None = None,
) -> PreflightResult:
    """The preflight, returning its result whatever the connection does. ``on_retry`` is called before each
    retry; without it each retry is logged as a warning on the ``dbdoctor.preflight`` logger.

    Raises only for input that cannot be used: ``errors.TargetParseError`` (libpq rejects the target) and
    ``errors.SourceFileError`` (an unreadable dotenv or service file). Without ``wait`` nothing outlives
    ``timeout``. With ``wait`` seconds, attempts (each within ``timeout``) repeat with backoff for ``wait``
    seconds, and the diagnosis after the last failure gets ``timeout`` of its own. ``defaults_file`` (a MySQL
    option file) is for MySQL/MariaDB targets only: with a PostgreSQL one it raises ``errors.UsageError``.
    """
    env = dict(os.environ) if environ is None else environ
    from dbdoctor import gate_mysql

    if gate_mysql.wanted(target, env, env_files):  # MySQL/MariaDB (issue 6): the same gate through PyMySQL
        return gate_mysql.run(target, environ=env, env_files=env_files, timeout=timeout, wait=wait, phase=phase,
                              on_retry=on_retry, defaults_file=defaults_file, driver=app_driver)
    if defaults_file is not None:
        raise gate_mysql.defaults_file_error(defaults_file)
    from dbdoctor.probe.postgres import attempt_psycopg
    from dbdoctor.sources.postgres import redact_text, resolve

    started = time.monotonic()
    # driver hook (issue 4): with the app's driver (--driver, the URL scheme), the one connection uses the
    # libpq-equivalent of what that driver does, and a refusal by the driver or the server is the app's
    from dbdoctor.drivers import _pipeline as driver_hook

    driver_name = app_driver  # the driver the app uses (NAME or NAME==VERSION)
    prepared = driver_hook.prepare(target, env, [str(f) for f in env_files], driver_name)
    view = prepared.view if prepared is not None else None
    resolved = prepared.target if prepared is not None else resolve(target, environ=env, env_files=env_files)

    def attempt(budget: float) -> Any:
        return driver_hook.preflight_attempt(
            view, None if view is not None and view.error else attempt_psycopg(resolved, timeout=budget))

    def diagnose(remaining: float) -> Report:
        from dbdoctor.pipeline import CheckInput
        from dbdoctor.pipeline import check as run_check

        return run_check(CheckInput(text=target, environ=env, env_files=tuple(str(f) for f in env_files),
                                    timeout=remaining, phase=phase, driver=driver_name))

    return gate_loop(
        GateEngine(
            name="postgresql",
            attempt=attempt,
            as_driver=lambda a: a,
            quick_cause=lambda a: quick_cause(resolved, a, env, phase),
            diagnose=diagnose,
        ),
        settings=shown_settings(resolved, env),
        shown_target=redact_text(target) if target is not None else None,
        phase_name=_phase(env, phase),
        started=started,
        timeout=timeout,
        wait=wait,
        on_retry=on_retry,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class GateEngine:
    """What one engine brings to the preflight loop; everything else (deadlines, backoff, retries, the diagnosis
    after the last failure and how its cause is taken) is :func:`gate_loop`'s, the same for every engine."""

    name: str
    #: one real connection with the effective settings within ``budget`` seconds (the engine's own attempt)
    attempt: Callable[[float], Any]
    as_driver: Callable[[Any], DriverObservation]
    #: (cause, problem, fix) from an attempt alone, no network
    quick_cause: Callable[[Any], tuple[str, str, str | None]]
    #: the full diagnosis within ``remaining`` seconds
    diagnose: Callable[[float], Report]


def gate_loop(
    engine: GateEngine,
    *,
    settings: dict[str, Any],
    shown_target: str | None,
    phase_name: str,
    started: float,
    timeout: float,
    wait: float,
    on_retry: Callable[[Retry], None] | None,
) -> PreflightResult:
    """Attempt, retry with backoff while ``wait`` lasts (saying why on each retry), then diagnose the last
    failure within what is left. Without ``wait`` nothing outlives ``timeout``; with it, each attempt gets at
    most ``timeout`` and the diagnosis ``timeout`` of its own."""

    def result(ok: bool, attempts: int, raw: Any, **failure: Any) -> PreflightResult:
        return PreflightResult(
            ok=ok, settings=settings, phase=phase_name, elapsed_ms=(time.monotonic() - started) * 1000,
            attempts=attempts, driver=engine.as_driver(raw), target=shown_target, engine=engine.name, **failure,
        )

    wait_until = started + max(0.0, wait)
    attempts = 0
    while True:
        attempts += 1
        if wait <= 0:
            budget = max(0.1, timeout - (time.monotonic() - started))
        else:
            budget = min(timeout, max(1.0, wait_until - time.monotonic()))
        raw = engine.attempt(budget)
        if engine.as_driver(raw).ok:
            return result(True, attempts, raw)
        now = time.monotonic()
        if wait <= 0 or now >= wait_until:
            break
        delay = min(MAX_DELAY, FIRST_DELAY * 2 ** (attempts - 1), wait_until - now)
        cause, problem, _fix = engine.quick_cause(raw)
        (on_retry or _log_retry)(Retry(attempts, cause, problem, delay, now - started))
        time.sleep(delay)

    diagnosis_until = (time.monotonic() + timeout) if wait > 0 else (started + timeout)
    cause, problem, fix = engine.quick_cause(raw)
    finding = corrected = None
    remaining = diagnosis_until - time.monotonic()
    if remaining >= MIN_DIAGNOSIS:
        report = engine.diagnose(remaining)
        left = diagnosis_until - time.monotonic()
        if report.verdict == "ok" and left >= MIN_DIAGNOSIS:
            # it works now (a server that just came up): say so with a real connection of the user's own
            again = engine.attempt(left)
            if engine.as_driver(again).ok:
                return result(True, attempts + 1, again)
        elif report.cause is not None:
            finding = next((f for f in report.findings if f.cause == report.cause), None)
            corrected = report.corrected
            if finding is not None:
                cause = report.cause
                problem = _one_line(finding.detail)
                fix = _one_line(finding.fix.replace("the corrected string below", "the corrected string"))
            elif cause == "unknown" or report.cause != "probe_incomplete":
                # the diagnosis knows better than the driver's message (a lying MySQL 1045, say) even without a
                # finding of its own, unless it did not get that far
                if report.cause != cause:
                    fix = None
                cause = report.cause
    return result(False, attempts, raw, cause=cause, problem=problem, fix=fix, finding=finding,
                  corrected=corrected)


def _log_retry(retry: Retry) -> None:
    """Without ``on_retry``, each retry is a warning on the ``dbdoctor.preflight`` logger."""
    import logging

    logging.getLogger("dbdoctor.preflight").warning("%s", retry.line())


def _phase(environ: Mapping[str, str], phase: str | None) -> str:
    from dbdoctor.phase import detect_phase

    return detect_phase(environ, phase)[0]


def preflight(
    target: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    env_files: Sequence[str | Path] = (),
    timeout: float = 10.0,
    wait: float = 0.0,
    phase: str | None = None,
    on_retry: Callable[[Retry], None] | None = None,
    driver: str | None = None,
    defaults_file: str | Path | None = None,
) -> PreflightResult:
    """Like :func:`run` (``driver`` is its ``app_driver``), but a failure raises :class:`dbdoctor.errors.PreflightError` whose message is the one
    line (cause and fix) and whose ``finding`` is the diagnosis' root-cause finding (None when the diagnosis
    could not name one in time; ``error.result`` is the whole :class:`PreflightResult`). A target libpq cannot
    parse raises PreflightError too, with the ``invalid_target`` finding, since the app cannot connect."""
    from dbdoctor.errors import PreflightError, TargetParseError

    try:
        result = run(target, environ=environ, env_files=env_files, timeout=timeout, wait=wait, phase=phase,
                     on_retry=on_retry, app_driver=driver, defaults_file=defaults_file)
    except TargetParseError as exc:
        from dbdoctor.gate_mysql import wanted

        if wanted(target, os.environ if environ is None else environ, env_files):
            from dbdoctor.sources.mysql import parse_error_finding
        else:
            from dbdoctor.sources.postgres import parse_error_finding

        finding = parse_error_finding(exc)
        error = PreflightError(_one_line(f"preflight failed ({finding.cause}): {finding.detail} Fix: {finding.fix}"),
                               finding)
        raise error from None
    if not result.ok:
        error = PreflightError(result.line(), result.finding)
        error.result = result  # type: ignore[attr-defined]
        raise error
    return result


__all__ = ["SCHEMA", "PreflightResult", "Retry", "preflight", "run"]
