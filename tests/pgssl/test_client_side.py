"""The client-side TLS settings libpq applies in every mode, on PostgreSQL's own test files, without a server:
protocol bounds (fe-connect.c), CRL loading and checking (initialize_SSL, OpenSSL's check_revocation), client
keys in PEM, DER and encrypted form, and sslpassword kept intact but never shown."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from dbdoctor import net as _net
from dbdoctor import tls
from dbdoctor.postgres.facts import protocol_bounds_cause
from dbdoctor.postgres.modes import (
    AddressFacts,
    AuthKnowledge,
    ClientFacts,
    RootFile,
    StartupFacts,
    TlsFacts,
    predict_all,
)
from dbdoctor.postgres.probe import build_params, connection_settings
from dbdoctor.postgres.sources import resolve

DATA = Path(__file__).resolve().parent.parent / "data" / "pg_ssltests"
PASSWORD = "dUmmyP^#+"  # 001_ssltests.pl's pass phrase of client-encrypted-pem.key


def _der(name: str) -> bytes:
    return tls.parse_certificates((DATA / name).read_bytes())[0]


def _chain(server: str) -> tuple[bytes, ...]:
    return (_der(f"{server}.crt"),)


def _ca() -> tuple[bytes, ...]:
    return tls.parse_certificates((DATA / "root+server_ca.crt").read_bytes())


# --- protocol bounds: sslVerifyProtocolVersion / sslVerifyProtocolRange ------------------------------------------

@pytest.mark.parametrize(("lo", "hi", "cause"), [
    (None, None, None),
    ("", "", None),
    ("TLSv1.2", None, None),
    ("TLSv1.2", "TLSv1.2", None),
    ("tlsv1.2", "TLSV1.3", None),
    ("TLSv1", "TLSv1", None),
    ("TLSv1.2", "TLSv1.1", "param_invalid"),
    ("TLSv1.3", "TLSv1.2", "param_invalid"),
    ("TLSv1.1", "TLSv1", "param_invalid"),
    ("incorrect_tls", None, "param_invalid"),
    (None, "incorrect_tls", "param_invalid"),
    ("SSLv3", None, "param_invalid"),
])
def test_protocol_bounds(lo: str | None, hi: str | None, cause: str | None) -> None:
    assert protocol_bounds_cause(lo, hi) == cause


# --- CRLs ----------------------------------------------------------------------------------------------------

def test_crl_sources_follow_initialize_ssl(tmp_path: Path) -> None:
    assert tls.crl_sources(str(DATA / "root+server.crl"), None, None) is not None
    # an unreadable file fails X509_STORE_load_locations before the directory is looked at: no CRL check
    assert tls.crl_sources("invalid", str(DATA / "root+server-crldir"), None) is None
    # an empty value is unset; a directory is only remembered, so one that does not exist still turns checks on
    none_there = tls.crl_sources("", str(tmp_path / "nothing"), None)
    assert none_there is not None and none_there.crls == ()
    # certificates without a CRL still load, and turn the check on
    certs_only = tls.crl_sources(str(DATA / "root_ca.crt"), None, None)
    assert certs_only is not None and certs_only.crls == ()
    # neither set: ~/.postgresql/root.crl, when it is there
    assert tls.crl_sources(None, None, tmp_path) is None
    (tmp_path / ".postgresql").mkdir()
    shutil.copyfile(DATA / "root+server.crl", tmp_path / ".postgresql" / "root.crl")
    home = tls.crl_sources(None, None, tmp_path)
    assert home is not None and len(home.crls) == 2


@pytest.mark.parametrize(("server", "crl", "crldir", "problem"), [
    ("server-cn-only", "root+server.crl", None, None),
    ("server-cn-only", None, "root+server-crldir", None),
    ("server-revoked", "root+server.crl", None, "revoked"),
    ("server-revoked", None, "root+server-crldir", "revoked"),
    ("server-cn-only", "client.crl", None, "crl_missing"),
    ("server-cn-only", None, "client-crldir", "crl_missing"),
    ("server-cn-only", "server.crl", None, "crl_missing"),  # the server CA's own certificate needs the root's
    ("server-cn-only", "root.crl", None, "crl_missing"),
])
def test_check_revocation(server: str, crl: str | None, crldir: str | None, problem: str | None) -> None:
    sources = tls.crl_sources(str(DATA / crl) if crl else None, str(DATA / crldir) if crldir else None, None)
    assert sources is not None
    got = tls.check_revocation(_chain(server), _ca(), sources)
    assert (got[0] if got else None) == problem, got


def test_expired_crl_is_no_crl() -> None:
    import datetime as dt

    sources = tls.crl_sources(str(DATA / "root+server.crl"), None, None)
    assert sources is not None
    later = dt.datetime(2049, 1, 1, tzinfo=dt.UTC)  # the test CRLs' next update is in July 2048
    got = tls.check_revocation(_chain("server-cn-only"), _ca(), sources, now=later)
    assert got is not None and got[0] == "crl_expired"


# --- the mode matrix with client-side facts ------------------------------------------------------------------

def _tls_only_server() -> AddressFacts:
    return AddressFacts(
        connect_cause=None, ssl_answer="S", tls=TlsFacts(completed=True),
        startup_plain=StartupFacts("error", cause="server_requires_ssl"), startup_tls=StartupFacts("ok"),
    )


def _both_server() -> AddressFacts:
    return AddressFacts(
        connect_cause=None, ssl_answer="S", tls=TlsFacts(completed=True),
        startup_plain=StartupFacts("ok"), startup_tls=StartupFacts("ok"),
    )


def _outcomes(addr: AddressFacts, root: str, client: ClientFacts) -> dict[str, tuple[str, str | None]]:
    modes = predict_all([addr], RootFile(root), AuthKnowledge(False), client=client)  # type: ignore[arg-type]
    return {m: (r.outcome, r.cause) for m, r in modes.items()}


def test_revoked_certificate_fails_every_tls_mode() -> None:
    got = _outcomes(_tls_only_server(), "file", ClientFacts(crl_cause="cert_revoked"))
    assert got["disable"] == ("fail", "server_requires_ssl")
    assert all(got[m] == ("fail", "cert_revoked") for m in ("allow", "prefer", "require", "verify-ca", "verify-full"))
    # prefer and allow reach plain text where the server lets it in
    got = _outcomes(_both_server(), "file", ClientFacts(crl_cause="cert_revoked"))
    assert got["prefer"] == ("ok", None) and got["allow"] == ("ok", None) and got["require"][1] == "cert_revoked"


def test_crl_needs_the_root_file() -> None:
    got = _outcomes(_tls_only_server(), "missing", ClientFacts(crl_cause="cert_revoked"))
    assert got["require"] == ("ok", None)
    assert got["verify-ca"] == ("fail", "ca_file_missing")


def test_unusable_key_fails_tls_after_the_root_file() -> None:
    got = _outcomes(_tls_only_server(), "missing", ClientFacts(key_cause="client_cert_problem"))
    assert got["require"] == ("fail", "client_cert_problem")
    assert got["verify-full"] == ("fail", "ca_file_missing")  # the root file is read first


def test_invalid_protocol_bounds_fail_every_mode() -> None:
    got = _outcomes(_both_server(), "file", ClientFacts(settings_cause="param_invalid"))
    assert set(got.values()) == {("fail", "param_invalid")}


# --- client keys as initialize_SSL loads them ----------------------------------------------------------------

@pytest.fixture
def keys(tmp_path: Path) -> Path:
    for name in ("client.key", "client-der.key", "client-encrypted-pem.key", "client-encrypted-der.key"):
        shutil.copyfile(DATA / name, tmp_path / name)
        os.chmod(tmp_path / name, 0o600)
    return tmp_path


@pytest.mark.parametrize(("key", "password", "loads"), [
    ("client.key", None, True),
    ("client-der.key", None, True),
    ("client-encrypted-pem.key", PASSWORD, True),
    ("client-encrypted-pem.key", "wrong", False),
    ("client-encrypted-der.key", PASSWORD, True),  # `openssl rsa -outform DER` wrote it unencrypted
    ("client-encrypted-der.key", "wrong", True),
])
def test_client_keys(keys: Path, key: str, password: str | None, loads: bool) -> None:
    ctx = _net.capture_context()
    error = _net.load_client_cert(ctx, _net.ClientCert(str(DATA / "client.crt"), str(keys / key), password))
    assert (error is None) is loads, error
    if not loads:
        assert error is not None and "decrypt" in error


def test_key_of_another_certificate(keys: Path) -> None:
    error = _net.load_client_cert(_net.capture_context(),
                                  _net.ClientCert(str(DATA / "client-dn.crt"), str(keys / "client-der.key")))
    assert error is not None


# --- sslpassword: intact for the connection, **** everywhere else --------------------------------------------

@pytest.mark.parametrize("text", [
    "host=db.example.test sslkey=/k sslpassword='dUmmyP^#+'",
    "postgresql://app@db.example.test/app?sslkey=/k&sslpassword=dUmmyP%5E%23%2B",
])
def test_sslpassword_reaches_the_connection_intact(text: str) -> None:
    target = resolve(text, environ={})
    assert target.settings["sslpassword"] == "****"
    assert connection_settings(target)["sslpassword"] == PASSWORD
    assert build_params(target, timeout=5)["sslpassword"] == PASSWORD
    assert PASSWORD not in repr(target) and PASSWORD not in str(target)


def test_sslpassword_never_shown() -> None:
    import dbdoctor

    report = dbdoctor.parse("host=db.example.test sslkey=/k sslpassword='dUmmyP^#+'", environ={})
    shown = json.dumps(report.to_dict())
    assert "dUmmyP" not in shown and "****" in shown
