"""``dbdoctor preflight``: the app start-up gate, one line out and an exit code."""

from __future__ import annotations

import os
import time

import click

from dbdoctor.cli import EXIT_FAIL, EXIT_OK

#: the least time the diagnosis after a failed fast attempt is given (it names the cause from what it can)


@click.command()
@click.argument("target", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the dbdoctor.preflight/1 JSON on stdout, nothing else.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1, max=3600),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="Deadline for one attempt, and for the diagnosis after a failure.",
)
@click.option(
    "--env-file",
    "env_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="A dotenv file the app loads (repeatable; a later file wins, as most loaders do).",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0, max=86400),
    default=0.0,
    metavar="SECONDS",
    help="Retry with backoff until the connection works or SECONDS have passed; each retry says why on stderr.",
)
@click.option(
    "--phase",
    type=click.Choice(["build", "run"]),
    default=None,
    help="Whether this runs in a build step or at run time (default: DBDOCTOR_PHASE, else builder markers).",
)
@click.option("--driver", default=None, metavar="NAME[==VERSION]",
              help="The driver the app uses (see `dbdoctor drivers`): the connection uses the settings as it reads "
                   "them; default: libpq (MySQL: the mysql client's reading), or what the URL scheme names.")
@click.option("--defaults-file", type=click.Path(dir_okay=False), default=None,
              help="MySQL/MariaDB: the option file whose [client] group the app's client reads (default ~/.my.cnf).")
def preflight(
    target: str | None, as_json: bool, timeout: float, env_files: tuple[str, ...], wait: float, phase: str | None,
    driver: str | None = None, defaults_file: str | None = None,
) -> int:
    """Check at app start-up that the database connection works, in one line.

    \b
    Makes one real connection with exactly the settings the app's driver would use
    (TARGET, else DATABASE_URL, the PG* variables and --env-file files). On success it
    prints host, port, database, user, sslmode, whether a CA file is set, the TLS version,
    the server version and the time taken, and exits 0. On failure it diagnoses within the
    deadline and prints the cause and the fix on stderr, and exits 1. Nothing secret is shown.
    A mysql://, mariadb://, mysql+DRIVER:// or jdbc:mysql/jdbc:mariadb target connects
    through PyMySQL with its ssl-mode, ssl-ca, ~/.my.cnf (or --defaults-file) and
    MYSQL_HOST settings; with --driver, as that driver reads them (pymysql==1.1, mysql2...).

    \b
    Examples:
      dbdoctor preflight && exec gunicorn app:app
      dbdoctor preflight --wait 60 "$DATABASE_URL"    wait for a database that is starting
      dbdoctor preflight --json | jq .tls_version
      dbdoctor preflight --phase build                 in a build step: internal hosts are unreachable
      dbdoctor preflight --driver pymysql==1.1 --defaults-file app.cnf "mysql://db.internal/app"

    \b
    Exit codes: 0 the connection works; 1 it does not; 2 the input cannot be used;
    3 dbdoctor failed (a bug).
    """
    from dbdoctor.gating import MIN_DIAGNOSIS
    from dbdoctor.postgres import fast as _gatefast
    from dbdoctor.route import route

    environ = dict(os.environ)
    engine = route(target, environ, env_files, defaults_file=defaults_file, driver=driver).get()
    # PostgreSQL's success path without psycopg (issue 5); anything but a working connection runs the full
    # preflight
    if (
        engine.name == "postgresql"
        and wait <= 0
        and _gatefast.attempted_at is None
        and _gatefast.run(target, as_json=as_json, timeout=timeout, env_files=env_files, phase=phase, driver=driver)
    ):
        return EXIT_OK
    attempted_at, _gatefast.attempted_at = _gatefast.attempted_at, None  # this invocation's, consumed once
    if wait <= 0 and attempted_at is not None:
        # the fast attempt (here or before click, in dbdoctor._entry) used part of the deadline: the diagnosis
        # gets what is left, never a new budget (issue 13: one deadline per command, split, never restarted);
        # with less than MIN_DIAGNOSIS left, the engine's gate reports the attempt's own cause without a diagnosis
        timeout = max(0.05, timeout - (time.monotonic() - attempted_at))
        if _gatefast.timed_out and timeout < MIN_DIAGNOSIS:
            return _report_timeout(target, env_files, as_json, phase, attempted_at)
    from dbdoctor.gating import Retry

    def say_retry(retry: Retry) -> None:
        click.echo(retry.line(), err=True)

    result = engine.preflight(
        target,
        environ=environ,
        env_files=env_files,
        timeout=timeout,
        wait=wait,
        phase=phase,
        on_retry=say_retry,
        driver=driver,
        defaults_file=defaults_file,
    )
    if as_json:
        from dbdoctor.render.json import emit

        emit(result.to_dict())
    else:
        click.echo(result.line(), err=not result.ok)
    return EXIT_OK if result.ok else EXIT_FAIL


def _report_timeout(target: str | None, env_files: tuple[str, ...], as_json: bool, phase: str | None,
                    attempted_at: float) -> int:
    """The fast attempt got no answer before --timeout and nothing is left of it: the failure, at once (no second
    connection, no diagnosis past the deadline)."""
    from dbdoctor.postgres.gate import timed_out_result

    result = timed_out_result(target, environ=dict(os.environ), env_files=env_files, phase=phase,
                              elapsed_ms=(time.monotonic() - attempted_at) * 1000)
    if as_json:
        from dbdoctor.render.json import emit

        emit(result.to_dict())
    else:
        click.echo(result.line(), err=True)
    return EXIT_FAIL

