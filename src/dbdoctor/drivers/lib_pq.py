"""lib/pq (``github.com/lib/pq``, conn.go and ssl.go). Up to v1.11 an empty sslmode means require without
verification and prefer/allow are errors; v1.12 adds prefer, allow and sslrootcert=system."""

from __future__ import annotations

from dbdoctor.drivers.model import ABSENT, PRESENT, Driver, Param, Row, Source

_SSL = Source("lib/pq ssl.go (ssl, sslVerifyCertificateAuthority)", "read")
_CONN = Source("lib/pq conn.go (NewConnector, isDriverSetting: other keys are run-time parameters)", "read")
_REL = Source("lib/pq CHANGELOG v1.12.0", "unconfirmed")

DRIVER = Driver(
    name="lib-pq",
    title="lib/pq (Go)",
    language="Go",
    versions="v1.10-v1.12",
    default_version="1.10.9",
    runs_here=False,
    url_schemes=("postgresql", "postgres"),
    keyword_strings=True,
    params={k: Param("read", k, source=_CONN) for k in (
        "sslmode", "sslrootcert", "sslcert", "sslkey", "sslsni", "sslinline", "host", "port", "user",
        "dbname", "connect_timeout", "fallback_application_name", "krbsrvname", "krbspn", "binary_parameters",
        "disable_prepared_binary_result")},
    unknown="forwarded",
    unknown_error=None,
    rows=(
        Row({"sslmode": frozenset({"prefer", "allow"})}, None,
            error='pq: unsupported sslmode "{sslmode}"; only "require" (default), "verify-full", "verify-ca", '
                  'and "disable" supported', meaning="prefer and allow are errors before v1.12", source=_SSL,
            versions=(None, "1.11")),
        Row({"sslmode": PRESENT, "sslmode!": frozenset({"disable", "allow", "prefer", "require", "verify-ca",
                                                        "verify-full"})}, None,
            error='pq: unsupported sslmode "{sslmode}"; only "require" (default), "verify-full", "verify-ca", '
                  'and "disable" supported', meaning="an unknown sslmode", source=_SSL),
        Row({"sslrootcert": "system"}, "verify-full", "system", "sslrootcert=system (v1.12)", _REL,
            versions=("1.12", None)),
        Row({"sslmode": frozenset({"verify-ca", "verify-full"}), "sslrootcert": ABSENT}, "{sslmode}", "system",
            "without sslrootcert, Go's system roots", _SSL),
        Row({"sslmode": PRESENT}, "{sslmode}", "given_or_none",
            "require verifies the chain only when sslrootcert is given (as libpq); no ~/.postgresql default",
            _SSL),
        Row({}, "require", "given_or_none", "the default: an empty sslmode means require, without verification",
            _SSL),
    ),
    env={"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"},
    messages={"server_ssl_unsupported": "pq: SSL is not enabled on the server",
              "param_invalid": 'pq: unsupported sslmode "{value}"; only "require" (default), "verify-full", '
                               '"verify-ca", and "disable" supported'},
    facts=(
        ("The default is require, so a server without TLS fails with 'pq: SSL is not enabled on the server'",
         _SSL),
        ("Unknown parameters are sent to the server as run-time parameters", _CONN),
    ),
    syntax={"sslmode": "sslmode={mode}", "sslrootcert": "sslrootcert={root}"},
    aliases=("lib/pq", "libpq-go", "pq", "lib_pq"),
)
