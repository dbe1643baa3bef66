"""libpq's files on this machine: its home directory (``~/.postgresql``, ``~/.pgpass``) and the root certificate
file it would verify against. Reads the file system, nothing else."""

from __future__ import annotations

import os
import pwd
from collections.abc import Mapping
from pathlib import Path

from dbdoctor.postgres.modes import RootFile
from dbdoctor.target import Target


def libpq_home(environ: Mapping[str, str]) -> Path:
    """The home directory libpq uses (pqGetHomeDirectory: $HOME, else the passwd entry of the effective user)."""
    home = environ.get("HOME")
    if home:
        return Path(home)

    try:
        return Path(pwd.getpwuid(os.geteuid()).pw_dir)
    except KeyError:
        return Path("/")


def root_file(target: Target, environ: Mapping[str, str]) -> tuple[RootFile, str | None]:
    """The root certificate file libpq would use, and its state (initialize_SSL in fe-secure-openssl.c)."""
    from dbdoctor import tls

    explicit = target.settings.get("sslrootcert")
    if explicit == "system":
        return RootFile("system", explicit=True), None
    path = Path(explicit) if explicit else libpq_home(environ) / ".postgresql" / "root.crt"
    if not path.exists():
        return RootFile("missing", explicit=bool(explicit)), str(path)
    ca = tls.load_ca_file(path)
    if not ca.certificates:
        return RootFile("invalid", explicit=bool(explicit)), str(path)
    return RootFile("file", explicit=bool(explicit)), str(path)
