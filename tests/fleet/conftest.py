"""Fleet fixtures: a small sandbox fleet (real PostgreSQL and MariaDB servers with different TLS set-ups and
their ground truth), shared by the tests of this directory, and dbdoctor exporters run as real processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbdoctor.sandbox.fleet import FLEET_SMALL, SERVERNAME, SandboxFleet

ROOT = Path(__file__).resolve().parents[2]
DBDOCTOR = [sys.executable, "-m", "dbdoctor"]


@pytest.fixture(scope="session")
def fleet() -> Iterator[SandboxFleet]:
    from dbdoctor.sandbox import mariadb
    from dbdoctor.sandbox.postgres import find_bindir

    try:
        find_bindir()
    except Exception as exc:
        pytest.skip(str(exc))
    if not mariadb.available():
        pytest.skip("MariaDB server binaries are not installed")
    with SandboxFleet(FLEET_SMALL) as fl:
        yield fl


def exporter_config(fleet: SandboxFleet, path: Path, *, aliases: bool = True) -> Path:
    """An exporter config naming every fleet member (and, with ``aliases``, a second name for each, checked
    against ``localhost``), with the fleet's CA file."""
    lines = ["modules:", "  default:", f"    ca_file: {fleet.ca_file}", "    timeout: 3", "targets:"]
    for m in fleet.members:
        lines += [f"  - name: {m.name}", "    host: 127.0.0.1", f"    port: {m.port}",
                  f"    servername: {SERVERNAME}", f"    labels: {{engine_expected: {m.truth.engine}}}"]
        if aliases:
            lines += [f"  - name: {m.name}-alias", "    host: 127.0.0.1", f"    port: {m.port}",
                      "    servername: localhost"]
    path.write_text("\n".join(lines) + "\n")
    return path


class ExporterProcess:
    def __init__(self, config: Path) -> None:
        env = dict(os.environ)
        self.proc = subprocess.Popen([*DBDOCTOR, "exporter", "--config", str(config), "--listen", "127.0.0.1:0"],
                                     stderr=subprocess.PIPE, text=True, env=env)
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()
        m = re.search(r"http://([\d.]+):(\d+)/", line)
        if m is None:
            self.proc.kill()
            raise AssertionError(f"the exporter did not announce its address: {line!r}")
        self.host, self.port = m.group(1), int(m.group(2))

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)


@pytest.fixture
def start_exporter() -> Iterator[object]:
    started: list[ExporterProcess] = []

    def start(config: Path) -> ExporterProcess:
        e = ExporterProcess(config)
        started.append(e)
        return e

    yield start
    for e in started:
        e.stop()


def wait_for(predicate: object, timeout: float, what: str) -> object:
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        last = predicate()  # type: ignore[operator]
        if last:
            return last
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}; last: {last!r}")
