"""``dbdoctor --help`` lists every command from static summaries, without importing the command modules."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from dbdoctor.cli import COMMANDS, SUMMARIES, cli


def test_every_command_has_a_summary_and_no_summary_is_stale() -> None:
    assert set(SUMMARIES) == set(COMMANDS)


def test_summaries_fit_one_terminal_line() -> None:
    width = max(len(n) for n in COMMANDS)
    for name, text in SUMMARIES.items():
        assert 2 + width + 2 + len(text) <= 80, name


def test_help_lists_every_command_with_its_summary() -> None:
    out = CliRunner().invoke(cli, ["--help"], terminal_width=100).output
    for name, text in SUMMARIES.items():
        assert f"{name}  " in out and text in out, name


def test_each_command_still_loads_and_its_own_help_works() -> None:
    runner = CliRunner()
    for name in COMMANDS:
        res = runner.invoke(cli, [name, "--help"])
        assert res.exit_code == 0, (name, res.output)
        assert f"Usage: dbdoctor {name}" in res.output or "Usage: cli" in res.output


def test_help_imports_no_command_module() -> None:
    code = (
        "import sys\n"
        "from dbdoctor.cli import main\n"
        "main(['--help'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('dbdoctor.cli.') or m in ('psycopg', 'cryptography')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
