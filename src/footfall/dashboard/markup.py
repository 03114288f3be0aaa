"""Escaping text for HTML and SVG. The stdlib's html module would do, but importing it loads
html.entities (a 20 ms import in Pyodide) for the unescaping footfall never does.

Beyond the five characters that change meaning, text a visitor sent is neutralised: C0 and C1
controls and DEL become Unicode's control pictures (U+2400..), because XML 1.0 forbids them
even as character references (an SVG holding one is not a document) and a reader should see
that they were there; bidirectional formatting characters (U+202A..E, U+2066..9, U+200E/F,
U+061C) become U+FFFD, because they reorder the text around them on the dashboard ("RLO
gpj.exe" shows as "exe.jpg"). See https://www.w3.org/TR/xml/#charsets and
https://unicode.org/reports/tr9/#Explicit_Directional_Formatting_Characters.
"""

_REPLACEMENTS = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))
_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_NEUTRAL = {
    **{c: 0x2400 + c for c in range(0x20)},  # NUL -> U+2400, ESC -> U+241B, ...
    0x7F: 0x2421,  # DEL
    **{c: 0xFFFD for c in range(0x80, 0xA0)},  # C1 controls: no pictures of their own
    **{c: 0xFFFD for c in _BIDI},
}


def neutralise(text: str) -> str:
    """`text` with every control and bidirectional formatting character made harmless."""
    return text.translate(_NEUTRAL)


def escape(text) -> str:
    """Text safe inside an element or a quoted attribute (the same five characters as
    html.escape), with controls and bidi formatting characters neutralised."""
    text = neutralise(str(text))
    for char, entity in _REPLACEMENTS:
        text = text.replace(char, entity)
    return text


# Cells and blocks the owner's pages share (footfall/dashboard/render.py, footfall/dashboard/panels.py).


def number(value) -> str:
    return "–" if value is None else f"{value:,}"


def percent(value, digits: int = 0) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f} %"


def duration(value) -> str:
    if value is None:
        return "–"
    return f"{value // 60}m {value % 60:02d}s" if value >= 60 else f"{value}s"


def table(headers: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    """Cells are HTML already (escaped by the caller); headers are text."""
    if not rows:
        return '<p class="muted">Nothing yet.</p>'
    head = "".join(f'<th class="{"n" if i >= numeric_from else ""}">{escape(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{"n" if i >= numeric_from else ""}">{cell}</td>' for i, cell in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def section(title: str, content: str, wide: bool = False) -> str:
    return f'<section class="{"wide" if wide else ""}"><h2>{escape(title)}</h2>{content}</section>'
