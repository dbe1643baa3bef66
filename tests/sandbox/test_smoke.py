from __future__ import annotations

import psycopg
import pytest

from dbdoctor.sandbox import SandboxServer


@pytest.mark.server
def test_managed_url_connects_with_verify_full(pg_sandbox: SandboxServer) -> None:
    with psycopg.connect(pg_sandbox.url, connect_timeout=5) as conn:
        row = conn.execute("SELECT current_user, ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetchone()
    assert row == ("app", True)
