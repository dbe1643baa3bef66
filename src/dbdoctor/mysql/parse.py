"""MySQL/MariaDB's parse stage (``dbdoctor parse``, and the first stage of check): the settings resolved by
:mod:`dbdoctor.mysql.sources`, then the static rules on them, and the app's driver's reading when one is named.
Sources resolve, rules judge: this module is where the two meet, so that neither imports the other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from dbdoctor.errors import PasswordBendError, TargetParseError
from dbdoctor.mysql.sources import effective, implied_driver, redact_text, render, resolve
from dbdoctor.report import Finding, ParseReport
from dbdoctor.target import Secret, Target


def parse_report(
    text: str | None,
    *,
    environ: Mapping[str, str],
    env_files: Sequence[str | Path] = (),
    defaults_file: str | Path | None = None,
    driver: str | None = None,
) -> ParseReport:
    """``dbdoctor parse`` as data; with the app's driver (``--driver``, or the one the scheme names:
    ``mysql+mysqldb://`` is mysqlclient's), the query is read as that driver reads its own arguments."""
    report = settings_report(text, environ=environ, env_files=env_files, defaults_file=defaults_file)
    driver = driver or implied_driver(text if text is not None else environ.get("DATABASE_URL"))
    if driver and not any(f.code == "DD804" and f.severity == "error" for f in report.findings):
        from dbdoctor.mysql import driver_hook

        report = driver_hook.parse_report(report, driver_hook.view_for(text, environ, driver))
    return report


def static_findings(target: Target, text: str | None) -> tuple[Finding, ...]:
    from dbdoctor.mysql.rules import MODULES as RULE_MODULES
    from dbdoctor.report import sort_findings
    from dbdoctor.rules.base import Context
    from dbdoctor.rules.registry import rules_for

    raw = Secret(text) if text is not None else None
    ctx = Context(target=target, raw=raw, driver=target.scheme_driver or "pymysql")
    found: list[Finding] = []
    for rule in rules_for("static", RULE_MODULES):
        if rule.code.startswith("DD8"):
            found.extend(rule.check(ctx))
    return sort_findings(found)


def parse_error_finding(exc: TargetParseError) -> Finding:
    from dbdoctor.mysql.rules.static import BENT, INVALID

    if isinstance(exc, PasswordBendError):
        return BENT.finding(detail=f"{str(exc)[:1].upper()}{str(exc)[1:]}.", fix=exc.hint or "percent-encode the password")

    return INVALID.finding(detail=f"{exc}", fix=exc.hint or "write mysql://user:password@host:port/dbname")


def settings_report(
    text: str | None,
    *,
    environ: Mapping[str, str],
    env_files: Sequence[str | Path] = (),
    defaults_file: str | Path | None = None,
) -> ParseReport:
    try:
        target = resolve(text, environ=environ, env_files=env_files, defaults_file=defaults_file)
    except PasswordBendError as exc:
        # as for PostgreSQL (DD101): a report with the finding, not a usage error; nothing the bent reading
        # produced is shown, since it holds pieces of the password
        written = text if text is not None else environ.get("DATABASE_URL", "")
        return ParseReport(
            engine="mysql",
            params={},
            effective={},
            password="unset",
            provenance={},
            redacted=redact_text(written),
            findings=(parse_error_finding(exc),),
        )
    return ParseReport(
        engine="mysql",
        params=dict(target.params),
        effective=effective(target),
        password="set" if target.has_password else "unset",
        provenance=dict(target.provenance),
        redacted=render(target),
        findings=static_findings(target, text if text is not None else environ.get("DATABASE_URL")),
        driver=target.scheme_driver,
    )
