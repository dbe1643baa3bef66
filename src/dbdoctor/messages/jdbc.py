"""Java: pgjdbc and MySQL Connector/J.

Moved from the former catalog.py (one module per source); see dbdoctor.messages for the entry type."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import KNOWLEDGE, Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    # ---------------------------------------------------------------- pgjdbc
    Entry(
        id="pgjdbc.server_no_ssl",
        source="pgjdbc",
        engine="postgresql",
        pattern=compile_pattern(r"The server does not support SSL\."),
        cause="server_ssl_unsupported",
        meaning="pgjdbc was asked for SSL (ssl=true or sslmode=require or stricter) and the server does not offer it.",
        fix="Turn SSL on at the server or use the endpoint that has it.",
        examples=("org.postgresql.util.PSQLException: The server does not support SSL.",),
        near_misses=("The server does not support SSL connections",),
        note=KNOWLEDGE,
    ),
    Entry(
        id="pgjdbc.hostname",
        source="pgjdbc",
        engine="postgresql",
        pattern=compile_pattern(r"The hostname (?P<host>\S+) could not be verified by hostnameverifier"),
        cause="hostname_mismatch",
        meaning="With sslmode=verify-full (pgjdbc's ssl=true means verify-full) the host {host} is not among the certificate's names.",
        fix="Connect with a name the certificate lists, or set sslmode=verify-ca if you only need the chain checked.",
        examples=("The hostname db.internal could not be verified by hostnameverifier PgjdbcHostnameVerifier.",),
        note=KNOWLEDGE,
    ),
    Entry(
        id="pgjdbc.root_cert",
        source="pgjdbc",
        engine="postgresql",
        pattern=compile_pattern(r"Could not open SSL root certificate file (?P<path>\S+?)\.?(?:\s|$)"),
        cause="ca_file_missing",
        meaning="With verify-ca/verify-full pgjdbc needs sslrootcert (default ~/.postgresql/root.crt) and cannot open {path}. It does not fall back to the JVM trust store.",
        fix="Set sslrootcert to the provider's CA file as the JVM process sees it.",
        examples=("Could not open SSL root certificate file /home/app/.postgresql/root.crt.",),
        note=KNOWLEDGE,
    ),
    Entry(
        id="connectorj.ssl_required",
        source="MySQL Connector/J",
        engine="mysql",
        pattern=compile_pattern(r"SSL Connection required, but not provided by server"),
        cause="server_ssl_unsupported",
        meaning="Connector/J requires TLS (sslMode=REQUIRED or stricter) and the server has none.",
        fix="Configure TLS on the server or use the endpoint that has it.",
        examples=("SSL Connection required, but not provided by server.",),
        note=KNOWLEDGE,
    ),
    Entry(
        id="pgjdbc.sslmode_invalid",
        source="pgjdbc",
        engine="postgresql",
        pattern=compile_pattern(r"Invalid sslmode value: (?P<value>\S+)"),
        cause="param_invalid",
        meaning="pgjdbc does not know this sslmode (its values are libpq's six, in any case).",
        fix="Use sslmode=verify-full&sslrootcert=/path/to/ca.pem (or require, which never verifies in pgjdbc).",
        examples=("org.postgresql.util.PSQLException: Invalid sslmode value: required",),
        note=KNOWLEDGE + " From pgjdbc's SslMode.of.",
    ),
    Entry(
        id="pgjdbc.pkix_untrusted",
        source="pgjdbc",
        engine="postgresql",
        pattern=compile_pattern(r"PKIX path building failed|unable to find valid certification path to requested target"),
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
    # ---------------------------------------------------------------- real-world corpus (issue 11)
    Entry(
        id="pgjdbc.auth_type_unsupported",
        source="pgjdbc",
        engine="postgresql",
        pattern=compile_pattern(r"The authentication type (?P<value>\d+) is not supported|"
                   r"Authentifizierungstyp (?P<value2>\d+) wird nicht unterst"),
        cause="auth_method_unsupported",
        meaning=(
            "The server asks for an authentication method this PostgreSQL JDBC driver does not implement: type 10 "
            "is SASL (SCRAM-SHA-256, the default password method since PostgreSQL 14), which pgjdbc supports only "
            "from 42.2.0. The application bundles an older driver. pg_hba.conf is usually fine."
        ),
        fix=(
            "Upgrade the application's pgjdbc to 42.2.0 or later (often: a newer image of the application); as a "
            "stopgap, store the role's password as md5 (password_encryption=md5, then set the password again)."
        ),
        examples=(
            "Caused by: org.postgresql.util.PSQLException: The authentication type 10 is not supported. Check that "
            "you have configured the pg_hba.conf file to include the client's IP address or subnet, and that it is "
            "using an authentication scheme supported by the driver.",
            "org.postgresql.util.PSQLException: Der Authentifizierungstyp 10 wird nicht unterstützt. Stellen Sie "
            "sicher, dass die Datei 'pg_hba.conf' die IP-Adresse oder das Subnetz des Clients enthält",
        ),
        note="Corpus: DBforBIX #59, hmdm-server #57, BeryJu/k8s #768, geonetwork #7649, thingsboard #3788. pgjdbc "
             "messages.properties (and its German translation).",
        priority=60,
    ),
    Entry(
        id="pgjdbc.connection_refused",
        source="pgjdbc",
        engine="postgresql",
        pattern=compile_pattern(r"Connection to (?P<host>[^\s:]+):(?P<port>\d+) refused\. Check that the hostname and port are "
                   r"correct"),
        cause="connection_refused",
        meaning=(
            "Nothing accepted the TCP connection on {host}, port {port}: the server is not running, listens on "
            "another port or address (listen_addresses), or — in a container — localhost is the container itself, "
            "not the database."
        ),
        fix=(
            "Start the server or use its real address and port; from a Docker container use the database "
            "service's name (or host.docker.internal), not localhost."
        ),
        examples=(
            "org.postgresql.util.PSQLException: Connection to localhost:5432 refused. Check that the hostname and "
            "port are correct and that the postmaster is accepting TCP/IP connections.",
            "SQL SCRIPT START - Connection to 127.0.0.1:5433 refused. Check that the hostname and port are correct "
            "and that the postmaster is accepting TCP/IP connections",
        ),
        note="Corpus: slick-pg #632, #322, axelor open-platform-demo #9, sqlserver2pgsql-docker #1. pgjdbc "
             "messages.properties.",
        priority=60,
    ),
    Entry(
        id="connectorj.public_key_retrieval",
        source="MySQL Connector/J",
        engine="mysql",
        pattern=compile_pattern(r"Public Key Retrieval is not allowed"),
        cause="public_key_retrieval",
        meaning=(
            "The account uses caching_sha2_password (MySQL 8's default) or sha256_password, the connection is not "
            "TLS, and Connector/J would have to fetch the server's RSA public key to send the password; it refuses "
            "because allowPublicKeyRetrieval is false (a man in the middle could hand it a key)."
        ),
        fix=(
            "Best: connect with TLS (sslMode=REQUIRED or VERIFY_IDENTITY), which needs no RSA key. Otherwise give "
            "the key yourself (serverRSAPublicKeyFile=...), or, on a trusted network only, "
            "allowPublicKeyRetrieval=true."
        ),
        examples=(
            'Exception in thread "main" java.sql.SQLNonTransientConnectionException: Public Key Retrieval is not '
            "allowed\n\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:108)",
        ),
        note="Corpus: baeldung.com java-mysql-error-public-key-retrieval, mastertheboss.com (independent write-ups "
             "of the same Connector/J exception). MySQL 8 only: not reproducible with MariaDB here.",
        priority=60,
    ),
    Entry(
        id="java.tls_protocol_disabled",
        source="Java (JSSE) via Connector/J, pgjdbc",
        engine="any",
        pattern=compile_pattern(r"No appropriate protocol(?: \(protocol is disabled or cipher suites are inappropriate\))?|"
                   r"The server selected protocol version (?P<value>TLS1[01]|SSL3) is not accepted by client "
                   r"preferences"),
        cause="tls_handshake_failed",
        meaning=(
            "The TLS handshake could not agree on a protocol version: the server offers only TLS 1.0/1.1 (MySQL "
            "5.6, 5.7 before 5.7.28, old Aurora, yaSSL builds), which current Java versions disable, or the driver "
            "limits itself to versions the JVM no longer allows."
        ),
        fix=(
            "Upgrade the server (or its TLS library) to TLS 1.2; with a recent Connector/J set tlsVersions=TLSv1.2 "
            "(enabledTLSProtocols on older ones). Re-enabling TLSv1 in java.security is a last resort; "
            "sslMode=DISABLED removes encryption altogether."
        ),
        examples=(
            "Caused by: javax.net.ssl.SSLHandshakeException: No appropriate protocol (protocol is disabled or "
            "cipher suites are inappropriate)\n\tat sun.security.ssl.HandshakeContext.<init>(HandshakeContext.java:"
            "171)\n\tat com.mysql.cj.protocol.ExportControlled.performTlsHandshake(ExportControlled.java:316)",
            "Caused by: javax.net.ssl.SSLHandshakeException, The server selected protocol version TLS10 is not "
            "accepted by client preferences [TLS12]",
        ),
        note="Corpus: nextgenhealthcare/connect #5408, #6009, apollo #4050, dbeaver #12713, aws-mysql-jdbc #328, "
             "seatunnel #9411, r2dbc-mysql #182.",
        priority=60,
    ),
    Entry(
        id="java.connect_exception_refused",
        source="Java (java.net)",
        engine="any",
        pattern=compile_pattern(r"java\.net\.ConnectException: Connection refused"),
        cause="connection_refused",
        meaning="Nothing accepted the TCP connection at the address and port the driver used.",
        fix=(
            "Start the server or fix the host and port; from a container, use the database service's name instead "
            "of localhost."
        ),
        examples=(
            "Caused by: java.net.ConnectException: Connection refused: connect\n\tat "
            "java.net.DualStackPlainSocketImpl.waitForConnect(Native Method)",
        ),
        note="Corpus: HikariCP #1263. The JDK's own text.",
        priority=55,
    ),
    Entry(
        id="connectorj.communications_link_failure",
        source="MySQL Connector/J",
        engine="mysql",
        pattern=compile_pattern(r"Communications link failure"),
        cause="connection_refused",
        meaning=(
            "Connector/J's wrapper for any failure before the server's greeting; when no 'Caused by' line says "
            "more, 'has not received any packets from the server' means no MySQL server answered at that address "
            "and port (nothing listening, or localhost inside a container)."
        ),
        fix=(
            "Read the last 'Caused by:' of the stack trace; without one, check that the server runs and listens on "
            "that address (bind-address) and port, and use the service name instead of localhost in Docker."
        ),
        examples=(
            "com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure\n\nThe last packet "
            "sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from "
            "the server.",
        ),
        note="Corpus: maxwell #1855, HikariCP #1263, WeBASE-Node-Manager #497, CoreProtect #124. A wrapper: the "
             "reason inside it (TLS, refused) outranks it.",
        priority=30,
        rank=-1,
    ),
    Entry(
        id="connectorj.communications_link_failure.timeout",
        source="MySQL Connector/J",
        engine="mysql",
        pattern=compile_pattern(r"Communications link failure"),
        cause="connect_timeout",
        meaning=(
            "The other reading of Connector/J's wrapper: the connection attempt got no answer in time (a firewall "
            "or security group dropping packets). The milliseconds in 'The last packet sent successfully ... ago' "
            "and a check of the address tell the two apart."
        ),
        fix="Allow the client's address in the firewall or security group, or raise connectTimeout if the path is slow.",
        examples=(
            "com.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure\n\nThe last packet "
            "sent successfully to the server was 0 milliseconds ago. The driver has not received any packets from "
            "the server.",
        ),
        note="An alternative of connectorj.communications_link_failure (same pattern, same priority).",
        priority=30,
        rank=-1,
    ),
)
