"""The dashboard at phone width (issue 14, item 12): table cells broke words anywhere
(`word-break: break-all`) and a narrow first column stacked dates one character per line.
Rendered in process, laid out by real Chromium at 360 px."""

import pytest

from support.inprocess import InProcess
from support.owner import BEARER, DASHBOARD_TOKEN

# For every text cell: where the lines break (the character that starts each new line).
LINE_STARTS = """cell => {
  const text = cell.textContent, starts = [], range = document.createRange();
  let top = null;
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  let offset = 0, node;
  while ((node = walker.nextNode())) {
    for (let i = 0; i < node.length; i++) {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const rect = range.getClientRects()[0];
      if (rect && rect.width > 0) {
        if (top !== null && rect.top > top + 2) starts.push(offset + i);
        top = rect.top;
      }
    }
    offset += node.length;
  }
  return {text, starts, width: cell.getBoundingClientRect().width};
}"""


@pytest.fixture(scope="module")
def dashboard_html():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN})
    for n in range(5):
        uuid = f"00000000-0000-4000-8000-{n:012d}"
        page = f"/blog/2026/a-rather-long-post-title-number-{n}/"
        app.beacon("init", {"uuid": uuid, "page": page, "referrer": "https://www.example-referrer.com/a/b"})
    return app.get("/_ff/dashboard?period=7d", headers=BEARER).text()


@pytest.fixture
def phone(context, dashboard_html):
    page = context.new_page()
    page.set_viewport_size({"width": 360, "height": 800})
    page.set_content(dashboard_html)
    return page


def test_dates_in_tables_stay_on_one_line(phone):
    heights = phone.eval_on_selector_all(
        "td",
        """cells => cells.filter(c => /^\\d{4}-\\d{2}-\\d{2}$/.test(c.textContent.trim()))
                        .map(c => [c.getBoundingClientRect().height, parseFloat(getComputedStyle(c).lineHeight)])""",
    )
    assert heights, "the coverage table lists days"
    for height, line in heights:
        assert height < 2 * line, (height, line)


def test_headers_and_short_words_are_never_cut_inside(phone):
    for cell in phone.query_selector_all("th, td"):
        found = cell.evaluate(LINE_STARTS)
        text = found["text"]
        for start in found["starts"]:
            before, after = text[:start], text[start:]
            if cell.evaluate("c => c.tagName") == "TH":
                assert before.endswith(" "), (text, start)  # headers wrap between words only
            else:
                # A value may wrap where it must, but never inside a run of letters that had room.
                assert not (before[-1:].isalpha() and after[:1].isalpha()) or len(max(text.split(), key=len)) > 12, (
                    text,
                    start,
                )


def test_nothing_is_wider_than_the_phone(phone):
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 360
