"""Prisma's engine errors (P1xxx).

Moved from the former catalog.py (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import KNOWLEDGE, Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    Entry(
        id="prisma.p1011_tls",
        source="prisma",
        engine="postgresql",
        pattern=compile_pattern(r"P1011|Error opening a TLS connection"),
        cause="tls_handshake_failed",
        meaning="Prisma could not open the TLS connection; the text after the colon is the TLS library's reason "
                "(a certificate that does not verify with sslaccept=strict, or a server without TLS with "
                "sslmode=require).",
        fix="With sslaccept=strict, point sslcert (Prisma's CA parameter) at the server's CA: "
            "?sslmode=require&sslaccept=strict&sslcert=/path/to/ca.pem; note Prisma 6 reads "
            "sslmode=verify-full as prefer.",
        examples=("Error: P1011: Error opening a TLS connection: handshake failure",),
        note=KNOWLEDGE + " The code P1011 is documented; its message text is unconfirmed.",
    ),
    # ---------------------------------------------------------------- real-world corpus (issue 11)
    Entry(
        id="prisma.p1001_unreachable",
        source="prisma",
        engine="any",
        pattern=compile_pattern(r"Can't reach database server at"),
        cause="connection_refused",
        meaning=(
            "Prisma's P1001: no connection to the server at all (Prisma does not say why). Nothing listening "
            "there (the server is down, another port, localhost inside a container) is the first reading."
        ),
        fix="Check that the server runs and listens on that host and port from where Prisma runs (psql/mysql "
            "from the same machine or container); then run dbdoctor check on the same DATABASE_URL.",
        examples=(
            "Error: P1001: Can't reach database server at `localhost`:`5432`\n\nPlease make sure your database "
            "server is running at `localhost`:`5432`.",
            "Can't reach database server at db.example.test:3306\n\nPlease make sure your database server is "
            "running at db.example.test:3306.",
        ),
        note="Corpus: prisma/studio #1177, prisma #24040, #10952, #12305, #27368, planetscale/cli #589. Prisma "
             "error reference (P1001). A wrapper: a more specific line in the same paste outranks it.",
        priority=40,
        rank=-1,
    ),
    Entry(
        id="prisma.p1001_unreachable.timeout",
        source="prisma",
        engine="any",
        pattern=compile_pattern(r"Can't reach database server at"),
        cause="connect_timeout",
        meaning=(
            "The other reading of P1001: the connection attempt got no answer within Prisma's connect_timeout "
            "(5 s by default): a firewall or allowlist dropping packets, or an IPv6-only host from an IPv4 network."
        ),
        fix="Allow the client's address in the database's network rules; add connect_timeout=30 to the URL on a "
            "slow path.",
        examples=(
            "Error: P1001: Can't reach database server at `localhost`:`5432`\n\nPlease make sure your database "
            "server is running at `localhost`:`5432`.",
        ),
        note="An alternative of prisma.p1001_unreachable (same pattern, same priority).",
        priority=40,
        rank=-1,
    ),
    Entry(
        id="prisma.p1000_auth_failed",
        source="prisma",
        engine="any",
        pattern=compile_pattern(r"Authentication failed against (?:the )?database server|the provided database credentials for "
                   r"`(?P<user>[^`]*)` are not valid"),
        cause="password_failed",
        meaning=(
            "Prisma's P1000: the server refused the user name and password in the URL (Prisma hides the server's "
            "own reason: a wrong password, a user that does not exist, or a password with un-encoded special "
            "characters that was cut)."
        ),
        fix="Check user and password, percent-encode special characters in the URL (@ → %40, # → %23), and make "
            "sure the right .env is loaded.",
        examples=(
            "Error: P1000: Authentication failed against database server at `localhost`, the provided database "
            "credentials for `postgres` are not valid.",
            "Authentication failed against the database server, the provided database credentials for `app` are "
            "not valid",
        ),
        note="Corpus: JWTAuthBackend #3, z-com #12, hoppscotch #5679, prisma #21959, #26172, #10474. Prisma error "
             "reference (P1000).",
        priority=50,
    ),
    Entry(
        id="prisma.p1013_invalid_url",
        source="prisma",
        engine="any",
        pattern=compile_pattern(r"The provided database string is invalid\.? (?P<value>[^\n.]*)"),
        cause="invalid_target",
        meaning="Prisma's P1013: the connection URL cannot be parsed: {value}.",
        fix="Fix the URL (scheme postgresql:// or mysql://, a host, percent-encoded user and password); check the "
            "environment variable the schema reads.",
        examples=(
            "Error: P1013: The provided database string is invalid. empty host in database URL. Please refer to "
            "the documentation in https://www.prisma.io/docs/reference/database-reference/connection-urls for "
            "constructing a correct connection string.",
            "The provided database string is invalid. Error parsing connection string: prisma+postgres is not a "
            "supported database URL scheme. in database URL.",
        ),
        note="Corpus: photodash #33, prisma #27292, #11883, #20230. Prisma error reference (P1013).",
        priority=50,
    ),
    Entry(
        id="prisma.p1013_arguments",
        source="prisma",
        engine="any",
        pattern=compile_pattern(r"The provided database string is invalid\.? The provided arguments are not supported"),
        cause="param_invalid",
        meaning="Prisma's P1013 for a URL parameter: a query parameter's value is not one Prisma accepts (a "
                "number expected for pool_timeout, connection_limit, connect_timeout).",
        fix="Check every ?parameter= of the URL against Prisma's connection URL reference.",
        examples=(
            "The provided database string is invalid. The provided arguments are not supported in database URL. "
            "Please refer to the documentation",
        ),
        note="Corpus: prisma #21732.",
        priority=60,
    ),
)
