'''Parameters libpq does not know (``param_unknown``).

What it checks
--------------
Keywords libpq rejects in the connection string (``sslMode``, ``ssl=1`` in keyword form, ``sslrootcerts``):
libpq itself refuses these, so ``dbdoctor parse`` exits 2 and ``dbdoctor check`` reports this finding with
the nearest real keyword. It also checks the environment for ``PGSSL...`` variables libpq does not read
(``PGSSL_MODE``, ``PGSSLROOTCERTS``): libpq ignores those silently.

Why it matters
--------------
libpq's keywords are case-sensitive and there is no ``ssl`` keyword (only in the URL form, where
``ssl=true`` means ``sslmode=require``). A setting copied from another driver's documentation (JDBC's
``sslMode``, node-postgres' ``ssl=1``) makes libpq refuse the whole string; a misspelt environment variable
is simply never read, so the connection runs with the default ``sslmode=prefer``.

How to fix
----------
Use libpq's own keyword, in lower case: ``sslmode``, ``sslrootcert``, ``sslcert``, ``sslkey``. For the
environment: ``PGSSLMODE``, ``PGSSLROOTCERT``, ``PGSSLCERT``, ``PGSSLKEY``.

Example
-------
``host=db.example.com ssl=1`` gives ``invalid connection option "ssl"``; write
``host=db.example.com sslmode=require``.
'''

from __future__ import annotations

import difflib
from collections.abc import Iterable

from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule

ENV_SSL = ("PGSSLMODE", "PGSSLNEGOTIATION", "PGSSLCOMPRESSION", "PGSSLCERT", "PGSSLKEY", "PGSSLCERTMODE",
           "PGSSLROOTCERT", "PGSSLCRL", "PGSSLCRLDIR", "PGSSLSNI", "PGSSLMINPROTOCOLVERSION",
           "PGSSLMAXPROTOCOLVERSION")


def check(ctx: Context) -> Iterable[Finding]:
    for name in sorted(ctx.environ):
        upper = name.upper()
        if not upper.startswith("PGSSL") or name in ENV_SSL:
            continue
        close = difflib.get_close_matches(upper.replace("_", ""), ENV_SSL, n=1, cutoff=0.7)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        yield RULE.finding(
            severity="warning",
            title="An environment variable libpq does not read",
            detail=f'The environment sets {name}, which libpq does not read: it has no effect.{hint}',
            fix=f"Rename it to {close[0]}." if close else "Use one of libpq's variables: " + ", ".join(ENV_SSL),
        )


RULE = Rule(
    code="DD102",
    cause="param_unknown",
    severity="error",
    title="A parameter libpq does not know",
    doc=__doc__ or "",
    check=check,
    stage="static",
)
