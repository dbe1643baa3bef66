"""Python drivers other than libpq-based ones: asyncpg, pg8000, SQLAlchemy keyword errors.

Moved from the former catalog.py (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import CONFIRMED_PY, CONFIRMED_PYSSL, KNOWLEDGE_V, Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    Entry(
        id="py.connect_call_failed",
        source="asyncpg (Python asyncio)",
        engine="any",
        pattern=compile_pattern(r"\[Errno 111\] Connect call failed \('(?P<address>[^']*)', (?P<port>\d+)\)"),
        cause="connection_refused",
        meaning="Nothing accepts connections at {endpoint}: the server is down or listens elsewhere.",
        fix="Check host and port and that the server is up and listening there.",
        examples=("ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 1)",),
        confirmed=True,
        note=CONFIRMED_PY + " Not in the knowledge files.",
    ),
    # ---------------------------------------------------------------- asyncpg, Python ssl, pg8000
    Entry(
        id="asyncpg.rejected_ssl_upgrade",
        source="asyncpg",
        engine="postgresql",
        pattern=compile_pattern(r"PostgreSQL server at \"(?P<host>[^\"]*?):(?P<port>\d+)\" rejected SSL upgrade"),
        cause="server_ssl_unsupported",
        meaning=(
            "asyncpg asked for SSL (sslmode=require or stricter, or ssl=True) and the server at {host} said it "
            "does not do SSL."
        ),
        fix="Turn SSL on at the server, or connect to the endpoint that offers it; do not drop to sslmode=disable.",
        examples=('PostgreSQL server at "127.0.0.1:55432" rejected SSL upgrade',),
        confirmed=True,
        note=CONFIRMED_PY,
    ),
    Entry(
        id="py.unexpected_ssl_keyword",
        source="SQLAlchemy URL (asyncpg, pg8000, PyMySQL)",
        engine="any",
        pattern=compile_pattern(r"got an unexpected keyword argument '(?P<param>ssl[\w-]*)'"),
        cause="param_unknown",
        meaning=(
            "SQLAlchemy passes URL query parameters to the driver's connect() as keyword arguments, and this "
            "driver has no {param} argument. asyncpg takes ssl= (ssl=require), pg8000 takes only an ssl_context "
            "through connect_args, PyMySQL takes ssl_ca / ssl_verify_identity, not ssl_mode."
        ),
        fix=(
            "postgresql+asyncpg://...?ssl=require (or verify-full through connect_args with an SSLContext); "
            "pg8000: connect_args={{'ssl_context': ...}}; PyMySQL: ?ssl_ca=/path/ca.pem&ssl_verify_identity=true."
        ),
        examples=(
            "TypeError: connect() got an unexpected keyword argument 'sslmode'",
            "TypeError: __init__() got an unexpected keyword argument 'ssl_mode'",
        ),
        note=KNOWLEDGE_V,
    ),
    Entry(
        id="asyncpg.ip_mismatch",
        source="Python ssl (asyncpg, pg8000, PyMySQL)",
        engine="any",
        pattern=compile_pattern(r"IP address mismatch, certificate is not valid for '(?P<host>[^']*)'"),
        cause="ip_address_mismatch",
        meaning="The client connected by IP address {host} and verifies the host, and the certificate does not name that address.",
        fix="Connect with a host name the certificate lists (and keep the address in /etc/hosts or DNS), not the IP.",
        examples=("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address mismatch, certificate is not valid for '127.0.0.1'. (_ssl.c:1006)",
            'OperationalError(2003, "Can\'t connect to MySQL server on \'127.0.0.1\' ([SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address mismatch, certificate is not valid for \'127.0.0.1\'. (_ssl.c:1006))")',
        ),
        confirmed=True,
        note=CONFIRMED_PY + " PyMySQL 1.2.4 shows the same text.",
        priority=75,
    ),
    Entry(
        id="asyncpg.hostname_mismatch",
        source="Python ssl (asyncpg, pg8000, PyMySQL)",
        engine="any",
        pattern=compile_pattern(r"Hostname mismatch, certificate is not valid for '(?P<host>[^']*)'"),
        cause="hostname_mismatch",
        meaning="The host name {host} is not among the certificate's names.",
        fix="Connect with a name the certificate lists.",
        examples=("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'localhost'. (_ssl.c:1006)",),
        confirmed=True,
        note=CONFIRMED_PYSSL,
        priority=75,
    ),
    Entry(
        id="py.cert_verify_failed",
        source="Python ssl (asyncpg, pg8000, PyMySQL)",
        engine="any",
        pattern=compile_pattern(r"\[SSL: CERTIFICATE_VERIFY_FAILED\] certificate verify failed[^\n]*"),
        cause="cert_untrusted",
        meaning="Python's ssl module could not verify the server's certificate; the words after the colon give the reason.",
        fix="Give the driver the provider's CA bundle; paste the full message for the exact reason.",
        examples=("ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",),
        confirmed=True,
        note=CONFIRMED_PY,
        priority=40,
    ),
    Entry(
        id="pg8000.server_refuses_ssl",
        source="pg8000",
        engine="postgresql",
        pattern=compile_pattern(r"Server refuses SSL"),
        cause="server_ssl_unsupported",
        meaning="pg8000 was told to use SSL (ssl_context) and the server does not offer it.",
        fix="Turn SSL on at the server or connect to the endpoint that has it.",
        examples=("pg8000.exceptions.InterfaceError: Server refuses SSL",),
        confirmed=True,
        note=CONFIRMED_PY,
    ),
    Entry(
        id="asyncpg.sslmode_invalid",
        source="asyncpg",
        engine="postgresql",
        pattern=compile_pattern(r"`?sslmode`? parameter must be one of: disable, allow, prefer, require, verify-ca, verify-full"),
        cause="param_invalid",
        meaning="asyncpg got an sslmode (or, through SQLAlchemy, an ssl= value) that is not one of libpq's six "
                "mode names: ssl=true is not one.",
        fix="Use a mode name: ?sslmode=verify-full with asyncpg's own URL, ?ssl=verify-full through "
            "SQLAlchemy (postgresql+asyncpg://).",
        examples=("asyncpg.exceptions._base.ClientConfigurationError: `sslmode` parameter must be one of: "
                  "disable, allow, prefer, require, verify-ca, verify-full",),
        confirmed=True,
        note=CONFIRMED_PY + " tests/drivers reproduces it.",
    ),
)
