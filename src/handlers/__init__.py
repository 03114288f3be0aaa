"""HTTP handlers: one module per kind of request, called by `entry.py`."""
