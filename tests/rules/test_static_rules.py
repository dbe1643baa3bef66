"""The static rules DD100–DD107: a case that must produce each finding and one that must not. Where a rule
repeats what libpq does when it connects, the test asks libpq itself for its message."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from dbdoctor.errors import TargetParseError
from dbdoctor.postgres.lint import parse_error_finding
from dbdoctor.postgres.sources import resolve
from dbdoctor.report import Finding
from dbdoctor.route import all_rules, engines
from dbdoctor.rules.base import Context
from dbdoctor.rules.registry import by_code, rules_for
from dbdoctor.target import Secret
from fix_certs import issue

ALL_MODULES = tuple(dict.fromkeys(m for e in engines() for m in e.rule_modules))


def findings(text: str | None, environ: dict[str, str], env_files: tuple[str, ...] = ()) -> list[Finding]:
    target = resolve(text, environ=environ, env_files=env_files)
    ctx = Context(target=target, raw=Secret(text) if text is not None else None, environ=environ)
    out: list[Finding] = []
    for rule in rules_for("static", ALL_MODULES):
        out.extend(rule.check(ctx))
    return out


def codes(fs: list[Finding]) -> list[str]:
    return sorted(f.code for f in fs)


@pytest.fixture()
def env(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path)}


def test_static_rules_registered() -> None:
    static = {r.code: r for r in rules_for("static", ALL_MODULES)}
    assert set(static) >= {"DD100", "DD101", "DD102", "DD103", "DD104", "DD105", "DD106", "DD107"}
    for rule in static.values():
        assert set(rule.sections()) == {"What it checks", "Why it matters", "How to fix", "Example"}, rule.code


# --- DD101 password_not_encoded ------------------------------------------------------------------------------


def test_dd101_bent(env: dict[str, str]) -> None:
    for text in ("postgresql://app:p@ss@host/db", "postgresql://app:pa/ss@host/db"):
        fs = [f for f in findings(text, env) if f.code == "DD101"]
        assert [f.severity for f in fs] == ["error"], text
        assert "'@' as %40" in fs[0].fix or "'/' as %2F" in fs[0].fix
        assert "postgresql://app:****@host/db" in fs[0].fix
        assert "ss" not in fs[0].detail.replace("class", "").replace("password", "").replace("pass", "")


def test_dd101_unencoded_but_read_right(env: dict[str, str]) -> None:
    fs = [f for f in findings("postgresql://app:p#ss@host/db", env) if f.code == "DD101"]
    assert [f.severity for f in fs] == ["warning"]


def test_dd101_not_when_encoded(env: dict[str, str]) -> None:
    assert "DD101" not in codes(findings("postgresql://app:p%40ss%2F@host/db", env))
    assert "DD101" not in codes(findings("postgresql://app@host/db", env))
    assert "DD101" not in codes(findings("host=h password=p@ss/x", env))


def test_dd101_from_database_url(env: dict[str, str], tmp_path: Path) -> None:
    env["DATABASE_URL"] = "postgresql://app:pa/ss@host/db"
    assert "DD101" in codes(findings(None, env))
    env.pop("DATABASE_URL")
    dotenv = tmp_path / ".env"
    dotenv.write_text("DATABASE_URL=postgresql://app:p@ss@host/db\n")
    assert "DD101" in codes(findings(None, env, (str(dotenv),)))
    dotenv.write_text("DATABASE_URL=postgresql://app:p%40ss@host/db\n")
    assert "DD101" not in codes(findings(None, env, (str(dotenv),)))


# --- DD100 / DD102 from libpq's rejection, DD102 from the environment ----------------------------------------


@pytest.mark.parametrize("text,code,hint", [
    ("postgresql://h/d?sslMode=require", "DD102", '"sslmode"'),
    ("host=h ssl=1", "DD102", '"sslmode"'),
    ("host=h sslrootcerts=/x", "DD102", '"sslrootcert"'),
    ("postgresql://[::1/d", "DD100", ""),
    ("host='unterminated", "DD100", ""),
])
def test_parse_error_finding(text: str, code: str, hint: str, env: dict[str, str]) -> None:
    with pytest.raises(TargetParseError) as info:
        resolve(text, environ=env)
    f = parse_error_finding(info.value)
    assert f.code == code and f.severity == "error"
    assert hint in f.detail


def test_dd102_environment(env: dict[str, str]) -> None:
    env["PGSSL_MODE"] = "require"
    fs = [f for f in findings("host=h", env) if f.code == "DD102"]
    assert len(fs) == 1 and "PGSSLMODE" in fs[0].detail
    env.pop("PGSSL_MODE")
    env["PGSSLMODE"] = "require"
    assert "DD102" not in codes(findings("host=h", env))


# --- DD103 param_invalid, each message asked of libpq --------------------------------------------------------

INVALID = [
    "host=127.0.0.1 port=1 sslmode=required",
    "host=127.0.0.1 port=1 sslmode=Require",
    "host=127.0.0.1 port=1 sslmode=''",
    "host=127.0.0.1 port=abc",
    "host=127.0.0.1 port=5432:5433",
    "host=127.0.0.1 port=0",
    "host=127.0.0.1 port=70000",
    "host=127.0.0.1,127.0.0.2,127.0.0.3 port=1,2",
    "host=a,b hostaddr=127.0.0.1",
    "host=127.0.0.1 port=1 sslnegotiation=foo",
    "host=127.0.0.1 port=1 sslnegotiation=direct sslmode=prefer",
    "host=127.0.0.1 port=1 target_session_attrs=primary2",
    "host=127.0.0.1 port=1 channel_binding=yes",
    "host=127.0.0.1 port=1 gssencmode=on",
    "host=127.0.0.1 port=1 load_balance_hosts=yes",
    "host=127.0.0.1 port=1 sslcertmode=x",
    "host=127.0.0.1 port=1 ssl_min_protocol_version=TLSv1.4",
    "host=127.0.0.1 port=1 ssl_max_protocol_version=tls1.2",
    "host=127.0.0.1 port=1 ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=TLSv1.2",
    "host=127.0.0.1 port=1 sslrootcert=system sslmode=require",
    "postgresql://127.0.0.1:1/d?sslmode=verify_full",
]
VALID = [
    "host=127.0.0.1 port=1 sslmode=require",
    "host=127.0.0.1,127.0.0.2 port=1",
    "host=127.0.0.1,127.0.0.2 port=1,1",
    "host=127.0.0.1 port=' 1 '",
    "host=127.0.0.1 port=1 sslnegotiation=direct sslmode=require",
    "host=127.0.0.1 port=1 target_session_attrs=prefer-standby",
    "host=127.0.0.1 port=1 ssl_min_protocol_version=TLSv1.3",
    "host=127.0.0.1 port=1 sslrootcert=system",
    "hostaddr=127.0.0.1 port=1",
]


def _libpq_error(text: str) -> str:
    """libpq's own message (PQconnectdb, without psycopg's host handling in between)."""
    from psycopg import pq

    sep = ("&" if "?" in text else "?") if text.startswith("postgresql://") else " "
    extra = sep.join(["connect_timeout=2", "user=u", "dbname=d"])
    conn = pq.PGconn.connect((text + sep + extra).encode())
    try:
        assert conn.status == pq.ConnStatus.BAD, "a connection to a closed port succeeded"
        return conn.get_error_message()
    finally:
        conn.finish()


@pytest.mark.parametrize("text", INVALID)
def test_dd103_matches_libpq(text: str, env: dict[str, str]) -> None:
    fs = [f for f in findings(text, env) if f.code == "DD103"]
    assert fs, text
    said = _libpq_error(text)
    assert "Connection refused" not in said  # libpq refused before any network
    # libpq reports the first problem it meets; it must be one of ours, word for word
    ours = [f.detail.split("refuse to connect: ", 1)[1].rsplit(" (", 1)[0] for f in fs]
    assert any(m in said for m in ours), (said, ours)


@pytest.mark.parametrize("text", VALID)
def test_dd103_not_for_valid(text: str, env: dict[str, str]) -> None:
    assert "DD103" not in codes(findings(text, env))
    said = _libpq_error(text)
    assert "invalid" not in said and "could not match" not in said and "weak sslmode" not in said, said


# --- DD104..DD106 files --------------------------------------------------------------------------------------


@pytest.fixture()
def says_s() -> Iterator[int]:
    """A loopback listener that answers the SSLRequest with 'S' and then waits: enough for libpq to load its
    certificate files and report what it thinks of them, before any TLS handshake."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(10)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(3)
                try:
                    if len(conn.recv(8)) == 8:
                        conn.sendall(b"S")
                        conn.recv(1)
                except OSError:
                    pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield srv.getsockname()[1]
    stop.set()
    with contextlib.suppress(OSError):
        srv.shutdown(socket.SHUT_RDWR)  # wakes accept(): a closed-only socket keeps listening (fix_listeners)
    srv.close()
    t.join(5)


def _libpq_file_error(text: str, home: Path) -> str:
    old = os.environ.get("HOME")
    os.environ["HOME"] = str(home)
    try:  # psycopg.connect waits without holding the GIL, so the listener thread can answer
        import psycopg

        try:
            psycopg.connect(text + " connect_timeout=3 user=u dbname=d").close()
        except psycopg.Error as exc:
            return str(exc)
        raise AssertionError("connected to a fake server")
    finally:
        if old is not None:
            os.environ["HOME"] = old


def test_dd104_verify_without_root_file(env: dict[str, str], tmp_path: Path, says_s: int) -> None:
    text = f"host=127.0.0.1 port={says_s} sslmode=verify-full"
    fs = [f for f in findings(text, env) if f.code == "DD104"]
    assert [f.severity for f in fs] == ["error"]
    said = _libpq_file_error(text, tmp_path)
    expected = f'root certificate file "{tmp_path}/.postgresql/root.crt" does not exist'
    assert expected in said and expected in fs[0].detail
    assert "Either provide the file, use the system's trusted roots" in fs[0].detail


def test_dd104_require_with_missing_explicit_file(env: dict[str, str], tmp_path: Path) -> None:
    fs = [f for f in findings(f"host=h sslmode=require sslrootcert={tmp_path}/nope.pem", env) if f.code == "DD104"]
    assert [f.severity for f in fs] == ["warning"]
    assert "DD104" not in codes(findings(f"host=h sslmode=disable sslrootcert={tmp_path}/nope.pem", env))
    assert "DD104" not in codes(findings("host=h sslmode=require", env))  # no default file: nothing to say


def test_dd105_not_pem(env: dict[str, str], tmp_path: Path, says_s: int) -> None:
    ca = issue("ca", ca=True)
    der = tmp_path / "ca.der"
    der.write_bytes(ca.der)
    pem = tmp_path / "ca.pem"
    pem.write_bytes(ca.pem)
    text = f"host=127.0.0.1 port={says_s} sslmode=require sslrootcert={der}"
    assert [f.code for f in findings(text, env) if f.code.startswith("DD10")] == ["DD105"]
    assert "could not read root certificate file" in _libpq_file_error(text, tmp_path)
    assert "DD105" not in codes(findings(f"host=h sslmode=verify-full sslrootcert={pem}", env))
    assert "DD105" not in codes(findings(f"host=h sslmode=disable sslrootcert={der}", env))


def test_dd106_key_permissions(env: dict[str, str], tmp_path: Path, says_s: int) -> None:
    leaf = issue("client")
    cert = tmp_path / "client.crt"
    key = tmp_path / "client.key"
    cert.write_bytes(leaf.pem)
    key.write_bytes(leaf.key_pem())
    key.chmod(0o644)
    text = f"host=127.0.0.1 port={says_s} sslmode=require sslcert={cert} sslkey={key}"
    fs = [f for f in findings(text, env) if f.code == "DD106"]
    assert [f.severity for f in fs] == ["error"]
    said = _libpq_file_error(text, tmp_path)
    assert f'private key file "{key}" has group or world access' in said
    assert f'private key file "{key}" has group or world access' in fs[0].detail
    key.chmod(0o600)
    assert "DD106" not in codes(findings(text, env))


def test_dd106_mismatch_and_missing(env: dict[str, str], tmp_path: Path) -> None:
    a, b = issue("a"), issue("b")
    cert = tmp_path / "a.crt"
    cert.write_bytes(a.pem)
    key = tmp_path / "b.key"
    key.write_bytes(b.key_pem())
    key.chmod(0o600)
    fs = [f for f in findings(f"host=h sslcert={cert} sslkey={key}", env) if f.code == "DD106"]
    assert len(fs) == 1 and "does not belong" in fs[0].detail
    fs = [f for f in findings(f"host=h sslcert={tmp_path}/none.crt", env) if f.code == "DD106"]
    assert [f.severity for f in fs] == ["warning"]
    fs = [f for f in findings(f"host=h sslcert={cert} sslkey={tmp_path}/none.key", env) if f.code == "DD106"]
    assert "certificate present, but not private key file" in fs[0].detail


# --- DD107 env_override ----------------------------------------------------------------------------------------


def test_dd107_env_overridden_by_url(env: dict[str, str]) -> None:
    env["PGSSLMODE"] = "disable"
    fs = [f for f in findings("postgresql://h/d?sslmode=require", env) if f.code == "DD107"]
    assert len(fs) == 1 and fs[0].severity == "warning"
    assert fs[0].detail == "PGSSLMODE=disable in the environment is overridden by sslmode=require in the URL."
    fs = [f for f in findings("host=h sslmode=require", env) if f.code == "DD107"]
    assert fs[0].detail.endswith("overridden by sslmode=require in the connection string.")
    env["PGSSLMODE"] = "require"  # the same value: nothing to say
    assert "DD107" not in codes(findings("postgresql://h/d?sslmode=require", env))


def test_dd107_dotenv_files_disagree(env: dict[str, str], tmp_path: Path) -> None:
    a, b = tmp_path / "a.env", tmp_path / "b.env"
    a.write_text("PGSSLMODE=disable\n")
    b.write_text("PGSSLMODE=verify-full\n")
    fs = [f for f in findings(None, env, (str(a), str(b))) if f.code == "DD107"]
    assert len(fs) == 1 and "Two dotenv files disagree" in fs[0].detail and "verify-full" in fs[0].detail
    b.write_text("PGSSLMODE=disable\n")
    assert "DD107" not in codes(findings(None, env, (str(a), str(b))))


def test_by_code() -> None:
    rule = by_code("dd107", all_rules())
    assert rule is not None and rule.cause == "env_override"
