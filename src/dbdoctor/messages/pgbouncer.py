"""PgBouncer's messages to clients.

Moved from the former catalog.py (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    # ---------------------------------------------------------------- PgBouncer
    Entry(
        id="pgbouncer.ssl_required",
        source="pgbouncer",
        engine="postgresql",
        pattern=compile_pattern(r"(?:FATAL|ERROR):?\s+SSL required\b"),
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
        pattern=compile_pattern(r"no more connections allowed"),
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
        pattern=compile_pattern(r"no such database: (?P<database>\S+)"),
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
        pattern=compile_pattern(r"SASL authentication failed"),
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
        pattern=compile_pattern(r"unsupported startup parameter: (?P<param>\S+)"),
        cause="pooler_startup_parameter",
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
            "FATAL: unsupported startup parameter: extra_float_digits",
            "Error: pq: Unsupported startup parameter: extra_float_digits",
        ),
        near_misses=('FATAL:  unrecognized configuration parameter "x"',),
        confirmed=True,
        note="Captured from PgBouncer 1.18 through libpq 18 (psycopg 3.3, options='-c search_path=x'). Corpus: "
             "bitnami/containers #25394, commafeed #559, pgweb #481, dbeaver #2361, pgbouncer #482.",
    ),
    # ---------------------------------------------------------------- real-world corpus (issue 11)
    Entry(
        id="pgbouncer.server_login_retry",
        source="pgbouncer",
        engine="postgresql",
        pattern=compile_pattern(r"server login has been failing, try again later \(server_login_retry\)|"
                   r"pgbouncer cannot connect to server"),
        cause="server_refused",
        meaning=(
            "PgBouncer itself could not log in to the PostgreSQL server behind it (wrong auth_user or password in "
            "its userlist, a role without LOGIN, the server down or refusing it), and it refuses clients until "
            "server_login_retry has passed. Your own credentials were not the problem; PgBouncer's log has the "
            "server's real error."
        ),
        fix=(
            "Read PgBouncer's log for the server's error, then fix PgBouncer's side: the [databases] host and port, "
            "the auth_user and its password in auth_file, or the server's pg_hba.conf for PgBouncer's address."
        ),
        examples=(
            "server login has been failing, try again later (server_login_retry)",
            "psql: ERROR:  pgbouncer cannot connect to server",
        ),
        note="Corpus: pgbouncer #1094, #423, #239, neondatabase/neon #5506. PgBouncer src/client.c and "
             "src/objects.c wording.",
        priority=50,
    ),
    Entry(
        id="pgbouncer.server_dns_failed",
        source="pgbouncer",
        engine="postgresql",
        pattern=compile_pattern(r"server dns lookup failed|lookup failed: (?P<host>\S+): result="),
        cause="dns_unresolved",
        meaning=(
            "PgBouncer could not resolve the server host name {host} of its [databases] entry, so it cannot "
            "connect to the server and refuses clients ('pgbouncer cannot connect to server')."
        ),
        fix="Fix the host= of the database entry in pgbouncer.ini (or PgBouncer's DNS), then reload PgBouncer.",
        examples=(
            "2017-09-29 05:04:30.159 2756 WARNING lookup failed: myhostname: result=11003\n2017-09-29 "
            "05:04:30.159 2756 LOG S-01022ce0: test/test@(bad-af):0 closing because: server dns lookup failed "
            "(age=3)\nPooler Error: pgbouncer cannot connect to server",
        ),
        note="Corpus: pgbouncer #239 (PgBouncer's own log).",
        priority=60,
        rank=1,
    ),
)
