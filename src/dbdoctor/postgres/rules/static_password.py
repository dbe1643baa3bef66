'''A password that breaks or bends the URL (``password_not_encoded``).

What it checks
--------------
Whether the password in a ``postgresql://user:password@host/db`` URL contains characters that end the user
info or start an escape (``@ / # ? : % [ ]`` and spaces) without being percent-encoded. libpq ends the user
info at the first ``@`` before the first ``/``, so ``postgresql://app:p@ss@host/db`` connects as password
``p`` to the host ``ss@host``, and ``postgresql://app:pa/ss@host/db`` has no password at all: libpq reads the
host ``app`` with the port ``pa``. An error when libpq reads the URL differently from what was meant; a
warning when libpq happens to read it right but the characters are still raw, because other URL parsers
(SQLAlchemy, Python's urllib, node-postgres, JDBC) read it differently.

Why it matters
--------------
The error messages that follow talk about a host name or a port, never about the password, so the real
cause is hard to see; a generated password from a cloud console often contains these characters.

How to fix
----------
Percent-encode the password (``@`` is ``%40``, ``/`` is ``%2F``, ``%`` is ``%25``, ``#`` is ``%23``,
``?`` is ``%3F``, ``:`` is ``%3A``): in Python ``urllib.parse.quote(password, safe="")``. Or keep the
password out of the URL: ``PGPASSWORD`` or a ``.pgpass`` file.

Example
-------
``postgresql://app:p@ss@db.example.com/app`` → ``postgresql://app:p%40ss@db.example.com/app``.
'''

from __future__ import annotations

from collections.abc import Iterable

from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule


def _text(ctx: Context) -> str | None:
    """The target as written: the argument, else DATABASE_URL from the environment or the dotenv file the
    settings came from."""
    if ctx.raw is not None:
        return ctx.raw.reveal()
    if ctx.target.form == "environment":
        return None
    prov = ctx.target.provenance
    label = next((prov[k] for k in ("password", "host", "user", "dbname", "port")
                  if prov.get(k, "").startswith(("env:DATABASE_URL", "dotenv:"))), None)
    if label == "env:DATABASE_URL":
        return ctx.environ.get("DATABASE_URL")
    if label is not None and label.startswith("dotenv:"):
        from dbdoctor.errors import SourceFileError
        from dbdoctor.sources.files import read_dotenv

        try:
            return read_dotenv(label.removeprefix("dotenv:"), ctx.environ, {}).get("DATABASE_URL")
        except SourceFileError:
            return None
    return None


def check(ctx: Context) -> Iterable[Finding]:
    from dbdoctor.postgres.conninfo import analyse_password, encoding_advice

    text = _text(ctx)
    if text is None:
        return
    a = analyse_password(text)
    if a is None or a.rejected:  # a rejected URL never reaches the rules: the parse error says it
        return
    chars = encoding_advice(a.unencoded) if a.unencoded else "its special characters"
    fix = (
        f"Percent-encode the password ({chars}): {a.encoded_redacted} with the encoded password in place of "
        "****. In Python: urllib.parse.quote(password, safe=''). Or move the password out of the URL "
        "(PGPASSWORD, .pgpass)."
    )
    if a.bent:
        yield RULE.finding(
            detail=(
                "The password contains characters that are not percent-encoded, and they change how the URL "
                f"parses: {a.libpq_reading}. libpq ends the user info at the first '@' before the first '/'."
            ),
            fix=fix,
        )
    else:
        yield RULE.finding(
            severity="warning",
            title="The password in the URL is not percent-encoded",
            detail=(
                "libpq reads this password as meant, but it holds characters that must be percent-encoded "
                f"in a URL ({chars}); other URL parsers (SQLAlchemy, urllib, node-postgres, JDBC) will read "
                "a different user, password or host."
            ),
            fix=fix,
        )


RULE = Rule(
    code="DD101",
    cause="password_not_encoded",
    severity="error",
    title="The password breaks the URL",
    doc=__doc__ or "",
    check=check,
    stage="static",
)
