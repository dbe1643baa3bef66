"""``dbdoctor env``: the environment variables for a database, in a stack's naming, and the inverse.

This command's purpose is to hand a secret over: its output holds the password (the one exception to
"passwords never appear in output", like ``sandbox start``). It goes to stdout only; notes go to stderr.
"""

from __future__ import annotations

import os

import click

from dbdoctor.cli import EXIT_OK
from dbdoctor.envgen import FORMATS, STYLES


@click.command()
@click.argument("target", required=False)
@click.option("--style", type=click.Choice(STYLES), default="generic", show_default=True,
              help="Whose variable names to use.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="dotenv", show_default=True,
              help="dotenv, shell exports, JSON, or a Kubernetes Secret.")
@click.option("--rename", "renames", multiple=True, metavar="OLD=NEW",
              help="Rename a variable (repeatable): --rename DB_HOST=DATABASE_HOST.")
@click.option("--name", "secret_name", default="database", show_default=True,
              help="metadata.name of the Kubernetes Secret (--format k8s).")
@click.option("--compose", "do_compose", is_flag=True,
              help="The inverse: build DATABASE_URL from DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_NAME-style parts.")
@click.option("--from-env", is_flag=True, help="With --compose: read the parts from the process environment.")
@click.option("--env-file", "env_files", multiple=True, type=click.Path(dir_okay=False),
              help="A dotenv file to read (repeatable; a later file wins, the process environment wins over all).")
def env(target: str | None, style: str, fmt: str, renames: tuple[str, ...], secret_name: str, do_compose: bool,
        from_env: bool, env_files: tuple[str, ...]) -> int:
    """Print the environment variables a platform would set for a database.

    \b
    From TARGET (or DATABASE_URL / PG* / --env-file, resolved as libpq would): DATABASE_URL
    and the parts, in the naming of a stack (--style): generic (DATABASE_URL, DB_*), pg (PG*),
    django (DATABASE_URL for dj-database-url, DB_*), laravel (DB_CONNECTION, DB_URL,
    DB_DATABASE, DB_USERNAME...), rails (DATABASE_URL, DATABASE_*), spring
    (SPRING_DATASOURCE_URL as JDBC, _USERNAME, _PASSWORD), prisma (DATABASE_URL with Prisma's
    sslmode/sslaccept). The password is percent-encoded inside URLs and quoted for each
    format: dotenv double quotes with escapes, shell single quotes, JSON, or a Kubernetes
    Secret with base64 data.

    \b
    --compose does the inverse: it reads DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME (or
    the DATABASE_*, POSTGRES_*, PG* names) from the environment (--from-env) or dotenv files
    (--env-file) and prints a correctly encoded DATABASE_URL.

    \b
    The output holds the password: it is printed on stdout only, because handing it over is
    this command's purpose. Redirect it to a file or a secret store, not a shared terminal.

    \b
    Examples:
      dbdoctor env "postgresql://app@db.example.com/app?sslmode=verify-full" --style laravel
      dbdoctor env --format k8s --name app-db > secret.yaml
      dbdoctor env --compose --env-file .env --format shell
    """
    import re

    from dbdoctor import envgen
    from dbdoctor.errors import UsageError

    if fmt == "k8s" and not re.fullmatch(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?", secret_name):
        raise UsageError(f"--name {secret_name!r} is not a valid Kubernetes object name",
                         "use lower-case letters, digits, '-' and '.', starting and ending with a letter or digit")
    environ = dict(os.environ)
    if do_compose:
        if target is not None:
            raise UsageError("--compose builds the URL from parts; it takes no TARGET",
                             "drop the TARGET, or drop --compose")
        if not from_env and not env_files:
            raise UsageError("--compose needs --from-env or --env-file FILE",
                             "say where the DB_HOST/DB_PASSWORD... variables are")
        from dbdoctor.sources.files import dotenv_layers

        merged: dict[str, str] = {}
        for _label, values in dotenv_layers(environ if from_env else {}, env_files):
            merged.update(values)
        if from_env:
            merged.update(environ)
        try:
            parts, used = envgen.compose(merged)
        except ValueError as exc:
            raise UsageError(str(exc), "name the parts with DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME") from None
        values = {"DATABASE_URL": envgen.url(parts)}
        click.echo("composed from " + ", ".join(f"{p}={v}" for p, v in used.items()), err=True)
    else:
        from dbdoctor.route import route

        chosen = route(target, environ, env_files)
        if chosen.engine != "postgresql":
            raise UsageError(f"env builds a PostgreSQL platform's variables, and {chosen.because}",
                             "give a postgresql:// target (MySQL/MariaDB variables are not built yet)")
        from dbdoctor.postgres.sources import resolve

        resolved = resolve(target, environ=environ, env_files=env_files)
        parts = envgen.parts_from_target(resolved)
        if parts.host and parts.host.startswith("/"):
            click.echo(f"note: the host is a Unix socket directory ({parts.host})", err=True)
        if not parts.password:
            click.echo("note: no password is set in the target, the environment or .pgpass", err=True)
        values = envgen.variables(parts, style)
    try:
        values = envgen.rename(values, renames)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if fmt == "dotenv":
        for key in envgen.dotenv_warnings(values):
            click.echo(f"warning: {key} contains ${{...}}, which python-dotenv and docker compose expand; "
                       "use --format shell or json for this value, or change the password", err=True)
    click.echo(envgen.render(values, fmt, name=secret_name), nl=False)
    return EXIT_OK
