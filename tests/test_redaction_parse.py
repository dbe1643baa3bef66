"""Random passwords, including characters that need percent-encoding, never appear (raw or encoded) in the
parse report (JSON and text), in error messages and hints, in findings, or in the repr of Target and Secret."""

from __future__ import annotations

import io
import json
import random
import string
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from dbdoctor.errors import InputError, TargetParseError
from dbdoctor.postgres.conninfo import redact_text
from dbdoctor.postgres.lint import libpq_parse_report as parse_report
from dbdoctor.postgres.lint import parse_error_finding
from dbdoctor.postgres.sources import resolve
from dbdoctor.render.parse_text import render_parse

ALPHABET = string.ascii_letters + string.digits + "@/#?:%&=+ !$'\"\\[]{}~^,;*()<>|é"


def passwords(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        length = rng.randint(8, 20)
        pw = "".join(rng.choice(ALPHABET) for _ in range(length))
        # at least one special character and one letter run long enough to be unmistakable
        out.append(rng.choice("@/#?:%") + pw + rng.choice("@/%"))
    return out


def forbidden(pw: str) -> list[str]:
    return [pw, quote(pw, safe=""), quote(pw), quote_plus(pw)]


def kw_quote(pw: str) -> str:
    return "'" + pw.replace("\\", "\\\\").replace("'", "\\'") + "'"


def targets(pw: str) -> list[str]:
    enc = quote(pw, safe="")
    return [
        f"postgresql://app:{enc}@db.example.com:5432/app?sslmode=require",
        f"postgresql://app:{pw}@db.example.com/app",
        f"postgresql+asyncpg://app:{pw}@db.example.com/app?sslmode=verify-full",
        f"jdbc:postgresql://db.example.com/app?user=app&password={enc}",
        f"postgres://app:{pw}@[::1]:5433,other:1/app",
        f"host=db.example.com user=app password={kw_quote(pw)} sslmode=require",
        f"host=db.example.com password={kw_quote(pw)} sslMode=require",
        f"postgresql://app:{pw}@db.example.com/app?sslMode=x",
    ]


def assert_clean(text: str, pw: str) -> None:
    for f in forbidden(pw):
        assert f not in text, f"secret leaked in: {text[:300]!r}"


PWS = passwords(40, 20261121)


@pytest.mark.parametrize("pw", PWS)
def test_no_password_anywhere(pw: str, tmp_path: Path) -> None:
    environ = {"HOME": str(tmp_path)}
    for text in targets(pw):
        try:
            report = parse_report(text, environ=environ)
        except InputError as exc:
            assert isinstance(exc, TargetParseError)
            assert_clean(exc.message, pw)
            assert_clean(exc.hint or "", pw)
            assert_clean(str(exc), pw)
            assert_clean(repr(exc), pw)
            f = parse_error_finding(exc)
            assert_clean(json.dumps(f.to_dict()), pw)
            continue
        assert_clean(json.dumps(report.to_dict()), pw)
        out = io.StringIO()
        render_parse(report, redact_text(text), out)
        assert_clean(out.getvalue(), pw)
        assert_clean(repr(report), pw)
        target = resolve(text, environ=environ)
        assert_clean(repr(target), pw)
        assert_clean(str(target.password), pw)
        assert_clean(repr(target.password), pw)
        assert_clean(f"{target.password}", pw)
        assert_clean(redact_text(text), pw)


@pytest.mark.parametrize("pw", PWS[:15])
def test_no_password_from_environment(pw: str, tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"DATABASE_URL='postgresql://app:{quote(pw, safe='')}@h/d'\nPGPASSWORD=x\n")
    environ = {"HOME": str(tmp_path), "PGPASSWORD": pw, "DATABASE_URL": f"postgresql://app:{pw}@h2/d"}
    try:
        report = parse_report(None, environ=environ, env_files=[str(env_file)])
    except TargetParseError as exc:
        assert_clean(exc.message + (exc.hint or ""), pw)
        return
    assert_clean(json.dumps(report.to_dict()), pw)
    out = io.StringIO()
    render_parse(report, None, out)
    assert_clean(out.getvalue(), pw)
    assert_clean(repr(resolve(None, environ=environ, env_files=[str(env_file)])), pw)


def test_pgpass_password_not_shown(tmp_path: Path) -> None:
    pw = "pgpass-S3cret@/%"
    p = tmp_path / "pgpass"
    p.write_text(f"*:*:*:*:{pw}\n")
    p.chmod(0o600)
    report = parse_report("host=h", environ={"HOME": str(tmp_path), "PGPASSFILE": str(p)})
    assert report.password == "set"
    assert_clean(json.dumps(report.to_dict()), pw)
