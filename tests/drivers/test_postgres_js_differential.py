"""Differential truth for postgres.js (npm ``postgres``, tests/node/package.json): the same URLs through the real
package (tests/node/try_postgres_js.js, one Node process per server profile) and through dbdoctor's prediction
(``drivers.translate(..., "postgres-js")`` + the mode matrix on what the probes saw), on sandbox servers with four
access profiles. Every comparison must be equal, and the facts the issue claims are asserted one by one on the
real package's own answers (plain text by default, ``ssl=true`` verifying against Node's store, ``sslrootcert``
sent to the server, ``sslmode=no-verify`` verifying, PGSSLMODE ignored).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from dbdoctor import drivers
from dbdoctor.postgres.driver_oracle import address_facts_for, predict
from dbdoctor.postgres.modes import AuthKnowledge
from dbdoctor.postgres.probe import probe_target
from dbdoctor.postgres.sources import resolve

pytestmark = pytest.mark.server

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
NODE = shutil.which("node") or "node"
RIGHT = "<right>"
PROFILES = ("managed", "both", "ssl_off", "plain_only")
AUTH = AuthKnowledge(has_password=True, password="right", after_auth="ok")

QUERIES: tuple[str, ...] = (
    "", "ssl=true", "ssl=1", "ssl=require", "ssl=prefer", "ssl=allow", "ssl=disable", "ssl=false",
    "sslmode=disable", "sslmode=prefer", "sslmode=require", "sslmode=verify-ca", "sslmode=verify-full",
    "sslmode=no-verify", f"sslrootcert={RIGHT}", f"sslmode=verify-full&sslrootcert={RIGHT}",
    f"sslmode=require&sslrootcert={RIGHT}", "sslrootcert=system", "application_name=dbdoctor-test",
    "options=-c%20statement_timeout%3D5000", "sslMode=require",
)
ENVS: tuple[Mapping[str, str], ...] = ({"PGSSLMODE": "require"}, {"PGSSL": "require"}, {"PGSSL": "prefer"})


@dataclasses.dataclass(frozen=True)
class Case:
    query: str
    host: str = "localhost"
    env: Mapping[str, str] = dataclasses.field(default_factory=dict)


CASES = ([Case(q) for q in QUERIES] + [Case(q, host="127.0.0.1") for q in ("ssl=true", "ssl=require")]
         + [Case("", env=e) for e in ENVS])


def _ready() -> bool:
    return shutil.which("node") is not None and (NODE_DIR / "node_modules" / "postgres").is_dir()


def _url(case: Case, srv: Any, pki: Any) -> str:
    query = case.query.replace(RIGHT, quote(str(pki.root_ca), safe="/"))
    pw = quote(srv.password.reveal(), safe="")
    return f"postgres://{srv.user}:{pw}@{case.host}:{srv.port}/{srv.dbname}" + (f"?{query}" if query else "")


def _predict(url: str, obs: Any, environ: Mapping[str, str]) -> tuple[str, drivers.DriverView]:
    base = dataclasses.replace(resolve(drivers.libpq_base(url), environ=environ), written=url)
    view = drivers.translate(base, "postgres-js", written=drivers.written_params(url), environ=environ)
    addresses, root = address_facts_for(view, obs, environ)
    return predict(view, addresses, root, AUTH).outcome, view


def _run_node(items: list[tuple[Case, str]]) -> list[dict[str, Any]]:
    payload = json.dumps([{"url": url, "env": dict(case.env)} for case, url in items])
    proc = subprocess.run([NODE, str(NODE_DIR / "try_postgres_js.js")], input=payload, capture_output=True,
                          text=True, timeout=180, cwd=NODE_DIR, env={**os.environ, "NODE_NO_WARNINGS": "1"},
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out: list[dict[str, Any]] = json.loads(proc.stdout)
    return out


@pytest.fixture
def clean_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for key in list(os.environ):
        if key.startswith("PG") or key in ("DATABASE_URL", "NODE_EXTRA_CA_CERTS"):
            monkeypatch.delenv(key)
    yield home


def test_postgres_js_matches_predictions(pg_sandbox: Any, pki: Any, clean_home: Path) -> None:
    if not _ready():
        if os.environ.get("CI"):
            pytest.fail("CI is set and tests/node/node_modules/postgres is missing (scripts/setup.sh --test)")
        pytest.skip("node or tests/node/node_modules/postgres missing: run scripts/setup.sh --test")
    mismatches: list[str] = []
    real_by: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    compared = 0
    for profile in PROFILES:
        with pg_sandbox.configured(profile=profile, cert="full"):
            observations: dict[str, Any] = {}
            items: list[tuple[Case, str, str]] = []
            for case in CASES:
                url = _url(case, pg_sandbox, pki)
                if case.host not in observations:
                    probe_url = f"postgresql://{pg_sandbox.user}@{case.host}:{pg_sandbox.port}/{pg_sandbox.dbname}"
                    observations[case.host] = probe_target(resolve(probe_url, environ=dict(os.environ)), timeout=5)
                predicted, _view = _predict(url, observations[case.host], {**os.environ, **case.env})
                items.append((case, url, predicted))
            results = _run_node([(c, u) for c, u, _p in items])
            for (case, _u, predicted), got in zip(items, results, strict=True):
                compared += 1
                real = "ok" if got["ok"] else "fail"
                real_by[(profile, case.host, case.query, json.dumps(dict(case.env)))] = got
                if real != predicted:
                    mismatches.append(f"[{profile}] ?{case.query} {dict(case.env)} host={case.host}: predicted "
                                      f"{predicted}, real {real}: {got.get('message')}")
    print(f"postgres.js differential: {compared} comparisons")
    assert compared >= 100, compared
    assert not mismatches, f"{len(mismatches)} of {compared} differ:\n" + "\n".join(mismatches)

    def real(profile: str, query: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
        return real_by[(profile, "localhost", query, json.dumps(dict(env or {})))]

    root = RIGHT
    # the facts in drivers/postgres_js.py, each on the real package's own answer
    assert real("both", "") == {"ok": True, "message": None, "ssl": False}  # no SSL parameter: plain text
    assert real("both", "ssl=true")["code"] == "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"  # Node's store, not ours
    assert real("both", "sslmode=no-verify")["code"] == "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"  # still verifies
    assert real("both", f"sslmode=verify-full&sslrootcert={root}")["code"] == "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"
    assert real("both", "ssl=require")["ssl"] is True and real("both", "ssl=prefer")["ssl"] is True
    assert real("ssl_off", "ssl=prefer") == {"ok": True, "message": None, "ssl": False}  # prefer: plain on N
    assert not real("ssl_off", "ssl=require")["ok"]  # require: no fallback
    sent = real("both", f"sslrootcert={root}")
    assert (sent["code"], sent["message"]) == ("42704", 'unrecognized configuration parameter "sslrootcert"')
    assert real("both", "", {"PGSSLMODE": "require"})["ssl"] is False  # PGSSLMODE is not read
    assert real("both", "", {"PGSSL": "require"})["ssl"] is True  # PGSSL is


def test_project_with_only_postgres_picks_postgres_js(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"postgres": "^3.4.5"}}), encoding="utf-8")
    choice = drivers.choose(None, "postgres://u@db.example.com/app", project=str(tmp_path))
    assert (choice.name, choice.version) == ("postgres-js", "3.4.5")
    assert "package.json" in choice.because
