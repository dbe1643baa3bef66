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
from collections.abc import Mapping, Sequence
from pathlib import Path

from dbdoctor.postgres.conninfo import (
    DEFAULT_PORT,
    DEFAULT_SOCKET_DIR,
    ENV_VARS,
    RELEVANT_ENV,
    SECRET_KEYS,
    SHOWN_ORDER,
    analyse_password,
    is_uri,
    mask_pieces,
    normalise,
    parse_params,
    redact_text,
)
from dbdoctor.postgres.files import libpq_home
from dbdoctor.target import DEFAULT, REDACTED, URL, HostAttempt, Secret, Shadowed, Target

# --- resolution -----------------------------------------------------------------------------------------------


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
    from dbdoctor.sources.files import dotenv_layers, find_service, pgpass_host, pgpass_password

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

    # kept aside, intact, for the connections (sslpassword reaches OpenSSL's key decryption as written)
    secrets = {key: Secret(settings[key]) for key in SECRET_KEYS - {"password"} if key in settings}
    for key in secrets:
        settings[key] = REDACTED

    ordered: dict[str, str] = {k: settings[k] for k in SHOWN_ORDER if k in settings}
    ordered.update({k: v for k, v in settings.items() if k not in ordered})
    analysis = analyse_password(text) if text is not None else None
    shown_params = {k: v for k, v in params.items() if k != "password"}
    if analysis is not None and analysis.bent:
        # a bent URL moved pieces of the password into other fields: never show them
        for target_dict in (shown_params, ordered):
            for k in ("user", "host", "port", "dbname"):
                if k in target_dict:
                    target_dict[k] = mask_pieces(target_dict[k], analysis.pieces) or ""
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
        secrets=secrets,
    )


def effective(target: Target) -> dict[str, object]:
    """The contract's ``effective`` mapping: settings with the port as an integer when it is one number."""
    out: dict[str, object] = dict(target.settings)
    port = target.settings.get("port", "")
    if port.strip().isdecimal():
        out["port"] = int(port)
    return out


