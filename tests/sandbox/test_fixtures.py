"""The shared fixtures skip without PostgreSQL binaries, except under CI, where they must fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent.parent


def _run_inner(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_inner.py").write_text(
        "def test_uses_sandbox(pg_sandbox):\n    assert pg_sandbox.port\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["DBDOCTOR_PG_BINDIR"] = str(tmp_path / "no-binaries-here")
    env["DBDOCTOR_SANDBOX_DIR"] = str(tmp_path / "state")
    env["PYTHONPATH"] = str(TESTS)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "-p", "fix_sandbox",
         "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path / "test_inner.py")],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path,
    )  # fmt: skip


def test_missing_binaries_skip_outside_ci(tmp_path: Path) -> None:
    out = _run_inner(tmp_path, ci=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "1 skipped" in out.stdout
    assert "does not hold initdb" in out.stdout


def test_missing_binaries_fail_under_ci(tmp_path: Path) -> None:
    out = _run_inner(tmp_path, ci=True)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "CI is set" in out.stdout


def test_pki_fixture_needs_no_server(pki: object) -> None:
    from dbdoctor.sandbox.certs import Pki

    assert isinstance(pki, Pki)
    assert pki.root_ca.is_file() and pki.client_key.is_file()


@pytest.mark.server
def test_pg_configure_factory(pg_configure: object, pg_sandbox: object) -> None:
    from dbdoctor.sandbox import SandboxServer

    assert isinstance(pg_sandbox, SandboxServer)
    assert callable(pg_configure)
    srv = pg_configure(profile="both")
    assert srv.profile == "both" and srv is pg_sandbox


@pytest.mark.server
def test_pg_configure_restored_afterwards(pg_sandbox: object) -> None:
    # runs after the test above (file order): the factory put the session server back
    from dbdoctor.sandbox import SandboxServer

    assert isinstance(pg_sandbox, SandboxServer)
    assert (pg_sandbox.profile, pg_sandbox.cert) == ("managed", "full")
