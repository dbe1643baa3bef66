"""The Django system checks with Django itself (``python -m django check``, as ``manage.py check`` runs them):
insecure SSL settings under ``--deploy``, the preflight under ``--tag dbdoctor`` on the real sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("django")

from fix_preflight import Probe, assert_clean

HERE = Path(__file__).resolve().parent


def manage(*args: str, **db: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONPATH": str(HERE),
        "DJANGO_SETTINGS_MODULE": "django_settings",
    }
    env.update({f"DB_{k.upper()}": v for k, v in db.items()})
    return subprocess.run([sys.executable, "-m", "django", "check", *args], capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.parametrize(
    ("db", "shown"),
    [
        ({"host": "db.example.com", "sslmode": "require"}, "sslmode=require (from"),
        ({"host": "db.example.com"}, "sslmode=prefer (the default)"),
        ({"host": "10.1.2.3", "sslmode": "disable"}, "a private address does not make it safe"),
        ({"host": "db.example.com", "sslmode": "allow"}, "sslmode=allow"),
    ],
)
def test_deploy_reports_unverified_sslmode(db: dict[str, str], shown: str) -> None:
    proc = manage("--deploy", **db)
    out = proc.stdout + proc.stderr
    assert "dbdoctor.W001" in out, out
    assert shown in out
    assert "verify-full" in out  # the hint


@pytest.mark.parametrize(
    "db",
    [
        {"host": "db.example.com", "sslmode": "verify-full", "sslrootcert": "/etc/ssl/certs/ca-certificates.crt"},
        {"host": "db.example.com", "sslmode": "verify-full", "sslrootcert": "system"},
        {"host": "localhost", "sslmode": "disable"},  # loopback: nothing crosses a network
        {"host": "/var/run/postgresql", "sslmode": "disable"},
    ],
)
def test_deploy_accepts_verified_or_local(db: dict[str, str]) -> None:
    proc = manage("--deploy", **db)
    assert "dbdoctor.W" not in proc.stdout + proc.stderr


def test_deploy_reads_pgsslmode_like_libpq(monkeypatch: pytest.MonkeyPatch) -> None:
    """The effective mode is libpq's: PGSSLMODE applies when OPTIONS say nothing."""
    monkeypatch.setenv("PGSSLMODE", "verify-full")
    monkeypatch.setenv("PGSSLROOTCERT", "system")
    env_proc = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(HERE), "DJANGO_SETTINGS_MODULE": "django_settings",
             "DB_HOST": "db.example.com"},
    )
    assert "dbdoctor.W001" not in env_proc.stdout + env_proc.stderr


@pytest.mark.server
def test_tag_runs_the_preflight(probe: Probe) -> None:
    srv = probe.srv
    db: dict[str, Any] = {"host": "localhost", "port": str(srv.port), "name": srv.dbname, "user": "preflight_probe",
                          "password": probe.password, "sslrootcert": str(probe.pki.root_ca)}
    good = manage("--tag", "dbdoctor", "--database", "default", **db, sslmode="verify-full")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "no issues" in good.stdout
    bad = manage("--tag", "dbdoctor", "--database", "default", **db, sslmode="disable")
    out = bad.stdout + bad.stderr
    assert bad.returncode == 1
    assert "dbdoctor.E001" in out
    assert "preflight failed (server_requires_ssl)" in out
    wrong = manage("--tag", "dbdoctor", "--database", "default", **{**db, "password": probe.password + "x"},
                   sslmode="verify-full")
    assert "preflight failed (password_failed)" in wrong.stdout + wrong.stderr
    for proc in (good, bad, wrong):
        assert_clean(proc.stdout + proc.stderr, probe.password)


@pytest.mark.server
def test_plain_check_does_not_connect(probe: Probe) -> None:
    """Without --database the preflight does not connect (Django's contract for checks), not even with the tag;
    `migrate` names its database, so it runs there."""
    for args in ((), ("--tag", "dbdoctor"), ("--deploy",)):
        proc = manage(*args, host="localhost", port="1", sslmode="verify-full")
        assert "dbdoctor.E001" not in proc.stdout + proc.stderr, args
    tagged = manage("--database", "default", host="localhost", port="1", sslmode="verify-full")
    assert tagged.returncode == 1
    assert "preflight failed (connection_refused)" in tagged.stdout + tagged.stderr


@pytest.mark.server
def test_migrate_stops_with_the_cause(probe: Probe) -> None:
    """`migrate` passes its database to the checks: a connection that cannot work is named before it runs."""
    srv = probe.srv
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONPATH": str(HERE), "DJANGO_SETTINGS_MODULE": "django_settings",
        "DB_HOST": "localhost", "DB_PORT": str(srv.port), "DB_NAME": srv.dbname, "DB_USER": "preflight_probe",
        "DB_PASSWORD": probe.password, "DB_SSLMODE": "disable",
    }
    proc = subprocess.run([sys.executable, "-m", "django", "migrate", "--database", "default"], capture_output=True,
                          text=True, env=env, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "dbdoctor.E001" in out and "preflight failed (server_requires_ssl)" in out
    assert_clean(out, probe.password)
