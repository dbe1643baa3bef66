"""node-postgres (``pg`` with ``pg-connection-string``). Facts from pg 8.23 / pg-connection-string 2.14:
pg-connection-string/index.js (parse), pg/lib/connection-parameters.js (ssl from PGSSLMODE),
pg/lib/connection.js ('N' is an error, never a fallback); reproduced with the real driver in tests/drivers."""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source

_PCS = Source("pg-connection-string/index.js (parse: ssl, sslmode, uselibpqcompat)", "verified")
_ENV = Source("pg/lib/connection-parameters.js (readSSLConfigFromEnvironment)", "verified")
_CONN = Source("pg/lib/connection.js (requestSsl: 'N' emits 'The server does not support SSL connections')",
               "verified")

_NET = Source("Node's lib/net.js (connect with a host name: autoSelectFamily, on by default from Node 20.0, "
              "tries every address; before 20 only the first one dns.lookup gives), which pg's "
              "lib/connection.js calls with the host as given; reproduced with net.connect and with pg on Node "
              "20.20.2 and 18.20.4 against a port open on 127.0.0.1 only, localhost resolving to ::1 first "
              "(tests/node/first_address.js, tests/drivers/test_node_first_address.py)", "verified")
_ORDER = Source("Node's dns.setDefaultResultOrder: 'verbatim' (the resolver's order) by default from Node 17.0, "
                "'ipv4first' before", "read")

#: the first Node version whose net.connect tries every address of a host name (autoSelectFamily on by default);
#: before it, only the first address (Node 18.20.4: ``connect ECONNREFUSED ::1:5432`` where libpq goes on)
NODE_TRIES_EVERY_ADDRESS_FROM = "20"
#: the first Node version that keeps the resolver's order (::1 before 127.0.0.1); before it IPv4 comes first
NODE_VERBATIM_ORDER_FROM = "17"

_COMPAT = {"uselibpqcompat": "true"}
_VERIFY = "verify-full against Node's CA store (or the sslrootcert file alone), with a host check"

DRIVER = Driver(
    name="node-postgres",
    title="node-postgres (pg)",
    language="JavaScript",
    versions="pg 8.x with pg-connection-string 2.x (checked: pg 8.23.1)",
    default_version="8.23.1",
    runs_here=True,
    url_schemes=("postgresql", "postgres", "socket"),
    keyword_strings=False,
    params={
        "ssl": Param("read", "sslmode", "true|1 on (verified), 0 off, no-verify: no verification", _PCS),
        "sslmode": Param("read", "sslmode", "without uselibpqcompat every mode but disable verifies fully", _PCS),
        "sslrootcert": Param("read", "sslrootcert", "read when the string is parsed: the only CA trusted", _PCS),
        "sslcert": Param("read", "sslcert", source=_PCS),
        "sslkey": Param("read", "sslkey", source=_PCS),
        "sslnegotiation": Param("read", "sslnegotiation", source=_PCS),
        "uselibpqcompat": Param("read", None, "true: libpq's meaning of sslmode", _PCS),
        "application_name": Param("read", "application_name", source=_PCS),
        "fallback_application_name": Param("read", "fallback_application_name", source=_PCS),
        "options": Param("read", "options", source=_PCS),
        "host": Param("read", "host", source=_PCS),
        "port": Param("read", "port", source=_PCS),
        "user": Param("read", "user", source=_PCS),
        "database": Param("read", "dbname", source=_PCS),
        "client_encoding": Param("read", "client_encoding", source=_PCS),
        "statement_timeout": Param("read", None, source=_PCS),
        "connect_timeout": Param("read", "connect_timeout", source=_PCS),
        "keepalives": Param("read", "keepalives", source=_PCS),
        "replication": Param("read", "replication", source=_PCS),
    },
    unknown="ignored",
    unknown_error=None,
    rows=(
        Row({**_COMPAT, "sslmode": "disable"}, "disable", "none", "no TLS", _PCS),
        Row({**_COMPAT, "sslmode": frozenset({"prefer", "require"}), "sslrootcert": PRESENT}, "verify-ca", "given",
            "with uselibpqcompat, require (and prefer) with a root file check the chain but not the host; "
            "no plain-text fallback", _PCS),
        Row({**_COMPAT, "sslmode": frozenset({"prefer", "require"})}, "require", "none",
            "with uselibpqcompat: TLS without verification, no plain-text fallback "
            "(no ~/.postgresql/root.crt default)", _PCS),
        Row({**_COMPAT, "sslmode": "verify-ca", "sslrootcert": PRESENT}, "verify-ca", "given",
            "chain checked against sslrootcert, no host check", _PCS),
        Row({**_COMPAT, "sslmode": "verify-ca"}, None,
            error="SECURITY WARNING: Using sslmode=verify-ca requires specifying a CA with sslrootcert.",
            meaning="verify-ca without sslrootcert is refused when the string is parsed", source=_PCS),
        Row({"sslmode": "disable"}, "disable", "none", "no TLS", _PCS),
        Row({"sslmode": "no-verify"}, "require", "none", "TLS without verification", _PCS),
        Row({"sslmode": PRESENT}, "verify-full", "given_or_system",
            "without uselibpqcompat prefer, require and verify-ca (and any other value) mean " + _VERIFY
            + "; never plain text", _PCS),
        Row({"sslrootcert": PRESENT}, "verify-full", "given", "a root file alone turns on TLS with " + _VERIFY,
            _PCS),
        Row({"sslcert": PRESENT}, "verify-full", "system", "a client certificate turns on TLS with " + _VERIFY,
            _PCS),
        Row({"sslkey": PRESENT}, "verify-full", "system", "a client key turns on TLS with " + _VERIFY, _PCS),
        Row({"ssl": frozenset({"true", "1"})}, "verify-full", "system", "ssl=true means " + _VERIFY, _PCS),
        Row({"ssl": "0"}, "disable", "none", "ssl=0 turns TLS off", _PCS),
        Row({"ssl": "no-verify"}, "require", "none", "TLS without verification", _ENV),
        Row({"ssl": PRESENT}, None,
            error="TypeError: Cannot use 'in' operator to search for 'key' in {ssl}",
            meaning="any other ssl value (ssl=false included) stays a string: TLS is attempted and pg throws an "
            "uncaught TypeError when the server answers S (the app's process ends), or reports that the server "
            "does not support SSL", source=_CONN),
        Row({"sslnegotiation": "direct"}, "verify-full", "system", "direct negotiation turns TLS on", _PCS),
        Row({"env:sslmode": "disable"}, "disable", "none", "PGSSLMODE=disable", _ENV),
        Row({"env:sslmode": "no-verify"}, "require", "none", "PGSSLMODE=no-verify", _ENV),
        Row({"env:sslmode": frozenset({"prefer", "require", "verify-ca", "verify-full"})}, "verify-full", "system",
            "PGSSLMODE prefer, require, verify-ca and verify-full all mean " + _VERIFY, _ENV),
        Row({}, "disable", "none", "the default: no TLS at all (PGSSLMODE is read only when the "
            "string configures no TLS)", _ENV),
    ),
    env={"sslmode": "PGSSLMODE"},
    env_separate=True,
    messages={
        "server_ssl_unsupported": "The server does not support SSL connections",
        "cert_self_signed": "self-signed certificate",
        "cert_untrusted": "self-signed certificate in certificate chain",
        "cert_chain_incomplete": "unable to verify the first certificate",
        "hostname_mismatch": "Hostname/IP does not match certificate's altnames: Host: {host}. is not in the "
                             "cert's altnames: DNS:{name}",
        "ca_file_missing": "ENOENT: no such file or directory, open '{path}'",
        "server_requires_ssl": 'no pg_hba.conf entry for host "{ip}", user "{user}", database "{dbname}", '
                               "no encryption",
    },
    facts=(
        ("No TLS unless the string or PGSSLMODE asks for it; PGSSLMODE is ignored when the string configures "
         "TLS", _ENV),
        ("A server answering N is an error, never a fallback to plain text, whatever the mode", _CONN),
        ("A one-time SECURITY WARNING is printed for prefer, require and verify-ca without uselibpqcompat", _PCS),
        ("Certificates are checked against Node's bundled CA store, not OpenSSL's system store", _PCS),
        ("sslrootcert, sslcert and sslkey files are read by new Client(); a missing one throws ENOENT", _PCS),
        ("Node before 20 connects only to the first address of the host name, where libpq tries each in turn: "
         "with localhost resolving to ::1 first (a standard Debian or Ubuntu /etc/hosts) and the server on "
         "127.0.0.1 only, pg fails with 'connect ECONNREFUSED ::1:5432' where psql connects. Node 20 and later "
         "try every address (net's autoSelectFamily; node --no-network-family-autoselection turns it off again; "
         "Node 18 turns it on with node --enable-network-family-autoselection or "
         "net.setDefaultAutoSelectFamily(true)). Verified: Node 20.20.2 connects to 127.0.0.1 by default and "
         "fails with ECONNREFUSED ::1 with autoSelectFamily false or --no-network-family-autoselection; Node "
         "18.20.4 fails with ECONNREFUSED ::1 by default and connects with --enable-network-family-autoselection",
         _NET),
        ("Node before 17 puts IPv4 addresses first (dns.lookup's ipv4first), so localhost is 127.0.0.1 there",
         _ORDER),
    ),
    syntax={"sslmode": "sslmode={mode}", "sslrootcert": "sslrootcert={root}",
            "compat": "uselibpqcompat=true&sslmode={mode}"},
    aliases=("pg", "node_postgres", "nodepg", "node-pg"),
)
