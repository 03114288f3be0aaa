"""The dashboard's panels for the owner's next questions (footfall.report.insights, footfall.report.compare):
goals and conversion rates, funnels drawn as SVG, event properties, exit pages, the earlier
period beside the current one, and the forms that add and remove goals and funnels.

footfall.dashboard.render places them; this module writes them with the same classes and the same
escaping (every goal name, path and property value goes through `escape`: they may come
from visitors). The forms post to {prefix}/goals (handlers/goals.py) and work without
JavaScript, like the rest of the dashboard.
"""

from footfall.dashboard.markup import duration, escape, number, percent, section, table

# Top-line labels (footfall.dashboard.render) -> the compared metric (footfall.report.compare).
_METRICS = {
    "daily unique visitors": "visitors",
    "page views": "pageviews",
    "visits": "visits",
    "bounce rate": "bounce_rate",
    "median time on page": "median_seconds",
    "visit duration": "visit_duration",
    "tracking coverage": "coverage",
}
_RATES = ("bounce_rate", "coverage")


def change(report: dict, label: str) -> str:
    """A top-line number's change against the earlier period, as a line under it."""
    compared = report.get("compare")
    metric = _METRICS.get(label)
    if not compared or metric is None:
        return ""
    delta = compared["change"].get(metric)
    before = compared["totals"].get(metric)
    shown = (
        percent(before, 1)
        if metric in _RATES
        else duration(before)
        if "seconds" in metric or "duration" in metric
        else number(before)
    )
    if delta is None:  # nothing to compare with (none before, or no number now)
        text = "– against " + shown
    else:
        unit = " pts" if metric in _RATES else " %"
        text = f"{'▲' if delta > 0 else '▼' if delta < 0 else '='} {abs(delta):g}{unit}"
    title = f"{compared['from']} – {compared['to']}: {shown}"
    return f'<br><span class="change" title="{escape(title)}">{escape(text)}</span>'


def funnel_chart(funnel: dict, width: int = 720) -> str:
    """One bar per step, as wide as its share of step 1's visitors, with the drop-off."""
    rows = len(funnel["steps"])
    bar_h, gap, label_w = 26, 10, 220
    height = rows * (bar_h + gap) + gap
    first = funnel["steps"][0]["visitors"] if funnel["steps"] else 0
    parts = []
    for i, step in enumerate(funnel["steps"]):
        y = gap + i * (bar_h + gap)
        share = step["visitors"] / first if first else 0
        w = (width - label_w - 120) * share
        parts.append(
            f'<text x="0" y="{y + 17}">{escape((str(i + 1) + ". " + step["goal"])[:40])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" fill="currentColor" opacity="0.55">'
            f"<title>{escape(step['goal'])}: {step['visitors']} visitors</title></rect>"
            f'<text x="{label_w + w + 6:.1f}" y="{y + 17}">{step["visitors"]:,} ({share * 100:.0f} %)'
            + (f", −{step['dropoff']:,}" if i and step["dropoff"] else "")
            + "</text>"
        )
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape("funnel " + funnel["name"])}">{"".join(parts)}</svg>'
    )


def _remove(prefix: str, site: str, kind: str, name: str) -> str:
    return (
        f'<form method="post" action="{escape(prefix)}/goals"><input type="hidden" name="action" value="remove-{kind}">'
        f'<input type="hidden" name="site" value="{escape(site)}">'
        f'<input type="hidden" name="name" value="{escape(name)}">'
        f'<button aria-label="remove {escape(name)}">✕</button></form>'
    )


def sections(report: dict, *, prefix: str, owner: bool) -> list[str]:
    """The panels, in the order the dashboard shows them."""
    site = report["site"]
    out = []
    note = ""
    late = [g for g in report["goals"] if g["from_day"] and g["from_day"] > report["from"]]
    if late:
        note = (
            '<p class="muted">'
            + escape("; ".join(f"{g['name']} is counted from {g['from_day']}" for g in late))
            + ".</p>"
        )
    out.append(
        section(
            "Goals",
            table(
                ["Goal", "Visitors", "Conversions", "Conversion rate"] + (["Remove"] if owner else []),
                [
                    [
                        escape(g["name"]),
                        number(g["visitors"]),
                        number(g["conversions"]),
                        percent(g["conversion_rate"], 1),
                    ]
                    + ([_remove(prefix, site, "goal", g["name"]) if not g["variable"] else "GOALS"] if owner else [])
                    for g in report["goals"]
                ],
            )
            + note,
        )
    )
    for funnel in report["funnels"]:
        steps = table(
            ["Step", "Visitors", "Drop-off", "Of step 1"],
            [
                [escape(s["goal"]), number(s["visitors"]), number(s["dropoff"]), percent(s["conversion_rate"], 1)]
                for s in funnel["steps"]
            ],
        )
        remove = _remove(prefix, site, "funnel", funnel["name"]) if owner else ""
        out.append(
            section(
                f"Funnel: {funnel['name']}",
                funnel_chart(funnel)
                + f"<p>Overall conversion: <b>{percent(funnel['conversion_rate'], 1)}</b></p>"
                + steps
                + remove,
                wide=True,
            )
        )
    out.append(
        section(
            "Event properties",
            table(
                ["Event", "Property", "Value", "Events", "Visitors"],
                [
                    [
                        escape(p["name"] or p["type"]),
                        escape(p["key"]),
                        escape(p["value"]),
                        number(p["count"]),
                        number(p["visitors"]),
                    ]
                    for p in report["props"]
                ],
                numeric_from=3,
            ),
        )
    )
    if owner:
        out.append(_manage(report, prefix))
    return out


def _manage(report: dict, prefix: str) -> str:
    site = escape(report["site"])
    names = "".join(f"<option>{escape(g['name'])}</option>" for g in report["goals"])
    return section(
        "Add a goal or a funnel",
        f'<form method="post" action="{escape(prefix)}/goals"><input type="hidden" name="action" value="add-goal">'
        f'<input type="hidden" name="site" value="{site}">'
        "<label>Goal: a page path (* matches anything) or a custom event name "
        '<input name="goal" placeholder="/thanks/ or signup" required maxlength="512"></label> '
        '<label>Name (optional) <input name="name" maxlength="120"></label> <button>Add goal</button></form>'
        f'<form method="post" action="{escape(prefix)}/goals"><input type="hidden" name="action" value="add-funnel">'
        f'<input type="hidden" name="site" value="{site}">'
        '<label>Funnel name <input name="name" required maxlength="120"></label> '
        '<label>Steps: 2 to 8 goal names, one per line <textarea name="steps" rows="3" required></textarea></label>'
        f"<datalist>{names}</datalist> <button>Add funnel</button></form>",
        wide=True,
    )
