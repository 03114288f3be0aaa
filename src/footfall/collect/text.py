"""Text a visitor sent, made fit to store: one rule for paths' link texts, event properties and
Cloudflare's place names alike."""

import re

# C0 controls, DEL and C1 controls (U+0080..U+009F: U+009B is a terminal's CSI): never part
# of a real path, URL or link text we want to store. Nor is a lone UTF-16 surrogate, which JSON
# can spell ("\ud800") but no UTF-8 text can hold: storing it would fail.
CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Controls become spaces, runs of whitespace one space, the ends trimmed."""
    return " ".join(CONTROL_RE.sub(" ", value).split())
