"""``dbdoctor exporter``: a Prometheus exporter for a fleet (multi-target, as blackbox_exporter)."""

from __future__ import annotations

import click

from dbdoctor.cli import EXIT_OK


@click.command()
@click.option("--config", "config_file", required=True, type=click.Path(dir_okay=False, exists=True),
              help="YAML: modules, targets (name, url or host/port, servername, labels, password_file), allow.")
@click.option("--listen", default="127.0.0.1:9187", show_default=True, metavar="HOST:PORT",
              help="Where to serve /probe and /metrics (port 0: any free port, printed on stderr).")
@click.option("--check-config", is_flag=True, help="Read the config, print what it holds, and exit.")
def exporter(config_file: str, listen: str, check_config: bool) -> int:
    """Serve Prometheus metrics about database endpoints, probed when Prometheus scrapes them.

    \b
    GET /probe?target=NAME&module=MODULE   probe one endpoint (password-free: DNS, TCP, the SSL
                                           negotiation, TLS with the full chain, the plain-text probe)
    GET /metrics                           the exporter's own health (probes, refusals, process)

    \b
    Only targets named in the config, or inside its `allow:` networks, are ever contacted: anything
    else gets 403 (an open /probe would be a server-side request forgery vector). Credentials come only
    from files the config names (password_file), never from the query string.

    \b
    Metrics: probe_success, probe_duration_seconds, dbdoctor_probe_phase_duration_seconds{phase},
    dbdoctor_tls_offered, dbdoctor_tls_required, dbdoctor_tls_version_info{version},
    dbdoctor_cert_not_after_timestamp_seconds{depth}, dbdoctor_cert_info{...},
    dbdoctor_cert_chain_complete, dbdoctor_cert_chain_trusted, dbdoctor_cert_name_match,
    dbdoctor_issue{code}, dbdoctor_sslmode_would_connect{sslmode}, dbdoctor_endpoint_info{...}.

    \b
    Many exporters share a fleet by Prometheus' hashmod relabelling: see examples/prometheus.yml
    and examples/alerts.yml.

    \b
    Example:
      dbdoctor exporter --config exporter.yml --listen 0.0.0.0:9187
      curl 'http://localhost:9187/probe?target=orders-primary'
    """
    from dbdoctor.errors import UsageError
    from dbdoctor.fleet.exporter import load_config, serve

    config = load_config(config_file)
    if check_config:
        click.echo(f"modules: {', '.join(sorted(config.modules))}")
        click.echo(f"targets: {len(config.targets)}")
        for name, t in sorted(config.targets.items()):
            ep = t.endpoint
            click.echo(f"  {name}: {ep.engine or 'auto'} {ep.host}:{ep.port}"
                       + (f" (certificate name {ep.servername})" if ep.servername else ""))
        allowed = ", ".join(f"{n}:{p if p is not None else '*'}" for n, p in config.allow)
        click.echo(f"allow: {allowed or 'nothing else'}")
        return EXIT_OK
    host, sep, port_text = listen.rpartition(":")
    if not sep or not port_text.isdigit():
        raise UsageError(f"--listen {listen!r} is not HOST:PORT")
    host = host.strip("[]") or "127.0.0.1"
    def announce(h: str, p: int) -> None:
        click.echo(f"dbdoctor exporter: {len(config.targets)} target(s), listening on http://{h}:{p}/", err=True)

    try:
        serve(config, host, int(port_text), on_listen=announce)
    except OSError as exc:
        raise UsageError(f"cannot listen on {listen}: {exc.strerror}") from None
    return EXIT_OK
