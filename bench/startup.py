"""Start-up cost: `python -c "import dbdoctor"`, the public API import, and `dbdoctor --help`; median of N."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

N = 15
VENV_BIN = Path(sys.executable).parent


def median_ms(cmd: list[str]) -> float:
    samples = []
    for _ in range(N):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def main() -> None:
    py = sys.executable
    rows = [
        ("python -c pass (baseline)", [py, "-c", "pass"]),
        ("import dbdoctor", [py, "-c", "import dbdoctor"]),
        ("import dbdoctor.postgres.pipeline", [py, "-c", "import dbdoctor.postgres.pipeline"]),
        ("dbdoctor --help", [str(VENV_BIN / "dbdoctor"), "--help"]),
    ]
    for label, cmd in rows:
        print(f"{label:32} {median_ms(cmd):7.1f} ms (median of {N})")


if __name__ == "__main__":
    main()
