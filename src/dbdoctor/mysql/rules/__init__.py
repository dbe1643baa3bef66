"""MySQL/MariaDB's rules (see dbdoctor.rules.base for what a rule is)."""

from __future__ import annotations

from typing import Final

from dbdoctor.rules.registry import SHARED_MODULES

#: every rule the MySQL pipeline runs: its own and the shared ones
MODULES: Final[tuple[str, ...]] = (
    *SHARED_MODULES,
    "dbdoctor.mysql.rules.static",
    "dbdoctor.mysql.rules.check",
    "dbdoctor.mysql.rules.auth_method",
    "dbdoctor.mysql.rules.public_key",
)
