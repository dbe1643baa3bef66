"""``--project`` with a dependency dbdoctor has no record of: the report says so (``driver_assumed_because`` and
``driver_unrecognised``) instead of silently answering for libpq; a package.json listing only ``postgres`` is
postgres.js."""

from __future__ import annotations

import json
from pathlib import Path

from dbdoctor import drivers
from dbdoctor.drivers.detect import unrecognised
from dbdoctor.postgres.driver_check import parse_report

URL = "postgresql://app:pw@db.example.com/app?sslmode=require"


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_only_postgres_is_postgres_js(tmp_path: Path) -> None:
    root = _project(tmp_path, {"package.json": json.dumps({"dependencies": {"postgres": "3.4.9",
                                                                             "drizzle-orm": "0.30"}})})
    report = parse_report(URL, environ={}, env_files=(), driver=None, project=str(root))
    assert report.effective["driver"] == "postgres-js"
    assert "postgres in" in report.effective["driver_assumed_because"]
    assert "driver_unrecognised" not in report.effective


def test_an_unknown_client_is_said(tmp_path: Path) -> None:
    root = _project(tmp_path, {"package.json": json.dumps({"dependencies": {"@neondatabase/serverless": "0.9",
                                                                             "express": "4", "@types/pg": "8"}})})
    assert unrecognised(root) == ("@neondatabase/serverless in package.json",)
    choice = drivers.choose(None, URL, project=str(root))
    assert choice.name == "libpq" and choice.fallback and choice.unrecognised
    report = parse_report(URL, environ={}, env_files=(), driver=None, project=str(root))
    assert report.effective["driver_unrecognised"] == ["@neondatabase/serverless in package.json"]
    assert "not necessarily your app's" in report.effective["driver_assumed_because"]


def test_npgsql_in_a_csproj_is_said(tmp_path: Path) -> None:
    root = _project(tmp_path, {"App.csproj": '<Project><ItemGroup><PackageReference Include="Npgsql" '
                                            'Version="8.0.3" /></ItemGroup></Project>'})
    report = parse_report(URL, environ={}, env_files=(), driver=None, project=str(root))
    assert report.effective["driver"] == "libpq"
    assert report.effective["driver_unrecognised"] == ["Npgsql in App.csproj"]


def test_a_project_without_any_driver_says_libpq_was_assumed(tmp_path: Path) -> None:
    root = _project(tmp_path, {"package.json": json.dumps({"dependencies": {"express": "4"}})})
    report = parse_report(URL, environ={}, env_files=(), driver=None, project=str(root))
    assert report.effective["driver"] == "libpq"
    assert "no PostgreSQL driver found" in report.effective["driver_assumed_because"]
    assert "driver_unrecognised" not in report.effective


def test_without_project_nothing_changes() -> None:
    choice = drivers.choose(None, URL)
    assert choice.name == "libpq" and not choice.fallback and choice.unrecognised == ()
