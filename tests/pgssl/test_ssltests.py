"""PostgreSQL's own SSL regression test (src/test/ssl/t/001_ssltests.pl), replayed with its own certificates
against a PostgreSQL server this suite starts on loopback, with libpq (psycopg) as the judge.

For every case (tests/pgssl/ssltests_cases.py): psycopg must do what 001_ssltests.pl expects (so the replay is
faithful), then ``dbdoctor.check()`` on the same connection string must give psycopg's verdict, predict psycopg's
outcome in each of the six sslmodes (the string with ``sslmode`` replaced), and name a root cause consistent with
the case (the case's cause for a failure, none for success).

One server serves every configuration: ``install_tls`` writes the case's certificate, CA, CRL and pg_hba.conf
and reloads (PostgreSQL re-reads its TLS files on reload), which is what 001_ssltests.pl's restart does here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from dbdoctor.postgres.modes import PG_MODES
from pgssl.ssltests_cases import (
    CASES,
    DATABASES,
    DEFAULTS,
    EXTRA_CASES,
    EXTRA_SERVERS,
    HBA,
    HOSTADDR,
    IDENT,
    ROLES,
    SERVERS,
    Case,
)

pytestmark = pytest.mark.server

DATA = Path(__file__).resolve().parent.parent / "data" / "pg_ssltests"
ALL_SERVERS = {**SERVERS, **EXTRA_SERVERS}
_KEYS = ("client.key", "client-revoked.key", "client-der.key", "client-encrypted-pem.key",
         "client-encrypted-der.key", "client-dn.key")


class _Server:
    """The session's server and which configuration of SERVERS it runs now."""

    def __init__(self, srv: Any) -> None:
        self.srv = srv
        self.current: str | None = None

    def use(self, name: str) -> None:
        if self.current == name:
            return
        from dbdoctor.sandbox.postgres import install_tls

        conf = ALL_SERVERS[name]
        files = {
            "ssl-server.crt": (DATA / f"{conf.cert}.crt").read_bytes(),
            "ssl-server.key": (DATA / f"{conf.cert}.key").read_bytes(),
            "ssl-ca.crt": (DATA / f"{conf.ca}.crt").read_bytes(),
            "ssl.crl": (DATA / conf.crl).read_bytes(),
        }
        settings = {"ssl_cert_file": "ssl-server.crt", "ssl_key_file": "ssl-server.key",
                    "ssl_ca_file": "ssl-ca.crt", "ssl_crl_file": "ssl.crl", "ssl_crl_dir": ""}
        if conf.crldir:
            for f in (DATA / conf.crldir).iterdir():
                files[f"ssl-crldir/{f.name}"] = f.read_bytes()
            settings["ssl_crl_dir"] = "ssl-crldir"
        install_tls(self.srv, files=files, settings=settings, hba=conf.hba or HBA, ident=IDENT)
        self.current = name


@pytest.fixture(scope="module")
def ssl_server(pg_bindir: Path) -> Iterator[_Server]:
    from psycopg import sql

    from dbdoctor.sandbox import start

    srv = start(engine="postgresql", profile="trust_tls")
    try:
        with psycopg.connect(srv.admin_conninfo(), autocommit=True) as conn:
            for role in ROLES:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
            for db in DATABASES:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db)))
        yield _Server(srv)
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def keydir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Their ``sslkey()``: copies of the client keys with mode 0600, and client_wrongperms.key with 0644."""
    d = tmp_path_factory.mktemp("pgssl-keys")
    for name in _KEYS:
        shutil.copyfile(DATA / name, d / name)
        os.chmod(d / name, 0o600)
    shutil.copyfile(DATA / "client.key", d / "client_wrongperms.key")
    os.chmod(d / "client_wrongperms.key", 0o644)
    return d


def conninfo(case: Case, port: int, keydir: Path) -> str:
    """The case's connection string as libpq gets it: defaults first, the case, then address and port."""
    words = []
    for word in case.conn.split():
        if word.startswith("key:"):
            word = f"sslkey={keydir / word[4:]}"
        words.append(word.replace("=ssl/", f"={DATA}/"))
    return f"{DEFAULTS} {' '.join(words)} hostaddr={HOSTADDR} port={port} connect_timeout=10"


def _libpq(text: str) -> tuple[str, str | None]:
    try:
        with psycopg.connect(text):
            return "ok", None
    except psycopg.Error as exc:
        return "fail", str(exc)


def _ordered() -> list[Case]:
    """Cases grouped by server configuration (fewer reloads), in 001_ssltests.pl's order within a group; the
    cases written here (beyond upstream) last."""
    order = list(ALL_SERVERS)
    return sorted((*CASES, *EXTRA_CASES), key=lambda c: order.index(c.server))


def _id(case: Case) -> str:
    return f"{case.category}:{re.sub(r'[^A-Za-z0-9.=-]+', '_', case.name)}"


@pytest.mark.parametrize("case", _ordered(), ids=_id)
def test_case(case: Case, ssl_server: _Server, keydir: Path, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> None:
    import dbdoctor

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(tmp_path)  # "invalid" names nothing
    monkeypatch.setenv("HOME", str(home))
    for key in list(os.environ):
        if key.startswith("PG") or key == "DATABASE_URL":
            monkeypatch.delenv(key)
    ssl_server.use(case.server)
    text = conninfo(case, ssl_server.srv.port, keydir)

    verdict, message = _libpq(text)
    assert verdict == case.expect, f"libpq does not do what 001_ssltests.pl expects: {message}"
    if case.stderr:
        assert message is not None and re.search(case.stderr, message), message
    real_modes = {m: _libpq(f"{text} sslmode={m}")[0] for m in PG_MODES}

    report = dbdoctor.check(text, environ=dict(os.environ), timeout=15)
    problems = []
    if report.verdict != verdict:
        problems.append(f"verdict: dbdoctor {report.verdict} ({report.cause}), libpq {verdict} ({message})")
    for mode in PG_MODES:
        predicted = report.modes[mode]
        if predicted.outcome != real_modes[mode]:
            problems.append(f"{mode}: dbdoctor {predicted.outcome} ({predicted.cause}), libpq {real_modes[mode]}")
    if case.expect == "fail" and report.cause not in case.cause:
        problems.append(f"cause: dbdoctor {report.cause}, expected one of {case.cause} (libpq: {message})")
    if case.expect == "ok" and report.cause is not None:
        problems.append(f"cause: dbdoctor {report.cause} on a working connection")
    if report.cause is not None and not any(
        f.cause == report.cause and f.severity == "error" for f in report.findings
    ):
        problems.append(f"no error finding carries the cause {report.cause}")
    assert not problems, "\n".join(problems) + f"\nfindings: {[(f.code, f.cause) for f in report.findings]}"
    if "sslpassword=" in case.conn:
        secret = case.conn.split("sslpassword=")[1].split()[0].strip("'")
        assert secret not in json.dumps(report.to_dict())


def test_replay_covers_001_ssltests() -> None:
    """Every connect_ok/connect_fails of 001_ssltests.pl (81, less the two upstream skips itself) is here, each
    with a server configuration that exists."""
    assert len(CASES) == 79, len(CASES)
    assert len({c.name for c in (*CASES, *EXTRA_CASES)}) == len(CASES) + len(EXTRA_CASES)
    assert {c.server for c in CASES} == set(SERVERS)
    assert {c.server for c in EXTRA_CASES} == set(EXTRA_SERVERS)
    assert all((c.expect == "ok") == (not c.cause) for c in (*CASES, *EXTRA_CASES))


def test_install_tls_refuses_what_would_escape(ssl_server: _Server) -> None:
    """The sandbox option writes only inside the data directory and only quoted, one-line settings."""
    from dbdoctor.errors import SandboxError
    from dbdoctor.sandbox.postgres import install_tls

    for files, settings in (({"../x.crt": b""}, {}), ({"a/b/c.crt": b""}, {}), ({}, {"ssl_ca_file": "x'y"}),
                            ({}, {"ssl_ca_file": "x\ny"}), ({}, {"ssl ca": "x"})):
        with pytest.raises(SandboxError):
            install_tls(ssl_server.srv, files=files, settings=settings, hba=HBA)
