"""dbdoctor watch on real servers: the certificate rotating mid-watch, failures grouped by cause, the CLI."""

from __future__ import annotations

import json
import os
import subprocess
from urllib.parse import quote

import pytest

from dbdoctor.fleet.watch import Recorder, Sample, percentile, watch
from dbdoctor.mysql.sources import resolve as resolve_mysql
from dbdoctor.postgres.sources import resolve as resolve_pg
from fleet.conftest import DBDOCTOR

pytestmark = pytest.mark.server


def test_percentile_is_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([5.0], 99) == 5.0
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 90) == 90.0
    assert percentile(values, 99) == 99.0


def test_recorder_reports_dns_and_certificate_changes_once_each() -> None:
    rec = Recorder()
    rec.add(Sample(1000.0, True, 10.0, None, "aa", ("10.0.0.1",), "TLSv1.3"))
    rec.add(Sample(1001.0, True, 12.0, None, "aa", ("10.0.0.1",), "TLSv1.3"))
    rec.add(Sample(1002.0, False, 0.0, "timed out", "bb", ("10.0.0.2",), None))
    rec.add(Sample(1003.0, False, 0.0, "timed out", "bb", ("10.0.0.2",), None))
    s = rec.summary()
    assert s["attempts"] == 4 and s["failures"] == 2
    assert s["failure_causes"] == [{"cause": "timed out", "count": 2, "first": "1970-01-01T00:16:42Z",
                                    "last": "1970-01-01T00:16:43Z"}]
    assert [(c["from"], c["to"]) for c in s["certificate_changes"]] == [("aa", "bb")]
    assert [(c["from"], c["to"]) for c in s["dns_changes"]] == [(["10.0.0.1"], ["10.0.0.2"])]


def test_watch_sees_the_certificate_rotate_on_a_real_server(fleet) -> None:
    srv = next(m for m in fleet.members if m.name == "pg-required").server
    # verify-ca: the wildcard certificate does not name localhost, and the rotation is what is under test
    target = resolve_pg(None, environ={"DATABASE_URL": srv.url.replace("verify-full", "verify-ca")})
    rotated = []

    def on_sample(s: Sample, rec: Recorder) -> None:
        if rec.attempts == 2:
            srv.reconfigure(profile="managed", cert="wildcard")
            rotated.append(s.at)

    try:
        rec = watch(target, interval=0.3, duration=1.2, timeout=5, on_sample=on_sample)
    finally:
        srv.reconfigure(profile="managed", cert="full")
    s = rec.summary()
    assert rotated and s["attempts"] == 4
    assert s["failures"] == 0
    assert len(s["certificate_changes"]) == 1
    assert len(s["certificates"]) == 2
    assert s["latency_ms"]["p50"] is not None


def test_watch_groups_failures_by_cause_and_never_shows_the_password(fleet) -> None:
    srv = next(m for m in fleet.members if m.name == "my-required").server
    wrong = "Wr0ng-p@ss/word"
    url = srv.url.replace(quote(srv.password.reveal(), safe=""), quote(wrong, safe=""))
    target = resolve_mysql(url, environ={})
    rec = watch(target, interval=0.2, duration=0.4, timeout=5)
    s = rec.summary()
    assert s["failures"] == s["attempts"] == 2
    (cause,) = s["failure_causes"]
    assert "1045" in cause["cause"] and cause["count"] == 2
    assert wrong not in json.dumps(s) and quote(wrong, safe="") not in json.dumps(s)


def test_cli_watch_json_and_exit_code(fleet) -> None:
    srv = next(m for m in fleet.members if m.name == "pg-required").server
    env = {**os.environ, "DATABASE_URL": srv.url}
    p = subprocess.run([*DBDOCTOR, "watch", "--interval", "0.3s", "--duration", "0.6s", "--json"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["attempts"] == 2 and out["failures"] == 0
    assert srv.password.reveal() not in p.stdout + p.stderr
    env["DATABASE_URL"] = srv.url.replace(quote(srv.password.reveal(), safe=""), "nope")
    p = subprocess.run([*DBDOCTOR, "watch", "--interval", "0.3s", "--duration", "0.3s"],
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert "failed 1x" in p.stdout and "password authentication failed" in p.stdout
