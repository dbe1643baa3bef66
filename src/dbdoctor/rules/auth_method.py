"""The client cannot do the authentication method the server asks for: PostgreSQL (DD409) and MySQL/MariaDB
(DD850)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from dbdoctor.diagnosis import Diagnosis
from dbdoctor.report import Finding
from dbdoctor.rules._base import Context, Rule
from dbdoctor.rules._evidence import cause_rule, driver_said, where

if TYPE_CHECKING:
    from dbdoctor.pipeline_mysql import MyDiagnosis

DD409_DOC = """
What it checks
--------------
Whether the client gave up on the authentication method the server asked for: libpq before 10 meeting SCRAM
(``authentication method 10 not supported``, ``SCRAM authentication requires libpq version 10 or above``),
pgjdbc before 42.2 (``The authentication type 10 is not supported``), old lib/pq (``unknown authentication
response: 10``), or libpq 16's ``require_auth`` refusing the server's method (``authentication method
requirement "md5" failed: server requested SASL authentication``).

Why it matters
--------------
The password may well be right: the client stops before sending it. It appears after a server moves to
``password_encryption = scram-sha-256`` (the default from PostgreSQL 14, and what hosted services use) while
an app still bundles an old driver, or when a ``require_auth`` list does not match the server's pg_hba method.

How to fix
----------
Upgrade the client library: libpq 10+, psycopg2 2.8+ built on it, pgjdbc 42.2+, a current lib/pq or pgx,
node-postgres 7.8+. With ``require_auth``, list the method the server uses (or fix pg_hba.conf). Only as a
stop-gap on a server you run: set the role's password again with ``password_encryption = md5`` (weaker).

Example
-------
An app bundling pgjdbc 42.1 against PostgreSQL 15: ``The authentication type 10 is not supported. Check that
you have configured the pg_hba.conf file to include the client's IP address or subnet, and that it is using
an authentication scheme supported by the driver.``
"""


def _dd409(d: Diagnosis) -> tuple[str, str]:
    return (
        f"The server at {where(d)} asks for an authentication method the client does not do (or its "
        f"require_auth setting refuses), so the password is never tried.{driver_said(d)}",
        "Upgrade the client library (libpq 10+, pgjdbc 42.2+, node-postgres 7.8+, a current lib/pq or pgx) for "
        "SCRAM; with require_auth, list the method the server uses.",
    )


DD409 = cause_rule(code="DD409", cause="auth_method_unsupported",
                   title="The client cannot do the server's authentication method", doc=DD409_DOC,
                   build=_dd409)

DD850_DOC = """
What it checks
--------------
Whether a MySQL or MariaDB login failed because the client does not implement the account's authentication
plugin: ``Client does not support authentication protocol requested by server`` (1251,
``ER_NOT_SUPPORTED_AUTH_MODE`` in mysqljs), ``Authentication plugin 'caching_sha2_password' cannot be
loaded`` (2059), PHP's ``The server requested authentication method unknown to the client``, PyMySQL's
``'pynacl' package is required for ed25519_password auth method`` for MariaDB's ``ed25519`` accounts, and
``caching_sha2_password`` refusing a plain connection without the server's RSA key (``Authentication requires
secure connection``).

Why it matters
--------------
MySQL 8 made ``caching_sha2_password`` the default; old connectors (mysqljs/mysql, PHP before 7.4, libmysql
5.7, Connector/Python before 8.0) cannot do it. MariaDB accounts created ``IDENTIFIED VIA ed25519`` need the
client's ed25519 plugin. The password is never checked, so changing it does not help.

How to fix
----------
Upgrade or switch the client (mysql2 instead of mysql for Node; PyMySQL with ``pip install pymysql[ed25519]``
or PyNaCl; a current Connector), or use TLS so ``caching_sha2_password`` can send the password, or, on a
server you run, give the account a plugin the client supports:
``ALTER USER 'app'@'%' IDENTIFIED WITH mysql_native_password BY '...'`` (MySQL) or
``... IDENTIFIED VIA mysql_native_password USING PASSWORD('...')`` (MariaDB).

Example
-------
Node's ``mysql`` package against MySQL 8: ``ER_NOT_SUPPORTED_AUTH_MODE: Client does not support
authentication protocol requested by server; consider upgrading MySQL client``.
"""


def _dd850(ctx: Context) -> Iterable[Finding]:
    from dbdoctor.pipeline_mysql import MyDiagnosis

    d = ctx.observations
    if not isinstance(d, MyDiagnosis) or d.verdict != "fail" or d.cause != "auth_method_unsupported":
        return ()
    return (DD850.finding(detail=_my_detail(d), fix=(
        "Use a client that implements the account's authentication plugin (mysql2 rather than mysql for Node; "
        "PyMySQL with PyNaCl for ed25519; a current Connector), use TLS for caching_sha2_password, or give the "
        "account a plugin the client supports (ALTER USER ... IDENTIFIED WITH mysql_native_password).")),)


def _my_detail(d: MyDiagnosis) -> str:
    a = d.driver
    said = f' The driver said: "{a.message}".' if a is not None and not a.ok and a.message else ""
    user = d.target.settings.get("user") or "?"
    return (f"The account {user!r} uses an authentication plugin the client does not implement, so the password "
            f"is never checked.{said}")


DD850 = Rule(code="DD850", cause="auth_method_unsupported", severity="error",
             title="The MySQL client cannot do the account's authentication plugin", doc=DD850_DOC,
             check=_dd850, stage="check-mysql")

RULES = (DD409, DD850)
