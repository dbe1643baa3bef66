"""MySQL/MariaDB targets: the URL forms, the environment and the option files, with provenance.

Forms (the scheme decides whose option names count):

- ``mysql://`` and ``mariadb://`` (dbdoctor's own, with the MySQL client's option names): ``ssl-mode`` or
  ``ssl_mode`` (DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY; case-insensitive as in the client),
  ``ssl-ca``/``ssl_ca``, ``ssl-cert``/``ssl_cert``, ``ssl-key``/``ssl_key``, ``socket``, ``connect_timeout``.
- SQLAlchemy ``mysql+<driver>://`` (pymysql, mysqldb, mysqlconnector, aiomysql, asyncmy): the driver's own
  names (``ssl_ca``, ``ssl_cert``, ``ssl_key``, ``ssl_check_hostname``, ``ssl_disabled``, ``ssl_verify_cert``,
  ``ssl_verify_identity``, mysqldb's ``ssl_mode``); what the driver then does is turned into the equivalent
  ssl-mode.
- JDBC ``jdbc:mysql://`` (Connector/J: ``sslMode``, case-sensitive; legacy ``useSSL``/``requireSSL``/
  ``verifyServerCertificate`` only without ``sslMode``) and ``jdbc:mariadb://`` (``sslMode``: disable, trust,
  verify-ca, verify-full; default disable).

``ssl-ca`` without an ``ssl-mode`` anywhere means VERIFY_CA, as in the MySQL client (``sslopt-case.h``); its
provenance is that of the ``ssl-ca``.

Precedence, lowest first, as the MySQL client applies it: defaults (host localhost, port 3306, ssl-mode
PREFERRED) < environment (``MYSQL_HOST``, ``MYSQL_TCP_PORT``, ``MYSQL_PWD``, ``MYSQL_UNIX_PORT``) < option file
(``[client]`` of ``--defaults-file`` or ``~/.my.cnf``) < the URL (the target, else ``DATABASE_URL``). Dotenv files
only add variables the real environment does not have (``load_dotenv`` without override).

Effective settings keys: host, port, user, dbname, socket, ssl_mode, ssl_ca, ssl_cert, ssl_key, connect_timeout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from dbdoctor.errors import PasswordBendError, SourceFileError, TargetParseError
from dbdoctor.mysql.forms import SCHEME
from dbdoctor.target import REDACTED, HostAttempt, Secret, Shadowed, Target

MODES: Final = ("DISABLED", "PREFERRED", "REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")
DEFAULT_PORT: Final = 3306

SQLALCHEMY_DRIVERS: Final = ("pymysql", "mysqldb", "mysqlconnector", "aiomysql", "asyncmy")

#: dbdoctor's own URL keys (MySQL client option names, dash or underscore) → settings keys
_OWN_KEYS: Final = {
    "ssl-mode": "ssl_mode",
    "ssl-ca": "ssl_ca",
    "ssl-cert": "ssl_cert",
    "ssl-key": "ssl_key",
    "socket": "socket",
    "connect-timeout": "connect_timeout",
}


def is_mysql_url(text: str | None) -> bool:
    """Whether a text has one of the MySQL/MariaDB URL forms (:data:`dbdoctor.mysql.SCHEME`)."""
    return bool(text) and SCHEME.match(text) is not None  # type: ignore[arg-type]


_SCHEME_HEAD: Final = re.compile(r"^\s*[^:/?#@]+(?::[a-z]+)?://", re.IGNORECASE)


def shown_target(text: str) -> str:
    """The target as it may be shown: :func:`dbdoctor.mysql.sources.redact_text`, and then the user info masked
    up to its last ``@`` when the password bends the URL (an un-encoded ``@``, ``/``, ``?`` or ``#`` in it:
    ``mysql://app:p/w@db/app`` is exactly the kind of target that fails to parse). Where the text is ambiguous
    (an ``@`` in the query) it masks too much rather than too little."""
    shown = redact_text(text)
    head = _SCHEME_HEAD.match(shown)
    if head is None:
        return shown
    rest = shown[head.end():]
    if rest.startswith(f"{rest.split(':', 1)[0]}:{REDACTED}@"):
        # redact_text masked up to the first "@"; the password may hold more of them inside the authority
        end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
        at = rest.rfind("@", 0, end)
    else:
        at = rest.rfind("@")
    if at < 0:
        return shown
    user, colon, secret = rest[:at].partition(":")
    if not colon or secret == REDACTED:
        return shown
    return f"{head.group(0)}{user}:{REDACTED}{rest[at:]}"


#: a password= query parameter: its value runs to the next '&' or ';' that starts another key=value pair (a raw
#: '&' in it stays masked), and a raw '#' does not end it here (the rest is masked too; password_bend says so)
_QUERY_PASSWORD = re.compile(r"([?&;]password=)(?:[^&;]|[&;](?![A-Za-z_][A-Za-z0-9_.-]*=))*", re.IGNORECASE)
_URL_START: Final = re.compile(r"^\s*(?:jdbc:)?[a-z][a-z0-9+.-]*://", re.IGNORECASE)
#: characters that end or bend a URL's user info when a password holds them raw
_MUST_ENCODE: Final = frozenset("@/?#:%[] ")


def _userinfo_span(text: str) -> tuple[int, int, int] | None:
    """(start of the user info, its first ':', the last '@') in a URL, as its author most likely meant it: the
    password runs from the first ':' of the user info to the *last* '@', whatever it holds."""
    m = _URL_START.match(text)
    if m is None:
        return None
    start = m.end()
    last_at = text.rfind("@")
    if last_at <= start:
        return None
    if _QUERY_PASSWORD.search(text[start:last_at]):
        return None  # the '@' is in a password= query parameter (JDBC, SQLAlchemy), not after a user info
    colon = text.find(":", start, last_at)
    if colon == -1:
        return None
    return start, colon, last_at


def redact_text(text: str) -> str:
    """The URL with its password (userinfo after ':', up to the last '@', and a ``password=`` query parameter as
    JDBC and SQLAlchemy URLs carry it) replaced by ****. A password with a raw ``/``, ``?`` or ``#`` is masked
    whole, wherever a URL parser would have put its pieces."""
    span = _userinfo_span(text)
    if span is not None:
        _start, colon, last_at = span
        text = f"{text[: colon + 1]}{REDACTED}{text[last_at:]}"
    return _QUERY_PASSWORD.sub(lambda q: q.group(1) + REDACTED, text)


def password_bend(text: str) -> tuple[bool, tuple[str, ...], str] | None:
    """Does a raw character in the URL's password change how the URL reads? (bent, the raw characters, the URL
    with user and password encoded, password masked); None when the password holds nothing to encode.

    ``bent`` compares host, port, user, password and database as dbdoctor reads the URL as written (Python's
    urlsplit, like most URL parsers: the user info ends at the first ``/``, ``?`` or ``#``) with the reading of
    the same URL with the password percent-encoded.
    """
    q = _QUERY_PASSWORD.search(text)
    if q is not None and "#" in q.group(0):
        # URL parsers end the query at '#': the password is cut there and the rest becomes a fragment
        return True, ("#",), _QUERY_PASSWORD.sub(lambda m: m.group(1) + REDACTED, text)
    span = _userinfo_span(text)
    if span is None:
        return None
    start, colon, last_at = span
    user_raw, pw_raw = text[start:colon], text[colon + 1 : last_at]
    pw = unquote(pw_raw) if not re.search(r"%(?![0-9A-Fa-f]{2})", pw_raw) else pw_raw
    raw_chars = sorted({c for c in pw_raw if c in _MUST_ENCODE} - ({"%"} if pw != pw_raw else set()))
    if not raw_chars:
        return None
    rest = text[last_at:]
    encoded = f"{text[:start]}{quote(unquote(user_raw), safe='')}:{quote(pw, safe='')}{rest}"
    shown = f"{text[:start]}{quote(unquote(user_raw), safe='')}:{REDACTED}{_QUERY_PASSWORD.sub(lambda q: q.group(1) + REDACTED, rest)}"

    def reading(t: str) -> tuple[object, ...] | None:
        try:
            params, _settings, password, _driver, _unknown = parse_url(t)
        except TargetParseError:
            return None
        return (
            params.get("host"),
            params.get("port"),
            params.get("user"),
            params.get("dbname"),
            password.reveal() if password is not None else None,
        )

    meant = reading(encoded)
    if meant is None:
        return None  # broken for other reasons as well: the parse error says which
    return reading(text) != meant, tuple(raw_chars), shown


# --- option files --------------------------------------------------------------------------------------------


def read_option_file(path: Path, groups: Sequence[str] = ("client", "client-mariadb")) -> dict[str, str]:
    """The options of the given groups of a MySQL option file, as the client reads them: ``key=value`` or a bare
    ``key``, dashes and underscores the same, optional quotes, ``#``/``;`` comments. ``!include`` lines are
    ignored (not followed)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise SourceFileError(
            f'cannot read the option file "{path}": {exc.strerror or exc}', "check the --defaults-file path"
        ) from None
    out: dict[str, str] = {}
    group: str | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;" or line.startswith("!"):
            continue
        if line.startswith("[") and line.endswith("]"):
            group = line[1:-1].strip().lower()
            continue
        if group not in groups:
            continue
        key, sep, value = line.partition("=")
        key = key.strip().lower().replace("_", "-")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key] = value if sep else ""
    return out


# --- URL forms -----------------------------------------------------------------------------------------------


def _mode(value: str, key: str) -> str:
    v = value.strip().upper()
    if v not in MODES:
        raise TargetParseError(
            f"invalid {key} value: {value!r}",
            f"use one of {', '.join(MODES)}",
        )
    return v


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def _driver_ssl(
    form: str, driver: str | None, query: list[tuple[str, str]]
) -> tuple[dict[str, str], list[str]]:
    """Settings from the query string per the form's own names, and the names it does not know."""
    s: dict[str, str] = {}
    unknown: list[str] = []
    q = dict(query)
    if form == "own":
        for k, v in query:
            key = k.lower().replace("_", "-")
            if key in _OWN_KEYS:
                name = _OWN_KEYS[key]
                s[name] = _mode(v, k) if name == "ssl_mode" else v
            else:
                unknown.append(k)
        return s, unknown
    if form == "sqlalchemy":
        known = {
            "ssl_ca",
            "ssl_cert",
            "ssl_key",
            "ssl_check_hostname",
            "ssl_capath",
            "ssl_cipher",
            "charset",
            "ssl_disabled",
            "ssl_verify_cert",
            "ssl_verify_identity",
            "connect_timeout",
            "ssl_mode",
            "unix_socket",
        }
        unknown = [k for k, _ in query if k not in known]
        for src, dst in (
            ("ssl_ca", "ssl_ca"),
            ("ssl_cert", "ssl_cert"),
            ("ssl_key", "ssl_key"),
            ("unix_socket", "socket"),
            ("connect_timeout", "connect_timeout"),
        ):
            if src in q:
                s[dst] = q[src]
        if driver == "mysqldb":
            if "ssl_mode" in q:
                if (
                    q["ssl_mode"] not in MODES
                ):  # mysqlclient compares exactly: "Unknown ssl_mode specification"
                    raise TargetParseError(
                        f"Unknown ssl_mode specification: {q['ssl_mode']!r}",
                        f"mysqlclient takes exactly one of {', '.join(MODES)}",
                    )
                s["ssl_mode"] = q["ssl_mode"]
            elif "ssl_ca" in q or "ssl_cert" in q:
                s["ssl_mode"] = "VERIFY_CA" if "ssl_ca" in q else "REQUIRED"
            else:
                s["ssl_mode"] = "PREFERRED"
        elif driver == "mysqlconnector":
            if "ssl_mode" in q:
                raise TargetParseError(
                    "Unsupported argument 'ssl_mode'",
                    "mysql-connector-python takes ssl_disabled / ssl_verify_cert / ssl_verify_identity",
                )
            if _truthy(q.get("ssl_disabled", "")):
                s["ssl_mode"] = "DISABLED"
            elif _truthy(q.get("ssl_verify_identity", "")):
                s["ssl_mode"] = "VERIFY_IDENTITY"
            elif _truthy(q.get("ssl_verify_cert", "")):
                s["ssl_mode"] = "VERIFY_CA"
            else:
                s["ssl_mode"] = "PREFERRED"  # TLS when offered, unverified, plain otherwise, even with ssl_ca
        else:  # pymysql, aiomysql, asyncmy: SQLAlchemy folds ssl_* into PyMySQL's ssl dict
            if "ssl_mode" in q:
                raise TargetParseError(
                    "PyMySQL has no ssl_mode (TypeError: unexpected keyword argument)",
                    "use ssl_ca=... (verifies chain and host) or ssl_check_hostname=false",
                )
            if "ssl_ca" in q or "ssl_capath" in q:
                check = q.get("ssl_check_hostname")
                s["ssl_mode"] = "VERIFY_CA" if check is not None and not _truthy(check) else "VERIFY_IDENTITY"
            elif "ssl_cert" in q or "ssl_key" in q:
                s["ssl_mode"] = "REQUIRED"
            else:
                s["ssl_mode"] = "PREFERRED"
        return s, unknown
    if form == "jdbc-mysql":
        known = {
            "sslMode",
            "useSSL",
            "requireSSL",
            "verifyServerCertificate",
            "trustCertificateKeyStoreUrl",
            "connectTimeout",
            "user",
            "password",
        }
        unknown = [k for k, _ in query if k not in known]
        if "sslMode" in q:
            s["ssl_mode"] = _mode(q["sslMode"], "sslMode")
        elif "useSSL" in q and not _truthy(q["useSSL"]):
            s["ssl_mode"] = "DISABLED"
        elif _truthy(q.get("verifyServerCertificate", "")):
            s["ssl_mode"] = "VERIFY_CA"
        elif _truthy(q.get("requireSSL", "")):
            s["ssl_mode"] = "REQUIRED"
        else:
            s["ssl_mode"] = "PREFERRED"
        return s, unknown
    # jdbc:mariadb (Connector/J 3)
    known = {
        "sslMode",
        "serverSslCert",
        "connectTimeout",
        "user",
        "password",
        "useSsl",
        "trustServerCertificate",
    }
    unknown = [k for k, _ in query if k not in known]
    mode = q.get("sslMode", "disable").lower()
    mapping = {
        "disable": "DISABLED",
        "trust": "REQUIRED",
        "verify-ca": "VERIFY_CA",
        "verify-full": "VERIFY_IDENTITY",
    }
    if mode not in mapping:
        raise TargetParseError(
            f"invalid sslMode value: {q.get('sslMode')!r}",
            "MariaDB Connector/J takes disable, trust, verify-ca or verify-full",
        )
    s["ssl_mode"] = mapping[mode]
    if "serverSslCert" in q:
        s["ssl_ca"] = q["serverSslCert"]
    return s, unknown


#: SQLAlchemy's reading of a URL (sqlalchemy.engine.url.make_url), written from its documented grammar: the user
#: name ends at ':' or '/', the password at the FIRST '@' (so a raw '/', '?' or '#' in it is harmless, a raw '@'
#: is not), the host at ':', '/' or '?'. tests/mysql/test_mysql_sources.py compares it with make_url itself.
_SQLALCHEMY_URL: Final = re.compile(
    r"^[\w+]+://"
    r"(?:(?P<user>[^:/]*)(?::(?P<password>[^@]*))?@)?"
    r"(?:\[(?P<ipv6>[^/?]+)\]|(?P<host>[^/:?]+))?"
    r"(?::(?P<port>[^/?]*))?"
    r"(?:/(?P<path>[^?]*))?"
    r"(?:\?(?P<query>.*))?$",
    re.DOTALL,
)


class _Parts:
    """The fields of urlsplit's result that parse_url reads, from SQLAlchemy's grammar."""

    def __init__(self, m: re.Match[str]) -> None:
        self.username: str | None = m.group("user")
        self.password: str | None = m.group("password")
        self.hostname: str | None = m.group("ipv6") or m.group("host")
        self._port = m.group("port")
        self.path = "/" + m.group("path") if m.group("path") is not None else ""
        self.query = m.group("query") or ""

    @property
    def port(self) -> int | None:
        if not self._port:
            return None
        if not self._port.isdecimal() or not 0 <= int(self._port) <= 65535:
            raise ValueError(self._port)
        return int(self._port)


def _split_sqlalchemy(text: str) -> _Parts:
    m = _SQLALCHEMY_URL.match(text)
    if m is None:
        raise TargetParseError("SQLAlchemy cannot read this URL", "write mysql+<driver>://user:password@host:port/db")
    return _Parts(m)


#: URL schemes that name a driver whose knowledge is keyed by the same query parameters the URL carries
#: (SQLAlchemy's mysqldb dialect hands them to MySQLdb.connect, reproduced in tests/drivers/test_mysql_drivers_c.py).
#: The other SQLAlchemy forms are read here: their drivers' knowledge is keyed by connect() keywords, which
#: SQLAlchemy rewrites (PyMySQL's ssl_ca becomes an ssl dict).
IMPLIED_DRIVERS: Final = {"mysql+mysqldb": "mysqlclient"}


def implied_driver(text: str | None) -> str | None:
    """The driver a URL's scheme names when no ``--driver`` is given (``mysql+mysqldb://`` → mysqlclient)."""
    if not text or "://" not in text:
        return None
    return IMPLIED_DRIVERS.get(text.strip().split("://", 1)[0].lower())


def query_of(text: str) -> str:
    """The query part of a MySQL URL as its form's parser finds it (SQLAlchemy's grammar for mysql+<driver>://:
    a raw '?' in the password does not start the query there)."""
    t = text.strip()
    m = SCHEME.match(t)
    if m is not None and m.group(3) and not m.group(1):
        try:
            return _split_sqlalchemy(t).query
        except TargetParseError:
            return ""
    return urlsplit(t.removeprefix("jdbc:")).query


def parse_url(text: str) -> tuple[dict[str, str], dict[str, str], Secret | None, str | None, list[str]]:
    """(params as written, settings from the URL, password, scheme driver, unknown query keys)."""
    from dbdoctor._untrusted import require_utf8

    require_utf8(text)
    t = text.strip()
    m = SCHEME.match(t)
    if m is None:
        raise TargetParseError("not a MySQL URL", "write mysql://user:password@host:port/dbname")
    jdbc, flavour, driver = m.group(1), m.group(2).lower(), (m.group(3) or "").lower() or None
    if jdbc:
        form = f"jdbc-{flavour}"
        scheme_driver = "connector-j" if flavour == "mysql" else "mariadb-connector-j"
        if driver:
            raise TargetParseError(f"unexpected '+{driver}' in a JDBC URL", "write jdbc:mysql://host:port/db")
    elif driver:
        if driver not in SQLALCHEMY_DRIVERS:
            raise TargetParseError(
                f"unknown SQLAlchemy MySQL driver {driver!r}", f"use one of {', '.join(SQLALCHEMY_DRIVERS)}"
            )
        form, scheme_driver = "sqlalchemy", driver
    else:
        form, scheme_driver = "own", None
    try:
        parts = _split_sqlalchemy(t) if form == "sqlalchemy" else urlsplit(t[len(jdbc) + 1 :] if jdbc else t)
    except ValueError as exc:  # "Invalid IPv6 URL": a '[' or ']' in the host part (an unencoded password)
        raise TargetParseError(
            f"the URL cannot be split into its parts ({exc})",
            "percent-encode the user name and password (urllib.parse.quote(password, safe='')); "
            "brackets are only for an IPv6 address: [::1]",
        ) from None
    try:
        port = parts.port
    except ValueError:
        raise TargetParseError(
            "invalid port in the URL", "the port must be a number from 1 to 65535"
        ) from None
    params: dict[str, str] = {}
    settings: dict[str, str] = {}
    if parts.hostname:
        params["host"] = settings["host"] = unquote(parts.hostname)
    if port is not None:
        if port == 0:
            raise TargetParseError("invalid port 0 in the URL", "the port must be a number from 1 to 65535")
        params["port"] = settings["port"] = str(port)
    if parts.username:
        params["user"] = settings["user"] = unquote(parts.username)
    password = Secret(unquote(parts.password)) if parts.password is not None else None
    db = unquote(parts.path.lstrip("/")) if parts.path else ""
    if db:
        params["dbname"] = settings["dbname"] = db
    query = parse_qsl(parts.query, keep_blank_values=True)
    for k, v in query:
        if k.lower() == "password":
            password = Secret(v)
            continue
        params[k] = v
    if form.startswith("jdbc"):
        q = dict(query)
        if "user" in q:
            settings["user"] = q["user"]
    s, unknown = _driver_ssl(form, scheme_driver, [(k, v) for k, v in query if k.lower() != "password"])
    settings.update(s)
    return params, settings, password, scheme_driver, unknown


# --- resolve -------------------------------------------------------------------------------------------------


def resolve(
    text: str | None,
    *,
    environ: Mapping[str, str],
    env_files: Sequence[str | Path] = (),
    home: str | Path | None = None,
    defaults_file: str | Path | None = None,
) -> Target:
    """The effective MySQL settings with provenance; raises TargetParseError or SourceFileError."""
    from dbdoctor._untrusted import require_utf8
    from dbdoctor.sources.files import dotenv_layers

    if text is not None:
        require_utf8(text)
    env: dict[str, str] = {}
    env_source: dict[str, str] = {}
    for layer, values in dotenv_layers(environ, env_files):
        for k, v in values.items():
            if k not in environ:
                env[k], env_source[k] = v, layer
    for k, v in environ.items():
        env[k], env_source[k] = v, "env"

    settings: dict[str, str] = {"host": "localhost", "port": str(DEFAULT_PORT), "ssl_mode": "PREFERRED"}
    prov: dict[str, str] = {"host": "default", "port": "default", "ssl_mode": "default"}
    shadowed: list[Shadowed] = []
    password: Secret | None = None
    password_source: str | None = None

    def put(key: str, value: str, source: str) -> None:
        old = prov.get(key)
        if old is not None and old != "default" and settings.get(key) != value:
            shadowed.append(Shadowed(key, settings.get(key), old, source))
        settings[key] = value
        prov[key] = source

    def label(var: str) -> str:
        src = env_source.get(var, "env")
        return f"env:{var}" if src == "env" else f"{src}:{var}"

    for var, key in (("MYSQL_HOST", "host"), ("MYSQL_TCP_PORT", "port"), ("MYSQL_UNIX_PORT", "socket")):
        if env.get(var):
            put(key, env[var], label(var))
    if env.get("MYSQL_PWD") is not None:
        password, password_source = Secret(env["MYSQL_PWD"]), label("MYSQL_PWD")

    opt_path = (
        Path(defaults_file)
        if defaults_file
        else Path(home or environ.get("HOME") or "~").expanduser() / ".my.cnf"
    )
    if defaults_file or opt_path.is_file():
        opts = read_option_file(opt_path)
        src = f"file:{opt_path}"
        for k, name in (
            ("host", "host"),
            ("port", "port"),
            ("user", "user"),
            ("database", "dbname"),
            ("socket", "socket"),
            ("ssl-ca", "ssl_ca"),
            ("ssl-cert", "ssl_cert"),
            ("ssl-key", "ssl_key"),
        ):
            if opts.get(k):
                put(name, opts[k], src)
        if opts.get("ssl-mode"):
            put("ssl_mode", _mode(opts["ssl-mode"], "ssl-mode"), src)
        if "password" in opts:
            password, password_source = Secret(opts["password"]), src

    written = text
    form = "url"
    params: dict[str, str] = {}
    scheme_driver = None
    if text is None and env.get("DATABASE_URL"):
        text = env["DATABASE_URL"]
        url_source = label("DATABASE_URL")
        form = "environment"
    else:
        url_source = "url"
    if text is not None:
        bend = password_bend(text)
        if bend is not None and bend[0]:
            _bent, chars, shown = bend
            raise PasswordBendError(
                "the password holds " + ", ".join(repr(c) for c in chars) + " unencoded, so the URL reads as "
                "another host, port, user, database or password",
                f"percent-encode the password ({', '.join(f'{c!r} as {quote(c, safe=str())}' for c in chars)}): "
                f"{shown} with the encoded password in place of ****; in Python urllib.parse.quote(password, "
                "safe='')",
                chars,
            )
        params, url_settings, url_password, scheme_driver, unknown = parse_url(text)
        for k, v in url_settings.items():
            put(k, v, url_source)
        if url_password is not None:
            password, password_source = url_password, url_source
        if unknown:
            params["_unknown"] = ",".join(unknown)
    if prov["ssl_mode"] == "default" and settings.get("ssl_ca"):
        # the MySQL client: --ssl-ca (or --ssl-capath) without an explicit --ssl-mode is VERIFY_CA
        # (client/include/sslopt-case.h: "if (!ssl_mode_set_explicitly) opt_ssl_mode = SSL_MODE_VERIFY_CA");
        # libmariadb verifies the chain whenever a CA is given too (a wrong, expired or missing CA fails there)
        settings["ssl_mode"], prov["ssl_mode"] = "VERIFY_CA", prov["ssl_ca"]
    if "user" not in settings:
        import getpass

        try:
            settings["user"] = getpass.getuser()
        except (KeyError, OSError):
            settings["user"] = "root"
        prov["user"] = "default"
    if password_source:
        prov["password"] = password_source
    port = settings.get("port", "")
    port_num = int(port) if port.isdecimal() and 0 < int(port) < 65536 else None
    if port_num is None:
        raise TargetParseError(
            f"invalid port {port!r} (from {prov.get('port')})", "use a number from 1 to 65535"
        )
    host = settings["host"]
    if settings.get("socket") and host == "localhost":
        attempt = HostAttempt(settings["socket"], None, port_num)  # the client uses the socket for localhost
    else:
        attempt = HostAttempt(host, None, port_num)
    return Target(
        engine="mysql",
        params={k: v for k, v in params.items() if k != "_unknown"},
        settings=settings,
        provenance=prov,
        password=password,
        hosts=(attempt,),
        written=redact_text(written) if written is not None else None,
        form=form,
        scheme_driver=scheme_driver,
        shadowed=tuple(shadowed),
    )


def unknown_keys(text: str | None) -> list[str]:
    """Query keys the form's driver does not know (for DD803)."""
    if not text or not is_mysql_url(text):
        return []
    try:
        return parse_url(text)[4]
    except TargetParseError:
        return []


def render(target: Target) -> str:
    """The effective settings as a redacted mysql:// URL with the MySQL client's option names."""
    s = target.settings
    user = quote(s.get("user", ""), safe="")
    pw = f":{REDACTED}" if target.has_password else ""
    q = [f"ssl-mode={s.get('ssl_mode', 'PREFERRED')}"]
    for key, name in (
        ("ssl_ca", "ssl-ca"),
        ("ssl_cert", "ssl-cert"),
        ("ssl_key", "ssl-key"),
        ("socket", "socket"),
    ):
        if s.get(key):
            q.append(f"{name}={quote(s[key], safe='/')}")
    host = s.get("host", "localhost")
    shown_host = f"[{host}]" if ":" in host else host
    return (
        f"mysql://{user}{pw}@{shown_host}:{s.get('port', DEFAULT_PORT)}/{quote(s.get('dbname', ''), safe='')}?"
        + "&".join(q)
    )


def effective(target: Target) -> dict[str, object]:
    s = target.settings
    out: dict[str, object] = {
        "host": s.get("host"),
        "port": int(s["port"]) if s.get("port", "").isdecimal() else s.get("port"),
        "dbname": s.get("dbname"),
        "user": s.get("user"),
        "ssl_mode": s.get("ssl_mode", "PREFERRED"),
    }
    for key in ("ssl_ca", "ssl_cert", "ssl_key", "socket", "connect_timeout"):
        if key in s:
            out[key] = s[key]
    return out


