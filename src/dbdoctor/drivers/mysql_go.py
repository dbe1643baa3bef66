"""go-sql-driver/mysql 1.7-1.9, read as the parameters of its DSN (``user:pw@tcp(host:3306)/db?tls=...``).
Facts from dsn.go (parseDSNParams, the tls values) and packets.go (TLS requested but not offered), as read; not
run here (no Go toolchain in the tests)."""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source

_DSN = Source("go-sql-driver/mysql dsn.go (tls=true|false|skip-verify|preferred|<registered name>)", "read")
_PK = Source("go-sql-driver/mysql packets.go (ErrNoTLS when the server has no TLS)", "read")
_SET = Source("go-sql-driver/mysql dsn.go (unknown parameters become SET statements after connecting)",
              "unconfirmed")

DRIVER = Driver(
    name="go-sql-driver",
    title="go-sql-driver/mysql",
    language="Go",
    versions="1.7-1.9",
    default_version="1.9",
    runs_here=False,
    url_schemes=(),
    keyword_strings=False,
    params={
        "tls": Param("read", "ssl-mode", "true, false, skip-verify, preferred, or a name given to RegisterTLSConfig",
                     _DSN),
        "timeout": Param("read", None, source=_DSN),
        "charset": Param("read", None, source=_DSN),
        "parseTime": Param("read", None, source=_DSN),
        "allowNativePasswords": Param("read", None, source=_DSN),
        "allowCleartextPasswords": Param("read", None, source=_DSN),
    },
    unknown="forwarded",
    unknown_error="sent to the server as SET {key}=...: the server refuses an unknown variable after login",
    rows=(
        Row({"tls": frozenset({"true", "1", "True", "TRUE"})}, "VERIFY_IDENTITY", "system",
            "tls=true: Go's system roots, host name checked", _DSN),
        Row({"tls": "skip-verify"}, "REQUIRED", "none", "tls=skip-verify: TLS or an error, nothing verified", _DSN),
        Row({"tls": "preferred"}, "PREFERRED", "none",
            "tls=preferred: TLS unverified when offered, plain text otherwise", _DSN),
        Row({"tls": frozenset({"false", "0", "False", "FALSE", ""})}, "DISABLED", "none", "tls=false", _DSN),
        Row({"tls": PRESENT}, "VERIFY_IDENTITY", "given",
            "a registered tls.Config name: whatever that config says (usually its RootCAs and the host name); an "
            "unregistered name is refused: invalid value / unknown config name", _DSN, approximate=True),
        Row({}, "DISABLED", "none", "no tls parameter: no TLS at all", _DSN),
    ),
    messages={"server_ssl_unsupported": "TLS requested but server does not support TLS"},
    facts=(("Unknown parameters such as sslmode are sent as SET statements after connecting", _SET),),
    syntax={"VERIFY_IDENTITY": "tls=true (or mysql.RegisterTLSConfig(\"custom\", cfg) and tls=custom)",
            "REQUIRED": "tls=skip-verify"},
    aliases=("go-mysql", "go-sql-driver/mysql", "gosqldriver"),
)
