"""MySQL drivers: mysql2, PyMySQL, mysqlclient, mysql-connector-python.

Moved from the former catalog.py (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import CONFIRMED_MARIADB, KNOWLEDGE, KNOWLEDGE_V, Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    Entry(
        id="pymysql.unknown_host",
        source="PyMySQL",
        engine="mysql",
        pattern=compile_pattern(r"Can't connect to (?:MySQL |MariaDB )?server on '(?P<host>[^']*)' \(\[Errno -(?:2|3|5)\]"),
        cause="dns_unresolved",
        meaning="The host name {host} does not resolve here: PyMySQL reports the resolver's error as its 2003.",
        fix="Check the host name and where the app resolves it.",
        examples=("(2003, \"Can't connect to MySQL server on 'nope.invalid' ([Errno -2] Name or service not known)\")",),
        confirmed=True,
        note=CONFIRMED_MARIADB + " (tests/test_explain.py re-captures it)",
        priority=60,
    ),
    Entry(
        id="pymysql.lost_connection_timeout",
        source="PyMySQL",
        engine="mysql",
        pattern=compile_pattern(r"Lost connection to (?:MySQL |MariaDB )?server[^\n]*?\(timed out\)"),
        cause="connect_timeout",
        meaning=(
            "The server accepted the connection and then did not answer in time (its greeting, the TLS handshake "
            "or the login): an overloaded or hung server, or something in between that holds the connection."
        ),
        fix="Check that the host and port are the MySQL/MariaDB server's and that it answers (a proxy or "
            "firewall may hold connections open), or give the connection longer (connect_timeout).",
        examples=("(2013, 'Lost connection to MySQL server during query (timed out)')",),
        confirmed=True,
        note=CONFIRMED_MARIADB + " (a proxy that forwards the greeting and then stalls; tests/test_explain.py "
             "re-captures it)",
        priority=60,
    ),
    Entry(
        id="pymysql.cant_connect_ssl",
        source="PyMySQL",
        engine="mysql",
        pattern=compile_pattern(r"Can't connect to MySQL server on '(?P<host>[^']*)' \(\[SSL[^\n]*"),
        cause="cert_untrusted",
        meaning="PyMySQL's TLS handshake with {host} failed on certificate verification; the words after [SSL: ...] give the reason.",
        fix="Pass the provider's CA (ssl_ca=...) and, for ssl={{'ca': ...}}, connect with a name the certificate lists.",
        examples=("(2003, \"Can't connect to MySQL server on '127.0.0.1' ([SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed (_ssl.c:1006))\")",
        ),
        confirmed=True,
        note=CONFIRMED_MARIADB + " The captured texts carry a reason after the colon, which the more specific entries explain.",
        priority=45,
    ),
    Entry(
        id="mysql2.no_secure_connection",
        source="mysql2 (Node)",
        engine="mysql",
        pattern=compile_pattern(r"Server does not support secure connection"),
        cause="server_ssl_unsupported",
        meaning="mysql2 was configured with ssl and the server has no TLS.",
        fix="Configure TLS on the server or use the endpoint that has it.",
        examples=("Error: Server does not support secure connection",),
        note=KNOWLEDGE_V,
    ),
    Entry(
        id="mysql2.ssl_profile",
        source="mysql2 (Node)",
        engine="mysql",
        pattern=compile_pattern(r"SSL profile must be an object, instead it's a (?P<value>\w+)"),
        cause="param_invalid",
        meaning="mysql2 JSON-parses URL query values, so ?ssl=true becomes the boolean true; it wants an object.",
        fix="Pass ssl as an object in code ({{ ca: fs.readFileSync(...) }}), or URL-encoded JSON: ?ssl=%7B%22rejectUnauthorized%22%3Atrue%7D.",
        examples=("TypeError: SSL profile must be an object, instead it's a boolean",),
        note=KNOWLEDGE_V,
    ),
    Entry(
        id="mysqlclient.unknown_ssl_mode",
        source="mysqlclient (MySQLdb)",
        engine="mysql",
        pattern=compile_pattern(r"Unknown ssl_mode specification"),
        cause="param_invalid",
        meaning="mysqlclient accepts ssl_mode only as DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY (exactly).",
        fix="Use one of those values, upper case.",
        examples=("MySQLdb.NotSupportedError: Unknown ssl_mode specification",),
        note=KNOWLEDGE,
    ),
    Entry(
        id="mysql-connector.unsupported_ssl_mode",
        source="mysql-connector-python",
        engine="mysql",
        pattern=compile_pattern(r"Unsupported argument '(?P<param>ssl_mode)'"),
        cause="param_unknown",
        meaning="mysql-connector-python has no ssl_mode argument; it uses ssl_ca, ssl_verify_cert, ssl_verify_identity, ssl_disabled.",
        fix="ssl_ca=/path/ca.pem with ssl_verify_cert=True and ssl_verify_identity=True.",
        examples=("AttributeError: Unsupported argument 'ssl_mode'",),
        note=KNOWLEDGE_V,
    ),
    Entry(
        id="pymysql.ssl_str",
        source="PyMySQL (through SQLAlchemy)",
        engine="mysql",
        pattern=compile_pattern(r"'str' object has no attribute 'get'"),
        cause="param_invalid",
        meaning="With PyMySQL, ?ssl=true in a SQLAlchemy URL arrives as the string 'true' where PyMySQL expects a dict of SSL options.",
        fix="Use ?ssl_ca=/path/ca.pem (SQLAlchemy folds ssl_* keys into the ssl dict), or connect_args={{'ssl': {{...}}}}.",
        examples=("AttributeError: 'str' object has no attribute 'get'",),
        note=KNOWLEDGE_V + " Generic Python text: it means this only in a PyMySQL connect.",
        priority=10,
    ),
    # ---------------------------------------------------------------- real-world corpus (issue 11)
    Entry(
        id="pymysql.cryptography_missing",
        source="PyMySQL",
        engine="mysql",
        pattern=compile_pattern(r"'?cryptography'? (?:package )?is required for sha256_password or caching_sha2_password"),
        cause="auth_method_unsupported",
        meaning=(
            "The account uses caching_sha2_password or sha256_password (MySQL 8's defaults) and, without TLS, "
            "PyMySQL must RSA-encrypt the password, for which it needs the 'cryptography' package, which is not "
            "installed in this environment."
        ),
        fix="pip install 'PyMySQL[rsa]' (or cryptography) in the same environment the program runs in; or "
            "connect with TLS; or use an account WITH mysql_native_password.",
        examples=(
            "RuntimeError: 'cryptography' package is required for sha256_password or caching_sha2_password auth "
            "methods",
            "RuntimeError: cryptography is required for sha256_password or caching_sha2_password",
        ),
        note="Corpus: BettaFish #393, Aiven metadata-parser #31, PyMySQL #768, FATE #554, seafile-admin-docs #104, "
             "pipelinewise-tap-mysql #180, SeleniumBase #1945. PyMySQL _auth.py. MySQL 8 only: not reproducible "
             "with MariaDB here.",
        priority=60,
    ),
    Entry(
        id="mysqljs.handshake_timeout",
        source="mysqljs (node 'mysql')",
        engine="mysql",
        pattern=compile_pattern(r"Handshake inactivity timeout|PROTOCOL_SEQUENCE_TIMEOUT"),
        cause="connect_timeout",
        meaning=(
            "The TCP connection opened but the MySQL handshake did not finish within the driver's connectTimeout "
            "(10 s by default): the server is overloaded or blocked on name resolution, or something in between "
            "holds the connection (a proxy, a TLS-only port)."
        ),
        fix=(
            "Check the server's load and its error log (skip_name_resolve if reverse DNS is slow); retry with a "
            "back-off; raise connectTimeout only if the path is known to be slow."
        ),
        examples=(
            "{ [Error: Handshake inactivity timeout]\n  code: 'PROTOCOL_SEQUENCE_TIMEOUT',\n  fatal: true,\n  "
            "timeout: 10000 }",
            "Could not connect to MySQL:\nHandshake inactivity timeout",
        ),
        note="Corpus: mysqljs #1357, #1549, sails #5745 (a Node 4.2.0 bug gave the same text: mysqljs #1236).",
        priority=55,
    ),
)
