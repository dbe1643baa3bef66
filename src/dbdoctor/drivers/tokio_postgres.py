"""tokio-postgres (Rust, tokio-postgres src/config.rs). Verification belongs to the TLS connector the app
passes (postgres-native-tls or postgres-openssl, both verifying chain and host against the system roots by
default); this table assumes one of those defaults."""

from __future__ import annotations

from dbdoctor.drivers.model import PRESENT, Driver, Param, Row, Source

_CFG = Source("tokio-postgres src/config.rs (Config::param: sslmode)", "read")
_TLS = Source("postgres-native-tls / postgres-openssl MakeTlsConnector defaults", "read")

DRIVER = Driver(
    name="tokio-postgres",
    title="tokio-postgres / rust-postgres",
    language="Rust",
    versions="0.7",
    default_version="0.7",
    runs_here=False,
    url_schemes=("postgresql", "postgres"),
    keyword_strings=True,
    params={k: Param("read", k, source=_CFG) for k in (
        "sslmode", "host", "hostaddr", "port", "user", "dbname", "options", "application_name",
        "connect_timeout", "tcp_user_timeout", "keepalives", "keepalives_idle", "target_session_attrs",
        "channel_binding", "sslnegotiation", "load_balance_hosts")},
    unknown="rejected",
    unknown_error="invalid connection string: unknown option `{key}`",
    rows=(
        Row({"sslmode": PRESENT, "sslmode!": frozenset({"disable", "prefer", "require"})}, None,
            error="invalid value for option `sslmode`",
            meaning="only disable, prefer and require exist; verify-ca and verify-full are errors", source=_CFG),
        Row({"sslmode": "disable"}, "disable", "none", "no TLS", _CFG),
        Row({"sslmode": "require"}, "verify-full", "system",
            "TLS required; the connector verifies chain and host against the system roots", _TLS,
            approximate=True),
        Row({}, "prefer", "none",
            "the default: TLS when offered, verified by the connector; plain only when the server answers N",
            _TLS, fallback="on_refusal", tls_mode="verify-full", approximate=True),
    ),
    env={},
    messages={"param_invalid": "invalid value for option `sslmode`",
              "param_unknown": "invalid connection string: unknown option `{key}`"},
    facts=(("sslrootcert is not a connection-string key: the CA is configured on the TLS connector", _CFG),),
    syntax={"sslmode": "sslmode={mode}"},
    aliases=("rust-postgres", "postgres-rs"),
)
