"""PyMySQL, read as the keyword arguments of ``pymysql.connect`` (aiomysql and asyncmy take the same names).
Facts from PyMySQL 1.2.4 connections.py (Connection.__init__, _create_ssl_ctx, _request_authentication),
reproduced on the MariaDB sandbox in tests/drivers/test_mysql_drivers_differential.py; the 1.1 rows from the 1.1
source as read (not run here)."""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source
from dbdoctor.drivers.mysql_base import FALSE, TRUE

_INIT = Source("pymysql/connections.py 1.2.4 (Connection.__init__: ssl_* build the ssl dict; none: PREFERRED)",
               "verified")
_CTX = Source("pymysql/connections.py 1.2.4 (_create_ssl_ctx: check_hostname only with a CA; verify_mode "
              "from ssl_verify_cert)", "verified")
_OLD = Source("pymysql/connections.py 1.1.x (no TLS without options; TLS only when the server offers it)", "read")


DRIVER = Driver(
    name="pymysql",
    title="PyMySQL",
    language="Python",
    versions="1.1-1.2",
    default_version="1.2.4",
    runs_here=True,
    url_schemes=("mysql+pymysql",),
    keyword_strings=True,
    params={
        "ssl_ca": Param("read", "ssl-ca", "a CA file; alone it makes TLS mandatory but verifies nothing", _INIT),
        "ssl_cert": Param("read", "ssl-cert", source=_INIT),
        "ssl_key": Param("read", "ssl-key", source=_INIT),
        "ssl_key_password": Param("read", None, source=_INIT),
        "ssl_disabled": Param("read", None, "true: plain text", _INIT),
        "ssl_verify_cert": Param("read", None, "true: verify the chain (VERIFY_CA)", _INIT),
        "ssl_verify_identity": Param("read", None, "true: verify the chain and the host name, with ssl_ca",
                                     _CTX),
        "ssl": Param("read", None, "a dict or SSLContext in code; a dict with 'ca' verifies chain and host",
                     _CTX),
    },
    unknown="rejected",
    unknown_error="TypeError: Connection.__init__() got an unexpected keyword argument '{key}'",
    rows=(
        Row({"ssl_disabled": TRUE}, "DISABLED", "none", "ssl_disabled: plain text", _INIT),
        # 1.1 and earlier: the same options, but TLS only when the server offers it
        Row({"ssl_verify_identity": TRUE, "ssl_ca": PRESENT, "ssl_ca!": FALSE}, "PREFERRED", "given",
            "TLS verified against ssl_ca with a host check when the server offers TLS; plain text otherwise",
            _OLD, versions=(None, "1.1"), fallback="on_refusal", tls_mode="VERIFY_IDENTITY", approximate=True),
        Row({"ssl_verify_identity": TRUE}, "PREFERRED", "system",
            "TLS verified against the system store when offered (no host check without a CA); plain otherwise",
            _OLD, versions=(None, "1.1"), fallback="on_refusal", tls_mode="VERIFY_CA", approximate=True),
        Row({"ssl_verify_cert": TRUE}, "PREFERRED", "given_or_system",
            "TLS with the chain verified when offered; plain text otherwise", _OLD, versions=(None, "1.1"),
            fallback="on_refusal", tls_mode="VERIFY_CA", approximate=True),
        Row({"ssl_ca": PRESENT, "ssl_ca!": FALSE}, "PREFERRED", "none",
            "TLS without verification when offered, plain text otherwise", _OLD, versions=(None, "1.1")),
        Row({"ssl_cert": PRESENT, "ssl_cert!": FALSE}, "PREFERRED", "none",
            "TLS without verification when offered, plain text otherwise", _OLD, versions=(None, "1.1")),
        Row({}, "DISABLED", "none", "up to 1.1: no TLS at all without SSL options", _OLD,
            versions=(None, "1.1")),
        # 1.2 and later
        Row({"ssl_verify_identity": TRUE, "ssl_ca": PRESENT, "ssl_ca!": FALSE}, "VERIFY_IDENTITY", "given",
            "TLS or an error; chain verified against ssl_ca, host name checked", _CTX, versions=("1.2", None)),
        Row({"ssl_verify_identity": TRUE}, "VERIFY_CA", "system",
            "TLS or an error; chain verified against the system store, but no host name check: PyMySQL checks "
            "the host name only when a CA is given", _CTX, versions=("1.2", None)),
        Row({"ssl_verify_cert": TRUE}, "VERIFY_CA", "given_or_system",
            "TLS or an error; chain verified (ssl_ca, else the system store), host name not checked", _CTX,
            versions=("1.2", None)),
        Row({"ssl_ca": PRESENT, "ssl_ca!": FALSE}, "REQUIRED", "none",
            "TLS or an error, nothing verified: ssl_ca alone does not turn verification on", _INIT,
            versions=("1.2", None)),
        Row({"ssl_cert": PRESENT, "ssl_cert!": FALSE}, "REQUIRED", "none",
            "TLS or an error, nothing verified (client certificate only)", _INIT, versions=("1.2", None)),
        Row({"ssl_key": PRESENT, "ssl_key!": FALSE}, "REQUIRED", "none",
            "TLS or an error, nothing verified", _INIT, versions=("1.2", None)),
        Row({}, "PREFERRED", "none",
            "the default from 1.2.0: TLS without verification when the server offers it, plain text otherwise",
            _INIT, versions=("1.2", None)),
    ),
    messages={
        "server_ssl_unsupported": "(2026, \"SSL is required but the server doesn't support it\")",
        "cert_untrusted": "(2003, \"Can't connect to MySQL server on '{host}' ([SSL: CERTIFICATE_VERIFY_FAILED] "
                          "certificate verify failed: ...)\")",
        "param_unknown": "TypeError: Connection.__init__() got an unexpected keyword argument '{key}'",
        # Connection.__init__ builds its SSLContext (load_verify_locations) from ssl_ca unless ssl_disabled,
        # before any network: whatever the server offers
        "ca_file_missing": "FileNotFoundError: [Errno 2] No such file or directory",
        "ca_file_missing_when": "always",
    },
    facts=(
        ("ssl_mode is not a PyMySQL argument: TypeError", _INIT),
        ("ssl_ca naming a missing file raises FileNotFoundError in connect(), whatever the server offers "
         "(not with ssl_disabled)", _INIT),
        ("From 1.2.0 the default is PREFERRED: TLS unverified when offered, plain otherwise", _INIT),
        ("Up to 1.1.x there is no TLS by default, and SSL options still fall back to plain text when the "
         "server offers no TLS", _OLD),
        ("ssl_verify_identity=True without ssl_ca verifies the chain against the system store but does not "
         "check the host name", _CTX),
        ("SQLAlchemy mysql+pymysql:// folds ssl_ca into the ssl dict, where a CA verifies chain and host "
         "(unlike the ssl_ca keyword)", Source("sqlalchemy/dialects/mysql/mysqldb.py create_connect_args",
                                               "read")),
    ),
    syntax={"VERIFY_IDENTITY": "ssl_ca=/path/ca.pem, ssl_verify_identity=True",
            "VERIFY_CA": "ssl_ca=/path/ca.pem, ssl_verify_cert=True", "REQUIRED": "ssl_ca=/path/ca.pem"},
    aliases=("PyMySQL", "mysql+pymysql"),
)
