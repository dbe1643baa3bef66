"""``dbdoctor watch``: one endpoint over time. Every interval, the real driver's connection with the app's own
settings (psycopg for PostgreSQL, PyMySQL for MySQL), plus a password-free probe of the same endpoint for the
certificate presented and the addresses resolved. What "works for a bit then dies" needs: intermittent failures
with their causes, certificate changes (a pooler or load balancer handing out another certificate, a rotation),
DNS changes, latency percentiles.

The recorder is pure (samples in, summary out); :func:`watch` does the I/O.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from dbdoctor.fleet.certs import Analyzer
from dbdoctor.fleet.probe import ProbeOptions, probe
from dbdoctor.fleet.records import Endpoint, Engine

if TYPE_CHECKING:
    from dbdoctor.target import Target


@dataclasses.dataclass(frozen=True, slots=True)
class Sample:
    at: float  # epoch seconds
    ok: bool
    latency_ms: float
    message: str | None  # the driver's message, password-free
    fingerprint: str | None  # leaf SHA-256 the password-free probe saw
    addresses: tuple[str, ...]
    tls_version: str | None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


class Recorder:
    """Keeps counts, failures by cause, changes and latencies; memory bounded by ``max_latencies``."""

    def __init__(self, max_latencies: int = 100_000) -> None:
        self.attempts = 0
        self.failures = 0
        self.causes: Counter[str] = Counter()
        self.first_failure: dict[str, float] = {}
        self.last_failure: dict[str, float] = {}
        self.cert_changes: list[tuple[float, str | None, str | None]] = []
        self.dns_changes: list[tuple[float, tuple[str, ...], tuple[str, ...]]] = []
        self.fingerprints: Counter[str] = Counter()
        self.latencies: list[float] = []
        self._max = max_latencies
        self._fp: str | None = None
        self._addrs: tuple[str, ...] | None = None
        self.started: float | None = None
        self.ended: float | None = None

    def add(self, s: Sample) -> None:
        self.attempts += 1
        self.started = self.started or s.at
        self.ended = s.at
        if s.ok:
            if len(self.latencies) < self._max:
                self.latencies.append(s.latency_ms)
        else:
            self.failures += 1
            cause = (s.message or "failed").splitlines()[0][:160]
            self.causes[cause] += 1
            self.first_failure.setdefault(cause, s.at)
            self.last_failure[cause] = s.at
        if s.fingerprint is not None:
            self.fingerprints[s.fingerprint] += 1
            if self._fp is not None and s.fingerprint != self._fp:
                self.cert_changes.append((s.at, self._fp, s.fingerprint))
            self._fp = s.fingerprint
        if s.addresses:
            addrs = tuple(sorted(s.addresses))
            if self._addrs is not None and addrs != self._addrs:
                self.dns_changes.append((s.at, self._addrs, addrs))
            self._addrs = addrs

    def summary(self) -> dict[str, object]:
        lat = self.latencies
        return {
            "attempts": self.attempts,
            "failures": self.failures,
            "started": _iso(self.started) if self.started else None,
            "ended": _iso(self.ended) if self.ended else None,
            "failure_causes": [
                {"cause": c, "count": n, "first": _iso(self.first_failure[c]), "last": _iso(self.last_failure[c])}
                for c, n in self.causes.most_common()
            ],
            "certificates": [{"fingerprint_sha256": fp, "seen": n} for fp, n in self.fingerprints.most_common()],
            "certificate_changes": [{"at": _iso(t), "from": a, "to": b} for t, a, b in self.cert_changes],
            "dns_changes": [{"at": _iso(t), "from": list(a), "to": list(b)} for t, a, b in self.dns_changes],
            "latency_ms": {k: (round(v, 1) if v is not None else None) for k, v in (
                ("p50", percentile(lat, 50)), ("p90", percentile(lat, 90)), ("p99", percentile(lat, 99)),
                ("max", max(lat) if lat else None))},
        }


def endpoint_of(target: Target) -> Endpoint | None:
    """The first TCP host of the target, for the password-free probe; None for a Unix socket only."""
    for h in target.hosts:
        if h.is_unix_socket or h.port is None:
            continue
        host = h.host or h.hostaddr
        if host is None:
            continue
        engine: Engine = "mysql" if target.engine == "mysql" else "postgresql"
        ca = target.settings.get("sslrootcert") or target.settings.get("ssl_ca")
        if ca in ("system", ""):
            ca = None
        return Endpoint(host=host, port=h.port, engine=engine, address=h.hostaddr, ca_file=ca)
    return None


def connect_once(target: Target, timeout: float) -> tuple[bool, float, str | None, str | None]:
    """(ok, latency ms, password-free message, TLS version) of one real connection with the app's settings."""
    if target.engine == "mysql":
        from dbdoctor.mysql.probe import attempt_pymysql

        a = attempt_pymysql(target, timeout=timeout)
        msg = a.message if a.errno is None else f"({a.errno}) {a.message}"
        return a.ok, a.elapsed_ms, (None if a.ok else msg), a.tls_version
    from dbdoctor.postgres.probe import attempt_psycopg

    d = attempt_psycopg(target, timeout=timeout)
    return d.ok, d.elapsed_ms, (None if d.ok else ("timed out" if d.timed_out else d.message)), d.tls_version


def sample(target: Target, timeout: float, analyzer: Analyzer) -> Sample:
    at = time.time()
    ok, latency, message, tls_version = connect_once(target, timeout)
    fp: str | None = None
    addrs: tuple[str, ...] = ()
    ep = endpoint_of(target)
    if ep is not None:
        res = asyncio.run(probe(ep, analyzer, ProbeOptions(timeout=timeout, plain_probe=False)))
        fp = res.fingerprint
        addrs = res.addresses
    return Sample(at, ok, latency, message, fp, addrs, tls_version)


def watch(
    target: Target,
    *,
    interval: float,
    duration: float | None,
    timeout: float,
    on_sample: Callable[[Sample, Recorder], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Recorder:
    """Sample every ``interval`` seconds for ``duration`` seconds (None: until interrupted)."""
    rec = Recorder()
    analyzer = Analyzer()
    start = time.monotonic()
    n = 0
    while True:
        s = sample(target, min(timeout, interval) if interval > 0 else timeout, analyzer)
        rec.add(s)
        if on_sample is not None:
            on_sample(s, rec)
        n += 1
        due = start + n * interval
        if duration is not None and n * interval >= duration - 1e-6:
            break
        wait = due - time.monotonic()
        if wait > 0:
            sleep(wait)
    return rec


__all__ = ["Recorder", "Sample", "endpoint_of", "percentile", "sample", "watch"]
