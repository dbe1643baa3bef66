"""MySQL/MariaDB settings that are wrong or weaker than they look, found without any network (DD801-DD804).

What it checks
--------------
For ``mysql://``, ``mariadb://``, SQLAlchemy ``mysql+<driver>://`` and JDBC ``jdbc:mysql://`` /
``jdbc:mariadb://`` targets: DD801 the URL cannot be used at all (bad port, an ``ssl-mode`` value the client
refuses, ``ssl_mode`` given to PyMySQL or mysql-connector-python); DD802 query parameters the form's driver does
not know (``sslmode`` in a ``mysql://`` URL, ``sslmode`` for Connector/J, whose key is ``sslMode``); DD803 a CA
file or client certificate is set but the ssl-mode does not verify the server (``PREFERRED`` or ``REQUIRED``),
or the mode is ``PREFERRED``, which falls back to plain text; DD804 the password holds ``@ / ? # : %`` or a space
unencoded (an error when the URL then reads as another host, port, user or database; a warning when it happens
to read right here, because other URL parsers, SQLAlchemy's among them, read it differently).

Why it matters
--------------
The MySQL client and most drivers default to ``PREFERRED``: TLS when the server offers it, without checking the
certificate, and plain text when it does not. A CA file with an explicit ``PREFERRED`` or ``REQUIRED`` changes
nothing for the MySQL client, and mysql-connector-python's ``ssl_ca`` alone stays unverified and falls back to
plain text. (A CA file without any ``ssl-mode`` is VERIFY_CA for the MySQL client, ``sslopt-case.h``, and the
MariaDB client verifies the chain with it as well.) Unknown keys are ignored silently by most drivers.

How to fix
----------
Use ``ssl-mode=VERIFY_IDENTITY`` with ``ssl-ca=<the provider's CA file>``; for SQLAlchemy with PyMySQL,
``?ssl_ca=<file>`` (PyMySQL then verifies chain and host); for Connector/J, ``sslMode=VERIFY_IDENTITY``.
Percent-encode the password in a URL (``urllib.parse.quote(password, safe="")``): ``@`` is ``%40``, ``/`` is
``%2F``, ``#`` is ``%23``.

Example
-------
``mysql://app@db.example.com/app?ssl-mode=PREFERRED&ssl-ca=/etc/ssl/provider.pem`` connects without verifying the
server and in plain text when TLS is off: write ``mysql://app@db.example.com/app?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/ssl/provider.pem``.
"""

from __future__ import annotations

from collections.abc import Iterable

from dbdoctor.mysql.rules.texts import DOCS
from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule


def _no_check(ctx: Context) -> Iterable[Finding]:
    return ()  # made by dbdoctor.mysql.parse.parse_error_finding when the target cannot be used


def _unknown(ctx: Context) -> Iterable[Finding]:
    from dbdoctor.mysql.sources import unknown_keys

    if ctx.target.engine != "mysql" or ctx.raw is None:
        return ()
    keys = unknown_keys(ctx.raw.reveal())
    if not keys:
        return ()
    form = ctx.target.scheme_driver or "mysql://"
    hint = ""
    if any(k.lower() in ("sslmode", "ssl") for k in keys):
        hint = " (the MySQL client's option is ssl-mode; Connector/J's is sslMode)"
    return (
        UNKNOWN.finding(
            detail=f"{form} does not know {', '.join(repr(k) for k in keys)}: the setting is ignored{hint}.",
            fix="Use the option names of the driver the app uses; for dbdoctor's own mysql:// URLs: ssl-mode, "
            "ssl-ca, ssl-cert, ssl-key.",
        ),
    )


def _weak(ctx: Context) -> Iterable[Finding]:
    t = ctx.target
    if t.engine != "mysql":
        return ()
    mode = t.settings.get("ssl_mode", "PREFERRED")
    if mode not in ("PREFERRED", "REQUIRED"):
        return ()
    has_ca = bool(t.settings.get("ssl_ca"))
    has_cert = bool(t.settings.get("ssl_cert"))
    if has_ca or has_cert:
        what = "a CA file (ssl-ca)" if has_ca else "a client certificate (ssl-cert)"
        fallback = (
            " and falls back to plain text when the server offers no TLS" if mode == "PREFERRED" else ""
        )
        return (
            WEAK.finding(
                detail=f"{what[0].upper()}{what[1:]} is set, but ssl-mode {mode} does not verify the server's certificate{fallback}: "
                "the settings look secure and are not.",
                fix="Set ssl-mode=VERIFY_IDENTITY (or VERIFY_CA when the certificate cannot name the host).",
            ),
        )
    if mode == "PREFERRED":
        return (
            WEAK.finding(
                detail="ssl-mode PREFERRED (the default): TLS without verifying the server when it offers TLS, "
                "plain text when it does not.",
                fix="Set ssl-mode=VERIFY_IDENTITY with ssl-ca=<the provider's CA file>.",
                severity="info",
            ),
        )
    return ()


def _raw_password(ctx: Context) -> Iterable[Finding]:
    """The warning half of DD804: raw characters that happen not to bend dbdoctor's reading (the error half is
    raised while resolving, see dbdoctor.mysql.sources.PasswordBendError)."""
    from dbdoctor.mysql.sources import password_bend

    if ctx.target.engine != "mysql" or ctx.raw is None:
        return ()
    bend = password_bend(ctx.raw.reveal())
    if bend is None or bend[0]:
        return ()
    _bent, chars, shown = bend
    return (
        BENT.finding(
            severity="warning",
            detail="The password holds " + ", ".join(repr(c) for c in chars) + " unencoded. The URL reads right "
            "as this form is parsed, but parsers differ on where a raw character ends the password: SQLAlchemy's "
            "make_url ends it at the first '@'; Python's urllib, node's URL and JDBC end the user info at the "
            "first '/', '?' or '#'.",
            fix=f"Percent-encode the password: {shown}",
        ),
    )


INVALID = Rule(
    code="DD801",
    cause="invalid_target",
    severity="error",
    title="The MySQL connection URL cannot be used",
    doc=DOCS["DD801"],
    check=_no_check,
)
UNKNOWN = Rule(
    code="DD802",
    cause="param_unknown",
    severity="warning",
    title="A parameter the MySQL driver does not know",
    doc=DOCS["DD802"],
    check=_unknown,
)
WEAK = Rule(
    code="DD803",
    cause="tls_unverified",
    severity="warning",
    title="TLS settings that do not verify the MySQL server",
    doc=DOCS["DD803"],
    check=_weak,
)
BENT = Rule(
    code="DD804",
    cause="password_not_encoded",
    severity="error",
    title="The password breaks the MySQL URL",
    doc=DOCS["DD804"],
    check=_raw_password,
)
RULES = (INVALID, UNKNOWN, WEAK, BENT)
