"""Plausible's Stats API v2 query language (https://plausible.io/docs/stats-api): a query body
in, a validated Query out, or a 400 that names the part footfall cannot answer.

Everything Plausible's reference lists is understood: every metric, dimension, filter
operator (several values, the `case_sensitive` modifier), `and`/`or`/`not`, `has_done` and
`has_not_done`, every `date_range` (dates and datetimes included), `order_by`, `pagination`
and `include`. What footfall cannot answer is refused by name, never answered silently:
revenue metrics (no revenue goals), segments (no saved segments), browser and OS versions
(not recorded). Unknown keys, an empty `metrics` and a missing `date_range` are refused as
Plausible refuses them.

`matches` takes a regular expression: it never reaches SQL (the engine matches it in Python
against each distinct value of the dimension), and a pattern whose time could grow past
linear (a quantifier inside a quantified group, back-references, look-arounds: what Plausible's
re2 would refuse or what could backtrack) is refused before it runs.
"""

import re
import re._parser as sre_parse  # type: ignore[import-not-found]
from datetime import date, datetime
from typing import NamedTuple

from footfall import dimensions
from footfall.collect.limits import MAX_SITE
from footfall.days import local_day, shift_day
from footfall.errors import Rejection
from footfall.report import periods, props, series

METRICS = (
    "visitors",
    "visits",
    "pageviews",
    "views_per_visit",
    "bounce_rate",
    "visit_duration",
    "events",
    "scroll_depth",
    "percentage",
    "conversion_rate",
    "group_conversion_rate",
    "time_on_page",
)
# footfall's own: the share of served pages the tracker reported (footfall.report.coverage).
EXTENSION_METRICS = ("coverage",)
REFUSED_METRICS = {
    "total_revenue": "footfall has no revenue goals",
    "average_revenue": "footfall has no revenue goals",
}
SESSION_METRICS = ("bounce_rate", "views_per_visit", "visit_duration")
# The registry's visit attributes by their API names (footfall.dimensions), and the ones only
# this language has: whole-visit facts, Plausible's spellings, and places kept for it.
VISIT_DIMENSIONS = (
    *(d.api_name for d in dimensions.REGISTRY if d.api_name.startswith("visit:")),
    "visit:entry_page",
    "visit:exit_page",
    "visit:source",
    "visit:country_name",
    "visit:region",
    "visit:region_name",
    "visit:city_name",
    "visit:entry_page_hostname",
    "visit:exit_page_hostname",
)
EVENT_DIMENSIONS = ("event:page", "event:hostname", "event:goal", "event:name", "event:type")
PROPS = "event:props:"
TIME_DIMENSIONS = ("time", "time:hour", "time:day", "time:week", "time:month")
REFUSED_DIMENSIONS = {
    "visit:browser_version": "footfall does not record browser versions",
    "visit:os_version": "footfall does not record operating system versions",
    "visit:city": "footfall records a city's name (visit:city_name), not its GeoNames ID",
}
OPERATORS = ("is", "is_not", "contains", "contains_not", "matches", "matches_not")
LOGICAL = ("and", "or", "not")
BEHAVIOURAL = ("has_done", "has_not_done")
KEYS = ("site_id", "date_range", "metrics", "dimensions", "filters", "order_by", "include", "pagination")
INCLUDE = ("imports", "time_labels", "total_rows")
DEFAULT_LIMIT = 10_000
MAX_CLAUSES = 100
MAX_PATTERN = 256
MAX_VALUE = 2048
# Whole names only (fullmatch): `$` would also match before a final newline.


class Leaf(NamedTuple):
    op: str  # OPERATORS
    dimension: str
    clauses: tuple[str, ...]
    case_sensitive: bool = True


class Logic(NamedTuple):
    op: str  # and, or, not, has_done, has_not_done
    children: tuple


class Query(NamedTuple):
    site: str
    day_from: str
    day_to: str
    start_ms: int | None  # a datetime range's bounds (inclusive), or None for whole days
    end_ms: int | None
    metrics: tuple[str, ...]
    dimensions: tuple[str, ...]
    filters: tuple  # Leaf | Logic, all of which must hold
    order_by: tuple[tuple[str, str], ...]
    limit: int
    offset: int
    include: dict
    date_range: object  # as the body gave it


def _bad(code: str, message: str) -> Rejection:
    return Rejection(400, code, message)


def is_prop(name: object) -> bool:
    return isinstance(name, str) and name.startswith(PROPS) and bool(props.KEY_RE.fullmatch(name[len(PROPS) :]))


def dimension_kind(name: str) -> str:
    if name in VISIT_DIMENSIONS:
        return "visit"
    if name in EVENT_DIMENSIONS or is_prop(name):
        return "event"
    if name in TIME_DIMENSIONS:
        return "time"
    return ""


def _dimension(name: object, where: str) -> str:
    code = "invalid_filter" if where.startswith("filters") else "invalid_dimensions"
    if not isinstance(name, str):
        raise _bad(code, f"{where}: a dimension is a name like visit:country")
    if name in REFUSED_DIMENSIONS:
        raise _bad("unsupported_dimension", f"{where}: {name} is not supported: {REFUSED_DIMENSIONS[name]}")
    if name == "segment":
        raise _bad("unsupported_filter", "segments are not supported: footfall has no saved segments")
    if not dimension_kind(name):
        raise _bad(code, f"{where}: unknown dimension {name[:80]!r}")
    return name


# A repeat that may run longer than this counts as long: two of them in one pattern, each able
# to take what the other gives back, make the engine try every split (`a+a+x`: 1 s on 2 KB).
LONG_REPEAT = 32


def _bounded(pattern: str) -> bool:
    """Whether a regular expression cannot make Python's backtracking engine take more than a
    few milliseconds on a value of a few KB: no quantifier or alternation inside a quantified
    group (`(a+)+`, `(a|a)*`: exponential), at most one long repeat (`.*a.*b.*c`: a power of
    the length per repeat), no back-reference, look-around or conditional (re2's own limits)."""
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    repeats = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT}
    refused = {sre_parse.GROUPREF, sre_parse.GROUPREF_EXISTS, sre_parse.ASSERT, sre_parse.ASSERT_NOT}
    long_repeats = 0

    def walk(items, inside_repeat: bool) -> bool:
        nonlocal long_repeats
        for op, arg in items:
            if op in refused:
                return False
            if op in repeats:
                _, high, sub = arg
                if high == sre_parse.MAXREPEAT or high > LONG_REPEAT:
                    long_repeats += 1
                if inside_repeat or (high != 0 and not walk(sub, True)):
                    return False
            elif op == sre_parse.SUBPATTERN:
                if not walk(arg[-1], inside_repeat):
                    return False
            elif op == sre_parse.BRANCH:
                if inside_repeat or not all(walk(branch, inside_repeat) for branch in arg[1]):
                    return False
            elif op == sre_parse.ATOMIC_GROUP and not walk(arg, inside_repeat):
                return False
        return True

    return walk(parsed, False) and long_repeats <= 1


def _leaf(item: list, where: str) -> Leaf:
    op, name, clauses = item[0], item[1], item[2]
    name = _dimension(name, where)
    if dimension_kind(name) == "time":
        raise _bad("invalid_filter", f"{where}: time dimensions cannot be filtered; set date_range instead")
    if name == "event:goal" and op not in ("is", "contains"):
        raise _bad("invalid_filter", f"{where}: event:goal takes only the is and contains operators")
    if not isinstance(clauses, list) or not clauses or len(clauses) > MAX_CLAUSES:
        raise _bad("invalid_filter", f"{where}: clauses are a list of 1 to {MAX_CLAUSES} values")
    values = []
    for value in clauses:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _bad("invalid_filter", f"{where}: clauses are strings")
        text = str(value)
        if len(text) > MAX_VALUE:
            raise _bad("invalid_filter", f"{where}: a clause has at most {MAX_VALUE} characters")
        if op in ("matches", "matches_not") and (len(text) > MAX_PATTERN or not _bounded(text)):
            raise _bad(
                "unsupported_pattern",
                f"{where}: that regular expression is refused: at most {MAX_PATTERN} characters, no "
                "quantifier or alternation inside a repeated group, at most one unbounded repeat (.*, +), "
                "no back-references or look-arounds (its run time must stay short); contains and "
                "several filters say most of the rest",
            )
        values.append(text)
    case_sensitive = True
    if len(item) == 4:
        modifiers = item[3]
        if not isinstance(modifiers, dict) or set(modifiers) - {"case_sensitive"}:
            raise _bad("invalid_filter", f"{where}: the modifiers object takes case_sensitive only")
        flag = modifiers.get("case_sensitive", True)
        if not isinstance(flag, bool):
            raise _bad("invalid_filter", f"{where}: case_sensitive is true or false")
        if not flag and op not in ("is", "is_not", "contains", "contains_not", "matches", "matches_not"):
            raise _bad("invalid_filter", f"{where}: case_sensitive applies to is, contains and matches")
        case_sensitive = flag
    return Leaf(op, name, tuple(values), case_sensitive)


def parse_filter(item: object, where: str = "filters", depth: int = 0, top: bool = True):
    """A filter; `top` while only `and` stands between it and the query's list of filters, or
    inside has_done/has_not_done: the only places a goal can be filtered, as in Plausible (a goal
    under `or` or `not` has no conversion rate: its base would be the goal itself)."""
    if depth > 10:
        raise _bad("invalid_filter", f"{where}: filters nest at most 10 deep")
    if not isinstance(item, list) or not item or not isinstance(item[0], str):
        raise _bad("invalid_filter", f'{where}: a filter is ["is", dimension, [values]] or ["and", [filters]]')
    op = item[0]
    if op in OPERATORS:
        if len(item) not in (3, 4):
            raise _bad("invalid_filter", f"{where}: [{op!r}, dimension, [values]] with an optional modifiers object")
        if item[1] == "segment":
            raise _bad("unsupported_filter", f"{where}: segments are not supported: footfall has no saved segments")
        if item[1] == "event:goal" and not top:
            raise _bad("invalid_filter", f"{where}: event:goal can only be filtered at the top level or in has_done")
        return _leaf(item, where)
    if op in ("and", "or"):
        if len(item) != 2 or not isinstance(item[1], list) or not item[1]:
            raise _bad("invalid_filter", f'{where}: ["{op}", [filters]]')
        return Logic(op, tuple(parse_filter(f, f"{where}.{op}", depth + 1, top and op == "and") for f in item[1]))
    if op in ("not", *BEHAVIOURAL):
        if len(item) != 2:
            raise _bad("invalid_filter", f'{where}: ["{op}", filter]')
        child = parse_filter(item[1], f"{where}.{op}", depth + 1, op in BEHAVIOURAL)
        if op in BEHAVIOURAL and not _event_only(child):
            raise _bad("invalid_filter", f"{where}: {op} takes filters on event dimensions")
        return Logic(op, (child,))
    raise _bad("invalid_filter", f"{where}: unknown filter operator {op[:40]!r}")


def _event_only(f) -> bool:
    if isinstance(f, Leaf):
        return dimension_kind(f.dimension) == "event"
    return all(_event_only(c) for c in f.children)


def _leaves(f):
    if isinstance(f, Leaf):
        yield f
    else:
        for child in f.children:
            yield from _leaves(child)


def _moment(text: object, name: str) -> datetime:
    if not isinstance(text, str) or len(text) > 40:
        raise _bad("invalid_date_range", f"date_range {name} must be an ISO 8601 date or date-time")
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _bad("invalid_date_range", f"date_range {name} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise _bad("invalid_date_range", f"date_range {name} needs its UTC offset, like 2024-01-01T12:00:00+02:00")
    if not 1970 <= moment.year <= 9998:
        raise _bad("invalid_date_range", f"date_range {name} must be from 1970 on")
    return moment


def _range(raw: object, today: str, now_ms: int, offset: int) -> tuple[str, str, int | None, int | None]:
    """(first day, last day, start ms, end ms) of a date_range."""
    if not (isinstance(raw, list) or (isinstance(raw, str) and raw)):
        # null, "", 0, false or {} would reach periods.day_range's dashboard default (7d):
        # Plausible refuses a date_range it cannot read, and so does this language.
        raise _bad("invalid_date_range", "date_range is a period like 7d or [from, to]")
    if raw == "24h":
        start = now_ms - 24 * 3600 * 1000
        return local_day(start, offset), local_day(now_ms, offset), start, now_ms
    if isinstance(raw, list) and len(raw) == 2 and all(isinstance(v, str) and "T" in v for v in raw):
        first, last = _moment(raw[0], "start"), _moment(raw[1], "end")
        start_ms = int(first.timestamp() * 1000)
        end_ms = int(last.timestamp() * 1000) + (999 if last.microsecond == 0 else 0)
        if start_ms > end_ms:
            raise _bad("invalid_date_range", "date_range starts after it ends")
        if end_ms - start_ms > periods.MAX_SPAN_DAYS * 86_400_000:
            raise _bad("invalid_date_range", f"a range may span at most {periods.MAX_SPAN_DAYS} days")
        return local_day(start_ms, offset), local_day(end_ms, offset), start_ms, end_ms
    if raw == "today":
        raw = "day"
    day_from, day_to, _ = periods.day_range(raw, today, field="date_range")
    return day_from, day_to, None, None


def parse(data: dict, site: str, today: str, now_ms: int, offset: int) -> Query:
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        raise _bad("invalid_query", f"unknown key {str(unknown[0])[:40]!r}: a query takes " + ", ".join(KEYS))
    metrics = data.get("metrics")
    if not isinstance(metrics, list) or not metrics or not all(isinstance(m, str) for m in metrics):
        raise _bad("invalid_metrics", "metrics is a list of at least one metric's name")
    for m in metrics:
        if m in REFUSED_METRICS:
            raise _bad("unsupported_metric", f"metrics: {m} is not supported: {REFUSED_METRICS[m]}")
        if m not in METRICS + EXTENSION_METRICS:
            raise _bad(
                "invalid_metrics", f"metrics: unknown metric {str(m)[:40]!r}; metrics may be " + ", ".join(METRICS)
            )
    if len(set(metrics)) != len(metrics):
        raise _bad("invalid_metrics", "metrics: each metric once")
    if "date_range" not in data:
        raise _bad("invalid_date_range", "date_range is required: a period like 7d or [from, to]")
    day_from, day_to, start_ms, end_ms = _range(data["date_range"], today, now_ms, offset)
    dims = data.get("dimensions", [])
    if not isinstance(dims, list):
        raise _bad("invalid_dimensions", "dimensions is a list")
    dims = [_dimension(d, "dimensions") for d in dims]
    if len(set(dims)) != len(dims) or sum(dimension_kind(d) == "time" for d in dims) > 1:
        raise _bad("invalid_dimensions", "dimensions: each dimension once, and at most one time dimension")
    raw_filters = data.get("filters", [])
    if not isinstance(raw_filters, list):
        raise _bad("invalid_filter", "filters is a list of filters")
    filters = tuple(parse_filter(f, f"filters[{n}]") for n, f in enumerate(raw_filters))
    leaves = [leaf for f in filters for leaf in _leaves(f)]
    with_goal = "event:goal" in dims or any(leaf.dimension == "event:goal" for leaf in leaves)
    with_page = "event:page" in dims or any(leaf.dimension == "event:page" for leaf in leaves)
    for m in metrics:
        if m in ("conversion_rate", "group_conversion_rate") and not with_goal:
            raise _bad("invalid_metrics", f"metrics: {m} needs an event:goal filter or dimension")
        if m in ("scroll_depth", "time_on_page") and not with_page:
            raise _bad("invalid_metrics", f"metrics: {m} needs an event:page filter or dimension")
        if m == "percentage" and not dims:
            raise _bad("invalid_metrics", "metrics: percentage needs dimensions")
        if m in SESSION_METRICS and any(dimension_kind(d) == "event" for d in dims):
            raise _bad("invalid_metrics", f"metrics: {m} cannot be mixed with event dimensions (as in Plausible)")
    include = data.get("include", {})
    if not isinstance(include, dict) or any(k not in INCLUDE for k in include):
        raise _bad("invalid_include", "include takes " + ", ".join(INCLUDE))
    if any(not isinstance(v, bool) for v in include.values()):
        raise _bad("invalid_include", "include's options are true or false")
    if include.get("time_labels") and not any(dimension_kind(d) == "time" for d in dims):
        raise _bad("invalid_include", "include.time_labels needs a time dimension")
    order = data.get("order_by")
    order_by: list[tuple[str, str]] = []
    if order is not None:
        if not isinstance(order, list):
            raise _bad("invalid_order_by", 'order_by is a list of [metric or dimension, "asc" or "desc"]')
        for entry in order:
            if (
                not isinstance(entry, list)
                or len(entry) != 2
                or entry[1] not in ("asc", "desc")
                or entry[0] not in metrics + dims
            ):
                raise _bad("invalid_order_by", "order_by entries are [a metric or dimension of the query, asc|desc]")
            order_by.append((entry[0], entry[1]))
    pagination = data.get("pagination", {})
    if not isinstance(pagination, dict) or set(pagination) - {"limit", "offset"}:
        raise _bad("invalid_pagination", "pagination is {limit, offset}")
    limit, offset_rows = pagination.get("limit", DEFAULT_LIMIT), pagination.get("offset", 0)
    for name, value, low in (("limit", limit, 1), ("offset", offset_rows, 0)):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 10_000_000:
            raise _bad("invalid_pagination", f"pagination.{name} is a whole number from {low}")
    site_id = data.get("site_id", site)
    if not isinstance(site_id, str) or not site_id or len(site_id) > MAX_SITE:
        raise _bad("invalid_site", "site_id is a host name")
    return Query(
        site_id.lower(),
        day_from,
        day_to,
        start_ms,
        end_ms,
        tuple(metrics),
        tuple(dims),
        filters,
        tuple(order_by),
        limit,
        offset_rows,
        dict(include),
        data["date_range"],
    )


def time_bucket(name: str, q: Query) -> str:
    """`time` as the bucket its range calls for: hours for a day or less, days up to two
    months, months beyond."""
    if name != "time":
        return name
    days = (date.fromisoformat(q.day_to) - date.fromisoformat(q.day_from)).days
    if days == 0:
        return "time:hour"
    return "time:day" if days <= 62 else "time:month"


def day_bucket(name: str, day: str, first: str) -> str:
    """The time:day, time:week or time:month label of a stored day (a row's own day, never
    one worked out again from its time at today's UTC offset; hours: series.hour_label). A week
    the range starts inside of is named by the range's `first` day, as Plausible names it."""
    start = series.bucket_start(day, name.removeprefix("time:"))
    return max(start, first) if name == "time:week" else start


def labels(name: str, q: Query) -> list[str]:
    """Every bucket of the range (include.time_labels)."""
    out: list[str] = []
    day = q.day_from
    while day <= q.day_to:
        if name == "time:hour":
            out += [f"{day} {h:02d}:00:00" for h in range(24)]
        else:
            label = day_bucket(name, day, q.day_from)
            if not out or out[-1] != label:
                out.append(label)
        day = shift_day(day, 1)
    return out
