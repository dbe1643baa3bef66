"""TLS material for the sandbox: a small PKI generated with ``cryptography`` and cached in a directory.

Layout of the directory (all PEM; keys are EC P-256, mode 0600)::

    root-ca.crt              the trust anchor handed to clients (``ca_file``)
    intermediate-ca.crt      signed by the root; signs the server leaves
    root+intermediate.crt    both, for clients that must complete a chain the server does not send
    other-root-ca.crt        an unrelated root: "wrong CA" scenarios
    client-ca.crt            the CA a ``clientcert`` server trusts for client certificates
    client.crt / client.key  CN = the sandbox user, signed by the client CA
    other-client.crt / .key  CN = the sandbox user, signed by the unrelated root (the server refuses it)
    server-<variant>.crt     what the server sends: leaf + intermediate (leaf only for no_intermediate,
                             self_signed and other_ca)
    server-<variant>.key
    server-<variant>.leaf.crt  the leaf alone
    manifest.json            format version, user and validity windows, to decide when to regenerate

The PKI is regenerated when a file is missing, the format changed, or a certificate that is meant to be valid
expires within two days (``expired`` and ``not_yet_valid`` stay what they are on purpose).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import ipaddress
import json
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

#: bump when the layout or the content of the PKI changes: cached directories are then regenerated
PKI_FORMAT: Final = 2

#: names a full certificate carries (libpq checks these against ``host``)
FULL_DNS: Final = ("localhost", "db.example.test")
FULL_IPS: Final = ("127.0.0.1",)

CA_DAYS: Final = 3650
LEAF_DAYS: Final = 397
RENEW_BEFORE: Final = _dt.timedelta(days=2)

#: variant -> what a client sees with ``sslmode=verify-full sslrootcert=root-ca.crt``
CERT_VARIANTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "full": "localhost, db.example.test, 127.0.0.1; chain sent: verify-full works",
        "cn_only": "CN=db.example.test, no SAN: verify-full only as host=db.example.test",
        "ip_only": "IP SAN 127.0.0.1 only: verify-full only as host=127.0.0.1",
        "wildcard": "*.example.test: verify-full as db.example.test, not as localhost",
        "expired": "expired yesterday: verify-ca/verify-full fail (certificate has expired)",
        "not_yet_valid": "valid only from next year: verification fails (not yet valid)",
        "self_signed": "its own issuer: verify-ca fails (self-signed certificate)",
        "no_intermediate": "intermediate not sent: verify fails unless the CA file has root+intermediate",
        "other_ca": "signed by an unrelated root (other-root-ca.crt): verify-ca fails",
    }
)


@dataclasses.dataclass(frozen=True, slots=True)
class ServerCert:
    """One server certificate variant: the file the server sends, its key, and the leaf alone."""

    variant: str
    cert: Path  # what the server is configured with (ssl_cert_file): leaf, plus intermediate when sent
    key: Path
    leaf: Path


@dataclasses.dataclass(frozen=True, slots=True)
class Pki:
    """Paths of every file of the sandbox PKI."""

    directory: Path
    root_ca: Path
    intermediate_ca: Path
    root_and_intermediate: Path
    other_ca: Path
    client_ca: Path
    client_cert: Path
    client_key: Path
    other_client_cert: Path
    other_client_key: Path
    client_cn: str
    servers: Mapping[str, ServerCert]

    def server(self, variant: str) -> ServerCert:
        try:
            return self.servers[variant]
        except KeyError:
            from dbdoctor.errors import SandboxError

            raise SandboxError(
                f"unknown certificate variant {variant!r}; choose one of: {', '.join(CERT_VARIANTS)}"
            ) from None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            f.name: str(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name not in ("servers", "client_cn")
        }
        out["client_cn"] = self.client_cn
        out["servers"] = {
            name: {"cert": str(s.cert), "key": str(s.key), "leaf": str(s.leaf)}
            for name, s in self.servers.items()
        }
        return out


def pki_paths(directory: Path, client_cn: str = "app") -> Pki:
    """The paths of a PKI in ``directory`` (no I/O: see :func:`ensure_pki`)."""
    d = directory
    servers = {
        v: ServerCert(v, d / f"server-{v}.crt", d / f"server-{v}.key", d / f"server-{v}.leaf.crt")
        for v in CERT_VARIANTS
    }
    return Pki(
        directory=d,
        root_ca=d / "root-ca.crt",
        intermediate_ca=d / "intermediate-ca.crt",
        root_and_intermediate=d / "root+intermediate.crt",
        other_ca=d / "other-root-ca.crt",
        client_ca=d / "client-ca.crt",
        client_cert=d / "client.crt",
        client_key=d / "client.key",
        other_client_cert=d / "other-client.crt",
        other_client_key=d / "other-client.key",
        client_cn=client_cn,
        servers=MappingProxyType(servers),
    )


def _all_files(pki: Pki) -> list[Path]:
    files = [
        pki.root_ca,
        pki.intermediate_ca,
        pki.root_and_intermediate,
        pki.other_ca,
        pki.client_ca,
        pki.client_cert,
        pki.client_key,
        pki.other_client_cert,
        pki.other_client_key,
    ]
    for s in pki.servers.values():
        files += [s.cert, s.key, s.leaf]
    return files


def _is_fresh(pki: Pki, now: _dt.datetime) -> bool:
    manifest = pki.directory / "manifest.json"
    try:
        data = json.loads(manifest.read_text())
    except (OSError, ValueError):
        return False
    if (
        not isinstance(data, dict)
        or data.get("format") != PKI_FORMAT
        or data.get("client_cn") != pki.client_cn
    ):
        return False
    try:
        valid_until = _dt.datetime.fromisoformat(str(data["valid_until"]))
        future_from = _dt.datetime.fromisoformat(str(data["not_yet_valid_from"]))
    except (KeyError, ValueError):
        return False
    if valid_until - now < RENEW_BEFORE or future_from - now < RENEW_BEFORE:
        return False
    return all(p.is_file() for p in _all_files(pki))


def ensure_pki(directory: Path, client_cn: str = "app", *, now: _dt.datetime | None = None) -> Pki:
    """Return the PKI in ``directory``, generating it first when missing or stale.

    The caller holds a lock if several processes may do this at once (the sandbox does). Generation writes a
    sibling directory and swaps it in, so a reader never sees a half-written PKI.
    """
    now = now or _dt.datetime.now(_dt.UTC)
    directory = directory.absolute()
    pki = pki_paths(directory, client_cn)
    if _is_fresh(pki, now):
        return pki
    directory.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = directory.with_name(f".{directory.name}.new-{uuid.uuid4().hex[:8]}")
    tmp.mkdir(mode=0o700)
    try:
        _generate(pki_paths(tmp, client_cn), now)
        if directory.exists():
            old = directory.with_name(f".{directory.name}.old-{uuid.uuid4().hex[:8]}")
            os.replace(directory, old)
            os.replace(tmp, directory)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, directory)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return pki


# --- generation -------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Issuer:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def _new_key() -> ec.EllipticCurvePrivateKey:
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _name(cn: str) -> x509.Name:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dbdoctor sandbox"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _build(
    *,
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey,
    issuer: _Issuer | None,
    not_before: _dt.datetime,
    not_after: _dt.datetime,
    ca: bool,
    path_length: int | None = None,
    dns: tuple[str, ...] = (),
    ips: tuple[str, ...] = (),
    client: bool = False,
) -> x509.Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID

    pub = key.public_key()
    signer_key = issuer.key if issuer else key
    issuer_name = issuer.cert.subject if issuer else subject
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(pub)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
    )
    if issuer is not None:
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    if ca:
        b = b.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    else:
        b = b.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        eku = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
        b = b.add_extension(x509.ExtendedKeyUsage([eku]), critical=False)
    sans: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    sans += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return b.sign(signer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.PEM)


def _write(path: Path, data: bytes, mode: int = 0o644) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    from cryptography.hazmat.primitives import serialization

    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    _write(path, data, 0o600)


def _generate(pki: Pki, now: _dt.datetime) -> None:
    day = _dt.timedelta(days=1)
    start = now - day
    ca_end = now + _dt.timedelta(days=CA_DAYS)
    leaf_end = now + _dt.timedelta(days=LEAF_DAYS)

    def ca(cn: str, parent: _Issuer | None, path_length: int | None) -> _Issuer:
        key = _new_key()
        cert = _build(
            subject=_name(cn),
            key=key,
            issuer=parent,
            not_before=start,
            not_after=ca_end,
            ca=True,
            path_length=path_length,
        )
        return _Issuer(cert, key)

    root = ca("dbdoctor sandbox root CA", None, None)
    inter = ca("dbdoctor sandbox intermediate CA", root, 0)
    other = ca("dbdoctor sandbox OTHER root CA (not trusted)", None, None)
    client_ca = ca("dbdoctor sandbox client CA", None, None)

    _write(pki.root_ca, _pem(root.cert))
    _write(pki.intermediate_ca, _pem(inter.cert))
    _write(pki.root_and_intermediate, _pem(root.cert) + _pem(inter.cert))
    _write(pki.other_ca, _pem(other.cert))
    _write(pki.client_ca, _pem(client_ca.cert))

    def client(issuer: _Issuer, cert_path: Path, key_path: Path) -> None:
        key = _new_key()
        cert = _build(
            subject=_name(pki.client_cn),
            key=key,
            issuer=issuer,
            not_before=start,
            not_after=leaf_end,
            ca=False,
            client=True,
        )
        _write(cert_path, _pem(cert))
        _write_key(key_path, key)

    client(client_ca, pki.client_cert, pki.client_key)
    client(other, pki.other_client_cert, pki.other_client_key)

    not_yet_from = now + _dt.timedelta(days=365)
    # variant -> (cn, dns, ips, issuer (None = itself), not_before, not_after, send the intermediate)
    specs: dict[
        str, tuple[str, tuple[str, ...], tuple[str, ...], _Issuer | None, _dt.datetime, _dt.datetime, bool]
    ]
    specs = {
        "full": ("localhost", FULL_DNS, FULL_IPS, inter, start, leaf_end, True),
        "cn_only": ("db.example.test", (), (), inter, start, leaf_end, True),
        "ip_only": ("127.0.0.1", (), FULL_IPS, inter, start, leaf_end, True),
        "wildcard": ("*.example.test", ("*.example.test",), (), inter, start, leaf_end, True),
        "expired": ("localhost", FULL_DNS, FULL_IPS, inter, now - _dt.timedelta(days=400), now - day, True),
        "not_yet_valid": (
            "localhost",
            FULL_DNS,
            FULL_IPS,
            inter,
            not_yet_from,
            not_yet_from + _dt.timedelta(days=LEAF_DAYS),
            True,
        ),
        "self_signed": ("localhost", FULL_DNS, FULL_IPS, None, start, leaf_end, False),
        "no_intermediate": ("localhost", FULL_DNS, FULL_IPS, inter, start, leaf_end, False),
        "other_ca": ("localhost", FULL_DNS, FULL_IPS, other, start, leaf_end, False),
    }
    assert set(specs) == set(CERT_VARIANTS)
    for variant, (cn, dns, ips, issuer, nb, na, send_inter) in specs.items():
        paths = pki.servers[variant]
        key = _new_key()
        leaf = _build(
            subject=_name(cn), key=key, issuer=issuer, not_before=nb, not_after=na, ca=False, dns=dns, ips=ips
        )
        _write(paths.leaf, _pem(leaf))
        _write(paths.cert, _pem(leaf) + (_pem(inter.cert) if send_inter else b""))
        _write_key(paths.key, key)

    manifest = {
        "format": PKI_FORMAT,
        "client_cn": pki.client_cn,
        "generated": now.isoformat(),
        # the earliest end of validity of every certificate meant to be valid
        "valid_until": min(leaf_end, ca_end).isoformat(),
        "not_yet_valid_from": not_yet_from.isoformat(),
    }
    _write(pki.directory / "manifest.json", json.dumps(manifest, indent=2).encode())
