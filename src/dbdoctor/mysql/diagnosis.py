"""What the MySQL check-stage rules read: the diagnosis the pipeline has made (as dbdoctor.postgres.diagnosis is
for PostgreSQL). Data only."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

from dbdoctor.mysql.modes import LoginFacts, TransportFacts
from dbdoctor.report import ModeResult
from dbdoctor.target import Target

if TYPE_CHECKING:
    from dbdoctor.mysql.probe import MyAttempt, MyHostObservations, MyObservations
    from dbdoctor.tls import ChainAnalysis


@dataclasses.dataclass(frozen=True, slots=True)
class MyDiagnosis:
    """Everything the check-stage MySQL rules read."""

    target: Target
    observations: MyObservations
    transport: TransportFacts
    login: LoginFacts
    modes: Mapping[str, ModeResult]
    user_mode: str
    verdict: str
    cause: str | None
    analysis: ChainAnalysis | None
    #: the TLS attempt with the user's credentials that told a lying 1045 apart (or tested the password when the
    #: user's own connection did not reach authentication), None when none was made
    decider: MyAttempt | None
    fell_back_to_plain: bool

    @property
    def driver(self) -> MyAttempt | None:
        return self.observations.driver

    @property
    def host(self) -> MyHostObservations | None:
        return self.observations.hosts[0] if self.observations.hosts else None
