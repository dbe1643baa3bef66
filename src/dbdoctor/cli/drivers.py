"""``dbdoctor drivers``: the drivers dbdoctor knows, the versions the knowledge covers, and for one driver
its whole reading of a connection string (parameters, mode table, messages, facts and their sources)."""

from __future__ import annotations

from typing import Any

import click

from dbdoctor.cli import EXIT_OK


def _summary(d: Any, engine: str = "postgresql") -> dict[str, Any]:
    default = d.rows[-1]
    return {
        "name": d.name,
        "engine": engine,
        "title": d.title,
        "language": d.language,
        "versions": d.versions,
        "default_version": d.default_version,
        "tested_here": d.runs_here,
        "default": {"sslmode": default.sslmode, "meaning": default.meaning},
        "aliases": list(d.aliases),
    }


def _detail(d: Any, engine: str = "postgresql") -> dict[str, Any]:
    out = _summary(d, engine)
    out["params"] = {k: {"verdict": p.verdict, "libpq": p.libpq, "note": p.note, "source": p.source.where}
                     for k, p in d.params.items()}
    out["unknown_params"] = d.unknown
    out["modes"] = [
        {"when": {k: sorted(v) if isinstance(v, frozenset) else v for k, v in r.when.items()},
         "libpq_sslmode": r.sslmode, "root": r.root, "error": r.error, "meaning": r.meaning,
         "versions": list(r.versions) if r.versions else None, "source": r.source.where,
         "status": r.source.status}
        for r in d.rows
    ]
    out["environment"] = dict(d.env)
    out["messages"] = dict(d.messages)
    out["facts"] = [{"fact": text, "source": src.where, "status": src.status} for text, src in d.facts]
    return out


@click.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout, nothing else.")
def drivers(name: str | None, as_json: bool) -> int:
    """List the drivers dbdoctor knows, or show what one does with a connection string.

    \b
    Use a name with --driver on check and parse (NAME or NAME==VERSION).
    Examples:
      dbdoctor drivers
      dbdoctor drivers node-postgres
      dbdoctor check --driver node-postgres "$DATABASE_URL"
    """
    from dbdoctor import drivers as knowledge

    if name is not None:
        engine, found = knowledge.get_any(name)
        data: Any = _detail(found, engine)
    else:
        data = [_summary(d, engine) for engine, d in knowledge.all_engines()]
    if as_json:
        from dbdoctor.render.json import emit

        emit({"schema": "dbdoctor.drivers/1", "drivers": data if name is None else [data]})
        return EXIT_OK
    if name is None:
        for s in data:
            tested = "tested against the real driver" if s["tested_here"] else "from its source and docs"
            click.echo(f"{s['name']:<22} {s['engine']:<10} {s['versions']:<45} {tested}")
            click.echo(f"{'':<22} nothing set: {s['default']['sslmode']} ({s['default']['meaning']})")
        return EXIT_OK
    d = data
    click.echo(f"{d['title']}  ({d['engine']}; {d['language']}; covers {d['versions']})")
    terms = "libpq's terms" if d["engine"] == "postgresql" else "the MySQL client's ssl-mode names"
    click.echo("\nParameters:")
    for key, p in d["params"].items():
        libpq = f" -> {p['libpq']}" if p["libpq"] and p["libpq"] != key else ""
        click.echo(f"  {key:<26} {p['verdict']}{libpq}" + (f": {p['note']}" if p["note"] else ""))
    click.echo(f"  {'(any other)':<26} {d['unknown_params']}")
    click.echo(f"\nWhat the settings mean, in {terms} (first match wins):")
    for r in d["modes"]:
        when = " ".join(f"{k}={'|'.join(v) if isinstance(v, list) else v}" for k, v in r["when"].items()) or "(else)"
        what = f"refused: {r['error']}" if r["error"] else f"{'sslmode' if d['engine'] == 'postgresql' else 'ssl-mode'}="
        what += "" if r["error"] else f"{r['libpq_sslmode']}, root: {r['root']}"
        vers = f" [versions {r['versions'][0] or ''}..{r['versions'][1] or ''}]" if r["versions"] else ""
        click.echo(f"  {when}{vers}\n      {what}\n      {r['meaning']}  ({r['source']}, {r['status']})")
    if d["messages"]:
        click.echo("\nIts messages:")
        for cause, text in d["messages"].items():
            click.echo(f"  {cause:<24} {text}")
    if d["facts"]:
        click.echo("\nFacts:")
        for f in d["facts"]:
            click.echo(f"  - {f['fact']}  ({f['source']}, {f['status']})")
    return EXIT_OK
