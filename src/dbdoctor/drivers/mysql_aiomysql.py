"""aiomysql, read as the keyword arguments of ``aiomysql.connect``: TLS only through ``ssl``, an SSLContext (or
True, asyncio's default context) in code; none of PyMySQL's ssl_* keywords. As everywhere in
:mod:`dbdoctor.drivers.mysql_base`, ``true``/``false`` values stand for the booleans; any other ``ssl`` value stands
for an SSLContext from ``ssl.create_default_context(cafile=...)`` (it verifies chain and host; a context with
check_hostname=False or CERT_NONE verifies less). Facts from aiomysql 0.3.2 connection.py (Connection.__init__,
_request_authentication), reproduced on the MariaDB sandbox in tests/drivers/test_mysql_drivers_c.py."""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source
from dbdoctor.drivers.mysql_base import FALSE, TRUE

_CONN = Source("aiomysql/connection.py 0.3 (connect(): ssl only, an SSLContext; no ssl_* keywords)", "verified")
_FALL = Source("aiomysql/connection.py 0.3 (_request_authentication: TLS only if the server offers it, else "
               "plain text)", "verified")
_SQLA = Source("sqlalchemy/dialects/mysql/aiomysql.py (PyMySQL's create_connect_args: ssl_* query keys become "
               "an ssl dict, other values stay strings)", "verified")

DRIVER = Driver(
    name="aiomysql",
    title="aiomysql",
    language="Python",
    versions="0.2-0.3",
    default_version="0.3.2",
    runs_here=True,
    url_schemes=("mysql+aiomysql",),
    keyword_strings=True,
    params={
        "ssl": Param("read", None, "an SSLContext (True: asyncio's default context, the system store); TLS only "
                     "when the server offers it", _CONN),
        "charset": Param("read", None, source=_CONN),
        "connect_timeout": Param("read", None, source=_CONN),
        "unix_socket": Param("read", None, source=_CONN),
    },
    unknown="rejected",
    unknown_error="TypeError: connect() got an unexpected keyword argument '{key}'",
    rows=(
        Row({"ssl": FALSE}, "DISABLED", "none", "ssl=False: no TLS at all", _CONN),
        Row({"ssl": TRUE}, "PREFERRED", "system",
            "ssl=True: asyncio's default context verifies the chain against the system store and checks the host "
            "name when the server offers TLS; plain text when it does not", _FALL, fallback="on_refusal",
            tls_mode="VERIFY_IDENTITY", approximate=True),
        Row({"ssl": PRESENT}, "PREFERRED", "given_or_system",
            "an SSLContext from create_default_context: chain and host verified when the server offers TLS; "
            "plain text when it does not (aiomysql has no way to make TLS mandatory)", _FALL,
            fallback="on_refusal", tls_mode="VERIFY_IDENTITY", approximate=True),
        Row({}, "DISABLED", "none", "no ssl argument: no TLS at all, even when the server offers it", _CONN),
    ),
    messages={
        "param_unknown": "TypeError: connect() got an unexpected keyword argument '{key}'",
        "cert_untrusted": "(2003, \"Can't connect to MySQL server on '{host}'\")",
        "hostname_mismatch": "(2003, \"Can't connect to MySQL server on '{host}'\")",
    },
    facts=(
        ("ssl_ca, ssl_mode and the other PyMySQL ssl_* keywords are not aiomysql arguments: TypeError", _CONN),
        ("With ssl set, TLS is used only when the server offers it: a server without TLS gets plain text", _FALL),
        ("A certificate failure is OperationalError 2003 \"Can't connect to MySQL server\"; the reason (certificate "
         "verify failed: unable to get local issuer certificate / Hostname mismatch) is only in its __cause__",
         _CONN),
        ("Through SQLAlchemy mysql+aiomysql://, ?ssl_ca=... becomes ssl={'ca': ...}: AttributeError: 'dict' "
         "object has no attribute 'wrap_bio' when the server offers TLS, plain text when it does not; ?ssl=true "
         "gives 'str' object has no attribute 'wrap_bio'. TLS goes in connect_args={'ssl': context}", _SQLA),
    ),
    syntax={"VERIFY_IDENTITY": "ssl=ssl.create_default_context(cafile='/path/ca.pem')"},
    aliases=("mysql+aiomysql",),
)
