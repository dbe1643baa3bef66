"""Rules about whether the connection is encrypted: the server's policy against the client's sslmode."""

from __future__ import annotations

from collections.abc import Iterable

from dbdoctor.postgres.diagnosis import Diagnosis
from dbdoctor.postgres.rules.evidence import cause_rule, diagnosis, driver_said, fix_text, server_said, where
from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule

DD210_DOC = """
What it checks
--------------
Whether the server refuses the unencrypted connection the client makes (``sslmode=disable``, or ``allow``
against a server that only has ``hostssl`` rules), while it would let an encrypted one in. dbdoctor learns
this before any password is sent: a start-up packet in plain text is refused with
``no pg_hba.conf entry for host ..., no encryption``, and the same packet over TLS gets a password request.

Why it matters
--------------
Managed databases enforce TLS. "no encryption" at the end of the server's message does not mean the server
lacks encryption: it means *you* did not encrypt and the server has rules only for encrypted connections from
your address. The fix is on the client.

How to fix
----------
Set ``sslmode=verify-full`` with the provider's CA certificate in ``sslrootcert`` (or
``sslrootcert=system`` when the server's certificate comes from a public CA, libpq 16+). ``sslmode=require``
also connects, but does not check who is on the other end: a labelled trade-off, not the fix.

Example
-------
``postgresql://app@db.example.com/app?sslmode=disable`` →
``postgresql://app@db.example.com/app?sslmode=verify-full&sslrootcert=/etc/ssl/certs/provider-ca.pem``.
"""


def _dd210(d: Diagnosis) -> tuple[str, str]:
    return (
        f"The server at {where(d)} accepts only encrypted connections from this address, and sslmode="
        f"{d.user_mode} does not encrypt.{server_said(d, encrypted=False)} The same start-up over TLS was "
        f"let in, so the fix is on the client.",
        fix_text(
            d,
            "Encrypt and verify: sslmode=verify-full with the provider's CA certificate in sslrootcert "
            "(or sslrootcert=system for a certificate from a public CA, libpq 16+).",
        ),
    )


DD210 = cause_rule(
    code="DD210",
    cause="server_requires_ssl",
    title="The server requires SSL and the client does not encrypt",
    doc=DD210_DOC,
    build=_dd210,
)

DD211_DOC = """
What it checks
--------------
Whether the server supports TLS at all: it answers the SSLRequest with ``N``, and the client's sslmode
(``require``, ``verify-ca``, ``verify-full``) demands encryption.

Why it matters
--------------
The client refuses to go on in plain text, rightly. libpq says ``server does not support SSL, but SSL was
required``. The server has ``ssl = off``, or no certificate configured, or a pooler in front of it does not
terminate TLS.

How to fix
----------
On the server: ``ssl = on`` with ``ssl_cert_file`` and ``ssl_key_file`` (and reload); on PgBouncer:
``client_tls_sslmode``, ``client_tls_cert_file``, ``client_tls_key_file``. Lowering the client's sslmode
sends the password in plain text: only on a network you trust end to end, and never silently.

Example
-------
A local development server with ``ssl = off`` and ``sslmode=require`` in the URL.
"""


def _dd211(d: Diagnosis) -> tuple[str, str]:
    return (
        f"The server at {where(d)} answered the SSLRequest with N: it does not offer TLS, and sslmode="
        f"{d.user_mode} requires it.{driver_said(d)}",
        "Enable TLS on the server (ssl = on with ssl_cert_file/ssl_key_file, then reload; on PgBouncer "
        "client_tls_sslmode and its certificate). Lowering sslmode would send the password unencrypted.",
    )


DD211 = cause_rule(
    code="DD211",
    cause="server_ssl_unsupported",
    title="The server does not support SSL, and the client requires it",
    doc=DD211_DOC,
    build=_dd211,
)

DD212_DOC = """
What it checks
--------------
Whether the server refuses encrypted connections from this client while it accepts plain ones: over TLS the
start-up is refused with ``no pg_hba.conf entry for host ..., SSL encryption`` and in plain text it gets a
password request (``hostnossl`` rules only for this address).

Why it matters
--------------
The message looks like an SSL problem, but it is the server's access rules: they were written for plain
connections from this address only.

How to fix
----------
On the server, add a ``hostssl`` line for this address, user and database in ``pg_hba.conf`` (and reload).
Turning encryption off on the client is a trade-off for trusted networks only.

Example
-------
``hostnossl all all 10.0.0.0/8 scram-sha-256`` and a client with ``sslmode=require``.
"""


def _dd212(d: Diagnosis) -> tuple[str, str]:
    return (
        f"The server at {where(d)} has access rules for plain connections from this address but none for "
        f"encrypted ones.{server_said(d, encrypted=True)}",
        "On the server, add a hostssl line for this client address, user and database to pg_hba.conf and "
        "reload. Disabling encryption on the client is a trade-off for trusted networks, not a fix.",
    )


DD212 = cause_rule(
    code="DD212",
    cause="server_rejects_ssl",
    title="The server accepts only unencrypted connections from this client",
    doc=DD212_DOC,
    build=_dd212,
)

DD213_DOC = """
What it checks
--------------
Whether ``sslmode=prefer`` (libpq's default) or ``allow`` connects only because it fell back to plain text:
the TLS attempt failed or was refused, and the connection that works is unencrypted.

Why it matters
--------------
Everything seems fine, and the password and every query cross the network in clear text. When the server is
later set to require TLS, the app breaks with a message that points nowhere near the real cause.

How to fix
----------
Make TLS work (see the TLS attempt's cause in the evidence), then set ``sslmode=verify-full`` so a failure is
loud instead of silent.

Example
-------
``sslmode=prefer`` with a stale ``~/.postgresql/root.crt``: the TLS attempt fails verification, libpq retries
in plain text, and the server accepts it.
"""


def _dd213(ctx: Context) -> Iterable[Finding]:
    d = diagnosis(ctx)
    if d is None or d.verdict != "ok" or not d.fell_back_to_plain:
        return ()
    ssl_cause = None
    for facts in d.addresses:
        if facts.ssl_answer == "N":
            ssl_cause = "the server does not offer TLS"
        elif facts.tls is not None and facts.tls.chain_cause and d.root.state == "file":
            ssl_cause = f"the TLS attempt failed certificate verification ({facts.tls.chain_cause})"
        elif facts.startup_tls is not None and facts.startup_tls.cause:
            ssl_cause = f"the server refused the encrypted start-up ({facts.startup_tls.cause})"
        if ssl_cause:
            break
    return (
        DD213.finding(
            detail=(
                f"sslmode={d.user_mode} connected to {where(d)} without encryption: "
                f"{ssl_cause or 'the TLS attempt did not succeed'}, and the driver fell back to plain text."
            ),
            fix="Fix the TLS problem, then use sslmode=verify-full with the server's CA in sslrootcert, so a "
            "TLS failure stops the app instead of silently sending the password in clear text.",
        ),
    )


DD213 = Rule(
    code="DD213",
    cause="plaintext_fallback",
    severity="warning",
    title="It works, but unencrypted: the driver fell back to plain text",
    doc=DD213_DOC,
    check=_dd213,
    stage="check",
)

DD214_DOC = """
What it checks
--------------
Whether ``sslmode=require`` (or ``prefer``/``allow``) verifies the server's certificate chain after all,
because a root certificate file exists: ``sslrootcert`` names one, or libpq's default
``~/.postgresql/root.crt`` is present.

Why it matters
--------------
libpq documents it: with a root file, ``require`` behaves like ``verify-ca``. The same string then works on
one machine and fails with ``certificate verify failed`` on another that has a different (or stale) file.
Other drivers (pgjdbc, node-postgres with ``uselibpqcompat``) do not do this, so behaviour differs between
apps too.

How to fix
----------
Say what you mean: ``sslmode=verify-full`` with an explicit ``sslrootcert``. If the file is stale, replace it
with the provider's current CA bundle.

Example
-------
``sslmode=require`` and an old ``~/.postgresql/root.crt`` left over from another project: ``SSL error:
certificate verify failed``.
"""


def _dd214(ctx: Context) -> Iterable[Finding]:
    d = diagnosis(ctx)
    if d is None or d.user_mode not in ("allow", "prefer", "require") or d.root.state != "file":
        return ()
    source = "sslrootcert" if d.root.explicit else "libpq's default root file"
    failed = d.verdict == "fail" and d.cause in (
        "cert_untrusted", "cert_self_signed", "cert_chain_incomplete", "cert_expired", "cert_not_yet_valid"
    )
    return (
        DD214.finding(
            detail=(
                f"sslmode={d.user_mode} verifies the certificate chain here because {source} exists "
                f"({d.root_path}); it behaves like verify-ca"
                + (", and that verification is what fails." if failed else ".")
            ),
            fix="Say it explicitly: sslmode=verify-full with sslrootcert pointing at the provider's CA bundle; "
            "if that file is stale, replace it.",
            severity="warning" if failed else "info",
        ),
    )


DD214 = Rule(
    code="DD214",
    cause="implicit_verification",
    severity="info",
    title="The sslmode verifies the chain because a root certificate file exists",
    doc=DD214_DOC,
    check=_dd214,
    stage="check",
)

DD215_DOC = """
What it checks
--------------
Whether the working connection is encrypted but its server certificate is not verified (``sslmode=prefer``
or ``require`` without a root certificate file).

Why it matters
--------------
Encryption without verification stops passive eavesdropping, not an active attacker who presents any
certificate. Most providers publish a CA bundle so that clients can verify.

How to fix
----------
Download the provider's CA bundle, set ``sslrootcert`` to it and ``sslmode=verify-full``; dbdoctor shows the
mode matrix so you can see that ``verify-full`` works before you switch.

Example
-------
``sslmode=require`` → ``sslmode=verify-full&sslrootcert=/app/certs/provider-ca.pem``.
"""


def _dd215(ctx: Context) -> Iterable[Finding]:
    d = diagnosis(ctx)
    if d is None or d.verdict != "ok" or d.fell_back_to_plain:
        return ()
    if d.user_mode not in ("prefer", "require", "allow") or d.root.state == "file":
        return ()
    drv = d.driver
    if drv is None or drv.tls_version is None:
        return ()
    vf = d.modes.get("verify-full")
    better = (
        " verify-full would work with the current settings." if vf is not None and vf.outcome == "ok" else ""
    )
    return (
        DD215.finding(
            detail=f"The connection to {where(d)} is encrypted ({drv.tls_version}) but the server's certificate "
            f"is not verified (sslmode={d.user_mode}, no root certificate file).{better}",
            fix="Set sslrootcert to the provider's CA bundle and sslmode=verify-full.",
        ),
    )


DD215 = Rule(
    code="DD215",
    cause="tls_unverified",
    severity="info",
    title="Encrypted, but the server's certificate is not verified",
    doc=DD215_DOC,
    check=_dd215,
    stage="check",
)

RULES = (DD210, DD211, DD212, DD213, DD214, DD215)

__all__ = ["RULES", "driver_said"]
