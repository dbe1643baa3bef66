"""The parts of probe/postgres.py that need no server: password scrubbing, the parameters handed to libpq
(the environment neutralised), SQLSTATEs read off libpq's connection messages, client certificate defaults."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from dbdoctor import net as _net
from dbdoctor.postgres.probe import build_params, client_cert_files, scrub, sqlstate_from_message
from dbdoctor.target import Secret, Target


@pytest.mark.parametrize("extra", ["", "@", "/:?#", " %20", "é€"])
def test_scrub_every_form(extra: str) -> None:
    pw = secrets.token_urlsafe(10) + extra
    msg = f"failed for {pw} and {quote(pw, safe='')} and {quote_plus(pw)} and {quote(pw)}"
    out = scrub(msg, pw)
    for form in {pw, quote(pw, safe=""), quote_plus(pw), quote(pw)}:
        assert form not in out
    assert "****" in out


def test_scrub_nothing_without_password() -> None:
    assert scrub("plain text", None) == "plain text"


def test_build_params_neutralises_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGSSLMODE", "disable")
    monkeypatch.setenv("PGHOST", "elsewhere.example")
    monkeypatch.setenv("PGPASSWORD", "from-env")
    monkeypatch.setenv("PGAPPNAME", "x")
    t = Target(engine="postgresql", settings={"host": "db", "sslmode": "verify-full"}, password=Secret("s"))
    p = build_params(t, timeout=7.9)
    assert p["host"] == "db" and p["sslmode"] == "verify-full"  # the Target wins
    assert p["password"] == ""  # PGPASSWORD must not reach libpq; the real password is added at the call
    assert p["application_name"] == ""
    assert p["connect_timeout"] == "7"
    assert "s" not in p.values()


def test_build_params_leaves_unset_variables_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("PGSSLMODE", "PGHOST", "PGPASSWORD", "PGPORT", "PGSSLROOTCERT"):
        monkeypatch.delenv(var, raising=False)
    p = build_params(Target(engine="postgresql", settings={"host": "db"}), timeout=0.3)
    assert "sslmode" not in p and "password" not in p
    assert p["connect_timeout"] == "2"  # libpq's and psycopg's minimum


def test_build_params_compiled_default_when_env_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGSSLMODE", "disable")
    monkeypatch.setenv("PGPORT", "1")
    p = build_params(Target(engine="postgresql", settings={"host": "db"}), timeout=5)
    assert p["sslmode"] == "prefer" and p["port"] == "5432"


@pytest.mark.parametrize(
    ("message", "state"),
    [
        ('connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "x" does '
         "not exist", "3D000"),
        ('... failed: FATAL:  password authentication failed for user "app"', "28P01"),
        ('... failed: FATAL:  no pg_hba.conf entry for host "127.0.0.1", user "app", database "app", no '
         "encryption", "28000"),
        ("... failed: FATAL:  sorry, too many clients already", "53300"),
        ("... failed: FATAL:  the database system is starting up", "57P03"),
        ("... failed: FATAL:  connection requires a valid client certificate", "28000"),
        ('... failed: SSL error: certificate verify failed', None),
        ("... failed: fe_sendauth: no password supplied", None),
        ('database "x" does not exist', None),  # not a server FATAL line
    ],
)
def test_sqlstate_from_message(message: str, state: str | None) -> None:
    assert sqlstate_from_message(message) == state


def test_client_cert_defaults(tmp_path: Path) -> None:
    assert client_cert_files({}, home=str(tmp_path)) is None
    (tmp_path / ".postgresql").mkdir()
    (tmp_path / ".postgresql" / "postgresql.crt").write_text("x")
    cc = client_cert_files({}, home=str(tmp_path))
    assert cc == _net.ClientCert(str(tmp_path / ".postgresql/postgresql.crt"),
                                 str(tmp_path / ".postgresql/postgresql.key"))
    assert client_cert_files({"sslcertmode": "disable"}, home=str(tmp_path)) is None
    explicit = client_cert_files({"sslcert": str(tmp_path / ".postgresql/postgresql.crt"), "sslkey": "/k",
                                  "sslpassword": "pw"}, home="/nonexistent")
    assert explicit is not None and explicit.key == "/k" and "pw" not in repr(explicit)


def test_deadline() -> None:
    d = _net.Deadline.after(10)
    assert 9 < d.remaining() <= 10
    assert d.within(1).remaining() <= 1
    assert _net.Deadline.after(-1).expired and _net.Deadline.after(-1).remaining() == 0


def test_users_shorter_connect_timeout_is_kept() -> None:
    t = Target(engine="postgresql", settings={"host": "db", "connect_timeout": "3"})
    assert build_params(t, timeout=10)["connect_timeout"] == "3"
    assert build_params(t, timeout=2.5)["connect_timeout"] == "2"
    t1 = Target(engine="postgresql", settings={"host": "db", "connect_timeout": "1"})
    assert build_params(t1, timeout=10)["connect_timeout"] == "2"
    t0 = Target(engine="postgresql", settings={"host": "db", "connect_timeout": "0"})
    assert build_params(t0, timeout=10)["connect_timeout"] == "10"


def test_client_key_permissions_like_libpq(tmp_path: Path) -> None:
    key = tmp_path / "client.key"
    key.write_text("k")
    key.chmod(0o600)
    assert _net.client_key_problem(str(key)) is None
    key.chmod(0o644)
    problem = _net.client_key_problem(str(key))
    import os

    if os.stat(key).st_uid == 0:
        # root-owned: g=r is allowed, o=r is not
        assert problem is not None and "group or world access" in problem
        key.chmod(0o640)
        assert _net.client_key_problem(str(key)) is None
    else:
        assert problem is not None
    assert "not private key file" in (_net.client_key_problem(str(tmp_path / "nope.key")) or "")
    assert "not a regular file" in (_net.client_key_problem(str(tmp_path)) or "")
