"""The isolate's short memory (footfall/collect/recent.py): windows, bounds, and no address kept."""

from footfall.collect import recent


def test_a_tally_counts_within_its_window_and_starts_again_after():
    tally = recent.Tally(60_000, 100)
    assert [tally.add("a", 1_000 + n) for n in range(3)] == [1, 2, 3]
    assert tally.count("a", 59_999) == 3 and tally.count("b", 59_999) == 0
    assert tally.count("a", 60_000) == 0 and tally.add("a", 60_000) == 1


def test_distinct_counts_different_values_up_to_its_cap():
    seen = recent.Distinct(60_000, 100, cap=3)
    assert [seen.add("net", v, 5) for v in ("x", "x", "y", "z", "w", "v")] == [1, 1, 2, 3, 3, 3]


def test_at_most_max_keys_are_kept_least_recently_used_first():
    tally = recent.Tally(60_000, 3)
    for key in ("a", "b", "c"):
        tally.add(key, 0)
    tally.add("a", 1)  # used again: "b" is now the oldest
    tally.add("d", 2)
    assert len(tally) == 3
    assert tally.count("b", 3) == 0 and tally.count("a", 3) == 2


def test_no_address_is_held_in_memory():
    tally = recent.Tally(60_000, 10)
    tally.add(recent.network_of("203.0.113.77"), 0)
    assert b"203.0.113" not in repr(tally._entries).encode()


def test_networks_are_one_ipv4_address_or_an_ipv6_64():
    assert recent.network_of("203.0.113.77") == "203.0.113.77"
    assert recent.network_of("::ffff:203.0.113.77") == "203.0.113.77"
    assert recent.network_of("2001:db8:1:2:aaaa::1") == recent.network_of("2001:db8:1:2:bbbb::2") == "2001:db8:1:2::/64"
    assert recent.network_of("not an address") == "not an address"
