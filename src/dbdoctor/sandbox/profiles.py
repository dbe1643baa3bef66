"""Access profiles: how a sandbox server treats clients, each reloadable without a restart.

Each profile's docstring says what a client on 127.0.0.1 sees. The names are engine-neutral; ``postgres.py``
turns a profile into pg_hba.conf lines and ssl settings (every profile also keeps ``local all postgres trust``
so the sandbox can administer the server through its Unix socket).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final


@dataclasses.dataclass(frozen=True, slots=True)
class Profile:
    name: str
    summary: str  # one line, for --help
    doc: str  # what a client sees
    ssl: bool  # server-side TLS on
    #: pg_hba.conf lines for TCP clients ({user} is the sandbox user)
    hba: tuple[str, ...]
    client_ca: bool = False  # the server trusts the client CA (ssl_ca_file) and asks for client certificates


_SCRAM = "scram-sha-256"

_LIST = [
    Profile(
        "managed",
        "TLS only, password (scram): what hosted PostgreSQL services do",
        "sslmode=verify-full with the sandbox CA works; a plain client (sslmode=disable) gets "
        '`no pg_hba.conf entry for host "127.0.0.1", user "app", database "app", no encryption`.',
        True,
        (f"hostssl all all 127.0.0.1/32 {_SCRAM}",),
    ),
    Profile(
        "tls_required",
        "the same as managed (an alias that reads better in scenarios)",
        "Identical to managed.",
        True,
        (f"hostssl all all 127.0.0.1/32 {_SCRAM}",),
    ),
    Profile(
        "plain_only",
        "TLS offered but only plain connections are allowed",
        "sslmode=disable works; sslmode=require (or stronger) gets "
        '`no pg_hba.conf entry for host "127.0.0.1", user "app", database "app", SSL encryption`.',
        True,
        (f"hostnossl all all 127.0.0.1/32 {_SCRAM}",),
    ),
    Profile(
        "both",
        "TLS and plain connections both allowed (password)",
        "Every sslmode connects; whether the certificate verifies depends on the cert variant.",
        True,
        (f"host all all 127.0.0.1/32 {_SCRAM}",),
    ),
    Profile(
        "ssl_off",
        "the server has TLS switched off",
        "sslmode=disable/allow/prefer connect in plain text; sslmode=require gets "
        "`server does not support SSL, but SSL was required`.",
        False,
        (f"host all all 127.0.0.1/32 {_SCRAM}",),
    ),
    Profile(
        "reject",
        "an explicit reject rule for the sandbox user",
        'The sandbox user gets `pg_hba.conf rejects connection for host "127.0.0.1", user "app", '
        'database "app", SSL encryption` (or `no encryption`); other roles connect over TLS.',
        True,
        ("host all {user} 127.0.0.1/32 reject", f"hostssl all all 127.0.0.1/32 {_SCRAM}"),
    ),
    Profile(
        "clientcert",
        "TLS with a client certificate (mTLS, method cert): no password",
        "Needs sslcert/sslkey of a certificate signed by the client CA with CN = the user; without one the "
        "client gets `connection requires a valid client certificate`; a certificate from another CA is "
        "refused during the handshake (`tlsv1 alert unknown ca`).",
        True,
        ("hostssl all all 127.0.0.1/32 cert",),
        client_ca=True,
    ),
    Profile(
        "trust_tls",
        "TLS required, no password asked (trust)",
        "Any TLS client connects as any role without a password; plain clients get `... no encryption`.",
        True,
        ("hostssl all all 127.0.0.1/32 trust",),
    ),
    Profile(
        "peer",
        "peer authentication for the sandbox user on the Unix socket; TCP as managed",
        'Over the Unix socket (host=<the data directory>) the sandbox user is checked by peer authentication: '
        'a client running as another operating-system user gets `Peer authentication failed for user "app"`. '
        "Over TCP the server behaves as managed.",
        True,
        ("local all {user} peer", f"hostssl all all 127.0.0.1/32 {_SCRAM}"),
    ),
    Profile(
        "allowlist",
        "TLS only, and only from 10.0.0.0/8: this machine is not on the allowlist",
        'Every connection from here is refused: `no pg_hba.conf entry for host "127.0.0.1", user "app", '
        'database "app", SSL encryption` over TLS, and `... no encryption` in plain text.',
        True,
        (f"hostssl all all 10.0.0.0/8 {_SCRAM}",),
    ),
]

PROFILES: Final[Mapping[str, Profile]] = MappingProxyType({p.name: p for p in _LIST})
DEFAULT_PROFILE: Final = "managed"
DEFAULT_CERT: Final = "full"


def get_profile(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        from dbdoctor.errors import SandboxError

        raise SandboxError(f"unknown profile {name!r}; choose one of: {', '.join(PROFILES)}") from None
