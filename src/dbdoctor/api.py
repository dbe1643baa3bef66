"""The public library API (re-exported lazily by ``dbdoctor/__init__.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dbdoctor.explain import Explanation
    from dbdoctor.gate import PreflightResult
    from dbdoctor.report import ParseReport, Report


def parse(
    target: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    env_files: Sequence[str | Path] = (),
) -> ParseReport:
    """The settings as written, the effective settings with where each came from, and the static findings.

    No network. ``environ`` defaults to ``os.environ``. Raises ``errors.TargetParseError`` when libpq rejects
    the target and ``errors.SourceFileError`` when a dotenv or service file cannot be used.
    """
    import os

    from dbdoctor.sources.postgres import parse_report

    return parse_report(target, environ=dict(os.environ) if environ is None else environ, env_files=env_files)


def explain(text: str) -> Explanation:
    """What a finding code (``DD301``), a cause id or a pasted driver/server error message means, and the fix.

    No network. Raises ``errors.UsageError`` for empty input. See :mod:`dbdoctor.explain`.
    """
    from dbdoctor.explain import explain as _explain

    return _explain(text)


def check(
    target: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    env_files: Sequence[str | Path] = (),
    timeout: float = 10.0,
    phase: str | None = None,
) -> Report:
    """The full diagnosis: resolve, lint, probe, one real connection, the mode matrix, the root cause and fix.

    Never raises for a failing connection: the report says why (``report.verdict``, ``report.cause``,
    ``report.findings``). ``environ`` defaults to ``os.environ``; nothing outlives ``timeout`` seconds.
    ``phase``: "build" or "run" (default: DBDOCTOR_PHASE, else the builders' markers in ``environ``).
    """
    import os

    from dbdoctor.pipeline import CheckInput
    from dbdoctor.pipeline import check as _check

    return _check(
        CheckInput(
            text=target,
            environ=dict(os.environ) if environ is None else environ,
            env_files=tuple(str(f) for f in env_files),
            timeout=timeout,
            phase=phase,
        )
    )


def preflight(
    target: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    env_files: Sequence[str | Path] = (),
    timeout: float = 10.0,
    wait: float = 0.0,
    phase: str | None = None,
    driver: str | None = None,
    defaults_file: str | Path | None = None,
) -> PreflightResult:
    """The app start-up gate: one real connection with exactly the effective settings.

    Returns a :class:`dbdoctor.gate.PreflightResult` (``line()`` for the log, ``server_version``,
    ``tls_version``, ``elapsed_ms``). When it fails, runs the diagnosis within what is left of ``timeout`` and
    raises :class:`dbdoctor.errors.PreflightError` carrying the root-cause finding; its message names the
    cause and the fix, never a password. ``wait`` seconds: retry with backoff until it works or time is up.
    ``phase``: "build" or "run" (default: DBDOCTOR_PHASE, else the builders' markers). ``driver``
    (``NAME[==VERSION]``, see ``dbdoctor drivers``): the connection uses the settings as the app's driver reads
    them; an unknown name raises :class:`dbdoctor.errors.InputError`. ``defaults_file``: for a MySQL/MariaDB
    target, the option file whose ``[client]`` group is read instead of ``~/.my.cnf`` (with a PostgreSQL target,
    :class:`dbdoctor.errors.UsageError`). See :mod:`dbdoctor.gate`.
    """
    from dbdoctor.gate import preflight as _preflight

    return _preflight(target, environ=environ, env_files=env_files, timeout=timeout, wait=wait, phase=phase,
                      driver=driver, defaults_file=defaults_file)
