"""PgBouncer sandbox: a real PgBouncer (Debian's, 1.18) on a free loopback port, in front of a running
PostgreSQL sandbox server, with client-side TLS of its own.

What makes it useful to dbdoctor: PgBouncer terminates the client's TLS itself (``client_tls_cert_file``), so
the certificate a client sees through it can differ from the database's (another CA, names that do not include
the host). ``cert`` picks one of the sandbox PKI's variants (:data:`dbdoctor.sandbox.certs.CERT_VARIANTS`) for
the pooler, independently of the backend's.

::

    from dbdoctor.sandbox import start, start_pgbouncer
    pg = start()
    bouncer = start_pgbouncer(pg, cert="other_ca")   # a certificate from an unrelated root
    psycopg.connect(bouncer.conninfo())               # fails: verify-full against the sandbox root
    bouncer.stop()

PgBouncer runs as the same unprivileged user as the PostgreSQL sandbox (``_system.server_user()``); it refuses to
run as root anyway. Its directory (config, auth_file, certificate, key, log, pid file) lives beside the
backend's data directory. The auth_file holds the sandbox password in clear (PgBouncer needs it to log in to the
backend with SCRAM): it is written 0600 for the server user and never logged; nothing puts the password on a
command line. To the backend PgBouncer speaks TLS (``server_tls_sslmode=require``), since the sandbox's
``managed`` profile accepts nothing else.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import os
import secrets
import shutil
import signal
import socket
import time
from pathlib import Path
from typing import Final

from dbdoctor.errors import SandboxError
from dbdoctor.sandbox import _system
from dbdoctor.sandbox.server import SandboxServer
from dbdoctor.target import REDACTED, Secret

ENGINE: Final = "pgbouncer"
ENV_BINARY: Final = "DBDOCTOR_PGBOUNCER"
DEFAULT_BINARY: Final = Path("/usr/sbin/pgbouncer")
#: PgBouncer's client-side sslmode values (pgbouncer.ini, client_tls_sslmode)
CLIENT_SSLMODES: Final = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def find_binary() -> Path:
    """$DBDOCTOR_PGBOUNCER, else /usr/sbin/pgbouncer (Debian), else pgbouncer on PATH."""
    env = os.environ.get(ENV_BINARY)
    if env:
        if os.access(env, os.X_OK):
            return Path(env)
        raise SandboxError(f"${ENV_BINARY}={env} is not an executable")
    if os.access(DEFAULT_BINARY, os.X_OK):
        return DEFAULT_BINARY
    found = shutil.which("pgbouncer")
    if found:
        return Path(found)
    raise SandboxError(
        "pgbouncer not found: install the Debian package 'pgbouncer' (scripts/setup.sh --test does) "
        f"or set ${ENV_BINARY}"
    )


def available() -> bool:
    try:
        find_binary()
    except SandboxError:
        return False
    return True


@dataclasses.dataclass(frozen=True, slots=True, repr=False, eq=False)
class PgBouncerServer:
    """A running PgBouncer in front of ``backend``.

    ``cert`` is the PKI variant PgBouncer presents to clients; ``ca_file`` the sandbox root CA (which signs every
    variant except ``self_signed`` and ``other_ca``). ``conninfo()`` carries the sandbox password in clear, like
    :meth:`SandboxServer.conninfo` (handing it over is its purpose); ``repr`` never shows it.
    """

    name: str
    host: str
    port: int
    dbname: str
    user: str
    password: Secret
    ca_file: Path
    cert: str
    client_sslmode: str
    backend: SandboxServer
    directory: Path
    log_file: Path
    pid: int
    version: str = ""
    owner_pid: int = 0

    engine: str = ENGINE

    def conninfo(self, **overrides: str | int | None) -> str:
        """A libpq keyword string to PgBouncer: host=localhost, its port, the backend's database and user, the
        password, sslmode=verify-full, sslrootcert=<sandbox root CA>, connect_timeout=5; ``overrides`` change
        it (None removes a key)."""
        from psycopg.conninfo import make_conninfo

        params: dict[str, str | int | None] = {
            "host": "localhost",
            "port": self.port,
            "dbname": self.dbname,
            "user": self.user,
            "password": self.password.reveal(),
            "sslmode": "verify-full",
            "sslrootcert": str(self.ca_file),
            "connect_timeout": 5,
        }
        params.update(overrides)
        return make_conninfo("", **{k: v for k, v in params.items() if v is not None})

    def is_running(self) -> bool:
        return is_running(self)

    def stop(self) -> None:
        stop_server(self)

    def __repr__(self) -> str:
        return (
            f"PgBouncerServer(name={self.name!r}, host={self.host!r}, port={self.port}, dbname={self.dbname!r}, "
            f"user={self.user!r}, password={REDACTED!r}, cert={self.cert!r}, "
            f"client_sslmode={self.client_sslmode!r}, backend={self.backend.name!r})"
        )

    __str__ = __repr__


def _ini_value(value: str) -> str:
    """A value for pgbouncer.ini: the sandbox only writes its own paths and numbers; refuse anything that could
    break the line (PgBouncer's ini format has no quoting for a newline)."""
    if any(c in value for c in "\r\n\0"):
        raise SandboxError("a pgbouncer.ini value may not contain a line break")
    return value


def _auth_line(user: str, password: Secret) -> str:
    """One auth_file line: ``"user" "password"``, a double quote doubled (PgBouncer's userlist format)."""

    def q(s: str) -> str:
        if any(c in s for c in "\r\n\0"):
            raise SandboxError("a user name or password for PgBouncer may not contain a line break")
        return '"' + s.replace('"', '""') + '"'

    return f"{q(user)} {q(password.reveal())}\n"


def render_ini(
    *,
    directory: Path,
    port: int,
    backend: SandboxServer,
    client_sslmode: str,
) -> str:
    d = directory
    lines = [
        "; generated by dbdoctor sandbox (PgBouncer in front of a PostgreSQL sandbox)",
        "[databases]",
        f"{backend.dbname} = host={_system.LOOPBACK} port={backend.port} dbname={backend.dbname}",
        "",
        "[pgbouncer]",
        f"listen_addr = {_system.LOOPBACK}",
        f"listen_port = {port}",
        "unix_socket_dir =",
        f"pidfile = {_ini_value(str(d / 'pgbouncer.pid'))}",
        f"logfile = {_ini_value(str(d / 'pgbouncer.log'))}",
        "auth_type = scram-sha-256",
        f"auth_file = {_ini_value(str(d / 'userlist.txt'))}",
        "pool_mode = session",
        "max_client_conn = 50",
        "default_pool_size = 5",
        "server_login_retry = 1",
        "log_connections = 1",
        "log_disconnections = 0",
        f"client_tls_sslmode = {client_sslmode}",
        f"client_tls_cert_file = {_ini_value(str(d / 'client-tls.crt'))}",
        f"client_tls_key_file = {_ini_value(str(d / 'client-tls.key'))}",
        "client_tls_protocols = secure",
        "server_tls_sslmode = require",
        "server_tls_protocols = secure",
    ]
    return "\n".join(lines) + "\n"


def _version(binary: Path) -> str:
    try:
        out = _system.run([str(binary), "--version"], timeout=10).stdout
    except SandboxError:
        return ""
    first = out.splitlines()[0] if out else ""
    return first.split()[-1] if first.startswith("PgBouncer") else first


def _read_pid(directory: Path) -> int | None:
    try:
        return int((directory / "pgbouncer.pid").read_text().strip())
    except (OSError, ValueError):
        return None


def _is_ours(pid: int, directory: Path) -> bool:
    if not _system.pid_alive(pid):
        return False
    args = _system.cmdline(pid)
    if args is None:
        return True
    return any(str(directory) in a for a in args)


def _listening(port: int, timeout: float) -> bool:
    try:
        with socket.create_connection((_system.LOOPBACK, port), timeout=timeout):
            return True
    except OSError:
        return False


#: what the kernel says when the port was taken between free_port() and PgBouncer's bind
_PORT_TAKEN: Final = "Address already in use"


def _wait_ready(directory: Path, port: int, deadline: float, log: Path, offset: int) -> int | str:
    """The daemon's pid once it runs and accepts connections; else what its log says went wrong (PgBouncer
    1.18 daemonizes before it binds: a taken port is only in the log, "cannot listen on ...: bind(): Address
    already in use" then "FATAL nowhere to listen on")."""
    while time.monotonic() < deadline:
        pid = _read_pid(directory)
        if pid is not None and _is_ours(pid, directory) and _listening(port, 0.5):
            return pid
        tail = _system.log_tail(log, offset)
        if " FATAL " in tail:
            return tail
        time.sleep(0.01)
    return f"not ready in time; its log says:\n{_system.log_tail(log, offset)}"


_started_here: dict[str, PgBouncerServer] = {}


def _stop_started_here() -> None:
    for srv in list(_started_here.values()):
        if srv.owner_pid != os.getpid():  # a forked child exiting: the servers are its parent's
            continue
        with contextlib.suppress(Exception):
            stop_server(srv)


atexit.register(_stop_started_here)


def start(
    backend: SandboxServer,
    *,
    cert: str = "full",
    client_sslmode: str = "require",
    name: str | None = None,
    timeout: float = 15.0,
) -> PgBouncerServer:
    """Start PgBouncer in front of the running PostgreSQL sandbox ``backend`` and return once it accepts
    connections (within ``timeout`` seconds). ``cert``: the PKI variant PgBouncer presents to its clients;
    ``client_sslmode``: its client_tls_sslmode. Stopped when this process exits."""
    if backend.engine != "postgresql":
        raise SandboxError(f"PgBouncer needs a PostgreSQL sandbox in front of which to run, not {backend.engine}")
    if client_sslmode not in CLIENT_SSLMODES:
        raise SandboxError(f"bad client_sslmode {client_sslmode!r}; choose one of: {', '.join(CLIENT_SSLMODES)}")
    if not backend.is_running():
        raise SandboxError(f"the backend sandbox {backend.name!r} is not running")
    binary = find_binary()
    variant = backend.pki.server(cert)  # validates the variant
    user = _system.server_user()
    runtime = _system.runtime_dir(backend.state_dir, user)
    if name is None:
        name = f"bouncer-{secrets.token_hex(3)}"
    if not _system.NAME_RE.match(name):
        raise SandboxError(f"bad sandbox name {name!r}: use 1-40 lowercase letters, digits, '-' or '_'")
    directory = runtime / name
    _sweep(runtime)
    try:
        directory.mkdir(mode=0o700)
    except FileExistsError:
        raise SandboxError(f"a PgBouncer sandbox named {name!r} exists already ({directory})") from None
    deadline = time.monotonic() + timeout
    pid: int | None = None
    try:
        if not user.is_self:
            os.chown(directory, user.uid, user.gid)
        me = os.getpid()
        (directory / _OWNER_FILE).write_text(f"{me} {_system.process_start_time(me) or ''}\n")
        _system.write_owned(directory / "client-tls.crt", variant.cert.read_bytes(), user, 0o644)
        _system.write_owned(directory / "client-tls.key", variant.key.read_bytes(), user, 0o600)
        _system.write_owned(directory / "userlist.txt", _auth_line(backend.user, backend.password), user, 0o600)
        log = directory / "pgbouncer.log"
        ini = directory / "pgbouncer.ini"
        port = 0
        for _attempt in range(6):
            port = _system.free_port()
            _system.write_owned(
                ini, render_ini(directory=directory, port=port, backend=backend, client_sslmode=client_sslmode),
                user, 0o600,
            )
            offset = _system.log_size(log)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                # -d: PgBouncer daemonizes and writes its pid file (it binds after that: see _wait_ready)
                _system.run([str(binary), "-d", "-q", str(ini)], user=user, timeout=remaining,
                            env=_system.clean_env())
            except SandboxError as exc:
                if _PORT_TAKEN in _system.log_tail(log, offset) or _PORT_TAKEN in str(exc):
                    continue  # taken since free_port() looked: another port
                raise SandboxError(f"PgBouncer did not start: {exc}\nits log ({log}) says:\n"
                                   f"{_system.log_tail(log, offset)}") from None
            ready = _wait_ready(directory, port, deadline, log, offset)
            if isinstance(ready, int):
                pid = ready
                break
            if _PORT_TAKEN in ready:
                continue
            raise SandboxError(f"PgBouncer did not start ({log}): {ready}")
        if pid is None:
            raise SandboxError(f"PgBouncer was not ready within {timeout:g} s; its log ({log}) says:\n"
                               f"{_system.log_tail(log)}")
        srv = PgBouncerServer(
            name=name,
            host=_system.LOOPBACK,
            port=port,
            dbname=backend.dbname,
            user=backend.user,
            password=backend.password,
            ca_file=backend.pki.root_ca,
            cert=cert,
            client_sslmode=client_sslmode,
            backend=backend,
            directory=directory,
            log_file=log,
            pid=pid,
            version=_version(binary),
            owner_pid=os.getpid(),
        )
        _started_here[name] = srv
        return srv
    except BaseException:
        p = _read_pid(directory)
        if p is not None:
            _kill(p, directory)
        shutil.rmtree(directory, ignore_errors=True)
        raise


_OWNER_FILE: Final = "dbdoctor-owner"


def _sweep(runtime: Path) -> None:
    """Stop and remove PgBouncers whose starting process is gone (killed before it could stop them): the
    owner file holds that process's pid and start time."""
    for d in runtime.glob("bouncer-*"):
        try:
            pid_text, _, started = (d / _OWNER_FILE).read_text().strip().partition(" ")
            owner = int(pid_text)
        except (OSError, ValueError):
            continue
        alive = _system.pid_alive(owner) and (not started or _system.process_start_time(owner) == started)
        if alive:
            continue
        p = _read_pid(d)
        if p is not None:
            with contextlib.suppress(SandboxError):
                _kill(p, d)
        shutil.rmtree(d, ignore_errors=True)


def _kill(pid: int, directory: Path, timeout: float = 10.0) -> None:
    if not _is_ours(pid, directory):
        return
    # SIGTERM: immediate shutdown (PgBouncer 1.18 usage: SIGINT waits for clients, SIGTERM does not)
    _system.terminate(pid, signal.SIGTERM, "PgBouncer", timeout)


def is_running(srv: PgBouncerServer) -> bool:
    pid = _read_pid(srv.directory) or srv.pid
    return _is_ours(pid, srv.directory)


def stop_server(srv: PgBouncerServer) -> None:
    """Stop PgBouncer and remove its directory (config, auth_file, key, log). Idempotent."""
    pid = _read_pid(srv.directory) or srv.pid
    _kill(pid, srv.directory)
    shutil.rmtree(srv.directory, ignore_errors=True)
    _started_here.pop(srv.name, None)
    if srv.directory.exists():
        raise SandboxError(f"could not remove {srv.directory}")


__all__ = ["PgBouncerServer", "available", "find_binary", "is_running", "render_ini", "start", "stop_server"]
