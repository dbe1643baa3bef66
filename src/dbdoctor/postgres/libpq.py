"""A tiny ctypes binding to the libpq that psycopg itself uses (the one the psycopg-binary wheel bundles), for the
CLI preflight's success path: one connection without importing psycopg (~100 ms of imports at every start).

Only that libpq is ever loaded: it is found next to the ``psycopg_binary`` package without importing it
(``psycopg_binary.libs/libpq-*.so*``). When psycopg would use another libpq (``PSYCOPG_IMPL`` names another
implementation, or ``psycopg_c``, linked against the system's libpq, is installed and would win), or the bundled
file cannot be found, :func:`load` returns None and the caller uses psycopg as before. A PGconn made here never
leaves this module's handle.

Nothing secret is read back: the password goes only into ``PQconnectStartParams`` (with the caller's strings),
and whether libpq has one is answered by looking at the first byte (``has_password``).
"""

from __future__ import annotations

import ctypes
import os
from typing import Final

CONNECTION_OK: Final = 0
CONNECTION_BAD: Final = 1
POLLING_FAILED: Final = 0
POLLING_READING: Final = 1
POLLING_WRITING: Final = 2
POLLING_OK: Final = 3


class _ConninfoOption(ctypes.Structure):
    """PQconninfoOption (libpq-fe.h)."""

    _fields_ = [
        ("keyword", ctypes.c_char_p),
        ("envvar", ctypes.c_char_p),
        ("compiled", ctypes.c_char_p),
        ("val", ctypes.c_char_p),
        ("label", ctypes.c_char_p),
        ("dispchar", ctypes.c_char_p),
        ("dispsize", ctypes.c_int),
    ]


def bundled_path() -> str | None:
    """The libpq of the psycopg-binary wheel, when psycopg would use it; None otherwise."""
    impl = os.environ.get("PSYCOPG_IMPL", "").strip().lower()
    if impl and impl != "binary":
        return None
    import importlib.util

    try:
        if impl != "binary" and importlib.util.find_spec("psycopg_c") is not None:
            return None  # psycopg prefers its C implementation, linked against another libpq
        spec = importlib.util.find_spec("psycopg_binary")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    pkg = next(iter(spec.submodule_search_locations))
    libs = os.path.join(os.path.dirname(pkg), "psycopg_binary.libs")
    try:
        found = [n for n in os.listdir(libs) if n.startswith("libpq-") and ".so" in n]
    except OSError:
        return None
    if len(found) != 1:
        return None
    return os.path.join(libs, found[0])


class LibPQ:
    """The functions of one loaded libpq. Every PGconn passed in must come from this same object."""

    def __init__(self, path: str) -> None:
        lib = ctypes.CDLL(path)
        p = ctypes.c_void_p
        s = ctypes.c_char_p
        i = ctypes.c_int
        arr = ctypes.POINTER(ctypes.c_char_p)
        for name, res, args in (
            ("PQconnectStartParams", p, (arr, arr, i)),
            ("PQconnectPoll", i, (p,)),
            ("PQstatus", i, (p,)),
            ("PQsocket", i, (p,)),
            ("PQfinish", None, (p,)),
            ("PQpass", p, (p,)),
            ("PQconninfo", ctypes.POINTER(_ConninfoOption), (p,)),
            ("PQconninfoFree", None, (ctypes.POINTER(_ConninfoOption),)),
            ("PQsslInUse", i, (p,)),
            ("PQsslAttribute", s, (p, s)),
            ("PQserverVersion", i, (p,)),
            ("PQlibVersion", i, ()),
        ):
            fn = getattr(lib, name)
            fn.restype = res
            fn.argtypes = args
        self.lib = lib

    def version(self) -> int:
        return int(self.lib.PQlibVersion())

    def start(self, params: dict[str, str], *, expand_dbname: bool) -> int | None:
        """PQconnectStartParams: a PGconn (as an address; free it with :meth:`finish`), None when out of memory.
        ``dbname``, when present, is passed first so that later keywords override what it expands to."""
        items = sorted(params.items(), key=lambda kv: kv[0] != "dbname")
        n = len(items)
        keys = (ctypes.c_char_p * (n + 1))(*[k.encode() for k, _ in items], None)
        values = (ctypes.c_char_p * (n + 1))(*[v.encode("utf-8", "surrogateescape") for _, v in items], None)
        conn = self.lib.PQconnectStartParams(keys, values, 1 if expand_dbname else 0)
        return int(conn) if conn else None

    def status(self, conn: int) -> int:
        return int(self.lib.PQstatus(conn))

    def poll(self, conn: int) -> int:
        return int(self.lib.PQconnectPoll(conn))

    def socket(self, conn: int) -> int:
        return int(self.lib.PQsocket(conn))

    def finish(self, conn: int) -> None:
        self.lib.PQfinish(conn)

    def options(self, conn: int) -> dict[str, str | None]:
        """PQconninfo: every option of this connection and its value (secret ones left out). Host, hostaddr and
        port are the lists as configured (PQhost and PQport would give only the host connected to, while the
        line shows the whole list, as the full path does)."""
        opts = self.lib.PQconninfo(conn)
        if not opts:
            return {}
        out: dict[str, str | None] = {}
        try:
            k = 0
            while opts[k].keyword is not None:
                o = opts[k]
                k += 1
                kw = o.keyword.decode("ascii", "replace")
                if (o.dispchar or b"") == b"*" or kw in ("password", "sslpassword", "oauth_client_secret"):
                    continue  # "*": a secret (password, sslpassword, ...); never read into Python
                out[kw] = o.val.decode("utf-8", "surrogateescape") if o.val is not None else None
        finally:
            self.lib.PQconninfoFree(opts)
        return out

    def has_password(self, conn: int) -> bool:
        """Whether libpq holds a non-empty password for this connection; only its first byte is looked at."""
        ptr = self.lib.PQpass(conn)
        return bool(ptr) and ctypes.c_char.from_address(ptr).value != b"\0"

    def ssl_protocol(self, conn: int) -> str | None:
        if not self.lib.PQsslInUse(conn):
            return None
        raw = self.lib.PQsslAttribute(conn, b"protocol")
        return raw.decode("ascii", "replace") if raw is not None else None

    def server_version(self, conn: int) -> int:
        return int(self.lib.PQserverVersion(conn))


def load() -> LibPQ | None:
    """The bundled libpq, loaded; None when it is not there (or not the one psycopg would use)."""
    path = bundled_path()
    if path is None:
        return None
    try:
        return LibPQ(path)
    except (OSError, AttributeError):
        return None


__all__ = ["CONNECTION_OK", "LibPQ", "bundled_path", "load"]
