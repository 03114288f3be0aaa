"""{prefix}/dashboard, /login, /logout and /history/<path>.svg: the owner's pages.

Server-rendered HTML with inline SVG charts (footfall.dashboard.render), no JavaScript, a per-response
CSP nonce for the one inline stylesheet, and no framing. Who may see them is the route
table's business (app/routes.py); these only answer.
"""

from urllib.parse import parse_qsl, unquote

from app import guards, sessions
from app.access import (
    Access,
    closed,
    denied,
    is_owner,
    may_read,
    new_nonce,
    page_headers,
    public_site,
    same_origin,
    too_many_attempts,
)
from app.context import Context
from app.http import Request, Response, json_error, redirect
from footfall import auth
from footfall.api import statsapi
from footfall.dashboard import render
from footfall.days import local_day
from footfall.report import compare, history, overview, reasons, stats

MAX_FORM_BYTES = 4096


async def show(request: Request, ctx: Context) -> Response:
    params = dict(parse_qsl(request.query))
    query, period = statsapi.parse_dashboard(params, ctx.settings, ctx.site, ctx.now_ms)
    if not may_read(ctx.owner, ctx.settings, query.site):
        return denied(Access.DASHBOARD, ctx.settings)
    against = compare.parse_kind(params.get("compare"))
    report, rows_read = await overview.report(ctx.store, query, ctx.settings.goals, against)
    if not ctx.owner:  # a stranger's site menu names the public sites only
        report["sites"] = [s for s in report["sites"] if public_site(ctx.settings, s)]
    if query.day_from <= query.today <= query.day_to:
        pages, hits = await ctx.store.batch(reasons.plan(query.site, query.today))
        report["bot_reasons"] = reasons.tally(pages.rows, hits.rows)
    nonce = new_nonce()
    html = render.page(
        report,
        prefix=ctx.settings.prefix,
        period=period,
        params=params,
        nonce=nonce,
        public=ctx.settings.dashboard_public and not ctx.owner,
    )
    return Response(200, {**page_headers(nonce), **stats.cost_headers(rows_read)}, html)


async def login(request: Request, ctx: Context) -> Response:
    settings = ctx.settings
    if settings.dashboard_token is None:
        return closed()
    nonce = new_nonce()
    if request.method == "GET":
        return Response(200, page_headers(nonce), render.login_page(settings.prefix, nonce))
    if not same_origin(request):
        return json_error(403, "cross_origin", "log in from the dashboard's own page")
    wait = guards.owner_locked_out(request.client.ip, ctx.now_ms)
    body = await request.read_body(MAX_FORM_BYTES)
    form = dict(parse_qsl(body.decode("utf-8", "replace")))
    right = auth.token_matches(form.get("token"), settings.dashboard_token)
    if not right:
        guards.owner_failed(request.client.ip, ctx.now_ms)
    if wait is not None:  # locked out: the same 429 whether the token was right or not
        return too_many_attempts(wait)
    if not right:
        return Response(401, page_headers(nonce), render.login_page(settings.prefix, nonce, "That token is not right."))
    generation = await sessions.current(ctx.store)
    cookie = auth.set_cookie(auth.new_session(settings.dashboard_token, ctx.now_ms, generation), settings.prefix)
    return redirect(f"{settings.prefix}/dashboard", {"set-cookie": cookie})


async def logout(request: Request, ctx: Context) -> Response:
    """Clears the cookie and, for the owner, revokes every session (a copied cookie too). A
    stranger's logout changes nothing: it cannot log the owner out."""
    if not same_origin(request):
        return json_error(403, "cross_origin", "log out from the dashboard's own page")
    if await is_owner(request, ctx.settings, ctx.now_ms, ctx.store):
        await sessions.revoke_all(ctx.store)
    return redirect(f"{ctx.settings.prefix}/login", {"set-cookie": auth.clear_cookie(ctx.settings.prefix)})


async def history_plot(request: Request, ctx: Context) -> Response:
    """history/<path>.svg: the route captured <path>, percent-encoded as the link has it."""
    path = "/" + unquote(request.params["path"])
    today = local_day(ctx.now_ms, ctx.settings.day_offset_minutes)
    past, current = await ctx.store.batch(history.plan(ctx.site, path, today))
    public = ctx.settings.history_public or public_site(ctx.settings, ctx.site)
    headers = {
        "content-type": "image/svg+xml; charset=utf-8",
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
        "cache-control": "public, max-age=3600" if public else "private, no-store",
    }
    return Response(200, headers, history.badge(path, past.rows, current.rows, today))
