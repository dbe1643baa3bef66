"""Django system checks for the database connection.

Add the app to ``INSTALLED_APPS``::

    INSTALLED_APPS = [..., "dbdoctor.integrations.django.DbdoctorConfig"]

Then:

- ``manage.py check --deploy`` reports PostgreSQL databases whose effective ``sslmode`` does not verify the
  server (``disable``, ``allow``, ``prefer``, or ``require`` without a root certificate): ``dbdoctor.W001``.
  The effective mode is what libpq will use: ``OPTIONS["sslmode"]``, else ``PGSSLMODE``, else ``prefer``.
  Connections over a Unix socket or to a loopback address are not reported.
- ``manage.py check --tag dbdoctor --database default`` runs the preflight: one real connection with exactly
  the settings Django would use, for each PostgreSQL database named with ``--database``, and reports a failure
  as ``dbdoctor.E001`` with the cause and the fix. Django lets a check connect only to the databases it is
  given (``databases``): a plain ``manage.py check`` and ``runserver`` do not connect, while ``migrate`` names
  the database it migrates, so a migration that cannot connect stops first with the cause and the fix.

Nothing reported ever holds a password.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from django.apps import AppConfig
from django.core import checks

#: Django database engines that talk to PostgreSQL through libpq (psycopg or psycopg2)
PG_ENGINES: Final = frozenset(
    {
        "django.db.backends.postgresql",
        "django.db.backends.postgresql_psycopg2",
        "django.contrib.gis.db.backends.postgis",
    }
)
#: modes that send the password without verifying who receives it
UNVERIFIED: Final = frozenset({"disable", "allow", "prefer", "require"})
TAG: Final = "dbdoctor"
#: seconds for each database's preflight (DBDOCTOR_PREFLIGHT_TIMEOUT in settings overrides it)
DEFAULT_TIMEOUT: Final = 10.0


class DbdoctorConfig(AppConfig):
    name = "dbdoctor.integrations.django"
    label = "dbdoctor"
    verbose_name = "dbdoctor"

    def ready(self) -> None:
        register()


_registered = False


def register() -> None:
    """Register both checks (idempotent); the app config calls it."""
    global _registered
    if _registered:
        return
    checks.register(check_ssl_settings, checks.Tags.security, checks.Tags.database, TAG, deploy=True)
    checks.register(check_connection, TAG, checks.Tags.database)
    _registered = True


def settings_conninfo(db: Mapping[str, Any]) -> str:
    """The libpq keyword string Django's PostgreSQL backend would connect with (password included)."""
    from dbdoctor.integrations import conninfo_from

    options = dict(db.get("OPTIONS") or {})
    params: dict[str, Any] = {
        "host": db.get("HOST"),
        "port": db.get("PORT"),
        "dbname": db.get("NAME"),
        "user": db.get("USER"),
        "password": db.get("PASSWORD"),
    }
    params.update(options)  # Django passes OPTIONS to the driver as connection keywords
    return conninfo_from(params)


def _postgres(databases: Sequence[str] | None) -> Iterable[tuple[str, Mapping[str, Any]]]:
    from django.conf import settings

    for alias, db in settings.DATABASES.items():
        if databases is not None and alias not in databases:
            continue
        if db.get("ENGINE") in PG_ENGINES:
            yield alias, db


def check_ssl_settings(app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
                       ) -> list[checks.CheckMessage]:
    """dbdoctor.W001: a PostgreSQL database whose effective sslmode does not verify the server. No network."""
    from dbdoctor.errors import InputError
    from dbdoctor.phase import internal_host
    from dbdoctor.postgres.gate import shown_settings
    from dbdoctor.postgres.sources import resolve

    out: list[checks.CheckMessage] = []
    environ = dict(os.environ)
    for alias, db in _postgres(None):
        try:
            target = resolve(settings_conninfo(db), environ=environ)
        except InputError as exc:
            out.append(checks.Error(f"DATABASES[{alias!r}] cannot be used: {exc.message}", hint=exc.hint,
                                    id="dbdoctor.E002"))
            continue
        if all(h.is_unix_socket or _loopback(h.connect_to) for h in target.hosts):
            continue
        shown = shown_settings(target, environ)
        mode = target.sslmode
        if mode not in UNVERIFIED or (mode == "require" and shown["ca_file"] != "unset"):
            continue
        source = target.provenance.get("sslmode", "default")
        where = "the default" if source == "default" else f"from {source}"
        private = any(internal_host(h.connect_to) for h in target.hosts)
        risk = ("sends the password in plain text or over unverified TLS" if mode != "require"
                else "encrypts but does not verify the server's certificate")
        out.append(
            checks.Warning(
                f"DATABASES[{alias!r}] connects to {shown['host']} with sslmode={mode} ({where}), which {risk}"
                + (" (a private address does not make it safe on a shared network)." if private else "."),
                hint="Set OPTIONS={'sslmode': 'verify-full', 'sslrootcert': '/path/to/provider-ca.pem'} "
                "(or 'sslrootcert': 'system' for a certificate from a public CA, libpq 16+). "
                "Run `dbdoctor check` to prove the change before deploying.",
                obj=f"DATABASES[{alias!r}]",
                id="dbdoctor.W001",
            )
        )
    return out


def _loopback(host: str | None) -> bool:
    import ipaddress

    if host in (None, "", "localhost"):
        return True
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return False


def check_connection(app_configs: Any = None, databases: Sequence[str] | None = None, **kwargs: Any
                     ) -> list[checks.CheckMessage]:
    """dbdoctor.E001: the preflight (one real connection) fails for a PostgreSQL database in ``databases``.
    With ``databases`` None (a plain ``check``) Django's contract is that no database is queried: nothing runs."""
    if not databases:
        return []
    from django.conf import settings

    from dbdoctor.api import preflight_result
    from dbdoctor.errors import InputError

    timeout = float(getattr(settings, "DBDOCTOR_PREFLIGHT_TIMEOUT", DEFAULT_TIMEOUT))
    out: list[checks.CheckMessage] = []
    for alias, db in _postgres(databases):
        try:
            result = preflight_result(settings_conninfo(db), environ=dict(os.environ), timeout=timeout)
        except InputError as exc:
            out.append(checks.Error(f"DATABASES[{alias!r}] cannot be used: {exc.message}", hint=exc.hint,
                                    id="dbdoctor.E002"))
            continue
        if not result.ok:
            out.append(
                checks.Error(
                    f"DATABASES[{alias!r}]: {result.line()}",
                    hint=f"`dbdoctor check` shows the full diagnosis (cause {result.cause}).",
                    obj=f"DATABASES[{alias!r}]",
                    id="dbdoctor.E001",
                )
            )
    return out
