"""The version of dbdoctor (pyproject.toml says the same; a test keeps them in step)."""

from __future__ import annotations

__version__ = "0.1.0"
