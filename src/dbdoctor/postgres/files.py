"""libpq's home directory on this machine (``~/.postgresql``, ``~/.pgpass``), as libpq finds it."""

from __future__ import annotations

import os
import pwd
from collections.abc import Mapping
from pathlib import Path


def libpq_home(environ: Mapping[str, str]) -> Path:
    """The home directory libpq uses (pqGetHomeDirectory: $HOME, else the passwd entry of the effective user)."""
    home = environ.get("HOME")
    if home:
        return Path(home)

    try:
        return Path(pwd.getpwuid(os.geteuid()).pw_dir)
    except KeyError:
        return Path("/")
