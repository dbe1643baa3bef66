"""``dbdoctor preflight`` and ``dbdoctor.preflight()`` on the real sandbox: the one success line, one failure line
per cause (named by the diagnosis), --json, exit codes, and no password in any output."""

from __future__ import annotations

import json
import os
import re
import socket
from collections.abc import Callable
from typing import Any

import pytest

import dbdoctor
from dbdoctor.api import preflight_result as run
from dbdoctor.cli import main
from dbdoctor.errors import PreflightError
from dbdoctor.gating import SCHEMA
from fix_preflight import Probe, assert_clean

pytestmark = pytest.mark.server

SUCCESS = re.compile(
    r"preflight ok: host=localhost port=(?P<port>\d+) dbname=app user=preflight_probe sslmode=verify-full "
    r"ca_file=set tls=TLSv1\.[23] server=15\.\d+ time=\d+ms"
)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(["preflight", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_success_is_one_line_with_the_settings(probe: Probe, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = cli(capsys, "--timeout", "8", probe.conninfo())
    assert rc == 0, err
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 1
    m = SUCCESS.fullmatch(lines[0])
    assert m, lines[0]
    assert int(m["port"]) == probe.srv.port
    assert_clean(out + err, probe.password)


def test_success_from_the_environment(probe: Probe, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", probe.url())
    rc, out, err = cli(capsys)
    assert rc == 0, err
    assert SUCCESS.fullmatch(out.strip()), out
    assert_clean(out + err, probe.password)


def test_success_json(probe: Probe, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = cli(capsys, "--json", probe.url())
    assert rc == 0, err
    doc = json.loads(out)
    assert doc["schema"] == SCHEMA
    assert doc["ok"] is True
    assert doc["settings"] == {
        "host": "localhost", "hostaddr": None, "port": probe.srv.port, "dbname": "app", "user": "preflight_probe",
        "password": "set", "sslmode": "verify-full", "ca_file": "set",
    }
    assert doc["tls_version"] in ("TLSv1.2", "TLSv1.3")
    assert doc["server_version"].startswith("15.")
    assert doc["cause"] is None and doc["finding"] is None and doc["driver_error"] is None
    assert doc["attempts"] == 1
    assert "****" in doc["target"]
    assert SUCCESS.fullmatch(doc["line"])
    assert_clean(out + err, probe.password)


def test_library_success(probe: Probe) -> None:
    result = dbdoctor.preflight(probe.conninfo(), timeout=8)
    assert result.ok
    assert result.tls_version in ("TLSv1.2", "TLSv1.3")
    assert (result.server_version or "").startswith("15.")
    assert 0 < result.elapsed_ms < 8000
    assert SUCCESS.fullmatch(result.line())
    assert_clean(f"{result!r} {result.to_dict()}", probe.password)


def test_plain_connection_works_and_says_no_tls(probe: Probe, capsys: pytest.CaptureFixture[str]) -> None:
    with probe.srv.configured(profile="both"):
        rc, out, err = cli(capsys, probe.conninfo(sslmode="disable", sslrootcert=None))
    assert rc == 0, err
    assert "sslmode=disable ca_file=unset tls=none server=15." in out


#: (name, how the sandbox is configured, target overrides, extra CLI args, expected cause)
Case = tuple[str, dict[str, str], Callable[[Probe], dict[str, Any]], tuple[str, ...], str]
CASES: list[Case] = [
    ("plain refused", {}, lambda p: {"sslmode": "disable"}, (), "server_requires_ssl"),
    ("wrong password", {}, lambda p: {"password": p.password + "x"}, (), "password_failed"),
    ("no database", {}, lambda p: {"dbname": "nosuchdb"}, (), "database_missing"),
    ("wrong CA", {}, lambda p: {"sslrootcert": str(p.pki.other_ca)}, (), "cert_untrusted"),
    ("CA file missing", {}, lambda p: {"sslrootcert": "/nonexistent/ca.pem"}, (), "ca_file_missing"),
    ("name mismatch", {}, lambda p: {"host": "other.example.test", "hostaddr": "127.0.0.1"}, (),
     "hostname_mismatch"),
    ("refused", {}, lambda p: {"port": free_port()}, (), "connection_refused"),
    # the reject profile rejects the sandbox's own user
    ("hba reject", {"profile": "reject"}, lambda p: {"user": p.srv.user, "password": p.srv.password.reveal()}, (),
     "hba_rejected"),
    ("server without TLS", {"profile": "ssl_off"}, lambda p: {}, (), "server_ssl_unsupported"),
    ("expired certificate", {"cert": "expired"}, lambda p: {}, (), "cert_expired"),
    ("internal host in a build", {}, lambda p: {"host": "db.railway.internal"}, ("--phase", "build"),
     "build_time_internal_host"),
    ("internal host at run time", {}, lambda p: {"host": "db.railway.internal"}, ("--phase", "run"),
     "dns_unresolved"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_failure_is_one_line_with_cause_and_fix(case: Case, probe: Probe, capsys: pytest.CaptureFixture[str]) -> None:
    _name, config, overrides, extra, cause = case
    target = probe.conninfo(**overrides(probe))
    with probe.srv.configured(**config):
        rc, out, err = cli(capsys, "--timeout", "8", *extra, target)
        rc_json, out_json, err_json = cli(capsys, "--json", "--timeout", "8", *extra, target)
    assert rc == 1 and rc_json == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"preflight failed ({cause}) for "), lines[0]
    assert " Fix: " in lines[0]
    doc = json.loads(out_json)
    assert doc["ok"] is False and doc["cause"] == cause
    assert doc["finding"] is not None and doc["finding"]["cause"] == cause
    assert doc["fix"] and doc["problem"]
    assert doc["driver_error"]
    assert err_json == ""
    assert_clean(out + err + out_json + err_json, probe.password)


def test_build_markers_name_the_cause_without_phase(probe: Probe, capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    rc, _out, err = cli(capsys, "--timeout", "8", probe.conninfo(host="postgres.prod.svc.cluster.local"))
    assert rc == 1
    assert err.startswith("preflight failed (build_time_internal_host)"), err
    assert "GITHUB_ACTIONS=true (GitHub Actions)" in err
    assert "start" in err and "build" in err


def test_check_phase_build(probe: Probe, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["check", "--json", "--timeout", "8", "--phase", "build", probe.conninfo(host="db.internal")])
    out, _err = capsys.readouterr()
    doc = json.loads(out)
    assert rc == 1
    assert doc["cause"] == "build_time_internal_host"
    assert [f["code"] for f in doc["findings"] if f["cause"] == "build_time_internal_host"] == ["DD601"]


def test_library_raises_with_the_finding(probe: Probe) -> None:
    with pytest.raises(PreflightError) as info:
        dbdoctor.preflight(probe.conninfo(dbname="nosuchdb"), timeout=8)
    err = info.value
    assert err.finding is not None and err.finding.cause == "database_missing"
    assert str(err).startswith("preflight failed (database_missing)")
    assert "\n" not in str(err)
    assert_clean(f"{err} {err!r} {err.finding!r}", probe.password)


def test_unparseable_target(probe: Probe, capsys: pytest.CaptureFixture[str]) -> None:
    """libpq's parser rejects it: exit 2 from the CLI, PreflightError(invalid_target) from the library."""
    bad = probe.conninfo() + " sslmode='verify-full"
    rc, out, err = cli(capsys, bad)
    assert rc == 2
    assert out == ""
    assert err.startswith("error: ")
    assert_clean(err, probe.password)
    with pytest.raises(PreflightError) as info:
        dbdoctor.preflight(bad)
    assert info.value.finding is not None and info.value.finding.cause == "invalid_target"
    assert_clean(f"{info.value} {info.value!r}", probe.password)


def test_parsed_but_invalid_value(probe: Probe, capsys: pytest.CaptureFixture[str]) -> None:
    """libpq parses the URL but will not connect with it: a failure (exit 1) with the static cause."""
    bad = probe.url().replace(f":{probe.srv.port}/", f":{probe.srv.port}:999/")
    rc, out, err = cli(capsys, bad)
    assert rc == 1
    assert err.startswith(f"preflight failed (param_invalid) for localhost:{probe.srv.port}:999: "), err
    assert_clean(out + err, probe.password)


def test_no_time_left_for_the_diagnosis_still_names_a_cause(probe: Probe) -> None:
    """With a deadline too short for the diagnosis, the driver's message (the catalog) names the cause."""
    result = run(probe.conninfo(port=free_port()), timeout=0.3)
    assert not result.ok
    assert result.cause == "connection_refused"
    assert result.finding is None
    assert result.line().startswith("preflight failed (connection_refused)")


def test_subprocess_keeps_stdout_clean(probe: Probe) -> None:
    """The console script, as an app's start command runs it: password only in the environment."""
    import subprocess
    import sys

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ["HOME"], "DATABASE_URL": probe.url()}
    ok = subprocess.run([sys.executable, "-m", "dbdoctor", "preflight"], capture_output=True, text=True, env=env,
                        timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert SUCCESS.fullmatch(ok.stdout.strip())
    env["DATABASE_URL"] = probe.url().replace("sslmode=verify-full", "sslmode=disable")
    bad = subprocess.run([sys.executable, "-m", "dbdoctor", "preflight"], capture_output=True, text=True, env=env,
                         timeout=60)
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert bad.stderr.startswith("preflight failed (server_requires_ssl)")
    assert_clean(ok.stdout + ok.stderr + bad.stdout + bad.stderr, probe.password)


@pytest.mark.parametrize("first", ["psycopg2", "none"])
def test_tls_version_with_another_libpq_loaded(probe: Probe, first: str) -> None:
    """psycopg2-binary bundles a libpq of its own; with it loaded too, the TLS version must still come from
    psycopg's libpq (asking the other build about psycopg's connection crashed the process)."""
    import subprocess
    import sys

    if first == "psycopg2":
        pytest.importorskip("psycopg2")
    # psycopg first, psycopg2 after: the later library is mapped at a lower address, first in /proc/self/maps
    code = (f"import psycopg\nimport {first}\n" if first != "none" else "") + (
        "import dbdoctor\n"
        "print(dbdoctor.preflight().line())\n"
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ["HOME"], "DATABASE_URL": probe.url()}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert SUCCESS.fullmatch(proc.stdout.strip()), proc.stdout


def test_success_path_imports_no_diagnosis(probe: Probe) -> None:
    """An app calls the preflight at every start: on success nothing of the pipeline, the rules, the message
    catalog, click or rich is imported."""
    import subprocess
    import sys

    code = (
        "import sys, dbdoctor\n"
        "result = dbdoctor.preflight()\n"
        "heavy = ('dbdoctor.postgres.pipeline', 'dbdoctor.rules', 'dbdoctor.messages', 'dbdoctor.explain', 'click', 'rich')\n"
        "print(result.ok, sorted(m for m in sys.modules if m.split('.')[0] in heavy or m.startswith(heavy)))\n"
    )
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ["HOME"], "DATABASE_URL": probe.url()}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "True []"
