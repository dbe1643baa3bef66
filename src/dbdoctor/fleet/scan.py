"""Scan many endpoints in one asyncio process: bounded concurrency, a deadline per endpoint and for the run,
never two connections to the same endpoint at once, results streamed out as they complete (memory stays flat:
endpoints are read lazily and only ``concurrency`` of them are in flight).

    async for result in scan_iter(endpoints, ScanOptions(concurrency=200, timeout=5, run_timeout=60)):
        ...

:func:`scan` is the synchronous form with a callback.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator

from dbdoctor.fleet.certs import Analyzer
from dbdoctor.fleet.probe import ProbeOptions, ProbeState, finish, probe
from dbdoctor.fleet.records import Endpoint, Result


@dataclasses.dataclass(frozen=True, slots=True)
class ScanOptions:
    concurrency: int = 100
    timeout: float = 5.0  # per endpoint
    run_timeout: float | None = None  # whole run
    ca_file: str | None = None
    expiring_days: int = 30
    #: connections per endpoint at once: 1 (the default) runs the plain-text probe after the TLS one
    per_endpoint: int = 1

    def probe_options(self) -> ProbeOptions:
        return ProbeOptions(timeout=self.timeout, ca_file=self.ca_file, expiring_days=self.expiring_days,
                            parallel=self.per_endpoint > 1)


def _not_probed(ep: Endpoint, analyzer: Analyzer, popts: ProbeOptions, why: str) -> Result:
    from dbdoctor.errors import ProbeFailed

    return finish(ep, ProbeState(engine=ep.engine), analyzer, popts, started=time.monotonic(),
                  failure=ProbeFailed("queue", why, "timeout"))


_END = object()


async def scan_iter(
    endpoints: Iterable[Endpoint], options: ScanOptions, analyzer: Analyzer | None = None
) -> AsyncIterator[Result]:
    """Results in completion order. An InputError from the inventory stops the scan and is raised here."""
    analyzer = analyzer or Analyzer()
    popts = options.probe_options()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + options.run_timeout if options.run_timeout else None
    it: Iterator[Endpoint] = iter(endpoints)
    out: asyncio.Queue[object] = asyncio.Queue(maxsize=max(16, options.concurrency * 2))
    locks: dict[tuple[str, int], tuple[asyncio.Lock, list[int]]] = {}

    async def one(ep: Endpoint) -> Result:
        remaining = None if deadline is None else deadline - loop.time()
        if remaining is not None and remaining <= 0:
            return _not_probed(ep, analyzer, popts, "not probed: the run's deadline had passed")
        entry = locks.get(ep.key)
        if entry is None:
            entry = locks[ep.key] = (asyncio.Lock(), [0])
        lock, users = entry
        users[0] += 1
        try:
            async with lock:
                remaining = None if deadline is None else deadline - loop.time()
                if remaining is not None and remaining <= 0:
                    return _not_probed(ep, analyzer, popts, "not probed: the run's deadline had passed")
                limit = popts.timeout if remaining is None else min(popts.timeout, remaining)
                return await probe(ep, analyzer, popts, timeout=limit)
        finally:
            users[0] -= 1
            if users[0] == 0:
                locks.pop(ep.key, None)

    async def worker() -> None:
        for ep in it:  # one shared iterator: next() runs between awaits, so workers never get the same item
            await out.put(await one(ep))

    async def supervise() -> None:
        workers = [asyncio.create_task(worker()) for _ in range(max(1, options.concurrency))]
        try:
            await asyncio.gather(*workers)
        except BaseException as exc:
            for w in workers:
                w.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            if isinstance(exc, asyncio.CancelledError):
                raise  # the consumer went away: nobody to tell
            await out.put(exc)
            return
        await out.put(_END)

    boss = asyncio.create_task(supervise())
    try:
        while True:
            item = await out.get()
            if item is _END:
                break
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, Result)
            yield item
    finally:
        if not boss.done():
            boss.cancel()
            await asyncio.gather(boss, return_exceptions=True)


def scan(
    endpoints: Iterable[Endpoint],
    options: ScanOptions,
    on_result: Callable[[Result], None],
    analyzer: Analyzer | None = None,
) -> int:
    """Run a scan to the end, calling ``on_result`` for each result; returns how many endpoints were seen."""

    async def main() -> int:
        n = 0
        async for r in scan_iter(endpoints, options, analyzer):
            on_result(r)
            n += 1
        return n

    return asyncio.run(main())


__all__ = ["ScanOptions", "scan", "scan_iter"]
