"""sqlx (Rust, sqlx-postgres: src/options/parse.rs and src/options/ssl_mode.rs)."""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source

_PARSE = Source("sqlx-postgres src/options/parse.rs (PgConnectOptions::parse_from_url)", "read")
_TLS = Source("sqlx-postgres src/connection/tls.rs (maybe_upgrade)", "read")

_MODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})

DRIVER = Driver(
    name="sqlx",
    title="sqlx (Rust)",
    language="Rust",
    versions="0.7-0.8",
    default_version="0.8",
    runs_here=False,
    url_schemes=("postgresql", "postgres"),
    keyword_strings=False,
    params={
        "sslmode": Param("read", "sslmode", source=_PARSE),
        "ssl-mode": Param("read", "sslmode", source=_PARSE),
        "sslrootcert": Param("read", "sslrootcert", source=_PARSE),
        "ssl-root-cert": Param("read", "sslrootcert", source=_PARSE),
        "ssl-ca": Param("read", "sslrootcert", source=_PARSE),
        "sslcert": Param("read", "sslcert", source=_PARSE),
        "ssl-cert": Param("read", "sslcert", source=_PARSE),
        "sslkey": Param("read", "sslkey", source=_PARSE),
        "ssl-key": Param("read", "sslkey", source=_PARSE),
        "statement-cache-capacity": Param("read", None, source=_PARSE),
        "host": Param("read", "host", source=_PARSE),
        "hostaddr": Param("read", "hostaddr", source=_PARSE),
        "port": Param("read", "port", source=_PARSE),
        "dbname": Param("read", "dbname", source=_PARSE),
        "user": Param("read", "user", source=_PARSE),
        "password": Param("read", None, source=_PARSE),
        "application_name": Param("read", "application_name", source=_PARSE),
        "options": Param("read", "options", source=_PARSE),
    },
    unknown="ignored",
    unknown_error=None,
    rows=(
        Row({"sslmode": PRESENT, "sslmode!": _MODES}, None, error="unknown value {sslmode:?} for `ssl_mode`",
            meaning="an sslmode sqlx does not know", source=_PARSE),
        Row({"sslmode": frozenset({"disable", "allow"})}, "disable", "none",
            "disable; allow is treated as disable", _TLS),
        Row({"sslmode": "require"}, "require", "none", "TLS required, never verified, even with a root file", _TLS),
        Row({"sslmode": frozenset({"verify-ca", "verify-full"})}, "{sslmode}", "given_or_system",
            "verified against sslrootcert, else the system roots", _TLS),
        Row({}, "prefer", "none", "the default: TLS when the server offers it, unverified", _TLS,
            fallback="on_refusal", tls_mode="require"),
    ),
    env={"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"},
    messages={"server_ssl_unsupported": "error occurred while attempting to establish a TLS connection: "
                                        "server does not support TLS"},
    key_aliases={"ssl-mode": "sslmode", "ssl-root-cert": "sslrootcert", "ssl-ca": "sslrootcert",
                 "ssl-cert": "sslcert", "ssl-key": "sslkey"},
    facts=(("Unknown query keys only log a warning, so ssl=true is ignored silently", _PARSE),),
    syntax={"sslmode": "sslmode={mode}", "sslrootcert": "sslrootcert={root}"},
)
