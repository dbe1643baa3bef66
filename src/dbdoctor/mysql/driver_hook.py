"""``--driver`` for MySQL targets (issue 6): the app's MySQL driver reads the query parameters of the target as
its own arguments (PyMySQL and mysql-connector-python keywords, Connector/J properties, go-sql-driver DSN
parameters, mysql2 and Prisma URL arguments). ``parse`` and ``check`` then show the mode that driver really
applies, its findings (DD501-DD503), and ``check`` probes with that mode and CA. A refusal by the driver (its
exact text) makes the check fail with ``param_unknown``/``param_invalid``: the app never connects.

Called from dbdoctor.cli.parse and dbdoctor.mysql.pipeline (marked "driver hook (issue 6)" there). Pure.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from urllib.parse import parse_qsl

from dbdoctor.drivers import mysql_base
from dbdoctor.drivers.mysql_base import MySQLDriverView, parse_mysql_option
from dbdoctor.report import ParseReport, Report, sort_findings
from dbdoctor.target import Target

#: the parameters that carry the password in one driver or another: never read here
_SECRET_KEYS = frozenset({"password", "passwd", "pwd", "sslpassword", "ssl_key_password"})


def translate_mysql(
    written: Sequence[tuple[str, str]] | Mapping[str, str], driver: str, version: str | None = None
) -> MySQLDriverView:
    """What a MySQL driver does with the parameters as written (:func:`dbdoctor.drivers.mysql_base.translate_mysql`,
    the driver knowledge), with the findings about it (DD501-DD503, :func:`dbdoctor.rules.driver_params.mysql_findings`)."""
    from dbdoctor.rules.driver_params import mysql_findings

    view = mysql_base.translate_mysql(written, driver, version)
    return dataclasses.replace(view, findings=tuple(mysql_findings(view)))


def written_mysql(text: str | None) -> list[tuple[str, str]]:
    """The query parameters as written (percent-decoded, in order), without any password."""
    if not text or "?" not in text:
        return []
    if "://" in text:
        from dbdoctor.mysql.sources import query_of

        query = query_of(text)
    else:
        query = text.split("?", 1)[1]
    return [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k.lower() not in _SECRET_KEYS]


def view_for(text: str | None, environ: Mapping[str, str], option: str) -> MySQLDriverView:
    """The driver named by ``option`` (``NAME`` or ``NAME==VERSION``) reading ``text`` (else DATABASE_URL)."""
    name, version = parse_mysql_option(option)
    source = text if text is not None else environ.get("DATABASE_URL")
    return translate_mysql(written_mysql(source), name, version)


def apply(target: Target, view: MySQLDriverView) -> Target:
    """The target with the ssl-mode and CA the driver really applies (provenance ``driver:<name>``)."""
    if view.mode is None:
        return target
    label = f"driver:{view.driver}"
    mode = view.mode if view.falls_back and view.tls_mode == view.mode else (
        view.mode if view.falls_back else view.tls_mode or view.mode)
    settings = {k: v for k, v in target.settings.items() if k != "ssl_ca"}
    provenance = {k: v for k, v in target.provenance.items() if k != "ssl_ca"}
    settings["ssl_mode"], provenance["ssl_mode"] = mode, label
    if view.ca is not None:
        settings["ssl_ca"], provenance["ssl_ca"] = view.ca, label
    return dataclasses.replace(target, settings=settings, provenance=provenance)


def _effective(effective: Mapping[str, object], view: MySQLDriverView) -> dict[str, object]:
    out = dict(effective)
    out.update({k: v for k, v in view.effective().items() if not (k == "ssl_ca" and v is None)})
    return out


def parse_report(report: ParseReport, view: MySQLDriverView) -> ParseReport:
    base = list(report.findings)
    if report.driver is None:
        # a mysql:// URL read by the app's driver: its query is that driver's keywords (the driver's own
        # findings say what it does not know), not dbdoctor's mysql:// option names
        base = [f for f in base if f.code != "DD802"]
    if view.tls_mode in ("VERIFY_CA", "VERIFY_IDENTITY") and not view.falls_back:
        # DD803 judged the mysql:// reading; the driver verifies (its own findings say where it does not)
        base = [f for f in base if f.code != "DD803"]
    return dataclasses.replace(
        report,
        effective=_effective(report.effective, view),
        findings=sort_findings([*base, *view.findings]),
        provenance={**report.provenance, "ssl_mode": f"driver:{view.driver}"},
        driver=view.driver,
    )


def finish_check(report: Report, view: MySQLDriverView) -> Report:
    out = dataclasses.replace(
        report, effective=_effective(report.effective, view),
        findings=sort_findings([*report.findings, *view.findings]),
    )
    if view.error is not None:
        out = dataclasses.replace(out, verdict="fail", cause=view.error_cause, driver_error=view.error,
                                  corrected=None)
    return out


__all__ = ["apply", "finish_check", "parse_report", "view_for", "written_mysql"]
