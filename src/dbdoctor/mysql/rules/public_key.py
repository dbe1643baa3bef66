"""MySQL Connector/J must fetch the server's RSA public key and may not (DD851)."""

from __future__ import annotations

from collections.abc import Iterable

from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule

DD851_DOC = """
What it checks
--------------
Whether Connector/J (JDBC) stopped with ``Public Key Retrieval is not allowed``: the account uses
``caching_sha2_password`` (or ``sha256_password``), the connection is not encrypted, the server's RSA public
key is needed to send the password, and ``allowPublicKeyRetrieval`` is false (its default).

Why it matters
--------------
It appears with MySQL 8 accounts as soon as the server's password cache is empty (after a restart, or for a
new account) over a plain connection (``sslMode=DISABLED``, ``useSSL=false``): the same app worked yesterday
and fails today. The password is never checked. DBeaver, IntelliJ and Spring Boot apps all show it.

How to fix
----------
Use TLS (``sslMode=REQUIRED`` or stronger), which needs no public key. Or give the client the server's key in
``serverRSAPublicKeyFile``. ``allowPublicKeyRetrieval=true`` works too but lets a machine in the middle hand
over its own key and read the password: only on a trusted network.

Example
-------
``jdbc:mysql://db:3306/app?useSSL=false`` with a MySQL 8 account: ``java.sql.SQLNonTransientConnectionException:
Public Key Retrieval is not allowed``.
"""


def _dd851(ctx: Context) -> Iterable[Finding]:
    from dbdoctor.mysql.diagnosis import MyDiagnosis

    d = ctx.observations
    if not isinstance(d, MyDiagnosis) or d.verdict != "fail" or d.cause != "public_key_retrieval":
        return ()
    a = d.driver
    said = f' The driver said: "{a.message}".' if a is not None and not a.ok and a.message else ""
    return (DD851.finding(
        detail="Connector/J needs the server's RSA public key to send the password over this unencrypted "
        f"connection, and allowPublicKeyRetrieval is off.{said}",
        fix="Use TLS (sslMode=REQUIRED or VERIFY_IDENTITY), or set serverRSAPublicKeyFile to the server's public "
        "key; allowPublicKeyRetrieval=true only on a trusted network."),)


DD851 = Rule(code="DD851", cause="public_key_retrieval", severity="error",
             title="Connector/J may not fetch the server's public key", doc=DD851_DOC, check=_dd851,
             stage="check-mysql")

RULES = (DD851,)
