"""Peer (or ident) authentication refused the operating-system user (DD408)."""

from __future__ import annotations

from dbdoctor.postgres.diagnosis import Diagnosis
from dbdoctor.postgres.rules.evidence import cause_rule, driver_said, server_said, where

DD408_DOC = """
What it checks
--------------
Whether the server refused the start-up with ``Peer authentication failed for user "X"`` (or ``Ident
authentication failed``): its pg_hba.conf line for this connection uses ``peer`` (Unix sockets) or ``ident``,
and the operating-system user running the client is not the database user X (nor mapped to it in
pg_ident.conf).

Why it matters
--------------
No password is asked and none would help: the server compares the client process's OS user with the role
name. It is the usual failure of ``psql -U app`` run as another login, of an app connecting through the Unix
socket (no host, or ``host=/var/run/postgresql``) on a freshly installed Debian or Ubuntu server, and of
cron jobs running as root.

How to fix
----------
Connect over TCP (``host=localhost`` or ``127.0.0.1``), where pg_hba.conf usually asks for a password, or run
the client as the OS user of the same name (``sudo -u postgres psql``), or map the OS user to the role in
pg_ident.conf (``peer map=app``), or change the ``local`` line's method to ``scram-sha-256`` and reload.

Example
-------
``psql "host=/var/run/postgresql user=app dbname=app"`` run as root gives
``FATAL:  Peer authentication failed for user "app"``; ``host=localhost`` asks for app's password instead.
"""


def _dd408(d: Diagnosis) -> tuple[str, str]:
    user = d.target.settings.get("user", "?")
    said = server_said(d, encrypted=False) or driver_said(d)
    return (
        f'The server at {where(d)} uses peer (or ident) authentication for this connection, and the '
        f'operating-system user running the client is not the database user "{user}".{said}',
        "Connect over TCP (host=localhost) where a password is asked, run the client as the OS user of the "
        "same name, map the OS user in pg_ident.conf, or change the local line's method in pg_hba.conf to "
        "scram-sha-256 and reload.",
    )


DD408 = cause_rule(code="DD408", cause="peer_auth_failed",
                   title="Peer authentication: the OS user is not the database user", doc=DD408_DOC,
                   build=_dd408)

RULES = (DD408,)
