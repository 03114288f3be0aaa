"""The dashboard's main graph: the top-line metric the owner clicked, over the range at its grain
(footfall.report.series: hours for a day or two, days, weeks, months), with the earlier period's line
beside it (dashed) when the report compares (footfall.report.compare).

The SVG holds only shapes and their <title>s; its labels (the axis ends, the maximum) are
HTML around it, so they keep the page's font size at any width (an SVG's text shrinks with its
viewBox: 11 px at 720 wide was 6 px on a phone). A table of the same numbers sits in a
<details> under it, for screen readers and for anyone who wants the figures.
"""

from urllib.parse import urlencode

from footfall.dashboard.markup import escape
from footfall.report import series

# Query value -> (the series' key, the name on the page, how a value is written).
METRICS = {
    "visitors": ("visitors", "Daily unique visitors", "num"),
    "pageviews": ("pageviews", "Page views", "num"),
    "visits": ("visits", "Visits", "num"),
    "bounce_rate": ("bounce_rate", "Bounce rate", "pct"),
    "time_on_page": ("median_seconds", "Median time on page", "secs"),
}
DEFAULT_METRIC = "visitors"
GRAIN_NAMES = {"hour": "hour", "day": "day", "week": "week", "month": "month"}
WIDTH, HEIGHT, PAD = 720, 200, 8

STYLE = """
.graph-head{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:baseline;justify-content:space-between}
.graph-head h2{margin:0}.plot{position:relative}.ymax{font-size:.8rem;color:var(--muted)}
.axis{display:flex;justify-content:space-between;font-size:.8rem;color:var(--muted);gap:.5rem}
.chart .prev{fill:none;stroke:var(--muted);stroke-width:2;stroke-dasharray:5 5}
.legend{font-size:.8rem;color:var(--muted);margin:.3rem 0 0}
"""


def value_text(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "pct":
        return f"{value * 100:.0f} %"
    if kind == "secs":
        return f"{value // 60}m {value % 60:02d}s" if value >= 60 else f"{value}s"
    return f"{value:,}"


def time_text(time: str, grain: str, many_days: bool = True) -> str:
    """A point's name: '14:00' (one day) or '2026-11-21 14:00', a day, 'week of ...', a month."""
    if grain == "hour":
        return time[11:16] if not many_days else f"{time[:10]} {time[11:16]}"
    if grain == "week":
        return f"week of {time}"
    if grain == "month":
        return time[:7]
    return time


def chosen_metric(params: dict) -> str:
    metric = params.get("metric")
    return metric if metric in METRICS else DEFAULT_METRIC


def _line(values: list, top: float, count: int) -> str:
    step = (WIDTH - 2 * PAD) / max(count - 1, 1)
    return " ".join(
        f"{PAD + i * step:.1f},{HEIGHT - PAD - (HEIGHT - 2 * PAD) * (v or 0) / top:.1f}" for i, v in enumerate(values)
    )


def section(report: dict, params: dict, base: str) -> str:
    """The graph's section: its title, the grains to switch to, the chart, its table."""
    graph = report["graph"]
    grain, points = graph["grain"], graph["points"]
    metric = chosen_metric(params)
    key, name, kind = METRICS[metric]
    many_days = report["from"] != report["to"]
    title = f"{name} by {GRAIN_NAMES[grain]}"
    values = [p[key] for p in points]
    previous = ((report.get("compare") or {}).get("graph") or {}).get("points") or []
    then = [p[key] for p in previous][: len(values)]
    if not any(then):  # nothing in the earlier period: no flat line along the bottom
        then = []
    top = max([v for v in values + then if v is not None] + [0]) or 1
    label = f"{name} by {grain}, {report['from']} to {report['to']}"
    if points:
        area = f"{PAD},{HEIGHT - PAD} {_line(values, top, len(values))} {WIDTH - PAD},{HEIGHT - PAD}"
        dots = "".join(
            f'<circle cx="{PAD + i * (WIDTH - 2 * PAD) / max(len(values) - 1, 1):.1f}" '
            f'cy="{HEIGHT - PAD - (HEIGHT - 2 * PAD) * (v or 0) / top:.1f}" r="3">'
            f"<title>{escape(time_text(p['time'], grain, many_days))}: {escape(value_text(v, kind))}</title></circle>"
            for i, (p, v) in enumerate(zip(points, values, strict=True))
        )
        prev = f'<polyline class="prev" points="{_line(then, top, len(values))}"/>' if then else ""
        chart = (
            f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">'
            f'<polygon class="area" points="{area}"/>{prev}'
            f'<polyline class="line" points="{_line(values, top, len(values))}"/>{dots}</svg>'
        )
        ends = [points[0], points[len(points) // 2], points[-1]] if len(points) > 2 else points
        axis = "".join(f"<span>{escape(time_text(p['time'], grain, many_days))}</span>" for p in ends)
        peak = value_text(top if any(values + then) else 0, kind)
        plot = (
            f'<div class="ymax">max {escape(peak)}</div><div class="plot">{chart}</div><div class="axis">{axis}</div>'
        )
    else:
        plot = '<p class="muted">No data for this range.</p>'
    legend = ""
    if then:
        compared = report["compare"]
        legend = (
            f'<p class="legend">Solid: {escape(report["from"])} – {escape(report["to"])}; '
            f"dashed: {escape(compared['from'])} – {escape(compared['to'])}.</p>"
        )
    grains = _grain_links(report, params, base, grain)
    rows = "".join(
        f"<tr><td>{escape(time_text(p['time'], grain, many_days))}</td><td class=n>{escape(value_text(v, kind))}</td>"
        + (f"<td class=n>{escape(value_text(then[i], kind))}</td>" if then else "")
        + "</tr>"
        for i, (p, v) in enumerate(zip(points, values, strict=True))
    )
    head = f'<th scope="col" class="n">{escape(name)}</th>' + (
        '<th scope="col" class="n">Earlier period</th>' if then else ""
    )
    table = (
        f'<details><summary>The numbers</summary><table><thead><tr><th scope="col">Time</th>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></details>"
        if points
        else ""
    )
    return (
        f'<section class="wide" aria-labelledby="graph-title"><div class="graph-head">'
        f'<h2 id="graph-title">{escape(title)}</h2>{grains}</div>{plot}{legend}{table}</section>'
    )


def _grain_links(report: dict, params: dict, base: str, grain: str) -> str:
    choices = series.grains_for(report["from"], report["to"])
    if len(choices) < 2:
        return ""
    links = "".join(
        f'<a href="{escape(base)}?{escape(urlencode({**params, "interval": g}))}"'
        + (' aria-current="true" class="on"' if g == grain else "")
        + f">{escape(GRAIN_NAMES[g].capitalize())}</a>"
        for g in choices
    )
    return f'<nav class="tabs" aria-label="Graph by">{links}</nav>'
