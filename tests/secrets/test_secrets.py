"""Secrets (issue 13): every command (as a subprocess of the CLI) and the library API, with passwords built to break
parsers (space, quotes, ``@ : / # % ? & =``, non-ASCII, one character), in every form a target can take (URL,
SQLAlchemy, JDBC ``password=``, keyword string, DATABASE_URL, a dotenv file, a pasted message). No output
(stdout, stderr, JSON, the HTML report) may hold the password raw, percent-encoded, base64 or hex; a password
of one or two characters is looked for where it would stand, and ``****`` must never land inside a word
(masking by position, not by searching the text).

The targets point at 127.0.0.1:1 (refused at once): the error paths are the ones that echo what they were given.
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

DBDOCTOR = [sys.executable, "-m", "dbdoctor"]
_rng = random.Random(13)
_NASTY = [*" '\"@:/#%?&=", "é", "ß", "密"]
PASSWORDS = [
    "x",
    "Q7",
    "p w d 9",
    "q'uo\"te9",
    "@:/#%?&=",
    "Secret123",
    "é密ß-pässwörd",
    "ab?cd#ef@gh",
    "".join(_rng.choice(_NASTY + list("abcXYZ019")) for _ in range(12)),
    "".join(_rng.choice(_NASTY + list("abcXYZ019")) for _ in range(7)),
]
#: the CLI runs are subprocesses (about 50 per password): four passwords cover one character, quotes and a
#: space, every URL delimiter, and non-ASCII with '?', '#' and '@'; the library API takes them all
PASSWORDS_CLI = [PASSWORDS[0], PASSWORDS[3], PASSWORDS[4], PASSWORDS[7]]
HOST = "127.0.0.1:1"


def forms(pw: str) -> list[str]:
    raw = pw.encode()
    out = {pw, quote(pw, safe=""), quote_plus(pw), quote(pw), base64.b64encode(raw).decode(), raw.hex()}
    return sorted(f for f in out if len(f) >= 4)


def targets(pw: str) -> dict[str, str]:
    enc = quote(pw, safe="")
    kw = pw.replace("\\", "\\\\").replace("'", "\\'")
    return {
        "pg-url": f"postgresql://app:{enc}@{HOST}/app?sslmode=prefer",
        "my-url": f"mysql://app:{enc}@{HOST}/app",
        "pg-sqlalchemy": f"postgresql+asyncpg://app:{enc}@{HOST}/app",
        "my-sqlalchemy": f"mysql+pymysql://app:{enc}@{HOST}/app",
        "pg-jdbc": f"jdbc:postgresql://{HOST}/app?user=app&password={enc}",
        "my-jdbc": f"jdbc:mysql://{HOST}/app?user=app&password={enc}",
        "pg-keywords": f"host=127.0.0.1 port=1 user=app password='{kw}' dbname=app",
    }


def cases(pw: str, tmp: Path) -> list[tuple[str, list[str], dict[str, str], Path | None]]:
    """(name, argv, extra environment, a file the command writes)."""
    t = targets(pw)
    out: list[tuple[str, list[str], dict[str, str], Path | None]] = []
    for name, target in t.items():
        out.append((f"parse {name}", ["parse", target], {}, None))
        out.append((f"parse --json {name}", ["parse", "--json", target], {}, None))
        if name not in ("pg-url", "my-url", "pg-keywords", "my-jdbc"):
            continue
        out.append((f"check {name}", ["check", "--timeout", "1", target], {}, None))
        out.append((f"check --json {name}", ["check", "--json", "--timeout", "1", target], {}, None))
        out.append((f"preflight {name}", ["preflight", "--timeout", "1", target], {}, None))
    out.append(("preflight --json pg-url", ["preflight", "--json", "--timeout", "1", t["pg-url"]], {}, None))
    out.append(("preflight --json my-url", ["preflight", "--json", "--timeout", "1", t["my-url"]], {}, None))
    for driver in ("asyncpg", "node-postgres", "pgjdbc", "sqlx"):
        out.append((f"parse --driver {driver}", ["parse", "--driver", driver, t["pg-url"]], {}, None))
    out.append(("check --driver asyncpg", ["check", "--driver", "asyncpg", "--timeout", "1", t["pg-url"]], {}, None))
    out.append(("parse --driver pymysql", ["parse", "--driver", "pymysql", t["my-url"]], {}, None))
    report = tmp / "report.html"
    out.append(("check --report", ["check", "--timeout", "1", "--report", str(report), t["pg-url"]], {}, report))
    report_my = tmp / "report-my.html"
    out.append(("check --report mysql", ["check", "--timeout", "1", "--report", str(report_my), t["my-url"]], {},
                report_my))
    for name in ("pg-url", "my-url"):
        env = {"DATABASE_URL": t[name]}
        out.append((f"parse DATABASE_URL {name}", ["parse"], env, None))
        out.append((f"check DATABASE_URL {name}", ["check", "--timeout", "1"], env, None))
        out.append((f"sources DATABASE_URL {name}", ["sources", str(tmp)], env, None))
        dotenv = tmp / f"{name}.env"
        dotenv.write_text(f"DATABASE_URL={t[name]}\n", encoding="utf-8")
        out.append((f"parse --env-file {name}", ["parse", "--env-file", str(dotenv)], {}, None))
        out.append((f"check --env-file {name}", ["check", "--timeout", "1", "--env-file", str(dotenv)], {}, None))
    # pasted text: the password as the user would have it in a message (percent-encoded URL), and raw in a
    # client command line
    for name in ("pg-url", "my-url", "pg-keywords"):
        pasted = f'connection to server failed: FATAL: password authentication failed; url was {t[name]}'
        out.append((f"explain {name}", ["explain", pasted], {}, None))
        out.append((f"explain --json {name}", ["explain", "--json", pasted], {}, None))
    if not re.search(r"[\s'\"]", pw):
        out.append(("explain mysql -p", ["explain", "--json", f"mysql -uapp -p{pw} -h db failed"], {}, None))
    return out


def leaks(pw: str, text: str) -> list[str]:
    found = [f for f in forms(pw) if f in text]
    if len(pw) < 4:
        enc = quote(pw, safe="")
        found += [p for p in (f":{enc}@", f"password={enc}&", f"password={enc}\n", f"password='{pw}'")
                  if p in text]
    if re.search(r"[A-Za-z]\*\*\*\*[A-Za-z]", text):
        found.append("**** inside a word: " + re.search(r".{0,20}[A-Za-z]\*\*\*\*[A-Za-z].{0,20}", text).group())
    return found


def _run(pw: str, case: tuple[str, list[str], dict[str, str], Path | None], home: Path) -> tuple[str, list[str]]:
    name, argv, extra, written = case
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8", **extra,
           "DBDOCTOR_SANDBOX_DIR": os.environ.get("DBDOCTOR_SANDBOX_DIR", str(home / "sbx"))}
    proc = subprocess.run([*DBDOCTOR, *argv], capture_output=True, env=env, timeout=60, check=False)
    text = proc.stdout.decode("utf-8", "replace") + "\n" + proc.stderr.decode("utf-8", "replace")
    if written is not None and written.exists():
        text += written.read_text(encoding="utf-8", errors="replace")
        written.unlink()
    problems = [f"{name}: {what}" for what in leaks(pw, text)]
    if proc.returncode not in (0, 1, 2):
        problems.append(f"{name}: exit {proc.returncode}: {proc.stderr[-500:]!r}")
    return name, problems


@pytest.mark.parametrize("pw", PASSWORDS_CLI, ids=[f"pw{i}" for i in range(len(PASSWORDS_CLI))])
def test_no_command_shows_the_password(pw: str) -> None:
    with tempfile.TemporaryDirectory(prefix="secrets-") as tmp:
        home = Path(tmp)
        with ThreadPoolExecutor(4) as pool:
            results = list(pool.map(lambda c: _run(pw, c, home), cases(pw, home)))
    problems = [p for _, ps in results for p in ps]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("pw", PASSWORDS, ids=[f"pw{i}" for i in range(len(PASSWORDS))])
def test_library_api_never_returns_the_password(pw: str) -> None:
    import dbdoctor
    from dbdoctor.errors import InputError

    problems: list[str] = []
    for name, target in targets(pw).items():
        for what, call in (
            ("parse", lambda t=target: dbdoctor.parse(t, environ={"HOME": "/nonexistent"})),
            ("check", lambda t=target: dbdoctor.check(t, environ={"HOME": "/nonexistent"}, timeout=1)),
            ("explain", lambda t=target: dbdoctor.explain(f"failed: {t}")),
        ):
            try:
                result = call()
            except InputError as exc:
                text = f"{exc!r} {exc} {getattr(exc, 'hint', '')}"
            else:
                to_dict = getattr(result, "to_dict", None)
                text = repr(result) + (json.dumps(to_dict(), ensure_ascii=False) if to_dict else "")
            problems += [f"{what} {name}: {x}" for x in leaks(pw, text)]
    assert not problems, "\n".join(problems)
