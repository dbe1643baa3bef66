"""Every rule, listed by hand: a rule that is not here does not run (tests/rules/test_registry.py checks that
every module in rules/ is listed).

A module holds one rule (``RULE``) or a small family of rules that share their logic (``RULES``).
"""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

from dbdoctor.rules._base import Rule

#: module names under dbdoctor.rules
RULE_MODULES: tuple[str, ...] = (
    "network",
    "encryption",
    "certificates",
    "pooler",
    "access",
    "static_target",
    "static_password",
    "static_unknown",
    "static_invalid",
    "static_files",
    "static_env",
    "deploy_build",
    "sources_conflict",
    "mysql_static",
    "mysql_check",
    "driver_params",
    "peer_auth",
    "pooler_params",
    "auth_method",
    "client_ssl_support",
    "sni",
    "mysql_public_key",
)


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"dbdoctor.rules.{name}")


@cache
def all_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for name in RULE_MODULES:
        module = _load(name)
        found = (module.RULE,) if hasattr(module, "RULE") else tuple(getattr(module, "RULES", ()))
        if not found or not all(isinstance(r, Rule) for r in found):
            raise TypeError(f"dbdoctor.rules.{name} defines no RULE or RULES of type Rule")
        rules.extend(found)
    return tuple(sorted(rules, key=lambda r: r.code))


def rules_for(stage: str) -> tuple[Rule, ...]:
    return tuple(r for r in all_rules() if r.stage == stage)


def by_code(code: str) -> Rule | None:
    code = code.strip().upper()
    return next((r for r in all_rules() if r.code == code), None)
