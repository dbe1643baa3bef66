"""The report: exactly the public contract (../shared/design/REPORT-CONTRACT.md). Renderers only format it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    from dbdoctor.tls import ChainAnalysis

Severity = Literal["error", "warning", "info"]
Outcome = Literal["ok", "fail", "unknown"]

SEVERITY_ORDER: Final[Mapping[str, int]] = {"error": 0, "warning": 1, "info": 2}

PARSE_SCHEMA: Final = "dbdoctor.parse/1"
REPORT_SCHEMA: Final = "dbdoctor.report/1"


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    code: str
    cause: str
    severity: Severity
    title: str
    detail: str
    fix: str
    docs: str

    def to_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "cause": self.cause,
            "severity": self.severity,
            "title": self.title,
            "detail": self.detail,
            "fix": self.fix,
            "docs": self.docs,
        }


def sort_findings(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Severity first, then code, as the contract says; duplicates (same code and detail) dropped."""
    seen: set[tuple[str, str]] = set()
    unique = []
    for f in findings:
        if (f.code, f.detail) not in seen:
            seen.add((f.code, f.detail))
            unique.append(f)
    return tuple(sorted(unique, key=lambda f: (SEVERITY_ORDER[f.severity], f.code)))


@dataclasses.dataclass(frozen=True, slots=True)
class ModeResult:
    outcome: Outcome
    cause: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"outcome": self.outcome, "cause": self.cause}


@dataclasses.dataclass(frozen=True, slots=True)
class ParseReport:
    engine: str
    params: Mapping[str, str]
    effective: Mapping[str, Any]
    password: Literal["set", "unset"]
    provenance: Mapping[str, str]
    redacted: str
    findings: tuple[Finding, ...]
    driver: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": PARSE_SCHEMA,
            "engine": self.engine,
            "params": dict(self.params),
            "effective": dict(self.effective),
            "password": self.password,
            "provenance": dict(self.provenance),
            "redacted": self.redacted,
            "findings": [f.to_dict() for f in self.findings],
        }
        if self.driver is not None:
            out["driver"] = self.driver
        return out


@dataclasses.dataclass(frozen=True, slots=True)
class Report:
    engine: str
    target: str | None
    effective: Mapping[str, Any]
    verdict: Literal["ok", "fail"]
    cause: str | None
    modes: Mapping[str, ModeResult]
    findings: tuple[Finding, ...]
    timings_ms: Mapping[str, float]
    #: what the probes saw, for humans and the support report: addresses, server answers, certificate facts.
    #: Additive to the contract: a list of {"layer", "text"} entries. Never holds a secret.
    evidence: tuple[Mapping[str, str], ...] = ()
    #: the corrected connection string (redacted) when dbdoctor knows one that works
    corrected: str | None = None
    #: the real driver's own message for the effective settings, when it failed
    driver_error: str | None = None
    #: the tls.ChainAnalysis of the certificate chain the server sent (None when no TLS handshake completed),
    #: for the support report (render/html.py). Not part of to_dict(): the JSON contract is unchanged.
    chain_analysis: ChainAnalysis | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": REPORT_SCHEMA,
            "engine": self.engine,
            "target": self.target,
            "effective": dict(self.effective),
            "verdict": self.verdict,
            "cause": self.cause,
            "modes": {name: m.to_dict() for name, m in self.modes.items()},
            "findings": [f.to_dict() for f in self.findings],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "evidence": [dict(e) for e in self.evidence],
            "corrected": self.corrected,
            "driver_error": self.driver_error,
        }
