"""Hosted databases' own texts: Neon, Supabase's pooler (Supavisor), Azure, PlanetScale. They come from the
provider's proxy or gateway, not from PostgreSQL or MySQL, and name the provider's own requirement.

Examples are texts users pasted in public threads (tests/data/messages/providers.json and the family files)."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    Entry(
        id="neon.endpoint_not_specified",
        source="Neon proxy",
        engine="postgresql",
        pattern=compile_pattern(r"(?:Endpoint ID|Project ID|Project name) is not specified|SNI is missing"),
        cause="sni_missing",
        meaning=(
            "Neon routes each connection to your database by the TLS SNI (the host name the client announces in "
            "the handshake). This client sent none: libpq before 14, a driver or tool bundling an old libpq "
            "(pdo_pgsql, QGIS, GUI tools), a proxy in between, or a driver without SNI support."
        ),
        fix=(
            "Upgrade the client library (libpq 14 or later sends SNI); otherwise pass the endpoint ID (the first "
            "label of the host name) yourself: options=endpoint%3D<endpoint-id> in the URL, or the password in "
            "the form endpoint=<endpoint-id>;<password>."
        ),
        examples=(
            "psql: error: ERROR:  Endpoint ID is not specified. Either please upgrade the postgres client library "
            "(libpq) for SNI support or pass the endpoint ID (first part of the domain name) as a parameter: "
            "'?options=project%3D<endpoint-id>'. See more at https://neon.tech/sni\nERROR:  connection is insecure "
            "(try using `sslmode=require`)",
            "SQLSTATE[08006] [7] ERROR: Endpoint ID is not specified. Either please upgrade the postgres client "
            "library (libpq) for SNI support or pass the endpoint ID (first part of the domain name) as a "
            "parameter: '?options=endpoint%3D<endpoint-id>'. See more at https://neon.tech/sni",
            "PostgresError: SNI is missing. EITHER please upgrade the postgres client library OR pass the project "
            "name as a parameter: '...&options=project%3D<project-name>...'.",
        ),
        note="Corpus: neondatabase/website #685, porsager/postgres #705, contributte/libphp #391, QGIS #58067, "
             "TablePlus #3169, TablePlus-Linux #150, redash #7578. Neon's documentation (neon.tech/sni).",
        priority=70,
        rank=1,
    ),
    Entry(
        id="neon.connection_insecure",
        source="Neon proxy",
        engine="postgresql",
        pattern=compile_pattern(r"connection is insecure \(try using `?sslmode=require`?\)"),
        cause="server_requires_ssl",
        meaning="Neon accepts only TLS connections; this attempt was in plain text.",
        fix="Set sslmode=require (or stronger) in the connection string.",
        examples=("ERROR:  connection is insecure (try using `sslmode=require`)",),
        note="Corpus: neondatabase/website #685, contributte/libphp #391 (next to the SNI error, with "
             "sslmode=prefer's plain retry).",
        priority=60,
    ),
    Entry(
        id="supabase.tenant_not_found",
        source="Supabase pooler (Supavisor)",
        engine="postgresql",
        pattern=compile_pattern(r"Tenant (?:or user )?not found|no tenant identifier provided|tenant/user \S+ not found"),
        cause="role_missing",
        meaning=(
            "Supabase's shared pooler found no project for this user name and host: on the pooler the user must be "
            "postgres.<project-ref> (not postgres), and the pooler host must be the one of your project's region "
            "and cluster (aws-0-... and aws-1-... are different clusters)."
        ),
        fix=(
            "Copy the pooler connection string from the dashboard's Connect dialog: user postgres.<project-ref>, "
            "its host and port 6543 (transaction) or 5432 (session); do not compose the host by hand."
        ),
        examples=(
            "FATAL: Tenant or user not found",
            "failed to connect to `host=aws-1-us-east-2.pooler.supabase.com user=postgres.<project-ref> "
            "database=postgres`: server error (FATAL: Tenant or user not found (SQLSTATE XX000))",
            "(ENOIDENTIFIER) no tenant identifier provided (external_id or sni_hostname required)",
        ),
        note="Corpus: supabase #42581, supabase/cli #4277, prisma #22824, #21740, garrytan/gbrain #1995; "
             "Supabase's troubleshooting page 'tenant-or-user-not-found'.",
        sqlstate="XX000",
        priority=60,
    ),
    Entry(
        id="azure.ssl_required",
        source="Azure Database for PostgreSQL / MySQL",
        engine="any",
        pattern=compile_pattern(r"SSL connection is required\.\s*Please specify SSL options and retry"),
        cause="server_requires_ssl",
        meaning=(
            "Azure's gateway enforces TLS (the server parameter require_secure_transport / 'Enforce SSL "
            "connection') and this client connected in plain text."
        ),
        fix=(
            "Connect with TLS: sslmode=require (PostgreSQL, better verify-full with Azure's CA) or ssl-mode=REQUIRED "
            "(MySQL); in Npgsql 'SSL Mode=Require'; PGSSLMODE=require for tools that have no option."
        ),
        examples=(
            "psql: server closed the connection unexpectedly\n        This probably means the server terminated "
            "abnormally\n        before or while processing the request.\nFATAL:  SSL connection is required. "
            "Please specify SSL options and retry.",
            "Npgsql.PostgresException (0x80004005): 28000: SSL connection is required. Please specify SSL options "
            "and retry.",
        ),
        note="Corpus: MicrosoftDocs/azure-docs #49915, azure-cli-extensions #3390, yuniql #144, QueryTree #132, "
             "etherpad #4377, ora2pg #1236.",
        sqlstate="28000",
        priority=60,
        rank=1,
    ),
    Entry(
        id="planetscale.insecure_connection",
        source="PlanetScale",
        engine="mysql",
        pattern=compile_pattern(r"server does not allow insecure connections, client must use SSL\\?/TLS"),
        cause="server_requires_ssl",
        meaning=(
            "PlanetScale accepts only TLS connections, and this client connected without TLS (the URL or the "
            "driver options have no TLS setting)."
        ),
        fix=(
            "Enable TLS in the driver: Prisma sslaccept=strict, mysql2/drizzle ssl={{\"rejectUnauthorized\":true}}, "
            "Go tls=true, the mysql client --ssl-mode=VERIFY_IDENTITY; or copy the connection string for your "
            "driver from PlanetScale's Connect dialog."
        ),
        examples=(
            "Error: Migration engine error:\nunknown error: Code: UNAVAILABLE\nserver does not allow insecure "
            "connections, client must use SSL/TLS",
            '{"code":9999,"message":"SQLSTATE[HY000] [1105] unknown error: Code: UNAVAILABLE\\nserver does not '
            'allow insecure connections, client must use SSL\\/TLS\\n"}',
        ),
        note="Corpus: ariga/atlas #1717, planetscale/docs #227, #244, nodestatus #96, tbls #567, "
             "php-crud-api #978, pipedream #5800.",
        priority=60,
    ),
)
