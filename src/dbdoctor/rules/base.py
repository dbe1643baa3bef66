"""What a rule is: a stable code, a cause id, a severity, a one-line title and a docstring with four sections.

A rule module defines ``RULE = Rule(...)`` and a function ``check(ctx) -> Iterable[Finding]``; it builds its
findings with ``RULE.finding(detail=..., fix=...)``. The docs page and ``dbdoctor explain CODE`` come from
the module docstring, which must have the sections *What it checks*, *Why it matters*, *How to fix* and
*Example* (tests/rules/test_registry.py enforces it).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Final, Literal

from dbdoctor.report import Finding, Severity

if TYPE_CHECKING:
    from dbdoctor.target import Secret, Target

SECTIONS: Final = ("What it checks", "Why it matters", "How to fix", "Example")

#: "check-mysql": the check stage of MySQL/MariaDB targets (dbdoctor.mysql.pipeline runs those, not "check")
Stage = Literal["static", "check", "check-mysql"]


@dataclasses.dataclass(frozen=True, slots=True)
class Context:
    """Everything a rule may read. ``observations`` is None for static (no-network) rules."""

    target: Target
    #: the target exactly as written, password included, wrapped so it cannot print; None when not given
    raw: Secret | None = None
    environ: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: what the engine's check stage knows (its diagnosis: postgres.diagnosis.Diagnosis, mysql.diagnosis.MyDiagnosis);
    #: rules take it with isinstance, so that one engine's rule never reads the other's
    observations: object = None
    driver: str = "libpq"


@dataclasses.dataclass(frozen=True, slots=True)
class Rule:
    code: str
    cause: str
    severity: Severity
    title: str
    doc: str
    check: Callable[[Context], Iterable[Finding]]
    stage: Stage = "static"

    @property
    def docs_path(self) -> str:
        return f"docs/rules/{self.code}.md"

    def finding(
        self, *, detail: str, fix: str, title: str | None = None, severity: Severity | None = None
    ) -> Finding:
        return Finding(
            code=self.code,
            cause=self.cause,
            severity=severity or self.severity,
            title=title or self.title,
            detail=detail,
            fix=fix,
            docs=self.docs_path,
        )

    def sections(self) -> dict[str, str]:
        return parse_sections(self.doc)


_HEADING = re.compile(r"^(What it checks|Why it matters|How to fix|Example)\s*\n-+\s*$", re.MULTILINE)


def parse_sections(doc: str) -> dict[str, str]:
    """Split a rule docstring into its sections (reST-style underlined headings)."""
    import textwrap

    text = textwrap.dedent(doc).strip("\n")
    parts = _HEADING.split(text)
    out: dict[str, str] = {}
    for i in range(1, len(parts) - 1, 2):
        out[parts[i]] = textwrap.dedent(parts[i + 1]).strip()
    return out
