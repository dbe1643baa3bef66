""".NET: Npgsql (and the .NET socket and TLS errors it wraps).

Examples are texts users pasted in public threads (tests/data/messages/npgsql.json)."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    Entry(
        id="dotnet.remote_certificate_invalid",
        source="Npgsql (.NET SslStream)",
        engine="postgresql",
        pattern=compile_pattern(r"The remote certificate is invalid according to the validation procedure|"
                   r"The remote certificate was rejected by the provided RemoteCertificateValidationCallback|"
                   r"RemoteCertificateChainErrors|CertificateUnknown: Server certificate was not accepted"),
        cause="cert_untrusted",
        meaning=(
            ".NET checked the server's certificate and could not build a chain to a root it trusts (Npgsql "
            "before 6 verified with SSL Mode=Require; from 6 on, with VerifyCA/VerifyFull): the provider's CA is "
            "not in the machine's store."
        ),
        fix=(
            "Give Npgsql the CA: Root Certificate=/path/ca.pem in the connection string (Npgsql 6+), or install it "
            "in the OS store; 'Trust Server Certificate=true' only switches the check off."
        ),
        examples=(
            "System.Security.Authentication.AuthenticationException: The remote certificate is invalid according to "
            "the validation procedure.",
            "Npgsql.NpgsqlException (0x80004005): Exception while performing SSL handshake\n ---> "
            "System.Security.Authentication.AuthenticationException: The remote certificate was rejected by the "
            "provided RemoteCertificateValidationCallback.",
        ),
        note="Corpus: npgsql #3683, #3900, #3367, #1884, efcore.pg #1475.",
        priority=55,
    ),
    Entry(
        id="dotnet.remote_certificate_name",
        source="Npgsql (.NET SslStream)",
        engine="postgresql",
        pattern=compile_pattern(r"RemoteCertificateNameMismatch"),
        cause="hostname_mismatch",
        meaning="The server's certificate is trusted but does not name the host Npgsql connected to.",
        fix="Connect with a host name the certificate lists (or reissue it with this name in subjectAltName).",
        examples=("SslPolicyErrors: RemoteCertificateNameMismatch",),
        note=".NET SslPolicyErrors flag; seen next to RemoteCertificateChainErrors in Npgsql threads.",
        priority=60,
    ),
    Entry(
        id="dotnet.socket_refused",
        source=".NET sockets (Npgsql, MySqlConnector)",
        engine="any",
        pattern=compile_pattern(r"actively refused it|SocketException \(111\): Connection refused|"
                   r"ExtendedSocketException \(111\): Connection refused"),
        cause="connection_refused",
        meaning="Nothing accepted the TCP connection at the address and port the driver used.",
        fix="Start the server or fix Host and Port; from a container use the database service's name.",
        examples=(
            "System.Net.Sockets.SocketException (111): Connection refused\n   at "
            "Npgsql.NpgsqlConnector.Connect(NpgsqlTimeout timeout)",
            "Npgsql.NpgsqlException (0x80004005): Failed to connect to 127.0.0.1:5432 ---> "
            "System.Net.Sockets.SocketException (10061): No connection could be made because the target machine "
            "actively refused it.",
        ),
        note="Corpus: npgsql #2883, #5183, efcore.pg #619.",
        priority=55,
    ),
    Entry(
        id="npgsql.failed_to_connect",
        source="Npgsql",
        engine="postgresql",
        pattern=compile_pattern(r"Failed to connect to (?P<address>[^\s:]+|\[[0-9a-f:]+\]):(?P<port>\d+)"),
        cause="connection_refused",
        meaning=(
            "Npgsql's wrapper for a failed TCP connection to {address}, port {port}; the inner exception says "
            "why. Alone, it most often means nothing listens there (the server down, another port, localhost in a "
            "container)."
        ),
        fix="Read the inner SocketException; check the server runs and listens on that host and port.",
        examples=("Npgsql.NpgsqlException (0x80004005): Failed to connect to 127.0.0.1:5432",),
        note="Corpus: npgsql #4739, #5183. A wrapper: the inner exception outranks it.",
        priority=40,
        rank=-1,
    ),
    Entry(
        id="npgsql.failed_to_connect.timeout",
        source="Npgsql",
        engine="postgresql",
        pattern=compile_pattern(r"Failed to connect to (?P<address>[^\s:]+|\[[0-9a-f:]+\]):(?P<port>\d+)"),
        cause="connect_timeout",
        meaning="The other reading of Npgsql's wrapper: the connection to {address}, port {port} timed out "
                "(packets dropped by a firewall or allowlist).",
        fix="Allow the client's address in the server's network rules; raise Timeout= on a slow path.",
        examples=("Npgsql.NpgsqlException (0x80004005): Failed to connect to 127.0.0.1:5432",),
        note="An alternative of npgsql.failed_to_connect (same pattern, same priority).",
        priority=40,
        rank=-1,
    ),
    Entry(
        id="dotnet.dns",
        source=".NET sockets (System.Net.Dns)",
        engine="any",
        pattern=compile_pattern(r"No such host is known|SocketException[^\n]*\(00000005, 6\): No such device or address"),
        cause="dns_unresolved",
        meaning="The host name did not resolve from where the program runs (.NET's Dns lookup failed).",
        fix="Fix the host name, or use one that resolves on this network (a Docker service name only on its "
            "network).",
        examples=(
            "System.Net.Internals.SocketExceptionFactory+ExtendedSocketException (00000005, 6): No such device or "
            "address\n   at System.Net.Dns.InternalGetHostByName(String hostName)",
            "System.Net.Sockets.SocketException (11001): No such host is known.",
        ),
        note="Corpus: efcore.pg #848.",
        priority=50,
    ),
)
