"""libpq's own messages (and psycopg's wrapping of them).

Moved from the former catalog.py (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import CONFIRMED_LIBPQ, Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    Entry(
        id="libpq.no_password",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"fe_sendauth: no password supplied"),
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
        note=CONFIRMED_LIBPQ,
    ),
    # ---------------------------------------------------------------- libpq: encryption and certificates
    Entry(
        id="libpq.server_no_ssl",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"server does not support SSL, but SSL was required"),
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
        note=CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.cert_verify_failed",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"SSL error: certificate verify failed"),
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
        note=CONFIRMED_LIBPQ + " libpq 17+ adds the reason only with sslrootcert=system (DRIVERS.md).",
        priority=60,
    ),
    Entry(
        id="libpq.ip_address_mismatch",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(
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
        note=CONFIRMED_LIBPQ,
        priority=65,
    ),
    Entry(
        id="libpq.hostname_mismatch",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(
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
        note=CONFIRMED_LIBPQ,
        priority=60,
    ),
    Entry(
        id="libpq.root_cert_missing",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"root certificate file \"(?P<path>[^\"]*)\" does not exist"),
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
        note=CONFIRMED_LIBPQ + " The second line differs up to PG15 (DRIVERS.md).",
    ),
    Entry(
        id="libpq.root_cert_unreadable",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"could not read root certificate file \"(?P<path>[^\"]*)\""),
        cause="ca_file_invalid",
        meaning="The root certificate file {path} exists but holds no certificate libpq can read (not PEM, empty, or unreadable).",
        fix="Replace {path} with the provider's CA bundle in PEM form (text starting with -----BEGIN CERTIFICATE-----).",
        examples=('could not read root certificate file "/app/ca.pem": no certificate or crl found',),
        confirmed=True,
        note=CONFIRMED_LIBPQ + " Not in the knowledge files.",
    ),
    Entry(
        id="libpq.system_weak_sslmode",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"weak sslmode \"(?P<sslmode>[^\"]*)\" may not be used with sslrootcert=system"),
        cause="param_invalid",
        meaning=(
            "sslrootcert=system (libpq 16+) trusts every public CA, so libpq insists on verify-full; "
            "sslmode={sslmode} is refused before connecting."
        ),
        fix="Use sslmode=verify-full with sslrootcert=system (or leave sslmode unset: it then defaults to verify-full).",
        examples=('connection is bad: weak sslmode "require" may not be used with sslrootcert=system (use "verify-full")',),
        confirmed=True,
        note=CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.invalid_sslmode",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"invalid sslmode value: \"(?P<sslmode>[^\"]*)\""),
        cause="param_invalid",
        meaning=(
            "{sslmode} is not an sslmode libpq knows. The values are disable, allow, prefer, require, verify-ca "
            "and verify-full, lower case ('required' and 'REQUIRE' are refused)."
        ),
        fix="Use one of the six values; for a managed database, sslmode=verify-full with its CA file.",
        examples=('connection is bad: invalid sslmode value: "required"',),
        confirmed=True,
        note=CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.invalid_uri_param",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"invalid URI query parameter: \"(?P<param>[^\"]*)\""),
        cause="param_unknown",
        meaning=(
            "The URL has a query parameter libpq does not know: {param}. Parameter names are case-sensitive "
            "(sslMode is not sslmode); ssl=true is the only alias libpq accepts."
        ),
        fix="Use libpq's parameter names (sslmode, sslrootcert, ...), lower case.",
        examples=('invalid URI query parameter: "sslMode"',),
        confirmed=True,
        note=CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.invalid_option",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"invalid connection option \"(?P<param>[^\"]*)\""),
        cause="param_unknown",
        meaning=(
            "The connection string has an option libpq does not know: {param}. ssl=true is accepted only in "
            "URLs, not in keyword strings nor from SQLAlchemy's psycopg dialects."
        ),
        fix="Use libpq's option names: sslmode=require (or verify-full) instead of ssl=...",
        examples=('invalid connection option "ssl"',),
        confirmed=True,
        note=CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.invalid_integer",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"invalid integer value \"(?P<value>[^\"]*)\" for connection option \"(?P<param>[^\"]*)\""),
        cause="param_invalid",
        meaning="The option {param} must be a number and is {value}.",
        fix="Give {param} a plain number (port=5432).",
        examples=('connection is bad: invalid integer value "abc" for connection option "port"',),
        confirmed=True,
        note=CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.ports_mismatch",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"could not match (?P<ports>\d+) port numbers to (?P<hosts>\d+) hosts"),
        cause="param_invalid",
        meaning="With several hosts, port must list one port or exactly one per host; here the counts differ.",
        fix="Give one port for all hosts, or one per host in the same order.",
        examples=("could not match 3 port numbers to 2 hosts",),
        confirmed=True,
        note=CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.ssl_eof",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"SSL error: unexpected eof while reading|SSL SYSCALL error: EOF detected"),
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
        note=CONFIRMED_LIBPQ + " 'SSL SYSCALL error: EOF detected' is libpq 17's text ([V] in DRIVERS.md).",
        priority=60,
    ),
    Entry(
        id="libpq.ssl_alert_unknown_ca",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"SSL error: tlsv1 alert unknown ca"),
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
        note=CONFIRMED_LIBPQ + " (a client certificate from another CA). Not in the knowledge files.",
        priority=60,
    ),
    Entry(
        id="libpq.ssl_error",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"SSL error: (?P<value>[^\n]+)"),
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
        pattern=compile_pattern(r"Connection refused(?:\s+Is the server running on that host and accepting TCP/IP connections\?)?"),
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
        note=CONFIRMED_LIBPQ,
    ),
    Entry(
        id="libpq.socket_missing",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"connection to server on socket \"(?P<path>[^\"]*)\" failed: No such file or directory"),
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
        note=CONFIRMED_LIBPQ,
        priority=60,
    ),
    Entry(
        id="libpq.dns",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"could not translate host name \"(?P<host>[^\"]*)\" to address"),
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
        pattern=compile_pattern(r"failed to resolve host '(?P<host>[^']*)'"),
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
        pattern=compile_pattern(r"failed to resolve host '(?P<host>[^']*)': \[Errno -8\] Servname not supported"),
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
        pattern=compile_pattern(r"(?:connection )?timeout expired"),
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
        pattern=compile_pattern(r"Network is unreachable|No route to host|\bE(?:NET|HOST)UNREACH\b"),
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
        id="libpq.server_closed",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"server closed the connection unexpectedly"),
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
        note=CONFIRMED_LIBPQ + " (a listener that accepts and closes).",
    ),
    Entry(
        id="libpq.invalid_ssl_response",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"received invalid response to SSL negotiation: (?P<value>\S)"),
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
        note=CONFIRMED_LIBPQ + " (an HTTP server).",
    ),
    Entry(
        id="libpq.expected_auth",
        source="libpq",
        engine="postgresql",
        # libpq prints the byte as a character: a NUL byte prints as nothing
        pattern=compile_pattern(r"expected authentication request from server, but received(?: (?P<value>\S))?"),
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
        note=CONFIRMED_LIBPQ + " (an HTTP server, sslmode=disable).",
    ),
    Entry(
        id="libpq.client_cert_file",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(
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
        note=CONFIRMED_LIBPQ + " Not in the knowledge files.",
    ),
    # ---------------------------------------------------------------- real-world corpus (issue 11)
    Entry(
        id="libpq.ssl_not_compiled",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"sslmode value \"(?P<sslmode>[^\"]*)\" invalid when SSL support is not compiled in"),
        cause="client_without_ssl",
        meaning=(
            "The libpq this program uses was built without SSL support, so it refuses sslmode={sslmode} before "
            "connecting: no TLS mode can work with this build. The server and the settings are not the problem."
        ),
        fix=(
            "Use a libpq built with OpenSSL: update the tool (or its bundled PostgreSQL client library), install "
            "your distribution's libpq, or use another client; only sslmode=disable/allow/prefer would run, in "
            "plain text."
        ),
        examples=(
            'Error: sslmode value "require" invalid when SSL support is not compiled in',
            'Could not connect to the database.\nMessage returned: sslmode value "verify-ca" invalid when SSL '
            "support is not compiled in",
        ),
        note="Corpus: pgmodeler #973, sqltabs #35, duckdb-postgres #14, PEDSnet #202. libpq fe-connect.c wording.",
        priority=60,
    ),
    Entry(
        id="libpq.operation_timed_out",
        source="libpq",
        engine="postgresql",
        pattern=compile_pattern(r"could not connect to server: (?:Operation|Connection) timed out"),
        cause="connect_timeout",
        meaning=(
            "The TCP connection got no answer at all before the operating system gave up: a firewall, a security "
            "group or an allowlist drops the packets, or the address is not the server's."
        ),
        fix=(
            "Allow your client's address in the database's firewall or authorized networks, check the host and "
            "port, and test the path with nc -vz host port from the same machine."
        ),
        examples=(
            'could not connect to server: Operation timed out\n\tIs the server running on host "" and accepting\n'
            "\tTCP/IP connections on port 5432?",
            'could not connect to server: Connection timed out\n\tIs the server running on host "db.example.test" '
            "(203.0.113.10) and accepting\n\tTCP/IP connections on port 5432?",
        ),
        note="Corpus: sqitch #385; libpq before 14 (the macOS errno text is 'Operation timed out').",
        priority=55,
    ),
)
