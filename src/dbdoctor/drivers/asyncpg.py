"""asyncpg (and SQLAlchemy's ``postgresql+asyncpg://``). Facts from asyncpg 0.32 connect_utils.py
(_parse_connect_dsn_and_args, _connect_addr), reproduced against the sandbox servers in tests/drivers."""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source

_CU = Source("asyncpg/connect_utils.py (_parse_connect_dsn_and_args)", "verified")
_RETRY = Source("asyncpg/connect_utils.py (_connect_addr: prefer and allow retry)", "verified")

_MODES = frozenset({"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})

DRIVER = Driver(
    name="asyncpg",
    title="asyncpg",
    language="Python",
    versions="0.29-0.32",
    default_version="0.32",
    runs_here=True,
    url_schemes=("postgresql", "postgres"),
    keyword_strings=False,
    params={
        "sslmode": Param("read", "sslmode", source=_CU),
        "sslrootcert": Param("read", "sslrootcert", source=_CU),
        "sslcert": Param("read", "sslcert", source=_CU),
        "sslkey": Param("read", "sslkey", source=_CU),
        "sslcrl": Param("read", "sslcrl", source=_CU),
        "sslpassword": Param("read", "sslpassword", source=_CU),
        "ssl_min_protocol_version": Param("read", "ssl_min_protocol_version", source=_CU),
        "ssl_max_protocol_version": Param("read", "ssl_max_protocol_version", source=_CU),
        "sslnegotiation": Param("read", "sslnegotiation", source=_CU),
        "target_session_attrs": Param("read", "target_session_attrs", source=_CU),
        "krbsrvname": Param("read", "krbsrvname", source=_CU),
        "gsslib": Param("read", "gsslib", source=_CU),
        "service": Param("read", "service", source=_CU),
        "servicefile": Param("read", None, source=_CU),
        "passfile": Param("read", "passfile", source=_CU),
        "host": Param("read", "host", source=_CU),
        "port": Param("read", "port", source=_CU),
        "user": Param("read", "user", source=_CU),
        "password": Param("read", None, source=_CU),
        "database": Param("read", "dbname", source=_CU),
        "dbname": Param("read", "dbname", source=_CU),
    },
    unknown="forwarded",
    unknown_error=None,
    rows=(
        Row({"sslmode": frozenset({"require", "verify-ca", "verify-full"}), "sslrootcert@missing": PRESENT}, None,
            error="[Errno 2] No such file or directory", error_cause="ca_file_missing",
            meaning="an sslrootcert that does not exist (sslrootcert=system included: asyncpg has no system "
            "keyword) fails when the SSL context is built, even with require (libpq ignores it there)",
            source=_CU),
        Row({"sslmode": PRESENT, "sslmode!": _MODES}, None,
            error="`sslmode` parameter must be one of: disable, allow, prefer, require, verify-ca, verify-full",
            meaning="an sslmode asyncpg does not know", source=_CU),
        Row({"sslmode": frozenset({"allow", "prefer"})}, "{sslmode}", "none",
            "TLS without any verification, even when a root file exists (unlike libpq); plain when refused",
            _RETRY),
        Row({"sslmode": PRESENT}, "{sslmode}", "libpq", "as libpq, including ~/.postgresql/root.crt", _CU),
        Row({}, "prefer", "none", "the default (PGSSLMODE, else prefer): TLS unverified, plain when refused",
            _RETRY),
    ),
    env={"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcrl": "PGSSLCRL",
         "sslnegotiation": "PGSSLNEGOTIATION"},
    messages={
        "server_ssl_unsupported": 'PostgreSQL server at "{host}:{port}" rejected SSL upgrade',
        "cert_untrusted": "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
                          "unable to get local issuer certificate",
        "cert_self_signed": "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate",
        "hostname_mismatch": "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, "
                             "certificate is not valid for '{host}'.",
        "ip_address_mismatch": "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: IP address "
                               "mismatch, certificate is not valid for '{host}'.",
        "ca_file_missing": 'root certificate file "{path}" does not exist or cannot be accessed',
        "param_unknown": 'unrecognized configuration parameter "{key}"',
    },
    facts=(
        ("Every query parameter asyncpg does not read is sent to the server as a setting in the start-up "
         "packet: ssl=true gives 'parameter \"ssl\" cannot be changed now', sslMode gives 'unrecognized "
         "configuration parameter \"sslMode\"'", _CU),
        ("prefer and allow never verify the certificate, even with sslrootcert or ~/.postgresql/root.crt", _CU),
        ("require with an sslrootcert that does not exist fails with FileNotFoundError (libpq ignores it)", _CU),
        ("The ssl=True keyword argument (not the URL) means the system CA store and full verification", _CU),
    ),
    syntax={"sslmode": "sslmode={mode}", "sslrootcert": "sslrootcert={root}"},
)

_SA = Source("sqlalchemy/dialects/postgresql/asyncpg.py (create_connect_args: the query becomes keywords)",
             "verified")

#: ``postgresql+asyncpg://``: SQLAlchemy passes every query parameter to ``asyncpg.connect()`` as a keyword
SQLALCHEMY = Driver(
    name="asyncpg",
    title="asyncpg through SQLAlchemy (postgresql+asyncpg://)",
    language="Python",
    versions="SQLAlchemy 2.0-2.1 with asyncpg 0.29-0.32",
    default_version="0.32",
    runs_here=True,
    url_schemes=("postgresql+asyncpg",),
    keyword_strings=False,
    params={
        "ssl": Param("read", "sslmode", "a mode name; certificate files only through connect_args", _SA),
        "direct_tls": Param("read", None, source=_SA),
        "server_settings": Param("read", None, source=_SA),
        "timeout": Param("read", "connect_timeout", source=_SA),
        "command_timeout": Param("read", None, source=_SA),
        "prepared_statement_cache_size": Param("read", None, source=_SA),
        "prepared_statement_name_func": Param("read", None, source=_SA),
        "statement_cache_size": Param("read", None, source=_SA),
        "async_fallback": Param("read", None, source=_SA),
    },
    unknown="rejected",
    unknown_error="TypeError: connect() got an unexpected keyword argument '{key}'",
    rows=(
        Row({"ssl": PRESENT, "ssl!": _MODES}, None,
            error="`sslmode` parameter must be one of: disable, allow, prefer, require, verify-ca, verify-full",
            meaning="asyncpg's ssl keyword takes a mode name (true is not one)", source=_CU),
        Row({"ssl": frozenset({"allow", "prefer"})}, "{ssl}", "none",
            "TLS without any verification; plain when refused", _RETRY),
        Row({"ssl": PRESENT}, "{ssl}", "libpq", "as libpq, including PGSSLROOTCERT and ~/.postgresql/root.crt",
            _CU),
        Row({}, "prefer", "none", "the default (PGSSLMODE, else prefer): TLS unverified, plain when refused",
            _RETRY),
    ),
    env={"ssl": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT"},
    messages=DRIVER.messages,
    facts=(
        ("?sslmode=require gives TypeError: connect() got an unexpected keyword argument 'sslmode'", _SA),
        ("?ssl=require is the working form; sslrootcert can only be given as an SSLContext in connect_args", _SA),
    ),
    syntax={"sslmode": "ssl={mode}", "sslrootcert": "connect_args={{'ssl': ssl.create_default_context("
            "cafile='{root}')}}"},
)
