"""The console script (``dbdoctor = dbdoctor._entry:run``) and ``python -m dbdoctor``.

``dbdoctor preflight`` runs at every start of an app, so its success path must not pay for click (issue 5):
for ``preflight`` with only the simple options (TARGET, --json, --timeout, --env-file, --phase, --driver libpq)
the engine's click-free path (``Engine.preflight_command``, the engine chosen by :func:`dbdoctor.route.route`)
runs before click is imported. Anything else (--wait, --help,
an option it does not know, a value click would reject, a failed connection) goes to the click command line
(:func:`dbdoctor.cli.run`) with the arguments untouched, so help, errors and the failure path are click's own.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Sequence

_FLOAT = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)")
_VALUED = ("--timeout", "--env-file", "--phase", "--driver")


def parse_preflight(args: Sequence[str]) -> dict[str, object] | None:
    """The options of ``dbdoctor preflight ARGS`` when they are simple and valid, else None (click decides)."""
    target: str | None = None
    as_json = False
    timeout = 10.0
    env_files: list[str] = []
    phase: str | None = None
    driver: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--json":
            as_json = True
            continue
        name, eq, value = arg.partition("=")
        if name in _VALUED:
            if not eq:
                if i >= len(args):
                    return None
                value = args[i]
                i += 1
            if not value or value.startswith("-"):
                return None
            if name == "--timeout":
                if not _FLOAT.fullmatch(value) or not 0.1 <= float(value) <= 3600:
                    return None
                timeout = float(value)
            elif name == "--env-file":
                if os.path.isdir(value):
                    return None
                env_files.append(value)
            elif name == "--phase":
                if value not in ("build", "run"):
                    return None
                phase = value
            else:
                if value != "libpq":
                    return None
                driver = value
            continue
        if arg.startswith("-") or target is not None:
            return None  # --wait, --help, -h, "--", an unknown option, a second argument: click's business
        target = arg
    return {"target": target, "as_json": as_json, "timeout": timeout, "env_files": tuple(env_files),
            "phase": phase, "driver": driver}


def _fast(options: dict[str, object]) -> int | None:
    """The engine's click-free ``preflight`` for simple options: its exit code, or None for the click command
    (input the engine cannot use, a failure that needs the full path, a dotenv file that cannot be read)."""
    from dbdoctor.errors import InputError
    from dbdoctor.route import route

    target = options["target"]
    try:
        engine = route(None if target is None else str(target), os.environ,
                       options["env_files"], driver=options["driver"]).get()  # type: ignore[arg-type]
    except InputError:
        return None
    return engine.preflight_command(options)


def run(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["preflight"]:
        options = parse_preflight(args[1:])
        if options is not None:
            try:
                code = _fast(options)
            except BrokenPipeError:
                sys.exit(0)
            except KeyboardInterrupt:
                sys.stderr.write("Interrupted.\n")
                sys.exit(130)
            except Exception:  # a bug: the click command line reports it as it reports any (exit 3, no trace)
                code = None
            if code is not None:
                sys.exit(code)
    from dbdoctor.cli import run as full

    full(argv)


__all__ = ["parse_preflight", "run"]
