"""dbdoctor scan against a loopback fleet, next to an `openssl s_client` loop and sslyze, scored against the
fleet's ground truth.

The fleet: real PostgreSQL and MariaDB sandbox servers with different TLS set-ups (required, optional, none,
expired, expiring in 5 days, wrong name, missing intermediate, self-signed; dbdoctor.sandbox.fleet.FLEET_FULL),
exposed as N endpoints (127.1.x.y:5432 for PostgreSQL, :3306 for MariaDB) by one forwarder process
(bench/_forwarder.py) that adds RTT ms to every round trip, the TCP handshake's included.

    python bench/scan_fleet.py                       # 1,000 endpoints, 50 ms, every tool, 10,000 for memory
    python bench/scan_fleet.py --endpoints 300 --sample 100 --memory 0

Each tool runs at the same concurrency. s_client and sslyze run on the first --sample endpoints (their
endpoints/s is what is compared; running them on all 1,000 would occupy this shared 2-core machine for
minutes); dbdoctor runs on all. "TLS right": the tool's answer to required / offered / none; a tool that
cannot tell required from offered (s_client, sslyze, and anyone on MySQL without a password) scores as
wrong there unless it says so ("offered?" is right for MySQL). "Cert right": the set of certificate issues
(expired, expiring < 30 d, name mismatch, chain incomplete, self-signed) and no-tls.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PY = sys.executable
CERT_ISSUES = {"expired", "expiring", "name-mismatch", "chain-incomplete", "self-signed", "untrusted", "no-tls"}


def endpoint_addr(i: int, base: int = 1) -> str:
    return f"127.{base}.{i // 250}.{i % 250 + 1}"


class Forwarder:
    def __init__(self, table: list[list[object]], one_way_ms: float, workdir: Path) -> None:
        path = workdir / f"map-{len(table)}.json"
        path.write_text(json.dumps(table))
        self.proc = subprocess.Popen([PY, str(HERE / "_forwarder.py"), str(path), str(one_way_ms)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("ready"):
            raise RuntimeError(f"forwarder failed: {line!r}")

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def fleet_cpu(pids: list[int]) -> float:
    """CPU seconds the fleet's servers used so far: each server process and its reaped children (the
    PostgreSQL backends forked per connection)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / tick


def run_measured(cmd: list[str], stdout_path: Path, stdin_path: Path | None = None,
                 env: dict[str, str] | None = None) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS MiB, exit code) of one child process, by wait4 (only that child counted)."""
    with open(stdout_path, "w") as out:
        stdin = open(stdin_path) if stdin_path else subprocess.DEVNULL  # noqa: SIM115
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stdin=stdin, stderr=subprocess.DEVNULL, env=env)
        _pid, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t
        if stdin_path:
            stdin.close()  # type: ignore[union-attr]
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, p.returncode


def score(answers: dict[str, tuple[str, set[str]]], truth: dict[str, Any], addrs: list[str]) -> tuple[int, int]:
    tls_right = cert_right = 0
    for a in addrs:
        t = truth[a]
        got = answers.get(a)
        if got is None:
            continue
        tls, issues = got
        want_cert = set(t.issues) & CERT_ISSUES
        tls_right += tls == t.tls
        cert_right += (issues & CERT_ISSUES) == want_cert
    return tls_right, cert_right


# --- the tools ------------------------------------------------------------------------------------------------


def run_dbdoctor(addrs: list[str], ports: dict[str, int], workdir: Path, ca: Path, concurrency: int,
                 servername: str) -> tuple[dict[str, tuple[str, set[str]]], tuple[float, float, float, int]]:
    inv = workdir / f"inventory-{len(addrs)}.txt"
    inv.write_text("".join(f"{a}:{ports[a]}\n" for a in addrs))
    out = workdir / f"scan-{len(addrs)}.jsonl"
    cmd = [PY, "-m", "dbdoctor", "scan", str(inv), "--format", "jsonl", "--ca-file", str(ca), "--servername",
           servername, "--concurrency", str(concurrency), "--timeout", "10", "--fail-on", "none"]
    measured = run_measured(cmd, out)
    answers: dict[str, tuple[str, set[str]]] = {}
    for line in out.read_text().splitlines():
        r = json.loads(line)
        answers[r["host"]] = (r["tls"], set(r["issues"]))
    return answers, measured


S_CLIENT = r"""
addr=$1; port=$2; ca=$3; name=$4; proto=$5
out=$(timeout 30 openssl s_client -connect "$addr:$port" -starttls "$proto" -servername "$name" \
      -verify_hostname "$name" -CAfile "$ca" -showcerts </dev/null 2>&1)
lines=$(printf '%s\n' "$out" | grep -E '^(Verify return code|New, )|didn.t find starttls|does not support SSL')
end=$(printf '%s\n' "$out" | openssl x509 -noout -enddate 2>/dev/null)
# one write per endpoint, so that parallel runs do not interleave their lines
printf '== %s\n%s\n%s\n' "$addr" "$lines" "$end"
"""


def _parse_s_client(block: list[str]) -> tuple[str, set[str]]:
    text = "\n".join(block)
    issues: set[str] = set()
    if "New, " not in text or "(NONE)" in text:
        return "none" if ("didn't find starttls" in text or "does not support SSL" in text) else "unknown", {"no-tls"}
    code = next((ln for ln in block if ln.startswith("Verify return code")), "")
    if " 10 " in code:
        issues.add("expired")
    elif " 18 " in code:
        issues.add("self-signed")
    elif " 20 " in code or " 21 " in code:
        issues.add("chain-incomplete")
    elif " 62 " in code:
        issues.add("name-mismatch")
    end = next((ln for ln in block if ln.startswith("notAfter=")), None)
    if end:
        exp = time.mktime(time.strptime(end.split("=", 1)[1].replace(" GMT", ""), "%b %d %H:%M:%S %Y"))
        if 0 < exp - time.time() < 30 * 86400:
            issues.add("expiring")
    return "offered?", issues


def run_s_client(addrs: list[str], ports: dict[str, int], workdir: Path, ca: Path, concurrency: int,
                 servername: str) -> tuple[dict[str, tuple[str, set[str]]], tuple[float, float, float, int]]:
    script = workdir / "s_client.sh"
    script.write_text(S_CLIENT)
    args = workdir / "s_client.args"
    args.write_text("".join(
        f"{a} {ports[a]} {ca} {servername} {'postgres' if ports[a] == 5432 else 'mysql'}\n" for a in addrs))
    out = workdir / "s_client.out"
    cmd = ["xargs", "-P", str(concurrency), "-L", "1", "sh", str(script)]
    measured = run_measured(cmd, out, stdin_path=args)
    answers: dict[str, tuple[str, set[str]]] = {}
    block: list[str] = []
    addr = None
    for line in [*out.read_text().splitlines(), "== end"]:
        if line.startswith("== "):
            if addr is not None:
                answers[addr] = _parse_s_client(block)
            addr, block = line[3:].strip(), []
        else:
            block.append(line)
    return answers, measured


def run_sslyze(addrs: list[str], ports: dict[str, int], workdir: Path, ca: Path, concurrency: int,
               servername: str, sslyze: str) -> tuple[dict[str, tuple[str, set[str]]], tuple[float, float, float, int]]:
    pg = [a for a in addrs if ports[a] == 5432]
    out = workdir / "sslyze.json"
    cmd = [sslyze, "--certinfo", "--starttls", "postgres", "--certinfo_ca_file", str(ca), f"--json_out={out}",
           *(f"{servername}:5432{{{a}}}" for a in pg)]
    measured = run_measured(cmd, workdir / "sslyze.stdout")
    answers: dict[str, tuple[str, set[str]]] = {}
    try:
        data = json.loads(out.read_text())
    except (OSError, ValueError):
        return answers, measured
    for r in data.get("server_scan_results", []):
        addr = r["server_location"]["ip_address"]
        if r.get("scan_status") != "COMPLETED":
            answers[addr] = ("none", {"no-tls"})  # sslyze cannot tell refused TLS from any other failure
            continue
        ci = (r.get("scan_result") or {}).get("certificate_info") or {}
        res = ci.get("result") or {}
        deps = res.get("certificate_deployments") or []
        issues: set[str] = set()
        if not deps:
            answers[addr] = ("none", {"no-tls"})
            continue
        d = deps[0]
        # sslyze 6 checks the name inside path validation: read the --certinfo_ca_file trust store's verdict
        pv = [p for p in d.get("path_validation_results") or []
              if (p.get("trust_store") or {}).get("name") == "Supplied CA file"]
        pv = pv or (d.get("path_validation_results") or [])[:1]
        err = " ".join(str(p.get("validation_error") or "") for p in pv).lower()
        chain = d.get("received_certificate_chain") or []
        if "not valid at validation time" in err or "expired" in err:
            issues.add("expired")
        elif any(w in err for w in ("subjectaltname", "hostname", "no matching", "does not match", "san ")):
            issues.add("name-mismatch")
        elif err and len(chain) == 1 and chain[0].get("subject", {}).get("rfc4514_string") == chain[0].get(
                "issuer", {}).get("rfc4514_string"):
            issues.add("self-signed")
        elif err:
            issues.add("chain-incomplete")
        chain = d.get("received_certificate_chain") or []
        if chain:
            na = chain[0].get("not_valid_after", "")
            try:
                exp = time.mktime(time.strptime(na[:19], "%Y-%m-%dT%H:%M:%S"))
                if 0 < exp - time.time() < 30 * 86400:
                    issues.add("expiring")
            except ValueError:
                pass
        answers[addr] = ("offered?", issues)
    return answers, measured


# --- the exporter ------------------------------------------------------------------------------------------------


def exporter_figures(addrs: list[str], ports: dict[str, int], ca: Path, servername: str,
                     workdir: Path) -> dict[str, Any]:
    import asyncio

    from dbdoctor.fleet.certs import Analyzer
    from dbdoctor.fleet.exporter import config_from_dict, start_background
    from dbdoctor.fleet.probe import ProbeOptions, probe
    from dbdoctor.fleet.records import Endpoint

    chosen = addrs[:100]
    cfg = config_from_dict({
        "modules": {"default": {"ca_file": str(ca), "timeout": 10}},
        "targets": [{"name": f"e{i}", "host": a, "port": ports[a], "servername": servername}
                    for i, a in enumerate(chosen)],
    })
    server, exporter = start_background(cfg)
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def scrape(i: int) -> tuple[int, float]:
        t = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{base}/probe?target=e{i}", timeout=30) as resp:
                body = resp.read()
                ok = resp.status == 200 and b"probe_success" in body
        except OSError:
            ok = False
        return ok, time.perf_counter() - t

    try:
        # one /probe against the same work done in-process (the endpoint's own probe time), alternating
        direct, via = [], []
        ep = Endpoint(chosen[0], ports[chosen[0]], servername=servername)
        for _ in range(5):
            t = time.perf_counter()
            asyncio.run(probe(ep, Analyzer(), ProbeOptions(timeout=10, ca_file=str(ca))))
            direct.append(time.perf_counter() - t)
            via.append(scrape(0)[1])
        t = time.perf_counter()
        with ThreadPoolExecutor(100) as pool:
            results = list(pool.map(scrape, range(len(chosen))))
        burst = time.perf_counter() - t
    finally:
        server.shutdown()
        exporter.close()
    direct.sort()
    via.sort()
    return {
        "probe_direct_ms": direct[2] * 1000,
        "probe_via_exporter_ms": via[2] * 1000,
        "ratio": via[2] / direct[2],
        "concurrent_scrapes": len(results),
        "concurrent_errors": sum(1 for ok, _ in results if not ok),
        "concurrent_wall_s": burst,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--endpoints", type=int, default=1000)
    ap.add_argument("--rtt", type=float, default=50.0, help="added round-trip time, ms")
    ap.add_argument("--concurrency", type=int, default=100)
    ap.add_argument("--sample", type=int, default=200, help="endpoints for s_client and sslyze")
    ap.add_argument("--memory", type=int, default=10000, help="endpoints for the peak-RSS run (0: skip)")
    ap.add_argument("--show-wrong", action="store_true", help="print every answer off the ground truth")
    ap.add_argument("--tools", default="dbdoctor,s_client,sslyze,exporter")
    ap.add_argument("--sslyze", default=shutil.which("sslyze") or "/tmp/fleet-sslyze-venv/bin/sslyze")
    args = ap.parse_args()
    tools = set(args.tools.split(","))

    from dbdoctor.sandbox.fleet import FLEET_FULL, SERVERNAME, SandboxFleet

    rows: list[tuple[str, int, float, float, float, str, str]] = []
    extra: dict[str, Any] = {}
    with SandboxFleet(FLEET_FULL) as fleet, tempfile.TemporaryDirectory(prefix="dbdoctor-bench-") as tmp:
        workdir = Path(tmp)
        assert fleet.ca_file is not None
        members = fleet.members
        n = max(args.endpoints, args.memory)
        addrs = [endpoint_addr(i) for i in range(args.endpoints)]
        truth = {endpoint_addr(i): members[i % len(members)].truth for i in range(n)}
        ports = {endpoint_addr(i): (5432 if members[i % len(members)].truth.engine == "postgresql" else 3306)
                 for i in range(n)}
        table = [[endpoint_addr(i), ports[endpoint_addr(i)], members[i % len(members)].port]
                 for i in range(args.endpoints)]
        fwd = Forwarder(table, args.rtt / 2, workdir)
        try:
            pids = [m.server.pid for m in members]

            def add(tool: str, answers: dict[str, tuple[str, set[str]]], measured: tuple[float, float, float, int],
                    subset: list[str], servers_before: float) -> None:
                wall, cpu, rss, _rc = measured
                tls_ok, cert_ok = score(answers, truth, subset)
                k = len(subset)
                rows.append((tool, k, wall, cpu, rss, f"{tls_ok}/{k}", f"{cert_ok}/{k}"))
                extra.setdefault("server_cpu", {})[tool] = (fleet_cpu(pids) - servers_before) * 1000 / k
                if args.show_wrong:
                    for a in subset:
                        t, got = truth[a], answers.get(a)
                        if got is None or got[0] != t.tls or (got[1] & CERT_ISSUES) != (set(t.issues) & CERT_ISSUES):
                            print(f"{tool}: {a} truth {t.tls} {sorted(t.issues)}, answer {got}", file=sys.stderr)

            if "dbdoctor" in tools:
                before = fleet_cpu(pids)
                ans, m = run_dbdoctor(addrs, ports, workdir, fleet.ca_file, args.concurrency, SERVERNAME)
                add("dbdoctor scan", ans, m, addrs, before)
                wrong = [a for a in addrs if ans.get(a) is None or (ans[a][0], sorted(ans[a][1]))
                         != (truth[a].tls, sorted(truth[a].issues))]
                extra["dbdoctor_wrong"] = wrong[:5]
            sample = addrs[: args.sample]
            if "s_client" in tools and shutil.which("openssl"):
                before = fleet_cpu(pids)
                ans, m = run_s_client(sample, ports, workdir, fleet.ca_file, args.concurrency, SERVERNAME)
                add("openssl s_client loop", ans, m, sample, before)
            if "sslyze" in tools and Path(args.sslyze).exists():
                pg = [a for a in sample if ports[a] == 5432]
                before = fleet_cpu(pids)
                ans, m = run_sslyze(sample, ports, workdir, fleet.ca_file, args.concurrency, SERVERNAME, args.sslyze)
                add("sslyze (PostgreSQL only)", ans, m, pg, before)
            if "exporter" in tools:
                extra["exporter"] = exporter_figures(addrs, ports, fleet.ca_file, SERVERNAME, workdir)
        finally:
            fwd.stop()
        if args.memory:
            mem_addrs = [endpoint_addr(i, base=2) for i in range(args.memory)]
            mem_ports = {endpoint_addr(i, base=2): ports[endpoint_addr(i)] for i in range(args.memory)}
            mem_table = [[endpoint_addr(i, base=2), ports[endpoint_addr(i)], members[i % len(members)].port]
                         for i in range(args.memory)]
            fwd = Forwarder(mem_table, 0.0, workdir)
            try:
                ans, m = run_dbdoctor(mem_addrs, mem_ports, workdir, fleet.ca_file, args.concurrency, SERVERNAME)
                mem_truth = {endpoint_addr(i, base=2): truth[endpoint_addr(i)] for i in range(args.memory)}
                tls_ok, cert_ok = score(ans, mem_truth, mem_addrs)
                rows.append(("dbdoctor scan, no delay", args.memory, m[0], m[1], m[2],
                             f"{tls_ok}/{args.memory}", f"{cert_ok}/{args.memory}"))
            finally:
                fwd.stop()

    print(f"\nfleet: {len(FLEET_FULL)} servers, {args.rtt:g} ms added per round trip, concurrency "
          f"{args.concurrency}\n")
    head = ("tool", "endpoints", "wall s", "endpoints/s", "CPU ms/endpoint", "peak RSS MiB", "TLS right",
            "cert right")
    print("  ".join(f"{h:>14}" if i else f"{h:<26}" for i, h in enumerate(head)))
    for tool, k, wall, cpu, rss, tls_ok, cert_ok in rows:
        cells = (f"{k}", f"{wall:.2f}", f"{k / wall:.0f}", f"{cpu * 1000 / k:.2f}", f"{rss:.0f}", tls_ok, cert_ok)
        print(f"{tool:<26}  " + "  ".join(f"{c:>14}" for c in cells))
    if extra.get("server_cpu"):
        print("\nthe fleet's servers (PostgreSQL backends included) used, per endpoint: " + ", ".join(
            f"{t}: {ms:.1f} ms CPU" for t, ms in extra["server_cpu"].items()))
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if "exporter" in extra:
        e = extra["exporter"]
        print(f"\nexporter: /probe {e['probe_via_exporter_ms']:.0f} ms vs the same probe in-process "
              f"{e['probe_direct_ms']:.0f} ms (x{e['ratio']:.2f}); {e['concurrent_scrapes']} concurrent scrapes: "
              f"{e['concurrent_errors']} errors, {e['concurrent_wall_s']:.2f} s")
    if extra.get("dbdoctor_wrong"):
        print(f"dbdoctor answers off the ground truth (first 5): {extra['dbdoctor_wrong']}")


if __name__ == "__main__":
    main()
