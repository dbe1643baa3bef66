"""mysqlclient (MySQLdb), read as SQLAlchemy ``mysql+mysqldb://`` query parameters (SQLAlchemy folds ssl_ca,
ssl_cert, ssl_key, ssl_capath, ssl_cipher into the ``ssl`` dict; ``ssl_mode`` goes through). Not run here: the
C extension needs libmysqlclient headers; facts from mysqlclient 2.2 MySQLdb/_mysql.c and its docs, as read."""

from __future__ import annotations

from dbdoctor.drivers._model import PRESENT, Driver, Param, Row, Source
from dbdoctor.drivers.mysql_base import TRUE

_C = Source("mysqlclient MySQLdb/_mysql.c 2.2 (_get_ssl_mode: exact names, else NotSupportedError)", "read")
_SSL = Source("mysqlclient 2.2.4 changelog (ssl=True means REQUIRED)", "read")
_LIB = Source("libmysqlclient: a CA without ssl_mode (default PREFERRED, CA given: VERIFY_CA)", "unconfirmed")

_MODES = ("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")

DRIVER = Driver(
    name="mysqlclient",
    title="mysqlclient (MySQLdb, through SQLAlchemy mysql+mysqldb://)",
    language="Python",
    versions="2.2",
    default_version="2.2.7",
    runs_here=False,
    url_schemes=("mysql+mysqldb",),
    keyword_strings=True,
    params={
        "ssl_mode": Param("read", "ssl-mode", "exactly DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY",
                          _C),
        "ssl_ca": Param("read", "ssl-ca", "into the ssl dict", _LIB),
        "ssl_capath": Param("read", None, "into the ssl dict", _LIB),
        "ssl_cert": Param("read", "ssl-cert", "into the ssl dict", _LIB),
        "ssl_key": Param("read", "ssl-key", "into the ssl dict", _LIB),
        "ssl_cipher": Param("read", None, "into the ssl dict", _LIB),
        "ssl": Param("read", None, "True means REQUIRED (2.2.4+)", _SSL),
        "charset": Param("read", None, source=_C),
        "connect_timeout": Param("read", None, source=_C),
        "unix_socket": Param("read", None, source=_C),
    },
    unknown="rejected",
    unknown_error="TypeError: '{key}' is an invalid keyword argument for connect()",
    rows=(
        *(Row({"ssl_mode": m}, m, "given_or_system", f"ssl_mode={m}", _C) for m in _MODES),
        Row({"ssl_mode": PRESENT}, None, error="NotSupportedError: Unknown ssl_mode specification",
            meaning="ssl_mode is compared exactly (upper case)", source=_C),
        Row({"ssl_ca": PRESENT}, "VERIFY_CA", "given", "a CA without ssl_mode: verified against it", _LIB),
        Row({"ssl": TRUE}, "REQUIRED", "none", "ssl=True: TLS or an error, nothing verified", _SSL,
            versions=("2.2.4", None)),
        Row({"ssl_cert": PRESENT}, "REQUIRED", "none", "a client certificate without ssl_mode", _LIB),
        Row({}, "PREFERRED", "none", "libmysqlclient's default: TLS unverified when offered, plain otherwise",
            _LIB),
    ),
    messages={"param_invalid": "NotSupportedError: Unknown ssl_mode specification",
              "server_ssl_unsupported": "(2026, \"SSL connection error: SSL is required but the server doesn't "
                                        "support it\")"},
    facts=(("ssl_mode values are compared exactly: 'required' is refused", _C),
           ("Built against MariaDB Connector/C the modes map onto its own options", Source("", "unconfirmed"))),
    syntax={"VERIFY_IDENTITY": "ssl_mode=VERIFY_IDENTITY&ssl_ca=/path/ca.pem",
            "VERIFY_CA": "ssl_mode=VERIFY_CA&ssl_ca=/path/ca.pem"},
    aliases=("mysqldb", "MySQLdb", "mysql+mysqldb"),
)
