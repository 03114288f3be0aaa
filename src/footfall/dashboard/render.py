"""The dashboard page, server-rendered from a stats report (footfall.report.stats.assemble).

Everything a visitor could have chosen (paths, referrers, link texts and targets, UTM values,
event names) goes through `escape` before it reaches the page; the page also carries a strict
Content-Security-Policy (no inline script or style without this response's nonce).
"""

from urllib.parse import urlencode

from footfall import dimensions
from footfall.dashboard import graph, lists, panels
from footfall.dashboard.markup import duration, escape, number, percent, section, table
from footfall.database import storage

# Panels and filters come from the dimension registry (footfall.dimensions).
DIMENSION_PANELS = tuple(d for d in dimensions.REGISTRY if d.rolled_up)
RANGES = (("today", "Today"), ("yesterday", "Yesterday"), ("7d", "7 days"), ("30d", "30 days"), ("12mo", "12 months"))
# Top-line numbers the main graph can plot (footfall.dashboard.graph), by their label.
GRAPHED = {
    "daily unique visitors": "visitors",
    "page views": "pageviews",
    "visits": "visits",
    "bounce rate": "bounce_rate",
    "median time on page": "time_on_page",
}

STYLE = """
:root{color-scheme:light dark;--bg:#fafafa;--fg:#1d1d1f;--muted:#5f5f66;--card:#fff;--line:#1f5fc4;--area:#1f5fc422;--border:#e3e3e6}
@media (prefers-color-scheme:dark){:root{--bg:#131316;--fg:#ececf0;--muted:#9a9aa3;--card:#1c1c21;--line:#6aa2ff;--area:#6aa2ff22;--border:#2c2c33}}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,sans-serif;background:var(--bg);color:var(--fg)}
header{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;padding:1rem 1.25rem;border-bottom:1px solid var(--border)}
header h1{font-size:1.1rem;margin:0 1rem 0 0}header form{display:inline}
a{color:var(--line)}nav a{margin-right:.6rem}nav a.on{font-weight:700;text-decoration:none;color:var(--fg)}
header nav a,.filters a{display:inline-flex;align-items:center;min-height:44px}
.totals .top{color:inherit;text-decoration:none;display:block;min-height:44px;padding:.3rem .5rem;border-radius:6px}
.totals a.top:hover{background:var(--area)}.totals a.on{outline:2px solid var(--line)}
header details{display:inline-block}summary{padding:.8rem 0;cursor:pointer}
main{padding:1rem 1.25rem;display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,26rem),1fr))}
section{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:.8rem 1rem;overflow:auto}
section.wide{grid-column:1/-1}h2{font-size:.95rem;margin:.1rem 0 .6rem}
.totals{display:grid;gap:.5rem 1rem;grid-template-columns:repeat(auto-fill,minmax(8.5rem,1fr))}
.totals b{display:block;font-size:1.5rem}
.totals span,.muted,caption{color:var(--muted);font-size:.85rem}
table{border-collapse:collapse;width:100%}td,th{padding:.2rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{overflow-wrap:normal}td:first-child{min-width:7em}td.n{text-align:right;white-space:nowrap}th.n{text-align:right}
tr+tr td{border-top:1px solid var(--border)}
.chart{width:100%;height:auto}.chart .line{fill:none;stroke:var(--line);stroke-width:2}.chart .area{fill:var(--area)}
.chart circle{fill:var(--line)}.chart text{fill:var(--muted);font-size:11px}
input,select,button{font:inherit;padding:.25rem .6rem;min-height:44px}
@media (max-width:480px){header,main{padding:.6rem}header{gap:0 .75rem}main{gap:.6rem}section{padding:.6rem .7rem}
.totals{grid-template-columns:1fr 1fr}.totals b{font-size:1.25rem}td,th{padding:.2rem .25rem}td:first-child{min-width:6em}}.note{background:#f5c84222;padding:.4rem .6rem;border-radius:6px}
"""


def _filter_link(base: str, params: dict, name: str, value: str) -> str:
    query = urlencode({**params, name: value})
    return f'<a href="{escape(base)}?{escape(query)}">{escape(value)}</a>'


def storage_line(summary: dict | None) -> str:
    """The database's size against its cap; a warning from 80 % (footfall.database.storage)."""
    if not summary or not summary["bytes"]:
        return ""
    text = escape(storage.describe(summary))
    if summary["warn"]:
        return (
            f'<p class="note" role="alert">{text} Raise DB_SIZE_CAP_MB on the paid plan, or lower RETENTION_DAYS.</p>'
        )
    return f'<p class="muted storage">{text}</p>'


def _notes_for_hits(report: dict) -> str:
    """Under a filter the proxy's hits cannot honour (they know only the page and the country),
    the panels built on them say so instead of showing numbers of every visitor."""
    names = ", ".join(name for name, _ in report["filters"] if name not in dimensions.HIT_FILTERS)
    return (
        f'<p class="note">Not shown under the {escape(names)} filter: the proxy\'s server-side hits know '
        "the page and the country, not a visit's source or device.</p>"
    )


def page(report: dict, *, prefix: str, period: str, params: dict, nonce: str, public: bool) -> str:
    """The whole dashboard: a header (periods, dates, site, filters) over the sections."""
    base = f"{prefix}/dashboard"
    hits_known = report["totals"]["hits"] is not None
    full = lists.BY_KEY.get(params.get("list", ""))
    sections = [_overview(report, base, params)]
    if full is not None:
        sections.append(lists.full_list(report, full, base, params))
    else:
        sections.append(graph.section(report, params, base))
        sections += lists.cards(report, base, params)
        _more_sections(sections, report, prefix, public, report["series"], hits_known)
    note = f'<p class="note">{escape(report["source"]["note"])}</p>' if report["source"]["note"] else ""
    note += storage_line(report.get("storage"))
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>footfall · {escape(report['site'])}</title>"
        f'<style nonce="{nonce}">{STYLE}{graph.STYLE}{lists.STYLE}</style></head><body>'
        f"{_header(report, prefix, base, period, params, public)}"
        f"<main>{note}{''.join(sections)}</main></body></html>"
    )


def _overview(report: dict, base: str, params: dict) -> str:
    """The top-line numbers; each one the graph can plot links to the graph of it."""
    t = report["totals"]
    metric = graph.chosen_metric(params)

    def top_line(label: str, value: str) -> str:
        inner = f"<b>{value}</b><span>{escape(label)}</span>{panels.change(report, label)}"
        key = GRAPHED.get(label)
        if key is None:
            return f'<div><span class="top">{inner}</span></div>'
        href = f"{escape(base)}?{escape(urlencode({**params, 'metric': key}))}"
        current = ' class="top on" aria-current="true"' if key == metric else ' class="top"'
        return f'<div><a href="{href}"{current}>{inner}</a></div>'

    totals = "".join(
        top_line(label, value)
        for label, value in (
            ("daily unique visitors", number(t["visitors"])),
            ("page views", number(t["pageviews"])),
            ("visits", number(t["visits"])),
            ("bounce rate", percent(t["bounce_rate"])),
            ("median time on page", duration(t["median_seconds"])),
            ("visit duration", duration(t.get("visit_duration"))),
            ("tracking coverage", percent(t["coverage"])),
        )
    )
    return section("Overview", f'<div class="totals">{totals}</div>', wide=True)


def _header(report: dict, prefix: str, base: str, period: str, params: dict, public: bool) -> str:
    """Periods, other dates or site, the active filters (each removable) and log out."""
    keep = {k: v for k, v in params.items() if k not in ("period", "interval", "from", "to")}

    def range_link(key: str, label: str) -> str:
        href = f"{escape(base)}?{escape(urlencode({**keep, 'period': key}))}"
        current = ' aria-current="true"' if key == period else ""
        return f'<a class="{"on" if key == period else ""}"{current} href="{href}">{label}</a>'

    nav = "".join(range_link(key, label) for key, label in RANGES)
    active = "".join(
        f' <a href="{escape(base)}?{escape(urlencode({k: v for k, v in params.items() if k != name}))}" '
        f'aria-label="Remove the filter {escape(name)} = {escape(value)}">'
        f"{escape(name)} = {escape(value)} ✕</a>"
        for name, value in report["filters"]
    )
    sites = "".join(
        f"<option{' selected' if s == report['site'] else ''}>{escape(s)}</option>" for s in report["sites"]
    )
    custom = (
        f"<details{' open' if period == 'custom' else ''}><summary>Other dates or site</summary>"
        f'<form method="get" action="{escape(base)}"><input type="hidden" name="period" value="custom">'
        f'<input type="date" name="from" value="{escape(report["from"])}" aria-label="from"> '
        f'<input type="date" name="to" value="{escape(report["to"])}" aria-label="to"> '
        f'<select name="site" aria-label="site">{sites}</select> <button>Show</button></form></details>'
    )
    logout = "" if public else (f'<form method="post" action="{escape(prefix)}/logout"><button>Log out</button></form>')
    return (
        f'<header><h1>footfall · {escape(report["site"])}</h1><nav aria-label="Period">{nav}</nav>{custom}'
        f'<span class="muted filters">{escape(report["from"])} – {escape(report["to"])}{active}</span>{logout}</header>'
    )


def _more_sections(sections: list[str], report: dict, prefix: str, public: bool, series: list, hits_known: bool):
    """Events, #15's panels, the last five minutes, 404s, bots and coverage."""
    sections.append(
        section(
            "Events",
            table(
                ["Type", "Name / target", "Count", "Visitors"],
                [
                    [escape(e["type"]), escape(e["name"] or e["url"]), number(e["count"]), number(e["visitors"])]
                    for e in report["events"]
                ],
                numeric_from=2,
            ),
        )
    )
    sections += panels.sections(report, prefix=prefix, owner=not public) if "goals" in report else []
    rt = report["realtime"]
    sections.append(
        section(
            "Last 5 minutes",
            f"<p><b>{number(rt['visitors'])}</b> visitors, "
            f"<b>{number(rt['pageviews'])}</b> page views</p>"
            + table(["Page", "Views"], [[escape(p["path"]), number(p["pageviews"])] for p in rt["pages"]]),
        )
    )
    sections.append(
        section(
            "Not found (404)",
            table(["Page", "Hits"], [[escape(p["path"]), number(p["count"])] for p in report["not_found"]])
            if hits_known
            else _notes_for_hits(report),
        )
    )
    bots = report["bots"]
    visit_filters = [name for name, _ in report["filters"] if name not in dimensions.HIT_FILTERS]
    bots_note = (
        '<p class="muted">Bots have no visits: the filters on a visit\'s source or device do not apply here.</p>'
        if visit_filters
        else ""
    )
    sections.append(
        section(
            "Bots and AI (what the filter set apart)",
            bots_note
            + table(
                ["Class", "Page loads", "Server hits"],
                [
                    [
                        escape(c),
                        number(next((x["pageviews"] for x in bots["class"] if x["value"] == c), 0)),
                        number(next((x["pageviews"] for x in bots["hit_class"] if x["value"] == c), 0)),
                    ]
                    for c in sorted({x["value"] for x in bots["class"] + bots["hit_class"]})
                ],
            )
            + table(
                ["Class and page", "Hits"],
                [[escape(x["value"]), number(x["pageviews"])] for x in bots["bot_page"][:20]],
            )
            + (
                table(
                    ["Why (today)", "Page loads", "Server hits"],
                    [
                        [escape(r["reason"]), number(r["pageviews"]), number(r["hits"])]
                        for r in report["bot_reasons"][:20]
                    ],
                )
                if "bot_reasons" in report
                else ""
            ),
        )
    )
    sections.append(
        section(
            "Tracking coverage",
            '<p class="muted">The share of the HTML pages the proxy served to people that the '
            "tracker reported, matched per visitor and page (pages shown again from the browser's "
            "cache count on neither side): the rest had JavaScript off or a blocker on.</p>"
            + (
                table(
                    ["Day", "Served", "Reported", "Coverage"],
                    [
                        [escape(d["day"]), number(d["hits"]), number(d["tracked"]), percent(d["coverage"])]
                        for d in reversed(series)
                    ],
                )
                if hits_known
                else _notes_for_hits(report)
            ),
        )
    )


def login_page(prefix: str, nonce: str, error: str | None = None) -> str:
    message = f'<p class="note">{escape(error)}</p>' if error else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1"><title>footfall · log in</title>'
        f'<style nonce="{nonce}">{STYLE} form{{max-width:22rem;margin:4rem auto;display:grid;gap:.6rem}}</style>'
        f'</head><body><main><form method="post" action="{escape(prefix)}/login"><h1>footfall</h1>{message}'
        '<label>Dashboard token <input type="password" name="token" autocomplete="current-password" required></label>'
        "<button>Log in</button></form></main></body></html>"
    )
