"""Reports of a matching run: JSON, readable text, and a self-contained HTML page.

The HTML has no external assets (inline CSS, no scripts, no web fonts) and escapes every value
taken from the input. Text and HTML list at most ``max_households`` explanations; the JSON
report holds all of them.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from .criteria import Catalogue
from .explain import Explanation, explanation_to_dict
from .model import Instance, Result

__all__ = ["REASONS", "build_report", "report_html", "report_text"]

REASONS: dict[str, str] = {
    "not_allowed": "not allowed",
    "not_offered": "not offered for matching (declined, forbidden, or beyond the best sites kept)",
    "lower_score": "scores no higher than the placement",
    "capacity": "no room left",
    "trade_off": "room left, but the mechanism placed the household elsewhere "
    "(persons first, minimum loads, linked households or a heuristic)",
    "no_allowed_site": "no allowed site",
}


def build_report(
    instance: Instance,
    result: Result,
    metrics: dict[str, Any],
    explanations: Sequence[Explanation],
    catalogue: Catalogue | None = None,
    *,
    language: str = "en",
) -> dict[str, Any]:
    """The whole run as one JSON-serialisable dict: metrics, criteria and explanations."""
    labels = {c.id: c.label(language) for c in catalogue.criteria} if catalogue else {}
    return {
        "run": {
            key: metrics.get(key)
            for key in (
                "mechanism",
                "status",
                "objective",
                "bound",
                "gap",
                "seconds",
                "solver",
                "solver_version",
                "seed",
                "input_hash",
                "passgenau_version",
                "catalogue_version",
            )
        },
        "instance": {
            "households": instance.n_households,
            "sites": instance.n_sites,
            "dimensions": list(instance.dimensions),
            "allowed_pairs": instance.n_pairs,
        },
        "criteria": [
            {"id": c.id, "kind": c.kind, "rule": c.rule, "label": c.label(language)}
            for c in (catalogue.criteria if catalogue else ())
        ],
        "metrics": metrics,
        "explanations": [explanation_to_dict(e, labels) for e in explanations],
        "notes": list(result.notes),
    }


def _num(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * float(value):.1f} %"


def _reason(alt: dict[str, Any]) -> str:
    text = str(REASONS.get(alt["reason"], alt["reason"]))
    if alt["hard_criteria"]:
        text += ": " + ", ".join(c["label"] for c in alt["hard_criteria"])
    if alt["binding"]:
        parts = []
        for b in alt["binding"]:
            price = "" if b["shadow_price"] is None else f", shadow price {b['shadow_price']:.3f}"
            parts.append(f"{b['dimension']} {b['load']}+{b['demand']} > {b['capacity']}{price}")
        text += ": " + "; ".join(parts)
    return text


def report_text(report: dict[str, Any], *, max_households: int = 200) -> str:
    """A readable plain-text report."""
    run, m = report["run"], report["metrics"]
    lines = [
        "passgenau matching report",
        "=========================",
        f"mechanism {run['mechanism']} ({run['solver']} {run['solver_version']}), "
        f"status {run['status']}, {_num(run['seconds'], 2)} s, seed {run['seed']}",
        f"objective {_num(run['objective'])}, bound {_num(run['bound'])}, "
        f"gap {_num(run['gap'], 5)}",
        f"input hash {run['input_hash']}, catalogue version {run['catalogue_version']}, "
        f"passgenau {run['passgenau_version']}",
        "",
        f"placed households: {m['placed_households']} of {m['households']} "
        f"({_pct(m['placed_household_share'])})",
        f"placed persons:    {m['placed_persons']} of {m['persons']} "
        f"({_pct(m['placed_person_share'])})",
        f"first choice: {_pct(m['first_share'])}, top three: {_pct(m['top3_share'])} "
        f"(preference by {m['preference_basis']})",
        f"blocking pairs: {_num(m['blocking_pairs'])}"
        + (f" ({m['blocking_pairs_note']})" if m.get("blocking_pairs_note") else ""),
        f"scores: mean {_num(m['scores']['mean'])}, median {_num(m['scores']['median'])}, "
        f"min {_num(m['scores']['min'])}, max {_num(m['scores']['max'])}",
        "",
        "By group:",
    ]
    for name, g in m["groups"].items():
        lines.append(
            f"  {name:<22} {g['placed']:>7} of {g['households']:<7} placed, "
            f"mean score {_num(g['scores']['mean'])}, first choice {_pct(g['first_share'])}"
        )
    lines += ["", "Spread of load against quotas (capacity shares):"]
    for dim, s in m["spread"].items():
        lines.append(
            f"  {dim:<14} max deviation {s['max_abs_deviation_pp']:.2f} pp, "
            f"mean {s['mean_abs_deviation_pp']:.2f} pp, utilisation "
            f"{s['utilisation_min']:.2f}–{s['utilisation_max']:.2f}"
        )
    explanations = report["explanations"]
    lines += ["", f"Placements ({min(len(explanations), max_households)} of {len(explanations)}):"]
    for e in explanations[:max_households]:
        if e["site_id"] is None:
            lines.append(
                f"- {e['household_id']}: not placed ({REASONS.get(e['unplaced_reason'], '')})"
            )
        else:
            lines.append(
                f"- {e['household_id']} → {e['site_name']} ({e['site_id']}), "
                f"score {_num(e['score'])}"
            )
            for c in e["contributions"]:
                lines.append(f"    + {c['contribution']:.3f} {c['label']}")
        for alt in e["alternatives"]:
            lines.append(
                f"    alternative {alt['site_name']} ({alt['site_id']}, score "
                f"{_num(alt['score'])}): {_reason(alt)}"
            )
    for note in report.get("notes", []):
        lines.append(f"note: {note}")
    return "\n".join(lines) + "\n"


_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#1a1a1a}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left}th{background:#f0f0f0}.num{text-align:right}.muted{color:#666}
details{margin:.25rem 0}summary{cursor:pointer}
"""


def report_html(report: dict[str, Any], *, max_households: int = 500) -> str:
    """A self-contained HTML report (inline CSS only; every value escaped)."""

    def e(value: Any) -> str:
        return html.escape(str(value), quote=True)

    run, m = report["run"], report["metrics"]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>passgenau matching report</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>passgenau matching report</h1>",
        "<table>",
    ]
    facts = [
        ("Mechanism", f"{run['mechanism']} ({run['solver']} {run['solver_version']})"),
        ("Status", run["status"]),
        (
            "Objective / bound / gap",
            f"{_num(run['objective'])} / {_num(run['bound'])} / {_num(run['gap'], 5)}",
        ),
        ("Seconds", _num(run["seconds"], 2)),
        ("Seed", run["seed"]),
        ("Input hash", run["input_hash"]),
        ("Catalogue version", run["catalogue_version"]),
        ("passgenau", run["passgenau_version"]),
        (
            "Placed households",
            f"{m['placed_households']} of {m['households']} ({_pct(m['placed_household_share'])})",
        ),
        (
            "Placed persons",
            f"{m['placed_persons']} of {m['persons']} ({_pct(m['placed_person_share'])})",
        ),
        ("First choice / top three", f"{_pct(m['first_share'])} / {_pct(m['top3_share'])}"),
        ("Blocking pairs", _num(m["blocking_pairs"])),
        ("Mean score", _num(m["scores"]["mean"])),
    ]
    out += [f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts]
    out.append(
        "</table><h2>By group</h2><table><tr><th>Group</th><th>Households</th>"
        "<th>Placed</th><th>Mean score</th><th>First choice</th></tr>"
    )
    for name, g in m["groups"].items():
        out.append(
            f"<tr><td>{e(name)}</td><td class=num>{e(g['households'])}</td>"
            f"<td class=num>{e(g['placed'])}</td><td class=num>{e(_num(g['scores']['mean']))}"
            f"</td><td class=num>{e(_pct(g['first_share']))}</td></tr>"
        )
    out.append("</table><h2>Load per site</h2><table><tr><th>Site</th>")
    dims = report["instance"]["dimensions"]
    out += [f"<th>{e(d)}</th>" for d in dims]
    out.append("</tr>")
    for site in m["load"]:
        cells = "".join(
            f"<td class=num>{e(site['load'][d])} / {e(site['capacity'][d])}</td>" for d in dims
        )
        out.append(f"<tr><td>{e(site['site_name'])} ({e(site['site_id'])})</td>{cells}</tr>")
    out.append("</table>")
    explanations = report["explanations"]
    out.append(
        f"<h2>Placements</h2><p class=muted>{min(len(explanations), max_households)} of "
        f"{len(explanations)} shown; all are in explanations.json.</p>"
    )
    for x in explanations[:max_households]:
        if x["site_id"] is None:
            head = f"{x['household_id']}: not placed ({REASONS.get(x['unplaced_reason'], '')})"
        else:
            head = (
                f"{x['household_id']} → {x['site_name']} ({x['site_id']}), score {_num(x['score'])}"
            )
        out.append(f"<details><summary>{e(head)}</summary><ul>")
        for c in x["contributions"]:
            out.append(f"<li>+{e(_num(c['contribution']))} {e(c['label'])}</li>")
        for alt in x["alternatives"]:
            out.append(
                f"<li>alternative {e(alt['site_name'])} ({e(alt['site_id'])}, score "
                f"{e(_num(alt['score']))}): {e(_reason(alt))}</li>"
            )
        out.append("</ul></details>")
    for note in report.get("notes", []):
        out.append(f"<p class=muted>{e(note)}</p>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
