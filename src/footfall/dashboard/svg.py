"""Inline SVG charts: no chart library, no third-party request, readable without JavaScript.
Every text that reaches the SVG is escaped (paths and values come from visitors)."""

from footfall.dashboard.markup import escape


def line_chart(points: list[tuple[str, float]], width: int = 720, height: int = 180, label: str = "") -> str:
    """A line with an area under it; x labels at both ends and the maximum marked."""
    pad_x, pad_y = 36, 20
    if not points:
        return (
            f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
            f'<text x="{width // 2}" y="{height // 2}" text-anchor="middle">no data</text></svg>'
        )
    top = max(v for _, v in points) or 1
    step = (width - 2 * pad_x) / max(len(points) - 1, 1)

    def xy(i, v):
        return pad_x + i * step, height - pad_y - (height - 2 * pad_y) * v / top

    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, (_, v) in enumerate(points)))
    first_x, _ = xy(0, 0)
    last_x, _ = xy(len(points) - 1, 0)
    base = height - pad_y
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3"><title>{escape(day)}: {value:g}</title></circle>'
        for (day, value), (x, y) in ((p, xy(i, p[1])) for i, p in enumerate(points))
    )
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">'
        f'<polygon class="area" points="{first_x:.1f},{base} {line} {last_x:.1f},{base}"/>'
        f'<polyline class="line" points="{line}"/>{dots}'
        f'<text x="{pad_x}" y="{height - 4}">{escape(points[0][0])}</text>'
        f'<text x="{width - pad_x}" y="{height - 4}" text-anchor="end">{escape(points[-1][0])}</text>'
        f'<text x="4" y="{pad_y - 6}">{top:g}</text></svg>'
    )


def history_badge(path: str, points: list[tuple[str, int]], width: int = 320, height: int = 60) -> str:
    """A standalone SVG (its own XML document) of a page's daily views: the call-history plot."""
    total = sum(v for _, v in points)
    top = max((v for _, v in points), default=0) or 1
    bar = (width - 10) / max(len(points), 1)
    bars = "".join(
        f'<rect x="{5 + i * bar:.1f}" y="{height - 5 - (height - 25) * v / top:.1f}" width="{max(bar - 1, 1):.1f}" '
        f'height="{(height - 25) * v / top:.1f}"><title>{escape(day)}: {v}</title></rect>'
        for i, (day, v) in enumerate(points)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"<style>text{{font:11px sans-serif;fill:#555}}rect{{fill:#3b7ddd}}</style>"
        f'<text x="5" y="13">{escape(path[:60])}: {total} views in {len(points)} days</text>{bars}</svg>'
    )
