"""DD601: an internal-network host used from a build step (build time is not run time). The recognition of a
build step and of an internal host lives in :mod:`dbdoctor.phase`."""

from __future__ import annotations

from collections.abc import Iterable

from dbdoctor.phase import FIX, explain_line
from dbdoctor.postgres.rules.evidence import diagnosis, driver_said
from dbdoctor.report import Finding
from dbdoctor.rules.base import Context, Rule

DD601_DOC = """
What it checks
--------------
Whether a connection that fails at the network layer (the name does not resolve, the connection is refused
or times out) is made from a build step to an internal host: a private address (10/8, 172.16/12,
192.168/16, 100.64/10, fc00::/7), a ``.internal``, ``.svc.cluster.local`` or ``.local`` name, or a
single-label name. A build step is ``--phase build`` (``DBDOCTOR_PHASE=build``) or a documented builder
marker: ``GITHUB_ACTIONS=true``, ``GITLAB_CI=true``, Vercel's build-only ``CI=1``, Netlify's ``NETLIFY=true``
with ``BUILD_ID``, or a Cloud Native Buildpacks ``bin/build`` (``CNB_BUILDPACK_DIR``).

Why it matters
--------------
Hosting platforms attach the private network, and its DNS names, to the running service only. A migration
placed in the build command runs before that, so it fails with "could not translate host name" or "the
database is not running", although the same settings work once the app starts.

How to fix
----------
Move the migration to the start command (or the platform's release / pre-deploy command), where the private
network exists. If it must run during the build, give the build its own variable with the database's
external connection details: the same key (``DATABASE_URL``), scoped to the build only, and keep the internal
URL for run time.

Example
-------
A build command ``python manage.py migrate && ...`` with ``DATABASE_URL=postgresql://app@db.railway.internal/app``:
``could not translate host name "db.railway.internal" to address``. Run ``migrate`` in the start command.
"""


def _check(ctx: Context) -> Iterable[Finding]:
    d = diagnosis(ctx)
    if d is None or d.verdict != "fail" or d.cause != RULE.cause:
        return ()
    hosts = [(h.host, h.hostaddr) for h in ctx.target.hosts]
    detail = f"{explain_line(hosts, ctx.environ, None)}{driver_said(d)}"
    return (RULE.finding(detail=detail, fix=FIX),)


RULE = Rule(
    code="DD601",
    cause="build_time_internal_host",
    severity="error",
    title="An internal host is used from a build step",
    doc=DD601_DOC,
    check=_check,
    stage="check",
)
