"""``dbdoctor password``: check a password against a platform's policy, or generate one that meets it.

The password is read from stdin (or typed without echo at a terminal), never from the command line, where
``ps`` and shell history would keep it. ``--generate`` prints the new password on stdout: handing it over is
its purpose (the documented exception, like ``sandbox start``); everything else goes to stderr.
"""

from __future__ import annotations

import os
import sys

import click

from dbdoctor.cli import EXIT_FAIL, EXIT_OK
from dbdoctor.passwords import DEFAULT_GENERATED_LENGTH, DEFAULT_MIN_LENGTH, DEFAULT_SPECIALS


def _read_password() -> str:
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("Password (not echoed): ")
    data = sys.stdin.readline()
    return data[:-1] if data.endswith("\n") else data


def _remind(directory: str, *, also_stdout: bool) -> None:
    """Every place ``sources`` finds that holds a password or a connection string with one."""
    from dbdoctor.inventory import scan

    report = scan(directory, environ=dict(os.environ))
    places = report.holding_password()
    readers = [e for e in report.entries if e.reads_env and e.kind not in ("environment", "dotenv", "template")]
    out = [f"After changing the password, update every place that still holds the old one ({len(places)} found):"]
    out += [f"  {e.label}  {e.key}" for e in places] or ["  (none found in the environment or in " + directory + ")"]
    if readers:
        out.append("These read it from the environment, so they follow once the variables are updated:")
        out += [f"  {e.label}  {e.key} <- ${e.reads_env}" for e in readers]
    for line in out:
        click.echo(line, err=not also_stdout)


@click.command()
@click.option("--check", "do_check", is_flag=True, help="Check the password read from stdin against the policy.")
@click.option("--generate", "do_generate", is_flag=True, help="Generate a password that meets the policy.")
@click.option("--min-length", type=click.IntRange(1, 1024), default=DEFAULT_MIN_LENGTH, show_default=True,
              help="Minimum length.")
@click.option("--specials", default=DEFAULT_SPECIALS, show_default=True,
              help="One of these characters is required (empty: no such rule).")
@click.option("--no-lower", is_flag=True, help="Do not require a lower-case letter.")
@click.option("--no-upper", is_flag=True, help="Do not require an upper-case letter.")
@click.option("--no-digit", is_flag=True, help="Do not require a digit.")
@click.option("--length", type=click.IntRange(4, 1024), default=DEFAULT_GENERATED_LENGTH, show_default=True,
              help="Length of a generated password.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
@click.option("--remind", "remind_dir", default=".", show_default=True, metavar="DIR",
              help="List every place in DIR (and the environment, ~/.pgpass...) that holds a password to update.")
@click.option("--no-remind", is_flag=True, help="Do not scan for places that hold a password.")
def password(do_check: bool, do_generate: bool, min_length: int, specials: str, no_lower: bool, no_upper: bool,
             no_digit: bool, length: int, as_json: bool, remind_dir: str, no_remind: bool) -> int:
    """Check a database password against the platform policy, or generate one.

    \b
    The default policy: at least 8 characters, a lower-case letter, an upper-case letter,
    a digit, and one of , & * [ ] : ' $ \\ ` "  (change it with the options).

    \b
    --check reads the password from stdin (typed without echo at a terminal); it is never a
    command-line argument. It says which rule fails. Exit 0 when it meets the policy, 1 if not.

    \b
    --generate prints a new random password (secrets module) on stdout, with its
    percent-encoded form for URLs. The output holds the password: that is its purpose.

    \b
    Either way, it then lists every place `dbdoctor sources DIR` finds that still holds a
    password (dotenv files, compose files, settings, .pgpass...; DIR is --remind, default the
    current directory), so none is forgotten after the change. --no-remind skips that.

    \b
    Examples:
      printf '%s' "$NEW_PASSWORD" | dbdoctor password --check
      dbdoctor password --generate --length 32 --remind ~/src/app
    """
    from dbdoctor import passwords
    from dbdoctor.errors import UsageError

    if do_check == do_generate:
        raise UsageError("say --check or --generate", "dbdoctor password --check < file, or --generate")
    policy = passwords.Policy(min_length=min_length, lower=not no_lower, upper=not no_upper, digit=not no_digit,
                              specials=specials)
    if do_generate:
        try:
            pw = passwords.generate_password(length, policy)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if as_json:
            from dbdoctor.render.json import emit

            emit({"password": pw, "url_encoded": passwords.url_encoded(pw)})
        else:
            click.echo(f"password:     {pw}")
            click.echo(f"url-encoded:  {passwords.url_encoded(pw)}")
        if not no_remind:
            _remind(remind_dir, also_stdout=False)
        return EXIT_OK
    pw = _read_password()
    results = passwords.check_password(pw, policy)
    ok = all(r.ok for r in results)
    if as_json:
        from dbdoctor.render.json import emit

        emit({"ok": ok, "rules": [{"rule": r.rule, "ok": r.ok, "text": r.text} for r in results],
              "failing": [r.rule for r in results if not r.ok]})
    else:
        click.echo("The password meets the policy." if ok else "The password does not meet the policy:")
        for r in results:
            click.echo(f"  {'ok  ' if r.ok else 'FAIL'}  {r.text}")
    if not no_remind:
        _remind(remind_dir, also_stdout=not as_json)
    return EXIT_OK if ok else EXIT_FAIL
