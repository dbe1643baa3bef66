"""``dbdoctor explain``: what a finding code, a cause id or a pasted error message means, offline.

:func:`explain` takes what the user typed or pasted and returns an :class:`Explanation` (frozen, with
``to_dict()`` giving the ``dbdoctor.explain/1`` JSON). No network, no click, no rich: the CLI renders it.

A pasted message is first cut to a bounded excerpt (:func:`excerpt`: its first and last lines, long lines cut, so
a whole log file costs what a message does), redacted (the password of any URL, ``password=...`` settings), then
matched against :mod:`dbdoctor.messages` (by :mod:`dbdoctor.messages.match`). Where entries overlap in the text,
the most specific one (highest priority, then the longest match) wins; entries with the same span and priority
are alternatives and all are kept. Entries that match different parts of the paste (libpq 18 reports every
attempt, a stack trace wraps the reason) are all kept, the likely root cause first: a refining line (a
``DETAIL:``, a provider's reason) before the generic one, a driver's wrapper after the reason inside it.
"""

from __future__ import annotations

import dataclasses
import re
import sys
import types
from collections.abc import Mapping
from typing import Any, Final, Literal

from dbdoctor import causes
from dbdoctor import messages as catalog
from dbdoctor.errors import UsageError
from dbdoctor.messages.match import Match, excerpt, match_message, redact

Kind = Literal["code", "cause", "message", "unknown"]

SCHEMA: Final = "dbdoctor.explain/1"
#: longest text read at all; the rest is ignored (a paste is a message, not a log file)
_CODE = re.compile(r"DD\d{3}", re.IGNORECASE)
_CAUSE = re.compile(r"[a-z][a-z0-9_]*")

# --- results --------------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class RuleInfo:
    code: str
    title: str
    cause: str
    cause_meaning: str | None
    severity: str
    stage: str
    sections: Mapping[str, str]
    docs: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "cause": self.cause,
            "cause_meaning": self.cause_meaning,
            "severity": self.severity,
            "stage": self.stage,
            "sections": dict(self.sections),
            "docs": self.docs,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class CauseInfo:
    id: str
    meaning: str
    rules: tuple[str, ...]
    messages: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "meaning": self.meaning, "rules": list(self.rules), "messages": list(self.messages)}


@dataclasses.dataclass(frozen=True, slots=True)
class Explanation:
    """What ``explain`` found. ``query`` is the input with passwords replaced by ``****``."""

    query: str
    kind: Kind
    matches: tuple[Match, ...] = ()
    rule: RuleInfo | None = None
    cause: CauseInfo | None = None
    #: a sentence for the user when nothing was found
    hint: str | None = None

    @property
    def explained(self) -> bool:
        return self.kind != "unknown"

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "query": self.query,
            "kind": self.kind,
            "matches": [m.to_dict() for m in self.matches],
            "rule": self.rule.to_dict() if self.rule else None,
            "cause": self.cause.to_dict() if self.cause else None,
            "hint": self.hint,
        }


# --- the three kinds of query ---------------------------------------------------------------------------------
def _rules() -> tuple[Any, ...]:
    from dbdoctor.route import all_rules

    return all_rules()


def _rule_info(code: str) -> RuleInfo | None:
    from dbdoctor.route import all_rules
    from dbdoctor.rules.registry import by_code

    rule = by_code(code, all_rules())
    if rule is None:
        return None
    return RuleInfo(
        code=rule.code,
        title=rule.title,
        cause=rule.cause,
        cause_meaning=causes.meaning(rule.cause),
        severity=rule.severity,
        stage=rule.stage,
        sections=rule.sections(),
        docs=rule.docs_path,
    )


def _cause_info(cause: str) -> CauseInfo | None:
    text = causes.meaning(cause)
    if text is None:
        return None
    return CauseInfo(
        id=cause,
        meaning=text,
        rules=tuple(r.code for r in _rules() if r.cause == cause),
        messages=tuple(e.id for e in catalog.ENTRIES if e.cause == cause),
    )


def explain(text: str) -> Explanation:
    """Explain a finding code (``DD301``), a cause id (``hostname_mismatch``) or a pasted error message.

    Raises :class:`dbdoctor.errors.UsageError` for empty input. Never touches the network.
    """
    query = redact(excerpt(text).strip())
    if not query:
        raise UsageError(
            "nothing to explain",
            hint='give a finding code (DD301), a cause id (hostname_mismatch) or an error message in quotes, '
            "or - to read it from stdin",
        )
    if _CODE.fullmatch(query):
        info = _rule_info(query)
        if info is None:
            known = ", ".join(r.code for r in _rules()) or "none registered"
            return Explanation(
                query=query,
                kind="unknown",
                hint=f"There is no rule {query.upper()}. Known codes: {known}.",
            )
        return Explanation(query=query, kind="code", rule=info)
    if _CAUSE.fullmatch(query) and "_" in query:
        cinfo = _cause_info(query)
        if cinfo is not None:
            return Explanation(query=query, kind="cause", cause=cinfo)
    matches = match_message(query)
    if matches:
        return Explanation(query=query, kind="message", matches=matches)
    return Explanation(
        query=query,
        kind="unknown",
        hint=(
            "This message is not in dbdoctor's catalog. Paste the complete message (with its first line), or run "
            '`dbdoctor check "$DATABASE_URL"` to diagnose the connection itself.'
        ),
    )


class _CallableModule(types.ModuleType):
    """``dbdoctor.explain`` is both this module and the public function (``dbdoctor.explain(text)``): once the
    module is imported it shadows the package's lazy attribute, so the module itself answers the call."""

    def __call__(self, text: str) -> Explanation:
        return explain(text)


sys.modules[__name__].__class__ = _CallableModule
