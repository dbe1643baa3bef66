"""Rules about being let in: pg_hba.conf, passwords, roles, databases and connection slots."""

from __future__ import annotations

from dbdoctor.postgres.diagnosis import Diagnosis
from dbdoctor.postgres.rules.evidence import cause_rule, driver_said, server_said, where

DD401_DOC = """
What it checks
--------------
Whether the server has any access rule for this client address, user and database, whichever the
encryption: the start-up is refused both in plain text (``..., no encryption``) and over TLS
(``..., SSL encryption``), or a ``reject`` line matches.

Why it matters
--------------
This is not an SSL problem, although the message mentions encryption. On managed databases it usually means
the client's address is not on the allowlist (trusted sources, authorized networks), for example because the
app runs on a platform whose outgoing addresses change.

How to fix
----------
Add the app's outgoing address to the database's allowlist, or connect through the private network. On a
server you run, add a ``hostssl`` line for this address, user and database to ``pg_hba.conf`` and reload.

Example
-------
``no pg_hba.conf entry for host "203.0.113.7", user "app", database "app", SSL encryption`` from a new
deployment region.
"""


def _dd401(d: Diagnosis) -> tuple[str, str]:
    said = server_said(d, encrypted=True) or server_said(d, encrypted=False)
    return (
        f"The server at {where(d)} has no access rule that lets this client address in as this user to this "
        f"database, with or without encryption.{said}",
        "Add the app's outgoing address to the database's allowlist (trusted sources), or connect from the "
        "private network; on your own server, add a hostssl line to pg_hba.conf for this address, user and "
        "database, and reload.",
    )


DD401 = cause_rule(
    code="DD401",
    cause="hba_rejected",
    title="No access rule for this address, user and database (an allowlist problem)",
    doc=DD401_DOC,
    build=_dd401,
)

DD402_DOC = """
What it checks
--------------
Whether the server accepted the password (``password authentication failed for user``, SQLSTATE 28P01).

Why it matters
--------------
The password is wrong for this user, the user does not exist (with SCRAM the server does not tell the two
apart, on purpose), or the password reached the driver damaged: special characters not percent-encoded in a
URL, a trailing newline from a secret file, or a dotenv file with quotes that the loader keeps.

How to fix
----------
Check the user name and password; percent-encode ``@ : / # % ? &`` in URLs (``dbdoctor parse`` shows how the
URL was read); reset the password if needed and update every place that holds it.

Example
-------
``postgresql://app:p@ss@db/app`` is read as password ``p`` and host ``ss@db``; write ``p%40ss``.
"""


def _dd402(d: Diagnosis) -> tuple[str, str]:
    user = d.target.settings.get("user", "?")
    return (
        f'The server at {where(d)} rejected the password for user "{user}" (or that user does not exist: '
        f"with SCRAM the server does not say which).{driver_said(d)}",
        "Check the user name and password; percent-encode special characters in URLs; reset the password if "
        "needed and update every place that holds it (dbdoctor parse shows how the URL was read).",
    )


DD402 = cause_rule(
    code="DD402",
    cause="password_failed",
    title="The server rejected the password",
    doc=DD402_DOC,
    build=_dd402,
)

DD403_DOC = """
What it checks
--------------
Whether a password is configured when the server asks for one (``fe_sendauth: no password supplied``).

Why it matters
--------------
The password is not in the URL, ``PGPASSWORD``, the service file or ``.pgpass`` that the app's process can
see: often a secret that is set for one environment (or one build stage) and not another, or a ``.pgpass``
file that libpq ignores because its permissions are too open.

How to fix
----------
Provide the password where the app reads it: in the URL (percent-encoded), ``PGPASSWORD``, or a ``.pgpass``
file with mode 0600.

Example
-------
``DATABASE_URL=postgresql://app@db/app`` with the password kept in a variable the app never reads.
"""


def _dd403(d: Diagnosis) -> tuple[str, str]:
    return (
        f"The server at {where(d)} asks for a password and none is configured.{driver_said(d)}",
        "Give the password where the app reads it: the URL (percent-encoded), PGPASSWORD, or ~/.pgpass "
        "(mode 0600).",
    )


DD403 = cause_rule(
    code="DD403",
    cause="password_missing",
    title="The server asks for a password and none is configured",
    doc=DD403_DOC,
    build=_dd403,
)

DD404_DOC = """
What it checks
--------------
Whether the user (role) exists: ``role "X" does not exist`` (SQLSTATE 28000).

Why it matters
--------------
Usually the user name is wrong for this server: a local default (the OS user name when ``user`` is not set),
a provider that needs ``user@servername``, or a pooler with its own user list.

How to fix
----------
Set ``user`` explicitly to a role that exists on this server (``\\du`` in psql lists them).

Example
-------
No user in the URL, so libpq uses the OS user ``root``: ``role "root" does not exist``.
"""


def _dd404(d: Diagnosis) -> tuple[str, str]:
    user = d.target.settings.get("user", "?")
    return (
        f'The user "{user}" does not exist on the server at {where(d)}.{driver_said(d)}',
        "Set user to a role that exists on this server.",
    )


DD404 = cause_rule(
    code="DD404",
    cause="role_missing",
    title="The user does not exist",
    doc=DD404_DOC,
    build=_dd404,
)

DD405_DOC = """
What it checks
--------------
Whether the database exists: ``database "X" does not exist`` (SQLSTATE 3D000), which the server says only
after authentication succeeded.

Why it matters
--------------
Credentials and TLS are fine; the name is wrong. When ``dbname`` is not set, libpq uses the user name as the
database name.

How to fix
----------
Set ``dbname`` (the URL path) to an existing database, or create it.

Example
-------
``postgresql://app@db/`` connects to database ``app``, which does not exist: use ``/postgres`` or create it.
"""


def _dd405(d: Diagnosis) -> tuple[str, str]:
    db = d.target.settings.get("dbname", "?")
    return (
        f'The database "{db}" does not exist on the server at {where(d)} (the credentials and encryption '
        f"work).{driver_said(d)}",
        "Set dbname (the URL path) to an existing database, or create it.",
    )


DD405 = cause_rule(
    code="DD405",
    cause="database_missing",
    title="The database does not exist",
    doc=DD405_DOC,
    build=_dd405,
)

DD406_DOC = """
What it checks
--------------
Whether the server or pooler has a free connection slot (``sorry, too many clients already``, SQLSTATE 53300;
PgBouncer: ``no more connections allowed``).

Why it matters
--------------
Nothing is wrong with the settings. Connection leaks, too many app instances each with its own pool, or a
small plan's connection limit.

How to fix
----------
Use a pooler (PgBouncer in transaction mode), lower each app instance's pool size, close leaked connections,
or raise ``max_connections``.

Example
-------
Ten web workers with a pool of 20 each against ``max_connections = 100``.
"""


def _dd406(d: Diagnosis) -> tuple[str, str]:
    return (
        f"The server at {where(d)} has no free connection slot.{driver_said(d)}",
        "Reduce pool sizes or instances, close leaked connections, use a pooler, or raise max_connections.",
    )


DD406 = cause_rule(
    code="DD406",
    cause="too_many_connections",
    title="No free connection slots",
    doc=DD406_DOC,
    build=_dd406,
)

DD407_DOC = """
What it checks
--------------
Whether the client certificate that the client presents is accepted: ``certificate authentication failed for
user``, or a certificate the server's CA did not sign.

Why it matters
--------------
With the ``cert`` method, the certificate's CN must equal the user name (or map through ``pg_ident.conf``),
and it must be signed by the CA in the server's ``ssl_ca_file``.

How to fix
----------
Use the client certificate issued for this user by the server's client CA, or add a ``map=`` entry in
pg_hba.conf and pg_ident.conf.

Example
-------
A certificate with ``CN=admin`` used for user ``app``.
"""


def _dd407(d: Diagnosis) -> tuple[str, str]:
    return (
        f"The server at {where(d)} did not accept the client certificate.{driver_said(d)}",
        "Use the certificate issued for this user by the server's client CA (CN = user name), or map it in "
        "pg_ident.conf.",
    )


DD407 = cause_rule(
    code="DD407",
    cause="client_cert_problem",
    title="The server did not accept the client certificate",
    doc=DD407_DOC,
    build=_dd407,
)

RULES = (DD401, DD402, DD403, DD404, DD405, DD406, DD407)
