"""What the check pipeline of every engine takes (the shared part of ``dbdoctor check``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping


@dataclasses.dataclass(frozen=True, slots=True)
class CheckInput:
    text: str | None
    environ: Mapping[str, str]
    env_files: tuple[str, ...] = ()
    timeout: float = 10.0
    driver: str | None = None
    #: a project directory whose dependency files name the driver (``--project``; issue 4)
    project: str | None = None
    #: "build" or "run" (``--phase``); None: from DBDOCTOR_PHASE or the builders' markers in ``environ``
    phase: str | None = None
    #: MySQL/MariaDB: the option file whose ``[client]`` group is read instead of ``~/.my.cnf``
    defaults_file: str | None = None
