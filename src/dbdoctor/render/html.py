"""The support report: one self-contained HTML page a user can send to a hosting platform's support.

``render_html(report)`` formats a :class:`dbdoctor.report.Report` and nothing else: the report is already
redacted (passwords are ``****`` everywhere in it), and every piece of text is HTML-escaped here, so a server
message, a host name or a certificate subject cannot become markup. The page loads nothing: inline CSS, no
scripts, no images, no links to fetch, and a Content-Security-Policy of ``default-src 'none'`` that tells the
browser so.

Sections: verdict, cause and fix, the exact error messages, the corrected connection string, the effective
settings with where each came from, what every sslmode would do, the certificate chain, other findings, the
probe's evidence, the environment (dbdoctor, Python, psycopg and libpq, OpenSSL, the CA bundle) and timings.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import ssl
import sys
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from dbdoctor.tls import ChainAnalysis

from dbdoctor.report import Finding, Report

#: a start-up evidence line that carries the server's ErrorResponse (SQLSTATE and message)
_SERVER_ERROR: Final = re.compile(r"^start-up [^:]+: [0-9A-Z]{5} ")

MODE_ORDER: Final = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")

_CSS: Final = """
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 60rem; padding: 0 1rem; color: #1d232a; background: #fff; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #d5dbe1; padding-bottom: .25rem; }
.sub { color: #5b6670; margin-top: 0; }
.verdict { display: inline-block; padding: .3rem .8rem; border-radius: .3rem; font-weight: 700;
           letter-spacing: .05em; }
.verdict.ok { background: #dff5e3; color: #14532d; }
.verdict.fail { background: #fde2e1; color: #7f1d1d; }
.box { border: 1px solid #d5dbe1; border-radius: .4rem; padding: .75rem 1rem; margin: .75rem 0; }
.box.cause { border-left: .35rem solid #b91c1c; }
.box.fix { border-left: .35rem solid #15803d; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; }
pre { white-space: pre-wrap; word-break: break-all; background: #f5f7f9; padding: .6rem .8rem;
      border-radius: .3rem; margin: .4rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .3rem .6rem; border-bottom: 1px solid #e6eaee; }
th { background: #f5f7f9; font-weight: 600; }
td.mono { word-break: break-all; }
td.ok { color: #15803d; font-weight: 600; } td.fail { color: #b91c1c; font-weight: 600; }
td.unknown { color: #a16207; font-weight: 600; }
tr.yours td { background: #fff8db; }
.sev-error { color: #b91c1c; font-weight: 700; } .sev-warning { color: #a16207; font-weight: 700; }
.sev-info { color: #1d4ed8; font-weight: 700; }
footer { margin-top: 2.5rem; color: #5b6670; font-size: .85rem; }
"""


def _e(value: object) -> str:
    from dbdoctor._untrusted import printable

    return escape(printable("" if value is None else str(value)), quote=True)


def environment_info(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The versions and paths support asks for first. Reads nothing secret and contacts nothing."""
    env = os.environ if environ is None else environ
    from dbdoctor.version import __version__

    info: dict[str, str] = {
        "dbdoctor": __version__,
        "Python": f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        "platform": platform.platform(),
        "OpenSSL (Python's ssl module)": ssl.OPENSSL_VERSION,
    }
    try:
        import psycopg

        info["psycopg"] = f"{psycopg.__version__} ({psycopg.pq.__impl__} implementation)"
        v = psycopg.pq.version()  # PQlibVersion: 180000 is 18.0
        info["libpq"] = f"{v // 10000}.{v % 10000}"
    except Exception as exc:  # an environment without a working psycopg is worth reporting, not failing on
        info["psycopg"] = f"not usable ({type(exc).__name__})"
    paths = ssl.get_default_verify_paths()
    cafile = env.get(paths.openssl_cafile_env) or paths.openssl_cafile
    capath = env.get(paths.openssl_capath_env) or paths.openssl_capath
    info["CA bundle file"] = f"{cafile} ({'present' if cafile and Path(cafile).is_file() else 'missing'})" + (
        f", from {paths.openssl_cafile_env}" if env.get(paths.openssl_cafile_env) else "")
    info["CA directory"] = f"{capath} ({'present' if capath and Path(capath).is_dir() else 'missing'})" + (
        f", from {paths.openssl_capath_env}" if env.get(paths.openssl_capath_env) else "")
    return info


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], row_classes: Sequence[str] = ()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cls = f' class="{_e(row_classes[i])}"' if i < len(row_classes) and row_classes[i] else ""
        body.append(f"<tr{cls}>" + "".join(row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _td(value: object, cls: str = "") -> str:
    c = f' class="{_e(cls)}"' if cls else ""
    return f"<td{c}>{_e(value)}</td>"


def _finding(f: Finding) -> str:
    return (
        f'<div class="box"><div><span class="sev-{_e(f.severity)}">{_e(f.severity.upper())}</span> '
        f"<strong>{_e(f.code)}</strong> {_e(f.title)} <span class=\"mono\">[{_e(f.cause)}]</span></div>"
        f"<p>{_e(f.detail)}</p><p><strong>Fix:</strong> {_e(f.fix)}</p>"
        f'<p class="sub">Rule documentation: <span class="mono">{_e(f.docs)}</span></p></div>'
    )


def _chain_section(analysis: ChainAnalysis | None) -> str:
    if analysis is None:
        return "<p>No TLS handshake completed, so no certificate was seen.</p>"
    parts = []
    rows = []
    for i, c in enumerate(analysis.chain):
        names = ", ".join([*c.dns_names, *c.ip_addresses]) or "(none)"
        rows.append([
            _td("leaf" if i == 0 else f"#{i}"),
            _td(c.subject, "mono"),
            _td(c.issuer, "mono"),
            _td(names, "mono"),
            _td(f"{c.not_before:%Y-%m-%d} to {c.not_after:%Y-%m-%d}"),
            _td(c.key_type),
            _td(c.fingerprint_sha256, "mono"),
        ])
    parts.append("<p>As the server sent it, leaf first.</p>")
    parts.append(_table(["", "subject", "issuer", "names (SAN)", "valid", "key", "SHA-256 fingerprint"], rows))
    verdict = "trusted" if analysis.trusted else "not trusted"
    ca = analysis.ca_path or analysis.ca_source
    parts.append(f"<p>Verification against <span class=\"mono\">{_e(ca)}</span>: <strong>{_e(verdict)}</strong>")
    if analysis.problem_detail:
        parts.append(f" ({_e(str(analysis.problem_detail).rstrip('.'))})")
    parts.append(".</p>")
    if analysis.path:
        parts.append("<p>Chain as built: <span class=\"mono\">" + " &rarr; ".join(_e(p) for p in analysis.path)
                     + "</span></p>")
    if analysis.name_checked:
        matched = f"matches ({analysis.matched_by})" if analysis.name_matched else "does not match"
        parts.append(f"<p>Host name <span class=\"mono\">{_e(analysis.name_checked)}</span> {_e(matched)} the "
                     "certificate's names.</p>")
    return "".join(parts)


def render_html(report: Report, *, environment: Mapping[str, str] | None = None,
                generated: dt.datetime | None = None) -> str:
    """The whole page, as a string. ``environment`` defaults to :func:`environment_info`."""
    env_info = environment_info() if environment is None else environment
    when = (generated or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M:%S UTC")
    verdict = report.verdict
    target = report.target or "(settings from the environment)"
    root = next((f for f in report.findings if f.cause == report.cause and f.severity == "error"), None)
    out: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>dbdoctor report: {_e(verdict.upper())} {_e(report.cause or '')}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>dbdoctor support report</h1>",
        f'<p class="sub">Generated {_e(when)}. Passwords are never included: they show as ****.</p>',
        '<section id="verdict"><h2>Verdict</h2>',
        f'<p><span class="verdict {_e(verdict)}" id="verdict-value">{_e(verdict.upper())}</span> '
        f'<span class="mono" id="target">{_e(target)}</span></p>',
    ]
    if verdict == "fail":
        if root is not None:
            out.append(
                f'<div class="box cause" id="cause"><strong>Cause:</strong> {_e(root.title)} '
                f'(<span class="mono">{_e(report.cause)}</span>, {_e(root.code)})<p>{_e(root.detail)}</p></div>'
                f'<div class="box fix" id="fix"><strong>Fix:</strong> <p>{_e(root.fix)}</p></div>'
            )
        else:
            out.append(f'<div class="box cause" id="cause"><strong>Cause:</strong> '
                       f'<span class="mono">{_e(report.cause)}</span></div>')
    else:
        out.append('<p id="cause">The connection works with these settings.</p>')
    if report.corrected:
        out.append('<p><strong>Corrected connection string</strong> (password shown as ****):</p>'
                   f'<pre id="corrected">{_e(report.corrected)}</pre>')
    out.append("</section>")

    out.append('<section id="errors"><h2>Error messages</h2>')
    messages = []
    if report.driver_error:
        messages.append(("the driver (libpq), with exactly these settings", report.driver_error))
    for ev in report.evidence:
        text = ev.get("text", "")
        if ev.get("layer") == "startup" and _SERVER_ERROR.match(text):
            messages.append(("the server, to the probe's start-up packet", text))
        elif ev.get("layer") == "tls" and "failed" in text:
            messages.append(("the TLS handshake", text))
    if messages:
        for who, text in messages:
            out.append(f"<p>From {_e(who)}:</p><pre>{_e(text)}</pre>")
    else:
        out.append("<p>None: nothing failed.</p>" if verdict == "ok" else "<p>No error message was recorded.</p>")
    out.append("</section>")

    eff = dict(report.effective)
    prov = eff.pop("provenance", {}) or {}
    out.append('<section id="settings"><h2>Effective settings</h2><p>What the driver uses, and where each value '
               "came from.</p>")
    rows = [[_td(k, "mono"), _td(v, "mono"), _td(prov.get(k, ""), "mono")] for k, v in eff.items()
            if v is not None]
    out.append(_table(["setting", "value", "from"], rows))
    out.append("</section>")

    if report.modes:
        mysql = report.engine == "mysql"
        word = "ssl-mode" if mysql else "sslmode"
        user_mode = str(report.effective.get("ssl_mode" if mysql else "sslmode") or ("PREFERRED" if mysql else "prefer"))
        out.append(f'<section id="modes"><h2>What each {word} would do</h2><p>Everything else as you have it.</p>')
        rows, classes = [], []
        for mode in [m for m in MODE_ORDER if m in report.modes] + [m for m in report.modes if m not in MODE_ORDER]:
            m = report.modes[mode]
            rows.append([_td(mode + ("  (yours)" if mode == user_mode else ""), "mono"), _td(m.outcome, m.outcome),
                         _td(m.cause or "", "mono")])
            classes.append("yours" if mode == user_mode else "")
        out.append(_table([word, "outcome", "cause"], rows, classes))
        out.append("</section>")

    out.append('<section id="certificates"><h2>Certificate chain</h2>')
    out.append(_chain_section(report.chain_analysis))
    out.append("</section>")

    others = [f for f in report.findings if f is not root]
    out.append('<section id="findings"><h2>Findings</h2>')
    out.append("".join(_finding(f) for f in others) if others else "<p>No other findings.</p>")
    out.append("</section>")

    if report.evidence:
        out.append('<section id="evidence"><h2>What the probe saw</h2>')
        out.append(_table(["layer", "observation"], [[_td(e.get("layer"), "mono"), _td(e.get("text"))]
                                                     for e in report.evidence]))
        out.append("</section>")

    out.append('<section id="environment"><h2>Environment</h2>')
    out.append(_table(["", ""], [[_td(k), _td(v, "mono")] for k, v in env_info.items()]))
    out.append("</section>")

    out.append('<section id="timings"><h2>Timings</h2>')
    out.append(_table(["step", "milliseconds"], [[_td(k, "mono"), _td(f"{v:.1f}")]
                                                 for k, v in report.timings_ms.items()]))
    out.append("</section>")
    out.append("<footer>Produced by dbdoctor. The report contains host names, user names and certificate "
               "details, but no password.</footer></body></html>")
    return "\n".join(out) + "\n"


def write_report(report: Report, path: str | Path) -> Path:
    """Write the page to ``path`` (created with mode 0600: it names hosts and users). Raises OSError."""
    p = Path(path)
    data = render_html(report).encode("utf-8")
    fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return p
