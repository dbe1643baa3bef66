"""The public library API (re-exported lazily by ``dbdoctor/__init__.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dbdoctor.explain import Explanation
    from dbdoctor.report import ParseReport


def parse(
    target: str | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    env_files: Sequence[str | Path] = (),
) -> ParseReport:
    """The settings as written, the effective settings with where each came from, and the static findings.

    No network. ``environ`` defaults to ``os.environ``. Raises ``errors.TargetParseError`` when libpq rejects
    the target and ``errors.SourceFileError`` when a dotenv or service file cannot be used.
    """
    import os

    from dbdoctor.sources.postgres import parse_report

    return parse_report(target, environ=dict(os.environ) if environ is None else environ, env_files=env_files)


def explain(text: str) -> Explanation:
    """What a finding code (``DD301``), a cause id or a pasted driver/server error message means, and the fix.

    No network. Raises ``errors.UsageError`` for empty input. See :mod:`dbdoctor.explain`.
    """
    from dbdoctor.explain import explain as _explain

    return _explain(text)
