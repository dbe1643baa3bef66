"""MariaDB sandbox fixtures.

- ``mariadb_sandbox``: one MariaDB 10.11 sandbox server (profile ``managed``: TLS with the ``full`` certificate,
  ``require_secure_transport=ON``) for the session. Use ``with mariadb_sandbox.configured(profile=..., cert=...)``
  for another profile (``tls_offered``, ``tls_off``) or certificate; it is restored afterwards.

Without the MariaDB binaries these skip; with $CI set they fail, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator

import pytest

from dbdoctor.sandbox import SandboxServer, start
from dbdoctor.sandbox.profiles import DEFAULT_CERT, DEFAULT_PROFILE


@pytest.fixture(scope="session")
def mariadb_sandbox() -> Iterator[SandboxServer]:
    from dbdoctor.sandbox import mariadb

    if not mariadb.available():
        reason = "MariaDB server binaries (mariadbd, mariadb-install-db) are not installed"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {reason}", pytrace=False)
        pytest.skip(reason)
    srv = start(engine="mariadb", profile=DEFAULT_PROFILE, cert=DEFAULT_CERT)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(autouse=True)
def _restore_mariadb_sandbox(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "mariadb_sandbox" not in request.fixturenames:
        return
    srv: SandboxServer = request.getfixturevalue("mariadb_sandbox")
    if (srv.profile, srv.cert) != (DEFAULT_PROFILE, DEFAULT_CERT):
        warnings.warn(
            f"{request.node.nodeid} left mariadb_sandbox at profile={srv.profile} cert={srv.cert}; restored.",
            stacklevel=1,
        )
        srv.reconfigure(profile=DEFAULT_PROFILE, cert=DEFAULT_CERT)
