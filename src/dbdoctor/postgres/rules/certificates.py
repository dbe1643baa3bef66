"""Rules about the server's certificate: trust, chain, validity dates, names, and client certificates."""

from __future__ import annotations

from collections.abc import Iterable

from dbdoctor.postgres.diagnosis import Diagnosis
from dbdoctor.postgres.rules.evidence import cause_rule, cert_summary, diagnosis, driver_said, fix_text, where
from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule


def _fallback_note(d: Diagnosis) -> str:
    if d.user_mode == "prefer":
        return (
            " With sslmode=prefer libpq then retried in plain text, so its last message may talk about "
            "encryption (\"no encryption\") while the real failure is this certificate."
        )
    return ""


def _root_desc(d: Diagnosis) -> str:
    if d.root.state == "system":
        return "the system's trusted roots (sslrootcert=system)"
    return f"the root certificate file {d.root_path}"


DD301_DOC = """
What it checks
--------------
With ``sslmode=verify-full``, whether the host name the client connects to is among the names in the server
certificate, matched the way libpq matches them: the Subject Alternative Names first, the Common Name only
when the certificate has no SAN of that type, and a wildcard only as the whole leftmost label.

Why it matters
--------------
libpq refuses with ``server certificate for "X" does not match host name "Y"``. Typical causes: connecting
through a proxy, pooler or load balancer name, a CNAME, an old host name, or a private DNS name that the
provider's certificate does not list.

How to fix
----------
Connect with a name the certificate lists. To keep connecting to the same address, put that name in ``host``
and the address in ``hostaddr``: libpq then connects to ``hostaddr`` and verifies ``host``.

Example
-------
``host=db-proxy.internal sslmode=verify-full`` with a certificate for ``db.example.com`` →
``host=db.example.com hostaddr=10.0.0.5 sslmode=verify-full``.
"""


def _name_detail(d: Diagnosis, kind: str) -> tuple[str, str]:
    host = d.target.hosts[0].host if d.target.hosts else None
    return (
        f"The certificate presented by {where(d)} does not name the {kind} \"{host}\" that the client "
        f"verifies.{cert_summary(d)}{driver_said(d)}",
        fix_text(
            d,
            "Connect with a name the certificate lists; to keep the same address, set host to that name "
            "and hostaddr to the address.",
        ),
    )


DD301 = cause_rule(
    code="DD301",
    cause="hostname_mismatch",
    title="The server certificate does not name the host",
    doc=DD301_DOC,
    build=lambda d: _name_detail(d, "host name"),
)

DD302_DOC = """
What it checks
--------------
With ``sslmode=verify-full`` and an IP address as the host, whether the certificate names that address in an
``iPAddress`` Subject Alternative Name (libpq compares addresses with IP SANs, byte for byte).

Why it matters
--------------
Most certificates name host names only, so ``verify-full`` against an IP address fails:
``server certificate for "db.example.com" does not match host name "10.0.0.5"``. People then "fix" it with
``sslmode=require`` and lose server verification.

How to fix
----------
Keep ``verify-full`` and keep the address: put a name from the certificate in ``host`` and the address in
``hostaddr``.

Example
-------
``postgresql://app@10.0.0.5/app?sslmode=verify-full`` →
``postgresql://app@db.example.com/app?hostaddr=10.0.0.5&sslmode=verify-full``.
"""

DD302 = cause_rule(
    code="DD302",
    cause="ip_address_mismatch",
    title="The client connects by IP address and the certificate does not name it",
    doc=DD302_DOC,
    build=lambda d: _name_detail(d, "IP address"),
)

DD303_DOC = """
What it checks
--------------
Whether the server's certificate chain leads to a certificate in the client's root file. Here it does not:
the server's certificate comes from another CA.

Why it matters
--------------
libpq stops with ``SSL error: certificate verify failed`` (no reason given). Usually the root file is the
wrong one: another provider's or region's bundle, an old CA after the provider rotated it, or the server is
not the one you think (a proxy presenting its own certificate).

How to fix
----------
Get the current CA bundle from the provider (for the region of this database) and point ``sslrootcert`` at
it. Check the issuer shown in the evidence.

Example
-------
An RDS database in eu-west-1 with the us-east-1 bundle, or a bundle downloaded before a CA rotation.
"""


def _chain_detail(d: Diagnosis, what: str, fix: str) -> tuple[str, str]:
    return (
        f"{what} {where(d)}; verified against {_root_desc(d)}.{cert_summary(d)}{driver_said(d)}"
        f"{_fallback_note(d)}",
        fix_text(d, fix),
    )


DD303 = cause_rule(
    code="DD303",
    cause="cert_untrusted",
    title="The server's certificate is not issued by the CA the client trusts",
    doc=DD303_DOC,
    build=lambda d: _chain_detail(
            d,
            "The certificate chain does not lead to a trusted root for",
            "Point sslrootcert at the CA bundle that issued this certificate (ask your provider for the "
            "current bundle for this database's region).",
        ),
)

DD304_DOC = """
What it checks
--------------
Whether the server presents a self-signed certificate that the client's root file does not contain.

Why it matters
--------------
A self-signed certificate can only be verified by trusting that exact certificate. Default installations
(``make-ssl-cert``'s snakeoil certificate on Debian, many Docker images) use one.

How to fix
----------
Either give the server a certificate from a CA you control and trust that CA, or, for a server you control,
put its self-signed certificate in the client's ``sslrootcert`` (copied from the server, not from the wire
without checking its fingerprint).

Example
-------
``sslmode=verify-ca`` against a fresh ``postgres`` Docker container with ``ssl=on`` and a generated certificate.
"""

DD304 = cause_rule(
    code="DD304",
    cause="cert_self_signed",
    title="The server's certificate is self-signed and not trusted",
    doc=DD304_DOC,
    build=lambda d: _chain_detail(
            d,
            "A self-signed certificate, not in the client's root file, is presented by",
            "Trust it explicitly (copy the server's certificate file into sslrootcert, after checking its "
            "fingerprint with the server's owner), or give the server a certificate from a CA you trust.",
        ),
)

DD305_DOC = """
What it checks
--------------
Whether the server sends the intermediate certificate(s) its certificate needs: the leaf's issuer is neither
in the chain the server sends nor in the client's root file, while the root file does hold the root above it.

Why it matters
--------------
Verification fails with ``certificate verify failed`` although the root file is right. The fix belongs on the
server: ``ssl_cert_file`` must contain the leaf followed by the intermediates.

How to fix
----------
On the server, append the intermediate certificate(s) to the file named by ``ssl_cert_file`` (leaf first),
and reload. As a client-side workaround, add the intermediate to the client's ``sslrootcert`` file.

Example
-------
A certificate from a commercial CA installed as the leaf alone, without the CA's intermediate bundle.
"""

DD305 = cause_rule(
    code="DD305",
    cause="cert_chain_incomplete",
    title="The server does not send the intermediate certificate",
    doc=DD305_DOC,
    build=lambda d: _chain_detail(
            d,
            "The chain is missing an intermediate certificate: only the leaf is sent by",
            "On the server, put the intermediate certificate(s) after the leaf in ssl_cert_file and reload; "
            "until then, adding the intermediate to the client's sslrootcert works around it.",
        ),
)

DD306_DOC = """
What it checks
--------------
Whether the server's certificate, or one in its chain, has expired (checked whenever the chain is verified:
``verify-ca``, ``verify-full``, and ``require``/``prefer`` with a root file).

Why it matters
--------------
Verification fails with ``certificate verify failed``. With ``sslmode=require`` and no root file nothing is
checked, so the same server "works" from some clients and not others.

How to fix
----------
Renew the certificate on the server (``ssl_cert_file``), then reload. If the date looks right but the machine
says otherwise, fix the client's clock.

Example
-------
A certificate issued for 90 days whose renewal job stopped.
"""

DD306 = cause_rule(
    code="DD306",
    cause="cert_expired",
    title="The server's certificate has expired",
    doc=DD306_DOC,
    build=lambda d: _chain_detail(
            d,
            "An expired certificate is presented by",
            "Renew the server certificate (ssl_cert_file) and reload the server; check the client's clock.",
        ),
)

DD307_DOC = """
What it checks
--------------
Whether the server's certificate is not valid yet (its ``notBefore`` is in the future).

Why it matters
--------------
Verification fails. Either the certificate was issued with a wrong start date, or the client's clock is
behind (containers without time sync, a VM restored from a snapshot).

How to fix
----------
Check the client's clock first (``date -u``); otherwise reissue the certificate with a correct start date.

Example
-------
A freshly started VM whose clock is a day behind, connecting to a certificate issued an hour ago.
"""

DD307 = cause_rule(
    code="DD307",
    cause="cert_not_yet_valid",
    title="The server's certificate is not valid yet",
    doc=DD307_DOC,
    build=lambda d: _chain_detail(
            d,
            "A certificate that is not valid yet is presented by",
            "Check the client's clock (date -u); otherwise reissue the certificate with a correct start date.",
        ),
)

DD308_DOC = """
What it checks
--------------
Whether a TLS handshake can be agreed at all: protocol versions (libpq and the server require TLS 1.2 or
later by default), ciphers, or a server that breaks the handshake off.

Why it matters
--------------
The failure happens before any certificate is looked at; messages such as ``tlsv1 alert protocol version`` or
``unexpected eof while reading`` point at versions, old servers or proxies that cut the connection.

How to fix
----------
Align ``ssl_min_protocol_version`` on both sides (TLSv1.2 at least), update an old server or proxy, and check
that nothing between client and server intercepts TLS.

Example
-------
A client with ``ssl_min_protocol_version=TLSv1.3`` against a server limited to TLS 1.2.
"""


def _dd308(d: Diagnosis) -> tuple[str, str]:
    reason = ""
    for h in d.observations.hosts:
        if h.tls is not None and not h.tls.completed and h.tls.error:
            reason = f" The handshake failed: {h.tls.error}."
            break
    return (
        f"No TLS session could be agreed with {where(d)}.{reason}{driver_said(d)}",
        "Align ssl_min_protocol_version/ssl_max_protocol_version on client and server (TLSv1.2 or later), "
        "update an old server or proxy, and check that nothing intercepts TLS on the way.",
    )


DD308 = cause_rule(
    code="DD308",
    cause="tls_handshake_failed",
    title="The TLS handshake failed",
    doc=DD308_DOC,
    build=_dd308,
)

DD309_DOC = """
What it checks
--------------
When the CA file the client needs is missing, which CA issued the certificate the server presents, so you
know which bundle to ask for.

Why it matters
--------------
``root certificate file "/root/.postgresql/root.crt" does not exist`` says nothing about which file belongs
there. Minimal container images also lack the system CA bundle.

How to fix
----------
Add the provider's CA bundle to the image (or mount it) and point ``sslrootcert`` at it; for certificates from
public CAs on libpq 16+, ``sslrootcert=system`` with the ``ca-certificates`` package installed.

Example
-------
A ``python:3.12-slim`` image with ``sslmode=verify-full`` and no ``sslrootcert``: copy the provider's bundle
into the image and set ``sslrootcert=/app/certs/provider-ca.pem``.
"""


def _dd309(ctx: Context) -> Iterable[Finding]:
    d = diagnosis(ctx)
    if d is None or d.cause != "ca_file_missing" or d.analysis is None:
        return ()
    issuer = getattr(d.analysis, "top_issuer", None) or getattr(d.analysis, "leaf_issuer", None)
    issuer_text = f' The server\'s chain ends at "{issuer}".' if issuer else ""
    return (
        DD309.finding(
            detail=f"The server at {where(d)} presents a certificate that the missing file would have to "
            f"verify.{issuer_text}{cert_summary(d)}",
            fix="Ask the provider for the CA bundle that issued it, put it in the image or next to the app, and "
            "set sslrootcert to its path.",
            severity="info",
        ),
    )


DD309 = Rule(
    code="DD309",
    cause="ca_file_missing",
    severity="info",
    title="Which CA the missing root file must hold",
    doc=DD309_DOC,
    check=_dd309,
    stage="check",
)

DD310_DOC = """
What it checks
--------------
With ``sslrootcert=system``, whether the runtime has a system CA bundle where OpenSSL looks for it
(``SSL_CERT_FILE``, ``SSL_CERT_DIR``, or the default paths).

Why it matters
--------------
Slim and distroless images often ship without ``ca-certificates``; verification then fails for every server,
however correct its certificate.

How to fix
----------
Install the ``ca-certificates`` package in the image (or set ``SSL_CERT_FILE`` to a bundle such as certifi's),
or use an explicit ``sslrootcert`` file.

Example
-------
``FROM debian:bookworm-slim`` without ``apt-get install ca-certificates``.
"""


def _dd310(d: Diagnosis) -> tuple[str, str]:
    return (
        f"sslrootcert=system, and this runtime has no usable system CA bundle.{driver_said(d)}",
        "Install ca-certificates in the image (or set SSL_CERT_FILE to a CA bundle), or set sslrootcert to "
        "the provider's CA file.",
    )


DD310 = cause_rule(
    code="DD310",
    cause="system_ca_missing",
    title="sslrootcert=system, but the runtime has no system CA bundle",
    doc=DD310_DOC,
    build=_dd310,
)

DD311_DOC = """
What it checks
--------------
How long the server's certificate has left, when the connection works: a warning under 14 days, info under 30.

Why it matters
--------------
An expiring certificate breaks every verifying client at once, on a date that is known in advance.

How to fix
----------
Renew the certificate (or check that the provider's rotation is scheduled) before it expires.

Example
-------
``notAfter`` in 9 days: renew now and reload the server.
"""


def _dd311(ctx: Context) -> Iterable[Finding]:
    d = diagnosis(ctx)
    if d is None or d.analysis is None:
        return ()
    days = getattr(d.analysis, "days_left", None)
    if not isinstance(days, int) or days < 0 or days >= 30:
        return ()
    return (
        DD311.finding(
            detail=f"The certificate presented by {where(d)} expires in {days} day{'s' if days != 1 else ''}.",
            fix="Renew it (ssl_cert_file) and reload the server, or confirm the provider's rotation date.",
            severity="warning" if days < 14 else "info",
        ),
    )


DD311 = Rule(
    code="DD311",
    cause="cert_expired",
    severity="warning",
    title="The server's certificate expires soon",
    doc=DD311_DOC,
    check=_dd311,
    stage="check",
)

DD312_DOC = """
What it checks
--------------
Whether the server requires a client certificate (``hostssl ... cert`` or ``clientcert=verify-ca|verify-full``
in pg_hba.conf) that the client does not present: ``connection requires a valid client certificate``.

Why it matters
--------------
No password or sslmode helps; the client must present a certificate signed by the CA in the server's
``ssl_ca_file``, whose CN matches the user name for the ``cert`` method.

How to fix
----------
Set ``sslcert`` and ``sslkey`` (key file mode 0600) to the client certificate issued for this user.

Example
-------
``sslmode=verify-full&sslcert=/app/certs/app.crt&sslkey=/app/certs/app.key``.
"""


def _dd312(d: Diagnosis) -> tuple[str, str]:
    return (
        f"The server at {where(d)} requires a client certificate for this user and database.{driver_said(d)}",
        "Set sslcert and sslkey (mode 0600) to a client certificate for this user, signed by the CA the "
        "server trusts (ssl_ca_file).",
    )


DD312 = cause_rule(
    code="DD312",
    cause="client_cert_required",
    title="The server requires a client certificate",
    doc=DD312_DOC,
    build=_dd312,
)

DD320_DOC = """
What it checks
--------------
Whether the server's certificate, or a certificate of its chain, is listed as revoked in the certificate
revocation lists the client checks: ``sslcrl`` (a PEM file), ``sslcrldir`` (an OpenSSL hashed directory), or
by default ``~/.postgresql/root.crl``. libpq loads them next to the root certificate file and has OpenSSL check
every certificate of the chain (``X509_V_FLAG_CRL_CHECK_ALL``), in every TLS mode, ``require`` included.

Why it matters
--------------
libpq stops with ``SSL error: certificate verify failed`` and says no more. The server presents a certificate
its own CA has withdrawn: a key that leaked, a certificate replaced and not yet swapped on this server, or a
server that is not the one you think.

How to fix
----------
Install a current certificate on the server (ask its operator or provider). Removing the CRL from the client
settings only hides the problem.

Example
-------
``sslrootcert=root.crt sslcrl=root+server.crl sslmode=verify-ca`` against a server whose certificate's serial
is in ``root+server.crl``.
"""


def _dd320(d: Diagnosis) -> tuple[str, str]:
    return (
        f"The certificate presented by {where(d)} is revoked: {d.revocation or 'a CRL the client checks lists it.'}"
        f"{cert_summary(d)}{driver_said(d)}",
        "Install a current certificate on the server; the client's CRL is right to refuse this one.",
    )


DD320 = cause_rule(
    code="DD320",
    cause="cert_revoked",
    title="The server's certificate is revoked by a CRL the client checks",
    doc=DD320_DOC,
    build=_dd320,
)

DD321_DOC = """
What it checks
--------------
Whether the client's certificate revocation lists (``sslcrl``, ``sslcrldir``, or by default
``~/.postgresql/root.crl``) hold a current CRL from every issuer in the server's chain. Once they load, libpq
has OpenSSL require one for each certificate of the chain (``X509_V_FLAG_CRL_CHECK_ALL``), in every TLS mode.
A ``sslcrldir`` that does not exist, a CRL of another CA, or an expired CRL all fail the same way.

Why it matters
--------------
libpq stops with ``SSL error: certificate verify failed`` (OpenSSL's reason, ``unable to get certificate
CRL``, is not shown): nothing is wrong with the server, the client's CRL set is incomplete or stale.

How to fix
----------
Point ``sslcrl`` at a file (or ``sslcrldir`` at a hashed directory, ``openssl rehash``) holding current CRLs of
every CA in the server's chain, root and intermediates; refresh them before their next update date.

Example
-------
``sslcrl=client.crl`` (the CRL of the client CA) while the server's chain comes from the server CA and the root.
"""


def _dd321(d: Diagnosis) -> tuple[str, str]:
    return (
        f"The CRLs the client checks cannot clear the certificate of {where(d)}: "
        f"{d.revocation or 'no current CRL from one of its issuers.'}{driver_said(d)}",
        "Give sslcrl (or sslcrldir) current CRLs of every CA in the server's chain, the root included.",
    )


DD321 = cause_rule(
    code="DD321",
    cause="crl_missing",
    title="The client's CRLs lack a current CRL for the server's chain",
    doc=DD321_DOC,
    build=_dd321,
)

RULES = (DD301, DD302, DD303, DD304, DD305, DD306, DD307, DD308, DD309, DD310, DD311, DD312, DD320, DD321)
