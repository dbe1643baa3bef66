"""No password, and no piece of one, in what ``parse``, ``check`` and ``preflight`` produce for MySQL targets.

A password written raw in a URL is cut by the URL parser at ``/ ? # @``, and the pieces land in the host, the
port or the database name; those fields are then shown, logged and probed. The passwords here are random
segments joined by such characters, so every piece is long and distinctive: none may appear anywhere (the text
and JSON renderings of the library's reports, the CLI's stdout and stderr). The success path runs against the
MariaDB sandbox with an account whose password really is the random one.

Also: the reading of ``mysql+<driver>://`` URLs is SQLAlchemy's own (compared with ``make_url``), so a password
SQLAlchemy reads right is not called broken, and one it bends is (DD804).
"""

from __future__ import annotations

import io
import json
import os
import random
import string
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from dbdoctor.checking import CheckInput
from dbdoctor.errors import PasswordBendError
from dbdoctor.mysql.parse import parse_report
from dbdoctor.mysql.pipeline import check
from dbdoctor.mysql.sources import parse_url, resolve
from dbdoctor.render.text import render_check
from dbdoctor.sandbox import SandboxServer

USER = "redaction_probe"
CLOSED = 1  # nothing listens on port 1 on loopback


def _passwords(n: int) -> list[str]:
    rng = random.Random(20261121)
    out = []
    for _ in range(n):
        segs = ["".join(rng.choice(string.ascii_letters + string.digits) for _ in range(7)) for _ in range(3)]
        out.append(f"{segs[0]}{rng.choice('/?#@')}{segs[1]}{rng.choice('/?#@:%')}{segs[2]}")
    return out


PASSWORDS = _passwords(10)


def pieces(pw: str) -> set[str]:
    """The password whole, encoded, and each 7-character segment between the characters that bend URLs."""
    out = {pw, quote(pw, safe="")}
    out.update(p for p in pw.replace("/", " ").replace("?", " ").replace("#", " ").replace("@", " ")
               .replace(":", " ").replace("%", " ").split() if len(p) >= 6)
    return out


def assert_clean(text: str, pw: str) -> None:
    for p in pieces(pw):
        assert p not in text, f"a piece of the password leaked: {p!r}"


def forms(pw: str, port: int) -> dict[str, str]:
    return {
        "own-raw": f"mysql://app:{pw}@127.0.0.1:{port}/app?ssl-mode=REQUIRED",
        "mariadb-raw": f"mariadb://app:{pw}@localhost:{port}/app",
        "sqlalchemy-raw": f"mysql+pymysql://app:{pw}@127.0.0.1:{port}/app",
        "mysqldb-raw": f"mysql+mysqldb://app:{pw}@127.0.0.1:{port}/app?ssl_mode=REQUIRED",
        "jdbc-raw": f"jdbc:mysql://127.0.0.1:{port}/app?user=app&password={pw}",
        "own-encoded": f"mysql://app:{quote(pw, safe='')}@127.0.0.1:{port}/app",
    }


@pytest.mark.parametrize("pw", PASSWORDS)
def test_library_reports_hold_no_piece_of_the_password(pw: str) -> None:
    env = {"HOME": "/nonexistent"}
    for label, url in forms(pw, CLOSED).items():
        p = parse_report(url, environ=env)
        assert_clean(json.dumps(p.to_dict()), pw)
        r = check(CheckInput(text=url, environ=env, timeout=1.0))
        assert_clean(json.dumps(r.to_dict()), pw)
        out = io.StringIO()
        render_check(r, out)
        assert_clean(out.getvalue(), pw)
        assert_clean(repr(r), pw)
        assert r.verdict == "fail", label


def test_cli_output_holds_no_piece_of_the_password() -> None:
    pw = PASSWORDS[0]
    for url in forms(pw, CLOSED).values():
        for argv in (["parse", url], ["parse", "--json", url], ["check", "--timeout", "1", url],
                     ["preflight", "--timeout", "1", url]):
            proc = subprocess.run([sys.executable, "-m", "dbdoctor", *argv], capture_output=True, text=True,
                                  timeout=60, env={**os.environ, "HOME": "/nonexistent"})
            assert proc.returncode in (0, 1, 2), (argv[0], proc.returncode, proc.stderr[-300:])
            assert_clean(proc.stdout + proc.stderr, pw)


def test_a_bent_url_is_named_and_never_probed() -> None:
    url = "mysql://app:k3JfQaz/Lm9Pq2x@127.0.0.1:3306/app"
    with pytest.raises(PasswordBendError) as exc:
        resolve(url, environ={})
    assert "'/'" in str(exc.value) and "Lm9Pq2x" not in str(exc.value) + (exc.value.hint or "")
    r = check(CheckInput(text=url, environ={}, timeout=1.0))
    assert (r.verdict, r.cause) == ("fail", "password_not_encoded")
    assert [f.code for f in r.findings] == ["DD804"]
    assert r.evidence == ()  # no connection to the host the bent reading names ("app", port "k3JfQaz")
    p = parse_report(url, environ={})
    assert [(f.code, f.severity) for f in p.findings] == [("DD804", "error")]


def test_raw_characters_that_do_not_bend_this_form_are_a_warning() -> None:
    # urlsplit ends the user info at the last '@': the URL reads right here, SQLAlchemy would not
    p = parse_report("mysql://app:k3JfQaz@Lm9Pq2x@db.example.test/app", environ={})
    assert [(f.code, f.severity) for f in p.findings if f.code == "DD804"] == [("DD804", "warning")]
    assert p.effective["host"] == "db.example.test"
    # SQLAlchemy ends the password at the first '@', not at '/': '/' is harmless there, '@' is not
    p = parse_report("mysql+pymysql://app:k3JfQaz/Lm9Pq2x@db.example.test/app", environ={})
    assert [(f.code, f.severity) for f in p.findings if f.code == "DD804"] == [("DD804", "warning")]
    with pytest.raises(PasswordBendError):
        resolve("mysql+pymysql://app:k3JfQaz@Lm9Pq2x@db.example.test/app", environ={})


SQLALCHEMY_URLS = (
    "mysql+pymysql://app:s3cret@db.example.test:3307/app?ssl_ca=/ca.pem",
    "mysql+pymysql://app:a/b?c#d@db.example.test/app",
    "mysql+pymysql://app:a@b@db.example.test/app",
    "mysql+mysqldb://app@[::1]:3306/app",
    "mysql+mysqlconnector://app:p%40ss@h/app?ssl_disabled=true",
    "mysql+aiomysql://h/app",
    "mysql+asyncmy://app:x@h",
    "mysql+pymysql://app:@h:3306/",
    "mysql+pymysql://:pw@h/app",
)


@pytest.mark.parametrize("url", SQLALCHEMY_URLS)
def test_sqlalchemy_forms_read_as_make_url_reads_them(url: str) -> None:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    params, _settings, password, _driver, _unknown = parse_url(url)
    assert params.get("host") == u.host
    assert params.get("port") == (str(u.port) if u.port is not None else None)
    assert params.get("user") == (u.username or None)
    assert params.get("dbname") == (u.database or None)
    assert (password.reveal() if password is not None else None) == u.password


@pytest.fixture
def account(mariadb_sandbox: SandboxServer) -> Iterator[SandboxServer]:
    from dbdoctor.sandbox.mariadb import _admin_sql

    sock = mariadb_sandbox.socket_dir / "mysqld.sock"
    _admin_sql(sock, [f"DROP USER IF EXISTS '{USER}'@'%'"])
    yield mariadb_sandbox
    _admin_sql(sock, [f"DROP USER IF EXISTS '{USER}'@'%'"])


@pytest.mark.server
def test_the_working_path_holds_no_piece_of_the_password(account: SandboxServer) -> None:
    """A real login with the random password (encoded, as it must be), over verified TLS."""
    import pymysql

    from dbdoctor.sandbox.mariadb import _admin_sql

    srv = account
    sock = srv.socket_dir / "mysqld.sock"
    for pw in PASSWORDS[:3]:
        conn = pymysql.connect(unix_socket=str(sock), user="root", password="", autocommit=True)
        with conn.cursor() as cur:
            cur.execute(f"CREATE OR REPLACE USER '{USER}'@'%%' IDENTIFIED BY %s", (pw,))
            cur.execute(f"GRANT ALL ON app.* TO '{USER}'@'%'")
        conn.close()
        url = (f"mysql://{USER}:{quote(pw, safe='')}@localhost:{srv.port}/app?ssl-mode=VERIFY_IDENTITY"
               f"&ssl-ca={srv.ca_file}")
        r = check(CheckInput(text=url, environ={"HOME": "/nonexistent"}, timeout=10))
        assert r.verdict == "ok", r.to_dict()
        assert_clean(json.dumps(r.to_dict()) + repr(r), pw)
        wrong = url.replace(quote(pw, safe=""), quote(pw[::-1], safe=""))
        r = check(CheckInput(text=wrong, environ={"HOME": "/nonexistent"}, timeout=10))
        assert (r.verdict, r.cause) == ("fail", "password_failed")
        assert_clean(json.dumps(r.to_dict()), pw)
        assert_clean(json.dumps(r.to_dict()), pw[::-1])
    _admin_sql(sock, [f"DROP USER IF EXISTS '{USER}'@'%'"])
