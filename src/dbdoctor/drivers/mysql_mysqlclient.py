"""mysqlclient (MySQLdb), read as SQLAlchemy ``mysql+mysqldb://`` query parameters: SQLAlchemy folds ssl_ca,
ssl_cert, ssl_key, ssl_capath, ssl_cipher and ssl_check_hostname into the ``ssl`` dict and passes every other key,
as a string, to ``MySQLdb.connect``.

The rows are mysqlclient 2.2-2.3 built against MariaDB Connector/C 3.3 (libmariadb: what ``pip install
mysqlclient`` builds against on Debian and Ubuntu, whose default-libmysqlclient-dev is libmariadb-dev-compat, and in
the python Docker images). That library has no MYSQL_OPT_SSL_MODE: MySQLdb/_mysql.c emulates ``ssl_mode`` with
MYSQL_OPT_SSL_ENFORCE (REQUIRED and up) and MYSQL_OPT_SSL_VERIFY_SERVER_CERT (VERIFY_CA and up), and libmariadb
uses TLS only when an SSL option is set, never enforces it without VERIFY_SERVER_CERT, verifies the chain whenever
a CA is given, and checks the host name together with the chain. So the names do not mean what they say: nothing
set and PREFERRED are no TLS at all, REQUIRED falls back to plain text, VERIFY_CA checks the host name. Reproduced
with mysqlclient 2.3.1 and libmariadb 3.3.20 on the MariaDB sandbox in tests/drivers/test_mysql_drivers_c.py and
tests/mysql/test_mysql_differential.py. Built against MySQL's libmysqlclient, ssl_mode is MySQL's own
MYSQL_OPT_SSL_MODE (not run here).
"""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source

_C = Source("mysqlclient MySQLdb/_mysql.c 2.3 (_get_ssl_mode_num: exact names, else NotSupportedError; "
            "connect(): every other keyword is a TypeError)", "verified")
_EMU = Source("mysqlclient MySQLdb/_mysql.c 2.2+ with libmariadb (no MYSQL_OPT_SSL_MODE: REQUIRED sets "
              "MYSQL_OPT_SSL_ENFORCE, VERIFY_CA and VERIFY_IDENTITY also MYSQL_OPT_SSL_VERIFY_SERVER_CERT)",
              "verified")
_LIB = Source("MariaDB Connector/C 3.3 (TLS only when an SSL option is set; the chain verified when a CA is "
              "given; plain text when the server has no TLS unless VERIFY_SERVER_CERT)", "verified")
_SQLA = Source("sqlalchemy/dialects/mysql/mysqldb.py create_connect_args (ssl_* into the ssl dict; other "
               "query values passed as strings)", "verified")
_CAPATH = Source("MariaDB Connector/C 3.3 (ssl_capath: a directory of hashed CA files, loaded as verify "
                 "locations like ssl_ca)", "read")
_OLD = Source("mysqlclient MySQLdb/_mysql.c 2.1.1 (without MYSQL_OPT_SSL_MODE any ssl_mode is refused)", "read")
_HIST = Source("mysqlclient HISTORY.rst 2.2.6 (Connector/C 3.4 verifies by default; mysqlclient turns SSL and "
               "verification off unless asked)", "read")

_MODES = frozenset({"DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY"})

DRIVER = Driver(
    name="mysqlclient",
    title="mysqlclient (MySQLdb, through SQLAlchemy mysql+mysqldb://)",
    language="Python",
    versions="2.2-2.3 built on MariaDB Connector/C 3.3",
    default_version="2.3.1",
    runs_here=True,
    url_schemes=("mysql+mysqldb",),
    keyword_strings=True,
    params={
        "ssl_mode": Param("read", "ssl-mode", "exactly DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY; "
                          "emulated with libmariadb (PREFERRED: no TLS; REQUIRED: not enforced; VERIFY_CA: host "
                          "checked too)", _EMU),
        "ssl_ca": Param("read", "ssl-ca", "into the ssl dict: the chain is verified against it (no host check "
                        "without ssl_mode=VERIFY_*), but TLS stays optional", _LIB),
        "ssl_capath": Param("read", None, "into the ssl dict (a directory of hashed CA files)", _CAPATH),
        "ssl_cert": Param("read", "ssl-cert", "into the ssl dict: turns TLS on when the server offers it", _LIB),
        "ssl_key": Param("read", "ssl-key", "into the ssl dict: turns TLS on when the server offers it", _LIB),
        "ssl_cipher": Param("read", None, "into the ssl dict: turns TLS on when the server offers it", _LIB),
        "ssl_check_hostname": Param("ignored", None, "SQLAlchemy puts it in the ssl dict, but mysqlclient reads only "
                                    "ca, capath, cert, key and cipher from it", _SQLA),
        "ssl": Param("ignored", None, "in a URL it is a string, which mysqlclient reads as an empty mapping: no "
                     "effect (ssl=True in code means REQUIRED from 2.2.4)", _SQLA),
        "charset": Param("read", None, source=_C),
        "connect_timeout": Param("read", None, source=_C),
        "read_timeout": Param("read", None, source=_C),
        "write_timeout": Param("read", None, source=_C),
        "unix_socket": Param("read", None, source=_C),
        "init_command": Param("read", None, source=_C),
        "read_default_file": Param("read", None, source=_C),
        "read_default_group": Param("read", None, source=_C),
    },
    unknown="rejected",
    unknown_error="TypeError: '{key}' is an invalid keyword argument for connect()",
    rows=(
        Row({"ssl_mode": PRESENT}, None, error="NotSupportedError: MySQL client library does not support ssl_mode "
            "specification", meaning="built against libmariadb, mysqlclient up to 2.1 refuses any ssl_mode",
            source=_OLD, versions=(None, "2.1")),
        Row({"ssl_mode": frozenset({"VERIFY_CA", "VERIFY_IDENTITY"})}, "VERIFY_IDENTITY", "given_or_system",
            "TLS or error 2026; the chain verified (ssl_ca, else the system store) and the host name checked: "
            "with libmariadb VERIFY_CA checks the host name too", _EMU),
        Row({"ssl_mode": PRESENT, "ssl_mode!": _MODES}, None, error="NotSupportedError: Unknown ssl_mode "
            "specification", meaning="ssl_mode is compared exactly (upper case)", source=_C),
        Row({"ssl_ca": PRESENT}, "PREFERRED", "given",
            "TLS with the chain verified against ssl_ca, host name not checked, when the server offers TLS; plain "
            "text when it does not, whatever ssl_mode (DISABLED, PREFERRED, REQUIRED) says", _LIB,
            fallback="on_refusal", tls_mode="VERIFY_CA", approximate=True),
        Row({"ssl_capath": PRESENT}, "PREFERRED", "given_or_system",
            "TLS with the chain verified against the CA directory when the server offers TLS; plain text when it "
            "does not", _CAPATH, fallback="on_refusal", tls_mode="VERIFY_CA", approximate=True),
        Row({"ssl_cert": PRESENT}, "PREFERRED", "none",
            "TLS without verification when the server offers it (the client certificate turns TLS on), plain "
            "text otherwise", _LIB),
        Row({"ssl_key": PRESENT}, "PREFERRED", "none",
            "TLS without verification when the server offers it, plain text otherwise", _LIB),
        Row({"ssl_cipher": PRESENT}, "PREFERRED", "none",
            "TLS without verification when the server offers it, plain text otherwise", _LIB),
        Row({"ssl_mode": "REQUIRED"}, "PREFERRED", "none",
            "ssl_mode=REQUIRED is not enforced with libmariadb: TLS without verification when the server offers "
            "it, plain text when it does not", _EMU),
        Row({}, "DISABLED", "none",
            "no TLS at all, even when the server offers it: libmariadb uses TLS only when an SSL option is set, "
            "and nothing set, ssl_mode=PREFERRED or DISABLED sets none", _EMU),
    ),
    messages={
        "param_invalid": "NotSupportedError: Unknown ssl_mode specification",
        "param_unknown": "TypeError: '{key}' is an invalid keyword argument for connect()",
        "server_ssl_unsupported": "(2026, 'TLS/SSL error: SSL is required, but the server does not support it')",
        "cert_untrusted": "(2026, 'TLS/SSL error: unable to get local issuer certificate')",
        "hostname_mismatch": "(2026, 'TLS/SSL error: Validation of SSL server certificate failed')",
    },
    facts=(
        ("ssl_mode values are compared exactly: 'required' is refused", _C),
        ("With libmariadb, nothing set and ssl_mode=PREFERRED use no TLS at all, even when the server offers it",
         _EMU),
        ("With libmariadb, ssl_mode=REQUIRED (and ssl=True in code) uses TLS when offered but connects in plain "
         "text to a server without TLS", _EMU),
        ("With libmariadb, ssl_mode=VERIFY_CA also checks the host name: it is VERIFY_IDENTITY", _EMU),
        ("ssl_ca alone verifies the chain (not the host name) when the server offers TLS and connects in plain "
         "text when it does not, even with ssl_mode=DISABLED", _LIB),
        ("ssl_check_hostname (SQLAlchemy's) and ssl=true in a URL have no effect on mysqlclient", _SQLA),
        ("host=localhost is the Unix socket, not TCP (libmariadb, as libmysqlclient): write 127.0.0.1, or "
         "protocol=1 in the option file, for TCP and TLS", _LIB),
        ("VERIFY_CA/VERIFY_IDENTITY without ssl_ca verify against OpenSSL's default store (SSL_CERT_FILE)", _LIB),
        ("Up to 2.1, built against libmariadb, any ssl_mode fails with 'NotSupportedError: MySQL client library "
         "does not support ssl_mode specification'", _OLD),
        ("With MariaDB Connector/C 3.4 (MariaDB 11.4+), which verifies by default, 2.2.6+ turns TLS and "
         "verification off unless asked, as with 3.3", _HIST),
        ("Built against MySQL's libmysqlclient, ssl_mode is MySQL's own MYSQL_OPT_SSL_MODE with the MySQL "
         "client's meanings (default PREFERRED): not covered by these rows", Source("", "unconfirmed")),
    ),
    syntax={"VERIFY_IDENTITY": "ssl_mode=VERIFY_IDENTITY&ssl_ca=/path/ca.pem"},
    aliases=("mysqldb", "MySQLdb", "mysql+mysqldb"),
)
