"""``dbdoctor sources``, ``env`` and ``password`` through the real console script: stdout/stderr, exit codes,
where a password may appear (env and password --generate on stdout only) and where it may not."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict

ROOT = Path(__file__).resolve().parents[2]
EXE = ROOT / ".venv" / "bin" / "dbdoctor"


def run(*args: str, home: Path, env: dict[str, str] | None = None, stdin: str | None = None,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run([str(EXE), *args], env=base | (env or {}), capture_output=True, text=True, timeout=60,
                          input=stdin, cwd=cwd or home)


def test_sources_text_json_and_exit_codes(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DATABASE_URL=postgresql://app:Xy9%24secretz@db.one/app?sslmode=require\n")
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  web:\n    environment:\n      - DATABASE_URL=postgresql://app:Xy9secretz@db.two/app\n")
    r = run("sources", str(tmp_path), home=tmp_path)
    assert r.returncode == 1, r.stderr
    assert "docker-compose.yml  (docker-compose)" in r.stdout and "line 4" in r.stdout
    assert "postgresql://app:****@db.one/app?sslmode=require" in r.stdout
    assert "DD701" in r.stdout and "db.one (.env:1)" in r.stdout
    r = run("sources", str(tmp_path), "--json", home=tmp_path)
    doc = json.loads(r.stdout)
    assert doc["schema"] == "dbdoctor.sources/1" and [f["code"] for f in doc["findings"]] == ["DD701"]
    for out in (r.stdout, r.stderr):
        assert "Xy9" not in out and "secretz" not in out
    (tmp_path / "docker-compose.yml").unlink()
    assert run("sources", str(tmp_path), home=tmp_path).returncode == 0


def test_env_prints_the_password_on_stdout_only(tmp_path: Path) -> None:
    url = "postgresql://app:p%40ss%27w%24rd@db.example.com:5433/app?sslmode=verify-full"
    r = run("env", "--format", "json", "--style", "laravel", "--rename", "DB_HOST=DATABASE_HOST", home=tmp_path,
            env={"DATABASE_URL": url})
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["DB_PASSWORD"] == "p@ss'w$rd" and doc["DATABASE_HOST"] == "db.example.com"
    assert "DB_HOST" not in doc and doc["DB_PORT"] == "5433"
    assert conninfo_to_dict(doc["DB_URL"])["password"] == "p@ss'w$rd"
    assert "p@ss" not in r.stderr and "%40" not in r.stderr


def test_env_shell_output_sourced_by_bash(tmp_path: Path) -> None:
    pw = "a'b\"c$d`e\\f g!h"
    f = tmp_path / "pw.env"
    f.write_text("PGPASSWORD=" + json.dumps(pw) + "\n")
    r = run("env", "host=db.example.com dbname=app user=app", "--env-file", str(f), "--style", "pg",
            "--format", "shell", home=tmp_path)
    assert r.returncode == 0, r.stderr
    script = tmp_path / "s.sh"
    script.write_text(r.stdout + 'printf "%s" "$PGPASSWORD"\n')
    got = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=True, timeout=30).stdout
    assert got == pw


def test_env_k8s_secret_name_is_validated(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "postgresql://app:pw@db/app"}
    r = run("env", "--format", "k8s", "--name", "Bad_Name", home=tmp_path, env=env)
    assert r.returncode == 2 and "Kubernetes object name" in r.stderr and r.stdout == ""
    r = run("env", "--format", "k8s", "--name", "app-db", home=tmp_path, env=env)
    assert r.returncode == 0 and 'name: "app-db"' in r.stdout


def test_env_compose(tmp_path: Path) -> None:
    f = tmp_path / ".env"
    f.write_text('DB_HOST=db.internal\nDB_PORT=6432\nDB_USER=app\nDB_PASSWORD="p@ss:w/rd#1"\nDB_NAME=app\n')
    r = run("env", "--compose", "--env-file", str(f), "--format", "dotenv", home=tmp_path)
    assert r.returncode == 0, r.stderr
    key, _, value = r.stdout.strip().partition("=")
    assert key == "DATABASE_URL"
    url = json.loads(value)
    assert conninfo_to_dict(url) == {"host": "db.internal", "port": "6432", "user": "app",
                                     "password": "p@ss:w/rd#1", "dbname": "app"}
    assert "p@ss" not in r.stderr and "DB_PASSWORD" in r.stderr
    r = run("env", "--compose", home=tmp_path)
    assert r.returncode == 2 and "--from-env" in r.stderr
    r = run("env", "--compose", "--from-env", home=tmp_path, env={"DB_HOST": "h", "DB_PASSWORD": "x y"})
    assert r.returncode == 0 and "postgresql://:x%20y@h" in r.stdout


def test_password_check_reads_stdin_and_names_failing_rules(tmp_path: Path) -> None:
    r = run("password", "--check", home=tmp_path, stdin="abcdefgh\n")
    assert r.returncode == 1
    assert "FAIL  an upper-case letter" in r.stdout and "FAIL  a digit" in r.stdout
    assert "abcdefgh" not in r.stdout + r.stderr
    r = run("password", "--check", "--json", home=tmp_path, stdin="Abcdefg1$")
    assert r.returncode == 0 and json.loads(r.stdout)["failing"] == []
    r = run("password", "--check", "--min-length", "12", "--json", home=tmp_path, stdin="Abcdefg1$")
    assert json.loads(r.stdout)["failing"] == ["length"]
    r = run("password", "--check", "Abcdefg1$", home=tmp_path)  # no argument for the password
    assert r.returncode == 2


def test_password_generate_and_remind(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DATABASE_URL=postgresql://app:Old9%24pass@db/app\nDB_PASSWORD=Old9$pass\n")
    r = run("password", "--generate", "--json", "--remind", str(tmp_path), home=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert len(doc["password"]) == 24
    assert conninfo_to_dict(f"postgresql://u:{doc['url_encoded']}@h/d")["password"] == doc["password"]
    assert ".env:1  DATABASE_URL" in r.stderr and ".env:2  DB_PASSWORD" in r.stderr
    assert doc["password"] not in r.stderr and "Old9" not in r.stdout + r.stderr
    check = run("password", "--check", home=tmp_path, stdin=doc["password"])
    assert check.returncode == 0
    # the reminder is on by default (current directory), on stdout for --check, and can be switched off
    assert ".env:2  DB_PASSWORD" in check.stdout and doc["password"] not in check.stdout
    quiet = run("password", "--check", "--no-remind", home=tmp_path, stdin=doc["password"])
    assert "DB_PASSWORD" not in quiet.stdout + quiet.stderr
