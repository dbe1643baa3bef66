"""The public library API (re-exported lazily by ``dbdoctor/__init__.py``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dbdoctor.explain import Explanation
    from dbdoctor.gating import PreflightResult, Retry
    from dbdoctor.report import ParseReport, Report


def parse(
    target: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    env_files: Sequence[str | Path] = (),
    driver: str | None = None,
    defaults_file: str | Path | None = None,
) -> ParseReport:
    """The settings as written, the effective settings with where each came from, and the static findings.

    No network. ``environ`` defaults to ``os.environ``. The engine comes from the target (else DATABASE_URL, from
    the environment or ``env_files``; see :mod:`dbdoctor.route`). ``driver`` (``NAME[==VERSION]``): as the app's
    driver reads the target. ``defaults_file``: for a MySQL/MariaDB target, the option file read instead of
    ``~/.my.cnf``. Raises ``errors.TargetParseError`` when the engine's parser rejects the target and
    ``errors.SourceFileError`` when a dotenv or service file cannot be used.
    """
    import os

    from dbdoctor.route import route

    env = dict(os.environ) if environ is None else environ
    engine = route(target, env, env_files, defaults_file=defaults_file, driver=driver).get()
    return engine.parse(target, environ=env, env_files=env_files, defaults_file=defaults_file, driver=driver)


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
    driver: str | None = None,
    defaults_file: str | Path | None = None,
) -> Report:
    """The full diagnosis: resolve, lint, probe, one real connection, the mode matrix, the root cause and fix.

    Never raises for a failing connection: the report says why (``report.verdict``, ``report.cause``,
    ``report.findings``). ``environ`` defaults to ``os.environ``; nothing outlives ``timeout`` seconds.
    ``phase``: "build" or "run" (default: DBDOCTOR_PHASE, else the builders' markers in ``environ``). The engine
    comes from the target (else DATABASE_URL, from the environment or ``env_files``; see :mod:`dbdoctor.route`).
    ``driver`` and ``defaults_file`` as for :func:`parse`.
    """
    import os

    from dbdoctor.checking import CheckInput
    from dbdoctor.route import route

    env = dict(os.environ) if environ is None else environ
    engine = route(target, env, env_files, defaults_file=defaults_file, driver=driver).get()
    return engine.check(
        CheckInput(
            text=target,
            environ=env,
            env_files=tuple(str(f) for f in env_files),
            timeout=timeout,
            phase=phase,
            driver=driver,
            defaults_file=str(defaults_file) if defaults_file is not None else None,
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

    Returns a :class:`dbdoctor.gating.PreflightResult` (``line()`` for the log, ``server_version``,
    ``tls_version``, ``elapsed_ms``). When it fails, runs the diagnosis within what is left of ``timeout`` and
    raises :class:`dbdoctor.errors.PreflightError` carrying the root-cause finding; its message names the
    cause and the fix, never a password. ``wait`` seconds: retry with backoff until it works or time is up.
    ``phase``: "build" or "run" (default: DBDOCTOR_PHASE, else the builders' markers). ``driver``
    (``NAME[==VERSION]``, see ``dbdoctor drivers``): the connection uses the settings as the app's driver reads
    them; an unknown name raises :class:`dbdoctor.errors.InputError`. ``defaults_file``: for a MySQL/MariaDB
    target, the option file whose ``[client]`` group is read instead of ``~/.my.cnf`` (with a PostgreSQL target,
    :class:`dbdoctor.errors.UsageError`). See :mod:`dbdoctor.gating`.
    """
    from dbdoctor.gating import failure_error

    result = preflight_result(target, environ=environ, env_files=env_files, timeout=timeout, wait=wait, phase=phase,
                              driver=driver, defaults_file=defaults_file, raise_invalid=True)
    if not result.ok:
        raise failure_error(result)
    return result


def preflight_result(
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
    raise_invalid: bool = False,
) -> PreflightResult:
    """:func:`preflight` that returns a failed result instead of raising (``result.ok``); ``on_retry`` is called
    before each retry (default: a warning on the ``dbdoctor.preflight`` logger). Raises for input that cannot be
    used: ``errors.TargetParseError`` (or, with ``raise_invalid``, the ``PreflightError`` an app gets for it),
    ``errors.SourceFileError``, ``errors.UsageError``."""
    import os

    from dbdoctor.errors import TargetParseError
    from dbdoctor.gating import invalid_error
    from dbdoctor.route import route

    env = dict(os.environ) if environ is None else environ
    engine = route(target, env, env_files, defaults_file=defaults_file, driver=driver).get()
    try:
        return engine.preflight(target, environ=env, env_files=env_files, timeout=timeout, wait=wait, phase=phase,
                                on_retry=on_retry, driver=driver, defaults_file=defaults_file)
    except TargetParseError as exc:
        if not raise_invalid:
            raise
        raise invalid_error(engine.parse_error_finding(exc)) from None
