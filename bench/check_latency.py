"""With a loopback proxy that adds 50 ms to every round trip (25 ms each way): `check`'s total time divided by
50 ms, next to a single libpq connect's. The probes overlap, so `check` should stay within 1.5x one connect."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).parent))
from _proxy import DelayProxy

RTT_MS = 50.0
RUNS = 7


def main() -> None:
    from dbdoctor.checking import CheckInput
    from dbdoctor.postgres.pipeline import check
    from dbdoctor.sandbox import start

    srv = start(profile="managed", cert="full")
    try:
        with DelayProxy("127.0.0.1", srv.port, RTT_MS / 2) as proxy, tempfile.TemporaryDirectory() as home:
            os.environ["HOME"] = home
            conninfo = srv.conninfo(host="localhost", hostaddr="127.0.0.1", port=proxy.port)
            connects, checks = [], []
            for _ in range(RUNS):
                t = time.perf_counter()
                psycopg.connect(conninfo).close()
                connects.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                report = check(CheckInput(text=conninfo, environ=dict(os.environ), timeout=30))
                checks.append((time.perf_counter() - t) * 1000)
                assert report.verdict == "ok", report.driver_error
            c, k = statistics.median(connects), statistics.median(checks)
            print(f"added round-trip delay           {RTT_MS:.0f} ms")
            print(f"one libpq connect (verify-full)  {c:7.1f} ms = {c / RTT_MS:4.1f} round trips")
            print(f"dbdoctor check (whole pipeline)  {k:7.1f} ms = {k / RTT_MS:4.1f} round trips = {k / c:.2f}x a connect")
            print(f"(median of {RUNS}; last check's timings: "
                  + ", ".join(f"{n} {v:.0f} ms" for n, v in report.timings_ms.items()) + ")")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
