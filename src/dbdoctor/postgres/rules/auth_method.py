"""The client cannot do the authentication method the server asks for (DD409; MySQL's is
dbdoctor.mysql.rules.auth_method, DD850)."""

from __future__ import annotations

from dbdoctor.postgres.diagnosis import Diagnosis
from dbdoctor.postgres.rules.evidence import cause_rule, driver_said, where

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

RULE = DD409
