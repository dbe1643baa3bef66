"""The Diagnosis: everything the check-stage rules read, assembled once. Pure data, no I/O."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Literal

from dbdoctor.modes import AddressFacts, AuthKnowledge, RootFile
from dbdoctor.probe.observations import DriverObservation, Observations
from dbdoctor.report import ModeResult
from dbdoctor.target import Target


@dataclasses.dataclass(frozen=True, slots=True)
class Fix:
    """A corrected connection string (redacted) and whether a real connection proved it."""

    changes: Mapping[str, str | None]
    text: str  # the corrected string, redacted
    proved: bool  # a real connection with these settings worked
    #: "fix" (use this), or "trade-off" (it works, but verifies less than it should: labelled, never the fix)
    kind: Literal["fix", "trade-off"] = "fix"
    note: str | None = None


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
    analysis: Any = None
    #: the working connection of the user's mode is not encrypted although an SSL attempt was made
    fell_back_to_plain: bool = False
    #: an extra connection that tested the password (never in plain text unless the user's mode would)
    password_check: DriverObservation | None = None
    fix: Fix | None = None

    @property
    def driver(self) -> DriverObservation | None:
        return self.observations.driver
