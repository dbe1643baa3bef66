'''Values libpq parses but refuses when it connects (``param_invalid``).

What it checks
--------------
The values libpq checks only when a connection starts (``connectOptions2`` in fe-connect.c): ``sslmode``,
``sslnegotiation``, ``sslcertmode``, ``channel_binding``, ``gssencmode``, ``target_session_attrs``,
``load_balance_hosts``, the SSL protocol versions, every port number, as many ports as hosts (or one),
as many ``hostaddr`` values as hosts, and ``sslrootcert=system`` or ``sslnegotiation=direct`` with a weak
sslmode. The messages are libpq's own (tests check each one against libpq).

Why it matters
--------------
``dbdoctor parse`` and libpq's parser accept ``sslmode=required`` or ``port=5432:5433``; the app fails only
when it connects, with a message that is easy to read past in a deployment log. Values set in the
environment (``PGSSLMODE=required``) fail the same way.

How to fix
----------
Use one of the values libpq accepts (they are case-sensitive): ``sslmode`` is one of ``disable``,
``allow``, ``prefer``, ``require``, ``verify-ca``, ``verify-full``; a port is a number from 1 to 65535;
``host=a,b port=5432,5433`` pairs ports with hosts.

Example
-------
``postgresql://db.example.com/app?sslmode=required`` fails with ``invalid sslmode value: "required"``; write
``sslmode=require``.
'''

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule

#: keyword → values libpq 18 accepts (connectOptions2)
CHOICES: Mapping[str, tuple[str, ...]] = {
    "sslmode": ("disable", "allow", "prefer", "require", "verify-ca", "verify-full"),
    "channel_binding": ("disable", "prefer", "require"),
    "sslnegotiation": ("postgres", "direct"),
    "sslcertmode": ("disable", "allow", "require"),
    "gssencmode": ("disable", "prefer", "require"),
    "target_session_attrs": ("any", "read-write", "read-only", "primary", "standby", "prefer-standby"),
    "load_balance_hosts": ("disable", "random"),
}
TLS_VERSIONS = ("", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3")
_INT = re.compile(r"\s*[+-]?\d+\s*")


def problems(settings: Mapping[str, str], provenance: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(keyword, libpq's message, how to fix) for every value libpq would refuse when connecting."""
    out: list[tuple[str, str, str]] = []
    for key, allowed in CHOICES.items():
        value = settings.get(key)
        if value is not None and value not in allowed:
            close = next((a for a in allowed if a.lower() == value.lower() or a.startswith(value.lower()[:4])), None)
            fix = f'use {key}={close}' if close else f"use one of: {', '.join(allowed)}"
            if key == "sslmode" and value.lower() == "required":
                fix = "use sslmode=require (or verify-full to also check the certificate)"
            out.append((key, f'invalid {key} value: "{value}"', fix))
    mode = settings.get("sslmode", "prefer")
    if settings.get("sslnegotiation") == "direct" and mode in ("disable", "allow", "prefer"):
        out.append(("sslnegotiation",
                    f'weak sslmode "{mode}" may not be used with sslnegotiation=direct '
                    '(use "require", "verify-ca", or "verify-full")',
                    "use sslmode=require or stronger with sslnegotiation=direct"))
    explicit_mode = (provenance or {}).get("sslmode") != "default"
    if settings.get("sslrootcert") == "system" and explicit_mode and mode in CHOICES["sslmode"][:-1]:
        out.append(("sslrootcert",
                    f'weak sslmode "{mode}" may not be used with sslrootcert=system (use "verify-full")',
                    "use sslmode=verify-full with sslrootcert=system"))
    for key in ("ssl_min_protocol_version", "ssl_max_protocol_version"):
        value = settings.get(key)
        if value is not None and value not in TLS_VERSIONS:
            out.append((key, f'invalid "{key}" value: "{value}"',
                        f"use one of: {', '.join(v for v in TLS_VERSIONS if v)}"))
    lo, hi = settings.get("ssl_min_protocol_version"), settings.get("ssl_max_protocol_version")
    if lo and hi and lo in TLS_VERSIONS and hi in TLS_VERSIONS and TLS_VERSIONS.index(lo) > TLS_VERSIONS.index(hi):
        out.append(("ssl_max_protocol_version", "invalid SSL protocol version range",
                    "the minimum version must not be above the maximum"))
    hosts = settings["host"].split(",") if "host" in settings else []
    addrs = settings["hostaddr"].split(",") if "hostaddr" in settings else []
    if hosts and addrs and len(hosts) != len(addrs):
        out.append(("hostaddr", f"could not match {len(hosts)} host names to {len(addrs)} hostaddr values",
                    "give one hostaddr per host, in the same order"))
    n_hosts = max(len(hosts), len(addrs), 1)
    if "port" in settings:
        ports = settings["port"].split(",")
        if len(ports) > 1 and len(ports) != n_hosts:
            out.append(("port", f"could not match {len(ports)} port numbers to {n_hosts} hosts",
                        "give one port for all hosts, or one per host in the same order (host=a,b port=5432,5433)"))
        for p in ports:
            if p == "":
                continue
            fix = "a port is a number from 1 to 65535"
            if ":" in p:
                fix += "; for several servers list hosts and ports with commas: host=a,b port=5432,5433"
            if not _INT.fullmatch(p):  # parse_int_param, then the range check in connectDBStart
                out.append(("port", f'invalid integer value "{p}" for connection option "port"', fix))
            elif not 1 <= int(p) <= 65535:
                out.append(("port", f'invalid port number: "{p}"', fix))
    return out


def check(ctx: Context) -> Iterable[Finding]:
    for key, message, fix in problems(ctx.target.settings, ctx.target.provenance):
        source = ctx.target.provenance.get(key, "?")
        yield RULE.finding(
            detail=f"libpq accepts the string but will refuse to connect: {message} ({key} from {source}).",
            fix=fix[0].upper() + fix[1:] + ".",
        )


RULE = Rule(
    code="DD103",
    cause="param_invalid",
    severity="error",
    title="A value libpq refuses when it connects",
    doc=__doc__ or "",
    check=check,
    stage="static",
)
