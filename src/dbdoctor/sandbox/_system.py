"""Operating-system helpers shared by every sandbox engine: the state directory, locks, the unprivileged server
user, free ports, subprocesses with deadlines, and process checks."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import os
import pwd
import re
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

from dbdoctor.errors import SandboxError

ENV_STATE_DIR: Final = "DBDOCTOR_SANDBOX_DIR"
LOOPBACK: Final = "127.0.0.1"
DEFAULT_TIMEOUT: Final = 30.0


def state_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The sandbox state directory: ``explicit``, else ``$DBDOCTOR_SANDBOX_DIR``, else ~/.cache/dbdoctor/sandbox."""
    if explicit is not None:
        p = Path(explicit)
    elif os.environ.get(ENV_STATE_DIR):
        p = Path(os.environ[ENV_STATE_DIR])
    else:
        p = Path.home() / ".cache" / "dbdoctor" / "sandbox"
    p = p.expanduser().absolute()
    p.mkdir(parents=True, exist_ok=True, mode=0o700)
    return p


@contextlib.contextmanager
def locked(path: Path, timeout: float = 120.0) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (flock), waited for at most ``timeout`` seconds."""
    import time

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise SandboxError(f"timed out waiting for the sandbox lock {path}") from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)


@dataclasses.dataclass(frozen=True, slots=True)
class ServerUser:
    name: str
    uid: int
    gid: int

    @property
    def is_self(self) -> bool:
        return self.uid == os.geteuid()


def server_user() -> ServerUser:
    """The user the servers run as: the current one, or when root, ``postgres`` (else ``dbdoctor``, created)."""
    if os.geteuid() != 0:
        pw = pwd.getpwuid(os.geteuid())
        return ServerUser(pw.pw_name, pw.pw_uid, pw.pw_gid)
    for name in ("postgres", "dbdoctor"):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        return ServerUser(pw.pw_name, pw.pw_uid, pw.pw_gid)
    run(["useradd", "-r", "-M", "-s", "/usr/sbin/nologin", "-d", "/nonexistent", "dbdoctor"], timeout=30)
    pw = pwd.getpwnam("dbdoctor")
    return ServerUser(pw.pw_name, pw.pw_uid, pw.pw_gid)


def _traversable_by(path: Path, user: ServerUser) -> bool:
    """Whether ``user`` can reach ``path`` (search permission on it and every ancestor)."""
    if user.uid == 0:
        return True
    try:
        groups = set(os.getgrouplist(user.name, user.gid))
    except OSError:
        groups = {user.gid}
    for p in [path, *path.parents]:
        try:
            st = p.stat()
        except OSError:
            return False
        if st.st_uid == user.uid:
            ok = st.st_mode & stat.S_IXUSR
        elif st.st_gid in groups:
            ok = st.st_mode & stat.S_IXGRP
        else:
            ok = st.st_mode & stat.S_IXOTH
        if not ok:
            return False
    return True


def runtime_dir(state: Path, user: ServerUser) -> Path:
    """Where clusters live. Inside the state dir when the server user can reach it; else (root's home is
    usually 0700) in a root-owned 0711 directory under the system temp dir, one per state dir."""
    inside = state / "clusters"
    if user.is_self or _traversable_by(state, user):
        inside.mkdir(exist_ok=True, mode=0o711)
        os.chmod(inside, 0o711)
        return inside
    digest = hashlib.sha256(str(state).encode()).hexdigest()[:12]
    base = Path(tempfile.gettempdir()) / f"dbdoctor-sandbox-{os.geteuid()}-{digest}"
    with contextlib.suppress(FileExistsError):
        base.mkdir(mode=0o711)
    st = os.lstat(base)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        raise SandboxError(f"{base} exists but is not a directory owned by this user; remove it and retry")
    os.chmod(base, 0o711)
    if not _traversable_by(base, user):
        raise SandboxError(f"the server user {user.name!r} cannot reach {base}")
    return base


def chown_tree(path: Path, user: ServerUser) -> None:
    if user.is_self:
        return
    for root, dirs, files in os.walk(path):
        os.chown(root, user.uid, user.gid)
        for n in dirs + files:
            os.lchown(os.path.join(root, n), user.uid, user.gid)


def free_port() -> int:
    """A free loopback TCP port (bind port 0, take the number, close). The caller retries if it is taken meanwhile."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        port: int = s.getsockname()[1]
    return port


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """A minimal environment for server processes: no PG* variables, no passwords, C locale."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "LC_ALL": "C",
        "LANG": "C",
        "TZ": "UTC",
    }
    if extra:
        env.update(extra)
    return env


def run(
    argv: Sequence[str],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    user: ServerUser | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command (never with a secret in ``argv``) with a deadline, as ``user`` when given; raise
    SandboxError with its output when it fails."""
    kwargs: dict[str, object] = {}
    if user is not None and not user.is_self:
        kwargs = {"user": user.uid, "group": user.gid, "extra_groups": []}
    try:
        proc: subprocess.CompletedProcess[str] = subprocess.run(
            list(argv),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env if env is not None else clean_env(),
            cwd=cwd,
            check=False,
            **kwargs,  # type: ignore[call-overload]
        )
    except subprocess.TimeoutExpired:
        raise SandboxError(f"{Path(argv[0]).name} did not finish within {timeout:g} s") from None
    except OSError as exc:
        raise SandboxError(f"could not run {argv[0]}: {exc.strerror or exc}") from None
    if proc.returncode != 0:
        out = (proc.stderr or proc.stdout or "").strip()[-2000:]
        raise SandboxError(f"{Path(argv[0]).name} failed (exit {proc.returncode}): {out}")
    return proc


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not alive
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[-1].split()
        return not (fields and fields[0] == "Z")
    except OSError:
        return True


def terminate(pid: int, sig: int, what: str, timeout: float = 10.0) -> None:
    """Send ``sig`` to a server process, wait up to ``timeout`` for it to go, then SIGKILL and wait 5 s more;
    SandboxError naming ``what`` if it is still there. Reaps it when it is our child."""

    def gone_within(seconds: float) -> bool:
        end = time.monotonic() + seconds
        while pid_alive(pid) and time.monotonic() < end:
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.01)
        return not pid_alive(pid)

    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)
    if gone_within(timeout):
        return
    if sig != signal.SIGKILL:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        if gone_within(5.0):
            return
    raise SandboxError(f"{what} {pid} did not stop")


def process_start_time(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (clock ticks since boot), to tell a process from a later one with the
    same number; None when unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[-1].split()
        return fields[19]
    except (OSError, IndexError):
        return None


def cmdline(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return None


#: a sandbox server's name: also its data directory's name and its state file's stem
NAME_RE: Final = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def write_owned(path: Path, data: str | bytes, user: ServerUser, mode: int = 0o600) -> None:
    """Write ``path`` with ``mode`` from the start (no moment of wider access), owned by the server's user."""
    raw = data.encode() if isinstance(data, str) else data
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(raw)
    os.chmod(path, mode)
    if not user.is_self:
        os.chown(path, user.uid, user.gid)


def log_size(log: Path) -> int:
    try:
        return log.stat().st_size
    except OSError:
        return 0


def log_tail(log: Path, offset: int = 0, limit: int = 1500) -> str:
    """What a server logged after ``offset`` (the last ``limit`` characters), for error messages."""
    try:
        with open(log, "rb") as f:
            f.seek(offset)
            text = f.read().decode(errors="replace")
    except OSError:
        return "(no log)"
    return text[-limit:].strip()
