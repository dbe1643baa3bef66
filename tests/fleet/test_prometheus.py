"""End to end with Debian's Prometheus: two dbdoctor exporters (real processes) share a sandbox fleet by the
hashmod relabelling of examples/prometheus.yml; Prometheus' HTTP API shows every endpoint's metrics arrived
exactly once, and the rules of examples/alerts.yml fire on the expiring, the no-longer-TLS-required and the
chain-incomplete endpoints (and not on the healthy one)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from fleet.conftest import ROOT, exporter_config, wait_for

pytestmark = pytest.mark.server

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prometheus_config(targets: list[str], exporters: list[str], rules: Path) -> dict[str, Any]:
    """examples/prometheus.yml with this machine's exporters, static targets and 1 s intervals."""
    cfg = yaml.safe_load((ROOT / "examples" / "prometheus.yml").read_text())
    cfg["global"] = {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"}
    cfg["rule_files"] = [str(rules)]
    shards = [j for j in cfg["scrape_configs"] if j.get("metrics_path") == "/probe"]
    assert len(shards) == len(exporters) == 2
    for job, exporter in zip(shards, exporters, strict=True):
        job.pop("file_sd_configs")
        job["static_configs"] = [{"targets": targets}]
        job["relabel_configs"][-1]["replacement"] = exporter
    own = next(j for j in cfg["scrape_configs"] if j["job_name"] == "dbdoctor-exporters")
    own["static_configs"] = [{"targets": exporters}]
    return cfg


def _rules_for_test(path: Path) -> Path:
    """examples/alerts.yml with every `for:` at 0s (the expressions are what is under test)."""
    rules = yaml.safe_load((ROOT / "examples" / "alerts.yml").read_text())
    for group in rules["groups"]:
        for rule in group["rules"]:
            rule["for"] = "0s"
    path.write_text(yaml.safe_dump(rules))
    return path


class Api:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"

    def get(self, path: str, **params: str) -> Any:
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        with urllib.request.urlopen(url, timeout=5) as resp:
            return json.load(resp)

    def query(self, expr: str) -> list[dict[str, Any]]:
        out = self.get("/api/v1/query", query=expr)
        assert out["status"] == "success", out
        return list(out["data"]["result"])

    def firing(self) -> set[tuple[str, str]]:
        alerts = self.get("/api/v1/alerts")["data"]["alerts"]
        return {(a["labels"]["alertname"], a["labels"].get("instance", "")) for a in alerts if a["state"] == "firing"}


def test_two_exporters_share_the_fleet_by_hashmod_and_the_alerts_fire(fleet, start_exporter, tmp_path: Path) -> None:
    if not Path(PROMETHEUS).exists():
        pytest.skip("Debian's prometheus is not installed (scripts/setup.sh --test installs it)")
    optional = next(m for m in fleet.members if m.name == "pg-optional")
    # pg-optional starts out requiring TLS, so that switching it to optional is a change the alert sees
    optional.server.reconfigure(profile="managed", cert="full")
    config = exporter_config(fleet, tmp_path / "exporter.yml")
    exporters = [start_exporter(config), start_exporter(config)]
    targets = sorted([m.name for m in fleet.members] + [f"{m.name}-alias" for m in fleet.members])
    cfg = _prometheus_config(targets, [e.address for e in exporters], _rules_for_test(tmp_path / "alerts.yml"))
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(cfg))
    port = _free_port()
    proc = subprocess.Popen(
        [PROMETHEUS, f"--config.file={tmp_path / 'prometheus.yml'}", f"--storage.tsdb.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    api = Api(port)
    try:
        def ready() -> bool:
            try:
                urllib.request.urlopen(api.base + "/-/ready", timeout=1).close()
                return True
            except OSError:
                return False

        wait_for(ready, 15, "Prometheus to be ready")
        # every endpoint's metrics arrive, from exactly one shard job
        wait_for(lambda: len(api.query("probe_success")) == len(targets), 20, "a probe_success per endpoint")
        series = api.query("probe_success")
        instances = sorted(s["metric"]["instance"] for s in series)
        assert instances == targets  # each exactly once: no endpoint is scraped by both shards
        jobs = {s["metric"]["job"] for s in series}
        assert jobs == {"dbdoctor-shard-0", "dbdoctor-shard-1"}  # the split really splits
        per_instance = api.query("count by (instance) (dbdoctor_cert_chain_complete)")
        assert all(s["value"][1] == "1" for s in per_instance)
        # both exporters served probes, and nothing was refused
        for e in exporters:
            with urllib.request.urlopen(f"http://{e.address}/metrics", timeout=5) as resp:
                text = resp.read().decode()
            assert "dbdoctor_exporter_probes_total" in text
            assert "dbdoctor_exporter_refused_requests_total{" not in text
        required = {s["metric"]["instance"] for s in api.query("dbdoctor_tls_required == 1")}
        assert "pg-optional" in required and "pg-required" in required

        # now TLS stops being required on pg-optional
        optional.server.reconfigure(profile="both", cert="full")
        want = {
            ("DatabaseTLSNoLongerRequired", "pg-optional"),
            ("DatabaseCertificateExpiringSoon", "pg-expiring"),
            ("DatabaseCertificateChainIncomplete", "my-nointermediate"),
        }
        firing = wait_for(lambda: want <= api.firing() and api.firing(), 25, f"alerts {sorted(want)}")
        assert isinstance(firing, set)
        about_healthy = {a for a in firing if a[1] in ("pg-required", "my-required")}
        assert about_healthy == set(), about_healthy
        assert ("DatabaseTLSNoLongerRequired", "pg-required") not in firing
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        optional.server.reconfigure(profile="both", cert="full")
