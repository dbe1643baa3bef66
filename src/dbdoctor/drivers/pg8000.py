"""pg8000, reached through SQLAlchemy's ``postgresql+pg8000://`` (pg8000 itself parses no URL). Facts from
pg8000 1.31 core.py (_make_socket) and SQLAlchemy's pg8000 dialect, reproduced in tests/drivers."""

from __future__ import annotations

from dbdoctor.drivers.model import Driver, Param, Row, Source

_CORE = Source("pg8000/core.py (_make_socket: ssl_context None tries TLS unverified, plain on 'N')", "verified")
_SA = Source("sqlalchemy/dialects/postgresql/pg8000.py (create_connect_args: the query becomes keywords)",
             "verified")

DRIVER = Driver(
    name="pg8000",
    title="pg8000 (through SQLAlchemy postgresql+pg8000://)",
    language="Python",
    versions="1.31",
    default_version="1.31.6",
    runs_here=True,
    url_schemes=("postgresql+pg8000",),
    keyword_strings=False,
    params={
        "application_name": Param("read", "application_name", source=_SA),
        "timeout": Param("read", "connect_timeout", source=_SA),
        "tcp_keepalive": Param("read", None, source=_SA),
        "replication": Param("read", None, source=_SA),
        "ssl_context": Param("rejected", None, "an SSLContext object only: through connect_args, not the URL",
                             _CORE),
    },
    unknown="rejected",
    unknown_error="TypeError: connect() got an unexpected keyword argument '{key}'",
    rows=(
        Row({"ssl_context": "<present>"}, None, error="AttributeError: 'str' object has no attribute 'wrap_socket'",
            meaning="ssl_context from a URL is a string, not an SSLContext", source=_CORE),
        Row({}, "prefer", "none",
            "the default from 1.31: TLS without verification when the server offers it, plain text when it "
            "answers N; no second attempt after a TLS or server error (libpq's prefer would retry in plain)",
            _CORE, fallback="on_refusal", tls_mode="require"),
    ),
    env={},
    messages={"server_ssl_unsupported": "Server refuses SSL",
              "param_unknown": "TypeError: connect() got an unexpected keyword argument '{key}'"},
    facts=(
        ("No sslmode at all: TLS is configured only by the ssl_context argument", _CORE),
        ("ssl_context=True requires TLS but does not verify (the opposite of asyncpg's ssl=True)", _CORE),
        ("Before 1.31.0 the default was no TLS at all", Source("pg8000 release notes 1.31.0", "read")),
    ),
    syntax={"sslmode": "connect_args={{'ssl_context': ssl.create_default_context(cafile='{root}')}}"},
)

