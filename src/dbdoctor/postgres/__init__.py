"""The PostgreSQL engine: settings as libpq resolves them (:mod:`.sources`, :mod:`.conninfo`), the wire
(:mod:`.wire`, :mod:`.probe`: SSLRequest, the TLS handshake, the password-free start-up probe, the psycopg
attempt), what each sslmode does (:mod:`.facts`, :mod:`.modes`), its rules (:mod:`.rules`), the check pipeline
(:mod:`.pipeline`, with the app's driver: :mod:`.driver_check`) and the preflight (:mod:`.gate`, and the
click-free success path :mod:`.fast`). :data:`ENGINE` is what the rest of dbdoctor talks to
(:class:`dbdoctor.engine.Engine`); this module imports nothing heavy, so that routing costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pathlib import Path

    from dbdoctor.checking import CheckInput
    from dbdoctor.errors import TargetParseError
    from dbdoctor.gating import PreflightResult, Retry
    from dbdoctor.report import Finding, ParseReport, Report
    from dbdoctor.target import Target


class PostgresEngine:
    name: Final = "postgresql"
    default_port: Final = 5432

    @property
    def rule_modules(self) -> tuple[str, ...]:
        from dbdoctor.postgres.rules import MODULES

        return MODULES

    def claims(self, text: str) -> bool:
        """PostgreSQL is the default engine: it takes what no other engine claims, and libpq's parser decides."""
        return True

    def redact_text(self, text: str) -> str:
        from dbdoctor.postgres.conninfo import redact_text

        return redact_text(text)

    def resolve(
        self,
        text: str | None,
        *,
        environ: Mapping[str, str],
        env_files: Sequence[str | Path] = (),
        defaults_file: str | Path | None = None,
    ) -> Target:
        from dbdoctor.postgres.sources import resolve

        return resolve(text, environ=environ, env_files=env_files)

    def parse(
        self,
        text: str | None,
        *,
        environ: Mapping[str, str],
        env_files: Sequence[str | Path] = (),
        defaults_file: str | Path | None = None,
        driver: str | None = None,
        project: str | None = None,
    ) -> ParseReport:
        from dbdoctor.postgres.parse import parse_report

        return parse_report(text, environ=environ, env_files=env_files, driver=driver, project=project)

    def parse_error_finding(self, exc: TargetParseError) -> Finding:
        from dbdoctor.postgres.lint import parse_error_finding

        return parse_error_finding(exc)

    def check(self, inp: CheckInput) -> Report:
        from dbdoctor.postgres.pipeline import check

        return check(inp)

    def preflight(
        self,
        text: str | None,
        *,
        environ: Mapping[str, str],
        env_files: Sequence[str | Path] = (),
        timeout: float = 10.0,
        wait: float = 0.0,
        phase: str | None = None,
        on_retry: Callable[[Retry], None] | None = None,
        driver: str | None = None,
        defaults_file: str | Path | None = None,
    ) -> PreflightResult:
        from dbdoctor.postgres.gate import run

        return run(text, environ=environ, env_files=env_files, timeout=timeout, wait=wait, phase=phase,
                   on_retry=on_retry, app_driver=driver)

    def preflight_command(self, options: Mapping[str, object]) -> int | None:
        from dbdoctor.postgres import fast

        return 0 if fast.run(**options) else None  # type: ignore[arg-type]


ENGINE: Final = PostgresEngine()

__all__ = ["ENGINE", "PostgresEngine"]
