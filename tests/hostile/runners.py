"""The runners: how each dbdoctor command is pointed at a hostile server, as a subprocess of the CLI. A table, so
``scan`` is a row like the others. The exporter is a server, not a command: its /probe runs the same prober as
scan (dbdoctor.fleet.probe), which this table covers through scan.

``run(behaviour, runner, workdir, timeout)`` starts the behaviour's server, runs the command against it and
returns an ``Outcome``: wall time, exit status, both outputs, the child's peak RSS (``os.wait4``) and what the
server received.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from fix_listeners import Listener
from hostile.behaviours import PASSWORD, Behaviour

DBDOCTOR = [sys.executable, "-m", "dbdoctor"]
#: outputs are read up to this size; anything bigger already fails the "bounded" check
READ_LIMIT = 8 << 20


@dataclasses.dataclass(frozen=True)
class Runner:
    name: str
    argv: Callable[[str, float], list[str]]
    #: stdout must be one JSON document
    json_stdout: bool = False


RUNNERS: dict[str, Runner] = {
    "check": Runner("check", lambda target, t: [*DBDOCTOR, "check", "--timeout", str(t), target]),
    "check-json": Runner("check-json", lambda target, t: [*DBDOCTOR, "check", "--json", "--timeout", str(t), target],
                         json_stdout=True),
    "preflight": Runner("preflight", lambda target, t: [*DBDOCTOR, "preflight", "--timeout", str(t), target]),
    # scan is password-free: the target's password must not reach the server, nor its output
    "scan": Runner("scan", lambda target, t: [*DBDOCTOR, "scan", "--timeout", str(t), "--format", "jsonl",
                                              "-t", target], json_stdout=False),
}


def target_for(behaviour: Behaviour, port: int) -> str:
    if behaviour.engine == "pg":
        url = f"postgresql://app:{PASSWORD}@127.0.0.1:{port}/app?sslmode=prefer"
    else:
        url = f"mysql://app:{PASSWORD}@127.0.0.1:{port}/app"
    if behaviour.query:
        url += ("&" if "?" in url else "?") + behaviour.query
    return url


@dataclasses.dataclass
class Outcome:
    behaviour: str
    runner: str
    timeout: float
    elapsed: float
    returncode: int
    stdout: bytes
    stderr: bytes
    stdout_size: int
    stderr_size: int
    maxrss_kb: int
    received: bytes
    killed: bool


def _child_env(home: Path) -> dict[str, str]:
    return {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "LC_ALL": "C.UTF-8",
        "DBDOCTOR_SANDBOX_DIR": os.environ.get("DBDOCTOR_SANDBOX_DIR", str(home / "sbx")),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def _guarded(made: Callable[..., None]) -> Callable[..., None]:
    def handler(conn: object) -> None:
        with contextlib.suppress(Exception):
            made(conn)

    return handler


def run(behaviour: Behaviour, runner: Runner, workdir: Path, timeout: float) -> Outcome:
    received: list[bytes] = []
    made = behaviour.make(workdir, received)
    server = Listener(_guarded(made)) if callable(made) else made  # type: ignore[arg-type]
    try:
        argv = runner.argv(target_for(behaviour, server.port), timeout)  # type: ignore[union-attr]
        with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
            home = Path(tmp)
            out, err = home / "stdout", home / "stderr"
            with out.open("wb") as fo, err.open("wb") as fe:
                started = time.monotonic()
                rss_file = home / "rss"
                launcher = [sys.executable, "-S", "-I", str(Path(__file__).with_name("_rss.py")), str(rss_file)]
                proc = subprocess.Popen([*launcher, *argv], stdout=fo, stderr=fe, stdin=subprocess.DEVNULL, env=_child_env(home),
                                        start_new_session=True)
                killed = threading.Event()

                def kill() -> None:
                    killed.set()
                    with contextlib.suppress(OSError):
                        os.killpg(proc.pid, signal.SIGKILL)

                watchdog = threading.Timer(timeout + 20, kill)
                watchdog.start()
                _, status, _usage = os.wait4(proc.pid, 0)
                elapsed = time.monotonic() - started
                watchdog.cancel()
                proc.returncode = os.waitstatus_to_exitcode(status)
                maxrss = int(rss_file.read_text() or 0) if rss_file.exists() else 0
            with out.open("rb") as f:
                stdout = f.read(READ_LIMIT)
            with err.open("rb") as f:
                stderr = f.read(READ_LIMIT)
            return Outcome(
                behaviour.name, runner.name, timeout, elapsed, proc.returncode, stdout, stderr,
                out.stat().st_size, err.stat().st_size, maxrss, b"".join(received), killed.is_set(),
            )
    finally:
        server.close()  # type: ignore[union-attr]


def startup_seconds(runs: int = 3) -> float:
    """The wall time of a command that does no I/O (``parse``): interpreter start and imports, the part of a run
    that comes before any deadline can start."""
    best = 10.0
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        for _ in range(runs):
            started = time.monotonic()
            subprocess.run([*DBDOCTOR, "parse", "postgresql://app@127.0.0.1/app"], capture_output=True,
                           env=_child_env(Path(tmp)), check=False, timeout=30)
            best = min(best, time.monotonic() - started)
    return best
