"""The check pipeline: sources → Target → static rules → probe → facts → modes → rules → Report.

Only the probe (dbdoctor.probe) does network I/O; everything else here is a function of its results. The one
real connection with the user's settings decides the verdict. Extra real connections are made only where they
cannot expose the password more than the user's own settings would: to test the password when the user's own
connection did not get that far, and to prove a corrected connection string; both over TLS verified against the
user's own CA, or over TLS at all when the user's own sslmode would have sent the password unverified or in
plain text.

When the certificate verdict is in question (the user's sslmode fails on the certificate the probe saw, or the
real driver's outcome on the certificate contradicts it), a few more connections are made, never with a
password: TLS handshakes to the same host attempt (each of its addresses) that capture the chain, each followed
by a start-up packet with a parameter only PgBouncer refuses before authentication. They tell whether successive
connections get different certificates (cert_varies, DD313) and whether the certificate is a pooler's. They run
in the background while the cause is worked out and a fix is proved, within the check's deadline.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from dbdoctor.checking import CheckInput, invalid_report, run_rules, stage_timings
from dbdoctor.errors import TargetParseError
from dbdoctor.observations import DriverObservation, HostObservations, Observations
from dbdoctor.postgres import conninfo
from dbdoctor.postgres.diagnosis import (
    CERT_CAUSES,
    POOLER_NAMES,
    CertVariant,
    Diagnosis,
    Fix,
    describe_variant,
)
from dbdoctor.postgres.facts import (
    address_facts,
    auth_knowledge,
    client_facts,
    first_chain,
    judge_chain,
    revocation,
    root_file,
    tls_facts,
)
from dbdoctor.postgres.modes import (
    NO_CLIENT_FACTS,
    PG_MODES,
    AddressFacts,
    AuthKnowledge,
    ClientFacts,
    RootFile,
    predict_all,
)
from dbdoctor.report import Finding, ModeResult, Report, sort_findings
from dbdoctor.rules.base import Context
from dbdoctor.target import Secret, Target

if TYPE_CHECKING:
    from dbdoctor.postgres.probe import EndpointSample

#: how strongly each mode protects the password, for deciding which extra connections may carry it
PROTECTION: Final[Mapping[str, int]] = {
    "disable": 0,
    "allow": 0,
    "prefer": 1,
    "require": 2,
    "verify-ca": 3,
    "verify-full": 4,
}

#: static causes that make the settings themselves wrong: when one is an error, it is the root cause
SETTINGS_CAUSES: Final = frozenset({"password_not_encoded", "invalid_target", "param_invalid", "param_unknown"})




# --- certificates that vary between connections, and a pooler in the path ------------------------------------

#: libpq's words when the server's certificate failed verification (fe-secure-openssl.c, fe-secure-common.c)
_DRIVER_CERT_FAILURE: Final = re.compile(
    r"certificate verify failed|does not match host name|could not get server's host name from server certificate"
)
#: the share of what is left of the check's deadline that the extra handshakes may use, and a cap in seconds
SAMPLE_SHARE: Final = 0.5
SAMPLE_CAP: Final = 2.0
#: what the sampling thread is given beyond its deadline to return (its connections are bounded by it)
SAMPLE_GRACE: Final = 0.6


def _cert_in_question(driver: DriverObservation | None, predicted: ModeResult | None,
                      addresses: Sequence[AddressFacts]) -> bool:
    """Is the certificate verdict in question, so that extra handshakes are worth their time? When the user's
    mode fails on the certificate the probe saw (is it always that certificate, and whose is it?), or when the
    real driver's outcome on the certificate contradicts the certificate the probe saw. A working connection
    whose certificate the probe also accepts costs nothing extra."""
    if not any(a.tls is not None and a.tls.completed for a in addresses):
        return False
    if predicted is not None and predicted.outcome == "fail" and predicted.cause in CERT_CAUSES:
        return True
    return _failed_on_cert(driver)


def _failed_on_cert(driver: DriverObservation | None) -> bool:
    """The real driver refused the server's certificate (its own words say so)."""
    return driver is not None and not driver.ok and bool(
        driver.message and _DRIVER_CERT_FAILURE.search(driver.message))


def _cert_variants(
    obs: Observations,
    samples: Sequence[EndpointSample],
    addresses: Sequence[AddressFacts],
    root: RootFile,
    root_path: str | None,
    auth: AuthKnowledge,
    client: ClientFacts = NO_CLIENT_FACTS,
    crl_for: Callable[[Sequence[bytes]], str | None] | None = None,
) -> tuple[CertVariant, ...]:
    """Group every completed handshake (the probe's own and the extra ones) by leaf certificate, and say what
    each sslmode would do with each certificate, everything else the probe saw unchanged (``client``, with the
    CRL verdict ``crl_for`` gives on each certificate's chain)."""
    from dbdoctor.postgres.modes import predict_address

    base_index = next((i for i, a in enumerate(addresses) if a.tls is not None and a.tls.completed), None)
    if base_index is None:
        return ()
    base = addresses[base_index]
    attempt = obs.hosts[base_index].attempt
    seen: dict[str, dict[str, Any]] = {}

    def add(chain: tuple[bytes, ...], address: str | None, kind: str | None) -> None:
        if not chain:
            return
        fp = hashlib.sha256(chain[0]).hexdigest()
        entry = seen.setdefault(fp, {"chain": chain, "seen": 0, "addresses": [], "by": []})
        entry["seen"] += 1
        if address and address not in entry["addresses"]:
            entry["addresses"].append(address)
        if kind and kind != "unknown" and kind not in entry["by"]:
            entry["by"].append(kind)

    h = obs.hosts[base_index]
    if h.tls is not None and h.tls.completed:
        add(h.tls.chain_der, h.address, None)
    for smp in samples:
        if smp.tls is not None and smp.tls.completed:
            add(smp.tls.chain_der, smp.address, smp.answered_by)
    out = []
    for fp, e in seen.items():
        facts, analysis = judge_chain(e["chain"], attempt, root, root_path)
        variant_facts = dataclasses.replace(base, tls=facts)
        own = dataclasses.replace(client, crl_cause=crl_for(e["chain"]) if crl_for is not None else None)
        modes = {m: predict_address(m, variant_facts, root, auth, own) for m in PG_MODES}
        out.append(CertVariant(fp, e["chain"], e["seen"], tuple(e["addresses"]), tuple(e["by"]), analysis, modes))
    return tuple(sorted(out, key=lambda v: -v.seen))


class _Sampler:
    """:func:`dbdoctor.postgres.probe.sample_endpoints` in a background thread, bounded by its own deadline."""

    def __init__(self, target: Target, hosts: Sequence[HostObservations], timeout: float) -> None:
        from dbdoctor.postgres.probe import sample_endpoints

        self._box: list[tuple[EndpointSample, ...]] = []
        self._timeout = timeout
        self._started = time.monotonic()

        def work() -> None:
            self._box.append(sample_endpoints(target, hosts, timeout=timeout))

        self._thread = threading.Thread(target=work, name="dbdoctor-samples", daemon=True)
        self._thread.start()

    def join(self) -> tuple[tuple[EndpointSample, ...], float]:
        """The samples (none when they did not finish in time) and how long they took, in ms."""
        self._thread.join(max(0.0, self._started + self._timeout - time.monotonic()) + SAMPLE_GRACE)
        return (self._box[0] if self._box else ()), (time.monotonic() - self._started) * 1000


def _pooler(samples: Sequence[EndpointSample]) -> str | None:
    """"pgbouncer" when every extra connection that got an answer was answered by PgBouncer."""
    kinds = {s.answered_by for s in samples if s.answered_by != "unknown"}
    return "pgbouncer" if kinds == {"pgbouncer"} else None


def _modes_with_variants(modes: Mapping[str, ModeResult], variants: Sequence[CertVariant]) -> dict[str, ModeResult]:
    """A mode whose outcome depends on which certificate the connection gets is neither ok nor fail: it is
    unknown, because the certificates vary (cert_varies)."""
    out = dict(modes)
    if len(variants) < 2:
        return out
    for m in PG_MODES:
        refused = {v.refused(m) for v in variants}
        if refused == {True, False}:
            out[m] = ModeResult("unknown", "cert_varies")
    return out


def _proof_allowed(user_mode: str, root: RootFile, mode: str, chain_ok: bool) -> bool:
    """May a connection in ``mode`` carry the user's password? Only if it protects it at least as well as the
    user's own settings would, and verifying modes only when the chain verifies against the user's own CA."""
    if mode in ("verify-ca", "verify-full"):
        return chain_ok
    return PROTECTION[mode] >= PROTECTION.get(user_mode, 4) and root.state != "file"


def _password_check(
    target: Target,
    user_mode: str,
    root: RootFile,
    addresses: Sequence[AddressFacts],
    timeout: float,
) -> DriverObservation | None:
    """Test the password over TLS when the user's own connection never reached authentication."""
    from dbdoctor.postgres.probe import attempt_psycopg

    if not target.has_password:
        return None
    for facts in addresses:
        st = facts.startup_tls
        if facts.tls is None or not facts.tls.completed or st is None or st.outcome != "auth":
            continue
        chain_ok = root.state in ("file", "system") and facts.tls.chain_cause is None
        for mode in ("verify-ca", "require"):
            if root.state == "system" and mode != "verify-full":
                continue
            if _proof_allowed(user_mode, root, mode, chain_ok):
                return attempt_psycopg(target.with_settings(sslmode=mode), timeout=timeout)
    return None


def _best_working_mode(modes: Mapping[str, ModeResult]) -> str | None:
    for mode in ("verify-full", "verify-ca", "require"):
        if modes[mode].outcome == "ok":
            return mode
    return None


def propose_fix(
    target: Target,
    d_modes: Mapping[str, ModeResult],
    cause: str | None,
    user_mode: str,
    analysis: Any,
    root: RootFile,
    chain_ok: bool,
    timeout: float,
) -> Fix | None:
    """The smallest change that works, never weakening verification silently; proved by a real connection
    when that connection may carry the password (see _proof_allowed)."""
    from dbdoctor.postgres.probe import attempt_psycopg

    if cause is None:
        return None
    if cause in ("hostname_mismatch", "ip_address_mismatch") and analysis is not None:
        dns = tuple(getattr(analysis, "dns_names", ()))
        cn = getattr(analysis, "common_name", None)
        # libpq reads the CN only when the certificate has no DNS SAN (pq_verify_peer_name_matches_certificate)
        names = [n for n in dns if "*" not in n] or ([cn] if cn and not dns and "*" not in cn else [])
        first = target.hosts[0] if target.hosts else None
        if names and first is not None:
            address = first.hostaddr or getattr(analysis, "peer_address", None) or first.host
            changes: dict[str, str | None] = {"host": names[0]}
            if address and address != names[0]:
                changes["hostaddr"] = address
            fixed = target.with_settings(**changes)
            proved = False
            if _proof_allowed(user_mode, root, "verify-full", chain_ok=chain_ok):
                proved = attempt_psycopg(fixed, timeout=timeout).ok
            return Fix(
                changes=changes,
                text=conninfo.render(target, changes),
                proved=proved,
                note="libpq connects to hostaddr and verifies the certificate against host",
            )
    encryption_causes = {"server_requires_ssl", "ca_file_missing", "plaintext_fallback"}
    if cause in encryption_causes or (cause.startswith("cert_") and user_mode in ("prefer", "require")):
        best = _best_working_mode(d_modes)
        if best in ("verify-full", "verify-ca"):
            changes = {"sslmode": best}
            proved = False
            if _proof_allowed(user_mode, root, best, chain_ok=chain_ok):
                proved = attempt_psycopg(target.with_settings(**changes), timeout=timeout).ok
            note = None if best == "verify-full" else "verify-ca checks the CA but not the host name"
            return Fix(changes=changes, text=conninfo.render(target, changes), proved=proved, note=note)
        if cause in ("server_requires_ssl", "ca_file_missing"):
            changes = {"sslmode": "verify-full", "sslrootcert": "/path/to/provider-ca.pem"}
            return Fix(
                changes=changes,
                text=conninfo.render(target, changes),
                proved=False,
                note="with the provider's CA certificate saved at that path",
            )
    return None


def _invalid_report(exc: TargetParseError, started: float, text: str | None) -> Report:
    from dbdoctor.postgres.conninfo import redact_text
    from dbdoctor.postgres.lint import parse_error_finding

    return invalid_report("postgresql", parse_error_finding(exc), redact_text(text) if text is not None else None,
                          PG_MODES, started)


def effective_dict(target: Target, root_path: str | None) -> dict[str, Any]:
    s = target.settings
    port = s.get("port")
    out: dict[str, Any] = {
        "host": s.get("host"),
        "hostaddr": s.get("hostaddr"),
        "port": int(port) if port and port.isdecimal() else port,
        "dbname": s.get("dbname"),
        "user": s.get("user"),
        "password": "set" if target.has_password else "unset",
        "sslmode": s.get("sslmode", "prefer"),
        "sslrootcert": s.get("sslrootcert") or root_path,
    }
    for key in ("sslcert", "sslkey", "sslnegotiation", "sslsni", "target_session_attrs"):
        if key in s:
            out[key] = s[key]
    out["provenance"] = dict(target.provenance)
    return out


def evidence(obs: Observations, analysis: Any) -> tuple[dict[str, str], ...]:
    out: list[dict[str, str]] = []
    for h in obs.hosts:
        label = h.attempt.host or h.attempt.hostaddr or "?"
        if h.dns is not None:
            text = ", ".join(h.dns.addresses) if h.dns.addresses else f"does not resolve ({h.dns.error})"
            out.append({"layer": "dns", "text": f"{label}: {text}"})
        for sk in h.skipped:  # addresses of the name that failed first; libpq goes on to the next one
            out.append({"layer": "tcp", "text": f"{sk.address} port {sk.port}: {sk.outcome}"
                        + (f" ({sk.error})" if sk.error else "") + "; libpq goes on to the next address"})
        if h.tcp is not None:
            out.append({"layer": "tcp", "text": f"{h.tcp.address} port {h.tcp.port}: {h.tcp.outcome}"
                        + (f" ({h.tcp.error})" if h.tcp.error else "")})
        if h.ssl_request is not None and h.ssl_request.answer != "not_attempted":
            out.append({"layer": "sslrequest", "text": f"answer {h.ssl_request.answer}"
                        + (f" ({h.ssl_request.preview!r})" if h.ssl_request.preview else "")})
        if h.tls is not None:
            if h.tls.completed:
                out.append({"layer": "tls", "text": f"{h.tls.version} {h.tls.cipher}, "
                            f"{len(h.tls.chain_der)} certificate(s) sent, SNI {h.tls.sni or 'none'}"})
            else:
                out.append({"layer": "tls", "text": f"handshake failed: {h.tls.error}"})
        for st in (h.startup_plain, h.startup_tls):
            if st is None or st.outcome == "not_attempted":
                continue
            how = "over TLS" if st.encrypted else "in plain text"
            if st.outcome == "auth":
                text = f"start-up {how}: the server asks for authentication (method {st.auth_code})"
            elif st.outcome == "ok":
                text = f"start-up {how}: accepted without a password"
            elif st.error is not None:
                text = f"start-up {how}: {st.error.sqlstate} {st.error.message}"
            else:
                text = f"start-up {how}: {st.outcome}"
            out.append({"layer": "startup", "text": text})
    if analysis is not None and callable(getattr(analysis, "describe", None)):
        out.append({"layer": "certificate", "text": str(analysis.describe())})
    if obs.driver is not None:
        d = obs.driver
        if d.ok:
            out.append({"layer": "driver", "text": f"{d.driver}: connected, server {d.server_version}, "
                        f"{d.tls_version or 'no encryption'}"})
        else:
            out.append({"layer": "driver", "text": f"{d.driver}: {d.message}"})
    return tuple(out)


def variant_evidence(variants: Sequence[CertVariant], pooler: str | None, user_mode: str) -> tuple[
    dict[str, str], ...
]:
    out: list[dict[str, str]] = []
    if len(variants) > 1:
        total = sum(v.seen for v in variants)
        out.append({"layer": "certificates", "text": f"{total} TLS handshakes presented {len(variants)} "
                    "different certificates"})
    for v in variants if len(variants) > 1 else ():
        by = " and ".join(POOLER_NAMES.get(k, k) for k in v.answered_by)
        verdict = (f"; sslmode={user_mode} refuses it ({v.modes[user_mode].cause})" if v.refused(user_mode)
                   else f"; sslmode={user_mode} accepts it")
        out.append({"layer": "certificates", "text": f"{describe_variant(v)}: seen {v.seen} time"
                    f"{'s' if v.seen != 1 else ''} at {', '.join(v.addresses)}"
                    + (f", presented by {by}" if by else "") + verdict})
    if pooler is not None:
        out.append({"layer": "pooler", "text": f"{POOLER_NAMES.get(pooler, pooler)} answers on this port (it "
                    "refused the start-up parameter dbdoctor.probe before authentication, as only PgBouncer "
                    "does): the certificate is the pooler's (client_tls_cert_file), not the database's"})
    return tuple(out)


def check(inp: CheckInput) -> Report:
    from dbdoctor.postgres.conninfo import redact_text
    from dbdoctor.postgres.probe import probe_target
    from dbdoctor.postgres.rules import MODULES as RULE_MODULES
    from dbdoctor.postgres.sources import resolve

    started = time.monotonic()
    deadline = started + inp.timeout
    # driver hook (issue 4, dbdoctor.postgres.driver_check): with an app driver other than libpq, the pipeline
    # probes the libpq-equivalent Target of what that driver really does
    from dbdoctor.postgres import driver_check as driver_hook

    try:
        prepared = driver_hook.prepare(inp.text, inp.environ, inp.env_files, inp.driver, inp.project)
        target = prepared.target if prepared is not None else resolve(
            inp.text, environ=inp.environ, env_files=inp.env_files)
    except TargetParseError as exc:
        return _invalid_report(exc, started, inp.text)
    raw_text = prepared.static_text if prepared is not None else inp.text
    raw = Secret(raw_text) if raw_text is not None else None
    static_ctx = Context(target=target, raw=raw, environ=inp.environ)
    findings = run_rules("static", RULE_MODULES, static_ctx)
    t_static = time.monotonic()

    root, root_path = root_file(target, inp.environ)
    obs = probe_target(target, timeout=max(0.1, deadline - time.monotonic()))
    t_probe = time.monotonic()

    addresses: list[AddressFacts] = []
    analysis = None
    for host in obs.hosts:
        host_tls, host_analysis = tls_facts(host, root, root_path)
        analysis = analysis or host_analysis
        addresses.append(address_facts(host, host_tls))

    user_mode = target.sslmode
    attempts = [obs.driver] if obs.driver is not None else []
    auth = auth_knowledge(target.has_password, attempts)
    password_check = None
    if auth.password == "unknown":
        remaining = deadline - time.monotonic()
        if remaining > 0.5:
            password_check = _password_check(target, user_mode, root, addresses, remaining)
            if password_check is not None:
                auth = auth_knowledge(target.has_password, [*attempts, password_check])
    crl_cause, crl_detail = revocation(target, root, root_path, inp.environ, first_chain(obs.hosts))
    client = client_facts(target.settings, obs.hosts, crl_cause)
    modes = predict_all(addresses, root, auth, client=client)

    driver = obs.driver
    # a certificate verdict in question: a few extra password-free handshakes (every resolved address), to see
    # whether successive connections get the same certificate and whether PgBouncer presents it. They run in
    # the background while the cause is worked out and a fix is proved, and are joined before the verdict's
    # cause is final.
    sampler: _Sampler | None = None
    remaining = deadline - time.monotonic()
    if remaining > 0.5 and _cert_in_question(driver, modes.get(user_mode), addresses):
        # the host attempt whose certificate is in question (the first that completed TLS): the hosts of a
        # multi-host list are different servers, whose certificates may differ without anything being wrong
        questioned = [h for h, a in zip(obs.hosts, addresses, strict=True) if a.tls is not None and a.tls.completed]
        sampler = _Sampler(target, questioned[:1], min(SAMPLE_CAP, remaining * SAMPLE_SHARE))
    verdict = "ok" if driver is not None and driver.ok else "fail"
    cause: str | None = None
    settings_wrong: list[Finding] = []
    if verdict == "fail":
        predicted = modes.get(user_mode)
        static_errors = [f for f in findings if f.severity == "error"]
        settings_wrong = [f for f in static_errors if f.cause in SETTINGS_CAUSES]
        if settings_wrong:
            # the string itself is wrong: what the network then does follows from it (a broken URL's host)
            cause = settings_wrong[0].cause
        elif predicted is not None and predicted.outcome == "fail":
            cause = predicted.cause
        elif static_errors:
            cause = static_errors[0].cause
        else:
            cause = _classify_driver_message(driver)
        # a build step cannot reach the platform's private network: that is the root cause (phase.py, DD601)
        from dbdoctor.phase import build_time_cause

        if build_time_cause([(h.host, h.hostaddr) for h in target.hosts], inp.environ, inp.phase, cause):
            cause = "build_time_internal_host"
    # prefer tries TLS first: a working plain connection means it fell back (allow prefers plain by design)
    fell_back = verdict == "ok" and driver is not None and driver.tls_version is None and user_mode == "prefer"
    chain_ok = any(
        a.tls is not None and a.tls.completed and a.tls.chain_cause is None for a in addresses
    ) and root.state in ("file", "system")

    def fix_for(modes: Mapping[str, ModeResult], cause: str | None) -> Fix | None:
        remaining = deadline - time.monotonic()
        if verdict != "fail" or remaining <= 0.5:
            return None
        return propose_fix(target, modes, cause, user_mode, analysis, root, chain_ok, max(0.5, remaining))

    fix = fix_for(modes, cause)
    variants: tuple[CertVariant, ...] = ()
    pooler: str | None = None
    if sampler is not None:
        samples, sample_ms = sampler.join()
        obs = dataclasses.replace(obs, timings_ms={**obs.timings_ms, "cert_samples": sample_ms})
        variants = _cert_variants(obs, samples, addresses, root, root_path, auth, client,
                                  lambda chain: revocation(target, root, root_path, inp.environ, chain)[0])
        pooler = _pooler(samples)
        varied = _modes_with_variants(modes, variants)
        # some certificates behind this name pass the user's settings and some do not, and the connection
        # failed on one: which endpoint a connection gets decides, so that is the root cause (and no single
        # corrected string fixes it)
        varies_for_user = {v.refused(user_mode) for v in variants} == {True, False}
        if (verdict == "fail" and varies_for_user and not settings_wrong
                and (cause in CERT_CAUSES or _failed_on_cert(driver))):
            cause, fix = "cert_varies", None
        elif varied != modes and fix is not None:
            fix = fix_for(varied, cause)  # the fix was chosen from modes the certificates have since changed
        modes = varied
    diagnosis = Diagnosis(
        target=target,
        observations=obs,
        root=root,
        root_path=root_path,
        addresses=tuple(addresses),
        auth=auth,
        modes=modes,
        user_mode=user_mode,
        verdict=verdict,  # type: ignore[arg-type]
        cause=cause,
        analysis=analysis,
        fell_back_to_plain=fell_back,
        password_check=password_check,
        fix=fix,
        cert_variants=variants,
        pooler=pooler,
        revocation=crl_detail,
    )
    check_ctx = Context(target=target, raw=raw, environ=inp.environ, observations=diagnosis)
    findings += run_rules("check", RULE_MODULES, check_ctx)
    timings = stage_timings(obs.timings_ms, started, t_static, t_probe)
    report = Report(
        engine="postgresql",
        target=redact_text(inp.text) if inp.text is not None else _shown_target(target),
        effective=effective_dict(target, root_path),
        verdict=verdict,  # type: ignore[arg-type]
        cause=cause,
        modes=modes,
        findings=sort_findings(findings),
        timings_ms=timings,
        evidence=evidence(obs, analysis) + variant_evidence(variants, pooler, user_mode),
        corrected=fix.text if fix is not None else None,
        driver_error=driver.message if driver is not None and not driver.ok else None,
        chain_analysis=analysis,
    )
    return driver_hook.finish(report, prepared, obs, auth, inp.environ)  # driver hook (issue 4)


def _shown_target(target: Target) -> str | None:
    """With no target text: DATABASE_URL as the app would read it, redacted; None for PG* variables alone."""
    if target.form == "environment":
        return None
    return conninfo.render(target)


def _classify_driver_message(driver: DriverObservation | None) -> str:
    """When the prediction did not explain the failure, the driver's own words decide (the catalog)."""
    if driver is None:
        return "probe_incomplete"
    if driver.timed_out:
        return "connect_timeout"
    # the causes only a message shows (auth method, peer, pooler parameter, SNI, no SSL in the client)
    from dbdoctor.messages.auth_words import cause_from_text

    named = cause_from_text(driver.message, "postgresql")
    if named is not None:
        return named
    from dbdoctor.messages.match import match_text

    matches = match_text(driver.message or "")
    if matches:
        return matches[0].cause
    # a failure no catalog entry explains: say which layer it came from rather than guess a server rule
    return "tls_handshake_failed" if driver.message and "SSL" in driver.message else "not_the_database"


__all__ = ["AuthKnowledge", "CheckInput", "check"]
