"""aiomysql, read as the keyword arguments of ``aiomysql.connect``: TLS only through ``ssl`` (an SSLContext in
code). Not run here (not installed); facts from aiomysql 0.2 connection.py, as read."""

from __future__ import annotations

from dbdoctor.drivers._model import PRESENT, Driver, Param, Row, Source

_CONN = Source("aiomysql/connection.py 0.2 (connect(): ssl=SSLContext only; no ssl_* keywords)", "read")
_FALL = Source("aiomysql/connection.py 0.2 (_request_authentication: TLS only if the server offers it)",
               "unconfirmed")

DRIVER = Driver(
    name="aiomysql",
    title="aiomysql",
    language="Python",
    versions="0.2",
    default_version="0.2.0",
    runs_here=False,
    url_schemes=("mysql+aiomysql",),
    keyword_strings=True,
    params={
        "ssl": Param("read", None, "an SSLContext: ssl.create_default_context(cafile=...) verifies chain and host",
                     _CONN),
        "charset": Param("read", None, source=_CONN),
        "connect_timeout": Param("read", None, source=_CONN),
        "unix_socket": Param("read", None, source=_CONN),
    },
    unknown="rejected",
    unknown_error="TypeError: connect() got an unexpected keyword argument '{key}'",
    rows=(
        Row({"ssl": PRESENT}, "PREFERRED", "given_or_system",
            "an SSLContext from create_default_context: chain and host verified when the server offers TLS; "
            "plain text when it does not (unconfirmed)", _FALL, fallback="on_refusal", tls_mode="VERIFY_IDENTITY",
            approximate=True),
        Row({}, "DISABLED", "none", "no ssl argument: no TLS at all", _CONN),
    ),
    messages={"param_unknown": "TypeError: connect() got an unexpected keyword argument '{key}'"},
    facts=(("ssl_ca and the other PyMySQL ssl_* keywords are not aiomysql arguments", _CONN),),
    syntax={"VERIFY_IDENTITY": "ssl=ssl.create_default_context(cafile='/path/ca.pem')"},
    aliases=("mysql+aiomysql",),
)
