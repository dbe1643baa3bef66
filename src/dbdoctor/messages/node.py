"""node-postgres and Node's own net/tls errors.

Moved from the former catalog.py (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import CONFIRMED_NODE, KNOWLEDGE_V, Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    # ---------------------------------------------------------------- node-postgres
    Entry(
        id="node-postgres.server_no_ssl",
        source="node-postgres",
        engine="postgresql",
        pattern=compile_pattern(r"The server does not support SSL connections"),
        cause="server_ssl_unsupported",
        meaning="node-postgres was configured for SSL (ssl, sslmode, or PGSSLMODE) and the server does not offer it.",
        fix="Turn SSL on at the server, or connect to the endpoint that has it.",
        examples=("Error: The server does not support SSL connections",),
        near_misses=("server does not support SSL, but SSL was required",),
        confirmed=True,
        note=CONFIRMED_NODE,
        priority=60,
    ),
    Entry(
        id="node-postgres.altnames_ip",
        source="node-postgres (Node tls)",
        engine="postgresql",
        pattern=compile_pattern(r"Hostname/IP does not match certificate's altnames: IP: (?P<host>\S+?) is not in the cert's list"),
        cause="ip_address_mismatch",
        meaning=(
            "Node connected by IP address {host} and the certificate does not list it. node-postgres verifies "
            "the host for every sslmode from prefer to verify-full unless uselibpqcompat=true."
        ),
        fix="Connect with a host name the certificate lists.",
        examples=("Error: Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ",),
        confirmed=True,
        note=CONFIRMED_NODE,
        priority=75,
    ),
    Entry(
        id="node-postgres.altnames",
        source="node-postgres (Node tls)",
        engine="postgresql",
        pattern=compile_pattern(r"Hostname/IP does not match certificate's altnames: Host: (?P<host>\S+?)\.? is not in the cert's altnames: (?P<name>[^\n]*)"),
        cause="hostname_mismatch",
        meaning=(
            "The host {host} is not among the certificate's names ({name}). node-postgres checks the host name "
            "even with sslmode=require, which libpq does not: a string that works with psql can fail in Node."
        ),
        fix="Connect with a name the certificate lists; or add uselibpqcompat=true to get libpq's meaning of sslmode.",
        examples=(
            "Error: Hostname/IP does not match certificate's altnames: Host: localhost. is not in the cert's altnames: DNS:db.example.com",
        ),
        note=KNOWLEDGE_V,
        priority=75,
    ),
    Entry(
        id="node-postgres.security_warning",
        source="node-postgres",
        engine="postgresql",
        pattern=compile_pattern(r"SECURITY WARNING: The SSL modes 'prefer', 'require', and 'verify-ca' are treated as aliases"),
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
        note=CONFIRMED_NODE + " (the first line of the process warning)",
    ),
    Entry(
        id="node.enoent",
        source="node-postgres",
        engine="postgresql",
        pattern=compile_pattern(r"ENOENT: no such file or directory, open '(?P<path>[^']*)'"),
        cause="ca_file_missing",
        meaning=(
            "node-postgres reads sslrootcert, sslcert and sslkey when the connection string is parsed, and {path} "
            "does not exist here (the error comes from new Client(), before any connection)."
        ),
        fix="Ship the file with the app and use its path as the app sees it (inside the container).",
        examples=("Error: ENOENT: no such file or directory, open '/app/certs/ca.pem'",),
        confirmed=True,
        note=CONFIRMED_NODE,
        priority=40,
    ),
    Entry(
        id="node.econnrefused",
        source="Node (node-postgres, mysql2)",
        engine="any",
        pattern=compile_pattern(r"connect ECONNREFUSED (?P<address>[0-9a-f.:]+?):(?P<port>\d+)"),
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
        pattern=compile_pattern(r"connect ECONNREFUSED (?P<address>::1):(?P<port>\d+)"),
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
        pattern=compile_pattern(r"getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (?P<host>\S+)"),
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
        pattern=compile_pattern(r"connect ETIMEDOUT|Connection terminated due to connection timeout"),
        cause="connect_timeout",
        meaning="No answer in time: a firewall, an allowlist without your address, or an unreachable private address.",
        fix="Check that the database accepts connections from where the app runs, and the host and port.",
        examples=("Error: connect ETIMEDOUT 10.0.0.5:5432", "Error: Connection terminated due to connection timeout"),
        note="Node's and node-postgres's texts; not in the knowledge files: unconfirmed.",
    ),
    # ---------------------------------------------------------------- driver knowledge (issue 4: drivers/)
    Entry(
        id="node-postgres.ssl_string_crash",
        source="node-postgres",
        engine="postgresql",
        pattern=compile_pattern(r"Cannot use 'in' operator to search for 'key' in (?P<value>\S+)"),
        cause="param_invalid",
        meaning="node-postgres got an ssl value it does not know (ssl=false in the URL stays the string "
                "'false'): it starts TLS and then throws inside its socket handler, an uncaught exception that "
                "ends the process.",
        fix="Write ssl=0 (or sslmode=disable) to turn TLS off, ssl=true or sslmode=verify-full to turn it on.",
        examples=("TypeError: Cannot use 'in' operator to search for 'key' in false",),
        confirmed=True,
        note=CONFIRMED_NODE + " tests/drivers reproduces it.",
    ),
    Entry(
        id="node-postgres.compat_verify_ca_without_ca",
        source="node-postgres",
        engine="postgresql",
        pattern=compile_pattern(r"Using sslmode=verify-ca requires specifying a CA with sslrootcert"),
        cause="param_invalid",
        meaning="With uselibpqcompat=true, node-postgres refuses sslmode=verify-ca without sslrootcert when the "
                "string is parsed (libpq would fall back to ~/.postgresql/root.crt; node-postgres has no such "
                "default).",
        fix="Add sslrootcert=/path/to/ca.pem, or use sslmode=verify-full.",
        examples=("Error: SECURITY WARNING: Using sslmode=verify-ca requires specifying a CA with sslrootcert. "
                  "If a public CA is used, verify-ca allows connections to a server that somebody else may "
                  "have registered with the CA",),
        confirmed=True,
        note=CONFIRMED_NODE + " tests/drivers reproduces it.",
    ),
    # ---------------------------------------------------------------- real-world corpus (issue 11)
    Entry(
        id="node.error_object.econnrefused",
        source="Node (error object printed as JSON or util.inspect)",
        engine="any",
        pattern=compile_pattern(r"\b(?:code|errno)[\"']?\s*:\s*[\"']ECONNREFUSED[\"']|connect ECONNREFUSED(?![ \t]*[0-9a-f.:\[])"),
        cause="connection_refused",
        meaning=(
            "Node could not open the TCP connection: nothing listens at the address and port the driver used "
            "(the server is down, on another port, or localhost is not where the database runs)."
        ),
        fix="Start the server or fix host and port; in Docker use the database service's name, not localhost.",
        examples=(
            "{ [Error: connect ECONNREFUSED]\n  code: 'ECONNREFUSED',\n  errno: 'ECONNREFUSED',\n  syscall: "
            "'connect',\n  fatal: true }",
            '{"errno":"ECONNREFUSED","code":"ECONNREFUSED","syscall":"connect","address":"127.0.0.1","port":5432}',
        ),
        note="Corpus: mysqljs #718, #874, #975. Node's errno names (libuv).",
        priority=45,
    ),
    Entry(
        id="node.error_object.etimedout",
        source="Node (error object printed as JSON or util.inspect)",
        engine="any",
        pattern=compile_pattern(r"\b(?:code|errno)[\"']?\s*:\s*[\"']ETIMEDOUT[\"']|write CONNECT_TIMEOUT"),
        cause="connect_timeout",
        meaning=(
            "The connection got no answer in time: packets dropped by a firewall or allowlist, an address not "
            "reachable from here (an IPv6-only host from an IPv4 network), or a server too slow to accept. "
            "postgres.js says 'write CONNECT_TIMEOUT host:port' after its connect_timeout (30 s by default)."
        ),
        fix="Allow the client's address, check that the host is reachable from this network (IPv4 vs IPv6), or "
            "raise the driver's connect timeout if the path is slow.",
        examples=(
            'Error JSON: {\n  "code": "ETIMEDOUT"\n}',
            "Error: write CONNECT_TIMEOUT postgres13:5432\n    at connection (/app/node_modules/postgres/src/"
            "errors.js:26:9)",
        ),
        note="Corpus: porsager/postgres #749, #457, #851, dbgate #1248 (the JSON object). postgres.js "
             "src/connection.js connectTimedOut.",
        priority=45,
    ),
    Entry(
        id="node.error_object.dns",
        source="Node (error object printed as JSON or util.inspect)",
        engine="any",
        pattern=compile_pattern(r"\b(?:code|errno)[\"']?\s*:\s*[\"'](?:ENOTFOUND|EAI_AGAIN|EAI_FAIL)[\"']|"
                   r"\bEAI_(?:AGAIN|FAIL|NONAME|NODATA)\b"),
        cause="dns_unresolved",
        meaning=(
            "The host name did not resolve: EAI_AGAIN is a temporary DNS failure (often a Docker service name "
            "used from a container not on that network), EAI_FAIL and ENOTFOUND a name that does not exist."
        ),
        fix=(
            "Fix the host name; in Docker make sure the app and the database share a network (docker compose up "
            "--force-recreate), or use localhost from the host machine."
        ),
        examples=("Postgres not reachable: EAI_AGAIN", "Error: getaddrinfo EAI_FAIL db.example.test"),
        note="Corpus: SnapOtter #688, dbcodeio #33, requarks/wiki #4932. Node's getaddrinfo error names.",
        priority=40,
    ),
    Entry(
        id="node.error_object.pg_28P01",
        source="node-postgres (error object)",
        engine="postgresql",
        pattern=compile_pattern(r"\bcode[\"']?\s*:\s*[\"']28P01[\"']|routine[\"']?\s*:\s*[\"']auth_failed[\"']"),
        cause="password_failed",
        meaning="node-postgres printed the server's error object: SQLSTATE 28P01 is 'password authentication "
                "failed' for the user the client sent.",
        fix="Use the role's current password (percent-encode special characters in a URL).",
        examples=("  severity: 'FATAL',\n  code: '28P01',\n  file: 'auth.c',\n  line: '307',\n  routine: "
                  "'auth_failed' }",),
        note="Corpus: node-postgres #1511. PostgreSQL errcodes.txt.",
        sqlstate="28P01",
        priority=45,
    ),
    Entry(
        id="node-postgres.sasl_password_not_string",
        source="node-postgres",
        engine="postgresql",
        pattern=compile_pattern(r"SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a (?:non-empty )?string"),
        cause="password_missing",
        meaning=(
            "The server asks for a SCRAM password and node-postgres has none (or not a string): the password "
            "setting is empty or undefined, typically an environment variable that was not loaded."
        ),
        fix="Pass the password (PGPASSWORD, the URL, or the password option as a string); check that .env is "
            "loaded before the pool is created.",
        examples=("Error: SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string",),
        note="Corpus: csfloat/inspect #222; node-postgres lib/crypto/sasl.js.",
        priority=60,
    ),
)
