"""postgres.js (npm ``postgres``, the driver of Drizzle's ``postgres-js`` adapter and of Supabase and Vercel
templates). Facts from postgres 3.4.9: src/index.js (parseOptions: ``sslmode`` is renamed to ``ssl``,
``sslrootcert=system`` sets ``ssl=verify-full``, ``disable``/``false`` turn TLS off, every other query key that is
not one of its own options goes into the start-up packet) and src/connection.js (secure: ``require``, ``allow``
and ``prefer`` set ``rejectUnauthorized: false``, any other value keeps Node's verification; only ``prefer`` goes
on in plain text when the server answers N). Every row was reproduced with the real package on Node 20.20.2
against the sandbox servers (tests/drivers/test_postgres_js_differential.py)."""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source

_VERSION = "3.4.9"
_PARSE = Source(f"postgres {_VERSION} src/index.js (parseOptions); reproduced in "
                "tests/drivers/test_postgres_js_differential.py", "verified")
_SECURE = Source(f"postgres {_VERSION} src/connection.js (secure); reproduced in "
                 "tests/drivers/test_postgres_js_differential.py", "verified")
_ENV = Source(f"postgres {_VERSION} src/index.js (parseOptions reads env['PG' + key.toUpperCase()] for its own "
              "options: PGSSL, not PGSSLMODE); reproduced in tests/drivers/test_postgres_js_differential.py",
              "verified")

_NODE = "Node's CA store (NODE_EXTRA_CA_CERTS adds to it), with a host check"
_OWN = ("max", "idle_timeout", "connect_timeout", "max_lifetime", "max_pipeline", "backoff", "keep_alive",
        "prepare", "debug", "fetch_types", "publications")

DRIVER = Driver(
    name="postgres-js",
    title="postgres.js (npm postgres)",
    language="JavaScript",
    versions=f"postgres 3.x (checked: postgres {_VERSION})",
    default_version=_VERSION,
    runs_here=True,
    url_schemes=("postgres", "postgresql"),
    keyword_strings=False,
    params={
        "ssl": Param("read", "sslmode", "disable|false: no TLS; require|allow|prefer: TLS without verification "
                     "(only prefer falls back to plain on N); any other value (true, verify-full, no-verify...): "
                     "verified against " + _NODE, _PARSE),
        "sslmode": Param("read", "sslmode", "renamed to ssl before anything else (it wins over ssl): its values "
                         "are ssl's, not libpq's", _PARSE),
        "sslnegotiation": Param("read", "sslnegotiation", "direct: TLS without the SSLRequest, when ssl is on",
                                _SECURE),
        **{k: Param("read", "connect_timeout" if k == "connect_timeout" else None, "postgres.js's own option",
                    _PARSE) for k in _OWN},
        "options": Param("forwarded", "options", "sent in the start-up packet, which the server reads", _PARSE),
        "application_name": Param("forwarded", "application_name", "sent in the start-up packet", _PARSE),
    },
    unknown="forwarded",
    unknown_error=None,
    rows=(
        Row({"ssl": frozenset({"disable", "false"})}, "disable", "none", "no TLS", _PARSE),
        Row({"ssl": "prefer"}, "prefer", "none",
            "ssl=prefer: TLS without verification; plain text only when the server answers N to the SSLRequest "
            "(a TLS or server error is final)", _SECURE, fallback="on_refusal", tls_mode="require"),
        Row({"ssl": frozenset({"require", "allow"})}, "require", "none",
            "require and allow: TLS without verification and no plain-text fallback (a server without TLS gets "
            "a TLS handshake anyway: 'Client network socket disconnected before secure TLS connection was "
            "established')", _SECURE),
        Row({"ssl": PRESENT}, "verify-full", "system",
            "any other ssl or sslmode value (true, verify-full, verify-ca, no-verify...) means verification "
            "against " + _NODE + "; an sslrootcert in the URL is not read (it is sent to the server)", _SECURE),
        Row({"sslrootcert": "system"}, "verify-full", "system",
            "sslrootcert=system sets ssl=verify-full (" + _NODE + "), and is sent to the server as well", _PARSE),
        Row({}, "disable", "none", "the default: no TLS at all (PGSSLMODE is not read; PGSSL is)", _ENV),
    ),
    env={"ssl": "PGSSL"},
    messages={
        "cert_untrusted": "unable to get local issuer certificate",
        "cert_self_signed": "self-signed certificate",
        "hostname_mismatch": "Hostname/IP does not match certificate's altnames: Host: {host}. is not in the "
                             "cert's altnames: DNS:{name}",
        "param_unknown": 'unrecognized configuration parameter "{key}"',
        "server_requires_ssl": 'no pg_hba.conf entry for host "{ip}", user "{user}", database "{dbname}", '
                               "no encryption",
    },
    facts=(
        ("No TLS unless ssl (or sslmode, or the PGSSL variable) asks for it: a URL without them connects in "
         "plain text, and PGSSLMODE is not read", _ENV),
        ("ssl=true (and sslmode=verify-full, verify-ca, no-verify, or any value but disable, false, require, "
         "allow, prefer) verifies the certificate against Node's CA store: with a private CA it fails with "
         "'unable to get local issuer certificate'", _SECURE),
        ("require, allow and prefer are its own values: TLS without any verification; only prefer falls back "
         "to plain text, and only when the server answers N", _SECURE),
        ("sslrootcert, sslcert, sslkey and every other query key that is not one of its options are sent to "
         "the server as start-up parameters: PostgreSQL answers 42704 'unrecognized configuration parameter "
         "\"sslrootcert\"' after authentication (the CA file is never read)", _PARSE),
        ("sslmode=verify-full&sslrootcert=FILE ignores the file: verification uses Node's store (a private CA "
         "fails), and a certificate Node trusts then meets the 42704 refusal of sslrootcert", _SECURE),
        ("A private CA is given in code, not in the URL: postgres(url, { ssl: { ca: fs.readFileSync(FILE) } })",
         _SECURE),
    ),
    syntax={"sslmode": "sslmode={mode}"},
    key_aliases={"sslmode": "ssl"},
    aliases=("postgres.js", "postgresjs", "postgres_js", "porsager-postgres"),
)
