"""A Prometheus exporter in the multi-target pattern (as blackbox_exporter): ``/probe?target=NAME&module=M``
probes one endpoint when Prometheus scrapes it; ``/metrics`` is the exporter's own health.

Only targets named in the config, or host:port pairs inside its ``allow`` list, are ever contacted: an open
``/probe`` would let anyone who reaches the exporter make it connect anywhere (server-side request forgery).
Credentials come only from files the config names (``password_file``), never from the query string; a query
carrying ``password`` or ``user`` is refused.

Concurrency: one asyncio loop (a thread) runs every probe; HTTP requests are served by threads that wait for
their probe. Scrapes of the same target and module that arrive while its probe runs share that probe's result
(single flight), so a burst of scrapes never opens more than one connection to an endpoint.

Config (YAML)::

    modules:
      default: {timeout: 5, expiring_days: 30}
      internal: {timeout: 3, ca_file: /etc/ssl/internal-ca.pem}
    targets:
      - name: orders-primary
        url: postgresql://orders.db.internal:5432
        labels: {team: orders}
      - name: billing
        host: 10.1.2.3
        port: 3306
        servername: billing.db.internal
    allow: ["10.20.0.0/16:5432"]     # optional: ad-hoc host:port targets inside these networks
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import ipaddress
import threading
from collections.abc import Callable, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from dbdoctor.errors import InputError
from dbdoctor.fleet.certs import Analyzer
from dbdoctor.fleet.inventory import endpoint_from_mapping, parse_target, yaml_targets
from dbdoctor.fleet.probe import ProbeOptions, probe
from dbdoctor.fleet.records import ISSUES, Endpoint, Result

#: seconds kept back from Prometheus' scrape timeout so the answer arrives in time
SCRAPE_MARGIN_S: Final = 0.25
PHASES: Final = ("dns", "tcp", "negotiate", "tls", "plain", "connect")
PG_MODES: Final = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
MY_MODES: Final = ("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")


@dataclasses.dataclass(frozen=True, slots=True)
class Module:
    name: str
    timeout: float = 5.0
    ca_file: str | None = None
    expiring_days: int = 30

    def options(self) -> ProbeOptions:
        return ProbeOptions(timeout=self.timeout, ca_file=self.ca_file, expiring_days=self.expiring_days)


@dataclasses.dataclass(frozen=True, slots=True)
class Target:
    endpoint: Endpoint
    password_file: str | None = None  # read at probe time only; never logged, never in a metric


@dataclasses.dataclass(frozen=True, slots=True)
class Config:
    modules: Mapping[str, Module]
    targets: Mapping[str, Target]
    allow: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, int | None], ...] = ()

    def allowed(self, host: str, port: int) -> bool:
        try:
            addr = ipaddress.ip_address(host)
        except ValueError:
            return False  # a name would need DNS first: only addresses may be allowed ad hoc
        return any(addr in net and (p is None or p == port) for net, p in self.allow)


def _allow_entry(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, int | None]:
    net_text, port = text, None
    if text.startswith("["):
        net_text, _, rest = text[1:].partition("]")
        port_text = rest.lstrip(":")
    elif text.count(":") == 1:
        net_text, port_text = text.split(":")
    else:
        port_text = ""
    if port_text not in ("", "*"):
        port = int(port_text)
    try:
        return ipaddress.ip_network(net_text, strict=False), port
    except ValueError:
        raise InputError(f"allow: {text!r} is not a network[:port]") from None


def load_config(path: str | Path) -> Config:
    import yaml

    where = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read the exporter config {where}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{where}: not valid YAML ({str(exc).splitlines()[0]})") from None
    return config_from_dict(data or {}, where)


def config_from_dict(data: Mapping[str, Any], where: str = "config") -> Config:
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: the exporter config is a mapping (modules, targets, allow)")
    modules: dict[str, Module] = {"default": Module("default")}
    for name, m in (data.get("modules") or {}).items():
        if not isinstance(m, Mapping):
            raise InputError(f"{where}: module {name!r} must be a mapping")
        unknown = set(m) - {"timeout", "ca_file", "expiring_days"}
        if unknown:
            raise InputError(f"{where}: module {name!r} has unknown keys: {', '.join(sorted(unknown))}")
        modules[str(name)] = Module(str(name), float(m.get("timeout", 5.0)), m.get("ca_file"),
                                    int(m.get("expiring_days", 30)))
    targets: dict[str, Target] = {}
    for n, row in enumerate(yaml_targets(data.get("targets") or [], f"{where}: targets"), 1):
        row = dict(row)
        password_file = row.pop("password_file", None)
        if "password" in row:
            raise InputError(f"{where}: target {n} has a password in the config",
                             "put it in a file readable only by the exporter and name it with password_file")
        ep = endpoint_from_mapping(row, f"{where}: target {n}", None, None, None)
        name = ep.name or f"{ep.host}:{ep.port}"
        if name in targets:
            raise InputError(f"{where}: two targets are named {name!r}")
        targets[name] = Target(dataclasses.replace(ep, name=name, password_file=password_file), password_file)
    allow = tuple(_allow_entry(str(a)) for a in (data.get("allow") or ()))
    return Config(modules, targets, allow)


# --- metrics ------------------------------------------------------------------------------------------------


def _modes(result: Result) -> dict[str, bool]:
    """The password-free prediction of each sslmode (ssl-mode for MySQL): does the connection get past the
    transport and, for PostgreSQL, past pg_hba.conf's encryption rule."""
    handshake = bool(result.chain) and result.tls_version is not None
    trusted = bool(result.trusted) and "expired" not in result.issues and "not-yet-valid" not in result.issues
    plain = result.tls in ("none", "offered") or (result.tls == "offered?" and result.engine == "mysql")
    if result.engine == "mysql":
        return {"DISABLED": plain if result.tls != "offered?" else True, "PREFERRED": handshake or plain,
                "REQUIRED": handshake, "VERIFY_CA": handshake and trusted,
                "VERIFY_IDENTITY": handshake and trusted and bool(result.name_matched)}
    return {"disable": plain, "allow": plain or handshake, "prefer": handshake or plain, "require": handshake,
            "verify-ca": handshake and trusted, "verify-full": handshake and trusted and bool(result.name_matched)}


def render_probe(result: Result) -> bytes:
    """The exposition text for one probe (a fresh registry per scrape, as the multi-target pattern wants)."""
    from prometheus_client import CollectorRegistry, Gauge, generate_latest

    reg = CollectorRegistry(auto_describe=False)

    def g(name: str, doc: str, labels: Sequence[str] = ()) -> Gauge:
        return Gauge(name, doc, list(labels), registry=reg)

    reachable = result.failed_phase not in ("dns", "tcp", "queue") and "timeout" not in result.issues
    g("probe_success", "1 when the endpoint answered the probe as a database server with TLS that "
      "handshakes (or deliberately without TLS), 0 otherwise").set(
        1 if result.error is None and reachable else 0)
    g("probe_duration_seconds", "How long the probe took").set(result.duration_ms / 1000)
    phase = g("dbdoctor_probe_phase_duration_seconds", "Duration of each probe phase", ["phase"])
    for name, ms in result.timings_ms:
        if name in PHASES:
            phase.labels(name).set(ms / 1000)
    g("dbdoctor_endpoint_info", "What the endpoint is (value 1)", ["engine", "tls", "server_version"]).labels(
        result.engine or "", result.tls, (result.server_version or "")[:64]).set(1)
    if result.tls != "unknown":
        g("dbdoctor_tls_offered", "1 when the server offers TLS").set(1 if result.tls != "none" else 0)
    if result.tls in ("required", "offered", "none"):
        g("dbdoctor_tls_required", "1 when the server refuses plain text (PostgreSQL's pre-auth start-up probe; "
          "absent when it cannot be told without a password, as for MySQL)").set(1 if result.tls == "required" else 0)
    if result.tls_version:
        g("dbdoctor_tls_version_info", "The negotiated TLS version (value 1)", ["version"]).labels(
            result.tls_version).set(1)
    if result.chain:
        na = g("dbdoctor_cert_not_after_timestamp_seconds", "When each certificate of the chain sent expires "
               "(depth 0 is the leaf)", ["depth"])
        info = g("dbdoctor_cert_info", "Each certificate of the chain sent (value 1)",
                 ["depth", "subject", "issuer", "fingerprint_sha256", "key_type"])
        for depth, c in enumerate(result.chain[:8]):
            na.labels(str(depth)).set(c.not_after_epoch)
            info.labels(str(depth), c.subject[:200], c.issuer[:200], c.fingerprint_sha256, c.key_type).set(1)
        g("dbdoctor_cert_chain_complete", "1 when the server sends every intermediate").set(
            1 if result.chain_complete else 0)
        g("dbdoctor_cert_chain_trusted", "1 when the chain leads to a CA of the module's CA source").set(
            1 if result.trusted else 0)
        g("dbdoctor_cert_name_match", "1 when the leaf names the host clients connect with").set(
            1 if result.name_matched else 0)
    issue = g("dbdoctor_issue", "1 for each issue found (codes as in dbdoctor scan)", ["code"])
    for code in ISSUES:
        issue.labels(code).set(1 if code in result.issues else 0)
    if result.connected is not None:
        g("dbdoctor_connection_success", "The real driver's connection with the configured credentials and "
          "TLS mode: 1 when it worked").set(1 if result.connected else 0)
    if result.tls != "unknown":
        modes = g("dbdoctor_sslmode_would_connect", "Password-free prediction: 1 when a client with this sslmode "
                  "(ssl-mode for MySQL) gets past the transport and the encryption rules", ["sslmode"])
        for mode, ok in _modes(result).items():
            modes.labels(mode).set(1 if ok else 0)
    return generate_latest(reg)


class _SelfMetrics:
    def __init__(self) -> None:
        from prometheus_client import (
            CollectorRegistry,
            Counter,
            Gauge,
            Histogram,
            gc_collector,
            platform_collector,
            process_collector,
        )

        self.registry = CollectorRegistry()
        process_collector.ProcessCollector(registry=self.registry)
        platform_collector.PlatformCollector(registry=self.registry)
        gc_collector.GCCollector(registry=self.registry)
        self.probes = Counter("dbdoctor_exporter_probes", "Probes run, by module and outcome", ["module", "result"],
                              registry=self.registry)
        self.refused = Counter("dbdoctor_exporter_refused_requests", "Requests refused, by reason", ["reason"],
                               registry=self.registry)
        self.shared = Counter("dbdoctor_exporter_shared_probes", "Scrapes answered by a probe already running",
                              registry=self.registry)
        self.duration = Histogram("dbdoctor_exporter_probe_duration_seconds", "Probe durations", ["module"],
                                  registry=self.registry,
                                  buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
        self.targets = Gauge("dbdoctor_exporter_configured_targets", "Targets in the config",
                             registry=self.registry)
        self.cache = Gauge("dbdoctor_exporter_cached_chains", "Distinct chains whose analysis is cached",
                           registry=self.registry)


class Exporter:
    """The probing side, without HTTP: ``probe_sync(target, module, timeout)`` from any thread."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.analyzer = Analyzer()
        self.metrics = _SelfMetrics()
        self.metrics.targets.set(len(config.targets))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="dbdoctor-exporter-loop", daemon=True)
        self._thread.start()
        self._inflight: dict[tuple[str, str], asyncio.Future[Result]] = {}

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def resolve(self, target: str) -> Endpoint:
        """The endpoint a ``target=`` parameter names, or InputError when it is neither configured nor allowed."""
        t = self.config.targets.get(target)
        if t is not None:
            return t.endpoint
        if self.config.allow:
            ep = parse_target(target, where="target")
            if self.config.allowed(ep.host, ep.port):
                return dataclasses.replace(ep, name=target)
        raise InputError(f"target {target!r} is not in the exporter's config or allow list")

    async def _shared(self, ep: Endpoint, module: Module, timeout: float) -> Result:
        key = (ep.display, module.name)
        fut = self._inflight.get(key)
        if fut is not None:
            self.metrics.shared.inc()
            return await asyncio.shield(fut)
        fut = self._loop.create_future()
        self._inflight[key] = fut
        try:
            result = await probe(ep, self.analyzer, module.options(), timeout=timeout)
            fut.set_result(result)
            return result
        except BaseException as exc:
            fut.set_exception(exc)
            fut.exception()  # retrieved: no "never retrieved" warning when nobody shared it
            raise
        finally:
            self._inflight.pop(key, None)

    def probe_sync(self, target: str, module_name: str, scrape_timeout: float | None) -> Result:
        module = self.config.modules.get(module_name)
        if module is None:
            raise InputError(f"unknown module {module_name!r}")
        ep = self.resolve(target)
        timeout = module.timeout
        if scrape_timeout is not None:
            timeout = max(0.1, min(timeout, scrape_timeout - SCRAPE_MARGIN_S))
        cf: concurrent.futures.Future[Result] = asyncio.run_coroutine_threadsafe(
            self._shared(ep, module, timeout), self._loop)
        result = cf.result(timeout + 5)
        self.metrics.probes.labels(module.name, result.status).inc()
        self.metrics.duration.labels(module.name).observe(result.duration_ms / 1000)
        self.metrics.cache.set(len(self.analyzer._chains))
        return result


def make_handler(exporter: Exporter) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "dbdoctor-exporter"

        def log_message(self, format: str, *args: Any) -> None:
            return  # no access log: a query string is the caller's, not ours to keep

        def _send(self, code: int, body: bytes, ctype: str = "text/plain; charset=utf-8") -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

            parts = urlsplit(self.path)
            if parts.path == "/metrics":
                self._send(200, generate_latest(exporter.metrics.registry), CONTENT_TYPE_LATEST)
                return
            if parts.path == "/":
                self._send(200, b"dbdoctor exporter: /probe?target=NAME&module=MODULE, /metrics\n")
                return
            if parts.path != "/probe":
                self._send(404, b"not found\n")
                return
            query = parse_qs(parts.query)
            if {"password", "user", "username", "sslpassword"} & {k.lower() for k in query}:
                exporter.metrics.refused.labels("credentials_in_query").inc()
                self._send(400, b"credentials are never taken from the query string; name a password_file in "
                                b"the config\n")
                return
            targets = query.get("target") or []
            if len(targets) != 1:
                exporter.metrics.refused.labels("no_target").inc()
                self._send(400, b"exactly one target= parameter is needed\n")
                return
            module = (query.get("module") or ["default"])[0]
            scrape_timeout: float | None = None
            header = self.headers.get("X-Prometheus-Scrape-Timeout-Seconds")
            if header:
                try:
                    scrape_timeout = float(header)
                except ValueError:
                    scrape_timeout = None
            try:
                result = exporter.probe_sync(targets[0], module, scrape_timeout)
            except InputError as exc:
                reason = "unknown_module" if "module" in exc.message else "not_allowed"
                exporter.metrics.refused.labels(reason).inc()
                self._send(403 if reason == "not_allowed" else 400, (exc.message + "\n").encode())
                return
            except Exception as exc:  # a bug or a lost probe: say so, keep serving, no traceback on stderr
                self._send(500, f"the probe failed unexpectedly ({type(exc).__name__})\n".encode())
                return
            self._send(200, render_probe(result), CONTENT_TYPE_LATEST)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def serve(config: Config, host: str, port: int, *, on_listen: Callable[[str, int], None] | None = None,
          stop: threading.Event | None = None) -> tuple[str, int]:
    """Serve until ``stop`` is set (or forever). Returns the address it listened on."""
    exporter = Exporter(config)
    server = _Server((host, port), make_handler(exporter))
    addr = server.server_address
    bound = (str(addr[0]), int(addr[1]))
    if on_listen is not None:
        on_listen(*bound)
    try:
        if stop is None:
            server.serve_forever(poll_interval=0.5)
        else:
            t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
            t.start()
            while not stop.wait(0.2):
                pass
            server.shutdown()
    finally:
        server.server_close()
        exporter.close()
    return bound


def start_background(config: Config, host: str = "127.0.0.1", port: int = 0) -> tuple[_Server, Exporter]:
    """An exporter serving from a thread (tests, benchmarks); ``server.shutdown()`` and ``exporter.close()``
    stop it."""
    exporter = Exporter(config)
    server = _Server((host, port), make_handler(exporter))
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()
    return server, exporter


__all__ = ["Config", "Exporter", "Module", "Target", "config_from_dict", "load_config", "render_probe", "serve",
           "start_background"]
