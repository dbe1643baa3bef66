"""Timings of the sandbox, in a fresh private state directory: ``python bench/sandbox_start.py [N]``.

Prints the template build (initdb + roles, once per state dir), PKI generation, the time from ``start()`` to a
server accepting connections (N starts, spaced and back to back), ``reconfigure()`` and ``stop()``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time


def _median_ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.0f} ms (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"


def main(n: int = 5) -> None:
    from dbdoctor.sandbox import _system, postgres, purge, start
    from dbdoctor.sandbox.certs import ensure_pki

    with tempfile.TemporaryDirectory(prefix="dbdoctor-bench-") as tmp:
        state = _system.state_dir(tmp)
        t0 = time.monotonic()
        ensure_pki(state / "pki")
        print(f"PKI generation (15 keys, 15 certificates): {(time.monotonic() - t0) * 1000:.0f} ms")
        user = _system.server_user()
        t0 = time.monotonic()
        template = postgres.ensure_template(
            state, _system.runtime_dir(state, user), user, postgres.find_bindir()
        )
        print(
            f"template cluster (initdb, roles, database): {time.monotonic() - t0:.2f} s  [{template.version}]"
        )

        starts, stops, reloads = [], [], []
        for _ in range(n):
            time.sleep(1.0)  # let the spare copy finish, as between tests
            t = time.monotonic()
            srv = start(state_dir=state)
            starts.append(time.monotonic() - t)
            for profile, cert in (("both", "expired"), ("managed", "full")):
                t = time.monotonic()
                srv.reconfigure(profile=profile, cert=cert)
                reloads.append(time.monotonic() - t)
            t = time.monotonic()
            srv.stop()
            stops.append(time.monotonic() - t)
        print(f"start() to accepting connections, spaced 1 s apart: {_median_ms(starts)}")
        back = []
        for _ in range(n):
            t = time.monotonic()
            srv = start(state_dir=state)
            back.append(time.monotonic() - t)
            srv.stop()
        print(f"start() back to back (spare copy not ready yet):   {_median_ms(back)}")
        print(f"reconfigure() (files + reload, seen by new connections): {_median_ms(reloads)}")
        print(f"stop() (immediate shutdown, data dir removed): {_median_ms(stops)}")
        purge(state)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
