'''Certificate and key files named in the settings, checked before any connection.

Three rules share the file checks: DD104 ``ca_file_missing``, DD105 ``ca_file_invalid`` and DD106
``client_cert_problem``. Each rule's own docstring has the four sections.
'''

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule

VERIFYING = ("verify-ca", "verify-full")
EITHER = ("Either provide the file, use the system's trusted roots with sslrootcert=system, or change sslmode "
          "to disable server certificate verification.")

DD104_DOC = """
What it checks
--------------
Whether the root certificate file exists: ``sslrootcert`` when set, else libpq's default
``~/.postgresql/root.crt``. With ``sslmode=verify-ca`` or ``verify-full`` a missing file is an error (libpq
refuses to connect: ``root certificate file "..." does not exist``). With ``allow``, ``prefer`` or ``require``
a missing ``sslrootcert`` file is a warning: libpq then silently skips verification.

Why it matters
--------------
The verifying modes fail before a single byte of TLS; with ``require`` a typo in the path means the server's
certificate is never checked, although the settings look as if it were.

How to fix
----------
Download the provider's CA certificate (PEM) and point ``sslrootcert`` at it, or use
``sslrootcert=system`` (libpq 16+) when the server's certificate comes from a public CA.

Example
-------
``sslmode=verify-full`` without ``sslrootcert`` and no ``~/.postgresql/root.crt``: add
``sslrootcert=/etc/ssl/certs/provider-ca.pem``.
"""

DD105_DOC = """
What it checks
--------------
Whether the root certificate file (``sslrootcert`` or ``~/.postgresql/root.crt``) can be read and holds at
least one PEM certificate, when libpq would load it (any sslmode but ``disable``).

Why it matters
--------------
libpq loads the file whenever it exists and fails the connection when it cannot (``could not read root
certificate file``), even with ``sslmode=require``. A DER file, a private key, an empty file or a path to a
directory all fail this way.

How to fix
----------
Save the CA certificate in PEM form (text starting with ``-----BEGIN CERTIFICATE-----``); convert DER with
``openssl x509 -inform der -in ca.der -out ca.pem``. Make the file readable by the app's user.

Example
-------
``sslrootcert=ca.der`` (binary DER): convert it to ``ca.pem`` and use that.
"""

DD106_DOC = """
What it checks
--------------
The client certificate and key: ``sslcert`` and ``sslkey`` (or libpq's defaults
``~/.postgresql/postgresql.crt`` and ``.key`` when they exist). A named certificate that does not exist
(libpq then sends none, silently), a certificate that is not PEM, a missing key, a key that is not a
regular file, a key whose permissions are too open (libpq: 0600 or less when owned by the user, 0640 or
less when owned by root), and a key that does not belong to the certificate.

Why it matters
--------------
A server that requires client certificates rejects the connection, and the server's message does not say
that the client's file was skipped. libpq refuses a key that others can read, before connecting.

How to fix
----------
Point ``sslcert``/``sslkey`` at the right PEM files and ``chmod 600`` the key (``640`` with owner root for a
key shared with a group).

Example
-------
``sslkey=client.key`` with mode 0644: ``private key file "client.key" has group or world access``; run
``chmod 600 client.key``.
"""


@dataclass(frozen=True, slots=True)
class _Problem:
    code: str
    severity: str
    detail: str
    fix: str


def _home(ctx: Context) -> Path:
    from dbdoctor.postgres.files import libpq_home

    return libpq_home(ctx.environ)


def _exists(path: Path, *, regular: bool = False) -> bool:
    """Whether the file exists; False, not OSError, for a name the system cannot even look up (a 300-character
    component: "File name too long")."""
    try:
        return path.is_file() if regular else path.exists()
    except OSError:
        return False


def _pem_certificates(path: Path) -> int | None:
    """How many PEM certificates the file holds; None when it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if b"-----BEGIN CERTIFICATE-----" not in data:
        return 0
    from cryptography import x509

    try:
        return len(x509.load_pem_x509_certificates(data))
    except ValueError:
        return 0


def _root_problems(ctx: Context) -> list[_Problem]:
    s = ctx.target.settings
    mode = s.get("sslmode", "prefer")
    explicit = s.get("sslrootcert")
    if explicit == "system" or mode == "disable":
        return []
    path = Path(explicit) if explicit else _home(ctx) / ".postgresql" / "root.crt"
    source = ctx.target.provenance.get("sslrootcert", "default")
    if not _exists(path):
        if mode in VERIFYING:
            return [_Problem("DD104", "error",
                             f'sslmode={mode} needs a root certificate file and there is none. libpq says: '
                             f'root certificate file "{path}" does not exist {EITHER}',
                             "Set sslrootcert to the provider's CA certificate (PEM), or sslrootcert=system "
                             "when the server's certificate comes from a public CA.")]
        if explicit:
            return [_Problem("DD104", "warning",
                             f'sslrootcert names "{path}" (from {source}), which does not exist; with '
                             f"sslmode={mode} libpq then skips certificate verification without a word.",
                             "Fix the path; use sslmode=verify-full to make libpq insist on it.")]
        return []
    if not _exists(path, regular=True) or not os.access(path, os.R_OK):
        return [_Problem("DD105", "error", f'The root certificate file "{path}" is not a readable file.',
                         "Point sslrootcert at a readable PEM file.")]
    count = _pem_certificates(path)
    if not count:
        return [_Problem("DD105", "error",
                         f'The root certificate file "{path}" holds no PEM certificate; libpq will fail with '
                         f'"could not read root certificate file".',
                         "Save the CA certificate in PEM form (-----BEGIN CERTIFICATE-----); convert DER with "
                         "openssl x509 -inform der -in ca.der -out ca.pem.")]
    return []


def _key_mode_problem(path: Path, st: os.stat_result) -> str | None:
    """fe-secure-openssl.c initialize_SSL: 0600 or less if owned by the current user, 0640 if owned by root."""
    mode = st.st_mode
    if (st.st_uid == os.geteuid() and mode & (stat.S_IRWXG | stat.S_IRWXO)) or (
        st.st_uid == 0 and mode & (stat.S_IWGRP | stat.S_IXGRP | stat.S_IRWXO)
    ):
        return (f'private key file "{path}" has group or world access; file must have permissions u=rw (0600) '
                "or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root")
    return None


def _client_problems(ctx: Context) -> list[_Problem]:
    s = ctx.target.settings
    if s.get("sslmode", "prefer") == "disable":
        return []
    home = _home(ctx)
    cert = Path(s["sslcert"]) if s.get("sslcert") else home / ".postgresql" / "postgresql.crt"
    key = Path(s["sslkey"]) if s.get("sslkey") else home / ".postgresql" / "postgresql.key"
    out: list[_Problem] = []
    if not _exists(cert):
        if s.get("sslcert"):
            out.append(_Problem("DD106", "warning",
                                f'sslcert names "{cert}", which does not exist: libpq sends no client '
                                "certificate, without a word.",
                                "Fix the path, or remove sslcert if the server does not ask for one."))
        return out
    count = _pem_certificates(cert)
    if not count:
        out.append(_Problem("DD106", "error", f'The client certificate "{cert}" is not a readable PEM certificate.',
                            "Point sslcert at the client certificate in PEM form."))
        return out
    try:
        st = key.stat()
    except OSError:
        out.append(_Problem("DD106", "error", f'certificate present, but not private key file "{key}"',
                            "Set sslkey to the private key that belongs to the certificate."))
        return out
    if not stat.S_ISREG(st.st_mode):
        out.append(_Problem("DD106", "error", f'private key file "{key}" is not a regular file',
                            "Point sslkey at the key file."))
        return out
    perm = _key_mode_problem(key, st)
    if perm:
        out.append(_Problem("DD106", "error", perm, f"Run: chmod 600 {key}"))
    mismatch = _key_mismatch(cert, key)
    if mismatch:
        out.append(_Problem("DD106", "error", mismatch,
                            "Use the key that was generated with the certificate (or the certificate issued "
                            "for this key)."))
    return out


def _key_mismatch(cert: Path, key: Path) -> str | None:
    """A key that does not belong to the certificate; None when they match or the key is encrypted."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    try:
        certificate = x509.load_pem_x509_certificates(cert.read_bytes())[0]
        private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return None
    fmt = serialization.PublicFormat.SubjectPublicKeyInfo
    enc = serialization.Encoding.DER
    if certificate.public_key().public_bytes(enc, fmt) != private.public_key().public_bytes(enc, fmt):
        return f'The private key "{key}" does not belong to the client certificate "{cert}".'
    return None


def _findings(ctx: Context, code: str) -> Iterable[Finding]:
    problems = _root_problems(ctx) if code in ("DD104", "DD105") else _client_problems(ctx)
    rule = {"DD104": DD104, "DD105": DD105, "DD106": DD106}[code]
    for p in problems:
        if p.code == code:
            yield rule.finding(detail=p.detail, fix=p.fix, severity=p.severity)  # type: ignore[arg-type]


def _dd104(ctx: Context) -> Iterable[Finding]:
    return _findings(ctx, "DD104")


def _dd105(ctx: Context) -> Iterable[Finding]:
    return _findings(ctx, "DD105")


def _dd106(ctx: Context) -> Iterable[Finding]:
    return _findings(ctx, "DD106")


DD104 = Rule(code="DD104", cause="ca_file_missing", severity="error", title="The root certificate file is missing",
             doc=DD104_DOC, check=_dd104, stage="static")
DD105 = Rule(code="DD105", cause="ca_file_invalid", severity="error",
             title="The root certificate file holds no usable certificate", doc=DD105_DOC, check=_dd105,
             stage="static")
DD106 = Rule(code="DD106", cause="client_cert_problem", severity="error",
             title="A problem with the client certificate or key", doc=DD106_DOC, check=_dd106, stage="static")

RULES = (DD104, DD105, DD106)
