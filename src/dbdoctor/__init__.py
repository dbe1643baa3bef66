"""dbdoctor: why an app cannot connect to its database, and the proven fix.

The public API is small and imported lazily, so ``import dbdoctor`` costs almost nothing at app start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dbdoctor.version import __version__

__all__ = ["__version__", "check", "explain", "parse", "preflight"]

_LAZY = {
    "check": "dbdoctor.api",
    "explain": "dbdoctor.api",
    "parse": "dbdoctor.api",
    "preflight": "dbdoctor.api",
}

if TYPE_CHECKING:
    from dbdoctor.api import check, explain, parse, preflight


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dbdoctor' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
