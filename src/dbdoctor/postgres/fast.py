"""The success path of the ``dbdoctor preflight`` command, without psycopg, click or the diagnosis (issue 5: the
command within 1.5x the wall time of ``psql -c 'select 1'``).

The one connection is made through the libpq psycopg itself uses (:mod:`dbdoctor.postgres.libpq`), the way the app's
libpq makes it: the target (else ``DATABASE_URL``) as ``dbname`` with ``expand_dbname``, so libpq applies the PG*
variables, the service file and .pgpass itself; ``--env-file`` values are put into the environment first, the
real environment winning (as :func:`dbdoctor.postgres.sources.resolve` does). On ``CONNECTION_OK`` the line (or
the ``--json`` document) is what :mod:`dbdoctor.postgres.gate` prints, built from what libpq reports about that very
connection. On anything else this returns None, having restored the environment, and the caller runs the full
preflight (gate.run) from the start: the failure path pays for the diagnosis, the success path does not.

Only PostgreSQL targets reach it (:func:`dbdoctor.route.route` sends MySQL/MariaDB ones to their engine). Not
taken (None at once) when ``DBDOCTOR_PREFLIGHT_FAST=0``, when psycopg would not use the bundled libpq, with
``--wait``, with a ``--driver`` other than libpq, with a target whose scheme names a driver, a target libpq would
not read as a connection string, or a URL whose password bends it (the full path masks the pieces then).
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Mapping

SCHEMA = "dbdoctor.preflight/1"
#: set to 0 to always take the full path (tests compare the two)
SWITCH = "DBDOCTOR_PREFLIGHT_FAST"

#: when this process made its fast attempt (time.monotonic()), so that the full preflight that follows a failed
#: one neither tries again nor takes a whole --timeout of its own: the two together stay within --timeout
attempted_at: float | None = None
#: the fast attempt ran into the deadline (no answer in time): with nothing left of --timeout, the full path
#: reports that at once instead of importing the diagnosis and connecting again past the deadline (issue 13)
timed_out: bool = False
#: the worker that connects is given this long past the deadline before it is abandoned
GRACE = 0.5

_KEYWORDS = re.compile(r"\s*[A-Za-z_]+\s*=")
_URI_PREFIXES = ("postgresql://", "postgres://")
#: in the user info of a URL: anything but these (and valid %XX escapes) may bend it (sources.postgres)
_USERINFO_OK = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*")


def ok_line(s: Mapping[str, object], tls_version: str | None, server_version: str | None, elapsed_ms: float,
            attempts: int = 1) -> str:
    """The success line (gate.PreflightResult.line uses it too)."""
    parts = [f"host={s.get('host')}"]
    if s.get("hostaddr"):
        parts.append(f"hostaddr={s['hostaddr']}")
    parts += [
        f"port={s.get('port')}",
        f"dbname={s.get('dbname')}",
        f"user={s.get('user')}",
        f"sslmode={s.get('sslmode')}",
        f"ca_file={s.get('ca_file')}",
        f"tls={tls_version or 'none'}",
        f"server={server_version or '?'}",
        f"time={elapsed_ms:.0f}ms",
    ]
    if attempts > 1:
        parts.append(f"attempts={attempts}")
    return "preflight ok: " + " ".join(parts)


def server_version_text(num: int) -> str:
    """PQserverVersion as text (probe.postgres._server_version): 150008 → "15.8", 90624 → "9.6.24"."""
    if num >= 100000:
        return f"{num // 10000}.{num % 10000}"
    return f"{num // 10000}.{num // 100 % 100}.{num % 100}"


def connect_timeout(timeout: float, theirs: str | None) -> int:
    """The connect_timeout of the one attempt (probe.postgres.build_params): from ``--timeout``, or the user's
    own when shorter; libpq and psycopg treat 1 as 2."""
    ours = max(2, int(timeout))
    try:
        mine = int(float(theirs or "0"))
    except ValueError:
        mine = 0
    return min(ours, max(2, mine)) if mine > 0 else ours


def eligible(text: str | None) -> bool:
    """Whether libpq reads ``text`` exactly as the full path's parser does, with nothing to mask."""
    if text is None:
        return True
    if text.startswith(_URI_PREFIXES):
        rest = text.split("://", 1)[1]
        authority = re.split(r"[/?]", rest, maxsplit=1)[0]
        if text.count("@") > 1 or "#" in text:
            return False
        # user info with characters that may bend the URL: the full path masks the pieces
        return "@" not in rest or ("@" in authority and bool(_USERINFO_OK.fullmatch(authority.rsplit("@", 1)[0])))
    return bool(_KEYWORDS.match(text))


def _connect(lib: object, params: dict[str, str], timeout: float, box: dict[str, object]) -> None:
    """In a worker: start, poll to the deadline, and on CONNECTION_OK read what the line needs. Frees the PGconn."""
    import select

    from dbdoctor.postgres import libpq as pq

    assert isinstance(lib, pq.LibPQ)
    started = time.monotonic()
    conn = lib.start(params, expand_dbname=True)
    if conn is None:
        return
    try:
        if lib.status(conn) == pq.CONNECTION_BAD:
            return
        options = lib.options(conn)
        deadline = started + min(timeout, connect_timeout(timeout, options.get("connect_timeout")))
        state = pq.POLLING_WRITING  # how libpq says to begin
        while state not in (pq.POLLING_OK, pq.POLLING_FAILED):
            if box.get("abandoned"):
                return
            left = deadline - time.monotonic()
            sock = lib.socket(conn)
            if left <= 0 or sock < 0:
                box["timed_out"] = left <= 0
                return
            reading = state == pq.POLLING_READING
            r, w, x = select.select([sock] if reading else [], [] if reading else [sock], [sock], left)
            if not (r or w or x):
                box["timed_out"] = True
                return
            state = lib.poll(conn)
        if state != pq.POLLING_OK or lib.status(conn) != pq.CONNECTION_OK:
            return
        box["options"] = lib.options(conn)
        box["password"] = lib.has_password(conn)
        box["tls"] = lib.ssl_protocol(conn)
        box["server"] = server_version_text(lib.server_version(conn))
        box["ok"] = True
    finally:
        lib.finish(conn)


#: libpq's compiled defaults, as sources.postgres has them (a test keeps the two equal)
DEFAULT_PORT = "5432"
DEFAULT_SOCKET_DIR = "/var/run/postgresql"


def _host_port(settings: Mapping[str, str]) -> tuple[str, str | None, object]:
    """(host, hostaddr, port) as gate.shown_settings shows them from sources.postgres.host_attempts."""
    hosts = settings["host"].split(",") if "host" in settings else []
    addrs = settings["hostaddr"].split(",") if "hostaddr" in settings else []
    ports = settings["port"].split(",") if "port" in settings else []
    entries: list[tuple[str | None, str | None, int | None]] = []
    for i in range(max(len(hosts), len(addrs), 1)):
        host = hosts[i] if i < len(hosts) else None
        addr = addrs[i] if i < len(addrs) else None
        if not host and not addr:
            host = DEFAULT_SOCKET_DIR
        if len(ports) == 1:
            text = ports[0]
        elif i < len(ports):
            text = ports[i]
        else:
            text = "" if not ports else "?"
        text = text.strip()
        num: int | None
        if text == "":
            num = int(DEFAULT_PORT)
        elif text.isdecimal() and 1 <= int(text) <= 65535:
            num = int(text)
        else:
            num = None
        entries.append((host or None, addr or None, num))
    shown_host = ",".join(h or "" for h, _, _ in entries)
    shown_addr = ",".join(a or "" for _, a, _ in entries) if any(a for _, a, _ in entries) else None
    nums = {n for _, _, n in entries}
    port: object
    if None in nums or not nums:
        port = settings.get("port")
    else:
        port = next(iter(nums)) if len(nums) == 1 else ",".join(str(n) for _, _, n in entries)
    return shown_host, shown_addr, port


def _home(environ: Mapping[str, str]) -> str:
    """dbdoctor.postgres.files.libpq_home: $HOME, else the passwd entry of the effective user."""
    home = environ.get("HOME")
    if home:
        return home
    import pwd

    try:
        return pwd.getpwuid(os.geteuid()).pw_dir
    except KeyError:
        return "/"


def shown(options: Mapping[str, str | None], has_password: bool, environ: Mapping[str, str]) -> dict[str, object]:
    """gate.shown_settings for what libpq reports about the connection it made."""
    settings = {k: v for k, v in options.items() if v is not None}
    if not settings.get("port"):
        settings["port"] = DEFAULT_PORT
    if not settings.get("host") and not settings.get("hostaddr"):
        settings["host"] = DEFAULT_SOCKET_DIR
    host, hostaddr, port = _host_port(settings)
    sslmode = settings.get("sslmode") or "prefer"
    root = settings.get("sslrootcert")
    if root == "system":
        ca_file = "system"
    elif root:
        ca_file = "set"
    elif sslmode != "disable" and os.path.isfile(os.path.join(_home(environ), ".postgresql", "root.crt")):
        ca_file = "default"
    else:
        ca_file = "unset"
    return {
        "host": host,
        "hostaddr": hostaddr,
        "port": port,
        "dbname": settings.get("dbname"),
        "user": settings.get("user"),
        "password": "set" if has_password else "unset",
        "sslmode": sslmode,
        "ca_file": ca_file,
    }


def run(
    target: str | None,
    *,
    as_json: bool,
    timeout: float,
    env_files: tuple[str, ...] = (),
    phase: str | None = None,
    driver: str | None = None,
) -> bool:
    """Make the one connection and print the success line (or JSON); True when done, False (nothing printed,
    the environment as it was) when the caller must run the full preflight."""
    global attempted_at
    started = time.monotonic()
    if os.environ.get(SWITCH, "").strip() == "0":
        return False
    if driver is not None and driver.strip().lower() != "libpq":
        return False
    from dbdoctor.postgres import libpq as _libpq

    lib = _libpq.load()
    if lib is None:
        return False
    attempted_at = started
    environ = dict(os.environ)
    added: list[str] = []
    try:
        merged = dict(environ)
        if env_files:
            from dbdoctor.sources.files import dotenv_layers

            for _label, values in dotenv_layers(environ, env_files):
                for key, value in values.items():
                    if key not in environ:
                        merged[key] = value
            for key, value in merged.items():
                if key not in environ:
                    os.environ[key] = value
                    added.append(key)
        text = target if target is not None else (merged.get("DATABASE_URL") or None)
        if not eligible(text):
            return False
        real_url = environ.get("DATABASE_URL")
        if target is None and real_url and not eligible(real_url):
            return False
        params = {"dbname": text} if text is not None else {}
        box: dict[str, object] = {}
        import threading

        worker = threading.Thread(target=_connect, args=(lib, params, timeout, box), name="dbdoctor-preflight",
                                  daemon=True)
        worker.start()
        worker.join(timeout + GRACE)
        global timed_out
        if worker.is_alive():
            box["abandoned"] = True
            timed_out = True
            return False
        timed_out = bool(box.get("timed_out"))
        if not box.get("ok"):
            return False
        options = box["options"]
        assert isinstance(options, dict)
        settings = shown(options, bool(box.get("password")), environ)
        elapsed_ms = (time.monotonic() - started) * 1000
    except Exception:
        return False  # anything unexpected: the full path decides (and reports) it
    finally:
        for key in added:
            os.environ.pop(key, None)
    tls = box.get("tls")
    server = box.get("server")
    assert tls is None or isinstance(tls, str)
    assert server is None or isinstance(server, str)
    line = ok_line(settings, tls, server, elapsed_ms)
    if as_json:
        from dbdoctor.phase import detect_phase
        from dbdoctor.postgres.conninfo import redact_text
        from dbdoctor.render.json import emit

        emit({
            "schema": SCHEMA,
            "engine": "postgresql",
            "ok": True,
            "target": redact_text(target) if target is not None else None,
            "settings": settings,
            "phase": detect_phase(environ, phase)[0],
            "tls_version": tls,
            "server_version": server,
            "elapsed_ms": round(elapsed_ms, 1),
            "attempts": 1,
            "cause": None,
            "problem": None,
            "fix": None,
            "corrected": None,
            "finding": None,
            "driver_error": None,
            "line": line,
        })
    else:
        from dbdoctor._untrusted import printable

        sys.stdout.write(printable(line, newlines=False) + "\n")
    sys.stdout.flush()
    return True


__all__ = ["SCHEMA", "SWITCH", "connect_timeout", "eligible", "ok_line", "run", "server_version_text"]
