"""Property-based fuzzing (issue 13) of every parser that takes user or server input: no exception but dbdoctor's
InputError family (ProtocolError for the wire parsers), valid UTF-8 output, no password in any output, and
linear time on long inputs. ``bench/fuzz.py`` is the long run."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz import strategies as fs
from fuzz import targets

FAST = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@FAST
@given(fs.connection_strings, st.sampled_from([None, *targets.PG_DRIVERS, *targets.MY_DRIVERS]))
def test_parse_any_string(text: str, driver: str | None) -> None:
    targets.target_parse(text, driver)


@FAST
@given(fs.with_password(), st.sampled_from([None, *targets.PG_DRIVERS, *targets.MY_DRIVERS]))
def test_parse_never_prints_the_password(case: tuple[str, str], driver: str | None) -> None:
    text, pw = case
    targets.target_parse(text, driver, password=pw)


@FAST
@given(fs.connection_strings)
def test_written_params_and_redaction(text: str) -> None:
    targets.target_written_params(text)
    targets.target_redact(text)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(fs.connection_strings, st.text(max_size=300)))
def test_explain(text: str) -> None:
    targets.target_explain(text)


@FAST
@given(st.binary(max_size=400) | st.lists(st.sampled_from([b"A=", b"export ", b"'", b'"', b"\\", b"\n", b"#",
                                                             b"${X}", b"\xff", b"=", b" ", b"DATABASE_URL="]),
                                            max_size=30).map(b"".join))
def test_dotenv(content: bytes) -> None:
    targets.target_dotenv(content)


@FAST
@given(st.binary(max_size=400) | st.lists(st.sampled_from([b"[client]\n", b"[mysqld]", b"password=", b"ssl-ca",
                                                             b"!include /etc/x\n", b"!includedir /x\n", b"'",
                                                             b'"', b"\\", b"\n", b"#", b"=", b"\xff", b" "]),
                                            max_size=30).map(b"".join))
def test_option_file(content: bytes) -> None:
    targets.target_option_file(content)


@FAST
@given(st.binary(max_size=300) | st.lists(st.sampled_from([b"E", b"S", b"N", b"R", b"\x00\x00\x00\x08",
                                                             b"\x7f\xff\xff\xff", b"\xff\xff\xff\xfb",
                                                             b"SFATAL\x00", b"C28000\x00", b"M", b"\x00"]),
                                            max_size=20).map(b"".join))
def test_pgwire(data: bytes) -> None:
    targets.target_pgwire(data)


@FAST
@given(st.binary(max_size=300) | st.lists(st.sampled_from([b"\x4a\x00\x00\x00", b"\x0a", b"\xff", b"\x09",
                                                             b"8.0.1\x00", b"#28000", b"\x00" * 8,
                                                             b"\xff\xff\xff\x00", b"\xff" * 4]),
                                            max_size=20).map(b"".join))
def test_mywire(data: bytes) -> None:
    targets.target_mywire(data)


# --- the crash sites issue 13 lists, pinned ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "postgresql://app:pw@db/app\udcff",
    "postgresql://app\udcff:pw@db/app",
    "mysql://app:p\udcffw@db/app",
    "mysql://ap\udcffp:pw@db/app",
    "mysql://app:pw@db/ap\udcffp",
    "mysql://app:pw@localhost/app?socket=/tmp/\udcffx",
    "mysql://:d49Gb]/k4X@db1:5432/app",
    "postgresql://app@db/app?sslrootcert=" + "r" * 300,
    "mysql://app@db/app?ssl-ca=" + "r" * 300,
    "postgresql://app:pw@db.example.test:54327\u00b2/app?sslmode=verify-full",  # bench/fuzz.py: '²'.isdigit()
    "mysql://app:pw@db:33\u00b2/app",
])
@pytest.mark.parametrize("driver", [None, "sqlx", "node-postgres", "pymysql"])
def test_listed_crash_sites(text: str, driver: str | None) -> None:
    targets.target_parse(text, driver)


@pytest.mark.parametrize("driver", ["node-postgres", "asyncpg", "pgx", None])
def test_long_input_is_linear(driver: str | None) -> None:
    """20,000 characters in under 2 s (issue 13: 49 s, _KW_PAIR in written_params was quadratic)."""
    for text in ("a" * 20000, "a=" + "b" * 20000, "x " * 10000, "'" * 20000, "postgresql://h/d?" + "a" * 20000):
        started = time.monotonic()
        targets.target_parse(text, driver)
        targets.target_written_params(text)
        assert time.monotonic() - started < 2.0, (driver, text[:20])
