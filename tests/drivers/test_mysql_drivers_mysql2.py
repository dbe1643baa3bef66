"""Differential truth for node mysql2 (tests/node, installed by scripts/setup.sh --test): the same URL through
the real driver (``createConnection({uri})``) and through dbdoctor's prediction, on the MariaDB sandbox with TLS
offered (the ``full`` certificate, whose CA is not in Node's store) and with TLS off. The URL reaches the script on
stdin, never on its command line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from dbdoctor.drivers.mysql_base import outcome
from dbdoctor.mysql.driver_hook import translate_mysql
from dbdoctor.sandbox import SandboxServer

pytestmark = pytest.mark.server

MYSQL2 = Path(__file__).resolve().parents[1] / "node" / "node_modules" / "mysql2"

SCRIPT = r"""
const mysql = require(process.env.DBDOCTOR_MYSQL2);
let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const { uri } = JSON.parse(input);
  let conn;
  try {
    conn = mysql.createConnection({ uri, connectTimeout: 5000 });
  } catch (e) {
    console.log(JSON.stringify({ error: e.message }));
    return;
  }
  conn.on('error', () => {});
  conn.query("SHOW SESSION STATUS LIKE 'Ssl_cipher'", (err, rows) => {
    if (err) {
      console.log(JSON.stringify({ error: err.message }));
      conn.destroy();
      return;
    }
    console.log(JSON.stringify({ tls: !!(rows[0] && rows[0].Value) }));
    conn.end();
  });
});
"""

CASES: tuple[dict[str, str], ...] = (
    {},
    {"sslmode": "REQUIRED"},
    {"ssl-mode": "VERIFY_IDENTITY"},
    {"ssl": "true"},
    {"ssl": '{"rejectUnauthorized":false}'},
    {"ssl": "{}"},
)


def _real(script: Path, uri: str) -> str:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "DBDOCTOR_MYSQL2": str(MYSQL2)}
    proc = subprocess.run(["node", str(script)], input=json.dumps({"uri": uri}), capture_output=True, text=True,
                          timeout=30, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    assert lines, proc.stderr[-2000:]
    res = json.loads(lines[-1])
    if "tls" in res:
        return "tls" if res["tls"] else "plain"
    msg: str = res["error"]
    if "does not support secure connection" in msg:
        return "server_ssl_unsupported"
    if "altnames" in msg:
        return "hostname_mismatch"
    if "certificate" in msg:
        return "cert_untrusted"
    return msg


def _predicted(case: dict[str, str], tls_offered: bool) -> str:
    view = translate_mysql(case, "mysql2")
    if view.error is not None:
        return view.error
    return outcome(view, tls_offered=tls_offered, chain_ok=view.ca_source == "given", name_ok=True)


def test_mysql2_matches_the_prediction(mariadb_sandbox: SandboxServer, tmp_path: Path) -> None:
    if shutil.which("node") is None or not MYSQL2.is_dir():
        if os.environ.get("CI"):
            pytest.fail("CI is set and node or tests/node/node_modules/mysql2 is missing", pytrace=False)
        pytest.skip("node or mysql2 is not installed (scripts/setup.sh --test)")
    script = tmp_path / "connect.js"
    script.write_text(SCRIPT)
    srv = mariadb_sandbox
    mismatches, seen = [], set()
    for profile in ("tls_offered", "tls_off"):
        with srv.configured(profile):
            for case in CASES:
                query = "&".join(f"{k}={quote(v, safe='')}" for k, v in case.items())
                uri = (f"mysql://{srv.user}:{quote(srv.password.reveal(), safe='')}@127.0.0.1:{srv.port}/"
                       f"{srv.dbname}" + (f"?{query}" if query else ""))
                real, pred = _real(script, uri), _predicted(case, profile != "tls_off")
                seen.add(real)
                if real != pred:
                    mismatches.append(f"{profile} {case}: real {real!r}, predicted {pred!r}")
    assert not mismatches, "\n".join(mismatches)
    assert {"plain", "tls", "server_ssl_unsupported", "cert_untrusted"} <= seen
