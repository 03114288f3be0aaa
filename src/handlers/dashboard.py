"""{prefix}/dashboard, /login, /logout and /history/<path>.svg: the owner's pages.

Server-rendered HTML with inline SVG charts (footfall.render), no JavaScript, a per-response
CSP nonce for the one inline stylesheet, and no framing.
"""

from urllib.parse import parse_qsl, unquote, urlsplit

from adapters import d1, http
from footfall import auth, periods, render, svg
from footfall.clock import local_day
from footfall.errors import Rejection
from footfall.queries import PEOPLE_SQL
from footfall.rollups import shift_day
from footfall.settings import Settings
from footfall.stats import Query
from footfall.writes import Statement
from handlers import owner, reports

MAX_FORM_BYTES = 4096
HISTORY_DAYS = 90


def _closed():
    return http.json_error(404, "dashboard_disabled",
                           "set the DASHBOARD_TOKEN secret (wrangler secret put DASHBOARD_TOKEN) to open the dashboard")


def _redirect(location: str, extra: dict | None = None):
    return http.make_response(None, 303, {"location": location, "cache-control": "no-store", **(extra or {})})


def query_from_params(params: dict, settings: Settings, site: str, now_ms: int) -> tuple[Query, str]:
    today = local_day(now_ms, settings.day_offset_minutes)
    day_from, day_to, period = periods.day_range(params.get("period"), today, params.get("from"), params.get("to"))
    chosen = params.get("site") or site
    if len(chosen) > 253:
        raise Rejection(400, "invalid_site", "site is a host name")
    filters = periods.filters((k, v) for k, v in params.items() if k in render.FILTERS)
    return Query(chosen, day_from, day_to, today, now_ms, filters, settings.retention_days), period


async def dashboard(js_request, env, settings: Settings, site: str, now_ms: int):
    if settings.dashboard_token is None and not settings.dashboard_public:
        return _closed()
    if not settings.dashboard_public and not owner.is_owner(js_request, settings, now_ms):
        return _redirect(f"{settings.prefix}/login")
    params = dict(parse_qsl(urlsplit(js_request.url).query))
    try:
        query, period = query_from_params(params, settings, site, now_ms)
    except Rejection as rejection:
        return http.rejection_response(rejection)
    report, rows_read = await reports.run(env, query)
    nonce = owner.new_nonce()
    html = render.page(report, prefix=settings.prefix, period=period, params=params, nonce=nonce,
                       public=settings.dashboard_public and not owner.is_owner(js_request, settings, now_ms))
    headers = {**owner.page_headers(nonce), **reports.cost_headers(rows_read)}
    return http.make_response(html, 200, headers)


async def login(js_request, settings: Settings, site: str, now_ms: int):
    if settings.dashboard_token is None:
        return _closed()
    nonce = owner.new_nonce()
    if js_request.method == "GET":
        return http.make_response(render.login_page(settings.prefix, nonce), 200, owner.page_headers(nonce))
    if not owner.same_origin(js_request, site):
        return http.json_error(403, "cross_origin", "log in from the dashboard's own page")
    body = await http.read_body(js_request, MAX_FORM_BYTES)
    form = dict(parse_qsl(body.decode("utf-8", "replace")))
    if not auth.token_matches(form.get("token"), settings.dashboard_token):
        page = render.login_page(settings.prefix, nonce, "That token is not right.")
        return http.make_response(page, 401, owner.page_headers(nonce))
    cookie = auth.set_cookie(auth.new_session(settings.dashboard_token, now_ms), settings.prefix)
    return _redirect(f"{settings.prefix}/dashboard", {"set-cookie": cookie})


async def logout(js_request, settings: Settings, site: str):
    if not owner.same_origin(js_request, site):
        return http.json_error(403, "cross_origin", "log out from the dashboard's own page")
    return _redirect(f"{settings.prefix}/login", {"set-cookie": auth.clear_cookie(settings.prefix)})


async def history(js_request, env, settings: Settings, site: str, path_in_url: str, now_ms: int):
    """The per-page call-history plot: daily views of one page over the last 90 days."""
    public = settings.history_public or settings.dashboard_public
    if not public and not owner.is_owner(js_request, settings, now_ms):
        return http.json_error(401, "unauthorized", "log in, or make history plots public (HISTORY_PUBLIC)")
    rest = path_in_url.split("/history/", 1)[1][: -len(".svg")]
    path = "/" + unquote(rest)
    today = local_day(now_ms, settings.day_offset_minutes)
    start = shift_day(today, -(HISTORY_DAYS - 1))
    past, current = await d1.batch(env, [
        Statement("history_rollups", "SELECT day, views FROM daily_pages WHERE site = ? AND day BETWEEN ? AND ? "
                                     "AND path = ?", (site, start, shift_day(today, -1), path)),
        Statement("history_today", f"SELECT COUNT(*) AS views FROM pageviews WHERE site = ? AND day = ? "
                                   f"AND path = ? AND bot_class IN {PEOPLE_SQL} "
                                   f"AND (status IS NULL OR status <> 404)", (site, today, path)),
    ])
    by_day = {r["day"]: r["views"] for r in past.rows}
    by_day[today] = current.rows[0]["views"] if current.rows else 0
    points, day = [], start
    while day <= today:
        points.append((day, by_day.get(day, 0)))
        day = shift_day(day, 1)
    headers = {"content-type": "image/svg+xml; charset=utf-8", "x-content-type-options": "nosniff",
               "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
               "cache-control": "public, max-age=3600" if public else "private, no-store"}
    return http.make_response(svg.history_badge(path, points), 200, headers)
