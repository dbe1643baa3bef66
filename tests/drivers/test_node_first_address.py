"""A host name whose first address refuses: libpq goes on to the next address, Node before 20 does not.

On a standard Debian or Ubuntu machine localhost resolves to ::1 first, then 127.0.0.1; the sandbox listens on
127.0.0.1 only. Here the resolver's order is set in the test process (socket.getaddrinfo, which the probe and
psycopg call) and in Node (dns.lookup, which net.connect calls: tests/node/try_connect.js), never in /etc/hosts;
the connections, the refusal at ::1 and the server are real. Where this machine's own localhost is ::1 first,
the same happens without any patch (tests/drivers/test_drivers_differential.py covers it)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from dbdoctor.checking import CheckInput
from dbdoctor.drivers import node_postgres
from dbdoctor.drivers.addresses import first_address_fails, node_strategy, outcome_with
from dbdoctor.drivers.model import version_key
from dbdoctor.explain import explain
from dbdoctor.postgres.pipeline import check
from dbdoctor.postgres.probe import probe_target
from dbdoctor.postgres.sources import resolve

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
NODE = shutil.which("node")
DEBIAN_LOCALHOST = ("::1", "127.0.0.1")


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


needs_ipv6 = pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")


def _node_version() -> str:
    assert NODE is not None
    return subprocess.run([NODE, "--version"], capture_output=True, text=True, timeout=30, check=True).stdout.strip()


def _need_node(pg: bool = False) -> None:
    ready = NODE is not None and (not pg or (NODE_DIR / "node_modules" / "pg").is_dir())
    if not ready:
        if os.environ.get("CI"):
            pytest.fail("CI is set and node (or node-postgres) is not installed (scripts/setup.sh --test)")
        pytest.skip("node or tests/node/node_modules/pg missing: run scripts/setup.sh --test")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    h = tmp_path / "home"
    h.mkdir()
    monkeypatch.setenv("HOME", str(h))
    for key in list(os.environ):
        if key.startswith("PG") or key == "DATABASE_URL":
            monkeypatch.delenv(key)
    yield h


@pytest.fixture
def debian_localhost(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it to make localhost resolve to ::1 first, then 127.0.0.1, in this process."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0,
                    flags: int = 0) -> Any:
        if host != "localhost":
            return real(host, port, family, type, proto, flags)
        out = []
        for address in DEBIAN_LOCALHOST:
            fam = socket.AF_INET6 if ":" in address else socket.AF_INET
            if family not in (0, socket.AF_UNSPEC, fam):
                continue
            for info in real(address, port, fam, type, proto, socket.AI_NUMERICHOST):
                out.append(info)
        return out

    return lambda: monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def _url(srv: Any, host: str, query: str) -> str:
    pw = quote(srv.password.reveal(), safe="")
    return f"postgresql://{srv.user}:{pw}@{host}:{srv.port}/{srv.dbname}" + (f"?{query}" if query else "")


# --- the fact itself, with the Node here ---------------------------------------------------------------------
def _net_facts(*flags: str) -> dict[str, Any]:
    assert NODE is not None
    out = subprocess.run([NODE, *flags, str(NODE_DIR / "first_address.js")], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    return dict(json.loads(out))


def test_node_net_connect_tries_the_addresses_the_knowledge_says() -> None:
    """net.connect to localhost (::1, then 127.0.0.1) with only 127.0.0.1 listening: the knowledge's Node
    versions decide whether the default gets through, and autoSelectFamily is the switch."""
    _need_node()
    facts = _net_facts()
    version = facts["node"]
    refused = {"ok": False, "code": "ECONNREFUSED", "message": f"connect ECONNREFUSED ::1:{facts['port']}"}
    assert facts["auto_select_false"] == refused, facts
    assert facts["auto_select_true"] == {"ok": True, "address": "127.0.0.1"}, facts
    if node_strategy(version) == "all":
        assert facts["default"] == {"ok": True, "address": "127.0.0.1"}, facts
        assert facts["default_auto_select_family"] is True
        # the switch that gives Node 20 the behaviour of Node 18
        off = _net_facts("--no-network-family-autoselection")
        assert off["default"]["message"] == f"connect ECONNREFUSED ::1:{off['port']}", off
    else:
        assert facts["default"] == refused, facts
    assert version_key(node_postgres.NODE_TRIES_EVERY_ADDRESS_FROM) == (20,)


def test_node_strategy() -> None:
    assert node_strategy("v20.20.2") == node_strategy("v22.1.0") == "all"
    assert node_strategy("v18.20.4") == node_strategy("v17.0.0") == "first"
    assert node_strategy("v16.20.2") == "first_ipv4"
    assert any("Node before 20 connects only to the first address" in text
               for text, _source in node_postgres.DRIVER.facts)


# --- node-postgres against the model, both ways --------------------------------------------------------------
@pytest.mark.server
@needs_ipv6
def test_node_postgres_first_address_matches_the_model(
    pg_sandbox: Any, pki: Any, home: Path, debian_localhost: Callable[[], None]
) -> None:
    """The same strings through real node-postgres, with Node's own address selection on and off, against
    the prediction from the probe's observations (::1 refused, 127.0.0.1 connected)."""
    _need_node(pg=True)
    from dbdoctor import drivers
    from dbdoctor.postgres.driver_oracle import address_facts_for, predict
    from dbdoctor.postgres.modes import AuthKnowledge

    version = _node_version()
    # Node 20+: its default, and Node 18's default by a flag; Node 18: its default, and Node 20's by a flag
    runs = [((), node_strategy(version))]
    if node_strategy(version) == "all":
        runs.append((("--no-network-family-autoselection",), "first"))
    elif version_key(version) >= (18, 18):
        runs.append((("--enable-network-family-autoselection",), "all"))
    root = quote(str(pki.root_ca), safe="/")
    other = quote(str(pki.other_ca), safe="/")
    queries = [f"sslmode=verify-full&sslrootcert={root}", "sslmode=disable", f"sslmode=verify-full&sslrootcert={other}"]
    debian_localhost()
    with pg_sandbox.configured(profile="both", cert="full"):
        obs = probe_target(resolve(f"postgresql://{pg_sandbox.user}@localhost:{pg_sandbox.port}/{pg_sandbox.dbname}",
                                   environ={}), timeout=5)
        found = first_address_fails(obs)
        assert found is not None and (found.first, found.outcome, found.connected) == ("::1", "refused", "127.0.0.1")
        auth = AuthKnowledge(has_password=True, password="right", after_auth="ok")
        seen: set[tuple[str, str]] = set()
        for flags, strategy in runs:
            urls = [_url(pg_sandbox, "localhost", q) for q in queries]
            payload = json.dumps([{"url": u, "env": {}} for u in urls])
            assert NODE is not None
            proc = subprocess.run(
                [NODE, *flags, str(NODE_DIR / "try_connect.js")], input=payload, capture_output=True, text=True,
                timeout=120, cwd=NODE_DIR, check=False,
                env={**os.environ, "NODE_NO_WARNINGS": "1",
                     "DBDOCTOR_TEST_RESOLVE": json.dumps({"localhost": list(DEBIAN_LOCALHOST)})},
            )
            assert proc.returncode == 0, proc.stderr[-2000:]
            for url, query, real in zip(urls, queries, json.loads(proc.stdout), strict=True):
                view = drivers.translate(resolve(drivers.libpq_base(url), environ={}), "node-postgres",
                                         written=drivers.written_params(url), environ={})
                addresses, rootfile = address_facts_for(view, obs, {})
                predicted = predict(view, addresses, rootfile, auth).outcome
                stop = outcome_with(strategy, found)
                if stop is not None:
                    predicted = stop.outcome
                outcome = "ok" if real["ok"] else "fail"
                assert outcome == predicted, (version, flags, query, real["message"])
                if stop is not None:
                    assert real["message"] == f"connect ECONNREFUSED ::1:{pg_sandbox.port}", real
                    assert explain(real["message"]).matches[0].id == "node.econnrefused_ipv6_loopback"
                seen.add((strategy, outcome))
    # the first-address behaviour was run and failed; where Node can do both, both were run and differ
    assert ("first", "fail") in seen, seen
    if len(runs) == 2:
        assert ("all", "ok") in seen, seen


# --- check: DD505, and libpq's own verdict --------------------------------------------------------------------
@pytest.mark.server
@needs_ipv6
def test_check_warns_node_postgres_of_the_first_address(
    pg_sandbox: Any, pki: Any, home: Path, debian_localhost: Callable[[], None]
) -> None:
    """Positive: node-postgres, localhost as ::1 then 127.0.0.1. Negatives: the same with libpq (which tries
    every address), and node-postgres with host=127.0.0.1."""
    root = quote(str(pki.root_ca), safe="/")
    with pg_sandbox.configured(profile="managed", cert="full"):
        plain = check(CheckInput(text=_url(pg_sandbox, "127.0.0.1", f"sslmode=verify-full&sslrootcert={root}"),
                                 environ={}, driver="node-postgres", timeout=8))
        debian_localhost()
        url = _url(pg_sandbox, "localhost", f"sslmode=verify-full&sslrootcert={root}")
        node = check(CheckInput(text=url, environ={}, driver="node-postgres", timeout=8))
        libpq = check(CheckInput(text=url, environ={}, timeout=8))
    assert node.verdict == "ok" and libpq.verdict == "ok" and plain.verdict == "ok", (node, libpq, plain)
    (dd505,) = [f for f in node.findings if f.code == "DD505"]
    assert dd505.severity == "warning" and dd505.cause == "connection_refused"
    assert f"connect ECONNREFUSED ::1:{pg_sandbox.port}" in dd505.detail
    assert "localhost resolves to ::1, 127.0.0.1" in dd505.detail and "127.0.0.1 as the host" in dd505.fix
    assert "DD505" not in {f.code for f in libpq.findings}
    assert "DD505" not in {f.code for f in plain.findings}
    tcp = [e["text"] for e in libpq.evidence if e["layer"] == "tcp"]  # the address libpq went past is shown
    assert tcp[0].startswith("::1 port") and "refused" in tcp[0] and "next address" in tcp[0], tcp
    assert tcp[1].startswith("127.0.0.1 port") and "connected" in tcp[1], tcp
    assert pg_sandbox.password.reveal() not in json.dumps(node.to_dict())


@pytest.mark.server
@needs_ipv6
@pytest.mark.parametrize(
    ("profile", "sslmode", "verdict", "cause"),
    [("managed", "disable", "fail", "server_requires_ssl"), ("managed", "verify-full", "ok", None),
     ("ssl_off", "require", "fail", "server_ssl_unsupported")],
)
def test_check_with_hostaddr_list_names_the_answer(
    pg_sandbox: Any, home: Path, profile: str, sslmode: str, verdict: str, cause: str | None
) -> None:
    """host=localhost,localhost hostaddr=::1,127.0.0.1 (the server on 127.0.0.1 only): check's verdict and
    cause are the answer from 127.0.0.1, not the refusal at ::1; psycopg's own attempt agrees."""
    import psycopg

    with pg_sandbox.configured(profile=profile, cert="full"):
        info = pg_sandbox.conninfo(host="localhost,localhost", hostaddr="::1,127.0.0.1", sslmode=sslmode)
        report = check(CheckInput(text=info, environ={}, timeout=8))
        try:
            psycopg.connect(info).close()
            real = "ok"
        except psycopg.OperationalError:
            real = "fail"
    assert (report.verdict, report.cause) == (verdict, cause), report
    assert real == verdict
    assert pg_sandbox.password.reveal() not in json.dumps(report.to_dict())
