"""Build time is not run time: recognise a build step and an internal host. Pure functions of the environment
and the host names, no I/O and no heavy imports: the preflight's success path reads the phase, the pipeline
and rule DD601 (postgres/rules/deploy_build.py) name the cause ``build_time_internal_host``.

A build step is recognised by ``--phase build`` (``DBDOCTOR_PHASE=build``) or by environment variables that
builders document as set while they build. Only markers with a public source are used; each cites it below.
Platforms that document no build-only marker (Render sets ``RENDER`` at build *and* run time; Railway, Docker
BuildKit and Heroku's classic build document none) need ``--phase build``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Final

#: the environment variable that declares the phase explicitly (what ``--phase`` sets)
PHASE_VARIABLE: Final = "DBDOCTOR_PHASE"
PHASES: Final = ("build", "run")

#: (variable, required value or None for "set and not empty", builder, source). A marker counts when the variable
#: has that value; ``also`` names a second variable that must be set as well.
BUILD_MARKERS: Final[tuple[tuple[str, str | None, str | None, str, str], ...]] = (
    # docs.github.com/en/actions/reference/variables-reference: "GITHUB_ACTIONS: Always set to true when
    # GitHub Actions is running the workflow"
    ("GITHUB_ACTIONS", "true", None, "GitHub Actions", "docs.github.com/en/actions/reference/variables-reference"),
    # docs.gitlab.com/ci/variables/predefined_variables: "GITLAB_CI: Available for all jobs executed in CI/CD.
    # true when available"
    ("GITLAB_CI", "true", None, "GitLab CI", "docs.gitlab.com/ci/variables/predefined_variables"),
    # vercel.com/docs/environment-variables/system-environment-variables: "CI: An indicator that the code is
    # running in a Continuous Integration environment ... only exposed during Build Step"; VERCEL=1 says Vercel
    ("CI", "1", "VERCEL", "Vercel (build step)",
     "vercel.com/docs/environment-variables/system-environment-variables"),
    # docs.netlify.com/configure-builds/environment-variables: read-only build metadata "NETLIFY: Always true.
    # Can be used to check if the build is running on Netlify" and "BUILD_ID: Unique ID for the build"
    ("NETLIFY", "true", "BUILD_ID", "Netlify (build)", "docs.netlify.com/configure-builds/environment-variables"),
    # github.com/buildpacks/spec buildpack.md, "Build" phase: the lifecycle gives bin/build CNB_BUILDPACK_DIR
    # (and CNB_BP_PLAN_PATH); unlike CNB_LAYERS_DIR/CNB_APP_DIR it is not kept in the launch image
    ("CNB_BUILDPACK_DIR", None, None, "Cloud Native Buildpacks (bin/build)",
     "github.com/buildpacks/spec/blob/main/buildpack.md"),
    ("CNB_BP_PLAN_PATH", None, None, "Cloud Native Buildpacks (bin/build)",
     "github.com/buildpacks/spec/blob/main/buildpack.md"),
)

#: DNS suffixes of names that exist only inside a platform's private network
INTERNAL_SUFFIXES: Final[tuple[tuple[str, str], ...]] = (
    (".svc.cluster.local", "a Kubernetes service name"),
    (".cluster.local", "a Kubernetes cluster name"),
    (".railway.internal", "a Railway private-network name"),
    (".internal", "a private-network name (.internal)"),
    (".local", "a link-local (mDNS) name"),
    (".localdomain", "a local-domain name"),
)


def build_markers(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The documented build markers present in ``environ``, as ``VAR=value (builder)`` texts (no other values)."""
    found: list[str] = []
    for var, value, also, builder, _source in BUILD_MARKERS:
        got = environ.get(var)
        if not got or (value is not None and got.strip().lower() != value):
            continue
        if also is not None and not environ.get(also):
            continue
        shown = f"{var}={got}" if value is not None else f"{var} set"
        found.append(f"{shown} ({builder})")
    return tuple(dict.fromkeys(found))


def detect_phase(environ: Mapping[str, str], explicit: str | None = None) -> tuple[str, str]:
    """``("build"|"run", why)``: ``explicit`` (``--phase``) wins, then ``DBDOCTOR_PHASE``, then build markers;
    without any of them, run time."""
    if explicit in PHASES:
        return explicit, f"--phase {explicit}"
    declared = (environ.get(PHASE_VARIABLE) or "").strip().lower()
    if declared in PHASES:
        return declared, f"{PHASE_VARIABLE}={declared}"
    markers = build_markers(environ)
    if markers:
        return "build", ", ".join(markers)
    return "run", "no build marker"


def internal_host(host: str | None) -> str | None:
    """Why ``host`` is reachable only inside a private network, or None (public names, loopback, sockets)."""
    if not host or host.startswith("/") or host.startswith("@"):
        return None
    name = host.strip().rstrip(".").lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        addr = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        addr = None
    if addr is not None:
        if addr.is_loopback or addr.is_unspecified:
            return None
        if addr.is_link_local:
            return "a link-local address"
        shared = ipaddress.ip_network("100.64.0.0/10")  # RFC 6598 carrier-grade NAT, used by private meshes
        if addr.is_private or (addr.version == 4 and addr in shared):
            return "a private address"
        return None
    if name in ("localhost", "localhost.localdomain") or name.endswith(".localhost"):
        return None
    for suffix, why in INTERNAL_SUFFIXES:
        if name.endswith(suffix):
            return why
    if "." not in name:
        return "a single-label name (a container, service or private-network name)"
    return None


def internal_hosts(hosts: Iterable[tuple[str | None, str | None]]) -> tuple[tuple[str, str], ...]:
    """``(host, why)`` for each (host, hostaddr) pair whose name or address is internal."""
    out: list[tuple[str, str]] = []
    for host, hostaddr in hosts:
        for value in (host, hostaddr):
            why = internal_host(value)
            if why and value:
                out.append((value, why))
                break
    return tuple(out)


#: root causes a build step with an internal host explains: the name or the network is not there at build time
NETWORK_CAUSES: Final = frozenset(
    {"dns_unresolved", "connection_refused", "connect_timeout", "network_unreachable", "not_the_database",
     "probe_incomplete"}
)

FIX: Final = (
    "Run the migration in the start (or release/pre-deploy) command instead of the build command, where the "
    "private network exists; or give the build step its own variable with the external connection details "
    "(same key, scoped to the build only) and keep the internal one for run time."
)


def build_time_cause(
    hosts: Iterable[tuple[str | None, str | None]], environ: Mapping[str, str], phase: str | None, cause: str | None
) -> bool:
    """True when a failure with root cause ``cause`` is better named ``build_time_internal_host``."""
    if cause not in NETWORK_CAUSES:
        return False
    if detect_phase(environ, phase)[0] != "build":
        return False
    return bool(internal_hosts(hosts))


def explain_line(hosts: Iterable[tuple[str | None, str | None]], environ: Mapping[str, str],
                 phase: str | None) -> str:
    """One sentence: which host is internal and why this run looks like a build step."""
    found = internal_hosts(hosts)
    _, why = detect_phase(environ, phase)
    if why == "no build marker":
        why = f"--phase build or {PHASE_VARIABLE}=build"
    host, what = found[0] if found else ("?", "an internal name")
    return (f'"{host}" is {what}, reachable only inside the platform\'s private network at run time, and this '
            f"is a build step ({why}).")
