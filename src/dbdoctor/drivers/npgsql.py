"""Npgsql (.NET), from its source only: no .NET SDK installs from the registries here (Debian 12 has no
dotnet-sdk package; mono-complete is not .NET, and NuGet is not reachable), so nothing below was reproduced.

Npgsql reads .NET connection strings (``Host=db;Username=app;SSL Mode=VerifyFull;Root Certificate=ca.pem``),
never URLs: handing it a ``postgres://`` URL (a DATABASE_URL) fails before any connection. Facts from
npgsql/npgsql at 3cb5804b (11.0.0-preview.1; v6.0.0, v7.0.6 and v8.0.0 compared where said):
src/Npgsql/NpgsqlConnectionStringBuilder.cs (SslMode, default Prefer; Root Certificate; Trust Server
Certificate obsolete), src/Npgsql/Internal/NpgsqlConnector.cs (SetupEncryption, NegotiateEncryption, OpenCore's
retry), src/Npgsql/PostgresEnvironment.cs (PGSSLROOTCERT, PGSSLCERT, PGSSLKEY, ~/.postgresql/root.crt)."""

from __future__ import annotations

from dbdoctor.drivers.model import Driver, Row, Source

_REV = "npgsql/npgsql 3cb5804b"
_CSB = Source(f"{_REV} src/Npgsql/NpgsqlConnectionStringBuilder.cs (SslMode: DefaultValue Prefer; "
              "TrustServerCertificate: Obsolete, does nothing)", "unconfirmed")
_CONN = Source(f"{_REV} src/Npgsql/Internal/NpgsqlConnector.cs (SetupEncryption: 'N' is an error unless Prefer; "
               "NegotiateEncryption: Prefer and Require validate nothing, VerifyCA/VerifyFull validate against "
               "Root Certificate, PGSSLROOTCERT, ~/.postgresql/root.crt, else the system store)", "unconfirmed")
_RETRY = Source(f"{_REV} src/Npgsql/Internal/NpgsqlConnector.cs (OpenCore: Prefer retries without SSL after a "
                "failed SSL attempt, Allow retries with SSL, 'this behavior mimics libpq')", "unconfirmed")
_V7 = Source("npgsql/npgsql v7.0.6 src/Npgsql/Internal/NpgsqlConnector.cs and NpgsqlStrings.resx "
             "(CannotUseSslModeRequireWithoutTrustServerCertificate)", "unconfirmed")
_URL = Source(".NET System.Data.Common.DbConnectionOptions (the key=value; parser Npgsql's builder inherits)",
              "unconfirmed")

DRIVER = Driver(
    name="npgsql",
    title="Npgsql (.NET)",
    language="C#",
    versions="Npgsql 6-10 (read: 11.0.0-preview.1 source; not run here)",
    default_version="8.0",
    runs_here=False,
    url_schemes=(),
    keyword_strings=False,
    params={},
    unknown="rejected",
    unknown_error=None,
    rows=(
        Row({}, None, error="Format of the initialization string does not conform to specification starting at "
            "index 0.", error_cause="param_invalid",
            meaning="Npgsql takes .NET connection strings (Host=...;Username=...;SSL Mode=...), not URLs: a "
            "postgres:// URL is refused before connecting; convert it (SSL Mode=VerifyFull;Root "
            "Certificate=<CA file> for verification)", source=_URL),
    ),
    env={"sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"},
    env_separate=True,
    messages={},
    facts=(
        ("SSL Mode values: Disable, Allow, Prefer (the default), Require, VerifyCA, VerifyFull", _CSB),
        ("Prefer and Require encrypt without validating the certificate at all (from Npgsql 8; a root "
         "certificate file does not turn on chain checks, unlike libpq's require)", _CONN),
        ("Npgsql 6 and 7 refuse SSL Mode=Require without Trust Server Certificate=true: 'To validate server "
         "certificates, please use VerifyFull or VerifyCA instead of Require. To disable validation, explicitly "
         "set 'Trust Server Certificate' to true.'; from 8 the setting is obsolete and does nothing", _V7),
        ("VerifyCA and VerifyFull validate against Root Certificate, else PGSSLROOTCERT, else "
         "~/.postgresql/root.crt, else the operating system's store (libpq would refuse to start without a "
         "root file)", _CONN),
        ("A server answering N to the SSLRequest: 'SSL connection requested. No SSL enabled connection from "
         "this host is configured.' for every mode but Prefer", _CONN),
        ("Prefer retries in plain text after a failed SSL attempt, as libpq does", _RETRY),
        ("PGSSLMODE is not read; PGSSLROOTCERT, PGSSLCERT, PGSSLKEY and PGSSLNEGOTIATION are", _CONN),
        ("It never sends extra_float_digits (only a 2013 version did), so PgBouncer's refusal of it is pgjdbc's "
         "problem, not Npgsql's", Source(f"{_REV} git log -S extra_float_digits -- src (last 2013-12-02)",
                                         "unconfirmed")),
    ),
    syntax={"sslmode": "SSL Mode={mode}", "sslrootcert": "Root Certificate={root}"},
    aliases=("npgsql.net", "dotnet", ".net"),
)
