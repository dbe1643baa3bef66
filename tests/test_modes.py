"""The mode matrix on hand-built facts. These pin the encryption-method walk; whether the walk is libpq's is
decided by tests/test_differential_pg.py against real servers and the real driver."""

from __future__ import annotations

from dbdoctor.postgres.modes import (
    PG_MODES,
    AddressFacts,
    AuthKnowledge,
    RootFile,
    StartupFacts,
    TlsFacts,
    predict_all,
    predict_mode,
)

AUTH_OK = AuthKnowledge(has_password=True, password="right", after_auth="ok")
SCRAM = StartupFacts("auth", auth_code=10)
NO_PLAIN = StartupFacts("error", cause="server_requires_ssl")
GOOD_TLS = TlsFacts(completed=True)
NO_ROOT = RootFile("missing")
ROOT = RootFile("file", explicit=True)


def tls_only(tls: TlsFacts = GOOD_TLS) -> AddressFacts:
    return AddressFacts(connect_cause=None, ssl_answer="S", tls=tls, startup_plain=NO_PLAIN, startup_tls=SCRAM)


def outcomes(facts: AddressFacts, root: RootFile, auth: AuthKnowledge = AUTH_OK) -> dict[str, str]:
    return {m: f"{r.outcome}:{r.cause}" for m, r in predict_all([facts], root, auth).items()}


def test_tls_only_server_without_root_file() -> None:
    assert outcomes(tls_only(), NO_ROOT) == {
        "disable": "fail:server_requires_ssl",
        "allow": "ok:None",
        "prefer": "ok:None",
        "require": "ok:None",
        "verify-ca": "fail:ca_file_missing",
        "verify-full": "fail:ca_file_missing",
    }


def test_prefer_with_untrusted_chain_blames_the_certificate_not_the_plain_retry() -> None:
    facts = tls_only(TlsFacts(completed=True, chain_cause="cert_untrusted"))
    got = outcomes(facts, ROOT)
    assert got["prefer"] == "fail:cert_untrusted"
    assert got["require"] == "fail:cert_untrusted"  # a root file makes require verify
    assert got["allow"] == "fail:cert_untrusted"


def test_name_mismatch_only_matters_for_verify_full() -> None:
    facts = tls_only(TlsFacts(completed=True, name_cause="hostname_mismatch"))
    got = outcomes(facts, ROOT)
    assert got["verify-ca"] == "ok:None"
    assert got["verify-full"] == "fail:hostname_mismatch"


def test_no_fallback_after_missing_password() -> None:
    both = AddressFacts(connect_cause=None, ssl_answer="S", tls=GOOD_TLS, startup_plain=SCRAM, startup_tls=SCRAM)
    got = outcomes(both, NO_ROOT, AuthKnowledge(has_password=False))
    assert set(got.values()) - {"fail:ca_file_missing"} == {"fail:password_missing"}


def test_server_without_ssl() -> None:
    facts = AddressFacts(connect_cause=None, ssl_answer="N", startup_plain=SCRAM)
    got = outcomes(facts, NO_ROOT)
    assert got["prefer"] == "ok:None" and got["allow"] == "ok:None" and got["disable"] == "ok:None"
    assert got["require"] == "fail:server_ssl_unsupported"
    # the root file is only read after the server says S
    assert got["verify-full"] == "fail:server_ssl_unsupported"


def test_no_rule_either_way_is_an_allowlist_problem() -> None:
    facts = AddressFacts(
        connect_cause=None,
        ssl_answer="S",
        tls=GOOD_TLS,
        startup_plain=StartupFacts("error", cause="server_requires_ssl"),
        startup_tls=StartupFacts("error", cause="server_rejects_ssl"),
    )
    assert outcomes(facts, NO_ROOT)["prefer"] == "fail:hba_rejected"


def test_untested_password_is_unknown_not_guessed() -> None:
    got = outcomes(tls_only(), NO_ROOT, AuthKnowledge(has_password=True))
    assert got["require"] == "unknown:password_untested"
    assert got["disable"] == "fail:server_requires_ssl"


def test_system_roots_refuse_weak_modes_before_connecting() -> None:
    down = AddressFacts(connect_cause="connection_refused")
    got = outcomes(down, RootFile("system", explicit=True))
    assert got["require"] == "fail:param_invalid"
    assert got["verify-full"] == "fail:connection_refused"


def test_first_working_address_wins() -> None:
    down = AddressFacts(connect_cause="connection_refused")
    r = predict_mode("verify-full", [down, tls_only()], ROOT, AUTH_OK)
    assert r.outcome == "ok"
    r = predict_mode("verify-full", [down, down], ROOT, AUTH_OK)
    assert (r.outcome, r.cause) == ("fail", "connection_refused")


def test_every_mode_is_predicted() -> None:
    assert tuple(predict_all([tls_only()], ROOT, AUTH_OK)) == PG_MODES


def test_no_answer_in_time_is_unknown_not_a_guess() -> None:
    """A probe that got no SSL answer before its deadline (a loaded machine, a slow server) must not be read as
    'not the database'."""
    facts = AddressFacts(connect_cause=None, ssl_answer="unknown", startup_plain=StartupFacts("unknown"))
    got = outcomes(facts, NO_ROOT)
    assert set(got.values()) == {"unknown:probe_incomplete"}
