"""libpq: psql, psycopg 3, psycopg2 and everything that links libpq. The reference every other driver is
translated into, so its table is the identity."""

from __future__ import annotations

import dataclasses
import difflib

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source

_FC = Source("postgresql src/interfaces/libpq/fe-connect.c (connectOptions2, conninfo_uri_parse_params)", "verified")
_SSL = Source("postgresql src/interfaces/libpq/fe-secure-openssl.c (initialize_SSL)", "verified")

_READ = {
    k: Param("read", k, source=_FC)
    for k in (
        "sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "sslcrl", "sslcrldir", "sslsni",
        "sslcertmode", "ssl_min_protocol_version", "ssl_max_protocol_version", "sslnegotiation", "requiressl",
        "sslcompression",
    )
}

DRIVER = Driver(
    name="libpq",
    title="libpq (psql, psycopg 3, psycopg2)",
    language="C / Python",
    versions="libpq 15-18 (psycopg 3.3 bundles 18, psycopg2-binary 2.9 bundles 17)",
    default_version="18",
    runs_here=True,
    url_schemes=("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2"),
    keyword_strings=True,
    params={**_READ, "ssl": Param("read", "sslmode", "URI form only: ssl=true is rewritten to sslmode=require", _FC)},
    unknown="rejected",
    unknown_error='invalid URI query parameter: "{key}"',
    rows=(
        Row({"sslrootcert": "system", "sslmode": frozenset({"disable", "allow", "prefer", "require", "verify-ca"})},
            None, error='weak sslmode "{sslmode}" may not be used with sslrootcert=system (use "verify-full")',
            meaning="sslrootcert=system demands verify-full", source=_FC, versions=("16", None)),
        Row({"sslmode": PRESENT}, "{sslmode}", "libpq", "libpq's own mode", _SSL),
        Row({"sslrootcert": "system"}, "verify-full", "system", "sslrootcert=system makes the default verify-full",
            _FC, versions=("16", None)),
        Row({}, "prefer", "libpq", "the default: TLS when offered, verified only if a root file exists", _SSL),
    ),
    env={
        "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
        "sslcrl": "PGSSLCRL", "sslnegotiation": "PGSSLNEGOTIATION", "sslsni": "PGSSLSNI",
    },
    messages={
        "server_ssl_unsupported": "server does not support SSL, but SSL was required",
        "cert_untrusted": "SSL error: certificate verify failed",
        "hostname_mismatch": 'server certificate for "{name}" does not match host name "{host}"',
        "ca_file_missing": 'root certificate file "{path}" does not exist',
        "param_invalid": 'invalid sslmode value: "{value}"',
        "param_unknown": 'invalid URI query parameter: "{key}"',
    },
    facts=(
        ("sslmode values are case-sensitive: sslmode=required is refused", _FC),
        ("require verifies the chain when a root file exists (sslrootcert or ~/.postgresql/root.crt)", _SSL),
        ("prefer falls back to plain text on 'N' and after any failure of the TLS attempt", _FC),
    ),
    syntax={"sslmode": "sslmode={mode}", "sslrootcert": "sslrootcert={root}"},
    rewrites={("ssl", "true"): ("sslmode", "require")},
    aliases=("psql", "psycopg", "psycopg2", "psycopg3"),
)

_SA = Source("sqlalchemy/dialects/postgresql/psycopg.py, psycopg2.py (create_connect_args: the query becomes "
             "keyword arguments of connect())", "verified")

#: ``postgresql+psycopg://`` and ``+psycopg2://``: the query reaches libpq as keywords, not as a URI, so the
#: URI-only ``ssl=true`` rewrite does not happen
SQLALCHEMY = dataclasses.replace(
    DRIVER,
    title="libpq through SQLAlchemy (postgresql+psycopg://, postgresql+psycopg2://)",
    params=_READ,
    unknown_error='invalid connection option "{key}"',
    rewrites={},
    facts=(("?ssl=true gives invalid connection option \"ssl\": SQLAlchemy passes keywords, not a URI", _SA),),
)


#: keywords libpq 18 knows (PQconndefaults), for suggestions
KEYWORDS = (
    "service", "user", "password", "passfile", "channel_binding", "connect_timeout", "dbname", "host",
    "hostaddr", "port", "client_encoding", "options", "application_name", "fallback_application_name",
    "keepalives", "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout", "sslmode",
    "sslnegotiation", "sslcompression", "sslcert", "sslkey", "sslcertmode", "sslpassword", "sslrootcert",
    "sslcrl", "sslcrldir", "sslsni", "requirepeer", "require_auth", "min_protocol_version",
    "max_protocol_version", "ssl_min_protocol_version", "ssl_max_protocol_version", "gssencmode",
    "krbsrvname", "gsslib", "gssdelegation", "replication", "target_session_attrs", "load_balance_hosts",
)

#: names other drivers use, and what libpq calls them
ALIASES = {"ssl": "sslmode", "sslca": "sslrootcert", "ssl_ca": "sslrootcert", "sslrootcertificate": "sslrootcert",
           "ssl-mode": "sslmode", "ssl_mode": "sslmode", "database": "dbname", "username": "user",
           "ssl-root-cert": "sslrootcert", "ssl-ca": "sslrootcert"}


def suggestion(name: str) -> str:
    """``Did you mean "sslmode"?`` for an unknown keyword, or an empty string."""
    lower = name.lower()
    best = lower if lower in KEYWORDS else ALIASES.get(lower)
    if best is None:
        close = difflib.get_close_matches(lower, KEYWORDS, n=1, cutoff=0.75)
        best = close[0] if close else None
    if best is None or best == name:
        return ""
    if name.lower() == "ssl":
        return 'libpq has no "ssl" keyword: did you mean "sslmode" (sslmode=require)?'
    return f'Did you mean "{best}"?'
