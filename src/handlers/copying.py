"""{prefix}/api/v1/copy: the owner's copy between D1 and the Durable Objects (footfall/database/copying.py),
one small step per request, driven by tools/copy_store.py. Needs both bindings, DB and
SITE_STORE, whatever STORE says (README: "When one database is not enough")."""

from app.access import same_origin
from app.context import Context
from app.http import Request, Response, json_error, json_response
from footfall.collect import body
from footfall.collect.limits import MAX_BODY_BYTES, MAX_SITE
from footfall.database import copying
from footfall.database.rollups import purge_cutoff
from footfall.errors import Rejection

STEPS = ("sites", "plan", "copy", "check")


def _site(data: dict) -> str:
    site = data.get("site")
    if not isinstance(site, str) or not 0 < len(site) <= MAX_SITE:
        raise Rejection(400, "invalid_site", "site is a host name")
    return site.lower()


def _unit(data: dict, direction: str, site: str) -> copying.Unit:
    table = data.get("table")
    if table not in copying.BY_NAME or direction not in copying.BY_NAME[table].directions:
        raise Rejection(400, "invalid_table", "table is one the plan named")
    key = data.get("key", "")
    if not isinstance(key, str) or len(key) > 10:
        raise Rejection(400, "invalid_key", "key is the plan's day, month or empty")
    return copying.Unit(site, table, key)


def _count(data: dict, name: str, default: int, most: int) -> int:
    value = data.get(name, default)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= most:
        raise Rejection(400, f"invalid_{name}", f"{name} is a whole number from 0 to {most}")
    return value


async def copy(request: Request, ctx: Context) -> Response:
    # The owner's session cookie goes with a page's request from a sibling subdomain (same
    # site) too, and a text/plain POST needs no preflight: this site's own pages only.
    if not same_origin(request):
        return json_error(403, "foreign_origin", "the copy is run from this site's own pages or a script")
    body.check_media_type(request.header("content-type"))
    data = body.decode_object(await request.read_body(MAX_BODY_BYTES))
    direction = data.get("direction")
    if direction not in copying.DIRECTIONS:
        raise Rejection(400, "invalid_direction", "direction is to-objects or to-d1")
    step = data.get("step")
    if step not in STEPS:
        raise Rejection(400, "invalid_step", "step is " + ", ".join(STEPS))
    missing = ctx.stores.missing() if ctx.stores is not None else "DB and SITE_STORE"
    if missing:
        return json_error(
            409, "copy_needs_both_stores", f"copying needs both bindings in wrangler.toml; missing: {missing}"
        )
    assert ctx.stores is not None
    stores = ctx.stores
    d1 = stores.d1()
    if step == "sites":
        if direction == "to-d1":  # a namespace cannot list its objects: the owner names them
            raise Rejection(400, "name_the_sites", "objects cannot be listed: give each site to copy back")
        return json_response({"sites": [r["site"] for r in (await d1.execute(copying.SITES_IN_D1)).rows]})
    site = _site(data)
    objects = stores.site(site)
    source, target = (d1, objects) if direction == "to-objects" else (objects, d1)
    if step == "plan":
        counts = await source.batch(copying.plan_statements(direction, site))
        found = copying.units(direction, site, [r.rows for r in counts])
        return json_response({"units": [u._asdict() for u in found]})
    unit = _unit(data, direction, site)
    if step == "copy":
        offset = _count(data, "offset", 0, 10**9)
        limit = _count(data, "limit", copying.PAGE_ROWS, 2000)
        settings = ctx.settings
        redo_from = purge_cutoff(ctx.now_ms, settings.day_offset_minutes, settings.retention_days)
        return json_response(
            (await copying.copy_page(source, target, unit, offset, ctx.now_ms, redo_from, limit))._asdict()
        )
    return json_response(await copying.check(source, target, unit))
