"""The error-message catalog and the cause table: every entry's own examples match it and give its cause, its
near misses do not, and the cause table is exactly the contract's (parsed from the contract file itself)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from dbdoctor import causes
from dbdoctor import messages as catalog
from dbdoctor.explain import explain

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT.parent / "shared" / "design" / "REPORT-CONTRACT.md"
ADDITIONS = ROOT / "docs" / "CONTRACT-ADDITIONS.md"

ENTRY_IDS = [e.id for e in catalog.ENTRIES]


def _cause_table(markdown: str) -> dict[str, str]:
    """The `| cause | meaning |` table of a contract file: id -> meaning."""
    rows: dict[str, str] = {}
    in_table = False
    for line in markdown.splitlines():
        if re.match(r"^\|\s*cause\s*\|\s*meaning\s*\|", line):
            in_table = True
            continue
        if in_table:
            m = re.match(r"^\|\s*`([a-z_]+)`\s*\|\s*(.*?)\s*\|\s*$", line)
            if m:
                rows[m.group(1)] = m.group(2)
            elif not line.startswith("| ---") and not line.startswith("|---"):
                in_table = False
    return rows


def test_cause_table_equals_the_contract() -> None:
    if not CONTRACT.is_file():
        pytest.skip(f"{CONTRACT} is not on this machine")
    table = _cause_table(CONTRACT.read_text(encoding="utf-8"))
    assert len(table) >= 30, "the contract's cause table was not found"
    assert set(causes.CONTRACT_CAUSES) == set(table)
    assert dict(causes.CONTRACT_CAUSES) == table


def test_added_causes_equal_contract_additions() -> None:
    table = _cause_table(ADDITIONS.read_text(encoding="utf-8"))
    assert table, "docs/CONTRACT-ADDITIONS.md has no cause table"
    assert dict(causes.ADDED_CAUSES) == table
    assert not set(causes.ADDED_CAUSES) & set(causes.CONTRACT_CAUSES)


def test_entry_ids_unique_and_causes_known() -> None:
    assert len(ENTRY_IDS) == len(set(ENTRY_IDS))
    for e in catalog.ENTRIES:
        # the contract's causes, or one of dbdoctor's documented additions (host_blocked: the check pipeline names
        # MySQL's 1129 so, and explain must agree with it)
        assert e.cause in causes.CAUSES, (e.id, e.cause)
        assert e.examples, e.id
        assert e.meaning and e.fix and e.source and e.note, e.id


def test_template_fields_are_known() -> None:
    """Every {field} in a meaning or fix is one explain can fill or describe."""
    for e in catalog.ENTRIES:
        for text in (e.meaning, e.fix):
            for _, field, _, _ in string.Formatter().parse(text):
                if field is not None:
                    assert field in catalog.FIELD_DEFAULTS, (e.id, field)


@pytest.mark.parametrize("entry", catalog.ENTRIES, ids=ENTRY_IDS)
def test_examples_match_and_give_the_cause(entry: catalog.Entry) -> None:
    for example in entry.examples:
        assert entry.pattern.search(example), (entry.id, example)
        ex = explain(example)
        assert ex.kind == "message"
        ids = [m.id for m in ex.matches]
        assert entry.id in ids, (example, ids)
        assert entry.cause in [m.cause for m in ex.matches]


@pytest.mark.parametrize("entry", [e for e in catalog.ENTRIES if e.near_misses], ids=lambda e: e.id)
def test_near_misses_do_not_match(entry: catalog.Entry) -> None:
    for text in entry.near_misses:
        assert not entry.pattern.search(text), (entry.id, text)
        assert entry.id not in [m.id for m in explain(text).matches], (entry.id, text)


# The traps: texts that differ by a word and mean different things.
@pytest.mark.parametrize(
    ("text", "cause", "entry_id"),
    [
        ('FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "app", database "app", no encryption',
         "server_requires_ssl", "pg.hba.no_entry.no_encryption"),
        ('FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "app", database "app", SSL encryption',
         "hba_rejected", "pg.hba.no_entry.ssl_encryption"),
        ('FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "app", database "app", SSL off',
         "server_requires_ssl", "pg.hba.no_entry.ssl_off"),
        ('FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "app", database "app", SSL on',
         "hba_rejected", "pg.hba.no_entry.ssl_encryption"),
        ("server does not support SSL, but SSL was required", "server_ssl_unsupported", "libpq.server_no_ssl"),
        ("FATAL:  SSL required", "server_requires_ssl", "pgbouncer.ssl_required"),
        ('server certificate for "db.example.com" does not match host name "10.0.0.5"',
         "ip_address_mismatch", "libpq.ip_address_mismatch"),
        ('server certificate for "db.example.com" does not match host name "db-proxy.internal"',
         "hostname_mismatch", "libpq.hostname_mismatch"),
        ("Error: self-signed certificate", "cert_self_signed", "ssl.self_signed"),
        ("Error: self-signed certificate in certificate chain", "cert_untrusted", "ssl.self_signed_in_chain"),
        ("The server does not support SSL.", "server_ssl_unsupported", "pgjdbc.server_no_ssl"),
        ("Error: The server does not support SSL connections", "server_ssl_unsupported",
         "node-postgres.server_no_ssl"),
    ],
)
def test_look_alikes_are_told_apart(text: str, cause: str, entry_id: str) -> None:
    ex = explain(text)
    assert [m.id for m in ex.matches] == [entry_id]
    assert ex.matches[0].cause == cause


def test_libpq_reports_both_attempts_means_allowlist() -> None:
    """libpq 18 with sslmode=prefer reports the SSL attempt and the plain one: no rule at all for this client."""
    text = (
        'connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  no pg_hba.conf entry '
        'for host "10.0.0.7", user "app", database "app", SSL encryption\nconnection to server at "10.0.0.5", '
        'port 5432 failed: FATAL:  no pg_hba.conf entry for host "10.0.0.7", user "app", database "app", '
        "no encryption"
    )
    ex = explain(text)
    assert [m.cause for m in ex.matches] == ["hba_rejected"]
    assert ex.matches[0].id == "pg.hba.no_entry.any_encryption"


def test_mariadb_access_denied_is_ambiguous() -> None:
    ex = explain("ERROR 1045 (28000): Access denied for user 'app'@'localhost' (using password: YES)")
    found = {m.cause for m in ex.matches}
    assert {"password_failed", "server_requires_ssl", "client_cert_required"} <= found
    assert "(using password: YES)" in ex.query  # not mistaken for a password setting


def test_specific_reason_beats_generic_wrapper() -> None:
    text = (
        "(2003, \"Can't connect to MySQL server on '127.0.0.1' ([SSL: CERTIFICATE_VERIFY_FAILED] certificate "
        'verify failed: certificate has expired (_ssl.c:1006))")'
    )
    assert [m.cause for m in explain(text).matches] == ["cert_expired"]


def _alternatives(entry: catalog.Entry) -> set[str]:
    """Entries with the very same pattern: declared alternatives that only a live check tells apart."""
    return {e.id for e in catalog.ENTRIES if e.pattern.pattern == entry.pattern.pattern}


@pytest.mark.parametrize("entry", catalog.ENTRIES, ids=ENTRY_IDS)
def test_other_entries_examples_are_near_misses(entry: catalog.Entry) -> None:
    """Every other entry's real example is a near miss for this one: no entry of another cause explains it,
    except declared alternatives (MariaDB's 'Access denied') and entries that rank below it (a driver's wrapper
    around the reason, the generic line a DETAIL refines), which may be found too but never come first."""
    for other in catalog.ENTRIES:
        if other.cause == entry.cause or entry.id in _alternatives(other):
            continue
        for example in other.examples:
            matches = {m.id: m for m in explain(example).matches}
            ids = list(matches)
            if entry.id in matches and other.id in matches and entry.priority == other.priority and (
                matches[entry.id].span == matches[other.id].span
            ):
                continue  # alternatives for the same words, shown together (MySQL's 1045 without a password)
            if entry.rank < other.rank:
                assert ids.index(other.id) < ids.index(entry.id) if entry.id in ids else True, (entry.id, example)
                continue
            assert entry.id not in ids, (entry.id, example)


@pytest.mark.parametrize("first_plain", [True, False])
def test_certificate_failure_on_the_tls_attempt_is_the_root_cause(first_plain: bool) -> None:
    """sslmode=prefer (TLS, then plain) or allow (plain, then TLS): the 'no encryption' refusal of the plain
    attempt only says the server wants TLS; the certificate failure of the TLS attempt is the cause."""
    tls = 'connection to server at "10.0.0.5", port 5432 failed: SSL error: certificate verify failed'
    plain = (
        'connection to server at "10.0.0.5", port 5432 failed: FATAL:  no pg_hba.conf entry for host '
        '"10.0.0.7", user "app", database "app", no encryption'
    )
    text = "\n".join([plain, tls] if first_plain else [tls, plain])
    assert [m.cause for m in explain(text).matches] == ["cert_untrusted", "server_requires_ssl"]
