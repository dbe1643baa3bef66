"""The command line: thin. Arguments in, a renderer out; every command lives in its own module here and is
imported only when it runs, so ``dbdoctor preflight`` does not pay for ``dbdoctor sandbox``.

Exit codes (REPORT-CONTRACT.md): 0 works, 1 does not work or an error finding, 2 unusable input, 3 a bug.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from dbdoctor.errors import DbdoctorError, InputError
from dbdoctor.version import __version__

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_INPUT = 2
EXIT_BUG = 3

#: command name -> "module:function", loaded on first use
COMMANDS: dict[str, str] = {
    "check": "dbdoctor.cli.check:check",
    "parse": "dbdoctor.cli.parse:parse",
    "explain": "dbdoctor.cli.explain:explain",
    "sandbox": "dbdoctor.cli.sandbox:sandbox",
    "demo": "dbdoctor.cli.demo:demo",
    "sources": "dbdoctor.cli.sources:sources",
    "env": "dbdoctor.cli.env:env",
    "password": "dbdoctor.cli.password:password",
    "preflight": "dbdoctor.cli.preflight:preflight",
    "drivers": "dbdoctor.cli.drivers:drivers",
    "scan": "dbdoctor.cli.scan:scan",
    "watch": "dbdoctor.cli.watch:watch",
    "exporter": "dbdoctor.cli.exporter:exporter",
}

#: what ``dbdoctor --help`` lists for each command, so that listing them does not import them all (the command
#: modules pull in the catalog, psycopg and cryptography; tests/cli/test_help.py keeps this in step with COMMANDS)
SUMMARIES: dict[str, str] = {
    "check": "Why a connection fails (or proof that it works), with the fix.",
    "parse": "The effective settings and where each came from; no network.",
    "explain": "What a code, a cause or a pasted error means, and the fix.",
    "preflight": "At app start-up: does the connection work? One line, exit 0 or 1.",
    "sources": "Where the settings come from, and which one wins at run time.",
    "drivers": "The drivers dbdoctor knows, or what one makes of a URL.",
    "env": "The environment variables a platform would set for a database.",
    "password": "Check a password against a platform's policy, or generate one.",
    "sandbox": "Local PostgreSQL/MariaDB servers that behave like managed ones.",
    "demo": "A guided tour: broken settings on a local server, fixed.",
    "scan": "Many endpoints at once: TLS required/offered, chains, expiry.",
    "watch": "One endpoint over time: failures, certificate and DNS changes.",
    "exporter": "A Prometheus exporter: /probe?target=NAME for a fleet.",
}

ISSUES_URL = "https://github.com/dbdoctor/dbdoctor/issues"


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(super().list_commands(ctx)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        spec = COMMANDS.get(cmd_name)
        if spec is None:
            return super().get_command(ctx, cmd_name)
        module_name, attr = spec.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:  # a command not built yet
            if exc.name == module_name:
                return None
            raise
        command = getattr(module, attr)
        assert isinstance(command, click.Command)
        if command.short_help is None and cmd_name in SUMMARIES:
            command.short_help = SUMMARIES[cmd_name]
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from SUMMARIES: importing every command to read its docstring cost ~55 ms."""
        rows = [(name, SUMMARIES.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="dbdoctor")
def cli() -> None:
    """Find out why an app cannot connect to its PostgreSQL or MySQL/MariaDB database, and prove the fix.

    \b
    TARGET is what you would paste: a URL (postgresql://user@host/db?sslmode=verify-full,
    mysql://user@host/db?ssl-mode=VERIFY_IDENTITY, SQLAlchemy and JDBC forms too), a libpq
    keyword string ("host=db port=5432 sslmode=require"), or nothing, in which case the
    settings come from the environment the way the app's driver reads them (DATABASE_URL,
    the PG* or MYSQL_* variables, option files, and dotenv files named with --env-file).

    \b
    Start here:
      dbdoctor check "$DATABASE_URL"      diagnose a connection, with the fix
      dbdoctor parse "$DATABASE_URL"      the effective settings, no network
      dbdoctor explain "SSL required"     what an error message means
      dbdoctor demo                       a guided run against a local TLS-only server

    Passwords never appear in any output: they show as ****.
    """


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script. Maps the exception tree to the contract's exit codes."""
    try:
        rv = cli.main(args=argv, prog_name="dbdoctor", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_FAIL
    except click.ClickException as exc:
        exc.show()
        return EXIT_INPUT
    except InputError as exc:
        click.echo(f"error: {exc.message}", err=True)
        if exc.hint:
            click.echo(f"hint: {exc.hint}", err=True)
        return EXIT_INPUT
    except DbdoctorError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_BUG if exc.__class__.__name__ == "InternalError" else EXIT_FAIL
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: say so without a wall of traceback, and without any secret
        click.echo(
            f"dbdoctor failed unexpectedly ({type(exc).__name__}). This is a bug; please report it at "
            f"{ISSUES_URL} with the command you ran (passwords removed). Set DBDOCTOR_DEBUG=1 for details.",
            err=True,
        )
        import os

        if os.environ.get("DBDOCTOR_DEBUG"):
            import traceback

            traceback.print_exc()
        return EXIT_BUG
    if isinstance(rv, int):
        return rv
    return EXIT_OK


def run(argv: list[str] | None = None) -> None:
    sys.exit(main(argv))


def common_options(func: Any) -> Any:
    """--json, --timeout, --driver, --env-file: the options every diagnosing command shares."""
    func = click.option(
        "--env-file",
        "env_files",
        multiple=True,
        type=click.Path(dir_okay=False),
        help="A dotenv file the app loads (repeatable; a later file wins, as most loaders do).",
    )(func)
    func = click.option(
        "--driver",
        default=None,
        metavar="NAME",
        help="The driver the app uses (default: libpq, or what the URL scheme names).",
    )(func)
    func = click.option(
        "--timeout",
        type=click.FloatRange(min=0.1, max=3600),
        default=10.0,
        show_default=True,
        metavar="SECONDS",
        help="Deadline for the whole run.",
    )(func)
    func = click.option("--json", "as_json", is_flag=True, help="Print the JSON report on stdout, nothing else.")(
        func
    )
    return func
