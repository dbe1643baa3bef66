"""``dbdoctor.parse``: the library form of ``dbdoctor parse``."""

from __future__ import annotations

from pathlib import Path

import pytest

import dbdoctor
from dbdoctor.errors import SourceFileError, TargetParseError


def test_parse_api(tmp_path: Path) -> None:
    report = dbdoctor.parse("postgresql://app@db/app?sslmode=require", environ={"HOME": str(tmp_path),
                                                                                "PGSSLMODE": "disable"})
    doc = report.to_dict()
    assert doc["effective"]["port"] == 5432 and doc["password"] == "unset"
    assert [f.code for f in report.findings] == ["DD107"]


def test_parse_api_errors(tmp_path: Path) -> None:
    with pytest.raises(TargetParseError):
        dbdoctor.parse("host='x", environ={"HOME": str(tmp_path)})
    with pytest.raises(SourceFileError):
        dbdoctor.parse(None, environ={"HOME": str(tmp_path)}, env_files=[tmp_path / "missing.env"])
