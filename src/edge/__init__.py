"""The edge: the only package that touches the runtime's JS objects (`js`, `pyodide`).

requests.py turns the JS Request into app.http.Request, responses.py turns app.http.Response
back into a JS Response, d1.py is the store port on D1, origin.py the origin port on fetch,
tasks.py the background port on ctx.waitUntil.
"""
