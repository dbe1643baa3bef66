"""Sandbox fixtures for the whole suite.

- ``pg_sandbox``: one PostgreSQL sandbox server (profile ``managed``, cert ``full``) for the session. A test
  that needs another profile or certificate uses ``with pg_sandbox.configured(profile=..., cert=...):``, which
  restores the previous setting afterwards (or the ``pg_configure`` factory fixture). A test that leaves the
  server changed gets it restored by ``_restore_pg_sandbox`` and a warning.
- ``pki``: the sandbox PKI (paths of every CA, server variant and client certificate).
- ``pg_bindir``: the PostgreSQL binaries.

Without PostgreSQL binaries these skip with the reason; with $CI set they fail instead, so a CI machine that
lacks them cannot pass by skipping.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dbdoctor.errors import SandboxError
from dbdoctor.sandbox import SandboxServer, start
from dbdoctor.sandbox.certs import Pki, ensure_pki
from dbdoctor.sandbox.profiles import DEFAULT_CERT, DEFAULT_PROFILE


def _missing_binaries(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_bindir() -> Path:
    from dbdoctor.sandbox.postgres import find_bindir

    try:
        return find_bindir()
    except SandboxError as exc:
        _missing_binaries(str(exc))
        raise  # unreachable: skip/fail raise


@pytest.fixture(scope="session")
def pg_sandbox(pg_bindir: Path) -> Iterator[SandboxServer]:
    """A running PostgreSQL sandbox (managed, full) shared by the session; stopped at the end."""
    srv = start(engine="postgresql", profile=DEFAULT_PROFILE, cert=DEFAULT_CERT)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(autouse=True)
def _restore_pg_sandbox(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "pg_sandbox" not in request.fixturenames:
        return
    srv: SandboxServer = request.getfixturevalue("pg_sandbox")
    if (srv.profile, srv.cert) != (DEFAULT_PROFILE, DEFAULT_CERT):
        warnings.warn(
            f"{request.node.nodeid} left pg_sandbox at profile={srv.profile} cert={srv.cert}; restored. "
            "Use `with pg_sandbox.configured(...)`.",
            stacklevel=1,
        )
        srv.reconfigure(profile=DEFAULT_PROFILE, cert=DEFAULT_CERT)


@pytest.fixture
def pg_configure(pg_sandbox: SandboxServer) -> Iterator[Callable[..., SandboxServer]]:
    """``pg_configure(profile="reject", cert="expired")`` reconfigures the session server for this test;
    it is put back to managed/full afterwards."""

    def configure(profile: str | None = None, cert: str | None = None) -> SandboxServer:
        pg_sandbox.reconfigure(profile=profile, cert=cert)
        return pg_sandbox

    yield configure
    if (pg_sandbox.profile, pg_sandbox.cert) != (DEFAULT_PROFILE, DEFAULT_CERT):
        pg_sandbox.reconfigure(profile=DEFAULT_PROFILE, cert=DEFAULT_CERT)


@pytest.fixture(scope="session")
def pki() -> Pki:
    """The sandbox PKI (generated or reused from the state dir). Needs no PostgreSQL."""
    from dbdoctor.sandbox import _system

    state = _system.state_dir()
    with _system.locked(state / ".lock"):
        return ensure_pki(state / "pki", client_cn="app")
