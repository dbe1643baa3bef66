"""Bun's built-in SQL client (``import { sql, SQL } from "bun"``, PostgreSQL adapter), from its source only:
Bun was not run here. Facts from oven-sh/bun src/js/internal/sql/shared.ts at 00099222 (parseOptions,
normalizeOptionsForAdapter, normalizeSSLMode); how each mode treats the certificate is decided in Bun's Zig
code, not read here, so the verification rows are marked approximate."""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source

_SH = Source("oven-sh/bun 00099222 src/js/internal/sql/shared.ts (normalizeSSLMode, normalizeOptionsForAdapter: "
             "sslmode keys compared case-insensitively, every other query key appended to the start-up "
             "parameters)", "unconfirmed")
_ENV = Source("oven-sh/bun 00099222 src/js/internal/sql/shared.ts (getEnvironmentUrlsForAdapter: POSTGRES_URL, "
              "DATABASE_URL, PGURL, PG_URL, TLS_POSTGRES_DATABASE_URL, TLS_DATABASE_URL; PGHOST, PGPORT, PGUSER, "
              "PGPASSWORD, PGDATABASE; no PGSSLMODE)", "unconfirmed")
_VERIFY = Source("Bun's docs for SQL (sslmode table) and src/sql/postgres (Zig), not read here", "unconfirmed")

DRIVER = Driver(
    name="bun-sql",
    title="Bun SQL (bun's built-in PostgreSQL client)",
    language="JavaScript (Bun)",
    versions="Bun 1.2-1.3 (read: source at 00099222; not run here)",
    default_version="1.3",
    runs_here=False,
    url_schemes=("postgres", "postgresql"),
    keyword_strings=False,
    params={
        "sslmode": Param("read", "sslmode", "disable, prefer, require (or required), verify-ca (verify_ca), "
                         "verify-full (verify_full); no allow; any other value throws ERR_INVALID_ARG_VALUE", _SH),
        "path": Param("read", None, "a Unix socket directory", _SH),
    },
    unknown="forwarded",
    unknown_error=None,
    rows=(
        Row({"sslmode": "disable"}, "disable", "none", "no TLS", _SH),
        Row({"sslmode": "prefer"}, "prefer", "given_or_none", "TLS when offered; whether it falls back after a "
            "TLS failure and what it verifies is not read here", _VERIFY, approximate=True),
        Row({"sslmode": frozenset({"require", "required"})}, "require", "none",
            "TLS; verification in require mode is not read here (assumed none, as libpq without a root file)",
            _VERIFY, approximate=True),
        Row({"sslmode": frozenset({"verify-ca", "verify_ca"})}, "verify-ca", "system",
            "chain checked against the runtime's CA store (a CA file is given in code: tls: { ca })", _VERIFY,
            approximate=True),
        Row({"sslmode": frozenset({"verify-full", "verify_full"})}, "verify-full", "system",
            "chain and host name checked against the runtime's CA store", _VERIFY, approximate=True),
        Row({"sslmode": PRESENT}, None, error="The argument 'sslmode' is invalid. Received '{sslmode}'",
            meaning="an sslmode Bun does not know (allow included) throws before connecting", source=_SH),
        Row({}, "disable", "none", "the default: no TLS (TLS_DATABASE_URL / TLS_POSTGRES_DATABASE_URL in the "
            "environment mean require)", _ENV),
    ),
    keys_case_insensitive=True,
    messages={"param_unknown": 'unrecognized configuration parameter "{key}"'},
    facts=(
        ("No TLS unless sslmode asks for it (or the URL comes from TLS_DATABASE_URL / TLS_POSTGRES_DATABASE_URL); "
         "PGSSLMODE is not read", _ENV),
        ("sslrootcert, sslcert, sslkey and every query key but sslmode and path are sent to the server as "
         "start-up parameters (PostgreSQL then answers 42704 unrecognized configuration parameter)", _SH),
        ("The TLS server name (SNI) is the host name of the URL", _SH),
        ("POSTGRES_URL is read before DATABASE_URL", _ENV),
    ),
    syntax={"sslmode": "sslmode={mode}"},
    aliases=("bun", "bun.sql", "bunsql"),
)
