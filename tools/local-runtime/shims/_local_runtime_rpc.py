"""How the local runtime calls a method of a Python Durable Object (tools/local-runtime).

workerd calls every method of a Python entrypoint or Durable Object class the same way: each
JavaScript argument goes through the SDK's `python_from_rpc` (a JS Request becomes a
`workers.Request`, a plain object a dict), an awaitable result is awaited, and the result goes
back through `python_to_rpc` (a `workers.Response` becomes its JS Response, a dict a plain
object). This module does the same for durable-objects.mjs.
"""

import inspect

from workers import python_from_rpc, python_to_rpc

# The event handlers workerd also knows by their older names.
_ALIASES = {"fetch": "on_fetch", "alarm": "on_alarm"}


async def call_method(instance, name, args):
    method = getattr(instance, name, None)
    if method is None and name in _ALIASES:
        method = getattr(instance, _ALIASES[name], None)
    if name.startswith("_") or not callable(method):
        raise TypeError(f"Method {name} does not exist on {type(instance).__name__}")
    result = method(*[python_from_rpc(arg) for arg in args])
    if inspect.isawaitable(result):
        result = await result
    return python_to_rpc(result)
