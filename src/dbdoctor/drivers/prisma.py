"""Prisma ORM. Prisma 6 and earlier use the Rust query engine's connection-string parser (quaint:
src/connector/postgres/url.rs); Prisma 7 with ``@prisma/adapter-pg`` hands the URL to node-postgres."""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source

_Q = Source("prisma-engines quaint/src/connector/postgres/url.rs (PostgresUrl::parse_query_params)", "read")
_DOC = Source("prisma.io/docs/orm/overview/databases/postgresql (Configuring an SSL connection)", "read")

DRIVER = Driver(
    name="prisma",
    title="Prisma ORM (query engine, Prisma 6 and earlier)",
    language="TypeScript / Rust",
    versions="4-6 (7 with @prisma/adapter-pg: node-postgres)",
    default_version="6",
    runs_here=False,
    url_schemes=("postgresql", "postgres"),
    keyword_strings=False,
    params={
        "sslmode": Param("read", "sslmode", "disable, prefer, require; anything else becomes prefer", _Q),
        "sslcert": Param("read", "sslrootcert", "the ROOT CA file (not a client certificate)", _DOC),
        "sslidentity": Param("read", None, "a PKCS#12 client identity (no libpq equivalent: libpq takes PEM)", _DOC),
        "sslpassword": Param("read", "sslpassword", source=_DOC),
        "sslaccept": Param("read", None, "strict | accept_invalid_certs (the default)", _DOC),
        "schema": Param("read", None, source=_DOC),
        "connect_timeout": Param("read", "connect_timeout", source=_DOC),
        "connection_limit": Param("read", None, source=_DOC),
        "pool_timeout": Param("read", None, source=_DOC),
        "pgbouncer": Param("read", None, source=_DOC),
        "application_name": Param("read", "application_name", source=_DOC),
        "options": Param("read", "options", source=_DOC),
        "host": Param("read", "host", source=_DOC),
        "sslrootcert": Param("ignored", None, "Prisma's CA parameter is sslcert", _Q),
    },
    unknown="ignored",
    unknown_error=None,
    rows=(
        Row({"sslmode": "disable"}, "disable", "none", "no TLS", _Q),
        Row({"sslmode": "require", "sslaccept": "strict", "sslcert": PRESENT}, "verify-full", "given",
            "sslaccept=strict verifies chain and host against the sslcert file", _DOC),
        Row({"sslmode": "require", "sslaccept": "strict"}, "verify-full", "system",
            "sslaccept=strict verifies chain and host against the system store", _DOC),
        Row({"sslmode": "require"}, "require", "none",
            "TLS required, certificates accepted unverified (sslaccept defaults to accept_invalid_certs)", _DOC),
        Row({"sslaccept": "strict", "sslcert": PRESENT}, "prefer", "given",
            "prefer (verify-full, verify-ca and unknown values become prefer) verifying against sslcert",
            _Q, approximate=True),
        Row({}, "prefer", "none",
            "the default, and what verify-full, verify-ca and any unknown sslmode silently become: TLS when "
            "offered, certificate not verified", _Q),
    ),
    env={},
    messages={"tls_handshake_failed": "P1011: Error opening a TLS connection: {detail}"},
    facts=(
        ("sslmode=verify-full is silently read as prefer", _Q),
        ("Unknown parameters are dropped silently", _Q),
        ("TLS failures are error P1011 (message text unconfirmed)", _DOC),
    ),
    syntax={"sslmode": "sslmode=require&sslaccept=strict", "sslrootcert": "sslcert={root}"},
    delegate=("7", "node-postgres"),
)
