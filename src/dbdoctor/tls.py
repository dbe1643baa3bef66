"""Certificate analysis: chain building and verification, host and IP matching, expiry, CA file discovery.

Pure: DER bytes and CA files in, a frozen :class:`ChainAnalysis` out. The verdicts mirror what libpq decides
with OpenSSL, so the diagnosis can say *why* a verifying mode fails:

- chain building follows OpenSSL's X509_verify_cert as libpq configures it (no X509_V_FLAG_PARTIAL_CHAIN):
  issuers are looked up in the trusted store first (X509_V_FLAG_TRUSTED_FIRST, OpenSSL's default since 1.1.0),
  then among the certificates the server sent; the chain must end at a self-signed certificate from the store;
  each link's signature is checked; then every certificate of the chain, the anchor included, must be within its
  validity period.
- ``verify-ca`` = trusted and valid; ``verify-full`` = that plus the name match of
  pgtls_verify_peer_name_matches_certificate_guts (fe-secure-openssl.c) and
  pq_verify_peer_name_matches_certificate_name / wildcard_certificate_match (fe-secure-common.c).

We build the chain ourselves rather than with ``cryptography.x509.verification``: that verifier applies the
CA/Browser Forum web-PKI profile (a SAN is required, extensions are checked strictly, any certificate in the
store is an anchor), which would reject or accept chains that OpenSSL under libpq treats differently. The test
suite compares these verdicts with OpenSSL's (Python's ``ssl`` module) on the same chains.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import ipaddress
import os
import re
import ssl
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final, Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

#: libpq's default root certificate file, relative to the home directory (ROOT_CERT_FILE in fe-secure-openssl.c)
ROOT_CERT_FILE: Final = ".postgresql/root.crt"

#: the largest CA file read (a full system bundle is about 200 KiB)
MAX_CA_FILE_BYTES: Final = 16 * 1024 * 1024

_DER: Final = Encoding.DER

Problem = Literal["self_signed", "untrusted", "chain_incomplete", "expired", "not_yet_valid", "no_system_ca",
                  "ca_file_missing", "ca_file_invalid", "no_certificate", "invalid_certificate"]


# --- CA files ---------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class CaFile:
    """A CA file as OpenSSL would load it: its certificates (DER), or why there are none."""

    path: Path | None
    certificates: tuple[bytes, ...] = ()
    #: None when certificates were found; else "missing", "unreadable" or "no_certificate"
    error: Literal["missing", "unreadable", "no_certificate"] | None = None
    detail: str | None = None


def _pem_blocks(data: bytes) -> list[bytes]:
    begin, end = b"-----BEGIN CERTIFICATE-----", b"-----END CERTIFICATE-----"
    out: list[bytes] = []
    pos = 0
    while True:
        i = data.find(begin, pos)
        if i < 0:
            return out
        j = data.find(end, i)
        if j < 0:
            return out
        out.append(data[i : j + len(end)])
        pos = j + len(end)


def parse_certificates(data: bytes) -> tuple[bytes, ...]:
    """Every certificate in a PEM (or a single DER) blob, as DER. Unparseable blocks are skipped, as OpenSSL's
    X509_load_cert_crl_file would fail on them: the caller decides what an empty result means."""
    out: list[bytes] = []
    blocks = _pem_blocks(data)
    if blocks:
        for block in blocks:
            try:
                with warnings.catch_warnings():  # a system bundle may hold old roots with odd serials
                    warnings.simplefilter("ignore")
                    cert = x509.load_pem_x509_certificate(block)
            except ValueError:
                continue
            out.append(cert.public_bytes(_DER))
        return tuple(out)
    try:
        return (x509.load_der_x509_certificate(data).public_bytes(_DER),)
    except ValueError:
        return ()


def load_ca_file(path: Path | str) -> CaFile:
    """Read a CA file (sslrootcert): missing, unreadable, no certificate, or its certificates."""
    p = Path(path)
    try:
        if not p.exists():
            return CaFile(p, error="missing")
        if p.is_dir():
            return CaFile(p, error="unreadable", detail="is a directory")
        with p.open("rb") as fh:
            data = fh.read(MAX_CA_FILE_BYTES + 1)
    except OSError as exc:
        return CaFile(p, error="unreadable", detail=exc.strerror or str(exc))
    if len(data) > MAX_CA_FILE_BYTES:
        return CaFile(p, error="unreadable", detail="larger than 16 MiB")
    certs = parse_certificates(data)
    if not certs:
        return CaFile(p, error="no_certificate")
    return CaFile(p, certificates=certs)


def default_root_cert(home: Path | str) -> Path:
    """libpq's default sslrootcert: ``~/.postgresql/root.crt``."""
    return Path(home) / ROOT_CERT_FILE


@dataclasses.dataclass(frozen=True, slots=True)
class SystemCaBundle:
    """Where OpenSSL looks for the system's trusted roots (SSL_CTX_set_default_verify_paths), and what is there."""

    cafile: str | None  # SSL_CERT_FILE, else OpenSSL's compiled default
    capath: str | None  # SSL_CERT_DIR, else OpenSSL's compiled default
    cafile_exists: bool
    capath_exists: bool
    certificates: tuple[bytes, ...]

    @property
    def usable(self) -> bool:
        return bool(self.certificates)


def system_ca_bundle(environ: Mapping[str, str] | None = None) -> SystemCaBundle:
    """The bundle OpenSSL would use for ``sslrootcert=system``: ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set,
    else the compiled-in defaults (``ssl.get_default_verify_paths()``). Reads the file and the ``<hash>.<n>``
    files of the directory (OpenSSL consults both), without duplicates: a directory file whose PEM text is
    already in the bundle is not parsed again (on Debian every one of them is a link into the bundle)."""
    env = os.environ if environ is None else environ
    paths = ssl.get_default_verify_paths()
    cafile = env.get(paths.openssl_cafile_env) or paths.openssl_cafile
    capath = env.get(paths.openssl_capath_env) or paths.openssl_capath
    certs: list[bytes] = []
    seen_pem: set[bytes] = set()

    def add(data: bytes) -> None:
        fresh = []
        for block in _pem_blocks(data):
            key = b"".join(block.split())
            if key not in seen_pem:
                seen_pem.add(key)
                fresh.append(block)
        if fresh:
            certs.extend(c for c in parse_certificates(b"\n".join(fresh)) if c not in certs)
        elif not _pem_blocks(data):
            certs.extend(c for c in parse_certificates(data) if c not in certs)  # a DER file

    try:
        cafile_exists = bool(cafile) and Path(cafile).is_file()
    except OSError:  # a name too long to look up
        cafile_exists = False
    if cafile_exists:
        with contextlib.suppress(OSError):
            add(Path(cafile).read_bytes()[: MAX_CA_FILE_BYTES])
    capath_exists = bool(capath) and Path(capath).is_dir()
    if capath_exists:
        try:
            names = sorted(os.listdir(capath))
        except OSError:
            names = []
        for name in names:
            if len(name) >= 10 and name[8] == "." and name[9:].isdigit():
                with contextlib.suppress(OSError):
                    add((Path(capath) / name).read_bytes()[: MAX_CA_FILE_BYTES])
    return SystemCaBundle(cafile or None, capath or None, cafile_exists, capath_exists, tuple(certs))


# --- one certificate --------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, slots=True)
class CertSummary:
    subject: str
    issuer: str
    common_name: str | None
    dns_names: tuple[str, ...]
    ip_addresses: tuple[str, ...]
    not_before: dt.datetime
    not_after: dt.datetime
    serial: str
    fingerprint_sha256: str
    key_type: str
    is_ca: bool
    self_issued: bool


def _key_type(cert: x509.Certificate) -> str:
    try:
        key = cert.public_key()
    except (ValueError, TypeError):  # pragma: no cover - unknown algorithm
        return "unknown"
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448"
    if isinstance(key, dsa.DSAPublicKey):
        return f"DSA {key.key_size}"
    return type(key).__name__


def _sans(cert: x509.Certificate) -> tuple[list[str], list[str], bool]:
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], [], False
    except ValueError:
        return [], [], False
    dns = [str(n) for n in ext.get_values_for_type(x509.DNSName)]
    ips = [str(a) for a in ext.get_values_for_type(x509.IPAddress)]
    return dns, ips, True


def _common_name(cert: x509.Certificate) -> str | None:
    """The first CN of the subject (libpq: X509_NAME_get_index_by_NID(..., NID_commonName, -1))."""
    try:
        attrs = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    except ValueError:
        return None
    if not attrs:
        return None
    v = attrs[0].value
    return v if isinstance(v, str) else v.decode("utf-8", "replace")


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except (x509.ExtensionNotFound, ValueError):
        return False


def summarize(cert: x509.Certificate) -> CertSummary:
    dns, ips, _ = _sans(cert)
    return CertSummary(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        common_name=_common_name(cert),
        dns_names=tuple(dns),
        ip_addresses=tuple(ips),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        serial=format(cert.serial_number, "x"),
        fingerprint_sha256=hashlib.sha256(cert.public_bytes(_DER)).hexdigest(),
        key_type=_key_type(cert),
        is_ca=_is_ca(cert),
        self_issued=cert.subject == cert.issuer,
    )


# --- names, as libpq matches them ------------------------------------------------------------------------


def _libpq_is_ip(host: str) -> bool:
    """is_ip_address in fe-secure-openssl.c: inet_aton (which also takes "127.1") or inet_pton(AF_INET6)."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        import socket

        socket.inet_aton(host)
        return all(c in "0123456789.xXabcdefABCDEF" for c in host)
    except OSError:
        return False


def _ip_bytes(host: str) -> bytes | None:
    try:
        return ipaddress.ip_address(host).packed
    except ValueError:
        pass
    try:
        import socket

        return socket.inet_aton(host)
    except OSError:
        return None


def wildcard_match(pattern: str, host: str) -> bool:
    """wildcard_certificate_match (fe-secure-common.c): ``*.`` only as the whole leftmost label, matching
    exactly one non-empty label, case-insensitively."""
    if len(pattern) < 3 or not pattern.startswith("*."):
        return False
    if len(pattern) > len(host):
        return False
    suffix = pattern[1:]
    if host[len(host) - len(suffix) :].lower() != suffix.lower():
        return False
    return host.find(".") >= len(host) - len(suffix)


def name_matches(name: str, host: str) -> bool:
    """pq_verify_peer_name_matches_certificate_name: exact (case-insensitive) or wildcard. A name with an
    embedded NUL never matches."""
    if "\x00" in name:
        return False
    return name.lower() == host.lower() or wildcard_match(name, host)


@dataclasses.dataclass(frozen=True, slots=True)
class NameCheck:
    host: str
    matched: bool
    #: which kind of identity matched or was examined: "dns", "ip", "cn"
    matched_by: str | None
    #: the names libpq examined, in order (SANs, then the CN when it was considered)
    names: tuple[str, ...]
    cn_considered: bool


def match_host(cert: x509.Certificate, host: str) -> NameCheck:
    """The name check of verify-full, as pgtls_verify_peer_name_matches_certificate_guts does it (libpq 14+):
    every DNS and IP SAN is examined in order until one matches; the CN is considered only when there is no
    SAN of the host's own type (IP for an IP address, DNS for a name). For an IP address with only DNS SANs,
    the CN is still considered (libpq's documented departure from RFC 6125)."""
    host_is_ip = _libpq_is_ip(host)
    host_ip = _ip_bytes(host) if host_is_ip else None
    check_cn = True
    examined: list[str] = []
    try:
        sans = list(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    except (x509.ExtensionNotFound, ValueError):
        sans = []
    for gn in sans:
        if isinstance(gn, x509.DNSName):
            if not host_is_ip:
                check_cn = False
            examined.append(gn.value)
            if name_matches(gn.value, host):
                return NameCheck(host, True, "dns", tuple(examined), False)
        elif isinstance(gn, x509.IPAddress):
            if host_is_ip:
                check_cn = False
            addr = gn.value
            examined.append(str(addr))
            if host_ip is not None and isinstance(addr, (ipaddress.IPv4Address, ipaddress.IPv6Address)) and (
                addr.packed == host_ip
            ):
                return NameCheck(host, True, "ip", tuple(examined), False)
    if check_cn:
        cn = _common_name(cert)
        if cn is not None:
            examined.append(cn)
            if name_matches(cn, host):
                return NameCheck(host, True, "cn", tuple(examined), True)
    return NameCheck(host, False, None, tuple(examined), check_cn)


# --- the chain ---------------------------------------------------------------------------------------------


#: the problem a chain analysis reports → the cause id it is, for any engine
CHAIN_CAUSES: Final[Mapping[str, str]] = {
    "self_signed": "cert_self_signed",
    "untrusted": "cert_untrusted",
    "chain_incomplete": "cert_chain_incomplete",
    "expired": "cert_expired",
    "not_yet_valid": "cert_not_yet_valid",
    "no_system_ca": "system_ca_missing",
    "ca_file_missing": "ca_file_missing",
    "ca_file_invalid": "ca_file_invalid",
}


@dataclasses.dataclass(frozen=True, slots=True)
class ChainAnalysis:
    """What the chain the server sent means for verify-ca and verify-full with the given CA source."""

    chain: tuple[CertSummary, ...]  # as sent, leaf first
    ca_source: str  # "file", "system" or "none"
    ca_path: str | None
    #: the chain builds to a self-signed certificate in the CA source, every signature checks, and every
    #: certificate of the built chain is within its validity period (what verify-ca requires)
    trusted: bool
    #: the first problem OpenSSL would report, None when trusted
    problem: Problem | None
    problem_detail: str | None
    #: the certificate the problem is about (subject), when it is about one
    problem_subject: str | None
    #: the chain as built: subjects from the leaf to the anchor (or as far as it got)
    path: tuple[str, ...]
    #: the issuer of the last certificate reached when the chain could not be built (the missing link)
    missing_issuer: str | None
    #: verify-full's name check against ``host``; False when no host was given
    name_checked: str | None
    name_matched: bool
    matched_by: str | None
    names: tuple[str, ...]
    now: dt.datetime

    # the leaf, flattened for rules and renderers
    @property
    def leaf(self) -> CertSummary | None:
        return self.chain[0] if self.chain else None

    @property
    def leaf_subject(self) -> str | None:
        return self.leaf.subject if self.leaf else None

    @property
    def leaf_issuer(self) -> str | None:
        return self.leaf.issuer if self.leaf else None

    @property
    def common_name(self) -> str | None:
        return self.leaf.common_name if self.leaf else None

    @property
    def dns_names(self) -> tuple[str, ...]:
        return self.leaf.dns_names if self.leaf else ()

    @property
    def ip_addresses(self) -> tuple[str, ...]:
        return self.leaf.ip_addresses if self.leaf else ()

    @property
    def not_before(self) -> dt.datetime | None:
        return self.leaf.not_before if self.leaf else None

    @property
    def not_after(self) -> dt.datetime | None:
        return self.leaf.not_after if self.leaf else None

    @property
    def days_left(self) -> int | None:
        """Whole days until the leaf expires (negative once expired)."""
        if self.leaf is None:
            return None
        return (self.leaf.not_after - self.now).days

    @property
    def serial(self) -> str | None:
        return self.leaf.serial if self.leaf else None

    @property
    def fingerprint(self) -> str | None:
        return self.leaf.fingerprint_sha256 if self.leaf else None

    @property
    def key_type(self) -> str | None:
        return self.leaf.key_type if self.leaf else None

    @property
    def top_issuer(self) -> str | None:
        """The issuer of the last certificate the server sent: the CA a client must trust."""
        return self.chain[-1].issuer if self.chain else None

    @property
    def verify_ca_ok(self) -> bool:
        return self.trusted

    @property
    def verify_full_ok(self) -> bool:
        return self.trusted and self.name_matched

    def describe(self) -> str:
        """One or two sentences for a report: what the certificate says and what is wrong with it."""
        leaf = self.leaf
        if leaf is None:
            return "The server sent no certificate."
        names = ", ".join([*leaf.dns_names, *leaf.ip_addresses]) or "none"
        days = self.days_left
        when = f"expires {leaf.not_after:%Y-%m-%d} ({days} days left)" if days is not None and days >= 0 else (
            f"expired {leaf.not_after:%Y-%m-%d}"
        )
        text = (
            f"Certificate for {leaf.common_name or leaf.subject!r} (names: {names}), issued by "
            f"{leaf.issuer!r}, {when}; {len(self.chain)} certificate(s) sent."
        )
        if self.problem_detail:
            text += f" {self.problem_detail}"
        return text


def _load(der: bytes) -> x509.Certificate | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return x509.load_der_x509_certificate(der)
    except ValueError:
        return None


def _signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Issuer name matches and the signature verifies with the issuer's key (OpenSSL's check_issued +
    signature check)."""
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _self_signed(cert: x509.Certificate) -> bool:
    return cert.subject == cert.issuer and _signed_by(cert, cert)


def _org(name: x509.Name) -> str | None:
    attrs = name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    if not attrs:
        return None
    v = attrs[0].value
    return v if isinstance(v, str) else None


def _aki(cert: x509.Certificate) -> bytes | None:
    try:
        return cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    except (x509.ExtensionNotFound, ValueError):
        return None


def _related(missing_issuer: x509.Name, store: Sequence[x509.Certificate]) -> bool:
    """The CA source holds a CA certificate of the same organisation as the missing issuer."""
    org = _org(missing_issuer)
    if org is None:
        return False
    return any(_org(c.subject) == org and c.subject != missing_issuer for c in store)


_INTERMEDIATE_WORDS: Final = ("intermediate", "issuing", "subordinate", "sub ca", "sub-ca", "subca")


def _has_ca_issuers_url(cert: x509.Certificate) -> bool:
    try:
        aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    except (x509.ExtensionNotFound, ValueError):
        return False
    return any(d.access_method == x509.oid.AuthorityInformationAccessOID.CA_ISSUERS for d in aia)


def _missing_is_intermediate(top: x509.Certificate, store: Sequence[x509.Certificate]) -> bool:
    """Is the certificate missing above ``top`` an intermediate (the server should have sent it) rather than
    a root the client lacks? The chain alone cannot prove it (OpenSSL reports both as "unable to get local
    issuer certificate"), so this is a documented presumption, in this order:

    1. the missing issuer's CN says "root" → a root; says intermediate/issuing/subordinate → an intermediate;
    2. ``top`` is itself a CA certificate the server sent → what is missing is its root (servers may omit it);
    3. ``top`` carries an AIA caIssuers URL (public CAs put one in every leaf) → an intermediate;
    4. the CA source holds a CA of the same organisation as the missing issuer → an intermediate of that
       hierarchy; else another CA altogether.
    """
    attrs = top.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    cn = str(attrs[0].value).lower() if attrs else ""
    if "root" in cn:
        return False
    if any(w in cn for w in _INTERMEDIATE_WORDS):
        return True
    if _is_ca(top):
        return False
    if _has_ca_issuers_url(top):
        return True
    return _related(top.issuer, store)


def _in_validity(cert: x509.Certificate, now: dt.datetime) -> str | None:
    if now < cert.not_valid_before_utc:
        return "not_yet_valid"
    if now > cert.not_valid_after_utc:
        return "expired"
    return None


def analyze_chain(
    chain_der: Sequence[bytes],
    *,
    ca_file: Path | None,
    ca_source: str,
    host: str | None,
    now: dt.datetime | None = None,
    ca_certificates: Sequence[bytes] | None = None,
) -> ChainAnalysis:
    """Analyse the chain a server sent (leaf first) against a CA source.

    ``ca_source`` is "file" (``ca_file``), "system" (OpenSSL's default store; see :func:`system_ca_bundle`)
    or "none" (nothing to verify against: ``trusted`` is False and ``problem`` None). ``ca_certificates``,
    when given, is used instead of reading the source (tests, or a bundle already loaded).

    Problems, in the order OpenSSL would hit them (the first one wins):

    - ``self_signed``: the leaf is self-signed and not in the CA source (X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT).
    - ``chain_incomplete``: the chain stops at a certificate that is not self-signed and whose issuer is neither
      in the chain sent nor in the CA source (X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY), and that missing
      issuer is presumed an intermediate (see :func:`_missing_is_intermediate`): the server left it out.
    - ``untrusted``: any other failure to reach a self-signed certificate of the CA source (another CA, a
      self-signed root sent by the server that the source lacks, a broken signature).
    - ``expired`` / ``not_yet_valid``: the chain builds, but a certificate in it (leaf, intermediate or anchor)
      is outside its validity period; OpenSSL checks from the anchor down, so the highest one is named.
    - ``no_system_ca`` / ``ca_file_missing`` / ``ca_file_invalid``: the CA source holds no certificate.
    - ``no_certificate`` / ``invalid_certificate``: nothing (parseable) was sent.
    """
    moment = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    certs = [_load(d) for d in chain_der]
    parsed = [c for c in certs if c is not None]
    summaries = tuple(summarize(c) for c in parsed)

    def result(
        trusted: bool,
        problem: Problem | None,
        detail: str | None = None,
        subject: str | None = None,
        path: Sequence[str] = (),
        missing: str | None = None,
    ) -> ChainAnalysis:
        nc = match_host(parsed[0], host) if parsed and host else None
        return ChainAnalysis(
            chain=summaries,
            ca_source=ca_source,
            ca_path=str(ca_file) if ca_file is not None else None,
            trusted=trusted,
            problem=problem,
            problem_detail=detail,
            problem_subject=subject,
            path=tuple(path),
            missing_issuer=missing,
            name_checked=host,
            name_matched=bool(nc and nc.matched),
            matched_by=nc.matched_by if nc else None,
            names=nc.names if nc else tuple([*summaries[0].dns_names, *summaries[0].ip_addresses]) if summaries
            else (),
            now=moment,
        )

    if not chain_der:
        return result(False, "no_certificate", "The server sent no certificate.")
    if certs[0] is None:
        return result(False, "invalid_certificate", "The server's certificate cannot be parsed.")

    if ca_source == "none":
        return result(False, None)
    if ca_certificates is not None:
        store_der: Sequence[bytes] = ca_certificates
    elif ca_source == "system":
        bundle = system_ca_bundle()
        if not bundle.usable:
            return result(False, "no_system_ca", "This runtime has no system CA bundle (install ca-certificates or "
                          "set SSL_CERT_FILE).")
        store_der = bundle.certificates
    else:
        if ca_file is None:
            return result(False, "ca_file_missing", "No CA file to verify against.")
        ca = load_ca_file(ca_file)
        if ca.error == "missing":
            return result(False, "ca_file_missing", f"The CA file {ca_file} does not exist.")
        if ca.error is not None:
            return result(False, "ca_file_invalid", f"The CA file {ca_file} holds no usable certificate.")
        store_der = ca.certificates
    store = [c for c in (_load(d) for d in store_der) if c is not None]
    if not store:
        return result(False, "ca_file_invalid", "The CA source holds no usable certificate.")

    leaf = certs[0]
    assert leaf is not None
    untrusted_pool = [c for c in certs[1:] if c is not None]
    store_set = {c.public_bytes(_DER) for c in store}
    path: list[x509.Certificate] = [leaf]
    current = leaf
    anchored = False
    while len(path) <= 10:  # OpenSSL's default verify depth is 100; ten links is more than any real chain
        if current.public_bytes(_DER) in store_set and _self_signed(current):
            anchored = True
            break
        issuer = next((c for c in store if _signed_by(current, c)), None)
        if issuer is None:
            if _self_signed(current):
                break  # a self-signed certificate that the store does not hold
            issuer = next((c for c in untrusted_pool if c not in path and _signed_by(current, c)), None)
        if issuer is None or issuer in path:
            break
        path.append(issuer)
        current = issuer
    subjects = [c.subject.rfc4514_string() for c in path]
    if not anchored:
        top = path[-1]
        top_subject = top.subject.rfc4514_string()
        if _self_signed(top):
            if len(path) == 1:
                return result(False, "self_signed", f"The certificate {top_subject!r} is self-signed and the CA "
                              "source does not hold it.", top_subject, subjects)
            return result(False, "untrusted", f"The chain ends at the root {top_subject!r}, which the CA source "
                          "does not hold.", top_subject, subjects)
        missing = top.issuer.rfc4514_string()
        if top.public_bytes(_DER) in store_set:
            return result(False, "untrusted", f"The CA source holds {top_subject!r} but not its issuer "
                          f"{missing!r}; OpenSSL (as libpq uses it) needs the chain to end at a self-signed root "
                          "in the CA source.", top_subject, subjects, missing)
        if _missing_is_intermediate(top, store):
            return result(False, "chain_incomplete", f"The issuer {missing!r} of {top_subject!r} was not sent by "
                          "the server and is not in the CA source: an intermediate certificate is missing.",
                          top_subject, subjects, missing)
        return result(False, "untrusted", f"The issuer {missing!r} of {top_subject!r} is not in the CA source "
                      "(a certificate from another CA).", top_subject, subjects, missing)
    for cert in reversed(path):
        state = _in_validity(cert, moment)
        if state is not None:
            subj = cert.subject.rfc4514_string()
            if state == "expired":
                detail = f"The certificate {subj!r} expired on {cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC."
            else:
                detail = f"The certificate {subj!r} is not valid before {cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC."
            return result(False, state, detail, subj, subjects)  # type: ignore[arg-type]
    return result(True, None, None, None, subjects)


# --- certificate revocation lists, as libpq has OpenSSL check them -------------------------------------------

#: libpq's default CRL file next to the default root file (fe-secure-openssl.c, ROOT_CRL_FILE)
ROOT_CRL_FILE: Final = ".postgresql/root.crl"
#: names OpenSSL's hashed-directory lookup reads CRLs from (X509_LOOKUP_hash_dir: <issuer hash>.r<n>)
_CRL_DIR_NAME: Final = re.compile(r"^[0-9a-f]{8}\.r[0-9]+$")
_CRL_BEGIN, _CRL_END = b"-----BEGIN X509 CRL-----", b"-----END X509 CRL-----"


@dataclasses.dataclass(frozen=True, slots=True)
class CrlSources:
    """The CRLs libpq has OpenSSL check a server's chain against (``X509_V_FLAG_CRL_CHECK`` and
    ``X509_V_FLAG_CRL_CHECK_ALL``, set in initialize_SSL only when the CRL locations load)."""

    file: str | None
    directory: str | None
    crls: tuple[x509.CertificateRevocationList, ...]


def _pem_objects(data: bytes, begin: bytes, end: bytes) -> list[bytes]:
    out: list[bytes] = []
    pos = 0
    while (i := data.find(begin, pos)) >= 0 and (j := data.find(end, i)) >= 0:
        out.append(data[i : j + len(end)])
        pos = j + len(end)
    return out


def _read_crls(path: Path) -> tuple[list[x509.CertificateRevocationList], int] | None:
    """The CRLs of a PEM file, and how many objects (certificates and CRLs) OpenSSL's X509_load_cert_crl_file
    would load from it; None when it cannot be read."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_CA_FILE_BYTES + 1)
    except OSError:
        return None
    crls = []
    for block in _pem_objects(data, _CRL_BEGIN, _CRL_END):
        try:
            crls.append(x509.load_pem_x509_crl(block))
        except ValueError:
            continue
    return crls, len(crls) + len(parse_certificates(data) if _pem_blocks(data) else ())


def crl_sources(sslcrl: str | None, sslcrldir: str | None, home: Path | None) -> CrlSources | None:
    """What initialize_SSL (fe-secure-openssl.c) makes of sslcrl/sslcrldir once a root file is loaded, or None
    when no CRL is checked: an empty value counts as unset; with neither set, ``~/.postgresql/root.crl``;
    ``X509_STORE_load_locations`` fails, and libpq then checks no CRL at all, when the file cannot be read or
    holds no certificate or CRL (it is tried before the directory); a directory is only remembered for later
    look-ups, so a directory that does not exist makes every check fail for want of a CRL."""
    fname = sslcrl or None
    dname = sslcrldir or None
    if fname is None and dname is None:
        if home is None:
            return None
        fname = str(home / ROOT_CRL_FILE)
    crls: list[x509.CertificateRevocationList] = []
    if fname is not None:
        loaded = _read_crls(Path(fname))
        if loaded is None or loaded[1] == 0:
            return None
        crls.extend(loaded[0])
    if dname is not None:
        try:
            names = sorted(os.listdir(dname))
        except OSError:
            names = []
        for name in names:
            if _CRL_DIR_NAME.match(name):
                got = _read_crls(Path(dname) / name)
                if got is not None:
                    crls.extend(got[0])
    return CrlSources(fname, dname, tuple(crls))


CrlProblem = Literal["revoked", "crl_missing", "crl_expired", "crl_not_yet_valid"]


def _crl_signed_by(crl: x509.CertificateRevocationList, issuer: x509.Certificate) -> bool:
    try:
        return crl.is_signature_valid(issuer.public_key())  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def check_revocation(
    chain_der: Sequence[bytes],
    ca_certificates: Sequence[bytes],
    sources: CrlSources,
    *,
    now: dt.datetime | None = None,
) -> tuple[CrlProblem, str] | None:
    """OpenSSL's check_revocation with ``X509_V_FLAG_CRL_CHECK_ALL``: every certificate of the chain as built
    (leaf to anchor) needs a current CRL from its issuer, and must not be listed in it. The first problem from
    the leaf up, with a sentence about it; None when the chain passes (or cannot be built: that is the chain
    verdict's business)."""
    moment = now or dt.datetime.now(dt.UTC)
    certs = [c for c in (_load(d) for d in chain_der) if c is not None]
    store = [c for c in (_load(d) for d in ca_certificates) if c is not None]
    if not certs:
        return None
    path = [certs[0]]
    while len(path) <= 10:
        current = path[-1]
        if _self_signed(current):
            break
        issuer = next((c for c in [*store, *certs[1:]] if c not in path and _signed_by(current, c)), None)
        if issuer is None:
            return None
        path.append(issuer)
    for i, cert in enumerate(path):
        issuer_cert = path[i + 1] if i + 1 < len(path) else cert
        subject = cert.subject.rfc4514_string()
        crl = next((c for c in sources.crls if c.issuer == cert.issuer and _crl_signed_by(c, issuer_cert)), None)
        if crl is None:
            return "crl_missing", (f"No CRL from {cert.issuer.rfc4514_string()!r}, the issuer of {subject!r}, "
                                   "is among the CRLs the client checks (OpenSSL: unable to get certificate CRL).")
        if crl.next_update_utc is not None and crl.next_update_utc < moment:
            return "crl_expired", f"The CRL from {cert.issuer.rfc4514_string()!r} expired on {crl.next_update_utc:%Y-%m-%d}."
        if crl.last_update_utc > moment:
            return "crl_not_yet_valid", f"The CRL from {cert.issuer.rfc4514_string()!r} is not valid yet."
        if crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None:
            return "revoked", f"The certificate {subject!r} (serial {cert.serial_number:X}) is revoked by its issuer's CRL."
    return None


__all__ = [
    "CaFile",
    "CertSummary",
    "ChainAnalysis",
    "CrlSources",
    "NameCheck",
    "SystemCaBundle",
    "analyze_chain",
    "check_revocation",
    "crl_sources",
    "default_root_cert",
    "load_ca_file",
    "match_host",
    "name_matches",
    "parse_certificates",
    "summarize",
    "system_ca_bundle",
    "wildcard_match",
]
