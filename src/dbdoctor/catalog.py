"""The known error messages: what PostgreSQL, MySQL/MariaDB, their poolers and their drivers say when a
connection fails, each matched to a cause id (dbdoctor.causes) with a plain explanation and the fix.

Data, not code paths. Each :class:`Entry` has a compiled pattern anchored on the message's distinctive words and
tolerant of the variable parts (host names, addresses, ports, user and database names, quotes). Named groups
(``host``, ``address``, ``port``, ``user``, ``database``, ``sslmode``, ``name``, ``path``, ``param``, ``value``)
are extracted so the explanation can name them. ``{user}``-style fields in ``meaning`` and ``fix`` are filled
from what was extracted, or with a neutral phrase (``FIELD_DEFAULTS``).

Where the texts come from (``origin``): the knowledge files in ../shared/knowledge/ (DRIVERS.md,
SERVER-ERRORS.md), or, where marked, the product's own documentation. ``confirmed`` is True only for texts
reproduced for this catalog against a real server and driver: PostgreSQL 15.18 with libpq 18 through psycopg
3.3 (tests/test_explain.py re-captures them at run time with ``@pytest.mark.server``), psql/libpq 15, and node
22's own ``net`` errors. Everything else keeps the knowledge file's own status in ``note``.

``priority`` decides between overlapping matches: the more specific entry has the higher number. Entries with
the same pattern and priority are alternatives that only a live check can tell apart (MariaDB's ``Access
denied``), and ``explain`` shows them all.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final, Literal

Engine = Literal["postgresql", "mysql", "any"]

#: the words used when a field was not found in the pasted text
FIELD_DEFAULTS: Final = {
    "host": "the server's host name",
    "address": "your client's address",
    "port": "that port",
    "user": "the user",
    "database": "the database",
    "sslmode": "the sslmode",
    "name": "the certificate's name",
    "path": "the file",
    "param": "the parameter",
    "value": "the value",
    "endpoint": "that address and port",
}

_Q = r"[\"'“”]"  # any quote a terminal or chat tool may have turned the original into
_S = r"[\"'“”]?"  # an optional quote


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """One known message."""

    id: str
    #: who prints it: "libpq", "server", "pgbouncer", "asyncpg", "node-postgres", "pgjdbc", "pg8000", ...
    source: str
    engine: Engine
    pattern: re.Pattern[str]
    cause: str
    meaning: str
    fix: str
    #: real texts that must match (tests/test_catalog.py)
    examples: tuple[str, ...]
    #: texts that look alike and must not match
    near_misses: tuple[str, ...] = ()
    #: reproduced for this catalog against a real server and driver (see the module docstring)
    confirmed: bool = False
    #: where the text comes from and how sure it is
    note: str = ""
    sqlstate: str | None = None
    priority: int = 50


def _p(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE)


_HBA_TAIL = (
    rf"host {_Q}(?P<address>[^\"'“”]*){_Q}, user {_Q}(?P<user>[^\"'“”]*){_Q}, "
    rf"database {_Q}(?P<database>[^\"'“”]*){_Q}"
)
_CONFIRMED_PG = "Captured from PostgreSQL 15.18 through libpq 18 (psycopg 3.3)."
_CONFIRMED_LIBPQ = "Captured from libpq 18 (psycopg 3.3) against PostgreSQL 15.18."
_CONFIRMED_NODE = "Captured from node-postgres 8 (node 20) against PostgreSQL 15.18."
_CONFIRMED_PY = "Captured from asyncpg 0.32 / pg8000 1.31.6 against PostgreSQL 15.18."
_CONFIRMED_MARIADB = "Captured from MariaDB 10.11.19 (server, mariadb client, PyMySQL 1.2.4)."
_CONFIRMED_PYSSL = (
    "Captured from Python 3.11's ssl module (what asyncpg, pg8000 and PyMySQL raise) against the sandbox "
    "server; tests/test_explain.py re-captures it."
)
_KNOWLEDGE_V = "From the knowledge files, marked reproduced there [V]; not re-run for this catalog."
_KNOWLEDGE = "From the knowledge files, not marked as reproduced there: unconfirmed."
_DOCS = "Not in the knowledge files: from the product's documentation; unconfirmed."

#: MySQL/MariaDB 1045 (and what MariaDB words the same); not 1044's "... to database 'x'", a different error
_ACCESS_DENIED = (
    r"Access denied for user '(?P<user>[^']*)'@'(?P<address>[^']*)'(?! to database)"
    r"(?: \(using password: (?P<using_password>YES|NO)\))?"
)

_PREFER_NOTE = (
    " If the same paste also shows an SSL or certificate error from an earlier attempt (sslmode=prefer tries "
    "SSL first, then plain), that earlier error is the real cause."
)

ENTRIES: Final[tuple[Entry, ...]] = (
    # ---------------------------------------------------------------- PostgreSQL server: pg_hba.conf
    Entry(
        id="pg.hba.no_entry.any_encryption",
        source="server",
        engine="postgresql",
        pattern=_p(
            rf"no pg_hba\.conf entry for host {_Q}(?P<address>[^\"'“”]*){_Q}, user {_Q}(?P<user>[^\"'“”]*){_Q}, "
            rf"database {_Q}(?P<database>[^\"'“”]*){_Q}, (?:SSL encryption|no encryption)"
            r"[\s\S]{0,400}?no pg_hba\.conf entry for host .{0,300}?"
            r"(?:SSL encryption|no encryption)"
        ),
        cause="hba_rejected",
        meaning=(
            "The server refused both attempts, with SSL and without: pg_hba.conf has no rule at all for "
            "{user} connecting to {database} from {address}. Encryption is not the problem; the server does not "
            "let this client address in. On a hosted database this is almost always the IP allowlist (trusted "
            "sources, firewall rules, authorized networks)."
        ),
        fix=(
            "Add the address the server sees ({address}) to the database's allowlist, or add a pg_hba.conf line "
            "for it (hostssl {database} {user} <address>/32 scram-sha-256), then reload the server. Changing "
            "sslmode will not help."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: FATAL:  no pg_hba.conf '
            'entry for host "127.0.0.1", user "zzz", database "postgres", SSL encryption\nconnection to server '
            'at "127.0.0.1", port 55491 failed: FATAL:  no pg_hba.conf entry for host "127.0.0.1", user "zzz", '
            'database "postgres", no encryption',
        ),
        near_misses=(
            'FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "app", database "app", no encryption',
        ),
        confirmed=True,
        note=_CONFIRMED_LIBPQ + " libpq 18 reports every attempt; older libpq shows only the last one.",
        sqlstate="28000",
        priority=90,
    ),
    Entry(
        id="pg.hba.no_entry.no_encryption",
        source="server",
        engine="postgresql",
        pattern=_p(rf"no pg_hba\.conf entry for {_HBA_TAIL}, no encryption"),
        cause="server_requires_ssl",
        meaning=(
            "The connection was attempted without encryption and pg_hba.conf has no rule that lets {user} into "
            "{database} from {address} without it. The words \"no encryption\" are the clue: the server has "
            "rules for SSL connections (hostssl), but none for plain ones. The client must encrypt; nothing needs "
            "to change on the server." + _PREFER_NOTE
        ),
        fix=(
            "Encrypt on the client: add sslmode=verify-full (with sslrootcert=<your provider's CA file>) or at "
            "least sslmode=require to the connection string, or set PGSSLMODE. Do not add a plain 'host' rule on "
            "the server to make it go away."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: FATAL:  no pg_hba.conf '
            'entry for host "127.0.0.1", user "sslonly", database "postgres", no encryption',
            'psql: error: connection to server at "db.example.com" (10.0.0.5), port 5432 failed: FATAL:  no '
            'pg_hba.conf entry for host "10.0.0.7", user "app", database "app", no encryption',
        ),
        near_misses=(
            'FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "app", database "app", SSL encryption',
            'FATAL:  pg_hba.conf rejects connection for host "10.0.0.7", user "app", database "app", no encryption',
        ),
        confirmed=True,
        note=_CONFIRMED_PG + " Servers 14 and later say 'no encryption'; see pg.hba.no_entry.ssl_off for 11 and older.",
        sqlstate="28000",
        priority=70,
    ),
    Entry(
        id="pg.hba.no_entry.ssl_off",
        source="server",
        engine="postgresql",
        pattern=_p(rf"no pg_hba\.conf entry for {_HBA_TAIL}, SSL off"),
        cause="server_requires_ssl",
        meaning=(
            "An older server's way (11 and earlier) of saying \"no encryption\": the connection was plain and "
            "pg_hba.conf only has rules for SSL connections from {address}. The client must encrypt."
            + _PREFER_NOTE
        ),
        fix="Encrypt on the client: sslmode=verify-full with your provider's CA file (or at least sslmode=require).",
        examples=('FATAL:  no pg_hba.conf entry for host "10.1.2.3", user "app", database "app", SSL off',),
        near_misses=('FATAL:  no pg_hba.conf entry for host "10.1.2.3", user "app", database "app", SSL on',),
        note="From SERVER-ERRORS.md (servers up to 11); not reproduced here: unconfirmed.",
        sqlstate="28000",
        priority=70,
    ),
    Entry(
        id="pg.hba.no_entry.ssl_encryption",
        source="server",
        engine="postgresql",
        pattern=_p(rf"no pg_hba\.conf entry for {_HBA_TAIL}, (?:SSL encryption|SSL on)"),
        cause="hba_rejected",
        meaning=(
            "The connection was encrypted, and still pg_hba.conf has no rule for {user} connecting to {database} "
            "from {address}. This is not an SSL problem: the server does not accept connections from this address "
            "at all. On a hosted database it usually means your address (the app's egress IP) is not on the "
            "database's allowlist. Rarely, the server has only plain (hostnossl) rules for you, and sslmode=disable "
            "would connect (cause server_rejects_ssl); `dbdoctor check` tells the two apart without sending a "
            "password in plain text."
        ),
        fix=(
            "Add the address the server sees ({address}) to the database's allowlist or trusted sources (or a "
            "hostssl line in pg_hba.conf for it), and check that user and database are the intended ones. Keep "
            "SSL as it is."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: FATAL:  no pg_hba.conf '
            'entry for host "127.0.0.1", user "plainonly", database "postgres", SSL encryption',
            'FATAL:  no pg_hba.conf entry for host "10.1.2.3", user "app", database "app", SSL on',
        ),
        near_misses=('FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "app", database "app", no encryption',),
        confirmed=True,
        note=_CONFIRMED_PG + " 'SSL on' (servers up to 11) is from SERVER-ERRORS.md, unconfirmed.",
        sqlstate="28000",
        priority=70,
    ),
    Entry(
        id="pg.hba.no_entry.gss",
        source="server",
        engine="postgresql",
        pattern=_p(rf"no pg_hba\.conf entry for {_HBA_TAIL}, GSS encryption"),
        cause="hba_rejected",
        meaning=(
            "The connection used GSSAPI encryption (Kerberos) and pg_hba.conf has no rule for it from {address}. "
            "libpq tries GSS encryption first when Kerberos credentials exist."
        ),
        fix="Set gssencmode=disable to use SSL instead, or add a hostgssenc rule on the server.",
        examples=('FATAL:  no pg_hba.conf entry for host "10.1.2.3", user "app", database "app", GSS encryption',),
        note="From SERVER-ERRORS.md; not reproduced here (no Kerberos): unconfirmed.",
        sqlstate="28000",
        priority=70,
    ),
    Entry(
        id="pg.hba.no_entry",
        source="server",
        engine="postgresql",
        pattern=_p(r"no pg_hba\.conf entry for host"),
        cause="hba_rejected",
        meaning=(
            "pg_hba.conf has no rule for this client address, user and database. The end of the full message "
            "says which encryption was tried: \"no encryption\" means encrypt on the client; \"SSL encryption\" "
            "means your address is not allowed (allowlist)."
        ),
        fix="Paste the whole message, including its end, or run `dbdoctor check` to find out which case it is.",
        examples=("FATAL: no pg_hba.conf entry for host",),
        confirmed=True,
        note="The start of the message above, for truncated pastes.",
        sqlstate="28000",
        priority=20,
    ),
    Entry(
        id="pg.hba.rejects",
        source="server",
        engine="postgresql",
        pattern=_p(rf"pg_hba\.conf rejects connection for {_HBA_TAIL}(?:, (?P<encryption>[A-Za-z ]+))?"),
        cause="hba_rejected",
        meaning=(
            "A pg_hba.conf line with the method 'reject' matched {user} connecting to {database} from "
            "{address}: the server administrator explicitly refuses this combination."
        ),
        fix=(
            "Ask the administrator which addresses, users and databases are allowed; connect from an allowed "
            "network or with another user. The client's settings cannot get around a reject rule."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: FATAL:  pg_hba.conf '
            'rejects connection for host "127.0.0.1", user "rejected", database "postgres", no encryption',
        ),
        near_misses=('no pg_hba.conf entry for host "127.0.0.1", user "rejected", database "postgres", no encryption',),
        confirmed=True,
        note=_CONFIRMED_PG,
        sqlstate="28000",
        priority=70,
    ),
    # ---------------------------------------------------------------- PostgreSQL server: authentication
    Entry(
        id="pg.password_failed",
        source="server",
        engine="postgresql",
        pattern=_p(rf"password authentication failed for user {_Q}(?P<user>[^\"'“”]*){_Q}"),
        cause="password_failed",
        meaning=(
            "The server found a password rule for {user} and the password sent was wrong, or the role {user} "
            "does not exist at all: with password authentication the server does not say which. Also seen when "
            "the password has characters such as @ # / % that were not percent-encoded in a URL, so a different "
            "password was sent, or when the password came from another source (PGPASSWORD, .pgpass) than you "
            "think."
        ),
        fix=(
            "Check the user name and the password and where each comes from (`dbdoctor parse` shows the "
            "source); percent-encode special characters in URLs (@ as %40). Reset it on the server if in doubt."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: FATAL:  password '
            'authentication failed for user "pw"',
        ),
        near_misses=("fe_sendauth: no password supplied",),
        confirmed=True,
        note=_CONFIRMED_PG + " Confirmed too: a role that does not exist gets this same text under scram-sha-256.",
        sqlstate="28P01",
    ),
    Entry(
        id="libpq.no_password",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"fe_sendauth: no password supplied"),
        cause="password_missing",
        meaning=(
            "The server asked for a password (its pg_hba.conf rule uses scram-sha-256, md5 or password) and the "
            "client had none: not in the connection string, PGPASSWORD, nor a matching .pgpass line."
        ),
        fix="Provide the password: in the URL (percent-encoded), in PGPASSWORD, or in ~/.pgpass (mode 0600).",
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: fe_sendauth: no '
            "password supplied",
        ),
        near_misses=('FATAL:  password authentication failed for user "pw"',),
        confirmed=True,
        note=_CONFIRMED_LIBPQ,
    ),
    Entry(
        id="pg.role_missing",
        source="server",
        engine="postgresql",
        pattern=_p(rf"role {_Q}(?P<user>[^\"'“”]*){_Q} does not exist"),
        cause="role_missing",
        meaning=(
            "The server has no role (user) named {user} (servers say so only where the rule asks no password, "
            "as with trust or cert; under password authentication a missing role looks like a wrong password). Often the user name is wrong by a suffix some hosts "
            "require (user@servername on older Azure), by case (names are case-sensitive when quoted), or the "
            "OS user name was used because none was set."
        ),
        fix="Set the right user name in the connection string, or create the role on the server.",
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: FATAL:  role '
            '"nobody_here" does not exist',
        ),
        near_misses=('FATAL:  database "nobody_here" does not exist',),
        confirmed=True,
        note=_CONFIRMED_PG,
        sqlstate="28000",
    ),
    Entry(
        id="pg.database_missing",
        source="server",
        engine="postgresql",
        pattern=_p(rf"database {_Q}(?P<database>[^\"'“”]*){_Q} does not exist"),
        cause="database_missing",
        meaning=(
            "The server has no database named {database}. When no dbname is set, libpq uses the user name as "
            "the database name."
        ),
        fix="Set the right database name (the path of the URL, or dbname=), or create the database.",
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: FATAL:  database '
            '"nodb" does not exist',
        ),
        near_misses=('FATAL:  role "nodb" does not exist',),
        confirmed=True,
        note=_CONFIRMED_PG,
        sqlstate="3D000",
    ),
    Entry(
        id="pg.too_many_clients",
        source="server",
        engine="postgresql",
        pattern=_p(r"sorry, too many clients already|remaining connection slots are reserved"),
        cause="too_many_connections",
        meaning=(
            "The server has no free connection slot (max_connections is reached, counting the slots reserved "
            "for superusers). Often an app that opens connections without a pool, or many replicas each with a "
            "large pool."
        ),
        fix=(
            "Use a connection pool (or a smaller one per process), close idle connections, put PgBouncer in "
            "front, or raise max_connections on the server."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: FATAL:  sorry, too many '
            "clients already",
        ),
        near_misses=("no more connections allowed (max_client_conn)",),
        confirmed=True,
        note=_CONFIRMED_PG + " 'remaining connection slots are reserved' is the same condition (unconfirmed here).",
        sqlstate="53300",
    ),
    Entry(
        id="pg.client_cert_required",
        source="server",
        engine="postgresql",
        pattern=_p(r"connection requires a valid client certificate"),
        cause="client_cert_required",
        meaning=(
            "The matching pg_hba.conf rule wants a client certificate (method cert, or clientcert=verify-ca / "
            "verify-full) and the client sent none. libpq silently skips sslcert/sslkey files that do not exist, "
            "so a wrong path looks like no certificate at all."
        ),
        fix=(
            "Set sslcert and sslkey to your client certificate and key (the key readable only by you, mode "
            "0600), issued by the CA the server trusts."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: FATAL:  connection '
            "requires a valid client certificate",
        ),
        confirmed=True,
        note=_CONFIRMED_PG + " Also confirmed: a missing sslcert file is skipped without an error by libpq 18.",
        sqlstate="28000",
    ),
    Entry(
        id="pg.client_cert_no_ca_store",
        source="server",
        engine="postgresql",
        pattern=_p(r"client certificates can only be checked if a root certificate store is available"),
        cause="client_cert_required",
        meaning=(
            "The server's pg_hba.conf asks for a client certificate, but the server itself has no ssl_ca_file "
            "to check one against. This is a server configuration problem; no client setting fixes it."
        ),
        fix="On the server, set ssl_ca_file to the CA that issues client certificates and reload.",
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: FATAL:  client '
            "certificates can only be checked if a root certificate store is available",
        ),
        confirmed=True,
        note=_CONFIRMED_PG + " Not in the knowledge files.",
        sqlstate="28000",
    ),
    Entry(
        id="pg.cert_auth_failed",
        source="server",
        engine="postgresql",
        pattern=_p(rf"certificate authentication failed for user {_Q}(?P<user>[^\"'“”]*){_Q}"),
        cause="client_cert_problem",
        meaning=(
            "The client sent a certificate the server trusts, but its common name (or the pg_ident.conf mapping) "
            "does not match the user {user}."
        ),
        fix="Use a client certificate issued for {user} (CN={user}), or connect as the user the certificate names.",
        examples=('FATAL:  certificate authentication failed for user "app"',),
        confirmed=True,
        note=_CONFIRMED_PG + " (a valid client certificate for CN=app used as another user). Not in the knowledge files.",
        sqlstate="28000",
    ),
    Entry(
        id="pg.param_ssl_cannot_change",
        source="server",
        engine="postgresql",
        pattern=_p(rf"parameter {_Q}(?P<param>ssl\w*){_Q} cannot be changed now"),
        cause="param_unknown",
        meaning=(
            "The driver did not know the URL parameter {param} and sent it to the server as a session setting, "
            "where 'ssl' is the server's own on/off switch that a client cannot change. asyncpg (and pgx) do "
            "this with ?ssl=true. The connection's SSL setting was never applied."
        ),
        fix=(
            "Use the driver's own SSL parameter: for asyncpg, sslmode=verify-full (with sslrootcert) in the DSN "
            "or the ssl= argument of connect(); for SQLAlchemy with asyncpg, ?ssl=require."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: FATAL:  parameter "ssl" '
            "cannot be changed now",
            'asyncpg.exceptions.CantChangeRuntimeParamError: parameter "ssl" cannot be changed now',
        ),
        confirmed=True,
        note=_CONFIRMED_PG + " (through libpq's options, and from asyncpg 0.32 with ?ssl=true).",
        sqlstate="55P02",
    ),
    Entry(
        id="pg.unrecognized_parameter",
        source="server",
        engine="postgresql",
        pattern=_p(rf"unrecognized configuration parameter {_Q}(?P<param>[^\"'“”]*){_Q}"),
        cause="param_unknown",
        meaning=(
            "The driver passed the URL parameter {param} on to the server as a setting, and the server has no "
            "such setting. asyncpg and pgx forward unknown query keys this way (sslMode with a capital M is not "
            "sslmode), so the SSL setting you meant was never applied."
        ),
        fix="Spell the parameter the way the driver reads it (sslmode, all lower case), or remove it.",
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: FATAL:  unrecognized '
            'configuration parameter "sslMode"',
        ),
        confirmed=True,
        note=_CONFIRMED_PG + " (through libpq's options, and from asyncpg 0.32 with ?sslMode=require).",
        sqlstate="42704",
    ),
    # ---------------------------------------------------------------- PgBouncer
    Entry(
        id="pgbouncer.ssl_required",
        source="pgbouncer",
        engine="postgresql",
        pattern=_p(r"(?:FATAL|ERROR):?\s+SSL required\b"),
        cause="server_requires_ssl",
        meaning=(
            "PgBouncer (client_tls_sslmode=require or stricter) refuses clients that do not encrypt. The client "
            "connected without SSL (sslmode=disable, or a driver whose default is no TLS, such as node-postgres)."
        ),
        fix="Encrypt on the client: sslmode=verify-full with the pooler's CA file, or at least sslmode=require.",
        examples=("FATAL:  SSL required", 'connection to server at "pool" (10.0.0.9), port 6432 failed: ERROR:  SSL required'),
        near_misses=("server does not support SSL, but SSL was required",),
        confirmed=True,
        note="Captured from PgBouncer 1.18 (client_tls_sslmode=require, max_client_conn=2) through libpq 18.",
    ),
    Entry(
        id="pgbouncer.no_more_connections",
        source="pgbouncer",
        engine="postgresql",
        pattern=_p(r"no more connections allowed"),
        cause="too_many_connections",
        meaning="PgBouncer has reached max_client_conn (or the pool's limit) and refuses new clients.",
        fix="Raise max_client_conn / the pool size in pgbouncer.ini, or open fewer client connections.",
        examples=("ERROR:  no more connections allowed (max_client_conn)",),
        near_misses=("FATAL:  sorry, too many clients already",),
        confirmed=True,
        note="Captured from PgBouncer 1.18 (client_tls_sslmode=require, max_client_conn=2) through libpq 18.",
    ),
    Entry(
        id="pgbouncer.no_such_database",
        source="pgbouncer",
        engine="postgresql",
        pattern=_p(r"no such database: (?P<database>\S+)"),
        cause="database_missing",
        meaning=(
            "PgBouncer has no entry for the database {database} in its [databases] section (and no '*' "
            "fallback), so it refuses before reaching any server."
        ),
        fix="Use a database name the pooler lists, or add it to pgbouncer.ini's [databases] and reload PgBouncer.",
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 6499 failed: FATAL:  no such database: nodb',
        ),
        near_misses=('FATAL:  database "nodb" does not exist',),
        confirmed=True,
        note="Captured from PgBouncer 1.18 through libpq 18. Not in the knowledge files.",
    ),
    Entry(
        id="pgbouncer.sasl_failed",
        source="pgbouncer",
        engine="postgresql",
        pattern=_p(r"SASL authentication failed"),
        cause="password_failed",
        meaning=(
            "PgBouncer rejected the password (its words for a failed SCRAM exchange, where PostgreSQL says "
            "'password authentication failed'). PgBouncer checks it against its own auth_file or auth_query, "
            "which may hold another password than the database."
        ),
        fix=(
            "Check the password. If the same password works directly against the database, PgBouncer's "
            "auth_file (userlist.txt) or auth_query returns another one for this user: update it."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 6432 failed: FATAL:  SASL '
            "authentication failed",
        ),
        near_misses=('FATAL:  password authentication failed for user "app"',),
        confirmed=True,
        note="Captured from PgBouncer 1.18 (auth_type=scram-sha-256) through libpq 18 (psycopg 3.3).",
    ),
    Entry(
        id="pgbouncer.unsupported_startup_parameter",
        source="pgbouncer",
        engine="postgresql",
        pattern=_p(r"unsupported startup parameter: (?P<param>\S+)"),
        cause="param_unknown",
        meaning=(
            "The client sent the start-up parameter {param}, which PgBouncer does not pass on and refuses "
            "before authentication (PostgreSQL itself would accept it). Drivers send some on their own: "
            "'options' (libpq's options=, PGOPTIONS), 'extra_float_digits' (pgjdbc), 'search_path'."
        ),
        fix=(
            "Stop sending it (drop options= / PGOPTIONS, or the driver's setting), or list it in pgbouncer.ini's "
            "ignore_startup_parameters and reload PgBouncer."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 6432 failed: FATAL:  unsupported '
            "startup parameter: options",
        ),
        near_misses=('FATAL:  unrecognized configuration parameter "x"',),
        confirmed=True,
        note="Captured from PgBouncer 1.18 through libpq 18 (psycopg 3.3, options='-c search_path=x').",
    ),
    # ---------------------------------------------------------------- libpq: encryption and certificates
    Entry(
        id="libpq.server_no_ssl",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"server does not support SSL, but SSL was required"),
        cause="server_ssl_unsupported",
        meaning=(
            "The client requires encryption (sslmode=require or stricter) and the server answered the SSL "
            "request with 'N': SSL is off on that server (ssl=off), or something in between (a pooler, a "
            "port-forward to another server) does not do SSL."
        ),
        fix=(
            "Turn SSL on at the server (ssl=on with a certificate), or connect to the endpoint that offers it. "
            "Lowering sslmode sends everything, password included, in plain text."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: server does not '
            "support SSL, but SSL was required",
        ),
        near_misses=("The server does not support SSL connections", "SSL required"),
        confirmed=True,
        note=_CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.cert_verify_failed",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"SSL error: certificate verify failed"),
        cause="cert_untrusted",
        meaning=(
            "libpq could not verify the server's certificate chain against its root file (sslrootcert, or "
            "~/.postgresql/root.crt; with sslmode=require a root file that exists is used too). libpq does not "
            "say why: a certificate from another CA, a self-signed certificate, a missing intermediate, or an "
            "expired certificate all give this same text."
        ),
        fix=(
            "Point sslrootcert at your provider's current CA bundle for this database. Run `dbdoctor check` "
            "to see which of the reasons it is (it shows the chain and the failing link)."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: SSL error: certificate '
            "verify failed",
        ),
        near_misses=("SSL error: unexpected eof while reading",),
        confirmed=True,
        note=_CONFIRMED_LIBPQ + " libpq 17+ adds the reason only with sslrootcert=system (DRIVERS.md).",
        priority=60,
    ),
    Entry(
        id="libpq.ip_address_mismatch",
        source="libpq",
        engine="postgresql",
        pattern=_p(
            r"server certificate for \"(?P<name>[^\"]*)\"(?: \(and (?P<others>\d+) other names?\))? does not "
            r"match host name \"(?P<host>\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]*:[0-9a-f:.]*)\""
        ),
        cause="ip_address_mismatch",
        meaning=(
            "With sslmode=verify-full the client connected by IP address ({host}), and the certificate names "
            "{name} but not that address. Certificates rarely name addresses."
        ),
        fix=(
            "Keep verify-full and the address: set host={name} and hostaddr={host}; libpq then connects to the "
            "address and checks the name."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: server certificate for '
            '"db.example.test" (and 2 other names) does not match host name "127.0.0.1"',
            'server certificate for "localhost" (and 1 other name) does not match host name "127.0.0.1"',
        ),
        near_misses=('server certificate for "db.example.com" does not match host name "localhost"',),
        confirmed=True,
        note=_CONFIRMED_LIBPQ,
        priority=65,
    ),
    Entry(
        id="libpq.hostname_mismatch",
        source="libpq",
        engine="postgresql",
        pattern=_p(
            r"server certificate for \"(?P<name>[^\"]*)\"(?: \(and (?P<others>\d+) other names?\))? does not "
            r"match host name \"(?P<host>[^\"]*)\""
        ),
        cause="hostname_mismatch",
        meaning=(
            "With sslmode=verify-full the host name {host} is not among the certificate's names (it names "
            "{name}). Typical: a proxy, pooler or load-balancer name, a CNAME, or a private DNS name the "
            "provider's certificate does not list."
        ),
        fix=(
            "Connect with a name the certificate lists ({name}); to keep reaching the same address, set "
            "host={name} and hostaddr=<the address>."
        ),
        examples=('server certificate for "db.example.com" does not match host name "localhost"',),
        near_misses=("SSL error: certificate verify failed",),
        confirmed=True,
        note=_CONFIRMED_LIBPQ,
        priority=60,
    ),
    Entry(
        id="libpq.root_cert_missing",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"root certificate file \"(?P<path>[^\"]*)\" does not exist"),
        cause="ca_file_missing",
        meaning=(
            "sslmode=verify-ca or verify-full needs a root certificate file and {path} does not exist on this "
            "machine. Without sslrootcert libpq looks for ~/.postgresql/root.crt of the user the app runs as; "
            "in a container that file is usually missing."
        ),
        fix=(
            "Ship your provider's CA bundle with the app and set sslrootcert=<its path> (or "
            "sslrootcert=system, libpq 16+, for a publicly trusted certificate). Do not lower sslmode."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: root certificate file '
            '"/root/.postgresql/root.crt" does not exist\nEither provide the file, use the system\'s trusted '
            "roots with sslrootcert=system, or change sslmode to disable server certificate verification.",
            'root certificate file "/home/u/.postgresql/root.crt" does not exist\nEither provide the file or '
            "change sslmode to disable server certificate verification.",
        ),
        confirmed=True,
        note=_CONFIRMED_LIBPQ + " The second line differs up to PG15 (DRIVERS.md).",
    ),
    Entry(
        id="libpq.root_cert_unreadable",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"could not read root certificate file \"(?P<path>[^\"]*)\""),
        cause="ca_file_invalid",
        meaning="The root certificate file {path} exists but holds no certificate libpq can read (not PEM, empty, or unreadable).",
        fix="Replace {path} with the provider's CA bundle in PEM form (text starting with -----BEGIN CERTIFICATE-----).",
        examples=('could not read root certificate file "/app/ca.pem": no certificate or crl found',),
        confirmed=True,
        note=_CONFIRMED_LIBPQ + " Not in the knowledge files.",
    ),
    Entry(
        id="libpq.system_weak_sslmode",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"weak sslmode \"(?P<sslmode>[^\"]*)\" may not be used with sslrootcert=system"),
        cause="param_invalid",
        meaning=(
            "sslrootcert=system (libpq 16+) trusts every public CA, so libpq insists on verify-full; "
            "sslmode={sslmode} is refused before connecting."
        ),
        fix="Use sslmode=verify-full with sslrootcert=system (or leave sslmode unset: it then defaults to verify-full).",
        examples=('connection is bad: weak sslmode "require" may not be used with sslrootcert=system (use "verify-full")',),
        confirmed=True,
        note=_CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.invalid_sslmode",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"invalid sslmode value: \"(?P<sslmode>[^\"]*)\""),
        cause="param_invalid",
        meaning=(
            "{sslmode} is not an sslmode libpq knows. The values are disable, allow, prefer, require, verify-ca "
            "and verify-full, lower case ('required' and 'REQUIRE' are refused)."
        ),
        fix="Use one of the six values; for a managed database, sslmode=verify-full with its CA file.",
        examples=('connection is bad: invalid sslmode value: "required"',),
        confirmed=True,
        note=_CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.invalid_uri_param",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"invalid URI query parameter: \"(?P<param>[^\"]*)\""),
        cause="param_unknown",
        meaning=(
            "The URL has a query parameter libpq does not know: {param}. Parameter names are case-sensitive "
            "(sslMode is not sslmode); ssl=true is the only alias libpq accepts."
        ),
        fix="Use libpq's parameter names (sslmode, sslrootcert, ...), lower case.",
        examples=('invalid URI query parameter: "sslMode"',),
        confirmed=True,
        note=_CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.invalid_option",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"invalid connection option \"(?P<param>[^\"]*)\""),
        cause="param_unknown",
        meaning=(
            "The connection string has an option libpq does not know: {param}. ssl=true is accepted only in "
            "URLs, not in keyword strings nor from SQLAlchemy's psycopg dialects."
        ),
        fix="Use libpq's option names: sslmode=require (or verify-full) instead of ssl=...",
        examples=('invalid connection option "ssl"',),
        confirmed=True,
        note=_CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.invalid_integer",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"invalid integer value \"(?P<value>[^\"]*)\" for connection option \"(?P<param>[^\"]*)\""),
        cause="param_invalid",
        meaning="The option {param} must be a number and is {value}.",
        fix="Give {param} a plain number (port=5432).",
        examples=('connection is bad: invalid integer value "abc" for connection option "port"',),
        confirmed=True,
        note=_CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.ports_mismatch",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"could not match (?P<ports>\d+) port numbers to (?P<hosts>\d+) hosts"),
        cause="param_invalid",
        meaning="With several hosts, port must list one port or exactly one per host; here the counts differ.",
        fix="Give one port for all hosts, or one per host in the same order.",
        examples=("could not match 3 port numbers to 2 hosts",),
        confirmed=True,
        note=_CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.ssl_eof",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"SSL error: unexpected eof while reading|SSL SYSCALL error: EOF detected"),
        cause="tls_handshake_failed",
        meaning=(
            "The server closed the connection in the middle of the TLS handshake. With sslnegotiation=direct "
            "this is what a server older than PostgreSQL 17 does; otherwise a proxy or load balancer that "
            "does not pass PostgreSQL's SSL negotiation through, or a server that crashed."
        ),
        fix=(
            "Remove sslnegotiation=direct unless the server is 17 or newer; check what listens on that port "
            "(`dbdoctor check`)."
        ),
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: SSL error: unexpected '
            "eof while reading",
            "SSL SYSCALL error: EOF detected",
        ),
        near_misses=("SSL error: certificate verify failed",),
        confirmed=True,
        note=_CONFIRMED_LIBPQ + " 'SSL SYSCALL error: EOF detected' is libpq 17's text ([V] in DRIVERS.md).",
        priority=60,
    ),
    Entry(
        id="libpq.ssl_alert_unknown_ca",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"SSL error: tlsv1 alert unknown ca"),
        cause="client_cert_problem",
        meaning=(
            "The server refused the client certificate during the TLS handshake: it was not issued by a CA in "
            "the server's ssl_ca_file. (The alert comes from the server; the server's own certificate is not "
            "the problem.)"
        ),
        fix="Use a client certificate issued by the CA the server trusts for clients (ask the provider or the DBA).",
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 55491 failed: SSL error: tlsv1 alert '
            "unknown ca",
        ),
        near_misses=("SSL error: certificate verify failed",),
        confirmed=True,
        note=_CONFIRMED_LIBPQ + " (a client certificate from another CA). Not in the knowledge files.",
        priority=60,
    ),
    Entry(
        id="libpq.ssl_error",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"SSL error: (?P<value>[^\n]+)"),
        cause="tls_handshake_failed",
        meaning=(
            "The TLS handshake failed: {value}. Protocol versions (ssl_min_protocol_version), ciphers, or the "
            "server breaking off are the usual reasons."
        ),
        fix="Run `dbdoctor check` to see the TLS versions and certificate the server offers.",
        examples=("SSL error: tlsv1 alert protocol version",),
        note="Generic form of libpq's SSL errors; the specific texts above take precedence.",
        priority=30,
    ),
    # ---------------------------------------------------------------- libpq: network
    Entry(
        id="libpq.connection_refused",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"Connection refused(?:\s+Is the server running on that host and accepting TCP/IP connections\?)?"),
        cause="connection_refused",
        meaning=(
            "Nothing accepts connections at {endpoint}: the server is down, listens on another port or "
            "address (listen_addresses), or a firewall actively refuses."
        ),
        fix="Check host and port (`dbdoctor parse` shows where each comes from) and that the server is up and listening there.",
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 1 failed: Connection refused\n\tIs '
            "the server running on that host and accepting TCP/IP connections?",
        ),
        near_misses=("connection timeout expired",),
        confirmed=True,
        note=_CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.socket_missing",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"connection to server on socket \"(?P<path>[^\"]*)\" failed: No such file or directory"),
        cause="connection_refused",
        meaning=(
            "No host was set, so libpq tried the local Unix socket {path}, and no server runs there. In a "
            "container or on a PaaS this usually means the host setting (or DATABASE_URL) was not passed in."
        ),
        fix="Set the host (in the URL, host=, or PGHOST); check the app really receives DATABASE_URL.",
        examples=(
            'connection is bad: connection to server on socket "/tmp/nonexistent-dir/.s.PGSQL.5432" failed: No '
            "such file or directory\n\tIs the server running locally and accepting connections on that socket?",
        ),
        confirmed=True,
        note=_CONFIRMED_LIBPQ,
        priority=60,
    ),
    Entry(
        id="libpq.dns",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"could not translate host name \"(?P<host>[^\"]*)\" to address"),
        cause="dns_unresolved",
        meaning=(
            "The host name {host} does not resolve here. A typo, a private name that only resolves inside its "
            "network (a build step cannot reach the runtime network), or the password's @ or / split the URL so "
            "part of it became the host name."
        ),
        fix="Check the host name; percent-encode special characters in the password; resolve it where the app runs.",
        examples=('psql: error: could not translate host name "nope.invalid" to address: Name or service not known',),
        confirmed=True,
        note="Captured from psql (libpq 15) on this machine.",
    ),
    Entry(
        id="psycopg.dns",
        source="psycopg",
        engine="postgresql",
        pattern=_p(r"failed to resolve host '(?P<host>[^']*)'"),
        cause="dns_unresolved",
        meaning=(
            "psycopg 3 resolves host names itself before libpq connects, and {host} does not resolve here: a "
            "typo, a private name, or a password whose @ or / split the URL."
        ),
        fix="Check the host name; percent-encode special characters in the password; resolve it where the app runs.",
        examples=("failed to resolve host 'nope.invalid': [Errno -2] Name or service not known",),
        confirmed=True,
        note="Captured from psycopg 3.3.",
    ),
    Entry(
        id="psycopg.bad_port",
        source="psycopg",
        engine="postgresql",
        pattern=_p(r"failed to resolve host '(?P<host>[^']*)': \[Errno -8\] Servname not supported"),
        cause="param_invalid",
        meaning=(
            "Not a DNS problem: psycopg 3 resolves the host itself, passing the port along, and the port is not a "
            "number (port=abc, or a port list that does not fit). libpq would say 'invalid integer value'."
        ),
        fix="Give the port as a plain number (port=5432; in a URL, host:5432).",
        examples=("failed to resolve host 'localhost': [Errno -8] Servname not supported for ai_socktype",),
        confirmed=True,
        note="Captured from psycopg 3.3 with host=localhost port=abc. Not in the knowledge files.",
        priority=60,
    ),
    Entry(
        id="libpq.timeout",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"(?:connection )?timeout expired"),
        cause="connect_timeout",
        meaning=(
            "No answer within connect_timeout. Packets are dropped on the way: a firewall or security group, an "
            "IP allowlist that does not include your address, a private address that is not reachable from here, "
            "or the wrong port."
        ),
        fix=(
            "Check that the database accepts connections from where the app runs (allowlist, security group, "
            "private networking), and the host and port."
        ),
        examples=("connection timeout expired", 'connection to server at "10.0.0.5", port 5432 failed: timeout expired'),
        confirmed=True,
        note="psycopg 3.3's text captured here; libpq's 'timeout expired' from psql (libpq 15) on this machine.",
    ),
    Entry(
        id="os.network_unreachable",
        source="libpq",
        engine="any",
        pattern=_p(r"Network is unreachable|No route to host|\bE(?:NET|HOST)UNREACH\b"),
        cause="network_unreachable",
        meaning=(
            "The operating system has no route to {host}. Often an IPv6 address without IPv6 connectivity, or "
            "a private address from outside its network."
        ),
        fix="Connect from inside the network, use an address this machine can route to (IPv4), or fix the VPN / peering.",
        examples=(
            'connection to server at "db.example.com" (2600:1f18::1), port 5432 failed: Network is unreachable',
            "connect ENETUNREACH 2600:1f18::1:5432",
        ),
        note="Operating-system error texts; cannot be produced on loopback: unconfirmed.",
    ),
    Entry(
        id="py.connect_call_failed",
        source="asyncpg (Python asyncio)",
        engine="any",
        pattern=_p(r"\[Errno 111\] Connect call failed \('(?P<address>[^']*)', (?P<port>\d+)\)"),
        cause="connection_refused",
        meaning="Nothing accepts connections at {endpoint}: the server is down or listens elsewhere.",
        fix="Check host and port and that the server is up and listening there.",
        examples=("ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 1)",),
        confirmed=True,
        note=_CONFIRMED_PY + " Not in the knowledge files.",
    ),
    Entry(
        id="libpq.server_closed",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"server closed the connection unexpectedly"),
        cause="not_the_database",
        meaning=(
            "Something accepted the connection and closed it without a word. Not what a PostgreSQL server "
            "does: a wrong port, a TLS-only proxy, a load balancer without a backend, or a server that crashed."
        ),
        fix="Check the port and what listens there (`dbdoctor check` tells a PostgreSQL server from other things).",
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 46083 failed: server closed the '
            "connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while "
            "processing the request.",
        ),
        confirmed=True,
        note=_CONFIRMED_LIBPQ + " (a listener that accepts and closes).",
    ),
    Entry(
        id="libpq.invalid_ssl_response",
        source="libpq",
        engine="postgresql",
        pattern=_p(r"received invalid response to SSL negotiation: (?P<value>\S)"),
        cause="not_the_database",
        meaning=(
            "libpq sent its SSL request and got '{value}' back instead of 'S' or 'N': the port is not a "
            "PostgreSQL server ('H' is an HTTP server, a MySQL server greets first)."
        ),
        fix="Check host and port: point them at the PostgreSQL endpoint (usually 5432, or the pooler's port).",
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 50587 failed: received invalid '
            "response to SSL negotiation: H",
        ),
        confirmed=True,
        note=_CONFIRMED_LIBPQ + " (an HTTP server).",
    ),
    Entry(
        id="libpq.expected_auth",
        source="libpq",
        engine="postgresql",
        # libpq prints the byte as a character: a NUL byte prints as nothing
        pattern=_p(r"expected authentication request from server, but received(?: (?P<value>\S))?"),
        cause="not_the_database",
        meaning=(
            "libpq got something else where a PostgreSQL server sends an authentication request: the port is "
            "not PostgreSQL, or something between client and server breaks the protocol."
        ),
        fix="Check host and port: point them at the PostgreSQL endpoint.",
        examples=(
            'connection failed: connection to server at "127.0.0.1", port 50587 failed: expected authentication '
            "request from server, but received H",
        ),
        confirmed=True,
        note=_CONFIRMED_LIBPQ + " (an HTTP server, sslmode=disable).",
    ),
    Entry(
        id="libpq.client_cert_file",
        source="libpq",
        engine="postgresql",
        pattern=_p(
            r"could not open certificate file \"(?P<path>[^\"]*)\"|certificate present, but not private key "
            r"file \"(?P<path2>[^\"]*)\"|private key file \"(?P<path3>[^\"]*)\" has group or world access|"
            r"could not load private key file \"(?P<path4>[^\"]*)\""
        ),
        cause="client_cert_problem",
        meaning=(
            "The client certificate or its key cannot be used: a file that cannot be opened, a key file that is "
            "missing, or a key readable by others (libpq wants mode 0600, or 0640 owned by root)."
        ),
        fix="Check sslcert and sslkey paths; chmod 600 the key file, owned by the user the app runs as.",
        examples=(
            'private key file "/app/client.key" has group or world access; file must have permissions u=rw '
            "(0600) or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root",
            'certificate present, but not private key file "/root/.postgresql/postgresql.key"',
        ),
        confirmed=True,
        note=_CONFIRMED_LIBPQ + " Not in the knowledge files.",
    ),
    # ---------------------------------------------------------------- asyncpg, Python ssl, pg8000
    Entry(
        id="asyncpg.rejected_ssl_upgrade",
        source="asyncpg",
        engine="postgresql",
        pattern=_p(r"PostgreSQL server at \"(?P<host>[^\"]*?):(?P<port>\d+)\" rejected SSL upgrade"),
        cause="server_ssl_unsupported",
        meaning=(
            "asyncpg asked for SSL (sslmode=require or stricter, or ssl=True) and the server at {host} said it "
            "does not do SSL."
        ),
        fix="Turn SSL on at the server, or connect to the endpoint that offers it; do not drop to sslmode=disable.",
        examples=('PostgreSQL server at "127.0.0.1:55432" rejected SSL upgrade',),
        confirmed=True,
        note=_CONFIRMED_PY,
    ),
    Entry(
        id="py.unexpected_ssl_keyword",
        source="SQLAlchemy URL (asyncpg, pg8000, PyMySQL)",
        engine="any",
        pattern=_p(r"got an unexpected keyword argument '(?P<param>ssl[\w-]*)'"),
        cause="param_unknown",
        meaning=(
            "SQLAlchemy passes URL query parameters to the driver's connect() as keyword arguments, and this "
            "driver has no {param} argument. asyncpg takes ssl= (ssl=require), pg8000 takes only an ssl_context "
            "through connect_args, PyMySQL takes ssl_ca / ssl_verify_identity, not ssl_mode."
        ),
        fix=(
            "postgresql+asyncpg://...?ssl=require (or verify-full through connect_args with an SSLContext); "
            "pg8000: connect_args={{'ssl_context': ...}}; PyMySQL: ?ssl_ca=/path/ca.pem&ssl_verify_identity=true."
        ),
        examples=(
            "TypeError: connect() got an unexpected keyword argument 'sslmode'",
            "TypeError: __init__() got an unexpected keyword argument 'ssl_mode'",
        ),
        note=_KNOWLEDGE_V,
    ),
    Entry(
        id="ssl.self_signed_in_chain",
        source="OpenSSL reason (asyncpg, pg8000, PyMySQL, node-postgres, MariaDB)",
        engine="any",
        pattern=_p(r"self[- ]signed certificate in certificate chain"),
        cause="cert_untrusted",
        meaning=(
            "The server's chain ends in a root CA the client does not trust (the provider's private CA, not in "
            "the system store). node-postgres says this even with sslmode=require, because it treats require as "
            "verify-full unless uselibpqcompat=true."
        ),
        fix=(
            "Give the client the provider's CA bundle (sslrootcert=..., or the driver's ca option). Turning off "
            "verification (rejectUnauthorized: false, ssl=no-verify) removes the protection; avoid it."
        ),
        examples=(
            "Error: self-signed certificate in certificate chain",
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self signed certificate in certificate chain (_ssl.c:1006)",
            "TLS/SSL error: self-signed certificate in certificate chain",
        ),
        near_misses=("Error: self-signed certificate",),
        confirmed=True,
        note=_CONFIRMED_NODE + " Also captured from asyncpg 0.32, pg8000 1.31.6, PyMySQL 1.2.4 and the MariaDB 10.11 client.",
        priority=75,
    ),
    Entry(
        id="ssl.self_signed",
        source="OpenSSL reason (asyncpg, pg8000, PyMySQL, node-postgres)",
        engine="any",
        pattern=_p(r"self[- ]signed certificate(?! in certificate chain)"),
        cause="cert_self_signed",
        meaning=(
            "The server presents a self-signed certificate, and the client verifies (node-postgres treats "
            "sslmode=require as verify-full; asyncpg's ssl=True verifies)."
        ),
        fix=(
            "Trust exactly that certificate: save it and point the driver's root CA setting at it (sslrootcert "
            "/ ca). Better, have the server use a certificate from a CA."
        ),
        examples=(
            "Error: self-signed certificate",
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1000)",
        ),
        near_misses=("self-signed certificate in certificate chain",),
        confirmed=True,
        note=_CONFIRMED_PYSSL,
        priority=70,
    ),
    Entry(
        id="ssl.unable_local_issuer",
        source="OpenSSL reason (asyncpg, pg8000, PyMySQL)",
        engine="any",
        pattern=_p(r"unable to get local issuer certificate|unable to verify the first certificate"),
        cause="cert_untrusted",
        meaning=(
            "The client cannot find the issuer of the server's certificate among the CAs it trusts: either the "
            "CA file is the wrong one, or the server does not send its intermediate certificate (then "
            "cert_chain_incomplete is the cause; `dbdoctor check` tells which)."
        ),
        fix="Use the provider's full CA bundle (root and intermediates); if the server omits its intermediate, fix the server's certificate file.",
        examples=(
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)",
            "Error: unable to verify the first certificate",
        ),
        confirmed=True,
        note=_CONFIRMED_PYSSL,
        priority=70,
    ),
    Entry(
        id="ssl.expired",
        source="OpenSSL reason (asyncpg, pg8000, PyMySQL, node-postgres)",
        engine="any",
        pattern=_p(r"certificate has expired|CERT_HAS_EXPIRED"),
        cause="cert_expired",
        meaning="The server's certificate, or one in its chain, has expired (or this machine's clock is far ahead).",
        fix="Renew the certificate on the server (or ask the provider); check the clock here.",
        examples=("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)",),
        confirmed=True,
        note=_CONFIRMED_PYSSL,
        priority=70,
    ),
    Entry(
        id="ssl.not_yet_valid",
        source="OpenSSL reason (asyncpg, pg8000, PyMySQL, node-postgres)",
        engine="any",
        pattern=_p(r"certificate is not yet valid|CERT_NOT_YET_VALID"),
        cause="cert_not_yet_valid",
        meaning="The server's certificate is not valid yet: this machine's clock is behind, or it was issued with a future start date.",
        fix="Check the clock (NTP) here; otherwise wait or reissue the certificate.",
        examples=("certificate verify failed: certificate is not yet valid",),
        confirmed=True,
        note=_CONFIRMED_PYSSL,
        priority=70,
    ),
    Entry(
        id="asyncpg.ip_mismatch",
        source="Python ssl (asyncpg, pg8000, PyMySQL)",
        engine="any",
        pattern=_p(r"IP address mismatch, certificate is not valid for '(?P<host>[^']*)'"),
        cause="ip_address_mismatch",
        meaning="The client connected by IP address {host} and verifies the host, and the certificate does not name that address.",
        fix="Connect with a host name the certificate lists (and keep the address in /etc/hosts or DNS), not the IP.",
        examples=("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address mismatch, certificate is not valid for '127.0.0.1'. (_ssl.c:1006)",
            'OperationalError(2003, "Can\'t connect to MySQL server on \'127.0.0.1\' ([SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address mismatch, certificate is not valid for \'127.0.0.1\'. (_ssl.c:1006))")',
        ),
        confirmed=True,
        note=_CONFIRMED_PY + " PyMySQL 1.2.4 shows the same text.",
        priority=75,
    ),
    Entry(
        id="asyncpg.hostname_mismatch",
        source="Python ssl (asyncpg, pg8000, PyMySQL)",
        engine="any",
        pattern=_p(r"Hostname mismatch, certificate is not valid for '(?P<host>[^']*)'"),
        cause="hostname_mismatch",
        meaning="The host name {host} is not among the certificate's names.",
        fix="Connect with a name the certificate lists.",
        examples=("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'localhost'. (_ssl.c:1006)",),
        confirmed=True,
        note=_CONFIRMED_PYSSL,
        priority=75,
    ),
    Entry(
        id="py.cert_verify_failed",
        source="Python ssl (asyncpg, pg8000, PyMySQL)",
        engine="any",
        pattern=_p(r"\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed[^\n]*"),
        cause="cert_untrusted",
        meaning="Python's ssl module could not verify the server's certificate; the words after the colon give the reason.",
        fix="Give the driver the provider's CA bundle; paste the full message for the exact reason.",
        examples=("ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",),
        confirmed=True,
        note=_CONFIRMED_PY,
        priority=40,
    ),
    Entry(
        id="pg8000.server_refuses_ssl",
        source="pg8000",
        engine="postgresql",
        pattern=_p(r"Server refuses SSL"),
        cause="server_ssl_unsupported",
        meaning="pg8000 was told to use SSL (ssl_context) and the server does not offer it.",
        fix="Turn SSL on at the server or connect to the endpoint that has it.",
        examples=("pg8000.exceptions.InterfaceError: Server refuses SSL",),
        confirmed=True,
        note=_CONFIRMED_PY,
    ),
    # ---------------------------------------------------------------- node-postgres
    Entry(
        id="node-postgres.server_no_ssl",
        source="node-postgres",
        engine="postgresql",
        pattern=_p(r"The server does not support SSL connections"),
        cause="server_ssl_unsupported",
        meaning="node-postgres was configured for SSL (ssl, sslmode, or PGSSLMODE) and the server does not offer it.",
        fix="Turn SSL on at the server, or connect to the endpoint that has it.",
        examples=("Error: The server does not support SSL connections",),
        near_misses=("server does not support SSL, but SSL was required",),
        confirmed=True,
        note=_CONFIRMED_NODE,
        priority=60,
    ),
    Entry(
        id="node-postgres.altnames_ip",
        source="node-postgres (Node tls)",
        engine="postgresql",
        pattern=_p(r"Hostname/IP does not match certificate's altnames: IP: (?P<host>\S+?) is not in the cert's list"),
        cause="ip_address_mismatch",
        meaning=(
            "Node connected by IP address {host} and the certificate does not list it. node-postgres verifies "
            "the host for every sslmode from prefer to verify-full unless uselibpqcompat=true."
        ),
        fix="Connect with a host name the certificate lists.",
        examples=("Error: Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ",),
        confirmed=True,
        note=_CONFIRMED_NODE,
        priority=75,
    ),
    Entry(
        id="node-postgres.altnames",
        source="node-postgres (Node tls)",
        engine="postgresql",
        pattern=_p(r"Hostname/IP does not match certificate's altnames: Host: (?P<host>\S+?)\.? is not in the cert's altnames: (?P<name>[^\n]*)"),
        cause="hostname_mismatch",
        meaning=(
            "The host {host} is not among the certificate's names ({name}). node-postgres checks the host name "
            "even with sslmode=require, which libpq does not: a string that works with psql can fail in Node."
        ),
        fix="Connect with a name the certificate lists; or add uselibpqcompat=true to get libpq's meaning of sslmode.",
        examples=(
            "Error: Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:db.example.com",
        ),
        note=_KNOWLEDGE_V,
        priority=75,
    ),
    Entry(
        id="node-postgres.security_warning",
        source="node-postgres",
        engine="postgresql",
        pattern=_p(r"SECURITY WARNING: The SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases"),
        cause="param_ignored_by_driver",
        meaning=(
            "node-postgres reinterprets sslmode: prefer, require and verify-ca all mean verify-full (full "
            "verification against Node's CA store, no plain fallback). libpq's meaning comes only with "
            "uselibpqcompat=true."
        ),
        fix="Say what you mean: sslmode=verify-full with the CA (sslrootcert), or uselibpqcompat=true&sslmode=require.",
        examples=(
            "SECURITY WARNING: The SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases for 'verify-full'.",
        ),
        confirmed=True,
        note=_CONFIRMED_NODE + " (the first line of the process warning)",
    ),
    Entry(
        id="node.enoent",
        source="node-postgres",
        engine="postgresql",
        pattern=_p(r"ENOENT: no such file or directory, open '(?P<path>[^']*)'"),
        cause="ca_file_missing",
        meaning=(
            "node-postgres reads sslrootcert, sslcert and sslkey when the connection string is parsed, and {path} "
            "does not exist here (the error comes from new Client(), before any connection)."
        ),
        fix="Ship the file with the app and use its path as the app sees it (inside the container).",
        examples=("Error: ENOENT: no such file or directory, open '/app/certs/ca.pem'",),
        confirmed=True,
        note=_CONFIRMED_NODE,
        priority=40,
    ),
    Entry(
        id="node.econnrefused",
        source="Node (node-postgres, mysql2)",
        engine="any",
        pattern=_p(r"connect ECONNREFUSED (?P<address>[0-9a-f.:]+?):(?P<port>\d+)"),
        cause="connection_refused",
        meaning="Nothing accepts connections at {endpoint}. Inside a container, 127.0.0.1 is the container itself.",
        fix="Check host and port and that the server is up; from a container, use the database service's name, not localhost.",
        examples=("Error: connect ECONNREFUSED 127.0.0.1:1",),
        confirmed=True,
        note="Captured from node 20 on this machine. Not in the knowledge files.",
    ),
    Entry(
        id="node.econnrefused_ipv6_loopback",
        source="Node (node-postgres, mysql2)",
        engine="any",
        pattern=_p(r"connect ECONNREFUSED (?P<address>::1):(?P<port>\d+)"),
        cause="connection_refused",
        meaning=(
            "Node connected to ::1, the IPv6 loopback, and nothing listens there. localhost resolves to ::1 first "
            "(a standard Debian or Ubuntu /etc/hosts) and the server listens on 127.0.0.1 only; Node before 20 "
            "tries only the first address of a host name, where psql and libpq go on to 127.0.0.1 (which is why "
            "psql connects)."
        ),
        fix=(
            "Use 127.0.0.1 as the host instead of localhost, have the server listen on ::1 too (PostgreSQL "
            "listen_addresses = 'localhost'; MariaDB bind-address), or run the app on Node 20 or later (on Node "
            "18: node --enable-network-family-autoselection)."
        ),
        examples=("Error: connect ECONNREFUSED ::1:5432",),
        near_misses=("Error: connect ECONNREFUSED 127.0.0.1:5432", "connect ECONNREFUSED ::1f:5432"),
        confirmed=True,
        note=(
            "Captured from node-postgres 8.23 on Node 18.20.4 (its default) and on Node 20.20.2 with "
            "--no-network-family-autoselection, localhost resolving to ::1 first "
            "(tests/drivers/test_node_first_address.py). Not in the knowledge files."
        ),
        priority=60,
    ),
    Entry(
        id="node.enotfound",
        source="Node (node-postgres, mysql2)",
        engine="any",
        pattern=_p(r"getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (?P<host>\S+)"),
        cause="dns_unresolved",
        meaning="The host name {host} does not resolve here (a typo, or a private name from outside its network).",
        fix="Check the host name and where the app resolves it.",
        examples=("Error: getaddrinfo ENOTFOUND nope.invalid",),
        confirmed=True,
        note="Captured from node 20 on this machine. Not in the knowledge files.",
    ),
    Entry(
        id="node.etimedout",
        source="Node (node-postgres, mysql2)",
        engine="any",
        pattern=_p(r"connect ETIMEDOUT|Connection terminated due to connection timeout"),
        cause="connect_timeout",
        meaning="No answer in time: a firewall, an allowlist without your address, or an unreachable private address.",
        fix="Check that the database accepts connections from where the app runs, and the host and port.",
        examples=("Error: connect ETIMEDOUT 10.0.0.5:5432", "Error: Connection terminated due to connection timeout"),
        note="Node's and node-postgres's texts; not in the knowledge files: unconfirmed.",
    ),
    # ---------------------------------------------------------------- pgjdbc
    Entry(
        id="pgjdbc.server_no_ssl",
        source="pgjdbc",
        engine="postgresql",
        pattern=_p(r"The server does not support SSL\."),
        cause="server_ssl_unsupported",
        meaning="pgjdbc was asked for SSL (ssl=true or sslmode=require or stricter) and the server does not offer it.",
        fix="Turn SSL on at the server or use the endpoint that has it.",
        examples=("org.postgresql.util.PSQLException: The server does not support SSL.",),
        near_misses=("The server does not support SSL connections",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="pgjdbc.hostname",
        source="pgjdbc",
        engine="postgresql",
        pattern=_p(r"The hostname (?P<host>\S+) could not be verified by hostnameverifier"),
        cause="hostname_mismatch",
        meaning="With sslmode=verify-full (pgjdbc's ssl=true means verify-full) the host {host} is not among the certificate's names.",
        fix="Connect with a name the certificate lists, or set sslmode=verify-ca if you only need the chain checked.",
        examples=("The hostname db.internal could not be verified by hostnameverifier PgjdbcHostnameVerifier.",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="pgjdbc.root_cert",
        source="pgjdbc",
        engine="postgresql",
        pattern=_p(r"Could not open SSL root certificate file (?P<path>\S+?)\.?(?:\s|$)"),
        cause="ca_file_missing",
        meaning="With verify-ca/verify-full pgjdbc needs sslrootcert (default ~/.postgresql/root.crt) and cannot open {path}. It does not fall back to the JVM trust store.",
        fix="Set sslrootcert to the provider's CA file as the JVM process sees it.",
        examples=("Could not open SSL root certificate file /home/app/.postgresql/root.crt.",),
        note=_KNOWLEDGE,
    ),
    # ---------------------------------------------------------------- Go
    Entry(
        id="pgx.server_refused_tls",
        source="pgx",
        engine="postgresql",
        pattern=_p(r"server refused TLS connection"),
        cause="server_ssl_unsupported",
        meaning="pgx required TLS and the server does not offer it.",
        fix="Turn SSL on at the server or use the endpoint that has it.",
        examples=("failed to connect to `host=db user=app database=app`: server refused TLS connection",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="libpq-go.ssl_not_enabled",
        source="lib/pq",
        engine="postgresql",
        pattern=_p(r"pq: SSL is not enabled on the server"),
        cause="server_ssl_unsupported",
        meaning="lib/pq required SSL (its default up to v1.11 is require) and the server does not offer it.",
        fix="Turn SSL on at the server; or, only on a trusted network, sslmode=disable.",
        examples=("pq: SSL is not enabled on the server",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="libpq-go.unsupported_sslmode",
        source="lib/pq",
        engine="postgresql",
        pattern=_p(r"pq: unsupported sslmode \"(?P<sslmode>[^\"]*)\"|unsupported sslmode \"(?P<sslmode2>[^\"]*)\"; only"),
        cause="param_invalid",
        meaning="lib/pq up to v1.11 knows only disable, require, verify-ca and verify-full; {sslmode} is refused.",
        fix="Use require or verify-full (or upgrade lib/pq to 1.12+, which adds prefer and allow).",
        examples=('unsupported sslmode "prefer"; only "require" (default), "verify-full", "verify-ca", and "disable" supported',),
        note=_KNOWLEDGE,
    ),
    # ---------------------------------------------------------------- MySQL and MariaDB
    Entry(
        id="mariadb.ssl_required_unsupported",
        source="MariaDB client",
        engine="mysql",
        pattern=_p(r"TLS/SSL error: SSL is required, but the server does not support it"),
        cause="server_ssl_unsupported",
        meaning="The MariaDB client was told to enforce TLS (--ssl-verify-server-cert) and the server has no TLS.",
        fix="Configure TLS on the server (ssl_cert, ssl_key) or use the endpoint that has it.",
        examples=("ERROR 2026 (HY000): TLS/SSL error: SSL is required, but the server does not support it",),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " (server without TLS, --ssl-verify-server-cert; plain --ssl silently connected without TLS)",
        priority=70,
    ),
    Entry(
        id="mysql.ssl_required_unsupported",
        source="MySQL client, PyMySQL",
        engine="mysql",
        pattern=_p(r"SSL is required,? but the server does(?:n't| not) support it"),
        cause="server_ssl_unsupported",
        meaning="The client requires TLS (--ssl-mode=REQUIRED or stricter, or PyMySQL with an SSL option) and the server has no TLS.",
        fix="Configure TLS on the server or use the endpoint that has it.",
        examples=(
            "ERROR 2026 (HY000): SSL connection error: SSL is required but the server doesn't support it",
            "(2026, \"SSL is required but the server doesn't support it\")",
            'OperationalError(2026, "SSL is required but the server doesn\'t support it")',
        ),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " PyMySQL's form; the MySQL client's form is from DRIVERS.md, unconfirmed.",
        priority=60,
    ),
    Entry(
        id="mariadb.cert_validation",
        source="MariaDB client",
        engine="mysql",
        pattern=_p(r"TLS/SSL error: Validation of SSL server certificate failed"),
        cause="hostname_mismatch",
        meaning="With --ssl-verify-server-cert the MariaDB client found that the certificate does not name the host (its text for a host mismatch).",
        fix="Connect with a host name the certificate lists.",
        examples=("ERROR 2026 (HY000): TLS/SSL error: Validation of SSL server certificate failed",),
        confirmed=True,
        note=_CONFIRMED_MARIADB,
        priority=70,
    ),
    Entry(
        id="mysql.insecure_transport",
        source="MySQL server",
        engine="mysql",
        pattern=_p(r"Connections using insecure transport are prohibited while --require_secure_transport=ON"),
        cause="server_requires_ssl",
        meaning="The server has require_secure_transport=ON and the client logged in without TLS (checked after authentication).",
        fix="Encrypt on the client: --ssl-mode=VERIFY_IDENTITY with the CA (or at least REQUIRED); in drivers, their ssl options.",
        examples=("ERROR 3159 (HY000): Connections using insecure transport are prohibited while --require_secure_transport=ON.",),
        note=_KNOWLEDGE,
        sqlstate="HY000",
    ),
    Entry(
        id="mysql.access_denied",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=_p(_ACCESS_DENIED),
        cause="password_failed",
        meaning=(
            "The server refused {user} from {address}: the password is wrong, or no account matches "
            "{user}@{address}. On MariaDB the same text also means other things; see the other candidates."
        ),
        fix="Check user, password and the host part of the account (SELECT user, host FROM mysql.user).",
        examples=("ERROR 1045 (28000): Access denied for user 'app'@'localhost' (using password: YES)",),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " Also what a user that does not exist gets.",
        sqlstate="28000",
        priority=60,
    ),
    Entry(
        id="mariadb.access_denied_secure_transport",
        source="MariaDB server",
        engine="mysql",
        pattern=_p(_ACCESS_DENIED),
        cause="server_requires_ssl",
        meaning=(
            "MariaDB 10.11 with require_secure_transport=ON answers a login without TLS with this same 'Access "
            "denied' text, and so does an account created with REQUIRE SSL. If the password is right, the "
            "client did not encrypt. Only a second attempt over TLS tells it apart from a wrong password."
        ),
        fix="Connect with TLS (the MariaDB client: --ssl --ssl-verify-server-cert --ssl-ca=...; drivers: their ssl options) and try again.",
        examples=("ERROR 1045 (28000): Access denied for user 'app'@'localhost' (using password: NO)",),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " (require_secure_transport=ON, and a REQUIRE SSL account, both without TLS: the same text as a wrong password)",
        sqlstate="28000",
        priority=60,
    ),
    Entry(
        id="mariadb.access_denied_x509",
        source="MariaDB/MySQL server",
        engine="mysql",
        pattern=_p(_ACCESS_DENIED),
        cause="client_cert_required",
        meaning="An account created with REQUIRE X509 (or REQUIRE SUBJECT/ISSUER) logging in without a client certificate gets the same 'Access denied'.",
        fix="Connect with the client certificate and key (--ssl-cert, --ssl-key) over TLS.",
        examples=("Access denied for user 'app'@'10.0.0.7' (using password: YES)",),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " (a REQUIRE X509 account over TLS without a client certificate)",
        sqlstate="28000",
        priority=60,
    ),
    Entry(
        id="mysql.db_access_denied",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=_p(r"Access denied for user '(?P<user>[^']*)'@'(?P<address>[^']*)' to database '(?P<database>[^']*)'"),
        cause="database_missing",
        meaning=(
            "The login worked, but {user} has no privilege on the database {database} (error 1044): it is not this "
            "user's database, or it is misspelt (the server says the same for a database that does not exist)."
        ),
        fix="Set the database the account was granted (SHOW GRANTS as that user lists them), or GRANT it access.",
        examples=("ERROR 1044 (42000): Access denied for user 'app'@'localhost' to database 'mysql'",
                  "(1044, \"Access denied for user 'app'@'localhost' to database 'mysql'\")"),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " (a database the account has no grant on; tests/test_explain.py re-captures it)",
        sqlstate="42000",
        priority=70,
    ),
    Entry(
        id="mysql.max_user_connections",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=_p(r"User '?(?P<user>[^'\s]+)'? (?:already )?has (?:more than|exceeded the) "
                   r"'?max_user_connections'?"),
        cause="too_many_connections",
        meaning=(
            "The account {user} already holds as many connections as it may: the account's "
            "MAX_USER_CONNECTIONS (error 1226) or the server's max_user_connections (error 1203)."
        ),
        fix="Close idle connections or size the app's pool below the limit, or raise the account's "
            "MAX_USER_CONNECTIONS (ALTER USER ... WITH MAX_USER_CONNECTIONS n) or the global max_user_connections.",
        examples=("ERROR 1203 (42000): User app already has more than 'max_user_connections' active connections",
                  "(1226, \"User 'app' has exceeded the 'max_user_connections' resource (current value: 1)\")"),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " (1226: an account WITH MAX_USER_CONNECTIONS 1, reached; tests/test_explain.py "
             "re-captures it). 1203's text is from the MySQL manual: unconfirmed.",
    ),
    Entry(
        id="pymysql.unknown_host",
        source="PyMySQL",
        engine="mysql",
        pattern=_p(r"Can't connect to (?:MySQL |MariaDB )?server on '(?P<host>[^']*)' \(\[Errno -(?:2|3|5)\]"),
        cause="dns_unresolved",
        meaning="The host name {host} does not resolve here: PyMySQL reports the resolver's error as its 2003.",
        fix="Check the host name and where the app resolves it.",
        examples=("(2003, \"Can't connect to MySQL server on 'nope.invalid' ([Errno -2] Name or service not known)\")",),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " (tests/test_explain.py re-captures it)",
        priority=60,
    ),
    Entry(
        id="pymysql.lost_connection_timeout",
        source="PyMySQL",
        engine="mysql",
        pattern=_p(r"Lost connection to (?:MySQL |MariaDB )?server[^\n]*?\(timed out\)"),
        cause="connect_timeout",
        meaning=(
            "The server accepted the connection and then did not answer in time (its greeting, the TLS handshake "
            "or the login): an overloaded or hung server, or something in between that holds the connection."
        ),
        fix="Check that the host and port are the MySQL/MariaDB server's and that it answers (a proxy or "
            "firewall may hold connections open), or give the connection longer (connect_timeout).",
        examples=("(2013, 'Lost connection to MySQL server during query (timed out)')",),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " (a proxy that forwards the greeting and then stalls; tests/test_explain.py "
             "re-captures it)",
        priority=60,
    ),
    Entry(
        id="mysql.host_not_allowed",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=_p(r"Host '(?P<address>[^']*)' is not allowed to connect to this (?:MySQL|MariaDB) server"),
        cause="hba_rejected",
        meaning="No account on the server matches connections from {address}: the server says so before authentication (error 1130).",
        fix="Create the account for this host (CREATE USER 'app'@'<address or %>'), or connect from an allowed address.",
        examples=("ERROR 1130 (HY000): Host '10.0.0.7' is not allowed to connect to this MariaDB server",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="mysql.host_blocked",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=_p(r"Host '(?P<address>[^']*)' is blocked because of many connection errors"),
        cause="host_blocked",
        meaning="The server blocked {address} after too many failed connection attempts (max_connect_errors), error 1129.",
        fix="On the server: FLUSH HOSTS (or mariadb-admin flush-hosts); then fix what made the attempts fail.",
        examples=("ERROR 1129 (HY000): Host '10.0.0.7' is blocked because of many connection errors; unblock with 'mysqladmin flush-hosts'",),
        note="SERVER-ERRORS.md names error 1129; text from the MySQL manual: unconfirmed.",
    ),
    Entry(
        id="mysql.too_many_connections",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=_p(r"(?<![\w-])Too many connections"),
        cause="too_many_connections",
        meaning="The server has reached max_connections (error 1040).",
        fix="Use a connection pool, close idle connections, or raise max_connections.",
        examples=("ERROR 1040 (HY000): Too many connections", '(1040, "Too many connections")',
            "OperationalError(1040, 'Too many connections')",
        ),
        near_misses=("sorry, too many clients already",),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " (PyMySQL, max_connections reached)",
    ),
    Entry(
        id="mysql.unknown_database",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=_p(r"Unknown database '(?P<database>[^']*)'"),
        cause="database_missing",
        meaning="The server has no database (schema) named {database} (error 1049).",
        fix="Set the right database name, or create it.",
        examples=("ERROR 1049 (42000): Unknown database 'app'",
            'OperationalError(1049, "Unknown database \'nodb\'")',
        ),
        confirmed=True,
        note=_CONFIRMED_MARIADB,
    ),
    Entry(
        id="mysql.cant_connect_refused",
        source="MySQL/MariaDB client, PyMySQL",
        engine="mysql",
        pattern=_p(r"Can't connect to (?:MySQL |MariaDB )?server on '(?P<host>[^']*)'(?::(?P<port>\d+))? \((?:111|115|10061)\b[^)]*\)|Can't connect to (?:MySQL |MariaDB )?server on '(?P<host2>[^']*)' \(\[Errno 111\]"),
        cause="connection_refused",
        meaning="Nothing accepts connections on {host} at that port (errno 111).",
        fix="Check host and port (3306 by default) and that the server is up and listening there (bind-address).",
        examples=(
            "ERROR 2002 (HY000): Can't connect to server on '127.0.0.1' (111)",
            "(2003, \"Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused)\")",
            "ERROR 2002 (HY000): Can't connect to server on '127.0.0.1' (115)",
        ),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " The mariadb client reports errno 115 (EINPROGRESS) for a refused port, not 111.",
        priority=60,
    ),
    Entry(
        id="mysql.cant_connect_timeout",
        source="MySQL/MariaDB client, PyMySQL",
        engine="mysql",
        pattern=_p(r"Can't connect to (?:MySQL |MariaDB )?server on '(?P<host>[^']*)'[^\n]*?(?:\(110\)|timed out)"),
        cause="connect_timeout",
        meaning="No answer from {host} in time: a firewall, an allowlist without your address, or an unreachable address.",
        fix="Check that the database accepts connections from where the app runs, and the host and port.",
        examples=("(2003, \"Can't connect to MySQL server on 'db.example.com' (timed out)\")",
                  "(2003, \"Can't connect to MySQL server on '127.0.0.1' (_ssl.c:989: The handshake operation "
                  "timed out)\")"),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " (a server that greets and then never answers the TLS handshake; "
             "tests/test_explain.py re-captures it)",
        priority=60,
    ),
    Entry(
        id="mysql.unknown_host",
        source="MySQL/MariaDB client",
        engine="mysql",
        pattern=_p(r"Unknown (?:MySQL |MariaDB )?server host '(?P<host>[^']*)'"),
        cause="dns_unresolved",
        meaning="The host name {host} does not resolve here (error 2005).",
        fix="Check the host name and where the app resolves it.",
        examples=("ERROR 2005 (HY000): Unknown server host 'nope.invalid' (-2)",),
        confirmed=True,
        note=_CONFIRMED_MARIADB,
    ),
    Entry(
        id="pymysql.cant_connect_ssl",
        source="PyMySQL",
        engine="mysql",
        pattern=_p(r"Can't connect to MySQL server on '(?P<host>[^']*)' \(\[SSL[^\n]*"),
        cause="cert_untrusted",
        meaning="PyMySQL's TLS handshake with {host} failed on certificate verification; the words after [SSL: ...] give the reason.",
        fix="Pass the provider's CA (ssl_ca=...) and, for ssl={{'ca': ...}}, connect with a name the certificate lists.",
        examples=("(2003, \"Can't connect to MySQL server on '127.0.0.1' ([SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed (_ssl.c:1006))\")",
        ),
        confirmed=True,
        note=_CONFIRMED_MARIADB + " The captured texts carry a reason after the colon, which the more specific entries explain.",
        priority=45,
    ),
    Entry(
        id="mysql.ssl_connection_error",
        source="MySQL/MariaDB client",
        engine="mysql",
        pattern=_p(r"(?:SSL connection error|TLS/SSL error): (?P<value>[^\n]+)"),
        cause="tls_handshake_failed",
        meaning="The TLS handshake with the server failed: {value}.",
        fix="Run `dbdoctor check` to see the TLS versions and certificate the server offers.",
        examples=("ERROR 2026 (HY000): SSL connection error: error:0A00010B:SSL routines::wrong version number",),
        note="Generic form; the specific texts above take precedence.",
        priority=25,
    ),
    Entry(
        id="mysql2.no_secure_connection",
        source="mysql2 (Node)",
        engine="mysql",
        pattern=_p(r"Server does not support secure connection"),
        cause="server_ssl_unsupported",
        meaning="mysql2 was configured with ssl and the server has no TLS.",
        fix="Configure TLS on the server or use the endpoint that has it.",
        examples=("Error: Server does not support secure connection",),
        note=_KNOWLEDGE_V,
    ),
    Entry(
        id="mysql2.ssl_profile",
        source="mysql2 (Node)",
        engine="mysql",
        pattern=_p(r"SSL profile must be an object, instead it's a (?P<value>\w+)"),
        cause="param_invalid",
        meaning="mysql2 JSON-parses URL query values, so ?ssl=true becomes the boolean true; it wants an object.",
        fix="Pass ssl as an object in code ({{ ca: fs.readFileSync(...) }}), or URL-encoded JSON: ?ssl=%7B%22rejectUnauthorized%22%3Atrue%7D.",
        examples=("TypeError: SSL profile must be an object, instead it's a boolean",),
        note=_KNOWLEDGE_V,
    ),
    Entry(
        id="connectorj.ssl_required",
        source="MySQL Connector/J",
        engine="mysql",
        pattern=_p(r"SSL Connection required, but not provided by server"),
        cause="server_ssl_unsupported",
        meaning="Connector/J requires TLS (sslMode=REQUIRED or stricter) and the server has none.",
        fix="Configure TLS on the server or use the endpoint that has it.",
        examples=("SSL Connection required, but not provided by server.",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="go-mysql.tls_unsupported",
        source="go-sql-driver/mysql",
        engine="mysql",
        pattern=_p(r"TLS requested but server does not support TLS"),
        cause="server_ssl_unsupported",
        meaning="The Go driver was configured with tls=true (or a registered config) and the server has no TLS.",
        fix="Configure TLS on the server or use the endpoint that has it.",
        examples=("TLS requested but server does not support TLS",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="mysqlclient.unknown_ssl_mode",
        source="mysqlclient (MySQLdb)",
        engine="mysql",
        pattern=_p(r"Unknown ssl_mode specification"),
        cause="param_invalid",
        meaning="mysqlclient accepts ssl_mode only as DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY (exactly).",
        fix="Use one of those values, upper case.",
        examples=("MySQLdb.NotSupportedError: Unknown ssl_mode specification",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="mysql-connector.unsupported_ssl_mode",
        source="mysql-connector-python",
        engine="mysql",
        pattern=_p(r"Unsupported argument '(?P<param>ssl_mode)'"),
        cause="param_unknown",
        meaning="mysql-connector-python has no ssl_mode argument; it uses ssl_ca, ssl_verify_cert, ssl_verify_identity, ssl_disabled.",
        fix="ssl_ca=/path/ca.pem with ssl_verify_cert=True and ssl_verify_identity=True.",
        examples=("AttributeError: Unsupported argument 'ssl_mode'",),
        note=_KNOWLEDGE_V,
    ),
    Entry(
        id="pymysql.ssl_str",
        source="PyMySQL (through SQLAlchemy)",
        engine="mysql",
        pattern=_p(r"'str' object has no attribute 'get'"),
        cause="param_invalid",
        meaning="With PyMySQL, ?ssl=true in a SQLAlchemy URL arrives as the string 'true' where PyMySQL expects a dict of SSL options.",
        fix="Use ?ssl_ca=/path/ca.pem (SQLAlchemy folds ssl_* keys into the ssl dict), or connect_args={{'ssl': {{...}}}}.",
        examples=("AttributeError: 'str' object has no attribute 'get'",),
        note=_KNOWLEDGE_V + " Generic Python text: it means this only in a PyMySQL connect.",
        priority=10,
    ),
    Entry(
        id="mariadb.no_secure_transports",
        source="MariaDB server (start-up)",
        engine="mysql",
        pattern=_p(r"No secure transports are configured, unable to set --require_secure_transport=ON"),
        cause="server_ssl_unsupported",
        meaning="The server was told to require TLS but has no TLS configured, so it refuses to start (error 4167).",
        fix="Configure ssl_cert and ssl_key on the server, or turn require_secure_transport off.",
        examples=("No secure transports are configured, unable to set --require_secure_transport=ON",),
        note=_KNOWLEDGE,
    ),
    # ---------------------------------------------------------------- driver knowledge (issue 4: drivers/)
    Entry(
        id="node-postgres.ssl_string_crash",
        source="node-postgres",
        engine="postgresql",
        pattern=_p(r"Cannot use 'in' operator to search for 'key' in (?P<value>\S+)"),
        cause="param_invalid",
        meaning="node-postgres got an ssl value it does not know (ssl=false in the URL stays the string "
                "'false'): it starts TLS and then throws inside its socket handler, an uncaught exception that "
                "ends the process.",
        fix="Write ssl=0 (or sslmode=disable) to turn TLS off, ssl=true or sslmode=verify-full to turn it on.",
        examples=("TypeError: Cannot use 'in' operator to search for 'key' in false",),
        confirmed=True,
        note=_CONFIRMED_NODE + " tests/drivers reproduces it.",
    ),
    Entry(
        id="node-postgres.compat_verify_ca_without_ca",
        source="node-postgres",
        engine="postgresql",
        pattern=_p(r"Using sslmode=verify-ca requires specifying a CA with sslrootcert"),
        cause="param_invalid",
        meaning="With uselibpqcompat=true, node-postgres refuses sslmode=verify-ca without sslrootcert when the "
                "string is parsed (libpq would fall back to ~/.postgresql/root.crt; node-postgres has no such "
                "default).",
        fix="Add sslrootcert=/path/to/ca.pem, or use sslmode=verify-full.",
        examples=("Error: SECURITY WARNING: Using sslmode=verify-ca requires specifying a CA with sslrootcert. "
                  "If a public CA is used, verify-ca allows connections to a server that somebody else may "
                  "have registered with the CA",),
        confirmed=True,
        note=_CONFIRMED_NODE + " tests/drivers reproduces it.",
    ),
    Entry(
        id="asyncpg.sslmode_invalid",
        source="asyncpg",
        engine="postgresql",
        pattern=_p(r"`?sslmode`? parameter must be one of: disable, allow, prefer, require, verify-ca, verify-full"),
        cause="param_invalid",
        meaning="asyncpg got an sslmode (or, through SQLAlchemy, an ssl= value) that is not one of libpq's six "
                "mode names: ssl=true is not one.",
        fix="Use a mode name: ?sslmode=verify-full with asyncpg's own URL, ?ssl=verify-full through "
            "SQLAlchemy (postgresql+asyncpg://).",
        examples=("asyncpg.exceptions._base.ClientConfigurationError: `sslmode` parameter must be one of: "
                  "disable, allow, prefer, require, verify-ca, verify-full",),
        confirmed=True,
        note=_CONFIRMED_PY + " tests/drivers reproduces it.",
    ),
    Entry(
        id="pgjdbc.sslmode_invalid",
        source="pgjdbc",
        engine="postgresql",
        pattern=_p(r"Invalid sslmode value: (?P<value>\S+)"),
        cause="param_invalid",
        meaning="pgjdbc does not know this sslmode (its values are libpq's six, in any case).",
        fix="Use sslmode=verify-full&sslrootcert=/path/to/ca.pem (or require, which never verifies in pgjdbc).",
        examples=("org.postgresql.util.PSQLException: Invalid sslmode value: required",),
        note=_KNOWLEDGE + " From pgjdbc's SslMode.of.",
    ),
    Entry(
        id="pgjdbc.pkix_untrusted",
        source="pgjdbc",
        engine="postgresql",
        pattern=_p(r"PKIX path building failed|unable to find valid certification path to requested target"),
        cause="cert_untrusted",
        meaning="pgjdbc (verify-ca, verify-full or ssl=true) could not build a chain from the server's "
                "certificate to the root certificate file it uses (sslrootcert, else ~/.postgresql/root.crt "
                "under Java's user.home; never the JVM trust store).",
        fix="Point sslrootcert at the CA that issued the server's certificate: "
            "jdbc:postgresql://host/db?sslmode=verify-full&sslrootcert=/path/to/ca.pem",
        examples=("org.postgresql.util.PSQLException: SSL error: PKIX path building failed: "
                  "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid "
                  "certification path to requested target",),
        confirmed=True,
        note="Captured from pgjdbc 42.7.13 (OpenJDK 17) against PostgreSQL 15.18; tests/drivers runs it.",
    ),
    Entry(
        id="prisma.p1011_tls",
        source="prisma",
        engine="postgresql",
        pattern=_p(r"P1011|Error opening a TLS connection"),
        cause="tls_handshake_failed",
        meaning="Prisma could not open the TLS connection; the text after the colon is the TLS library's reason "
                "(a certificate that does not verify with sslaccept=strict, or a server without TLS with "
                "sslmode=require).",
        fix="With sslaccept=strict, point sslcert (Prisma's CA parameter) at the server's CA: "
            "?sslmode=require&sslaccept=strict&sslcert=/path/to/ca.pem; note Prisma 6 reads "
            "sslmode=verify-full as prefer.",
        examples=("Error: P1011: Error opening a TLS connection: handshake failure",),
        note=_KNOWLEDGE + " The code P1011 is documented; its message text is unconfirmed.",
    ),
    Entry(
        id="sqlx.server_no_tls",
        source="sqlx",
        engine="postgresql",
        pattern=_p(r"server does not support TLS"),
        cause="server_ssl_unsupported",
        meaning="sqlx was told to require TLS (sslmode=require, verify-ca or verify-full) and the server "
                "answered that it has none.",
        fix="Turn TLS on at the server or connect to the endpoint that has it.",
        examples=("error occurred while attempting to establish a TLS connection: server does not support TLS",),
        near_misses=("The server does not support SSL connections",),
        note=_DOCS + " From sqlx-postgres src/connection/tls.rs.",
    ),
    Entry(
        id="tokio-postgres.unknown_option",
        source="tokio-postgres",
        engine="postgresql",
        pattern=_p(r"unknown option `(?P<param>[^`]*)`"),
        cause="param_unknown",
        meaning="tokio-postgres refuses a connection-string key it does not know (sslrootcert included: the CA "
                "belongs to the TLS connector, not the string).",
        fix="Remove the key; configure certificates on the TLS connector (postgres-native-tls or "
            "postgres-openssl).",
        examples=("invalid configuration: unknown option `sslrootcert`",),
        note=_DOCS + " From tokio-postgres src/config.rs.",
    ),
    Entry(
        id="tokio-postgres.sslmode_invalid",
        source="tokio-postgres",
        engine="postgresql",
        pattern=_p(r"invalid value for option `sslmode`"),
        cause="param_invalid",
        meaning="tokio-postgres knows only sslmode=disable, prefer and require: verify-ca and verify-full are "
                "errors (verification is the TLS connector's job).",
        fix="Use sslmode=require and a verifying connector (postgres-native-tls or postgres-openssl with the "
            "CA configured).",
        examples=("Error: invalid configuration: invalid value for option `sslmode`",),
        note=_DOCS + " From tokio-postgres src/config.rs.",
    ),
)


def by_id(entry_id: str) -> Entry | None:
    return next((e for e in ENTRIES if e.id == entry_id), None)
