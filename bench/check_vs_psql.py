"""`dbdoctor check` against a local sandbox vs `psql -c 'select 1'` with the same settings: median of 20 runs each,
wall time of the whole command (interpreter start included, as a user would see it)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 20


def median_ms(cmd: list[str], env: dict[str, str]) -> float:
    samples = []
    for _ in range(RUNS):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main() -> None:
    from dbdoctor.sandbox import start

    srv = start(profile="managed", cert="full")
    try:
        with tempfile.TemporaryDirectory() as home:
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home}
            conninfo = srv.conninfo()
            psql = ["psql", conninfo, "-Atqc", "select 1"]
            dbd = [str(Path(sys.executable).parent / "dbdoctor"), "check", "--json", conninfo]
            lib = [sys.executable, "-c", f"import dbdoctor; dbdoctor.check({conninfo!r})"]
            p = median_ms(psql, env)
            d = median_ms(dbd, env)
            x = median_ms(lib, env)
            print(f"psql -c 'select 1'          {p:7.1f} ms (median of {RUNS})")
            print(f"dbdoctor check --json       {d:7.1f} ms  = {d / p:.2f}x psql")
            print(f"python -c dbdoctor.check()  {x:7.1f} ms  = {x / p:.2f}x psql")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
