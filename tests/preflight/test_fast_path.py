"""The fast success path of ``dbdoctor preflight`` (dbdoctor.postgres.fast, issue 5) against the full path it
short-cuts, on the real sandbox: for every way of giving the settings, the console command's line and JSON are
what the full path prints (``DBDOCTOR_PREFLIGHT_FAST=0``), it imports neither psycopg nor click, failures still
get the diagnosis, and no form of the (random) password shows anywhere."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from dbdoctor import _entry, gating
from dbdoctor.postgres import fast as _gatefast
from dbdoctor.postgres import libpq as _libpq
from dbdoctor.postgres import sources
from fix_preflight import ROLE, Probe, assert_clean

#: modules the fast success path must not import (the heavy ones it exists to avoid)
HEAVY = ("psycopg", "psycopg_binary", "psycopg2", "click", "cryptography", "rich", "dotenv", "dbdoctor.postgres.pipeline",
         "dbdoctor.rules", "dbdoctor.cli", "dbdoctor.postgres.gate", "dbdoctor.postgres.sources",
         "dbdoctor.mysql.sources", "dbdoctor.drivers", "dbdoctor.checking", "dbdoctor.gating")
TIME = re.compile(r"time=\d+ms")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def dbdoctor(args: list[str], env: dict[str, str], *, fast: bool, importtime: bool = False
             ) -> subprocess.CompletedProcess[str]:
    """The console command (``python -m dbdoctor`` goes through the same entry as the script)."""
    env = {**env, _gatefast.SWITCH: "1" if fast else "0"}
    cmd = [sys.executable, *(["-X", "importtime"] if importtime else []), "-m", "dbdoctor", "preflight", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)


def imported(stderr: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def base_env() -> dict[str, str]:
    """The test process' environment (the probe fixture removed PG*, DATABASE_URL and set an empty HOME)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}


def normalised(doc: dict[str, Any]) -> dict[str, Any]:
    doc = dict(doc)
    doc["elapsed_ms"] = 0
    doc["line"] = TIME.sub("time=Xms", doc["line"])
    return doc


#: (name, prepare(probe, tmp_path) -> (args, extra environment))
Setup = Callable[[Probe, Path], tuple[list[str], dict[str, str]]]


def _service(p: Probe, tmp: Path) -> tuple[list[str], dict[str, str]]:
    conf = tmp / "pg_service.conf"
    conf.write_text(f"[app]\nhost=localhost\nport={p.srv.port}\ndbname={p.srv.dbname}\nuser={ROLE}\n"
                    f"sslmode=verify-full\nsslrootcert={p.pki.root_ca}\n")
    return ["service=app"], {"PGSERVICEFILE": str(conf), "PGPASSWORD": p.password}


def _pgpass(p: Probe, tmp: Path) -> tuple[list[str], dict[str, str]]:
    pgpass = tmp / "pgpass"
    escaped = p.password.replace("\\", "\\\\").replace(":", "\\:")
    pgpass.write_text(f"localhost:{p.srv.port}:*:{ROLE}:{escaped}\n")
    pgpass.chmod(0o600)
    return [p.conninfo(password=None)], {"PGPASSFILE": str(pgpass)}


def _env_file(p: Probe, tmp: Path) -> tuple[list[str], dict[str, str]]:
    f = tmp / ".env"
    # single quotes: python-dotenv takes the value literally; the real environment's PGSSLMODE wins over the file's
    f.write_text(f"DATABASE_URL='{p.url()}'\nPGSSLMODE=disable\nPGAPPNAME=from-dotenv\n")
    return ["--env-file", str(f)], {"PGSSLMODE": "verify-full"}


def _env_file_password(p: Probe, tmp: Path) -> tuple[list[str], dict[str, str]]:
    from dbdoctor.envgen import render

    f = tmp / "app.env"
    # written the way python-dotenv reads it back exactly (envgen's dotenv form is round-trip tested)
    f.write_text(render({"PGPASSWORD": p.password}, "dotenv"))
    return [f"--env-file={f}", p.conninfo(password=None)], {}


CASES: list[tuple[str, Setup]] = [
    ("keywords", lambda p, t: ([p.conninfo()], {})),
    ("url", lambda p, t: ([p.url()], {})),
    ("url json", lambda p, t: (["--json", p.url()], {})),
    ("DATABASE_URL", lambda p, t: ([], {"DATABASE_URL": p.url()})),
    ("DATABASE_URL json", lambda p, t: (["--json"], {"DATABASE_URL": p.url()})),
    ("PG variables only", lambda p, t: (["--json"], {
        "PGHOST": "localhost", "PGPORT": str(p.srv.port), "PGDATABASE": p.srv.dbname, "PGUSER": ROLE,
        "PGPASSWORD": p.password, "PGSSLMODE": "verify-full", "PGSSLROOTCERT": str(p.pki.root_ca)})),
    ("target and PG variables", lambda p, t: ([f"host=localhost port={p.srv.port}"], {
        "PGDATABASE": p.srv.dbname, "PGUSER": ROLE, "PGPASSWORD": p.password, "PGSSLMODE": "verify-ca",
        "PGSSLROOTCERT": str(p.pki.root_ca)})),
    ("service file", _service),
    ("pgpass", _pgpass),
    ("env file, real environment wins", _env_file),
    ("env file password", _env_file_password),
    ("sslmode=require, no CA", lambda p, t: ([p.conninfo(sslmode="require", sslrootcert=None)], {})),
    ("sslmode=prefer", lambda p, t: (["--json", p.conninfo(sslmode="prefer", sslrootcert=None)], {})),
    ("sslmode=verify-ca", lambda p, t: ([p.conninfo(sslmode="verify-ca")], {})),
    ("default root.crt", lambda p, t: ([p.conninfo(sslmode="verify-full", sslrootcert=None)], {"ROOTCRT": "1"})),
    ("hostaddr", lambda p, t: (["--json", p.conninfo(hostaddr="127.0.0.1")], {})),
    ("two hosts, first refused", lambda p, t: (
        ["--json", p.conninfo(host="localhost,localhost", port=f"{free_port()},{p.srv.port}")], {})),
    ("shorter connect_timeout", lambda p, t: ([p.url("connect_timeout=3")], {})),
    ("options", lambda p, t: (["--timeout", "5", "--phase", "run", "--driver", "libpq", p.conninfo()], {})),
    ("phase build json", lambda p, t: (["--json", "--phase=build", p.conninfo()], {})),
]


@pytest.mark.server
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_fast_success_equals_the_full_path(case: tuple[str, Setup], probe: Probe, tmp_path: Path) -> None:
    _name, setup = case
    args, extra = setup(probe, tmp_path)
    if extra.pop("ROOTCRT", None):
        (tmp_path / ".postgresql").mkdir()
        (tmp_path / ".postgresql" / "root.crt").write_bytes(Path(probe.pki.root_ca).read_bytes())
    env = {**base_env(), **extra}
    fast = dbdoctor(args, env, fast=True, importtime=True)
    full = dbdoctor(args, env, fast=False)
    assert fast.returncode == 0, fast.stderr[-2000:]
    assert full.returncode == 0, full.stderr[-2000:]
    # the fast path was taken: nothing heavy imported
    # (python-dotenv reads --env-file files, as in the full path: their parser is the one apps use)
    allowed = ("dotenv",) if any(a.startswith("--env-file") for a in args) else ()
    heavy = sorted(m for m in imported(fast.stderr) if m.startswith(HEAVY) and not m.startswith(allowed))
    assert heavy == []
    if "--json" in args:
        got, want = json.loads(fast.stdout), json.loads(full.stdout)
        assert normalised(got) == normalised(want)
        assert got["ok"] is True and got["tls_version"] in (None, "TLSv1.2", "TLSv1.3")
    else:
        assert TIME.sub("time=X", fast.stdout) == TIME.sub("time=X", full.stdout)
        assert fast.stdout.startswith("preflight ok: ") and fast.stdout.count("\n") == 1
    assert full.stderr == ""
    assert_clean(fast.stdout + fast.stderr + full.stdout + full.stderr, probe.password)


def test_the_cases_show_what_they_claim(probe: Probe, tmp_path: Path) -> None:
    """A few of the lines above, checked field by field (equal to the full path is not enough on its own)."""
    env = base_env()
    args, extra = _env_file(probe, tmp_path)
    out = dbdoctor(args, {**env, **extra}, fast=True).stdout
    assert "sslmode=verify-full" in out and f"user={ROLE}" in out  # the real environment's PGSSLMODE won
    two = dbdoctor([probe.conninfo(host="localhost,localhost", port=f"{free_port()},{probe.srv.port}")], env,
                   fast=True).stdout
    assert two.startswith("preflight ok: host=localhost,localhost port=") and "tls=TLSv1." in two
    addr = dbdoctor([probe.conninfo(hostaddr="127.0.0.1")], env, fast=True).stdout
    assert "host=localhost hostaddr=127.0.0.1 port=" in addr
    req = dbdoctor([probe.conninfo(sslmode="require", sslrootcert=None)], env, fast=True).stdout
    assert "sslmode=require ca_file=unset tls=TLSv1." in req
    assert_clean(out + two + addr + req, probe.password)


FAILURES: list[tuple[str, Callable[[Probe], str], str]] = [
    ("wrong password", lambda p: p.conninfo(password=p.password + "x"), "password_failed"),
    ("refused", lambda p: p.conninfo(port=free_port()), "connection_refused"),
    ("wrong CA", lambda p: p.conninfo(sslrootcert=str(p.pki.other_ca)), "cert_untrusted"),
    ("no database", lambda p: p.url().replace(f"/{p.srv.dbname}?", "/nosuchdb?"), "database_missing"),
]


@pytest.mark.server
@pytest.mark.parametrize("case", FAILURES, ids=[c[0] for c in FAILURES])
def test_failures_still_get_the_diagnosis(case: tuple[str, Callable[[Probe], str], str], probe: Probe) -> None:
    _name, target, cause = case
    env = base_env()
    text = target(probe)
    fast = dbdoctor(["--timeout", "8", text], env, fast=True)
    full = dbdoctor(["--timeout", "8", text], env, fast=False)
    assert fast.returncode == full.returncode == 1
    assert fast.stdout == full.stdout == ""
    assert fast.stderr.startswith(f"preflight failed ({cause}) for "), fast.stderr
    assert fast.stderr == full.stderr
    assert_clean(fast.stderr + full.stderr, probe.password)


@pytest.mark.server
def test_a_bent_url_takes_the_full_path(probe: Probe) -> None:
    """An unencoded '@' in the URL's password bends it: the full path masks the pieces, so it decides."""
    bent = f"postgresql://{ROLE}:pa@ss{probe.password[:4]}@localhost:{probe.srv.port}/{probe.srv.dbname}"
    assert not _gatefast.eligible(bent)
    proc = dbdoctor(["--timeout", "8", bent], base_env(), fast=True, importtime=True)
    assert proc.returncode in (1, 2)  # libpq may reject it (2) or connect elsewhere and fail (1)
    assert "click" in imported(proc.stderr)
    assert "preflight failed (" in proc.stderr or "error: " in proc.stderr
    assert f"ss{probe.password[:4]}" not in "\n".join(
        line for line in proc.stderr.splitlines() if not line.startswith("import time:"))


def test_eligible_targets() -> None:
    assert _gatefast.eligible(None)
    assert _gatefast.eligible("host=db sslmode=require")
    assert _gatefast.eligible("postgresql://u:p%40ss@db/app?sslmode=require")
    assert _gatefast.eligible("postgres://db:5432/app")
    assert not _gatefast.eligible("postgresql+asyncpg://u@db/app")  # the scheme names a driver
    assert not _gatefast.eligible("jdbc:postgresql://db/app")
    assert not _gatefast.eligible("appdb")  # libpq would read a bare database name; the full path would not
    assert not _gatefast.eligible("")
    assert not _gatefast.eligible("postgresql://u:p@ss@db/app")
    assert not _gatefast.eligible("postgresql://u:p/ss@db/app")
    assert not _gatefast.eligible("postgresql://u:p#ss@db/app")


def test_connect_timeout_agrees_with_the_full_path() -> None:
    from dbdoctor.postgres.probe import build_params

    for timeout, theirs in ((10.0, None), (10.0, "3"), (10.0, "1"), (0.5, None), (2.5, "30"), (10.0, "x"),
                            (10.0, "0"), (10.0, "-5")):
        text = "host=db" + (f" connect_timeout={theirs}" if theirs is not None else "")
        target = sources.resolve(text, environ={"HOME": "/nonexistent"})
        assert _gatefast.connect_timeout(timeout, theirs) == int(build_params(target, timeout=timeout)[
            "connect_timeout"]), (timeout, theirs)


def test_constants_agree() -> None:
    assert _gatefast.SCHEMA == gating.SCHEMA
    assert _gatefast.DEFAULT_PORT == sources.DEFAULT_PORT
    assert _gatefast.DEFAULT_SOCKET_DIR == sources.DEFAULT_SOCKET_DIR
    assert _gatefast.server_version_text(150008) == "15.8"
    assert _gatefast.server_version_text(90624) == "9.6.24"


def test_only_psycopgs_own_libpq(monkeypatch: pytest.MonkeyPatch) -> None:
    path = _libpq.bundled_path()
    assert path is not None, "psycopg-binary's libpq not found"
    assert "/psycopg_binary.libs/libpq-" in path
    lib = _libpq.load()
    assert lib is not None and lib.version() >= 180000  # psycopg 3.3's wheel bundles libpq 18
    import psycopg

    assert lib.version() == psycopg.pq.version()
    monkeypatch.setenv("PSYCOPG_IMPL", "python")  # psycopg would use the system's libpq: not ours to load
    assert _libpq.bundled_path() is None
    assert _libpq.load() is None


@pytest.mark.parametrize("args", [
    ["--wait", "5"], ["--help"], ["-h"], ["--timeout", "0"], ["--timeout", "abc"], ["--timeout", "nan"],
    ["--timeout"], ["--driver", "psycopg2"], ["--phase", "later"], ["a", "b"], ["--", "x"], ["--env-file", "/"],
    ["--bogus"], ["--timeout", "-1"],
])
def test_anything_unusual_goes_to_click(args: list[str]) -> None:
    assert _entry.parse_preflight(args) is None


def test_simple_options_are_read_as_click_reads_them() -> None:
    got = _entry.parse_preflight(["--json", "--timeout=2.5", "--env-file", "a.env", "--env-file=b.env",
                                  "--phase", "build", "--driver=libpq", "host=db"])
    assert got == {"target": "host=db", "as_json": True, "timeout": 2.5, "env_files": ("a.env", "b.env"),
                   "phase": "build", "driver": "libpq"}
    assert _entry.parse_preflight([]) == {"target": None, "as_json": False, "timeout": 10.0, "env_files": (),
                                          "phase": None, "driver": None}


def test_help_and_errors_are_clicks() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "DATABASE_URL"))}
    help_ = subprocess.run([sys.executable, "-m", "dbdoctor", "preflight", "--help"], capture_output=True,
                           text=True, env=env, timeout=60)
    assert help_.returncode == 0 and help_.stdout.startswith("Usage: dbdoctor preflight [OPTIONS] [TARGET]")
    bad = subprocess.run([sys.executable, "-m", "dbdoctor", "preflight", "--timeout", "0"], capture_output=True,
                         text=True, env=env, timeout=60)
    assert bad.returncode == 2 and "Invalid value for '--timeout'" in bad.stderr


def test_a_silent_server_is_left_to_the_full_path_in_time(capsys: pytest.CaptureFixture[str]) -> None:
    """A listener that never answers: the fast attempt gives up by --timeout (plus its grace), prints nothing,
    and leaves the environment as it was."""
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(4)  # the kernel completes the handshake; nobody ever speaks
        port = s.getsockname()[1]
        before = dict(os.environ)
        t = time.monotonic()
        done = _gatefast.run(f"host=127.0.0.1 port={port} sslmode=disable user=x dbname=x", as_json=False,
                             timeout=1.0)
        took = time.monotonic() - t
    assert done is False
    assert took < 1.0 + _gatefast.GRACE + 0.5, took
    assert capsys.readouterr() == ("", "")
    assert dict(os.environ) == before


def test_options_never_read_a_secret() -> None:
    lib = _libpq.load()
    assert lib is not None
    conn = lib.start({"dbname": f"host=127.0.0.1 port={free_port()} password=sekrit-pw sslpassword=other-pw "
                                "user=x dbname=y"}, expand_dbname=True)
    assert conn is not None
    try:
        options = lib.options(conn)
        assert options["user"] == "x" and options["dbname"] == "y"
        assert not {"password", "sslpassword", "oauth_client_secret"} & set(options)
        assert "sekrit-pw" not in repr(options) and "other-pw" not in repr(options)
        assert lib.has_password(conn)
    finally:
        lib.finish(conn)


@pytest.mark.parametrize("timeout", [2.0, 3.0])
def test_command_against_a_silent_server_stays_within_timeout(timeout: float, tmp_path: Path) -> None:
    """The fast attempt and the diagnosis after it share one deadline: the whole command, interpreter start
    included, does not outlive --timeout by more than a second (plus the interpreter's own start)."""
    import subprocess
    import sys
    import time

    from fix_listeners import listener, silent

    with listener(silent) as lst:
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "dbdoctor", "preflight", "--timeout", str(timeout),
             f"host=127.0.0.1 port={lst.port} user=app dbname=app sslmode=prefer"],
            capture_output=True, text=True, timeout=60, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        )
        took = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr
    assert "connect_timeout" in proc.stderr, proc.stderr
    assert took <= timeout + 1.0 + 0.6, f"{took:.2f}s for --timeout {timeout}"
