"""MySQL Connector/J 8.x/9.x, read as the properties of a ``jdbc:mysql://`` URL. Facts from Connector/J's
PropertyDefinitions and ExportControlled (sslMode; legacy useSSL/requireSSL/verifyServerCertificate only without
sslMode), as read; not run here (no JVM)."""

from __future__ import annotations

from dbdoctor.drivers.model import ABSENT, PRESENT, Driver, Param, Row, Source
from dbdoctor.drivers.mysql_base import FALSE, TRUE

_PD = Source("Connector/J PropertyDefinitions (sslMode default PREFERRED; property names case-sensitive)", "read")
_LEG = Source("Connector/J PropertyDefinitions (useSSL/requireSSL/verifyServerCertificate when sslMode absent)",
              "read")

_MODES = ("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")

DRIVER = Driver(
    name="connector-j",
    title="MySQL Connector/J",
    language="Java",
    versions="8.0-9.x",
    default_version="9.1",
    runs_here=False,
    url_schemes=("jdbc:mysql",),
    keyword_strings=False,
    params={
        "sslMode": Param("read", "ssl-mode", "DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY", _PD),
        "trustCertificateKeyStoreUrl": Param("read", "ssl-ca", "a trust store, else the JVM's", _PD),
        "clientCertificateKeyStoreUrl": Param("read", "ssl-cert", source=_PD),
        "useSSL": Param("read", None, "legacy; only without sslMode", _LEG),
        "requireSSL": Param("read", None, "legacy; only without sslMode", _LEG),
        "verifyServerCertificate": Param("read", None, "legacy; only without sslMode", _LEG),
        "sslmode": Param("ignored", None, "property names are case-sensitive: only sslMode counts", _PD),
        "connectTimeout": Param("read", None, source=_PD),
    },
    unknown="ignored",
    unknown_error=None,
    rows=(
        *(Row({"sslMode": m}, m, "given_or_system", f"sslMode={m}", _PD) for m in _MODES),
        Row({"sslMode": PRESENT}, None,
            error="The connection property 'sslMode' acceptable values are: 'DISABLED', 'PREFERRED', 'REQUIRED', "
                  "'VERIFY_CA' or 'VERIFY_IDENTITY'. The value '{sslMode}' is not acceptable.",
            meaning="an sslMode value it does not know",
            source=Source("Connector/J PropertyDefinitions (enum check; exact text unconfirmed)", "unconfirmed")),
        Row({"sslMode": ABSENT, "useSSL": FALSE}, "DISABLED", "none", "useSSL=false without sslMode", _LEG),
        Row({"sslMode": ABSENT, "verifyServerCertificate": TRUE}, "VERIFY_CA", "given_or_system",
            "verifyServerCertificate=true without sslMode", _LEG),
        Row({"sslMode": ABSENT, "requireSSL": TRUE}, "REQUIRED", "none", "requireSSL=true without sslMode", _LEG),
        Row({}, "PREFERRED", "none", "the default: TLS unverified when offered, plain text otherwise", _PD),
    ),
    messages={"server_ssl_unsupported": "SSL Connection required, but not provided by server."},
    facts=(("sslmode in lower case is not sslMode: ignored", _PD),
           ("The legacy useSSL/requireSSL/verifyServerCertificate apply only when sslMode is absent", _LEG)),
    syntax={"VERIFY_IDENTITY": "sslMode=VERIFY_IDENTITY&trustCertificateKeyStoreUrl=file:/path/truststore",
            "VERIFY_CA": "sslMode=VERIFY_CA&trustCertificateKeyStoreUrl=file:/path/truststore"},
    aliases=("connectorj", "mysql-connector-j", "jdbc-mysql", "jdbc:mysql"),
)
