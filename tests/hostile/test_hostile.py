"""Every hostile behaviour x every runner (issue 13): wall time within ``--timeout`` + 0.5 s (plus the interpreter's
start, measured), exit 0-2, no traceback, peak RSS under 150 MB, output bounded, valid UTF-8 and free of the
server's control bytes, no password in any output, and none sent where the behaviour forbids it.

The whole table runs once per session, a few children at a time (the machine is shared); each cell is then one
test that reads its outcome. ``HOSTILE_ONLY=substring`` restricts the table while debugging.
"""

from __future__ import annotations

import base64
import json
import os
import re
import tempfile
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from hostile.behaviours import BEHAVIOURS, PASSWORD, Behaviour
from hostile.runners import RUNNERS, Outcome, run, startup_seconds

TIMEOUT = 2.0
SLACK = 0.5
MAX_RSS_KB = 150 * 1024
MAX_OUTPUT = 64 * 1024
PARALLEL = int(os.environ.get("HOSTILE_PARALLEL", "4"))
ONLY = os.environ.get("HOSTILE_ONLY", "")

#: C0 controls except TAB and LF, DEL, and the C1 controls once decoded
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
_C1 = re.compile("[\x80-\x9f]")

CELLS = [(b, r) for b in BEHAVIOURS for r in RUNNERS if ONLY in b.name]


def test_at_least_forty_behaviours() -> None:
    assert len(BEHAVIOURS) >= 40
    assert len({b.name for b in BEHAVIOURS}) == len(BEHAVIOURS)
    assert {b.engine for b in BEHAVIOURS} == {"pg", "my"}


_startups: list[float] = []


@pytest.fixture(scope="module")
def outcomes() -> dict[tuple[str, str], Outcome | BaseException]:
    """Runs the table; a no-I/O command (``parse``) runs every tenth job, under the same load, to measure the
    interpreter's start (the part of a run no deadline can cover)."""
    results: dict[tuple[str, str], Outcome | BaseException] = {}
    with tempfile.TemporaryDirectory(prefix="hostile-certs-") as tmp:

        def one(cell: tuple[Behaviour, str] | None) -> None:
            if cell is None:
                _startups.append(startup_seconds(1))
                return
            b, r = cell
            work = Path(tmp) / f"{b.name}-{r}"
            work.mkdir()
            try:
                results[(b.name, r)] = run(b, RUNNERS[r], work, TIMEOUT)
            except BaseException as exc:
                results[(b.name, r)] = exc

        with ThreadPoolExecutor(PARALLEL) as pool:
            jobs: list[tuple[Behaviour, str] | None] = []
            for i, cell in enumerate(CELLS):
                if i % 10 == 0:
                    jobs.append(None)
                jobs.append(cell)
            list(pool.map(one, jobs))
    return results


@pytest.fixture(scope="module")
def startup(outcomes: object) -> float:
    """The median start-up measured while the table ran."""
    return sorted(_startups)[len(_startups) // 2] if _startups else startup_seconds()


def _password_forms(pw: str) -> list[bytes]:
    raw = pw.encode()
    return [raw, urllib.parse.quote(pw, safe="").encode(), base64.b64encode(raw), raw.hex().encode()]


@pytest.mark.parametrize(("behaviour", "runner"), [(b.name, r) for b, r in CELLS])
def test_hostile(behaviour: str, runner: str, outcomes: dict[tuple[str, str], Outcome | BaseException],
                 startup: float) -> None:
    got = outcomes[(behaviour, runner)]
    if isinstance(got, BaseException):
        raise got
    b = next(x for x in BEHAVIOURS if x.name == behaviour)
    where = f"{behaviour} x {runner}"
    assert not got.killed, f"{where}: killed after {got.elapsed:.1f}s"
    assert got.elapsed <= TIMEOUT + SLACK + startup, (
        f"{where}: {got.elapsed:.2f}s for --timeout {TIMEOUT} (start-up {startup:.2f}s)"
    )
    assert got.returncode in (0, 1, 2), f"{where}: exit {got.returncode}\n{got.stderr[-2000:].decode(errors='replace')}"
    assert b"Traceback" not in got.stderr, f"{where}: {got.stderr[-3000:].decode(errors='replace')}"
    assert got.maxrss_kb < MAX_RSS_KB, f"{where}: peak RSS {got.maxrss_kb / 1024:.0f} MB"
    assert got.stdout_size + got.stderr_size < MAX_OUTPUT, f"{where}: {got.stdout_size}+{got.stderr_size} bytes"
    for name, data in (("stdout", got.stdout), ("stderr", got.stderr)):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            pytest.fail(f"{where}: {name} is not UTF-8: {exc}")
        bad = _CONTROL_BYTES.search(data)
        assert bad is None, f"{where}: control byte {bad.group()!r} in {name}: ...{data[max(0, bad.start() - 60):bad.end() + 20]!r}"
        c1 = _C1.search(text)
        assert c1 is None, f"{where}: C1 control {c1.group()!r} in {name}"
        for form in _password_forms(PASSWORD):
            assert form not in data, f"{where}: password in {name}"
    if RUNNERS[runner].json_stdout:
        json.loads(got.stdout)
    if b.password_never_sent:
        for form in _password_forms(PASSWORD):
            assert form not in got.received, f"{where}: the server received the password"
