"""PHP: PDO and mysqli (their own texts around the MySQL/PostgreSQL client libraries' messages).

Examples are texts users pasted in public threads (tests/data/messages/php.json)."""

from __future__ import annotations

from typing import Final

from dbdoctor.messages import Entry, compile_pattern

ENTRIES: Final[tuple[Entry, ...]] = (
    Entry(
        id="php.getaddrinfo_failed",
        source="PHP network layer (PDO, mysqli)",
        engine="any",
        pattern=compile_pattern(r"php_network_getaddresses: getaddrinfo(?: for (?P<host>\S+))? failed: (?P<value>Name or "
                   r"service not known|Temporary failure in name resolution|nodename nor servname provided, or "
                   r"not known|No such host is known\.?|Name does not resolve)"),
        cause="dns_unresolved",
        meaning=(
            "PHP could not resolve the database host name {host} ({value}): a typo or placeholder in DB_HOST, "
            "braces or quotes around it, or a Docker service name used from outside its network."
        ),
        fix=(
            "Set DB_HOST to a name that resolves where PHP runs (the service name inside docker compose, "
            "127.0.0.1 from the host machine), without braces or quotes; clear a cached config (php artisan "
            "config:clear)."
        ),
        examples=(
            "SQLSTATE[HY000] [2002] php_network_getaddresses: getaddrinfo failed: Name or service not known",
            "SQLSTATE[HY000] [2002] php_network_getaddresses: getaddrinfo for maria-db failed: Name or service not "
            "known",
            "SQLSTATE[HY000] [2002] php_network_getaddresses: getaddrinfo failed: Temporary failure in name "
            "resolution",
        ),
        note="Corpus: Attendize #502, api-platform #1337, #1639, speedtest-tracker #944, sintoniza #3, firefly-iii "
             "#1734, lando #925, magento data-migration-tool #484, btcloud #141. PHP main/network.c.",
        priority=60,
    ),
)
