"""dbdoctor exporter over real servers: the metrics of a probe, refusals (SSRF, credentials in the query),
100 concurrent scrapes, the scrape timeout, the config file."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from dbdoctor.errors import InputError
from dbdoctor.fleet.exporter import config_from_dict, load_config, start_background
from dbdoctor.sandbox.fleet import SERVERNAME
from fix_listeners import listener, silent
from fleet.conftest import DBDOCTOR, exporter_config

pytestmark = pytest.mark.server


@pytest.fixture
def exporter(fleet, tmp_path: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    cfg = load_config(exporter_config(fleet, tmp_path / "exporter.yml", aliases=False))
    cfg = config_from_dict({
        "modules": {"default": {"ca_file": str(fleet.ca_file), "timeout": 3}, "quick": {"timeout": 0.5}},
        "targets": [{"name": n, "host": t.endpoint.host, "port": t.endpoint.port, "servername": SERVERNAME}
                    for n, t in cfg.targets.items()],
        "allow": ["127.0.0.0/8"],
    })
    server, exp = start_background(cfg)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        exp.close()


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_probe_metrics_of_a_tls_required_postgresql(exporter: str) -> None:
    code, text = _get(f"{exporter}/probe?target=pg-required")
    assert code == 200
    s = _samples(text)
    assert s[("probe_success", ())] == 1
    assert s[("dbdoctor_tls_required", ())] == 1 and s[("dbdoctor_tls_offered", ())] == 1
    assert s[("dbdoctor_cert_chain_complete", ())] == 1 and s[("dbdoctor_cert_name_match", ())] == 1
    assert s[("dbdoctor_cert_not_after_timestamp_seconds", (("depth", "0"),))] > time.time() + 300 * 86400
    assert s[("dbdoctor_sslmode_would_connect", (("sslmode", "disable"),))] == 0
    assert s[("dbdoctor_sslmode_would_connect", (("sslmode", "verify-full"),))] == 1
    assert s[("dbdoctor_issue", (("code", "tls-optional"),))] == 0
    assert {k[1][0][1] for k in s if k[0] == "dbdoctor_probe_phase_duration_seconds"} == {
        "tcp", "negotiate", "tls", "plain"}


def test_mysql_and_optional_and_incomplete_endpoints(exporter: str) -> None:
    s = _samples(_get(f"{exporter}/probe?target=my-nointermediate")[1])
    assert s[("probe_success", ())] == 1 and s[("dbdoctor_cert_chain_complete", ())] == 0
    assert ("dbdoctor_tls_required", ()) not in s  # MySQL: not knowable without a password
    s = _samples(_get(f"{exporter}/probe?target=pg-optional")[1])
    assert s[("dbdoctor_tls_required", ())] == 0
    assert s[("dbdoctor_sslmode_would_connect", (("sslmode", "disable"),))] == 1
    assert s[("dbdoctor_issue", (("code", "tls-optional"),))] == 1


def test_refuses_unlisted_targets_and_credentials_in_the_query(exporter: str) -> None:
    code, text = _get(f"{exporter}/probe?target=10.1.2.3:5432")
    assert code == 403 and "not in the exporter's config" in text
    assert _get(f"{exporter}/probe?target=metadata.internal:80")[0] == 403
    assert _get(f"{exporter}/probe?target=pg-required&password=x")[0] == 400
    assert _get(f"{exporter}/probe")[0] == 400
    assert _get(f"{exporter}/probe?target=pg-required&module=nope")[0] == 400
    own = _get(f"{exporter}/metrics")[1]
    assert 'dbdoctor_exporter_refused_requests_total{reason="not_allowed"} 2.0' in own
    assert 'reason="credentials_in_query"' in own


def test_scrape_timeout_header_bounds_the_probe(exporter: str) -> None:
    with listener(silent) as lst:  # inside the allow list, and silent
        start = time.monotonic()
        code, text = _get(f"{exporter}/probe?target=127.0.0.1:{lst.port}",
                          {"X-Prometheus-Scrape-Timeout-Seconds": "1.0"})
        took = time.monotonic() - start
    assert code == 200 and took < 1.3, took
    assert _samples(text)[("probe_success", ())] == 0


def test_100_concurrent_scrapes_without_an_error_and_one_probe_in_flight_per_target(exporter: str) -> None:
    names = ["pg-required", "pg-optional", "pg-expiring", "my-required", "my-nointermediate"]
    with ThreadPoolExecutor(100) as pool:
        got = list(pool.map(lambda i: _get(f"{exporter}/probe?target={names[i % len(names)]}"), range(100)))
    assert [c for c, _ in got] == [200] * 100
    assert all("probe_success 1.0" in t for _, t in got)
    own = _samples(_get(f"{exporter}/metrics")[1])
    assert own[("dbdoctor_exporter_shared_probes_total", ())] > 0


def test_config_errors_and_check_config(fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match="a password in the config"):
        config_from_dict({"targets": [{"name": "a", "host": "db", "port": 5432, "password": "x"}]})
    with pytest.raises(InputError, match="two targets"):
        config_from_dict({"targets": [{"name": "a", "url": "postgresql://db"}, {"name": "a", "url": "mysql://db"}]})
    path = exporter_config(fleet, tmp_path / "e.yml")
    p = subprocess.run([*DBDOCTOR, "exporter", "--config", str(path), "--check-config"], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0 and f"targets: {2 * len(fleet.members)}" in p.stdout
    bad = tmp_path / "bad.yml"
    bad.write_text("targets: [{name: a}]\n")
    p = subprocess.run([*DBDOCTOR, "exporter", "--config", str(bad)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "needs url or host" in p.stderr and "Traceback" not in p.stderr


def test_real_connection_with_a_password_file_never_shows_the_password(fleet, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pg = next(m for m in fleet.members if m.name == "pg-required").server
    my = next(m for m in fleet.members if m.name == "my-required").server
    good = tmp_path / "pg.pw"
    good.write_text(pg.password.reveal() + "\n")
    mygood = tmp_path / "my.pw"
    mygood.write_text(my.password.reveal() + "\n")
    wrong = tmp_path / "wrong.pw"
    wrong.write_text("N0t-the-p@ssword\n")
    row = {"host": "127.0.0.1", "servername": SERVERNAME, "dbname": "app"}
    cfg = config_from_dict({
        "modules": {"default": {"ca_file": str(fleet.ca_file), "timeout": 5}},
        "targets": [
            {**row, "name": "pg-good", "port": pg.port, "user": pg.user, "password_file": str(good)},
            {**row, "name": "pg-wrong", "port": pg.port, "user": pg.user, "password_file": str(wrong)},
            {**row, "name": "my-good", "port": my.port, "user": my.user, "password_file": str(mygood),
             "engine": "mysql"},
        ],
    })
    server, exp = start_background(cfg)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        texts = {n: _get(f"{base}/probe?target={n}")[1] for n in ("pg-good", "pg-wrong", "my-good")}
    finally:
        server.shutdown()
        exp.close()
    assert _samples(texts["pg-good"])[("dbdoctor_connection_success", ())] == 1
    assert _samples(texts["my-good"])[("dbdoctor_connection_success", ())] == 1
    s = _samples(texts["pg-wrong"])
    assert s[("dbdoctor_connection_success", ())] == 0
    assert s[("dbdoctor_issue", (("code", "connect-failed"),))] == 1
    for text in texts.values():
        assert pg.password.reveal() not in text and "N0t-the-p@ssword" not in text
