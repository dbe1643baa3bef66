"""JSON rendering: the contract's documents, one per run, on stdout and nothing else there."""

from __future__ import annotations

import json
import re
import sys
from typing import IO, Any

#: what json.dumps leaves raw with ensure_ascii=False and a terminal or a log viewer would act on: DEL, the C1
#: controls, line/paragraph separators, bidi overrides, and lone surrogates (not valid UTF-8); all can only be
#: inside strings, where a \\uXXXX escape means the same character
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def dumps(document: Any) -> str:
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def emit(document: Any, stream: IO[str] | None = None) -> None:
    (stream or sys.stdout).write(dumps(document) + "\n")
