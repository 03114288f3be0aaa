"""The route table: every footfall endpoint under the prefix, its methods, handler and who
may call it. Everything else is the site's and goes to the proxy (handlers/proxy.py).
app/routing.py applies the table; openapi.yaml documents it."""

from app.access import Access
from app.routing import Route
from handlers import api, collect, copying, dashboard, goals, proxy, script

ROUTES: tuple[Route, ...] = (
    Route("init", ("POST",), collect.init, Access.BEACON),
    Route("heartbeat", ("POST",), collect.heartbeat, Access.BEACON),
    Route("event", ("POST",), collect.event, Access.BEACON),
    Route("script.js", ("GET", "HEAD"), script.serve, Access.PUBLIC),
    Route("dashboard", ("GET",), dashboard.show, Access.DASHBOARD),
    Route("login", ("GET", "POST"), dashboard.login, Access.PUBLIC),
    Route("logout", ("POST",), dashboard.logout, Access.PUBLIC),
    Route("history/{path}.svg", ("GET",), dashboard.history_plot, Access.HISTORY),
    Route("api/v1/query", ("GET", "POST"), api.query, Access.OWNER_OR_PUBLIC),
    Route("api/v1/export", ("GET",), api.export_csv, Access.OWNER),
    Route("goals", ("POST",), goals.change, Access.OWNER),
    Route("api/v1/copy", ("POST",), copying.copy, Access.OWNER),
)

SITE = proxy.forward
