"""The background port on ctx.waitUntil: work that runs on after the response went out."""


class WaitUntil:
    def __init__(self, js_ctx):
        self._ctx = js_ctx

    def defer(self, work) -> None:
        self._ctx.waitUntil(work)
