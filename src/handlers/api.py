"""{prefix}/api/v1/query and /api/v1/export: the owner's data as JSON and CSV (openapi.yaml).

The query language lives in footfall.api.statsapi, the CSV in footfall.report.export; these read the
request, run the statements on the store and answer.
"""

import json
from urllib.parse import parse_qsl, urlencode

from app.access import Access, denied, may_read
from app.context import Context
from app.http import JSON_HEADERS, Request, Response, json_error
from footfall.api import apiv2
from footfall.collect import body
from footfall.collect.limits import MAX_BODY_BYTES
from footfall.days import local_day
from footfall.errors import Rejection
from footfall.report import export, periods, stats


async def query(request: Request, ctx: Context) -> Response:
    if request.method == "POST":
        body.check_media_type(request.header("content-type"))
        data = body.decode_object(await request.read_body(MAX_BODY_BYTES))
    else:
        data = apiv2.from_parameters(dict(parse_qsl(request.query)))
    answer, rows_read = await apiv2.run(
        ctx.store, data, ctx.settings, ctx.site, ctx.now_ms, lambda site: may_read(ctx.owner, ctx.settings, site)
    )
    if answer is None:
        return denied(Access.OWNER_OR_PUBLIC, ctx.settings)
    return Response(200, {**JSON_HEADERS, **stats.cost_headers(rows_read)}, json.dumps(answer))


async def export_csv(request: Request, ctx: Context) -> Response:
    """CSV of one table for one site and a day range, EXPORT_PAGE rows at a time (Link: next)."""
    params = dict(parse_qsl(request.query))
    table = params.get("table", "daily_pages")
    if table not in export.EXPORT_TABLES:
        return json_error(400, "invalid_table", "table may be " + ", ".join(export.EXPORT_TABLES))
    today = local_day(ctx.now_ms, ctx.settings.day_offset_minutes)
    day_from, day_to, _ = periods.day_range(
        params.get("period", "custom" if "from" in params else "30d"), today, params.get("from"), params.get("to")
    )
    raw_page = params.get("page", "0")
    if not raw_page.isdigit() or int(raw_page) > export.MAX_PAGE:
        raise Rejection(400, "invalid_page", "page is a page number from 0")
    page = int(raw_page)
    result = await ctx.store.execute(export.statement(table, params.get("site") or ctx.site, day_from, day_to, page))
    text, more = export.to_csv(table, result.rows)
    headers = {
        "content-type": "text/csv; charset=utf-8",
        "cache-control": "no-store",
        "content-disposition": f'attachment; filename="footfall-{table}-{day_from}-{day_to}-{page}.csv"',
    }
    if more:
        headers["link"] = f'<?{urlencode({**params, "page": str(page + 1)})}>; rel="next"'
    return Response(200, headers, text)
