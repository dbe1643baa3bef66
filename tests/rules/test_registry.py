"""The rule registry: every rule module is registered, every rule is complete (code, contract cause, four
docstring sections), and the generated docs pages in docs/rules/ are up to date."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from dbdoctor import causes, route
from dbdoctor.rules import registry
from dbdoctor.rules.base import SECTIONS, Rule

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
#: every folder that holds rule modules: the shared rules and each engine's
RULE_DIRS = [SRC / "dbdoctor" / "rules", *(SRC / "dbdoctor" / e.rule_modules[-1].split(".")[1] / "rules"
                                             for e in route.engines())]
NOT_RULES = {"base", "registry", "__init__", "evidence", "texts"}


def _gen_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(SRC).with_suffix("").parts)


def _rule_modules() -> set[str]:
    """Modules in a rules folder that may hold rules: not the base, the registry or the helpers."""
    return {_module_name(p) for d in RULE_DIRS for p in d.glob("*.py") if p.stem not in NOT_RULES}


RULES = route.all_rules()


def test_every_module_is_registered() -> None:
    """Every rule module runs for some engine, and every engine runs the shared rules."""
    listed = {m for e in route.engines() for m in e.rule_modules}
    assert _rule_modules() == listed
    for e in route.engines():
        assert set(registry.SHARED_MODULES) <= set(e.rule_modules), e.name


def test_helpers_define_no_rules() -> None:
    """A helper module in a rules folder is not registered, so it must not hide a rule."""
    for d in RULE_DIRS:
        for path in d.glob("*.py"):
            if path.stem in NOT_RULES and path.stem != "__init__":
                module = importlib.import_module(_module_name(path))
                assert not hasattr(module, "RULE") and not hasattr(module, "RULES"), path


def test_at_least_one_rule_is_registered() -> None:
    assert registry.SHARED_MODULES and all(e.rule_modules for e in route.engines())
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
    assert registry.by_code(rule.code.lower(), RULES) is rule


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


def test_no_two_rules_share_a_doc() -> None:
    """Each code has its own docs page: no two registered rules may share a doc body (the MySQL rules once all
    carried their module's docstring), nor any of its four sections."""
    by_body: dict[str, list[str]] = {}
    by_section: dict[tuple[str, str], list[str]] = {}
    for rule in RULES:
        by_body.setdefault(" ".join(rule.doc.split()), []).append(rule.code)
        for name, text in rule.sections().items():
            by_section.setdefault((name, " ".join(text.split())), []).append(rule.code)
    shared = [codes for codes in by_body.values() if len(codes) > 1]
    assert not shared, f"rules sharing one doc body: {shared}"
    shared_sections = {k[0]: codes for k, codes in by_section.items() if len(codes) > 1}
    assert not shared_sections, f"rules sharing a doc section: {shared_sections}"


def test_every_mysql_code_has_its_own_text() -> None:
    """The rules of mysql/rules/check.py and static.py (made from tables) read their own text from texts.py, and
    texts.py holds no text for a code that does not exist; rules in modules of their own carry their docstring."""
    from dbdoctor.mysql.rules import check, static
    from dbdoctor.mysql.rules.texts import DOCS

    mysql_rules = {r.code: r for m in (check, static) for r in getattr(m, "RULES", ())}
    mysql_rules.update({r.code: r for m in (static,) for r in (getattr(m, n) for n in dir(m))
                        if type(r).__name__ == "Rule"})
    assert set(DOCS) == set(mysql_rules)
    for code, rule in mysql_rules.items():
        assert rule.doc is DOCS[code], code
