"""PostgreSQL's rules: one module per rule or small family (see dbdoctor.rules.base for what a rule is)."""

from __future__ import annotations

from typing import Final

from dbdoctor.rules.registry import SHARED_MODULES

#: every rule the PostgreSQL pipeline runs: its own and the shared ones
MODULES: Final[tuple[str, ...]] = SHARED_MODULES + tuple(
    f"dbdoctor.postgres.rules.{name}"
    for name in (
        "network",
        "encryption",
        "certificates",
        "pooler",
        "access",
        "static_target",
        "static_password",
        "static_unknown",
        "static_invalid",
        "static_files",
        "static_env",
        "deploy_build",
        "peer_auth",
        "pooler_params",
        "auth_method",
        "client_ssl_support",
        "sni",
    )
)
