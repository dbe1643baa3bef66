"""Hundreds of targets, each compared with libpq itself: ``params`` must equal what libpq's parser returns
(minus the password) and dbdoctor must reject exactly what libpq rejects."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from psycopg import Error as PsycopgError
from psycopg.conninfo import conninfo_to_dict

from dbdoctor.errors import TargetParseError
from dbdoctor.postgres.conninfo import analyse_password, normalise
from dbdoctor.postgres.sources import resolve
from dbdoctor.target import REDACTED

SCHEMES = ["postgresql://", "postgres://", "postgresql+psycopg://", "postgresql+psycopg2://",
           "postgresql+asyncpg://", "postgresql+pg8000://", "jdbc:postgresql://"]
USERINFO = ["", "app@", "app:secret@", "app:p%40ss@", "app:p@ss@", "app:pa/ss@", "app:p#ss@", "app:p?ss@",
            "app:50%@", "app:a:b@", "us%20er:pw@", "app:@", ":pw@", "app:p%zz@", "app:[x]@", "app:sp ace@"]
HOSTS = ["db.example.com", "db.example.com:6543", "[::1]", "[::1]:5433", "a,b", "a:1,b:2", "", "127.0.0.1:abc",
         "[fe80::1%25eth0]", "h:5432:5433", "[::1", "host%2Fname", "a,b,c:1"]
PATHS = ["", "/app", "/my%20db", "/a/b"]
QUERIES = ["", "?sslmode=require", "?sslmode=required&sslrootcert=/x.pem", "?host=/tmp", "?ssl=true", "?sslMode=x",
           "?application_name=a%26b", "?port=1,2&host=x,y", "?password=qp", "?sslmode", "?a=b=c", "?host=%2Ftmp"]

KW_VALUES = ["db", "'a b'", "'it\\'s'", "''", "'back\\\\slash'", "p@ss/w:d", "'unterminated", "x=y", "\\'"]
KW_KEYS = ["host", "port", "dbname", "user", "password", "sslmode", "application_name", "sslMode", "ssl", "hostaddr"]


def _url_cases() -> list[str]:
    rng = random.Random(20261121)
    combos = list(itertools.product(SCHEMES, USERINFO, HOSTS, PATHS, QUERIES))
    return [a + b + c + d + e for a, b, c, d, e in rng.sample(combos, 700)]


def _kw_cases() -> list[str]:
    rng = random.Random(7)
    out = []
    for _ in range(300):
        n = rng.randint(1, 4)
        parts = [f"{rng.choice(KW_KEYS)}{rng.choice(['=', ' = ', '='])}{rng.choice(KW_VALUES)}" for _ in range(n)]
        out.append(" ".join(parts))
    out += ["host=a,b port=1,2", "host=/tmp", "host=::1 port=5432", "  host=x  ", "host", "=x", "host=x\tport=1",
            "service=nope", "hostaddr=127.0.0.1,::1 host=a,b"]
    return out


CASES = _url_cases() + _kw_cases()


def test_enough_cases() -> None:
    assert len(set(CASES)) > 900


def _libpq(text: str) -> dict[str, str] | None:
    try:
        return {k: str(v) for k, v in conninfo_to_dict(normalise(text)[0]).items()}
    except PsycopgError:
        return None


@pytest.mark.parametrize("text", CASES)
def test_params_equal_libpq(text: str, tmp_path: Path) -> None:
    # no service lookup from the real machine: a service keyword needs its file, which is tested elsewhere
    expected = _libpq(text)
    environ = {"HOME": str(tmp_path), "PGSERVICEFILE": str(tmp_path / "none"), "PGSYSCONFDIR": str(tmp_path)}
    if expected is None:
        with pytest.raises(TargetParseError):
            resolve(text, environ=environ)
        return
    if "service" in expected:
        (tmp_path / "pg_service.conf").write_text(f"[{expected['service']}]\n")
    target = resolve(text, environ=environ)
    want = {k: v for k, v in expected.items() if k != "password"}
    assert set(target.params) == set(want)
    for key, value in want.items():
        got = target.params[key]
        if got != value:
            # only a URL bent by its password may differ: pieces of the password are masked
            analysis = analyse_password(text)
            assert analysis is not None and analysis.bent, (key, got, value)
            assert REDACTED in got
    assert target.has_password == bool(expected.get("password"))
    # effective settings keep what the string set (except masked pieces of a bent password)
    for key, value in target.params.items():
        if value == "" and key in ("host", "port", "user", "dbname"):
            assert target.provenance[key] == "default"  # libpq treats an empty value as unset there
        else:
            assert target.settings[key] == value
