"""Build step and internal host recognition (dbdoctor.phase): pure, no network."""

from __future__ import annotations

import pytest

from dbdoctor.phase import build_markers, build_time_cause, detect_phase, internal_host, internal_hosts


@pytest.mark.parametrize(
    ("environ", "builder"),
    [
        ({"GITHUB_ACTIONS": "true", "CI": "true"}, "GitHub Actions"),
        ({"GITLAB_CI": "true", "CI": "true"}, "GitLab CI"),
        ({"VERCEL": "1", "CI": "1"}, "Vercel"),
        ({"NETLIFY": "true", "BUILD_ID": "5d4aeac2ccabf517d2f219b8"}, "Netlify"),
        ({"CNB_BUILDPACK_DIR": "/cnb/buildpacks/x/1.0"}, "Cloud Native Buildpacks"),
        ({"CNB_BP_PLAN_PATH": "/tmp/plan.toml"}, "Cloud Native Buildpacks"),
    ],
)
def test_documented_build_markers(environ: dict[str, str], builder: str) -> None:
    phase, why = detect_phase(environ)
    assert phase == "build"
    assert builder in why
    assert build_markers(environ)


@pytest.mark.parametrize(
    "environ",
    [
        {},
        {"CI": "true"},  # CI alone says nothing about which builder, nor that this is not a test job's runtime
        {"VERCEL": "1", "VERCEL_ENV": "production"},  # Vercel at run time: no CI
        {"NETLIFY": "true"},  # no BUILD_ID
        {"RENDER": "true", "IS_PULL_REQUEST": "false"},  # Render sets these at build and at run time
        {"CNB_LAYERS_DIR": "/layers", "CNB_APP_DIR": "/workspace"},  # kept in the launch image: run time too
        {"GITHUB_ACTIONS": "false"},
    ],
)
def test_not_a_build(environ: dict[str, str]) -> None:
    assert detect_phase(environ)[0] == "run"


def test_explicit_phase_wins() -> None:
    env = {"GITHUB_ACTIONS": "true"}
    assert detect_phase(env, "run") == ("run", "--phase run")
    assert detect_phase({"DBDOCTOR_PHASE": "build"})[0] == "build"
    assert detect_phase({**env, "DBDOCTOR_PHASE": "run"})[0] == "run"
    assert detect_phase({"DBDOCTOR_PHASE": "BUILD"})[0] == "build"
    assert detect_phase({"DBDOCTOR_PHASE": "nonsense"})[0] == "run"


@pytest.mark.parametrize(
    "host",
    [
        "10.0.0.5", "172.16.3.4", "172.31.255.1", "192.168.1.20", "100.64.0.7", "fd12:3456::1", "fe80::1",
        "[fd00::5]", "db.railway.internal", "postgres.prod.svc.cluster.local", "db.internal", "my-db.local",
        "postgres", "dpg-abc123-a", "DB.INTERNAL.",
    ],
)
def test_internal_hosts(host: str) -> None:
    assert internal_host(host) is not None


@pytest.mark.parametrize(
    "host",
    [
        None, "", "db.example.com", "8.8.8.8", "2606:4700::1111", "127.0.0.1", "::1", "localhost", "/var/run/postgresql",
        "@abstract", "172.32.0.1", "ep-cool-name-123456.eu-central-1.aws.neon.tech", "internal.example.com",
    ],
)
def test_public_or_local_hosts(host: str | None) -> None:
    assert internal_host(host) is None


def test_hostaddr_counts_too() -> None:
    assert internal_hosts([("db.example.com", "10.1.2.3")]) == (("10.1.2.3", "a private address"),)
    assert internal_hosts([("db.example.com", None), ("replica.example.com", None)]) == ()


def test_build_time_cause_needs_all_three() -> None:
    internal = [("db.railway.internal", None)]
    public = [("db.example.com", None)]
    build = {"GITHUB_ACTIONS": "true"}
    assert build_time_cause(internal, build, None, "dns_unresolved")
    assert build_time_cause(internal, {}, "build", "connect_timeout")
    assert not build_time_cause(internal, build, "run", "dns_unresolved")
    assert not build_time_cause(internal, {}, None, "dns_unresolved")
    assert not build_time_cause(public, build, None, "dns_unresolved")
    # a failure above the network (the server answered) is not about the build network
    assert not build_time_cause(internal, build, None, "password_failed")
