"""Escaping text for HTML and SVG. The stdlib's html module would do, but importing it loads
html.entities (a 20 ms import in Pyodide) for the unescaping footfall never does."""

_REPLACEMENTS = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def escape(text) -> str:
    """Text safe inside an element or a quoted attribute (the same five characters as html.escape)."""
    text = str(text)
    for char, entity in _REPLACEMENTS:
        text = text.replace(char, entity)
    return text
