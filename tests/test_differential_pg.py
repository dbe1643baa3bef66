"""Differential truth for ``dbdoctor check`` on PostgreSQL: dbdoctor's verdict and mode matrix against what the
real driver (psycopg, libpq) does with the same settings, on sandbox servers the suite starts.

Each scenario sets a server profile and certificate variant, builds client settings, runs
``dbdoctor.postgres.pipeline.check`` once, then runs psycopg with exactly the same settings (the verdict) and with each of
the six sslmodes (the matrix). Every prediction that is ``ok`` or ``fail`` must equal psycopg's outcome; a
prediction may be ``unknown`` only where the scenario says so (dbdoctor refuses to test a password over a
connection weaker than the user's own). The root cause must be the one the scenario was built to have.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from dbdoctor.causes import CAUSES
from dbdoctor.postgres.modes import PG_MODES
from fix_scenarios import SCENARIOS, Scenario, run_scenario

pytestmark = pytest.mark.server

@pytest.mark.parametrize("sc", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(sc: Scenario, pg_sandbox: Any, pki: Any, clean_env: Path, tmp_path: Path,
                  listeners: Mapping[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    out = run_scenario(sc, pg_sandbox, pki, clean_env, tmp_path, listeners, monkeypatch)
    report = out.report
    assert report.verdict == out.real_verdict, f"verdict: dbdoctor {report.verdict}, psycopg {out.real_message}"
    mismatches = []
    for mode in PG_MODES:
        predicted = report.modes[mode]
        if predicted.outcome == "unknown" and mode in sc.unknown:
            assert predicted.cause == "password_untested"
            continue
        if predicted.outcome != out.real_modes[mode]:
            mismatches.append(f"{mode}: dbdoctor {predicted.outcome} ({predicted.cause}), psycopg {out.real_modes[mode]}")
    assert not mismatches, "; ".join(mismatches)
    assert report.cause == sc.cause, (
        f"cause {report.cause}, expected {sc.cause}; driver said {out.real_message}; saw {report.evidence}"
    )
    if sc.cause is not None:
        assert any(f.cause == sc.cause and f.severity == "error" for f in report.findings), report.findings
    emitted = {report.cause, *(m.cause for m in report.modes.values()), *(f.cause for f in report.findings)}
    assert emitted - {None} <= set(CAUSES), emitted - set(CAUSES)
    if "password" in out.settings:
        assert out.settings["password"] not in json.dumps(report.to_dict())


def test_enough_comparisons() -> None:
    """Each scenario compares the verdict and the six modes: at least 300 comparisons in all."""
    comparisons = sum(1 + len(PG_MODES) - len(s.unknown) for s in SCENARIOS)
    assert comparisons >= 300, comparisons
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS)
