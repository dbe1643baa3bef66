"""``dbdoctor parse`` through the real console script: exit codes, stdout/stderr separation, JSON shape."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from psycopg.conninfo import conninfo_to_dict

ROOT = Path(__file__).resolve().parents[2]
EXE = ROOT / ".venv" / "bin" / "dbdoctor"


def run(*args: str, env: dict[str, str] | None = None, home: Path) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([str(EXE), "parse", *args], env=base | (env or {}), capture_output=True, text=True,
                          timeout=60)


def test_json_contract(tmp_path: Path) -> None:
    url = "postgresql://app:s3cr%40t@db.example.com/app?sslmode=require"
    r = run(url, "--json", home=tmp_path, env={"PGSSLMODE": "disable"})
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert list(doc) == ["schema", "engine", "params", "effective", "password", "provenance", "redacted",
                         "findings"]
    assert doc["schema"] == "dbdoctor.parse/1" and doc["engine"] == "postgresql"
    assert doc["params"] == {k: v for k, v in conninfo_to_dict(url).items() if k != "password"}
    assert doc["effective"]["port"] == 5432 and doc["provenance"]["port"] == "default"
    assert doc["password"] == "set"
    assert doc["redacted"] == ("host=db.example.com port=5432 dbname=app user=app sslmode=require "
                               "password=REDACTED")
    assert [f["code"] for f in doc["findings"]] == ["DD107"]
    assert "s3cr" not in r.stdout + r.stderr


def test_text_output(tmp_path: Path) -> None:
    r = run("host=db.example.com sslmode=verify-full", home=tmp_path)
    assert r.returncode == 1  # no root certificate file: an error finding
    assert "Effective settings" in r.stdout and "DD104" in r.stdout
    assert "host=db.example.com port=5432" in r.stdout
    assert "\x1b[" not in r.stdout and r.stderr == ""


@pytest.mark.parametrize("target,needle", [
    ("postgresql://u:p%zz@h/d", "%25"),
    ("host=h sslMode=require", '"sslmode"'),
    ("postgresql://[::1/d", "postgresql://"),
    ("host='oops", "quote"),
])
def test_unparseable_exits_2(target: str, needle: str, tmp_path: Path) -> None:
    r = run(target, "--json", home=tmp_path)
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("error: ") and "hint: " in r.stderr and needle in r.stderr
    assert "zz" not in r.stderr


def test_error_finding_exits_1(tmp_path: Path) -> None:
    r = run("postgresql://app:p@ss@db.example.com/app", "--json", home=tmp_path)
    assert r.returncode == 1
    doc = json.loads(r.stdout)
    assert doc["findings"][0]["code"] == "DD101" and doc["params"]["host"] == "****@db.example.com"
    assert "p@ss" not in r.stdout


def test_env_file_and_database_url(tmp_path: Path) -> None:
    a, b = tmp_path / ".env", tmp_path / ".env.production"
    a.write_text("DATABASE_URL=postgresql://app:dotsecret1@a-host/app\nPGSSLMODE=disable\n")
    b.write_text("PGSSLMODE=verify-full\nPGSSLROOTCERT=system\n")
    r = run("--env-file", str(a), "--env-file", str(b), "--json", home=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["effective"]["host"] == "a-host"
    assert doc["provenance"]["host"] == f"dotenv:{a}" and doc["provenance"]["sslmode"] == f"dotenv:{b}"
    assert "dotsecret1" not in r.stdout
    assert any("Two dotenv files disagree" in f["detail"] for f in doc["findings"])


def test_missing_env_file_exits_2(tmp_path: Path) -> None:
    r = run("--env-file", str(tmp_path / "nope"), home=tmp_path)
    assert r.returncode == 2 and "nope" in r.stderr and r.stdout == ""
