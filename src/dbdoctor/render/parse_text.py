"""The terminal rendering of a parse report: effective settings with where each came from, the redacted
line an app can log, the findings with their fix. Colour only on a terminal without NO_COLOR."""

from __future__ import annotations

from typing import IO

from dbdoctor.render.text import Line, emit, finding_lines
from dbdoctor.report import ParseReport


def parse_lines(report: ParseReport, written: str | None, driver_named_by: str = "the scheme") -> list[Line]:
    lines: list[Line] = []
    lines.append((f"Target: {written or '(settings from the environment)'}", "bold"))
    if report.driver:
        lines.append((f"Driver named by {driver_named_by}: {report.driver}", None))
    lines.append(("", None))
    lines.append(("Effective settings (where each came from):", "bold"))
    rows = [(k, str(v), report.provenance.get(k, "")) for k, v in report.effective.items()]
    rows.append(("password", report.password, report.provenance.get("password", "")))
    width = max(len(k) for k, _, _ in rows)
    vwidth = min(max(len(v) for _, v, _ in rows), 50)
    for key, value, source in rows:
        lines.append((f"  {key:{width}}  {value:{vwidth}}  {source}", None))
    lines.append(("", None))
    lines.append(("Log this line at start-up (password redacted):", "bold"))
    lines.append((f"  {report.redacted}", "green"))
    lines.append(("", None))
    if report.findings:
        lines.append(("Findings:", "bold"))
        for f in report.findings:
            lines += finding_lines(f, full=True)
    else:
        lines.append(("No findings in the settings themselves (run `dbdoctor check` to test the connection).",
                      None))
    return lines


def render_parse(report: ParseReport, written: str | None, stream: IO[str] | None = None,
                 driver_named_by: str = "the scheme") -> None:
    emit(parse_lines(report, written, driver_named_by), stream)
