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
    script with the same src came before it."""
    rewriter_class = getattr(js, "HTMLRewriter", None)
    if rewriter_class is None:  # a runtime without HTMLRewriter: the page as it is
        return js_response
    src = tag.split('src="', 1)[1].split('"', 1)[0]
    present = []

    def seen_script(element):
        present.append(True)

    def head_end(end):
        if not present:
            end.before(tag, _HTML)
        # Both element callbacks have done their work once <head> ends: free them now.
        script_proxy.destroy()
        head_proxy.destroy()

    def head(element):
        element.onEndTag(create_once_callable(head_end))

    script_proxy = create_proxy(seen_script)
    head_proxy = create_proxy(head)
    js_response.headers.delete("content-length")  # the length changes
    rewriter = rewriter_class.new()
    rewriter.on(f'script[src$="{src}"]', to_js({"element": script_proxy}, dict_converter=Object.fromEntries))
    rewriter.on("head", to_js({"element": head_proxy}, dict_converter=Object.fromEntries))
    return rewriter.transform(js_response)
