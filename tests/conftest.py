"""Wires every shared fixture module (tests/fix_*.py) into the suite: each pytest fixture defined in such a
module is available to every test, so adding a fix_*.py file needs no change here."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

_here = Path(__file__).parent
if str(_here) not in sys.path:
    sys.path.insert(0, str(_here))

for _path in sorted(_here.glob("fix_*.py")):
    _module = importlib.import_module(_path.stem)
    for _name, _value in vars(_module).items():
        # pytest marks fixture functions with this attribute (FixtureFunctionDefinition in pytest 8.4+)
        if not _name.startswith("__") and (
            hasattr(_value, "_pytestfixturefunction") or type(_value).__name__ == "FixtureFunctionDefinition"
        ):
            globals()[_name] = _value
    hooks = getattr(_module, "pytest_hooks", ())
    for _hook in hooks:
        globals()[_hook.__name__] = _hook
