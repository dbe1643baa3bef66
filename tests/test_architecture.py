"""The shape the code keeps (issue 10), checked on the source: what import-linter cannot see.

- no module imports another module's private name (``from dbdoctor.x import _y``): what is shared is public;
- every exception class dbdoctor defines is in errors.py, the one tree drawn in its docstring;
- the package's version is the one pyproject.toml declares.
The layers, the independence of the engine packages and the absence of import cycles are import-linter's
contracts (.importlinter), run by scripts/test.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

import dbdoctor
from dbdoctor import errors

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "dbdoctor"
MODULES = sorted(SRC.rglob("*.py"))


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_private_name_imported_across_modules(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("dbdoctor", *path.relative_to(SRC).parent.parts))
    bad = [f"line {n.lineno}: from {n.module} import {a.name}"
           for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("dbdoctor")
           for a in n.names if _private(a.name) and not _own_private_module(n.module or "", a.name, package)]
    assert not bad, bad


def _own_private_module(module: str, name: str, package: str) -> bool:
    """A package's private module imported inside that package, at any depth (sandbox/_system.py by
    sandbox/*.py, dbdoctor/_untrusted.py by any module), as import-linter's private_modules contract allows."""
    inside = package == module or package.startswith(module + ".")
    return inside and (SRC.joinpath(*module.split(".")[1:], f"{name}.py")).is_file()


def test_the_checker_sees_a_private_import() -> None:
    tree = ast.parse("from dbdoctor.render.text import _lines\n")
    node = tree.body[0]
    assert isinstance(node, ast.ImportFrom) and _private(node.names[0].name)


def _exception_classes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)
            and any(re.search(r"(Error|Exception)$", ast.unparse(b)) for b in n.bases)]


def test_every_exception_is_in_the_tree() -> None:
    outside = {str(p.relative_to(SRC)): found for p in MODULES if p.name != "errors.py"
               and (found := _exception_classes(p))}
    assert not outside, f"exception classes outside errors.py: {outside}"
    drawn = errors.__doc__ or ""
    for name in _exception_classes(SRC / "errors.py"):
        assert name in drawn, f"{name} is not drawn in errors.py's docstring"
        assert issubclass(getattr(errors, name), errors.DbdoctorError)


def test_version_matches_pyproject() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert dbdoctor.__version__ == meta["project"]["version"]
