"""DASHBOARD_TOKEN must be hard to guess, not only 16 characters long (issue 14, item 5):
repeats, runs and repeated patterns are refused with a message that says how to make one."""

import secrets

import pytest

from footfall.auth import MIN_TOKEN_BITS, token_bits
from footfall.errors import ConfigError
from footfall.settings import parse_settings, parse_token

WEAK = [
    "aaaaaaaaaaaaaaaa",
    "abcdefghijklmnop",
    "0123456789abcdef",
    "abababababababab",
    "aaaaaaaabbbbbbbb",
    "0000000000000001",
    "zyxwvutsrqponmlk",
    "1234567812345678",
    "a" * 300,
]
STRONG = [
    "test-dashboard-token-0123456789",
    "dev-dashboard-token-change-me",
    "ce92303a89e70625",
    "1ugjqOagWJOiuiVV",
    secrets.token_hex(24),
    secrets.token_urlsafe(24),
]


@pytest.mark.parametrize("token", WEAK)
def test_a_token_of_repeats_runs_or_patterns_is_refused_with_how_to_make_one(token):
    with pytest.raises(ConfigError) as refused:
        parse_token(token)
    assert refused.value.setting == "DASHBOARD_TOKEN"
    assert "openssl rand -hex 24" in str(refused.value) and "wrangler secret put" in str(refused.value)


@pytest.mark.parametrize("token", STRONG)
def test_random_and_ordinary_tokens_are_accepted(token):
    assert parse_token(token) == token


def test_a_weak_token_closes_the_dashboard_and_names_the_variable():
    settings = parse_settings({"DASHBOARD_TOKEN": "aaaaaaaaaaaaaaaa"})
    assert settings.dashboard_token is None
    assert settings.problem is not None and settings.problem.setting == "DASHBOARD_TOKEN"


def test_what_openssl_rand_hex_24_makes_always_passes():
    assert all(token_bits(secrets.token_hex(24)) > 3 * MIN_TOKEN_BITS for _ in range(2000))


def test_sixteen_random_hex_digits_almost_always_pass():
    refused = sum(token_bits(secrets.token_hex(8)) < MIN_TOKEN_BITS for _ in range(20_000))
    assert refused < 40  # only all-digit draws: (10/16)^16 is 0.05 %
