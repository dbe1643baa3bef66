"""The client sends no TLS SNI to a provider that routes connections by it (DD217)."""

from __future__ import annotations

from dbdoctor.postgres.diagnosis import Diagnosis
from dbdoctor.postgres.rules.evidence import cause_rule, driver_said, server_said, where

DD217_DOC = """
What it checks
--------------
Whether an SNI-routed provider refused the connection because the TLS handshake carried no server name
(Server Name Indication): Neon's ``Endpoint ID is not specified. Either please upgrade the postgres client
library (libpq) for SNI support or pass the endpoint ID (first part of the domain name) as a parameter``.

Why it matters
--------------
The PostgreSQL protocol does not carry the host name; providers that serve many databases behind one address
learn which one is meant from the SNI of the TLS handshake. libpq before 14, clients with ``sslsni=0``,
connections made to an IP address (no name to send), and some drivers (older pgjdbc, some Rust and .NET
stacks) send none, so the proxy cannot tell which endpoint to route to.

How to fix
----------
Connect by host name with a client that sends SNI (libpq 14+, current drivers; remove ``sslsni=0``). Where
that is impossible, pass the endpoint in the options: Neon's ``options=endpoint%3D<endpoint-id>`` (the first
label of the host name), or its ``<endpoint-id>$<password>`` password form.

Example
-------
psql 13 against ``ep-cool-name-123456.us-east-2.aws.neon.tech``: ``ERROR: Endpoint ID is not specified.
Either please upgrade the postgres client library (libpq) for SNI support or pass the endpoint ID (first part
of the domain name) as a parameter: '?options=endpoint%3D<endpoint-id>'``.
"""


def _dd217(d: Diagnosis) -> tuple[str, str]:
    host = d.target.hosts[0].host if d.target.hosts else None
    label = host.split(".")[0] if host and not host[0].isdigit() else "<endpoint-id>"
    said = server_said(d, encrypted=True) or driver_said(d)
    return (
        f"The provider at {where(d)} routes connections by the TLS server name (SNI), and this client sent "
        f"none.{said}",
        "Connect by host name with a client that sends SNI (libpq 14+, no sslsni=0), or name the endpoint in "
        f"the options: options=endpoint%3D{label}.",
    )


DD217 = cause_rule(code="DD217", cause="sni_missing",
                   title="The provider routes by TLS SNI and the client sent none", doc=DD217_DOC, build=_dd217)

RULES = (DD217,)
