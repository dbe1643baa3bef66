"""Target: the effective connection settings, each with where it came from, and the password as a Secret.

A Target is immutable and does no I/O. ``sources/`` builds it; the probe reads it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

Engine = Literal["postgresql", "mysql"]

#: Provenance labels. Dynamic ones are built with a prefix: ``env:PGSSLMODE``, ``dotenv:.env``,
#: ``service:prod``, ``pgpass:/root/.pgpass``.
URL: Final = "url"
DEFAULT: Final = "default"

REDACTED: Final = "****"


class Secret:
    """A password that cannot print itself.

    ``str()``, ``repr()`` and formatting all give ``****``; only :meth:`reveal` gives the value, and only the
    code that opens the user's own connection calls it.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED!r})"

    def __str__(self) -> str:
        return REDACTED

    def __format__(self, spec: str) -> str:
        return REDACTED

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:  # pickling would carry the value out
        raise TypeError("a Secret cannot be pickled")


@dataclasses.dataclass(frozen=True, slots=True)
class HostAttempt:
    """One entry of the host list, in the order the driver tries them."""

    host: str | None  # name or address, or a Unix socket directory; None when only hostaddr is given
    hostaddr: str | None  # numeric address to connect to (libpq hostaddr); the host name is still verified
    port: int | None  # None only when the port is invalid (a finding says so)

    @property
    def is_unix_socket(self) -> bool:
        return self.hostaddr is None and self.host is not None and self.host.startswith("/")

    @property
    def connect_to(self) -> str | None:
        return self.hostaddr or self.host


@dataclasses.dataclass(frozen=True, slots=True)
class Shadowed:
    """A value that was set somewhere but lost to a source of higher precedence.

    ``key`` is a connection keyword (``sslmode``) or an environment variable name (``PGSSLMODE``,
    ``DATABASE_URL``); ``value`` is what the losing source said (None for the password: only its sources are
    recorded; a ``DATABASE_URL`` is stored redacted); ``source`` and ``by`` are provenance labels.
    """

    key: str
    value: str | None
    source: str
    by: str


def _frozen(m: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(m or {}))


@dataclasses.dataclass(frozen=True, slots=True)
class Target:
    """The settings an app's driver would use, with the provenance of each.

    ``params`` are the keywords exactly as the target was written (for PostgreSQL: what libpq's own parser
    returns), without the password. ``settings`` are the effective keywords after environment, service file,
    dotenv files and defaults, still without the password. ``provenance`` maps each effective keyword (and
    ``password``) to where it came from.
    """

    engine: Engine
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)
    settings: Mapping[str, str] = dataclasses.field(default_factory=dict)
    provenance: Mapping[str, str] = dataclasses.field(default_factory=dict)
    password: Secret | None = None
    hosts: tuple[HostAttempt, ...] = ()
    #: the target as the user wrote it, with the password replaced by ****; None when none was given
    written: str | None = None
    #: the form it was written in: "url", "keywords" or "environment"
    form: str = "url"
    #: for SQLAlchemy/JDBC forms, the driver named by the scheme (``asyncpg``, ``pgjdbc``...), else None
    scheme_driver: str | None = None
    #: values set in some source and overridden by another (see Shadowed)
    shadowed: tuple[Shadowed, ...] = ()
    #: the values of secret keywords other than the password (``sslpassword``...), whose ``settings`` and
    #: ``params`` show ``****``: only the connections themselves reveal them
    secrets: Mapping[str, Secret] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _frozen(self.params))
        object.__setattr__(self, "settings", _frozen(self.settings))
        object.__setattr__(self, "provenance", _frozen(self.provenance))
        object.__setattr__(self, "secrets", MappingProxyType(dict(self.secrets)))
        if "password" in self.params or "password" in self.settings:
            raise ValueError("the password belongs in Target.password, never in params or settings")

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.settings.get(key, default)

    @property
    def sslmode(self) -> str:
        return self.settings.get("sslmode", "prefer")

    @property
    def has_password(self) -> bool:
        return self.password is not None and bool(self.password)

    def with_settings(self, **changes: str | None) -> Target:
        """A copy with some settings changed (None removes one). Provenance of changed keys becomes ``dbdoctor``."""
        settings = dict(self.settings)
        provenance = dict(self.provenance)
        for key, value in changes.items():
            if value is None:
                settings.pop(key, None)
                provenance.pop(key, None)
            else:
                settings[key] = value
                provenance[key] = "dbdoctor"
        return dataclasses.replace(self, settings=settings, provenance=provenance)
