"""The dashboard's lists, grouped in cards with tabs as Plausible groups them (Sources: channels,
referrers, campaigns; Pages: top, entry, exit; Locations; Devices: browser, OS, device), and
each one openable in full with a text filter and pages of rows.

All of it is links and a GET form: the URL holds the state (`?sources=referrer_host` picks a
tab, `?list=referrer_host&q=news&p=2` opens a list), so a view can be bookmarked and shared,
and the page needs no script. A row's value is a link that filters the whole dashboard by it.
The dimensions come from the registry (footfall.dimensions); everything a visitor could have
sent goes through `escape`.
"""

from typing import NamedTuple
from urllib.parse import urlencode

from footfall import dimensions
from footfall.dashboard.markup import escape

CARD_ROWS = 10  # rows a card shows; the full list has them all
PAGE_ROWS = 50  # rows per page of a full list
MAX_QUERY = 200


class Column(NamedTuple):
    header: str
    field: str
    kind: str  # num, pct, secs


class ListSpec(NamedTuple):
    key: str  # ?list=<key>, and the tab's value
    title: str
    group: str  # the card it is a tab of
    filter_key: str  # the filter a row's value sets
    columns: tuple[Column, ...]


class Group(NamedTuple):
    key: str  # ?<key>=<list key> picks the tab
    title: str


GROUPS = (
    Group("sources", "Sources"),
    Group("pages", "Pages"),
    Group("locations", "Locations"),
    Group("devices", "Devices"),
)
_VISITS = (
    Column("Visitors", "visitors", "num"),
    Column("Visits", "visits", "num"),
    Column("Bounce rate", "bounce_rate", "pct"),
)
_SOURCES = ("channel", "referrer_host", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
_DEVICES = ("browser", "os", "device")


def _group_of(name: str) -> str:
    return "sources" if name in _SOURCES else "devices" if name in _DEVICES else "locations"


SPECS: tuple[ListSpec, ...] = (
    ListSpec(
        "pages",
        "Top pages",
        "pages",
        "page",
        (
            Column("Visitors", "visitors", "num"),
            Column("Views", "pageviews", "num"),
            Column("Median time", "median_seconds", "secs"),
        ),
    ),
    ListSpec(
        "entry_pages",
        "Entry pages",
        "pages",
        "page",
        (Column("Visits", "visits", "num"), Column("Bounce rate", "bounce_rate", "pct")),
    ),
    ListSpec(
        "exit_pages",
        "Exit pages",
        "pages",
        "page",
        (Column("Exits", "exits", "num"), Column("Exit rate", "exit_rate", "pct")),
    ),
    *(ListSpec(d.name, d.title, _group_of(d.name), d.filter_key, _VISITS) for d in dimensions.REGISTRY if d.rolled_up),
)
BY_KEY = {s.key: s for s in SPECS}

STYLE = """
.tabs{display:flex;flex-wrap:wrap;gap:0 .2rem;margin:-.2rem 0 .4rem}
.tabs a{display:inline-flex;align-items:center;min-height:44px;padding:0 .5rem;text-decoration:none;
border-bottom:2px solid transparent}
.tabs a.on{color:var(--fg);font-weight:600;border-bottom-color:var(--line)}
.more{display:inline-flex;align-items:center;min-height:44px}
.search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.2rem 0 .6rem}
.search input[type=search]{flex:1 1 12rem;min-height:44px}.pager{display:flex;gap:1rem;align-items:center}
@media (pointer:coarse){td a{display:inline-block;min-height:44px;padding:.7rem 0}}
"""


def rows_of(report: dict, spec: ListSpec) -> list[dict]:
    """The report's rows of a list, each with its value under "value"."""
    if spec.group == "pages":
        return [{**r, "value": r["path"]} for r in report.get(spec.key) or []]
    return report["dimensions"].get(spec.key, [])


def _lower(title: str) -> str:
    """'UTM sources' stays; 'Top pages' -> 'top pages'."""
    return title if title[:2].isupper() else title[0].lower() + title[1:]


def _cell(row: dict, column: Column) -> str:
    value = row.get(column.field)
    if value is None:
        return "–"
    if column.kind == "pct":
        return f"{value * 100:.0f} %"
    if column.kind == "secs":
        return f"{value // 60}m {value % 60:02d}s" if value >= 60 else f"{value}s"
    return f"{value:,}"


def _href(base: str, params: dict, **changes) -> str:
    merged = {**params, **changes}
    return f"{escape(base)}?{escape(urlencode({k: v for k, v in merged.items() if v is not None}))}"


def table(spec: ListSpec, rows: list[dict], base: str, params: dict) -> str:
    """A list's rows: the value (a link that filters by it) and the spec's numbers."""
    if not rows:
        return '<p class="muted">Nothing yet.</p>'
    dashboard = {k: v for k, v in params.items() if k not in ("list", "q", "p")}
    name = "Page" if spec.group == "pages" else spec.title
    head = f'<th scope="col">{escape(name)}</th>' + "".join(
        f'<th scope="col" class="n">{escape(c.header)}</th>' for c in spec.columns
    )
    body = "".join(
        f'<tr><td><a href="{_href(base, dashboard, **{spec.filter_key: r["value"]})}">{escape(r["value"])}</a></td>'
        + "".join(f'<td class="n">{_cell(r, c)}</td>' for c in spec.columns)
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def chosen_tab(group: Group, params: dict) -> ListSpec:
    specs = [s for s in SPECS if s.group == group.key]
    asked = params.get(group.key)
    return next((s for s in specs if s.key == asked), specs[0])


def cards(report: dict, base: str, params: dict) -> list[str]:
    """One card per group: its tabs, the chosen tab's first rows, a link to all of them."""
    out = []
    for group in GROUPS:
        specs = [s for s in SPECS if s.group == group.key and (s.key != "exit_pages" or "exit_pages" in report)]
        spec = chosen_tab(group, params)
        rows = rows_of(report, spec)
        tabs = ""
        if len(specs) > 1:
            tabs = (
                f'<nav class="tabs" aria-label="{escape(group.title)}">'
                + "".join(
                    f'<a href="{_href(base, params, **{group.key: s.key})}"'
                    + (' aria-current="true" class="on"' if s is spec else "")
                    + f">{escape(s.title)}</a>"
                    for s in specs
                )
                + "</nav>"
            )
        more = (
            f'<a class="more" href="{_href(base, params, list=spec.key)}">All {escape(_lower(spec.title))}</a>'
            if rows
            else ""
        )
        out.append(
            f'<section aria-labelledby="card-{group.key}"><h2 id="card-{group.key}">{escape(group.title)}</h2>'
            f"{tabs}{table(spec, rows[:CARD_ROWS], base, params)}{more}</section>"
        )
    return out


def full_list(report: dict, spec: ListSpec, base: str, params: dict) -> str:
    """Every row of one list, filtered by the text in ?q= (any part of the value, any case),
    PAGE_ROWS a page (?p=)."""
    query = (params.get("q") or "")[:MAX_QUERY]
    rows = [r for r in rows_of(report, spec) if query.lower() in str(r["value"]).lower()]
    try:
        page = max(1, int(params.get("p") or 1))
    except ValueError:
        page = 1
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    page = min(page, pages)
    shown = rows[(page - 1) * PAGE_ROWS : page * PAGE_ROWS]
    keep = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
        for k, v in params.items()
        if k not in ("q", "p")
    )
    form = (
        f'<form class="search" method="get" action="{escape(base)}" role="search">{keep}'
        f'<label for="list-q">Filter {escape(_lower(spec.title))}</label>'
        f'<input type="search" id="list-q" name="q" value="{escape(query)}">'
        f"<button>Filter</button></form>"
    )
    pager = ""
    if pages > 1:
        prev = f'<a href="{_href(base, params, p=str(page - 1))}">Previous</a>' if page > 1 else ""
        nxt = f'<a href="{_href(base, params, p=str(page + 1))}">Next</a>' if page < pages else ""
        pager = (
            f'<nav class="pager" aria-label="Pages of the list">{prev}<span>Page {page} of {pages}</span>{nxt}</nav>'
        )
    back = f'<a class="more" href="{_href(base, params, list=None, q=None, p=None)}">Back to the dashboard</a>'
    count = f'<p class="muted">{len(rows):,} of {len(rows_of(report, spec)):,} rows{" match" if query else ""}.</p>'
    return (
        f'<section class="wide" aria-labelledby="list-title"><h2 id="list-title">{escape(spec.title)}</h2>'
        f"{back}{form}{count}{table(spec, shown, base, params)}{pager}</section>"
    )
