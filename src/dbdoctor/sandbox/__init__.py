"""Local database servers that behave like managed ones, for tests, the demo and ``dbdoctor sandbox``.

::

    from dbdoctor.sandbox import start
    srv = start()                              # PostgreSQL, profile "managed", certificate "full"
    psycopg.connect(srv.url)                   # verify-full against srv.ca_file
    with srv.configured("reject"): ...         # reload with another profile, restored afterwards
    srv.reconfigure(profile="both", cert="expired")
    srv.stop()

Servers started with ``keep=False`` (the default) are stopped when the starting process exits; the CLI starts
them with ``keep=True``. ``PROFILES`` and ``CERT_VARIANTS`` say what a client sees with each choice.

Engines: ``postgresql`` and ``mariadb`` (sibling modules ``postgres.py`` and ``mariadb.py``) offer the same four
functions: start, reconfigure, stop_server, is_running.

PgBouncer needs a running PostgreSQL sandbox behind it, so it is not an engine of ``start``:
``start_pgbouncer(backend, cert="other_ca")`` puts a real PgBouncer in front of ``backend``, presenting a
certificate variant of its own (dbdoctor.sandbox.pgbouncer).
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING, Protocol

from dbdoctor.errors import SandboxError
from dbdoctor.sandbox.certs import CERT_VARIANTS, Pki
from dbdoctor.sandbox.profiles import DEFAULT_CERT, DEFAULT_PROFILE, PROFILES, Profile
from dbdoctor.sandbox.server import SandboxServer

if TYPE_CHECKING:
    from pathlib import Path

    from dbdoctor.sandbox.pgbouncer import PgBouncerServer

__all__ = [
    "CERT_VARIANTS",
    "ENGINES",
    "PROFILES",
    "Pki",
    "Profile",
    "SandboxError",
    "SandboxServer",
    "list_servers",
    "purge",
    "start",
    "start_pgbouncer",
    "stop",
    "stop_all",
]

ENGINES = ("postgresql", "mariadb", "pgbouncer")


class _Engine(Protocol):
    def start(
        self,
        *,
        profile: str = ...,
        cert: str = ...,
        name: str | None = ...,
        state_dir: str | os.PathLike[str] | None = ...,
        keep: bool = ...,
        timeout: float = ...,
    ) -> SandboxServer: ...

    def reconfigure(self, srv: SandboxServer, *, profile: str, cert: str) -> None: ...

    def stop_server(self, srv: SandboxServer) -> None: ...

    def is_running(self, srv: SandboxServer) -> bool: ...


def engine_ops(engine: str) -> _Engine:
    """A sandbox engine's operations (start, reconfigure, stop) by its name."""
    if engine in ("postgresql", "postgres"):
        from dbdoctor.sandbox import postgres

        return postgres
    if engine in ("mariadb", "mysql"):
        from dbdoctor.sandbox import mariadb

        return mariadb
    if engine == "pgbouncer":
        raise SandboxError(
            "PgBouncer needs a PostgreSQL sandbox behind it: start one, then "
            "dbdoctor.sandbox.start_pgbouncer(backend, cert=...) (a library and test facility; it stops with the "
            "process that started it)"
        )
    raise SandboxError(f"unknown sandbox engine {engine!r}; choose one of: {', '.join(ENGINES)}")


def start(
    engine: str = "postgresql",
    profile: str = DEFAULT_PROFILE,
    cert: str = DEFAULT_CERT,
    name: str | None = None,
    state_dir: str | os.PathLike[str] | None = None,
    *,
    keep: bool = False,
    timeout: float = 30.0,
) -> SandboxServer:
    """Start a sandbox server and return once it accepts connections.

    ``keep=False``: stopped when this process exits. ``state_dir`` defaults to $DBDOCTOR_SANDBOX_DIR or
    ~/.cache/dbdoctor/sandbox. Raises SandboxError when the server cannot be started.
    """
    eng = engine_ops(engine)
    with contextlib.suppress(SandboxError, OSError):
        list_servers(
            state_dir
        )  # reaps dead servers and those whose starting process died without stopping them
    return eng.start(profile=profile, cert=cert, name=name, state_dir=state_dir, keep=keep, timeout=timeout)


def start_pgbouncer(
    backend: SandboxServer,
    *,
    cert: str = DEFAULT_CERT,
    client_sslmode: str = "require",
    name: str | None = None,
    timeout: float = 15.0,
) -> PgBouncerServer:
    """Start PgBouncer in front of the running PostgreSQL sandbox ``backend``, presenting the PKI certificate
    variant ``cert`` to its clients (independently of the backend's), with client_tls_sslmode
    ``client_sslmode``. Stopped when this process exits, or with ``.stop()``.

    PgBouncer needs a backend, so it is not an ``engine`` of :func:`start` (whose servers stand alone).
    """
    from dbdoctor.sandbox import pgbouncer

    return pgbouncer.start(backend, cert=cert, client_sslmode=client_sslmode, name=name, timeout=timeout)


def list_servers(state_dir: str | os.PathLike[str] | None = None) -> list[SandboxServer]:
    """The running sandbox servers, by name. Dead ones are cleaned up (state file and data dir removed), and
    so are servers whose starting process died without stopping them (unless started with keep=True)."""
    from dbdoctor.sandbox import _system

    state = _system.state_dir(state_dir)
    out: list[SandboxServer] = []
    for path in sorted((state / "servers").glob("*.json")):
        try:
            srv = SandboxServer.load(path, state)
        except SandboxError:
            path.unlink(missing_ok=True)
            continue
        try:
            eng = engine_ops(srv.engine)
        except SandboxError:
            continue
        if not eng.is_running(srv):
            with contextlib.suppress(SandboxError, OSError):
                eng.stop_server(srv)
            continue
        if not srv.keep and _owner_gone(srv):
            with contextlib.suppress(SandboxError, OSError):
                eng.stop_server(srv)
            continue
        out.append(srv)
    return out


def _owner_gone(srv: SandboxServer) -> bool:
    from dbdoctor.sandbox import _system

    if not srv.owner_pid or not _system.pid_alive(srv.owner_pid):
        return True
    now = _system.process_start_time(srv.owner_pid)
    return srv.owner_start is not None and now is not None and now != srv.owner_start


def get(name: str, state_dir: str | os.PathLike[str] | None = None) -> SandboxServer:
    """The running server called ``name``."""
    for srv in list_servers(state_dir):
        if srv.name == name:
            return srv
    raise SandboxError(f"no running sandbox server named {name!r} (`dbdoctor sandbox list` shows them)")


def stop(name: str | SandboxServer, state_dir: str | os.PathLike[str] | None = None) -> None:
    """Stop a server (by name or object) and remove its data directory."""
    if isinstance(name, SandboxServer):
        name.stop()
        return
    get(name, state_dir).stop()


def stop_all(state_dir: str | os.PathLike[str] | None = None, *, include_owned: bool = False) -> list[str]:
    """Stop the running sandbox servers of the state dir; returns their names.

    A server started with keep=False by another process that is still alive (a test session, say) belongs to
    that process and is stopped when it exits: it is left alone unless ``include_owned``.
    """
    names = []
    for srv in list_servers(state_dir):
        if not include_owned and _owned_elsewhere(srv):
            continue
        srv.stop()
        names.append(srv.name)
    return names


def _owned_elsewhere(srv: SandboxServer) -> bool:
    return not srv.keep and srv.owner_pid != os.getpid() and not _owner_gone(srv)


def purge(state_dir: str | os.PathLike[str] | None = None) -> None:
    """Stop every server of the state dir and remove everything it made: template cluster, spare copies, PKI."""
    import shutil

    from dbdoctor.sandbox import _system, postgres

    stop_all(state_dir, include_owned=True)
    from dbdoctor.sandbox import mariadb

    mariadb.purge(state_dir)
    postgres.purge(state_dir)
    state = _system.state_dir(state_dir)
    with _system.locked(state / ".lock"):
        shutil.rmtree(state / "pki", ignore_errors=True)


def state_path(state_dir: str | os.PathLike[str] | None = None) -> Path:
    """The state directory in use (created if missing)."""
    from dbdoctor.sandbox import _system

    return _system.state_dir(state_dir)
