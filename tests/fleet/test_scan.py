"""dbdoctor scan on real PostgreSQL and MariaDB servers (the sandbox fleet, against its ground truth), and its
deadlines against misbehaving listeners."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
import time

import pytest

from dbdoctor.fleet import Endpoint, ScanOptions, scan, scan_iter
from dbdoctor.sandbox.fleet import SERVERNAME
from fix_listeners import (
    closes_immediately,
    http_server,
    listener,
    s_then_garbage,
    s_then_slow_tls,
    silent,
    slow_bytes,
)
from fleet.conftest import DBDOCTOR

pytestmark = pytest.mark.server


def _inventory(fleet) -> str:  # type: ignore[no-untyped-def]
    # engines left to the first bytes (the sandbox ports are random), names via CSV
    rows = ["name,host,port,tier"] + [f"{m.name},127.0.0.1,{m.port},gold" for m in fleet.members]
    return "\n".join(rows) + "\n"


def _run(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DBDOCTOR, "scan", *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_scan_jsonl_matches_the_ground_truth_for_every_endpoint(fleet) -> None:
    p = _run(["-", "--format", "jsonl", "--ca-file", str(fleet.ca_file), "--servername", SERVERNAME,
              "--fail-on", "none"], _inventory(fleet))
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""  # no progress line when stderr is not a terminal
    got = {r["name"]: r for r in map(json.loads, p.stdout.splitlines())}
    assert set(got) == {m.name for m in fleet.members}
    for m in fleet.members:
        r = got[m.name]
        assert (r["engine"], r["tls"], tuple(sorted(r["issues"]))) == (m.truth.engine, m.truth.tls,
                                                                        m.truth.issues), r
        assert r["labels"] == {"tier": "gold"}
        assert r["chain"] and r["fingerprint_sha256"] == r["chain"][0]["fingerprint_sha256"]
    assert got["pg-expiring"]["days_left"] in (4, 5)
    assert got["pg-required"]["plain_answer"].startswith("28000")  # plain text refused before any password
    assert got["pg-optional"]["plain_answer"].startswith("AuthenticationRequest")


def test_fail_on_decides_the_exit_code(fleet) -> None:
    inv = _inventory(fleet)
    common = ["-", "--format", "csv", "--ca-file", str(fleet.ca_file), "--servername", SERVERNAME]
    p = _run([*common, "--fail-on", "expiring=3d"], inv)  # 5 days left: outside a 3-day window
    assert p.returncode == 0, p.stdout
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    assert len(rows) == len(fleet.members) and {r["status"] for r in rows} >= {"ok", "warn", "fail"}
    assert _run([*common, "--fail-on", "expiring=7d"], inv).returncode == 1
    assert _run([*common, "--fail-on", "tls-optional"], inv).returncode == 1
    assert _run([*common, "--fail-on", "no-tls"], inv).returncode == 0
    bad = _run([*common, "--fail-on", "nonsense"], inv)
    assert bad.returncode == 2 and "unknown item" in bad.stderr and "Traceback" not in bad.stderr


def test_table_is_worst_first(fleet) -> None:
    p = _run(["-", "--format", "table", "--ca-file", str(fleet.ca_file), "--servername", SERVERNAME,
              "-t", "127.0.0.1:1"], _inventory(fleet))
    lines = p.stdout.splitlines()
    assert lines[0].split()[:3] == ["STATUS", "ENDPOINT", "ENGINE"]
    statuses = [ln.split()[0] for ln in lines[1 : 1 + len(fleet.members) + 1]]
    order = {"ERROR": 0, "FAIL": 1, "WARN": 2, "OK": 3}
    assert statuses == sorted(statuses, key=order.__getitem__) and statuses[0] == "ERROR"
    assert "endpoint(s):" in p.stdout
    assert p.returncode == 1  # the unreachable endpoint is an error


def test_one_connection_per_endpoint_at_a_time_and_results_stream(fleet) -> None:
    m = next(x for x in fleet.members if x.name == "pg-required")
    eps = [Endpoint("127.0.0.1", m.port, servername=SERVERNAME, name=f"dup{i}") for i in range(4)]
    durations: list[float] = []

    async def go() -> None:
        async for r in scan_iter(eps, ScanOptions(concurrency=4, ca_file=str(fleet.ca_file))):
            assert r.ok
            durations.append(r.duration_ms / 1000)

    start = time.monotonic()
    asyncio.run(go())
    wall = time.monotonic() - start
    # the four duplicates ran one after another (each waited for the previous one's connections to close)
    assert len(durations) == 4 and wall >= 0.9 * sum(durations), (wall, durations)


@pytest.mark.parametrize(
    ("handler", "engine", "phase", "issue"),
    [
        (silent, "postgresql", "negotiate", "timeout"),
        (silent, None, "negotiate", "timeout"),  # no greeting, no answer to the SSLRequest either
        (closes_immediately, "postgresql", "negotiate", "unreachable"),
        (slow_bytes(b"N", 0.6), "postgresql", "negotiate", "timeout"),
        (s_then_garbage(), "postgresql", "negotiate", "unreachable"),
        (s_then_garbage(separate=True), "postgresql", "tls", "handshake-failed"),
        (s_then_slow_tls(0.05), "postgresql", "tls", "timeout"),
        (http_server, "postgresql", "negotiate", "unreachable"),
        (silent, "mysql", "negotiate", "timeout"),
        (slow_bytes(b"\x4a\x00\x00\x00\x0a5.7", 0.3), "mysql", "negotiate", "timeout"),
    ],
)
def test_every_deadline_holds_against_hostile_listeners(handler, engine, phase, issue) -> None:  # type: ignore[no-untyped-def]
    with listener(handler) as lst:
        start = time.monotonic()
        results: list = []
        scan([Endpoint("127.0.0.1", lst.port, engine=engine)], ScanOptions(timeout=0.5), results.append)
        took = time.monotonic() - start
    (r,) = results
    assert took < 1.5, took
    assert r.status == "error" and r.failed_phase == phase and issue in r.issues, r


def test_the_run_deadline_reports_what_it_did_not_probe() -> None:
    with listener(silent) as lst:
        eps = [Endpoint("127.0.0.1", lst.port, engine="postgresql", name=f"e{i}") for i in range(6)]
        results: list = []
        start = time.monotonic()
        scan(eps, ScanOptions(concurrency=2, timeout=5, run_timeout=0.6), results.append)
        took = time.monotonic() - start
    assert took < 1.5
    assert sorted(r.endpoint.name for r in results) == [f"e{i}" for i in range(6)]  # none silently dropped
    assert all("timeout" in r.issues for r in results)
    assert any(r.failed_phase == "queue" for r in results)


def test_scan_makes_the_real_connection_when_a_password_file_is_named(fleet, tmp_path) -> None:  # type: ignore[no-untyped-def]
    m = next(x for x in fleet.members if x.name == "pg-optional")
    pw = tmp_path / "pw"
    pw.write_text(m.server.password.reveal())
    bad = tmp_path / "bad"
    bad.write_text("wrong-" + m.server.password.reveal())
    inv = ("name,host,port,user,dbname,password_file,sslmode\n"
           f"good,127.0.0.1,{m.port},app,app,{pw},verify-full\n"
           f"bad,127.0.0.1,{m.port},app,app,{bad},verify-full\n")
    p = _run(["-", "--format", "jsonl", "--ca-file", str(fleet.ca_file), "--servername", SERVERNAME,
              "--fail-on", "connect-failed"], inv)
    got = {r["name"]: r for r in map(json.loads, p.stdout.splitlines())}
    assert got["good"]["connected"] is True and "connect-failed" not in got["good"]["issues"]
    assert got["bad"]["connected"] is False and "password authentication failed" in got["bad"]["connect_error"]
    assert p.returncode == 1
    assert m.server.password.reveal() not in p.stdout + p.stderr


def test_a_consumer_that_stops_early_stops_the_scan() -> None:
    async def go() -> int:
        eps = (Endpoint("127.0.0.1", 1, engine="postgresql", name=f"e{i}") for i in range(100_000))
        n = 0
        gen = scan_iter(eps, ScanOptions(concurrency=4))
        async for _r in gen:
            n += 1
            if n == 20:
                break
        await gen.aclose()  # type: ignore[attr-defined]
        return n

    assert asyncio.run(asyncio.wait_for(go(), 10)) == 20
