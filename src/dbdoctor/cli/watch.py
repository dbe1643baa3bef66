"""``dbdoctor watch``: one endpoint over time."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

import click

from dbdoctor.cli import EXIT_FAIL, EXIT_OK

if TYPE_CHECKING:
    from dbdoctor.fleet.watch import Recorder, Sample


def _duration(text: str | None) -> float | None:
    if text is None or text in ("", "0", "forever"):
        return None
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    t = text.strip().lower()
    mult = units.get(t[-1:])
    num = t[:-1] if mult else t
    try:
        value = float(num) * (mult or 1)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a duration (30s, 5m, 2h)") from None
    if value <= 0:
        raise click.BadParameter("the duration must be positive")
    return value


@click.command()
@click.argument("target", required=False)
@click.option("--interval", default="5s", show_default=True, metavar="DURATION",
              help="Time between connections (30s, 1m...).")
@click.option("--duration", default=None, metavar="DURATION",
              help="How long to watch (default: until Ctrl-C).")
@click.option("--timeout", type=click.FloatRange(0.1, 600), default=10.0, show_default=True, metavar="SECONDS",
              help="Deadline of each connection.")
@click.option("--env-file", "env_files", multiple=True, type=click.Path(dir_okay=False),
              help="A dotenv file the app loads (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout, nothing else.")
def watch(target: str | None, interval: str, duration: str | None, timeout: float, env_files: tuple[str, ...],
          as_json: bool) -> int:
    """Connect every --interval with the app's own settings and report what changes over time.

    \b
    Each round makes the real driver's connection (psycopg for PostgreSQL, PyMySQL for
    MySQL/MariaDB) with exactly the effective settings (TARGET, else DATABASE_URL and the
    environment, as `dbdoctor check` reads them), and a password-free probe of the same
    endpoint for the certificate presented and the addresses resolved.

    \b
    At the end (or on Ctrl-C): failures grouped by cause with first/last time, certificate
    changes (SHA-256 fingerprints and when), DNS changes, latency percentiles (p50/p90/p99).
    Live counts go to stderr on a terminal. Put the password in the environment or a dotenv
    file rather than on the command line.

    \b
    Examples:
      DATABASE_URL=postgresql://app@db.example.com/app?sslmode=verify-full dbdoctor watch --duration 10m
      dbdoctor watch "mysql://app@db.example.com/app?ssl-mode=VERIFY_IDENTITY" --interval 2s --json

    \b
    Exit codes: 0 every connection worked; 1 at least one failed; 2 the input cannot be used.
    """
    from dbdoctor.fleet.watch import watch as run_watch

    every = _duration(interval)
    if every is None:
        raise click.BadParameter("the interval must be positive", param_hint="--interval")
    total = _duration(duration)
    environ = dict(os.environ)
    from dbdoctor.route import route

    tgt = route(target, environ, env_files).get().resolve(target, environ=environ, env_files=env_files)
    live = sys.stderr.isatty()

    def on_sample(s: Sample, rec: Recorder) -> None:
        if live:
            state = "ok" if s.ok else "FAILED"
            click.echo(f"\r{rec.attempts} connections, {rec.failures} failed, last {state} "
                       f"({s.latency_ms:.0f} ms)   ", err=True, nl=False)
        elif not as_json and not s.ok:
            click.echo(f"failed: {s.message}", err=True)

    from dbdoctor.fleet.watch import Recorder as _Recorder

    rec: _Recorder | None = None
    try:
        rec = run_watch(tgt, interval=every, duration=total, timeout=timeout, on_sample=on_sample)
    except KeyboardInterrupt:
        rec = None
    if live:
        click.echo("", err=True)
    if rec is None:
        return EXIT_FAIL
    summary = rec.summary()
    if as_json:
        click.echo(json.dumps({"target": tgt.written, **summary}, indent=2))
    else:
        _print(tgt.written or "(from the environment)", summary)
    return EXIT_FAIL if rec.failures else EXIT_OK


def _print(name: str, s: dict[str, object]) -> None:
    click.echo(f"{name}: {s['attempts']} connections from {s['started']} to {s['ended']}, {s['failures']} failed")
    causes = s["failure_causes"]
    assert isinstance(causes, list)
    for c in causes:
        click.echo(f"  failed {c['count']}x (first {c['first']}, last {c['last']}): {c['cause']}")
    certs = s["certificates"]
    assert isinstance(certs, list)
    for c in certs:
        click.echo(f"  certificate {c['fingerprint_sha256'][:16]}... seen {c['seen']}x")
    for ch in s["certificate_changes"]:  # type: ignore[attr-defined]
        click.echo(f"  certificate changed at {ch['at']}: {str(ch['from'])[:16]}... -> {str(ch['to'])[:16]}...")
    for ch in s["dns_changes"]:  # type: ignore[attr-defined]
        click.echo(f"  DNS changed at {ch['at']}: {', '.join(ch['from'])} -> {', '.join(ch['to'])}")
    lat = s["latency_ms"]
    assert isinstance(lat, dict)
    if lat.get("p50") is not None:
        click.echo(f"  latency ms: p50 {lat['p50']}, p90 {lat['p90']}, p99 {lat['p99']}, max {lat['max']}")
