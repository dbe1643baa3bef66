"""Many endpoints, and over time: ``dbdoctor scan``, ``dbdoctor watch`` and ``dbdoctor exporter``.

A password-free asyncio prober (:mod:`dbdoctor.fleet.probe`) reuses the pure wire parsers of
``dbdoctor.probe`` and the certificate analysis of ``dbdoctor.tls`` (cached per distinct chain); results are
frozen records (:mod:`dbdoctor.fleet.records`) streamed out as they complete.
"""

from __future__ import annotations

from dbdoctor.fleet.inventory import engine_of_target, parse_target, read_inventory
from dbdoctor.fleet.records import ISSUES, CertInfo, Endpoint, Result
from dbdoctor.fleet.scan import ScanOptions, scan, scan_iter

__all__ = [
    "ISSUES",
    "CertInfo",
    "Endpoint",
    "Result",
    "ScanOptions",
    "engine_of_target",
    "parse_target",
    "read_inventory",
    "scan",
    "scan_iter",
]
