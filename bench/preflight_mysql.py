"""The MySQL preflight's cost on a local MariaDB sandbox (the managed profile: TLS enforced, VERIFY_IDENTITY),
median of 15 runs each, taken in turns:

- the command: ``dbdoctor preflight mysql://...`` vs ``mariadb -e 'select 1'`` with the same settings (CA,
  server certificate verification), wall time of the whole command as a start command sees it;
- the library, in one process after imports: ``dbdoctor.preflight()`` vs a bare ``pymysql.connect()`` + close.

The MySQL preflight has no fast path of its own (PyMySQL is the connection, and importing it is most of the
difference). The password reaches the mariadb client through a 0600 option file and dbdoctor through
DATABASE_URL in the environment, never a command line.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

RUNS = 15


def medians_interleaved(fns: list[Callable[[], object]]) -> list[float]:
    for fn in fns:
        fn()
    samples: list[list[float]] = [[] for _ in fns]
    for _ in range(RUNS):
        for fn, out in zip(fns, samples, strict=True):
            t = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t) * 1000)
    return [statistics.median(x) for x in samples]


def main() -> None:
    import pymysql

    import dbdoctor
    from dbdoctor.sandbox import start

    srv = start(engine="mariadb")
    try:
        pw = srv.password.reveal()
        url = (f"mysql://{srv.user}:{quote(pw, safe='')}@localhost:{srv.port}/{srv.dbname}"
               f"?ssl-mode=VERIFY_IDENTITY&ssl-ca={srv.ca_file}")
        bindir = Path(sys.executable).parent
        with tempfile.TemporaryDirectory() as tmp:
            cnf = Path(tmp) / "client.cnf"
            cnf.write_text(f"[client]\npassword={pw}\n")
            cnf.chmod(0o600)
            env = {"PATH": os.environ["PATH"], "HOME": tmp, "DATABASE_URL": url}
            cli = ["mariadb", f"--defaults-file={cnf}", "--protocol=TCP", "-h", "localhost", "-P", str(srv.port),
                   "-u", srv.user, f"--ssl-ca={srv.ca_file}", "--ssl-verify-server-cert", "-e", "select 1",
                   srv.dbname]
            ours = [str(bindir / "dbdoctor"), "preflight"]
            m_cli, m_ours = medians_interleaved([
                lambda: subprocess.run(cli, check=True, capture_output=True, env=env),
                lambda: subprocess.run(ours, check=True, capture_output=True, env=env),
            ])
        print(f"mariadb -e 'select 1'            {m_cli:6.1f} ms (median of {RUNS}, runs interleaved)")
        print(f"dbdoctor preflight (MySQL URL)   {m_ours:6.1f} ms = {m_ours / m_cli:.2f}x the mariadb client")

        def bare() -> None:
            pymysql.connect(host="localhost", port=srv.port, user=srv.user, password=pw, database=srv.dbname,
                            ssl_ca=str(srv.ca_file), ssl_verify_identity=True, connect_timeout=5).close()

        def gate() -> None:
            res = dbdoctor.preflight(url)
            assert res.ok, res.line

        m_bare, m_gate = medians_interleaved([bare, gate])
        print(f"warm: pymysql.connect + close    {m_bare:6.1f} ms")
        print(f"warm: dbdoctor.preflight()       {m_gate:6.1f} ms  (+{m_gate - m_bare:.1f} ms)")
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
