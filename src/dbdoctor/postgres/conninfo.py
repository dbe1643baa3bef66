"""PostgreSQL connection strings as text: libpq's keywords and their environment variables, reading a string
(libpq's own parser through psycopg: :func:`parse_params`), masking its secrets where they stand
(:func:`redact_text`, :func:`scrub`), judging how the password is written (:func:`analyse_password`), and writing
strings back out, redacted: the corrected string a finding proposes, the one-line form an app logs at start-up.
Resolution (the service file, the environment, .pgpass, the defaults) is :mod:`dbdoctor.postgres.sources`'.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote

from dbdoctor.errors import TargetParseError
from dbdoctor.target import REDACTED, Secret, Target

URI_PREFIXES: Final = ("postgresql://", "postgres://")

#: scheme → driver it names; every one of them is parsed as ``postgresql://`` by libpq here
SCHEME_DRIVERS: Final[Mapping[str, str]] = {
    "postgresql+psycopg": "libpq",
    "postgresql+psycopg2": "libpq",
    "postgresql+asyncpg": "asyncpg",
    "postgresql+pg8000": "pg8000",
    "jdbc:postgresql": "pgjdbc",
}

DEFAULT_PORT: Final = "5432"  # DEF_PGPORT_STR
DEFAULT_SOCKET_DIR: Final = "/var/run/postgresql"  # DEFAULT_PGSOCKET_DIR of Debian's and psycopg-binary's libpq

#: keywords whose values are secrets (PQconndefaults dispchar "*"): never shown
SECRET_KEYS: Final = frozenset({"password", "sslpassword", "oauth_client_secret"})

#: keyword → environment variable, libpq 18's PQconninfoOptions (checked against PQconndefaults())
ENV_VARS: Final[Mapping[str, str]] = {
    "service": "PGSERVICE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "channel_binding": "PGCHANNELBINDING",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "dbname": "PGDATABASE",
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "client_encoding": "PGCLIENTENCODING",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "sslmode": "PGSSLMODE",
    "sslnegotiation": "PGSSLNEGOTIATION",
    "sslcompression": "PGSSLCOMPRESSION",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcertmode": "PGSSLCERTMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcrl": "PGSSLCRL",
    "sslcrldir": "PGSSLCRLDIR",
    "sslsni": "PGSSLSNI",
    "requirepeer": "PGREQUIREPEER",
    "require_auth": "PGREQUIREAUTH",
    "min_protocol_version": "PGMINPROTOCOLVERSION",
    "max_protocol_version": "PGMAXPROTOCOLVERSION",
    "ssl_min_protocol_version": "PGSSLMINPROTOCOLVERSION",
    "ssl_max_protocol_version": "PGSSLMAXPROTOCOLVERSION",
    "gssencmode": "PGGSSENCMODE",
    "krbsrvname": "PGKRBSRVNAME",
    "gsslib": "PGGSSLIB",
    "gssdelegation": "PGGSSDELEGATION",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "load_balance_hosts": "PGLOADBALANCEHOSTS",
}

#: environment variables whose shadowing is worth recording (the ones libpq reads, and DATABASE_URL)
RELEVANT_ENV: Final = frozenset({*ENV_VARS.values(), "PGREQUIRESSL", "PGSERVICEFILE", "PGSYSCONFDIR", "DATABASE_URL"})

#: the order in which effective settings are listed; the rest follow in the order they were found
SHOWN_ORDER: Final = ("host", "hostaddr", "port", "dbname", "user", "sslmode")

#: characters that must be percent-encoded in a URL password for every URL parser to read it the same
_MUST_ENCODE: Final = frozenset("@/#?%[]:\"<>\\^`{|} \t")

_SECRET_KW: Final = re.compile(r"(?<![\w])(password|sslpassword|oauth_client_secret)(\s*=\s*)('(?:\\.|[^'\\])*'?|\S*)")
#: a secret query value runs to the next '&' that starts another key=value pair: a raw '&' in a password
#: (``password=abc&def``) does not leave ``def`` shown as if it were a parameter
_SECRET_QUERY: Final = re.compile(
    r"([?&](?:password|sslpassword|oauth_client_secret)=)((?:[^&#]|&(?![A-Za-z_][A-Za-z0-9_.-]*=))*)"
)
_PERCENT_OK: Final = re.compile(r"%[0-9A-Fa-f]{2}")


def normalise(text: str) -> tuple[str, str | None]:
    """Rewrite SQLAlchemy and JDBC schemes to ``postgresql://``; return the text and the driver named."""
    for scheme, driver in SCHEME_DRIVERS.items():
        if text.startswith(scheme + "://"):
            return "postgresql://" + text[len(scheme) + 3 :], driver
    return text, None


def is_uri(text: str) -> bool:
    return text.startswith(URI_PREFIXES)


def _q(text: str) -> str:
    """Percent-encode everything but unreserved characters; undecodable bytes kept as they were."""
    return quote(text, safe="", errors="surrogateescape")


def _strict_unquote(text: str) -> str:
    """Percent-decode when every ``%`` starts a valid escape (as libpq requires); else the text as is."""
    if "%" in text and len(_PERCENT_OK.findall(text)) == text.count("%"):
        from urllib.parse import unquote

        return unquote(text, errors="surrogateescape")
    return text


# --- secrets in raw text ------------------------------------------------------------------------------------


def _secret_spans(text: str) -> list[tuple[int, int]]:
    """Where secrets sit in a target as written (URL password, ``password=`` in a query or keyword string).

    In a URL the password is taken to run from the first ``:`` of the user info to the *last* ``@``: that is
    what a user who did not encode ``@`` meant, and it covers what libpq itself read as the password.
    """
    spans: list[tuple[int, int]] = []
    norm, _ = normalise(text)
    offset = len(text) - len(norm)
    if is_uri(norm):
        p0 = norm.index("://") + 3
        last_at = norm.rfind("@")
        if last_at > p0:
            colon = norm.find(":", p0, last_at)
            if colon != -1:
                spans.append((offset + colon + 1, offset + last_at))
        for m in _SECRET_QUERY.finditer(norm):
            spans.append((offset + m.start(2), offset + m.end(2)))
    elif _OTHER_URL.match(text):
        # a URL of another scheme (mysql://... given to the PostgreSQL path): its password stands in the same
        # place, and its query may carry password= as well
        p0 = text.index("://") + 3
        last_at = text.rfind("@")
        if last_at > p0:
            colon = text.find(":", p0, last_at)
            if colon != -1:
                spans.append((colon + 1, last_at))
        for m in _SECRET_QUERY.finditer(text):
            spans.append((m.start(2), m.end(2)))
    else:
        for m in _SECRET_KW.finditer(text):
            spans.append((m.start(3), m.end(3)))
    return [s for s in spans if s[1] > s[0]]


_OTHER_URL: Final = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.:-]*://")


def redact_text(text: str) -> str:
    """The target as written with every secret replaced by ``****``."""
    out = text
    for start, end in sorted(_secret_spans(text), reverse=True):
        out = out[:start] + REDACTED + out[end:]
    return out


def _secret_values(text: str) -> list[str]:
    """Every form in which a secret of ``text`` could be echoed: raw, decoded, de-quoted, and its pieces."""
    values: set[str] = set()
    for start, end in _secret_spans(text):
        raw = text[start:end]
        values.add(raw)
        values.add(_strict_unquote(raw))
        if raw.startswith("'"):
            values.add(re.sub(r"\\(.)", r"\1", raw.strip("'")))
        for piece in re.split(r"[@/:?#]", raw):
            values.add(piece)
            values.add(_strict_unquote(piece))
        values.add(_q(_strict_unquote(raw)))
    return sorted((v for v in values if v), key=len, reverse=True)


#: scheme://user:password@ in a quoted fragment (the password up to the last '@' before the path)
_ANY_URL_USERINFO: Final = re.compile(r"([A-Za-z][A-Za-z0-9+.:-]*://[^/?#@:]*:)([^/?#]*@|.*@)")


def scrub(message: str, text: str) -> str:
    """A libpq message about ``text`` with anything secret removed.

    libpq quotes the input it complains about (``invalid percent-encoded token: "p%zz"``, or the whole URI).
    A quoted fragment found in the text is re-rendered with the secret parts masked; a fragment that holds any
    form of a secret is masked; finally every secret of four characters or more is masked wherever it is.
    """
    secrets = _secret_values(text)
    if not secrets and "://" not in message:
        return message
    spans = _secret_spans(text)

    def fragment(m: re.Match[str]) -> str:
        frag = m.group(1)
        if not frag:
            return m.group(0)
        url = _ANY_URL_USERINFO.match(frag)
        if url is not None and not _secret_spans(frag):
            # a URL libpq did not read as one (mysql://... taken as a keyword: "invalid connection option"):
            # its password is masked where it stands, between the first ':' of the user info and the last '@'
            return f'"{url.group(1)}{REDACTED}@{frag[url.end(2):]}"'
        if frag == text:
            return '"' + redact_text(text) + '"'
        pos = text.find(frag)
        while pos != -1:
            if any(pos < e and pos + len(frag) > s for s, e in spans):
                return f'"{REDACTED}"'
            pos = text.find(frag, pos + 1)
        if text.find(frag) == -1 and any(s == frag or (len(s) >= 4 and s in frag) for s in secrets):
            return f'"{REDACTED}"'
        return m.group(0)

    out = re.sub(r'"([^"\n]*)"', fragment, message)
    for s in secrets:
        if len(s) >= 4:
            out = out.replace(s, REDACTED)
    return out


# --- the password and the URL ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PasswordAnalysis:
    """How the user-info part of a URL reads, compared with what its author most likely meant.

    ``meant`` assumes the user info ends at the *last* ``@`` and the password at it; ``encoded_url`` is the
    URL with user name and password percent-encoded (it holds the password: never print it, use
    ``encoded_redacted``).
    """

    bent: bool  # libpq reads user, password, host, port or dbname differently from what was meant
    rejected: bool  # libpq rejects the URL as written, and accepts it with the password encoded
    unencoded: tuple[str, ...]  # characters of the password that should have been percent-encoded
    encoded_url: Secret
    encoded_redacted: str
    libpq_reading: str  # what libpq made of it, in words, without any piece of the password
    pieces: tuple[str, ...]  # parts of the password, split at the characters that bent the URL


def _parse(text: str) -> dict[str, str] | None:
    from psycopg import Error
    from psycopg.conninfo import conninfo_to_dict

    try:
        return {k: str(v) for k, v in conninfo_to_dict(text).items()}
    except (Error, UnicodeDecodeError):
        return None


def analyse_password(text: str) -> PasswordAnalysis | None:
    """For a URL with a password: does the password bend or break the URL? None when there is nothing to say."""
    norm, _ = normalise(text)
    if not is_uri(norm):
        return None
    scheme_end = norm.index("://") + 3
    last_at = norm.rfind("@")
    if last_at <= scheme_end:
        return None
    userinfo = norm[scheme_end:last_at]
    if ":" not in userinfo:
        return None
    user_raw, pw_raw = userinfo.split(":", 1)
    user, pw = _strict_unquote(user_raw), _strict_unquote(pw_raw)
    rest = norm[last_at + 1 :]
    prefix = norm[:scheme_end]
    encoded = f"{prefix}{_q(user)}:{_q(pw)}@{rest}"
    redacted = f"{prefix}{_q(user)}:{REDACTED}@{rest}"
    unencoded = tuple(sorted({c for c in pw_raw if c in _MUST_ENCODE} - ({"%"} if pw != pw_raw else set())))
    as_written = _parse(norm)
    as_meant = _parse(encoded)
    keys = ("user", "password", "host", "port", "dbname")
    pieces = tuple(p for p in re.split(r"[@/:?#]", pw) if p)
    if as_written is None:
        if as_meant is None:
            return None
        return PasswordAnalysis(False, True, unencoded, Secret(encoded), redacted, "libpq rejects it", pieces)
    if as_meant is None:
        return None
    bent = any(as_written.get(k) != as_meant.get(k) for k in keys)
    if not bent and not unencoded:
        return None
    reading = ""
    if bent:
        got = []
        if as_written.get("password") is None:
            got.append("no password at all")
        elif as_written.get("password") != pw:
            got.append("only the start of the password")
        for k in ("user", "host", "port", "dbname"):
            if as_written.get(k) != as_meant.get(k):
                got.append(f"a different {k} ({mask_pieces(as_written.get(k), pieces) or 'none'})")
        reading = "libpq reads " + ", ".join(got)
    return PasswordAnalysis(bent, False, unencoded, Secret(encoded), redacted, reading, pieces)


def mask_pieces(value: str | None, pieces: Sequence[str]) -> str | None:
    """Mask parts of a password that a bent URL moved into another field (``ss@host`` → ``****@host``)."""
    if value is None:
        return None
    for piece in sorted(pieces, key=len, reverse=True):
        value = re.sub(r"(?<![^@/:?#,])" + re.escape(piece) + r"(?![^@/:?#,])", REDACTED, value)
    return value


def encoding_advice(chars: Sequence[str]) -> str:
    return ", ".join(f"{c!r} as {quote(c, safe='')}" for c in chars)


# --- parsing --------------------------------------------------------------------------------------------------


def _hint(text: str, message: str) -> str:
    analysis = analyse_password(text)
    if analysis is not None and analysis.rejected:
        chars = encoding_advice(analysis.unencoded) if analysis.unencoded else "its special characters"
        return (
            "the password contains characters that end the user info or start an escape in a URL, so the URL "
            f"breaks inside the password. Percent-encode them ({chars}): {analysis.encoded_redacted} with "
            "the encoded password in place of ****; urllib.parse.quote(password, safe='') does it."
        )
    unknown = UNKNOWN_OPTION.search(message)
    if unknown:
        from dbdoctor.drivers.libpq import suggestion

        said = suggestion(unknown.group(1))
        return (
            (said + " " if said else "") +
            "libpq knows only its own keywords, all lower case (sslmode, sslrootcert, ...); "
            "see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS"
        )
    if "percent-encoded" in message:
        return "a '%' in a URL must start %XX; write a literal '%' as %25"
    if is_uri(normalise(text)[0]):
        return "a URL has the form postgresql://user:password@host:port/dbname?key=value (encode special characters)"
    return "a keyword string has the form host=... port=... dbname=...; quote values with spaces in single quotes"


def parse_params(text: str) -> dict[str, str]:
    """libpq's own parse of the target as written (URL, SQLAlchemy/JDBC URL or keyword string), password
    included: handle with care. Raises TargetParseError with libpq's message, scrubbed of secrets."""
    from psycopg import Error
    from psycopg.conninfo import conninfo_to_dict

    from dbdoctor._untrusted import require_utf8

    require_utf8(text)
    norm, _ = normalise(text)
    try:
        parsed = conninfo_to_dict(norm)
    except UnicodeDecodeError:  # psycopg decodes libpq's values as UTF-8; its message would echo the bytes
        raise TargetParseError(
            "the connection string holds percent-encoded bytes that are not valid UTF-8",
            "in a URL every '%' starts an escape of two hex digits; write a literal '%' as %25 "
            "(urllib.parse.quote(password, safe='') encodes a password correctly)",
        ) from None
    except Error as exc:
        message = scrub(str(exc).strip() or type(exc).__name__, text)
        raise TargetParseError(message, _hint(text, message)) from None
    return {k: str(v) for k, v in parsed.items()}


#: libpq's words for a keyword or URI parameter it does not know (conninfo_add_defaults, uri_prefix_length...)
UNKNOWN_OPTION: Final = re.compile(r'invalid (?:URI query parameter: |connection option )"([^"]*)"')



# --- writing strings out ------------------------------------------------------------------------------------


#: keys that go into the authority or path of a URL rather than its query
_URL_STRUCTURAL: Final = ("user", "host", "port", "dbname")


def _kw_quote(value: str) -> str:
    """libpq keyword-string quoting (conninfo_parse in fe-connect.c): single quotes, backslash escapes."""
    if value and not any(c in value for c in " '\\\t\n"):
        return value
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def keywords(params: Mapping[str, str], *, password_set: bool, password_text: str = REDACTED) -> str:
    """``host=... port=... password=****``: keyword form, password replaced."""
    parts = [f"{k}={_kw_quote(v)}" for k, v in params.items() if k != "password"]
    if password_set:
        parts.append(f"password={password_text}")
    return " ".join(parts)


def _host_port_list(hosts: str, ports: str | None) -> str | None:
    host_list = hosts.split(",")
    port_list = ports.split(",") if ports else []
    if any(h.startswith("/") for h in host_list):
        return None  # Unix sockets go into the query
    if len(port_list) > 1 and len(port_list) != len(host_list):
        return None
    out = []
    for i, h in enumerate(host_list):
        h_out = f"[{h}]" if ":" in h else quote(h, safe="")
        p = port_list[i] if len(port_list) > 1 else (port_list[0] if port_list else "")
        out.append(f"{h_out}:{p}" if p else h_out)
    return ",".join(out)


def url(params: Mapping[str, str], *, password_set: bool, scheme: str = "postgresql") -> str:
    """``postgresql://user:****@host:port/db?k=v``: URL form, password replaced by ****."""
    rest = {k: v for k, v in params.items() if k not in _URL_STRUCTURAL and k != "password"}
    authority = ""
    user = params.get("user")
    if user is not None:
        authority = quote(user, safe="")
    if password_set:
        authority += f":{REDACTED}"
    if authority:
        authority += "@"
    host_part = ""
    if "host" in params:
        hp = _host_port_list(params["host"], params.get("port"))
        if hp is None:
            rest = {"host": params["host"], **({"port": params["port"]} if "port" in params else {}), **rest}
        else:
            host_part = hp
    elif "port" in params:
        host_part = f":{params['port']}"
    path = "/" + quote(params["dbname"], safe="") if "dbname" in params else ""
    query = "&".join(f"{k}={quote(v, safe='/')}" for k, v in rest.items())
    return f"{scheme}://{authority}{host_part}{path}" + (f"?{query}" if query else "")


def render(target: Target, changes: Mapping[str, str | None] | None = None) -> str:
    """The target as the user wrote it (URL or keywords), with ``changes`` applied, password redacted."""
    params = dict(target.params)
    for key, value in (changes or {}).items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    if target.form == "keywords":
        return keywords(params, password_set=target.has_password and target.provenance.get("password") == "url")
    return url(params, password_set=target.has_password and target.provenance.get("password") == "url")


def render_effective(target: Target) -> str:
    """The one-line keyword form of the effective settings an app can log at start-up."""
    return keywords(dict(target.settings), password_set=target.has_password, password_text="REDACTED")
