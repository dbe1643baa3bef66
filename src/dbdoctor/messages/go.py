"""Go: pgx, lib/pq, go-sql-driver/mysql.

Moved from dbdoctor.catalog (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import _KNOWLEDGE, Entry, _p

ENTRIES: Final[tuple[Entry, ...]] = (
    # ---------------------------------------------------------------- Go
    Entry(
        id="pgx.server_refused_tls",
        source="pgx",
        engine="postgresql",
        pattern=_p(r"server refused TLS connection"),
        cause="server_ssl_unsupported",
        meaning="pgx required TLS and the server does not offer it.",
        fix="Turn SSL on at the server or use the endpoint that has it.",
        examples=("failed to connect to `host=db user=app database=app`: server refused TLS connection",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="libpq-go.ssl_not_enabled",
        source="lib/pq",
        engine="postgresql",
        pattern=_p(r"pq: SSL is not enabled on the server"),
        cause="server_ssl_unsupported",
        meaning="lib/pq required SSL (its default up to v1.11 is require) and the server does not offer it.",
        fix="Turn SSL on at the server; or, only on a trusted network, sslmode=disable.",
        examples=("pq: SSL is not enabled on the server",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="libpq-go.unsupported_sslmode",
        source="lib/pq",
        engine="postgresql",
        pattern=_p(r"pq: unsupported sslmode \"(?P<sslmode>[^\"]*)\"|unsupported sslmode \"(?P<sslmode2>[^\"]*)\"; only"),
        cause="param_invalid",
        meaning="lib/pq up to v1.11 knows only disable, require, verify-ca and verify-full; {sslmode} is refused.",
        fix="Use require or verify-full (or upgrade lib/pq to 1.12+, which adds prefer and allow).",
        examples=('unsupported sslmode "prefer"; only "require" (default), "verify-full", "verify-ca", and "disable" supported',),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="go-mysql.tls_unsupported",
        source="go-sql-driver/mysql",
        engine="mysql",
        pattern=_p(r"TLS requested but server does not support TLS"),
        cause="server_ssl_unsupported",
        meaning="The Go driver was configured with tls=true (or a registered config) and the server has no TLS.",
        fix="Configure TLS on the server or use the endpoint that has it.",
        examples=("TLS requested but server does not support TLS",),
        note=_KNOWLEDGE,
    ),
)
