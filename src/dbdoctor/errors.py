"""The one exception tree of dbdoctor.

A failed connection is never an exception here: it is an observation, and the diagnosis turns it into a
finding. Exceptions are for input the tool cannot use, for the tool's own failures, and for the app-facing
preflight::

    DbdoctorError                   base of everything dbdoctor raises on purpose
    ├── InputError                  the input could not be used (CLI exit code 2)
    │   ├── TargetParseError        a connection string the driver's own parser rejects
    │   │   └── PasswordBendError   a MySQL URL whose raw password changes how the URL reads
    │   ├── SourceFileError         a dotenv, service or pgpass file that cannot be read or parsed
    │   ├── DriverError             a driver name (or NAME==VERSION) dbdoctor does not know, either engine's
    │   └── UsageError              a bad option or combination of options
    ├── SandboxError                a local sandbox server could not be created, started or stopped
    │   └── PortTaken               the port chosen was taken before the server bound it (the sandbox retries)
    ├── ProtocolError               bytes from a server that break the protocol (caught inside the probes)
    ├── ProbeFailed                 a scan's probe of one endpoint stopped at a phase (a result, never let out)
    ├── TransportError              a socket operation that did not complete (caught inside the probes)
    │   ├── TimedOut                the deadline passed during a blocking operation
    │   └── Closed                  the peer closed or reset the connection
    ├── PreflightError              the app's connection does not work; carries the finding
    └── InternalError               a bug in dbdoctor (CLI exit code 3)
"""

from __future__ import annotations

from collections.abc import Sequence
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


class PasswordBendError(TargetParseError):
    """The password holds characters that make the URL read differently from what was meant (no secret in
    the message: only which characters, and the URL with the password encoded and masked)."""

    def __init__(self, message: str, hint: str, unencoded: Sequence[str]) -> None:
        super().__init__(message, hint)
        self.unencoded = tuple(unencoded)


class DriverError(InputError):
    """An unknown driver name (PostgreSQL's or MySQL's) or a malformed ``NAME==VERSION``."""


class SourceFileError(InputError):
    """A settings file (dotenv, pg_service.conf, .pgpass) cannot be read or parsed."""


class UsageError(InputError):
    """An option, or a combination of options, that cannot be used."""


class SandboxError(DbdoctorError):
    """A sandbox server could not be created, started or stopped."""


class PortTaken(SandboxError):
    """The port chosen for a sandbox server was taken before the server bound it; the sandbox tries another."""


class ProbeFailed(DbdoctorError):
    """A scan's password-free probe of one endpoint stopped: the ``phase`` it reached, the ``reason`` in plain
    words and the ``issue`` code the result carries. The scanner turns it into that endpoint's result."""

    def __init__(self, phase: str, reason: str, issue: str = "unreachable") -> None:
        super().__init__(reason)
        self.phase = phase
        self.reason = reason
        self.issue = issue


class TransportError(DbdoctorError):
    """A socket operation that did not complete; the probes turn it into an observation, never let it out."""


class TimedOut(TransportError):
    """The deadline passed during a blocking operation."""


class Closed(TransportError):
    """The peer closed or reset the connection (the reason, when known, is the message)."""


class ProtocolError(DbdoctorError):
    """A server sent bytes that break the protocol. Raised by pure parsers, caught by the probe."""


class PreflightError(DbdoctorError):
    """The app's own connection settings do not work. ``finding`` is the diagnosis."""

    def __init__(self, message: str, finding: Finding | None = None) -> None:
        super().__init__(message)
        self.finding = finding


class InternalError(DbdoctorError):
    """dbdoctor itself failed: a bug."""
