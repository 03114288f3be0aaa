"""Local stand-in for workerd's `_cloudflare_compat_flags` module.

In production workerd generates this module from the Worker's compatibility flags.
The `workers` SDK only reads a few of them; every flag reads False here, which is
what a Worker without extra `compatibility_flags` in wrangler.toml gets.
"""


def __getattr__(name: str) -> bool:
    return False
