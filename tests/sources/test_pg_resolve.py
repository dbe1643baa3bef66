"""Provenance and precedence: connection string > service file > environment > defaults; dotenv files,
DATABASE_URL, .pgpass with libpq's matching and permission rules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dbdoctor.errors import SourceFileError
from dbdoctor.postgres.sources import resolve
from dbdoctor.target import HostAttempt, Shadowed


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path), "PGSYSCONFDIR": str(tmp_path / "sysconf")}


def test_defaults(env: dict[str, str]) -> None:
    import pwd

    t = resolve("", environ=env)
    user = pwd.getpwuid(os.geteuid()).pw_name
    assert dict(t.settings) == {"host": "/var/run/postgresql", "port": "5432", "dbname": user, "user": user,
                                "sslmode": "prefer"}
    assert set(t.provenance.values()) == {"default"}
    assert t.hosts == (HostAttempt("/var/run/postgresql", None, 5432),)
    assert t.hosts[0].is_unix_socket
    assert t.password is None


def test_env_below_url(env: dict[str, str]) -> None:
    env |= {"PGSSLMODE": "disable", "PGHOST": "envhost", "PGUSER": "envuser", "PGPASSWORD": "pw-env"}
    t = resolve("postgresql://app@db/app?sslmode=require", environ=env)
    assert t.settings["sslmode"] == "require" and t.provenance["sslmode"] == "url"
    assert t.settings["host"] == "db" and t.provenance["host"] == "url"
    assert t.provenance["password"] == "env:PGPASSWORD" and t.password is not None
    assert t.password.reveal() == "pw-env"
    assert Shadowed("sslmode", "disable", "env:PGSSLMODE", "url") in t.shadowed
    assert Shadowed("host", "envhost", "env:PGHOST", "url") in t.shadowed


def test_url_password_beats_env_and_is_not_recorded(env: dict[str, str]) -> None:
    env["PGPASSWORD"] = "pw-env"
    t = resolve("postgresql://app:pw-url@db/app", environ=env)
    assert t.password is not None and t.password.reveal() == "pw-url"
    assert Shadowed("password", None, "env:PGPASSWORD", "url") in t.shadowed
    assert all("pw-env" not in repr(s) for s in t.shadowed)


def test_pgrequiressl(env: dict[str, str]) -> None:
    env["PGREQUIRESSL"] = "1"
    assert resolve("host=x", environ=env).settings["sslmode"] == "require"
    env["PGSSLMODE"] = "verify-full"
    assert resolve("host=x", environ=env).settings["sslmode"] == "verify-full"


def test_database_url(env: dict[str, str]) -> None:
    env["DATABASE_URL"] = "postgres://u:pw@h:6543/d?sslmode=verify-full"
    t = resolve(None, environ=env)
    assert t.provenance["host"] == "env:DATABASE_URL" and t.provenance["password"] == "env:DATABASE_URL"
    assert t.settings["port"] == "6543" and t.written == "postgres://u:****@h:6543/d?sslmode=verify-full"
    # an explicit target wins over DATABASE_URL
    assert resolve("host=other", environ=env).settings["host"] == "other"


def test_dotenv_order_and_process_env_wins(env: dict[str, str], tmp_path: Path) -> None:
    a = tmp_path / ".env"
    b = tmp_path / ".env.production"
    a.write_text("PGSSLMODE=disable\nPGHOST=a-host\nPGPORT=5433\n")
    b.write_text("PGSSLMODE=verify-full\nPGPORT=${PGPORT}\nPGDATABASE=${NOPE:-fallback}\n")
    env["PGHOST"] = "real-host"
    t = resolve(None, environ=env, env_files=[str(a), str(b)])
    assert t.settings["sslmode"] == "verify-full" and t.provenance["sslmode"] == f"dotenv:{b}"
    assert t.settings["host"] == "real-host" and t.provenance["host"] == "env:PGHOST"
    assert t.settings["port"] == "5433"  # ${PGPORT} expanded from the earlier file
    assert t.settings["dbname"] == "fallback"
    assert Shadowed("PGSSLMODE", "disable", f"dotenv:{a}", f"dotenv:{b}") in t.shadowed
    assert Shadowed("PGHOST", "a-host", f"dotenv:{a}", "env:PGHOST") in t.shadowed


def test_dotenv_database_url_shadowed_is_redacted(env: dict[str, str], tmp_path: Path) -> None:
    f = tmp_path / ".env"
    f.write_text("DATABASE_URL=postgresql://u:dotenvsecret@h/d\n")
    env["DATABASE_URL"] = "postgresql://u:realsecret@h2/d"
    t = resolve(None, environ=env, env_files=[str(f)])
    assert t.settings["host"] == "h2"
    assert "dotenvsecret" not in repr(t) and "realsecret" not in repr(t)
    assert any(s.key == "DATABASE_URL" and s.value == "postgresql://u:****@h/d" for s in t.shadowed)


def test_missing_dotenv_file(env: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(SourceFileError):
        resolve(None, environ=env, env_files=[str(tmp_path / "nope.env")])


def test_service_file(env: dict[str, str], tmp_path: Path) -> None:
    sf = tmp_path / "services.conf"
    sf.write_text("# comment\n[other]\nhost=wrong\n[prod]\nhost=svc-host\n port = 7777\nsslmode=verify-full\n"
                  "password=svcpw\n[later]\nhost=x\n")
    env |= {"PGSERVICEFILE": str(sf), "PGSSLMODE": "disable", "PGPORT": "1"}
    t = resolve("service=prod sslmode=require", environ=env)
    assert t.settings["host"] == "svc-host" and t.provenance["host"] == "service:prod"
    assert t.settings["port"] == "7777" and t.provenance["port"] == "service:prod"
    assert t.settings["sslmode"] == "require" and t.provenance["sslmode"] == "url"
    assert t.password is not None and t.provenance["password"] == "service:prod"
    assert Shadowed("sslmode", "verify-full", "service:prod", "url") in t.shadowed
    assert Shadowed("port", "1", "env:PGPORT", "service:prod") in t.shadowed
    # PGSERVICE names the service when the string does not
    env["PGSERVICE"] = "prod"
    assert resolve(None, environ=env).settings["host"] == "svc-host"


def test_service_sysconfdir_and_missing(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "sysconf").mkdir()
    (tmp_path / "sysconf" / "pg_service.conf").write_text("[sys]\nhost=sys-host\n")
    assert resolve("service=sys", environ=env).settings["host"] == "sys-host"
    with pytest.raises(SourceFileError, match='definition of service "nope" not found'):
        resolve("service=nope", environ=env)


def _libpq_service_host(env: dict[str, str], service: str) -> str:
    """Ask libpq itself which host a service gives: PQconndefaults is not enough, so build a connection
    object that never connects (PQconnectStart to a Unix socket in an empty directory) and read PQhost."""
    code = (
        "import psycopg,sys\n"
        "from psycopg import pq\n"
        f"c = pq.PGconn.connect_start(b'service={service} connect_timeout=1')\n"
        "print((c.host or b'').decode())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    return out.stdout.strip()


def test_service_precedence_matches_libpq(env: dict[str, str], tmp_path: Path) -> None:
    sf = tmp_path / "services.conf"
    sock = tmp_path / "sock"
    sock.mkdir()
    sf.write_text(f"[s]\nhost={sock}\n")
    env |= {"PGSERVICEFILE": str(sf), "PGHOST": "/nonexistent-env-dir", "PATH": os.environ.get("PATH", "")}
    assert _libpq_service_host(env, "s") == str(sock) == resolve("service=s", environ=env).settings["host"]


def _pgpass(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    p = tmp_path / "pgpass"
    p.write_text(text)
    p.chmod(mode)
    return p


def test_pgpass_matching(env: dict[str, str], tmp_path: Path) -> None:
    p = _pgpass(tmp_path, "# c\nother:*:*:*:no\ndb\\:x:5432:app:u:wrong\ndb:*:app:u:pa\\:ss\\\\w:ignored\n"
                "*:*:*:*:star\n")
    env["PGPASSFILE"] = str(p)
    t = resolve("host=db dbname=app user=u", environ=env)
    assert t.password is not None and t.password.reveal() == "pa:ss\\w"
    assert t.provenance["password"] == f"pgpass:{p}"
    t2 = resolve("host=elsewhere dbname=app user=u", environ=env)
    assert t2.password is not None and t2.password.reveal() == "star"
    # a password in the string means .pgpass is not read
    t3 = resolve("host=db dbname=app user=u password=given", environ=env)
    assert t3.provenance["password"] == "url"


def test_pgpass_localhost_matches_default_socket(env: dict[str, str], tmp_path: Path) -> None:
    env["PGPASSFILE"] = str(_pgpass(tmp_path, "localhost:5432:*:*:sock\n"))
    assert resolve("user=u", environ=env).provenance.get("password", "").startswith("pgpass:")
    assert "password" not in resolve("user=u host=/tmp", environ=env).provenance


@pytest.mark.parametrize("mode,used", [(0o600, True), (0o400, True), (0o640, False), (0o604, False), (0o620, False)])
def test_pgpass_permissions(env: dict[str, str], tmp_path: Path, mode: int, used: bool) -> None:
    p = _pgpass(tmp_path, "*:*:*:*:pw\n", mode)
    env["PGPASSFILE"] = str(p)
    assert ("password" in resolve("host=h", environ=env).provenance) is used


def test_pgpass_permissions_match_libpq(tmp_path: Path) -> None:
    """libpq warns and ignores a .pgpass with group or world access; ask it (it decides before any network)."""
    p = _pgpass(tmp_path, "*:*:*:*:pw\n", 0o644)
    code = ("import psycopg\n"
            "try: psycopg.connect('host=127.0.0.1 port=9 connect_timeout=1 user=u dbname=d')\n"
            "except Exception: pass\n")
    env = {"PGPASSFILE": str(p), "HOME": str(tmp_path), "PATH": os.environ.get("PATH", "")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30)
    assert f'password file "{p}" has group or world access' in out.stderr
    assert "password" not in resolve("host=127.0.0.1 port=9", environ=env).provenance


def test_multi_host_and_hostaddr(env: dict[str, str]) -> None:
    t = resolve("host=a,b,/tmp port=1,2,3 hostaddr=10.0.0.1,10.0.0.2,", environ=env)
    assert t.hosts == (HostAttempt("a", "10.0.0.1", 1), HostAttempt("b", "10.0.0.2", 2), HostAttempt("/tmp", None, 3))
    t = resolve("postgresql://[::1]:5433,db.example.com/app", environ=env)
    assert t.hosts == (HostAttempt("::1", None, 5433), HostAttempt("db.example.com", None, 5432))
    t = resolve("host=a,b port=7", environ=env)
    assert [h.port for h in t.hosts] == [7, 7]
    t = resolve("host=a,b,c port=1,2", environ=env)
    assert [h.port for h in t.hosts] == [1, 2, None]


def test_scheme_driver(env: dict[str, str]) -> None:
    for scheme, driver in [("postgresql+psycopg", "libpq"), ("postgresql+psycopg2", "libpq"),
                           ("postgresql+asyncpg", "asyncpg"), ("postgresql+pg8000", "pg8000"),
                           ("jdbc:postgresql", "pgjdbc")]:
        t = resolve(f"{scheme}://h/d", environ=env)
        assert t.scheme_driver == driver and t.settings["host"] == "h"
    assert resolve("postgresql://h/d", environ=env).scheme_driver is None


def test_sslrootcert_system_makes_default_verify_full(env: dict[str, str]) -> None:
    assert resolve("host=h sslrootcert=system", environ=env).settings["sslmode"] == "verify-full"
