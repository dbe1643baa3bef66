"""Shared preflight fixtures (tests/preflight, tests/integrations): a login role on the session sandbox whose password is random and full of
characters that need encoding, so that redaction is tested on the success path as well as on every failure."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

ROLE = "preflight_probe"
SPECIAL = "@:/#%?&=+ '\"\\$"


def random_password(seed: int | None = None) -> str:
    rng = random.Random(seed)
    body = "".join(rng.choice(string.ascii_letters + string.digits + SPECIAL) for _ in range(rng.randint(12, 24)))
    return f"Pf{rng.choice('@:/#%?')}{body}"


def forms(pw: str) -> set[str]:
    """Every way the password could leak: raw, percent-encoded, form-encoded, libpq-quoted."""
    quoted = "'" + pw.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return {f for f in (pw, quote(pw, safe=""), quote_plus(pw), quote(pw), quoted) if len(f) >= 6}


def assert_clean(text: str, pw: str) -> None:
    for f in forms(pw):
        assert f not in text, f"password form {f!r} leaked"


@dataclass
class Probe:
    """The role and how to build targets for it on the sandbox."""

    srv: Any
    pki: Any
    password: str

    def conninfo(self, **overrides: Any) -> str:
        base: dict[str, Any] = {
            "host": "localhost",
            "port": self.srv.port,
            "dbname": self.srv.dbname,
            "user": ROLE,
            "password": self.password,
            "sslmode": "verify-full",
            "sslrootcert": str(self.pki.root_ca),
        }
        base.update(overrides)
        return make_conninfo("", **{k: v for k, v in base.items() if v is not None})

    def url(self, query: str = "") -> str:
        enc = quote(self.password, safe="")
        q = f"sslmode=verify-full&sslrootcert={self.pki.root_ca}" + (f"&{query}" if query else "")
        return f"postgresql://{ROLE}:{enc}@localhost:{self.srv.port}/{self.srv.dbname}?{q}"


@pytest.fixture
def probe(pg_sandbox: Any, pki: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Probe]:
    """A role with a fresh random password; HOME is an empty directory (no ~/.postgresql, no .pgpass) and no
    PG* or DATABASE_URL variable leaks in from the machine running the tests."""
    import os

    for key in list(os.environ):
        if key.startswith("PG") or key in ("DATABASE_URL", "DBDOCTOR_PHASE", "GITHUB_ACTIONS", "GITLAB_CI", "CI"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(tmp_path))
    pw = random_password()
    with psycopg.connect(pg_sandbox.admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(ROLE), sql.Literal(pw)))
    try:
        yield Probe(pg_sandbox, pki, pw)
    finally:
        with psycopg.connect(pg_sandbox.admin_conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))
