"""dbdoctor sources: every config file a project keeps connection settings in, read without running it."""

from __future__ import annotations

import json
import random
import textwrap
from pathlib import Path

import pytest

from dbdoctor.inventory import Entry, SourcesReport, scan
from dbdoctor.inventory.yaml_files import yaml_scalars as _yaml_scalars

SECRETS = ("S3cr@t", "hunter2pw", "pw1234", "composepw99", "devpassword1", "djangopw77", "djurlpw", "springpw5",
           "changeme", "servicepw", "passfilepw")


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


PROJECT = {
    ".env": """
        DATABASE_URL=postgresql://app:S3cr%40t@db.example.com:5432/app?sslmode=verify-full
        PGSSLMODE=require
        """,
    ".env.local": """
        PGSSLMODE=disable
        DB_PASSWORD=hunter2pw
        """,
    ".env.example": "DATABASE_URL=postgresql://user:changeme@localhost/app\n",
    "docker-compose.yml": """
        services:
          web:
            image: app
            environment:
              - DATABASE_URL=postgresql://app:pw1234@db:5432/app?sslmode=disable
              - DEBUG=1
          db:
            image: postgres:15
            environment:
              POSTGRES_PASSWORD: composepw99
              POSTGRES_DB: "app"
        """,
    "config/database.yml": """
        default: &default
          adapter: postgresql
        production:
          <<: *default
          url: <%= ENV["DATABASE_URL"] %>
        development:
          <<: *default
          host: localhost
          database: app_dev
          password: devpassword1
        """,
    "prisma/schema.prisma": """
        datasource db {
          provider  = "postgresql"
          url       = env("DATABASE_URL")
          directUrl = env("DIRECT_URL")
        }
        """,
    "mysite/settings.py": """
        import os
        import dj_database_url
        DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": os.environ.get("DB_NAME", "app"),
                "PASSWORD": "djangopw77",
                "HOST": os.getenv("DB_HOST", "localhost"),
                "OPTIONS": {"sslmode": "require"},
            }
        }
        DATABASES["default"] = dj_database_url.config(default="postgres://u:djurlpw@other.host/db", ssl_require=True)
        raise SystemExit("this file must never be executed by dbdoctor")
        """,
    "src/main/resources/application.properties": """
        spring.datasource.url=jdbc:postgresql://spring.host:5432/app?sslmode=verify-full
        spring.datasource.password=${DB_PASSWORD:springpw5}
        """,
    "src/main/resources/application-prod.yml": """
        spring:
          datasource:
            url: ${JDBC_DATABASE_URL}
            username: app
        """,
    "node_modules/pkg/.env": "DATABASE_URL=postgresql://x:y@ignored/db\n",
}


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, SourcesReport]:
    root = tmp_path / "proj"
    _write(root, PROJECT)
    home = tmp_path / "home"
    home.mkdir()
    (home / ".pg_service.conf").write_text("[prod]\nhost=svc.example.com\nsslmode=verify-ca\npassword=servicepw\n")
    pgpass = home / ".pgpass"
    pgpass.write_text("# comment\ndb.example.com:5432:app:app:passfilepw\n")
    pgpass.chmod(0o600)
    env = {"HOME": str(home), "PGHOST": "envhost", "PATH": "/usr/bin", "DB_PASSWORD": "hunter2pw"}
    return root, scan(root, environ=env, home=home)


def _find(report: SourcesReport, file: str, key: str) -> Entry:
    matches = [e for e in report.entries if e.file.endswith(file) and e.key == key]
    assert len(matches) == 1, (file, key, [(e.file, e.key) for e in report.entries])
    return matches[0]


def test_every_kind_of_file_is_found_with_its_line(project: tuple[Path, SourcesReport]) -> None:
    _, r = project
    url = _find(r, ".env", "DATABASE_URL")
    assert (url.kind, url.line, url.secret) == ("dotenv", 1, True)
    assert url.value == "postgresql://app:****@db.example.com:5432/app?sslmode=verify-full"
    assert url.parsed["host"] == "db.example.com" and url.parsed["sslmode"] == "verify-full"
    web = _find(r, "docker-compose.yml", "web.DATABASE_URL")
    assert web.line == 5 and web.parsed["sslmode"] == "disable" and web.value and "****" in web.value
    db = _find(r, "docker-compose.yml", "db.POSTGRES_PASSWORD")
    assert db.line == 10 and db.secret and db.value is None
    assert _find(r, "docker-compose.yml", "db.POSTGRES_DB").value == "app"
    assert _find(r, "config/database.yml", "production.url").reads_env == "DATABASE_URL"
    dev = _find(r, "config/database.yml", "development.password")
    assert dev.secret and dev.line == 10
    assert _find(r, "prisma/schema.prisma", "url").reads_env == "DATABASE_URL"
    assert _find(r, "prisma/schema.prisma", "directUrl").reads_env == "DIRECT_URL"
    host = _find(r, "mysite/settings.py", "DATABASES.default.HOST")
    assert host.reads_env == "DB_HOST" and host.line == 8
    assert _find(r, "mysite/settings.py", "DATABASES.default.PASSWORD").secret
    assert _find(r, "mysite/settings.py", "DATABASES.default.OPTIONS.sslmode").parsed == {"sslmode": "require"}
    dj = _find(r, "mysite/settings.py", "DATABASES.default")
    assert dj.reads_env == "DATABASE_URL" and dj.parsed["host"] == "other.host" and dj.parsed["sslmode"] == "require"
    sp = _find(r, "application.properties", "spring.datasource.url")
    assert sp.parsed["host"] == "spring.host" and sp.line == 1
    spw = _find(r, "application.properties", "spring.datasource.password")
    assert spw.reads_env == "DB_PASSWORD" and spw.secret
    assert _find(r, "application-prod.yml", "spring.datasource.url").reads_env == "JDBC_DATABASE_URL"
    svc = _find(r, ".pg_service.conf", "[prod].host")
    assert svc.parsed == {"host": "svc.example.com"} and svc.line == 2
    assert _find(r, ".pg_service.conf", "[prod].password").secret
    pp = _find(r, ".pgpass", "db.example.com:5432:app:app")
    assert pp.line == 2 and pp.value == "db.example.com:5432:app:app:****"
    assert _find(r, "environment", "PGHOST").parsed == {"host": "envhost"}
    assert not any("node_modules" in e.file for e in r.entries)
    assert not any(e.key == "PATH" for e in r.entries)


def test_templates_are_listed_but_not_compared(project: tuple[Path, SourcesReport]) -> None:
    _, r = project
    t = _find(r, ".env.example", "DATABASE_URL")
    assert t.kind == "template" and t.status == "template: not loaded"
    assert not any("localhost/app" in f.detail or ".env.example" in f.detail for f in r.findings)


def test_precedence_and_override_findings(project: tuple[Path, SourcesReport]) -> None:
    _, r = project
    assert _find(r, ".env.local", "PGSSLMODE").status == "wins"
    assert _find(r, ".env", "PGSSLMODE").status == "overridden by .env.local:1"
    assert _find(r, "environment", "DB_PASSWORD").status == "wins"
    assert _find(r, ".env.local", "DB_PASSWORD").status == "overridden by environment"
    dd107 = [f for f in r.findings if f.code == "DD107"]
    assert any("PGSSLMODE=require in .env:2 is overridden by PGSSLMODE=disable in .env.local:1" in f.detail
               for f in dd107)
    assert any("DB_PASSWORD is set in .env.local:2 and in environment" in f.detail for f in dd107)
    assert all(f.cause == "env_override" for f in r.findings)


def test_conflicting_hosts_and_sslmodes(project: tuple[Path, SourcesReport]) -> None:
    _, r = project
    dd701 = {f.detail.split(":")[0]: f.detail for f in r.findings if f.code == "DD701"}
    hosts = next(v for k, v in dd701.items() if "hosts" in k)
    for h in ("db.example.com (.env:1)", "db (docker-compose.yml:5)", "spring.host", "other.host", "envhost",
              "svc.example.com"):
        assert h in hosts
    modes = next(v for k, v in dd701.items() if "SSL modes" in k)
    assert "disable (.env.local:1, docker-compose.yml:5)" in modes
    assert "require (" not in modes.split("disable")[0] and ".env:2" not in modes  # the overridden one is out


def test_no_secret_in_the_report(project: tuple[Path, SourcesReport]) -> None:
    _, r = project
    text = json.dumps(r.to_dict())
    for s in SECRETS:
        assert s not in text
    assert "S3cr%40t" not in text


def test_agreeing_files_give_no_finding(tmp_path: Path) -> None:
    _write(tmp_path, {
        ".env": "DATABASE_URL=postgresql://app:pw@db.example.com/app?sslmode=verify-full\n",
        "docker-compose.yml": "services:\n  web:\n    environment:\n      DATABASE_URL: ${DATABASE_URL}\n",
    })
    r = scan(tmp_path, environ={}, home=tmp_path / "nohome")
    assert r.findings == ()
    assert _find(r, "docker-compose.yml", "web.DATABASE_URL").reads_env == "DATABASE_URL"


def test_empty_directory(tmp_path: Path) -> None:
    r = scan(tmp_path, environ={}, home=tmp_path)
    assert r.entries == () and r.findings == ()


def test_yaml_reader_simple_cases() -> None:
    items = _yaml_scalars(textwrap.dedent("""
        a:
          b: 1   # comment
          c: "x: y"
          list:
            - K=V
            - "Q=two words"
            - plain
        d: 'it''s'
        """))
    got = {(".".join(i.path), i.value) for i in items}
    assert got == {("a.b", "1"), ("a.c", "x: y"), ("a.list.K", "V"), ("a.list.Q", "two words"),
                   ("a.list.0", "plain"), ("d", "it's")}


def _rand_pw(rng: random.Random) -> str:
    alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789@:/#%?&=+'$"
    return "Zq" + rng.choice("@:/#?") + "".join(rng.choice(alphabet) for _ in range(14))


def test_random_passwords_in_every_file_kind_never_shown(tmp_path: Path) -> None:
    from urllib.parse import quote, quote_plus

    rng = random.Random(77)
    for round_ in range(6):
        pw = _rand_pw(rng)
        enc = quote(pw, safe="")
        root = tmp_path / f"p{round_}"
        dq = pw.replace("\\", "\\\\").replace('"', '\\"')
        _write(root, {
            ".env": f'DATABASE_URL="postgresql://app:{enc}@db/app"\nDB_PASSWORD="{dq}"\n'
                    f'MYSQL_URL="mysql://app:{enc}@my/app"\nREPLICA_DATABASE_URL="postgresql://app:{dq}@r/app"\n',
            ".env.production": f'DATABASE_URL="host=db user=app password=\'{pw.replace(chr(39), chr(92) + chr(39))}\'"\n',
            "docker-compose.yml": f"services:\n  w:\n    environment:\n      JDBC_DATABASE_URL: "
                                  f"'jdbc:postgresql://db/app?user=app&password={enc}'\n      DB_PASS: '{pw.replace(chr(39), chr(39) * 2)}'\n",
            "config/database.yml": f"production:\n  url: 'mysql2://app:{enc}@db/app'\n",
            "settings.py": f"DATABASES = {{'default': {{'PASSWORD': {pw!r}, 'HOST': 'db'}}}}\n",
            "src/main/resources/application.properties": f"spring.datasource.password=${{DB_PASSWORD:{pw}}}\n"
                                                         f"spring.datasource.url=jdbc:mysql://db/app?password={enc}\n",
            "prisma/schema.prisma": f'datasource db {{\n  url = "postgresql://app:{enc}@db/app"\n}}\n',
        })
        r = scan(root, environ={"PGPASSWORD": pw, "DATABASE_URL": f"postgresql://app:{enc}@db/app"},
                 home=tmp_path / "nohome")
        text = json.dumps(r.to_dict()) + repr(r)
        for form in {pw, enc, quote_plus(pw), quote(pw), json.dumps(pw)[1:-1]}:
            assert form not in text, (round_, form)
        holding = {(e.file, e.key) for e in r.holding_password()}
        assert (".env", "MYSQL_URL") in holding and ("environment", "PGPASSWORD") in holding
        assert ("docker-compose.yml", "w.DB_PASS") in holding and ("settings.py", "DATABASES.default.PASSWORD") in holding


def test_other_modes_are_alternatives_not_overrides(tmp_path: Path) -> None:
    _write(tmp_path, {
        ".env": "DATABASE_URL=postgresql://app@db.base/app\n",
        ".env.development": "DATABASE_URL=postgresql://app@localhost/app?sslmode=disable\n",
        ".env.production": "DATABASE_URL=postgresql://app@db.prod/app?sslmode=verify-full\n",
        ".env.production.local": "PGSSLMODE=require\n",
        "config/database.yml": "test:\n  host: testhost\nproduction:\n  host: db.prod\n",
        "src/main/resources/application-dev.properties": "spring.datasource.url=jdbc:postgresql://devhost/app\n",
    })
    home = tmp_path / "nohome"
    plain = scan(tmp_path, environ={}, home=home)
    assert plain.findings == ()  # only .env counts in every mode
    assert _find(plain, ".env.development", "DATABASE_URL").status == "only with --mode development"
    assert _find(plain, "config/database.yml", "test.host").scope == "test"
    prod = scan(tmp_path, environ={}, home=home, mode="prod")  # an alias of production
    assert _find(prod, ".env.production", "DATABASE_URL").status == "wins"
    assert _find(prod, ".env", "DATABASE_URL").status == "overridden by .env.production:1"
    assert _find(prod, ".env.development", "DATABASE_URL").status == "only with --mode development"
    assert _find(prod, "config/database.yml", "production.host").status == ""
    # .env's URL overridden by .env.production's; PGSSLMODE overridden by the URL; two SSL modes
    assert [f.code for f in prod.findings] == ["DD107", "DD107", "DD701"]
    dd701 = next(f for f in prod.findings if f.code == "DD701")
    assert "require (.env.production.local:1)" in dd701.detail and "verify-full (.env.production:1)" in dd701.detail
    assert "localhost" not in dd701.detail and "devhost" not in dd701.detail


def test_run_time_effective_settings_and_string_overrides(tmp_path: Path) -> None:
    _write(tmp_path, {
        ".env": "DATABASE_URL=postgresql://app:pw9x@db.example.com:6432/app?sslmode=verify-full\nPGSSLMODE=disable\n",
        ".env.local": "PGAPPNAME=web\n",
    })
    r = scan(tmp_path, environ={"PGCONNECT_TIMEOUT": "7"}, home=tmp_path / "nohome")
    eff = r.effective
    assert eff["host"] == {"value": "db.example.com", "from": ".env:1"}
    assert eff["port"] == {"value": "6432", "from": ".env:1"}
    assert eff["application_name"] == {"value": "web", "from": ".env.local:1"}
    assert eff["connect_timeout"] == {"value": "7", "from": "environment"}
    assert eff["password"] == {"value": "set", "from": ".env:1"}
    detail = next(f.detail for f in r.findings if f.code == "DD107")
    assert detail.startswith("PGSSLMODE=disable in .env:2 is overridden by sslmode=verify-full in the connection "
                             "string from .env:1")
    assert "pw9x" not in json.dumps(r.to_dict())
    (tmp_path / "empty").mkdir()
    assert scan(tmp_path / "empty", environ={}, home=tmp_path).effective == {}


def test_readers_survive_arbitrary_file_contents(tmp_path: Path) -> None:
    """Garbage in every file kind: no exception, only what can be read."""
    rng = random.Random(1234)
    pieces = ["services:", "  web:", "    environment:", "      - ", "DATABASE_URL", "=", ": ", "'", '"', "\\",
              "${", "}", "&a", "*a", "<<", "- ", "\t", "\n", "postgresql://", "@", ":", "[", "]", "{", "#", "é",
              "DATABASES = {", "os.environ[", "env(", ")", "url = env(\"", "spring.datasource.url="]
    for i in range(30):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 200)))
        root = tmp_path / f"g{i}"
        _write(root, {".env": text, "docker-compose.yml": text, "config/database.yml": text, "settings.py": text,
                      "schema.prisma": text, "application.properties": text, "application.yml": text,
                      "pg_service.conf": text, ".pgpass": text})
        scan(root, environ={}, home=tmp_path / "nohome")
    root = tmp_path / "deep"
    _write(root, {"settings.py": "DATABASES = " + "[" * 100_000 + "]" * 100_000 + "\n"})
    assert scan(root, environ={}, home=tmp_path / "nohome").entries == ()
