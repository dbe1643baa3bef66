"""Before/after the engine seam (issue 10): start-up and the preflight fast path must be no slower.

Runs two source trees side by side, interleaved (load from other processes falls on both alike): this tree and
another checkout given with ``--before DIR`` (for instance ``git worktree add /tmp/before ab3b520``). Each
command runs in a fresh interpreter of this venv with ``PYTHONPATH`` set to the tree's ``src``:

- ``python -c "import dbdoctor"``;
- ``dbdoctor --help``;
- ``dbdoctor preflight CONNINFO`` on a PostgreSQL sandbox (the click-free libpq path);
- ``dbdoctor preflight mysql://...`` on a MariaDB sandbox (the MySQL path without click), when MariaDB is here.

Usage: .venv/bin/python bench/seam_ab.py --before /tmp/before [--runs 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", required=True, type=Path, help="a checkout of the tree to compare with")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    trees = {"before": args.before.resolve() / "src", "after": HERE / "src"}
    for name, src in trees.items():
        if not (src / "dbdoctor" / "__init__.py").is_file():
            sys.exit(f"{name}: no dbdoctor package under {src}")

    from dbdoctor.sandbox import start

    pg = start(profile="managed", cert="full")
    try:
        my = start(engine="mariadb", profile="managed", cert="full")
    except Exception as exc:  # MariaDB is a test dependency only
        print(f"(no MariaDB sandbox: {exc}; the MySQL row is skipped)")
        my = None
    try:
        with tempfile.TemporaryDirectory() as home:
            base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "NO_COLOR": "1"}
            conninfo = (f"host=localhost port={pg.port} dbname={pg.dbname} user={pg.user} "
                        f"sslmode=verify-full sslrootcert={pg.ca_file}")
            py = sys.executable
            rows: list[tuple[str, list[str], dict[str, str]]] = [
                ("python -c 'import dbdoctor'", [py, "-c", "import dbdoctor"], base),
                ("dbdoctor --help", [py, "-m", "dbdoctor", "--help"], base),
                ("dbdoctor preflight (PostgreSQL)", [py, "-m", "dbdoctor", "preflight", conninfo],
                 {**base, "PGPASSWORD": pg.password.reveal()}),
            ]
            if my is not None:
                rows.append(("dbdoctor preflight (MariaDB)", [py, "-m", "dbdoctor", "preflight"],
                             {**base, "DATABASE_URL": my.url}))
            print(f"{'':34} {'before':>9} {'after':>9} {'after/before':>13}   (median of {args.runs}, interleaved)")
            for label, cmd, env in rows:
                samples: dict[str, list[float]] = {k: [] for k in trees}
                for src in trees.values():  # warm-up
                    subprocess.run(cmd, env={**env, "PYTHONPATH": str(src)}, capture_output=True, check=True)
                for _ in range(args.runs):
                    for name, src in trees.items():
                        t = time.perf_counter()
                        subprocess.run(cmd, env={**env, "PYTHONPATH": str(src)}, capture_output=True, check=True)
                        samples[name].append((time.perf_counter() - t) * 1000)
                b, a = (statistics.median(samples[k]) for k in ("before", "after"))
                print(f"{label:34} {b:7.1f}ms {a:7.1f}ms {a / b:12.2f}x")
    finally:
        pg.stop()
        if my is not None:
            my.stop()


if __name__ == "__main__":
    main()
