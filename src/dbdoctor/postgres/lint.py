"""PostgreSQL's static stage: the static rules on a resolved target (no network), the finding for a target libpq
rejects, and the parse report as libpq reads the target. The check pipeline, the driver check and ``parse`` all
start here; sources resolve, rules judge, and this module is where the two meet, so that neither imports the
other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from dbdoctor.drivers.libpq import suggestion
from dbdoctor.errors import TargetParseError
from dbdoctor.postgres.conninfo import UNKNOWN_OPTION
from dbdoctor.postgres.sources import effective, resolve
from dbdoctor.report import Finding, ParseReport
from dbdoctor.target import Secret, Target


def parse_error_finding(exc: TargetParseError) -> Finding:
    """The finding the check pipeline reports for a target libpq rejects: ``param_unknown`` (DD102) for an
    unknown keyword, ``invalid_target`` (DD100) otherwise. The message is already free of secrets."""
    from dbdoctor.postgres.rules import static_target, static_unknown

    m = UNKNOWN_OPTION.search(exc.message)
    if m:
        return static_unknown.RULE.finding(
            detail=f"libpq rejects the connection string: {exc.message}. {suggestion(m.group(1))}",
            fix=exc.hint or "use libpq's own keyword names, in lower case",
        )
    return static_target.RULE.finding(
        detail=f"libpq rejects the connection string: {exc.message}",
        fix=exc.hint or "fix the connection string",
    )



def static_findings(target: Target, text: str | None, environ: Mapping[str, str]) -> tuple[Finding, ...]:
    """Run every static rule on the target; sorted as the contract says."""
    from dbdoctor.postgres.rules import MODULES as RULE_MODULES
    from dbdoctor.report import sort_findings
    from dbdoctor.rules.base import Context
    from dbdoctor.rules.registry import rules_for

    ctx = Context(target=target, raw=Secret(text) if text is not None else None, environ=environ)
    found: list[Finding] = []
    for rule in rules_for("static", RULE_MODULES):
        found.extend(rule.check(ctx))
    return sort_findings(found)


def libpq_parse_report(
    text: str | None, *, environ: Mapping[str, str], env_files: Sequence[str | Path] = ()
) -> ParseReport:
    """``dbdoctor parse`` as libpq reads the target: the contract's parse report."""
    from dbdoctor.postgres import conninfo
    from dbdoctor.report import ParseReport

    target = resolve(text, environ=environ, env_files=env_files)
    return ParseReport(
        engine="postgresql",
        params=dict(target.params),
        effective=effective(target),
        password="set" if target.has_password else "unset",
        provenance=dict(target.provenance),
        redacted=conninfo.render_effective(target),
        findings=static_findings(target, text, environ),
        driver=target.scheme_driver,
    )
