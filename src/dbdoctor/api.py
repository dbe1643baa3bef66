"""The public library API (re-exported lazily by ``dbdoctor/__init__.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
