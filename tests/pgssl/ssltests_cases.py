"""The connection cases of PostgreSQL's ``src/test/ssl/t/001_ssltests.pl`` (PostgreSQL 15.18), as data.

Each server configuration is what 001_ssltests.pl's ``switch_server_cert`` sets (SSL/Backend/OpenSSL.pm:
``ssl_ca_file`` defaults to root+client_ca.crt, ``ssl_crl_file`` to root+client.crl, ``ssl_key_file`` to the
certificate's own key) under the pg_hba.conf of SSL/Server.pm's ``_configure_hba_for_ssl`` with method trust.

Each case is one ``connect_ok``/``connect_fails`` call: the connection string fragment after the test's common
part, what 001_ssltests.pl expects (``ok``, or ``fail`` with the pattern its stderr must match), and the root
cause dbdoctor must name (one id, or several where the cause ids overlap honestly: an IP written as a name).
Written from reading the Perl, not copied from it. In ``conn``:

- ``ssl/NAME`` is a file of tests/data/pg_ssltests/;
- ``key:NAME`` is ``sslkey=`` a copy of tests/data/pg_ssltests/NAME with mode 0600 (their ``sslkey()``),
  ``key:client_wrongperms.key`` a copy of client.key with mode 0644;
- ``invalid`` names a file that does not exist (the test runs in an empty directory).

Left out: the three server start-up checks (a pass-phrase protected server key, server protocol bounds), the
two cases upstream skips itself (``todo_skip "Need Pty support"``), and the ``pg_stat_ssl`` / ``log_like``
checks, which look at the server, not at the outcome of a connection.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Final


@dataclasses.dataclass(frozen=True)
class ServerConf:
    cert: str  # ssl_cert_file (and ssl_key_file) without extension
    ca: str = "root+client_ca"  # ssl_ca_file without extension
    crl: str = "root+client.crl"  # ssl_crl_file
    crldir: str | None = None  # ssl_crl_dir
    hba: tuple[str, ...] | None = None  # pg_hba.conf lines; None: HBA (001_ssltests.pl's)


@dataclasses.dataclass(frozen=True)
class Case:
    category: str
    name: str  # 001_ssltests.pl's test name
    server: str  # key of SERVERS
    conn: str  # the connection string after COMMON
    expect: str  # "ok" or "fail"
    stderr: str | None = None  # regex the failure message must match (from 001_ssltests.pl)
    cause: tuple[str, ...] = ()  # root causes dbdoctor may name; () for ok


#: ``$default_ssl_connstr``: protects each case from files in ~/.postgresql/
DEFAULTS: Final = "sslkey=invalid sslcert=invalid sslrootcert=invalid sslcrl=invalid sslcrldir=invalid"
#: the address every case connects to; the certificate names are reached through ``host`` and this hostaddr
HOSTADDR: Final = "127.0.0.1"

SERVERS: Final[Mapping[str, ServerConf]] = {
    "cn-only": ServerConf("server-cn-only"),
    "ip-cn-only": ServerConf("server-ip-cn-only"),
    "ip-in-dnsname": ServerConf("server-ip-in-dnsname"),
    "multiple-alt-names": ServerConf("server-multiple-alt-names"),
    "single-alt-name": ServerConf("server-single-alt-name"),
    "ip-alt-names": ServerConf("server-ip-alt-names"),
    "cn-and-alt-names": ServerConf("server-cn-and-alt-names"),
    "cn-and-ip-alt-names": ServerConf("server-cn-and-ip-alt-names"),
    "ip-cn-and-alt-names": ServerConf("server-ip-cn-and-alt-names"),
    "ip-cn-and-dns-alt-names": ServerConf("server-ip-cn-and-dns-alt-names"),
    "no-names": ServerConf("server-no-names"),
    "revoked": ServerConf("server-revoked"),
    "cn-only-root-ca": ServerConf("server-cn-only", ca="root_ca"),
    "cn-only-crldir": ServerConf("server-cn-only", crldir="root+client-crldir"),
}

#: pg_hba.conf of SSL::Server::_configure_hba_for_ssl with $authmethod = trust
HBA: Final = (
    "hostssl trustdb      md5testuser    127.0.0.1/32 md5",
    "hostssl trustdb      all            127.0.0.1/32 trust",
    "hostssl verifydb     ssltestuser    127.0.0.1/32 trust clientcert=verify-full",
    "hostssl verifydb     anotheruser    127.0.0.1/32 trust clientcert=verify-full",
    "hostssl verifydb     yetanotheruser 127.0.0.1/32 trust clientcert=verify-ca",
    "hostssl certdb       all            127.0.0.1/32 cert",
    "hostssl certdb_dn    all            127.0.0.1/32 cert clientname=DN map=dn",
    "hostssl certdb_dn_re all            127.0.0.1/32 cert clientname=DN map=dnre",
    "hostssl certdb_cn    all            127.0.0.1/32 cert clientname=CN map=cn",
)
IDENT: Final = (
    'dn   "CN=ssltestuser-dn,OU=Testing,OU=Engineering,O=PGDG" ssltestuser',
    'dnre "/^.*OU=Testing,.*$"                                 ssltestuser',
    "cn   ssltestuser-dn                                        ssltestuser",
)
ROLES: Final = ("ssltestuser", "md5testuser", "anotheruser", "yetanotheruser")
DATABASES: Final = ("trustdb", "certdb", "certdb_dn", "certdb_dn_re", "certdb_cn", "verifydb")

_TRUST = "user=ssltestuser dbname=trustdb"
_CN = "host=common-name.pg-ssltest.test"
_ROOT = "sslrootcert=ssl/root+server_ca.crt"
_FULL = f"{_TRUST} {_ROOT} sslmode=verify-full"
_CERTDB = f"{_ROOT} sslmode=require dbname=certdb host=localhost"
_VERIFYDB = f"{_ROOT} sslmode=require dbname=verifydb host=localhost"
_CLIENT = "sslcert=ssl/client.crt key:client.key"
_NAME_MISMATCH = ("hostname_mismatch", "ip_address_mismatch")
_VERIFY_FAILED = r"SSL error: certificate verify failed"


def _ok(category: str, name: str, server: str, conn: str) -> Case:
    return Case(category, name, server, conn, "ok")


def _fails(category: str, name: str, server: str, conn: str, stderr: str, *cause: str) -> Case:
    return Case(category, name, server, conn, "fail", stderr, cause)


CASES: Final[tuple[Case, ...]] = (
    # --- client side: sslmode, root certificate -------------------------------------------------------------
    _fails("sslmode", "server doesn't accept non-SSL connections", "cn-only", f"{_TRUST} {_CN} sslmode=disable",
           r"no pg_hba\.conf entry", "server_requires_ssl"),
    _ok("sslmode", "connect without server root cert sslmode=require", "cn-only",
        f"{_TRUST} {_CN} sslrootcert=invalid sslmode=require"),
    _fails("sslmode", "connect without server root cert sslmode=verify-ca", "cn-only",
           f"{_TRUST} {_CN} sslrootcert=invalid sslmode=verify-ca",
           r'root certificate file "invalid" does not exist', "ca_file_missing"),
    _fails("sslmode", "connect without server root cert sslmode=verify-full", "cn-only",
           f"{_TRUST} {_CN} sslrootcert=invalid sslmode=verify-full",
           r'root certificate file "invalid" does not exist', "ca_file_missing"),
    *(
        _fails("sslmode", f"connect with wrong server root cert sslmode={mode}", "cn-only",
               f"{_TRUST} {_CN} sslrootcert=ssl/client_ca.crt sslmode={mode}", _VERIFY_FAILED, "cert_untrusted")
        for mode in ("require", "verify-ca", "verify-full")
    ),
    _fails("sslmode", "connect with server CA cert, without root CA", "cn-only",
           f"{_TRUST} {_CN} sslrootcert=ssl/server_ca.crt sslmode=verify-ca", _VERIFY_FAILED,
           "cert_untrusted", "cert_chain_incomplete"),
    *(
        _ok("sslmode", f"connect with correct server CA cert file sslmode={mode}", "cn-only",
            f"{_TRUST} {_CN} {_ROOT} sslmode={mode}")
        for mode in ("require", "verify-ca", "verify-full")
    ),
    _ok("sslmode", "cert root file that contains two certificates, order 1", "cn-only",
        f"{_TRUST} {_CN} sslrootcert=ssl/both-cas-1.crt sslmode=verify-ca"),
    _ok("sslmode", "cert root file that contains two certificates, order 2", "cn-only",
        f"{_TRUST} {_CN} sslrootcert=ssl/both-cas-2.crt sslmode=verify-ca"),
    # --- client side: CRLs ------------------------------------------------------------------------------------
    _ok("crl", "sslcrl option with invalid file name", "cn-only",
        f"{_TRUST} {_CN} {_ROOT} sslmode=verify-ca sslcrl=invalid"),
    _fails("crl", "CRL belonging to a different CA", "cn-only",
           f"{_TRUST} {_CN} {_ROOT} sslmode=verify-ca sslcrl=ssl/client.crl", _VERIFY_FAILED, "crl_missing"),
    _fails("crl", "directory CRL belonging to a different CA", "cn-only",
           f"{_TRUST} {_CN} sslcrl='' {_ROOT} sslmode=verify-ca sslcrldir=ssl/client-crldir", _VERIFY_FAILED,
           "crl_missing"),
    _ok("crl", "CRL with a non-revoked cert", "cn-only",
        f"{_TRUST} {_CN} {_ROOT} sslmode=verify-ca sslcrl=ssl/root+server.crl"),
    _ok("crl", "directory CRL with a non-revoked cert", "cn-only",
        f"{_TRUST} {_CN} {_ROOT} sslmode=verify-ca sslcrldir=ssl/root+server-crldir"),
    _ok("crl", "connects without client-side CRL", "revoked", f"{_TRUST} {_CN} {_ROOT} sslmode=verify-ca"),
    _fails("crl", "does not connect with client-side CRL file", "revoked",
           f"{_TRUST} {_CN} {_ROOT} sslmode=verify-ca sslcrl=ssl/root+server.crl", _VERIFY_FAILED, "cert_revoked"),
    _fails("crl", "does not connect with client-side CRL directory", "revoked",
           f"{_TRUST} {_CN} sslcrl='' {_ROOT} sslmode=verify-ca sslcrldir=ssl/root+server-crldir",
           _VERIFY_FAILED, "cert_revoked"),
    # --- host name and address checks ------------------------------------------------------------------------
    _ok("names", "mismatch between host name and server certificate sslmode=require", "cn-only",
        f"{_TRUST} {_ROOT} sslmode=require host=wronghost.test"),
    _ok("names", "mismatch between host name and server certificate sslmode=verify-ca", "cn-only",
        f"{_TRUST} {_ROOT} sslmode=verify-ca host=wronghost.test"),
    _fails("names", "mismatch between host name and server certificate sslmode=verify-full", "cn-only",
           f"{_TRUST} {_ROOT} sslmode=verify-full host=wronghost.test",
           r'server certificate for "common-name\.pg-ssltest\.test" does not match host name "wronghost\.test"',
           "hostname_mismatch"),
    _ok("names", "IP address in the Common Name", "ip-cn-only", f"{_FULL} host=192.0.2.1"),
    _fails("names", "mismatch between host name and server certificate IP address", "ip-cn-only",
           f"{_FULL} host=192.000.002.001",
           r'server certificate for "192\.0\.2\.1" does not match host name "192\.000\.002\.001"', *_NAME_MISMATCH),
    _ok("names", "IP address in a dNSName", "ip-in-dnsname", f"{_FULL} host=192.0.2.1"),
    _ok("names", "host name matching with X.509 Subject Alternative Names 1", "multiple-alt-names",
        f"{_FULL} host=dns1.alt-name.pg-ssltest.test"),
    _ok("names", "host name matching with X.509 Subject Alternative Names 2", "multiple-alt-names",
        f"{_FULL} host=dns2.alt-name.pg-ssltest.test"),
    _ok("names", "host name matching with X.509 Subject Alternative Names wildcard", "multiple-alt-names",
        f"{_FULL} host=foo.wildcard.pg-ssltest.test"),
    _fails("names", "host name not matching with X.509 Subject Alternative Names", "multiple-alt-names",
           f"{_FULL} host=wronghost.alt-name.pg-ssltest.test",
           r'server certificate for "dns1\.alt-name\.pg-ssltest\.test" \(and 2 other names\) does not match',
           "hostname_mismatch"),
    _fails("names", "host name not matching with X.509 Subject Alternative Names wildcard", "multiple-alt-names",
           f"{_FULL} host=deep.subdomain.wildcard.pg-ssltest.test",
           r'\(and 2 other names\) does not match host name "deep\.subdomain\.wildcard\.pg-ssltest\.test"',
           "hostname_mismatch"),
    _ok("names", "host name matching with a single X.509 Subject Alternative Name", "single-alt-name",
        f"{_FULL} host=single.alt-name.pg-ssltest.test"),
    _fails("names", "host name not matching with a single X.509 Subject Alternative Name", "single-alt-name",
           f"{_FULL} host=wronghost.alt-name.pg-ssltest.test",
           r'server certificate for "single\.alt-name\.pg-ssltest\.test" does not match host name',
           "hostname_mismatch"),
    _fails("names", "host name not matching with a single X.509 Subject Alternative Name wildcard",
           "single-alt-name", f"{_FULL} host=deep.subdomain.wildcard.pg-ssltest.test",
           r'"single\.alt-name\.pg-ssltest\.test" does not match host name "deep\.subdomain', "hostname_mismatch"),
    _ok("names", "host matching an IPv4 address (Subject Alternative Name 1)", "ip-alt-names",
        f"{_FULL} host=192.0.2.1"),
    _ok("names", "host matching an IPv4 address in alternate form (Subject Alternative Name 1)", "ip-alt-names",
        f"{_FULL} host=192.000.002.001"),
    _fails("names", "host not matching an IPv4 address (Subject Alternative Name 1)", "ip-alt-names",
           f"{_FULL} host=192.0.2.2",
           r'server certificate for "192\.0\.2\.1" \(and 1 other name\) does not match host name "192\.0\.2\.2"',
           "ip_address_mismatch"),
    _ok("names", "host matching an IPv6 address (Subject Alternative Name 2)", "ip-alt-names",
        f"{_FULL} host=2001:DB8::1"),
    _ok("names", "host matching an IPv6 address in alternate form (Subject Alternative Name 2)", "ip-alt-names",
        f"{_FULL} host=2001:db8:0:0:0:0:0:1"),
    _ok("names", "host matching an IPv6 address in mixed form (Subject Alternative Name 2)", "ip-alt-names",
        f"{_FULL} host=2001:db8::0.0.0.1"),
    _fails("names", "host not matching an IPv6 address (Subject Alternative Name 2)", "ip-alt-names",
           f"{_FULL} host=::1", r'\(and 1 other name\) does not match host name "::1"', "ip_address_mismatch"),
    _fails("names", "IPv6 host with CIDR mask does not match", "ip-alt-names", f"{_FULL} host=2001:DB8::1/128",
           r'\(and 1 other name\) does not match host name "2001:DB8::1/128"', *_NAME_MISMATCH),
    _ok("names", "certificate with both a CN and SANs 1", "cn-and-alt-names",
        f"{_FULL} host=dns1.alt-name.pg-ssltest.test"),
    _ok("names", "certificate with both a CN and SANs 2", "cn-and-alt-names",
        f"{_FULL} host=dns2.alt-name.pg-ssltest.test"),
    _fails("names", "certificate with both a CN and SANs ignores CN", "cn-and-alt-names",
           f"{_FULL} host=common-name.pg-ssltest.test",
           r'\(and 1 other name\) does not match host name "common-name\.pg-ssltest\.test"', "hostname_mismatch"),
    _ok("names", "certificate with both a CN and IP SANs matches CN", "cn-and-ip-alt-names",
        f"{_FULL} host=common-name.pg-ssltest.test"),
    _ok("names", "certificate with both a CN and IP SANs matches SAN 1", "cn-and-ip-alt-names",
        f"{_FULL} host=192.0.2.1"),
    _ok("names", "certificate with both a CN and IP SANs matches SAN 2", "cn-and-ip-alt-names",
        f"{_FULL} host=2001:db8::1"),
    _ok("names", "certificate with both an IP CN and IP SANs 1", "ip-cn-and-alt-names", f"{_FULL} host=192.0.2.2"),
    _ok("names", "certificate with both an IP CN and IP SANs 2", "ip-cn-and-alt-names",
        f"{_FULL} host=2001:db8::1"),
    _fails("names", "certificate with both an IP CN and IP SANs ignores CN", "ip-cn-and-alt-names",
           f"{_FULL} host=192.0.2.1",
           r'server certificate for "192\.0\.2\.2" \(and 1 other name\) does not match host name "192\.0\.2\.1"',
           "ip_address_mismatch"),
    _ok("names", "certificate with both an IP CN and DNS SANs matches CN", "ip-cn-and-dns-alt-names",
        f"{_FULL} host=192.0.2.1"),
    _ok("names", "certificate with both an IP CN and DNS SANs matches SAN 1", "ip-cn-and-dns-alt-names",
        f"{_FULL} host=dns1.alt-name.pg-ssltest.test"),
    _ok("names", "certificate with both an IP CN and DNS SANs matches SAN 2", "ip-cn-and-dns-alt-names",
        f"{_FULL} host=dns2.alt-name.pg-ssltest.test"),
    _ok("names", "server certificate without CN or SANs sslmode=verify-ca", "no-names",
        f"{_TRUST} {_ROOT} sslmode=verify-ca {_CN}"),
    _fails("names", "server certificate without CN or SANs sslmode=verify-full", "no-names",
           f"{_TRUST} {_ROOT} sslmode=verify-full {_CN}",
           r"could not get server's host name from server certificate", "hostname_mismatch"),
    # --- client-side protocol version bounds -----------------------------------------------------------------
    _ok("protocol", "connection success with correct range of TLS protocol versions", "revoked",
        f"{_TRUST} {_CN} {_ROOT} sslmode=require ssl_min_protocol_version=TLSv1.2 "
        "ssl_max_protocol_version=TLSv1.2"),
    _fails("protocol", "connection failure with incorrect range of TLS protocol versions", "revoked",
           f"{_TRUST} {_CN} {_ROOT} sslmode=require ssl_min_protocol_version=TLSv1.2 "
           "ssl_max_protocol_version=TLSv1.1", r"invalid SSL protocol version range", "param_invalid"),
    _fails("protocol", "connection failure with an incorrect SSL protocol minimum bound", "revoked",
           f"{_TRUST} {_CN} {_ROOT} sslmode=require ssl_min_protocol_version=incorrect_tls",
           r"invalid \"?ssl_min_protocol_version\"? value", "param_invalid"),
    _fails("protocol", "connection failure with an incorrect SSL protocol maximum bound", "revoked",
           f"{_TRUST} {_CN} {_ROOT} sslmode=require ssl_max_protocol_version=incorrect_tls",
           r"invalid \"?ssl_max_protocol_version\"? value", "param_invalid"),
    # --- server side: client certificates --------------------------------------------------------------------
    _fails("client-cert", "certificate authorization fails without client cert", "cn-only",
           f"{_CERTDB} user=ssltestuser sslcert=invalid", r"connection requires a valid client certificate",
           "client_cert_required"),
    _ok("client-cert", "certificate authorization succeeds with correct client cert in PEM format", "cn-only",
        f"{_CERTDB} user=ssltestuser {_CLIENT}"),
    _ok("client-cert", "certificate authorization succeeds with correct client cert in DER format", "cn-only",
        f"{_CERTDB} user=ssltestuser sslcert=ssl/client.crt key:client-der.key"),
    _ok("client-cert", "certificate authorization succeeds with correct client cert in encrypted PEM format",
        "cn-only", f"{_CERTDB} user=ssltestuser sslcert=ssl/client.crt key:client-encrypted-pem.key "
        "sslpassword='dUmmyP^#+'"),
    _ok("client-cert", "certificate authorization succeeds with correct client cert in encrypted DER format",
        "cn-only", f"{_CERTDB} user=ssltestuser sslcert=ssl/client.crt key:client-encrypted-der.key "
        "sslpassword='dUmmyP^#+'"),
    _fails("client-cert", "certificate authorization fails with correct client cert and wrong password in "
           "encrypted PEM format", "cn-only",
           f"{_CERTDB} user=ssltestuser sslcert=ssl/client.crt key:client-encrypted-pem.key sslpassword='wrong'",
           r'private key file ".*client-encrypted-pem\.key": bad decrypt', "client_cert_problem"),
    _ok("client-cert", "certificate authorization succeeds with DN mapping", "cn-only",
        f"{_CERTDB} dbname=certdb_dn user=ssltestuser sslcert=ssl/client-dn.crt key:client-dn.key"),
    _ok("client-cert", "certificate authorization succeeds with DN regex mapping", "cn-only",
        f"{_CERTDB} dbname=certdb_dn_re user=ssltestuser sslcert=ssl/client-dn.crt key:client-dn.key"),
    _ok("client-cert", "certificate authorization succeeds with CN mapping", "cn-only",
        f"{_CERTDB} dbname=certdb_cn user=ssltestuser sslcert=ssl/client-dn.crt key:client-dn.key"),
    _fails("client-cert", "certificate authorization fails because of file permissions", "cn-only",
           f"{_CERTDB} user=ssltestuser sslcert=ssl/client.crt key:client_wrongperms.key",
           r'private key file ".*client_wrongperms\.key" has group or world access', "client_cert_problem"),
    _fails("client-cert", "certificate authorization fails with client cert belonging to another user", "cn-only",
           f"{_CERTDB} user=anotheruser {_CLIENT}", r'certificate authentication failed for user "anotheruser"',
           "client_cert_problem"),
    _fails("client-cert", "certificate authorization fails with revoked client cert", "cn-only",
           f"{_CERTDB} user=ssltestuser sslcert=ssl/client-revoked.crt key:client-revoked.key",
           r"SSL error: ssl[a-z0-9/]* alert certificate revoked", "client_cert_problem"),
    _ok("client-cert", "auth_option clientcert=verify-full succeeds with matching username and Common Name",
        "cn-only", f"{_VERIFYDB} user=ssltestuser {_CLIENT}"),
    _fails("client-cert", "auth_option clientcert=verify-full fails with mismatching username and Common Name",
           "cn-only", f"{_VERIFYDB} user=anotheruser {_CLIENT}",
           r'FATAL: .* "trust" authentication failed for user "anotheruser"', "client_cert_problem"),
    _ok("client-cert", "auth_option clientcert=verify-ca succeeds with mismatching username and Common Name",
        "cn-only", f"{_VERIFYDB} user=yetanotheruser {_CLIENT}"),
    _ok("client-cert", "intermediate client certificate is provided by client", "cn-only-root-ca",
        f"user=ssltestuser dbname=certdb key:client.key {_ROOT} host=localhost sslmode=require "
        "sslcert=ssl/client+client_ca.crt"),
    _fails("client-cert", "intermediate client certificate is missing", "cn-only-root-ca",
           f"user=ssltestuser dbname=certdb key:client.key {_ROOT} host=localhost sslmode=require "
           "sslcert=ssl/client.crt", r"SSL error: tlsv1 alert unknown ca", "client_cert_problem"),
    _fails("client-cert", "certificate authorization fails with revoked client cert with server-side CRL "
           "directory", "cn-only-crldir",
           f"user=ssltestuser dbname=certdb key:client.key {_ROOT} host=localhost sslmode=require "
           "sslcert=ssl/client-revoked.crt key:client-revoked.key",
           r"SSL error: ssl[a-z0-9/]* alert certificate revoked", "client_cert_problem"),
)


# --- beyond 001_ssltests.pl: the same certificates, where plain text is allowed too -----------------------------
# Written here, not upstream: what the client-side settings do when a mode can fall back to plain text (prefer,
# allow), and the CRL corners libpq's initialize_SSL has (an empty sslcrl, a directory that does not exist, a
# file that holds certificates and no CRL). libpq is the judge of each, as above; ``expect`` is what libpq 18
# was seen to do.

#: plain and TLS both let in to trustdb; certdb as upstream
HBA_BOTH: Final = (
    "host    trustdb all 127.0.0.1/32 trust",
    "hostssl certdb  all 127.0.0.1/32 cert",
)

EXTRA_SERVERS: Final[Mapping[str, ServerConf]] = {
    "both-revoked": ServerConf("server-revoked", hba=HBA_BOTH),
    "both-cn-only": ServerConf("server-cn-only", hba=HBA_BOTH),
}

_REVOKING = "sslcrl=ssl/root+server.crl"

EXTRA_CASES: Final[tuple[Case, ...]] = (
    _ok("extra", "revoked server, CRL, prefer falls back to plain", "both-revoked",
        f"{_TRUST} {_CN} {_ROOT} {_REVOKING} sslmode=prefer"),
    _fails("extra", "revoked server, CRL, require", "both-revoked",
           f"{_TRUST} {_CN} {_ROOT} {_REVOKING} sslmode=require", _VERIFY_FAILED, "cert_revoked"),
    _ok("extra", "revoked server, CRL but no root file: no CRL check", "both-revoked",
        f"{_TRUST} {_CN} sslrootcert=invalid {_REVOKING} sslmode=require"),
    _ok("extra", "revoked server, unreadable sslcrl hides the CRL directory", "both-revoked",
        f"{_TRUST} {_CN} {_ROOT} sslcrl=invalid sslcrldir=ssl/root+server-crldir sslmode=verify-ca"),
    _fails("extra", "CRL directory that does not exist", "both-cn-only",
           f"{_TRUST} {_CN} {_ROOT} sslcrl='' sslcrldir=invalid sslmode=verify-ca", _VERIFY_FAILED, "crl_missing"),
    _fails("extra", "sslcrl holding certificates and no CRL", "both-cn-only",
           f"{_TRUST} {_CN} {_ROOT} sslcrl=ssl/root_ca.crt sslmode=require", _VERIFY_FAILED, "crl_missing"),
    _fails("extra", "CRL of the server CA only (the root's is needed too)", "both-cn-only",
           f"{_TRUST} {_CN} {_ROOT} sslcrl=ssl/server.crl sslmode=verify-full", _VERIFY_FAILED, "crl_missing"),
    _ok("extra", "key with group access, prefer falls back to plain", "both-cn-only",
        f"{_TRUST} {_CN} {_ROOT} sslmode=prefer sslcert=ssl/client.crt key:client_wrongperms.key"),
    _fails("extra", "key with group access, verify-full", "both-cn-only",
           f"{_TRUST} {_CN} {_ROOT} sslmode=verify-full sslcert=ssl/client.crt key:client_wrongperms.key",
           r"has group or world access", "client_cert_problem"),
    # (an encrypted key without sslpassword is left out, as upstream leaves it out: OpenSSL would ask for the
    # pass phrase on the terminal)
    _ok("extra", "plain DER key with a needless sslpassword", "both-cn-only",
        f"{_TRUST} {_CN} {_ROOT} sslmode=require sslcert=ssl/client.crt key:client-encrypted-der.key "
        "sslpassword='no\\'matter'"),
    _fails("extra", "protocol range inverted, even with sslmode=disable", "both-cn-only",
           f"{_TRUST} {_CN} sslmode=disable ssl_min_protocol_version=TLSv1.3 ssl_max_protocol_version=tlsv1.2",
           r"invalid SSL protocol version range", "param_invalid"),
    _ok("extra", "protocol bounds are compared without case", "both-cn-only",
        f"{_TRUST} {_CN} sslmode=require ssl_min_protocol_version=tlsv1.2 ssl_max_protocol_version=TLSV1.3"),
)
