"""``dbdoctor scan``: many endpoints, one asyncio process, password-free."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

import click

from dbdoctor.cli import EXIT_FAIL, EXIT_OK

if TYPE_CHECKING:
    from dbdoctor.fleet.records import Endpoint, Result


class _Progress:
    """A one-line progress counter on stderr, only when stderr is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.done = 0
        self.bad = 0

    def step(self, bad: bool) -> None:
        self.done += 1
        self.bad += bad
        if self.enabled and (self.done % 10 == 0 or self.done < 10):
            click.echo(f"\rscanned {self.done}, {self.bad} not ok", err=True, nl=False)

    def close(self) -> None:
        if self.enabled:
            click.echo(f"\rscanned {self.done}, {self.bad} not ok", err=True)


@click.command()
@click.argument("inventory", required=False, metavar="[FILE|-]")
@click.option("-t", "--target", "targets", multiple=True, metavar="TARGET",
              help="An endpoint (URL or host:port) instead of, or besides, FILE (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default=None,
              help="Output: table (worst first; the default on a terminal), jsonl (the default in a pipe), csv.")
@click.option("--inventory-format", type=click.Choice(["auto", "lines", "csv", "yaml"]), default="auto",
              show_default=True, help="How FILE is written (auto: from its name, else its first line).")
@click.option("--engine", type=click.Choice(["auto", "postgresql", "mysql", "mariadb"]), default="auto",
              show_default=True, help="Engine of host:port targets (auto: from the port, else the first bytes).")
@click.option("--servername", metavar="NAME", default=None,
              help="The host name clients connect with: checked against each certificate and sent as SNI "
              "(default: each target's host).")
@click.option("--ca-file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="CA certificates to verify the chains against (default: the system bundle).")
@click.option("--concurrency", type=click.IntRange(1, 5000), default=100, show_default=True,
              help="Endpoints probed at once.")
@click.option("--per-endpoint", type=click.IntRange(1, 2), default=1, show_default=True,
              help="Connections to one endpoint at once (2: the plain-text probe beside the TLS one).")
@click.option("--timeout", type=click.FloatRange(0.1, 3600), default=5.0, show_default=True, metavar="SECONDS",
              help="Deadline per endpoint.")
@click.option("--run-timeout", type=click.FloatRange(0.1, 86400), default=None, metavar="SECONDS",
              help="Deadline for the whole run; endpoints not probed by then are reported as timeout.")
@click.option("--expiring", type=click.IntRange(0, 3650), default=30, show_default=True, metavar="DAYS",
              help="A leaf expiring within DAYS is reported as expiring.")
@click.option("--fail-on", default="fail", show_default=True, metavar="LIST",
              help="What makes the exit code 1: issue codes, a status (warn, fail, error: that or worse) or "
              "none; expiring=30d also sets the window. Example: expiring=30d,tls-optional,chain-incomplete")
@click.option("--progress/--no-progress", default=None,
              help="A progress line on stderr (default: only when stderr is a terminal).")
def scan(
    inventory: str | None,
    targets: tuple[str, ...],
    fmt: str | None,
    inventory_format: str,
    engine: str,
    servername: str | None,
    ca_file: str | None,
    concurrency: int,
    per_endpoint: int,
    timeout: float,
    run_timeout: float | None,
    expiring: int,
    fail_on: str,
    progress: bool | None,
) -> int:
    """Which endpoints enforce TLS, which only offer it, which have none; whether each chain is complete and
    names the host; when each certificate expires. PostgreSQL and MySQL/MariaDB in one run.

    \b
    FILE (or - for stdin) lists the endpoints, one per line or row:
      postgresql://db1.example.com:5432      mysql://db2.example.com:3306
      db3.example.com:5432                   (engine from the port, --engine, or the first bytes)
      a CSV with a header (url or host,port; name, servername, address, ca_file; other columns are labels)
      a YAML list of {url|host, port, name, servername, labels: {...}}

    \b
    Nothing needs a password: DNS, TCP, the SSL negotiation, the TLS handshake with the full chain, the
    certificate analysis (chain complete, name, expiry, key, signature), and for PostgreSQL a start-up
    message in plain text without a password, to tell "TLS required" from "TLS offered". At most one
    connection per endpoint at a time; --timeout per endpoint, --run-timeout for the run.

    \b
    Examples:
      dbdoctor scan fleet.txt --ca-file rds-ca.pem
      dbdoctor scan fleet.yaml --format jsonl | jq 'select(.status != "ok")'
      dbdoctor scan -t db.example.com:5432 -t mysql://db2.example.com --servername db.example.com
      dbdoctor scan fleet.csv --fail-on expiring=14d,tls-optional,chain-incomplete --format csv > out.csv

    \b
    Exit codes: 0 nothing matched --fail-on; 1 something did; 2 the input cannot be used.
    """
    from dbdoctor.errors import UsageError
    from dbdoctor.fleet.inventory import from_targets, parse_engine, read_inventory
    from dbdoctor.fleet.output import writer_for
    from dbdoctor.fleet.policy import parse_fail_on
    from dbdoctor.fleet.scan import ScanOptions
    from dbdoctor.fleet.scan import scan as run_scan

    policy = parse_fail_on(fail_on)
    if inventory is None and not targets:
        raise UsageError("nothing to scan", "name an inventory FILE (or - for stdin), or targets with -t")
    eng = parse_engine(engine)
    stream: IO[str] | None = None

    def endpoints() -> Iterator[Endpoint]:
        nonlocal stream
        yield from from_targets(targets, engine=eng, servername=servername, ca_file=ca_file)
        if inventory is not None:
            if inventory == "-":
                stream = sys.stdin
                name = "stdin"
            else:
                try:
                    stream = open(inventory, encoding="utf-8")  # noqa: SIM115 - closed below
                except OSError as exc:
                    raise UsageError(f"cannot read {inventory}: {exc.strerror}") from None
                name = inventory
            yield from read_inventory(stream, name=name, fmt=None if inventory_format == "auto" else inventory_format,
                                      engine=eng, servername=servername, ca_file=ca_file)

    out: IO[str] = sys.stdout
    if fmt is None:
        fmt = "table" if out.isatty() else "jsonl"
    writer = writer_for(fmt, out)
    bar = _Progress(sys.stderr.isatty() if progress is None else progress)
    failed = 0
    options = ScanOptions(
        concurrency=concurrency,
        timeout=timeout,
        run_timeout=run_timeout,
        ca_file=ca_file,
        expiring_days=policy.expiring_days if policy.expiring_days is not None else expiring,
        per_endpoint=per_endpoint,
    )

    def on_result(r: Result) -> None:
        nonlocal failed
        why = policy.matches(r)
        failed += bool(why)
        writer.add(r)
        bar.step(r.status != "ok")

    try:
        run_scan(endpoints(), options, on_result)
    finally:
        bar.close()
        if stream is not None and stream is not sys.stdin:
            stream.close()
    writer.close()
    return EXIT_FAIL if failed else EXIT_OK
