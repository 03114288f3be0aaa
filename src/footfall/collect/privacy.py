"""The visitor's own privacy signals, read from request headers.

Browsers send `DNT: 1` (Do Not Track) and `Sec-GPC: 1` (Global Privacy Control,
https://privacycg.github.io/gpc-spec/) with every request, beacons included, so the server
can honour them without the tracker spending bytes on it. Honoured by default (HONOUR_DNT).
"""


def asks_not_to_be_tracked(headers: dict[str, str]) -> bool:
    return headers.get("dnt", "").strip() == "1" or headers.get("sec-gpc", "").strip() == "1"
