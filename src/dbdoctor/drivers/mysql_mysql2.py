"""node mysql2, read as the query of a ``mysql://`` URL passed as ``uri`` (values are JSON-parsed). Facts from
mysql2 3.x lib/connection_config.js and lib/connection.js (startTLS); the rows are reproduced with mysql2 3.23.4
on the MariaDB sandbox in tests/drivers/test_mysql_drivers_mysql2.py (verifyIdentity and IP facts only read)."""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source
from dbdoctor.drivers.mysql_base import TRUE

_CFG = Source("mysql2 lib/connection_config.js (URL values JSON-parsed; unknown options warn)", "verified")
_RUN = Source("mysql2 lib/connection.js startTLS (rejectUnauthorized default true: Node's store or ssl.ca)",
              "verified")
_TLS = Source("mysql2 lib/connection.js startTLS (rejectUnauthorized default true; host name only with "
              "verifyIdentity, never for an IP)", "read")

DRIVER = Driver(
    name="mysql2",
    title="node mysql2",
    language="Node.js",
    versions="3.x",
    default_version="3.23",
    runs_here=True,
    url_schemes=("mysql",),
    keyword_strings=False,
    params={
        "ssl": Param("read", None, "a JSON object ({\"ca\": ..., \"rejectUnauthorized\": ..., \"verifyIdentity\": "
                                   "...}) or a profile name", _CFG),
        "sslmode": Param("ignored", None, "not a mysql2 option: a warning, then nothing", _CFG),
        "ssl-mode": Param("ignored", None, "not a mysql2 option: a warning, then nothing", _CFG),
        "sslMode": Param("ignored", None, "not a mysql2 option: a warning, then nothing", _CFG),
        "connectTimeout": Param("read", None, source=_CFG),
        "charset": Param("read", None, source=_CFG),
    },
    unknown="ignored",
    unknown_error=None,
    rows=(
        Row({"ssl": TRUE}, None, error="SSL profile must be an object, instead it's a boolean",
            meaning="ssl=true is JSON-parsed to a boolean", source=_CFG),
        Row({"ssl": frozenset({'{"rejectUnauthorized":false}', '{"rejectUnauthorized": false}'})}, "REQUIRED",
            "none", "TLS or an error, nothing verified", _RUN),
        Row({"ssl": PRESENT}, "VERIFY_CA", "given_or_system",
            "TLS or an error; chain verified against its ca (else Node's store); the host name only with "
            "verifyIdentity:true (read as VERIFY_CA)", _RUN, approximate=True),
        Row({}, "DISABLED", "none", "no ssl: no TLS at all", _CFG),
    ),
    messages={"server_ssl_unsupported": "Server does not support secure connection",
              "param_invalid": "SSL profile must be an object, instead it's a boolean"},
    facts=(("sslmode, ssl-mode and sslMode are ignored with a warning", _CFG),
           ("The host name is never checked for an IP address, even with verifyIdentity", _TLS)),
    syntax={"VERIFY_IDENTITY": "ssl=%7B%22ca%22%3A%22...PEM...%22%2C%22verifyIdentity%22%3Atrue%7D",
            "VERIFY_CA": "ssl=%7B%22ca%22%3A%22...PEM...%22%7D"},
    aliases=("node-mysql2",),
)
