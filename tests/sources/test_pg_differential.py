"""Resolution compared with libpq itself: random mixes of connection string, service file, PG* variables
and .pgpass, resolved by dbdoctor and by libpq (PQconnectStart, then PQconninfo and PQpass on the
connection object: libpq's own effective settings). Hosts are loopback addresses or an empty socket
directory on closed ports, so libpq's attempt goes nowhere."""

from __future__ import annotations

import os
import random
from pathlib import Path
from urllib.parse import quote

import pytest
from psycopg import pq

from dbdoctor.postgres.sources import resolve

COMPILED = {o.keyword.decode(): (o.compiled or b"").decode() for o in pq.Conninfo.get_defaults()}
#: defaults libpq fills in later (connectOptions2), not shown among dbdoctor's effective settings
COMPILED["sslcertmode"] = "allow"


def scenario(seed: int, tmp: Path) -> tuple[str | None, dict[str, str]]:
    rng = random.Random(seed)
    sock = tmp / "sock"
    sock.mkdir(exist_ok=True)
    env: dict[str, str] = {"HOME": str(tmp)}
    service = None
    if rng.random() < 0.5:
        service = "svc"
        lines = ["[other]", "host=127.0.0.9", "[svc]"]
        for key, value in [("host", "127.0.0.3"), ("port", "29"), ("sslmode", "verify-ca"), ("dbname", "svcdb"),
                           ("user", "svcuser"), ("application_name", "svcapp"), ("password", "svcpw")]:
            if rng.random() < 0.5:
                lines.append(f"{key}={value}")
        (tmp / "services.conf").write_text("\n".join(lines) + "\n")
        env["PGSERVICEFILE"] = str(tmp / "services.conf")
        if rng.random() < 0.3:
            env["PGSERVICE"] = service
    for var, values in [("PGSSLMODE", ["disable", "require", "verify-full", "allow"]),
                        ("PGHOST", ["127.0.0.1", "127.0.0.2", str(sock)]), ("PGPORT", ["9", "19"]),
                        ("PGUSER", ["envuser"]), ("PGDATABASE", ["envdb"]), ("PGAPPNAME", ["envapp"]),
                        ("PGSSLROOTCERT", ["/nonexistent/ca.pem"]), ("PGCONNECT_TIMEOUT", ["1"]),
                        ("PGREQUIRESSL", ["1", "0"]), ("PGPASSWORD", ["envpw"]), ("PGSSLNEGOTIATION", ["postgres"])]:
        if rng.random() < 0.35:
            env[var] = rng.choice(values)
    if rng.random() < 0.5:
        pgpass = tmp / "pgpass"
        pgpass.write_text(rng.choice(["*:*:*:*:starpw\n", "127.0.0.4:39:*:*:hostpw\n*:*:*:envuser:userpw\n",
                                      "localhost:*:*:*:localpw\n", "# none\n"]))
        pgpass.chmod(rng.choice([0o600, 0o600, 0o644]))
        env["PGPASSFILE"] = str(pgpass)
    params: dict[str, str] = {}
    for key, value in [("host", "127.0.0.4"), ("port", "39"), ("sslmode", "disable"), ("dbname", "url db"),
                       ("user", "urluser"), ("password", "url pw'x")]:
        if rng.random() < 0.35:
            params[key] = value
    if service and rng.random() < 0.5:
        params["service"] = service
    form = rng.choice(["none", "kw", "url"])
    if form == "none" and not params:
        return None, env
    if form == "url":
        host = params.pop("host", "")
        port = params.pop("port", None)
        user = params.pop("user", None)
        pw = params.pop("password", None)
        db = params.pop("dbname", None)
        auth = (quote(user or "", safe="") + (":" + quote(pw, safe="") if pw else "") + "@") if (user or pw) else ""
        query = "&".join(f"{k}={quote(v)}" for k, v in params.items())
        text = f"postgresql://{auth}{host}{':' + port if port else ''}/{quote(db or '', safe='')}"
        return text + (f"?{query}" if query else ""), env
    quoted = " ".join(f"{k}='" + v.replace("\\", "\\\\").replace("'", "\\'") + "'" for k, v in params.items())
    return quoted, env


def libpq_view(text: str, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> tuple[dict[str, str], str | None]:
    for key in list(os.environ):
        if key.startswith("PG") or key == "DATABASE_URL":
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    conn = pq.PGconn.connect_start(text.encode())
    try:
        info = {o.keyword.decode(): o.val.decode() for o in conn.info if o.val is not None}
        host = conn.host.decode() if conn.host else None
        password = conn.password.decode() if conn.password else None
    finally:
        conn.finish()
    if host is not None:
        info["__host__"] = host
    return info, password


@pytest.mark.parametrize("seed", range(200))
def test_resolution_matches_libpq(seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, env = scenario(seed, tmp_path)
    ours = resolve(text, environ=env)
    theirs, password = libpq_view(text or "", monkeypatch, env)
    for key, value in ours.settings.items():
        if key == "host" and ours.provenance[key] == "default":
            assert theirs.get("__host__") == value
            continue
        assert theirs.get(key) == value, (key, ours.provenance.get(key))
    for key, value in theirs.items():
        if key.startswith("__") or key in ours.settings or key in ("password", "passfile"):
            continue
        assert value == COMPILED.get(key), f"libpq has {key}={value} that dbdoctor does not"
    assert (ours.password.reveal() if ours.password else None) == password, ours.provenance.get("password")
