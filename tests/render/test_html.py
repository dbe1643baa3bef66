"""The support report (``check --report FILE.html``): opened in headless Chromium, checked for what the page
shows, for loading nothing, for escaping, and for never holding a password in any form.

Chromium is Debian's ``chromium`` package (scripts/setup.sh --test installs it). Without it these tests skip
with the reason, except under CI=1, where they fail."""

from __future__ import annotations

import datetime as dt
import html
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import psycopg
import pytest
from psycopg import sql

from dbdoctor.checking import CheckInput
from dbdoctor.postgres.pipeline import check
from dbdoctor.render.html import environment_info, render_html, write_report
from dbdoctor.report import Finding, ModeResult, Report

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage")
ROLE = "html_report_probe"


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        reason = "chromium is not installed (scripts/setup.sh --test installs Debian's chromium package)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {reason}", pytrace=False)
        pytest.skip(reason)
    return exe


def _browser(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


def dump_dom(page: Path, tmp_path: Path) -> str:
    r = _browser(page, tmp_path, "--dump-dom")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "<body" in r.stdout, r.stderr[-2000:]
    return r.stdout


def visible_text(dom: str) -> str:
    """The DOM as text: tags dropped, entities decoded, whitespace collapsed (what a reader sees)."""
    body = re.sub(r"<style.*?</style>", " ", dom, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _pw(seed: int) -> str:
    rng = random.Random(seed)
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789@:/#%?&=+ '\"\\$<>"
    return "Zq" + rng.choice("@:/#%?<") + "".join(rng.choice(alphabet) for _ in range(18))


def _forms(pw: str) -> set[str]:
    quoted = "'" + pw.replace("\\", "\\\\").replace("'", "\\'") + "'"
    raw = {pw, quote(pw, safe=""), quote_plus(pw), quote(pw), quoted}
    return {f for f in raw | {html.escape(f, quote=True) for f in raw} | {html.escape(f, quote=False) for f in raw}
            if len(f) >= 6}


# --- pure: escaping and self-containment ---------------------------------------------------------------------

HOSTILE = '<script>document.title="pwned"</script><img src="http://203.0.113.9/x.png">&amp;'


def _hostile_report() -> Report:
    f = Finding("DD301", "hostname_mismatch", "error", "Name " + HOSTILE, "detail " + HOSTILE, "fix " + HOSTILE,
                "docs/rules/DD301.md")
    return Report(
        engine="postgresql", target="postgresql://app:****@db.example.com/app?x=" + HOSTILE,
        effective={"host": "db.example.com", "password": "set", "sslmode": "verify-full",
                   "provenance": {"host": "url", "sslmode": "env:PGSSLMODE"}},
        verdict="fail", cause="hostname_mismatch",
        modes={"require": ModeResult("ok"), "verify-full": ModeResult("fail", "hostname_mismatch")},
        findings=(f,), timings_ms={"total": 12.5},
        evidence=({"layer": "startup", "text": "start-up over TLS: 28000 " + HOSTILE},),
        driver_error="server said " + HOSTILE,
    )


def test_everything_is_escaped_and_nothing_is_loaded() -> None:
    page = render_html(_hostile_report(), environment={"dbdoctor": "test"},
                       generated=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert "&lt;script&gt;" in page
    assert not re.search(r"""<[^>]*\s(?:src|href)\s*=""", page, re.I)  # no tag loads or links anything
    assert "default-src 'none'" in page
    assert "<link" not in page and "@import" not in page and "url(" not in page


def test_environment_info_names_versions_and_the_ca_bundle() -> None:
    info = environment_info({"SSL_CERT_FILE": "/nonexistent/ca.pem"})
    assert info["libpq"].split(".")[0] == str(psycopg.pq.version() // 10000)
    assert info["psycopg"].startswith(psycopg.__version__)
    assert "OpenSSL" in info["OpenSSL (Python's ssl module)"]
    assert info["CA bundle file"] == "/nonexistent/ca.pem (missing), from SSL_CERT_FILE"
    assert info["Python"].startswith("CPython " + ".".join(map(str, sys.version_info[:2])))


def test_chromium_shows_hostile_text_as_text(tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(render_html(_hostile_report()), encoding="utf-8")
    dom = dump_dom(page, tmp_path)
    assert "<script" not in dom.lower() and "<img" not in dom.lower()
    text = visible_text(dom)
    assert "pwned" not in dom.split("<title>")[1].split("</title>")[0]
    assert '<script>document.title="pwned"</script>' in text  # shown literally, as the server said it
    assert "FAIL" in text and "hostname_mismatch" in text


# --- a real check on the sandbox, through the CLI ----------------------------------------------------------------


@pytest.fixture
def role(pg_sandbox: Any) -> Any:
    with psycopg.connect(pg_sandbox.admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(ROLE)))
    yield pg_sandbox
    with psycopg.connect(pg_sandbox.admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))


def _set_password(srv: Any, pw: str) -> None:
    with psycopg.connect(srv.admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(ROLE), sql.Literal(pw)))


@pytest.mark.server
def test_cli_report_of_a_name_mismatch_in_chromium(role: Any, pki: Any, tmp_path: Path) -> None:
    pw = _pw(1)
    _set_password(role, pw)
    url = (f"postgresql://{ROLE}:{quote(pw, safe='')}@other.example.test:{role.port}/{role.dbname}"
           f"?sslmode=verify-full&sslrootcert={pki.root_ca}&hostaddr=127.0.0.1")
    out = tmp_path / "support.html"
    env = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DATABASE_URL": url}
    proc = subprocess.run([sys.executable, "-m", "dbdoctor", "check", "--timeout", "8", "--report", str(out)],
                          capture_output=True, text=True, env=env, timeout=90)
    assert proc.returncode == 1, proc.stderr
    assert f"Support report written to {out}" in proc.stderr
    assert out.stat().st_mode & 0o777 == 0o600
    page = out.read_text(encoding="utf-8")
    for f in _forms(pw):
        assert f not in page and f not in proc.stdout + proc.stderr, f"password form {f!r} leaked"
    text = visible_text(dump_dom(out, tmp_path))
    assert "dbdoctor support report" in text
    assert re.search(r"Verdict FAIL postgresql://html_report_probe@other\.example\.test:\d+/", text)
    assert "Cause:" in text and "hostname_mismatch" in text and "Fix:" in text
    assert "other.example.test does not match the certificate's names" in text
    # the mode matrix as the browser shows it: require works, verify-full fails on the name
    assert re.search(r"require ok", text) and re.search(r"verify-full \(yours\) fail hostname_mismatch", text)
    assert re.search(r"sslmode verify-full env:DATABASE_URL", text)  # a setting with where it came from
    assert 'does not match host name "other.example.test"' in text  # libpq's own message, verbatim
    assert "Certificate chain" in text and "SHA-256 fingerprint" in text and "leaf" in text
    assert "libpq" in text and "OpenSSL" in text and "CA bundle file" in text
    assert re.search(r"total \d+\.\d", text)


@pytest.mark.server
def test_report_never_holds_the_password(role: Any, pki: Any, tmp_path: Path) -> None:
    """Random passwords through working and failing paths; the page holds none of their forms."""
    for seed in range(2, 6):
        pw = _pw(seed)
        _set_password(role, pw)
        enc = quote(pw, safe="")
        base = f"postgresql://{ROLE}:{enc}@localhost:{role.port}/{role.dbname}"
        for target in (f"{base}?sslmode=verify-full&sslrootcert={pki.root_ca}",
                       f"{base}?sslmode=verify-full&sslrootcert={pki.other_ca}",
                       f"{base}?sslmode=disable",
                       f"postgresql://{ROLE}:{pw}@localhost:{role.port}/{role.dbname}?sslmode=require"):
            report = check(CheckInput(text=target, environ={"HOME": str(tmp_path)}, timeout=8))
            page = tmp_path / "r.html"
            write_report(report, page)
            content = page.read_text(encoding="utf-8")
            for f in _forms(pw):
                assert f not in content, f"password form {f!r} leaked"


@pytest.mark.server
def test_screenshot(role: Any, pki: Any, tmp_path: Path) -> None:
    """A screenshot of a real report renders (looked at by hand once; here only that it is a PNG of size)."""
    report = check(CheckInput(text=role.conninfo(sslrootcert=str(pki.other_ca)), environ={"HOME": str(tmp_path)},
                              timeout=8))
    page = tmp_path / "shot.html"
    write_report(report, page)
    png = Path(os.environ.get("DBDOCTOR_SCREENSHOT", tmp_path / "shot.png"))
    r = _browser(page, tmp_path, f"--screenshot={png}", "--window-size=1200,2400", "--hide-scrollbars")
    assert r.returncode == 0, r.stderr[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
