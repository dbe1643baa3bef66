"""``dbdoctor check``: the main job."""

from __future__ import annotations

import os

import click

from dbdoctor.cli import EXIT_FAIL, EXIT_OK, common_options


@click.command()
@click.argument("target", required=False)
@common_options
@click.option(
    "--phase",
    type=click.Choice(["build", "run"]),
    default=None,
    help="Whether the app connects from a build step or at run time (default: DBDOCTOR_PHASE, else builder markers).",
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    metavar="FILE.html",
    help="Also write a self-contained HTML support report (redacted) to FILE.html.",
)
@click.option("--project", default=None, type=click.Path(file_okay=False, exists=True),
              help="The app's directory: its dependency files name the driver and version (issue 4).")
@click.option("--defaults-file", type=click.Path(dir_okay=False), default=None,
              help="MySQL/MariaDB: the option file whose [client] group the app's client reads (default ~/.my.cnf).")
def check(
    target: str | None,
    as_json: bool,
    timeout: float,
    driver: str | None,
    env_files: tuple[str, ...],
    phase: str | None = None,
    report_file: str | None = None,
    project: str | None = None,
    defaults_file: str | None = None,
) -> int:
    """Diagnose why a connection fails (or prove it works), with the fix.

    \b
    Resolves the settings the way the app's driver would (TARGET, else DATABASE_URL, the
    PG* variables and --env-file files), lints them, probes the server at protocol level
    (DNS, TCP, SSLRequest, TLS and the certificate chain, a start-up packet without any
    password), makes one real connection with exactly those settings, and names the root
    cause with the exact fix. It also predicts what every sslmode would do.

    \b
    Examples:
      dbdoctor check "postgresql://app@db.example.com/app?sslmode=verify-full"
      dbdoctor check "host=10.0.0.5 dbname=app user=app sslmode=require"
      DATABASE_URL=... dbdoctor check --json | jq .cause
      dbdoctor check --env-file .env --env-file .env.production
      dbdoctor check --report support.html     a page to send to support (no password in it)

    \b
    Exit codes: 0 the connection works and no finding is an error; 1 it does not work
    or a finding is an error; 2 the input cannot be used; 3 dbdoctor failed (a bug).
    """
    from dbdoctor.checking import CheckInput
    from dbdoctor.route import route

    environ = dict(os.environ)
    engine = route(target, environ, env_files, defaults_file=defaults_file, driver=driver).get()
    report = engine.check(
        CheckInput(
            text=target,
            environ=environ,
            env_files=tuple(env_files),
            timeout=timeout,
            driver=driver,
            phase=phase,
            project=project,
            defaults_file=defaults_file,
        )
    )
    if as_json:
        from dbdoctor.render.json import emit

        emit(report.to_dict())
    else:
        from dbdoctor.render.text import render_check

        render_check(report)
    if report_file is not None:
        from dbdoctor.errors import UsageError
        from dbdoctor.render.html import write_report

        try:
            write_report(report, report_file)
        except OSError as exc:
            raise UsageError(f'cannot write the report "{report_file}": {exc.strerror or exc}') from None
        click.echo(f"Support report written to {report_file} (passwords are not in it).", err=True)
    failing = report.verdict != "ok" or any(f.severity == "error" for f in report.findings)
    return EXIT_FAIL if failing else EXIT_OK
