"""app.http.Response -> JS Response, made with the JS constructor directly (no SDK layers).

A body that is an `Opaque` stream passes through untouched. `inject_head` is applied with
the runtime's HTMLRewriter (lol-html, streaming: the page is never buffered): the tag goes
at the end of <head>, unless the page already loads the same script.
"""

import js
from js import Object, Response
from pyodide.ffi import create_once_callable, create_proxy, to_js

from app.http import Opaque
from app.http import Response as PlainResponse

# The most frequent answer, its options built once: a Response only reads them.
_NO_CONTENT = to_js({"status": 204, "headers": {"cache-control": "no-store"}}, dict_converter=Object.fromEntries)


_HTML = to_js({"html": True}, dict_converter=Object.fromEntries)


def to_js_response(response: PlainResponse):
    if response.status == 204 and response.body is None and response.headers.pairs == [("cache-control", "no-store")]:
        return Response.new(None, _NO_CONTENT)
    body: object = response.body
    if isinstance(body, Opaque):
        body = body.handle
    elif isinstance(body, bytes):
        body = to_js(body)
    init = to_js(
        {"status": response.status, "headers": [list(p) for p in response.headers.pairs]},
        dict_converter=Object.fromEntries,
    )
    js_response = Response.new(body, init)
    if response.inject_head is not None:
        js_response = inject(js_response, response.inject_head)
    return js_response


def inject(js_response, tag: str):
    """Stream `js_response` through HTMLRewriter, adding `tag` at the end of <head> unless a
    script with the same src came before it.

    A page whose <head> has no end tag (minifiers drop optional tags; lol-html then never calls
    the end-tag handler, in workerd too) gets the tag at the end of the document instead, unless
    it loaded the script anywhere. A file with no <html>, <head> or <body> tag at all (a search
    engine's verification file, a partial) is left as it is.

    The handlers live until the end of the document: the rewriter calls the script handler for
    every matching element, in <body> too, and calling a freed proxy errors the stream (the page
    was cut short where the body loaded the tracker). A response the client abandons never
    reaches its end, and its four proxies stay allocated: a few hundred bytes per aborted page."""
    rewriter_class = getattr(js, "HTMLRewriter", None)
    if rewriter_class is None:  # a runtime without HTMLRewriter: the page as it is
        return js_response
    src = tag.split('src="', 1)[1].split('"', 1)[0]
    seen = {"script": False, "page": False, "done": False}

    def seen_script(element):
        seen["script"] = True

    def seen_page(element):
        seen["page"] = True

    def head_end(end):
        if not seen["script"] and not seen["done"]:
            end.before(tag, _HTML)
            seen["done"] = True

    def head(element):
        seen["page"] = True
        element.onEndTag(create_once_callable(head_end))

    def document_end(end):
        if seen["page"] and not seen["script"] and not seen["done"]:
            end.append(tag, _HTML)  # a defer script after the last byte still runs
        for proxy in proxies:
            proxy.destroy()

    proxies = [create_proxy(f) for f in (seen_script, seen_page, head, document_end)]
    script_proxy, page_proxy, head_proxy, end_proxy = proxies
    js_response.headers.delete("content-length")  # the length changes
    rewriter = rewriter_class.new()
    rewriter.on(f'script[src$="{src}"]', _handlers({"element": script_proxy}))
    rewriter.on("head", _handlers({"element": head_proxy}))
    rewriter.on("html", _handlers({"element": page_proxy}))
    rewriter.on("body", _handlers({"element": page_proxy}))
    rewriter.onDocument(_handlers({"end": end_proxy}))
    return rewriter.transform(js_response)


def _handlers(handlers: dict):
    return to_js(handlers, dict_converter=Object.fromEntries)
