"""The real driver's connection for an endpoint with credentials (scan's ``password_file`` column, the
exporter's ``password_file`` key): psycopg (libpq) for PostgreSQL, PyMySQL for MySQL/MariaDB, in a worker
thread under the endpoint's deadline.

The password is read from the named file at connection time and is never kept in a record, a metric or a
message (the driver's message is scrubbed). The TLS mode is the one given (default: full verification), so a
password never travels over a connection weaker than what its owner configured.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
from pathlib import Path
from typing import Any, Final

from dbdoctor.fleet.records import Endpoint

PG_DEFAULT_MODE: Final = "verify-full"
MY_DEFAULT_MODE: Final = "VERIFY_IDENTITY"
MAX_PASSWORD_FILE: Final = 4096


@dataclasses.dataclass(frozen=True, slots=True)
class Connection:
    ok: bool
    message: str | None
    elapsed_ms: float


def read_password(path: str) -> str:
    """The first line of ``path`` (a file the config or inventory names), without its newline."""
    raw = Path(path).read_bytes()[:MAX_PASSWORD_FILE]
    return raw.decode("utf-8").splitlines()[0] if raw.strip() else ""


def _scrub(message: str, password: str) -> str:
    from urllib.parse import quote

    for form in {password, quote(password, safe=""), quote(password)}:
        if form:
            message = message.replace(form, "****")
    return message


def _pg(ep: Endpoint, password: str, mode: str, ca_file: str | None, timeout: float) -> None:
    import psycopg

    params: dict[str, Any] = {
        "host": ep.servername or ep.host, "port": ep.port, "user": ep.user or "postgres", "password": password,
        "dbname": ep.dbname or ep.user or "postgres", "sslmode": mode, "connect_timeout": max(2, int(timeout)),
        "application_name": "dbdoctor-fleet",
    }
    address = ep.address or (ep.host if ep.servername else None)
    if address:
        params["hostaddr"] = address
    if ca_file:
        params["sslrootcert"] = ca_file
    psycopg.connect(**params).close()


def _my(ep: Endpoint, password: str, mode: str, ca_file: str | None, timeout: float) -> None:
    import ssl

    import pymysql

    ctx: ssl.SSLContext | None = None
    name = ep.servername or ep.host
    if mode != "DISABLED":
        ctx = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
        # PyMySQL checks the name against the address it connects to: the name is checked below instead
        ctx.check_hostname = False
        if mode in ("REQUIRED", "PREFERRED"):
            ctx.verify_mode = ssl.CERT_NONE
    conn = pymysql.connect(
        host=ep.address or ep.host, port=ep.port, user=ep.user or "root", password=password,
        database=ep.dbname, connect_timeout=max(1, int(timeout)), ssl=ctx,
    )
    try:
        if mode == "VERIFY_IDENTITY":
            from cryptography import x509

            from dbdoctor.tls import match_host

            der = conn._sock.getpeercert(binary_form=True)
            if not der or not match_host(x509.load_der_x509_certificate(der), name).matched:
                raise ssl.SSLCertVerificationError(f"the certificate does not name {name}")
    finally:
        conn.close()


async def connect(ep: Endpoint, engine: str, password_file: str, *, mode: str | None, ca_file: str | None,
                  timeout: float) -> Connection:
    start = time.monotonic()
    try:
        password = read_password(password_file)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        return Connection(False, f"cannot read the password file {os.path.basename(password_file)}: {reason}", 0.0)
    fn = _my if engine == "mysql" else _pg
    chosen = mode or (MY_DEFAULT_MODE if engine == "mysql" else PG_DEFAULT_MODE)
    try:
        async with asyncio.timeout(timeout):
            await asyncio.to_thread(fn, ep, password, chosen, ca_file, timeout)
    except TimeoutError:
        return Connection(False, f"timed out after {timeout:g} s", (time.monotonic() - start) * 1000)
    except Exception as exc:  # the driver's own error, whatever its class
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Connection(False, _scrub(text, password)[:300], (time.monotonic() - start) * 1000)
    return Connection(True, None, (time.monotonic() - start) * 1000)


__all__ = ["Connection", "connect", "read_password"]
