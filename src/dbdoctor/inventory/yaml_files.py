"""docker-compose ``environment:`` blocks, Rails ``config/database.yml``, Spring ``application*.yml`` and
``.properties``, and Prisma's ``schema.prisma``: a small indentation reader for the simple block YAML these files use
(no anchors, flow collections or multi-line scalars; PyYAML is not a dependency and these files rarely need more)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Final

from dbdoctor.inventory.model import DB_VAR, Entry, is_url, make_entry, read_text, redact_value, walk_files

# --- the small block-YAML reader ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class YamlItem:
    path: tuple[str, ...]  # keys from the top ("services", "web", "environment", "DATABASE_URL")
    value: str
    line: int


def unquote_yaml(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] == '"':
        return v[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if len(v) >= 2 and v[0] == v[-1] == "'":
        return v[1:-1].replace("''", "'")
    return re.sub(r"\s+#.*$", "", v)


def yaml_scalars(text: str) -> list[YamlItem]:
    """Scalars of simple block YAML with their key paths and lines. ``- KEY=VALUE`` list items become a key
    ``KEY`` (docker-compose's list form of ``environment``); other list items are keyed by their index."""
    out: list[YamlItem] = []
    stack: list[tuple[int, str]] = []  # (indent, key)
    counters: dict[tuple[str, ...], int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#") or raw.strip() in ("---", "..."):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        s = raw.strip()
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = tuple(k for _, k in stack)
        if s.startswith("- ") or s == "-":
            item = s[2:].strip()
            m = re.match(r"^([\"']?)([A-Za-z_][A-Za-z0-9_.]*)=(.*)\1$", item)
            if m:
                out.append(YamlItem((*path, m.group(2)), m.group(3), number))
                continue
            m = re.match(r"^([\w.\-\"']+)\s*:\s*(.*)$", item)
            if m:  # "- key: value" starts a mapping inside a list
                idx = counters.get(path, 0)
                counters[path] = idx + 1
                stack.append((indent, str(idx)))
                key = m.group(1).strip("\"'")
                if m.group(2).strip():
                    out.append(YamlItem((*path, str(idx), key), unquote_yaml(m.group(2)), number))
                else:
                    stack.append((indent + 2, key))
                continue
            idx = counters.get(path, 0)
            counters[path] = idx + 1
            out.append(YamlItem((*path, str(idx)), unquote_yaml(item), number))
            continue
        m = re.match(r"^([^:#]+?|\"[^\"]*\"|'[^']*')\s*:(?:\s+(.*))?$", s)
        if not m:
            continue
        key = m.group(1).strip().strip("\"'")
        value = (m.group(2) or "").strip()
        if value and not value.startswith(("#", "&", "|", ">")):
            out.append(YamlItem((*path, key), unquote_yaml(value), number))
        else:
            stack.append((indent, key))
    return out


def compose_entries(root: Path) -> list[Entry]:
    out = []
    for p in walk_files(root, re.compile(r"(?:^|/)(?:docker-)?compose(?:\.[\w-]+)?\.ya?ml$")):
        text = read_text(p)
        if text is None:
            continue
        rel = p.relative_to(root).as_posix()
        for item in yaml_scalars(text):
            if len(item.path) >= 4 and item.path[0] == "services" and item.path[2] == "environment":
                key = item.path[-1]
                if DB_VAR.match(key) or is_url(item.value):
                    out.append(make_entry("docker-compose", rel, item.line, f"{item.path[1]}.{key}", item.value))
    return out


_ERB_ENV: Final = re.compile(r"""ENV(?:\[\s*|\.fetch\(\s*)["']([A-Za-z_][A-Za-z0-9_]*)["']""")


def rails_entries(root: Path) -> list[Entry]:
    out = []
    for p in walk_files(root, re.compile(r"(?:^|/)config/database\.ya?ml$")):
        text = read_text(p)
        if text is None:
            continue
        rel = p.relative_to(root).as_posix()
        for item in yaml_scalars(text):
            key = item.path[-1]
            if key not in ("url", "host", "port", "database", "username", "password", "sslmode", "sslrootcert"):
                continue
            m = _ERB_ENV.search(item.value)
            name = ".".join(item.path)
            if m:
                out.append(make_entry("rails", rel, item.line, name, item.value, reads_env=m.group(1)))
            elif key == "password":
                out.append(Entry("rails", rel, item.line, name, None, secret=bool(item.value)))
            else:
                e = make_entry("rails", rel, item.line, name, item.value)
                if key == "database":
                    e = dataclasses.replace(e, parsed={"dbname": item.value})
                out.append(e)
    return out


_SPRING_KEYS: Final = ("spring.datasource.url", "spring.datasource.username", "spring.datasource.password",
                       "spring.r2dbc.url", "spring.r2dbc.password")
_PLACEHOLDER: Final = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.]*)(?::([^}]*))?\}")


def spring_entry(rel: str, line: int, key: str, value: str) -> Entry:
    m = _PLACEHOLDER.fullmatch(value.strip())
    if m:
        default = m.group(2)
        shown = value if not (default and key.endswith("password")) else f"${{{m.group(1)}:****}}"
        if default and not key.endswith("password"):
            shown = f"${{{m.group(1)}:{redact_value(default)}}}"
        return Entry("spring", rel, line, key, shown, secret=bool(default) and key.endswith("password"),
                     reads_env=m.group(1).upper().replace(".", "_"))
    return make_entry("spring", rel, line, key, value)


def spring_entries(root: Path) -> list[Entry]:
    out = []
    for p in walk_files(root, re.compile(r"(?:^|/)application(?:-[\w]+)?\.properties$")):
        text = read_text(p)
        if text is None:
            continue
        rel = p.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), 1):
            m = re.match(r"^\s*([\w.\-]+)\s*[=:]\s*(.*?)\s*$", line)
            if m and m.group(1) in _SPRING_KEYS:
                out.append(spring_entry(rel, number, m.group(1), m.group(2)))
    for p in walk_files(root, re.compile(r"(?:^|/)application(?:-[\w]+)?\.ya?ml$")):
        text = read_text(p)
        if text is None:
            continue
        rel = p.relative_to(root).as_posix()
        for item in yaml_scalars(text):
            key = ".".join(item.path)
            if key in _SPRING_KEYS:
                out.append(spring_entry(rel, item.line, key, item.value))
    return out


def prisma_entries(root: Path) -> list[Entry]:
    out = []
    for p in walk_files(root, re.compile(r"(?:^|/)[\w.-]*\.prisma$")):
        text = read_text(p)
        if text is None:
            continue
        rel = p.relative_to(root).as_posix()
        for number, line in enumerate(text.splitlines(), 1):
            m = re.match(r"^\s*(url|directUrl|shadowDatabaseUrl)\s*=\s*(.*?)\s*$", line)
            if not m:
                continue
            value = m.group(2)
            env = re.fullmatch(r'env\(\s*"([^"]+)"\s*\)', value)
            if env:
                out.append(Entry("prisma", rel, number, m.group(1), value, reads_env=env.group(1)))
            elif value.startswith('"') and value.endswith('"'):
                out.append(make_entry("prisma", rel, number, m.group(1), value[1:-1]))
    return out


