"""The preflight loop every engine shares (``dbdoctor preflight``, ``dbdoctor.preflight()``): one real connection
with exactly the effective settings, retries with backoff while ``--wait`` lasts, and after the last failure the
diagnosis within what is left of the deadline; one line out.

An engine brings its own attempt, its quick reading of a failure and its diagnosis as a :class:`GateEngine`
(``dbdoctor.postgres.gate``, ``dbdoctor.mysql.gate``); :func:`gate_loop` owns the deadline and the retries. The
success path stays cheap because it runs at every start of the app: it imports neither the pipelines, the
rules, click nor rich.

``wait`` retries with exponential backoff (capped) until the connection works or the time is up, the way
``pg_isready`` or ``wait-for-it`` wait for a port, but through TLS and authentication. Each retry is reported
through ``on_retry`` with the cause as far as the driver's own message tells it (the error-message catalog,
no extra connections while a server is starting); the full diagnosis runs once, after the last attempt.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

if TYPE_CHECKING:
    from dbdoctor.observations import DriverObservation
    from dbdoctor.report import Finding, Report

#: what one engine's connection attempt returns (its own record; GateEngine.as_driver reads it)
A = TypeVar("A")

SCHEMA: Final = "dbdoctor.preflight/1"
#: first pause between attempts with ``wait``, doubled after each failure up to MAX_DELAY
FIRST_DELAY: Final = 0.25
MAX_DELAY: Final = 5.0
#: the diagnosis is skipped when less than this is left of the deadline (the catalog names the cause instead)
MIN_DIAGNOSIS: Final = 0.5
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
        return one_line(f"preflight: still failing after attempt {self.attempt} ({self.cause}): {self.message}; "
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
    #: "postgresql", or "mysql" (the MySQL gate's settings carry ssl_mode instead of sslmode)
    engine: str = "postgresql"
    #: the success line, in the engine's own words (GateEngine.ok_line)
    ok_text: str | None = None

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
        if self.ok:
            return one_line(self.ok_text or f"preflight ok: {self.engine} time={self.elapsed_ms:.0f}ms")
        where = f"{s.get('host')}:{s.get('port')}"
        if s.get("driver"):  # the app's driver, when one was named (gate_mysql with --driver)
            where += f" with {s['driver']}" + (f"=={s['driver_version']}" if s.get("driver_version") else "")
        text = f"preflight failed ({self.cause}) for {where}: {self.problem}"
        if self.fix:
            text += f" Fix: {self.fix}"
        if self.corrected:
            text += f" Corrected: {self.corrected}"
        return one_line(text)

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


def one_line(text: str) -> str:
    """One line, bounded, with what a server put in it (terminal escapes) shown as visible escapes."""
    from dbdoctor._untrusted import bound, printable

    return printable(" ".join(bound(text, 4000).split()), newlines=False)


@dataclasses.dataclass(frozen=True, slots=True)
class GateEngine(Generic[A]):
    """What one engine brings to the preflight loop; everything else (deadlines, backoff, retries, the diagnosis
    after the last failure and how its cause is taken) is :func:`gate_loop`'s, the same for every engine."""

    name: str
    #: one real connection with the effective settings within ``budget`` seconds (the engine's own attempt)
    attempt: Callable[[float], A]
    as_driver: Callable[[A], DriverObservation]
    #: (cause, problem, fix) from an attempt alone, no network
    quick_cause: Callable[[A], tuple[str, str, str | None]]
    #: the full diagnosis within ``remaining`` seconds
    diagnose: Callable[[float], Report]
    #: the success line from the settings, the TLS version, the server version, the time taken and the attempts
    ok_line: Callable[[Mapping[str, Any], str | None, str | None, float, int], str]


def gate_loop(
    engine: GateEngine[A],
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

    def result(ok: bool, attempts: int, raw: A, **failure: Any) -> PreflightResult:
        elapsed_ms = (time.monotonic() - started) * 1000
        driver = engine.as_driver(raw)
        ok_text = (engine.ok_line(settings, driver.tls_version, driver.server_version, elapsed_ms, attempts)
                   if ok else None)
        return PreflightResult(
            ok=ok, settings=settings, phase=phase_name, elapsed_ms=elapsed_ms, attempts=attempts, driver=driver,
            target=shown_target, engine=engine.name, ok_text=ok_text, **failure,
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
        (on_retry or log_retry)(Retry(attempts, cause, problem, delay, now - started))
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
                problem = one_line(finding.detail)
                fix = one_line(finding.fix.replace("the corrected string below", "the corrected string"))
            elif cause == "unknown" or report.cause != "probe_incomplete":
                # the diagnosis knows better than the driver's message (a lying MySQL 1045, say) even without a
                # finding of its own, unless it did not get that far
                if report.cause != cause:
                    fix = None
                cause = report.cause
    return result(False, attempts, raw, cause=cause, problem=problem, fix=fix, finding=finding,
                  corrected=corrected)


def log_retry(retry: Retry) -> None:
    """Without ``on_retry``, each retry is a warning on the ``dbdoctor.preflight`` logger."""
    import logging

    logging.getLogger("dbdoctor.preflight").warning("%s", retry.line())


def phase_of(environ: Mapping[str, str], phase: str | None) -> str:
    from dbdoctor.phase import detect_phase

    return detect_phase(environ, phase)[0]




def failure_error(result: PreflightResult) -> Exception:
    """The :class:`dbdoctor.errors.PreflightError` a failed result raises in the app (``error.result`` is it)."""
    from dbdoctor.errors import PreflightError

    error = PreflightError(result.line(), result.finding)
    error.result = result  # type: ignore[attr-defined]
    return error


def invalid_error(finding: Finding) -> Exception:
    """The :class:`dbdoctor.errors.PreflightError` for a target the engine's parser rejects."""
    from dbdoctor.errors import PreflightError

    return PreflightError(one_line(f"preflight failed ({finding.cause}): {finding.detail} Fix: {finding.fix}"), finding)


__all__ = ["SCHEMA", "GateEngine", "PreflightResult", "Retry", "failure_error", "gate_loop", "invalid_error",
           "log_retry", "one_line", "phase_of"]
