"""``dbdoctor sandbox``: local PostgreSQL servers that behave like managed ones, to try dbdoctor on."""

from __future__ import annotations

import json
from typing import Any

import click

from dbdoctor.errors import UsageError
from dbdoctor.sandbox.certs import CERT_VARIANTS
from dbdoctor.sandbox.profiles import DEFAULT_CERT, DEFAULT_PROFILE, PROFILES


def _table(rows: dict[str, str]) -> str:
    width = max(len(k) for k in rows)
    return "\n".join(f"  {k.ljust(width)}  {v}" for k, v in rows.items())


_MARIADB_PROFILES = ("tls_offered", "tls_off")  # the MariaDB sandbox's own profile names
_PROFILES_HELP = _table({name: p.summary for name, p in PROFILES.items()})
_CERTS_HELP = _table(dict(CERT_VARIANTS))

_GROUP_HELP = f"""Local PostgreSQL (or, with --engine mariadb, MariaDB) servers that behave like managed ones
(TLS required, scram passwords, certificates from a local CA), to try dbdoctor on and to reproduce a failure
safely.

\b
A server keeps running after the command exits, until `dbdoctor sandbox stop`.
It listens on 127.0.0.1 only, on a free port, as an unprivileged user.
State: $DBDOCTOR_SANDBOX_DIR or ~/.cache/dbdoctor/sandbox (one JSON file per server).

\b
Examples:
  dbdoctor sandbox start                         TLS-only server, valid certificate
  dbdoctor sandbox start --cert expired --json   a server whose certificate has expired
  dbdoctor sandbox set NAME --profile allowlist  change how it answers, no restart
  dbdoctor sandbox list
  dbdoctor sandbox profiles                      what each choice below does, in detail
  dbdoctor sandbox stop --all

\b
Profiles (--profile), i.e. what pg_hba.conf and ssl allow:
{_PROFILES_HELP}

\b
Certificate variants (--cert), checked by clients against the sandbox root CA:
{_CERTS_HELP}
"""


@click.group(help=_GROUP_HELP)
@click.option(
    "--state-dir",
    envvar="DBDOCTOR_SANDBOX_DIR",
    type=click.Path(file_okay=False),
    default=None,
    help="Where the servers' state, the template cluster and the certificates live.",
)
@click.pass_context
def sandbox(ctx: click.Context, state_dir: str | None) -> None:
    ctx.ensure_object(dict)["state_dir"] = state_dir


def _state_dir(ctx: click.Context) -> str | None:
    value = ctx.ensure_object(dict).get("state_dir")
    return str(value) if value else None


def _start_json(srv: Any) -> dict[str, Any]:
    d: dict[str, Any] = srv.to_dict(reveal=True)
    d["pki"] = srv.pki.to_dict()
    return d


@sandbox.command(
    help=f"""Start a server and print how to connect to it.

\b
Prints its name, a URL (with the server's throwaway password: this command's purpose is to
hand it over), the CA file clients must trust, host and port. With --json: an object with
at least the keys name, url, ca_file, host, port.

\b
Profiles:
{_PROFILES_HELP}

\b
Certificate variants:
{_CERTS_HELP}
"""
)
@click.option(
    "--profile",
    type=click.Choice([*PROFILES, *_MARIADB_PROFILES]),
    default=DEFAULT_PROFILE,
    show_default=True,
    help="How the server answers clients (see above; with --engine mariadb: "
    "managed, tls_required, tls_offered, tls_off).",
)
@click.option(
    "--cert",
    type=click.Choice(list(CERT_VARIANTS)),
    default=DEFAULT_CERT,
    show_default=True,
    help="Which server certificate it presents (see above).",
)
@click.option("--name", default=None, help="A name for the server (default: pg-<random>).")
@click.option(
    "--engine",
    type=click.Choice(["postgresql", "mariadb"]),
    default="postgresql",
    show_default=True,
    help="postgresql, or mariadb (MariaDB 10.11: a mysql:// URL with ssl-mode=VERIFY_IDENTITY).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout, nothing else.")
@click.pass_context
def start(ctx: click.Context, profile: str, cert: str, name: str | None, engine: str, as_json: bool) -> int:
    from dbdoctor.sandbox import start as start_server

    srv = start_server(
        engine=engine, profile=profile, cert=cert, name=name, state_dir=_state_dir(ctx), keep=True
    )
    if as_json:
        click.echo(json.dumps(_start_json(srv), indent=2))
        return 0
    click.echo(
        f"Started sandbox server {srv.name} ({'MariaDB' if srv.engine == 'mariadb' else 'PostgreSQL'} "
        f"{srv.version.split()[0]}, profile {srv.profile}, "
        f"cert {srv.cert})."
    )
    click.echo(
        _table(
            {
                "name": srv.name,
                "url": srv.url,
                "ca_file": str(srv.ca_file),
                "host": srv.host,
                "port": str(srv.port),
                "log": str(srv.log_file),
            }
        )
    )
    click.echo("")
    click.echo(f"  Diagnose it:  dbdoctor check '{srv.url}'")
    example = "tls_offered" if srv.engine == "mariadb" else "plain_only"
    click.echo(f"  Change it:    dbdoctor sandbox set {srv.name} --profile {example} --cert expired")
    click.echo(f"  Stop it:      dbdoctor sandbox stop {srv.name}")
    return 0


@sandbox.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="A JSON array (URLs with their throwaway passwords).")
@click.pass_context
def list_(ctx: click.Context, as_json: bool) -> int:
    """List the running sandbox servers (the URLs show **** for the password; --json shows it)."""
    from dbdoctor.sandbox import list_servers

    servers = list_servers(_state_dir(ctx))
    if as_json:
        click.echo(json.dumps([s.to_dict(reveal=True) for s in servers], indent=2))
        return 0
    if not servers:
        click.echo("No sandbox server is running. Start one with: dbdoctor sandbox start")
        return 0
    rows = [("NAME", "PROFILE", "CERT", "PORT", "URL")]
    rows += [(s.name, s.profile, s.cert, str(s.port), s.redacted_url) for s in servers]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        click.echo("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])
    return 0


@sandbox.command(name="set")
@click.argument("name")
@click.option(
    "--profile", type=click.Choice([*PROFILES, *_MARIADB_PROFILES]), default=None, help="The new access profile."
)
@click.option(
    "--cert", type=click.Choice(list(CERT_VARIANTS)), default=None, help="The new certificate variant."
)
@click.pass_context
def set_(ctx: click.Context, name: str, profile: str | None, cert: str | None) -> int:
    """Change a running server's profile and/or certificate (a reload: no restart, same port)."""
    from dbdoctor.sandbox import get

    if profile is None and cert is None:
        raise UsageError("nothing to change", hint="give --profile, --cert or both")
    srv = get(name, _state_dir(ctx))
    srv.reconfigure(profile=profile, cert=cert)
    click.echo(f"{srv.name}: profile {srv.profile}, cert {srv.cert}")
    return 0


@sandbox.command()
@click.argument("name", required=False)
@click.option("--all", "all_", is_flag=True, help="Stop every running sandbox server started from here.")
@click.option(
    "--force",
    is_flag=True,
    help="With --all, also stop servers that a running program (a test session) started for itself.",
)
@click.pass_context
def stop(ctx: click.Context, name: str | None, all_: bool, force: bool) -> int:
    """Stop a sandbox server (or --all) and delete its data directory.

    Servers that a program still running started for itself (a test session's) are stopped when that program
    exits; --all leaves them alone unless --force is given.
    """
    from dbdoctor.sandbox import list_servers, stop_all
    from dbdoctor.sandbox import stop as stop_server

    if all_ == (name is not None):
        raise UsageError("name one server or give --all", hint="dbdoctor sandbox list shows the names")
    if all_:
        names = stop_all(_state_dir(ctx), include_owned=force)
        click.echo(f"stopped {', '.join(names)}" if names else "no sandbox server was stopped")
        left = list_servers(_state_dir(ctx))
        if left:
            owners = ", ".join(f"{s.name} (process {s.owner_pid})" for s in left)
            click.echo(f"left running, owned by live programs: {owners}; --force stops them too")
        return 0
    assert name is not None
    stop_server(name, _state_dir(ctx))
    click.echo(f"stopped {name}")
    return 0


@sandbox.command()
def profiles() -> int:
    """What a client sees with each profile and certificate variant (in more detail than --help)."""
    for name, p in PROFILES.items():
        click.echo(f"{name}: {p.summary}")
        click.echo(click.wrap_text(p.doc, width=100, initial_indent="    ", subsequent_indent="    "))
        click.echo(
            f"    pg_hba.conf: {'; '.join(line.format(user='app') for line in p.hba)}; ssl={'on' if p.ssl else 'off'}"
        )
    click.echo("")
    click.echo(
        "Certificate variants (clients trust the sandbox root CA; `dbdoctor sandbox start --json` shows"
    )
    click.echo("the paths of every CA, server and client certificate):")
    for name, doc in CERT_VARIANTS.items():
        click.echo(f"  {name}: {doc}")
    return 0
