"""The rule registry: every rule module is registered, every rule is complete (code, contract cause, four
docstring sections), and the generated docs pages in docs/rules/ are up to date."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from dbdoctor import causes
from dbdoctor.rules import registry
from dbdoctor.rules._base import SECTIONS, Rule

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = ROOT / "src" / "dbdoctor" / "rules"
NOT_RULES = {"_base", "registry", "__init__"}


def _gen_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rule_modules() -> set[str]:
    """Modules in rules/ that may hold rules: not the base, the registry, or private helpers (_evidence)."""
    return {p.stem for p in RULES_DIR.glob("*.py") if p.stem not in NOT_RULES and not p.stem.startswith("_")}


RULES = registry.all_rules()


def test_every_module_is_registered() -> None:
    assert _rule_modules() == set(registry.RULE_MODULES)


def test_private_helpers_define_no_rules() -> None:
    """A module starting with _ (other than _base) is not registered, so it must not hide a rule."""
    for path in RULES_DIR.glob("_*.py"):
        if path.stem in NOT_RULES:
            continue
        module = importlib.import_module(f"dbdoctor.rules.{path.stem}")
        assert not hasattr(module, "RULE") and not hasattr(module, "RULES"), path.name


def test_at_least_one_rule_is_registered() -> None:
    assert registry.RULE_MODULES, "RULE_MODULES is empty: the static rules exist, so something was dropped"
    assert RULES


def test_codes_unique_and_well_formed() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert re.fullmatch(r"DD\d{3}", code), code


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_complete(rule: Rule) -> None:
    assert rule.cause in causes.CAUSES, f"{rule.code}: cause {rule.cause!r} is not in the contract's table"
    assert rule.severity in ("error", "warning", "info")
    assert rule.title.strip() and "\n" not in rule.title
    sections = rule.sections()
    for name in SECTIONS:
        assert sections.get(name, "").strip(), f"{rule.code}: section {name!r} is missing or empty"
    assert registry.by_code(rule.code.lower()) is rule


def test_generated_docs_are_up_to_date() -> None:
    gen = _gen_docs()
    stale = gen.stale()
    assert not stale, f"stale pages in docs/rules: {stale}; run python scripts/gen_rule_docs.py"


def test_docs_generator_check_mode_detects_a_stale_page(tmp_path: Path) -> None:
    gen = _gen_docs()
    gen.write(tmp_path)
    assert gen.stale(tmp_path) == []
    if RULES:
        page = tmp_path / f"{RULES[0].code}.md"
        page.write_text(page.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
        assert gen.stale(tmp_path) == [page.name]
    (tmp_path / "DD999.md").write_text("a rule that no longer exists\n", encoding="utf-8")
    assert "DD999.md" in gen.stale(tmp_path)
    gen.write(tmp_path)
    assert gen.stale(tmp_path) == []
    assert not (tmp_path / "DD999.md").exists()


def test_docs_page_content() -> None:
    gen = _gen_docs()
    for rule in RULES:
        page = gen.rule_page(rule)
        assert page.splitlines()[1] == f"# {rule.code}: {rule.title}"
        assert f"`{rule.cause}`" in page
        for name in SECTIONS:
            assert f"## {name}" in page
