"""The dashboard page, server-rendered from a stats report (footfall.stats.assemble).

Everything a visitor could have chosen (paths, referrers, link texts and targets, UTM values,
event names) goes through `escape` before it reaches the page; the page also carries a strict
Content-Security-Policy (no inline script or style without this response's nonce).
"""

from urllib.parse import urlencode

from footfall import dimensions, panels, storage, svg
from footfall.markup import escape

# Panels and filters come from the dimension registry (footfall.dimensions).
DIMENSION_PANELS = tuple(d for d in dimensions.REGISTRY if d.rolled_up)
RANGES = (("today", "Today"), ("7d", "7 days"), ("30d", "30 days"))

STYLE = """
:root{color-scheme:light dark;--bg:#fafafa;--fg:#1d1d1f;--muted:#6b6b70;--card:#fff;--line:#3b7ddd;--area:#3b7ddd22;--border:#e3e3e6}
@media (prefers-color-scheme:dark){:root{--bg:#131316;--fg:#ececf0;--muted:#9a9aa3;--card:#1c1c21;--line:#6aa2ff;--area:#6aa2ff22;--border:#2c2c33}}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,sans-serif;background:var(--bg);color:var(--fg)}
header{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;padding:1rem 1.25rem;border-bottom:1px solid var(--border)}
header h1{font-size:1.1rem;margin:0 1rem 0 0}header form{display:inline}
a{color:var(--line)}nav a{margin-right:.6rem}nav a.on{font-weight:700;text-decoration:none;color:var(--fg)}
main{padding:1rem 1.25rem;display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,26rem),1fr))}
section{background:var(--card);border:1px solid var(--border);border-radius:8px;padding:.8rem 1rem;overflow:auto}
section.wide{grid-column:1/-1}h2{font-size:.95rem;margin:.1rem 0 .6rem}
.totals{display:flex;flex-wrap:wrap;gap:1.5rem}.totals div{min-width:7rem}.totals b{display:block;font-size:1.5rem}
.totals span,.muted,caption{color:var(--muted);font-size:.85rem}
table{border-collapse:collapse;width:100%}td,th{padding:.2rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{overflow-wrap:normal}td:first-child{min-width:7em}td.n{text-align:right;white-space:nowrap}th.n{text-align:right}
tr+tr td{border-top:1px solid var(--border)}
.chart{width:100%;height:auto}.chart .line{fill:none;stroke:var(--line);stroke-width:2}.chart .area{fill:var(--area)}
.chart circle{fill:var(--line)}.chart text{fill:var(--muted);font-size:11px}
input,select,button{font:inherit;padding:.25rem .4rem}.note{background:#f5c84222;padding:.4rem .6rem;border-radius:6px}
"""


def _num(value) -> str:
    return "–" if value is None else f"{value:,}"


def _pct(value) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _secs(value) -> str:
    if value is None:
        return "–"
    return f"{value // 60}m {value % 60:02d}s" if value >= 60 else f"{value}s"


def _table(headers: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    if not rows:
        return '<p class="muted">Nothing yet.</p>'
    head = "".join(f'<th class="{"n" if i >= numeric_from else ""}">{escape(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{"n" if i >= numeric_from else ""}">{cell}</td>' for i, cell in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section(title: str, content: str, wide: bool = False) -> str:
    return f'<section class="{"wide" if wide else ""}"><h2>{escape(title)}</h2>{content}</section>'


def _filter_link(base: str, params: dict, name: str, value: str) -> str:
    query = urlencode({**params, name: value})
    return f'<a href="{escape(base)}?{escape(query)}">{escape(value)}</a>'


def storage_line(summary: dict | None) -> str:
    """The database's size against its cap; a warning from 80 % (footfall.storage)."""
    if not summary or not summary["bytes"]:
        return ""
    text = escape(storage.describe(summary))
    if summary["warn"]:
        return (
            f'<p class="note" role="alert">{text} Raise DB_SIZE_CAP_MB on the paid plan, or lower RETENTION_DAYS.</p>'
        )
    return f'<p class="muted storage">{text}</p>'


def page(report: dict, *, prefix: str, period: str, params: dict, nonce: str, public: bool) -> str:
    base = f"{prefix}/dashboard"
    t = report["totals"]
    totals = "".join(
        f"<div><b>{value}</b><span>{escape(label)}</span>{panels.change(report, label)}</div>"
        for label, value in (
            ("daily unique visitors", _num(t["visitors"])),
            ("page views", _num(t["pageviews"])),
            ("visits", _num(t["visits"])),
            ("bounce rate", _pct(t["bounce_rate"])),
            ("median time on page", _secs(t["median_seconds"])),
            ("visit duration", _secs(t.get("visit_duration"))),
            ("tracking coverage", _pct(t["coverage"])),
        )
    )
    series = report["series"]
    chart = svg.line_chart([(d["day"], d["pageviews"]) for d in series], label="page views per day")
    chart_v = svg.line_chart([(d["day"], d["visitors"]) for d in series], label="daily unique visitors per day")
    keep = {k: v for k, v in params.items() if k not in ("period",)}

    def path_link(path):
        return _filter_link(base, params, "page", path)

    sections = [
        _section("Overview", f'<div class="totals">{totals}</div>', wide=True),
        _section("Page views per day", chart),
        _section("Daily unique visitors per day", chart_v),
        _section(
            "Top pages",
            _table(
                ["Page", "Views", "Visitors", "Median time"],
                [
                    [path_link(p["path"]), _num(p["pageviews"]), _num(p["visitors"]), _secs(p["median_seconds"])]
                    for p in report["pages"]
                ],
            ),
        ),
        _section(
            "Entry pages",
            _table(
                ["Page", "Visits", "Bounce rate"],
                [[path_link(p["path"]), _num(p["visits"]), _pct(p["bounce_rate"])] for p in report["entry_pages"]],
            ),
        ),
    ]
    dims = report["dimensions"]
    for dimension in DIMENSION_PANELS:
        rows = [
            [
                _filter_link(base, params, dimension.filter_key, d["value"]),
                _num(d["pageviews"]),
                _num(d["visitors"]),
            ]
            for d in dims.get(dimension.name, [])
        ]
        sections.append(_section(dimension.title, _table(["", "Views", "Visitors"], rows)))
    sections.append(
        _section(
            "Events",
            _table(
                ["Type", "Name / target", "Count", "Visitors"],
                [
                    [escape(e["type"]), escape(e["name"] or e["url"]), _num(e["count"]), _num(e["visitors"])]
                    for e in report["events"]
                ],
                numeric_from=2,
            ),
        )
    )
    sections += panels.sections(report, prefix=prefix, owner=not public) if "goals" in report else []
    rt = report["realtime"]
    sections.append(
        _section(
            "Last 5 minutes",
            f"<p><b>{_num(rt['visitors'])}</b> visitors, "
            f"<b>{_num(rt['pageviews'])}</b> page views</p>"
            + _table(["Page", "Views"], [[escape(p["path"]), _num(p["pageviews"])] for p in rt["pages"]]),
        )
    )
    sections.append(
        _section(
            "Not found (404)",
            _table(["Page", "Hits"], [[escape(p["path"]), _num(p["count"])] for p in report["not_found"]]),
        )
    )
    bots = report["bots"]
    sections.append(
        _section(
            "Bots and AI (what the filter set apart)",
            _table(
                ["Class", "Page loads", "Server hits"],
                [
                    [
                        escape(c),
                        _num(next((x["pageviews"] for x in bots["class"] if x["value"] == c), 0)),
                        _num(next((x["pageviews"] for x in bots["hit_class"] if x["value"] == c), 0)),
                    ]
                    for c in sorted({x["value"] for x in bots["class"] + bots["hit_class"]})
                ],
            )
            + _table(
                ["Class and page", "Hits"], [[escape(x["value"]), _num(x["pageviews"])] for x in bots["bot_page"][:20]]
            )
            + (
                _table(
                    ["Why (today)", "Page loads", "Server hits"],
                    [[escape(r["reason"]), _num(r["pageviews"]), _num(r["hits"])] for r in report["bot_reasons"][:20]],
                )
                if "bot_reasons" in report
                else ""
            ),
        )
    )
    sections.append(
        _section(
            "Tracking coverage",
            '<p class="muted">The share of the HTML pages the proxy served to people that the '
            "tracker reported, matched per visitor and page (pages shown again from the browser's "
            "cache count on neither side): the rest had JavaScript off or a blocker on.</p>"
            + _table(
                ["Day", "Pages served", "Reported", "Coverage"],
                [
                    [escape(d["day"]), _num(d["hits"]), _num(d["tracked"]), _pct(d["coverage"])]
                    for d in reversed(series)
                ],
            ),
        )
    )

    def range_link(key: str, label: str) -> str:
        href = f"{escape(base)}?{escape(urlencode({**keep, 'period': key}))}"
        return f'<a class="{"on" if key == period else ""}" href="{href}">{label}</a>'

    nav = "".join(range_link(key, label) for key, label in RANGES)
    active = "".join(
        f' <a href="{escape(base)}?{escape(urlencode({k: v for k, v in params.items() if k != name}))}">'
        f"{escape(name)} = {escape(value)} ✕</a>"
        for name, value in report["filters"]
    )
    sites = "".join(
        f"<option{' selected' if s == report['site'] else ''}>{escape(s)}</option>" for s in report["sites"]
    )
    note = f'<p class="note">{escape(report["source"]["note"])}</p>' if report["source"]["note"] else ""
    note += storage_line(report.get("storage"))
    custom = (
        f'<form method="get" action="{escape(base)}"><input type="hidden" name="period" value="custom">'
        f'<input type="date" name="from" value="{escape(report["from"])}" aria-label="from"> '
        f'<input type="date" name="to" value="{escape(report["to"])}" aria-label="to"> '
        f'<select name="site" aria-label="site">{sites}</select> <button>Show</button></form>'
    )
    logout = "" if public else (f'<form method="post" action="{escape(prefix)}/logout"><button>Log out</button></form>')
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<title>footfall · {escape(report["site"])}</title><style nonce="{nonce}">{STYLE}</style></head><body>'
        f"<header><h1>footfall · {escape(report['site'])}</h1><nav>{nav}</nav>{custom}"
        f'<span class="muted">{escape(report["from"])} – {escape(report["to"])}{active}</span>{logout}</header>'
        f"{note}<main>{''.join(sections)}</main></body></html>"
    )


def login_page(prefix: str, nonce: str, error: str | None = None) -> str:
    message = f'<p class="note">{escape(error)}</p>' if error else ""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1"><title>footfall · log in</title>'
        f'<style nonce="{nonce}">{STYLE} form{{max-width:22rem;margin:4rem auto;display:grid;gap:.6rem}}</style>'
        f'</head><body><form method="post" action="{escape(prefix)}/login"><h1>footfall</h1>{message}'
        '<label>Dashboard token <input type="password" name="token" autocomplete="current-password" required></label>'
        "<button>Log in</button></form></body></html>"
    )
