"""The shape of driver knowledge: a frozen record per driver, and an ordered decision table for its TLS mode.

A driver module holds data only: a :class:`Driver` with the parameters it reads, ignores, forwards to the
server or rejects, and a list of :class:`Row` evaluated top to bottom: the first row whose conditions match
the parameters as the driver sees them says what the driver really does, in libpq's terms (a mode name and
which root certificate it verifies against). Every row and every fact names its source. Adding a driver or a
version is adding rows, not code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Final, Literal

#: what a driver does with a parameter
Verdict = Literal["read", "ignored", "forwarded", "rejected"]

#: which root certificate the libpq-equivalent connection verifies against:
#: ``libpq``  sslrootcert if given, else libpq's default ~/.postgresql/root.crt (libpq's own rule);
#: ``given`` the sslrootcert given (the row requires one);
#: ``given_or_system`` sslrootcert if given, else the system store (libpq: sslrootcert=system);
#: ``given_or_none`` sslrootcert if given, else none at all (no ~/.postgresql/root.crt either);
#: ``system`` the system store whatever is given; ``none`` no root even when one is given.
RootRule = Literal["libpq", "given", "given_or_system", "given_or_none", "system", "none"]

#: a condition value: PRESENT (any value), ABSENT, or a set of accepted values
PRESENT: Final = "<present>"
ABSENT: Final = "<absent>"
Cond = str | frozenset[str]


@dataclasses.dataclass(frozen=True, slots=True)
class Source:
    """Where a fact comes from: a file in the driver's source tree or a documentation page, and whether it was
    reproduced against a real server here (``verified``) or only read (``read``)."""

    where: str
    status: Literal["verified", "read", "unconfirmed"] = "read"


@dataclasses.dataclass(frozen=True, slots=True)
class Row:
    """One line of a driver's mode table: when ``when`` matches, the driver behaves like libpq ``sslmode``
    verifying against ``root``; or, with ``error``, it refuses the string with that exact text."""

    when: Mapping[str, Cond]
    sslmode: str | None
    root: RootRule = "libpq"
    meaning: str = ""
    source: Source = Source("")
    #: set when the driver refuses these settings: the exact message the app sees
    error: str | None = None
    #: "param_invalid" or "param_unknown" for refusals
    error_cause: str = "param_invalid"
    #: versions the row applies to, as (first, last) inclusive; None for every version covered
    versions: tuple[str | None, str | None] | None = None
    #: when the libpq-equivalent mode is prefer: "libpq" (plain after any failed TLS attempt, as libpq) or
    #: "on_refusal" (plain only when the server answers N; a TLS or server error is final)
    fallback: Literal["libpq", "on_refusal"] = "libpq"
    #: with fallback "on_refusal": the libpq mode of the TLS attempt once the server answered S
    tls_mode: str | None = None
    #: True when libpq cannot express the behaviour exactly (the note in ``meaning`` says how it differs)
    approximate: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Param:
    """A parameter with a known fate: read (and what libpq keyword it corresponds to), ignored, forwarded or
    rejected."""

    verdict: Verdict
    libpq: str | None = None
    note: str = ""
    source: Source = Source("")


@dataclasses.dataclass(frozen=True, slots=True)
class Driver:
    name: str
    title: str
    language: str
    #: what the knowledge covers, e.g. "0.29-0.32"
    versions: str
    #: the version assumed when none is given or detected
    default_version: str
    #: True when dbdoctor's tests run this driver for real against the sandbox servers
    runs_here: bool
    #: how the driver is reached: the URL schemes, and whether it takes libpq keyword strings
    url_schemes: tuple[str, ...]
    keyword_strings: bool
    #: parameters with a known fate; keys compared case-sensitively unless ``keys_case_insensitive``
    params: Mapping[str, Param]
    #: what happens to any other parameter
    unknown: Verdict
    #: the exact message for an unknown parameter ({key} and {value} are filled in); for ``forwarded`` the
    #: server's answer comes from dbdoctor.drivers.server_params
    unknown_error: str | None
    #: the mode table, first match wins; the last row has no conditions
    rows: tuple[Row, ...]
    #: settings the driver takes from the environment (libpq keyword -> variable)
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)
    keys_case_insensitive: bool = False
    #: True when environment values are seen as ``env:<key>`` (their own rows) instead of filling keys the
    #: string leaves unset (node-postgres reads PGSSLMODE only when the string configures no TLS)
    env_separate: bool = False
    #: True when mode values are compared case-insensitively (pgjdbc)
    values_case_insensitive: bool = False
    #: the driver's own words for each cause (exact texts, for explain and findings)
    messages: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: further facts in plain words, each with its source
    facts: tuple[tuple[str, Source], ...] = ()
    #: how to write a setting in the driver's own syntax ({mode}, {root} filled in)
    syntax: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: another driver whose knowledge applies from a version on: ("7", "node-postgres") for Prisma 7
    delegate: tuple[str, str] | None = None
    #: values rewritten before anything else: libpq's URI form reads ssl=true as sslmode=require
    rewrites: Mapping[tuple[str, str], tuple[str, str]] = dataclasses.field(default_factory=dict)
    #: parameter names the driver treats as another one (sqlx: ssl-mode is sslmode)
    key_aliases: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: aliases accepted for the name (``lib/pq``, ``node_postgres``, ``pg``...)
    aliases: tuple[str, ...] = ()


def version_key(version: str) -> tuple[int, ...]:
    """``"1.12.0"`` → (1, 12, 0); non-numeric parts end the key (``"1.12.0-rc1"`` → (1, 12, 0))."""
    out: list[int] = []
    for part in version.lstrip("vV=^~<> ").split("."):
        digits = ""
        for ch in part:
            if not ch.isdigit():
                break
            digits += ch
        if not digits:
            break
        out.append(int(digits))
        if len(digits) != len(part):
            break
    return tuple(out)


def in_range(version: str | None, bounds: tuple[str | None, str | None] | None) -> bool:
    """Whether ``version`` lies in ``bounds`` (inclusive, compared on as many parts as the bound has)."""
    if bounds is None or version is None:
        return True
    key = version_key(version)
    first, last = bounds
    if first is not None and key < version_key(first):
        return False
    if last is not None:
        lk = version_key(last)
        if key[: len(lk)] > lk:
            return False
    return True
