"""Which setting wins at run time, and the conflicts between the places: the inventory's judgement (DD107,
DD701) and libpq's resolution of what the app would use."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

from dbdoctor.inventory.env_files import dotenv_rank
from dbdoctor.inventory.model import TEMPLATE_SUFFIXES, Entry
from dbdoctor.report import Finding

# --- precedence and conflicts -------------------------------------------------------------------------------


_MODE_ALIASES: Final[Mapping[str, str]] = {"prod": "production", "dev": "development", "stage": "staging",
                                           "develop": "development"}
_BASE_NAMES: Final = frozenset({"base", "common", "default", "defaults", "settings", "__init__", "shared"})


def _norm_mode(mode: str) -> str:
    return _MODE_ALIASES.get(mode.lower(), mode.lower())


def entry_scope(e: Entry) -> str | None:
    """The mode an entry belongs to (None: loaded in every mode)."""
    name = Path(e.file).name
    if e.kind in ("dotenv", "template"):
        pieces = name.split(".")[2:]  # ".env.production.local" → ["production", "local"]
        if pieces and pieces[-1] == "local":
            pieces = pieces[:-1]
        if e.kind == "template" and pieces and "." + pieces[-1] in TEMPLATE_SUFFIXES:
            pieces = pieces[:-1]
        return ".".join(pieces) or None
    if e.kind == "rails":
        section = e.key.split(".", 1)[0]
        return None if section in _BASE_NAMES else section
    if e.kind == "spring":
        m = re.match(r"application-([\w]+)\.", name)
        return m.group(1) if m else None
    if e.kind == "django":
        stem = Path(e.file).stem
        if Path(e.file).parent.name == "settings" and stem not in _BASE_NAMES:
            return stem
        m = re.fullmatch(r"settings_(\w+)", stem)
        return m.group(1) if m and m.group(1) not in _BASE_NAMES else None
    return None


def active(e: Entry, mode: str | None) -> bool:
    return e.kind != "template" and (e.scope is None or (mode is not None and _norm_mode(e.scope) == _norm_mode(mode)))


def mark_status(entries: list[Entry]) -> tuple[list[Entry], list[Finding]]:
    """Mark which environment/dotenv definition of each variable wins, and report the overrides (DD107)."""
    from dbdoctor.postgres.rules.static_env import RULE as DD107

    def rank(e: Entry) -> int:
        return 100 if e.kind == "environment" else dotenv_rank(e.file)

    by_key: dict[str, list[Entry]] = {}
    for e in entries:
        if e.kind in ("environment", "dotenv") and not e.status:
            by_key.setdefault(e.key, []).append(e)
    new_status: dict[int, str] = {}
    findings = []
    for key, defs in by_key.items():
        if len(defs) < 2:
            continue
        ordered = sorted(defs, key=rank, reverse=True)
        winner = ordered[0]
        new_status[id(winner)] = "wins"
        for loser in ordered[1:]:
            new_status[id(loser)] = f"overridden by {winner.label}"
            same = loser.value == winner.value and loser.secret == winner.secret
            if not same or (winner.secret and loser.secret):
                if winner.secret or loser.secret:
                    detail = (f"{key} is set in {loser.label} and in {winner.label}; {winner.label} wins at run "
                              "time (values not shown: they hold a password).")
                else:
                    detail = (f"{key}={loser.value} in {loser.label} is overridden by {key}={winner.value} in "
                              f"{winner.label}.")
                findings.append(DD107.finding(
                    detail=detail,
                    fix=f"Set {key} in one place; remove it from {loser.label}, or change it there if that "
                        "is the value you want.",
                ))
    return [dataclasses.replace(e, status=new_status.get(id(e), e.status)) for e in entries], findings


def conflicts(entries: Sequence[Entry]) -> list[Finding]:
    from dbdoctor.rules.sources_conflict import RULE as DD701

    findings = []
    for key, words in (("host", "database hosts"), ("sslmode", "SSL modes")):
        seen: dict[str, list[str]] = {}
        for e in entries:
            if e.kind == "template" or e.status.startswith(("overridden", "only with")):
                continue
            v = e.parsed.get(key)
            if v:
                for one in v.split(","):
                    seen.setdefault(one.strip(), []).append(e.label)
        if len(seen) > 1:
            listed = "; ".join(f"{v} ({', '.join(labels)})" for v, labels in sorted(seen.items()))
            findings.append(DD701.finding(
                detail=f"The project names {len(seen)} different {words}: {listed}.",
                fix="Keep one source of truth (DATABASE_URL in the environment) and make the other files read it, "
                    "or make sure each file belongs to a different environment.",
            ))
    return findings


def run_time(root: Path, env: Mapping[str, str], home: Path,
              entries: Sequence[Entry]) -> tuple[dict[str, dict[str, str]], list[Finding]]:
    """Load the active dotenv files the way the app does (lowest precedence first, the environment over all),
    resolve with libpq's precedence (``sources.postgres.resolve``), and say where each effective value comes
    from. A ``PG*`` variable that the connection string overrides is a DD107 finding."""
    from dbdoctor.errors import InputError
    from dbdoctor.postgres.conninfo import ENV_VARS
    from dbdoctor.postgres.rules.static_env import RULE as DD107
    from dbdoctor.postgres.sources import resolve
    from dbdoctor.sources.files import read_dotenv

    files = sorted({e.file for e in entries if e.kind == "dotenv" and not e.status.startswith("only with")},
                   key=dotenv_rank)
    merged: dict[str, str] = {}
    origin: dict[str, str] = {}
    for name in files:
        try:
            values = read_dotenv(root / name, env, merged)
        except InputError:
            continue
        for k, v in values.items():
            merged[k], origin[k] = v, name
    merged.update(env)
    origin.update({k: "environment" for k in env})
    if not any(k == "DATABASE_URL" or k in ENV_VARS.values() for k in merged):
        return {}, []

    def label(prov: str) -> str:
        kind, _, var = prov.partition(":")
        if kind != "env":
            return prov
        where = origin.get(var, "environment")
        line = next((e.line for e in entries if e.file == where and e.key == var), None)
        return where if line is None or where == "environment" else f"{where}:{line}"

    try:
        target = resolve(None, environ=merged, home=home)
    except InputError as exc:
        return {"error": {"value": exc.message, "from": "DATABASE_URL"}}, []
    effective = {k: {"value": v, "from": label(target.provenance.get(k, "default"))}
                 for k, v in target.settings.items()}
    effective["password"] = {"value": "set" if target.has_password else "unset",
                             "from": label(target.provenance["password"]) if "password" in target.provenance
                             else ""}
    findings = []
    for sh in target.shadowed:
        if not sh.key.islower() or sh.key == "password":
            continue
        var = ENV_VARS.get(sh.key, sh.key)
        findings.append(DD107.finding(
            detail=f"{var}={sh.value} in {label(sh.source)} is overridden by {sh.key}={target.settings.get(sh.key)} "
                   f"in the connection string from {label(sh.by)}: libpq takes the string's value first.",
            fix=f"Set {sh.key} in one place: remove {var}, or change {sh.key} in the connection string.",
        ))
    return effective, findings


