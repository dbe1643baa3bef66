"""Findings about how the app's own driver reads the connection string (DD501-DD504), and reaches the
server's addresses (DD505).

These rules run where a driver other than libpq is assumed (``--driver``, the URL scheme, or ``--project``):
``dbdoctor.drivers.translate`` builds them from the driver's knowledge; the static stage runs them again so
``parse`` and ``check`` both show them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final

from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule

if TYPE_CHECKING:
    from dbdoctor.drivers import DriverView
    from dbdoctor.drivers.addresses import FirstAddress
    from dbdoctor.drivers.model import Driver
    from dbdoctor.drivers.mysql_base import MySQLDriverView

_IGNORED_DOC = '''A setting the app's driver ignores or reads differently from libpq (``param_ignored_by_driver``).

What it checks
--------------
For the driver the app uses (``--driver``, the URL scheme, or ``--project``), which TLS settings in the
connection string it ignores, and whether the mode it really applies differs from what libpq (psql) does
with the same string: node-postgres reads ``sslmode=require`` as full verification against Node's CA store,
Prisma 6 reads ``sslmode=verify-full`` as ``prefer``, pgjdbc never verifies with ``require``.

Why it matters
--------------
psql connecting is not the app connecting. A string that works in psql can fail in the app with
``self-signed certificate``; a string that verifies in psql can silently stop verifying in the app.

How to fix
----------
Write the setting in the driver's own syntax: node-postgres ``uselibpqcompat=true&sslmode=require`` or
``sslrootcert=/path/ca.pem``; Prisma ``sslmode=require&sslaccept=strict&sslcert=/path/ca.pem``; pgjdbc
``sslmode=verify-full&sslrootcert=/path/ca.pem``; asyncpg through SQLAlchemy ``?ssl=require``.

Example
-------
``dbdoctor parse --driver node-postgres "postgresql://app@db/app?sslmode=require"`` says the effective mode
is ``verify-full`` (libpq's ``sslmode=verify-full sslrootcert=system``).
'''

_UNKNOWN_DOC = '''A parameter the app's driver does not know and refuses or sends to the server (``param_unknown``).

What it checks
--------------
Parameters the driver refuses when it reads the string (SQLAlchemy's ``postgresql+asyncpg://...?sslmode=``
gives ``TypeError: connect() got an unexpected keyword argument 'sslmode'``), and parameters it forwards to
the server as settings that the server refuses after authentication (asyncpg, pgx and lib/pq with
``ssl=true`` get ``parameter "ssl" cannot be changed now``; ``sslMode`` gets ``unrecognized configuration
parameter "sslMode"``).

Why it matters
--------------
The connection fails every time, in the app only: psql and libpq read the same string differently.

How to fix
----------
Use the driver's own name for the setting (asyncpg through SQLAlchemy: ``?ssl=require``) or remove it.

Example
-------
``postgresql+asyncpg://app@db/app?sslmode=require`` → ``postgresql+asyncpg://app@db/app?ssl=require``.
'''

_INVALID_DOC = '''A value the app's driver refuses (``param_invalid``).

What it checks
--------------
Values the driver refuses before connecting: lib/pq before v1.12 refuses ``sslmode=prefer``; node-postgres
with ``uselibpqcompat=true`` refuses ``sslmode=verify-ca`` without ``sslrootcert``; tokio-postgres refuses
``verify-full``; pgjdbc refuses an sslmode it does not know.

Why it matters
--------------
The app cannot start a connection at all, whatever the server does.

How to fix
----------
Use a value the driver accepts; the finding shows the corrected string in the driver's syntax.

Example
-------
lib/pq 1.10 with ``sslmode=prefer`` → ``pq: unsupported sslmode "prefer"; only "require" (default),
"verify-full", "verify-ca", and "disable" supported``: write ``sslmode=require`` (or verify-full).
'''

_APP_DIFFERS_DOC = '''The app's driver and psql get different results with the same string (``param_ignored_by_driver``).

What it checks
--------------
``dbdoctor check`` with a driver other than libpq runs the connection the way that driver would (libpq with
the driver's effective settings is the oracle) and compares it with what libpq gets with the settings as
written. When they differ, this is the headline: "works with psql, will fail in your app" or the reverse.

Why it matters
--------------
"It works on my machine with psql" is the most common answer to a production-only failure; this finding
shows why the app differs.

How to fix
----------
Follow the driver-specific finding (DD501-DD503) and the corrected string it gives.

Example
-------
node-postgres with ``sslmode=require`` against a server whose certificate is signed by a private CA: psql
connects (require does not verify), the app fails with ``self-signed certificate in certificate chain``.
'''


_FIRST_ADDRESS_DOC = '''The app's driver may stop at the first address of the host name, which refuses (``connection_refused``).

What it checks
--------------
With node-postgres as the app's driver (``--driver node-postgres``, ``--project``, or Prisma 7), or node mysql2
for a MySQL target (``--driver mysql2``), whether the host name resolves to several addresses and the first one
did not take the connection while a later one did.
libpq (psql, psycopg) and the probe try each address in turn; Node before 20 connects only to the first one.
The usual case: ``localhost`` on a standard Debian or Ubuntu machine resolves to ``::1`` first, then
``127.0.0.1``, and the server listens on 127.0.0.1 only. The cause is ``connection_refused`` (``connect_timeout``
or ``network_unreachable`` when the first address did not answer or had no route).

Why it matters
--------------
psql connects, and the app fails with ``connect ECONNREFUSED ::1:5432`` on Node 18 (Node 20 and later try
every address, so the same app works there). dbdoctor cannot tell which Node runs the app, so this is a
warning.

How to fix
----------
Use the address that answers (``host=127.0.0.1``), make the server listen on the first address too
(PostgreSQL ``listen_addresses = 'localhost'`` or ``'*'``; MariaDB ``bind_address``), or run the app on Node 20
or later (on Node 18,
``node --enable-network-family-autoselection``).

Example
-------
``dbdoctor check --driver node-postgres "postgresql://app@localhost/app"`` where localhost is ``::1, 127.0.0.1``
and only 127.0.0.1 listens: ``::1 refused the connection; node-postgres on Node before 20 connects only to
the first address and fails with: connect ECONNREFUSED ::1:5432``.
'''


def _none(ctx: Context) -> Iterable[Finding]:
    return ()


IGNORED = Rule("DD501", "param_ignored_by_driver", "warning", "The app's driver reads this setting differently",
               _IGNORED_DOC, _none, "static")
UNKNOWN = Rule("DD502", "param_unknown", "error", "A parameter the app's driver does not accept",
               _UNKNOWN_DOC, _none, "static")
INVALID = Rule("DD503", "param_invalid", "error", "A value the app's driver refuses", _INVALID_DOC, _none,
               "static")
APP_DIFFERS = Rule("DD504", "param_ignored_by_driver", "error", "Works with psql, will fail in your app",
                   _APP_DIFFERS_DOC, _none, "check")

FIRST_ADDRESS = Rule("DD505", "connection_refused", "warning",
                     "The app's driver may stop at the first address, which refuses", _FIRST_ADDRESS_DOC, _none,
                     "check")

RULES = (IGNORED, UNKNOWN, INVALID, APP_DIFFERS, FIRST_ADDRESS)


def _corrected_pair(d: Driver, mode: str, root: str | None) -> str:
    syntax = d.syntax
    out = [syntax.get("sslmode", "sslmode={mode}").replace("{mode}", mode)]
    if root and "sslrootcert" in syntax:
        out.append(syntax["sslrootcert"].replace("{root}", root))
    return "&".join(out).replace("{{", "{").replace("}}", "}")


def findings(view: DriverView) -> Iterator[Finding]:
    """The DD501-DD503 findings of a PostgreSQL driver's reading (:func:`dbdoctor.drivers.translate`)."""
    from dbdoctor.drivers import NO_ROOT, SSLISH, STRENGTH

    d = view.model
    assert d is not None, "a DriverView made by dbdoctor.drivers.translate carries its driver's record"
    name = d.title
    if view.error is not None:
        rule = INVALID if view.error_cause in ("param_invalid", None) else UNKNOWN
        if view.error_cause not in ("param_invalid", "param_unknown"):
            rule = INVALID
        bad = [v.key for v in view.verdicts if v.verdict == "rejected"]
        fix = "remove " + ", ".join(bad) if bad else "use a value the driver accepts"
        if "sslmode" in bad and "ssl" in d.params:
            fix = f"write {_corrected_pair(d, view.written_sslmode or 'require', None)} instead of sslmode"
        yield rule.finding(
            detail=f"{name} refuses the settings before connecting: {view.error}",
            fix=fix,
        )
    if view.server_refuses is not None:
        key, answer = view.server_refuses
        yield UNKNOWN.finding(
            title="A parameter the app's driver sends to the server, which refuses it",
            detail=f"{name} does not read {key!r}: it sends it to the server as a setting, and the server ends "
                   f"the connection after authentication with: {answer}",
            fix=f"remove {key}" + (f"; for TLS write {_corrected_pair(d, 'require', None)}"
                                   if SSLISH.search(key) else ""),
        )
    for v in view.verdicts:
        if v.verdict == "ignored" and SSLISH.search(v.key):
            yield IGNORED.finding(
                detail=f"{name} ignores {v.key!r} silently" + (f" ({v.note})" if v.note else "")
                + f"; it uses {view.sslmode or 'nothing'} in libpq's terms.",
                fix=f"write {_corrected_pair(d, 'verify-full', '/path/to/ca.pem')}",
            )
    if view.error is None and view.sslmode is not None and view.libpq_sslmode is not None and d.name != "libpq":
        root = view.target.settings.get("sslrootcert")
        verifies = view.sslmode in ("verify-ca", "verify-full") or (root not in (None, NO_ROOT)
                                                                    and view.sslmode == "require")
        libpq_mode = view.libpq_sslmode
        if view.sslmode != libpq_mode:
            weaker = STRENGTH[view.sslmode] < STRENGTH.get(libpq_mode, 0)
            where = "the system CA store" if root == "system" else (
                f"the CA file {root}" if root not in (None, NO_ROOT) else "no CA at all")
            detail = (f"{name} reads these settings as libpq's sslmode={view.sslmode} ({view.meaning}), where "
                      f"psql and libpq use sslmode={libpq_mode}. It verifies against {where}.")
            if weaker:
                fix = f"to keep verification, write {_corrected_pair(d, 'verify-full', '/path/to/ca.pem')}"
            elif verifies:
                fix = (f"give the CA the server's certificate chains to "
                       f"({_corrected_pair(d, view.sslmode, '/path/to/ca.pem')})"
                       + (", or uselibpqcompat=true&sslmode=" + libpq_mode + " for libpq's meaning"
                          if d.name == "node-postgres" else ""))
            else:
                fix = f"write {_corrected_pair(d, libpq_mode, None)}"
            yield IGNORED.finding(detail=detail, fix=fix,
                                  title="The app's driver reads sslmode differently from libpq")


#: parts of a MySQL driver's key that make it a TLS setting
_MYSQL_SSLISH: Final = ("ssl", "tls", "cert", "ca", "verify")


def _mysql_corrected(d: Driver, mode: str) -> str:
    return d.syntax.get(mode, d.syntax.get("any", "")).replace("{{", "{").replace("}}", "}")


_MYSQL_MODE_ORDER: Final = ("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")


def mysql_findings(view: MySQLDriverView) -> list[Finding]:
    """The DD501-DD503 findings of a MySQL driver's reading (:func:`dbdoctor.drivers.mysql_base.translate_mysql`)."""
    d = view.model
    assert d is not None, "a MySQLDriverView made by translate_mysql carries its driver's record"
    given_ca = view.ca_given
    out: list[Finding] = []
    name = d.title
    if view.error is not None:
        rule = UNKNOWN if view.error_cause == "param_unknown" else INVALID
        bad = [v.key for v in view.verdicts if v.verdict == "rejected"]
        fix = ("remove " + ", ".join(bad) + "; " if bad else "") + (
            f"for TLS write {_mysql_corrected(d, 'VERIFY_IDENTITY')}" if _mysql_corrected(d, "VERIFY_IDENTITY") else
            "use a value the driver accepts")
        out.append(rule.finding(detail=f"{name} refuses the settings before connecting: {view.error}", fix=fix))
        return out
    for v in view.verdicts:
        if v.verdict == "forwarded" and any(s in v.key.lower() for s in _MYSQL_SSLISH):
            out.append(UNKNOWN.finding(
                title="A parameter the app's driver sends to the server",
                detail=f"{name} does not read {v.key!r}: {v.note}; it applies ssl-mode {view.mode}.",
                fix=f"remove {v.key}; for TLS write {_mysql_corrected(d, 'VERIFY_IDENTITY')}",
            ))
        if v.verdict == "ignored" and any(s in v.key.lower() for s in _MYSQL_SSLISH):
            out.append(IGNORED.finding(
                detail=f"{name} ignores {v.key!r}" + (f" ({v.note})" if v.note else "")
                + f"; it applies ssl-mode {view.mode}.",
                fix=f"write {_mysql_corrected(d, 'VERIFY_IDENTITY')}" if _mysql_corrected(d, "VERIFY_IDENTITY") else
                f"remove {v.key}",
            ))
    if given_ca and view.ca_source != "given":
        out.append(IGNORED.finding(
            title="The app's driver does not verify against the CA given",
            detail=f"{name} reads the CA file {given_ca} but applies ssl-mode {view.tls_mode} "
                   f"({view.meaning}): the server's certificate is not checked against it.",
            fix=f"write {_mysql_corrected(d, 'VERIFY_IDENTITY')}" if _mysql_corrected(d, "VERIFY_IDENTITY") else
            "turn certificate verification on",
        ))
    written = view.written_mode
    applied = "DISABLED" if view.mode == "DISABLED" else "PREFERRED" if view.falls_back else view.tls_mode
    if (
        written is not None
        and written.upper() in _MYSQL_MODE_ORDER
        and written.upper() != applied
        and not (view.falls_back and view.tls_mode != "PREFERRED")  # said just below, in other words
    ):
        out.append(IGNORED.finding(
            title="The app's driver gives the ssl-mode written another meaning",
            detail=f"{name} reads ssl-mode {written} but does what {applied} does: {view.meaning}.",
            fix=f"write {_mysql_corrected(d, 'VERIFY_IDENTITY')}" if _mysql_corrected(d, "VERIFY_IDENTITY") else
            "use the driver's own way to make TLS mandatory and verified",
        ))
    if view.falls_back and view.tls_mode != "PREFERRED":
        out.append(IGNORED.finding(
            title="The app's driver goes on in plain text when the server offers no TLS",
            detail=f"{name} verifies as {view.tls_mode} when the server offers TLS, but connects in plain text "
                   f"when it does not ({view.meaning}).",
            fix=f"write {_mysql_corrected(d, 'VERIFY_IDENTITY')}" if _mysql_corrected(d, "VERIFY_IDENTITY") else
            "make TLS mandatory",
        ))
    return out


#: what node-postgres says when the one address it tries does not connect, by the probe's TCP outcome
_NODE_ERRORS = {
    "refused": "connect ECONNREFUSED {address}:{port}",
    "timeout": "Connection terminated due to connection timeout (with connectionTimeoutMillis; else connect "
               "ETIMEDOUT {address}:{port})",
    "unreachable": "connect ENETUNREACH {address}:{port}",
}
_WHAT = {"refused": "refused the connection", "timeout": "did not answer", "unreachable": "could not be reached"}


def first_address_finding(
    title: str, found: FirstAddress, *, went_on: str = "libpq", reference: str = "psql",
    listen: str = "listen_addresses",
) -> Finding:
    """DD505 for a driver on Node (node-postgres, Prisma 7, mysql2) where the host name's first address does not
    connect (dbdoctor.drivers.addresses.first_address_fails). ``went_on``: the client that went on to the next
    address in the check; ``reference``: the command-line client that gets through; ``listen``: the server
    setting that adds an address."""
    import dataclasses

    error = _NODE_ERRORS.get(found.outcome, _NODE_ERRORS["refused"]).format(address=found.first, port=found.port)
    finding = FIRST_ADDRESS.finding(
        detail=f"{found.host} resolves to {', '.join(found.addresses)}; {found.first} "
               f"{_WHAT.get(found.outcome, 'did not take the connection')} (port {found.port}) and {went_on} went "
               f"on to {found.connected}. {title} on Node before 20 connects only to the first address and fails "
               f"with: {error}. Node 20 and later try every address (autoSelectFamily) and get what {reference} "
               "gets.",
        fix=f"use {found.connected} as the host (or have the server listen on {found.first} too: "
            f"{listen}), or run the app on Node 20 or later",
    )
    return finding if found.cause == finding.cause else dataclasses.replace(finding, cause=found.cause)
