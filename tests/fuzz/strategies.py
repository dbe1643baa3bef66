"""Hypothesis strategies for connection strings that look real enough to reach deep into the parsers: schemes of
both engines (URL, SQLAlchemy, JDBC), userinfo with passwords built to break parsers, hosts (names, IPv4, IPv6
in brackets or not, lists), ports, paths and query strings, keyword strings, with random characters (non-ASCII,
surrogates, controls) spliced in."""

from __future__ import annotations

from hypothesis import strategies as st

SCHEMES = ["postgresql", "postgres", "postgresql+psycopg2", "postgresql+asyncpg", "jdbc:postgresql", "mysql",
           "mariadb", "mysql+pymysql", "mysql+mysqldb", "mysql+aiomysql", "jdbc:mysql", "jdbc:mariadb", "http", ""]
KEYS = ["sslmode", "sslrootcert", "sslcert", "sslkey", "ssl_mode", "ssl-mode", "ssl", "ssl_ca", "ssl-ca",
        "sslaccept", "useSSL", "requireSSL", "host", "hostaddr", "port", "user", "password", "dbname",
        "connect_timeout", "options", "service", "target_session_attrs", "sslnegotiation", "tls", "ssl_disabled",
        "allowPublicKeyRetrieval", "enable_cleartext_plugin", "socket", "unix_socket", "application_name"]
#: characters that break URL and keyword parsers
NASTY = [*" '\"\\@:/#%?&=;,[]{}$`~!*+^|<>\t\n\r", "%", "%2", "%zz", "%00", "é", "ß", "😀", "\u202e",
                                                         "\x00", "\x1b", "\udcff", "\u2028"]

nasty_text = st.lists(
    st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=4)), min_size=1, max_size=8
).map("".join)

plain = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=0, max_size=12)

passwords = st.one_of(
    st.text(min_size=1, max_size=1),
    nasty_text,
    st.lists(st.sampled_from([*" '\"@:/#%?&=", "é", "x", "Pw", "9"]), min_size=1, max_size=12).map("".join),
)

hosts = st.one_of(
    plain,
    st.sampled_from(["127.0.0.1", "[::1]", "::1", "[fe80::1%eth0]", "db1:5432", "a,b", "[", "]", "d49Gb]",
                     "db.example.test", "localhost", "/tmp", "%2Ftmp"]),
    nasty_text,
)
ports = st.one_of(st.just(""), st.integers(-5, 70000).map(str), nasty_text)
values = st.one_of(plain, nasty_text, st.sampled_from(["require", "verify-full", "disable", "REQUIRED",
                                                        "VERIFY_IDENTITY", "true", "1", "x" * 300]))


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(SCHEMES))
    user = draw(st.one_of(plain, nasty_text))
    pw = draw(st.one_of(st.none(), passwords))
    userinfo = ""
    if user or pw is not None:
        userinfo = user + (":" + pw if pw is not None else "") + "@"
    host = draw(hosts)
    port = draw(ports)
    path = draw(st.one_of(plain, nasty_text))
    q = draw(st.lists(st.tuples(st.sampled_from(KEYS), values), max_size=4))
    query = "&".join(f"{k}={v}" for k, v in q)
    sep = "://" if scheme else ""
    return f"{scheme}{sep}{userinfo}{host}{':' + port if port else ''}/{path}{'?' + query if query else ''}"


@st.composite
def keyword_strings(draw: st.DrawFn) -> str:
    pairs = draw(st.lists(st.tuples(st.sampled_from(KEYS), values), min_size=1, max_size=5))
    quote = draw(st.booleans())
    return " ".join(f"{k}='{v}'" if quote else f"{k}={v}" for k, v in pairs)


connection_strings = st.one_of(urls(), keyword_strings(), st.text(max_size=80), nasty_text)


@st.composite
def with_password(draw: st.DrawFn) -> tuple[str, str]:
    """A URL (either engine, URL/SQLAlchemy/JDBC form) whose password is a nasty one, percent-encoded as a
    careful user would write it, and the password."""
    from urllib.parse import quote

    pw = draw(passwords.filter(lambda p: not any(0xD800 <= ord(c) <= 0xDFFF for c in p)))
    scheme = draw(st.sampled_from([s for s in SCHEMES if s and s != "http"]))
    host = draw(st.sampled_from(["db.example.test", "127.0.0.1", "[::1]"]))
    q = draw(st.lists(st.tuples(st.sampled_from(KEYS[:12]), plain), max_size=2))
    query = "&".join(f"{k}={v}" for k, v in q)
    if scheme.startswith("jdbc:") and draw(st.booleans()):
        return f"{scheme}://{host}/app?user=app&password={quote(pw, safe='')}" + ("&" + query if query else ""), pw
    return f"{scheme}://app:{quote(pw, safe='')}@{host}:5432/app" + ("?" + query if query else ""), pw
