"""Media type, size and JSON checks of a collection request (footfall.collect.body)."""

import pytest

from footfall.collect.body import check_media_type, decode_object
from footfall.errors import Rejection


@pytest.mark.parametrize("value", ["application/json", "text/plain;charset=UTF-8", "Application/JSON; charset=utf-8"])
def test_beacon_media_types_are_accepted(value):
    check_media_type(value)


@pytest.mark.parametrize("value", [None, "", "text/html", "application/x-www-form-urlencoded", "application/jsonx"])
def test_other_media_types_are_415(value):
    with pytest.raises(Rejection) as info:
        check_media_type(value)
    assert info.value.status == 415


@pytest.mark.parametrize(
    "raw,code",
    [
        (b"", "bad_json"),
        (b"{", "bad_json"),
        (b"[]", "not_an_object"),
        (b"1", "not_an_object"),
        (b'{"a": NaN}', "bad_json"),
        (b'{"a": Infinity}', "bad_json"),
        (b"\xff", "bad_encoding"),
        (b" " * 4097, "body_too_large"),
    ],
    ids=["empty", "truncated", "array", "number", "nan", "infinity", "bad-utf8", "too-large"],
)
def test_bad_bodies(raw, code):
    with pytest.raises(Rejection) as info:
        decode_object(raw)
    assert info.value.code == code


def test_object_is_decoded():
    assert decode_object(b'{"uuid": "x", "n": 1}') == {"uuid": "x", "n": 1}
