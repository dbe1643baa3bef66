"""The parsers that take user or server input, each wrapped as ``target(data)``: it returns normally, or raises
``Crash`` when the parser raised anything but dbdoctor's ``InputError`` family (wire parsers: ``ProtocolError``)
or when an output holds the password it was given. Shared by ``tests/fuzz`` (hypothesis) and ``bench/fuzz.py``
(the long run).
"""

from __future__ import annotations

import base64
import io
import json
import os
import tempfile
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from dbdoctor.errors import InputError, ProtocolError

PG_DRIVERS = ("libpq", "asyncpg", "pg8000", "node-postgres", "prisma", "pgjdbc", "pgx", "lib-pq", "sqlx",
              "tokio-postgres")
MY_DRIVERS = ("pymysql", "mysqlclient", "mysql-connector-python", "aiomysql", "mysql2", "connector-j",
              "go-sql-driver", "prisma-mysql")


class Crash(Exception):
    """A parser failed in a way it must not: ``site`` names where (exception type and the innermost frame)."""

    def __init__(self, target: str, data: object, exc: BaseException | None, why: str) -> None:
        self.target = target
        self.data = data
        self.site = why
        if exc is not None:
            tb = exc.__traceback__
            frame = None
            while tb is not None:
                if "dbdoctor" in tb.tb_frame.f_code.co_filename:
                    frame = tb
                tb = tb.tb_next
            where = (f"{Path(frame.tb_frame.f_code.co_filename).name}:{frame.tb_lineno}" if frame else "?")
            self.site = f"{type(exc).__name__} at {where}"
        super().__init__(f"{target}: {self.site}: {data!r:.300}")


def password_forms(pw: str) -> list[str]:
    """The password as it could leak: raw, percent-encoded (both ways), base64 and hex. Passwords shorter than 4
    characters are checked raw only inside a URL's userinfo (a letter is in every text)."""
    raw = pw.encode("utf-8", "surrogatepass")
    forms = {pw, urllib.parse.quote(pw, safe=""), urllib.parse.quote_plus(pw), base64.b64encode(raw).decode(),
             raw.hex()}
    return [f for f in forms if len(f) >= 4]


def _env() -> dict[str, str]:
    return {"HOME": "/nonexistent-fuzz-home", "PGSERVICEFILE": "/nonexistent-fuzz-home/x"}


def parse_outputs(text: str, driver: str | None = None) -> str:
    """What ``dbdoctor parse [--driver D] TEXT`` (and ``--json``) prints, in process: the two renderings, through
    the router as the command goes (a driver of the other engine is left out, as the command would refuse it)."""
    from dbdoctor.render.json import dumps
    from dbdoctor.render.parse_text import render_parse
    from dbdoctor.route import route

    environ = _env()
    engine = route(text, environ).get()
    own = MY_DRIVERS if engine.name == "mysql" else PG_DRIVERS
    report = engine.parse(text, environ=environ, driver=driver if driver in own else None)
    out = io.StringIO()
    render_parse(report, engine.redact_text(text), out)
    return dumps(report.to_dict()) + "\n" + out.getvalue()


def _guard(name: str, data: object, fn: Callable[[], object], allowed: tuple[type[BaseException], ...]) -> object:
    try:
        return fn()
    except allowed:
        return None
    except RecursionError as exc:
        raise Crash(name, data, exc, "") from exc
    except Exception as exc:
        raise Crash(name, data, exc, "") from exc


def target_parse(text: str, driver: str | None = None, password: str | None = None) -> None:
    """``parse`` of a connection string (URL, keyword string, JDBC, SQLAlchemy, either engine), optionally as
    ``--driver``; with ``password``, no form of it may be in the output."""
    name = f"parse[{driver or '-'}]"
    out = _guard(name, text, lambda: parse_outputs(text, driver), (InputError,))
    if out is None:
        return
    assert isinstance(out, str)
    try:
        out.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise Crash(name, text, None, "output is not valid UTF-8") from exc
    if password:
        # a form that the input holds more than once (sslmode=0000 next to the password 0000) says nothing
        for form in password_forms(password):
            if form in out and text.count(form) <= 1:
                raise Crash(name, text, None, f"password form {form!r} in the output")


def target_written_params(text: str) -> None:
    from dbdoctor.drivers import written_params

    _guard("written_params", text, lambda: written_params(text), (InputError,))


def target_redact(text: str) -> None:
    from dbdoctor.mysql import sources as mysql
    from dbdoctor.postgres import sources as postgres

    _guard("redact_text[pg]", text, lambda: postgres.redact_text(text), (InputError,))
    _guard("redact_text[my]", text, lambda: mysql.redact_text(text), (InputError,))


def target_explain(text: str) -> None:
    from dbdoctor.explain import explain

    _guard("explain", text, lambda: json.dumps(explain(text).to_dict()), (InputError,))


def _with_file(content: bytes, fn: Callable[[Path], object]) -> object:
    fd, path = tempfile.mkstemp(prefix="fuzz-")
    try:
        os.write(fd, content)
        os.close(fd)
        return fn(Path(path))
    finally:
        os.unlink(path)


def target_dotenv(content: bytes) -> None:
    from dbdoctor.sources.files import read_dotenv

    _guard("read_dotenv", content, lambda: _with_file(content, lambda p: read_dotenv(p, {}, {})), (InputError,))


def target_option_file(content: bytes) -> None:
    from dbdoctor.mysql.sources import read_option_file

    _guard("read_option_file", content, lambda: _with_file(content, read_option_file), (InputError,))


def target_pgwire(data: bytes) -> None:
    from dbdoctor.postgres import wire as _pgwire

    _guard("pgwire.classify_ssl_answer", data, lambda: _pgwire.classify_ssl_answer(data), (ProtocolError,))
    _guard("pgwire.parse_fields", data, lambda: _pgwire.parse_fields(data), (ProtocolError,))
    _guard("pgwire.next_message", data, lambda: _pgwire.next_message(data), (ProtocolError,))


def target_mywire(data: bytes) -> None:
    from dbdoctor.mysql import wire as _mywire

    _guard("mywire.take_packet", data, lambda: _mywire.take_packet(data), (ProtocolError,))
    _guard("mywire.parse_first", data, lambda: _mywire.parse_first(data), (ProtocolError,))


TEXT_TARGETS: dict[str, Callable[[str], None]] = {
    "parse": target_parse,
    "written_params": target_written_params,
    "redact": target_redact,
    "explain": target_explain,
}
BYTES_TARGETS: dict[str, Callable[[bytes], None]] = {
    "dotenv": target_dotenv,
    "option_file": target_option_file,
    "pgwire": target_pgwire,
    "mywire": target_mywire,
}
