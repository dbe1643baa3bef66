"""Rules for the layers below PostgreSQL: name resolution, TCP, and whether a PostgreSQL server answers."""

from __future__ import annotations

from dbdoctor.postgres.diagnosis import Diagnosis
from dbdoctor.postgres.rules.evidence import cause_rule, driver_said, where


def _host(d: Diagnosis) -> str:
    h = d.observations.hosts[0] if d.observations.hosts else None
    return (h.attempt.host or h.attempt.hostaddr or "?") if h else "?"


DD201_DOC = """
What it checks
--------------
Whether the host name of the connection resolves to at least one address.

Why it matters
--------------
Nothing else can work. A name that resolves on a laptop and not in production is usually an internal name
(a Docker Compose service, a ``.internal`` or ``.svc.cluster.local`` name, a single-label host) used where only
another network can see it, or a typo in an environment variable.

How to fix
----------
Use the host name your provider gives for external connections, or run the app inside the network where the
internal name exists. Check the name with ``getent hosts NAME`` on the machine that runs the app.

Example
-------
``postgresql://app@db.internal/app`` from a build container: ``could not translate host name "db.internal"
to address``. Use the public host name for that step.
"""


def _dd201(d: Diagnosis) -> tuple[str, str]:
    dns = d.observations.hosts[0].dns if d.observations.hosts else None
    reason = f" ({dns.error})" if dns and dns.error else ""
    return (
        f'The host name "{_host(d)}" does not resolve to any address{reason}.{driver_said(d)}',
        "Check the host name for typos; if it is an internal name (a container, a private zone), use the "
        "external host name the provider gives, or run the app where that name resolves.",
    )


DD201 = cause_rule(
    code="DD201",
    cause="dns_unresolved",
    title="The host name does not resolve",
    doc=DD201_DOC,
    build=_dd201,
)

DD202_DOC = """
What it checks
--------------
Whether something listens on the address and port: a TCP connection that is actively refused (RST).

Why it matters
--------------
A refusal comes fast and means the packet reached a machine, but no server listens on that port there: the
wrong port, a server that is down, a server that listens only on localhost (``listen_addresses``), or the
wrong machine.

How to fix
----------
Check the port (PostgreSQL's default is 5432; poolers often use 6432), that the server runs, and its
``listen_addresses``. On managed databases, copy host and port from the provider's console.

Example
-------
``port=5433`` where the server listens on 5432: ``Connection refused``.
"""


def _dd202(d: Diagnosis) -> tuple[str, str]:
    if d.target.provenance.get("host", "default") == "default" and d.target.form == "environment":
        return (
            "No connection settings were found (no target, no DATABASE_URL, no PGHOST), so libpq used its "
            f"default, the local Unix socket, and nothing listens there.{driver_said(d)}",
            'Pass the target (dbdoctor check "postgresql://user@host/db?sslmode=verify-full"), or set '
            "DATABASE_URL or the PG* variables the way the app's environment does (--env-file for dotenv files).",
        )
    return (
        f"Nothing accepts connections at {where(d)}: the connection was refused.{driver_said(d)}",
        "Check the port and that the server is running and listens on this address (listen_addresses); "
        "copy host and port again from your provider.",
    )


DD202 = cause_rule(
    code="DD202",
    cause="connection_refused",
    title="Connection refused: nothing listens on that address and port",
    doc=DD202_DOC,
    build=_dd202,
)

DD203_DOC = """
What it checks
--------------
Whether the server answers in time: the TCP connection, or the first bytes of the protocol, never arrive
before the deadline.

Why it matters
--------------
Silence almost always means a firewall drops the packets: the database only accepts connections from
allowlisted addresses (common on managed databases), a security group or network policy blocks the port, or
the address is wrong and routes nowhere.

How to fix
----------
Add the address the app connects from to the database's allowlist (trusted sources, authorized networks,
firewall rules), or connect through the private network the database is in. Raise ``--timeout`` only if the
network is known to be slow.

Example
-------
A database that allows only its own VPC, reached from a laptop: ``timeout expired``.
"""


def _dd203(d: Diagnosis) -> tuple[str, str]:
    return (
        f"No answer from {where(d)} before the deadline.{driver_said(d)}",
        "Allow the app's outgoing address in the database's firewall/allowlist (trusted sources), or connect "
        "from inside the network the database belongs to; check the host and port.",
    )


DD203 = cause_rule(
    code="DD203",
    cause="connect_timeout",
    title="No answer in time: a firewall, an allowlist or a wrong address",
    doc=DD203_DOC,
    build=_dd203,
)

DD204_DOC = """
What it checks
--------------
Whether there is a route to the address at all (``Network is unreachable``, ``No route to host``).

Why it matters
--------------
The machine running the app has no network path to that address: an IPv6 address on an IPv4-only network,
a private address outside the VPC, or a VPN that is not up.

How to fix
----------
Use an address the app's network can reach (often the IPv4 host name instead of an IPv6 literal), or bring up
the network path (VPN, peering).

Example
-------
``host=2001:db8::5`` from a container without IPv6: ``Network is unreachable``.
"""


def _dd204(d: Diagnosis) -> tuple[str, str]:
    return (
        f"There is no route to {where(d)}.{driver_said(d)}",
        "Use an address this network can reach (for example the IPv4 name instead of an IPv6 literal), or "
        "bring up the VPN/peering that leads to it.",
    )


DD204 = cause_rule(
    code="DD204",
    cause="network_unreachable",
    title="No route to the address",
    doc=DD204_DOC,
    build=_dd204,
)

DD205_DOC = """
What it checks
--------------
Whether what answers on the port speaks PostgreSQL: a PostgreSQL server answers an SSLRequest with exactly
one byte, ``S`` or ``N``. An HTTP server, a TLS-only proxy or another database answers otherwise.

Why it matters
--------------
The host and port lead somewhere, but not to PostgreSQL: a web port, a MySQL port, an HTTP load balancer,
or a proxy that expects TLS from the first byte (``sslnegotiation=direct``). Drivers then fail with
confusing messages such as ``received invalid response to SSL negotiation``.

How to fix
----------
Use the database's port (5432 for PostgreSQL, 6432 for many PgBouncer set-ups). If a TLS-terminating proxy
stands in front of PostgreSQL 17+, set ``sslnegotiation=direct``.

Example
-------
``postgresql://app@db.example.com:443/app`` reaches the provider's web server: the answer starts with
``HTTP/1.1 400``.
"""


def _dd205(d: Diagnosis) -> tuple[str, str]:
    seen = ""
    for h in d.observations.hosts:
        if h.ssl_request is not None and h.ssl_request.answer not in ("S", "N"):
            kinds = {"http": "an HTTP server", "tls": "a TLS server that expects TLS at once", "E": "an error"}
            seen = f" It answered like {kinds.get(h.ssl_request.answer, 'something else')}"
            if h.ssl_request.preview:
                seen += f" ({h.ssl_request.preview!r})"
            seen += "."
            break
    return (
        f"Something answers at {where(d)}, but it does not speak the PostgreSQL protocol.{seen}{driver_said(d)}",
        "Use the database's own port (PostgreSQL 5432, PgBouncer often 6432); behind a TLS-only proxy on "
        "PostgreSQL 17+, add sslnegotiation=direct.",
    )


DD205 = cause_rule(
    code="DD205",
    cause="not_the_database",
    title="Something answered, but it is not PostgreSQL",
    doc=DD205_DOC,
    build=_dd205,
)

RULES = (DD201, DD202, DD203, DD204, DD205)
