'''A setting overridden by another source (``env_override``).

What it checks
--------------
Every value that was set in one place and lost to another, following libpq's precedence (connection string,
then service file, then ``PG*`` environment variables, then defaults) and the way apps load dotenv files
(a later file wins; the real process environment wins over every file): ``PGSSLMODE=disable`` in the
environment under a URL that says ``sslmode=require``, a service file's ``sslmode`` under the URL's, and two
dotenv files, or a dotenv file and the process environment, that give a variable different values.

Why it matters
--------------
"I set PGSSLMODE and nothing changed" is the everyday version of this. The severity is **warning**, not
error: the value in effect may well be the one intended, and the connection may work; but one of the two
places is lying to whoever reads it next, and when the connection does fail the override is often why.
Values that agree give no finding.

How to fix
----------
Set each value in one place. Remove the losing one, or move the setting to where it takes effect (a URL
parameter beats any environment variable).

Example
-------
``PGSSLMODE=verify-full`` exported in the shell, and ``DATABASE_URL=postgresql://app@db/app?sslmode=require``:
the URL wins and the certificate is not verified. Drop ``sslmode`` from the URL or set it to ``verify-full``.
'''

from __future__ import annotations

from collections.abc import Iterable

from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule
from dbdoctor.target import Shadowed, Target


def _where_form(label: str, form: str = "keywords") -> str:
    kind, _, name = label.partition(":")
    if label == "env:DATABASE_URL":
        return "DATABASE_URL"
    return {
        "url": "the URL" if form == "url" else "the connection string",
        "env": "the environment",
        "dotenv": f"the dotenv file {name}",
        "service": f"the service file's [{name}]",
        "pgpass": f"the password file {name}",
        "default": "libpq's default",
    }.get(kind, label)


def _winner_value(target: Target, s: Shadowed) -> str | None:
    from dbdoctor.postgres.conninfo import ENV_VARS

    keyword = s.key if s.key.islower() else next((k for k, v in ENV_VARS.items() if v == s.key), None)
    if keyword is None or keyword == "password":
        return None
    if target.provenance.get(keyword) == s.by:
        return target.settings.get(keyword)
    return None


def describe(target: Target, s: Shadowed) -> tuple[str, str]:
    """(detail, fix) for one shadowed value, without any password."""
    from dbdoctor.postgres.conninfo import ENV_VARS

    def _where(label: str) -> str:
        return _where_form(label, target.form)

    if s.key == "password" or s.value is None:
        name = "PGPASSWORD" if s.source.startswith(("env:", "dotenv:")) else "password"
        return (f"The password set by {_where(s.source)} ({name}) is not used: the one from {_where(s.by)} "
                "takes precedence.",
                f"Keep the password in one place; remove it from {_where(s.source)}.")
    won = _winner_value(target, s)
    if s.key.islower():
        var = ENV_VARS.get(s.key, s.key)
        lost = f"{var}={s.value}" if s.source.startswith(("env:", "dotenv:")) else f"{s.key}={s.value}"
        winner = f"{s.key}={won}" if won is not None else s.key
        return (f"{lost} in {_where(s.source)} is overridden by {winner} in {_where(s.by)}.",
                f"Set {s.key} in one place: remove it from {_where(s.source)}, or from {_where(s.by)} if "
                f"{s.value!r} is what you want.")
    winner = f"{s.key}={won}" if won is not None else f"its own value of {s.key}"
    if s.source.startswith("dotenv:") and s.by.startswith("dotenv:"):
        return (f"Two dotenv files disagree: {_where(s.source)} sets {s.key}={s.value}, {_where(s.by)} "
                f"sets {winner}; loaded in that order, the later file wins.",
                "Keep one value; a loader that reads the files in another order gets the other one.")
    return (f"{s.key}={s.value} in {_where(s.source)} is overridden by {winner} in {_where(s.by)} "
            "(dotenv loaders do not override variables already set).",
            f"Unset {s.key} in the environment, or change it there.")


def check(ctx: Context) -> Iterable[Finding]:
    for s in ctx.target.shadowed:
        detail, fix = describe(ctx.target, s)
        yield RULE.finding(detail=detail, fix=fix)


RULE = Rule(
    code="DD107",
    cause="env_override",
    severity="warning",
    title="A setting is overridden by another source",
    doc=__doc__ or "",
    check=check,
    stage="static",
)
