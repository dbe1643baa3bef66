"""Rules about what sits between the client and the database: endpoints behind one name that present different
certificates (a pooler, proxy or rotating endpoint).

A pooler in the path that presents the failing certificate itself (PgBouncer, identified before
authentication by its refusal of an unknown start-up parameter) is not a rule of its own: the certificate
problem keeps its own cause and rule (DD301-DD307), whose text then names PgBouncer and sends the fix to
pgbouncer.ini (rules/_evidence.py ``where`` and ``pooler_fix``), and the evidence carries a ``pooler`` line.
"""

from __future__ import annotations

from collections.abc import Iterable

from dbdoctor.postgres.diagnosis import CertVariant
from dbdoctor.postgres.rules.evidence import diagnosis, driver_said, where
from dbdoctor.report import Finding, Severity
from dbdoctor.rules.base import Context, Rule

DD313_DOC = """
What it checks
--------------
Whether successive TLS connections to the same host and port (and to each address the name resolves to)
present different server certificates. dbdoctor makes a few extra handshakes, without a password, when the
certificate verdict is in question: when the user's sslmode fails on the certificate, or when the real driver's
outcome on the certificate contradicts the certificate the probe saw. Each distinct certificate is listed with
its subject, issuer, names, a short SHA-256 fingerprint and how often it was seen, and, where it can tell, who
presented it (PgBouncer or PostgreSQL).

Why it matters
--------------
The same settings then work on one connection and fail on the next: "certificate verify failed" or "does not
match host name" comes and goes. Typical causes: a pooler (PgBouncer with its own ``client_tls_cert_file``) or a
TLS-terminating proxy on some paths and the database itself on others, a load balancer whose nodes carry
different certificates, a DNS name with several addresses of which one is an old server, or a certificate
rotation that reached only some nodes. Fixing the client against one certificate breaks it against the other.

How to fix
----------
Make every endpoint behind the name present a certificate the client accepts: issued by the CA in the client's
``sslrootcert``, naming the host the client connects to, with its intermediates. For PgBouncer that is
``client_tls_cert_file`` and ``client_tls_key_file`` in pgbouncer.ini; for a proxy or load balancer, its
certificate settings on every node. Until then, connect to one endpoint: its address in ``hostaddr`` (keeping
the name in ``host`` for verification) or its own host name.

Example
-------
``host=db.example.com sslmode=verify-full`` where db.example.com is a load balancer in front of PostgreSQL
(certificate from the provider's CA) and PgBouncer (a self-signed certificate): every other connection fails
with ``SSL error: certificate verify failed``.
"""


def _mode_text(v: CertVariant, mode: str) -> str:
    if v.refused(mode):
        return f"sslmode={mode} refuses it ({v.modes[mode].cause})"
    return f"sslmode={mode} accepts it"


def _variant_text(v: CertVariant, mode: str) -> str:
    from dbdoctor.postgres.diagnosis import POOLER_NAMES, describe_variant

    by = " and ".join(POOLER_NAMES.get(k, k) for k in v.answered_by)
    who = f", presented by {by}" if by else ""
    times = f"{v.seen} time{'s' if v.seen != 1 else ''}"
    return f"{describe_variant(v)} (seen {times}{who}; {_mode_text(v, mode)})"


def _dd313(ctx: Context) -> Iterable[Finding]:
    d = diagnosis(ctx)
    if d is None or not d.cert_varies:
        return ()
    variants = d.cert_variants
    total = sum(v.seen for v in variants)
    refused = {v.refused(d.user_mode) for v in variants}
    listed = "; ".join(f"{i}. {_variant_text(v, d.user_mode)}" for i, v in enumerate(variants, 1))
    severity: Severity
    if d.verdict == "fail" and d.cause == "cert_varies":
        severity = "error"
        consequence = (
            "Whether a connection works depends on which of them it gets: this one got a certificate it refuses."
        )
    elif refused == {True, False}:
        severity = "warning"
        consequence = "Connections that get the certificate the settings refuse fail; the others work."
    elif refused == {True}:
        severity = "warning"
        consequence = "The settings refuse each of them: fixing one endpoint's certificate will not be enough."
    else:
        severity = "info"
        consequence = "The settings accept each of them, so this is not what fails, but it is worth knowing."
    pgbouncer = [v for v in variants if "pgbouncer" in v.answered_by]
    pooler_hint = (
        " For PgBouncer that is client_tls_cert_file and client_tls_key_file in pgbouncer.ini (then reload it)."
        if pgbouncer
        else ""
    )
    host = d.target.hosts[0].host if d.target.hosts else None
    return (
        DD313.finding(
            detail=f"{total} TLS handshakes to {where(d)} presented {len(variants)} different certificates: "
            f"{listed}. {consequence}{driver_said(d)}",
            fix="Make every endpoint behind "
            + (f'"{host}"' if host else "this address")
            + " present a certificate the client accepts (issued by the CA in sslrootcert, naming the host, "
            "with its intermediates)."
            + pooler_hint
            + " Until then, connect to one endpoint: its address in hostaddr, the name kept in host.",
            severity=severity,
        ),
    )


DD313 = Rule(
    code="DD313",
    cause="cert_varies",
    severity="error",
    title="Successive connections get different server certificates",
    doc=DD313_DOC,
    check=_dd313,
    stage="check",
)

RULES = (DD313,)
