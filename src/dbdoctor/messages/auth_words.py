"""The client's or the server's own words for the causes that only a message shows: an authentication method
the client cannot do, peer authentication, a pooler's refusal of a start-up parameter, a client built without
SSL, a missing SNI, Connector/J's public key retrieval. The check pipelines (pipeline.py
``_classify_driver_message``, pipeline_mysql.py ``attempt_cause``) ask here before the catalog.

Each pattern names where its text comes from; "verified" ones were produced here by a real client against a
sandbox server (tests/rules/test_new_causes.py), the others are recorded from the client's or server's source.
Pure and cheap: only ``re``.
"""

from __future__ import annotations

import re
from typing import Final

#: (cause, pattern, where the text comes from) for PostgreSQL clients, most specific first
POSTGRES: Final[tuple[tuple[str, re.Pattern[str], str], ...]] = (
    ("peer_auth_failed", re.compile(r"(?:Peer|Ident) authentication failed for user", re.I),
     "PostgreSQL src/backend/libpq/auth.c auth_failed (verified: PostgreSQL 15, local ... peer)"),
    ("pooler_startup_parameter", re.compile(r"unsupported startup parameter", re.I),
     "PgBouncer src/client.c (verified: PgBouncer 1.18, options / extra_float_digits)"),
    ("sni_missing", re.compile(r"endpoint ID is not specified|(?:client library|libpq)\b.{0,40}\bfor SNI support",
                               re.I),
     "Neon's proxy (neondatabase/neon proxy/src/auth/credentials.rs; neon.tech/docs/connect/connection-errors)"),
    ("client_without_ssl", re.compile(r"invalid when SSL support is not compiled in|"
                                      r"SSL is not supported by this build|no SSL support", re.I),
     "libpq fe-connect.c connectOptions2 ('sslmode value \"%s\" invalid when SSL support is not compiled in')"),
    ("auth_method_unsupported", re.compile(
        r"authentication method \d+ not supported|"  # libpq before 10 meeting SCRAM (10)
        r"SCRAM authentication requires libpq version 10|"  # psycopg2 / libpq builds before 10
        r"authentication type \d+ is not supported|"  # pgjdbc before 42.2 (SCRAM = 10)
        r"authentication method requirement \"[^\"]+\" failed|"  # libpq 16+ require_auth (verified)
        r"unknown authentication response: \d+|"  # lib/pq before SCRAM support
        r"none of the server's SASL authentication mechanisms are supported|"  # libpq fe-auth.c
        r"SASL authentication mechanism \S+ (?:is )?not supported|"
        r"auth(?:entication)? ?method not supported", re.I),
     "libpq fe-auth.c (pg_fe_sendauth, check_expected_areq), pgjdbc ConnectionFactoryImpl, lib/pq conn.go"),
)

#: the same for MySQL and MariaDB clients
MYSQL: Final[tuple[tuple[str, re.Pattern[str], str], ...]] = (
    ("public_key_retrieval", re.compile(r"Public Key Retrieval is not allowed", re.I),
     "MySQL Connector/J LocalizedErrorMessages.properties (UnableToConnectWithPublicKeyRetrieval)"),
    ("client_without_ssl", re.compile(r"Python installation has no SSL support|SSL support not compiled in|"
                                      r"SSL is not supported by this build", re.I),
     "mysql-connector-python network.py; MySQL client sslopt-case.h"),
    ("auth_method_unsupported", re.compile(
        r"Client does not support authentication protocol requested by server|ER_NOT_SUPPORTED_AUTH_MODE|"
        r"Authentication plugin '?[\w.-]+'? (?:cannot be loaded|not configured|is not supported|not loaded)|"
        r"authentication method unknown to the client|"
        r"'?pynacl'? package is required for ed25519|"  # PyMySQL without PyNaCl (verified, MariaDB ed25519)
        r"caching_sha2_password.{0,40}(?:cannot be loaded|not supported|requires (?:a )?secure connection)|"
        r"Authentication requires secure connection", re.I),
     "MySQL errmsg 1251; libmysql 2059; PyMySQL _auth.py; PHP mysqlnd; mysqljs/mysql; go-sql-driver auth.go"),
)


def cause_from_text(message: str | None, engine: str = "postgresql") -> str | None:
    """The cause id a client's or server's message names, among the causes above, or None."""
    if not message:
        return None
    for cause, pattern, _where in (MYSQL if engine == "mysql" else POSTGRES):
        if pattern.search(message):
            return cause
    return None
