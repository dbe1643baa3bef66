"""Rust: sqlx and tokio-postgres.

Moved from the former catalog.py (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import DOCS, Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    Entry(
        id="sqlx.server_no_tls",
        source="sqlx",
        engine="postgresql",
        pattern=compile_pattern(r"server does not support TLS"),
        cause="server_ssl_unsupported",
        meaning="sqlx was told to require TLS (sslmode=require, verify-ca or verify-full) and the server "
                "answered that it has none.",
        fix="Turn TLS on at the server or connect to the endpoint that has it.",
        examples=("error occurred while attempting to establish a TLS connection: server does not support TLS",),
        near_misses=("The server does not support SSL connections",),
        note=DOCS + " From sqlx-postgres src/connection/tls.rs.",
    ),
    Entry(
        id="tokio-postgres.unknown_option",
        source="tokio-postgres",
        engine="postgresql",
        pattern=compile_pattern(r"unknown option `(?P<param>[^`]*)`"),
        cause="param_unknown",
        meaning="tokio-postgres refuses a connection-string key it does not know (sslrootcert included: the CA "
                "belongs to the TLS connector, not the string).",
        fix="Remove the key; configure certificates on the TLS connector (postgres-native-tls or "
            "postgres-openssl).",
        examples=("invalid configuration: unknown option `sslrootcert`",),
        note=DOCS + " From tokio-postgres src/config.rs.",
    ),
    Entry(
        id="tokio-postgres.sslmode_invalid",
        source="tokio-postgres",
        engine="postgresql",
        pattern=compile_pattern(r"invalid value for option `sslmode`"),
        cause="param_invalid",
        meaning="tokio-postgres knows only sslmode=disable, prefer and require: verify-ca and verify-full are "
                "errors (verification is the TLS connector's job).",
        fix="Use sslmode=require and a verifying connector (postgres-native-tls or postgres-openssl with the "
            "CA configured).",
        examples=("Error: invalid configuration: invalid value for option `sslmode`",),
        note=DOCS + " From tokio-postgres src/config.rs.",
    ),
)
