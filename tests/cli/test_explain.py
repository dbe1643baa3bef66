"""`dbdoctor explain` on the command line: exit codes, stdin, --json, plain output when piped, no secrets."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from dbdoctor.cli import main
from dbdoctor.route import all_rules

NO_ENCRYPTION = (
    'connection failed: connection to server at "db.example.com" (10.0.0.5), port 5432 failed: FATAL:  no '
    'pg_hba.conf entry for host "203.0.113.9", user "app", database "app", no encryption'
)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    rc = main(["explain", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_message_explained(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run([NO_ENCRYPTION], capsys)
    assert rc == 0
    assert "server_requires_ssl" in out
    assert "203.0.113.9" in out
    assert "sslmode=verify-full" in out  # the fix
    assert "\x1b[" not in out  # plain when not a terminal


def test_unquoted_words_are_joined(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["FATAL:", "sorry,", "too", "many", "clients", "already"], capsys)
    assert rc == 0 and "too_many_connections" in out


def test_code(capsys: pytest.CaptureFixture[str]) -> None:
    rules = all_rules()
    if not rules:
        pytest.skip("no rules registered")
    rule = rules[0]
    rc, out, _ = run([rule.code.lower()], capsys)
    assert rc == 0
    assert out.splitlines()[0] == f"{rule.code}: {rule.title}"
    for name in ("What it checks", "Why it matters", "How to fix", "Example"):
        assert name in out
    assert "``" not in out


def test_cause(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["hostname_mismatch"], capsys)
    assert rc == 0 and out.startswith("hostname_mismatch: ")


def test_unknown_exits_1_and_suggests_check(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["something nobody ever printed"], capsys)
    assert rc == 1
    assert "dbdoctor check" in out


def test_empty_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(["  "], capsys)
    assert rc == 2 and out == ""
    assert "nothing to explain" in err


def test_missing_argument_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, _ = run([], capsys)
    assert rc == 2


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("Traceback ...\n" + NO_ENCRYPTION + "\n"))
    rc, out, _ = run(["-"], capsys)
    assert rc == 0 and "server_requires_ssl" in out


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["--json", NO_ENCRYPTION], capsys)
    assert rc == 0
    d = json.loads(out)
    assert d["schema"] == "dbdoctor.explain/1"
    assert d["kind"] == "message" and d["rule"] is None
    m = d["matches"][0]
    assert (m["id"], m["cause"], m["confirmed"]) == ("pg.hba.no_entry.no_encryption", "server_requires_ssl", True)
    assert m["extracted"]["address"] == "203.0.113.9"


def test_json_unknown_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(["--json", "nope"], capsys)
    assert rc == 1 and json.loads(out)["kind"] == "unknown"


@pytest.mark.parametrize("as_json", [False, True])
def test_password_never_echoed(as_json: bool, capsys: pytest.CaptureFixture[str]) -> None:
    text = 'postgresql://u:S3cr%40t@h/db ... failed: FATAL:  password authentication failed for user "u"'
    rc, out, err = run((["--json"] if as_json else []) + [text], capsys)
    assert rc == 0
    for form in ("S3cr%40t", "S3cr@t", "S3cr"):
        assert form not in out + err
    if as_json:
        assert json.loads(out)["query"].startswith("postgresql://u:****@h/db")


def test_color_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from dbdoctor.cli import explain as cmd

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Tty())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cmd._use_color()
    monkeypatch.setenv("NO_COLOR", "1")
    assert not cmd._use_color()
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.delenv("NO_COLOR")
    assert not cmd._use_color()


def test_rich_rendering_on_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from dbdoctor.cli import explain as cmd

    monkeypatch.setattr(cmd, "_use_color", lambda: True)
    rc, out, _ = run([NO_ENCRYPTION], capsys)
    assert rc == 0 and "server_requires_ssl" in out


def test_console_script_pipe() -> None:
    """The real entry point, piped: no colour codes, exit code as documented, no network needed."""
    proc = subprocess.run(
        [sys.executable, "-m", "dbdoctor", "explain", "-"],
        input="SSL error: certificate verify failed",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "cert_untrusted" in proc.stdout and "\x1b[" not in proc.stdout


def test_a_refusal_at_one_address_is_not_called_the_likely_cause(capsys: pytest.CaptureFixture[str]) -> None:
    """libpq's two-address text (localhost as ::1, then 127.0.0.1): the answer from 127.0.0.1 is the likely
    cause; the refusal at ::1 is shown after it, and not labelled a likely cause."""
    text = (
        'connection failed: connection to server at "localhost" (::1), port 5432 failed: Connection refused\n'
        "\tIs the server running on that host and accepting TCP/IP connections?\n"
        'connection to server at "localhost" (127.0.0.1), port 5432 failed: FATAL:  no pg_hba.conf entry for '
        'host "127.0.0.1", user "app", database "app", no encryption'
    )
    rc, out, _ = run([text], capsys)
    assert rc == 0
    first, second = out.split("\n1. ", 1)[1].split("\n2. ", 1)
    assert "server_requires_ssl" in first and "Likely cause:" in first
    assert "connection_refused" in second and "Likely cause:" not in second and "What it says:" in second
