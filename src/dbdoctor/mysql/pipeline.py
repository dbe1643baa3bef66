"""The check pipeline for MySQL/MariaDB: sources → Target → static rules → probe → facts → modes → rules →
Report, the same contract report as PostgreSQL (engine "mysql", modes DISABLED ... VERIFY_IDENTITY).

The password rules are PostgreSQL's (dbdoctor.postgres.pipeline): the one real connection with the user's settings
decides the verdict; an extra connection carries the password only when it protects it at least as well as the
user's own would: over TLS verified against the user's own CA, or over TLS at all when the user's own ssl-mode
would have sent it unverified or in plain text.

The errors that lie: MariaDB (10.11 at least) with ``require_secure_transport=ON``, and any account created
``REQUIRE SSL`` / ``REQUIRE X509``, answers a plain-text login with ``1045 Access denied ... (using password:
YES)``, the text of a wrong password. When the user's own connection was plain text and got 1045, one TLS attempt
with the same credentials decides: it works → ``server_requires_ssl``; it gets 1045 too → ``password_failed``.
MySQL 5.7+ says it honestly (3159). After any successful login, the user's own session tells whether plain text
would be accepted (``@@require_secure_transport`` and the account's ``REQUIRE`` clause), so DISABLED is predicted
without ever sending the password in plain text.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from dbdoctor.checking import invalid_report, run_rules, stage_timings
from dbdoctor.errors import TargetParseError
from dbdoctor.mysql.diagnosis import MyDiagnosis
from dbdoctor.mysql.modes import MYSQL_MODES, PROTECTION, UNKNOWN, LoginFacts, TransportFacts, predict_all
from dbdoctor.report import Finding, ModeResult, Report, sort_findings
from dbdoctor.target import Secret, Target

if TYPE_CHECKING:
    from dbdoctor.checking import CheckInput
    from dbdoctor.mysql.probe import MyAttempt, MyHostObservations, MyObservations

#: MySQL/MariaDB error numbers → cause ids. The client's own numbers (2003, 2013) are what PyMySQL says when the
#: error was not a timeout: a timeout gets the same numbers with "(timed out)" (MyAttempt.timed_out), and
#: :func:`attempt_cause` looks at that first. dbdoctor.messages's MySQL entries name the same causes (a test
#: keeps the two in step).
ERRNO_CAUSES: Final[Mapping[int, str]] = {
    1045: "password_failed",
    1044: "database_missing",  # access denied to that database: it is not this user's
    1049: "database_missing",
    1130: "hba_rejected",
    1040: "too_many_connections",
    1203: "too_many_connections",  # max_user_connections (global)
    1226: "too_many_connections",  # an account's MAX_USER_CONNECTIONS (ER_USER_LIMIT_REACHED)
    1129: "host_blocked",
    # MariaDB's ER_ACCESS_DENIED_NO_PASSWORD_ERROR: the account authenticates by the operating-system user
    # (IDENTIFIED VIA unix_socket, Debian's root@localhost), which no TCP login and no password can satisfy
    1698: "peer_auth_failed",
    3159: "server_requires_ssl",
    2026: "server_ssl_unsupported",
    2003: "connection_refused",
    2005: "dns_unresolved",
    2013: "tls_handshake_failed",
}

SETTINGS_CAUSES: Final = frozenset({"invalid_target", "param_invalid"})



# --- facts -----------------------------------------------------------------------------------------------------


def transport_facts(host: MyHostObservations | None, target: Target) -> tuple[TransportFacts, Any]:
    from dbdoctor import tls
    from dbdoctor.net import is_ip_literal
    from dbdoctor.observations import tcp_failure_cause

    if host is None:
        return TransportFacts("connect_timeout"), None
    if host.dns is not None and not host.dns.addresses:
        return TransportFacts("dns_unresolved"), None
    if host.tcp is None or host.tcp.outcome != "connected":
        outcome = host.tcp.outcome if host.tcp is not None else "timeout"
        return TransportFacts(tcp_failure_cause(outcome)), None
    first = host.first
    if first is None or first.outcome in ("timeout", "not_attempted"):
        return TransportFacts("connect_timeout"), None
    if first.outcome == "error" and first.error is not None:
        return TransportFacts(ERRNO_CAUSES.get(first.error.errno, "hba_rejected")), None
    if first.greeting is None:
        return TransportFacts("not_the_database"), None
    if not first.greeting.offers_tls:
        return TransportFacts(None, tls_offered=False), None
    t = host.tls
    if t is None or not t.completed:
        if t is not None and t.client_cert_error:
            cause = "client_cert_problem"
        elif t is not None and t.client_cert_requested and not t.client_cert_loaded:
            cause = "client_cert_required"
        elif t is not None and tls_timed_out(t):
            cause = "connect_timeout"  # it greeted and offered TLS, then never answered the handshake
        else:
            cause = "tls_handshake_failed"
        return TransportFacts(None, tls_offered=True, tls_failure_cause=cause), None
    ca = target.settings.get("ssl_ca")
    # over a Unix socket the client still checks the name it was given (PyMySQL: host, default localhost)
    verify_host = (
        target.settings.get("host") or "localhost" if host.attempt.is_unix_socket else host.attempt.host
    )
    analysis = tls.analyze_chain(
        t.chain_der, ca_file=Path(ca) if ca else None, ca_source="file" if ca else "system", host=verify_host
    )
    chain_cause = None if analysis.trusted else tls.CHAIN_CAUSES.get(analysis.problem or "", "cert_untrusted")
    name_cause = None
    if not analysis.name_matched:
        name_cause = "ip_address_mismatch" if is_ip_literal(verify_host) else "hostname_mismatch"
    return TransportFacts(None, True, None, chain_cause, name_cause), analysis


#: what _net.tls_handshake says when its deadline passed mid-handshake
_TLS_TIMEOUT_REASON: Final = "timed out"


def tls_timed_out(t: Any) -> bool:
    """Whether the probe's TLS handshake (a TlsObservation) failed for want of an answer in time."""
    return not t.completed and (t.error or "").startswith(_TLS_TIMEOUT_REASON)


#: PyMySQL numbers every OSError of its connect 2003 ("Can't connect to MySQL server on ..."): the class of the
#: wrapped error says which layer failed
OS_ERROR_CAUSES: Final[Mapping[str, str]] = {
    "ConnectionRefusedError": "connection_refused",
    "gaierror": "dns_unresolved",
    "TimeoutError": "connect_timeout",
}
#: ... and these are the TLS handshake (the certificate, most often: the message says which problem)
_TLS_OS_ERRORS: Final = frozenset({"SSLError", "SSLCertVerificationError", "SSLEOFError", "SSLZeroReturnError"})


def attempt_cause(a: MyAttempt) -> str | None:
    """What a failed attempt says, taken at its word (the caller decides whether a 1045 lies): a timeout first
    (PyMySQL numbers it 2003 or 2013 like a refusal or a lost connection), then the error number, where a 2003
    that wraps a TLS error is the handshake, not a refusal."""
    if a.ok:
        return None
    if a.cause is not None:  # decided before any network (the app's driver cannot load its CA file)
        return a.cause
    if a.timed_out:
        return "connect_timeout"
    # the causes only a message shows (an auth plugin the client cannot do, Connector/J's public key retrieval)
    from dbdoctor.messages.auth_words import cause_from_text

    named = cause_from_text(a.message, "mysql")
    if named is not None:
        return named
    if a.errno == 2003 and a.os_error is not None and a.os_error in OS_ERROR_CAUSES:
        return OS_ERROR_CAUSES[a.os_error]
    if a.errno == 2003 and a.os_error in _TLS_OS_ERRORS:
        from dbdoctor.messages.match import match_message

        matches = match_message(a.message or "")
        return matches[0].cause if matches else "tls_handshake_failed"
    if a.errno is not None and a.errno in ERRNO_CAUSES:
        return ERRNO_CAUSES[a.errno]
    return UNKNOWN


_attempt_cause = attempt_cause


def _reached_auth(a: MyAttempt) -> bool:
    """The attempt got an answer to its login (ok, or a server error after the handshake)."""
    return a.ok or (a.errno is not None and a.errno >= 1000 and a.errno < 2000) or a.errno == 3159


def _plain_from_session(a: MyAttempt) -> str | None:
    s = a.session
    if s is None or s.require_secure_transport is None:
        return UNKNOWN if s is None or s.user_requires is None else "server_requires_ssl"
    if s.require_secure_transport or s.user_requires is not None:
        return "server_requires_ssl"
    return None


def _decider_mode(user_mode: str, transport: TransportFacts, has_ca: bool) -> str | None:
    """The TLS mode an extra attempt with the user's credentials may use, or None: a verifying mode when the
    chain verifies against the user's own CA (as dbdoctor.postgres.pipeline._proof_allowed), else REQUIRED only when the
    user's own mode protects the password no better (DISABLED, PREFERRED, REQUIRED)."""
    if not transport.tls_offered or transport.tls_failure_cause is not None:
        return None
    chain_ok = has_ca and transport.chain_cause is None
    if chain_ok:
        return "VERIFY_IDENTITY" if transport.name_cause is None else "VERIFY_CA"
    if PROTECTION["REQUIRED"] >= PROTECTION.get(user_mode, 4):
        return "REQUIRED"
    return None


def login_facts(
    target: Target, user_mode: str, user: MyAttempt | None, transport: TransportFacts, timeout: float
) -> tuple[LoginFacts, MyAttempt | None]:
    """What plain and TLS logins get, from the user's own attempt and at most one extra TLS attempt."""
    from dbdoctor.mysql.probe import attempt_pymysql

    if user is None or transport.unreachable_cause is not None:
        return LoginFacts(), None
    if user.ok:
        if user.encrypted:
            return LoginFacts(plain=_plain_from_session(user), tls=None), None
        # a plain login worked: the account has no REQUIRE clause and the server takes plain text
        return LoginFacts(plain=None, tls=None if transport.tls_offered else UNKNOWN), None
    cause = _attempt_cause(user)
    if _reached_auth(user):
        if user.encrypted:
            # over TLS: a 1045 is the password (or a REQUIRE X509 account without a client certificate, which
            # MariaDB words the same); either way plain text fails as well
            return LoginFacts(plain=cause, tls=cause), None
        if cause == "server_requires_ssl":  # MySQL's honest 3159
            return LoginFacts(plain=cause, tls=UNKNOWN), None
        if cause == "password_failed" and transport.tls_offered:
            # the lie: the same credentials over TLS decide (the user's own plain attempt already sent them)
            mode = _decider_mode("DISABLED", transport, bool(target.settings.get("ssl_ca")))
            if mode is None or timeout < 0.5:
                return LoginFacts(plain=UNKNOWN, tls=UNKNOWN), None
            decider = attempt_pymysql(target, timeout=timeout, mode=mode)
            if decider.ok:
                return LoginFacts(plain="server_requires_ssl", tls=None), decider
            dcause = _attempt_cause(decider)
            if dcause == "database_missing":
                # 1044/1049 come after the password was accepted: over TLS the login itself works, so the plain
                # 1045 was the lie (require_secure_transport or a REQUIRE clause), and then the database fails
                return LoginFacts(plain="server_requires_ssl", tls=dcause), decider
            if _reached_auth(decider):
                return LoginFacts(plain=cause, tls=dcause), decider
            return LoginFacts(plain=UNKNOWN, tls=UNKNOWN), decider
        return LoginFacts(plain=cause, tls=cause if cause != "password_failed" else UNKNOWN), None
    # the user's connection never reached authentication (TLS refused, certificate, no TLS offered)
    mode = _decider_mode(user_mode, transport, bool(target.settings.get("ssl_ca")))
    if mode is None or timeout < 0.5:
        return LoginFacts(), None
    decider = attempt_pymysql(target, timeout=timeout, mode=mode)
    if decider.ok:
        return LoginFacts(plain=_plain_from_session(decider), tls=None), decider
    if _reached_auth(decider):
        dcause = _attempt_cause(decider)
        return LoginFacts(plain=dcause, tls=dcause), decider
    return LoginFacts(), decider


# --- the report ------------------------------------------------------------------------------------------------


def _invalid_report(exc: TargetParseError, started: float, text: str | None) -> Report:
    """The report for a target that cannot be parsed: as PostgreSQL's, the input shown redacted (the URL's
    password and a ``password=`` parameter as ``****``), never as written; None when it came from the
    environment."""
    from dbdoctor.mysql.parse import parse_error_finding
    from dbdoctor.mysql.sources import shown_target

    return invalid_report("mysql", parse_error_finding(exc), shown_target(text) if text is not None else None,
                          MYSQL_MODES, started)


def effective_dict(target: Target) -> dict[str, Any]:
    from dbdoctor.mysql.sources import effective

    out: dict[str, Any] = effective(target)
    out["password"] = "set" if target.has_password else "unset"
    out["provenance"] = dict(target.provenance)
    return out


def evidence(obs: MyObservations, analysis: Any, decider: MyAttempt | None,
             app_driver: str | None = None) -> tuple[dict[str, str], ...]:
    """What each layer saw; ``app_driver``: the title of the app's driver (``--driver``) when PyMySQL made the
    connection in its place, with that driver's settings, said so in the line."""
    from dbdoctor.mysql import wire as _mywire

    out: list[dict[str, str]] = []
    for h in obs.hosts:
        label = h.attempt.host or "?"
        if h.dns is not None:
            text = ", ".join(h.dns.addresses) if h.dns.addresses else f"does not resolve ({h.dns.error})"
            out.append({"layer": "dns", "text": f"{label}: {text}"})
        for skipped in h.skipped:
            out.append(
                {
                    "layer": "tcp",
                    "text": f"{skipped.address} port {skipped.port}: {skipped.outcome}"
                    + (f" ({skipped.error})" if skipped.error else "")
                    + "; the drivers go on to the next address",
                }
            )
        if h.tcp is not None:
            out.append(
                {
                    "layer": "tcp",
                    "text": f"{h.tcp.address} port {h.tcp.port}: {h.tcp.outcome}"
                    + (f" ({h.tcp.error})" if h.tcp.error else ""),
                }
            )
        f = h.first
        if f is not None:
            if f.greeting is not None:
                g = f.greeting
                caps = ", ".join(_mywire.capability_names(g.capabilities))
                out.append(
                    {
                        "layer": "greeting",
                        "text": f"{'MariaDB' if g.is_mariadb else 'MySQL'} {g.version}, "
                        f"TLS {'offered' if g.offers_tls else 'NOT offered'} ({caps}), auth plugin "
                        f"{g.auth_plugin or '?'}",
                    }
                )
            elif f.error is not None:
                state = f" #{f.error.sqlstate}" if f.error.sqlstate else ""
                out.append(
                    {
                        "layer": "greeting",
                        "text": f"ERR {f.error.errno}{state} before any login: {f.error.message}",
                    }
                )
            else:
                out.append(
                    {
                        "layer": "greeting",
                        "text": f"{f.outcome}"
                        + (f": {f.detail}" if f.detail else "")
                        + (f" ({f.preview!r})" if f.preview else ""),
                    }
                )
        if h.tls is not None:
            if h.tls.completed:
                out.append(
                    {
                        "layer": "tls",
                        "text": f"{h.tls.version} {h.tls.cipher}, "
                        f"{len(h.tls.chain_der)} certificate(s) sent, SNI {h.tls.sni or 'none'}",
                    }
                )
            else:
                out.append({"layer": "tls", "text": f"handshake failed: {h.tls.error}"})
    if analysis is not None and callable(getattr(analysis, "describe", None)):
        out.append({"layer": "certificate", "text": str(analysis.describe())})
    own = "the app's settings"
    if app_driver is not None and obs.driver is not None and obs.driver.driver == "pymysql":
        own = f"standing in for {app_driver} with its settings"
    for a, who in ((obs.driver, own), (decider, "dbdoctor's TLS attempt, same credentials")):
        if a is None:
            continue
        if a.ok:
            s = a.session
            extra = ""
            if s is not None:
                extra = (
                    f"; require_secure_transport={'ON' if s.require_secure_transport else 'OFF'}"
                    f"{', account REQUIRE ' + s.user_requires if s.user_requires else ''}"
                )
            out.append(
                {
                    "layer": "driver",
                    "text": f"{a.driver} ({who}, ssl-mode {a.mode}): connected, "
                    f"{a.tls_version or 'no encryption'}{extra}",
                }
            )
        else:
            out.append({"layer": "driver", "text": f"{a.driver} ({who}, ssl-mode {a.mode}): {a.message}"})
    return tuple(out)


def _corrected(target: Target, modes: Mapping[str, ModeResult], cause: str | None) -> str | None:
    from dbdoctor.mysql.sources import render

    if cause is None:
        return None
    for mode in ("VERIFY_IDENTITY", "VERIFY_CA"):
        if modes[mode].outcome == "ok" and mode != target.settings.get("ssl_mode"):
            return render(target.with_settings(ssl_mode=mode))
    if cause == "server_requires_ssl" and not target.settings.get("ssl_ca"):
        return render(target.with_settings(ssl_mode="VERIFY_IDENTITY", ssl_ca="/path/to/provider-ca.pem"))
    return None


def check(inp: CheckInput) -> Report:
    from dbdoctor.mysql.parse import static_findings
    from dbdoctor.mysql.probe import probe_target
    from dbdoctor.mysql.rules import MODULES as RULE_MODULES
    from dbdoctor.mysql.sources import implied_driver, render, resolve, shown_target
    from dbdoctor.rules.base import Context

    started = time.monotonic()
    deadline = started + inp.timeout
    try:
        target = resolve(inp.text, environ=inp.environ, env_files=inp.env_files, defaults_file=inp.defaults_file)
    except TargetParseError as exc:
        return _invalid_report(exc, started, inp.text)
    # driver hook (issue 6, dbdoctor.mysql.driver_hook): --driver NAME reads the query as that driver does
    # (or the driver the URL scheme names: mysql+mysqldb:// is mysqlclient's)
    driver_view = None
    from dbdoctor.sources.files import database_url

    written = database_url(inp.text, inp.environ, inp.env_files)
    driver_option = inp.driver or implied_driver(written)
    if driver_option:
        from dbdoctor.mysql import driver_hook as mysql_hook

        driver_view = mysql_hook.view_for(written, inp.environ, driver_option)
        target = mysql_hook.apply(target, driver_view)
    text = inp.text if inp.text is not None else inp.environ.get("DATABASE_URL")
    findings: list[Finding] = list(static_findings(target, text))
    if driver_view is not None and target.scheme_driver is None:
        # the query is the app's driver's keywords (its own findings say what it does not know), not mysql://'s
        findings = [f for f in findings if f.code != "DD802"]
    t_static = time.monotonic()

    obs = probe_target(target, timeout=max(0.2, (deadline - time.monotonic()) * 0.7), view=driver_view)
    t_probe = time.monotonic()
    host = obs.hosts[0] if obs.hosts else None
    transport, analysis = transport_facts(host, target)
    user_mode = target.settings.get("ssl_mode", "PREFERRED")
    if (driver_view is not None and driver_view.falls_back and transport.tls_offered
            and driver_view.tls_mode in ("VERIFY_CA", "VERIFY_IDENTITY")):
        # the app's driver verifies when TLS is offered (PyMySQL 1.1 with SSL options): that is its mode here
        user_mode = driver_view.tls_mode
    login, decider = login_facts(target, user_mode, obs.driver, transport, deadline - time.monotonic())
    modes = predict_all(transport, login)

    driver = obs.driver
    verdict = "ok" if driver is not None and driver.ok else "fail"
    cause: str | None = None
    if verdict == "fail":
        settings_wrong = [f for f in findings if f.severity == "error" and f.cause in SETTINGS_CAUSES]
        predicted = modes.get(user_mode)
        if settings_wrong:
            cause = settings_wrong[0].cause
        elif driver is not None and driver.cause is not None:
            cause = driver.cause
        elif predicted is not None and predicted.outcome == "fail" and predicted.cause:
            cause = predicted.cause
        elif driver is not None:
            c = _attempt_cause(driver)
            cause = c if c not in (None, UNKNOWN) else "probe_incomplete"
        else:
            cause = "probe_incomplete"
    fell_back = verdict == "ok" and driver is not None and not driver.encrypted and user_mode == "PREFERRED"
    diagnosis = MyDiagnosis(
        target=target,
        observations=obs,
        transport=transport,
        login=login,
        modes=modes,
        user_mode=user_mode,
        verdict=verdict,
        cause=cause,
        analysis=analysis,
        decider=decider,
        fell_back_to_plain=fell_back,
    )
    raw = Secret(text) if text is not None else None
    ctx = Context(target=target, raw=raw, environ=inp.environ, observations=diagnosis, driver="pymysql")
    findings += run_rules("check-mysql", RULE_MODULES, ctx)
    timings = stage_timings(obs.timings_ms, started, t_static, t_probe)
    report = Report(
        engine="mysql",
        target=shown_target(inp.text) if inp.text is not None else render(target),
        effective=effective_dict(target),
        verdict=verdict,  # type: ignore[arg-type]
        cause=cause,
        modes=modes,
        findings=sort_findings(findings),
        timings_ms=timings,
        evidence=evidence(obs, analysis, decider,
                          driver_view.title if driver_view is not None and driver_view.driver != "pymysql" else None),
        corrected=_corrected(target, modes, cause) if verdict == "fail" else None,
        driver_error=driver.message if driver is not None and not driver.ok else None,
    )
    if driver_view is not None:  # driver hook (issue 6)
        from dbdoctor.mysql import driver_hook as mysql_hook

        report = mysql_hook.finish_check(report, driver_view)
        if driver_view.driver == "mysql2":  # Node's net.connect: before Node 20, the first address only
            from dbdoctor.drivers.addresses import first_address_fails
            from dbdoctor.rules.driver_params import first_address_finding

            found = first_address_fails(obs)
            if found is not None:
                report = dataclasses.replace(report, findings=sort_findings([
                    *report.findings,
                    first_address_finding(driver_view.title, found, went_on="PyMySQL", reference="the mysql client",
                                          listen="bind_address"),
                ]))
    return report
