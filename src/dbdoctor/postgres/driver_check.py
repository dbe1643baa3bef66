"""The check pipeline with the app's driver: translate first, probe the libpq-equivalent Target, then say where
the driver and psql part ways. Called from dbdoctor.postgres.pipeline.check at two marked hooks.

- :func:`prepare`: which driver (``--driver``, the URL scheme, ``--project``), the Target to probe (for a
  driver other than libpq: the libpq-equivalent one, built from the string without the driver's own
  parameters, which libpq could not parse), and the text static rules read.
- :func:`finish`: the driver's verdict (a refusal before connecting, a forwarded parameter the server refuses,
  a prefer that falls back only on 'N'), the driver fields of ``effective``, the DD50x findings, and the
  DD504 headline when libpq with the settings as written gets the other answer.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from dbdoctor import drivers
from dbdoctor.drivers import Choice, DriverView, choose, libpq_base, written_params
from dbdoctor.errors import TargetParseError
from dbdoctor.observations import Observations
from dbdoctor.postgres.modes import AuthKnowledge, predict_mode
from dbdoctor.report import Finding, ModeResult, Report, sort_findings
from dbdoctor.target import REDACTED, Secret, Target


@dataclasses.dataclass(frozen=True, slots=True)
class Prepared:
    choice: Choice
    view: DriverView | None  # None for libpq itself
    target: Target
    #: the text static rules read (the string without the driver's own parameters)
    static_text: str | None
    #: the string as the user wrote it (or DATABASE_URL), for libpq's own reading
    text: str | None


def translate(target: Target, driver: str, version: str | None = None, **options: Any) -> DriverView:
    """The app's driver's reading of a target (:func:`dbdoctor.drivers.translate`, the driver knowledge), with the
    findings about it (DD501-DD503, :func:`dbdoctor.rules.driver_params.findings`)."""
    from dbdoctor.rules.driver_params import findings

    view = drivers.translate(target, driver, version, **options)
    return dataclasses.replace(view, findings=tuple(findings(view)))


def _text(text: str | None, environ: Mapping[str, str]) -> str | None:
    return text if text is not None else (environ.get("DATABASE_URL") or None)


def prepare(
    text: str | None,
    environ: Mapping[str, str],
    env_files: Sequence[str],
    driver: str | None,
    project: str | None = None,
) -> Prepared | None:
    """None when the driver is libpq and nothing about the pipeline changes. Raises TargetParseError when
    what is left of the string cannot be parsed, and DriverError for an unknown ``--driver``."""
    from dbdoctor._untrusted import require_utf8

    if text is not None:
        require_utf8(text)
    from dbdoctor.postgres.conninfo import normalise, redact_text
    from dbdoctor.postgres.sources import resolve

    used = _text(text, environ)
    scheme_driver = normalise(used)[1] if used is not None else None
    choice = choose(driver, used, scheme_driver, project)
    if choice.name == "libpq" and scheme_driver is None and not choice.fallback:
        return None
    if choice.name == "libpq":
        target = resolve(text, environ=environ, env_files=env_files)
        # the parameters as written: SQLAlchemy's postgresql+psycopg(2):// pass them to libpq as keywords, so
        # ssl=true is not rewritten (libpq's URI parser, which resolve() used, would read it as sslmode=require)
        written = written_params(used) if used is not None else None
        view = translate(target, "libpq", choice.version, written=written, environ=environ, because=choice.because)
        return Prepared(choice, view, target, text, used)
    base = libpq_base(used) if used is not None else None
    target = resolve(base, environ=environ, env_files=env_files)
    target = dataclasses.replace(
        target,
        written=redact_text(used) if used is not None else None,
        scheme_driver=scheme_driver or choice.name,
    )
    written = written_params(used) if used is not None else []
    view = translate(target, choice.name, choice.version, written=written, environ=environ, because=choice.because)
    view = _without_password_pieces(view, used)
    return Prepared(choice, view, view.target, base, used)


def _without_password_pieces(view: DriverView, used: str | None) -> DriverView:
    """A password with an unencoded '?', '#', '/' or '@' bends the URL: the driver reads pieces of it as the
    host, the port or the database (issue 13: ``port ab`` for ``app:ab?cd@db``). Those settings are shown as
    ****: a value that is one of the pieces, or holds a piece of three characters or more."""
    pattern = _piece_pattern(used)
    if pattern is None:
        return view
    masked = _mask(view, pattern)
    assert isinstance(masked, DriverView)
    return masked


def _piece_pattern(used: str | None) -> re.Pattern[str] | None:
    """The pieces a password with unencoded characters leaves in a driver's reading, as one pattern."""
    from dbdoctor.postgres.conninfo import analyse_password

    analysis = analyse_password(used) if used is not None else None
    if analysis is None or not (analysis.bent or analysis.unencoded):
        return None
    pieces = sorted({p for p in analysis.pieces if p}, key=len, reverse=True)
    if not pieces:
        return None
    # a piece of one or two characters is masked only where it stands alone (port "ab"), never inside a word
    return re.compile("|".join(
        re.escape(p) if len(p) >= 3 else rf"(?<![A-Za-z0-9]){re.escape(p)}(?![A-Za-z0-9])" for p in pieces
    ))


def _mask(value: object, pattern: re.Pattern[str]) -> object:
    """``value`` with every match of ``pattern`` in its strings (dataclass fields, tuples, mappings) as ****."""
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, Secret):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _mask(getattr(value, f.name), pattern) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    if isinstance(value, tuple):
        return tuple(_mask(v, pattern) for v in value)
    if isinstance(value, list):
        return [_mask(v, pattern) for v in value]
    if isinstance(value, Mapping):
        return {_mask(k, pattern): _mask(v, pattern) for k, v in value.items()}
    return value


def _libpq_outcome(
    prepared: Prepared, obs: Observations, auth: AuthKnowledge, environ: Mapping[str, str]
) -> tuple[str, str | None]:
    """What libpq (psql) gets with the settings as written: ok, fail or unknown."""
    from dbdoctor.postgres.facts import address_facts, root_file, tls_facts
    from dbdoctor.postgres.sources import resolve

    view = prepared.view
    if view is not None and view.libpq_error is not None:
        return "fail", "param_unknown"
    try:
        target = resolve(prepared.text, environ=environ)
    except (TargetParseError, OSError):
        return "fail", "invalid_target"
    root, root_path = root_file(target, environ)
    addresses = [address_facts(h, tls_facts(h, root, root_path)[0]) for h in obs.hosts]
    result = predict_mode(target.sslmode, addresses, root, auth)
    return result.outcome, result.cause


def finish(
    report: Report,
    prepared: Prepared | None,
    obs: Observations,
    auth: AuthKnowledge,
    environ: Mapping[str, str],
) -> Report:
    """The report with the driver's verdict, fields and findings."""
    from dbdoctor.postgres.driver_oracle import address_facts_for, predict
    from dbdoctor.rules.driver_params import APP_DIFFERS

    effective: dict[str, Any] = dict(report.effective)
    if prepared is None or prepared.view is None:
        effective.setdefault("driver", "libpq")
        return dataclasses.replace(report, effective=effective)
    from dbdoctor.drivers import NO_ROOT

    view = prepared.view
    effective.update(view.effective())
    if prepared.choice.unrecognised:  # --project found no driver it knows: said, not silently libpq
        effective["driver_unrecognised"] = list(prepared.choice.unrecognised)
    # the stand-in path for "no root file" is dbdoctor's, not the user's: findings about it say nothing
    findings = [f for f in report.findings if NO_ROOT not in f.detail] + list(view.findings)
    verdict, cause, driver_error = report.verdict, report.cause, report.driver_error
    addresses, root = address_facts_for(view, obs, environ)
    predicted = predict(view, addresses, root, auth)
    if view.error is not None:
        verdict, cause, driver_error = "fail", view.error_cause, view.error
    elif verdict == "ok" and predicted.outcome == "fail":
        # what psycopg could not show: a server refusing a forwarded setting, a fallback libpq would make
        verdict, cause = "fail", predicted.cause
        if view.server_refuses is not None:
            driver_error = view.server_refuses[1]
    if view.driver == "node-postgres":
        from dbdoctor.drivers.addresses import first_address_fails
        from dbdoctor.rules.driver_params import first_address_finding

        found = first_address_fails(obs)
        if found is not None:
            findings.append(first_address_finding(view.title, found))
    modes = report.modes
    if view.driver != "libpq":
        modes = _driver_modes(prepared, obs, auth, environ) or modes
        libpq, libpq_cause = _libpq_outcome(prepared, obs, auth, environ)
        tls_cause = cause is not None and (cause.startswith(("cert_", "ca_file")) or cause in (
            "hostname_mismatch", "ip_address_mismatch", "system_ca_missing", "server_ssl_unsupported"))
        if verdict == "fail" and libpq == "unknown" and libpq_cause == "password_untested" and tls_cause:
            findings.append(APP_DIFFERS.finding(
                detail=f"psql (libpq) gets through TLS with these settings as written (libpq's "
                       f"sslmode={view.libpq_sslmode} does not fail on this), where {view.title} reads them as "
                       f"libpq's sslmode={view.sslmode} and fails" + (f": {driver_error}" if driver_error else "")
                       + ". (The password was not tried the psql way: that would send it less protected than "
                       "your app does.)",
                fix="see the driver finding below for the string in the driver's own syntax",
            ))
        elif verdict == "fail" and libpq == "ok":
            findings.append(APP_DIFFERS.finding(
                detail=f"psql (libpq) connects with these settings as written; {view.title} reads them as "
                       f"libpq's sslmode={view.sslmode or 'refused'} and fails"
                       + (f": {driver_error}" if driver_error else "") + ".",
                fix="see the driver finding below for the string in the driver's own syntax",
            ))
        elif verdict == "ok" and libpq == "fail":
            findings.append(APP_DIFFERS.finding(
                title="Fails with psql, works in your app",
                severity="info",
                detail=f"{view.title} connects with these settings; psql (libpq) reading the same string "
                       f"fails" + (f" ({view.libpq_error})" if view.libpq_error else "") + ".",
                fix="to test with psql, use the libpq form: " + _libpq_form(view),
            ))
    return dataclasses.replace(
        report,
        modes=modes,
        effective=effective,
        verdict=verdict,
        cause=cause,
        findings=sort_findings(findings),
        driver_error=driver_error,
    )


def _driver_modes(
    prepared: Prepared, obs: Observations, auth: AuthKnowledge, environ: Mapping[str, str]
) -> dict[str, ModeResult] | None:
    """The mode matrix in the driver's semantics: for each libpq mode name written as the driver's own mode
    setting (everything else as the user has it), what the driver would do."""
    from dbdoctor.drivers import get
    from dbdoctor.postgres.driver_oracle import address_facts_for, predict
    from dbdoctor.postgres.modes import PG_MODES

    view = prepared.view
    if view is None or prepared.text is None:
        return None
    d = get(view.driver)
    written = written_params(prepared.text)
    keys = [k for k, p in d.params.items() if p.libpq == "sslmode" and p.verdict == "read"]
    written_keys = [k for k, _ in written if k in keys]
    if scheme_driver_variant(prepared.text) == "asyncpg-sqlalchemy":
        keys = ["ssl"]
    key = written_keys[-1] if written_keys else ("sslmode" if "sslmode" in keys else (keys[0] if keys else None))
    if key is None:
        return None
    out: dict[str, ModeResult] = {}
    for mode in PG_MODES:
        changed = [(k, v) for k, v in written if k != key] + [(key, mode)]
        v = translate(view.target, view.driver, view.version, written=changed, environ=environ,
                      because=view.because)
        addresses, root = address_facts_for(v, obs, environ)
        out[mode] = predict(v, addresses, root, auth)
    return out


def scheme_driver_variant(text: str) -> str | None:
    from dbdoctor.drivers import scheme_of

    return "asyncpg-sqlalchemy" if scheme_of(text) == "postgresql+asyncpg" else None


def _libpq_form(view: DriverView) -> str:
    from dbdoctor.postgres import conninfo

    s = view.target.settings
    changes: dict[str, str | None] = {"sslmode": s.get("sslmode")}
    root = s.get("sslrootcert")
    from dbdoctor.drivers import NO_ROOT

    changes["sslrootcert"] = None if root in (None, NO_ROOT) else root
    return conninfo.render(view.target, changes)


def parse_fields(
    text: str | None, environ: Mapping[str, str], env_files: Sequence[str], driver: str | None,
    project: str | None = None,
) -> tuple[dict[str, Any], tuple[Finding, ...]]:
    """For ``dbdoctor parse``: the additive effective fields and the DD50x findings (empty for libpq)."""
    prepared = prepare(text, environ, env_files, driver, project)
    if prepared is None or prepared.view is None:
        return {"driver": "libpq"}, ()
    return prepared.view.effective(), prepared.view.findings


def parse_report(
    text: str | None,
    *,
    environ: Mapping[str, str],
    env_files: Sequence[str] = (),
    driver: str | None = None,
    project: str | None = None,
) -> Any:
    """``dbdoctor parse`` with the app's driver: None when that driver is libpq reading a plain URL or keyword
    string (the contract's parse report is then libpq's own). Otherwise the parse report of the driver's
    reading: ``params`` as the driver sees them (secrets hidden), ``effective`` with the libpq-equivalent
    settings plus the driver fields, and the static findings with the DD50x ones."""
    from dbdoctor.postgres import conninfo
    from dbdoctor.postgres.conninfo import SECRET_KEYS
    from dbdoctor.postgres.lint import static_findings
    from dbdoctor.postgres.sources import effective
    from dbdoctor.report import ParseReport

    prepared = prepare(text, environ, env_files, driver, project)
    if prepared is None or prepared.view is None:
        return None
    from dbdoctor.drivers import NO_ROOT

    view = prepared.view
    params: dict[str, str] = dict(prepared.target.params) if view.driver == "libpq" else {}
    if view.driver != "libpq":
        for key, value in written_params(prepared.text) if prepared.text else []:
            params[key] = "****" if key in SECRET_KEYS else value
        for key in ("host", "port", "user", "dbname"):
            if key in prepared.target.params:
                params.setdefault(key, prepared.target.params[key])
    pattern = _piece_pattern(prepared.text)
    if pattern is not None:
        params = {str(_mask(k, pattern)): str(_mask(v, pattern)) for k, v in params.items()}
    eff = effective(view.target)
    eff.update(view.effective())
    if prepared.choice.unrecognised:
        eff["driver_unrecognised"] = list(prepared.choice.unrecognised)
    if eff.get("sslrootcert") in (None, NO_ROOT):
        eff.pop("sslrootcert", None)
    findings = [f for f in static_findings(view.target, prepared.static_text, environ) if NO_ROOT not in f.detail]
    provenance = {k: v for k, v in view.target.provenance.items()
                  if not (k == "sslrootcert" and view.target.settings.get(k) == NO_ROOT)}
    redacted_target = view.target
    if redacted_target.settings.get("sslrootcert") == NO_ROOT:
        redacted_target = redacted_target.with_settings(sslrootcert=None)
    return ParseReport(
        engine="postgresql",
        params=params,
        effective=eff,
        password="set" if view.target.has_password else "unset",
        provenance=provenance,
        redacted=conninfo.render_effective(redacted_target),
        findings=sort_findings([*findings, *view.findings]),
        driver=view.driver,
    )


def preflight_attempt(view: DriverView | None, attempt: Any) -> Any:
    """The preflight's one connection as the app's driver would end it: a refusal before connecting (then
    ``attempt`` is None: no connection is made, the app would not make one), or a forwarded setting the server
    refuses after authentication. ``attempt`` is a probe.observations.DriverObservation."""
    from dbdoctor.observations import DriverObservation

    if view is None:
        return attempt
    if view.error is not None:
        return DriverObservation(driver=view.driver, ok=False, message=view.error)
    if attempt is not None and attempt.ok and view.server_refuses is not None:
        return dataclasses.replace(attempt, ok=False, message=view.server_refuses[1])
    return attempt
