"""tools/site/inject.mjs: deploy-time tag injection for the static-assets mode."""

import hashlib
import subprocess
from pathlib import Path

from support.processes import ROOT

TAG = '<script defer src="/_ff/script.js"></script>'
PAGES = {
    "index.html": "<!doctype html><html><head><title>home</title></head><body>home</body></html>\n",
    "blog/post/index.html": "<html><head>\n<meta charset=utf-8><title>Ça — ✓</title>\n</head><body>x</body></html>",
    "no-head.html": "<!doctype html><title>t</title><body>implicit head</body>",
    "fragment.html": "<p>a partial, not a page</p>",
    "tagged.html": '<html><head><script defer src="/_ff/script.js?v=2" data-x="1"></script></head><body></body></html>',
    "tagged-in-body.html": '<html><head></head><body><script src="https://example.org/_ff/script.js"></script></body></html>',
    "UPPER.HTM": "<HTML><HEAD><TITLE>old</TITLE></HEAD><BODY></BODY></HTML>",
}
OTHER = {
    "style.css": b"body{}",
    "img/logo.png": bytes(range(256)),
    "page.html.gz": b"\x1f\x8b\x08\x00not really gzip",
    "notes.txt": b"<head></head> is text here",
}


def make_site(root: Path) -> Path:
    for name, text in PAGES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    for name, data in OTHER.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def inject(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["node", "tools/site/inject.mjs", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_pages_get_the_tag_before_head_end_and_everything_else_is_identical(tmp_path):
    src = make_site(tmp_path / "src")
    before = tree(src)
    result = inject(str(src), str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert tree(src) == before  # the source is never touched
    assert set(tree(out)) == set(before)
    assert (out / "index.html").read_text() == PAGES["index.html"].replace("</head>", TAG + "</head>")
    assert (out / "blog/post/index.html").read_text() == PAGES["blog/post/index.html"].replace(
        "</head>", TAG + "</head>"
    )
    assert (out / "UPPER.HTM").read_text() == PAGES["UPPER.HTM"].replace("</HEAD>", TAG + "</HEAD>")
    assert (out / "no-head.html").read_text() == PAGES["no-head.html"].replace("<body>", TAG + "<body>")
    for untouched in ["fragment.html", "tagged.html", "tagged-in-body.html"]:
        assert (out / untouched).read_text() == PAGES[untouched], untouched
    for name, data in OTHER.items():
        assert (out / name).read_bytes() == data, name
    assert "tagged 4 of 7 HTML pages" in result.stdout
    assert "2 already had it" in result.stdout


def test_injection_is_idempotent(tmp_path):
    src = make_site(tmp_path / "src")
    assert inject(str(src), str(tmp_path / "out")).returncode == 0
    first = tree(tmp_path / "out")
    again = inject(str(tmp_path / "out"), str(tmp_path / "out2"))
    assert again.returncode == 0
    assert "tagged 0 of 7" in again.stdout
    assert tree(tmp_path / "out2") == first
    # Rebuilding into the same OUT_DIR replaces it: files gone from the source are gone.
    (src / "notes.txt").unlink()
    assert inject(str(src), str(tmp_path / "out")).returncode == 0
    assert tree(tmp_path / "out") == {k: v for k, v in first.items() if k != "notes.txt"}


def test_prefix_and_attributes(tmp_path):
    src = make_site(tmp_path / "src")
    result = inject(
        str(src), str(tmp_path / "out"), "--prefix", "/stats/", "--attr", "data-site=blog", "--attr", 'data-note=a"<b'
    )
    assert result.returncode == 0, result.stderr
    tag = '<script defer src="/stats/script.js" data-site="blog" data-note="a&quot;&lt;b"></script>'
    assert (tmp_path / "out/index.html").read_text() == PAGES["index.html"].replace("</head>", tag + "</head>")
    # A tag for another prefix does not count as footfall's.
    assert tag in (tmp_path / "out/tagged.html").read_text()


def test_refuses_an_output_that_would_overwrite_the_source(tmp_path):
    src = make_site(tmp_path / "src")
    before = tree(src)
    for out in [src, src / "out", tmp_path]:
        result = inject(str(src), str(out))
        assert result.returncode == 2, out
    assert inject(str(src)).returncode == 2
    assert inject(str(src), str(tmp_path / "o"), "--attr", "bad name=x").returncode == 2
    assert tree(src) == before


def test_not_found_pages_at_any_depth_stay_untagged_and_a_stray_head_end_does_not_hide_the_head(tmp_path):
    src = tmp_path / "src"
    pages = {
        "404.html": "<html><head></head><body>not found</body></html>",
        "docs/old/404.html": "<html><head></head><body>not found here either</body></html>",
        # "</head>" only inside a script string and no real end tag (a minified page).
        "stray.html": '<!doctype html><html><head><title>x</title><body><script>document.write("</head>")</script>',
        # A second <html> inside SVG, no head or body: one tag only.
        "svg.html": "<html><svg><foreignObject><html><p>x</p></html></foreignObject></svg></html>",
    }
    for name, text in pages.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    result = inject(str(src), str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    for name in ("404.html", "docs/old/404.html"):
        assert (out / name).read_text() == pages[name], name
    assert (out / "stray.html").read_text().count(TAG) == 1
    assert (out / "stray.html").read_text().startswith(f"<!doctype html><html><head>{TAG}<title>")
    assert (out / "svg.html").read_text().count(TAG) == 1
