"""MySQL and MariaDB server and C client (libmysqlclient, libmariadb) messages.

Moved from the former catalog.py (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import ACCESS_DENIED, CONFIRMED_MARIADB, KNOWLEDGE, Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    # ---------------------------------------------------------------- MySQL and MariaDB
    Entry(
        id="mariadb.ssl_required_unsupported",
        source="MariaDB client",
        engine="mysql",
        pattern=compile_pattern(r"TLS/SSL error: SSL is required, but the server does not support it"),
        cause="server_ssl_unsupported",
        meaning="The MariaDB client was told to enforce TLS (--ssl-verify-server-cert) and the server has no TLS.",
        fix="Configure TLS on the server (ssl_cert, ssl_key) or use the endpoint that has it.",
        examples=("ERROR 2026 (HY000): TLS/SSL error: SSL is required, but the server does not support it",),
        confirmed=True,
        note=CONFIRMED_MARIADB + " (server without TLS, --ssl-verify-server-cert; plain --ssl silently connected without TLS)",
        priority=70,
    ),
    Entry(
        id="mysql.ssl_required_unsupported",
        source="MySQL client, PyMySQL",
        engine="mysql",
        pattern=compile_pattern(r"SSL is required,? but the server does(?:n't| not) support it"),
        cause="server_ssl_unsupported",
        meaning="The client requires TLS (--ssl-mode=REQUIRED or stricter, or PyMySQL with an SSL option) and the server has no TLS.",
        fix="Configure TLS on the server or use the endpoint that has it.",
        examples=(
            "ERROR 2026 (HY000): SSL connection error: SSL is required but the server doesn't support it",
            "(2026, \"SSL is required but the server doesn't support it\")",
            'OperationalError(2026, "SSL is required but the server doesn\'t support it")',
        ),
        confirmed=True,
        note=CONFIRMED_MARIADB + " PyMySQL's form; the MySQL client's form is from DRIVERS.md, unconfirmed.",
        priority=60,
    ),
    Entry(
        id="mariadb.cert_validation",
        source="MariaDB client",
        engine="mysql",
        pattern=compile_pattern(r"TLS/SSL error: Validation of SSL server certificate failed"),
        cause="hostname_mismatch",
        meaning="With --ssl-verify-server-cert the MariaDB client found that the certificate does not name the host (its text for a host mismatch).",
        fix="Connect with a host name the certificate lists.",
        examples=("ERROR 2026 (HY000): TLS/SSL error: Validation of SSL server certificate failed",),
        confirmed=True,
        note=CONFIRMED_MARIADB,
        priority=70,
    ),
    Entry(
        id="mysql.insecure_transport",
        source="MySQL server",
        engine="mysql",
        pattern=compile_pattern(r"Connections using insecure transport are prohibited while --require_secure_transport=ON"),
        cause="server_requires_ssl",
        meaning="The server has require_secure_transport=ON and the client logged in without TLS (checked after authentication).",
        fix="Encrypt on the client: --ssl-mode=VERIFY_IDENTITY with the CA (or at least REQUIRED); in drivers, their ssl options.",
        examples=("ERROR 3159 (HY000): Connections using insecure transport are prohibited while --require_secure_transport=ON.",),
        note=KNOWLEDGE,
        sqlstate="HY000",
    ),
    Entry(
        id="mysql.access_denied.no_password",
        source="MySQL/MariaDB server (1045)",
        engine="mysql",
        pattern=compile_pattern(r"Access denied for user '?(?P<user>[^'@\s]*)'?@'?(?P<address>[^'\s(]*)'?\s*"
                   r"\(using password: NO\)"),
        cause="password_missing",
        meaning=(
            "The server refused {user} and the client sent no password at all ('using password: NO'): the "
            "account has a password (or does not exist for this client host) and the program's configuration "
            "left the password empty, or did not load it. (MariaDB answers the same to a login without TLS under "
            "require_secure_transport: the alternatives below.)"
        ),
        fix=(
            "Give the password (the app's DB_PASSWORD / the URL / -p for the mysql client) and check that the "
            "configuration file or environment that holds it is the one loaded."
        ),
        examples=(
            "Error: Access denied for user 'root'@'localhost' (using password: NO)",
            "Db error: \"Access denied for user 'root'@'localhost' (using password: NO)\" Error code: \"1045\"",
        ),
        note="Corpus (held out, collected after the other entries): AVideo #881, VvvebJs #323, vichan #343, "
             "FlyEnv #632. Server error 1045 text; 'using password: NO' means the client sent none.",
        sqlstate="28000",
        priority=60,
    ),
    Entry(
        id="mysql.access_denied",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=compile_pattern(ACCESS_DENIED),
        cause="password_failed",
        meaning=(
            "The server refused {user} from {address}: the password is wrong, or no account matches "
            "{user}@{address}. On MariaDB the same text also means other things; see the other candidates."
        ),
        fix="Check user, password and the host part of the account (SELECT user, host FROM mysql.user).",
        examples=("ERROR 1045 (28000): Access denied for user 'app'@'localhost' (using password: YES)",),
        confirmed=True,
        note=CONFIRMED_MARIADB + " Also what a user that does not exist gets.",
        sqlstate="28000",
        priority=60,
    ),
    Entry(
        id="mariadb.access_denied_secure_transport",
        source="MariaDB server",
        engine="mysql",
        pattern=compile_pattern(ACCESS_DENIED),
        cause="server_requires_ssl",
        meaning=(
            "MariaDB 10.11 with require_secure_transport=ON answers a login without TLS with this same 'Access "
            "denied' text, and so does an account created with REQUIRE SSL. If the password is right, the "
            "client did not encrypt. Only a second attempt over TLS tells it apart from a wrong password."
        ),
        fix="Connect with TLS (the MariaDB client: --ssl --ssl-verify-server-cert --ssl-ca=...; drivers: their ssl options) and try again.",
        examples=("ERROR 1045 (28000): Access denied for user 'app'@'localhost' (using password: NO)",),
        confirmed=True,
        note=CONFIRMED_MARIADB + " (require_secure_transport=ON, and a REQUIRE SSL account, both without TLS: the same text as a wrong password)",
        sqlstate="28000",
        priority=60,
    ),
    Entry(
        id="mariadb.access_denied_x509",
        source="MariaDB/MySQL server",
        engine="mysql",
        pattern=compile_pattern(ACCESS_DENIED),
        cause="client_cert_required",
        meaning="An account created with REQUIRE X509 (or REQUIRE SUBJECT/ISSUER) logging in without a client certificate gets the same 'Access denied'.",
        fix="Connect with the client certificate and key (--ssl-cert, --ssl-key) over TLS.",
        examples=("Access denied for user 'app'@'10.0.0.7' (using password: YES)",),
        confirmed=True,
        note=CONFIRMED_MARIADB + " (a REQUIRE X509 account over TLS without a client certificate)",
        sqlstate="28000",
        priority=60,
    ),
    Entry(
        id="mysql.db_access_denied",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=compile_pattern(r"Access denied for user '(?P<user>[^']*)'@'(?P<address>[^']*)' to database '(?P<database>[^']*)'"),
        cause="database_missing",
        meaning=(
            "The login worked, but {user} has no privilege on the database {database} (error 1044): it is not this "
            "user's database, or it is misspelt (the server says the same for a database that does not exist)."
        ),
        fix="Set the database the account was granted (SHOW GRANTS as that user lists them), or GRANT it access.",
        examples=("ERROR 1044 (42000): Access denied for user 'app'@'localhost' to database 'mysql'",
                  "(1044, \"Access denied for user 'app'@'localhost' to database 'mysql'\")"),
        confirmed=True,
        note=CONFIRMED_MARIADB + " (a database the account has no grant on; tests/test_explain.py re-captures it)",
        sqlstate="42000",
        priority=70,
    ),
    Entry(
        id="mysql.max_user_connections",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=compile_pattern(r"User '?(?P<user>[^'\s]+)'? (?:already )?has (?:more than|exceeded the) "
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
        note=CONFIRMED_MARIADB + " (1226: an account WITH MAX_USER_CONNECTIONS 1, reached; tests/test_explain.py "
             "re-captures it). 1203's text is from the MySQL manual: unconfirmed.",
    ),
    Entry(
        id="mysql.host_not_allowed",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=compile_pattern(r"Host '(?P<address>[^']*)' is not allowed to connect to this (?:MySQL|MariaDB) server"),
        cause="hba_rejected",
        meaning="No account on the server matches connections from {address}: the server says so before authentication (error 1130).",
        fix="Create the account for this host (CREATE USER 'app'@'<address or %>'), or connect from an allowed address.",
        examples=("ERROR 1130 (HY000): Host '10.0.0.7' is not allowed to connect to this MariaDB server",),
        note=KNOWLEDGE,
    ),
    Entry(
        id="mysql.host_blocked",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=compile_pattern(r"Host '(?P<address>[^']*)' is blocked because of many connection errors"),
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
        pattern=compile_pattern(r"(?<![\w-])Too many connections"),
        cause="too_many_connections",
        meaning="The server has reached max_connections (error 1040).",
        fix="Use a connection pool, close idle connections, or raise max_connections.",
        examples=("ERROR 1040 (HY000): Too many connections", '(1040, "Too many connections")',
            "OperationalError(1040, 'Too many connections')",
        ),
        near_misses=("sorry, too many clients already",),
        confirmed=True,
        note=CONFIRMED_MARIADB + " (PyMySQL, max_connections reached)",
    ),
    Entry(
        id="mysql.unknown_database",
        source="MySQL/MariaDB server",
        engine="mysql",
        pattern=compile_pattern(r"Unknown database '(?P<database>[^']*)'"),
        cause="database_missing",
        meaning="The server has no database (schema) named {database} (error 1049).",
        fix="Set the right database name, or create it.",
        examples=("ERROR 1049 (42000): Unknown database 'app'",
            'OperationalError(1049, "Unknown database \'nodb\'")',
        ),
        confirmed=True,
        note=CONFIRMED_MARIADB,
    ),
    Entry(
        id="mysql.cant_connect_refused",
        source="MySQL/MariaDB client, PyMySQL",
        engine="mysql",
        pattern=compile_pattern(r"Can't connect to (?:MySQL |MariaDB )?server on '(?P<host>[^']*)'(?::(?P<port>\d+))? \((?:111|115|10061)\b[^)]*\)|Can't connect to (?:MySQL |MariaDB )?server on '(?P<host2>[^']*)' \(\[(?:Errno 111|WinError 10061)\]"),
        cause="connection_refused",
        meaning="Nothing accepts connections on {host} at that port (errno 111).",
        fix="Check host and port (3306 by default) and that the server is up and listening there (bind-address).",
        examples=(
            "ERROR 2002 (HY000): Can't connect to server on '127.0.0.1' (111)",
            "(2003, \"Can't connect to MySQL server on '127.0.0.1' ([Errno 111] Connection refused)\")",
            "ERROR 2002 (HY000): Can't connect to server on '127.0.0.1' (115)",
        ),
        confirmed=True,
        note=CONFIRMED_MARIADB + " The mariadb client reports errno 115 (EINPROGRESS) for a refused port, not 111.",
        priority=60,
    ),
    Entry(
        id="mysql.cant_connect_timeout",
        source="MySQL/MariaDB client, PyMySQL",
        engine="mysql",
        pattern=compile_pattern(r"Can't connect to (?:MySQL |MariaDB )?server on '(?P<host>[^']*)'[^\n]*?(?:\(110\)|timed out)"),
        cause="connect_timeout",
        meaning="No answer from {host} in time: a firewall, an allowlist without your address, or an unreachable address.",
        fix="Check that the database accepts connections from where the app runs, and the host and port.",
        examples=("(2003, \"Can't connect to MySQL server on 'db.example.com' (timed out)\")",
                  "(2003, \"Can't connect to MySQL server on '127.0.0.1' (_ssl.c:989: The handshake operation "
                  "timed out)\")"),
        confirmed=True,
        note=CONFIRMED_MARIADB + " (a server that greets and then never answers the TLS handshake; "
             "tests/test_explain.py re-captures it)",
        priority=60,
    ),
    Entry(
        id="mysql.unknown_host",
        source="MySQL/MariaDB client",
        engine="mysql",
        pattern=compile_pattern(r"Unknown (?:MySQL |MariaDB )?server host '(?P<host>[^']*)'"),
        cause="dns_unresolved",
        meaning="The host name {host} does not resolve here (error 2005).",
        fix="Check the host name and where the app resolves it.",
        examples=("ERROR 2005 (HY000): Unknown server host 'nope.invalid' (-2)",),
        confirmed=True,
        note=CONFIRMED_MARIADB,
    ),
    Entry(
        id="mysql.ssl_connection_error",
        source="MySQL/MariaDB client",
        engine="mysql",
        pattern=compile_pattern(r"(?:SSL connection error|TLS/SSL error): (?P<value>[^\n]+)"),
        cause="tls_handshake_failed",
        meaning="The TLS handshake with the server failed: {value}.",
        fix="Run `dbdoctor check` to see the TLS versions and certificate the server offers.",
        examples=("ERROR 2026 (HY000): SSL connection error: error:0A00010B:SSL routines::wrong version number",),
        note="Generic form; the specific texts above take precedence.",
        priority=25,
    ),
    Entry(
        id="mariadb.no_secure_transports",
        source="MariaDB server (start-up)",
        engine="mysql",
        pattern=compile_pattern(r"No secure transports are configured, unable to set --require_secure_transport=ON"),
        cause="server_ssl_unsupported",
        meaning="The server was told to require TLS but has no TLS configured, so it refuses to start (error 4167).",
        fix="Configure ssl_cert and ssl_key on the server, or turn require_secure_transport off.",
        examples=("No secure transports are configured, unable to set --require_secure_transport=ON",),
        note=KNOWLEDGE,
    ),
    # ---------------------------------------------------------------- real-world corpus (issue 11)
    Entry(
        id="mysql.socket_missing",
        source="MySQL/MariaDB client library",
        engine="mysql",
        pattern=compile_pattern(r"Can't connect to local (?:MySQL |MariaDB )?server through socket '(?P<path>[^']*)' "
                   r"\((?P<value>2|111)\b"),
        cause="connection_refused",
        meaning=(
            "With host localhost the MySQL client library connects through the Unix socket {path}, not TCP, and "
            "no server is there: the server is not running, uses another socket path, or runs elsewhere (in a "
            "Docker container, on another machine). Error {value}: 2 = no such socket file, 111 = nobody listens "
            "on it."
        ),
        fix=(
            "Start the server, or connect over TCP with host 127.0.0.1 (a Docker container's published port), or "
            "pass the server's real socket (--socket, socket= in my.cnf)."
        ),
        examples=(
            "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' "
            "(2)",
            "mysqldump: Got error: 2002: \"Can't connect to local MySQL server through socket "
            "'/run/mysqld/mysqld.sock' (2 \"No such file or directory\")\" when trying to connect",
            "ERROR 2002 (HY000): Can't connect to local server through socket '/run/mysqld/mysqld.sock' (2)",
        ),
        note="Corpus: bancho.py #207, teddysun/lamp #240, itranswarp #49, arbbot #59, dockerfiles #54, rwbox #6, "
             "xui.one #16. Client library CR_CONNECTION_ERROR (2002).",
        priority=60,
    ),
    Entry(
        id="mysql.lost_initial_packet.timeout",
        source="MySQL/MariaDB client library",
        engine="mysql",
        pattern=compile_pattern(r"Lost connection to MySQL server at '(?:handshake: )?(?:reading|waiting for) initial "
                   r"communication packet',? system error:? (?P<value>110|34|60)\b"),
        cause="connect_timeout",
        meaning=(
            "The server's greeting never came: system error {value} is a timeout, so the path to the server "
            "drops packets (firewall, allowlist) or the client's connect timeout is shorter than the network needs."
        ),
        fix="Allow the client's address on the way to the server, or raise connect_timeout on a slow path.",
        examples=(
            "Warning: mysql_connect(): Lost connection to MySQL server at 'waiting for initial communication "
            "packet', system error: 110 in /var/www/app/Database.php on line 18",
            "lost connection to mysql server at 'waiting for initial communication packet' system error 34",
        ),
        note="Corpus: arbbot #65, sqlyog-community #1897. Client library CR_SERVER_LOST_EXTENDED (2013).",
        priority=60,
    ),
    Entry(
        id="mysql.lost_initial_packet.refused",
        source="MySQL/MariaDB client library",
        engine="mysql",
        pattern=compile_pattern(r"Lost connection to MySQL server at '(?:handshake: )?(?:reading|waiting for) initial "
                   r"communication packet',? system error:? (?P<value>111|10061)\b"),
        cause="connection_refused",
        meaning="Error {value} is 'connection refused': nothing listens at that address and port.",
        fix="Start the server or fix host and port (bind-address, the port of a Docker container).",
        examples=(
            "PHP Warning:  mysqli::real_connect(): (HY000/2013): Lost connection to MySQL server at 'reading "
            "initial communication packet', system error: 111 in /var/www/html/app/QueryExplain.php on line 194",
            "Error in Query Explain Plugin: Connection error: Lost connection to MySQL server at 'reading initial "
            "communication packet', system error: 111(2013)",
        ),
        note="Corpus: box/Anemometer #195.",
        priority=60,
    ),
    Entry(
        id="mysql.lost_initial_packet",
        source="MySQL/MariaDB client library",
        engine="mysql",
        pattern=compile_pattern(r"Lost connection to MySQL server at '(?:handshake: )?(?:reading|waiting for) initial "
                   r"communication packet',? system error:? (?!110\b|34\b|60\b|111\b|10061\b)(?P<value>\d+)"),
        cause="connection_refused",
        meaning=(
            "The TCP connection opened but was closed before the server's greeting (system error {value}): the "
            "server does not serve that address (bind-address=127.0.0.1 behind a port forward or a Docker proxy), "
            "TCP wrappers or a firewall cut it, or the server is overloaded and drops new connections."
        ),
        fix=(
            "Check the server's bind-address and that it listens where the client connects (inside Docker: 0.0.0.0), "
            "then its error log and max_connections/back_log if it is overloaded."
        ),
        examples=(
            "ERROR: (2013): Lost connection to MySQL server at 'handshake: reading initial communication packet', "
            "system error: 11",
            "(SQLSTATE[HY000] [2013] Lost connection to MySQL server at 'reading initial communication packet', "
            "system error: 0)",
        ),
        note="Corpus: MySQL.jl #185 (bind-address), nZEDb #1159 (an overloaded server), docker-library/mysql "
             "#994, rse-grand-challenge #299.",
        priority=55,
    ),
    Entry(
        id="mysql.lost_initial_packet.overloaded",
        source="MySQL/MariaDB client library",
        engine="mysql",
        pattern=compile_pattern(r"Lost connection to MySQL server at '(?:handshake: )?(?:reading|waiting for) initial "
                   r"communication packet',? system error:? (?!110\b|34\b|60\b|111\b|10061\b)(?P<value>\d+)"),
        cause="connect_timeout",
        meaning=(
            "The other reading: the server (or a proxy) was too slow to greet the client and the connection was "
            "cut by a timeout on one side; only a check tells it from a wrong bind-address."
        ),
        fix="Look at the server's load and connect_timeout; retry when it is less busy.",
        examples=(
            "(SQLSTATE[HY000] [2013] Lost connection to MySQL server at 'reading initial communication packet', "
            "system error: 0)",
        ),
        note="An alternative of mysql.lost_initial_packet (same pattern, same priority).",
        priority=55,
    ),
    Entry(
        id="mysql.caching_sha2_plugin_missing",
        source="MySQL/MariaDB client library",
        engine="mysql",
        pattern=compile_pattern(r"(?:Authentication plugin|Plugin) '?caching_sha2_password'? (?:cannot|could not) be loaded"),
        cause="auth_method_unsupported",
        meaning=(
            "The account uses caching_sha2_password (MySQL 8's default) and this client library cannot load that "
            "plugin: an old libmysqlclient, or MariaDB's client library (libmariadb) without its "
            "caching_sha2_password plugin installed."
        ),
        fix=(
            "Use a client built against MySQL 8's library, or install the MariaDB connector's plugin package "
            "(mariadb-connector-c); or change the account: ALTER USER ... IDENTIFIED WITH mysql_native_password."
        ),
        examples=(
            "ERROR 2059 (HY000): Authentication plugin 'caching_sha2_password' cannot be loaded: "
            "/usr/lib64/mysql/plugin/caching_sha2_password.so: cannot open shared object file: No such file or "
            "directory",
            "mysqldump: Got error: 1045: \"Plugin caching_sha2_password could not be loaded:\nError loading "
            "shared library /usr/lib/mariadb/plugin/caching_sha2_password.so: \nNo such file or directory\" when "
            "trying to connect",
        ),
        note="Corpus: FISCO-BCOS #1734, dmarcts-report-parser #99, gobackup #171, sequel-pro #5, insight #11, "
             "sequeler #344, docker-cacti #88. MySQL 8 only: not reproducible with MariaDB here.",
        priority=70,
    ),
    Entry(
        id="mysql.client_auth_protocol",
        source="MySQL/MariaDB server (1251), mysqljs",
        engine="mysql",
        pattern=compile_pattern(r"ER[_ ]NOT[_ ]SUPPORTED[_ ]AUTH[_ ]MODE|Client does not support authentication protocol "
                   r"requested by server"),
        cause="auth_method_unsupported",
        meaning=(
            "The server asks for an authentication method this client does not implement: the node package "
            "'mysql' (mysqljs) and old drivers know only mysql_native_password, and MySQL 8 accounts use "
            "caching_sha2_password by default."
        ),
        fix=(
            "Use a driver that supports it (mysql2 instead of mysql for Node), or change the account: ALTER USER "
            "'app'@'%' IDENTIFIED WITH mysql_native_password BY '...'."
        ),
        examples=(
            "Error: ER_NOT_SUPPORTED_AUTH_MODE: Client does not support authentication protocol requested by "
            "server; consider upgrading MySQL client",
            "Error 1251: Client does not support authentication protocol requested by server; consider upgrading "
            "MariaDB client",
        ),
        note="Corpus: hanrenguang/notes #13, nodeadmin #42, vscode-database #219, caminte #89, "
             "go-sql-driver/mysql #330. Server error 1251 (ER_NOT_SUPPORTED_AUTH_MODE).",
        priority=60,
    ),
    Entry(
        id="mariadb.tls_cn_mismatch",
        source="MariaDB client library (Connector/C)",
        engine="mysql",
        pattern=compile_pattern(r"(?:TLS/SSL error|SSL connection error): [^\n]*?(?:CN name does not match|"
                   r"does not match the passed value|CERT_E_CN_NO_MATCH|Hostname verification failed)"),
        cause="hostname_mismatch",
        meaning=(
            "The server's certificate is checked and does not carry the host name the client connected to (its "
            "CN/subjectAltName is another name)."
        ),
        fix="Connect with a name the certificate lists, or reissue it with this host in subjectAltName.",
        examples=(
            "error 2026: \"TLS/SSL error: Server certificate validation failed. The certificate's CN name does not "
            "match the passed value. Error 0x800B010F(CERT_E_CN_NO_MATCH)\"",
        ),
        near_misses=('server certificate for "db.example.com" does not match host name "10.0.0.5"',),
        note="Corpus: MeshCentral #6537. Connector/C ma_tls (schannel, OpenSSL) texts.",
        priority=60,
    ),
    Entry(
        id="mariadb.tls_not_trusted",
        source="MariaDB / MySQL client library",
        engine="mysql",
        pattern=compile_pattern(r"(?:TLS/SSL error|SSL connection error): [^\n]*?(?:The certificate is NOT trusted|"
                   r"Validation of SSL server\s+certificate failed)"),
        cause="cert_untrusted",
        meaning=(
            "The client verifies the server's certificate and cannot trace it to a CA it trusts (MariaDB 11.4+ "
            "clients verify by default): the CA that signed it was not given."
        ),
        fix="Pass the server's CA (--ssl-ca / ssl-ca in my.cnf / the driver's CA option); do not switch "
            "verification off on an untrusted network.",
        examples=(
            "TLS/SSL error: Certificate verification failure: The certificate is NOT trusted.",
            "ERROR 2026 (HY000): SSL connection error: Validation of SSL server\ncertificate failed",
        ),
        note="Corpus: databasus #235, codership-documentation #252.",
        priority=55,
    ),
    Entry(
        id="mysql.x_protocol_port",
        source="MySQL client / drivers",
        engine="mysql",
        pattern=compile_pattern(r"invalid protocol version 11, expected 10|Protocol mismatch; server version = 11, client "
                   r"version = 10|This might be X Protocol"),
        cause="not_the_database",
        meaning=(
            "The client reached MySQL's X Protocol port (33060, protocol version 11), which the classic protocol "
            "clients and drivers cannot speak; the classic port is 3306."
        ),
        fix="Connect to the classic port (3306 unless the server's port setting says otherwise), not 33060.",
        examples=(
            "Protocol mismatch; server version = 11, client version = 10",
            "failed to query: readInitialHandshake: invalid protocol version 11, expected 10. This might be X "
            "Protocol, make sure to connect to the right port",
        ),
        note="Corpus: TablePlus #2762, go-mysql #876/#878. MySQL client: CR_VERSION_ERROR text. MySQL 8 only: "
             "MariaDB has no X Protocol here.",
        priority=60,
    ),
)
