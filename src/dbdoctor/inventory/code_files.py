"""Django ``DATABASES`` in settings files, read with :mod:`ast` (never imported)."""

from __future__ import annotations

import ast
import dataclasses
import re
import warnings
from pathlib import Path

from dbdoctor.inventory.model import SECRET_NAME, Entry, make_entry, read_text, redact_value, walk_files

# --- Django, with ast ------------------------------------------------------------------------------------------


def _env_call(node: ast.AST) -> tuple[str, ast.AST | None] | None:
    """``os.environ["X"]``, ``os.environ.get("X", d)``, ``os.getenv("X", d)``, ``env("X", default=d)``,
    ``env.str("X")``, ``config("X")``: the variable name and the default node."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        base = ast.unparse(node.value)
        if base.endswith("environ"):
            return node.slice.value, None
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str):
        fn = ast.unparse(node.func)
        if fn.endswith(("environ.get", "getenv", "environ.setdefault")) or fn in ("env", "config") \
                or fn.startswith(("env.", "config.")):
            default = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "default"), None)
            return node.args[0].value, default
    return None


def _django_value(rel: str, key: str, node: ast.AST) -> Entry | None:
    line = getattr(node, "lineno", None)
    env = _env_call(node)
    if env is not None:
        name, default = env
        shown = f"from ${name}"
        if isinstance(default, ast.Constant) and isinstance(default.value, str | int):
            d = str(default.value)
            if SECRET_NAME.search(key):
                shown += " (default ****)"
            else:
                shown += f" (default {redact_value(d)})"
        return Entry("django", rel, line, key, shown, reads_env=name,
                     secret=SECRET_NAME.search(key) is not None and default is not None)
    if isinstance(node, ast.Constant) and isinstance(node.value, str | int):
        return make_entry("django", rel, line, key, str(node.value))
    return None


def django_entries(root: Path) -> list[Entry]:
    out: list[Entry] = []
    for p in walk_files(root, re.compile(r"(?:^|/)settings(?:/[\w]+)?\.py$|(?:^|/)settings_?\w*\.py$")):
        text = read_text(p)
        if text is None or ("DATABASES" not in text and "dj_database_url" not in text):
            continue
        try:
            with warnings.catch_warnings():  # the user's invalid escapes are not dbdoctor's warnings
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        rel = p.relative_to(root).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith(("dj_database_url.config",
                                                                              "dj_database_url.parse", "db_url")):
                fn = ast.unparse(node.func)
                if fn.endswith("parse") and node.args:
                    inner = _django_value(rel, "DATABASES.default", node.args[0])
                    if inner is not None:
                        out.append(inner)
                    continue
                env_name = next((k.value.value for k in node.keywords if k.arg == "env"
                                 and isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)),
                                "DATABASE_URL")
                default = next((k.value for k in node.keywords if k.arg == "default"), None)
                shown = f"dj_database_url reads ${env_name}"
                parsed: dict[str, str] = {}
                secret = False
                if isinstance(default, ast.Constant) and isinstance(default.value, str):
                    d_entry = make_entry("django", rel, node.lineno, "default", default.value)
                    shown += f" (default {d_entry.value})"
                    parsed, secret = dict(d_entry.parsed), d_entry.secret
                for kw in node.keywords:
                    if kw.arg == "ssl_require" and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                        parsed["sslmode"] = "require"
                        shown += ", ssl_require=True"
                out.append(Entry("django", rel, node.lineno, "DATABASES.default", shown, reads_env=env_name,
                                 parsed=parsed, secret=secret))
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "DATABASES"
                                                    for t in node.targets) and isinstance(node.value, ast.Dict):
                for alias_k, alias_v in zip(node.value.keys, node.value.values, strict=False):
                    if not isinstance(alias_k, ast.Constant) or not isinstance(alias_v, ast.Dict):
                        continue
                    alias = str(alias_k.value)
                    for k, v in zip(alias_v.keys, alias_v.values, strict=False):
                        if not isinstance(k, ast.Constant):
                            continue
                        key = str(k.value)
                        if key == "OPTIONS" and isinstance(v, ast.Dict):
                            for ok, ov in zip(v.keys, v.values, strict=False):
                                if isinstance(ok, ast.Constant) and ok.value in ("sslmode", "sslrootcert"):
                                    e = _django_value(rel, f"DATABASES.{alias}.OPTIONS.{ok.value}", ov)
                                    if e is not None:
                                        if ok.value == "sslmode" and e.reads_env is None and e.value:
                                            e = dataclasses.replace(e, parsed={"sslmode": e.value})
                                        out.append(e)
                            continue
                        if key not in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT"):
                            continue
                        e = _django_value(rel, f"DATABASES.{alias}.{key}", v)
                        if e is not None:
                            if key == "HOST" and e.reads_env is None and e.value:
                                e = dataclasses.replace(e, parsed={"host": e.value})
                            if key == "PASSWORD" and e.reads_env is None:
                                e = dataclasses.replace(e, value=None, secret=True)
                            out.append(e)
    return out


