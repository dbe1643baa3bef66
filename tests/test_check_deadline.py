"""``dbdoctor check --timeout`` is a deadline for the whole run, probes and the real driver included: against
listeners that misbehave on purpose, nothing outlives it by more than a second."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fix_listeners import listener, s_then_garbage, silent, slow_bytes

DBDOCTOR = [sys.executable, "-m", "dbdoctor"]

CASES = {
    "accepts and never replies": silent,
    "replies byte by byte": slow_bytes(b"N" + b"\0" * 40, 0.4),
    "S then garbage": s_then_garbage(),
    "S then garbage later": s_then_garbage(separate=True),
}


@pytest.mark.parametrize("timeout", [2.0, 3.5])
@pytest.mark.parametrize("name", list(CASES))
def test_check_respects_timeout(name: str, timeout: float, tmp_path: Path) -> None:
    with listener(CASES[name]) as lst:
        target = f"host=127.0.0.1 port={lst.port} user=app dbname=app password=Pw0rd-x sslmode=prefer"
        started = time.monotonic()
        proc = subprocess.run(
            [*DBDOCTOR, "check", "--json", "--timeout", str(timeout), target],
            capture_output=True,
            text=True,
            timeout=timeout + 20,
            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )
        elapsed = time.monotonic() - started
    assert elapsed <= timeout + 1.0 + 0.6, f"{name}: {elapsed:.2f}s for --timeout {timeout}"  # +0.6 s interpreter start
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["verdict"] == "fail"
    assert report["cause"] in ("connect_timeout", "not_the_database", "tls_handshake_failed"), report["cause"]
    assert "Pw0rd-x" not in proc.stdout + proc.stderr
