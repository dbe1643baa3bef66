"""A fleet of sandbox servers with different TLS set-ups, and the ground truth of each: for the fleet tests,
the exporter's Prometheus test and ``bench/scan_fleet.py``.

    with SandboxFleet(FLEET_SMALL) as fleet:
        for member in fleet.members: member.port, member.truth.tls, member.truth.issues
        fleet.ca_file   # the sandbox root CA plus the fleet's own root (for the custom certificates)

Most set-ups are a sandbox profile and a certificate variant. ``expiring``: a certificate that expires in
``EXPIRING_DAYS`` days, issued by the fleet's own root and installed into the running server (PostgreSQL:
reload; MariaDB: FLUSH SSL).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import ipaddress
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from dbdoctor.sandbox.server import SandboxServer

EXPIRING_DAYS: Final = 5
#: the host name every member's certificate is checked against (the sandbox's full certificate carries it)
SERVERNAME: Final = "db.example.test"


@dataclasses.dataclass(frozen=True, slots=True)
class Truth:
    """What a correct scanner says about a member (with ``SERVERNAME`` and ``SandboxFleet.ca_file``)."""

    engine: str  # "postgresql" or "mysql"
    tls: str  # required, offered, offered?, none
    issues: tuple[str, ...]  # the dbdoctor.fleet issue codes, sorted


@dataclasses.dataclass(frozen=True, slots=True)
class Spec:
    name: str
    engine: str  # sandbox engine: postgresql or mariadb
    profile: str
    cert: str  # a sandbox certificate variant, or "expiring"
    truth: Truth


def _pg(name: str, profile: str, cert: str, tls: str, *issues: str) -> Spec:
    return Spec(name, "postgresql", profile, cert, Truth("postgresql", tls, tuple(sorted(issues))))


def _my(name: str, profile: str, cert: str, tls: str, *issues: str) -> Spec:
    return Spec(name, "mariadb", profile, cert, Truth("mysql", tls, tuple(sorted(issues))))


FLEET_FULL: Final[tuple[Spec, ...]] = (
    _pg("pg-required", "managed", "full", "required"),
    _pg("pg-optional", "both", "full", "offered", "tls-optional"),
    _pg("pg-none", "ssl_off", "full", "none", "no-tls"),
    _pg("pg-expired", "managed", "expired", "required", "expired"),
    _pg("pg-expiring", "managed", "expiring", "required", "expiring"),
    _pg("pg-wrongname", "managed", "ip_only", "required", "name-mismatch"),
    _pg("pg-nointermediate", "managed", "no_intermediate", "required", "chain-incomplete"),
    _pg("pg-selfsigned", "managed", "self_signed", "required", "self-signed"),
    _my("my-required", "managed", "full", "offered?"),
    _my("my-optional", "tls_offered", "full", "offered?"),
    _my("my-none", "tls_off", "full", "none", "no-tls"),
    _my("my-expiring", "managed", "expiring", "offered?", "expiring"),
    _my("my-nointermediate", "managed", "no_intermediate", "offered?", "chain-incomplete"),
)

#: for tests: few servers, every kind of answer the alerts need
FLEET_SMALL: Final[tuple[Spec, ...]] = (
    _pg("pg-required", "managed", "full", "required"),
    _pg("pg-optional", "both", "full", "offered", "tls-optional"),
    _pg("pg-expiring", "managed", "expiring", "required", "expiring"),
    _my("my-required", "managed", "full", "offered?"),
    _my("my-nointermediate", "tls_offered", "no_intermediate", "offered?", "chain-incomplete"),
)


@dataclasses.dataclass(frozen=True, slots=True)
class Member:
    spec: Spec
    server: SandboxServer

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def truth(self) -> Truth:
        return self.spec.truth


def _expiring_chain(directory: Path) -> tuple[bytes, bytes, bytes]:
    """(root PEM, leaf PEM, leaf key PEM): a leaf for SERVERNAME, localhost and 127.0.0.1 that expires in
    EXPIRING_DAYS days, under a root of its own."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    day = dt.timedelta(days=1)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dbdoctor fleet"),
                          x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder().subject_name(name("dbdoctor fleet root CA")).issuer_name(name("dbdoctor fleet root CA"))
        .public_key(root_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - day).not_valid_after(now + 3650 * day)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder().subject_name(name(SERVERNAME)).issuer_name(root.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - day).not_valid_after(now + EXPIRING_DAYS * day + dt.timedelta(hours=12))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(SERVERNAME), x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return (root.public_bytes(pem), leaf.public_bytes(pem),
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def install_certificate(srv: SandboxServer, cert_pem: bytes, key_pem: bytes) -> None:
    """Make a running sandbox server present another certificate (same profile, no restart)."""
    from dbdoctor.sandbox import _system

    if srv.engine == "mariadb":
        from dbdoctor.sandbox import mariadb

        user = mariadb.server_user()
        _system.write_owned(srv.data_dir / "server.crt", cert_pem, user, 0o644)
        _system.write_owned(srv.data_dir / "server.key", key_pem, user, 0o600)
        mariadb._admin_sql(srv.data_dir / "mysqld.sock", ["FLUSH SSL"])
        return
    import psycopg

    user = _system.server_user()
    _system.write_owned(srv.data_dir / "server.crt", cert_pem, user, 0o644)
    _system.write_owned(srv.data_dir / "server.key", key_pem, user, 0o600)
    with psycopg.connect(srv.admin_conninfo(), autocommit=True) as conn:
        conn.execute("SELECT pg_reload_conf()")
    import time

    time.sleep(0.3)  # the postmaster applies a reload asynchronously


class SandboxFleet:
    """Starts one sandbox server per spec (stopped on exit)."""

    def __init__(self, specs: Sequence[Spec], state_dir: str | os.PathLike[str] | None = None) -> None:
        self.specs = tuple(specs)
        self.state_dir = state_dir
        self.members: list[Member] = []
        self.ca_file: Path | None = None

    def __enter__(self) -> SandboxFleet:
        from dbdoctor.sandbox import _system, start

        try:
            chain: tuple[bytes, bytes, bytes] | None = None
            for spec in self.specs:
                cert = "full" if spec.cert == "expiring" else spec.cert
                srv = start(engine=spec.engine, profile=spec.profile, cert=cert, state_dir=self.state_dir,
                            name=f"fleet-{spec.name}-{os.getpid()}")
                self.members.append(Member(spec, srv))
                if spec.cert == "expiring":
                    if chain is None:
                        chain = _expiring_chain(srv.pki.directory)
                    install_certificate(srv, chain[1], chain[2])
            first = self.members[0].server
            state = _system.state_dir(self.state_dir)
            self.ca_file = state / f"fleet-ca-{os.getpid()}.crt"
            extra = chain[0] if chain is not None else b""
            self.ca_file.write_bytes(first.pki.root_ca.read_bytes() + extra)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for m in self.members:
            with contextlib.suppress(Exception):  # keep stopping the others
                m.server.stop()
        self.members = []
        if self.ca_file is not None:
            self.ca_file.unlink(missing_ok=True)


__all__ = ["EXPIRING_DAYS", "FLEET_FULL", "FLEET_SMALL", "SERVERNAME", "Member", "SandboxFleet", "Spec", "Truth",
           "install_certificate"]
