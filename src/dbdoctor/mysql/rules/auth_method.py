"""The MySQL/MariaDB client cannot do the account's authentication plugin (DD850; PostgreSQL's is
dbdoctor.postgres.rules.auth_method, DD409)."""

from __future__ import annotations

from collections.abc import Iterable

from dbdoctor.mysql.diagnosis import MyDiagnosis
from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule

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

RULE = DD850
