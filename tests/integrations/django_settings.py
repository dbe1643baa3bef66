"""A minimal Django settings module for tests/integrations/test_django.py: the database comes from DB_* variables
so that no password is ever on a command line."""

from __future__ import annotations

import os

SECRET_KEY = "dbdoctor-tests-not-a-secret"
DEBUG = False
USE_TZ = True
INSTALLED_APPS = ["dbdoctor.integrations.django.DbdoctorConfig"]

_options = {k: os.environ[f"DB_{k.upper()}"] for k in ("sslmode", "sslrootcert") if os.environ.get(f"DB_{k.upper()}")}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("DB_HOST", "localhost"),
        "PORT": os.environ.get("DB_PORT", "5432"),
        "NAME": os.environ.get("DB_NAME", "app"),
        "USER": os.environ.get("DB_USER", "app"),
        "PASSWORD": os.environ.get("DB_PASSWORD", ""),
        "OPTIONS": _options,
    },
    "other": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
}
DBDOCTOR_PREFLIGHT_TIMEOUT = 8
