"""The probes against a real PostgreSQL sandbox: what the server answers, the chain it sends, what pg_hba lets
in before authentication, and the one real connection, with psycopg (libpq) as the oracle."""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import psycopg
import pytest
from cryptography import x509
from psycopg.conninfo import make_conninfo

from dbdoctor import net as _net
from dbdoctor import tls
from dbdoctor.observations import HostObservations
from dbdoctor.postgres.probe import attempt_psycopg, probe_host, probe_target
from dbdoctor.sandbox import SandboxServer
from dbdoctor.target import HostAttempt, Secret, Target

pytestmark = pytest.mark.server

TIMEOUT = 5.0


def host_obs(srv: SandboxServer, host: str = "localhost", hostaddr: str | None = None,
             **settings: str) -> HostObservations:
    return probe_host(
        HostAttempt(host, hostaddr, srv.port),
        user=srv.user,
        dbname=srv.dbname,
        settings=settings,
        deadline=_net.Deadline.after(TIMEOUT),
    )


def target_for(srv: SandboxServer, password: Secret | None = None, **settings: str) -> Target:
    s = {"host": "localhost", "port": str(srv.port), "user": srv.user, "dbname": srv.dbname,
         "sslmode": "verify-full", "sslrootcert": str(srv.ca_file)}
    s.update(settings)
    return Target(
        engine="postgresql",
        settings=s,
        password=srv.password if password is None else password,
        hosts=(HostAttempt(s["host"], s.get("hostaddr"), srv.port),),
    )


def psycopg_outcome(settings: Mapping[str, str], password: str) -> tuple[bool, str | None]:
    """What libpq itself does with these settings."""
    try:
        with psycopg.connect(make_conninfo("", **settings, password=password, connect_timeout=5)):
            return True, None
    except psycopg.Error as exc:
        return False, getattr(exc, "sqlstate", None)


def test_managed_server(pg_sandbox: SandboxServer) -> None:
    obs = host_obs(pg_sandbox)
    assert obs.tcp is not None and obs.tcp.outcome == "connected"
    assert obs.ssl_request is not None and obs.ssl_request.answer == "S"
    assert obs.tls is not None and obs.tls.completed and obs.tls.version in ("TLSv1.2", "TLSv1.3")
    assert obs.tls.sni == "localhost" and obs.tls.cipher
    # full: leaf + intermediate, exactly what the server is configured to send
    leaf, inter = (x509.load_der_x509_certificate(d) for d in obs.tls.chain_der)
    assert inter.subject == leaf.issuer
    sent = pg_sandbox.pki.server("full").cert.read_bytes()
    assert sent.count(b"BEGIN CERTIFICATE") == 2
    # plain start-up: no pg_hba entry, no encryption
    assert obs.startup_plain is not None and obs.startup_plain.outcome == "error"
    assert obs.startup_plain.error is not None and obs.startup_plain.error.sqlstate == "28000"
    assert "no encryption" in obs.startup_plain.error.message
    # over TLS: the server asks for SCRAM (AuthenticationSASL, 10), and the probe stops there
    assert obs.startup_tls is not None and (obs.startup_tls.outcome, obs.startup_tls.auth_code) == ("auth", 10)


def test_no_intermediate_sends_only_the_leaf(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(cert="no_intermediate"):
        obs = host_obs(pg_sandbox)
    assert obs.tls is not None and len(obs.tls.chain_der) == 1


def test_ssl_off_answers_n(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(profile="ssl_off"):
        obs = host_obs(pg_sandbox)
    assert obs.ssl_request is not None and obs.ssl_request.answer == "N"
    assert obs.tls is None
    assert obs.startup_plain is not None and obs.startup_plain.outcome == "auth"


def test_plain_only_refuses_tls_startup(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(profile="plain_only"):
        obs = host_obs(pg_sandbox)
    assert obs.startup_plain is not None and obs.startup_plain.outcome == "auth"
    assert obs.startup_tls is not None and obs.startup_tls.error is not None
    assert "SSL encryption" in obs.startup_tls.error.message


def test_client_certificate_request_seen(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(profile="clientcert"):
        obs = host_obs(pg_sandbox)
        obs12 = host_obs(pg_sandbox, ssl_max_protocol_version="TLSv1.2")
    assert obs.tls is not None and obs.tls.completed and obs.tls.version == "TLSv1.3"
    assert obs.tls.client_cert_requested  # seen although TLS 1.3 encrypts the CertificateRequest
    assert obs12.tls is not None and obs12.tls.version == "TLSv1.2" and obs12.tls.client_cert_requested
    with pg_sandbox.configured(profile="both"):
        obs = host_obs(pg_sandbox)
    assert obs.tls is not None and not obs.tls.client_cert_requested


def test_ip_literal_gets_no_sni(pg_sandbox: SandboxServer) -> None:
    obs = host_obs(pg_sandbox, host="127.0.0.1")
    assert obs.tls is not None and obs.tls.sni is None
    obs = host_obs(pg_sandbox, host="db.example.test", hostaddr="127.0.0.1")
    assert obs.dns is None and obs.address == "127.0.0.1"
    assert obs.tls is not None and obs.tls.sni == "db.example.test"


CERT_VARIANTS = ["full", "cn_only", "ip_only", "wildcard", "expired", "not_yet_valid", "self_signed",
                 "no_intermediate", "other_ca"]
HOSTS = [
    ("localhost", None),
    ("127.0.0.1", None),
    ("db.example.test", "127.0.0.1"),
    ("DB.Example.TEST", "127.0.0.1"),  # names compare case-insensitively
    ("other.example.test", "127.0.0.1"),  # matches the wildcard variant only
    ("a.b.example.test", "127.0.0.1"),  # a wildcard covers one label
    ("127.0.0.2", "127.0.0.1"),  # an IP literal that is not in the certificate
]


@pytest.mark.parametrize("variant", CERT_VARIANTS)
def test_chain_analysis_agrees_with_libpq(pg_sandbox: SandboxServer, variant: str) -> None:
    """For every certificate variant and host form: trusted == libpq's verify-ca outcome, and trusted and
    name_matched == libpq's verify-full outcome (the real driver decides)."""
    pw = pg_sandbox.password.reveal()
    with pg_sandbox.configured(profile="both", cert=variant):
        for host, hostaddr in HOSTS:
            obs = host_obs(pg_sandbox, host=host, hostaddr=hostaddr)
            assert obs.tls is not None and obs.tls.completed
            a = tls.analyze_chain(obs.tls.chain_der, ca_file=pg_sandbox.ca_file, ca_source="file", host=host)
            base: dict[str, Any] = {"host": host, "port": str(pg_sandbox.port), "user": pg_sandbox.user,
                                    "dbname": pg_sandbox.dbname, "sslrootcert": str(pg_sandbox.ca_file)}
            if hostaddr:
                base["hostaddr"] = hostaddr
            ca_ok, _ = psycopg_outcome({**base, "sslmode": "verify-ca"}, pw)
            full_ok, _ = psycopg_outcome({**base, "sslmode": "verify-full"}, pw)
            assert a.trusted == ca_ok, (variant, host, a.problem, a.problem_detail)
            assert (a.trusted and a.name_matched) == full_ok, (variant, host, a.names, a.matched_by)


def test_no_intermediate_is_chain_incomplete(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(cert="no_intermediate"):
        obs = host_obs(pg_sandbox)
    assert obs.tls is not None
    a = tls.analyze_chain(obs.tls.chain_der, ca_file=pg_sandbox.ca_file, ca_source="file", host="localhost")
    assert a.problem == "chain_incomplete"
    both = pg_sandbox.pki.root_and_intermediate
    assert tls.analyze_chain(obs.tls.chain_der, ca_file=both, ca_source="file", host="localhost").trusted


@pytest.mark.parametrize(
    ("changes", "password", "sqlstate"),
    [
        ({}, None, None),
        ({"sslmode": "require"}, None, None),
        ({"sslmode": "disable"}, None, "28000"),
        ({"sslmode": "verify-full", "host": "127.0.0.1"}, None, None),
        ({"sslmode": "verify-ca", "sslrootcert": "/nonexistent/root.crt"}, None, None),
        ({}, "wrong-password", "28P01"),
        ({"dbname": "no_such_db"}, None, "3D000"),
        ({"user": "no_such_role"}, None, "28P01"),  # the server does not tell a missing role from a bad password
    ],
)
def test_attempt_psycopg_matches_psycopg(pg_sandbox: SandboxServer, changes: dict[str, str],
                                         password: str | None, sqlstate: str | None) -> None:
    target = target_for(pg_sandbox, Secret(password) if password else None, **changes)
    pw = password or pg_sandbox.password.reveal()
    expected_ok, _ = psycopg_outcome(target.settings, pw)
    got = attempt_psycopg(target, timeout=TIMEOUT)
    assert got.ok == expected_ok
    assert got.sqlstate == sqlstate, got.message
    if got.ok:
        assert got.server_version and got.server_version.startswith("15.")
        if target.settings.get("sslmode") != "disable":
            assert got.tls_version in ("TLSv1.2", "TLSv1.3") and got.tls_cipher
        else:
            assert got.tls_version is None
    else:
        assert got.message and pw not in got.message


def test_environment_does_not_leak(pg_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch,
                                   tmp_path: Path) -> None:
    """PG* variables set in this process but not part of the Target must not change the real attempt."""
    monkeypatch.setenv("PGSSLMODE", "disable")
    monkeypatch.setenv("PGSSLROOTCERT", str(tmp_path / "nothing.crt"))
    monkeypatch.setenv("PGPASSWORD", "not-the-password")
    monkeypatch.setenv("PGDATABASE", "no_such_db")
    target = target_for(pg_sandbox)
    got = attempt_psycopg(target, timeout=TIMEOUT)
    assert got.ok, got.message
    assert got.tls_version is not None


def test_password_never_in_message(pg_sandbox: SandboxServer) -> None:
    pw = "p@ss/" + secrets.token_urlsafe(12) + " %"
    target = target_for(pg_sandbox, Secret(pw))
    got = attempt_psycopg(target, timeout=TIMEOUT)
    assert not got.ok
    text = repr(got)
    for form in (pw, quote(pw, safe=""), quote_plus(pw), pw.split(" ")[0]):
        assert form not in text


def test_probe_target_total_time(pg_sandbox: SandboxServer) -> None:
    """Median of 10 whole probes (every layer plus the real connection) against the local sandbox."""
    target = target_for(pg_sandbox)
    times = []
    for _ in range(10):
        start = time.monotonic()
        obs = probe_target(target, timeout=TIMEOUT)
        times.append((time.monotonic() - start) * 1000)
        assert obs.driver is not None and obs.driver.ok
    median = statistics.median(times)
    print(f"probe_target median {median:.1f} ms over 10 runs (min {min(times):.1f}, max {max(times):.1f})")
    assert median < TIMEOUT * 1000


def test_client_certificate_presented_like_libpq(pg_sandbox: SandboxServer) -> None:
    pki = pg_sandbox.pki
    with pg_sandbox.configured(profile="clientcert"):
        good = host_obs(pg_sandbox, sslcert=str(pki.client_cert), sslkey=str(pki.client_key))
        wrong = host_obs(pg_sandbox, sslcert=str(pki.other_client_cert), sslkey=str(pki.other_client_key))
        none = host_obs(pg_sandbox, sslcertmode="disable", sslcert=str(pki.client_cert),
                        sslkey=str(pki.client_key))
        base = {"host": "localhost", "port": str(pg_sandbox.port), "user": pg_sandbox.user,
                "dbname": pg_sandbox.dbname, "sslmode": "require"}
        good_ok, _ = psycopg_outcome({**base, "sslcert": str(pki.client_cert), "sslkey": str(pki.client_key)}, "")
        wrong_ok, _ = psycopg_outcome({**base, "sslcert": str(pki.other_client_cert),
                                       "sslkey": str(pki.other_client_key)}, "")
    assert good.tls is not None and good.tls.client_cert_loaded and good.tls.client_cert_requested
    assert good_ok and good.startup_tls is not None and good.startup_tls.outcome == "ok"
    assert not wrong_ok
    assert wrong.startup_tls is not None and wrong.startup_tls.outcome in ("eof", "error")
    if wrong.startup_tls.outcome == "eof":
        assert wrong.startup_tls.closed_reason and "unknown ca" in wrong.startup_tls.closed_reason
    assert none.tls is not None and not none.tls.client_cert_loaded
    assert none.startup_tls is not None and none.startup_tls.error is not None
    assert "client certificate" in none.startup_tls.error.message


def test_unloadable_client_key_is_recorded(pg_sandbox: SandboxServer, tmp_path: Path) -> None:
    bad_key = tmp_path / "bad.key"
    bad_key.write_text("not a key\n")
    obs = host_obs(pg_sandbox, sslcert=str(pg_sandbox.pki.client_cert), sslkey=str(bad_key))
    assert obs.tls is not None and obs.tls.completed
    assert not obs.tls.client_cert_loaded and obs.tls.client_cert_error


def test_direct_ssl_against_postgres_15(pg_sandbox: SandboxServer) -> None:
    """sslnegotiation=direct: PostgreSQL 15 does not speak TLS first and closes; libpq fails the same way."""
    obs = host_obs(pg_sandbox, sslnegotiation="direct")
    assert obs.ssl_request is not None and obs.ssl_request.answer == "not_attempted"
    assert obs.tls is not None and not obs.tls.completed and obs.tls.error
    ok, _ = psycopg_outcome({"host": "localhost", "port": str(pg_sandbox.port), "user": pg_sandbox.user,
                             "dbname": pg_sandbox.dbname, "sslmode": "require", "sslnegotiation": "direct"},
                            pg_sandbox.password.reveal())
    assert not ok


@pytest.mark.parametrize("variant", ["full", "other_ca", "no_intermediate"])
def test_system_roots_agree_with_libpq(pg_sandbox: SandboxServer, variant: str,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """sslrootcert=system: OpenSSL's default store, moved with SSL_CERT_FILE to the sandbox root; the analysis
    reads the same store and must agree with libpq."""
    monkeypatch.setenv("SSL_CERT_FILE", str(pg_sandbox.ca_file))
    monkeypatch.setenv("SSL_CERT_DIR", "/nonexistent")
    with pg_sandbox.configured(cert=variant):
        obs = host_obs(pg_sandbox)
        ok, _ = psycopg_outcome({"host": "localhost", "port": str(pg_sandbox.port), "user": pg_sandbox.user,
                                 "dbname": pg_sandbox.dbname, "sslrootcert": "system",
                                 "sslmode": "verify-full"}, pg_sandbox.password.reveal())
    assert obs.tls is not None
    a = tls.analyze_chain(obs.tls.chain_der, ca_file=None, ca_source="system", host="localhost")
    assert (a.trusted and a.name_matched) == ok, (variant, a.problem)


def test_no_system_roots(pg_sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    obs = host_obs(pg_sandbox)
    assert obs.tls is not None
    a = tls.analyze_chain(obs.tls.chain_der, ca_file=None, ca_source="system", host="localhost")
    assert a.problem == "no_system_ca" and not a.trusted
    ok, _ = psycopg_outcome({"host": "localhost", "port": str(pg_sandbox.port), "user": pg_sandbox.user,
                             "dbname": pg_sandbox.dbname, "sslrootcert": "system"}, pg_sandbox.password.reveal())
    assert not ok


def test_open_client_key_refused_like_libpq(pg_sandbox: SandboxServer, tmp_path: Path) -> None:
    key = tmp_path / "client.key"
    key.write_bytes(pg_sandbox.pki.client_key.read_bytes())
    key.chmod(0o666)
    settings = {"sslcert": str(pg_sandbox.pki.client_cert), "sslkey": str(key)}
    with pg_sandbox.configured(profile="clientcert"):
        obs = host_obs(pg_sandbox, **settings)
        ok, _ = psycopg_outcome({"host": "localhost", "port": str(pg_sandbox.port), "user": pg_sandbox.user,
                                 "dbname": pg_sandbox.dbname, "sslmode": "require", **settings}, "")
    assert not ok
    assert obs.tls is not None and not obs.tls.client_cert_loaded
    assert obs.tls.client_cert_error and "group or world access" in obs.tls.client_cert_error
