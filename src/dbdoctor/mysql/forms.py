"""The connection-string forms that are MySQL/MariaDB's, by their scheme alone (routing and the sources read it)."""

from __future__ import annotations

import re
from typing import Final

#: the URL forms that are MySQL/MariaDB's: ``mysql://``, ``mariadb://``, SQLAlchemy's ``mysql+<driver>://`` and
#: ``mariadb+<driver>://``, JDBC's ``jdbc:mysql://`` and ``jdbc:mariadb://`` (groups: jdbc, engine, driver)
SCHEME: Final = re.compile(r"^\s*(?:(jdbc):)?(mysql|mariadb)(?:\+([a-z0-9_]+))?://", re.IGNORECASE)
