"""``dbdoctor sandbox``: start --json, list, set, stop, errors and help, in a private state directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from dbdoctor.cli import main
from dbdoctor.sandbox import PROFILES, list_servers, purge
from dbdoctor.sandbox.certs import CERT_VARIANTS


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("sandbox-cli")
    yield path
    purge(path)


def run(capsys: pytest.CaptureFixture[str], state: Path, *args: str) -> tuple[int, str, str]:
    code = main(["sandbox", "--state-dir", str(state), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_every_profile_and_cert_variant(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for args in (["--help"], ["start", "--help"]):
        code, out, _ = run(capsys, tmp_path, *args)
        assert code == 0
        for name in [*PROFILES, *CERT_VARIANTS]:
            assert f"\n    {name} " in out, (args, name)


@pytest.mark.server
def test_start_json_list_set_stop(capsys: pytest.CaptureFixture[str], state: Path, pg_bindir: Path) -> None:
    code, out, err = run(capsys, state, "start", "--json", "--cert", "wildcard")
    assert code == 0, err
    info = json.loads(out)
    assert {"name", "url", "ca_file", "host", "port"} <= set(info)
    assert info["host"] == "127.0.0.1" and isinstance(info["port"], int)
    assert info["cert"] == "wildcard" and info["profile"] == "managed"
    assert Path(info["ca_file"]).is_file()
    # wildcard certificate: the URL's host localhost does not match, db.example.test does
    with psycopg.connect(
        info["url"], host="db.example.test", hostaddr="127.0.0.1", connect_timeout=5
    ) as conn:
        assert conn.execute("SELECT current_user").fetchone() == ("app",)

    code, out, _ = run(capsys, state, "list")
    assert code == 0
    assert info["name"] in out and "****" in out
    password = psycopg.conninfo.conninfo_to_dict(info["url"])["password"]
    assert isinstance(password, str) and password not in out

    code, out, _ = run(capsys, state, "list", "--json")
    assert [s["name"] for s in json.loads(out)] == [info["name"]]

    code, out, _ = run(capsys, state, "set", info["name"], "--profile", "plain_only", "--cert", "full")
    assert code == 0
    assert "plain_only" in out
    with pytest.raises(psycopg.OperationalError, match="SSL encryption"):
        psycopg.connect(info["url"], connect_timeout=5)

    code, out, _ = run(capsys, state, "stop", info["name"])
    assert code == 0 and info["name"] in out
    assert list_servers(state) == []


@pytest.mark.server
def test_text_start_prints_name_url_ca_host_port(
    capsys: pytest.CaptureFixture[str], state: Path, pg_bindir: Path
) -> None:
    code, out, _ = run(capsys, state, "start", "--name", "texty")
    try:
        assert code == 0
        srv = {s.name: s for s in list_servers(state)}["texty"]
        for value in (srv.name, srv.url, str(srv.ca_file), srv.host, str(srv.port)):
            assert value in out
    finally:
        run(capsys, state, "stop", "--all")
    assert list_servers(state) == []


def test_errors_are_messages_not_tracebacks(capsys: pytest.CaptureFixture[str], state: Path) -> None:
    code, _, err = run(capsys, state, "stop", "no-such-server")
    assert code == 1
    assert "no running sandbox server named 'no-such-server'" in err and "Traceback" not in err
    code, _, err = run(capsys, state, "stop")
    assert code == 2 and "name one server or give --all" in err
    code, _, err = run(capsys, state, "start", "--engine", "pgbouncer")  # not a standalone engine: a usage error
    assert code == 2 and "'pgbouncer' is not one of" in err and "Traceback" not in err
    code, _, err = run(capsys, state, "start", "--profile", "nope")
    assert code == 2 and "nope" in err
    code, _, err = run(capsys, state, "set", "x")
    assert code == 2 and "nothing to change" in err


@pytest.mark.server
def test_server_outlives_the_cli_process(state: Path, pg_bindir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["DBDOCTOR_SANDBOX_DIR"] = str(state)
    exe = [sys.executable, "-m", "dbdoctor"]
    out = subprocess.run(
        [*exe, "sandbox", "start", "--json"], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    try:
        with psycopg.connect(info["url"], connect_timeout=5) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        done = subprocess.run(
            [*exe, "sandbox", "stop", info["name"]], capture_output=True, text=True, env=env, timeout=60
        )
    assert done.returncode == 0, done.stderr
    assert list_servers(state) == []


def test_profiles_command_explains_each(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, tmp_path, "profiles")
    assert code == 0
    for name, profile in PROFILES.items():
        assert f"{name}: {profile.summary}" in out
        assert profile.doc in " ".join(out.split())
    for name in CERT_VARIANTS:
        assert f"  {name}: " in out
