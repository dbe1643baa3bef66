"""MariaDB sandbox servers: MariaDB 10.11 from Debian (``mariadbd``) on a free loopback port, behaving like a
managed MySQL service (TLS required through ``require_secure_transport``, password users), reconfigurable.

How it is fast: a template data directory is initialised once (``mariadb-install-db`` with small InnoDB files,
then the sandbox users and database ``app`` are created and the server is shut down cleanly); each server is a
sparse copy of it started directly as ``mariadbd --defaults-file=<data>/my.cnf`` in its own session. Readiness is
"ready for connections" in its error log followed by a successful administrative connection over the Unix socket.

Users (all on host ``%``; the server runs with ``skip-name-resolve``, so TCP clients are ``'x'@'127.0.0.1'``):

- ``app``: password, no TLS requirement of its own; owns database ``app``.
- ``other``: another password user.
- ``app_ssl``: ``REQUIRE SSL``, the same password as ``app``.
- ``app_x509``: ``REQUIRE X509`` (a client certificate signed by the client CA), the same password as ``app``.
- ``nopass``: no password.
- ``root``@``localhost``: no password, reachable only through the Unix socket in the data dir (administration).

Passwords are fresh per server and set as ``mysql_native_password`` hashes computed here, so no clear password
travels in SQL or lands in a log.

Profiles (``MARIADB_PROFILES``): ``managed``/``tls_required`` (TLS on, ``require_secure_transport=ON``),
``tls_offered`` (alias ``both``: TLS on, plain allowed), ``tls_off`` (alias ``ssl_off``: no TLS at all; the
server is restarted because TLS cannot be switched off at runtime). A certificate change with TLS on is applied
with ``FLUSH SSL`` (no restart).

Running as root, the server runs as the ``mysql`` system user (else the user ``_system.server_user()`` picks).
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import hashlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from dbdoctor.errors import PortTaken, SandboxError
from dbdoctor.sandbox import _system
from dbdoctor.sandbox.certs import Pki, ensure_pki
from dbdoctor.sandbox.profiles import DEFAULT_CERT, DEFAULT_PROFILE
from dbdoctor.sandbox.server import SandboxServer
from dbdoctor.target import Secret

if TYPE_CHECKING:
    pass

ENGINE: Final = "mariadb"
TEMPLATE_FORMAT: Final = 1
MARIADBD: Final = "/usr/sbin/mariadbd"
INSTALL_DB: Final = "mariadb-install-db"

SUPERUSER: Final = "root"
APP_USER: Final = "app"
APP_DB: Final = "app"
OTHER_USER: Final = "other"
NOPASS_USER: Final = "nopass"
SSL_USER: Final = "app_ssl"
X509_USER: Final = "app_x509"



@dataclasses.dataclass(frozen=True, slots=True)
class MariaProfile:
    name: str
    summary: str
    tls: bool  # server has certificates configured
    require_secure_transport: bool


_PROFILE_LIST = [
    MariaProfile(
        "managed",
        "TLS on and required (require_secure_transport=ON), password users: what hosted MySQL services do",
        True,
        True,
    ),
    MariaProfile("tls_required", "the same as managed", True, True),
    MariaProfile("tls_offered", "TLS offered, plain connections allowed", True, False),
    MariaProfile("tls_off", "no TLS at all (the greeting does not offer CLIENT_SSL)", False, False),
]
MARIADB_PROFILES: Final[Mapping[str, MariaProfile]] = MappingProxyType({p.name: p for p in _PROFILE_LIST})
_ALIASES: Final = {"both": "tls_offered", "ssl_off": "tls_off"}


def get_profile(name: str) -> MariaProfile:
    key = _ALIASES.get(name, name)
    try:
        return MARIADB_PROFILES[key]
    except KeyError:
        raise SandboxError(
            f"unknown MariaDB profile {name!r}; choose one of: {', '.join(MARIADB_PROFILES)}"
        ) from None


# --- binaries and user ---------------------------------------------------------------------------------------


def available() -> bool:
    return os.access(MARIADBD, os.X_OK) and shutil.which(INSTALL_DB) is not None


def _require_binaries() -> None:
    if not available():
        raise SandboxError(
            "MariaDB server binaries (mariadbd, mariadb-install-db) not found: install the Debian package "
            "'mariadb-server' (scripts/setup.sh --test does)"
        )


def server_user() -> _system.ServerUser:
    """``mysql`` when running as root and it exists, else the generic sandbox server user."""
    if os.geteuid() == 0:
        import pwd

        try:
            pw = pwd.getpwnam("mysql")
            return _system.ServerUser(pw.pw_name, pw.pw_uid, pw.pw_gid)
        except KeyError:
            pass
    return _system.server_user()


def native_password_hash(password: str) -> str:
    """The ``mysql_native_password`` stored form: ``*`` + upper hex SHA1(SHA1(password))."""
    return "*" + hashlib.sha1(hashlib.sha1(password.encode()).digest()).hexdigest().upper()


# --- configuration --------------------------------------------------------------------------------------------


def render_config(data: Path, port: int, profile: MariaProfile) -> str:
    lines = [
        "# generated by dbdoctor sandbox",
        "[mariadbd]",
        f"datadir={data}",
        f"socket={data}/mysqld.sock",
        f"pid-file={data}/mariadbd.pid",
        f"log-error={data}/mariadb.log",
        "bind-address=127.0.0.1",
        f"port={port}",
        "skip-name-resolve",
        "skip-log-bin",
        "innodb-log-file-size=4M",
        "innodb-buffer-pool-size=8M",
        "innodb-use-native-aio=0",
        "performance-schema=OFF",
        "max-connections=40",
        "max-connect-errors=100000",
    ]
    if profile.tls:
        lines += [
            f"ssl-cert={data}/server.crt",
            f"ssl-key={data}/server.key",
            f"ssl-ca={data}/client-ca.crt",
            f"require-secure-transport={'ON' if profile.require_secure_transport else 'OFF'}",
        ]
    return "\n".join(lines) + "\n"


def _write_tls(data: Path, cert: str, pki: Pki, user: _system.ServerUser) -> None:
    variant = pki.server(cert)
    _system.write_owned(data / "server.crt", variant.cert.read_bytes(), user, 0o644)
    _system.write_owned(data / "server.key", variant.key.read_bytes(), user, 0o600)
    _system.write_owned(data / "client-ca.crt", pki.client_ca.read_bytes(), user, 0o644)


# --- admin connection -----------------------------------------------------------------------------------------


def _admin(socket_path: Path, timeout: float = 5.0) -> Any:
    import pymysql

    return pymysql.connect(
        unix_socket=str(socket_path), user=SUPERUSER, password="", connect_timeout=timeout, autocommit=True
    )


def _admin_sql(socket_path: Path, statements: list[str], timeout: float = 5.0) -> list[tuple[Any, ...]]:
    conn = _admin(socket_path, timeout)
    try:
        rows: list[tuple[Any, ...]] = []
        with conn.cursor() as cur:
            for stmt in statements:
                cur.execute(stmt)
                rows.extend(cur.fetchall())
        return rows
    finally:
        conn.close()


# --- process control ------------------------------------------------------------------------------------------


def _pid_of(data: Path) -> int | None:
    try:
        return int((data / "mariadbd.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def _is_ours(pid: int, data: Path) -> bool:
    if not _system.pid_alive(pid):
        return False
    args = _system.cmdline(pid)
    if args is None:
        return True
    return any(str(data) in a for a in args)


def _launch(data: Path, user: _system.ServerUser, timeout: float) -> int:
    """Start mariadbd detached (own session) and wait until it accepts administrative connections."""
    log = data / "mariadb.log"
    offset = _system.log_size(log)
    kwargs: dict[str, Any] = {}
    if not user.is_self:
        kwargs = {"user": user.uid, "group": user.gid, "extra_groups": []}
    try:
        err = open(data / "mariadbd.stderr", "ab")  # noqa: SIM115 - handed to the child, closed below
    except OSError as exc:
        raise SandboxError(f"cannot write in {data}: {exc.strerror or exc}") from None
    try:
        proc = subprocess.Popen(
            [MARIADBD, f"--defaults-file={data / 'my.cnf'}"],
            stdin=subprocess.DEVNULL,
            stdout=err,
            stderr=err,
            start_new_session=True,
            env=_system.clean_env(),
            cwd=data,
            **kwargs,
        )
    except OSError as exc:
        raise SandboxError(f"could not run mariadbd: {exc.strerror or exc}") from None
    finally:
        err.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = _system.log_tail(log, offset)
            if "Address already in use" in tail or "Can't start server: Bind" in tail:
                raise PortTaken(tail)
            raise SandboxError(
                f"MariaDB did not start (exit {proc.returncode}); its log ({log}) says:\n{tail}\n"
                + _system.log_tail(data / "mariadbd.stderr", 0, 500)
            )
        if "ready for connections" in _system.log_tail(log, offset, limit=100_000):
            try:
                _admin(data / "mysqld.sock", timeout=2).close()
                return proc.pid
            except Exception:  # not yet: retry until the deadline
                pass
        time.sleep(0.01)
    with contextlib.suppress(ProcessLookupError):
        os.kill(proc.pid, signal.SIGKILL)
    raise SandboxError(
        f"MariaDB was not ready within {timeout:g} s; its log ({log}) says:\n{_system.log_tail(log, offset)}"
    )


def _kill(pid: int, data: Path, timeout: float = 10.0) -> None:
    """SIGKILL: the data dir is thrown away, a clean InnoDB shutdown would only cost time."""
    if not _is_ours(pid, data):
        return
    _system.terminate(pid, signal.SIGKILL, "mariadbd", timeout)


# --- template -------------------------------------------------------------------------------------------------


def _binary_stamp() -> str:
    st = Path(MARIADBD).stat()
    return f"{MARIADBD}:{st.st_size}:{int(st.st_mtime)}"


def _template_marker(tdir: Path) -> dict[str, str] | None:
    try:
        marker = json.loads((tdir / "dbdoctor_template.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(marker, dict) or marker.get("format") != TEMPLATE_FORMAT:
        return None
    if marker.get("binary") != _binary_stamp():
        return None
    return {str(k): str(v) for k, v in marker.items()}


def _ensure_template(runtime: Path, user: _system.ServerUser) -> tuple[Path, dict[str, str]]:
    tdir = runtime / "template-mariadb"
    marker = _template_marker(tdir)
    if marker is None:
        _build_template(tdir, runtime, user)
        marker = _template_marker(tdir)
        if marker is None:
            raise SandboxError(f"the MariaDB template in {tdir} could not be built")
    return tdir, marker


def _build_template(tdir: Path, runtime: Path, user: _system.ServerUser) -> None:
    t0 = time.monotonic()
    build = runtime / f".template-build-my-{uuid.uuid4().hex[:8]}"
    build.mkdir(mode=0o700)
    try:
        if not user.is_self:
            os.chown(build, user.uid, user.gid)
        _system.run(
            [
                INSTALL_DB,
                "--no-defaults",
                f"--datadir={build}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--skip-name-resolve",
                "--innodb-log-file-size=4M",
                "--innodb-data-file-path=ibdata1:4M:autoextend",
            ],
            user=user,
            timeout=120,
        )
        _system.write_owned(
            build / "my.cnf",
            render_config(build, 0, get_profile("tls_off")).replace(
                "bind-address=127.0.0.1", "skip-networking"
            ),
            user,
        )
        pid = _launch(build, user, 60)
        try:
            stmts = [
                "DELETE FROM mysql.global_priv WHERE User='root' AND Host<>'localhost'",
                "DELETE FROM mysql.global_priv WHERE User=''",
                "FLUSH PRIVILEGES",
                f"CREATE DATABASE {APP_DB}",
            ]
            never = native_password_hash(secrets.token_hex(16))
            for u, req in (
                (APP_USER, ""),
                (OTHER_USER, ""),
                (SSL_USER, " REQUIRE SSL"),
                (X509_USER, " REQUIRE X509"),
            ):
                stmts.append(f"CREATE USER '{u}'@'%' IDENTIFIED BY PASSWORD '{never}'{req}")
                stmts.append(f"GRANT ALL ON {APP_DB}.* TO '{u}'@'%'")
            stmts.append(f"CREATE USER '{NOPASS_USER}'@'%'")
            stmts.append(f"GRANT ALL ON {APP_DB}.* TO '{NOPASS_USER}'@'%'")
            stmts.append("SELECT VERSION()")
            rows = _admin_sql(build / "mysqld.sock", stmts)
            version = str(rows[-1][0]) if rows else "?"
            # a clean shutdown, so that copies start without crash recovery
            with contextlib.suppress(Exception):
                _admin_sql(build / "mysqld.sock", ["SHUTDOWN"])
            end = time.monotonic() + 30
            while _system.pid_alive(pid) and time.monotonic() < end:
                with contextlib.suppress(ChildProcessError, OSError):
                    os.waitpid(pid, os.WNOHANG)
                time.sleep(0.02)
        finally:
            if _system.pid_alive(pid):
                _kill(pid, build)
        for leftover in ("my.cnf", "mariadb.log", "mariadbd.pid"):
            with contextlib.suppress(FileNotFoundError):
                (build / leftover).unlink()
        _system.write_owned(
            build / "dbdoctor_template.json",
            json.dumps(
                {
                    "format": TEMPLATE_FORMAT,
                    "binary": _binary_stamp(),
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


# --- public operations ----------------------------------------------------------------------------------------

_started_here: dict[str, SandboxServer] = {}


def _stop_started_here() -> None:
    for srv in list(_started_here.values()):
        if srv.owner_pid != os.getpid():
            continue
        with contextlib.suppress(Exception):
            stop_server(srv)


atexit.register(_stop_started_here)


def _set_passwords(srv: SandboxServer) -> None:
    app = native_password_hash(srv.password.reveal())
    other = native_password_hash(srv.other_password.reveal())
    _admin_sql(
        srv.socket_dir / "mysqld.sock",
        [
            f"ALTER USER '{APP_USER}'@'%' IDENTIFIED BY PASSWORD '{app}'",
            f"ALTER USER '{SSL_USER}'@'%' IDENTIFIED BY PASSWORD '{app}'",
            f"ALTER USER '{X509_USER}'@'%' IDENTIFIED BY PASSWORD '{app}'",
            f"ALTER USER '{OTHER_USER}'@'%' IDENTIFIED BY PASSWORD '{other}'",
        ],
    )


def start(
    *,
    profile: str = DEFAULT_PROFILE,
    cert: str = DEFAULT_CERT,
    name: str | None = None,
    state_dir: str | os.PathLike[str] | None = None,
    keep: bool = False,
    timeout: float = 30.0,
) -> SandboxServer:
    """Start a MariaDB sandbox server and return when it accepts connections."""
    prof = get_profile(profile)
    _require_binaries()
    state = _system.state_dir(state_dir)
    user = server_user()
    runtime = _system.runtime_dir(state, user)
    if name is None:
        name = f"my-{secrets.token_hex(3)}"
    if not _system.NAME_RE.match(name):
        raise SandboxError(f"bad sandbox name {name!r}: use 1-40 lowercase letters, digits, '-' or '_'")
    with _system.locked(state / ".lock"):
        _sweep(state, runtime)
        pki = ensure_pki(state / "pki", client_cn=APP_USER)
        pki.server(cert)
        template, marker = _ensure_template(runtime, user)
        state_file = state / "servers" / f"{name}.json"
        if state_file.exists():
            try:
                old = SandboxServer.load(state_file, state)
            except SandboxError:
                old = None
            if old is not None and old.is_running():
                raise SandboxError(f"a sandbox server named {name!r} is already running (port {old.port})")
            state_file.unlink(missing_ok=True)
        data = runtime / name
        if data.exists():
            pid = _pid_of(data)
            if pid is not None and _is_ours(pid, data):
                raise SandboxError(f"a sandbox server named {name!r} is still running")
            shutil.rmtree(data)
        _system.run(["cp", "-a", "--sparse=always", "--", str(template), str(data)], timeout=60)
        os.utime(data)
        state_file.parent.mkdir(exist_ok=True, mode=0o700)
    try:
        (data / "dbdoctor_template.json").unlink(missing_ok=True)
        _write_tls(data, cert, pki, user)
        pid = 0
        port = 0
        for _attempt in range(6):
            port = _system.free_port()
            _system.write_owned(data / "my.cnf", render_config(data, port, prof), user, 0o644)
            try:
                pid = _launch(data, user, timeout)
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
            password=Secret(secrets.token_urlsafe(18)),
            ca_file=pki.root_ca,
            pki=pki,
            profile=prof.name,
            cert=cert,
            data_dir=data,
            state_dir=state,
            log_file=data / "mariadb.log",
            socket_dir=data,
            pid=pid,
            superuser=SUPERUSER,
            other_user=OTHER_USER,
            other_password=Secret(secrets.token_urlsafe(18)),
            nopass_user=NOPASS_USER,
            version=marker.get("version", "?"),
            keep=keep,
            owner_pid=os.getpid(),
            owner_start=_system.process_start_time(os.getpid()),
        )
        if not keep:
            _started_here[name] = srv
        _set_passwords(srv)
        srv.save()
    except BaseException:
        p = _pid_of(data)
        if p is not None:
            with contextlib.suppress(Exception):
                _kill(p, data)
        shutil.rmtree(data, ignore_errors=True)
        _started_here.pop(name, None)
        raise
    return srv


_SWEEP_AGE_SECONDS: Final = 120


def _sweep(state: Path, runtime: Path) -> None:
    """Remove what crashed starts left: MariaDB data dirs (they hold our my.cnf) with no state file, older than
    any start in progress, and their mariadbd if it still runs."""
    known = {p.stem for p in (state / "servers").glob("*.json")}
    now = time.time()
    for d in runtime.iterdir():
        try:
            if not d.is_dir() or d.name in known or now - d.stat().st_mtime < _SWEEP_AGE_SECONDS:
                continue
        except OSError:
            continue
        if d.name.startswith(".template-build-my-"):
            shutil.rmtree(d, ignore_errors=True)
            continue
        if not _system.NAME_RE.match(d.name) or d.name == "template-mariadb" or not (d / "my.cnf").is_file():
            continue
        pid = _pid_of(d)
        if pid is not None:
            with contextlib.suppress(SandboxError):
                _kill(pid, d)
        shutil.rmtree(d, ignore_errors=True)


_RESTARTING: Final = "dbdoctor_restarting"
_RESTART_GRACE_SECONDS: Final = 30.0


def is_running(srv: SandboxServer) -> bool:
    """Its mariadbd is alive, or it is being restarted by reconfigure (so that another process reaping dead
    servers, as every start does, does not delete it in between)."""
    pid = _pid_of(srv.data_dir) or srv.pid
    if bool(pid) and _is_ours(pid, srv.data_dir):
        return True
    try:
        age = time.time() - (srv.data_dir / _RESTARTING).stat().st_mtime
    except OSError:
        return False
    return age < _RESTART_GRACE_SECONDS


def stop_server(srv: SandboxServer) -> None:
    """Stop (SIGKILL) and remove the data directory and the state file. Idempotent."""
    pid = _pid_of(srv.data_dir)
    if pid is None and srv.pid:
        pid = srv.pid
    if pid is not None:
        _kill(pid, srv.data_dir)
    shutil.rmtree(srv.data_dir, ignore_errors=True)
    srv.state_file.unlink(missing_ok=True)
    _started_here.pop(srv.name, None)
    if srv.data_dir.exists():
        raise SandboxError(f"could not remove {srv.data_dir}")


def reconfigure(srv: SandboxServer, *, profile: str, cert: str) -> None:
    """Apply a profile and certificate. TLS staying on: new files + ``FLUSH SSL`` + ``SET GLOBAL
    require_secure_transport``; TLS switched on or off: a restart on the same port (about 0.2 s)."""
    new = get_profile(profile)
    old = get_profile(srv.profile)
    srv.pki.server(cert)
    if not is_running(srv):
        raise SandboxError(f"sandbox server {srv.name!r} is not running")
    user = server_user()
    data = srv.data_dir
    _write_tls(data, cert, srv.pki, user)
    _system.write_owned(data / "my.cnf", render_config(data, srv.port, new), user, 0o644)
    if new.tls and old.tls:
        rst = "ON" if new.require_secure_transport else "OFF"
        _admin_sql(data / "mysqld.sock", ["FLUSH SSL", f"SET GLOBAL require_secure_transport={rst}"])
        srv._set(profile=new.name, cert=cert)
    else:
        marker = data / _RESTARTING
        marker.touch()
        try:
            _restart(srv, data, user)
        finally:
            marker.unlink(missing_ok=True)
        srv._set(profile=new.name, cert=cert)
    srv.save()


def _restart(srv: SandboxServer, data: Path, user: _system.ServerUser) -> None:
    pid = _pid_of(data) or srv.pid
    _kill(pid, data)
    with contextlib.suppress(FileNotFoundError):
        (data / "mariadbd.pid").unlink()
    deadline = time.monotonic() + 10
    while True:
        try:
            pid = _launch(data, user, 30)
            break
        except PortTaken:  # the old socket may linger for a moment
            if time.monotonic() > deadline:
                raise SandboxError(f"port {srv.port} stayed busy after restarting {srv.name!r}") from None
            time.sleep(0.1)
    srv._set(pid=pid)


def purge(state_dir: str | os.PathLike[str] | None = None) -> None:
    """Remove the MariaDB template of a state dir (servers must be stopped first)."""
    state = _system.state_dir(state_dir)
    user = server_user()
    with _system.locked(state / ".lock"):
        runtime = _system.runtime_dir(state, user)
        shutil.rmtree(runtime / "template-mariadb", ignore_errors=True)
