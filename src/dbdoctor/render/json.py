"""JSON rendering: the contract's documents, one per run, on stdout and nothing else there."""

from __future__ import annotations

import json
import sys
from typing import IO, Any


def dumps(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False)


def emit(document: Any, stream: IO[str] | None = None) -> None:
    (stream or sys.stdout).write(dumps(document) + "\n")
