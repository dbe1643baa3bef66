"""The ASGI lifespan example in docs/integrations.md, run as written (taken from the page) with the lifespan
protocol driven the way an ASGI server drives it, against the real sandbox."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from fix_preflight import Probe, assert_clean

pytestmark = pytest.mark.server

DOC = Path(__file__).resolve().parents[2] / "docs" / "integrations.md"


def example_app() -> dict[str, Any]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## ASGI lifespan", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "no python block in the ASGI section"
    namespace: dict[str, Any] = {"__name__": "asgi_example"}
    exec(compile(code.group(1), str(DOC), "exec"), namespace)
    namespace["PREFLIGHT_WAIT"] = 0.0  # the test does not wait for a server that will not come
    return namespace


async def _lifespan(app: Any) -> list[dict[str, Any]]:
    incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return await incoming.get()

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "lifespan.startup.complete":
            await incoming.put({"type": "lifespan.shutdown"})

    await incoming.put({"type": "lifespan.startup"})
    await asyncio.wait_for(app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send), 60)
    return sent


def test_startup_completes_when_the_database_works(probe: Probe, monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("DATABASE_URL", probe.url())
    caplog.set_level("INFO", logger="app")
    sent = asyncio.run(_lifespan(example_app()["app"]))
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert any(r.getMessage().startswith("preflight ok: ") for r in caplog.records)
    assert_clean(caplog.text, probe.password)


def test_startup_fails_with_the_cause(probe: Probe, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", probe.url().replace("sslmode=verify-full", "sslmode=disable"))
    sent = asyncio.run(_lifespan(example_app()["app"]))
    assert [m["type"] for m in sent] == ["lifespan.startup.failed"]
    assert sent[0]["message"].startswith("preflight failed (server_requires_ssl)")
    assert_clean(sent[0]["message"], probe.password)
