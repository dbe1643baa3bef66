"""Writing connection strings back out, redacted: the corrected string a finding proposes, the one-line form
an app logs at start-up. Pure string work; parsing is libpq's job (sources/).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from urllib.parse import quote

from dbdoctor.target import REDACTED, Target

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
