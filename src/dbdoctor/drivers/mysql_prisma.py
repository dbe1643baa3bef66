"""Prisma (engines up to 6) with a ``mysql://`` datasource URL. Facts from Prisma's MySQL connection URL docs and
quaint's MysqlUrl parsing, as read; not run here."""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source

_DOC = Source("prisma docs: MySQL connection URL arguments (sslcert, sslidentity, sslpassword, sslaccept)", "read")
_Q = Source("quaint src/connector/mysql/url.rs (TLS only when an ssl* argument is present; sslaccept default "
            "accept_invalid_certs)", "read")

DRIVER = Driver(
    name="prisma-mysql",
    title="Prisma (MySQL)",
    language="Node.js",
    versions="<=6",
    default_version="6",
    runs_here=False,
    url_schemes=("mysql",),
    keyword_strings=False,
    params={
        "sslcert": Param("read", "ssl-ca", "the server's CA file (not a client certificate)", _DOC),
        "sslidentity": Param("read", "ssl-cert", "a PKCS#12 client identity", _DOC),
        "sslpassword": Param("read", None, source=_DOC),
        "sslaccept": Param("read", None, "strict or accept_invalid_certs (the default)", _DOC),
        "sslmode": Param("ignored", None, "not a Prisma MySQL argument", _Q),
        "connection_limit": Param("read", None, source=_DOC),
        "connect_timeout": Param("read", None, source=_DOC),
        "socket": Param("read", None, source=_DOC),
    },
    unknown="ignored",
    unknown_error=None,
    rows=(
        Row({"sslaccept": "strict"}, "VERIFY_IDENTITY", "given_or_system",
            "sslaccept=strict: chain (sslcert, else the system store) and host name verified", _Q),
        Row({"sslcert": PRESENT}, "REQUIRED", "none",
            "TLS, but invalid certificates accepted: sslcert is not used for verification without "
            "sslaccept=strict", _Q),
        Row({"sslidentity": PRESENT}, "REQUIRED", "none", "TLS, invalid certificates accepted", _Q),
        Row({"sslpassword": PRESENT}, "REQUIRED", "none", "TLS, invalid certificates accepted", _Q),
        Row({"sslaccept": PRESENT}, "REQUIRED", "none", "TLS, invalid certificates accepted", _Q),
        Row({}, "DISABLED", "none", "no ssl* argument: no TLS", _Q),
    ),
    messages={"server_ssl_unsupported": "P1011 (message text unconfirmed)"},
    facts=(("No sslmode: it is dropped silently", _Q),
           ("Whether a TLS-configured connection falls back to plain text is unconfirmed",
            Source("", "unconfirmed"))),
    syntax={"VERIFY_IDENTITY": "sslcert=/path/ca.pem&sslaccept=strict"},
    aliases=("prisma-mariadb",),
)
