"""``dbdoctor explain CODE-OR-ERROR-TEXT``: offline, no network.

Exit codes: 0 explained, 1 not known, 2 empty input. ``-`` reads the text from stdin (bounded).
"""

from __future__ import annotations

import json
import os
import re
import sys

import click

from dbdoctor import causes
from dbdoctor.explain import Explanation
from dbdoctor.explain import explain as explain_text
from dbdoctor.messages.match import MAX_INPUT

_LITERAL = re.compile(r"``([^`]+)``")


def _plain(text: str) -> str:
    """reST inline literals as the terminal shows them."""
    return _LITERAL.sub(r"\1", text)


def _lines(ex: Explanation) -> list[tuple[str, str]]:
    """(text, style) pairs; style is a rich style name or ""."""
    out: list[tuple[str, str]] = []
    if ex.kind == "code" and ex.rule is not None:
        r = ex.rule
        out.append((f"{r.code}: {r.title}", "bold"))
        meaning = f" ({r.cause_meaning})" if r.cause_meaning else ""
        out.append((f"cause: {r.cause}{meaning}", ""))
        out.append((f"severity: {r.severity}    stage: {r.stage}    docs: {r.docs}", "dim"))
        for name, body in r.sections.items():
            out.append(("", ""))
            out.append((name, "bold cyan"))
            out.extend((f"  {line}" if line else "", "") for line in _plain(body).splitlines())
    elif ex.kind == "cause" and ex.cause is not None:
        c = ex.cause
        out.append((f"{c.id}: {c.meaning}", "bold"))
        out.append((f"rules that report it: {', '.join(c.rules) or 'none yet'}", ""))
        if c.messages:
            out.append((f"messages that mean it: {', '.join(c.messages)}", "dim"))
    elif ex.kind == "message":
        several = len(ex.matches) > 1
        if several:
            if len({m.span for m in ex.matches}) == 1:
                out.append((
                    f"This text has {len(ex.matches)} possible meanings; only a live check tells them apart "
                    "(dbdoctor check):",
                    "bold",
                ))
            else:
                out.append((f"{len(ex.matches)} errors recognised in this text, the likely root cause first:", "bold"))
        for i, m in enumerate(ex.matches, 1):
            if i > 1 or several:
                out.append(("", ""))
            head = f"{i}. " if several else ""
            out.append((f"{head}{m.entry.source} says this ({m.id}); cause: {m.cause}", "bold"))
            cause_meaning = causes.meaning(m.cause)
            if cause_meaning:
                # a refusal at one address next to another address's answer is explained as not the cause
                label = "What it says" if m.meaning.startswith("Not the cause") else "Likely cause"
                out.append((f"{label}: {cause_meaning}", ""))
            out.append((f"What it means: {m.meaning}", ""))
            out.append((f"Fix: {m.fix}", "green"))
            seen = "confirmed on a real server" if m.entry.confirmed else "not confirmed on a real server"
            out.append((f"({seen}. {m.entry.note})", "dim"))
        out.append(("", ""))
        out.append(('To test the connection itself: dbdoctor check "$DATABASE_URL"', "dim"))
    else:
        out.append((ex.hint or "Not known.", "yellow"))
    return out


def _use_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@click.command()
@click.argument("text", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON on stdout, nothing else.")
def explain(text: tuple[str, ...], as_json: bool) -> int:
    """What a finding code (DD301), a cause id (hostname_mismatch) or a pasted error message means, and the fix.

    \b
    Examples:
      dbdoctor explain DD301
      dbdoctor explain 'FATAL: no pg_hba.conf entry for host "10.0.0.7", user "app", database "app", no encryption'
      pbpaste | dbdoctor explain -

    No network is used. Passwords in pasted URLs are shown as ****.
    """
    raw = sys.stdin.read(MAX_INPUT) if text == ("-",) else " ".join(text)
    ex = explain_text(raw)
    if as_json:
        click.echo(json.dumps(ex.to_dict(), indent=2))
    elif _use_color():
        from rich.console import Console
        from rich.text import Text

        console = Console(highlight=False)
        for line, style in _lines(ex):
            console.print(Text(line, style=style or ""))
    else:
        for line, _style in _lines(ex):
            click.echo(line)
    return 0 if ex.explained else 1
