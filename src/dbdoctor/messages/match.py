"""Matching pasted driver and server messages against the catalog (:mod:`dbdoctor.messages`): bounding what is
examined (:func:`excerpt`), masking secrets (:func:`redact`), and ranking the entries that match
(:func:`match_message`). No network. The engines' pipelines and preflights read a driver's failure with it; the
``explain`` command (:mod:`dbdoctor.explain`) builds its answer on it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

from dbdoctor import messages as catalog

REDACTED: Final = "****"

MAX_INPUT: Final = 64 * 1024
#: what is examined of a longer paste: its first and last lines, up to these many characters (every pattern then
#: runs on a bounded text, whatever was pasted), and each line cut to MAX_LINE
HEAD: Final = 2 * 1024
TAIL: Final = 6 * 1024
MAX_LINE: Final = 1024
ELIDED: Final = "[...]"



# --- redaction ------------------------------------------------------------------------------------------------
# scheme://user:password@host: the password runs to the last '@' before the end of the URL (an un-encoded '@'
# in a password is common, and hiding too much is the safe side).
_URL_USERINFO = re.compile(
    r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/?#@\"'<>]*):(?P<pw>[^\s\"'<>]*)@(?=[^@\s\"'<>]*(?:[\s\"'<>]|$))"
)
# password=..., PGPASSWORD=..., pwd=..., "password": "...", ?password=...&
_KV_PASSWORD = re.compile(
    r"(?<!using )(?P<key>\b(?:PGPASSWORD|MYSQL_PWD|password|passwd|pwd|sslpassword)\b[\"']?\s*(?:=|:)\s*)"
    r"(?P<value>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^\s&;,'\"]+)",
    re.IGNORECASE,
)

# issue 13: a password with a space or a quote (pasted unencoded) runs to the first '@' followed by a host
_URL_USERINFO_LOOSE = re.compile(
    r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/?#@\"'<>]*):(?P<pw>[^\n]*?)@"
    r"(?=\[?[A-Za-z0-9._:%-]+\]?(?::\d+)?(?:[/?,\s\"']|$))"
)
# issue 13: a pasted client command line, ``mysql -uapp -pSECRET`` (the password glued to -p)
_CLIENT_P = re.compile(
    r"(?P<key>\b(?:mysql|mariadb|mysqldump|mysqladmin|mariadb-dump|mysqlsh)\b[^\n]*?\s-p)"
    r"(?P<value>'[^']*'|\"[^\"]*\"|[^\s'\"]+)"
)


def redact(text: str) -> str:
    """``text`` with every URL password and ``password=`` value replaced by ``****``."""

    def url(m: re.Match[str]) -> str:
        return f"{m['head']}:{REDACTED}@" if m["pw"] else m.group(0)

    def kv(m: re.Match[str]) -> str:
        value = m["value"]
        quote = value[0] if value[:1] in ("'", '"') else ""
        return f"{m['key']}{quote}{REDACTED}{quote}"

    text = _URL_USERINFO_LOOSE.sub(url, _URL_USERINFO.sub(url, text))
    text = _CLIENT_P.sub(lambda m: f"{m['key']}{REDACTED}", text)
    return _KV_PASSWORD.sub(kv, text)


# --- extraction of the variable parts -------------------------------------------------------------------------
_PREFIX = re.compile(
    r"connection to server at \"(?P<host>[^\"]*)\"(?: \((?P<server_address>[^)]*)\))?, port (?P<port>\d+) failed"
)
_SOCKET = re.compile(r"connection to server on socket \"(?P<path>[^\"]*)\"")
_URL = re.compile(r"\b(?:postgres(?:ql)?|mysql|mariadb)(?:\+\w+)?://[^\s\"'<>]+", re.IGNORECASE)
_KV = re.compile(r"\b(?P<key>host|hostaddr|port|dbname|user|sslmode)=(?P<value>'[^']*'|[^\s'\"&),;]+)")

_FIELDS: Final = ("host", "address", "port", "user", "database", "sslmode", "name", "path", "param", "value")


def _context(text: str) -> dict[str, str]:
    """What the pasted text says about the connection, outside the message itself (prefixes, URL, keywords)."""
    out: dict[str, str] = {}
    m = _PREFIX.search(text)
    if m:
        out["host"] = m["host"]
        out["port"] = m["port"]
        if m["server_address"]:
            out["server_address"] = m["server_address"]
    m2 = _SOCKET.search(text)
    if m2:
        out["path"] = m2["path"]
    for u in _URL.finditer(text):
        try:
            parts = urlsplit(u.group(0).rstrip(".,:;)]"))
            host, port = parts.hostname, parts.port
        except ValueError:
            continue
        if host and "host" not in out:
            out["host"] = unquote(host)
        if port and "port" not in out:
            out["port"] = str(port)
        if parts.username and "user" not in out:
            out["user"] = unquote(parts.username)
        db = parts.path.lstrip("/")
        if db and "database" not in out:
            out["database"] = unquote(db)
        for key, value in parse_qsl(parts.query):
            if key in ("sslmode", "ssl-mode", "ssl_mode", "sslMode") and "sslmode" not in out:
                out["sslmode"] = value
    for kv in _KV.finditer(text):
        key = {"dbname": "database"}.get(kv["key"], kv["key"])
        out.setdefault(key, kv["value"].strip("'"))
    return out


def _groups(m: re.Match[str]) -> dict[str, str]:
    """Named groups of a catalog match; ``path2``-style alternates fold into ``path``."""
    out: dict[str, str] = {}
    for name, value in m.groupdict().items():
        if value is None:
            continue
        out.setdefault(name.rstrip("0123456789"), value)
    return out


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return catalog.FIELD_DEFAULTS.get(key, f"the {key}")


def _endpoint(fields: Mapping[str, str]) -> str | None:
    where = fields.get("address") if fields.get("address") and not fields.get("host") else fields.get("host")
    if not where:
        return None
    port = fields.get("port")
    return f"{where}, port {port}" if port else where


def _fill(template: str, fields: Mapping[str, str]) -> str:
    endpoint = _endpoint(fields)
    if endpoint:
        fields = {**fields, "endpoint": endpoint}
    quoted = _Fields({k: (f'"{v}"' if k in ("user", "database", "host", "name", "param", "sslmode", "path") else v)
                      for k, v in fields.items() if v})
    return template.format_map(quoted)


@dataclasses.dataclass(frozen=True, slots=True)
class Match:
    """One catalog entry that matched the pasted text, with its texts filled in."""

    entry: catalog.Entry
    extracted: Mapping[str, str]
    meaning: str
    fix: str
    span: tuple[int, int]

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def cause(self) -> str:
        return self.entry.cause

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.entry.id,
            "source": self.entry.source,
            "engine": self.entry.engine,
            "cause": self.entry.cause,
            "meaning": self.meaning,
            "fix": self.fix,
            "confirmed": self.entry.confirmed,
            "note": self.entry.note,
            "sqlstate": self.entry.sqlstate,
            "extracted": dict(self.extracted),
        }


#: causes that only say which encryption a refused attempt used (as in dbdoctor.postgres.modes)
_ENCRYPTION_CHOICE: Final = frozenset({"server_requires_ssl", "server_ssl_unsupported", "server_rejects_ssl"})


def match_message(text: str) -> tuple[Match, ...]:
    """Every catalog entry the (already redacted) text matches, overlaps resolved, the likely root cause first."""
    context = _context(text)
    found: list[tuple[catalog.Entry, re.Match[str]]] = []
    for entry in catalog.ENTRIES:
        m = entry.pattern.search(text)
        if m:
            found.append((entry, m))
    found.sort(key=lambda em: (-em[0].priority, -(em[1].end() - em[1].start()), em[1].start()))

    def beats(a: tuple[catalog.Entry, re.Match[str]], b: tuple[catalog.Entry, re.Match[str]]) -> bool:
        (ae, am), (be, bm) = a, b
        if not (am.start() < bm.end() and bm.start() < am.end()):
            return False
        if ae.priority != be.priority:
            return ae.priority > be.priority
        return (am.end() - am.start()) > (bm.end() - bm.start())

    # a match is dropped when any overlapping match is more specific, whether or not that one is kept itself
    # (a generic wrapper loses to the wrapper that loses to the precise reason inside it)
    kept = [em for em in found if not any(beats(other, em) for other in found if other is not em)]
    # Several errors in one paste are several attempts (libpq 18 reports each; sslmode=prefer tries SSL then
    # plain, allow the reverse). "The server wants (no) encryption" only says which attempt was refused how; any
    # other failure, such as a certificate problem on the TLS attempt, is the root cause and comes first.
    # Otherwise the order of the text; alternatives for the same words keep their priority order.
    # When libpq tries several addresses (a host name that resolves to ::1 and 127.0.0.1, a host or port list),
    # a refusal or timeout at one address next to a server's or TLS answer from another is only the way
    # there: it is kept, last, and said so.
    attempts = _attempts(text)
    where = {id(em): _attempt_at(attempts, em[1].start()) for em in kept}
    detours = _detours(kept, where, attempts, text)
    if len({m.span() for _, m in kept}) > 1:
        kept.sort(key=lambda em: (id(em) in detours, -em[0].rank, em[0].cause in _ENCRYPTION_CHOICE and em[0].rank <= 0,
                                  em[1].start()))
    out = []
    for em in kept:
        entry, m = em
        fields = {**context, **_groups(m)}
        own = where[id(em)]
        if own is not None and len({a.key for a in attempts}) > 1:
            # the attempt this error belongs to, not the first one in the paste
            fields.update({"host": own.host, "port": own.port})
            fields.pop("server_address", None)
            if own.address:
                fields["server_address"] = own.address
        extracted = {k: v for k, v in fields.items() if k in _FIELDS or k == "server_address" or k == "using_password"}
        meaning, fix = _fill(entry.meaning, fields), _fill(entry.fix, fields)
        if id(em) in detours:
            meaning, fix = _detour_texts(entry.cause, *detours[id(em)])
        out.append(Match(entry=entry, extracted=extracted, meaning=meaning, fix=fix, span=m.span()))
    return tuple(out)


# --- several addresses in one message -------------------------------------------------------------------------
#: an attempt's own header in libpq's report of every attempt (libpq 16+; psycopg 3 repeats them in its list)
_ATTEMPT = re.compile(
    r"connection to server at \"(?P<host>[^\"]*)\"(?: \((?P<address>[^)]*)\))?, port (?P<port>\d+) failed"
)
#: psycopg 3 tries each address itself and lists every failure after this line, in the order it tried them
_PSYCOPG_LIST = "Multiple connection attempts failed. All failures were:"
#: failures that say nothing about the server: the address did not take the connection
_NETWORK_FAILURES: Final = frozenset({"connection_refused", "connect_timeout", "network_unreachable"})


@dataclasses.dataclass(frozen=True, slots=True)
class _Attempt:
    start: int
    host: str
    address: str | None
    port: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.address or self.host, self.port)

    @property
    def endpoint(self) -> str:
        return f"{self.address or self.host}, port {self.port}"


#: psycopg's own line for each attempt, which names the host an address came from
_PSYCOPG_ATTEMPT = re.compile(r"host: '(?P<host>[^']*)', port: '(?P<port>[^']*)', hostaddr: '(?P<address>[^']*)'")


def _attempts(text: str) -> list[_Attempt]:
    names = {m["address"]: m["host"] for m in _PSYCOPG_ATTEMPT.finditer(text) if m["host"]}
    out = []
    for m in _ATTEMPT.finditer(text):
        host, address = m["host"], m["address"]
        if address is None and host in names:  # psycopg passed the address as hostaddr: libpq names only it
            host, address = names[host], host
        out.append(_Attempt(m.start(), host, address, m["port"]))
    return out


def _attempt_at(attempts: list[_Attempt], pos: int) -> _Attempt | None:
    """The attempt whose header comes last before ``pos``: the one an error at ``pos`` belongs to."""
    found = None
    for a in attempts:
        if a.start > pos:
            break
        found = a
    return found


def _detours(
    kept: list[tuple[catalog.Entry, re.Match[str]]],
    where: Mapping[int, _Attempt | None],
    attempts: list[_Attempt],
    text: str,
) -> dict[int, tuple[_Attempt, _Attempt, bool]]:
    """The network failures at one address when another address answered: id of the match → (the address that
    failed, the one that answered, whether the failed one was tried first)."""
    answered = [where[id(em)] for em in kept if em[0].cause not in _NETWORK_FAILURES and where[id(em)] is not None]
    listed = text.find(_PSYCOPG_LIST)
    order: dict[tuple[str, str], int] = {}
    for a in attempts:
        if listed < 0 or a.start > listed:
            order.setdefault(a.key, len(order))
    out: dict[int, tuple[_Attempt, _Attempt, bool]] = {}
    for em in kept:
        failed = where[id(em)]
        if em[0].cause not in _NETWORK_FAILURES or failed is None:
            continue
        other = next((a for a in answered if a is not None and a.key != failed.key), None)
        if other is not None:
            first = order.get(failed.key, 0) < order.get(other.key, 0)
            out[id(em)] = (failed, other, first)
    return out


def _detour_texts(cause: str, failed: _Attempt, other: _Attempt, first: bool) -> tuple[str, str]:
    """What a refusal (timeout, no route) at one address means when libpq went on to another that answered."""
    what = {
        "connection_refused": "refused the connection (nothing listens there)",
        "connect_timeout": "did not answer within connect_timeout",
        "network_unreachable": "could not be reached (no route)",
    }[cause]
    there = other.address or other.host
    if first:
        meaning = (f"Not the cause: libpq tried {failed.endpoint} first, which {what}, and went on to {there}, "
                   f"whose answer is the cause explained above.")
    else:
        meaning = (f"Not the cause: besides {there}, whose answer is the cause explained above, libpq tried "
                   f"{failed.endpoint}, which {what}.")
    same_name = failed.address and other.address and failed.host == other.host and failed.host != failed.address
    if same_name:
        meaning += (f' Both are addresses of "{failed.host}"'
                    + (" (a standard Debian or Ubuntu /etc/hosts maps localhost to ::1 first, then 127.0.0.1)"
                       if failed.host == "localhost" else "")
                    + ", and the server takes connections on only some of them.")
    if first and cause == "connection_refused":
        meaning += (" libpq tries every address; a driver that connects only to the first one stops here: "
                    f"node-postgres on Node before 20 fails with ECONNREFUSED {failed.address or failed.host}.")
    fix = (f"Nothing to change for libpq: fix the error explained above. To skip {failed.address or failed.host} "
           f"(and for drivers that try only the first address), connect to {there} directly, or have the server "
           f"listen on {failed.address or failed.host} too (listen_addresses).")
    return meaning, fix


def excerpt(text: str) -> str:
    """The part of a paste that is examined: lines cut to MAX_LINE characters (their start and end) and, when the
    whole is longer than HEAD + TAIL, its first HEAD and last TAIL characters (whole lines) around an ``[...]``
    line. A pasted message
    keeps its first line (the driver's summary) and its end (the reason a stack trace ends with, the last attempt),
    and every pattern runs on at most HEAD + TAIL characters, so a log file pasted whole costs what a message does."""
    text = text[: MAX_INPUT * 16]  # a bound on the work below, far above anything examined
    half = MAX_LINE // 2
    lines = [line if len(line) <= MAX_LINE else f"{line[:half]} {ELIDED} {line[-half:]}" for line in text.splitlines()]
    if sum(len(line) + 1 for line in lines) <= HEAD + TAIL:
        return "\n".join(lines)
    head: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > HEAD:
            break
        head.append(line)
        size += len(line) + 1
    tail: list[str] = []
    size = 0
    for line in reversed(lines[len(head):]):
        if size + len(line) + 1 > TAIL:
            break
        tail.append(line)
        size += len(line) + 1
    return "\n".join([*head, ELIDED, *reversed(tail)])



def match_text(text: str) -> tuple[Match, ...]:
    """The catalog's reading of a driver's or server's message as it came (bounded and redacted first)."""
    return match_message(redact(excerpt(text).strip()))


__all__ = ["Match", "excerpt", "match_message", "match_text", "redact"]
