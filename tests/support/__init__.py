"""Helpers the tests share: start the local runtime and the demo origin, read D1 back."""
