"""The owner's pages as server-rendered HTML and inline SVG, from a report."""
