"""The corpus of real connection error messages (tests/data/messages/*.json) and how ``explain`` is scored on it.

Each file is one driver family; each message carries the text as a user pasted it (placeholders for secrets, hosts,
addresses and user names), the public thread it comes from, and the cause that thread established. A message
counts as explained when ``explain`` names that cause first; where the first entry has alternatives that only a
live check can tell apart (same words, same priority), naming it among them counts too.

Shared by tests/explain/test_corpus.py and bench/explain_corpus.py; no imports beyond dbdoctor.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path

from dbdoctor.explain import explain

DATA = Path(__file__).resolve().parents[1] / "data" / "messages"


@dataclasses.dataclass(frozen=True, slots=True)
class Message:
    id: str
    family: str
    url: str
    cause: str
    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class Outcome:
    message: Message
    named: tuple[str, ...]

    @property
    def right(self) -> bool:
        return self.message.cause in self.named


def load(data: Path = DATA) -> list[Message]:
    out: list[Message] = []
    for path in sorted(data.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for m in doc["messages"]:
            out.append(Message(m["id"], doc["family"], m["url"], m["cause"], m["text"]))
    return out


def named_causes(text: str) -> tuple[str, ...]:
    """The cause ``explain`` names for a pasted message: the first match's, with its same-span alternatives."""
    result = explain(text)
    if result.kind != "message" or not result.matches:
        return ()
    first = result.matches[0]
    return tuple(dict.fromkeys(
        m.cause for m in result.matches
        if m.span == first.span and m.entry.priority == first.entry.priority
    ))


def score(messages: Iterable[Message]) -> list[Outcome]:
    return [Outcome(m, named_causes(m.text)) for m in messages]


def by_family(outcomes: Iterable[Outcome]) -> dict[str, tuple[int, int]]:
    """family -> (right, total)."""
    table: dict[str, tuple[int, int]] = {}
    for o in outcomes:
        right, total = table.get(o.message.family, (0, 0))
        table[o.message.family] = (right + o.right, total + 1)
    return dict(sorted(table.items()))


def render(table: dict[str, tuple[int, int]]) -> str:
    lines = [f"{'family':<16} {'right':>5} {'total':>5} {'score':>6}"]
    for family, (right, total) in table.items():
        lines.append(f"{family:<16} {right:>5} {total:>5} {right / total:>6.0%}")
    right = sum(r for r, _ in table.values())
    total = sum(t for _, t in table.values())
    lines.append(f"{'overall':<16} {right:>5} {total:>5} {right / total:>6.0%}")
    return "\n".join(lines)
