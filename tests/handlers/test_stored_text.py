"""What visitor text becomes once stored and shown (issue 14, item 9): no control character
reaches a table (they were checked before percent-decoding), referrers lose user:pass@, the
proxy's hits cap their path, the dashboard and the history plot neutralise controls and
right-to-left overrides, and the CSV export leaves empty cells empty."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest

from support.inprocess import PERSON_HEADERS
from support.owner import BEARER

UUID = "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42"
CONTROLS = "".join(chr(c) for c in (*range(0x20), 0x7F, 0x85, 0x9B))


def no_controls(text: str) -> bool:
    return not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in text)


@pytest.mark.parametrize(
    "encoded, stored",
    [
        ("%1b%5b31mred%1b%5b0m", "[31mred [0m"),
        ("%07bell", "bell"),
        ("a%00b", "a b"),
        ("line%0d%0anext", "line next"),
        ("%c2%9b2J", "2J"),
        ("%1b%07%00", None),
        ("plain", "plain"),
    ],
    ids=["esc-sequence", "bel", "nul", "cr-lf", "c1-csi", "nothing-but-controls", "plain"],
)
def test_utm_values_are_checked_after_percent_decoding(app, encoded, stored):
    page = f"/?utm_source={encoded}&utm_campaign=spring"
    assert app.beacon("init", {"uuid": UUID, "page": page}).status == 204
    [row] = app.rows("SELECT utm_source, utm_campaign FROM pageviews")
    assert row == {"utm_source": stored, "utm_campaign": "spring"}


@pytest.mark.parametrize("char", list(CONTROLS), ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_no_control_character_reaches_any_table(app, char):
    encoded = quote(char, safe="")
    app.beacon(
        "init",
        {"uuid": UUID, "page": f"/p?utm_medium=x{encoded}y&utm_term={encoded}", "referrer": "https://r.example/"},
    )
    app.beacon(
        "event",
        {"uuid": UUID, "type": "outbound", "url": "https://o.example/", "anchor_text": f"a{char}b", "page": "/p"},
    )
    app.get(f"/{encoded}x", headers={**PERSON_HEADERS, "sec-fetch-dest": "document"})
    for table, rows in app.snapshot().items():
        for row in rows:
            for value in row:
                assert not isinstance(value, str) or no_controls(value), (table, row)


@pytest.mark.parametrize(
    "referrer, stored",
    [
        ("https://user:secret@news.example/story?id=1", "https://news.example/story"),
        ("https://token@news.example/", "https://news.example/"),
        ("https://user:pw@News.Example:8443/a", "https://news.example:8443/a"),
        ("http://user:pw@[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080/x"),
        ("https://news.example:99999/", None),
    ],
    ids=["user-and-password", "user-only", "port-kept", "ipv6", "bad-port"],
)
def test_referrers_lose_their_user_name_and_password(app, referrer, stored):
    assert app.beacon("init", {"uuid": UUID, "page": "/", "referrer": referrer}).status == 204
    [row] = app.rows("SELECT referrer FROM pageviews")
    assert row["referrer"] == stored
    assert "secret" not in app.dump() and "user" not in (row["referrer"] or "")


@pytest.mark.parametrize("length, stored", [(2048, 2048), (2049, 2048), (14_006, 2048)])
def test_the_proxys_hits_cap_their_path_like_page_loads(app, length, stored):
    path = "/" + "a" * (length - 1)
    app.origin.pages[path] = (200, {"content-type": "text/html"}, b"<html><head></head></html>")
    assert app.get(path, headers={**PERSON_HEADERS, "sec-fetch-dest": "document"}).status == 200
    [row] = app.rows("SELECT length(path) AS n FROM hits")
    assert row["n"] == stored


def test_right_to_left_overrides_are_neutralised_on_the_dashboard(app):
    page = "/invoice-\u202egpj.exe"
    assert app.beacon("init", {"uuid": UUID, "page": page}).status == 204
    html = app.get("/_ff/dashboard?period=today", headers=BEARER).text()
    assert "invoice-" in html
    for char in ("\u202e", "\u202d", "\u2066", "\u200f"):
        assert char not in html


@pytest.mark.parametrize("encoded", ["%1b%5b2J", "%00", "a%0bb", "%c2%85", "%e2%80%ae"])
def test_the_history_plot_is_a_well_formed_svg_whatever_its_path(app, encoded):
    reply = app.get(f"/_ff/history/{encoded}.svg", headers=BEARER)
    assert reply.status == 200
    svg = reply.text()
    ET.fromstring(svg)  # raises on a character XML 1.0 does not allow
    assert no_controls(svg.replace("\n", ""))


def test_csv_export_leaves_empty_cells_empty(app):
    assert app.beacon("init", {"uuid": UUID, "page": "/"}).status == 204
    app.store.con.execute("UPDATE pageviews SET referrer_host = '', browser = '', utm_term = ''")
    reply = app.get("/_ff/api/v1/export?table=pageviews&period=today", headers=BEARER)
    [row] = list(csv.DictReader(io.StringIO(reply.text())))
    assert (row["referrer_host"], row["browser"], row["utm_term"]) == ("", "", "")


@pytest.mark.parametrize("text", ["\t=1+1", "\r=1+1"])
def test_csv_export_defuses_a_formula_behind_a_tab_or_carriage_return(app, text):
    assert app.beacon("init", {"uuid": UUID, "page": "/"}).status == 204
    app.store.con.execute("UPDATE pageviews SET utm_term = ?", (text,))
    reply = app.get("/_ff/api/v1/export?table=pageviews&period=today", headers=BEARER)
    [row] = list(csv.DictReader(io.StringIO(reply.text())))
    assert row["utm_term"] == "'" + text


def test_a_page_load_with_a_c1_control_in_its_path_is_refused(app):
    reply = app.beacon("init", {"uuid": UUID, "page": "/a\u009bb"})
    assert reply.status == 400 and json.loads(reply.text())["error"] == "invalid_page"
