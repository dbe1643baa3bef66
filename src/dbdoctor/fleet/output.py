"""Scan output: JSON Lines and CSV stream as results arrive; the table is sorted worst first, so it is
printed at the end (it keeps one small row per endpoint, not the results)."""

from __future__ import annotations

import csv
import json
from typing import IO, Final

from dbdoctor.fleet.records import Result, status_rank

CSV_FIELDS: Final = ("name", "host", "port", "engine", "status", "tls", "tls_version", "days_left", "not_after",
                     "chain_complete", "trusted", "name_matched", "issues", "error", "fingerprint_sha256",
                     "duration_ms")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


class JsonLinesWriter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def add(self, result: Result) -> None:
        self.stream.write(json.dumps(result.to_dict(), separators=(",", ":")) + "\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


class CsvWriter:
    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self._w = csv.writer(stream, lineterminator="\n")
        self._w.writerow(CSV_FIELDS)

    def add(self, result: Result) -> None:
        d = result.to_dict()
        d["issues"] = " ".join(result.issues)
        self._w.writerow([_cell(d.get(f)) for f in CSV_FIELDS])
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


_HEAD: Final = ("STATUS", "ENDPOINT", "ENGINE", "TLS", "PROTO", "DAYS", "CHAIN", "NAME", "ISSUES")


def _row(r: Result) -> tuple[tuple[int, float, str], tuple[str, ...]]:
    chain = "-" if r.chain_complete is None else ("complete" if r.chain_complete else "INCOMPLETE")
    if r.trusted is False and r.chain_complete:
        chain = "untrusted"
    name = "-" if r.name_matched is None else ("ok" if r.name_matched else "MISMATCH")
    detail = " ".join(r.issues) or "-"
    if r.error:
        detail += f" ({r.error})"
    cells = (r.status.upper(), r.endpoint.display, r.engine or "?", r.tls, (r.tls_version or "-").replace("TLSv", ""),
             "-" if r.days_left is None else str(r.days_left), chain, name, detail)
    days = float(r.days_left) if r.days_left is not None else float("inf")
    return (-status_rank(r.status), days, r.endpoint.display), cells


class TableWriter:
    """Worst first: status (error, fail, warn, ok), then fewest days left, then name."""

    def __init__(self, stream: IO[str], width: int = 160) -> None:
        self.stream = stream
        self.width = width
        self._rows: list[tuple[tuple[int, float, str], tuple[str, ...]]] = []

    def add(self, result: Result) -> None:
        self._rows.append(_row(result))

    def close(self) -> None:
        self._rows.sort(key=lambda kr: kr[0])
        rows = [_HEAD, *(cells for _k, cells in self._rows)]
        widths = [max(len(r[i]) for r in rows) for i in range(len(_HEAD) - 1)]
        for r in rows:
            line = "  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1]
            self.stream.write(line.rstrip()[: max(self.width, 80) * 4] + "\n")
        counts: dict[str, int] = {}
        for _k, cells in self._rows:
            counts[cells[0].lower()] = counts.get(cells[0].lower(), 0) + 1
        summary = ", ".join(f"{counts[s]} {s}" for s in ("error", "fail", "warn", "ok") if s in counts)
        self.stream.write(f"\n{len(self._rows)} endpoint(s): {summary or 'none'}\n")
        self.stream.flush()


def writer_for(fmt: str, stream: IO[str]) -> JsonLinesWriter | CsvWriter | TableWriter:
    if fmt == "jsonl":
        return JsonLinesWriter(stream)
    if fmt == "csv":
        return CsvWriter(stream)
    return TableWriter(stream)


__all__ = ["CSV_FIELDS", "CsvWriter", "JsonLinesWriter", "TableWriter", "writer_for"]
