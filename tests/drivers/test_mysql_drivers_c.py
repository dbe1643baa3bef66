"""Differential truth for the mysqlclient and aiomysql knowledge (both installed by the test extra; mysqlclient
built against MariaDB Connector/C, which scripts/setup.sh --test installs): the same settings through the real
driver and through dbdoctor's prediction (``translate_mysql`` + ``outcome``), on the MariaDB sandbox, in the four
server configurations of test_mysql_drivers_differential.py (``full``, ``cn_only``, ``other_ca`` with TLS offered;
TLS off), each with the system store as it is and with ``SSL_CERT_FILE`` naming the sandbox CA.

- mysqlclient is keyed as its record is: SQLAlchemy ``mysql+mysqldb://`` query parameters. Each case becomes a
  real URL whose connect arguments SQLAlchemy's own dialect builds (``create_connect_args``: ssl_* folded into the
  ssl dict), then ``MySQLdb.connect`` with them. It connects to 127.0.0.1: with libmariadb ``localhost`` is the
  Unix socket (the certificates name 127.0.0.1 as well as localhost, so the host checks are the same).
- aiomysql is keyed as its record is: ``aiomysql.connect`` keywords, run with ``asyncio.run``. ``true``/``false``
  are the booleans; ``ssl={ca}`` is run as ``ssl.create_default_context(cafile=<the sandbox CA>)`` (an SSLContext:
  the record cannot name the CA inside it, so its chain is judged against that CA here).

The truth of a connection is what the real driver does: plain text or TLS (the session's ``Ssl_cipher``), its
exact refusal text, or a cause read from its error (libmariadb gives 2026 for every TLS failure, so the text
decides: "does not support it", "Validation of SSL server certificate failed" for the host name, "unable to get
local issuer certificate" for the chain; aiomysql hides the reason in ``__cause__``).
"""

from __future__ import annotations

import asyncio
import gc
import ssl
from typing import Any

import pytest

from dbdoctor.drivers.mysql_base import get_mysql, outcome
from dbdoctor.mysql.driver_hook import translate_mysql
from dbdoctor.sandbox import SandboxServer

pytestmark = pytest.mark.server

CA, CERT, KEY = "{ca}", "{cert}", "{key}"
#: SQLAlchemy mysql+mysqldb:// query parameters as written
MYSQLCLIENT_CASES: tuple[dict[str, str], ...] = (
    {},
    {"ssl_mode": "DISABLED"},
    {"ssl_mode": "PREFERRED"},
    {"ssl_mode": "REQUIRED"},
    {"ssl_mode": "VERIFY_CA"},
    {"ssl_mode": "VERIFY_IDENTITY"},
    {"ssl_mode": "VERIFY_CA", "ssl_ca": CA},
    {"ssl_mode": "VERIFY_IDENTITY", "ssl_ca": CA},
    {"ssl_ca": CA},
    {"ssl_mode": "DISABLED", "ssl_ca": CA},
    {"ssl_mode": "REQUIRED", "ssl_ca": CA},
    {"ssl_ca": CA, "ssl_check_hostname": "true"},
    {"ssl_cert": CERT, "ssl_key": KEY},
    {"ssl_mode": "VERIFY_IDENTITY", "ssl_ca": CA, "ssl_cert": CERT, "ssl_key": KEY},
    {"ssl": "true"},
    {"ssl_mode": "required"},
    {"sslmode": "require"},
    {"charset": "utf8mb4", "read_timeout": "10", "init_command": "SET @dbdoctor = 1"},
)
#: aiomysql.connect keywords as written
AIOMYSQL_CASES: tuple[dict[str, str], ...] = (
    {},
    {"ssl": "false"},
    {"ssl": "true"},
    {"ssl": CA},
    {"ssl": CA, "charset": "utf8mb4"},
    {"ssl_ca": CA},
    {"ssl_mode": "REQUIRED"},
)
CONFIGS = (("tls_offered", "full"), ("tls_offered", "cn_only"), ("tls_offered", "other_ca"), ("tls_off", "full"))
ALL_OUTCOMES = {"plain", "tls", "refused", "server_ssl_unsupported", "cert_untrusted", "hostname_mismatch"}


def _fill(case: dict[str, str], srv: SandboxServer) -> dict[str, str]:
    files = {CA: str(srv.ca_file), CERT: str(srv.pki.client_cert), KEY: str(srv.pki.client_key)}
    return {k: files.get(v, v) for k, v in case.items()}


def _cause(text: str) -> str:
    if "does not support it" in text:
        return "server_ssl_unsupported"
    if "Validation of SSL server certificate failed" in text or "mismatch" in text:
        return "hostname_mismatch"
    if "unable to get local issuer certificate" in text or "CERTIFICATE_VERIFY_FAILED" in text:
        return "cert_untrusted"
    return "other: " + text


def real_mysqlclient(srv: SandboxServer, case: dict[str, str], texts: dict[str, set[str]]) -> str:
    import MySQLdb
    import sqlalchemy

    url = sqlalchemy.engine.URL.create(
        "mysql+mysqldb", username=srv.user, password=srv.password.reveal(), host="127.0.0.1", port=srv.port,
        database=srv.dbname, query={**case, "connect_timeout": "5"},
    )
    engine = sqlalchemy.create_engine(url)
    try:
        cargs, cparams = engine.dialect.create_connect_args(url)
        try:
            conn = engine.dialect.connect(*cargs, **cparams)
        except (TypeError, MySQLdb.NotSupportedError) as exc:
            return f"{type(exc).__name__}: {exc}"
        except MySQLdb.OperationalError as exc:
            cause = _cause(str(exc))
            texts.setdefault(cause, set()).add(str(exc))
            return cause
    finally:
        engine.dispose()
    try:
        cur = conn.cursor()
        cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        row = cur.fetchone()
    finally:
        conn.close()
    return "tls" if row and row[1] else "plain"


def _aiomysql_kwargs(case: dict[str, str], srv: SandboxServer) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in case.items():
        if k == "ssl" and v == str(srv.ca_file):
            out[k] = ssl.create_default_context(cafile=v)
        else:
            out[k] = True if v == "true" else False if v == "false" else v
    return out


def real_aiomysql(srv: SandboxServer, kw: dict[str, Any]) -> str:
    import aiomysql
    import pymysql

    async def run() -> str:
        conn = await aiomysql.connect(host="localhost", port=srv.port, user=srv.user,
                                      password=srv.password.reveal(), db=srv.dbname, connect_timeout=5, **kw)
        try:
            async with conn.cursor() as cur:
                await cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
                row = await cur.fetchone()
        finally:
            conn.close()
        return "tls" if row and row[1] else "plain"

    try:
        return asyncio.run(run())
    except (TypeError, AttributeError) as exc:
        return f"{type(exc).__name__}: {exc}"
    except pymysql.err.OperationalError as exc:  # the reason is only in __cause__ (an ssl.SSLError)
        return _cause(f"{exc} {exc.__cause__}")


def predicted(driver: str, case: dict[str, str], profile: str, cert: str, system_has_ca: bool,
              context_ca: bool = False) -> str:
    view = translate_mysql(case, driver)
    if view.error is not None:
        return view.error
    ca_ok = view.ca_source == "given" or context_ca or (view.ca_source == "system" and system_has_ca)
    return outcome(view, tls_offered=profile != "tls_off", chain_ok=ca_ok and cert != "other_ca",
                   name_ok=cert != "cn_only")


def _refused(real: str) -> str:
    return "refused" if real.startswith(("TypeError", "AttributeError", "NotSupportedError")) else real


def _set_store(monkeypatch: pytest.MonkeyPatch, srv: SandboxServer, system_has_ca: bool) -> None:
    if system_has_ca:
        monkeypatch.setenv("SSL_CERT_FILE", str(srv.ca_file))
        monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    else:
        monkeypatch.delenv("SSL_CERT_FILE", raising=False)


def mysqlclient_ssl_true_in_code(srv: SandboxServer) -> str:
    """``ssl=True`` in code (2.2.4+): documented as ssl_mode=REQUIRED (in a URL, ``ssl=true`` is a string)."""
    import MySQLdb

    conn = MySQLdb.connect(host="127.0.0.1", port=srv.port, user=srv.user, password=srv.password.reveal(),
                           database=srv.dbname, connect_timeout=5, ssl=True)
    try:
        cur = conn.cursor()
        cur.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'")
        row = cur.fetchone()
    finally:
        conn.close()
    return "tls" if row and row[1] else "plain"


def aiomysql_through_sqlalchemy(srv: SandboxServer) -> str:
    """``mysql+aiomysql://...?ssl_ca=``: SQLAlchemy's own dialect builds the connect arguments (an ssl dict)."""
    import sqlalchemy
    from sqlalchemy.dialects.mysql.aiomysql import MySQLDialect_aiomysql

    url = sqlalchemy.engine.URL.create("mysql+aiomysql", username=srv.user, password=srv.password.reveal(),
                                       host="localhost", port=srv.port, database=srv.dbname,
                                       query={"ssl_ca": str(srv.ca_file)})
    _cargs, cparams = MySQLDialect_aiomysql().create_connect_args(url)
    assert cparams["ssl"] == {"ca": str(srv.ca_file)}
    try:
        return real_aiomysql(srv, {k: v for k, v in cparams.items() if k not in ("user", "password", "host", "port",
                                                                                   "db")})
    finally:
        # aiomysql leaves the socket it failed to wrap open (in the traceback's frames): the server would hold
        # that half-done handshake for its connect_timeout and the next FLUSH SSL would wait for it
        gc.collect()


def test_mysqlclient_and_aiomysql_match_the_prediction(mariadb_sandbox: SandboxServer,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case in every configuration, with the system store as it is and with it naming the sandbox CA
    (alternating, so neither driver can carry one store over to the other)."""
    srv = mariadb_sandbox
    compared = {"mysqlclient": 0, "aiomysql": 0}
    mismatches: list[str] = []
    outcomes: dict[str, set[str]] = {"mysqlclient": set(), "aiomysql": set()}
    texts: dict[str, set[str]] = {}
    extras: dict[str, tuple[str, str]] = {}
    for profile, cert in CONFIGS:
        with srv.configured(profile, cert=cert):
            for system_has_ca in (False, True):
                _set_store(monkeypatch, srv, system_has_ca)
                where = f"{profile}/{cert}{' SSL_CERT_FILE=CA' if system_has_ca else ''}"
                for case in MYSQLCLIENT_CASES:
                    filled = _fill(case, srv)
                    real = real_mysqlclient(srv, filled, texts)
                    pred = predicted("mysqlclient", filled, profile, cert, system_has_ca)
                    compared["mysqlclient"] += 1
                    outcomes["mysqlclient"].add(_refused(real))
                    if real != pred:
                        mismatches.append(f"{where} mysqlclient {case}: real {real!r}, predicted {pred!r}")
                for case in AIOMYSQL_CASES:
                    filled = _fill(case, srv)
                    real = real_aiomysql(srv, _aiomysql_kwargs(filled, srv))
                    pred = predicted("aiomysql", filled, profile, cert, system_has_ca,
                                     context_ca=case.get("ssl") == CA)
                    compared["aiomysql"] += 1
                    outcomes["aiomysql"].add(_refused(real))
                    if real != pred:
                        mismatches.append(f"{where} aiomysql {case}: real {real!r}, predicted {pred!r}")
            if cert == "full":
                _set_store(monkeypatch, srv, False)
                extras[profile] = (mysqlclient_ssl_true_in_code(srv), aiomysql_through_sqlalchemy(srv))
    assert not mismatches, "\n".join(mismatches)
    assert compared == {"mysqlclient": 2 * len(CONFIGS) * len(MYSQLCLIENT_CASES),
                        "aiomysql": 2 * len(CONFIGS) * len(AIOMYSQL_CASES)}
    # nothing else (no "other: ..."), and every kind of outcome, so a prediction that always says the same cannot
    # pass; aiomysql never insists on TLS: a server without it is plain text, never server_ssl_unsupported
    assert outcomes == {"mysqlclient": ALL_OUTCOMES, "aiomysql": ALL_OUTCOMES - {"server_ssl_unsupported"}}
    # the record's messages are mysqlclient's own words
    messages = get_mysql("mysqlclient").messages
    for cause in ("server_ssl_unsupported", "cert_untrusted", "hostname_mismatch"):
        assert messages[cause] in texts[cause], (cause, texts[cause])
    # ssl=True in code is ssl_mode=REQUIRED, which with libmariadb uses TLS when offered and plain text when not
    required = translate_mysql({"ssl_mode": "REQUIRED"}, "mysqlclient")
    assert [extras[p][0] for p in ("tls_offered", "tls_off")] == [
        outcome(required, tls_offered=p != "tls_off", chain_ok=False, name_ok=False) for p in ("tls_offered", "tls_off")
    ] == ["tls", "plain"]
    # the recorded SQLAlchemy fact for aiomysql: ?ssl_ca= breaks the connection when the server offers TLS
    on_tls, without = extras["tls_offered"][1], extras["tls_off"][1]
    assert (on_tls, without) == ("AttributeError: 'dict' object has no attribute 'wrap_bio'", "plain")
    fact = next(text for text, _src in get_mysql("aiomysql").facts if "SQLAlchemy" in text)
    assert on_tls.removeprefix("AttributeError: ") in fact and "plain text when it does not" in fact


#: (profile, cert, query as written): where reading mysql+mysqldb:// with the MySQL client's own meanings got the
#: verdict wrong before the scheme implied mysqlclient (no TLS for nothing/PREFERRED, REQUIRED falling back, a
#: VERIFY_CA that checks the host, a CA alone that verifies only when TLS is offered)
SCHEME_CASES = (
    ("managed", "full", {}),
    ("managed", "full", {"ssl_mode": "PREFERRED"}),
    ("managed", "full", {"ssl_mode": "REQUIRED"}),
    ("tls_off", "full", {"ssl_mode": "REQUIRED"}),
    ("tls_offered", "cn_only", {"ssl_mode": "VERIFY_CA", "ssl_ca": CA}),
    ("tls_offered", "other_ca", {"ssl_ca": CA}),
    ("tls_offered", "full", {"ssl_mode": "VERIFY_IDENTITY", "ssl_ca": CA}),
)


def test_check_reads_a_mysqldb_url_as_mysqlclient_does(mariadb_sandbox: SandboxServer) -> None:
    """Without --driver, ``check`` on a ``mysql+mysqldb://`` URL gives the verdict real mysqlclient gets."""
    import json
    from urllib.parse import quote, urlencode

    from dbdoctor.checking import CheckInput
    from dbdoctor.mysql.pipeline import check

    srv = mariadb_sandbox
    problems = []
    for profile, cert, case in SCHEME_CASES:
        with srv.configured(profile=profile, cert=cert):
            filled = _fill(case, srv)
            real = real_mysqlclient(srv, filled, {})
            url = (f"mysql+mysqldb://{srv.user}:{quote(srv.password.reveal(), safe='')}@127.0.0.1:{srv.port}/"
                   f"{srv.dbname}" + (f"?{urlencode(filled)}" if filled else ""))
            d = check(CheckInput(text=url, environ={"HOME": "/nonexistent"}, timeout=10)).to_dict()
            assert srv.password.reveal() not in json.dumps(d)
            if (d["verdict"] == "ok") != (real in ("plain", "tls")):
                problems.append(f"{profile}/{cert} {case}: mysqlclient {real}, dbdoctor {d['verdict']} "
                                f"({d['cause']})")
            if d["effective"].get("driver") != "mysqlclient":
                problems.append(f"{case}: the scheme did not name mysqlclient: {d['effective']}")
    assert not problems, "\n".join(problems)
