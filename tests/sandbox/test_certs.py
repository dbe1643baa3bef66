"""The sandbox PKI, checked with cryptography's own path validation (no server needed)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509 import DNSName, IPAddress
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from dbdoctor.errors import SandboxError
from dbdoctor.sandbox.certs import CERT_VARIANTS, Pki, ensure_pki

NOW = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return ensure_pki(tmp_path_factory.mktemp("pki") / "pki", client_cn="app")


def certs(path: Path) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(path.read_bytes())


def verify(
    pki: Pki, variant: str, name: x509.GeneralName, roots: Path | None = None, when: dt.datetime = NOW
) -> None:
    sent = certs(pki.server(variant).cert)
    store = Store(certs(roots or pki.root_ca))
    verifier = PolicyBuilder().store(store).time(when).build_server_verifier(name)  # type: ignore[arg-type]
    verifier.verify(sent[0], sent[1:])


LOCALHOST = DNSName("localhost")
DB = DNSName("db.example.test")
IP = IPAddress(ipaddress.ip_address("127.0.0.1"))


def test_full_verifies_by_every_name(fresh: Pki) -> None:
    for name in (LOCALHOST, DB, IP):
        verify(fresh, "full", name)
    assert len(certs(fresh.server("full").cert)) == 2  # leaf + intermediate


@pytest.mark.parametrize(
    ("variant", "good", "bad"),
    [("ip_only", [IP], [LOCALHOST, DB]), ("wildcard", [DB], [LOCALHOST, IP])],
)
def test_names(fresh: Pki, variant: str, good: list[x509.GeneralName], bad: list[x509.GeneralName]) -> None:
    for name in good:
        verify(fresh, variant, name)
    for name in bad:
        with pytest.raises(VerificationError):
            verify(fresh, variant, name)


def test_cn_only_has_no_san(fresh: Pki) -> None:
    leaf = certs(fresh.server("cn_only").leaf)[0]
    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "db.example.test"
    with pytest.raises(x509.ExtensionNotFound):
        leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName)


def test_dates(fresh: Pki) -> None:
    with pytest.raises(VerificationError):
        verify(fresh, "expired", LOCALHOST)
    assert certs(fresh.server("expired").leaf)[0].not_valid_after_utc < NOW
    with pytest.raises(VerificationError):
        verify(fresh, "not_yet_valid", LOCALHOST)
    nyv = certs(fresh.server("not_yet_valid").leaf)[0]
    assert nyv.not_valid_before_utc > NOW + dt.timedelta(days=300)
    verify(fresh, "not_yet_valid", LOCALHOST, when=nyv.not_valid_before_utc + dt.timedelta(days=1))


def test_wrong_issuers(fresh: Pki) -> None:
    ss = certs(fresh.server("self_signed").cert)
    assert len(ss) == 1 and ss[0].issuer == ss[0].subject
    with pytest.raises(VerificationError):
        verify(fresh, "self_signed", LOCALHOST)
    oc = certs(fresh.server("other_ca").cert)
    assert len(oc) == 1
    with pytest.raises(VerificationError):
        verify(fresh, "other_ca", LOCALHOST)
    verify(fresh, "other_ca", LOCALHOST, roots=fresh.other_ca)


def test_no_intermediate_needs_the_bundle(fresh: Pki) -> None:
    assert len(certs(fresh.server("no_intermediate").cert)) == 1
    with pytest.raises(VerificationError):
        verify(fresh, "no_intermediate", LOCALHOST)
    # with the intermediate in the trust store the chain completes
    sent = certs(fresh.server("no_intermediate").cert)
    store = Store(certs(fresh.root_and_intermediate))
    PolicyBuilder().store(store).time(NOW).build_server_verifier(LOCALHOST).verify(sent[0], [])


def test_client_certificates(fresh: Pki) -> None:
    client = certs(fresh.client_cert)[0]
    assert client.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "app"
    assert client.issuer == certs(fresh.client_ca)[0].subject
    other = certs(fresh.other_client_cert)[0]
    assert other.issuer == certs(fresh.other_ca)[0].subject
    # (cryptography's client verifier demands a SAN; PostgreSQL's cert method reads the CN, so check signatures)
    client.verify_directly_issued_by(certs(fresh.client_ca)[0])
    with pytest.raises((ValueError, InvalidSignature)):
        other.verify_directly_issued_by(certs(fresh.client_ca)[0])


def test_key_files_are_private(fresh: Pki) -> None:
    keys = [fresh.client_key, fresh.other_client_key, *(s.key for s in fresh.servers.values())]
    for key in keys:
        assert key.stat().st_mode & 0o777 == 0o600, key
    assert set(fresh.servers) == set(CERT_VARIANTS)


def test_cached_then_regenerated_near_expiry_or_when_a_file_is_missing(tmp_path: Path) -> None:
    d = tmp_path / "pki"
    first = ensure_pki(d).root_ca.read_bytes()
    assert ensure_pki(d).root_ca.read_bytes() == first  # fresh: reused
    leaf_end = certs(ensure_pki(d).server("full").leaf)[0].not_valid_after_utc
    near = leaf_end - dt.timedelta(days=1)
    second = ensure_pki(d, now=near).root_ca.read_bytes()
    assert second != first  # within two days of expiry: regenerated
    ensure_pki(d).server("wildcard").key.unlink()
    third = ensure_pki(d)
    assert third.server("wildcard").key.is_file()
    assert third.root_ca.read_bytes() != second
    assert [p.name for p in tmp_path.iterdir()] == ["pki"]  # no temporary directories left


def test_unknown_variant(fresh: Pki) -> None:
    with pytest.raises(SandboxError, match="unknown certificate variant"):
        fresh.server("bogus")
