"""``dbdoctor sources``: every place a project keeps connection settings, and which one wins."""

from __future__ import annotations

import os

import click

from dbdoctor.cli import EXIT_FAIL, EXIT_OK


@click.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
@click.option("--mode", default=None, metavar="NAME",
              help="The environment the app runs in (production, development...): its .env.NAME, Rails section, "
                   "Spring profile and Django settings module count; other modes' files are only listed.")
@click.option("--json", "as_json", is_flag=True, help="Print the JSON report on stdout, nothing else.")
def sources(directory: str, mode: str | None, as_json: bool) -> int:
    """Where the database connection settings come from, and which one wins at run time.

    \b
    Reads, without running anything: the environment (DATABASE_URL, PG*, DB_*, ...),
    dotenv files in DIRECTORY (.env, .env.local, .env.production, .env.*), pg_service.conf,
    .pgpass, docker-compose environment blocks, Django DATABASES (settings.py, read as
    text), Rails config/database.yml, Prisma's schema (env("...") names) and Spring's
    application.properties / application.yml.

    \b
    Connection strings are shown with the password as ****; password settings show only
    where they are. The process environment wins over every dotenv file, and among the
    files .env.<mode>.local > .env.local > .env.<mode> > .env (the dotenv-flow, Next.js,
    Vite and dotenv-gem order; python-dotenv's load_dotenv() alone reads only .env).
    Different hosts or SSL modes across the files, and a variable set in two places,
    are findings. Files of another mode (.env.development when --mode production, Rails'
    test: section, application-dev.yml) are alternatives, not overrides: listed, not compared.

    \b
    Exit codes: 0 no conflict; 1 a finding (the files disagree).
    """
    from dbdoctor.inventory import scan

    report = scan(directory, environ=dict(os.environ), mode=mode)
    if as_json:
        from dbdoctor.render.json import emit

        emit(report.to_dict())
    else:
        from dbdoctor.render.text import emit as emit_lines

        lines: list[tuple[str, str | None]] = []
        if not report.entries:
            lines.append((f"No database connection settings found in the environment or in {directory}.", None))
        current = None
        for e in report.entries:
            if e.file != current:
                current = e.file
                lines.append(("", None))
                lines.append((f"{e.file}  ({e.kind})", "bold"))
            where = f"line {e.line}" if e.line is not None else ""
            if e.value is None:
                shown = "(a password is set here; not shown)" if e.secret else "(empty)"
            else:
                shown = e.value
            extra = []
            if e.reads_env:
                extra.append(f"reads ${e.reads_env}")
            if e.status:
                extra.append(e.status)
            tail = f"  [{'; '.join(extra)}]" if extra else ""
            lines.append((f"  {where:9} {e.key} = {shown}{tail}", None))
        if report.effective:
            lines.append(("", None))
            lines.append(("At run time libpq would use (environment and the dotenv files loaded, in their order):",
                          "bold"))
            for key, item in report.effective.items():
                lines.append((f"  {key:14} {item['value']:32} {item['from']}", None))
        if report.findings:
            lines.append(("", None))
            lines.append(("Findings:", "bold"))
            for f in report.findings:
                lines.append((f"{f.severity.upper():7} {f.code} {f.title}  [{f.cause}]", "yellow"))
                lines.append((f"    {f.detail}", None))
                lines.append((f"    Fix: {f.fix}", "green"))
        emit_lines(lines)
    return EXIT_FAIL if report.findings else EXIT_OK
