'''The connection string cannot be parsed at all (``invalid_target``).

What it checks
--------------
Whether libpq's own parser (``PQconninfoParse``) accepts the connection string: a URL such as
``postgresql://user@host/db`` or a keyword string such as ``host=db sslmode=require``. This rule has no
check of its own: the finding is made from libpq's rejection by
``dbdoctor.postgres.parse.parse_error_finding`` (``dbdoctor parse`` exits 2 instead).

Why it matters
--------------
The driver refuses the string before it tries to connect, so nothing about the network or the server can
be learned until the string is fixed. Unknown keywords have their own rule (DD102).

How to fix
----------
Follow libpq's message: close the quote, the ``]`` of an IPv6 address, percent-encode a ``%`` as ``%25``.
The URL form is ``postgresql://user:password@host:port/dbname?key=value``; the keyword form is
``key=value`` pairs separated by spaces, with values that contain spaces in single quotes.

Example
-------
``postgresql://[::1/app`` gives ``end of string reached when looking for matching "]" in IPv6 host address
in URI``; write ``postgresql://[::1]/app``.
'''

from __future__ import annotations

from collections.abc import Iterable

from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule


def check(ctx: Context) -> Iterable[Finding]:
    return ()  # a target that does not parse never reaches the rules; see parse_error_finding


RULE = Rule(
    code="DD100",
    cause="invalid_target",
    severity="error",
    title="libpq cannot parse the connection string",
    doc=__doc__ or "",
    check=check,
    stage="static",
)
