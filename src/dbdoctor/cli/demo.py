"""``dbdoctor demo``: a guided run against a local server that behaves like a managed one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import click

from dbdoctor.cli import EXIT_FAIL, EXIT_OK

DEMO_ROLE = "demo"
#: a password with an '@' in it, as people choose them; it exists only in the throwaway sandbox
DEMO_PASSWORD = "Tr0ub4dor@3"


@contextlib.contextmanager
def _clean_environment() -> Iterator[str]:
    """The demo must not depend on this machine's ~/.postgresql, ~/.pgpass or PG* variables: it runs with an
    empty HOME of its own and none of them, and puts everything back afterwards."""
    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="dbdoctor-demo-") as home:
        for key in list(os.environ):
            if key.startswith("PG") or key == "DATABASE_URL":
                del os.environ[key]
        os.environ["HOME"] = home
        try:
            yield home
        finally:
            os.environ.clear()
            os.environ.update(saved)


def _url(srv: Any, *, host: str = "localhost", user: str | None = None, password: str | None = None,
         encode: bool = True, **query: str) -> str:
    user = user or srv.user
    pw = password if password is not None else srv.password.reveal()
    pw_part = quote(pw, safe="") if encode else pw
    q = "&".join(f"{k}={v}" for k, v in query.items())
    return f"postgresql://{user}:{pw_part}@{host}:{srv.port}/{srv.dbname}" + (f"?{q}" if q else "")


@click.command()
@click.option("--keep", is_flag=True, help="Leave the sandbox server running afterwards (stop it with "
              "'dbdoctor sandbox stop NAME').")
@click.option("--timeout", type=click.FloatRange(min=1, max=120), default=10.0, show_default=True,
              metavar="SECONDS", help="Deadline for each check.")
def demo(keep: bool, timeout: float) -> int:
    """A guided tour: broken settings against a local TLS-only server, each diagnosed and fixed.

    \b
    Starts a sandbox PostgreSQL server that behaves like a managed database (TLS required,
    password authentication, its own CA), then runs `dbdoctor check` on settings that
    break in realistic ways: sslmode=disable against a TLS-only server, verify-full with
    an IP address, a CA file missing in the runtime, a certificate from another CA, a
    password with '@' left unencoded. Each is shown with its cause and fix, and finally
    the working settings. Passwords are shown as ****.
    """
    from dbdoctor.checking import CheckInput
    from dbdoctor.render.text import Line, check_lines, emit
    from dbdoctor.route import engine
    from dbdoctor.sandbox import start

    click.echo("Starting a local PostgreSQL sandbox (TLS required, its own CA)...", err=True)
    srv = start(profile="managed", cert="full", keep=keep)
    ok = True
    try:
        _add_demo_role(srv)
        ca = str(srv.ca_file)
        steps: list[tuple[str, str, Callable[[], str], str | None]] = [
            ("The app connects without TLS; the server requires it.", "server_requires_ssl",
             lambda: _url(srv, sslmode="disable"), None),
            ("verify-full against an IP address that the certificate does not name.", "ip_address_mismatch",
             lambda: _url(srv, host="127.0.0.1", sslmode="verify-full", sslrootcert=ca), "cn_only"),
            ("verify-full, but the CA file is missing in the runtime (a slim container image).", "ca_file_missing",
             lambda: _url(srv, sslmode="verify-full", sslrootcert="/app/certs/provider-ca.pem"), None),
            ("The CA file is another CA's (the wrong region's bundle).", "cert_untrusted",
             lambda: _url(srv, sslmode="verify-full", sslrootcert=str(srv.pki.other_ca)), None),
            ("A password with '@', pasted into the URL as it is.", "password_not_encoded",
             lambda: _url(srv, user=DEMO_ROLE, password=DEMO_PASSWORD, encode=False, sslmode="verify-full",
                          sslrootcert=ca), None),
            ("The working settings.", "", lambda: _url(srv, sslmode="verify-full", sslrootcert=ca), None),
        ]
        with _clean_environment():
            for i, (title, expected, make, cert) in enumerate(steps, 1):
                lines: list[Line] = [("", None), (f"── {i}/{len(steps)}  {title}", "bold magenta")]
                if cert:
                    srv.reconfigure(cert=cert)
                try:
                    report = engine("postgresql").check(CheckInput(text=make(), environ=dict(os.environ), timeout=timeout))
                finally:
                    if cert:
                        srv.reconfigure(cert="full")
                lines.append((f"$ dbdoctor check '{report.target}'", "dim"))
                lines += check_lines(report, brief=True)
                emit(lines)
                got = report.cause or ""
                found = {f.cause for f in report.findings}
                if expected and expected != got and expected not in found:
                    ok = False
                    click.echo(f"  (demo expected {expected}, got {got or 'ok'})", err=True)
                if not expected and report.verdict != "ok":
                    ok = False
    finally:
        if keep:
            click.echo(f"\nThe sandbox keeps running: {srv.redacted_url}  (dbdoctor sandbox stop {srv.name})",
                       err=True)
        else:
            srv.stop()
    return EXIT_OK if ok else EXIT_FAIL


def _add_demo_role(srv: Any) -> None:
    """A role whose password contains '@', created through the sandbox's own admin socket."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(srv.admin_conninfo(), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(DEMO_ROLE), sql.Literal(DEMO_PASSWORD))
        )
        conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
            sql.Identifier(srv.dbname), sql.Identifier(DEMO_ROLE)))
