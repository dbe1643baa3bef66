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
    from dbdoctor.sources import mysql

    environ = dict(os.environ)
    named_by = "--driver" if driver else "--project" if project else "the scheme"
    if mysql.wants_mysql(target, environ):
        report = mysql.parse_report(target, environ=environ, env_files=env_files, defaults_file=defaults_file)
        from dbdoctor.drivers import mysql_hook

        # driver hook (issue 6): the app's MySQL driver reads the query as its own arguments (--driver, or the
        # driver the scheme names: mysql+mysqldb:// is mysqlclient's)
        driver = driver or mysql.implied_driver(target if target is not None else environ.get("DATABASE_URL"))
        if driver and not any(f.code == "DD804" and f.severity == "error" for f in report.findings):
            report = mysql_hook.parse_report(report, mysql_hook.view_for(target, environ, driver))
        redact_text = mysql.redact_text
    elif defaults_file is not None:  # a MySQL option file says nothing to libpq: a usage error, as in preflight
        from dbdoctor.gate_mysql import defaults_file_error

        raise defaults_file_error(defaults_file)
    else:
        from dbdoctor.drivers._pipeline import parse_report as driver_parse_report  # issue 4: --driver
        from dbdoctor.sources.postgres import parse_report
        from dbdoctor.sources.postgres import redact_text as redact_text

        report = driver_parse_report(target, environ=environ, env_files=env_files, driver=driver, project=project)
        if report is None:
            report = parse_report(target, environ=environ, env_files=env_files)
    if as_json:
        from dbdoctor.render.json import emit

        emit(report.to_dict())
    else:
        from dbdoctor.render.parse_text import render_parse

        shown = redact_text(target) if target is not None else None
        if shown is None and environ.get("DATABASE_URL"):
            shown = redact_text(environ["DATABASE_URL"]) + "  (from DATABASE_URL)"
        render_parse(report, shown, driver_named_by=named_by)
    return EXIT_FAIL if any(f.severity == "error" for f in report.findings) else EXIT_OK
