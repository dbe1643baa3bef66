"""Why a MySQL/MariaDB connection fails, named from the probe and real connections (DD810-DD840).

What it checks
--------------
The root cause of a failing MySQL or MariaDB connection, one code per cause: the server refusing plain text
(DD810, including MariaDB's ``1045 Access denied`` that lies about it), a wrong password (DD811), TLS demanded
from a server without TLS (DD812), certificate problems for VERIFY_CA / VERIFY_IDENTITY (DD813-DD822), TLS
handshake and client certificate failures (DD823-DD825), the network (DD826-DD830), refusals before any login
(1130 host not allowed, 1040 too many connections, 1129 host blocked: DD831-DD833), a missing database (DD834),
an account that authenticates by the operating-system user (MariaDB's ``1698 Access denied``: DD835),
and a working connection that is plain text only because PREFERRED fell back (DD840).

Why it matters
--------------
MySQL clients say little and sometimes mislead: MariaDB 10.11 with ``require_secure_transport=ON`` and accounts
created ``REQUIRE SSL``/``REQUIRE X509`` answer a plain-text login with the wrong-password message; the MySQL
client's default PREFERRED mode silently falls back to plain text; certificate errors arrive as ``2003 Can't
connect``. dbdoctor reads the server's greeting, the TLS handshake and the certificate chain without sending any
credentials, and tells the lying 1045 apart with one TLS attempt with the same credentials, only when the app's
own settings had already sent them in plain text.

How to fix
----------
Each finding says what to change; the report's corrected URL shows it with the MySQL client's option names
(``ssl-mode=VERIFY_IDENTITY&ssl-ca=...``). For a driver, use its own names: PyMySQL ``ssl_ca`` (verifies chain and
host), Connector/J ``sslMode=VERIFY_IDENTITY``, mysqlclient ``ssl_mode``.

Example
-------
MariaDB with ``require_secure_transport=ON`` and ``mysql://app:...@db/app?ssl-mode=DISABLED``: the driver says
``(1045, "Access denied for user 'app'@'10.0.0.7' (using password: YES)")``; the same credentials over TLS work,
so the cause is ``server_requires_ssl`` (DD810), not ``password_failed``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from dbdoctor.mysql.rules.texts import DOCS
from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule

if TYPE_CHECKING:
    from dbdoctor.mysql.diagnosis import MyDiagnosis


def _diag(ctx: Context) -> MyDiagnosis | None:
    from dbdoctor.mysql.diagnosis import MyDiagnosis

    d = ctx.observations
    return d if isinstance(d, MyDiagnosis) else None


def _where(d: MyDiagnosis) -> str:
    h = d.host
    if h is None:
        return "the server"
    name = h.attempt.host or "?"
    shown = f"{name} ({h.address})" if h.address and h.address != name else name
    return f"{shown}, port {h.attempt.port}" if h.attempt.port and not h.attempt.is_unix_socket else shown


def _said(d: MyDiagnosis) -> str:
    a = d.driver
    return f' The driver said: "{a.message}".' if a is not None and not a.ok and a.message else ""


def _cert(d: MyDiagnosis) -> str:
    describe = getattr(d.analysis, "describe", None)
    return f" {describe()}" if callable(describe) else ""


def _requires_ssl(d: MyDiagnosis) -> tuple[str, str]:
    a = d.driver
    dec = d.decider
    first = f"{_where(d)} refuses plain-text logins for this account."
    if a is not None and a.errno == 3159:
        why = " MySQL says so (3159 insecure transport)."
    elif dec is not None and not dec.ok and dec.errno in (1044, 1049):
        why = (
            ' The driver\'s "Access denied ... (using password: YES)" reads like a wrong password, but it is '
            f"not: the same credentials over TLS (ssl-mode {dec.mode}) logged in, and only then was the database "
            f'refused ("{dec.message}"): fix that next.'
        )
    elif dec is not None and dec.ok:
        s = dec.session
        policy = ""
        if s is not None and s.require_secure_transport:
            policy = " The server has require_secure_transport=ON."
        elif s is not None and s.user_requires:
            policy = f" The account was created REQUIRE {s.user_requires}."
        why = (
            ' The driver\'s "Access denied ... (using password: YES)" reads like a wrong password, but it is '
            f"not: the same credentials over TLS (ssl-mode {dec.mode}) were accepted.{policy}"
        )
    else:
        why = " Inside a TLS session with these credentials the server reports that plain text is refused."
    return first + why + _said(d), "Use TLS: ssl-mode=VERIFY_IDENTITY with ssl-ca=<the provider's CA file>."


def _password(d: MyDiagnosis) -> tuple[str, str]:
    dec = d.decider
    extra = ""
    if dec is not None and not dec.ok and dec.errno == 1045:
        extra = f" The same credentials over TLS (ssl-mode {dec.mode}) were refused too, so this is not TLS."
    x509 = ""
    user_q = f"'{d.target.settings.get('user') or '?'}'@'<host>'"
    h = d.host
    if (
        h is not None
        and h.tls is not None
        and h.tls.client_cert_requested
        and not d.target.settings.get("ssl_cert")
    ):
        x509 = (
            " (MariaDB gives the same answer to an account created REQUIRE X509 when no client certificate is "
            "sent, and nothing outside the server tells the two apart: if the password is right, ask an "
            f"administrator for SHOW CREATE USER {user_q}; with REQUIRE X509, set ssl-cert and ssl-key.)"
        )
    if not d.transport.tls_offered and d.transport.unreachable_cause is None:
        x509 = (
            " (MariaDB gives the same answer to an account created REQUIRE SSL or REQUIRE X509, which can never log "
            "in to a server that offers no TLS, and nothing outside the server tells the two apart: if the password "
            f"is right, ask an administrator for SHOW CREATE USER {user_q}; with such a clause, enable TLS on the "
            "server.)"
        )
    return (
        f"{_where(d)} refused the user {d.target.settings.get('user')!r} with these credentials.{extra}{x509}{_said(d)}",
        "Check the password (and its source: see provenance); URL-encode special characters."
        + (" If it is right, the account's REQUIRE clause is the cause (see above)." if x509 else ""),
    )


def _generic(text: str, fix: str, cert: bool = False) -> Callable[[MyDiagnosis], tuple[str, str]]:
    def build(d: MyDiagnosis) -> tuple[str, str]:
        return f"{_where(d)}: {text}{_cert(d) if cert else ''}{_said(d)}", fix

    return build


def _pre_auth(d: MyDiagnosis) -> tuple[str, str]:
    h = d.host
    e = h.first.error if h is not None and h.first is not None else None
    said = f' Before any login the server sent ERR {e.errno}: "{e.message}".' if e is not None else ""
    fixes = {
        "hba_rejected": "Allow this client's address for the account (CREATE USER 'app'@'<address or %>'), or "
        "connect from an allowed network.",
        "too_many_connections": "Close idle connections or raise max_connections; use a pool with a limit.",
        "host_blocked": "Run FLUSH HOSTS (or mariadb-admin flush-hosts) on the server; raise max_connect_errors.",
    }
    return f"{_where(d)} refused this client before any login.{said}{_said(d)}", fixes.get(d.cause or "", "")


_TABLE: list[tuple[str, str, str, Callable[[MyDiagnosis], tuple[str, str]]]] = [
    ("DD810", "server_requires_ssl", "The MySQL server requires TLS for this login", _requires_ssl),
    ("DD811", "password_failed", "The MySQL server rejected the credentials", _password),
    (
        "DD812",
        "server_ssl_unsupported",
        "TLS is required but the MySQL server does not offer it",
        _generic(
            "the server's greeting does not offer TLS (no CLIENT_SSL), and the ssl-mode requires it.",
            "Enable TLS on the server (ssl-cert/ssl-key), or connect to the endpoint that has it.",
        ),
    ),
    (
        "DD813",
        "cert_expired",
        "The MySQL server's certificate has expired",
        _generic(
            "the certificate chain does not verify: a certificate has expired.",
            "Renew the server certificate.",
            cert=True,
        ),
    ),
    (
        "DD814",
        "cert_not_yet_valid",
        "The MySQL server's certificate is not valid yet",
        _generic(
            "a certificate is not valid yet.", "Check the clocks, or reissue the certificate.", cert=True
        ),
    ),
    (
        "DD815",
        "cert_self_signed",
        "The MySQL server's certificate is self-signed",
        _generic(
            "the server sends a self-signed certificate that the CA file does not hold.",
            "Put the server's CA (or the certificate itself) in ssl-ca.",
            cert=True,
        ),
    ),
    (
        "DD816",
        "cert_untrusted",
        "The MySQL server's certificate is not from the trusted CA",
        _generic(
            "the chain does not lead to the CA in ssl-ca.",
            "Set ssl-ca to the CA that issued the server's certificate (the provider's CA bundle).",
            cert=True,
        ),
    ),
    (
        "DD817",
        "cert_chain_incomplete",
        "The MySQL server does not send its intermediate certificate",
        _generic(
            "the chain stops at a certificate whose issuer is neither sent nor in ssl-ca.",
            "Configure the server with leaf + intermediate in ssl-cert, or add the intermediate to ssl-ca.",
            cert=True,
        ),
    ),
    (
        "DD818",
        "hostname_mismatch",
        "The MySQL server's certificate does not name this host",
        _generic(
            "the host name connected to is not among the certificate's names (VERIFY_IDENTITY).",
            "Connect with a name the certificate carries, or use VERIFY_CA.",
            cert=True,
        ),
    ),
    (
        "DD819",
        "ip_address_mismatch",
        "The MySQL server's certificate does not name this IP address",
        _generic(
            "the client connected by IP address and the certificate does not name it.",
            "Connect by a DNS name the certificate carries.",
            cert=True,
        ),
    ),
    (
        "DD820",
        "ca_file_missing",
        "The ssl-ca file does not exist",
        _generic("the CA file named in ssl-ca does not exist.", "Fix the ssl-ca path."),
    ),
    (
        "DD821",
        "ca_file_invalid",
        "The ssl-ca file holds no usable certificate",
        _generic("the CA file holds no PEM certificate.", "Point ssl-ca at the provider's PEM CA file."),
    ),
    (
        "DD822",
        "system_ca_missing",
        "No system CA store for VERIFY_CA without ssl-ca",
        _generic(
            "without ssl-ca the client verifies against the system store, which is empty or missing.",
            "Install ca-certificates or set ssl-ca.",
        ),
    ),
    (
        "DD823",
        "tls_handshake_failed",
        "The TLS handshake with the MySQL server failed",
        _generic(
            "the TLS handshake after the SSLRequest failed.", "Check the server's TLS versions and ciphers."
        ),
    ),
    (
        "DD824",
        "client_cert_required",
        "The MySQL server requires a client certificate",
        _generic("the server asked for a client certificate and none was sent.", "Set ssl-cert and ssl-key."),
    ),
    (
        "DD825",
        "client_cert_problem",
        "The client certificate cannot be used",
        _generic("the client certificate or key could not be loaded.", "Fix ssl-cert / ssl-key."),
    ),
    (
        "DD826",
        "dns_unresolved",
        "The MySQL host name does not resolve",
        _generic("the name does not resolve.", "Fix the host name, or the DNS the app uses."),
    ),
    (
        "DD827",
        "connection_refused",
        "Nothing listens on the MySQL port",
        _generic("the connection was refused.", "Check the host and the port (3306 by default)."),
    ),
    (
        "DD828",
        "connect_timeout",
        "No answer from the MySQL server in time",
        _generic(
            "no answer in time (firewall, allowlist, wrong address).",
            "Check the network path and allowlists.",
        ),
    ),
    (
        "DD829",
        "network_unreachable",
        "The MySQL server's network is unreachable",
        _generic("no route to the address.", "Check the address and the network."),
    ),
    (
        "DD830",
        "not_the_database",
        "Something answered that is not MySQL",
        _generic("the first bytes were not a MySQL greeting.", "Check the port: it is not a MySQL server."),
    ),
    ("DD831", "hba_rejected", "The MySQL server does not allow this client host", _pre_auth),
    ("DD832", "too_many_connections", "The MySQL server has no free connection slot", _pre_auth),
    ("DD833", "host_blocked", "The MySQL server blocked this client host", _pre_auth),
    (
        "DD835",
        "peer_auth_failed",
        "The MySQL account logs in by the operating-system user, not a password",
        _generic(
            "the server answered 1698 Access denied: the account authenticates with a plugin that checks the "
            "operating-system user on the server (IDENTIFIED VIA unix_socket; Debian's and Ubuntu's root@localhost), "
            "which no password and no TCP connection can satisfy.",
            "Use an account with a password (CREATE USER 'app'@'%' IDENTIFIED BY '...'; GRANT ... ON app.* TO it), "
            "or give this account a password too (ALTER USER ... IDENTIFIED VIA unix_socket OR "
            "mysql_native_password USING PASSWORD('...')); or connect over the Unix socket as that OS user.",
        ),
    ),
    (
        "DD834",
        "database_missing",
        "The MySQL database does not exist or is not this user's",
        _generic(
            "the login worked but the database cannot be used.", "Fix the database name, or GRANT access."
        ),
    ),
]


def _make(code: str, cause: str, title: str, build: Callable[[MyDiagnosis], tuple[str, str]]) -> Rule:
    def check(ctx: Context) -> Iterable[Finding]:
        d = _diag(ctx)
        if d is None or d.verdict != "fail" or d.cause != cause:
            return ()
        detail, fix = build(d)
        return (rule.finding(detail=detail, fix=fix),)

    rule = Rule(
        code=code,
        cause=cause,
        severity="error",
        title=title,
        doc=DOCS[code],
        check=check,
        stage="check-mysql",
    )
    return rule


def _fallback(ctx: Context) -> Iterable[Finding]:
    d = _diag(ctx)
    if d is None or not d.fell_back_to_plain:
        return ()
    return (
        FALLBACK.finding(
            detail=f"{_where(d)} offers no TLS, and ssl-mode PREFERRED connected in plain text without a word: "
            "the password scramble and every query travel unencrypted.",
            fix="Enable TLS on the server and use ssl-mode=VERIFY_IDENTITY, so that a server without TLS is an "
            "error instead of a silent downgrade.",
        ),
    )


FALLBACK = Rule(
    code="DD840",
    cause="plaintext_fallback",
    severity="warning",
    title="The MySQL connection fell back to plain text",
    doc=DOCS["DD840"],
    check=_fallback,
    stage="check-mysql",
)
RULES = (*(_make(*row) for row in _TABLE), FALLBACK)
