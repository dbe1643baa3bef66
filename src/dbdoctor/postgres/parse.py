"""``dbdoctor parse`` for PostgreSQL: the settings as the app's driver reads them (:mod:`.driver_check`), else as
libpq reads them (:mod:`.lint`), with the static findings. No network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from dbdoctor.report import ParseReport


def parse_report(
    text: str | None,
    *,
    environ: Mapping[str, str],
    env_files: Sequence[str | Path] = (),
    driver: str | None = None,
    project: str | None = None,
) -> ParseReport:
    """``dbdoctor parse`` as data: as the app's driver reads the target (``--driver``, ``--project``, the URL's
    scheme), else as libpq reads it."""
    from dbdoctor.postgres.driver_check import parse_report as driver_parse_report

    report = driver_parse_report(text, environ=environ, env_files=[str(f) for f in env_files], driver=driver,
                                 project=project)
    if report is None:
        from dbdoctor.postgres.lint import libpq_parse_report

        report = libpq_parse_report(text, environ=environ, env_files=env_files)
    return report  # type: ignore[no-any-return]
