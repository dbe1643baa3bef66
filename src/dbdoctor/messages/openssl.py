"""OpenSSL's certificate verification texts, as Python's ssl module and others print them.

Moved from the former catalog.py (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import CONFIRMED_NODE, CONFIRMED_PYSSL, Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    Entry(
        id="ssl.self_signed_in_chain",
        source="OpenSSL reason (asyncpg, pg8000, PyMySQL, node-postgres, MariaDB)",
        engine="any",
        pattern=compile_pattern(r"self[- ]signed certificate in certificate chain"),
        cause="cert_untrusted",
        meaning=(
            "The server's chain ends in a root CA the client does not trust (the provider's private CA, not in "
            "the system store). node-postgres says this even with sslmode=require, because it treats require as "
            "verify-full unless uselibpqcompat=true."
        ),
        fix=(
            "Give the client the provider's CA bundle (sslrootcert=..., or the driver's ca option). Turning off "
            "verification (rejectUnauthorized: false, ssl=no-verify) removes the protection; avoid it."
        ),
        examples=(
            "Error: self-signed certificate in certificate chain",
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self signed certificate in certificate chain (_ssl.c:1006)",
            "TLS/SSL error: self-signed certificate in certificate chain",
        ),
        near_misses=("Error: self-signed certificate",),
        confirmed=True,
        note=CONFIRMED_NODE + " Also captured from asyncpg 0.32, pg8000 1.31.6, PyMySQL 1.2.4 and the MariaDB 10.11 client.",
        priority=75,
    ),
    Entry(
        id="ssl.self_signed",
        source="OpenSSL reason (asyncpg, pg8000, PyMySQL, node-postgres)",
        engine="any",
        pattern=compile_pattern(r"self[- ]signed certificate(?! in certificate chain)"),
        cause="cert_self_signed",
        meaning=(
            "The server presents a self-signed certificate, and the client verifies (node-postgres treats "
            "sslmode=require as verify-full; asyncpg's ssl=True verifies)."
        ),
        fix=(
            "Trust exactly that certificate: save it and point the driver's root CA setting at it (sslrootcert "
            "/ ca). Better, have the server use a certificate from a CA."
        ),
        examples=(
            "Error: self-signed certificate",
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1000)",
        ),
        near_misses=("self-signed certificate in certificate chain",),
        confirmed=True,
        note=CONFIRMED_PYSSL,
        priority=70,
    ),
    Entry(
        id="ssl.unable_local_issuer",
        source="OpenSSL reason (asyncpg, pg8000, PyMySQL)",
        engine="any",
        pattern=compile_pattern(r"unable to get local issuer certificate|unable to verify the first certificate"),
        cause="cert_untrusted",
        meaning=(
            "The client cannot find the issuer of the server's certificate among the CAs it trusts: either the "
            "CA file is the wrong one, or the server does not send its intermediate certificate (then "
            "cert_chain_incomplete is the cause; `dbdoctor check` tells which)."
        ),
        fix="Use the provider's full CA bundle (root and intermediates); if the server omits its intermediate, fix the server's certificate file.",
        examples=(
            "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)",
            "Error: unable to verify the first certificate",
        ),
        confirmed=True,
        note=CONFIRMED_PYSSL,
        priority=70,
    ),
    Entry(
        id="ssl.expired",
        source="OpenSSL reason (asyncpg, pg8000, PyMySQL, node-postgres)",
        engine="any",
        pattern=compile_pattern(r"certificate has expired|CERT_HAS_EXPIRED"),
        cause="cert_expired",
        meaning="The server's certificate, or one in its chain, has expired (or this machine's clock is far ahead).",
        fix="Renew the certificate on the server (or ask the provider); check the clock here.",
        examples=("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)",),
        confirmed=True,
        note=CONFIRMED_PYSSL,
        priority=70,
    ),
    Entry(
        id="ssl.not_yet_valid",
        source="OpenSSL reason (asyncpg, pg8000, PyMySQL, node-postgres)",
        engine="any",
        pattern=compile_pattern(r"certificate is not yet valid|CERT_NOT_YET_VALID"),
        cause="cert_not_yet_valid",
        meaning="The server's certificate is not valid yet: this machine's clock is behind, or it was issued with a future start date.",
        fix="Check the clock (NTP) here; otherwise wait or reissue the certificate.",
        examples=("certificate verify failed: certificate is not yet valid",),
        confirmed=True,
        note=CONFIRMED_PYSSL,
        priority=70,
    ),
)
