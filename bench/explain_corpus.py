"""explain on the real-message corpus (tests/data/messages/): the score by driver family, and how long explain
takes on a message, on 100 KB and on 1 MB of pasted log (the input is cut to a bounded excerpt first).

    .venv/bin/python bench/explain_corpus.py [--misses]

Offline, single-threaded; prints a table. --misses lists the messages whose established cause explain misses."""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "explain"))

import corpus

from dbdoctor.explain import explain


def _timed(text: str, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        explain(text)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the messages explain gets wrong")
    args = parser.parse_args()

    messages = corpus.load()
    start = time.perf_counter()
    outcomes = corpus.score(messages)
    elapsed = time.perf_counter() - start
    print(corpus.render(corpus.by_family(outcomes)))
    print(f"\n{len(messages)} messages explained in {elapsed:.2f} s ({elapsed / len(messages) * 1000:.1f} ms each)")

    message = messages[0].text
    noise = "2026-12-03 10:00:00 INFO worker heartbeat ok, queue=17, lag=0.003s\n"
    for size in (100_000, 1_000_000):
        log = noise * (size // len(noise)) + message
        print(f"{size // 1000:>5} KB of log ending in a message: {_timed(log, 5) * 1000:.0f} ms (median of 5)")
    one_line = "x" * 1_000_000 + " " + message
    print(f" 1000 KB on one line: {_timed(one_line, 5) * 1000:.0f} ms (median of 5)")

    if args.misses:
        for o in outcomes:
            if not o.right:
                text = o.message.text.replace("\n", " ")[:140]
                print(f"{o.message.id}: wants {o.message.cause}, named {list(o.named)}: {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
