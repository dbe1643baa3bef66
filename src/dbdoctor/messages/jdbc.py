"""Java: pgjdbc and MySQL Connector/J.

Moved from dbdoctor.catalog (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import _KNOWLEDGE, Entry, _p

ENTRIES: Final[tuple[Entry, ...]] = (
    # ---------------------------------------------------------------- pgjdbc
    Entry(
        id="pgjdbc.server_no_ssl",
        source="pgjdbc",
        engine="postgresql",
        pattern=_p(r"The server does not support SSL\."),
        cause="server_ssl_unsupported",
        meaning="pgjdbc was asked for SSL (ssl=true or sslmode=require or stricter) and the server does not offer it.",
        fix="Turn SSL on at the server or use the endpoint that has it.",
        examples=("org.postgresql.util.PSQLException: The server does not support SSL.",),
        near_misses=("The server does not support SSL connections",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="pgjdbc.hostname",
        source="pgjdbc",
        engine="postgresql",
        pattern=_p(r"The hostname (?P<host>\S+) could not be verified by hostnameverifier"),
        cause="hostname_mismatch",
        meaning="With sslmode=verify-full (pgjdbc's ssl=true means verify-full) the host {host} is not among the certificate's names.",
        fix="Connect with a name the certificate lists, or set sslmode=verify-ca if you only need the chain checked.",
        examples=("The hostname db.internal could not be verified by hostnameverifier PgjdbcHostnameVerifier.",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="pgjdbc.root_cert",
        source="pgjdbc",
        engine="postgresql",
        pattern=_p(r"Could not open SSL root certificate file (?P<path>\S+?)\.?(?:\s|$)"),
        cause="ca_file_missing",
        meaning="With verify-ca/verify-full pgjdbc needs sslrootcert (default ~/.postgresql/root.crt) and cannot open {path}. It does not fall back to the JVM trust store.",
        fix="Set sslrootcert to the provider's CA file as the JVM process sees it.",
        examples=("Could not open SSL root certificate file /home/app/.postgresql/root.crt.",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="connectorj.ssl_required",
        source="MySQL Connector/J",
        engine="mysql",
        pattern=_p(r"SSL Connection required, but not provided by server"),
        cause="server_ssl_unsupported",
        meaning="Connector/J requires TLS (sslMode=REQUIRED or stricter) and the server has none.",
        fix="Configure TLS on the server or use the endpoint that has it.",
        examples=("SSL Connection required, but not provided by server.",),
        note=_KNOWLEDGE,
    ),
    Entry(
        id="pgjdbc.sslmode_invalid",
        source="pgjdbc",
        engine="postgresql",
        pattern=_p(r"Invalid sslmode value: (?P<value>\S+)"),
        cause="param_invalid",
        meaning="pgjdbc does not know this sslmode (its values are libpq's six, in any case).",
        fix="Use sslmode=verify-full&sslrootcert=/path/to/ca.pem (or require, which never verifies in pgjdbc).",
        examples=("org.postgresql.util.PSQLException: Invalid sslmode value: required",),
        note=_KNOWLEDGE + " From pgjdbc's SslMode.of.",
    ),
    Entry(
        id="pgjdbc.pkix_untrusted",
        source="pgjdbc",
        engine="postgresql",
        pattern=_p(r"PKIX path building failed|unable to find valid certification path to requested target"),
        cause="cert_untrusted",
        meaning="pgjdbc (verify-ca, verify-full or ssl=true) could not build a chain from the server's "
                "certificate to the root certificate file it uses (sslrootcert, else ~/.postgresql/root.crt "
                "under Java's user.home; never the JVM trust store).",
        fix="Point sslrootcert at the CA that issued the server's certificate: "
            "jdbc:postgresql://host/db?sslmode=verify-full&sslrootcert=/path/to/ca.pem",
        examples=("org.postgresql.util.PSQLException: SSL error: PKIX path building failed: "
                  "sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid "
                  "certification path to requested target",),
        confirmed=True,
        note="Captured from pgjdbc 42.7.13 (OpenJDK 17) against PostgreSQL 15.18; tests/drivers runs it.",
    ),
)
