"""``dbdoctor parse``: the settings, where each came from, and what is wrong with them; no network."""

from __future__ import annotations

import os

import click

from dbdoctor.cli import EXIT_FAIL, EXIT_OK


@click.command()
@click.argument("target", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON parse report on stdout, nothing else.")
@click.option(
    "--env-file",
    "env_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A dotenv file the app loads (repeatable; a later file wins, the real environment wins over all).",
)
@click.option(
    "--defaults-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="MySQL/MariaDB: the option file whose [client] group the app's client reads (default ~/.my.cnf).",
)
@click.option("--driver", default=None, metavar="NAME[==VERSION]",
              help="The driver the app uses: how it reads the string (see `dbdoctor drivers`).")
@click.option("--project", default=None, type=click.Path(file_okay=False, exists=True),
              help="The app's directory: its dependency files name the driver and version.")
def parse(target: str | None, as_json: bool, env_files: tuple[str, ...], defaults_file: str | None = None,
          driver: str | None = None, project: str | None = None) -> int:
    """Show the effective settings and where each came from, without any network.

    \b
    TARGET as libpq parses it (a URL, a SQLAlchemy or JDBC URL, or a keyword string), else
    DATABASE_URL; then the service file, the PG* variables, .pgpass and libpq's defaults.
    Prints the one-line redacted form an app can log at start-up, and the static findings.

    \b
    Examples:
      dbdoctor parse "postgresql://app@db.example.com/app?sslmode=verify-full"
      dbdoctor parse --env-file .env --env-file .env.production --json

    \b
    Exit codes: 0 no finding is an error; 1 a finding is an error; 2 the target cannot be parsed
    or a file cannot be read.
    """
    from dbdoctor.route import route

    environ = dict(os.environ)
    named_by = "--driver" if driver else "--project" if project else "the scheme"
    engine = route(target, environ, env_files, defaults_file=defaults_file, driver=driver).get()
    report = engine.parse(target, environ=environ, env_files=env_files, defaults_file=defaults_file, driver=driver,
                          project=project)
    if as_json:
        from dbdoctor.render.json import emit

        emit(report.to_dict())
    else:
        from dbdoctor.render.parse_text import render_parse

        shown = engine.redact_text(target) if target is not None else None
        if shown is None and environ.get("DATABASE_URL"):
            shown = engine.redact_text(environ["DATABASE_URL"]) + "  (from DATABASE_URL)"
        render_parse(report, shown, driver_named_by=named_by)
    return EXIT_FAIL if any(f.severity == "error" for f in report.findings) else EXIT_OK
