"""What every engine's check pipeline shares (``dbdoctor check``): its input, running a stage's rules, the
timings, and the report for a target that cannot be parsed. Each engine's ``pipeline.check`` is the same
skeleton (sources → Target → static rules → probes → facts and modes → rules → Report) with its own probes,
modes and decisions; what is the same for every engine lives here, once.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Mapping

from dbdoctor.report import Finding, ModeResult, Report
from dbdoctor.rules.base import Context, Stage


@dataclasses.dataclass(frozen=True, slots=True)
class CheckInput:
    text: str | None
    environ: Mapping[str, str]
    env_files: tuple[str, ...] = ()
    timeout: float = 10.0
    driver: str | None = None
    #: a project directory whose dependency files name the driver (``--project``; issue 4)
    project: str | None = None
    #: "build" or "run" (``--phase``); None: from DBDOCTOR_PHASE or the builders' markers in ``environ``
    phase: str | None = None
    #: MySQL/MariaDB: the option file whose ``[client]`` group is read instead of ``~/.my.cnf``
    defaults_file: str | None = None


def run_rules(stage: Stage, modules: Iterable[str], ctx: Context) -> list[Finding]:
    """Every rule of ``stage`` among ``modules`` on ``ctx``, in code order."""
    from dbdoctor.rules.registry import rules_for

    found: list[Finding] = []
    for rule in rules_for(stage, modules):
        found.extend(rule.check(ctx))
    return found


def stage_timings(probe_ms: Mapping[str, float], started: float, static_done: float, probe_done: float
                  ) -> dict[str, float]:
    """The report's ``timings_ms``: the probes' own, then the static stage, the probe stage and the total."""
    out = dict(probe_ms)
    out.update({
        "static": (static_done - started) * 1000,
        "probe": (probe_done - static_done) * 1000,
        "total": (time.monotonic() - started) * 1000,
    })
    return out


def invalid_report(engine: str, finding: Finding, shown: str | None, modes: Iterable[str], started: float) -> Report:
    """The report for a target the engine's parser rejects: the finding is the cause, every mode unknown, the
    target shown redacted (None when it came from the environment), nothing probed."""
    return Report(
        engine=engine,
        target=shown,
        effective={},
        verdict="fail",
        cause=finding.cause,
        modes={m: ModeResult("unknown", finding.cause) for m in modes},
        findings=(finding,),
        timings_ms={"total": (time.monotonic() - started) * 1000},
    )
