"""How explain reads a paste: a bounded excerpt of any input, the refining line before the generic one, a
driver's wrapper after the reason inside it, node's error objects, and look-alikes of other engines kept apart."""

from __future__ import annotations

from dbdoctor.explain import explain
from dbdoctor.messages.match import ELIDED, HEAD, MAX_LINE, TAIL, excerpt

MESSAGE = (
    'psql: error: connection to server at "db.example.test" (203.0.113.10), port 5432 failed: FATAL:  password '
    'authentication failed for user "app"'
)
NOISE = "2026-12-03 10:00:00 INFO worker heartbeat ok, queue=17, lag=0.003s\n"


def _causes(text: str) -> list[str]:
    return [m.cause for m in explain(text).matches]


def test_a_megabyte_is_cut_to_a_bounded_excerpt_and_the_message_still_found() -> None:
    """1 MB of log around the message, at its end or its start: what the patterns run on is bounded whatever the
    input size (so every regex runs on a few KB), and the cause is still named."""
    bound = HEAD + TAIL + len(ELIDED) + 1
    noise = NOISE * (1_000_000 // len(NOISE))
    for text in (noise + MESSAGE, MESSAGE + "\n" + noise):
        assert len(text) > 1_000_000
        cut = excerpt(text)
        assert len(cut) <= bound
        assert ELIDED in cut
        assert _causes(text)[:1] == ["password_failed"]


def test_one_megabyte_line_keeps_its_start_and_end() -> None:
    line = "x" * 1_000_000 + " " + MESSAGE
    cut = excerpt(line)
    assert len(cut) <= MAX_LINE + len(ELIDED) + 2
    assert _causes(line)[:1] == ["password_failed"]


def test_a_short_paste_is_examined_whole() -> None:
    text = "FATAL:  the database system is starting up\nFATAL:  the database system is starting up"
    assert excerpt(text) == text
    assert _causes(text)[0] == "server_starting"


def test_detail_line_outranks_the_generic_first_line() -> None:
    text = (
        'FATAL:  password authentication failed for user "user"\nDETAIL:  Role "user" does not exist.\n'
        '  Connection matched pg_hba.conf line 99: "host all all all md5"'
    )
    assert _causes(text)[:2] == ["role_missing", "password_failed"]


def test_provider_reason_outranks_libpq_generic_line() -> None:
    text = (
        "psql: server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n"
        "\tbefore or while processing the request.\nFATAL:  SSL connection is required. Please specify SSL options "
        "and retry."
    )
    assert _causes(text)[0] == "server_requires_ssl"


def test_sni_error_comes_before_the_plain_retry() -> None:
    text = (
        "psql: error: ERROR:  Endpoint ID is not specified. Either please upgrade the postgres client library "
        "(libpq) for SNI support or pass the endpoint ID (first part of the domain name) as a parameter: "
        "'?options=endpoint%3D<endpoint-id>'. See more at https://neon.tech/sni\nERROR:  connection is insecure "
        "(try using `sslmode=require`)"
    )
    assert _causes(text)[:2] == ["sni_missing", "server_requires_ssl"]


def test_driver_wrapper_ranks_after_the_reason_inside_it() -> None:
    text = (
        "Caused by: com.mysql.cj.exceptions.CJCommunicationsException: Communications link failure\n\nThe last "
        "packet sent successfully to the server was 0 milliseconds ago. The driver has not received any packets "
        "from the server.\nCaused by: javax.net.ssl.SSLHandshakeException: No appropriate protocol (protocol is "
        "disabled or cipher suites are inappropriate)"
    )
    assert _causes(text)[0] == "tls_handshake_failed"


def test_node_error_objects_as_json_and_inspect() -> None:
    assert _causes('{"errno":"ECONNREFUSED","code":"ECONNREFUSED","syscall":"connect","port":5432}')[0] == (
        "connection_refused"
    )
    assert _causes("{ [Error: connect ECONNREFUSED]\n  code: 'ECONNREFUSED',\n  fatal: true }")[0] == (
        "connection_refused"
    )
    assert _causes("Error: getaddrinfo EAI_FAIL db.example.test")[0] == "dns_unresolved"
    assert _causes('Error JSON: {\n  "code": "ETIMEDOUT"\n}')[0] == "connect_timeout"


def test_mariadb_cn_mismatch_is_not_read_as_libpq() -> None:
    text = (
        "ERROR 2026 (HY000): TLS/SSL error: Server certificate validation failed. The certificate's CN name does "
        "not match the passed value. Error 0x800B010F(CERT_E_CN_NO_MATCH)"
    )
    matches = explain(text).matches
    assert matches[0].cause == "hostname_mismatch"
    assert matches[0].entry.engine == "mysql"
    assert not [m.id for m in matches if m.id.startswith("libpq.")]


def test_new_causes_are_named() -> None:
    cases = {
        "java.sql.SQLNonTransientConnectionException: Public Key Retrieval is not allowed": "public_key_retrieval",
        'psql: FATAL:  Peer authentication failed for user "postgres"': "peer_auth_failed",
        'sslmode value "require" invalid when SSL support is not compiled in': "client_without_ssl",
        "FATAL: unsupported startup parameter: extra_float_digits": "pooler_startup_parameter",
        "ER_NOT_SUPPORTED_AUTH_MODE: Client does not support authentication protocol requested by server; "
        "consider upgrading MySQL client": "auth_method_unsupported",
        "org.postgresql.util.PSQLException: The authentication type 10 is not supported.": "auth_method_unsupported",
        "ERROR:  Endpoint ID is not specified.": "sni_missing",
    }
    for text, cause in cases.items():
        assert _causes(text)[:1] == [cause], text
