"""The preflight's cost on a local sandbox (TLS, scram, verify-full), median of 20 runs each:

- the command: ``dbdoctor preflight`` vs ``psql -c 'select 1'`` with the same settings, wall time of the whole
  command (interpreter start included, as a start command sees it); target: within 1.5x of psql. "after" is
  the fast success path (dbdoctor.postgres.fast, libpq through ctypes, no click); "before" is the full path it
  replaced (``DBDOCTOR_PREFLIGHT_FAST=0``: click, psycopg, gate.run).
- where the fast command's time goes: the interpreter, ``import dbdoctor``, loading the bundled libpq, and one
  bare libpq connection through ctypes in a process of its own.
- the library, in one process after imports: ``dbdoctor.preflight()`` vs a bare ``psycopg.connect()`` + close;
  target: within a few milliseconds.
- the library, cold: ``python -c "import dbdoctor; dbdoctor.preflight()"`` vs the same with ``import psycopg;
  psycopg.connect()``, to show what the imports cost at app start.

The password travels in PGPASSWORD, never on a command line.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

RUNS = 20


def median_ms(fn: Callable[[], object]) -> float:
    fn()  # warm-up (page cache, the server's first backend)
    samples = []
    for _ in range(RUNS):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def medians_interleaved(fns: list[Callable[[], object]]) -> list[float]:
    """Median of RUNS for each, taken in turns, so that load from other processes on a shared machine falls on
    all of them alike (the ratio is what matters)."""
    for fn in fns:
        fn()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(RUNS):
        for fn, out in zip(fns, samples, strict=True):
            t = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t) * 1000)
    return [statistics.median(x) for x in samples]


def run_cmd(cmd: list[str], env: dict[str, str]) -> Callable[[], object]:
    return lambda: subprocess.run(cmd, check=True, capture_output=True, env=env)


def main() -> None:
    import psycopg

    import dbdoctor
    from dbdoctor.sandbox import start

    srv = start(profile="managed", cert="full")
    try:
        with tempfile.TemporaryDirectory() as home:
            conninfo = (f"host=localhost port={srv.port} dbname={srv.dbname} user={srv.user} "
                        f"sslmode=verify-full sslrootcert={srv.ca_file}")
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
                   "PGPASSWORD": srv.password.reveal(), "DATABASE_URL": ""}
            del env["DATABASE_URL"]
            exe = str(Path(sys.executable).parent / "dbdoctor")
            psql, cli, before = medians_interleaved([
                run_cmd(["psql", conninfo, "-Atqc", "select 1"], env),
                run_cmd([exe, "preflight", conninfo], env),
                run_cmd([exe, "preflight", conninfo], {**env, "DBDOCTOR_PREFLIGHT_FAST": "0"}),
            ])
            print(f"psql -c 'select 1'             {psql:7.1f} ms (median of {RUNS}, runs interleaved)")
            print(f"dbdoctor preflight (after)     {cli:7.1f} ms  = {cli / psql:.2f}x psql (target <= 1.5x)")
            print(f"dbdoctor preflight (before)    {before:7.1f} ms  = {before / psql:.2f}x psql (full path)")

            py = sys.executable
            parts = [
                ("python -c pass", "pass"),
                ("+ import dbdoctor.postgres.fast", "import dbdoctor.postgres.fast"),
                ("+ load the bundled libpq", "import dbdoctor.postgres.fast, dbdoctor.postgres.libpq as p; p.load()"),
                ("+ one bare ctypes connection",
                 "import dbdoctor.postgres.libpq as p, select\n"
                 f"lib = p.load(); c = lib.start({{'dbname': {conninfo!r}}}, expand_dbname=True); st = 2\n"
                 "while st not in (0, 3):\n"
                 "    s = lib.socket(c); select.select([s] if st == 1 else [], [s] if st == 2 else [], [], 5)\n"
                 "    st = lib.poll(c)\n"
                 "assert lib.status(c) == 0; lib.finish(c)"),
                ("python -c 'import click' (not paid)", "import click"),
            ]
            part_ms = medians_interleaved([run_cmd([py, "-c", code], env) for _, code in parts])
            for (label, _), ms in zip(parts, part_ms, strict=True):
                print(f"  {label:<36} {ms:7.1f} ms")

            cold_lib = median_ms(run_cmd(
                [sys.executable, "-c", f"import dbdoctor; dbdoctor.preflight({conninfo!r})"], env))
            cold_bare = median_ms(run_cmd(
                [sys.executable, "-c", f"import psycopg; psycopg.connect({conninfo!r}).close()"], env))
            floor = median_ms(run_cmd([sys.executable, "-c", "pass"], env))
            imp = median_ms(run_cmd([sys.executable, "-c", "import psycopg"], env))
            print(f"cold: python -c pass             {floor:7.1f} ms")
            print(f"cold: python -c 'import psycopg' {imp:7.1f} ms  (the floor of any psycopg-based preflight)")
            print(f"cold: python -c psycopg.connect  {cold_bare:7.1f} ms")
            print(f"cold: python -c dbdoctor.preflight {cold_lib:5.1f} ms  (+{cold_lib - cold_bare:.1f} ms)")

            os.environ["PGPASSWORD"] = srv.password.reveal()
            os.environ["HOME"] = home

            def bare() -> None:
                psycopg.connect(conninfo).close()

            def lib() -> None:
                dbdoctor.preflight(conninfo)

            b = median_ms(bare)
            pf = median_ms(lib)
            print(f"warm: psycopg.connect + close  {b:7.1f} ms")
            print(f"warm: dbdoctor.preflight()     {pf:7.1f} ms  (+{pf - b:.1f} ms; target: a few ms)")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
