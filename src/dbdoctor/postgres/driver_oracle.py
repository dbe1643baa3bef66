"""The driver's verdict from what the probes saw: the mode matrix run with the driver's libpq-equivalent
settings. Pure (the chain analysis is CPU only); the pipeline and the differential tests share it.

For a driver whose prefer falls back to plain text only when the server answers ``N`` (pg8000, sqlx,
tokio-postgres), each address is judged with ``disable`` when it answered N and with the row's TLS mode
otherwise: libpq has no mode that does exactly that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dbdoctor.drivers import DriverView
from dbdoctor.observations import Observations
from dbdoctor.postgres.modes import AddressFacts, AuthKnowledge, RootFile, predict_address, predict_mode
from dbdoctor.report import ModeResult


def address_facts_for(view: DriverView, obs: Observations, environ: Mapping[str, str]) -> tuple[
        list[AddressFacts], RootFile]:
    """AddressFacts judged against the root certificate the driver's equivalent settings use."""
    from dbdoctor.postgres.facts import address_facts, root_file
    from dbdoctor.postgres.facts import tls_facts as judge_tls

    root, root_path = root_file(view.target, environ)
    out = []
    for host in obs.hosts:
        tls_facts, _analysis = judge_tls(host, root, root_path)
        out.append(address_facts(host, tls_facts))
    return out, root


def predict(view: DriverView, addresses: Sequence[AddressFacts], root: RootFile, auth: AuthKnowledge) -> ModeResult:
    """What the driver will get with these settings."""
    if view.error is not None or view.sslmode is None:
        return ModeResult("fail", view.error_cause or "param_invalid")
    if view.fallback == "on_refusal" and view.sslmode == "prefer":
        tls_mode = view.tls_mode or "require"
        results = [predict_address("disable" if a.ssl_answer == "N" else tls_mode, a, root, auth)
                   for a in addresses]
        result = next((r for r in results if r.outcome == "ok"), None) or (
            next((r for r in results if r.outcome == "unknown"), None) or (results[0] if results else
                                                                            ModeResult("unknown", "probe_incomplete")))
    else:
        result = predict_mode(view.sslmode, addresses, root, auth)
    if result.outcome == "ok" and view.server_refuses is not None:
        return ModeResult("fail", "param_unknown")
    return result
