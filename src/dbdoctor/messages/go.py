"""Go: pgx, lib/pq, go-sql-driver/mysql.

Moved from the former catalog.py (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import KNOWLEDGE, Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    # ---------------------------------------------------------------- Go
    Entry(
        id="pgx.server_refused_tls",
        source="pgx",
        engine="postgresql",
        pattern=compile_pattern(r"server refused TLS connection"),
        cause="server_ssl_unsupported",
        meaning="pgx required TLS and the server does not offer it.",
        fix="Turn SSL on at the server or use the endpoint that has it.",
        examples=("failed to connect to `host=db user=app database=app`: server refused TLS connection",),
        note=KNOWLEDGE,
    ),
    Entry(
        id="libpq-go.ssl_not_enabled",
        source="lib/pq",
        engine="postgresql",
        pattern=compile_pattern(r"pq: SSL is not enabled on the server"),
        cause="server_ssl_unsupported",
        meaning="lib/pq required SSL (its default up to v1.11 is require) and the server does not offer it.",
        fix="Turn SSL on at the server; or, only on a trusted network, sslmode=disable.",
        examples=("pq: SSL is not enabled on the server",),
        note=KNOWLEDGE,
    ),
    Entry(
        id="libpq-go.unsupported_sslmode",
        source="lib/pq",
        engine="postgresql",
        pattern=compile_pattern(r"pq: unsupported sslmode \"(?P<sslmode>[^\"]*)\"|unsupported sslmode \"(?P<sslmode2>[^\"]*)\"; only"),
        cause="param_invalid",
        meaning="lib/pq up to v1.11 knows only disable, require, verify-ca and verify-full; {sslmode} is refused.",
        fix="Use require or verify-full (or upgrade lib/pq to 1.12+, which adds prefer and allow).",
        examples=('unsupported sslmode "prefer"; only "require" (default), "verify-full", "verify-ca", and "disable" supported',),
        note=KNOWLEDGE,
    ),
    Entry(
        id="go-mysql.tls_unsupported",
        source="go-sql-driver/mysql",
        engine="mysql",
        pattern=compile_pattern(r"TLS requested but server does not support TLS"),
        cause="server_ssl_unsupported",
        meaning="The Go driver was configured with tls=true (or a registered config) and the server has no TLS.",
        fix="Configure TLS on the server or use the endpoint that has it.",
        examples=("TLS requested but server does not support TLS",),
        note=KNOWLEDGE,
    ),
    # ---------------------------------------------------------------- real-world corpus (issue 11)
    Entry(
        id="go.x509_unknown_authority",
        source="Go crypto/x509 (pgx, lib/pq, go-sql-driver/mysql)",
        engine="any",
        pattern=compile_pattern(r"x509: certificate signed by unknown authority"),
        cause="cert_untrusted",
        meaning=(
            "The server's certificate chain does not lead to a CA the Go program trusts: the system store, or the "
            "root certificate it was given (pgx also reads ~/.postgresql/root.crt, like libpq), does not contain "
            "the CA that signed it."
        ),
        fix=(
            "Give the program the server's CA (sslrootcert=/path/ca.pem for pgx and lib/pq, a tls.Config with "
            "RootCAs for go-sql-driver/mysql), or remove a stale ~/.postgresql/root.crt; do not switch "
            "verification off."
        ),
        examples=(
            "failed to connect to `user=admin database=postgres`:\n         failed to write startup message: write "
            "failed: tls: failed to verify certificate: x509: certificate signed by unknown authority",
            "Error: failed to connect to `host=localhost user=root database=postgres`: failed to write startup "
            "message (x509: certificate signed by unknown authority)",
        ),
        note="Corpus: aurora-dsql-samples #109, steampipe #1417, cockroach #23507. Go crypto/x509 "
             "UnknownAuthorityError text.",
        priority=60,
    ),
    Entry(
        id="go.x509_name_mismatch",
        source="Go crypto/x509",
        engine="any",
        pattern=compile_pattern(r"x509: certificate is (?:valid for (?P<name>[^\n]+?), not (?P<host>[^\s\"'`]+)|"
                   r"not valid for any names)"),
        cause="hostname_mismatch",
        meaning=(
            "The certificate is trusted but does not name the host the program connected to ({host}): it is "
            "valid for {name}."
        ),
        fix=(
            "Connect with a host name the certificate lists (or reissue the certificate with this name in its "
            "subjectAltName); with go-sql-driver/mysql a tls.Config ServerName can name the certificate's host."
        ),
        examples=(
            "x509: certificate is valid for pc01, not localhost\nexit status 1",
            "failed to verify certificate: x509: certificate is not valid for any names, but wanted to match "
            "db.example.test",
        ),
        note="Corpus: lib/pq #827, ClickHouse docs #3801 (MySQL ClickPipes). Go crypto/x509 HostnameError text.",
        priority=60,
    ),
    Entry(
        id="go.dial_timeout",
        source="Go net",
        engine="any",
        pattern=compile_pattern(r"dial tcp (?P<address>[^\s:]*|\[[0-9a-f:]+\]):(?P<port>\d+): (?:connect: connection timed out|"
                   r"i/o timeout)"),
        cause="connect_timeout",
        meaning=(
            "No answer from {address}, port {port}: the packets are dropped on the way (a firewall, a security "
            "group, a private address not routed from here)."
        ),
        fix=(
            "Allow the client in the database's security group or firewall, or connect from inside its network; "
            "check that the address is the one the provider gives for outside access."
        ),
        examples=(
            "goose run: dial tcp 10.0.20.65:5432: connect: connection timed out",
            "failed to connect to `host=db.example.test user=app database=app`: dial error (dial tcp "
            "203.0.113.10:5432: i/o timeout)",
        ),
        note="Corpus: pressly/goose #179. Go net error texts (ETIMEDOUT, deadline exceeded).",
        priority=55,
    ),
    Entry(
        id="go.dial_refused",
        source="Go net",
        engine="any",
        pattern=compile_pattern(r"dial tcp (?P<address>[^\s:]+|\[[0-9a-f:]+\]):(?P<port>\d+): connect: connection refused"),
        cause="connection_refused",
        meaning="Nothing accepts TCP connections at {address}, port {port}: the server is down or listens elsewhere.",
        fix="Start the server, or use the address and port it listens on (listen_addresses, bind-address).",
        examples=(
            "127.0.0.1:5432 (localhost): dial error: dial tcp 127.0.0.1:5432: connect: connection refused",
            "dial tcp [::1]:5432: connect: connection refused",
        ),
        note="Corpus: pgwatch #1426, supabase auth issues. Go net ECONNREFUSED text.",
        priority=55,
    ),
    Entry(
        id="go.dial_empty_address",
        source="Go net",
        engine="any",
        pattern=compile_pattern(r"dial tcp :0: connect: connection refused"),
        cause="invalid_target",
        meaning=(
            "The program dialled an empty host and port 0: its connection settings are empty (environment "
            "variables not set or not loaded), not a server problem."
        ),
        fix="Set the host and port the program reads (check the environment or config file it loads).",
        examples=("dial tcp :0: connect: connection refused",),
        note="Corpus: uberswe/golang-base-project #22.",
        priority=65,
    ),
    Entry(
        id="go.lookup_no_such_host",
        source="Go net",
        engine="any",
        pattern=compile_pattern(r"dial tcp: lookup (?P<host>\S+?)(?: on [^:\s]+(?::\d+)?)?: (?:no such host|"
                   r"server misbehaving|Temporary failure in name resolution)"),
        cause="dns_unresolved",
        meaning="The host name {host} does not resolve from where the program runs.",
        fix="Fix the host name (no brackets or quotes around it), or use the name the network really serves "
            "(a Docker service name only resolves on that Docker network).",
        examples=(
            "panic: dial tcp: lookup (db): no such host",
            "dial tcp: lookup db.example.test on 127.0.0.11:53: no such host",
        ),
        note="Corpus: jackc/pgx #453. Go net DNSError texts.",
        priority=55,
    ),
    Entry(
        id="go-mysql.auth_plugin_unsupported",
        source="go-sql-driver/mysql",
        engine="mysql",
        pattern=compile_pattern(r"this authentication plugin is not supported"),
        cause="auth_method_unsupported",
        meaning=(
            "The server asks for an authentication plugin this go-sql-driver/mysql version does not implement: "
            "caching_sha2_password (MySQL 8's default) needs driver 1.4 or later; unix_socket or a proxy's plugin "
            "are not supported at all."
        ),
        fix=(
            "Upgrade github.com/go-sql-driver/mysql (go get -u); or create the account WITH mysql_native_password; "
            "for MariaDB's unix_socket root, use a password account."
        ),
        examples=(
            "2018/09/20 11:52:57 http: panic serving [::1]:50052: this authentication plugin is not supported",
            "context.go:575 Connect mysql failed this authentication plugin is not supported",
        ),
        note="Corpus: go-sql-driver/mysql #796, #857, #828, go-clean-arch #43, keratin/authn-server #52, my2sql "
             "#26. Driver source: errors.go ErrUnknownPlugin. MySQL 8 only: not reproducible with MariaDB here.",
        priority=60,
    ),
)
