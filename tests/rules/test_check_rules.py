"""Every check-stage rule has a scenario on a real server that must produce it and one that must not
(ARCHITECTURE.md, convention 6). The scenarios are the differential suite's (tests/fix_scenarios.py), where the
real driver already confirmed what they do; here only dbdoctor runs.

Two rules cannot be produced on loopback and are tested on constructed observations instead, said plainly below:
DD204 (no route to the address needs a non-loopback target) and, besides its real-server case, nothing else."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from dbdoctor.postgres.rules import MODULES as POSTGRES_RULES
from dbdoctor.rules.registry import rules_for
from fix_pgbouncer import POOLER_SCENARIOS
from fix_scenarios import SCENARIOS, S, Scenario, run_scenario

pytestmark = pytest.mark.server

BY_NAME = {s.name: s for s in SCENARIOS}

#: rule code -> (a scenario that must produce it, a scenario that must not)
CASES: Mapping[str, tuple[str, str]] = {
    "DD201": ("name does not resolve", "verify-full by name"),
    "DD202": ("nothing listens", "verify-full by name"),
    "DD203": ("listener never answers", "nothing listens"),
    "DD205": ("an HTTP server", "nothing listens"),
    "DD210": ("disable against TLS-only", "plain_only disable"),
    "DD211": ("ssl_off require", "plain_only require"),
    "DD212": ("plain_only require", "ssl_off require"),
    "DD213": ("plain_only prefer falls back", "prefer no CA"),
    "DD214": ("require default root right", "require no CA"),
    "DD215": ("require no CA", "verify-full by name"),
    "DD301": ("verify-full other name", "verify-ca other name"),
    "DD302": ("cn_only by IP", "verify-full by IP with IP SAN"),
    "DD303": ("verify-full wrong CA", "other CA with its root"),
    "DD304": ("self-signed verify-ca", "self-signed require"),
    "DD305": ("no intermediate, root only", "no intermediate, root+intermediate"),
    "DD306": ("expired verify-ca", "expired require no CA"),
    "DD307": ("not yet valid", "verify-full by name"),
    "DD308": ("no TLS version in common", "require no CA"),
    "DD309": ("verify-full CA missing", "verify-full wrong CA"),
    "DD310": ("system roots, empty store", "system roots holding the CA"),
    "DD311": ("certificate expiring in 10 days", "verify-full by name"),
    "DD312": ("client cert required, none given", "client cert given"),
    "DD313": ("certificates vary behind one address", "verify-full wrong CA"),
    "DD401": ("allowlist verify-full", "plain_only require"),
    "DD402": ("verify-full wrong password", "verify-full no password"),
    "DD403": ("verify-full no password", "verify-full wrong password"),
    "DD404": ("trust, role missing", "trust over TLS, no password"),
    "DD405": ("verify-full database missing", "verify-full by name"),
    "DD406": ("role connection limit reached", "verify-full by name"),
    "DD407": ("client cert from another CA", "client cert given"),
    "DD601": ("internal name in a build step", "internal name at run time"),
    "DD504": ("node-postgres require, private CA", "require no CA"),
}

#: rules with no real-server case here, and why
NOT_ON_A_SERVER = {"DD204": "no route to the address: loopback always routes; tested on constructed observations",
                   "DD505": "needs a host name whose first address refuses: tests/drivers/test_node_first_address.py "
                            "runs both cases on the sandbox server with the resolver's order set in the process",
                   "DD320": "needs a CRL from the server's CAs: tests/pgssl/test_ssltests.py runs PostgreSQL's own "
                            "(server-revoked with root+server.crl fires it, server-cn-only with it does not)",
                   "DD321": "needs a CRL from another CA: tests/pgssl/test_ssltests.py runs PostgreSQL's own "
                            "(client.crl for a server chain fires it, root+server.crl does not)",
                   # issue 11's new causes: tests/rules/test_new_causes.py (real servers for DD408-DD410,
                   # and the SNI-routing front of tests/fix_sni.py; a recorded text for DD216)
                   "DD216": "a libpq built without SSL: recorded text, tests/rules/test_new_causes.py",
                   "DD217": "an SNI-routing front on loopback (tests/fix_sni.py): tests/rules/test_new_causes.py",
                   "DD408": "peer profile over the Unix socket: tests/rules/test_new_causes.py",
                   "DD409": "require_auth against SCRAM: tests/rules/test_new_causes.py",
                   "DD410": "PgBouncer refusing options: tests/rules/test_new_causes.py"}


@pytest.fixture(scope="session")
def expiring_cert(pki: Any) -> Iterator[dict[str, str]]:
    """A server certificate for localhost that expires in 10 days, from a CA of its own, readable by the
    sandbox server's unprivileged user. Not under pytest's tmp root: pytest resets that to mode 0700 whenever a
    session starts, which would lock the server out."""
    from fix_certs import issue, make_pki

    own = make_pki()
    now = dt.datetime.now(dt.UTC)
    leaf = issue("localhost", issuer=own.intermediate, dns=("localhost",), not_before=now - dt.timedelta(days=80),
                 not_after=now + dt.timedelta(days=10))
    d = Path(tempfile.mkdtemp(prefix="dbdoctor-expiring-"))
    try:
        d.chmod(0o755)
        (d / "server.crt").write_bytes(leaf.pem + own.intermediate.pem)
        (d / "server.key").write_bytes(leaf.key_pem())
        (d / "root.crt").write_bytes(own.root.pem)
        (d / "server.key").chmod(0o600)
        if os.geteuid() == 0:
            shutil.chown(d / "server.key", "postgres")
        yield {"dir": str(d)}
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _scenario(name: str, expiring: Mapping[str, str]) -> Scenario:
    if name == "node-postgres require, private CA":
        # node-postgres reads require as verify-full against the system store: psql connects, the app cannot
        return S(name, "cert_untrusted", sslmode="require", driver="node-postgres")
    if name == "certificate expiring in 10 days":
        d = expiring["dir"]
        return S(
            name, None, sslmode="verify-full", sslrootcert=f"{d}/root.crt",
            server_sql=(f"ALTER SYSTEM SET ssl_cert_file = '{d}/server.crt'",
                        f"ALTER SYSTEM SET ssl_key_file = '{d}/server.key'"),
            undo_sql=("ALTER SYSTEM RESET ssl_cert_file", "ALTER SYSTEM RESET ssl_key_file"),
        )
    if name in POOLER_SCENARIOS:  # PgBouncer and the rotating endpoint (tests/fix_pgbouncer.py)
        return POOLER_SCENARIOS[name]
    return BY_NAME[name]


def test_every_check_rule_has_cases() -> None:
    codes = {r.code for r in rules_for("check", POSTGRES_RULES)}
    assert codes == set(CASES) | set(NOT_ON_A_SERVER)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires_and_stays_quiet(code: str, pg_sandbox: Any, pki: Any, clean_env: Path, tmp_path: Path,
                                    listeners: Mapping[str, int], monkeypatch: pytest.MonkeyPatch,
                                    expiring_cert: Mapping[str, str], rotating_endpoint: Mapping[str, int]) -> None:
    positive, negative = CASES[code]
    for name, want in ((positive, True), (negative, False)):
        sc = _scenario(name, expiring_cert)
        home = clean_env / name.replace(" ", "_").replace("/", "_")
        home.mkdir()
        with monkeypatch.context() as mp:  # each run's environment is its own
            mp.setenv("HOME", str(home))
            out = run_scenario(sc, pg_sandbox, pki, home, tmp_path, {**listeners, **rotating_endpoint}, mp,
                               real=False)
        codes = {f.code for f in out.report.findings}
        assert (code in codes) is want, f"{code} {'missing from' if want else 'wrongly in'} {name!r}: {codes}"


def test_dd204_on_constructed_observations() -> None:
    """No route to the address: an observation the probe makes when connect() fails with ENETUNREACH."""
    from dbdoctor.observations import DnsObservation, HostObservations, Observations, TcpObservation
    from dbdoctor.postgres.diagnosis import Diagnosis
    from dbdoctor.postgres.facts import address_facts
    from dbdoctor.postgres.modes import AuthKnowledge, RootFile, predict_all
    from dbdoctor.postgres.rules.network import DD204
    from dbdoctor.rules.base import Context
    from dbdoctor.target import HostAttempt, Target

    attempt = HostAttempt("2001:db8::5", None, 5432)
    host = HostObservations(
        attempt, "2001:db8::5", DnsObservation("2001:db8::5", ("2001:db8::5",)),
        TcpObservation("2001:db8::5", 5432, "unreachable", "Network is unreachable"),
    )
    target = Target(engine="postgresql", hosts=(attempt,), settings={"host": "2001:db8::5"})
    facts = (address_facts(host, None),)
    modes = predict_all(facts, RootFile("missing"), AuthKnowledge(False))
    assert {m.cause for m in modes.values()} == {"network_unreachable"}
    d = Diagnosis(target, Observations((host,), None), RootFile("missing"), None, facts, AuthKnowledge(False),
                  modes, "prefer", "fail", "network_unreachable")
    assert [f.code for f in DD204.check(Context(target=target, observations=d))] == ["DD204"]
    ok = Diagnosis(target, Observations((host,), None), RootFile("missing"), None, facts, AuthKnowledge(False),
                   modes, "prefer", "fail", "connection_refused")
    assert list(DD204.check(Context(target=target, observations=ok))) == []
