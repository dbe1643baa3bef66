"""No password, in any encoding, in what ``check`` produces: the text and JSON renderings, the report's repr,
the library's exceptions, the CLI's stdout and stderr, across the paths that work and those that fail.

Random passwords with the characters that need percent-encoding, on a real sandbox server, with a role whose
password really is the random one (so the success and post-authentication paths are covered too)."""

from __future__ import annotations

import io
import json
import os
import random
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from dbdoctor.checking import CheckInput
from dbdoctor.errors import PreflightError
from dbdoctor.postgres.pipeline import check
from dbdoctor.render.text import render_check

pytestmark = pytest.mark.server

ROLE = "redaction_probe"
SPECIAL = "@:/#%?&=+ '\"\\$"


def _passwords(n: int) -> list[str]:
    rng = random.Random(20261121)
    alphabet = string.ascii_letters + string.digits + SPECIAL
    out = []
    for _ in range(n):
        body = "".join(rng.choice(alphabet) for _ in range(rng.randint(10, 24)))
        # at least one character that breaks URLs, and a distinctive core that cannot occur by chance
        out.append(f"Zq{rng.choice('@:/#%?')}{body}")
    return out


PASSWORDS = _passwords(8)


def forms(pw: str) -> set[str]:
    """Every way the password could leak: raw, percent-encoded, form-encoded, libpq-quoted."""
    quoted = "'" + pw.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return {f for f in (pw, quote(pw, safe=""), quote_plus(pw), quote(pw), quoted) if len(f) >= 6}


def assert_clean(text: str, pw: str) -> None:
    for f in forms(pw):
        assert f not in text, f"password form {f!r} leaked"


@pytest.fixture
def role(pg_sandbox: Any) -> Iterator[Any]:
    with psycopg.connect(pg_sandbox.admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(ROLE)))
    yield pg_sandbox
    with psycopg.connect(pg_sandbox.admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))


def _set_password(srv: Any, pw: str) -> None:
    with psycopg.connect(srv.admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(ROLE), sql.Literal(pw)))


def _targets(srv: Any, pki: Any, pw: str) -> dict[str, str]:
    base = {"host": "localhost", "port": srv.port, "dbname": srv.dbname, "user": ROLE, "password": pw}
    kw = lambda **o: make_conninfo("", **{**base, **o})  # noqa: E731
    enc = quote(pw, safe="")
    url = f"postgresql://{ROLE}:{enc}@localhost:{srv.port}/{srv.dbname}"
    return {
        "works": kw(sslmode="verify-full", sslrootcert=str(pki.root_ca)),
        "wrong CA": kw(sslmode="verify-full", sslrootcert=str(pki.other_ca)),
        "plain refused": kw(sslmode="disable"),
        "name mismatch, fix proved": kw(sslmode="verify-full", sslrootcert=str(pki.root_ca),
                                        host="other.example.test", hostaddr="127.0.0.1"),
        "no such database": kw(sslmode="require", dbname="nosuchdb"),
        "url encoded": f"{url}?sslmode=verify-full&sslrootcert={pki.root_ca}",
        "url raw password": f"postgresql://{ROLE}:{pw}@localhost:{srv.port}/{srv.dbname}?sslmode=require",
        "bad option": kw(sslmode="required"),
    }


@pytest.mark.parametrize("pw", PASSWORDS, ids=[f"pw{i}" for i in range(len(PASSWORDS))])
def test_check_never_shows_the_password(pw: str, role: Any, pki: Any, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    _set_password(role, pw)
    for name, target in _targets(role, pki, pw).items():
        report = check(CheckInput(text=target, environ=dict(os.environ), timeout=8))
        out = io.StringIO()
        render_check(report, out)
        everything = "\n".join([out.getvalue(), json.dumps(report.to_dict()), repr(report), str(report)])
        assert_clean(everything, pw)
        if name == "works":
            assert report.verdict == "ok", report.driver_error


def test_cli_and_library_errors_never_show_the_password(role: Any, pki: Any, tmp_path: Path) -> None:
    pw = PASSWORDS[0]
    _set_password(role, pw)
    env = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for name, target in _targets(role, pki, pw).items():
        for extra in ([], ["--json"]):
            proc = subprocess.run([sys.executable, "-m", "dbdoctor", "check", *extra, "--timeout", "8", target],
                                  capture_output=True, text=True, env=env, timeout=60)
            assert proc.returncode in (0, 1, 2), (name, proc.stderr)
            assert_clean(proc.stdout + proc.stderr, pw)
    import dbdoctor

    for name in ("wrong CA", "plain refused", "no such database", "bad option"):
        target = _targets(role, pki, pw)[name]
        with pytest.raises(PreflightError) as info:
            dbdoctor.preflight(target, environ=env, timeout=8)
        assert_clean(f"{info.value} {info.value!r} {info.value.finding!r}", pw)


def test_demo_shows_no_password() -> None:
    proc = subprocess.run([sys.executable, "-m", "dbdoctor", "demo"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    from dbdoctor.cli.demo import DEMO_PASSWORD

    assert_clean(proc.stdout + proc.stderr, DEMO_PASSWORD)
    assert "postgresql://app:****@" in proc.stdout
