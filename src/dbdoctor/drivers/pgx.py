"""pgx v5 (``github.com/jackc/pgx/v5``, pgconn/config.go: ParseConfig, configTLS). Unknown parameters become
server run-time parameters (RuntimeParams)."""

from __future__ import annotations

from dbdoctor.drivers.model import ABSENT, PRESENT, Driver, Param, Row, Source

_CFG = Source("pgx v5 pgconn/config.go (ParseConfig, configTLS, notRuntimeParams)", "read")

_MODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})

DRIVER = Driver(
    name="pgx",
    title="pgx v5 (Go)",
    language="Go",
    versions="v5.0-v5.7",
    default_version="5.7",
    runs_here=False,
    url_schemes=("postgresql", "postgres"),
    keyword_strings=True,
    params={k: Param("read", k, source=_CFG) for k in (
        "sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "sslsni", "sslnegotiation",
        "host", "port", "user", "dbname", "connect_timeout", "target_session_attrs", "passfile", "service",
        "servicefile", "krbsrvname", "krbspn", "min_read_buffer_size")},
    unknown="forwarded",
    unknown_error=None,
    rows=(
        Row({"sslmode": PRESENT, "sslmode!": _MODES}, None, error="sslmode is invalid",
            meaning="an sslmode pgx does not know", source=_CFG),
        Row({"sslrootcert": "system"}, "verify-full", "system",
            "sslrootcert=system forces verify-full against Go's system roots, whatever sslmode says", _CFG),
        Row({"sslmode": frozenset({"verify-ca", "verify-full"}), "sslrootcert": ABSENT}, "{sslmode}", "system",
            "without sslrootcert pgx verifies against Go's system roots (libpq would refuse to start)", _CFG),
        Row({"sslmode": PRESENT}, "{sslmode}", "given_or_none",
            "as libpq, but without the ~/.postgresql/root.crt default", _CFG),
        Row({}, "prefer", "given_or_none", "the default (PGSSLMODE, else prefer)", _CFG),
    ),
    env={"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
         "sslsni": "PGSSLSNI"},
    messages={"server_ssl_unsupported": "server refused TLS connection",
              "param_unknown": 'unrecognized configuration parameter "{key}"'},
    facts=(
        ("Released versions send ssl=true and sslMode to the server as settings", _CFG),
        ("verify-full without a root file uses Go's system roots", _CFG),
    ),
    syntax={"sslmode": "sslmode={mode}", "sslrootcert": "sslrootcert={root}"},
    aliases=("pgx/v5", "jackc/pgx"),
)
