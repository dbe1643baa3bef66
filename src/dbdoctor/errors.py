"""The one exception tree of dbdoctor.

A failed connection is never an exception here: it is an observation, and the diagnosis turns it into a
finding. Exceptions are for input the tool cannot use, for the tool's own failures, and for the app-facing
preflight::

    DbdoctorError                   base of everything dbdoctor raises on purpose
    ├── InputError                  the input could not be used (CLI exit code 2)
    │   ├── TargetParseError        a connection string the driver's own parser rejects
    │   ├── SourceFileError         a dotenv, service or pgpass file that cannot be read or parsed
    │   └── UsageError              a bad option or combination of options
    ├── SandboxError                a local sandbox server could not be created, started or stopped
    ├── ProtocolError               bytes from a server that break the protocol (caught inside probe/)
    ├── PreflightError              the app's connection does not work; carries the finding
    └── InternalError               a bug in dbdoctor (CLI exit code 3)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dbdoctor.report import Finding


class DbdoctorError(Exception):
    """Base of every exception dbdoctor raises on purpose."""


class InputError(DbdoctorError):
    """The input could not be used. ``hint`` says in plain words what to do about it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class TargetParseError(InputError):
    """The connection string is rejected by the driver's own parser."""


class SourceFileError(InputError):
    """A settings file (dotenv, pg_service.conf, .pgpass) cannot be read or parsed."""


class UsageError(InputError):
    """An option, or a combination of options, that cannot be used."""


class SandboxError(DbdoctorError):
    """A sandbox server could not be created, started or stopped."""


class ProtocolError(DbdoctorError):
    """A server sent bytes that break the protocol. Raised by pure parsers, caught by the probe."""


class PreflightError(DbdoctorError):
    """The app's own connection settings do not work. ``finding`` is the diagnosis."""

    def __init__(self, message: str, finding: Finding | None = None) -> None:
        super().__init__(message)
        self.finding = finding


class InternalError(DbdoctorError):
    """dbdoctor itself failed: a bug."""
