"""Sentences the check-stage rules share: what the driver said, what the server said, what the certificate
says, where the connection went. Every string here is password-free by construction: it is built from
observations, which hold no password."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from dbdoctor.report import Finding

if TYPE_CHECKING:
    from dbdoctor.postgres.diagnosis import Diagnosis
    from dbdoctor.rules.base import Context, Rule


def diagnosis(ctx: Context) -> Diagnosis | None:
    from dbdoctor.postgres.diagnosis import Diagnosis

    d = ctx.observations
    return d if isinstance(d, Diagnosis) else None


def where(d: Diagnosis) -> str:
    """``db.example.com (10.0.0.5), port 5432`` for the first host attempt."""
    if not d.observations.hosts:
        return "the server"
    h = d.observations.hosts[0]
    name = h.attempt.host or h.attempt.hostaddr or "?"
    addr = h.address
    port = h.attempt.port
    shown = f"{name} ({addr})" if addr and addr != name else name
    shown = f"{shown}, port {port}" if port else shown
    # a pooler identified in the path (pipeline._pooler): the certificate and the answers are its own
    return f"PgBouncer at {shown}" if getattr(d, "pooler", None) == "pgbouncer" else shown


def driver_said(d: Diagnosis) -> str:
    drv = d.driver
    if drv is None or drv.ok or not drv.message:
        return ""
    return f' The driver said: "{" ".join(drv.message.split())}".'


def server_said(d: Diagnosis, *, encrypted: bool) -> str:
    for h in d.observations.hosts:
        s = h.startup_tls if encrypted else h.startup_plain
        if s is not None and s.error is not None:
            code = f" ({s.error.sqlstate})" if s.error.sqlstate else ""
            return f' Over {"TLS" if encrypted else "a plain connection"} the server answered{code}: "{s.error.message}".'
    return ""


def cert_summary(d: Diagnosis) -> str:
    a = d.analysis
    if a is None:
        return ""
    describe = getattr(a, "describe", None)
    if callable(describe):
        return " " + str(describe())
    return ""


def fix_text(d: Diagnosis, default: str) -> str:
    """``default``, plus what dbdoctor knows about the corrected string shown with the report."""
    default = pooler_fix(d) + default
    f = d.fix
    if f is None:
        return default
    if f.kind == "trade-off":
        return f"{default} The corrected string below is a trade-off, not a fix: {f.note or 'it verifies less'}."
    if f.proved:
        return f"{default} dbdoctor connected with the corrected string below: it works."
    note = f" ({f.note})" if f.note else ""
    return f"{default} The corrected string below shows where{note}."


def pooler_fix(d: Diagnosis) -> str:
    """When PgBouncer presents the certificate that fails: the change belongs in pgbouncer.ini, not on the
    database server (whose ssl_cert_file clients never see through the pooler)."""
    if getattr(d, "pooler", None) != "pgbouncer":
        return ""
    if not (d.cause or "").startswith("cert_") and d.cause not in ("hostname_mismatch", "ip_address_mismatch"):
        return ""
    return (
        "This certificate is PgBouncer's own, not the database's: change client_tls_cert_file and "
        "client_tls_key_file in pgbouncer.ini (leaf first, then its intermediates) and reload PgBouncer; the "
        "database server's ssl_cert_file is not what clients see through the pooler. "
    )


def cause_rule(
    *, code: str, cause: str, title: str, doc: str, build: Callable[[Diagnosis], tuple[str, str]]
) -> Rule:
    """A check-stage rule that reports the verdict's root cause ``cause``: ``build`` gives detail and fix."""
    from dbdoctor.rules.base import Rule

    def check(ctx: Context) -> Iterable[Finding]:
        d = diagnosis(ctx)
        if d is None or d.verdict != "fail" or d.cause != cause:
            return ()
        detail, fix = build(d)
        return (rule.finding(detail=detail, fix=fix),)

    rule = Rule(code=code, cause=cause, severity="error", title=title, doc=doc, check=check, stage="check")
    return rule
