"""The Diagnosis: everything the check-stage rules read, assembled once. Pure data, no I/O."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, Literal

from dbdoctor.observations import DriverObservation, Observations
from dbdoctor.postgres.modes import AddressFacts, AuthKnowledge, RootFile
from dbdoctor.report import ModeResult
from dbdoctor.target import Target

if TYPE_CHECKING:
    from dbdoctor.tls import ChainAnalysis


@dataclasses.dataclass(frozen=True, slots=True)
class Fix:
    """A corrected connection string (redacted) and whether a real connection proved it."""

    changes: Mapping[str, str | None]
    text: str  # the corrected string, redacted
    proved: bool  # a real connection with these settings worked
    #: "fix" (use this), or "trade-off" (it works, but verifies less than it should: labelled, never the fix)
    kind: Literal["fix", "trade-off"] = "fix"
    note: str | None = None


#: causes that are about the server's certificate itself: what a pooler or proxy in the path changes
CERT_CAUSES: Final = frozenset({
    "cert_untrusted", "cert_self_signed", "cert_chain_incomplete", "cert_expired", "cert_not_yet_valid",
    "hostname_mismatch", "ip_address_mismatch",
})


@dataclasses.dataclass(frozen=True, slots=True)
class CertVariant:
    """One distinct leaf certificate seen at the target, when a certificate verdict was in question and extra
    handshakes were made (pipeline._sample_certificates): how often it was seen, where, who presented it, and
    what the user's settings do with it."""

    #: SHA-256 of the leaf certificate (DER), hex
    fingerprint: str
    #: the chain as that endpoint sent it, leaf first
    chain_der: tuple[bytes, ...]
    #: how many handshakes presented it (the probe's own and the extra ones)
    seen: int
    addresses: tuple[str, ...]
    #: who answered the start-up after the handshake: "pgbouncer", "postgresql" (not PgBouncer), never both
    #: unless the endpoints behind the address differ in more than their certificate
    answered_by: tuple[str, ...]
    #: tls.ChainAnalysis of this chain against the user's root file and host
    analysis: ChainAnalysis | None
    #: what each sslmode does with this certificate (the rest of the probe's facts unchanged)
    modes: Mapping[str, ModeResult]

    def refused(self, mode: str) -> bool:
        """Does ``mode`` refuse this certificate? (Not: does the whole connection fail; what comes after the
        certificate, such as a password not tested, is the same whichever certificate the endpoint has.)"""
        r = self.modes.get(mode)
        return r is not None and r.outcome == "fail" and r.cause in CERT_CAUSES


@dataclasses.dataclass(frozen=True, slots=True)
class Diagnosis:
    target: Target
    observations: Observations
    root: RootFile
    #: the root certificate file libpq would use (sslrootcert or ~/.postgresql/root.crt), None for system
    root_path: str | None
    addresses: tuple[AddressFacts, ...]
    auth: AuthKnowledge
    modes: Mapping[str, ModeResult]
    user_mode: str
    verdict: Literal["ok", "fail"]
    cause: str | None
    #: the certificate analysis of the first chain seen (tls.ChainAnalysis), None when none was seen
    analysis: ChainAnalysis | None = None
    #: the working connection of the user's mode is not encrypted although an SSL attempt was made
    fell_back_to_plain: bool = False
    #: an extra connection that tested the password (never in plain text unless the user's mode would)
    password_check: DriverObservation | None = None
    fix: Fix | None = None
    #: the distinct certificates seen when extra handshakes were made (empty when none were needed); two or
    #: more mean successive connections get different certificates (cert_varies)
    cert_variants: tuple[CertVariant, ...] = ()
    #: "pgbouncer" when every endpoint that answered the extra handshakes' start-up is PgBouncer: the
    #: certificate clients see is then PgBouncer's (client_tls_cert_file), not the database's
    pooler: str | None = None
    #: what the CRLs the client checks (sslcrl, sslcrldir) say about the server's chain, when they fail it
    revocation: str | None = None

    @property
    def cert_varies(self) -> bool:
        return len(self.cert_variants) > 1

    @property
    def driver(self) -> DriverObservation | None:
        return self.observations.driver


def fingerprint_short(fp: str) -> str:
    """The first 8 bytes of a SHA-256 fingerprint, colon-separated: enough to tell certificates apart."""
    return "SHA256 " + ":".join(fp[i:i + 2].upper() for i in range(0, 16, 2))


POOLER_NAMES: Final[Mapping[str, str]] = {"pgbouncer": "PgBouncer", "postgresql": "PostgreSQL"}


def describe_variant(v: CertVariant) -> str:
    """``SHA256 AB:..., subject CN=..., issued by ..., names ...``: one certificate of several."""
    leaf = getattr(v.analysis, "leaf", None)
    fp = fingerprint_short(v.fingerprint)
    if leaf is None:
        return fp
    names = ", ".join([*leaf.dns_names, *leaf.ip_addresses]) or "none"
    return f"{fp}, subject {leaf.subject!r}, issued by {leaf.issuer!r}, names: {names}"
