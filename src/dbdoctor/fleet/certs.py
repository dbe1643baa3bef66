"""Certificate analysis for many endpoints: :func:`dbdoctor.tls.analyze_chain` once per distinct chain.

A fleet shares few certificates (a wildcard, a pooler's, one per cluster), so the analysis (parsing, chain
building, signature checks) is cached by (chain, CA source) and the name check by (leaf, name). Both caches are
bounded. Expiry is computed from ``not_after`` at the moment of the result, never cached.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Final, Generic, TypeVar

from cryptography import x509

from dbdoctor.fleet.records import CertInfo
from dbdoctor.tls import analyze_chain, load_ca_file, match_host, system_ca_bundle

CACHE_SIZE: Final = 4096


@dataclasses.dataclass(frozen=True, slots=True)
class ChainVerdict:
    """The name-independent part of a chain's analysis."""

    certs: tuple[CertInfo, ...]
    problem: str | None  # dbdoctor.tls Problem, or None when trusted (or nothing to verify against)
    trusted: bool
    leaf: x509.Certificate | None


K = TypeVar("K")
V = TypeVar("V")


class _Lru(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


class CaStore:
    """A CA source loaded once: a CA file, or the system bundle (``path`` None)."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        if path is None:
            bundle = system_ca_bundle()
            self.source = "system"
            self.certificates: tuple[bytes, ...] = tuple(bundle.certificates)
            self.error: str | None = None if bundle.usable else "no system CA bundle"
        else:
            ca = load_ca_file(Path(path))
            self.source = "file"
            self.certificates = tuple(ca.certificates)
            self.error = ca.error


def _cert_info(cert: x509.Certificate, der: bytes) -> CertInfo:
    import hashlib

    from dbdoctor.tls import summarize

    s = summarize(cert)
    try:
        algo = cert.signature_hash_algorithm
        sig = algo.name if algo is not None else None
    except Exception:  # an unsupported algorithm: cryptography raises UnsupportedAlgorithm
        sig = None
    return CertInfo(
        subject=s.subject,
        issuer=s.issuer,
        not_after=s.not_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
        not_after_epoch=s.not_after.timestamp(),
        fingerprint_sha256=hashlib.sha256(der).hexdigest(),
        key_type=s.key_type,
        signature_hash=sig,
        is_ca=s.is_ca,
    )


def _load(der: bytes) -> x509.Certificate | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return x509.load_der_x509_certificate(der)
    except ValueError:
        return None


class Analyzer:
    """Chain verdicts and name checks, cached. Thread-safe (the exporter serves scrapes from threads)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._stores: dict[str | None, CaStore] = {}
        #: keyed by the hour too: a verdict about validity periods must not outlive its moment by long
        self._chains: _Lru[tuple[tuple[bytes, ...], str | None, int], ChainVerdict] = _Lru(size)
        self._names: _Lru[tuple[bytes, str], bool] = _Lru(size)
        self.chain_misses = 0
        self.name_misses = 0

    def store(self, ca_file: str | None) -> CaStore:
        st = self._stores.get(ca_file)
        if st is None:
            st = self._stores[ca_file] = CaStore(ca_file)
        return st

    def verdict(self, chain: Sequence[bytes], ca_file: str | None) -> ChainVerdict:
        now = dt.datetime.now(dt.UTC)
        key = (tuple(chain), ca_file, int(now.timestamp()) // 3600)
        got = self._chains.get(key)
        if got is not None:
            return got
        self.chain_misses += 1
        store = self.store(ca_file)
        certs = [_load(d) for d in chain]
        infos = tuple(_cert_info(c, d) for c, d in zip(certs, chain, strict=True) if c is not None)
        if store.error is not None and not store.certificates:
            problem: str | None = "ca_file_invalid" if store.source == "file" else "no_system_ca"
            trusted = False
        else:
            analysis = analyze_chain(
                list(chain),
                ca_file=Path(store.path) if store.path else None,
                ca_source=store.source,
                host=None,
                now=now,
                ca_certificates=store.certificates,
            )
            problem, trusted = analysis.problem, analysis.trusted
        verdict = ChainVerdict(infos, problem, trusted, certs[0] if certs else None)
        self._chains.put(key, verdict)
        return verdict

    def name_matches(self, verdict: ChainVerdict, leaf_der: bytes, name: str) -> bool:
        key = (leaf_der, name.lower())
        got = self._names.get(key)
        if got is not None:
            return got
        self.name_misses += 1
        matched = verdict.leaf is not None and match_host(verdict.leaf, name).matched
        self._names.put(key, matched)
        return matched


__all__ = ["Analyzer", "CaStore", "ChainVerdict"]
