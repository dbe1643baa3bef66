"""A pooler in the path and certificates that vary between connections, against real servers: PgBouncer 1.18
in front of the PostgreSQL sandbox with a certificate of its own, and a rotating endpoint (a forwarder handing
successive connections to PostgreSQL and to PgBouncer in turn; tests/fix_pgbouncer.py). psycopg is the judge of
whether connections work."""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from dbdoctor.checking import CheckInput
from dbdoctor.net import Deadline
from dbdoctor.postgres.pipeline import check
from dbdoctor.postgres.probe import POOLER_PROBE_PARAMETER, pooler_startup_message, sample_endpoint
from dbdoctor.report import Report
from dbdoctor.sandbox import SandboxServer
from dbdoctor.sandbox.pgbouncer import PgBouncerServer

pytestmark = pytest.mark.server


@pytest.fixture(autouse=True)
def _clean_libpq_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for key in list(os.environ):
        if key.startswith("PG") or key == "DATABASE_URL":
            monkeypatch.delenv(key)
    yield


def psycopg_verdict(conninfo: str) -> str:
    try:
        with psycopg.connect(conninfo) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error:
        return "fail"
    return "ok"


def run_check(conninfo: str) -> Report:
    return check(CheckInput(text=conninfo, environ=dict(os.environ), timeout=8))


def layers(report: Report, layer: str) -> list[str]:
    return [e["text"] for e in report.evidence if e["layer"] == layer]


# --- the probe's pieces --------------------------------------------------------------------------------------


def test_pooler_startup_message_is_a_startup_message_with_one_more_parameter() -> None:
    msg = pooler_startup_message("app", "app")
    (length,) = struct.unpack("!i", msg[:4])
    assert length == len(msg)
    assert msg.endswith(b"\x00\x00")
    pairs = msg[8:-1].split(b"\x00")[:-1]
    params = dict(zip(pairs[::2], pairs[1::2], strict=True))
    assert params[POOLER_PROBE_PARAMETER.encode()] == b"1"
    assert params[b"user"] == b"app" and params[b"database"] == b"app"
    assert b"password" not in params


def test_pgbouncer_and_postgresql_tell_themselves_apart_before_authentication(
    pg_sandbox: SandboxServer, pgbouncer_other_ca: PgBouncerServer
) -> None:
    """PgBouncer refuses an unknown start-up parameter before authentication; PostgreSQL asks for the
    password (it looks at start-up settings only after authentication)."""
    for port, kind in ((pgbouncer_other_ca.port, "pgbouncer"), (pg_sandbox.port, "postgresql")):
        s = sample_endpoint("127.0.0.1", port, Deadline.after(5), sni=None, settings={}, user="app", dbname="app")
        assert s.tls is not None and s.tls.completed
        assert s.answered_by == kind, s
    s = sample_endpoint("127.0.0.1", pgbouncer_other_ca.port, Deadline.after(5), sni=None, settings={},
                        user="app", dbname="app")
    assert s.message == f"unsupported startup parameter: {POOLER_PROBE_PARAMETER}"


def test_a_sample_of_a_misbehaving_endpoint_is_bounded_and_says_what_happened() -> None:
    import time

    from fix_listeners import fake_postgres, listener, silent

    with listener(silent) as quiet:
        t = time.monotonic()
        s = sample_endpoint("127.0.0.1", quiet.port, Deadline.after(0.5), sni=None, settings={}, user="app",
                            dbname="app")
        assert time.monotonic() - t < 1.0
        assert s.tls is None and s.answered_by == "unknown" and s.error
    with listener(fake_postgres(b"N")) as no_tls:
        s = sample_endpoint("127.0.0.1", no_tls.port, Deadline.after(2), sni=None, settings={}, user="app",
                            dbname="app")
        assert s.tls is None and s.error == "SSLRequest answered N"


# --- a pooler in the path -----------------------------------------------------------------------------------


def test_the_pooler_certificate_is_named_as_the_pooler_s(pg_sandbox: SandboxServer,
                                                         pgbouncer_other_ca: PgBouncerServer) -> None:
    conninfo = pgbouncer_other_ca.conninfo()
    report = run_check(conninfo)
    assert report.verdict == psycopg_verdict(conninfo) == "fail"
    assert report.cause == "cert_untrusted"
    dd303 = next(f for f in report.findings if f.code == "DD303")
    assert "PgBouncer at localhost" in dd303.detail
    assert "client_tls_cert_file" in dd303.fix and "pgbouncer.ini" in dd303.fix
    assert layers(report, "pooler") and "PgBouncer" in layers(report, "pooler")[0]
    assert "DD313" not in {f.code for f in report.findings}  # one certificate, however often it is asked for
    assert pgbouncer_other_ca.password.reveal() not in str(report.to_dict())


def test_a_pooler_certificate_not_naming_the_host(pgbouncer_factory: Callable[..., PgBouncerServer]) -> None:
    bouncer = pgbouncer_factory(cert="cn_only")  # CN=db.example.test only; the client connects to localhost
    conninfo = bouncer.conninfo()
    report = run_check(conninfo)
    assert report.verdict == psycopg_verdict(conninfo) == "fail"
    assert report.cause == "hostname_mismatch"
    dd301 = next(f for f in report.findings if f.code == "DD301")
    assert "PgBouncer" in dd301.detail and "client_tls_cert_file" in dd301.fix
    # the corrected string (host named by the certificate, same address) is proved through the pooler
    assert report.corrected is not None and "db.example.test" in report.corrected


def test_the_database_directly_costs_no_extra_handshake(pg_sandbox: SandboxServer,
                                                        pgbouncer_other_ca: PgBouncerServer) -> None:
    conninfo = pg_sandbox.conninfo()
    report = run_check(conninfo)
    assert report.verdict == psycopg_verdict(conninfo) == "ok"
    assert "cert_samples" not in report.timings_ms
    assert not layers(report, "pooler") and not layers(report, "certificates")


def test_a_wrong_password_through_pgbouncer(pgbouncer_factory: Callable[..., PgBouncerServer]) -> None:
    """PgBouncer 1.18 says "SASL authentication failed" where PostgreSQL says "password authentication failed"."""
    bouncer = pgbouncer_factory(cert="full")
    conninfo = bouncer.conninfo(password="not-the-password")
    report = run_check(conninfo)
    assert report.verdict == psycopg_verdict(conninfo) == "fail"
    assert report.cause == "password_failed"


# --- certificates that vary -------------------------------------------------------------------------------


def test_a_rotating_endpoint_is_cert_varies(pg_sandbox: SandboxServer, rotating_endpoint: dict[str, int]) -> None:
    conninfo = pg_sandbox.conninfo(host="127.0.0.1", port=rotating_endpoint["rotating"])
    # the judge: the same settings work on one connection and fail on the next
    seen = {psycopg_verdict(conninfo) for _ in range(4)}
    assert seen == {"ok", "fail"}
    report = run_check(conninfo)
    driver = report.driver_error
    assert report.verdict == ("fail" if driver else "ok")
    dd313 = next(f for f in report.findings if f.code == "DD313")
    assert "2 different certificates" in dd313.detail
    assert "presented by PgBouncer" in dd313.detail and "presented by PostgreSQL" in dd313.detail
    assert "SHA256 " in dd313.detail and "seen " in dd313.detail
    assert "client_tls_cert_file" in dd313.fix and "hostaddr" in dd313.fix
    assert len(layers(report, "certificates")) == 3  # the summary and one line per certificate
    # verify-full accepts one certificate and refuses the other: its outcome is not ok or fail but depends
    assert report.modes["verify-full"].outcome == "unknown"
    assert report.modes["verify-full"].cause == "cert_varies"
    if report.verdict == "fail":
        assert report.cause == "cert_varies" and dd313.severity == "error"
        assert "DD303" not in {f.code for f in report.findings}
    else:
        assert report.cause is None and dd313.severity == "warning"


def test_the_extra_handshakes_stay_within_the_deadline(pg_sandbox: SandboxServer,
                                                       rotating_endpoint: dict[str, int]) -> None:
    import time

    conninfo = pg_sandbox.conninfo(host="127.0.0.1", port=rotating_endpoint["rotating"])
    t = time.monotonic()
    report = check(CheckInput(text=conninfo, environ=dict(os.environ), timeout=3))
    assert time.monotonic() - t < 3.5
    assert report.timings_ms.get("cert_samples", 0) < 2000


def test_the_hosts_of_a_multi_host_list_are_not_one_endpoint(pg_sandbox: SandboxServer,
                                                             pgbouncer_other_ca: PgBouncerServer) -> None:
    """Two hosts with two certificates, both refused (a root neither chains to): each host is its own server,
    so that is not cert_varies."""
    conninfo = pg_sandbox.conninfo(host="localhost,localhost", port=f"{pgbouncer_other_ca.port},{pg_sandbox.port}",
                                   sslrootcert=str(pg_sandbox.pki.client_ca))
    report = run_check(conninfo)
    assert report.verdict == psycopg_verdict(conninfo) == "fail"
    assert report.cause == "cert_untrusted"
    assert "DD313" not in {f.code for f in report.findings}
    assert not layers(report, "certificates")
