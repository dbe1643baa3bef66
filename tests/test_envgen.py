"""dbdoctor env: variables per stack, and round trips of every format with random passwords.

The readers are the real ones: python-dotenv, bash, json, base64, and libpq's own URL parser
(psycopg.conninfo.conninfo_to_dict)."""

from __future__ import annotations

import base64
import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from psycopg.conninfo import conninfo_to_dict

from dbdoctor import envgen
from dbdoctor.envgen import Parts

ALPHABET = [chr(c) for c in range(1, 128)] + list("éü€漢😀")


def _random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def _random_passwords(count: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    out = [_random_text(rng, rng.randint(1, 40)) for _ in range(count)]
    # the classic troublemakers, always included
    out += ["p@ss:w/rd?#", "it's", 'a"b\\c', "$HOME`id`", "${HOME}", "%41%zz", " lead and trail ", "a\nb\tc",
            "pa$$word", "\\'\"", "x=y&z=1"]
    return out


def _parts(pw: str, user: str = "app", dbname: str = "app") -> Parts:
    return Parts(host="db.example.com", port=6543, dbname=dbname, user=user, password=pw, sslmode="verify-full",
                 sslrootcert="/etc/ssl/ca.pem")


def test_url_round_trips_through_libpq() -> None:
    rng = random.Random(11)
    for pw in _random_passwords(300):
        user = _random_text(rng, rng.randint(1, 12))
        dbname = _random_text(rng, rng.randint(1, 12))
        url = envgen.url(_parts(pw, user, dbname))
        d = conninfo_to_dict(url)
        assert d["password"] == pw
        assert d["user"] == user and d["dbname"] == dbname
        assert d["host"] == "db.example.com" and d["port"] == "6543"
        assert d["sslmode"] == "verify-full" and d["sslrootcert"] == "/etc/ssl/ca.pem"


def test_url_forms_for_ipv6_multiple_hosts_and_sockets() -> None:
    d = conninfo_to_dict(envgen.url(Parts("::1", 5432, "db", "u", "p@ss")))
    assert d["host"] == "::1" and d["password"] == "p@ss"
    d = conninfo_to_dict(envgen.url(Parts("/var/run/postgresql", 5433, "db", "u", "x/y")))
    assert d["host"] == "/var/run/postgresql" and d["port"] == "5433" and d["password"] == "x/y"
    d = conninfo_to_dict(envgen.url(Parts("a.example,b.example", None, "db", "u", None)))
    assert d["host"] == "a.example,b.example" and "password" not in d


def test_dotenv_round_trip(tmp_path: Path) -> None:
    from dotenv import dotenv_values

    pws = _random_passwords(200)
    values = {f"P{i}": pw for i, pw in enumerate(pws)}
    values["DATABASE_URL"] = envgen.url(_parts(pws[0]))
    f = tmp_path / ".env"
    f.write_text(envgen.render(values, "dotenv"), encoding="utf-8")
    raw = dotenv_values(f, interpolate=False)
    assert raw == values
    interpolated = dotenv_values(f)  # what load_dotenv() gives by default
    warned = set(envgen.dotenv_warnings(values))
    for key, value in values.items():
        if key not in warned:
            assert interpolated[key] == value, key
    assert "P" + str(pws.index("${HOME}")) in warned  # the one case dotenv cannot carry is named


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_shell_round_trip(tmp_path: Path) -> None:
    pws = _random_passwords(200)
    values = {f"P{i}": pw for i, pw in enumerate(pws)}
    f = tmp_path / "env.sh"
    f.write_text(envgen.render(values, "shell"), encoding="utf-8")
    script = tmp_path / "print.sh"
    script.write_text(". " + str(f) + "\n" + "".join(f'printf "%s\\0" "${k}"\n' for k in values), encoding="utf-8")
    out = subprocess.run(["bash", str(script)], capture_output=True, check=True, timeout=30).stdout
    got = out.decode("utf-8").split("\0")[:-1]
    assert got == list(values.values())


def test_json_and_k8s_round_trip() -> None:
    pws = _random_passwords(200)
    values = {f"P{i}": pw for i, pw in enumerate(pws)}
    assert json.loads(envgen.render(values, "json")) == values
    doc = envgen.render(values, "k8s", name="app-db")
    lines = doc.splitlines()
    assert lines[:6] == ["apiVersion: v1", "kind: Secret", "metadata:", '  name: "app-db"', "type: Opaque", "data:"]
    data = dict(line.strip().split(": ", 1) for line in lines[6:])
    assert {k: base64.b64decode(v, validate=True).decode("utf-8") for k, v in data.items()} == values


def test_styles_name_the_variables_of_each_stack() -> None:
    p = _parts("s3cr@t")
    assert set(envgen.variables(p, "pg")) == {"PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD",
                                              "PGSSLMODE", "PGSSLROOTCERT"}
    lv = envgen.variables(p, "laravel")
    assert lv["DB_CONNECTION"] == "pgsql" and lv["DB_DATABASE"] == "app" and lv["DB_USERNAME"] == "app"
    assert conninfo_to_dict(lv["DB_URL"])["password"] == "s3cr@t"
    sp = envgen.variables(p, "spring")
    assert sp["SPRING_DATASOURCE_URL"] == (
        "jdbc:postgresql://db.example.com:6543/app?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem")
    assert sp["SPRING_DATASOURCE_PASSWORD"] == "s3cr@t" and "s3cr" not in sp["SPRING_DATASOURCE_URL"]
    pr = envgen.variables(p, "prisma")["DATABASE_URL"]
    assert pr.endswith("?sslmode=require&sslaccept=strict&sslcert=/etc/ssl/ca.pem")
    assert conninfo_to_dict(pr.split("?")[0])["password"] == "s3cr@t"
    gen = envgen.variables(p, "generic")
    assert conninfo_to_dict(gen["DATABASE_URL"])["password"] == gen["DB_PASSWORD"] == "s3cr@t"
    rails = envgen.variables(p, "rails")
    assert {"DATABASE_URL", "DATABASE_USERNAME", "DATABASE_PASSWORD"} <= set(rails)
    assert "DATABASE_URL" in envgen.variables(p, "django")


def test_rename() -> None:
    v = envgen.rename({"DB_HOST": "h", "DB_PORT": "1"}, ["DB_HOST=DATABASE_HOST"])
    assert list(v) == ["DATABASE_HOST", "DB_PORT"]
    with pytest.raises(ValueError, match="no variable"):
        envgen.rename({"A": "1"}, ["B=C"])
    with pytest.raises(ValueError, match="OLD=NEW"):
        envgen.rename({"A": "1"}, ["A=1x-"])


def test_compose_from_parts() -> None:
    parts, used = envgen.compose({"DB_HOST": "db", "DB_PORT": "5433", "DB_USER": "a@b", "DB_PASSWORD": "p:w/@#",
                                  "DB_NAME": "my db", "PGSSLMODE": "require"})
    d = conninfo_to_dict(envgen.url(parts))
    assert d == {"host": "db", "port": "5433", "user": "a@b", "password": "p:w/@#", "dbname": "my db",
                 "sslmode": "require"}
    assert used["password"] == "DB_PASSWORD" and used["sslmode"] == "PGSSLMODE"
    parts, _ = envgen.compose({"POSTGRES_HOST": "h", "POSTGRES_PASSWORD": "x", "POSTGRES_DB": "d"})
    assert (parts.host, parts.password, parts.dbname) == ("h", "x", "d")
    with pytest.raises(ValueError, match="no host"):
        envgen.compose({"DB_USER": "u"})
    with pytest.raises(ValueError, match="not a port"):
        envgen.compose({"DB_HOST": "h", "DB_PORT": "54a"})


def test_parts_repr_hides_the_password() -> None:
    assert "s3cr" not in repr(_parts("s3cr@t")) and "****" in repr(_parts("s3cr@t"))


def test_dotenv_output_read_by_dbdoctors_own_resolver(tmp_path: Path) -> None:
    """The generated file, loaded the way ``check --env-file`` loads it, gives back every part."""
    from dbdoctor.postgres.sources import resolve

    for i, pw in enumerate(_random_passwords(40, seed=9)):
        if envgen.dotenv_warnings({"p": pw}) or "\x00" in pw:
            continue
        f = tmp_path / f"{i}.env"
        f.write_text(envgen.render(envgen.variables(_parts(pw), "generic"), "dotenv"), encoding="utf-8")
        t = resolve(None, environ={"HOME": str(tmp_path)}, env_files=[f])
        assert t.password is not None and t.password.reveal() == pw
        assert (t.settings["host"], t.settings["port"], t.settings["sslmode"]) == ("db.example.com", "6543",
                                                                                  "verify-full")


@pytest.mark.server
def test_generated_url_connects_to_a_real_server(pg_sandbox: Any, pki: Any) -> None:
    """A role whose password has every troublesome character; the generated DATABASE_URL really connects."""
    import psycopg
    from psycopg import sql

    role = "envgen_probe"
    pw = "Zq@:/#%?&=+ '\"\\$`{}[]<>" + "".join(random.Random(3).choice("abcXYZ019") for _ in range(8))
    with psycopg.connect(pg_sandbox.admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(pw)))
    try:
        parts = Parts(host="localhost", port=pg_sandbox.port, dbname=pg_sandbox.dbname, user=role, password=pw,
                      sslmode="verify-full", sslrootcert=str(pki.root_ca))
        for style in ("generic", "rails", "django"):
            with psycopg.connect(envgen.variables(parts, style)["DATABASE_URL"], connect_timeout=5) as conn:
                assert conn.execute("select current_user").fetchone() == (role,)
        composed, _ = envgen.compose(envgen.variables(parts, "pg"))
        with psycopg.connect(envgen.url(composed), connect_timeout=5) as conn:
            assert conn.pgconn.ssl_in_use
    finally:
        with psycopg.connect(pg_sandbox.admin_conninfo(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
