"""The client library was built without SSL support (DD216)."""

from __future__ import annotations

from dbdoctor.postgres.diagnosis import Diagnosis
from dbdoctor.postgres.rules.evidence import cause_rule, driver_said

DD216_DOC = """
What it checks
--------------
Whether the client refused an SSL mode because its library has no SSL support compiled in: libpq's
``sslmode value "require" invalid when SSL support is not compiled in`` (fe-connect.c), and the same refusal
from drivers that link such a libpq.

Why it matters
--------------
No setting makes TLS work with that build: every mode but ``disable`` (and ``allow``/``prefer``, which then
silently stay plain) fails before connecting, and a server that requires TLS cannot be reached at all. It is
seen with minimal container images, libpq built from source without ``--with-openssl`` (or
``-Dssl=openssl``), and some bundled Windows or Alpine builds.

How to fix
----------
Install a client built with OpenSSL: the distribution's libpq package (``libpq5``, ``postgresql-libs``),
``psycopg[binary]`` or ``psycopg2-binary``, or rebuild with ``--with-ssl=openssl``. ``pg_config --configure``
shows how a libpq was built. Do not switch to ``sslmode=disable`` against a server on another machine.

Example
-------
``psql "host=db.example.com sslmode=require"`` with a libpq built without OpenSSL:
``sslmode value "require" invalid when SSL support is not compiled in``.
"""


def _dd216(d: Diagnosis) -> tuple[str, str]:
    return (
        f"The client library was built without SSL support, so no TLS mode can work from it.{driver_said(d)}",
        "Install a client built with OpenSSL (the distribution's libpq, psycopg[binary], psycopg2-binary) or "
        "rebuild it with --with-ssl=openssl; pg_config --configure shows how it was built.",
    )


DD216 = cause_rule(code="DD216", cause="client_without_ssl", title="The client library has no SSL support",
                   doc=DD216_DOC, build=_dd216)

RULES = (DD216,)
