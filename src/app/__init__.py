"""The Worker's plain-Python HTTP layer: requests, responses, the route table and the
context handlers receive. Nothing here imports `js`; `edge/` converts at the boundary."""
