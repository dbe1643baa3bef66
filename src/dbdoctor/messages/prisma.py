"""Prisma's engine errors (P1xxx).

Moved from dbdoctor.catalog (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import _KNOWLEDGE, Entry, _p

ENTRIES: Final[tuple[Entry, ...]] = (
    Entry(
        id="prisma.p1011_tls",
        source="prisma",
        engine="postgresql",
        pattern=_p(r"P1011|Error opening a TLS connection"),
        cause="tls_handshake_failed",
        meaning="Prisma could not open the TLS connection; the text after the colon is the TLS library's reason "
                "(a certificate that does not verify with sslaccept=strict, or a server without TLS with "
                "sslmode=require).",
        fix="With sslaccept=strict, point sslcert (Prisma's CA parameter) at the server's CA: "
            "?sslmode=require&sslaccept=strict&sslcert=/path/to/ca.pem; note Prisma 6 reads "
            "sslmode=verify-full as prefer.",
        examples=("Error: P1011: Error opening a TLS connection: handshake failure",),
        note=_KNOWLEDGE + " The code P1011 is documented; its message text is unconfirmed.",
    ),
)
