"""Loading rules: every rule module is listed by hand by whoever runs it, and a rule that is not listed does not
run (tests/rules/test_registry.py checks that every rule module is listed).

The rules that every engine runs are listed here (:data:`SHARED_MODULES`); each engine package lists its own
and the shared ones (``dbdoctor.postgres.rules.MODULES``, ``dbdoctor.mysql.rules.MODULES``), and its pipeline asks
for the rules of a stage from that list. All the rules of every engine (for ``explain``, the docs pages and the
tests) come from :func:`dbdoctor.route.all_rules`, the one place that knows every engine.

A module holds one rule (``RULE``) or a small family of rules that share their logic (``RULES``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from functools import cache
from typing import Final

from dbdoctor.rules.base import Rule, Stage

#: rule modules that do not depend on the engine
SHARED_MODULES: Final[tuple[str, ...]] = (
    "dbdoctor.rules.sources_conflict",
    "dbdoctor.rules.driver_params",
)


@cache
def _module_rules(name: str) -> tuple[Rule, ...]:
    module = importlib.import_module(name)
    found = (module.RULE,) if hasattr(module, "RULE") else tuple(getattr(module, "RULES", ()))
    if not found or not all(isinstance(r, Rule) for r in found):
        raise TypeError(f"{name} defines no RULE or RULES of type Rule")
    return found


def load(modules: Iterable[str]) -> tuple[Rule, ...]:
    """The rules of these modules, by code; a module listed twice counts once."""
    rules: dict[str, Rule] = {}
    for name in modules:
        for rule in _module_rules(name):
            rules[rule.code] = rule
    return tuple(sorted(rules.values(), key=lambda r: r.code))


def rules_for(stage: Stage, modules: Iterable[str]) -> tuple[Rule, ...]:
    """The rules of one stage among these modules, by code."""
    return tuple(r for r in load(modules) if r.stage == stage)


def by_code(code: str, rules: Iterable[Rule]) -> Rule | None:
    code = code.strip().upper()
    return next((r for r in rules if r.code == code), None)
