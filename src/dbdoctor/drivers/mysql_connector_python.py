"""mysql-connector-python (pure Python implementation), read as the keyword arguments of
``mysql.connector.connect``. Facts from 26.10 abstracts.py (config), network.py (build_ssl_context) and
connection.py (_do_handshake), reproduced on the MariaDB sandbox in tests/drivers."""

from __future__ import annotations

from dbdoctor.drivers.model import ABSENT, PRESENT, Driver, Param, Row, Source
from dbdoctor.drivers.mysql_base import TRUE

_CFG = Source("mysql/connector/abstracts.py (config: unknown keys raise 'Unsupported argument')", "verified")
_NET = Source("mysql/connector/network.py (build_ssl_context: verify_cert → CERT_REQUIRED, verify_identity → "
              "check_hostname with CERT_OPTIONAL)", "verified")
_HS = Source("mysql/connector/connection.py (_do_handshake: 2026 only with ssl_verify_cert; else plain when "
             "the server offers no TLS)", "verified")

DRIVER = Driver(
    name="mysql-connector-python",
    title="mysql-connector-python",
    language="Python",
    versions="8.0-26.x (pure Python)",
    default_version="26.10",
    runs_here=True,
    url_schemes=("mysql+mysqlconnector",),
    keyword_strings=True,
    params={
        "ssl_ca": Param("read", "ssl-ca", "a CA file; verifies nothing without ssl_verify_cert", _NET),
        "ssl_cert": Param("read", "ssl-cert", source=_CFG),
        "ssl_key": Param("read", "ssl-key", source=_CFG),
        "ssl_disabled": Param("read", None, "true: plain text", _CFG),
        "ssl_verify_cert": Param("read", None, "true: verify the chain, and TLS becomes mandatory", _HS),
        "ssl_verify_identity": Param("read", None, "true: check the host name (TLS still optional alone)", _NET),
        "tls_versions": Param("read", None, source=_CFG),
        "tls_ciphersuites": Param("read", None, source=_CFG),
    },
    unknown="rejected",
    unknown_error="AttributeError: Unsupported argument '{key}'",
    rows=(
        Row({"ssl_disabled": TRUE, "ssl_verify_cert": TRUE}, "DISABLED", "none",
            "ssl_disabled wins over ssl_verify_cert when the server offers TLS (plain text), but a server without "
            "TLS still gets error 2026: the verify_cert check comes first", _HS,
            error_cause="server_ssl_unsupported"),
        Row({"ssl_disabled": TRUE}, "DISABLED", "none", "ssl_disabled: plain text", _CFG),
        Row({"ssl_key": PRESENT, "ssl_cert": ABSENT}, None,
            error="AttributeError: ssl_key and ssl_cert need to be both specified, or neither",
            meaning="ssl_key without ssl_cert", source=Source("mysql/connector/abstracts.py", "read")),
        Row({"ssl_verify_cert": TRUE, "ssl_verify_identity": TRUE}, "VERIFY_IDENTITY", "given_or_system",
            "TLS or error 2026; chain verified (ssl_ca, else the system store) and host name checked", _NET),
        Row({"ssl_verify_cert": TRUE}, "VERIFY_CA", "given_or_system",
            "TLS or error 2026; chain verified (ssl_ca, else the system store), host name not checked", _NET),
        Row({"ssl_verify_identity": TRUE}, "PREFERRED", "given_or_system",
            "TLS verified with a host check when the server offers it, but plain text when it does not: "
            "without ssl_verify_cert TLS is not mandatory", _HS, fallback="on_refusal",
            tls_mode="VERIFY_IDENTITY", approximate=True),
        Row({}, "PREFERRED", "none",
            "TLS without verification when the server offers it, plain text otherwise, even with ssl_ca", _HS),
    ),
    messages={
        "server_ssl_unsupported": "2026: SSL is required but the server doesn't support it",
        "param_unknown": "AttributeError: Unsupported argument '{key}'",
        # build_ssl_context loads ssl_ca only when the connection turns to TLS
        "ca_file_missing": "InterfaceError: Invalid CA Certificate: [Errno 2] No such file or directory",
        "ca_file_missing_when": "tls",
    },
    facts=(
        ("ssl_mode is not an argument: Unsupported argument 'ssl_mode'", _CFG),
        ("ssl_ca without ssl_verify_cert verifies nothing and stays plain when the server has no TLS", _HS),
        ("Only ssl_verify_cert=True makes TLS mandatory", _HS),
        ("ssl_ca naming a missing file fails with 'Invalid CA Certificate' once the server offers TLS (plain "
         "text goes on without reading it)", _NET),
        ("ssl_verify_identity=True alone verifies chain and host when TLS is offered but stays plain when the "
         "server has no TLS", _HS),
        ("ssl_disabled=True with ssl_verify_cert=True: plain with a TLS server, error 2026 with a server "
         "without TLS", _HS),
        ("The C extension (use_pure=False with libmysqlclient) is not covered", Source("", "unconfirmed")),
    ),
    syntax={"VERIFY_IDENTITY": "ssl_ca=/path/ca.pem, ssl_verify_cert=True, ssl_verify_identity=True",
            "VERIFY_CA": "ssl_ca=/path/ca.pem, ssl_verify_cert=True"},
    aliases=("mysqlconnector", "mysql.connector", "mysql-connector", "mysql+mysqlconnector"),
)
