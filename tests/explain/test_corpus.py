"""explain on real messages: the corpus of texts users pasted in public threads (tests/data/messages/), scored
against the cause each thread established, by driver family. A family below its floor fails the test; the
floors are what this catalog reaches (issue 11: at least 90% overall and 85% in every family).

Before the issue-11 entries the first 250 messages scored 34% overall (86/250). The last 24 (marked "held out"
in their note) were collected after the entries were written and scored 20/24 before any change; the four misses
('using password: NO' read as a wrong password) led to mysql.access_denied.no_password. See
bench/explain_corpus.py."""

from __future__ import annotations

import pytest

from .corpus import Outcome, by_family, load, render, score

#: the share of each family's messages explain must get right (what it reaches; raise, never lower)
FLOORS = {
    "connector_j": 1.00,
    "go": 1.00,
    "jdbc_pg": 1.00,
    "libpq_psycopg": 0.95,
    "mysql_server": 0.96,
    "mysqljs": 1.00,
    "node_pg": 0.96,
    "npgsql": 1.00,
    "pgbouncer": 1.00,
    "php": 1.00,
    "postgresjs": 1.00,
    "prisma": 0.92,
    "providers": 1.00,
    "pymysql": 0.94,
}
OVERALL = 0.97
MIN_MESSAGES = 270


@pytest.fixture(scope="module")
def outcomes() -> list[Outcome]:
    return score(load())


def test_corpus_is_real_sized_and_well_formed() -> None:
    from dbdoctor import causes

    messages = load()
    assert len(messages) >= MIN_MESSAGES
    assert len({m.id for m in messages}) == len(messages)
    for m in messages:
        assert m.cause in causes.CAUSES, (m.id, m.cause)
        assert m.url.startswith("https://"), m.id
        assert m.text.strip(), m.id
    assert set(FLOORS) == {m.family for m in messages}


def test_every_family_reaches_its_floor(outcomes: list[Outcome], capsys: pytest.CaptureFixture[str]) -> None:
    table = by_family(outcomes)
    with capsys.disabled():
        print("\n" + render(table))
    low = {f: f"{r}/{t}" for f, (r, t) in table.items() if r / t < FLOORS[f]}
    assert not low, low
    right = sum(r for r, _ in table.values())
    total = sum(t for _, t in table.values())
    assert right / total >= OVERALL, f"{right}/{total}"


def test_no_secret_survives_in_the_query() -> None:
    """The corpus carries placeholders, but explain echoes the paste: a URL password never comes back."""
    from dbdoctor.explain import explain

    text = "Error: P1001: Can't reach database server at `db.example.test`:`5432` url=postgresql://app:s3cret@db/x"
    assert "s3cret" not in explain(text).query
