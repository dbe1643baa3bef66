"""The MySQL/MariaDB engine: settings (:mod:`.sources`: URL forms, ``MYSQL_*`` variables, option files), the wire
(:mod:`.wire`, :mod:`.probe`: handshake v10, SSLRequest, ERR packets, the PyMySQL attempt), what each ssl-mode
does (:mod:`.modes`), its rules (:mod:`.rules`), the check pipeline (:mod:`.pipeline`) and the preflight
(:mod:`.gate`). :data:`ENGINE` is what the rest of dbdoctor talks to (:class:`dbdoctor.engine.Engine`); this
module imports nothing heavy, so that routing costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from dbdoctor.mysql.forms import SCHEME

if TYPE_CHECKING:
    from pathlib import Path

    from dbdoctor.checking import CheckInput
    from dbdoctor.errors import TargetParseError
    from dbdoctor.gating import PreflightResult, Retry
    from dbdoctor.report import Finding, ParseReport, Report
    from dbdoctor.target import Target

class MySQLEngine:
    name: Final = "mysql"
    default_port: Final = 3306

    @property
    def rule_modules(self) -> tuple[str, ...]:
        from dbdoctor.mysql.rules import MODULES

        return MODULES

    def claims(self, text: str) -> bool:
        return SCHEME.match(text) is not None

    def redact_text(self, text: str) -> str:
        from dbdoctor.mysql.sources import redact_text

        return redact_text(text)

    def resolve(
        self,
        text: str | None,
        *,
        environ: Mapping[str, str],
        env_files: Sequence[str | Path] = (),
        defaults_file: str | Path | None = None,
    ) -> Target:
        from dbdoctor.mysql.sources import resolve

        return resolve(text, environ=environ, env_files=env_files,
                       defaults_file=str(defaults_file) if defaults_file is not None else None)

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
        from dbdoctor.mysql.parse import parse_report

        return parse_report(text, environ=environ, env_files=env_files, defaults_file=defaults_file, driver=driver)

    def parse_error_finding(self, exc: TargetParseError) -> Finding:
        from dbdoctor.mysql.parse import parse_error_finding

        return parse_error_finding(exc)

    def check(self, inp: CheckInput) -> Report:
        from dbdoctor.mysql.pipeline import check

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
        from dbdoctor.mysql.gate import run

        return run(text, environ=environ, env_files=env_files, timeout=timeout, wait=wait, phase=phase,
                   on_retry=on_retry, driver=driver, defaults_file=defaults_file)

    def preflight_command(self, options: Mapping[str, object]) -> int | None:
        from dbdoctor.mysql.gate import run_command

        return run_command(**options)  # type: ignore[arg-type]


ENGINE: Final = MySQLEngine()

__all__ = ["ENGINE", "SCHEME", "MySQLEngine"]
