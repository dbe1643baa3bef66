"""pgjdbc, the PostgreSQL JDBC driver (``jdbc:postgresql://``). Facts from pgjdbc 42.7:
org/postgresql/PGProperty.java, org/postgresql/jdbc/SslMode.java (of: ssl=true without sslmode is
verify-full), org/postgresql/ssl/LibPQFactory.java (root file only for verify-ca/verify-full, default
~/.postgresql/root.crt, no JVM trust store), org/postgresql/core/v3/ConnectionFactoryImpl.java."""

from __future__ import annotations

from dbdoctor.drivers.model import ABSENT, PRESENT, Driver, Param, Row, Source

_MODE = Source("pgjdbc org/postgresql/jdbc/SslMode.java (SslMode.of)", "verified")
_LIBPQ = Source("pgjdbc org/postgresql/ssl/LibPQFactory.java", "verified")
_PROP = Source("pgjdbc org/postgresql/PGProperty.java; docs jdbc.postgresql.org/documentation/use/", "verified")
_CF = Source("pgjdbc org/postgresql/core/v3/ConnectionFactoryImpl.java (enableSSL, tryConnect)", "read")

_MODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})

DRIVER = Driver(
    name="pgjdbc",
    title="PostgreSQL JDBC driver (pgjdbc)",
    language="Java",
    versions="42.2-42.7 (checked: 42.7.13 on OpenJDK 17)",
    default_version="42.7",
    runs_here=True,
    url_schemes=("jdbc:postgresql",),
    keyword_strings=False,
    params={
        "ssl": Param("read", "sslmode", "true (or empty) without sslmode means verify-full", _MODE),
        "sslmode": Param("read", "sslmode", "values case-insensitive", _MODE),
        "sslrootcert": Param("read", "sslrootcert", "used by verify-ca and verify-full only", _LIBPQ),
        "sslcert": Param("read", "sslcert", source=_LIBPQ),
        "sslkey": Param("read", "sslkey", source=_LIBPQ),
        "sslpassword": Param("read", "sslpassword", source=_LIBPQ),
        "sslfactory": Param("read", None, source=_PROP),
        "sslhostnameverifier": Param("read", None, source=_PROP),
        "sslNegotiation": Param("read", "sslnegotiation", source=_PROP),
        "sslResponseTimeout": Param("read", None, source=_PROP),
        "user": Param("read", "user", source=_PROP),
        "password": Param("read", None, source=_PROP),
        "connectTimeout": Param("read", "connect_timeout", source=_PROP),
        "ApplicationName": Param("read", "application_name", source=_PROP),
        "targetServerType": Param("read", "target_session_attrs", source=_PROP),
        "currentSchema": Param("read", None, source=_PROP),
        "options": Param("read", "options", source=_PROP),
    },
    unknown="ignored",
    unknown_error=None,
    values_case_insensitive=True,
    rows=(
        Row({"sslmode": PRESENT, "sslmode!": _MODES}, None, error="Invalid sslmode value: {sslmode}",
            meaning="an sslmode pgjdbc does not know", source=_MODE),
        Row({"sslmode": frozenset({"verify-ca", "verify-full"})}, "{sslmode}", "libpq",
            "verifies against sslrootcert, else ~/.postgresql/root.crt (never the JVM trust store)", _LIBPQ),
        Row({"sslmode": frozenset({"disable", "allow", "prefer", "require"})}, "{sslmode}", "none",
            "never verifies, even when ~/.postgresql/root.crt or sslrootcert exists (unlike libpq)", _LIBPQ),
        Row({"ssl": frozenset({"", "true"}), "sslmode": ABSENT}, "verify-full", "libpq",
            "ssl=true without sslmode means verify-full", _MODE),
        Row({}, "prefer", "none", "the default (ssl=false too): TLS when offered, never verified", _MODE),
    ),
    env={},
    messages={
        "server_ssl_unsupported": "The server does not support SSL.",
        "hostname_mismatch": "The hostname {host} could not be verified by hostnameverifier "
                             "PgjdbcHostnameVerifier.",
        "ca_file_missing": "Could not open SSL root certificate file {path}.",
        "cert_untrusted": "SSL error: PKIX path building failed: sun.security.provider.certpath."
                          "SunCertPathBuilderException: unable to find valid certification path to requested target",
        "param_invalid": "Invalid sslmode value: {value}",
    },
    facts=(
        ("Property names are case-sensitive; unknown properties are ignored (sslMode=verify-full connects "
         "with the default prefer)", _PROP),
        ("The default root file is ~/.postgresql/root.crt under Java's user.home (the passwd entry), not $HOME",
         _LIBPQ),
        ("ssl=true means verify-full; ssl=false still means prefer", _MODE),
        ("No environment variables are read", _PROP),
    ),
    syntax={"sslmode": "sslmode={mode}", "sslrootcert": "sslrootcert={root}"},
    aliases=("jdbc", "postgresql-jdbc"),
)
