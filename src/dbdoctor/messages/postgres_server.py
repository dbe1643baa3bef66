"""PostgreSQL's own server messages (pg_hba.conf, authentication, start-up).

Moved from the former catalog.py (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import CONFIRMED_LIBPQ, CONFIRMED_PG, HBA_TAIL, PREFER_NOTE, Entry, Q, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    # ---------------------------------------------------------------- PostgreSQL server: pg_hba.conf
    Entry(
        id="pg.hba.no_entry.any_encryption",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(
            rf"no pg_hba\.conf entry for host {Q}(?P<address>[^\"'“”]*){Q}, user {Q}(?P<user>[^\"'“”]*){Q}, "
            rf"database {Q}(?P<database>[^\"'“”]*){Q}, (?:SSL encryption|no encryption)"
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
        note=CONFIRMED_LIBPQ + " libpq 18 reports every attempt; older libpq shows only the last one.",
        sqlstate="28000",
        priority=90,
    ),
    Entry(
        id="pg.hba.no_entry.no_encryption",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(rf"no pg_hba\.conf entry for {HBA_TAIL}, no encryption"),
        cause="server_requires_ssl",
        meaning=(
            "The connection was attempted without encryption and pg_hba.conf has no rule that lets {user} into "
            "{database} from {address} without it. The words \"no encryption\" are the clue: the server has "
            "rules for SSL connections (hostssl), but none for plain ones. The client must encrypt; nothing needs "
            "to change on the server." + PREFER_NOTE
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
        note=CONFIRMED_PG + " Servers 14 and later say 'no encryption'; see pg.hba.no_entry.ssl_off for 11 and older.",
        sqlstate="28000",
        priority=70,
    ),
    Entry(
        id="pg.hba.no_entry.ssl_off",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(rf"no pg_hba\.conf entry for {HBA_TAIL}, SSL off"),
        cause="server_requires_ssl",
        meaning=(
            "An older server's way (11 and earlier) of saying \"no encryption\": the connection was plain and "
            "pg_hba.conf only has rules for SSL connections from {address}. The client must encrypt."
            + PREFER_NOTE
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
        pattern=compile_pattern(rf"no pg_hba\.conf entry for {HBA_TAIL}, (?:SSL encryption|SSL on)"),
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
        note=CONFIRMED_PG + " 'SSL on' (servers up to 11) is from SERVER-ERRORS.md, unconfirmed.",
        sqlstate="28000",
        priority=70,
    ),
    Entry(
        id="pg.hba.no_entry.gss",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(rf"no pg_hba\.conf entry for {HBA_TAIL}, GSS encryption"),
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
        pattern=compile_pattern(r"no pg_hba\.conf entry for host"),
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
        pattern=compile_pattern(rf"pg_hba\.conf rejects connection for {HBA_TAIL}(?:, (?P<encryption>[A-Za-z ]+))?"),
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
        note=CONFIRMED_PG,
        sqlstate="28000",
        priority=70,
    ),
    # ---------------------------------------------------------------- PostgreSQL server: authentication
    Entry(
        id="pg.password_failed",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(rf"password authentication failed for user {Q}(?P<user>[^\"'“”]*){Q}"),
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
        note=CONFIRMED_PG + " Confirmed too: a role that does not exist gets this same text under scram-sha-256.",
        sqlstate="28P01",
    ),
    Entry(
        id="pg.role_missing",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(rf"role {Q}(?P<user>[^\"'“”]*){Q} does not exist"),
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
        note=CONFIRMED_PG,
        sqlstate="28000",
    ),
    Entry(
        id="pg.database_missing",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(rf"database {Q}(?P<database>[^\"'“”]*){Q} does not exist"),
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
        note=CONFIRMED_PG,
        sqlstate="3D000",
    ),
    Entry(
        id="pg.too_many_clients",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(r"sorry, too many clients already|remaining connection slots are reserved"),
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
        note=CONFIRMED_PG + " 'remaining connection slots are reserved' is the same condition (unconfirmed here).",
        sqlstate="53300",
    ),
    Entry(
        id="pg.client_cert_required",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(r"connection requires a valid client certificate"),
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
        note=CONFIRMED_PG + " Also confirmed: a missing sslcert file is skipped without an error by libpq 18.",
        sqlstate="28000",
    ),
    Entry(
        id="pg.client_cert_no_ca_store",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(r"client certificates can only be checked if a root certificate store is available"),
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
        note=CONFIRMED_PG + " Not in the knowledge files.",
        sqlstate="28000",
    ),
    Entry(
        id="pg.cert_auth_failed",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(rf"certificate authentication failed for user {Q}(?P<user>[^\"'“”]*){Q}"),
        cause="client_cert_problem",
        meaning=(
            "The client sent a certificate the server trusts, but its common name (or the pg_ident.conf mapping) "
            "does not match the user {user}."
        ),
        fix="Use a client certificate issued for {user} (CN={user}), or connect as the user the certificate names.",
        examples=('FATAL:  certificate authentication failed for user "app"',),
        confirmed=True,
        note=CONFIRMED_PG + " (a valid client certificate for CN=app used as another user). Not in the knowledge files.",
        sqlstate="28000",
    ),
    Entry(
        id="pg.param_ssl_cannot_change",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(rf"parameter {Q}(?P<param>ssl\w*){Q} cannot be changed now"),
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
        note=CONFIRMED_PG + " (through libpq's options, and from asyncpg 0.32 with ?ssl=true).",
        sqlstate="55P02",
    ),
    Entry(
        id="pg.unrecognized_parameter",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(rf"unrecognized configuration parameter {Q}(?P<param>[^\"'“”]*){Q}"),
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
        note=CONFIRMED_PG + " (through libpq's options, and from asyncpg 0.32 with ?sslMode=require).",
        sqlstate="42704",
    ),
    # ---------------------------------------------------------------- real-world corpus (issue 11)
    Entry(
        id="pg.peer_auth_failed",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(rf"(?:Peer|Ident) authentication failed for user {Q}(?P<user>[^\"'“”]*){Q}"),
        cause="peer_auth_failed",
        meaning=(
            "The server's pg_hba.conf line for this connection says peer (or ident): it lets a connection in only "
            "when the operating-system user running the client has the same name as the database user {user}. "
            "That is the default for local (Unix socket) connections on Debian, Ubuntu and RHEL. No password is "
            "asked; the OS user simply is not {user}."
        ),
        fix=(
            "Connect over TCP so a password rule applies (host=127.0.0.1 or -h localhost) with {user}'s password, "
            "or run the client as that OS user (sudo -u postgres psql), or map the OS user in pg_ident.conf, or "
            "change the local line of pg_hba.conf to scram-sha-256 and reload the server."
        ),
        examples=(
            'psql: FATAL:  Peer authentication failed for user "app"',
            'msg: unable to connect to database: FATAL:  Peer authentication failed for user "postgres"',
            'psql: error: FATAL:  Ident authentication failed for user "postgres"',
        ),
        near_misses=('FATAL:  password authentication failed for user "app"',),
        note="Corpus: IIC2143 Syllabus #18/#21, invidious #881, miningcore #403, ANXS/postgresql #5, 3dcitydb "
             "importer-exporter #160 (tests/data/messages/libpq_psycopg.json). PostgreSQL auth.c wording.",
        sqlstate="28000",
        priority=60,
    ),
    Entry(
        id="pg.starting_up",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(r"the database system is (?P<value>starting up|shutting down|in recovery mode|"
                   r"not yet accepting connections|not accepting connections)"),
        cause="server_starting",
        meaning=(
            "The server answered, but it is {value}: it does not take connections yet (a restart, a crash "
            "recovery, a replica still replaying, a managed database during maintenance or failover). Nothing is "
            "wrong with the connection settings."
        ),
        fix=(
            "Wait and retry (a client should retry with a back-off during start-up); if it stays that way, read "
            "the server's log: a long recovery, a replica without hot_standby, or a crash loop."
        ),
        examples=(
            "PG::ConnectionBad: FATAL:  the database system is starting up\nFATAL:  the database system is "
            "starting up",
            "failed to connect to `host=/controller/run user=postgres database=postgres`: server error (FATAL: the "
            "database system is starting up (SQLSTATE 57P03))",
        ),
        note="Corpus: EBWiki #3805, bcyc/website #27, cloudnative-pg #1566. PostgreSQL postmaster.c wording "
             "(CAC_STARTUP, CAC_SHUTDOWN, CAC_RECOVERY, CAC_NOTCONSISTENT).",
        sqlstate="57P03",
        priority=60,
    ),
    Entry(
        id="pg.detail.role_missing",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(rf"DETAIL:\s+Role {Q}(?P<user>[^\"'“”]*){Q} does not exist"),
        cause="role_missing",
        meaning=(
            "The server log's DETAIL line says why the password was refused: the role {user} does not exist on "
            "this server (the client only sees 'password authentication failed', on purpose). Common with Docker: "
            "the data volume was initialised earlier with another POSTGRES_USER, which is ignored afterwards."
        ),
        fix=(
            "Create the role (CREATE ROLE {user} LOGIN PASSWORD '...') or connect as a role that exists; with "
            "Docker, remove the old volume or create the role by hand, since POSTGRES_USER applies only to an "
            "empty volume."
        ),
        examples=(
            'FATAL:  password authentication failed for user "user"\nDETAIL:  Role "user" does not exist.\n'
            '  Connection matched pg_hba.conf line 99: "host all all all md5"',
        ),
        note="Corpus: kutt #722 (the server's log, which carries the DETAIL the client does not get). PostgreSQL "
             "auth.c: 'Role \"%s\" does not exist.' as the DETAIL of an authentication failure.",
        sqlstate="28P01",
        priority=70,
        rank=1,
    ),
    Entry(
        id="pg.detail.password_mismatch",
        source="server",
        engine="postgresql",
        pattern=compile_pattern(rf"DETAIL:\s+Password does not match for user {Q}(?P<user>[^\"'“”]*){Q}"),
        cause="password_failed",
        meaning=(
            "The server log's DETAIL line confirms the role {user} exists and the password sent is not its "
            "password."
        ),
        fix=(
            "Use {user}'s current password (percent-encode special characters in a URL), or set it again with "
            "ALTER ROLE {user} PASSWORD '...'."
        ),
        examples=(
            'FATAL:  password authentication failed for user "postgres"\nDETAIL:  Password does not match for '
            'user "postgres".\n        Connection matched pg_hba.conf line 95: "host all all all md5"',
        ),
        note="Corpus: docker-library/postgres #679. PostgreSQL auth.c DETAIL text.",
        sqlstate="28P01",
        priority=70,
        rank=1,
    ),
)
