"""The one interpreter of driver decision tables (:mod:`dbdoctor.drivers.model`), for every engine's drivers.

A driver's rows are evaluated top to bottom against the parameters as the driver sees them (:func:`seen`): the
first row whose conditions all hold (:func:`row_matches`) says what the driver does (:func:`decide`). A
condition on key ``k`` is one of:

- ``PRESENT`` / ``ABSENT`` / a value / a set of values: the value the driver sees for ``k``;
- on ``k!``, a set: the value is not one of these (absent counts as not);
- on ``k@missing``: a value is given for ``k`` and no file exists at that path (drivers that read certificate
  files while parsing refuse a missing one).

Message templates name the seen values in braces (``{sslmode}``, ``{key}``); :func:`fmt` fills them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from dbdoctor.drivers.model import ABSENT, PRESENT, Cond, Driver, Row, in_range

_PLACEHOLDER: Final = re.compile(r"\{([A-Za-z0-9_:.-]+)\}")


def matches(cond: Cond, value: str | None) -> bool:
    if cond == PRESENT:
        return value is not None
    if cond == ABSENT:
        return value is None
    if isinstance(cond, frozenset):
        return value is not None and value in cond
    return value == cond


def row_matches(
    row: Row, seen: Mapping[str, str], version: str | None, exists: Callable[[str], bool] = os.path.exists
) -> bool:
    if not in_range(version, row.versions):
        return False
    for key, cond in row.when.items():
        if key.endswith("!"):
            value = seen.get(key[:-1])
            if value is not None and isinstance(cond, frozenset) and value in cond:
                return False
            continue
        if key.endswith("@missing"):
            value = seen.get(key[: -len("@missing")])
            if value is None or exists(value):
                return False
            continue
        if not matches(cond, seen.get(key)):
            return False
    return True


def decide(d: Driver, seen: Mapping[str, str], version: str | None,
           exists: Callable[[str], bool] = os.path.exists) -> Row:
    """The first row of ``d`` that matches; the last row of every driver matches everything."""
    for row in d.rows:
        if row_matches(row, seen, version, exists):
            return row
    raise AssertionError(f"{d.name}: the last row must match everything")  # pragma: no cover


def key_of(d: Driver, key: str) -> str:
    """A written key as the driver names it (its case rule and aliases)."""
    k = key.lower() if d.keys_case_insensitive else key
    return d.key_aliases.get(k, k)


def seen(d: Driver, written: Sequence[tuple[str, str]], environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The parameters as the driver sees them: its rewrites, key case and aliases applied (a repeated key: the
    last one wins, as every parser here does), then the environment variables it reads."""
    out: dict[str, str] = {}
    for key, value in written:
        key, value = d.rewrites.get((key, value), (key, value))
        k = key_of(d, key)
        if d.values_case_insensitive and k in ("sslmode", "ssl"):
            value = value.lower()
        out[k] = value
    for key, var in d.env.items():
        env_value = (environ or {}).get(var)
        if env_value is None:
            continue
        if d.env_separate:
            out[f"env:{key}"] = env_value
        else:
            out.setdefault(key, env_value)
    return out


def fmt(template: str, values: Mapping[str, str]) -> str:
    """A message template with the seen values in place of their ``{names}`` (unknown names stay as written)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


__all__ = ["decide", "fmt", "key_of", "matches", "row_matches", "seen"]
