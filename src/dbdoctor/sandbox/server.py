"""SandboxServer: what a started sandbox server is, and its state file.

One JSON file per running server lives in ``<state dir>/servers/<name>.json`` (mode 0600: it holds the
throwaway password). :func:`dbdoctor.sandbox.list_servers` reads them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dbdoctor.errors import SandboxError
from dbdoctor.sandbox.certs import Pki, pki_paths
from dbdoctor.target import REDACTED, Secret

STATE_FORMAT = 1


@dataclasses.dataclass(frozen=True, slots=True, repr=False, eq=False)
class SandboxServer:
    """A running sandbox server.

    ``password`` is the sandbox user's throwaway password; ``url`` and ``conninfo()`` carry it in clear (the
    documented exception to dbdoctor's no-secrets rule: handing it over is their purpose). ``repr`` and
    ``str`` never show it. ``profile`` and ``cert`` change only through :meth:`reconfigure`.
    """

    name: str
    engine: str
    host: str
    port: int
    dbname: str
    user: str
    password: Secret
    ca_file: Path
    pki: Pki
    profile: str
    cert: str
    data_dir: Path
    state_dir: Path
    log_file: Path
    socket_dir: Path
    pid: int
    superuser: str = "postgres"
    other_user: str = "other"
    other_password: Secret = dataclasses.field(default_factory=lambda: Secret(""))
    nopass_user: str = "nopass"
    version: str = ""
    keep: bool = False
    owner_pid: int = 0
    owner_start: str | None = None

    # --- what clients use ---------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """postgresql://app:<password>@localhost:PORT/app?sslmode=verify-full&sslrootcert=<root CA>."""
        return self._url(self.password.reveal())

    @property
    def redacted_url(self) -> str:
        """The same URL with the password shown as ****."""
        return self._url(REDACTED, quote_pw=False)

    def _url(self, pw: str, quote_pw: bool = True) -> str:
        pw_part = quote(pw, safe="") if quote_pw else pw
        if self.engine == "mariadb":  # the MySQL client's option names, as dbdoctor's mysql:// URLs take them
            return (
                f"mysql://{quote(self.user, safe='')}:{pw_part}@localhost:{self.port}/{quote(self.dbname, safe='')}"
                f"?ssl-mode=VERIFY_IDENTITY&ssl-ca={quote(str(self.ca_file), safe='/')}"
            )
        return (
            f"postgresql://{quote(self.user, safe='')}:{pw_part}@localhost:{self.port}/{quote(self.dbname, safe='')}"
            f"?sslmode=verify-full&sslrootcert={quote(str(self.ca_file), safe='/')}"
        )

    def conninfo(self, **overrides: str | int | None) -> str:
        """A libpq keyword string: host=localhost, port, dbname, user, password, sslmode=verify-full,
        sslrootcert=<root CA>, connect_timeout=5, changed by ``overrides`` (a value of None removes the key).

        Example: ``srv.conninfo(host="db.example.test", hostaddr="127.0.0.1")``.
        """
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

    def admin_conninfo(self) -> str:
        """The superuser over the Unix socket in the data dir (local trust): for the sandbox's own use."""
        from psycopg.conninfo import make_conninfo

        return make_conninfo(
            "",
            host=str(self.socket_dir),
            port=self.port,
            user=self.superuser,
            dbname=self.dbname,
            connect_timeout=5,
        )

    # --- life cycle -----------------------------------------------------------------------------------------

    def reconfigure(self, profile: str | None = None, cert: str | None = None) -> None:
        """Switch the access profile and/or the certificate variant: rewrites the files and reloads the server
        (no restart; new connections see the change when this returns)."""
        from dbdoctor.sandbox import engine_ops

        engine_ops(self.engine).reconfigure(self, profile=profile or self.profile, cert=cert or self.cert)

    @contextlib.contextmanager
    def configured(self, profile: str | None = None, cert: str | None = None) -> Iterator[SandboxServer]:
        """``with srv.configured("reject"):`` ... and the previous profile and cert are restored afterwards."""
        before = (self.profile, self.cert)
        self.reconfigure(profile=profile, cert=cert)
        try:
            yield self
        finally:
            if (self.profile, self.cert) != before:
                self.reconfigure(profile=before[0], cert=before[1])

    def stop(self) -> None:
        """Stop the server and remove its data directory and state file."""
        from dbdoctor.sandbox import engine_ops

        engine_ops(self.engine).stop_server(self)

    def is_running(self) -> bool:
        from dbdoctor.sandbox import engine_ops

        return engine_ops(self.engine).is_running(self)

    # --- state ----------------------------------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        for k, v in changes.items():
            object.__setattr__(self, k, v)

    @property
    def state_file(self) -> Path:
        return self.state_dir / "servers" / f"{self.name}.json"

    def to_dict(self, *, reveal: bool = False) -> dict[str, Any]:
        """A JSON-able summary. The password and the URL with it are included only when ``reveal``."""
        d: dict[str, Any] = {
            "name": self.name,
            "engine": self.engine,
            "version": self.version,
            "host": self.host,
            "port": self.port,
            "dbname": self.dbname,
            "user": self.user,
            "url": self.url if reveal else self.redacted_url,
            "ca_file": str(self.ca_file),
            "profile": self.profile,
            "cert": self.cert,
            "data_dir": str(self.data_dir),
            "log_file": str(self.log_file),
            "pid": self.pid,
            "keep": self.keep,
        }
        return d

    def _state(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "name": self.name,
            "engine": self.engine,
            "host": self.host,
            "port": self.port,
            "dbname": self.dbname,
            "user": self.user,
            "password": self.password.reveal(),
            "ca_file": str(self.ca_file),
            "pki_dir": str(self.pki.directory),
            "client_cn": self.pki.client_cn,
            "profile": self.profile,
            "cert": self.cert,
            "data_dir": str(self.data_dir),
            "log_file": str(self.log_file),
            "socket_dir": str(self.socket_dir),
            "pid": self.pid,
            "superuser": self.superuser,
            "other_user": self.other_user,
            "other_password": self.other_password.reveal(),
            "nopass_user": self.nopass_user,
            "version": self.version,
            "keep": self.keep,
            "owner_pid": self.owner_pid,
            "owner_start": self.owner_start,
        }

    def save(self) -> None:
        path = self.state_file
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(self._state(), f, indent=2)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path, state_dir: Path) -> SandboxServer:
        try:
            d = json.loads(path.read_text())
            if d.get("format") != STATE_FORMAT:
                raise ValueError("format")
            return cls(
                name=str(d["name"]),
                engine=str(d["engine"]),
                host=str(d["host"]),
                port=int(d["port"]),
                dbname=str(d["dbname"]),
                user=str(d["user"]),
                password=Secret(str(d["password"])),
                ca_file=Path(d["ca_file"]),
                pki=pki_paths(Path(d["pki_dir"]), str(d["client_cn"])),
                profile=str(d["profile"]),
                cert=str(d["cert"]),
                data_dir=Path(d["data_dir"]),
                state_dir=state_dir,
                log_file=Path(d["log_file"]),
                socket_dir=Path(d["socket_dir"]),
                pid=int(d["pid"]),
                superuser=str(d["superuser"]),
                other_user=str(d["other_user"]),
                other_password=Secret(str(d["other_password"])),
                nopass_user=str(d["nopass_user"]),
                version=str(d["version"]),
                keep=bool(d["keep"]),
                owner_pid=int(d["owner_pid"]),
                owner_start=d.get("owner_start"),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SandboxError(f"unreadable sandbox state file {path}: {type(exc).__name__}") from None

    def __repr__(self) -> str:
        return (
            f"SandboxServer(name={self.name!r}, engine={self.engine!r}, host={self.host!r}, port={self.port}, "
            f"dbname={self.dbname!r}, user={self.user!r}, password={REDACTED!r}, profile={self.profile!r}, "
            f"cert={self.cert!r}, data_dir={str(self.data_dir)!r})"
        )

    __str__ = __repr__
