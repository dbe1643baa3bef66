"""The terminal rendering of a check report: verdict first, then the cause in plain words, the evidence, the
fix, the mode matrix, the other findings.

Lines are built as plain text with an optional style each; colour (rich, imported only then) is used on a
terminal unless NO_COLOR is set, so piped output is plain and stable.
"""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Sequence
from typing import IO, Final

from dbdoctor.report import Finding, Report

Line = tuple[str, str | None]  # text, rich style

MODE_ORDER: Final = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
WIDTH: Final = 100

SEVERITY_STYLE: Final = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def use_colour(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def _wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,  # a URL or a path must stay whole, to be copied
        break_on_hyphens=False,
    ) or [indent]


def finding_lines(f: Finding, *, full: bool) -> list[Line]:
    out: list[Line] = [(f"{f.severity.upper():7} {f.code} {f.title}  [{f.cause}]", SEVERITY_STYLE[f.severity])]
    out += [(line, None) for line in _wrap(f.detail, "    ")]
    if full or f.severity != "info":
        out += [(line, "green") for line in _wrap("Fix: " + f.fix, "    ")]
    return out


def check_lines(report: Report, *, brief: bool = False) -> list[Line]:
    lines: list[Line] = []
    user_mode = str(report.effective.get("sslmode") or report.effective.get("ssl_mode") or "prefer")
    target = report.target or "(settings from the environment)"
    if report.verdict == "ok":
        lines.append((f"OK    {target}", "bold green"))
    else:
        lines.append((f"FAIL  {target}", "bold red"))
    root = next((f for f in report.findings if f.cause == report.cause and f.severity == "error"), None)
    if report.verdict == "fail":
        lines.append(("", None))
        if root is not None:
            lines.append((f"Cause: {root.title} ({report.cause}, {root.code})", "bold"))
            lines += [(line, None) for line in _wrap(root.detail)]
            lines.append(("", None))
            lines.append(("Fix:", "bold green"))
            lines += [(line, "green") for line in _wrap(root.fix)]
        else:
            lines.append((f"Cause: {report.cause}", "bold"))
            if report.driver_error:
                lines += [(line, None) for line in _wrap(f'The driver said: "{report.driver_error}"')]
        if report.corrected:
            lines.append(("", None))
            lines.append(("Corrected connection string (password shown as ****):", "bold"))
            lines.append((f"  {report.corrected}", "green"))
    if report.modes:
        lines.append(("", None))
        word = "ssl-mode" if report.engine == "mysql" else "sslmode"
        lines.append((f"What each {word} would do (everything else as you have it):", "bold"))
        order = MODE_ORDER if report.engine != "mysql" else tuple(report.modes)  # MySQL: DISABLED ... VERIFY_IDENTITY
        width = max(12, *(len(mode) for mode in order))
        for mode in order:
            m = report.modes.get(mode)
            if m is None:
                continue
            mark = "  <- yours" if mode == user_mode else ""
            cause = f"  {m.cause}" if m.cause else ""
            style = {"ok": "green", "fail": "red"}.get(m.outcome, "yellow")
            lines.append((f"  {mode:{width}} {m.outcome:8}{cause}{mark}", style))
        unknown_causes = {m.cause for m in report.modes.values() if m.outcome == "unknown"}
        if "password_untested" in unknown_causes:
            lines += [
                (line, "dim")
                for line in _wrap(
                    "unknown (password_untested): the server asks for a password there, and dbdoctor does not "
                    "send yours over a connection less protected than the one your settings choose."
                )
            ]
        if "probe_incomplete" in unknown_causes:
            lines += [(line, "dim") for line in _wrap("unknown (probe_incomplete): the probe did not get that far.")]
    others = [f for f in report.findings if f is not root]
    if others:
        lines.append(("", None))
        lines.append(("Findings:" if root is None else "Other findings:", "bold"))
        for f in others:
            lines += finding_lines(f, full=False)
    if report.evidence and not brief:
        lines.append(("", None))
        lines.append(("Evidence:", "bold"))
        for e in report.evidence:
            lines += [(line, "dim") for line in _wrap(f"{e['layer']:12} {e['text']}")]
    eff = report.effective
    if eff and not brief:
        lines.append(("", None))
        lines.append(("Effective settings (where each came from):", "bold"))
        prov = eff.get("provenance") or {}
        for key, value in eff.items():
            if key == "provenance" or value is None:
                continue
            source = prov.get(key, "")
            lines.append((f"  {key:14} {value!s:40} {source}", None))
    total = report.timings_ms.get("total")
    if total is not None and not brief:
        lines.append(("", None))
        lines.append((f"Done in {total:.0f} ms.", "dim"))
    return lines


def emit(lines: Sequence[Line], stream: IO[str] | None = None) -> None:
    from dbdoctor._untrusted import printable

    # what a server sent (error text, certificate names) is in these lines: its control bytes are shown escaped
    lines = [(printable(text), style) for text, style in lines]
    stream = stream or sys.stdout
    if use_colour(stream):
        from rich.console import Console
        from rich.text import Text

        console = Console(file=stream, highlight=False, soft_wrap=True)
        for text, style in lines:
            console.print(Text(text, style=style or ""))
    else:
        for text, _style in lines:
            stream.write(text + "\n")


def render_check(report: Report, stream: IO[str] | None = None) -> None:
    emit(check_lines(report), stream)
