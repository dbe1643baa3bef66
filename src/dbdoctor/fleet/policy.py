"""``--fail-on``: which results make a scan exit 1, for CI and cron.

A comma-separated list of issue codes (:data:`dbdoctor.fleet.records.ISSUES`), of statuses (``error``,
``fail``, ``warn``: that status or worse) and ``none``. ``expiring=30d`` both selects the ``expiring`` issue and
sets its window (``d`` days, ``w`` weeks; a bare number is days).

    --fail-on expiring=30d,tls-optional,chain-incomplete
    --fail-on fail          # any result whose status is fail or error (the default)
    --fail-on none          # always exit 0 once the scan ran
"""

from __future__ import annotations

import dataclasses
import re
from typing import Final

from dbdoctor.errors import UsageError
from dbdoctor.fleet.records import ISSUES, Result, status_rank

DEFAULT: Final = "fail"
_DURATION: Final = re.compile(r"^(\d+)\s*([dw]?)$")


@dataclasses.dataclass(frozen=True, slots=True)
class FailOn:
    codes: frozenset[str] = frozenset()
    min_status: str | None = None  # "warn", "fail" or "error"
    expiring_days: int | None = None

    def matches(self, result: Result) -> tuple[str, ...]:
        """The reasons ``result`` fails the policy (empty: it passes)."""
        why = [c for c in result.issues if c in self.codes]
        if self.min_status is not None and status_rank(result.status) >= status_rank(self.min_status):
            why.append(f"status {result.status}")
        return tuple(dict.fromkeys(why))


def parse_fail_on(text: str | None) -> FailOn:
    text = DEFAULT if text is None else text
    codes: set[str] = set()
    min_status: str | None = None
    days: int | None = None
    for raw in text.split(","):
        item = raw.strip().lower()
        if not item:
            continue
        if item == "none":
            continue
        if item in ("warn", "fail", "error"):
            if min_status is None or status_rank(item) < status_rank(min_status):
                min_status = item
            continue
        key, _, value = item.partition("=")
        if key not in ISSUES:
            raise UsageError(
                f"--fail-on: unknown item {item!r}",
                "use none, warn, fail, error or issue codes: " + ", ".join(ISSUES),
            )
        if value:
            if key != "expiring":
                raise UsageError(f"--fail-on: only expiring takes a value (expiring=30d), not {key}")
            m = _DURATION.match(value)
            if m is None:
                raise UsageError(f"--fail-on: {value!r} is not a duration", "write 30d, 4w or 30")
            days = int(m.group(1)) * (7 if m.group(2) == "w" else 1)
        codes.add(key)
    return FailOn(frozenset(codes), min_status, days)


__all__ = ["DEFAULT", "FailOn", "parse_fail_on"]
