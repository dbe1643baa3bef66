"""PostgreSQL settings resolution: from what the user pasted (or the environment) to a Target with provenance.

libpq parses; this module does not. A URL or keyword string goes to ``psycopg.conninfo.conninfo_to_dict``,
which calls libpq's ``PQconninfoParse``. What libpq does *after* parsing (filling in the service file, the
environment and the defaults, and reading .pgpass) is emulated here, following PostgreSQL 18's fe-connect.c:

- ``conninfo_add_defaults``: for each keyword not set by the string, the service file (``parseServiceInfo``),
  then the keyword's environment variable (``PGSSLMODE``...; ``PGREQUIRESSL=1`` for sslmode), then the
  compiled default (``port`` 5432, ``sslmode`` prefer), and for ``user`` the name of the effective OS user.
- ``connectOptions2``: an empty ``dbname`` becomes the user name; no host and no hostaddr means the default
  Unix socket directory, which is ``/var/run/postgresql`` both for Debian's libpq and for the libpq that
  psycopg-binary bundles (checked: its connection error names ``/var/run/postgresql/.s.PGSQL.5432``);
  ``host``, ``hostaddr`` and ``port`` are comma-separated lists, one port may serve all hosts.
- ``passwordFromFile``: the .pgpass lookup when no password is set (see ``_files.pgpass_password``).

Before libpq sees them, SQLAlchemy schemes (``postgresql+psycopg://``...) and ``jdbc:postgresql://`` are
rewritten to ``postgresql://``; the driver the scheme names is kept in ``Target.scheme_driver``.

``DATABASE_URL`` is the target when none is given (frameworks read it; no driver does). Dotenv files act as
environment variables, a later file wins over an earlier one, and the real process environment wins over
every file (python-dotenv's default ``override=False``); every value that lost is kept in
``Target.shadowed``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import quote

from dbdoctor.errors import TargetParseError
from dbdoctor.report import Finding, ParseReport
from dbdoctor.target import DEFAULT, REDACTED, URL, HostAttempt, Secret, Shadowed, Target

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
_ORDER: Final = ("host", "hostaddr", "port", "dbname", "user", "sslmode")

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
                got.append(f"a different {k} ({_mask_pieces(as_written.get(k), pieces) or 'none'})")
        reading = "libpq reads " + ", ".join(got)
    return PasswordAnalysis(bent, False, unencoded, Secret(encoded), redacted, reading, pieces)


def _mask_pieces(value: str | None, pieces: Sequence[str]) -> str | None:
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
    unknown = _UNKNOWN_RE.search(message)
    if unknown:
        from dbdoctor.rules.static_unknown import suggestion

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


_UNKNOWN_RE: Final = re.compile(r'invalid (?:URI query parameter: |connection option )"([^"]*)"')


def parse_error_finding(exc: TargetParseError) -> Finding:
    """The finding the check pipeline reports for a target libpq rejects: ``param_unknown`` (DD102) for an
    unknown keyword, ``invalid_target`` (DD100) otherwise. The message is already free of secrets."""
    from dbdoctor.rules import static_target, static_unknown

    m = _UNKNOWN_RE.search(exc.message)
    if m:
        return static_unknown.RULE.finding(
            detail=f"libpq rejects the connection string: {exc.message}. {static_unknown.suggestion(m.group(1))}",
            fix=exc.hint or "use libpq's own keyword names, in lower case",
        )
    return static_target.RULE.finding(
        detail=f"libpq rejects the connection string: {exc.message}",
        fix=exc.hint or "fix the connection string",
    )


# --- resolution -----------------------------------------------------------------------------------------------


def libpq_home(environ: Mapping[str, str]) -> Path:
    """The home directory libpq uses (pqGetHomeDirectory: $HOME, else the passwd entry of the effective user)."""
    home = environ.get("HOME")
    if home:
        return Path(home)
    import pwd

    try:
        return Path(pwd.getpwuid(os.geteuid()).pw_dir)
    except KeyError:
        return Path("/")


def _os_user() -> str:
    """pg_fe_getauthname: the name of the effective user (not $USER)."""
    import pwd

    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def _split(value: str | None) -> list[str]:
    return value.split(",") if value is not None else []


def host_attempts(settings: Mapping[str, str]) -> tuple[HostAttempt, ...]:
    """The host list in libpq's order (connectOptions2). Mismatched list lengths give the hosts with the ports
    that can be matched; the param_invalid rule reports the mismatch."""
    hosts = _split(settings.get("host"))
    addrs = _split(settings.get("hostaddr"))
    ports = _split(settings.get("port"))
    n = max(len(hosts), len(addrs), 1)
    out = []
    for i in range(n):
        host = hosts[i] if i < len(hosts) else None
        addr = addrs[i] if i < len(addrs) else None
        if not host and not addr:
            host = DEFAULT_SOCKET_DIR
        if len(ports) == 1:
            port_text = ports[0]
        elif i < len(ports):
            port_text = ports[i]
        else:
            port_text = "" if not ports else "?"
        port_text = port_text.strip()
        port: int | None
        if port_text == "":
            port = int(DEFAULT_PORT)
        elif port_text.isdecimal() and 1 <= int(port_text) <= 65535:
            port = int(port_text)
        else:
            port = None
        out.append(HostAttempt(host=host or None, hostaddr=addr or None, port=port))
    return tuple(out)


def _relevant(key: str) -> bool:
    return key in RELEVANT_ENV


def _shadow_value(key: str, value: str) -> str | None:
    if key in ("PGPASSWORD", "password"):
        return None
    if key == "DATABASE_URL":
        return redact_text(value)
    return value


def resolve(
    text: str | None,
    *,
    environ: Mapping[str, str],
    env_files: Sequence[str | Path] = (),
    home: Path | None = None,
) -> Target:
    """The Target libpq would connect with. Reads only the dotenv, service and .pgpass files; no network.

    Raises TargetParseError (unparseable target) and SourceFileError (unreadable dotenv file, unknown service).
    """
    from dbdoctor._untrusted import require_utf8
    from dbdoctor.sources._files import dotenv_layers, find_service, pgpass_host, pgpass_password

    if text is not None:
        require_utf8(text)
    shadowed: list[Shadowed] = []
    layers = dotenv_layers(environ, env_files)
    env: dict[str, str] = {}
    env_source: dict[str, str] = {}
    for label, values in layers:
        for key, value in values.items():
            if key in env and _relevant(key) and env[key] != value:
                shadowed.append(Shadowed(key, _shadow_value(key, env[key]), env_source[key], label))
            env[key] = value
            env_source[key] = label
    for key, value in environ.items():
        if key in env and _relevant(key) and env[key] != value:
            shadowed.append(Shadowed(key, _shadow_value(key, env[key]), env_source[key], f"env:{key}"))
        env[key] = value
        env_source[key] = f"env:{key}"

    home = home if home is not None else libpq_home(env)
    text_label = URL
    form = "url"
    if text is None and env.get("DATABASE_URL"):
        text = env["DATABASE_URL"]
        text_label = "env:DATABASE_URL" if env_source["DATABASE_URL"].startswith("env:") else env_source["DATABASE_URL"]
    scheme_driver = None
    params: dict[str, str] = {}
    if text is not None:
        norm, scheme_driver = normalise(text)
        form = "url" if is_uri(norm) else "keywords"
        params = parse_params(text)
    else:
        form = "environment"

    settings: dict[str, str] = {}
    provenance: dict[str, str] = {}
    password: str | None = None
    for key, value in params.items():
        if key == "password":
            password = value
            provenance["password"] = text_label
            continue
        settings[key] = value
        provenance[key] = text_label

    # parseServiceInfo: the service keyword, else PGSERVICE; its values fill what the string left unset
    service = params.get("service") or env.get("PGSERVICE")
    if service:
        if "service" not in settings:
            settings["service"] = service
            provenance["service"] = env_source.get("PGSERVICE", "env:PGSERVICE")
        lookup = find_service(service, env, home)
        for key, value in lookup.values.items():
            label = f"service:{service}"
            if key == "password":
                if password is None:
                    password, provenance["password"] = value, label
                else:
                    shadowed.append(Shadowed("password", None, label, provenance["password"]))
                continue
            if key in settings:
                if settings[key] != value:
                    shadowed.append(Shadowed(key, value, label, provenance[key]))
                continue
            settings[key] = value
            provenance[key] = label

    # the environment, then PGREQUIRESSL, then compiled defaults (conninfo_add_defaults)
    for key, var in ENV_VARS.items():
        if var not in env or key == "service":
            continue
        value = env[var]
        if key == "password":
            if password is None:
                password, provenance["password"] = value, env_source[var]
            else:
                shadowed.append(Shadowed("password", None, env_source[var], provenance["password"]))
            continue
        if key in settings:
            if settings[key] != value:
                shadowed.append(Shadowed(key, value, env_source[var], provenance[key]))
            continue
        settings[key] = value
        provenance[key] = env_source[var]
    if "sslmode" not in settings and env.get("PGREQUIRESSL", "").startswith("1"):
        settings["sslmode"] = "require"
        provenance["sslmode"] = env_source["PGREQUIRESSL"]
    # sslrootcert=system makes an unset sslmode verify-full (connectOptions2, PostgreSQL 16+)
    defaults = {"port": DEFAULT_PORT, "sslmode": "verify-full" if settings.get("sslrootcert") == "system" else "prefer"}
    for key, value in defaults.items():
        if key not in settings or (key == "port" and not settings[key]):  # empty port: default (connectOptions2)
            settings[key] = value
            provenance[key] = DEFAULT
    if not settings.get("user"):
        settings["user"] = _os_user()
        provenance["user"] = DEFAULT
    # connectOptions2: empty dbname → user; no host and no hostaddr → the default socket directory
    if not settings.get("dbname"):
        settings["dbname"] = settings["user"]
        provenance["dbname"] = DEFAULT
    if not settings.get("host") and not settings.get("hostaddr"):
        settings["host"] = DEFAULT_SOCKET_DIR
        provenance["host"] = DEFAULT

    hosts = host_attempts(settings)

    # passwordFromFile, for the first host (Target holds one password; libpq looks up each host in turn)
    if not password:
        passfile = settings.get("passfile") or str(home / ".pgpass")
        first = hosts[0]
        lookup_host = pgpass_host(first.host or first.hostaddr, DEFAULT_SOCKET_DIR)
        ports = _split(settings.get("port"))
        port_text = (ports[0] if ports else "") or DEFAULT_PORT
        result = pgpass_password(Path(passfile), lookup_host, port_text.strip(), settings["dbname"], settings["user"])
        if result.password:
            password = result.password
            provenance["password"] = f"pgpass:{passfile}"

    for key in SECRET_KEYS - {"password"}:
        if key in settings:
            settings[key] = REDACTED

    ordered: dict[str, str] = {k: settings[k] for k in _ORDER if k in settings}
    ordered.update({k: v for k, v in settings.items() if k not in ordered})
    analysis = analyse_password(text) if text is not None else None
    shown_params = {k: v for k, v in params.items() if k != "password"}
    if analysis is not None and analysis.bent:
        # a bent URL moved pieces of the password into other fields: never show them
        for target_dict in (shown_params, ordered):
            for k in ("user", "host", "port", "dbname"):
                if k in target_dict:
                    target_dict[k] = _mask_pieces(target_dict[k], analysis.pieces) or ""
    for key in SECRET_KEYS - {"password"}:
        if key in shown_params:
            shown_params[key] = REDACTED
    if analysis is not None and analysis.bent:
        hosts = host_attempts(ordered)
    return Target(
        engine="postgresql",
        params=shown_params,
        settings=ordered,
        provenance={k: provenance[k] for k in [*ordered, "password"] if k in provenance},
        password=Secret(password) if password else None,
        hosts=hosts,
        written=redact_text(text) if text is not None else None,
        form=form,
        scheme_driver=scheme_driver,
        shadowed=tuple(shadowed),
    )


def effective(target: Target) -> dict[str, object]:
    """The contract's ``effective`` mapping: settings with the port as an integer when it is one number."""
    out: dict[str, object] = dict(target.settings)
    port = target.settings.get("port", "")
    if port.strip().isdecimal():
        out["port"] = int(port)
    return out


def static_findings(target: Target, text: str | None, environ: Mapping[str, str]) -> tuple[Finding, ...]:
    """Run every static rule on the target; sorted as the contract says."""
    from dbdoctor.report import sort_findings
    from dbdoctor.rules._base import Context
    from dbdoctor.rules.registry import rules_for

    ctx = Context(target=target, raw=Secret(text) if text is not None else None, environ=environ)
    found: list[Finding] = []
    for rule in rules_for("static"):
        found.extend(rule.check(ctx))
    return sort_findings(found)


def parse_report(
    text: str | None, *, environ: Mapping[str, str], env_files: Sequence[str | Path] = ()
) -> ParseReport:
    """``dbdoctor parse`` as data: the contract's parse report."""
    from dbdoctor import conninfo
    from dbdoctor.report import ParseReport

    target = resolve(text, environ=environ, env_files=env_files)
    return ParseReport(
        engine="postgresql",
        params=dict(target.params),
        effective=effective(target),
        password="set" if target.has_password else "unset",
        provenance=dict(target.provenance),
        redacted=conninfo.render_effective(target),
        findings=static_findings(target, text, environ),
        driver=target.scheme_driver,
    )
