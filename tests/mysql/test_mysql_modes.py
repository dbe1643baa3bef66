"""The MySQL mode matrix as a pure function of facts."""

from __future__ import annotations

from typing import Any

from dbdoctor.mysql.modes import MYSQL_MODES, LoginFacts, TransportFacts, predict_all


def outcomes(t: TransportFacts, login: LoginFacts) -> dict[str, tuple[str, str | None]]:
    return {m: (r.outcome, r.cause) for m, r in predict_all(t, login).items()}


def test_unreachable_fails_every_mode_with_its_cause() -> None:
    for cause in ("connection_refused", "hba_rejected", "too_many_connections", "not_the_database"):
        assert set(outcomes(TransportFacts(cause), LoginFacts(None, None)).values()) == {("fail", cause)}


def test_managed_server() -> None:
    t = TransportFacts(None, tls_offered=True)
    got = outcomes(t, LoginFacts(plain="server_requires_ssl", tls=None))
    assert got == {
        "DISABLED": ("fail", "server_requires_ssl"),
        "PREFERRED": ("ok", None),
        "REQUIRED": ("ok", None),
        "VERIFY_CA": ("ok", None),
        "VERIFY_IDENTITY": ("ok", None),
    }


def test_no_tls_offered() -> None:
    got = outcomes(TransportFacts(None, tls_offered=False), LoginFacts(plain=None, tls="unknown"))
    assert got["DISABLED"] == got["PREFERRED"] == ("ok", None)
    assert {got[m] for m in ("REQUIRED", "VERIFY_CA", "VERIFY_IDENTITY")} == {
        ("fail", "server_ssl_unsupported")
    }


def test_certificate_causes_only_hit_verifying_modes() -> None:
    t = TransportFacts(None, True, None, "cert_expired", None)
    got = outcomes(t, LoginFacts(None, None))
    assert got["REQUIRED"] == ("ok", None) and got["VERIFY_CA"] == got["VERIFY_IDENTITY"] == (
        "fail",
        "cert_expired",
    )
    t = TransportFacts(None, True, None, None, "hostname_mismatch")
    got = outcomes(t, LoginFacts(None, None))
    assert got["VERIFY_CA"] == ("ok", None) and got["VERIFY_IDENTITY"] == ("fail", "hostname_mismatch")


def test_handshake_failure_is_not_a_fallback_for_preferred() -> None:
    t = TransportFacts(None, True, "tls_handshake_failed")
    got = outcomes(t, LoginFacts(None, None))
    assert got["DISABLED"] == ("ok", None)
    assert all(got[m] == ("fail", "tls_handshake_failed") for m in MYSQL_MODES if m != "DISABLED")


def test_unknown_login_is_password_untested() -> None:
    got = outcomes(TransportFacts(None, True), LoginFacts())
    assert set(got.values()) == {("unknown", "password_untested")}


# --- login facts from constructed attempts (the MySQL-only answers no MariaDB sandbox gives) --------------------


def _target() -> Any:
    from dbdoctor.target import HostAttempt, Secret, Target

    s = {"host": "db", "port": "3306", "user": "app", "ssl_mode": "DISABLED"}
    return Target(
        engine="mysql", params=s, settings=s, password=Secret("pw"), hosts=(HostAttempt("db", None, 3306),)
    )


def test_mysql_3159_is_the_honest_server_requires_ssl_without_a_second_attempt() -> None:
    from dbdoctor.mysql.pipeline import login_facts
    from dbdoctor.mysql.probe import MyAttempt

    user = MyAttempt(
        "DISABLED",
        ok=False,
        encrypted=False,
        errno=3159,
        message="(3159, 'Connections using insecure transport are prohibited while "
        "--require_secure_transport=ON.')",
    )
    login, decider = login_facts(
        _target(), "DISABLED", user, TransportFacts(None, tls_offered=True), timeout=5
    )
    assert decider is None  # nothing sent again: the server said it plainly
    assert login.plain == "server_requires_ssl"
    got = outcomes(TransportFacts(None, tls_offered=True), login)
    assert got["DISABLED"] == ("fail", "server_requires_ssl") and got["REQUIRED"] == (
        "unknown",
        "password_untested",
    )


def test_no_extra_attempt_without_tls_or_time() -> None:
    from dbdoctor.mysql.pipeline import login_facts
    from dbdoctor.mysql.probe import MyAttempt

    user = MyAttempt("DISABLED", ok=False, encrypted=False, errno=1045, message="(1045, 'Access denied')")
    login, decider = login_facts(
        _target(), "DISABLED", user, TransportFacts(None, tls_offered=False), timeout=5
    )
    assert decider is None and login.plain == "password_failed"
    login, decider = login_facts(
        _target(), "DISABLED", user, TransportFacts(None, tls_offered=True), timeout=0.1
    )
    assert decider is None and login == LoginFacts("unknown", "unknown")
