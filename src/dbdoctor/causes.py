"""The cause ids: stable identifiers of root causes, and what each one means in one line.

``CONTRACT_CAUSES`` is exactly the table in ../shared/design/REPORT-CONTRACT.md ("Cause ids"), and
``ADDED_CAUSES`` exactly the table in docs/CONTRACT-ADDITIONS.md; tests/test_catalog.py parses both files and
fails when either side drifts. Data only: no imports beyond typing, so anything may read it cheaply.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

CONTRACT_CAUSES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "invalid_target": "the connection string cannot be parsed (exit 2 for parse; a finding inside check)",
        "password_not_encoded": "characters in the password change how the URL parses, or were left un-encoded",
        "param_unknown": "a parameter the driver does not know (`sslMode`, `ssl=1` for libpq keyword form)",
        "param_invalid": (
            "a parameter's value is not one the driver accepts (`sslmode=required`, `port=abc`, 3 ports for 2 hosts)"
        ),
        "param_ignored_by_driver": "the driver accepts the string but ignores or reinterprets the SSL setting",
        "env_override": "a value the user set is overridden by, or overrides, another source",
        "ca_file_missing": (
            "the CA file named (or libpq's default `~/.postgresql/root.crt`) does not exist"
        ),
        "ca_file_invalid": "the CA file exists but cannot be read or holds no usable certificate",
        "client_cert_problem": (
            "client certificate or key missing, unreadable, mismatched, or the key's permissions are too open"
        ),
        "dns_unresolved": "the host name does not resolve",
        "connection_refused": "nothing listens on that address and port",
        "connect_timeout": "no answer in time: firewall, allowlist, wrong address",
        "network_unreachable": "no route to the address",
        "not_the_database": (
            "something answered, but it does not speak the expected protocol (wrong port, HTTP, TLS-only proxy)"
        ),
        "build_time_internal_host": "an internal-network host used where only runtime can reach it (a build step)",
        "server_requires_ssl": "the server refuses unencrypted connections and the client did not encrypt",
        "server_ssl_unsupported": "the client requires encryption and the server does not offer it",
        "server_rejects_ssl": (
            "the server accepts only unencrypted connections from this client (`hostnossl` rules)"
        ),
        "tls_handshake_failed": "TLS could not be agreed: protocol version, cipher, or the server broke off",
        "cert_untrusted": "the chain does not lead to the CA the client trusts",
        "cert_self_signed": "the server's certificate is self-signed and not trusted by the client",
        "cert_chain_incomplete": "the server does not send the intermediate certificate the chain needs",
        "cert_expired": "the server's certificate (or one in its chain) has expired",
        "cert_not_yet_valid": "the server's certificate is not valid yet (clock or issuance problem)",
        "hostname_mismatch": "the name connected to is not among the certificate's names",
        "ip_address_mismatch": (
            "the client connected by IP address and the certificate does not name that address"
        ),
        "system_ca_missing": "the runtime has no system CA bundle where one is expected",
        "hba_rejected": (
            "the server has no access rule for this client address, user and database, whatever the encryption"
        ),
        "password_failed": "the server rejected the password",
        "password_missing": "the server asks for a password and none is configured",
        "role_missing": "the user does not exist on the server",
        "database_missing": "the database does not exist",
        "too_many_connections": "the server or pooler refused for lack of connection slots",
        "client_cert_required": "the server requires a client certificate",
        "cert_varies": (
            "successive connections present different certificates (a pooler, proxy or rotating endpoint)"
        ),
    }
)

ADDED_CAUSES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "plaintext_fallback": (
            "the connection works only because the driver fell back to plain text after TLS failed or was "
            "refused (`prefer`, `allow`)"
        ),
        "implicit_verification": (
            "a non-verifying sslmode (`require`, `prefer`, `allow`) verifies the chain after all because a root "
            "certificate file exists"
        ),
        "tls_unverified": "the connection is encrypted but the server's certificate is not verified",
        "probe_incomplete": (
            "(only as the cause of an `unknown` mode outcome) the probe could not reach the layer that decides it"
        ),
        "server_starting": (
            "the server is starting up, shutting down or recovering and does not accept connections yet (57P03)"
        ),
        "password_untested": (
            "(only as the cause of an `unknown` mode outcome) the server asks for a password there, and dbdoctor "
            "did not send it over that kind of connection, so it cannot say whether it is accepted"
        ),
        "server_refused": (
            "the server refused the start-up with an error dbdoctor does not classify; its own message (in the "
            "evidence) says why"
        ),
        "host_blocked": (
            "MySQL/MariaDB refused this client address before any login after too many failed connections "
            "(error 1129, `max_connect_errors`; cleared by `FLUSH HOSTS`)"
        ),
        "auth_method_unsupported": (
            "the client does not support the authentication method the server asks for (`caching_sha2_password` without TLS or RSA key, SCRAM with libpq before 10, pgjdbc `authentication type 10`)"
        ),
        "sni_missing": (
            "the client sends no TLS SNI and the provider routes connections by it (Neon `Endpoint ID is not specified`)"
        ),
        "pooler_startup_parameter": (
            "a pooler refuses a start-up parameter the client sends (PgBouncer and `extra_float_digits` or `options`; `ignore_startup_parameters`)"
        ),
        "client_without_ssl": (
            "the client library was built without SSL support, so no TLS mode can work"
        ),
        "public_key_retrieval": (
            "MySQL Connector/J must fetch the server's RSA public key for the password exchange and `allowPublicKeyRetrieval` is off"
        ),
        "peer_auth_failed": (
            "the server uses peer (or ident) authentication and the operating-system user is not the database user"
        ),
        "cert_revoked": (
            "the server's certificate (or one in its chain) is listed in a CRL the client checks (`sslcrl`, "
            "`sslcrldir`), which libpq applies in every TLS mode once a root certificate file is loaded"
        ),
        "crl_missing": (
            "the client checks CRLs (`sslcrl`, `sslcrldir`) but holds no current CRL from an issuer in the server's "
            "chain (OpenSSL's `unable to get certificate CRL`), so every TLS mode fails"
        ),
    }
)

#: every cause id dbdoctor knows, contract first
CAUSES: Final[Mapping[str, str]] = MappingProxyType({**CONTRACT_CAUSES, **ADDED_CAUSES})


def meaning(cause: str) -> str | None:
    """The one-line meaning of a cause id, or None when the id is not known."""
    return CAUSES.get(cause)
