"""What an engine is to the rest of dbdoctor: the one interface every entry point uses once
:func:`dbdoctor.route.route` has chosen the engine.

An engine package (``dbdoctor.postgres``, ``dbdoctor.mysql``) holds what is truly its own: settings resolution and
its precedence, the wire parsers and probes, what each SSL mode means, its rules, and its decisions. It exposes
one object, ``ENGINE``, with the methods below; its ``__init__`` imports nothing heavy, so that routing costs
nothing, and each method imports its pipeline when it runs.

Adding an engine is one new package with an ``ENGINE`` and one line in :data:`dbdoctor.route.ENGINES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from dbdoctor.checking import CheckInput
    from dbdoctor.errors import TargetParseError
    from dbdoctor.gating import PreflightResult, Retry
    from dbdoctor.report import Finding, ParseReport, Report
    from dbdoctor.target import Target


class Engine(Protocol):
    #: the contract's ``engine`` value: "postgresql", "mysql"
    name: str
    #: the port a target without one connects to
    default_port: int

    @property
    def rule_modules(self) -> tuple[str, ...]:
        """Every rule module this engine's pipelines run (its own and the shared ones)."""
        ...

    def claims(self, text: str) -> bool:
        """Whether a connection string is this engine's by its form alone (a scheme), without parsing it."""
        ...

    def redact_text(self, text: str) -> str:
        """The connection string as written, with the password masked where it stands."""
        ...

    def resolve(
        self,
        text: str | None,
        *,
        environ: Mapping[str, str],
        env_files: Sequence[str | Path] = (),
        defaults_file: str | Path | None = None,
    ) -> Target:
        """The effective settings with their provenance, as this engine's clients resolve them. No network."""
        ...

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
        """The settings as written, the effective ones with their provenance, the static findings. No network."""
        ...

    def parse_error_finding(self, exc: TargetParseError) -> Finding:
        """The finding for a target this engine's parser rejects."""
        ...

    def check(self, inp: CheckInput) -> Report:
        """The full diagnosis within ``inp.timeout``."""
        ...

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
        """One real connection with the effective settings; on failure the diagnosis, within ``timeout``."""
        ...

    def preflight_command(self, options: Mapping[str, object]) -> int | None:
        """``dbdoctor preflight`` with only the simple options, before click is imported: the exit code when this
        engine answered, None when the click command must take over (from the start, nothing printed)."""
        ...
