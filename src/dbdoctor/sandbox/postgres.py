"""PostgreSQL sandbox servers: real PostgreSQL (15 by default) on a free loopback port, behaving like a managed
database (TLS required, scram passwords), reconfigurable on the fly.

How it is fast: a template cluster is initialised once (initdb, roles ``app``/``other``/``nopass``, database
``app``, cleanly shut down) and each server is a copy of it (``cp -a``) started with ``pg_ctl`` without waiting;
readiness is read from ``postmaster.pid`` (the status line pg_ctl itself waits for). Each server gets fresh
random passwords over its Unix socket (as SCRAM verifiers computed on the client side, so no plain password
travels or lands in a log).

Running as root, the server runs as the ``postgres`` system user (or ``dbdoctor``, created when neither
exists). Its data directory then lives in a root-owned 0711 directory under the system temp dir, because
root's home is usually closed to other users.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import glob
import json
import os
import re
import secrets
import shutil
import signal
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

from dbdoctor.errors import PortTaken, SandboxError
from dbdoctor.sandbox import _system
from dbdoctor.sandbox.certs import Pki, ensure_pki
from dbdoctor.sandbox.profiles import DEFAULT_CERT, DEFAULT_PROFILE, Profile, get_profile
from dbdoctor.sandbox.server import SandboxServer
from dbdoctor.target import Secret

ENGINE: Final = "postgresql"
ENV_BINDIR: Final = "DBDOCTOR_PG_BINDIR"
PREFERRED_BINDIR: Final = Path("/usr/lib/postgresql/15/bin")
TEMPLATE_FORMAT: Final = 2

SUPERUSER: Final = "postgres"
APP_USER: Final = "app"
APP_DB: Final = "app"
OTHER_USER: Final = "other"
NOPASS_USER: Final = "nopass"

#: lines of postmaster.pid (src/include/miscadmin.h, LOCK_FILE_LINE_*)
_PIDFILE_LINE_PID: Final = 0
_PIDFILE_LINE_PM_STATUS: Final = 7
_PM_STATUS_READY: Final = "ready"


_SERVER_SETTINGS: Final = """
# --- dbdoctor sandbox: fast and small, logs in the data dir -------------------------------------------
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
shared_buffers = 16MB
max_connections = 40
autovacuum = off
jit = off
huge_pages = off
password_encryption = 'scram-sha-256'
min_wal_size = 2MB
max_wal_size = 32MB
log_connections = on
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'UTC'
timezone = 'UTC'
include_if_exists = 'dbdoctor_server.conf'
include_if_exists = 'dbdoctor_access.conf'
"""


# --- binaries -------------------------------------------------------------------------------------------------


def find_bindir() -> Path:
    """The directory with initdb, pg_ctl and postgres: $DBDOCTOR_PG_BINDIR, else PostgreSQL 15's Debian path,
    else the newest /usr/lib/postgresql/*/bin, else wherever pg_ctl is on PATH."""
    need = ("initdb", "pg_ctl", "postgres")

    def ok(d: Path) -> bool:
        return all(os.access(d / n, os.X_OK) for n in need)

    env = os.environ.get(ENV_BINDIR)
    if env:
        d = Path(env)
        if ok(d):
            return d
        raise SandboxError(f"${ENV_BINDIR}={env} does not hold {', '.join(need)}")
    if ok(PREFERRED_BINDIR):
        return PREFERRED_BINDIR

    def major(p: str) -> int:
        m = re.search(r"/postgresql/(\d+)/bin$", p)
        return int(m.group(1)) if m else 0

    for cand in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True):
        if ok(Path(cand)):
            return Path(cand)
    which = shutil.which("pg_ctl")
    if which and ok(Path(which).parent):
        return Path(which).parent
    raise SandboxError(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: install the Debian package "
        f"'postgresql' (scripts/setup.sh does) or set ${ENV_BINDIR}"
    )


def available() -> bool:
    try:
        find_bindir()
    except SandboxError:
        return False
    return True


# --- template cluster -------------------------------------------------------------------------------------------


def _binary_stamp(bindir: Path) -> str:
    st = (bindir / "postgres").stat()
    return f"{bindir}:{st.st_size}:{int(st.st_mtime)}"


def _template_ok(tdir: Path, stamp: str) -> dict[str, str] | None:
    try:
        marker = json.loads((tdir / "dbdoctor_template.json").read_text())
    except (OSError, ValueError):
        return None
    if (
        not isinstance(marker, dict)
        or marker.get("format") != TEMPLATE_FORMAT
        or marker.get("binary") != stamp
    ):
        return None
    return {str(k): str(v) for k, v in marker.items()}


@dataclasses.dataclass(frozen=True, slots=True)
class Template:
    path: Path
    version: str  # server_version of the binaries that made it
    id: str  # changes with every rebuild; spare copies carry it
    seconds: float  # how long building it took


def ensure_template(state: Path, runtime: Path, user: _system.ServerUser, bindir: Path) -> Template:
    """The template cluster, built when missing or made by other binaries. The caller holds the state lock."""
    stamp = _binary_stamp(bindir)
    tdir = runtime / "template-postgresql"
    marker = _template_ok(tdir, stamp)
    if marker is None:
        _build_template(tdir, runtime, user, bindir, stamp)
        shutil.rmtree(runtime / "spares", ignore_errors=True)
        marker = _template_ok(tdir, stamp)
        if marker is None:
            raise SandboxError(f"the template cluster in {tdir} could not be built")
    return Template(tdir, marker["version"], marker.get("id", "0"), float(marker.get("seconds", "0")))


def _build_template(tdir: Path, runtime: Path, user: _system.ServerUser, bindir: Path, stamp: str) -> None:
    t0 = time.monotonic()
    build = runtime / f".template-build-{uuid.uuid4().hex[:8]}"
    build.mkdir(mode=0o700)
    try:
        if not user.is_self:
            os.chown(build, user.uid, user.gid)
        _system.run(
            [
                str(bindir / "initdb"),
                "-D",
                str(build),
                "-U",
                SUPERUSER,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
                "--wal-segsize=1",
            ],
            user=user,
            timeout=120,
        )
        with open(build / "postgresql.conf", "a", encoding="utf-8") as f:
            f.write(_SERVER_SETTINGS)
        _system.write_owned(
            build / "dbdoctor_server.conf",
            f"listen_addresses = ''\nport = 5432\nunix_socket_directories = '{build}'\n",
            user,
        )
        log = build / "template.log"
        pg_ctl = str(bindir / "pg_ctl")
        _system.run(
            [pg_ctl, "start", "-w", "-t", "60", "-s", "-D", str(build), "-l", str(log)], user=user, timeout=70
        )
        try:
            import psycopg
            from psycopg import sql

            with psycopg.connect(
                host=str(build),
                port=5432,
                user=SUPERUSER,
                dbname="template1",
                connect_timeout=10,
                autocommit=True,
            ) as conn:
                for role in (APP_USER, OTHER_USER, NOPASS_USER):
                    conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(APP_DB), sql.Identifier(APP_USER)
                    )
                )
            # Fewer files make each copy faster (creating ~300 files per database is most of the copy time):
            # keep template1 (CREATE DATABASE needs it) and app; drop template0 and postgres.
            with psycopg.connect(
                host=str(build), port=5432, user=SUPERUSER, dbname=APP_DB, connect_timeout=10, autocommit=True
            ) as conn:
                conn.execute("ALTER DATABASE template0 IS_TEMPLATE false")
                conn.execute("DROP DATABASE template0")
                conn.execute("DROP DATABASE postgres")
                row = conn.execute("SELECT current_setting('server_version')").fetchone()
                version = str(row[0]) if row else "?"
        finally:
            _system.run(
                [pg_ctl, "stop", "-m", "fast", "-w", "-t", "60", "-s", "-D", str(build)],
                user=user,
                timeout=70,
            )
        for leftover in ("dbdoctor_server.conf", "template.log", "postmaster.opts"):
            with contextlib.suppress(FileNotFoundError):
                (build / leftover).unlink()
        _system.write_owned(
            build / "dbdoctor_template.json",
            json.dumps(
                {
                    "format": TEMPLATE_FORMAT,
                    "id": uuid.uuid4().hex[:12],
                    "binary": stamp,
                    "version": version,
                    "seconds": round(time.monotonic() - t0, 3),
                }
            ),
            user,
        )
        if tdir.exists():
            old = runtime / f".template-old-{uuid.uuid4().hex[:8]}"
            os.replace(tdir, old)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(build, tdir)
    finally:
        if build.exists():
            shutil.rmtree(build, ignore_errors=True)


# --- spare copies: the next start renames one instead of copying ----------------------------------------------

_SPARES: Final = 1
_STALE_TMP_SECONDS: Final = 300
_WAIT_FOR_SPARE_SECONDS: Final = 2.0


def _claim_spare(runtime: Path, template: Template, dest: Path) -> bool:
    """Take a ready spare copy of the template (an atomic rename, so two processes never get the same one)."""
    spares = runtime / "spares"
    deadline = time.monotonic() + _WAIT_FOR_SPARE_SECONDS
    while True:
        for p in sorted(spares.glob(f"{template.id}-*")):
            try:
                os.rename(p, dest)
            except OSError:
                continue
            return True
        # a copy under way finishes sooner than a new one would, and two copies at once slow each other down
        if not any(spares.glob(f".tmp-{template.id}-*")) or time.monotonic() > deadline:
            return False
        time.sleep(0.01)


def _refill_spares(runtime: Path, template: Template) -> None:
    """Start a detached background copy of the template into the spare pool when it is empty.
    (The copy is bounded by ``timeout``; a half-made copy keeps a ``.tmp-`` name and is never claimed.)"""
    spares = runtime / "spares"
    spares.mkdir(exist_ok=True, mode=0o700)
    now = time.time()
    count = 0
    for p in spares.iterdir():
        ready = p.name.startswith(f"{template.id}-")
        in_progress = (
            p.name.startswith(f".tmp-{template.id}-") and now - p.stat().st_mtime < _STALE_TMP_SECONDS
        )
        if ready or in_progress:
            count += 1
        else:
            shutil.rmtree(p, ignore_errors=True)
    if count >= _SPARES:
        return
    tag = f"{template.id}-{uuid.uuid4().hex[:8]}"
    tmp, final = spares / f".tmp-{tag}", spares / tag
    script = '(timeout 120 cp -a -- "$1" "$2" && mv -- "$2" "$3" || rm -rf -- "$2") >/dev/null 2>&1 &'
    _system.run(["sh", "-c", script, "sh", str(template.path), str(tmp), str(final)], timeout=10)


# --- access profiles ------------------------------------------------------------------------------------------


def render_hba(profile: Profile, user: str) -> str:
    lines = [
        f"# generated by dbdoctor sandbox: profile {profile.name}",
        f"local all {SUPERUSER} trust",
        *(line.format(user=user) for line in profile.hba),
    ]
    return "\n".join(lines) + "\n"


def render_access_conf(profile: Profile) -> str:
    return (
        f"# generated by dbdoctor sandbox: profile {profile.name}\n"
        f"ssl = {'on' if profile.ssl else 'off'}\n"
        "ssl_cert_file = 'server.crt'\n"
        "ssl_key_file = 'server.key'\n"
        f"ssl_ca_file = '{'client-ca.crt' if profile.client_ca else ''}'\n"
    )


def _write_access(data: Path, profile: Profile, cert: str, pki: Pki, app_user: str) -> None:
    user = _system.server_user()
    variant = pki.server(cert)
    _system.write_owned(data / "server.crt", variant.cert.read_bytes(), user, 0o644)
    _system.write_owned(data / "server.key", variant.key.read_bytes(), user, 0o600)
    _system.write_owned(data / "client-ca.crt", pki.client_ca.read_bytes(), user, 0o644)
    _system.write_owned(data / "pg_hba.conf", render_hba(profile, app_user), user, 0o600)
    _system.write_owned(data / "dbdoctor_access.conf", render_access_conf(profile), user, 0o600)


# --- process control ------------------------------------------------------------------------------------------


def _read_pidfile(data: Path) -> list[str] | None:
    try:
        return (data / "postmaster.pid").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None


def _postmaster_pid(data: Path) -> int | None:
    lines = _read_pidfile(data)
    if not lines:
        return None
    try:
        return int(lines[_PIDFILE_LINE_PID].strip())
    except (ValueError, IndexError):
        return None


def _is_our_postmaster(pid: int, data: Path) -> bool:
    if not _system.pid_alive(pid):
        return False
    args = _system.cmdline(pid)
    if args is None:  # no /proc: trust the pid file
        return True
    return str(data) in args


def _launch(bindir: Path, data: Path, log: Path, user: _system.ServerUser, timeout: float) -> int:
    """Start the postmaster with pg_ctl (which detaches it) and wait for postmaster.pid to say ready."""
    offset = _system.log_size(log)
    _system.run(
        [str(bindir / "pg_ctl"), "start", "-W", "-s", "-D", str(data), "-l", str(log)],
        user=user,
        timeout=timeout,
    )
    deadline = time.monotonic() + timeout
    seen_pid: int | None = None
    while time.monotonic() < deadline:
        lines = _read_pidfile(data)  # may be half written: every field is checked
        pid = _postmaster_pid(data) if lines else None
        if pid is not None:
            seen_pid = pid
            status = (
                lines[_PIDFILE_LINE_PM_STATUS].strip()
                if lines and len(lines) > _PIDFILE_LINE_PM_STATUS
                else ""
            )
            if status == _PM_STATUS_READY and _system.pid_alive(pid):
                return pid
        tail = _system.log_tail(log, offset)
        if "FATAL" in tail or "PANIC" in tail:
            # let the postmaster exit before deciding what happened
            end = time.monotonic() + 5
            while seen_pid and _system.pid_alive(seen_pid) and time.monotonic() < end:
                time.sleep(0.01)
            tail = _system.log_tail(log, offset)
            if "could not bind" in tail or "could not create any TCP/IP sockets" in tail:
                raise PortTaken(tail)
            raise SandboxError(f"PostgreSQL did not start; its log ({log}) says:\n{tail}")
        time.sleep(0.005)
    raise SandboxError(
        f"PostgreSQL was not ready within {timeout:g} s; its log ({log}) says:\n{_system.log_tail(log, offset)}"
    )


def _kill_postmaster(pid: int, data: Path, timeout: float = 15.0) -> None:
    if not _is_our_postmaster(pid, data):
        return
    # SIGQUIT = immediate shutdown (what pg_ctl stop -m immediate sends)
    _system.terminate(pid, signal.SIGQUIT, "PostgreSQL postmaster", timeout)


def _set_passwords(srv: SandboxServer) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(srv.admin_conninfo(), autocommit=True) as conn:
        for role, pw in ((srv.user, srv.password), (srv.other_user, srv.other_password)):
            verifier = conn.pgconn.encrypt_password(pw.reveal().encode(), role.encode(), b"scram-sha-256")
            conn.execute(
                sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                    sql.Identifier(role), sql.Literal(verifier.decode())
                )
            )


# --- public operations ----------------------------------------------------------------------------------------

_started_here: dict[str, SandboxServer] = {}


def _stop_started_here() -> None:
    for srv in list(_started_here.values()):
        if srv.owner_pid != os.getpid():  # a forked child exiting: the servers are its parent's
            continue
        with contextlib.suppress(Exception):
            stop_server(srv)


atexit.register(_stop_started_here)


def _new_password() -> Secret:
    return Secret(secrets.token_urlsafe(18))


def start(
    *,
    profile: str = DEFAULT_PROFILE,
    cert: str = DEFAULT_CERT,
    name: str | None = None,
    state_dir: str | os.PathLike[str] | None = None,
    keep: bool = False,
    timeout: float = 30.0,
) -> SandboxServer:
    """Start a PostgreSQL sandbox server and return when it accepts connections."""
    prof = get_profile(profile)
    bindir = find_bindir()
    state = _system.state_dir(state_dir)
    user = _system.server_user()
    runtime = _system.runtime_dir(state, user)
    if name is None:
        name = f"pg-{secrets.token_hex(3)}"
    if not _system.NAME_RE.match(name):
        raise SandboxError(f"bad sandbox name {name!r}: use 1-40 lowercase letters, digits, '-' or '_'")
    with _system.locked(state / ".lock"):
        _sweep(state, runtime)
        pki = ensure_pki(state / "pki", client_cn=APP_USER)
        pki.server(cert)  # validates the variant
        template = ensure_template(state, runtime, user, bindir)
        state_file = state / "servers" / f"{name}.json"
        known = state_file.exists()
        if known:
            try:
                old = SandboxServer.load(state_file, state)
            except SandboxError:
                old = None
            if old is not None and is_running(old):
                raise SandboxError(f"a sandbox server named {name!r} is already running (port {old.port})")
            state_file.unlink(missing_ok=True)
        data = runtime / name
        if data.exists():
            pid = _postmaster_pid(data)
            young = time.time() - data.stat().st_mtime < _SWEEP_AGE_SECONDS
            if (pid is not None and _is_our_postmaster(pid, data)) or (young and not known):
                raise SandboxError(f"a sandbox server named {name!r} is being started or still running")
            shutil.rmtree(data)
        if not _claim_spare(runtime, template, data):
            _system.run(["cp", "-a", "--", str(template.path), str(data)], timeout=60)
        # cp -a kept the template's old time: mark the copy as new, so that _sweep and a concurrent start of
        # the same name leave it alone until its state file exists
        os.utime(data)
        state_file.parent.mkdir(exist_ok=True, mode=0o700)
    try:
        (data / "dbdoctor_template.json").unlink(missing_ok=True)
        _write_access(data, prof, cert, pki, APP_USER)
        log = data / "postgres.log"
        pid = 0
        port = 0
        for _attempt in range(6):
            port = _system.free_port()
            _system.write_owned(
                data / "dbdoctor_server.conf",
                f"listen_addresses = '{_system.LOOPBACK}'\nport = {port}\nunix_socket_directories = '{data}'\n",
                user,
            )
            try:
                pid = _launch(bindir, data, log, user, timeout)
                break
            except PortTaken:
                continue
        else:
            raise SandboxError("no free loopback port could be bound after 6 tries")
        srv = SandboxServer(
            name=name,
            engine=ENGINE,
            host=_system.LOOPBACK,
            port=port,
            dbname=APP_DB,
            user=APP_USER,
            password=_new_password(),
            ca_file=pki.root_ca,
            pki=pki,
            profile=prof.name,
            cert=cert,
            data_dir=data,
            state_dir=state,
            log_file=log,
            socket_dir=data,
            pid=pid,
            superuser=SUPERUSER,
            other_user=OTHER_USER,
            other_password=_new_password(),
            nopass_user=NOPASS_USER,
            version=template.version,
            keep=keep,
            owner_pid=os.getpid(),
            owner_start=_system.process_start_time(os.getpid()),
        )
        if not keep:
            _started_here[name] = srv
        _set_passwords(srv)
        srv.save()
        _refill_spares(runtime, template)
    except BaseException:
        p = _postmaster_pid(data)
        if p is not None:
            with contextlib.suppress(Exception):
                _kill_postmaster(p, data)
        shutil.rmtree(data, ignore_errors=True)
        _started_here.pop(name, None)
        raise
    return srv


_SWEEP_AGE_SECONDS: Final = 120


def _sweep(state: Path, runtime: Path) -> None:
    """Remove what crashed starts left: data dirs with no state file (and older than any start in progress),
    and template builds that never finished. Their postmaster, if one still runs, is stopped first."""
    known = {p.stem for p in (state / "servers").glob("*.json")}
    now = time.time()
    for d in runtime.iterdir():
        try:
            age = now - d.stat().st_mtime
        except OSError:
            continue
        if age < _SWEEP_AGE_SECONDS or not d.is_dir() or d.name in known:
            continue
        if d.name.startswith(".template-"):
            shutil.rmtree(d, ignore_errors=True)
            continue
        if d.name in ("template-postgresql", "spares") or not _system.NAME_RE.match(d.name):
            continue
        if not (d / "PG_VERSION").exists():
            continue
        pid = _postmaster_pid(d)
        if pid is not None:
            with contextlib.suppress(SandboxError):
                _kill_postmaster(pid, d)
        shutil.rmtree(d, ignore_errors=True)


def is_running(srv: SandboxServer) -> bool:
    pid = _postmaster_pid(srv.data_dir)
    return pid is not None and _is_our_postmaster(pid, srv.data_dir)


def stop_server(srv: SandboxServer) -> None:
    """Stop (immediate shutdown) and remove the data directory and the state file. Idempotent."""
    pid = _postmaster_pid(srv.data_dir)
    if pid is None and srv.pid and _is_our_postmaster(srv.pid, srv.data_dir):
        pid = srv.pid
    if pid is not None:
        _kill_postmaster(pid, srv.data_dir)
    shutil.rmtree(srv.data_dir, ignore_errors=True)
    if srv.data_dir.exists():  # a child was still writing: once more
        time.sleep(0.1)
        shutil.rmtree(srv.data_dir, ignore_errors=True)
    srv.state_file.unlink(missing_ok=True)
    _started_here.pop(srv.name, None)
    if srv.data_dir.exists():
        raise SandboxError(f"could not remove {srv.data_dir}")


def reconfigure(srv: SandboxServer, *, profile: str, cert: str) -> None:
    """Rewrite pg_hba.conf and the ssl settings, reload, and return once new connections see the change."""
    prof = get_profile(profile)
    srv.pki.server(cert)
    if not is_running(srv):
        raise SandboxError(f"sandbox server {srv.name!r} is not running")
    offset = _system.log_size(srv.log_file)
    _write_access(srv.data_dir, prof, cert, srv.pki, srv.user)
    _reload(srv, offset)
    srv._set(profile=prof.name, cert=cert)
    srv.save()


def _reload(srv: SandboxServer, offset: int) -> None:
    """Reload the configuration and return once new connections see it; raise when the server rejected it."""
    import psycopg

    with psycopg.connect(srv.admin_conninfo(), autocommit=True) as conn:
        row = conn.execute("SELECT pg_conf_load_time(), pg_reload_conf()").fetchone()
        before = row[0] if row else None
    deadline = time.monotonic() + 10
    while True:
        with psycopg.connect(srv.admin_conninfo(), autocommit=True) as conn:
            row = conn.execute("SELECT pg_conf_load_time()").fetchone()
            if row and before is not None and row[0] > before:
                hba_errors = conn.execute(
                    "SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL"
                ).fetchall()
                conf_errors = conn.execute(
                    "SELECT name, error FROM pg_file_settings WHERE error IS NOT NULL"
                ).fetchall()
                break
        if time.monotonic() > deadline:
            raise SandboxError(f"sandbox server {srv.name!r} did not reload its configuration within 10 s")
        time.sleep(0.005)
    problems = [f"pg_hba.conf line {n}: {e}" for n, e in hba_errors]
    problems += [f"{n}: {e}" for n, e in conf_errors]
    tail = _system.log_tail(srv.log_file, offset)
    if "was not reloaded" in tail:
        problems.append(tail)
    if problems:
        raise SandboxError(
            f"sandbox server {srv.name!r} rejected the new configuration: " + "; ".join(problems)
        )


#: the profile name a server carries once ``install_tls`` has replaced its access configuration
CUSTOM_PROFILE: Final = "custom"


def install_tls(
    srv: SandboxServer,
    *,
    files: Mapping[str, bytes],
    settings: Mapping[str, str],
    hba: Sequence[str],
    ident: Sequence[str] = (),
) -> None:
    """Replace the server's TLS material and access rules with the caller's own, and reload.

    For certificates the sandbox did not make (PostgreSQL's own SSL test suite, a provider's chain): ``files``
    are written into the data directory (a name may hold one ``/`` for a CRL directory; ``*.key`` get mode
    0600), ``settings`` become the ssl part of the configuration (``ssl_cert_file``, ``ssl_ca_file``,
    ``ssl_crl_file``, ``ssl_crl_dir`` ..., relative to the data directory; ``ssl = on`` unless given),
    ``hba`` the TCP lines of pg_hba.conf and ``ident`` the lines of pg_ident.conf. ``reconfigure`` puts a
    profile back."""
    for name in files:
        parts = name.split("/")
        if len(parts) > 2 or any(not p or p in (".", "..") for p in parts):
            raise SandboxError(f"bad file name for the data directory: {name!r}")
    conf = {"ssl": "on", **settings}
    for key, value in conf.items():
        if not re.fullmatch(r"[a-z_]+", key) or "'" in value or "\n" in value:
            raise SandboxError(f"bad server setting {key}={value!r}")
    if not is_running(srv):
        raise SandboxError(f"sandbox server {srv.name!r} is not running")
    user = _system.server_user()
    data = srv.data_dir
    for sub in {data / name.split("/")[0] for name in files if "/" in name}:
        shutil.rmtree(sub, ignore_errors=True)  # a CRL directory holds exactly the files given now
        sub.mkdir(mode=0o700)
        if not user.is_self:
            os.chown(sub, user.uid, user.gid)
    for name, content in files.items():
        _system.write_owned(data / name, content, user, 0o600 if name.endswith(".key") else 0o644)
    offset = _system.log_size(srv.log_file)
    _system.write_owned(
        data / "dbdoctor_access.conf",
        "# generated by dbdoctor sandbox: custom TLS\n" + "".join(f"{k} = '{v}'\n" for k, v in conf.items()),
        user,
        0o600,
    )
    hba_text = "\n".join(["# generated by dbdoctor sandbox: custom", f"local all {SUPERUSER} trust", *hba])
    _system.write_owned(data / "pg_hba.conf", hba_text + "\n", user, 0o600)
    _system.write_owned(data / "pg_ident.conf", "".join(f"{line}\n" for line in ident), user, 0o600)
    _reload(srv, offset)
    srv._set(profile=CUSTOM_PROFILE)
    srv.save()


def purge(state_dir: str | os.PathLike[str] | None = None) -> None:
    """Remove the template cluster and the spare copies of a state dir (servers must be stopped first)."""
    state = _system.state_dir(state_dir)
    user = _system.server_user()
    with _system.locked(state / ".lock"):
        runtime = _system.runtime_dir(state, user)
        spares = runtime / "spares"
        deadline = time.monotonic() + 30
        for _round in range(10):
            # a background copy still running would re-create files behind rmtree: let it finish first
            while any(spares.glob(".tmp-*")) and time.monotonic() < deadline:
                time.sleep(0.05)
            for p in (spares, runtime / "template-postgresql"):
                shutil.rmtree(p, ignore_errors=True)
            try:
                runtime.rmdir()  # only when empty: servers of other processes may still live there
                return
            except FileNotFoundError:
                return
            except OSError:
                if any(p.name not in ("spares", "template-postgresql") for p in runtime.iterdir()):
                    return
            time.sleep(0.1)
