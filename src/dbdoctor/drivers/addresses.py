"""Which addresses of a host name the app's driver tries, and what happens when an early one does not connect.

libpq (and psycopg) try every address getaddrinfo gives, in order, until one connects (PQconnectPoll in
fe-connect.c); the probe does the same and records the ones it went past (``HostObservations.skipped``).
node-postgres leaves this to Node's ``net.connect``: Node 20 and later try every address too
(autoSelectFamily), Node before 20 only the first one, so a host name whose first address refuses (localhost as
::1 on a standard Debian /etc/hosts, with the server on 127.0.0.1 only) fails in the app and works in psql.
The Node versions are in dbdoctor.drivers.node_postgres with their sources. Pure: reads observations only.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Sequence
from typing import Literal, Protocol

from dbdoctor.drivers.model import version_key
from dbdoctor.observations import DnsObservation, TcpObservation
from dbdoctor.report import ModeResult
from dbdoctor.target import HostAttempt

#: how a client picks among a host name's addresses: every one in order (libpq, Node 20+), only the first
#: (Node 17-19), only the first IPv4 one when there is one (Node before 17)
Strategy = Literal["all", "first", "first_ipv4"]

#: the cause of a failed first address, by the probe's TCP outcome
_CAUSE = {"refused": "connection_refused", "timeout": "connect_timeout", "unreachable": "network_unreachable"}


@dataclasses.dataclass(frozen=True, slots=True)
class FirstAddress:
    """A host name with several addresses, whose first one did not connect while a later one did."""

    host: str
    port: int
    #: every address in the order getaddrinfo gave them (the order libpq tries them)
    addresses: tuple[str, ...]
    #: the address that did not connect, its TCP outcome ("refused", "timeout", "unreachable", "error")
    first: str
    outcome: str
    #: the address libpq went on to and got through to
    connected: str
    #: the addresses that did not connect, in order, with their TCP outcome
    failed: tuple[tuple[str, str], ...]

    @property
    def cause(self) -> str:
        return _CAUSE.get(self.outcome, "connection_refused")


class _Host(Protocol):
    """What both engines' probes record of one host attempt (probe.observations.HostObservations,
    probe.mysql.MyHostObservations)."""

    @property
    def attempt(self) -> HostAttempt: ...
    @property
    def address(self) -> str | None: ...
    @property
    def dns(self) -> DnsObservation | None: ...
    @property
    def tcp(self) -> TcpObservation | None: ...
    @property
    def skipped(self) -> tuple[TcpObservation, ...]: ...


class _Observed(Protocol):
    @property
    def hosts(self) -> Sequence[_Host]: ...


def first_address_fails(obs: _Observed) -> FirstAddress | None:
    """For the first host attempt (the only host a single-host driver knows): its name resolved to several
    addresses and the first one did not connect while a later one did. None otherwise (one address, every
    address failing, an IP literal, hostaddr)."""
    if not obs.hosts:
        return None
    h = obs.hosts[0]
    if h.dns is None or len(h.dns.addresses) < 2 or not h.skipped or h.tcp is None:
        return None
    if h.tcp.outcome != "connected" or h.address is None or h.attempt.hostaddr:
        return None
    first = h.skipped[0]
    if first.address != h.dns.addresses[0]:
        return None
    return FirstAddress(
        host=h.dns.host, port=first.port, addresses=h.dns.addresses, first=first.address, outcome=first.outcome,
        connected=h.address, failed=tuple((t.address, t.outcome) for t in h.skipped),
    )


def node_strategy(node_version: str) -> Strategy:
    """How Node's net.connect picks an address of a host name at this Node version (``v18.20.4``, ``20``)."""
    from dbdoctor.drivers.node_postgres import NODE_TRIES_EVERY_ADDRESS_FROM, NODE_VERBATIM_ORDER_FROM

    key = version_key(node_version)
    if key >= version_key(NODE_TRIES_EVERY_ADDRESS_FROM):
        return "all"
    return "first" if key >= version_key(NODE_VERBATIM_ORDER_FROM) else "first_ipv4"


def _is_ipv4(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).version == 4
    except ValueError:
        return False


def outcome_with(strategy: Strategy, found: FirstAddress | None) -> ModeResult | None:
    """What a client with ``strategy`` gets where libpq went past a failing first address: a failure at the
    address it stops at, or None when it gets where libpq got (or the probe cannot tell)."""
    if found is None or strategy == "all":
        return None
    address = found.first
    if strategy == "first_ipv4":
        address = next((a for a in found.addresses if _is_ipv4(a)), found.first)
    outcome = dict(found.failed).get(address)
    if outcome is None:
        return None
    return ModeResult("fail", _CAUSE.get(outcome, "connection_refused"))
