"""Every access profile and certificate variant of the PostgreSQL sandbox, checked with real connections:
psycopg (libpq) is the oracle, and Python's ssl module names the exact verification error libpq only calls
"certificate verify failed"."""

from __future__ import annotations

import os
import socket
import ssl
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from dbdoctor.sandbox import SandboxServer

pytestmark = pytest.mark.server

SSL_REQUEST_CODE = (
    80877103  # PostgreSQL protocol: SSLRequest (src/include/libpq/pqcomm.h, NEGOTIATE_SSL_CODE)
)


@pytest.fixture(autouse=True)
def _clean_libpq_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No ~/.postgresql files, no PG* variables: libpq sees only what each test gives it."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for key in list(os.environ):
        if key.startswith("PG"):
            monkeypatch.delenv(key)
    yield


def attempt(srv: SandboxServer, **overrides: str | int | None) -> str | None:
    """None when the connection works (and a query runs), else libpq's message."""
    try:
        with psycopg.connect(srv.conninfo(**overrides)) as conn:
            conn.execute("SELECT 1").fetchone()
    except psycopg.OperationalError as exc:
        return str(exc)
    return None


def tls_verify_error(srv: SandboxServer, cafile: Path, server_name: str = "localhost") -> str | None:
    """SSLRequest, then a TLS handshake verifying against ``cafile``: None when it verifies, else OpenSSL's
    verification message (e.g. 'certificate has expired')."""
    with socket.create_connection((srv.host, srv.port), timeout=5) as sock:
        sock.sendall(struct.pack("!II", 8, SSL_REQUEST_CODE))
        assert sock.recv(1) == b"S"
        ctx = ssl.create_default_context(cafile=str(cafile))
        try:
            with ctx.wrap_socket(sock, server_hostname=server_name):
                return None
        except ssl.SSLCertVerificationError as exc:
            return str(exc.verify_message)


# --- profiles --------------------------------------------------------------------------------------------------


def test_managed_refuses_plain_with_no_encryption(pg_sandbox: SandboxServer) -> None:
    msg = attempt(pg_sandbox, sslmode="disable")
    assert msg is not None
    assert 'no pg_hba.conf entry for host "127.0.0.1", user "app", database "app", no encryption' in msg


def test_managed_verify_full_by_localhost(pg_sandbox: SandboxServer) -> None:
    assert attempt(pg_sandbox) is None
    with psycopg.connect(pg_sandbox.url) as conn:
        row = conn.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
    assert row == (True,)


def test_managed_verify_full_by_hostaddr_and_name(pg_sandbox: SandboxServer) -> None:
    assert attempt(pg_sandbox, host="db.example.test", hostaddr="127.0.0.1") is None
    assert attempt(pg_sandbox, host="127.0.0.1") is None


def test_wrong_password_and_passwordless_role(pg_sandbox: SandboxServer) -> None:
    msg = attempt(pg_sandbox, password="not-the-password")
    assert msg is not None and 'password authentication failed for user "app"' in msg
    msg = attempt(pg_sandbox, user=pg_sandbox.nopass_user, password=None)
    assert msg is not None and "no password supplied" in msg
    assert (
        attempt(pg_sandbox, user=pg_sandbox.other_user, password=pg_sandbox.other_password.reveal()) is None
    )


def test_tls_required_is_managed(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(profile="tls_required"):
        msg = attempt(pg_sandbox, sslmode="disable")
        assert msg is not None and "no encryption" in msg
        assert attempt(pg_sandbox) is None


def test_plain_only(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(profile="plain_only"):
        msg = attempt(pg_sandbox, sslmode="require")
        assert msg is not None
        assert 'no pg_hba.conf entry for host "127.0.0.1", user "app", database "app", SSL encryption' in msg
        assert attempt(pg_sandbox, sslmode="disable") is None


def test_both(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(profile="both"):
        assert attempt(pg_sandbox, sslmode="disable") is None
        assert attempt(pg_sandbox) is None


def test_ssl_off(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(profile="ssl_off"):
        msg = attempt(pg_sandbox, sslmode="require")
        assert msg is not None and "server does not support SSL, but SSL was required" in msg
        assert attempt(pg_sandbox, sslmode="disable") is None
    # and back on: the reload turned TLS on again without a restart
    assert attempt(pg_sandbox) is None


def test_reject(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(profile="reject"):
        msg = attempt(pg_sandbox)
        assert msg is not None
        assert 'pg_hba.conf rejects connection for host "127.0.0.1", user "app", database "app"' in msg
        assert attempt(pg_sandbox, user="other", password=pg_sandbox.other_password.reveal()) is None


def test_clientcert(pg_sandbox: SandboxServer) -> None:
    pki = pg_sandbox.pki
    with pg_sandbox.configured(profile="clientcert"):
        msg = attempt(pg_sandbox, password=None)
        assert msg is not None and "connection requires a valid client certificate" in msg
        assert (
            attempt(pg_sandbox, password=None, sslcert=str(pki.client_cert), sslkey=str(pki.client_key))
            is None
        )
        msg = attempt(
            pg_sandbox, password=None, sslcert=str(pki.other_client_cert), sslkey=str(pki.other_client_key)
        )
        assert msg is not None and "unknown ca" in msg


def test_trust_tls(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(profile="trust_tls"):
        assert attempt(pg_sandbox, password=None) is None
        assert attempt(pg_sandbox, user=pg_sandbox.nopass_user, password=None) is None
        msg = attempt(pg_sandbox, sslmode="disable", password=None)
        assert msg is not None and "no encryption" in msg


def test_allowlist(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(profile="allowlist"):
        msg = attempt(pg_sandbox)
        assert msg is not None
        assert 'no pg_hba.conf entry for host "127.0.0.1", user "app", database "app", SSL encryption' in msg
        msg = attempt(pg_sandbox, sslmode="disable")
        assert msg is not None and "no encryption" in msg


# --- certificate variants ------------------------------------------------------------------------------------


def test_expired(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(cert="expired"):
        msg = attempt(pg_sandbox)
        assert msg is not None and "certificate verify failed" in msg
        assert tls_verify_error(pg_sandbox, pg_sandbox.ca_file) == "certificate has expired"
        # without a root file, require does not verify: the connection works
        assert attempt(pg_sandbox, sslmode="require", sslrootcert=None) is None


def test_not_yet_valid(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(cert="not_yet_valid"):
        msg = attempt(pg_sandbox, sslmode="verify-ca")
        assert msg is not None and "certificate verify failed" in msg
        assert tls_verify_error(pg_sandbox, pg_sandbox.ca_file) == "certificate is not yet valid"


def test_cn_only(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(cert="cn_only"):
        assert attempt(pg_sandbox, host="db.example.test", hostaddr="127.0.0.1") is None
        msg = attempt(pg_sandbox)
        assert (
            msg is not None
            and 'server certificate for "db.example.test" does not match host name "localhost"' in msg
        )


def test_ip_only(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(cert="ip_only"):
        assert attempt(pg_sandbox, host="127.0.0.1") is None
        msg = attempt(pg_sandbox)
        assert msg is not None and 'does not match host name "localhost"' in msg


def test_wildcard(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(cert="wildcard"):
        assert attempt(pg_sandbox, host="db.example.test", hostaddr="127.0.0.1") is None
        msg = attempt(pg_sandbox)
        assert msg is not None and 'server certificate for "*.example.test"' in msg


def test_self_signed(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(cert="self_signed"):
        msg = attempt(pg_sandbox, sslmode="verify-ca")
        assert msg is not None and "certificate verify failed" in msg
        assert tls_verify_error(pg_sandbox, pg_sandbox.ca_file) == "self-signed certificate"
        # trusting the certificate itself works
        assert attempt(pg_sandbox, sslrootcert=str(pg_sandbox.pki.server("self_signed").leaf)) is None


def test_other_ca(pg_sandbox: SandboxServer) -> None:
    with pg_sandbox.configured(cert="other_ca"):
        msg = attempt(pg_sandbox, sslmode="verify-ca")
        assert msg is not None and "certificate verify failed" in msg
        assert tls_verify_error(pg_sandbox, pg_sandbox.ca_file) == "unable to get local issuer certificate"
        assert attempt(pg_sandbox, sslrootcert=str(pg_sandbox.pki.other_ca)) is None


def test_no_intermediate(pg_sandbox: SandboxServer) -> None:
    pki = pg_sandbox.pki
    with pg_sandbox.configured(cert="no_intermediate"):
        msg = attempt(pg_sandbox, sslmode="verify-ca")
        assert msg is not None and "certificate verify failed" in msg
        assert tls_verify_error(pg_sandbox, pki.root_ca) == "unable to get local issuer certificate"
        assert attempt(pg_sandbox, sslrootcert=str(pki.root_and_intermediate)) is None
    # with the intermediate sent (full), the root alone is enough
    assert tls_verify_error(pg_sandbox, pki.root_ca) is None


# --- reload mechanics ----------------------------------------------------------------------------------------


def test_configured_restores_and_reload_is_fast(pg_sandbox: SandboxServer) -> None:
    pid = pg_sandbox.pid
    t0 = time.monotonic()
    with pg_sandbox.configured(profile="reject", cert="expired"):
        assert (pg_sandbox.profile, pg_sandbox.cert) == ("reject", "expired")
    elapsed = time.monotonic() - t0
    assert (pg_sandbox.profile, pg_sandbox.cert) == ("managed", "full")
    assert attempt(pg_sandbox) is None
    assert pg_sandbox.is_running()
    assert pg_sandbox.pid == pid  # no restart
    assert elapsed < 5  # two reloads; typically ~0.02 s


def test_server_key_owned_by_server_user(pg_sandbox: SandboxServer) -> None:
    from dbdoctor.sandbox._system import server_user

    st = (pg_sandbox.data_dir / "server.key").stat()
    assert st.st_mode & 0o777 == 0o600
    assert st.st_uid == server_user().uid
    if os.geteuid() == 0:
        assert server_user().uid != 0
